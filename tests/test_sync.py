"""Sync guarantees (SYNC.md) with faults injected: laptops with real databases against the server app on a
real database, in-process. Each test names the guarantee it proves."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sync_support import AppTransport, Faults, Laptop, Server, content, family

from dlso_desktop.services.people import PersonInput
from sync import engine, local
from sync import protocol as P
from sync.transport import TransportError

COMMUNE = 24133


def backup_server(server: Server, tmp_path: Path) -> None:
    """A copy of the server database as it is now (SQLite: VACUUM INTO; PostgreSQL: a template copy)."""
    if server.url.startswith("sqlite"):
        import sqlite3

        src = sqlite3.connect(server.url.removeprefix("sqlite:///"))
        src.execute(f"VACUUM INTO '{tmp_path / 'server-backup.sqlite'}'")
        src.close()
        return
    server.engine.dispose()
    name = server.engine.url.database
    with _pg_admin(server) as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}_bak" TEMPLATE "{name}"')


def restore_server(server: Server, tmp_path: Path) -> None:
    """Disaster: the server database goes back to the backup."""
    server.engine.dispose()
    if server.url.startswith("sqlite"):
        path = Path(server.url.removeprefix("sqlite:///"))
        shutil.copy(tmp_path / "server-backup.sqlite", path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = server.engine.url.database
    with _pg_admin(server) as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{name}_bak"')
        conn.exec_driver_sql(f'DROP DATABASE "{name}_bak"')


def _pg_admin(server: Server) -> Any:
    from sqlalchemy import create_engine

    admin = create_engine(server.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    return admin.connect()


@pytest.fixture
def laptops(tmp_path: Path, server: Server) -> Iterator[list[Laptop]]:
    made = [Laptop(tmp_path / f"{n}.sqlite", COMMUNE, server, n) for n in ("A", "B", "office")]
    for lap in made:
        lap.enroll()
    yield made
    for lap in made:
        lap.close()


def server_records(server: Server) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
    with server.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT table_name, row_id, version, deleted, data FROM record").all()
    return {(t, r): (int(v), bool(d), json.loads(data)) for t, r, v, d, data in rows}


def receipts(server: Server) -> list[tuple[str, int, str]]:
    with server.engine.connect() as conn:
        return [
            (str(d), int(o), str(s))
            for d, o, s in conn.exec_driver_sql("SELECT device_id, op_id, status FROM op_receipt ORDER BY 1, 2")
        ]


def outbox(lap: Laptop) -> list[tuple[int, str | None]]:
    with lap.db.reader() as conn:
        return [(int(o), s) for o, s in conn.exec_driver_sql("SELECT op_id, status FROM outbox ORDER BY op_id")]


def converge(*laps: Laptop) -> None:
    """Everyone syncs twice (the second round brings what others pushed during the first)."""
    for _ in range(2):
        for lap in laps:
            lap.sync_until_done()


def assert_same(*laps: Laptop) -> None:
    first = content(laps[0].db)
    for lap in laps[1:]:
        other = content(lap.db)
        for table in first:
            assert other[table] == first[table], f"{lap.name} differs from {laps[0].name} in {table}"
    digests = local.local_digests(laps[0].db)
    assert laps[0].transport is not None
    answer = laps[0].transport.get(f"{P.PREFIX}/verify")
    assert {t: (d["count"], d["digest"]) for t, d in answer["tables"].items()} == digests


def person_input(name: str = "Phạm Văn Khải", **kw: Any) -> PersonInput:
    base: dict[str, Any] = {"sex": "male", "birth_date": date(1980, 5, 1), "relationship": "head"}
    base.update(kw)
    return PersonInput(name, **base)


def seeded(laps: list[Laptop]) -> tuple[str, str]:
    """A village and a household made on the first laptop and synced everywhere; (household id, head id)."""
    a = laps[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    hh = a.services.households.create(family(v.id))
    converge(*laps)
    return hh.household.id, hh.members[0].id


# ---------------------------------------------------------------------------------------------------------
# 1 + 2: exactly once, and convergence


def test_changes_reach_every_laptop_and_all_agree(laptops: list[Laptop]) -> None:
    a, b, office = laptops
    _hh_id, _ = seeded(laptops)
    v2 = b.services.villages.create("Thôn 3")
    b.services.households.create(family(v2.id, head="Y Mek Niê", spouse="H'Maryam Niê"))
    converge(*laptops)
    assert_same(*laptops)
    assert [h.id for h in office.services.search.search("y mek", kinds=("household",))]
    assert local.pending_count(a.db) == 0


@pytest.mark.parametrize("fault", ["drop_request", "drop_response", "duplicate"])
def test_every_change_arrives_exactly_once_whatever_the_network_does(
    laptops: list[Laptop], server: Server, fault: str
) -> None:
    a, b, _ = laptops
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    for i in range(30):
        a.services.households.create(family(v.id, head=f"Nguyễn Văn Số {i}"))
    setattr(a.faults, fault, 0.5)
    a.faults.rng = random.Random(7)
    failures = 0
    for _ in range(60):
        try:
            a.sync(batch_size=20)
            if local.pending_count(a.db) == 0:
                break
        except TransportError:
            failures += 1
    assert failures > 0 or fault == "duplicate", "the fault plan must really have cut some requests"
    assert local.pending_count(a.db) == 0
    ops = outbox(a)
    rec = receipts(server)
    assert [o for _d, o, _s in rec if _d == a.db.device_id] == [o for o, _ in ops]  # one answer per op
    assert all(s == "applied" for _o, s in ops)
    a.faults.drop_request = a.faults.drop_response = a.faults.duplicate = 0
    converge(a, b)
    households = [k for k in server_records(server) if k[0] == "household"]
    assert len(households) == 30
    assert_same(a, b)


def test_replayed_and_reordered_batches_are_answered_not_applied_twice(laptops: list[Laptop], server: Server) -> None:
    a = laptops[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(v.id))
    ops = local.pending_ops(a.db, 100)
    assert a.transport is not None
    shuffled = [o.model_dump(mode="json") for o in ops]
    random.Random(3).shuffle(shuffled)
    first = a.transport.post(f"{P.PREFIX}/push", {"ops": shuffled + shuffled[:2]})
    applied = [r["op_id"] for r in first["results"] if r["status"] == "applied"]
    assert applied == [o.op_id for o in ops]  # each once, in op-id order
    dups = [r for r in first["results"] if r["status"] == "duplicate"]
    assert sorted(r["op_id"] for r in dups) == sorted(o["op_id"] for o in shuffled[:2])
    assert {r["original_status"] for r in dups} == {"applied"}
    before = server_records(server)
    again = a.transport.post(f"{P.PREFIX}/push", {"ops": shuffled})
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert {r["original_status"] for r in again["results"]} == {"applied"}
    assert server_records(server) == before


def test_a_skipped_op_id_asks_for_a_resend_and_applies_nothing_after_it(laptops: list[Laptop], server: Server) -> None:
    a = laptops[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(v.id))
    ops = [o.model_dump(mode="json") for o in local.pending_ops(a.db, 100)]
    assert a.transport is not None
    answer = a.transport.post(f"{P.PREFIX}/push", {"ops": ops[2:]})
    assert answer["resend_from"] == ops[0]["op_id"]
    assert answer["results"] == []
    assert server_records(server) == {}
    a.sync()
    assert local.pending_count(a.db) == 0
    assert len([k for k in server_records(server) if k[0] != "app_user"]) == 4  # village, household, 2 persons


# ---------------------------------------------------------------------------------------------------------
# 3: concurrent edits of one field become conflicts; different fields merge


def test_same_household_edited_on_two_laptops_and_at_the_office(laptops: list[Laptop]) -> None:
    a, b, office = laptops
    _hh_id, head_id = seeded(laptops)
    a.services.persons.update(head_id, person_input(phone="0905123456"))  # phone on A
    b.services.persons.update(head_id, person_input(citizen_id="066080000123"))  # CCCD on B
    office.services.persons.update(head_id, person_input(phone="0987654321"))  # phone at the office too
    converge(*laptops)
    row = content(a.db)["person"][head_id]
    names = list(__import__("sync.fields", fromlist=["TABLES"]).TABLES["person"].fields)
    person = dict(zip(names, row, strict=True))
    assert person["citizen_id"] == "066080000123"  # different fields merged
    assert person["phone"] == "0905123456"  # the first to arrive stands until the operator decides
    open_ = local.conflicts(b.db)
    assert len(open_) == 1
    c = open_[0]
    assert (c.table_name, c.row_id, c.field) == ("person", head_id, "phone")
    assert (c.server_value, c.incoming_value) == ("0905123456", "0987654321")
    assert c.server_device == a.db.device_id and c.incoming_device == office.db.device_id
    assert c.server_by == a.user_id and c.incoming_by == office.user_id
    assert_same(*laptops)
    # the operator at the office picks the office's number; the decision reaches everyone
    local.resolve_conflict(office.db, office.user_id, c.id, c.incoming_value)
    converge(*laptops)
    for lap in laptops:
        assert local.conflicts(lap.db) == []
        assert dict(zip(names, content(lap.db)["person"][head_id], strict=True))["phone"] == "0987654321"
    assert_same(*laptops)


def test_a_team_member_cannot_resolve_a_conflict(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    _, head_id = seeded(laptops)
    a.services.persons.update(head_id, person_input(phone="0905123456"))
    b.services.persons.update(head_id, person_input(phone="0987654321"))
    converge(a, b)
    c = local.conflicts(a.db)[0]
    member = a.services.users.create("Trần Văn Bình", "team_member", "246802")
    pending = local.pending_count(a.db)
    with pytest.raises(local.NotAllowed):
        local.resolve_conflict(a.db, member.id, c.id, c.server_value)
    assert local.pending_count(a.db) == pending
    # nor through the server, whatever a laptop sends
    assert a.transport is not None
    op = P.Op(
        op_id=local.pending_ops(a.db, 10)[-1].op_id + 1,
        txn_id="t",
        table=P.CONFLICT_TABLE,
        row_id=c.id,
        kind=P.OpKind.RESOLVE,
        changes={"value": "0"},
        base_version=0,
        author_id=member.id,
        created_at="2026-01-01T00:00:00.000Z",
        schema_version=3,
    )
    a.sync()
    answer = a.transport.post(f"{P.PREFIX}/push", {"ops": [op.model_dump(mode="json")]})
    assert answer["results"][0]["status"] == "rejected"
    assert "operator" in answer["results"][0]["reason"]


def test_unsent_local_changes_are_kept_when_a_pull_brings_other_values(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    _, head_id = seeded(laptops)
    b.services.persons.update(head_id, person_input(phone="0987654321", notes="B"))
    b.sync()
    a.services.persons.update(head_id, person_input(phone="0905123456"))  # not sent yet
    assert a.transport is not None
    page = P.PullResponse.model_validate(a.transport.get(f"{P.PREFIX}/pull", {"cursor": 0}))
    local.apply_page(a.db, page.changes, int(local.get_meta(a.db, local.CURSOR) or 0))
    with a.db.reader() as conn:
        phone, notes = conn.exec_driver_sql("SELECT phone, notes FROM person WHERE id = ?", (head_id,)).one()
    assert phone == "0905123456"  # kept: its op has not reached the server
    assert notes == "B"  # other fields follow the server


# ---------------------------------------------------------------------------------------------------------
# 4: deletes never come back


def test_delete_on_one_laptop_while_another_edits(laptops: list[Laptop]) -> None:
    a, b, office = laptops
    hh_id, head_id = seeded(laptops)
    a.services.households.delete(hh_id)
    b.services.persons.update(head_id, person_input(phone="0905123456"))
    converge(*laptops)
    for lap in laptops:
        with lap.db.reader() as conn:
            assert conn.exec_driver_sql("SELECT deleted FROM household WHERE id = ?", (hh_id,)).scalar_one() == 1
            assert conn.exec_driver_sql("SELECT deleted FROM person WHERE id = ?", (head_id,)).scalar_one() == 1
        assert not lap.services.search.search("khai", kinds=("person",))
    conflicts = local.conflicts(office.db)
    assert [(c.row_id, c.field) for c in conflicts] == [(head_id, "deleted")]
    # the operator restores the person with B's edit
    local.resolve_conflict(office.db, office.user_id, conflicts[0].id, False)
    converge(*laptops)
    for lap in laptops:
        with lap.db.reader() as conn:
            assert conn.exec_driver_sql("SELECT deleted, phone FROM person WHERE id = ?", (head_id,)).one() == (
                0,
                "0905123456",
            )
    assert_same(*laptops)


def test_an_edit_arriving_before_a_delete_does_not_undo_it(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    hh_id, head_id = seeded(laptops)
    b.services.persons.update(head_id, person_input(phone="0905123456"))
    b.sync()
    a.services.households.delete(hh_id)
    converge(a, b)
    converge(a, b)
    for lap in (a, b):
        with lap.db.reader() as conn:
            assert conn.exec_driver_sql("SELECT deleted FROM person WHERE id = ?", (head_id,)).scalar_one() == 1


# ---------------------------------------------------------------------------------------------------------
# 5: clocks


def test_a_clock_days_off_decides_nothing_and_is_reported(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = laptops
    _, head_id = seeded(laptops)
    future = (datetime.now(UTC) + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    monkeypatch.setattr("dlso_desktop.storage.uow.utc_now", lambda: future)
    a.services.persons.update(head_id, person_input(phone="0905123456"))  # "9 days in the future"
    monkeypatch.undo()
    b.services.persons.update(head_id, person_input(phone="0987654321"))
    b.sync()  # B arrives first
    # the laptop's clock is 9 days ahead: the server's time says so
    monkeypatch.setattr("sync.engine.datetime", _ShiftedDatetime)
    result = a.sync()
    monkeypatch.undo()
    assert any("clock" in n for n in result.notes)
    assert result.clock_offset_seconds < -8 * 86400
    converge(a, b)
    with b.db.reader() as conn:
        assert conn.exec_driver_sql("SELECT phone FROM person WHERE id = ?", (head_id,)).scalar_one() == "0987654321"
    assert [c.field for c in local.conflicts(b.db)] == ["phone"]  # a conflict, not "the latest clock wins"


class _ShiftedDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _ShiftedDatetime:
        return cls.fromtimestamp((datetime.now(UTC) + timedelta(days=9)).timestamp(), tz)


# ---------------------------------------------------------------------------------------------------------
# 7: a crash between applying a page and storing its cursor


def test_a_page_is_applied_with_its_cursor_or_not_at_all(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = laptops
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    for i in range(5):
        a.services.households.create(family(v.id, head=f"Nguyễn Văn Số {i}"))
    a.sync()
    before = content(b.db)
    real = local._set_meta

    def crash(conn: Any, values: Any) -> None:
        if local.CURSOR in values:
            raise KeyboardInterrupt("killed between apply and cursor")
        real(conn, values)

    monkeypatch.setattr(local, "_set_meta", crash)
    with pytest.raises(KeyboardInterrupt):
        b.sync()
    monkeypatch.undo()
    assert content(b.db) == before
    assert (local.get_meta(b.db, local.CURSOR) or "0") == "0"
    b.sync()
    a.sync()
    assert_same(a, b)


# ---------------------------------------------------------------------------------------------------------
# 8: a server restored from an older backup gets everything back from the laptops


def test_a_server_restored_from_a_backup_gets_the_lost_changes_back(
    laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a, b, _ = laptops
    seeded(laptops)
    backup_server(server, tmp_path)
    v = a.services.villages.create("Thôn mới")
    a.services.households.create(family(v.id, head="Lê Văn Khôi"))
    b.services.villages.create("Thôn của B")
    converge(a, b)
    after_everything = server_records(server)
    restore_server(server, tmp_path)
    assert len(server_records(server)) < len(after_everything)
    converge(a, b)
    restored = server_records(server)
    assert {k: v[2] for k, v in restored.items()} == {k: v[2] for k, v in after_everything.items()}
    assert_same(a, b)


def test_a_laptop_restored_from_an_old_backup_does_not_reuse_op_ids(
    laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    old = a.db.backup(tmp_path / "a-old.sqlite")
    for i in range(3):
        a.services.households.create(family(v.id, head=f"Nguyễn Văn Số {i}"))
    a.sync()
    a.db.close()
    a.db.path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{a.db.path}{suffix}").unlink(missing_ok=True)
    shutil.copy(old, a.db.path)
    from dlso_desktop.services import Services
    from dlso_desktop.storage.store import open_database

    a.db = open_database(a.db.path)
    a.services = Services(a.db, user_id=a.user_id)
    new = a.services.households.create(family(v.id, head="Trần Thị Mới"))
    result = a.sync()
    assert any("renumbered" in n for n in result.notes)
    assert ("household", new.household.id) in server_records(server)
    assert local.pending_count(a.db) == 0


def test_a_revoked_laptop_keeps_its_unsent_work(laptops: list[Laptop], server: Server) -> None:
    a = laptops[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    from sync.server import admin
    from sync.transport import Refused

    with server.engine.begin() as conn:
        admin.revoke_device(conn, a.db.device_id)
    with pytest.raises(Refused) as exc:
        a.sync()
    assert exc.value.code == "revoked" and "thu hồi" in exc.value.message_vi
    assert local.pending_count(a.db) == 2  # the user and the village are still waiting, not dropped
    assert v.id not in {k[1] for k in server_records(server)}


def test_sync_cli_reports_counts_as_json(tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    from dlso_desktop import cli

    assert cli.main(["--data-dir", str(tmp_path / "d"), "init", "--commune", str(COMMUNE), "--unencrypted"]) == 0
    assert cli.main(["--data-dir", str(tmp_path / "d"), "sync"]) == 2  # not enrolled: bad input, says how
    assert "dlso enroll" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(tmp_path / "d"), "enroll", "--server", "nope", "--code", "X"]) == 2
    capsys.readouterr()
    assert cli.main(["--data-dir", str(tmp_path / "d"), "--json", "sync", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["enrolled"] is False and status["pending"] == 0
    _ = AppTransport, Faults  # the CLI over real HTTP is covered by tests/test_sync_processes.py


def test_a_cursor_older_than_pruned_tombstones_must_pull_everything_again(
    laptops: list[Laptop], server: Server
) -> None:
    from sync.server import apply

    a, b, _ = laptops
    hh_id, _ = seeded(laptops)
    b_cursor = int(local.get_meta(b.db, local.CURSOR) or 0)
    a.services.households.delete(hh_id)
    a.sync()
    with server.engine.begin() as conn:
        purged = apply.prune_tombstones(conn, "9999-01-01T00:00:00.000Z")  # everything deleted so far
    assert purged == {COMMUNE: 3}  # the household and its two members
    assert ("household", hh_id) not in server_records(server)
    assert b_cursor > 0
    result = b.sync()
    assert result.reset  # B's cursor predates the purge: it could have missed the deletes
    assert any("removed" in n for n in result.notes)
    with b.db.reader() as conn:
        # B never saw the delete (it was purged): the full pull removes the household there too
        assert conn.exec_driver_sql("SELECT deleted FROM household WHERE id = ?", (hh_id,)).scalar_one() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM person WHERE deleted = 0").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_seen").scalar_one() == 0
    assert not b.services.search.search("khai", kinds=("person",))
    assert ("household", hh_id) not in server_records(server)
    assert local.get_meta(b.db, local.RESET_PENDING) is None
    assert a.sync().reset is False  # A pulled past the purge: its cursor is fine


def test_a_laptop_can_enroll_again_with_a_fresh_code_but_not_once_revoked(
    laptops: list[Laptop], server: Server
) -> None:
    from sync import engine
    from sync.server import admin
    from sync.transport import Refused

    a = laptops[0]
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    a.sync()
    old = a.transport
    # the first answer was lost (or the token): a new code gives the same device a new token
    answer = engine.enroll(a.db, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
    assert answer.device_id == a.db.device_id
    a.transport = AppTransport(server, local.get_meta(a.db, local.TOKEN), a.faults)
    assert old is not None
    with pytest.raises(Refused):
        old.get(f"{P.PREFIX}/state")  # the old token no longer works
    a.services.villages.rename(v.id, "Buôn Kô Tam 2")
    result = a.sync()
    assert result.applied == 1 and result.duplicate == 0  # op ids continue where they were
    with server.engine.begin() as conn:
        admin.revoke_device(conn, a.db.device_id)
    with pytest.raises(Refused) as exc:
        engine.enroll(a.db, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
    assert exc.value.code == "revoked"


def test_only_a_commune_operator_enrolls_the_laptop(tmp_path: Path, server: Server) -> None:
    """The Sync page passes the signed-in user: a team member or team head is refused before the server is
    asked (the code is not used up, nothing is stored); an operator enrolls."""
    from dlso_desktop.services import Services
    from dlso_desktop.services.base import PermissionDenied
    from dlso_desktop.storage.store import create_database
    from sync import engine

    db = create_database(tmp_path / "laptop.sqlite", COMMUNE)
    try:
        system = Services(db, system=True)
        member = system.users.create("Y Mek", "team_member", "24681357")
        head = system.users.create("H'Lan", "team_head", "24681357")
        operator = system.users.create("Nguyễn Thị Lan", "commune_operator", "24681357")
        code = server.code(COMMUNE)
        for user in (member, head):
            with pytest.raises(PermissionDenied):
                engine.enroll(db, "http://testserver", code, transport=AppTransport(server), user_id=user.id)
            assert local.get_meta(db, local.TOKEN) is None
        answer = engine.enroll(db, "http://testserver", code, transport=AppTransport(server), user_id=operator.id)
        assert answer.device_id == db.device_id and local.get_meta(db, local.TOKEN)
    finally:
        db.close()


def test_a_pull_from_the_start_asks_for_the_largest_pages(laptops: list[Laptop]) -> None:
    a, b, _ = laptops
    v = a.services.villages.create("Thôn 1", "thon")
    for i in range(3):
        a.services.households.create(family(v.id, head=f"Chủ hộ {i}"))
    a.sync()
    assert b.transport is not None
    asked: list[int] = []
    get = b.transport.get

    def recording(path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        if path.endswith("/pull"):
            asked.append(int((params or {})["limit"]))
        return get(path, params)

    b.transport.get = recording  # type: ignore[method-assign]
    b.sync()  # the first pull, record by record (this transport cannot download a snapshot)
    a.sync()
    assert asked == [P.MAX_PULL_LIMIT] and content(b.db) == content(a.db)
    a.services.households.create(family(v.id, head="Chủ hộ mới"))
    a.sync()
    asked.clear()
    b.sync()  # caught up: the usual pages
    assert asked == [engine.PULL_PAGE] and content(b.db) == content(a.db)
    asked.clear()
    b.sync(page_size=2)  # a page size given is kept, also for a full re-pull
    local.reset_cursor(b.db, purge_unseen=False)
    b.sync(page_size=2)
    assert asked[0] == 2 and set(asked) == {2} and len(asked) > 3
    assert content(b.db) == content(a.db)
