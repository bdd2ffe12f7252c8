"""Storage: connection settings, opening/creating/migrating/backing up the laptop database, schema agreement."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy.exc
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlmodel import SQLModel

import dlso_desktop.storage.db as db_module
from dlso_desktop import admin_units, models
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput
from dlso_desktop.storage import schema
from dlso_desktop.storage.db import (
    DatabaseError,
    DatabaseTooNewError,
    backup_file,
    make_engine,
    prepare_schema,
)
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.validation import ValidationError

COMMUNE = 24133
MIGRATIONS = Path(db_module.__file__).with_name("migrations")
SEARCH_TABLES = ("fts_person", "fts_person_ids", "fts_household", "fts_household_ids")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------------------------------------------
# Connection settings


def pragmas(conn: Connection) -> tuple[int, str, int, int]:
    fk = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    return int(fk or 0), str(journal), int(sync if sync is not None else -1), int(busy or 0)


def assert_settings(conn: Connection) -> None:
    fk, journal, sync, busy = pragmas(conn)
    assert fk == 1
    assert journal == "wal"
    assert sync == 1  # NORMAL
    assert busy > 0


def test_every_pooled_connection_has_the_settings(db: Database) -> None:
    c1 = db.engine.connect()
    c2 = db.engine.connect()
    c3 = db.engine.connect()
    try:
        raw = {id(c.connection.dbapi_connection) for c in (c1, c2, c3)}
        assert len(raw) == 3  # three distinct SQLite connections, all open at once
        for c in (c1, c2, c3):
            assert_settings(c)
    finally:
        for c in (c1, c2, c3):
            c.close()
    with db.reader() as conn:
        assert_settings(conn)
    with db.unit_of_work(None) as uow:
        assert_settings(uow.conn)


def test_reopened_database_connections_have_the_settings(db: Database) -> None:
    path = db.path
    db.close()
    again = open_database(path)
    try:
        with again.engine.connect() as a, again.engine.connect() as b:
            assert_settings(a)
            assert_settings(b)
    finally:
        again.close()


def test_concurrent_writers_queue_instead_of_failing(db: Database) -> None:
    """Units of work from several threads (UI, sync, import) wait for each other; none fails or is lost."""
    services = Services(db)
    village = services.villages.create("Thôn 1")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(8):
                services.households.create(HouseholdInput(village.id, f"Nguyễn Văn {n}-{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.reader() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM household").scalar() == 32
        ops = conn.exec_driver_sql("SELECT count(*), count(DISTINCT op_id), count(DISTINCT txn_id) FROM outbox").one()
    assert tuple(ops) == (33, 33, 33)
    assert services.admin.check().ok


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.unit_of_work(None) as uow:
        uow.insert("household", {"village_id": "no-such-village", "head_name": "Nguyễn Văn An"})
        uow.commit()
    with db.reader() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM household").scalar() == 0


def test_unit_of_work_takes_the_write_lock_at_begin(db: Database) -> None:
    """BEGIN IMMEDIATE: a second writer waits (busy) instead of both reading and then deadlocking."""
    other = sqlite3.connect(db.path, timeout=0)
    try:
        with db.unit_of_work(None), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released once the unit of work ended
        other.rollback()
    finally:
        other.close()


# ---------------------------------------------------------------------------------------------------------
# Creating


def test_create_database_seeds_identity_and_catalogues(db: Database) -> None:
    assert db.commune_code == COMMUNE
    assert len(db.device_id) == 36 and db.device_id[14] == "7"
    assert db.meta["schema_version"] == str(schema.SCHEMA_VERSION)
    assert db.meta["admin_units_version"] == admin_units.data_version()
    assert db.opened.revision_before is None and db.opened.migrated and db.opened.backup is None
    with db.reader() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM commune").scalar() == 102
        assert conn.exec_driver_sql("SELECT count(*) FROM course").scalar()
        assert conn.exec_driver_sql("SELECT count(*) FROM procedure").scalar()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == schema.HEAD
    assert not (db.path.parent / "backups").exists()


@pytest.mark.parametrize("code", [1, 79, 0])
def test_create_database_outside_dak_lak_leaves_no_file(tmp_path: Path, code: int) -> None:
    path = tmp_path / "data" / "dlso.sqlite"
    with pytest.raises(ValidationError) as exc:
        create_database(path, code)
    assert exc.value.field == "commune_code"
    assert "Đắk Lắk" in exc.value.message_vi
    assert not path.exists()
    assert not path.parent.exists() or files_in(path.parent) == []


def test_create_database_refuses_to_overwrite(db: Database) -> None:
    before = sha256(db.path)
    with pytest.raises(DatabaseError):
        create_database(db.path, COMMUNE)
    assert sha256(db.path) == before


def test_create_and_reopen_keeps_identity(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    first = create_database(path, COMMUNE)
    device = first.device_id
    Services(first).villages.create("Thôn 3")
    first.close()
    again = open_database(path)
    try:
        assert again.device_id == device
        assert again.commune_code == COMMUNE
        assert again.opened.revision_before == schema.HEAD
        assert not again.opened.migrated and again.opened.backup is None
        assert [v.name for v in Services(again).villages.list_all()] == ["Thôn 3"]
    finally:
        again.close()


@pytest.mark.parametrize("folder", ["dữ liệu xã", "hộ #1", "tỷ lệ 100%20", "a&b=c"])
def test_paths_with_special_characters(tmp_path: Path, folder: str) -> None:
    """Windows user folders may hold spaces, '#', '%': the database and its backup must be the real files."""
    path = tmp_path / folder / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    try:
        Services(db).villages.create("Thôn Đồng Tâm")
        out = db.backup(tmp_path / f"copy {folder}.sqlite")
    finally:
        db.close()
    assert path.is_file()
    assert files_in(tmp_path) == sorted([folder, out.name])  # nothing written beside the intended paths
    for p in (path, out):
        again = open_database(p)
        try:
            assert [v.name for v in Services(again).villages.list_all()] == ["Thôn Đồng Tâm"]
        finally:
            again.close()


# ---------------------------------------------------------------------------------------------------------
# Opening


def test_open_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "dlso.sqlite"
    with pytest.raises(DatabaseError) as exc:
        open_database(path)
    assert "dlso init" in exc.value.message_vi
    assert not path.exists() and not path.parent.exists()


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_revision_is_refused_and_file_untouched(tmp_path: Path, journal_mode: str) -> None:
    """A database written by a newer app (also a restored backup, which is in rollback-journal mode)."""
    path = tmp_path / "dlso.sqlite"
    create_database(path, COMMUNE).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.execute(f"PRAGMA journal_mode={journal_mode}")
    raw.close()
    before = sha256(path)
    with pytest.raises(DatabaseTooNewError) as exc:
        open_database(path)
    assert "9999_future" in exc.value.message_vi
    assert "9999_future" in exc.value.message_en
    assert sha256(path) == before
    assert not (tmp_path / "backups").exists()
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == journal_mode
        assert check.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
    finally:
        check.close()


def test_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a database " * 200)
    before = sha256(path)
    with pytest.raises(DatabaseError) as exc:
        open_database(path)
    assert str(path) in exc.value.message_vi
    assert sha256(path) == before


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    raw.execute("INSERT INTO notes (body) VALUES ('sổ tay')")
    raw.commit()
    raw.close()
    before = sha256(path)
    with pytest.raises(DatabaseError):
        open_database(path)
    assert sha256(path) == before
    assert table_names(path) == {"notes"}


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    path.touch()
    with pytest.raises(DatabaseError):
        open_database(path)
    assert path.stat().st_size == 0


# ---------------------------------------------------------------------------------------------------------
# Migrating and backing up


@pytest.mark.parametrize("existing", [False, True])
def test_prepare_schema_on_a_fresh_file_creates_every_table_without_backup(tmp_path: Path, existing: bool) -> None:
    path = tmp_path / "fresh.sqlite"
    if existing:
        path.touch()  # an empty file is a new database too
    engine: Engine = make_engine(path)
    try:
        result = prepare_schema(path, engine, tmp_path / "backups")
    finally:
        engine.dispose()
    assert result.revision_before is None and result.migrated and result.backup is None
    assert not (tmp_path / "backups").exists()
    tables = table_names(path)
    assert set(SQLModel.metadata.tables) <= tables
    assert set(models.TABLES) <= tables
    assert {*SEARCH_TABLES, "alembic_version"} <= tables


def test_older_revision_is_backed_up_before_it_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "dlso.sqlite"
    first = create_database(path, COMMUNE)
    Services(first).villages.create("Buôn Ea Nao")
    first.close()
    # a database made by the previous release: schema 0001_initial (the real downgrade drops the drafts table)
    engine = db_module.make_engine(path)
    db_module.run_migrations_to(engine, "0001_initial")
    engine.dispose()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'draft'").fetchone() == (0,)
    raw.close()

    seen: list[list[str]] = []
    real_upgrade = db_module.run_migrations

    def watched_upgrade(engine: Engine, target: str = "head") -> None:
        seen.append(files_in(tmp_path / "backups"))  # the backup must exist before anything changes
        real_upgrade(engine, target)

    monkeypatch.setattr(db_module, "run_migrations", watched_upgrade)
    upgraded = open_database(path)
    try:
        assert upgraded.opened.revision_before == "0001_initial"
        assert upgraded.opened.migrated
        backup = upgraded.opened.backup
        assert backup is not None and backup.parent == tmp_path / "backups"
        assert backup.name.startswith("truoc-nang-cap-0001_initial-")
        assert seen == [[backup.name]]
        assert [v.name for v in Services(upgraded).villages.list_all()] == ["Buôn Ea Nao"]
        with upgraded.reader() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == schema.HEAD
            assert conn.exec_driver_sql("SELECT count(*) FROM draft").scalar() == 0
    finally:
        upgraded.close()
    old = sqlite3.connect(backup)  # the backup is the old database, whole
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)
    assert old.execute("SELECT name FROM village").fetchall() == [("Buôn Ea Nao",)]
    old.close()


def test_backup_file_is_a_consistent_standalone_copy(services: Services, db: Database, tmp_path: Path) -> None:
    services.villages.create("Thôn 5")
    dest = backup_file(db.path, tmp_path / "out" / "copy.sqlite")
    assert dest == tmp_path / "out" / "copy.sqlite"
    assert files_in(dest.parent) == ["copy.sqlite"]  # no .part, no -wal beside it
    copy = sqlite3.connect(dest)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT name FROM village").fetchall() == [("Thôn 5",)]
    finally:
        copy.close()


def test_revisions_match_the_migration_scripts() -> None:
    """A migration added without updating schema.py (or the reverse) fails here."""
    script = ScriptDirectory(str(MIGRATIONS))
    chain = tuple(reversed([rev.revision for rev in script.walk_revisions()]))
    assert chain == schema.REVISIONS
    assert script.get_heads() == [schema.HEAD]
    assert len(chain) == schema.SCHEMA_VERSION


def test_models_agree_with_the_migrated_database(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = compare_metadata(ctx, SQLModel.metadata)
        conn.rollback()

    def search_table(diff: object) -> str | None:
        if isinstance(diff, tuple) and diff[0] == "remove_table":
            name = str(diff[1].name)
            if name.startswith(("fts_person", "fts_household")):
                return name
        return None

    assert [d for d in diffs if search_table(d) is None] == []
    assert set(SEARCH_TABLES) <= {search_table(d) for d in diffs}  # the comparison did look at the file


def test_outbox_op_ids_are_never_reused(services: Services, db: Database) -> None:
    services.villages.create("Thôn 6")
    with db.reader() as conn:
        last = conn.exec_driver_sql("SELECT max(op_id) FROM outbox").scalar()
    with db.unit_of_work(None) as uow:
        uow.conn.exec_driver_sql("DELETE FROM outbox")  # pruned after acknowledgement
        uow.commit()
    services.villages.create("Thôn 7")
    with db.reader() as conn:
        assert int(conn.exec_driver_sql("SELECT min(op_id) FROM outbox").scalar() or 0) > int(last or 0) > 0
