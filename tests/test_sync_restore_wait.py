"""Guarantee 8 whatever order the laptops come back in after a server restore (docs/SYNC_PROTOCOL.md,
"Guarantee 8"): a resent op naming a record the restored server lost waits (``PushResponse.waiting``) until
the laptop that made the record has resent it, and is refused for good only after ``RESEND_WAIT_DAYS``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_support import Laptop, Server, content, family
from test_sync import COMMUNE, backup_server, restore_server, server_records

from dlso_desktop.services.people import PersonInput
from sync import local


@pytest.fixture
def pair(tmp_path: Path, server: Server) -> Iterator[tuple[Laptop, Laptop]]:
    a, b = (Laptop(tmp_path / f"{n}.sqlite", COMMUNE, server, n) for n in ("A", "B"))
    a.enroll()
    b.enroll()
    yield a, b
    a.close()
    b.close()


def _scenario(a: Laptop, b: Laptop, server: Server, tmp_path: Path) -> str:
    """B creates a household after the backup, A edits its head; the server goes back to the backup. Returns
    the head's id."""
    from datetime import date

    village = a.services.villages.create("Buôn Kô Tam", "buon")
    a.sync(), b.sync()
    backup_server(server, tmp_path)
    hh = b.services.households.create(family(village.id, head="Y Bhin Ênuôl", spouse="H'Lan Ênuôl"))
    b.sync(), a.sync()
    head = hh.members[0].id
    edit = PersonInput("Y Bhin Ênuôl", sex="male", birth_date=date(1980, 5, 1), relationship="head", phone="0905123456")
    a.services.persons.update(head, edit)
    a.sync(), b.sync()
    restore_server(server, tmp_path)
    return head


def test_an_edit_resent_before_its_record_waits_and_then_applies(
    pair: tuple[Laptop, Laptop], server: Server, tmp_path: Path
) -> None:
    a, b = pair
    head = _scenario(a, b, server, tmp_path)
    first = a.sync()  # A comes back first: its edit names a person the server lost
    assert first.waiting is not None and first.rejected == 0
    assert any("waits on the server" in n for n in first.notes)
    assert local.pending_count(a.db) == 1 and local.waiting_op(a.db) is not None
    again = a.sync()  # still waiting, nothing refused; the first round it waited is kept
    assert again.waiting == first.waiting and again.rejected == 0
    b.sync()  # B resends the household
    done = a.sync()
    assert done.waiting is None and done.applied == 1 and local.pending_count(a.db) == 0
    assert local.waiting_op(a.db) is None
    b.sync()
    assert server_records(server)[("person", head)][2]["phone"] == "0905123456"
    assert content(a.db) == content(b.db)


def test_a_resent_op_whose_record_never_comes_back_is_refused_after_the_wait(
    pair: tuple[Laptop, Laptop], server: Server, tmp_path: Path
) -> None:
    a, b = pair
    _scenario(a, b, server, tmp_path)
    assert a.sync().waiting is not None
    # B never comes back; the wait has lasted RESEND_WAIT_DAYS
    held = local.waiting_op(a.db)
    assert held is not None
    long_ago = datetime.now(UTC) - timedelta(days=local.RESEND_WAIT_DAYS, minutes=1)
    held["since"] = long_ago.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    import json

    local.set_meta(a.db, {local.WAITING: json.dumps(held)})
    result = a.sync()
    assert result.waiting is None and result.rejected == 1
    assert any("sent without waiting" in n for n in result.notes)
    (refused,) = local.rejected_changes(a.db)
    assert refused.reason.startswith("unknown_record:")
    assert local.pending_count(a.db) == 0


def test_a_server_missing_ops_this_laptop_no_longer_keeps_gets_the_rest_renumbered(
    pair: tuple[Laptop, Laptop], server: Server, tmp_path: Path
) -> None:
    """The server lost ops the laptop pruned already (answered more than 30 days ago), e.g. a laptop the
    restored server does not know, enrolled again: the ops it still keeps go out right after the server's last
    op instead of leaving a gap the server would wait on for ever."""
    a, b = pair
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    a.sync()
    backup_server(server, tmp_path)
    hh = a.services.households.create(family(village.id, head="Y Bhin Ênuôl", spouse="H'Lan Ênuôl"))
    a.sync()
    with a.db.reader() as conn:
        first_after = int(
            conn.exec_driver_sql("SELECT min(op_id) FROM outbox WHERE row_id = ?", (hh.household.id,)).scalar_one()
        )
        kept = int(conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE op_id >= ?", (first_after,)).scalar_one())
    with a.db.writer() as conn:  # pruned here: everything before the household
        conn.exec_driver_sql("DELETE FROM outbox WHERE op_id < ?", (first_after,))
    restore_server(server, tmp_path)
    from sqlalchemy import text

    with server.engine.begin() as conn:  # the server lost the device's ops (a device it lost, enrolled again)
        conn.execute(text("UPDATE device SET last_op_id = 0 WHERE id = :d"), {"d": a.db.device_id})
        conn.execute(text("DELETE FROM op_receipt WHERE device_id = :d"), {"d": a.db.device_id})
    result = a.sync()
    assert result.applied == kept and result.rejected == 0
    assert any("no longer kept here" in n for n in result.notes)
    with a.db.reader() as conn:
        assert int(conn.exec_driver_sql("SELECT min(op_id) FROM outbox").scalar_one()) == 1
    assert ("household", hh.household.id) in server_records(server)
    a.services.villages.rename(village.id, "Buôn Kô Tam 2")  # later ops follow on, no gap
    assert a.sync().applied == 1
    b.sync(), a.sync()
    assert content(a.db) == content(b.db)
