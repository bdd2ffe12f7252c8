"""A conflict resolved before a server restore stays resolved whatever order the laptops come back in
(SYNC.md guarantees 3 and 8; docs/SYNC_PROTOCOL.md, "Conflicts resent in another order").

After the restore every laptop resends what the server lost, and the server makes each resent update meet the
record as it did the first time: an edit made on a change the restore lost waits until that change is back,
and an edit that became a conflict since resolved (its resolution carries the value it met) waits until that
value is back, so it becomes the very same conflict and its resolution applies. The end is the same as if the
laptops had come back in their original order: the same records field for field, the same answers, no conflict
shown again. In-process, on SQLite and on PostgreSQL; tests/test_restore_drill.py does the same over HTTP with
``pg_dump``/``pg_restore``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sync_support import Laptop, Server, content, family
from test_sync import COMMUNE, backup_server, restore_server, server_records

from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.views import HouseholdDetail
from sync import local
from sync import protocol as P
from sync.engine import RoundResult

#: fields of a conflict record the server stamps with its own clock when it (re)creates or closes it
STAMPED = ("created_at", "updated_at")


@pytest.fixture
def laptops(tmp_path: Path, server: Server) -> Iterator[dict[str, Laptop]]:
    laps = {n: Laptop(tmp_path / f"{n}.sqlite", COMMUNE, server, n) for n in ("A", "B", "office")}
    for lap in laps.values():
        lap.enroll()
    yield laps
    for lap in laps.values():
        lap.close()


def person(name: str, **kw: Any) -> PersonInput:
    base: dict[str, Any] = {"sex": "male", "birth_date": date(1980, 5, 1), "relationship": "head"}
    base.update(kw)
    return PersonInput(name, **base)


def until_quiet(laps: list[Laptop], rounds: int = 8) -> list[list[RoundResult]]:
    """Every laptop syncs, in this order, round after round, until a whole round moves nothing."""
    history: list[list[RoundResult]] = []
    for _ in range(rounds):
        results = [lap.sync() for lap in laps]
        history.append(results)
        moved = sum(r.applied + r.duplicate + r.conflict + r.rejected + r.pulled for r in results)
        if moved == 0 and not any(r.reset for r in results) and all(r.waiting is None for r in results):
            return history
    raise AssertionError(f"the laptops still move data after {rounds} rounds: {history[-1]}")


def comparable(server: Server) -> dict[tuple[str, str], tuple[bool, dict[str, Any]]]:
    """The server's records field for field, without the clock stamps of conflict records."""
    out = {}
    for key, (_version, deleted, data) in server_records(server).items():
        skip = STAMPED if key[0] == P.CONFLICT_TABLE else ()
        out[key] = (deleted, {k: v for k, v in data.items() if k not in skip})
    return out


def answers(server: Server) -> set[tuple[str, int, str]]:
    """Every op's stored answer: (device, op id, status)."""
    with server.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT device_id, op_id, status FROM op_receipt").all()
    return {(str(d), int(o), str(s)) for d, o, s in rows}


def open_conflicts(server: Server) -> list[dict[str, Any]]:
    return [
        data
        for (table, _id), (_v, _d, data) in server_records(server).items()
        if table == P.CONFLICT_TABLE and data["status"] == "open"
    ]


def backed_up_family(first: Laptop, everyone: list[Laptop], server: Server, tmp_path: Path) -> HouseholdDetail:
    """A household made on ``first``, known to ``everyone`` and to the server, and then the server's backup
    (what the restore in each test goes back to)."""
    village = first.services.villages.create("Buôn Kô Tam", "buon")
    hh = first.services.households.create(family(village.id))
    until_quiet(everyone)
    backup_server(server, tmp_path)
    return hh


ORDERS = [pytest.param(order, id="-".join(order)) for order in itertools.permutations(("A", "B", "office"))]


