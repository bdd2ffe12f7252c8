"""Opening, creating, migrating and backing up the laptop's SQLite database.

Every pooled connection gets ``foreign_keys=ON``, WAL, ``synchronous=NORMAL`` and a ``busy_timeout`` (a
``connect`` listener). pysqlite's own transaction handling is turned off and SQLAlchemy's ``begin`` emits
``BEGIN`` itself: ``BEGIN IMMEDIATE`` for a unit of work (so two writers queue instead of deadlocking),
deferred ``BEGIN`` for reads.

Opening checks the schema revision with one query. An older revision is upgraded with Alembic after a
backup copy of the file; an unknown (newer) revision is refused with a clear message and the file is left
as it is. ``create_all()`` is never used: new databases are built by the migrations too.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from dlso_desktop.paths import DB_FILENAME
from dlso_desktop.storage import schema

__all__ = ["DB_FILENAME"]


class DatabaseError(Exception):
    """A database that cannot be opened; ``message_vi`` is shown to the user."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en


class DatabaseTooNewError(DatabaseError):
    pass


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-32000")  # 32 MB page cache per connection
    cur.execute("PRAGMA temp_store=MEMORY")
    # checkpoint the WAL every ~64 MB instead of every 4 MB: a bulk import checkpoints once, not per batch
    cur.execute("PRAGMA wal_autocheckpoint=16384")
    cur.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        URL.create("sqlite", database=str(path)),  # not a URL string: '?', '#', '%' in folder names stay literal
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _ro_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path`` (percent-encoded: '#', '?', '%' in folder names are not syntax)."""
    return path.resolve().as_uri() + "?mode=ro"


def peek_revision(path: Path) -> str | None:
    """The schema revision of an existing file, read through a plain read-only connection.

    Unlike the engine's connections this changes nothing in the file (no switch to WAL), so a database that is
    refused stays byte for byte as it was. A file that is not SQLite gives a :class:`DatabaseError`.
    """
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_table else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"Tệp {path} không phải cơ sở dữ liệu DLSO hoặc đã bị hỏng ({exc}).",
            f"{path} is not a DLSO database or is damaged ({exc}).",
        ) from exc
    return None if row is None else str(row[0])


def current_revision(conn: Connection) -> str | None:
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).first()
    if not has_table:
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


def run_migrations_to(engine: Engine, target: str) -> None:
    """Upgrade or downgrade to ``target`` (tests and support tools; the app only ever upgrades)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        current = current_revision(conn)
        order = list(schema.REVISIONS)
        if current in order and target in order and order.index(target) < order.index(current):
            command.downgrade(cfg, target)
        else:
            command.upgrade(cfg, target)


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


def run_migrations(engine: Engine, target: str = "head") -> None:
    """Upgrade with Alembic (imported only when there is something to do: opening stays fast)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def backup_file(source: Path, dest: Path) -> Path:
    """A consistent copy of a live database (SQLite's online backup: readers and writers may be busy)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(_ro_uri(source), uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    tmp.replace(dest)
    return dest


@dataclass(frozen=True, slots=True)
class OpenResult:
    revision_before: str | None
    migrated: bool
    backup: Path | None


def prepare_schema(path: Path, engine: Engine, backup_dir: Path) -> OpenResult:
    """Check the revision; upgrade an older database after a backup copy; refuse a newer one."""
    rev = peek_revision(path) if path.exists() and path.stat().st_size > 0 else None
    if rev == schema.HEAD:
        return OpenResult(rev, False, None)
    if rev is not None and rev not in schema.REVISIONS:
        raise DatabaseTooNewError(
            f"Cơ sở dữ liệu ({path}) được tạo bởi phiên bản DLSO mới hơn (lược đồ {rev}). "
            "Hãy cập nhật ứng dụng; dữ liệu không bị thay đổi.",
            f"The database ({path}) was written by a newer DLSO (schema {rev}). Update the app; "
            "the data was not changed.",
        )
    backup: Path | None = None
    if rev is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = backup_file(path, backup_dir / f"truoc-nang-cap-{rev}-{stamp}.sqlite")
    run_migrations(engine)
    return OpenResult(rev, True, backup)


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only unit: one deferred transaction, rolled back at the end."""
    with engine.connect() as conn:
        try:
            yield conn
        finally:
            conn.rollback()
