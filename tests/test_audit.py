"""The audit trail (dlso_desktop/storage/audit.py): hash-chained by the unit of work, append-only in the
database (triggers), checked by ``verify`` wherever someone edited the file around the triggers, exported for
the operator, and kept whole through a migration and a snapshot first sync."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
from cli_support import Cli
from sync_support import Laptop, Server, SnapshotTransport, family

from dlso_desktop.services import Services
from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage import audit, schema
from dlso_desktop.storage import db as db_module
from dlso_desktop.storage.store import Database, create_database, open_database
from sync import local
from sync.server import snapshot

COMMUNE = 24133


def work(services: Services, village: VillageView) -> None:
    """Everyday work through the services: creates, an update, deletes."""
    hh = services.households.create(family(village.id))
    services.households.create(family(village.id, head="Y Mek Niê", spouse="H'Maryam Niê"))
    person = hh.members[1]
    services.persons.update(person.id, PersonInput("Lê Thị Hoa B", sex="female", birth_year=1985))
    services.persons.delete(person.id)
    services.villages.rename(village.id, "Buôn Kô Tam Mới")


def trail(db: Database) -> list[dict[str, Any]]:
    with db.reader() as conn:
        return [dict(r) for r in conn.exec_driver_sql("SELECT * FROM audit_entry ORDER BY seq").mappings()]


def raw_conn(db: Database, *, drop_triggers: bool = True) -> sqlite3.Connection:
    """The file opened the way an attacker would: plain sqlite3, the triggers dropped first."""
    raw = sqlite3.connect(db.path, isolation_level=None)
    if drop_triggers:
        raw.execute("DROP TRIGGER audit_entry_no_update")
        raw.execute("DROP TRIGGER audit_entry_no_delete")
    return raw


def rehash(raw: sqlite3.Connection, seq: int) -> None:
    """Recompute one entry's own hash after an edit (its link is left as it is)."""
    row = raw.execute(f"SELECT {', '.join(audit.HASHED)} FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
    raw.execute("UPDATE audit_entry SET hash = ? WHERE seq = ?", (audit.entry_hash(*row), seq))


def parts(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.fixture
def worked(services: Services, village: VillageView, db: Database) -> Database:
    work(services, village)
    return db


# ---------------------------------------------------------------------------------------------------------
# The chain as the unit of work writes it


def test_everyday_work_leaves_a_chain_that_verifies(worked: Database) -> None:
    entries = trail(worked)
    assert len(entries) >= 10
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["prev_hash"] == audit.genesis(worked.device_id)
    for before, entry in itertools.pairwise(entries):
        assert entry["prev_hash"] == before["hash"]
    for e in entries:
        assert e["hash"] == audit.entry_hash(*(e[c] for c in audit.HASHED))
    report = audit.verify(worked)
    assert report.ok and report.reason is None and report.broken_seq is None
    assert report.checked == len(entries)
    assert (report.last_seq, report.head_hash) == (entries[-1]["seq"], entries[-1]["hash"])


def test_the_hash_covers_every_field_and_the_encoding_is_pinned() -> None:
    base = (7, "2026-12-02T10:00:00.000Z", None, "dev", "create", "person", "r1", "Nguyễn", "ab" * 32)
    digest = audit.entry_hash(*base)
    # the canonical encoding is a compact JSON array, UTF-8 kept as is (reproducible on the server)
    text = '[7,"2026-12-02T10:00:00.000Z",null,"dev","create","person","r1","Nguyễn","' + "ab" * 32 + '"]'
    assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    for i, other in enumerate([8, "2026-12-02T10:00:00.001Z", "", "dev2", "update", "visit", "r2", "Nguyen", "0" * 64]):
        changed: list[Any] = list(base)
        changed[i] = other
        assert audit.entry_hash(*changed) != digest, audit.HASHED[i]
    assert audit.genesis("a") != audit.genesis("b")
    # the write path's encoding (chain) is the same as the one verify uses, whatever the text holds
    odd = ['q"\\\n\x01 ü\u2028', "", "Ê Đê", "\ud7ff", "a\tb"]
    entries = [("2026-12-02T10:00:00.000Z", u, "dev", "create", "person", "r", t) for u in (None, "u") for t in odd]
    for row in audit.chain(entries, 41, "cd" * 32):
        assert audit.entry_hash(*row[:9]) == row[9] == audit._row_hash(row)
    typed: tuple[Any, ...] = (7, "2026-12-02T10:00:00.000Z", 12, "dev", "create", "person", "r1", "", "ab" * 32)
    assert audit._row_hash(typed) == audit.entry_hash(*typed)  # a number where text belongs: still the same


def test_a_paged_walk_verifies_the_same(worked: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    n = len(trail(worked))
    monkeypatch.setattr(audit, "PAGE", 3)  # pages end inside the trail and exactly at its end
    report = audit.verify(worked)
    assert report.ok and report.checked == n


def test_an_empty_trail_verifies(tmp_path: Path) -> None:
    db = create_database(tmp_path / "empty.sqlite", COMMUNE)
    try:
        report = audit.verify(db)
        assert report.ok and report.checked == 0 and report.last_seq is None and report.head_hash is None
    finally:
        db.close()


def test_a_rolled_back_unit_of_work_leaves_no_hole_in_the_chain(services: Services, db: Database) -> None:
    services.villages.create("Thôn 1")

    def fail(step: str) -> None:
        if step == "outbox":
            raise RuntimeError("power cut")

    db.fault_hook = fail
    with pytest.raises(RuntimeError):
        services.villages.create("Thôn 2")
    db.fault_hook = None
    services.villages.create("Thôn 3")
    assert audit.verify(db).ok


def test_explicit_entries_are_chained_and_raw_inserts_are_caught(db: Database, user_id: str) -> None:
    with db.unit_of_work(user_id) as uow:
        uow.audit("resolve", "sync_conflict", "c1", "person.full_name")
        uow.commit()
    assert trail(db)[-1]["action"] == "resolve"
    assert audit.verify(db).ok
    # an entry written around the unit of work (not numbered, not chained) does not pass
    with db.unit_of_work(user_id) as uow:
        uow.conn.exec_driver_sql(
            "INSERT INTO audit_entry (at, user_id, device_id, action, table_name, row_id, summary)"
            " VALUES ('2026-12-02T10:00:00.000Z', ?, ?, 'resolve', 'sync_conflict', 'c2', '')",
            (user_id, db.device_id),
        )
        uow.commit()
    report = audit.verify(db)
    assert not report.ok and report.reason == "changed" and report.broken_seq == trail(db)[-1]["seq"]


def test_resolving_a_conflict_keeps_the_chain(services: Services, village: VillageView, db: Database) -> None:
    user_id = services.ctx.user_id
    assert user_id is not None
    with db.writer() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sync_conflict (id, version, table_name, row_id, field, base_value, server_value,"
            " incoming_value, status, created_at) VALUES ('c1', 1, 'village', ?, 'name', '\"A\"', '\"B\"',"
            " '\"C\"', 'open', '2026-12-02T10:00:00.000Z')",
            (village.id,),
        )
    local.resolve_conflict(db, user_id, "c1", "Buôn Kô Tam C")
    assert trail(db)[-1]["action"] == "resolve"
    assert audit.verify(db).ok


# ---------------------------------------------------------------------------------------------------------
# Append-only, and what verify finds when someone goes around that


def test_update_and_delete_are_refused_by_the_database(worked: Database) -> None:
    raw = raw_conn(worked, drop_triggers=False)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE audit_entry SET summary = 'x' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_entry WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_entry")
    finally:
        raw.close()
    with worked.unit_of_work(None) as uow, pytest.raises(sqlalchemy.exc.IntegrityError):
        uow.conn.exec_driver_sql("UPDATE audit_entry SET user_id = NULL")
    assert audit.verify(worked).ok


def test_an_edited_entry_is_reported_changed(worked: Database) -> None:
    raw = raw_conn(worked)
    try:
        raw.execute("UPDATE audit_entry SET summary = 'nothing to see' WHERE seq = 4")
    finally:
        raw.close()
    report = audit.verify(worked)
    assert not report.ok
    assert (report.broken_seq, report.reason) == (4, "changed")
    assert report.last_seq == 3 and report.checked == 4


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(worked: Database) -> None:
    raw = raw_conn(worked)
    try:
        raw.execute("UPDATE audit_entry SET user_id = NULL WHERE seq = 4")
        rehash(raw, 4)
    finally:
        raw.close()
    report = audit.verify(worked)
    assert (report.ok, report.broken_seq, report.reason) == (False, 5, "missing")


def test_a_deleted_entry_is_reported_missing(worked: Database) -> None:
    raw = raw_conn(worked)
    try:
        raw.execute("DELETE FROM audit_entry WHERE seq = 5")
    finally:
        raw.close()
    report = audit.verify(worked)
    assert (report.ok, report.broken_seq, report.reason) == (False, 5, "missing")
    assert "5..5" in report.detail


def test_a_renumbered_trail_after_a_delete_is_reported_changed(worked: Database) -> None:
    n = len(trail(worked))
    raw = raw_conn(worked)
    try:
        raw.execute("DELETE FROM audit_entry WHERE seq = 5")
        for seq in range(6, n + 1):
            raw.execute("UPDATE audit_entry SET seq = ? WHERE seq = ?", (seq - 1, seq))
    finally:
        raw.close()
    report = audit.verify(worked)
    assert (report.ok, report.broken_seq, report.reason) == (False, 5, "changed")


def test_an_entry_linked_elsewhere_is_reported_reordered(worked: Database) -> None:
    entries = trail(worked)
    raw = raw_conn(worked)
    try:
        raw.execute("UPDATE audit_entry SET prev_hash = ? WHERE seq = 6", (entries[2]["hash"],))  # after entry 3
        rehash(raw, 6)
    finally:
        raw.close()
    report = audit.verify(worked)
    assert (report.ok, report.broken_seq, report.reason) == (False, 6, "reordered")
    assert "entry 3" in report.detail


def test_a_cut_tail_shows_at_the_next_write_and_against_an_anchor(
    worked: Database, services: Services, village: VillageView
) -> None:
    before = audit.verify(worked)
    assert before.ok and before.last_seq is not None and before.head_hash is not None
    anchor = (before.last_seq, before.head_hash)
    raw = raw_conn(worked)
    try:
        raw.execute("DELETE FROM audit_entry WHERE seq = ?", (before.last_seq,))
    finally:
        raw.close()
    # the chain that is left is whole; only a head recorded earlier shows the cut
    assert audit.verify(worked).ok
    cut = audit.verify(worked, anchor=anchor)
    assert (cut.ok, cut.broken_seq, cut.reason) == (False, before.last_seq, "missing")
    # seq numbers are never reused: the next entry leaves the gap in the chain for anyone to see
    services.villages.create("Thôn mới")
    report = audit.verify(worked)
    assert (report.ok, report.broken_seq, report.reason) == (False, before.last_seq, "missing")


def test_a_fully_recomputed_chain_is_caught_only_by_an_anchor(worked: Database) -> None:
    before = audit.verify(worked)
    assert before.last_seq is not None and before.head_hash is not None
    raw = raw_conn(worked)
    try:
        raw.execute("UPDATE audit_entry SET summary = 'forged' WHERE seq = 2")
        prev = raw.execute("SELECT hash FROM audit_entry WHERE seq = 1").fetchone()[0]
        for seq in range(2, before.last_seq + 1):
            raw.execute("UPDATE audit_entry SET prev_hash = ? WHERE seq = ?", (prev, seq))
            rehash(raw, seq)
            prev = raw.execute("SELECT hash FROM audit_entry WHERE seq = ?", (seq,)).fetchone()[0]
    finally:
        raw.close()
    assert audit.verify(worked).ok  # unkeyed: whoever can write the file can rebuild the chain
    report = audit.verify(worked, anchor=(before.last_seq, before.head_hash))
    assert (report.ok, report.broken_seq, report.reason) == (False, before.last_seq, "changed")


# ---------------------------------------------------------------------------------------------------------
# Reading and exporting


def test_entries_filter_and_page(worked: Database, user_id: str) -> None:
    everything = audit.entries(worked, limit=1000)
    assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)
    assert everything[-1].user_name is None  # the fixture's user was created by nobody
    mine = audit.entries(worked, user_id=user_id, limit=1000)
    assert mine and all(e.user_id == user_id and e.user_name == "Nguyễn Thị Lan" for e in mine)
    persons = audit.entries(worked, table="person", limit=1000)
    assert persons and {e.table_name for e in persons} == {"person"}
    assert {e.action for e in persons} >= {"create", "update", "delete"}
    page = audit.entries(worked, limit=2, offset=1, newest_first=False)
    assert [e.seq for e in page] == [2, 3]
    assert audit.entries(worked, since="2999-01-01") == []
    assert len(audit.entries(worked, since="2000-01-01", limit=1000)) == audit.count(worked) == len(everything)


def test_export_csv_for_excel(worked: Database, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    n = audit.export(worked, out, "csv")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(audit.EXPORT_FIELDS)
    assert len(rows) == n + 1 == len(trail(worked)) + 1
    by_seq = {int(r[0]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    first = trail(worked)[0]
    assert by_seq[1]["hash"] == first["hash"] and by_seq[1]["prev_hash"] == audit.genesis(worked.device_id)
    assert any(r["summary"] == "Buôn Kô Tam" for r in by_seq.values())  # Vietnamese intact
    assert not parts(tmp_path)


def test_export_csv_does_not_hand_excel_a_formula(db: Database, tmp_path: Path) -> None:
    Services(db).villages.create("=HYPERLINK(1)")
    out = tmp_path / "audit.csv"
    audit.export(db, out, "csv")
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_export_jsonl_is_exact_and_reverifiable(worked: Database, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    out.write_text("old export\n")  # replaced whole
    n = audit.export(worked, out, "jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == n == len(trail(worked))
    assert {k: v for k, v in lines[0].items() if k != "user_name"} == trail(worked)[0]
    assert audit.verify_export(out, worked.device_id).ok
    assert not audit.verify_export(out, "another device").ok
    lines[3]["summary"] = "edited"
    out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines), encoding="utf-8")
    report = audit.verify_export(out, worked.device_id)
    assert (report.ok, report.broken_seq, report.reason) == (False, 4, "changed")
    assert not parts(tmp_path)


def test_a_failed_export_leaves_no_file(worked: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_conn: Any, *_a: Any) -> Iterator[Any]:
        yield (1,) * len(audit.EXPORT_FIELDS)
        raise OSError("disk full")

    monkeypatch.setattr(audit, "_pages", broken)
    with pytest.raises(OSError, match="disk full"):
        audit.export(worked, tmp_path / "audit.jsonl", "jsonl")
    assert not (tmp_path / "audit.jsonl").exists()
    assert not parts(tmp_path)


# ---------------------------------------------------------------------------------------------------------
# Upgrading a database that already has a trail


def test_migration_from_0004_chains_the_existing_entries(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first = create_database(path, COMMUNE)
    services = Services(first)
    v = services.villages.create("Buôn Ea Nao")
    services.households.create(family(v.id))
    device = first.device_id
    first.close()
    # the previous release's database: revision 0004, no hashes, no triggers, plain INTEGER PRIMARY KEY seq
    engine = db_module.make_engine(path)
    db_module.run_migrations_to(engine, "0004_outbox_rejected_index")
    engine.dispose()
    raw = sqlite3.connect(path)
    cols = [r[1] for r in raw.execute("PRAGMA table_info(audit_entry)")]
    assert "hash" not in cols and "prev_hash" not in cols
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (0,)
    old = raw.execute(
        "SELECT seq, at, user_id, device_id, action, table_name, row_id, summary FROM audit_entry"
    ).fetchall()
    assert len(old) >= 4
    raw.close()

    db = open_database(path)
    try:
        assert db.opened.revision_before == "0004_outbox_rejected_index" and db.opened.migrated
        entries = trail(db)
        assert [tuple(e[c] for c in audit.HASHED[:-1]) for e in entries] == old  # kept as they were
        report = audit.verify(db)
        assert report.ok and report.checked == len(old)
        assert entries[0]["prev_hash"] == audit.genesis(device)
        # and it goes on from there, append-only
        Services(db).villages.create("Thôn 2")
        assert audit.verify(db).ok and audit.verify(db).checked > len(old)
        with db.reader() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == schema.HEAD
            assert conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'").scalar() == (
                entries[-1]["seq"] + 1
            )
    finally:
        db.close()
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("DELETE FROM audit_entry")
    finally:
        raw.close()


# ---------------------------------------------------------------------------------------------------------
# First sync from a commune snapshot carries the trail


@pytest.fixture
def server(server_url: str, tmp_path: Path) -> Iterator[Server]:
    s = Server(server_url, snapshot_folder=tmp_path / "snapshots")
    s.app.state.snapshots.min_changes = 0
    yield s
    s.close()


def test_a_snapshot_first_sync_keeps_the_trail_verifiable(tmp_path: Path, server: Server) -> None:
    a = Laptop(tmp_path / "A.sqlite", COMMUNE, server, "A")
    a.enroll()
    v = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(v.id))
    a.sync()
    builder = server.app.state.snapshots
    assert snapshot.build(server.engine, builder.folder, COMMUNE) is not None

    b = Laptop(tmp_path / "B.sqlite", COMMUNE, server, "B")
    b.enroll()
    assert b.transport is not None
    b.transport = SnapshotTransport(server, local.get_meta(b.db, local.TOKEN), b.faults)
    before = trail(b.db)
    assert before
    assert b.sync().snapshot
    assert trail(b.db)[: len(before)] == before
    assert audit.verify(b.db).ok
    b.services.villages.create("Thôn mới")
    assert audit.verify(b.db).ok
    raw = sqlite3.connect(b.db.path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("DELETE FROM audit_entry")
    finally:
        raw.close()


# ---------------------------------------------------------------------------------------------------------
# `dlso audit`


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("DLSO_LANG", raising=False)
    monkeypatch.delenv("DLSO_DATA_DIR", raising=False)
    c = Cli(tmp_path / "data", capsys)
    assert c("init", "--commune", str(COMMUNE), "--unencrypted") == 0, c.err
    db = open_database(c.db_path)
    try:
        v = Services(db).villages.create("Buôn Kô Tam")
        Services(db).households.create(family(v.id))
    finally:
        db.close()
    return c


def test_cli_verify_ok_then_broken(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    report = cli.json("audit", "verify")
    assert report["ok"] and report["checked"] >= 3 and report["broken_seq"] is None
    assert cli("audit", "verify") == 0 and "intact" not in cli.out  # Vietnamese by default
    monkeypatch.setenv("DLSO_LANG", "en")
    assert cli("audit", "verify") == 0 and "intact" in cli.out
    anchor = f"{report['last_seq']}:{report['head_hash']}"
    assert cli("audit", "verify", "--anchor", anchor) == 0

    raw = sqlite3.connect(cli.db_path)
    raw.execute("DROP TRIGGER audit_entry_no_update")
    raw.execute("UPDATE audit_entry SET summary = 'x' WHERE seq = 2")
    raw.commit()
    raw.close()
    assert cli("audit", "verify") == 1
    assert "entry 2" in cli.out and "changed" in cli.out
    broken = cli.json("audit", "verify", expect=1)
    assert (broken["ok"], broken["broken_seq"], broken["reason"]) == (False, 2, "changed")
    assert cli("audit", "verify", "--anchor", "12:nothex") == 2


def test_cli_export_and_list(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "trail.jsonl"
    done = cli.json("audit", "export", "--out", str(out), "--format", "jsonl")
    assert done["entries"] == len(out.read_text(encoding="utf-8").splitlines()) >= 3
    assert cli("audit", "export", "--out", str(out)) == 2  # never overwrites
    assert cli("audit", "export", "--out", str(tmp_path / "nowhere" / "x.csv")) == 2
    assert cli("audit", "export", "--out", str(tmp_path / "trail.csv")) == 0
    assert (tmp_path / "trail.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli("audit", "export", "--out", str(tmp_path / "t.xml"), "--format", "xml") == 2
    listed = cli.json("audit", "list", "--limit", "2")
    assert len(listed) == 2 and listed[0]["seq"] > listed[1]["seq"]
    assert cli("audit", "list", "--table", "village") == 0 and "Buôn Kô Tam" in cli.out


def test_the_trail_holds_no_personal_data(tmp_path: Path) -> None:
    """Entries are append-only and leave the laptop (the server keeps a copy): a name in a summary could never
    be erased. Demo work plus deleting people and households leaves no person's name, phone or ID in it."""
    from dlso_desktop import demo

    db = create_database(tmp_path / "d.sqlite", 24133)
    try:
        user = Services(db, system=True).users.create("Người kiểm tra", "commune_operator", "24681357")
        demo.generate(db, households=30, seed=3, user_id=user.id)
        svc = Services(db, user_id=user.id)
        with db.engine.connect() as conn:
            people = conn.exec_driver_sql(
                "SELECT id, full_name, phone, citizen_id, household_id FROM person WHERE deleted = 0"
            ).all()
        assert len(people) > 50
        households = sorted({p[4] for p in people if p[4]})
        svc.households.delete(households[0])
        svc.persons.delete(next(p[0] for p in people if p[4] != households[0]))
        secrets = {str(v) for p in people for v in p[1:4] if v}
        with db.engine.connect() as conn:
            summaries = [r[0] for r in conn.exec_driver_sql("SELECT summary FROM audit_entry").all()]
        assert len(summaries) > len(people)
        leaked = sorted(s for s in set(summaries) if any(v in s for v in secrets))
        assert leaked == []
    finally:
        db.close()