@pytest.mark.parametrize("order", ORDERS)
def test_a_resolved_conflict_stays_resolved_whatever_order_the_laptops_resend_in(
    laptops: dict[str, Laptop], server: Server, tmp_path: Path, order: tuple[str, ...]
) -> None:
    a, b, office = laptops["A"], laptops["B"], laptops["office"]
    everyone = [a, b, office]
    hh = backed_up_family(a, everyone, server, tmp_path)

    # after the backup: A sets a phone; B, having seen it, changes it; the office, having not, sets another
    head = hh.members[0].id
    a.services.persons.update(head, person("Phạm Văn Khải", phone="0905123456"))
    a.sync(), b.sync()
    b.services.persons.update(head, person("Phạm Văn Khải", phone="0905000111", citizen_id="066080000123"))
    office.services.persons.update(head, person("Phạm Văn Khải", phone="0987654321"))
    b.sync()
    assert office.sync().conflict == 1  # the office's phone meets B's
    until_quiet(everyone)
    (opened,) = local.conflicts(office.db)
    assert (opened.server_value, opened.incoming_value) == ("0905000111", "0987654321")
    local.resolve_conflict(office.db, office.user_id, opened.id, "0987654321")
    with office.db.reader() as conn:
        (changes,) = conn.exec_driver_sql("SELECT changes FROM outbox WHERE kind = 'resolve'").one()
    # the resolution carries the value the office's edit met, for a server that has to replay it
    assert json.loads(changes) == {"value": "0987654321", "server_value": "0905000111"}
    until_quiet(everyone)
    before, answered = comparable(server), answers(server)
    laptops_before = content(office.db)
    assert not open_conflicts(server)

    restore_server(server, tmp_path)
    history = until_quiet([laptops[name] for name in order])

    assert all(r.rejected == 0 for results in history for r in results)
    assert comparable(server) == before  # the same records, field for field: the same conflict, resolved
    assert answers(server) == answered  # the office's edit is a conflict again, its resolution applied
    assert not open_conflicts(server)
    for lap in everyone:
        assert not local.conflicts(lap.db)  # nothing shown again to an operator
        assert local.rejected_changes(lap.db) == []
        assert local.pending_count(lap.db) == 0
        assert content(lap.db) == laptops_before
    assert server_records(server)[("person", head)][2]["phone"] == "0987654321"


@pytest.mark.parametrize("order", [("B", "office"), ("office", "B")], ids=["B-office", "office-B"])
def test_a_delete_resolved_against_an_edit_stays_resolved_whatever_order(
    laptops: dict[str, Laptop], server: Server, tmp_path: Path, order: tuple[str, ...]
) -> None:
    """The office edits a person B deleted meanwhile and then restores them: resent office first, its edit
    waits for B's delete, so it is the same edit-versus-delete conflict again and the restore applies."""
    b, office = laptops["B"], laptops["office"]
    hh = backed_up_family(b, [b, office], server, tmp_path)

    spouse = hh.members[1].id
    b.services.persons.delete(spouse)
    office.services.persons.update(
        spouse, person("Lê Thị Hoa", sex="female", relationship="spouse", phone="0911222333")
    )
    b.sync()
    assert office.sync().conflict == 1
    until_quiet([b, office])
    (opened,) = local.conflicts(office.db)
    assert opened.field == P.DELETED_FIELD
    local.resolve_conflict(office.db, office.user_id, opened.id, False)  # restore the person, with the edit
    until_quiet([b, office])
    before, answered = comparable(server), answers(server)
    assert before[("person", spouse)][0] is False and before[("person", spouse)][1]["phone"] == "0911222333"

    restore_server(server, tmp_path)
    history = until_quiet([laptops[name] for name in order])

    assert all(r.rejected == 0 for results in history for r in results)
    assert comparable(server) == before
    assert answers(server) == answered
    assert not open_conflicts(server)
    assert not local.conflicts(b.db) and not local.conflicts(office.db)
    assert content(b.db) == content(office.db)


def test_an_edit_made_on_a_change_no_laptop_resends_waits_and_then_is_a_conflict(
    laptops: dict[str, Laptop], server: Server, tmp_path: Path
) -> None:
    """B changed A's phone; after the restore A never comes back. B's edit waits for A's change (a conflict
    with the older value would be shown for nothing if A came back), and after ``RESEND_WAIT_DAYS`` it is sent
    as an ordinary op: a conflict for the operator, never silently dropped."""
    a, b = laptops["A"], laptops["B"]
    hh = backed_up_family(a, [a, b], server, tmp_path)
    head = hh.members[0].id
    a.services.persons.update(head, person("Phạm Văn Khải", phone="0905123456"))
    a.sync(), b.sync()
    b.services.persons.update(head, person("Phạm Văn Khải", phone="0905000111"))
    until_quiet([a, b])
    restore_server(server, tmp_path)

    first = b.sync()
    assert first.waiting is not None and first.rejected == 0 and first.conflict == 0
    held = local.waiting_op(b.db)
    assert held is not None and str(held["reason"]).startswith("lost_change:")
    assert local.pending_count(b.db) == 1
    assert b.sync().waiting == first.waiting  # still waiting, nothing refused, nothing applied
    assert server_records(server)[("person", head)][2]["phone"] is None  # as the backup had it
    assert not open_conflicts(server)

    long_ago = datetime.now(UTC) - timedelta(days=local.RESEND_WAIT_DAYS, minutes=1)
    held["since"] = long_ago.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    local.set_meta(b.db, {local.WAITING: json.dumps(held)})
    last = b.sync()
    assert last.waiting is None and last.conflict == 1 and last.rejected == 0
    (shown,) = local.conflicts(b.db)
    assert (shown.field, shown.incoming_value) == ("phone", "0905000111")
    assert local.pending_count(b.db) == 0
