"""A new laptop's first sync from the commune snapshot (sync/server/snapshot.py, sync/bootstrap.py): the same
data as pulling record by record, the laptop's own data kept, and every way it can go wrong falling back to
the record-by-record pull with nothing lost. Against SQLite and PostgreSQL servers."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_support import AppTransport, Laptop, Server, SnapshotTransport, content, family

from dlso_desktop.storage import search
from dlso_desktop.storage.keystore import new_database_key
from dlso_desktop.validation import ValidationError
from sync import bootstrap, local
from sync import protocol as P
from sync.engine import RoundResult, SyncEngine
from sync.server import admin, snapshot

COMMUNE = 24133


@pytest.fixture
def server(server_url: str, tmp_path: Path) -> Iterator[Server]:
    s = Server(server_url, snapshot_folder=tmp_path / "snapshots")
    s.app.state.snapshots.min_changes = 0  # the test communes are small
    yield s
    s.close()


def new_laptop(tmp_path: Path, server: Server, name: str, *, snapshots: bool = True, encrypted: bool = False) -> Laptop:
    lap = Laptop(tmp_path / f"{name}.sqlite", COMMUNE, server, name, key=new_database_key() if encrypted else None)
    lap.enroll()
    if snapshots:
        assert lap.transport is not None
        token = local.get_meta(lap.db, local.TOKEN)
        lap.transport = SnapshotTransport(server, token, lap.faults)
    return lap


def populate(lap: Laptop, households: int, village: str = "Buôn Kô Tam") -> None:
    v = lap.services.villages.create(village, "buon")
    for i in range(households):
        lap.services.households.create(family(v.id, head=f"Nguyễn Văn Số {i}", spouse=f"H'Maryam Niê {i}"))


def source(tmp_path: Path, server: Server, households: int) -> Laptop:
    """Laptop A, pulling record by record, with ``households`` households synced to the server."""
    a = new_laptop(tmp_path, server, "A", snapshots=False)
    populate(a, households)
    a.sync()
    return a


def folder(server: Server) -> Path:
    builder = server.app.state.snapshots
    assert isinstance(builder, snapshot.Builder)
    return builder.folder


def build(server: Server) -> snapshot.SnapshotInfo:
    info = snapshot.build(server.engine, folder(server), COMMUNE)
    assert info is not None
    return info


def audit_count(lap: Laptop) -> int:
    with lap.db.reader() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM audit_entry").scalar_one())


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_first_sync_from_the_snapshot_gives_the_same_laptop_as_pulling_every_record(
    tmp_path: Path, server: Server, encrypted: bool
) -> None:
    a = source(tmp_path, server, 12)
    info = build(server)
    # changes after the snapshot was built: the new laptop pulls them on top of it
    hh = a.services.households.create(family(a.services.villages.list_all()[0].id, head="Y Mek Niê"))
    a.sync()

    b = new_laptop(tmp_path, server, "B", encrypted=encrypted)
    b_user_audit = audit_count(b)
    result = b.sync()
    assert result.snapshot, result.notes
    assert local.get_meta(b.db, local.CURSOR) != str(info.cursor)  # moved on past the snapshot
    by_rows = new_laptop(tmp_path, server, "C", snapshots=False)
    assert not by_rows.sync().snapshot
    a.sync()
    b.sync()
    by_rows.sync()
    assert content(b.db) == content(a.db) == content(by_rows.db)
    assert local.local_digests(b.db) == local.local_digests(by_rows.db)

    # the laptop's own data came along: its user (made after the snapshot), its audit trail, its identity
    assert b.services.search.search("y mek", kinds=("household",))[0].id == hh.household.id
    assert b.services.search.search("maryam 7", kinds=("person",))
    with b.db.reader() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM app_user WHERE id = ?", (b.user_id,)).scalar_one() == 1
        found = search.find(conn, "person", "Cán bộ", 5)  # persons only; the user is not a person
        assert not found or all(m.kind == "person" for m in found)
    assert audit_count(b) >= b_user_audit > 0
    assert local.get_meta(b.db, local.TOKEN)
    # and it goes on working: a change made after the snapshot gets the next op id and reaches the others
    b.services.households.create(family(a.services.villages.list_all()[0].id, head="Ama Sa"))
    b.sync()
    a.sync()
    assert a.services.search.search("ama sa", kinds=("household",))
    raw = b.db.connect_file()
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        if encrypted:
            assert raw.execute("PRAGMA cipher_integrity_check").fetchall() == []
    finally:
        raw.close()
    assert (b.db.path.read_bytes()[:16] == b"SQLite format 3\x00") is not encrypted


def test_without_a_snapshot_the_first_sync_pulls_every_record_and_one_is_built(tmp_path: Path, server: Server) -> None:
    a = source(tmp_path, server, 3)
    b = new_laptop(tmp_path, server, "B")
    result = b.sync()
    assert not result.snapshot
    assert any("no commune snapshot" in n for n in result.notes)
    a.sync()
    assert content(b.db) == content(a.db)
    server.app.state.snapshots.join(60)  # asked for in the background by that request
    info = snapshot.current(folder(server), COMMUNE)
    assert info is not None and info.cursor > 0
    c = new_laptop(tmp_path, server, "C")
    assert c.sync().snapshot
    a.sync()
    assert content(c.db) == content(a.db)


def test_a_laptop_that_pulled_before_or_has_unsent_changes_never_takes_a_snapshot(
    tmp_path: Path, server: Server
) -> None:
    a = source(tmp_path, server, 2)
    build(server)
    b = new_laptop(tmp_path, server, "B")
    assert not bootstrap.eligible(b.db)  # its first user is not sent yet
    assert b.transport is not None
    SyncEngine(b.db, b.transport).push(RoundResult())
    assert bootstrap.eligible(b.db)
    b.services.villages.create("Thôn 9")
    assert not bootstrap.eligible(b.db)  # unsent work: never copied over
    b.sync()
    assert not bootstrap.eligible(b.db)  # it has pulled now
    c = new_laptop(tmp_path, server, "C")
    c.sync()
    populate(a, 1, "Thôn 10")
    a.sync()
    build(server)
    assert not c.sync().snapshot


def test_the_server_refuses_a_snapshot_for_another_schema_or_an_unknown_device(tmp_path: Path, server: Server) -> None:
    a = new_laptop(tmp_path, server, "A")
    populate(a, 1)
    a.sync()
    build(server)
    assert a.transport is not None
    headers = a.transport.headers
    answer = server.client.get(f"{P.PREFIX}/snapshot", params={"schema": "0001_old.1"}, headers=headers)
    assert answer.status_code == 404 and answer.json()["error"] == "snapshot_unavailable"
    assert answer.json()["message_vi"]
    answer = server.client.get(f"{P.PREFIX}/snapshot", params={"schema": bootstrap.schema_tag()})
    assert answer.status_code == 401
    ok = server.client.get(f"{P.PREFIX}/snapshot", params={"schema": bootstrap.schema_tag()}, headers=headers)
    assert ok.status_code == 200 and int(ok.headers["x-dlso-cursor"]) > 0
    assert ok.content[:16] == b"SQLite format 3\x00"


def test_a_revoked_device_is_refused_and_the_round_fails_as_it_would_without_snapshots(
    tmp_path: Path, server: Server
) -> None:
    source(tmp_path, server, 1)
    build(server)
    b = new_laptop(tmp_path, server, "B")
    with server.engine.begin() as conn:
        admin.revoke_device(conn, b.db.device_id)
    from sync.transport import Refused

    with pytest.raises(Refused) as err:
        b.sync()
    assert err.value.status == 403
    assert local.get_meta(b.db, local.CURSOR) in (None, "0")


def test_another_communes_snapshot_or_a_damaged_file_is_not_used_and_changes_nothing(
    tmp_path: Path, server: Server
) -> None:
    source(tmp_path, server, 2)
    info = build(server)
    b = new_laptop(tmp_path, server, "B")
    raw = tmp_path / "snap.sqlite"
    with gzip.open(snapshot.gz_path(folder(server), info)) as src:
        raw.write_bytes(src.read())
    before = content(b.db)
    with pytest.raises(bootstrap.SnapshotNotUsed, match="cursor"):
        bootstrap.adopt(b.db, raw, info.cursor + 1)
    other = Laptop(tmp_path / "other.sqlite", 24121, server, "other")
    with pytest.raises(bootstrap.SnapshotNotUsed, match="commune"):
        bootstrap.adopt(other.db, raw, info.cursor)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(bootstrap.SnapshotNotUsed):
        bootstrap.adopt(b.db, broken, info.cursor)
    assert content(b.db) == before
    assert local.get_meta(b.db, local.CURSOR) in (None, "0")


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_write_to_the_laptop_while_the_snapshot_is_prepared_abandons_it_and_keeps_the_write(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    a = source(tmp_path, server, 2)
    build(server)
    b = new_laptop(tmp_path, server, "B", encrypted=encrypted)
    carry = bootstrap._carry_local_data
    made: list[str] = []

    def carry_then_a_user_saves(*args: Any) -> int:
        own = carry(*args)
        made.append(b.services.villages.create("Thôn vừa thêm").id)  # between reading and copying
        return own

    monkeypatch.setattr(bootstrap, "_carry_local_data", carry_then_a_user_saves)
    result = b.sync()
    assert not result.snapshot
    assert any("changed while" in n for n in result.notes)
    assert made and made[0] in content(b.db)["village"]
    monkeypatch.undo()
    b.sync()
    a.sync()
    assert made[0] in content(a.db)["village"]
    assert content(a.db) == content(b.db)


def test_a_snapshot_is_refreshed_from_the_previous_one_and_matches_a_full_build(tmp_path: Path, server: Server) -> None:
    a = source(tmp_path, server, 3)
    first = build(server)
    assert build(server) == first  # nothing new: the same snapshot
    populate(a, 2, "Thôn 4")
    a.sync()
    refreshed = build(server)
    assert refreshed.cursor > first.cursor
    assert not snapshot.gz_path(folder(server), first).exists()  # the old file is gone
    full = snapshot.build(server.engine, tmp_path / "full", COMMUNE, full=True)
    assert full is not None and full.cursor == refreshed.cursor
    b = new_laptop(tmp_path, server, "B")
    assert b.sync().snapshot
    a.sync()
    assert content(b.db) == content(a.db)


def test_snapshots_of_an_earlier_file_layout_are_deleted_when_a_new_one_is_built(
    tmp_path: Path, server: Server
) -> None:
    source(tmp_path, server, 2)
    where = folder(server)
    where.mkdir(parents=True, exist_ok=True)
    old_tag = snapshot.schema_tag().rsplit(".", 1)[0]  # the same schema, the layout before reserved bytes
    stale = [where / f"{COMMUNE}-{old_tag}.json", where / f"{COMMUNE}-{old_tag}-12.sqlite.gz"]
    other_commune = where / f"24121-{old_tag}-12.sqlite.gz"
    for path in [*stale, other_commune]:
        path.write_bytes(b"an old snapshot holding personal data")
    info = build(server)
    assert [p for p in stale if p.exists()] == []
    assert other_commune.exists()  # another commune's files wait for its own build
    assert snapshot.gz_path(where, info).exists() and snapshot.current(where, COMMUNE) == info
    # and the file it serves has SQLCipher's layout, so that an encrypted laptop can take it
    with gzip.open(snapshot.gz_path(where, info)) as f:
        assert f.read(100)[20] == 80


def test_the_plain_transport_never_downloads(tmp_path: Path, server: Server) -> None:
    a = new_laptop(tmp_path, server, "A", snapshots=False)
    assert isinstance(a.transport, AppTransport) and not hasattr(a.transport, "download")


def test_what_never_travels_stays_the_laptops_own_a_users_pin(tmp_path: Path, server: Server) -> None:
    from dlso_desktop.services import Services

    source(tmp_path, server, 2)
    b = new_laptop(tmp_path, server, "B")
    leader = Services(b.db).users.create("Trưởng thôn Y Bih", "team_member", "246810")
    assert b.transport is not None
    SyncEngine(b.db, b.transport).push(RoundResult())  # the user reaches the server, without its PIN
    build(server)  # the snapshot holds the user, PIN-less
    assert b.sync().snapshot
    users = Services(b.db).users
    assert users.authenticate(leader.id, "246810").id == leader.id
    with pytest.raises(ValidationError):
        users.authenticate(leader.id, "1357")


def test_dlso_server_admin_snapshots_build_and_list(
    tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from sync.server.cli import main

    source(tmp_path, server, 2)
    where = tmp_path / "cli-snapshots"
    url = server.engine.url.render_as_string(hide_password=False)
    assert main(["admin", "snapshots", "build", "--database-url", url, "--snapshot-dir", str(where)]) == 0
    built = json.loads(capsys.readouterr().out)["snapshots"]
    assert [b["commune_code"] for b in built] == [COMMUNE]
    info = snapshot.current(where, COMMUNE)
    assert info is not None and info.cursor == built[0]["cursor"] > 0
    assert main(["admin", "snapshots", "list", "--database-url", url, "--snapshot-dir", str(where)]) == 0
    assert json.loads(capsys.readouterr().out)["snapshots"][0]["sha256"] == info.sha256
    assert main(["admin", "snapshots", "build", "--commune", "99999", "--database-url", url]) == 2
    assert "99999" in capsys.readouterr().err
