"""Opening, creating, migrating and backing up the laptop's SQLite database.

Every pooled connection gets ``foreign_keys=ON``, WAL, ``synchronous=NORMAL`` and a ``busy_timeout`` (a
``connect`` listener). pysqlite's own transaction handling is turned off and SQLAlchemy's ``begin`` emits
``BEGIN`` itself: ``BEGIN IMMEDIATE`` for a unit of work (so two writers queue instead of deadlocking),
deferred ``BEGIN`` for reads.

Opening checks the schema revision with one query. An older revision is upgraded with Alembic after a
backup copy of the file; an unknown (newer) revision is refused with a clear message and the file is left
as it is. ``create_all()`` is never used: new databases are built by the migrations too.

Encryption at rest (docs/ENCRYPTION.md): given a 32-byte key, the engine uses SQLAlchemy's
``sqlite+pysqlcipher`` dialect (the ``sqlcipher3`` driver) and the file, its WAL and its backups are
SQLCipher-encrypted. The key is given in SQLCipher's raw form (``x'<64 hex>'``): no key derivation runs on each
connection, the keystore (``storage.keystore``) already did the slow part. Without a key everything is exactly
the plain ``sqlite3`` set-up. :func:`encrypt_database` migrates a plaintext file in place, crash-safely.
"""

import os
import sqlite3
from collections.abc import Callable, Iterator
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
    """A database that cannot be opened; ``message_vi`` is shown to the user, ``code`` is for the program
    ("database" unless a more precise one is given: "wrong_key", "not_encrypted", "in_use", "too_new" ...)."""

    code = "database"

    def __init__(self, message_vi: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en
        if code is not None:
            self.code = code


class DatabaseTooNewError(DatabaseError):
    code = "too_new"


class WrongKeyError(DatabaseError):
    """The key does not decrypt the file (or the file is damaged): nothing was opened."""

    code = "wrong_key"


KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"


def raw_key(key: bytes) -> str:
    """SQLCipher's raw-key form: ``x'<64 hex digits>'`` (used as is, no key derivation on open)."""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"a database key is {KEY_BYTES} bytes")
    return f"x'{key.hex()}'"


def is_plaintext_sqlite(path: Path) -> bool:
    """True for an unencrypted SQLite file (its first 16 bytes are the SQLite header; SQLCipher's are a salt)."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _raw_connect(target: str, key: bytes | None, *, uri: bool = False) -> Any:
    """A DB-API connection outside the engine: ``sqlite3`` without a key, ``sqlcipher3`` keyed with one."""
    if key is None:
        return sqlite3.connect(target, uri=uri)
    import sqlcipher3

    conn = sqlcipher3.connect(target, uri=uri)
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to report, not a log line
    conn.execute(f'PRAGMA key = "{raw_key(key)}"')
    return conn


def _wrong_key(path: Path, exc: BaseException) -> DatabaseError:
    if is_plaintext_sqlite(path):
        return DatabaseError(
            f"Cơ sở dữ liệu {path} chưa được mã hóa; hãy mã hóa nó trước (dữ liệu không bị thay đổi).",
            f"The database {path} is not encrypted; encrypt it first (the data was not changed).",
            code="not_encrypted",
        )
    return WrongKeyError(
        f"Không mở được cơ sở dữ liệu {path}: khóa không đúng hoặc tệp đã bị hỏng.",
        f"Cannot open the database {path}: wrong key, or the file is damaged ({exc}).",
    )


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


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """The pooled engine; with ``key`` an SQLCipher engine (the dialect runs ``PRAGMA key`` first on every new
    connection, before the pragmas of :func:`_on_connect`; the key is in the URL's password, which SQLAlchemy
    never prints)."""
    # not a URL string: '?', '#', '%' in folder names stay literal
    url = (
        URL.create("sqlite", database=str(path))
        if key is None
        else URL.create("sqlite+pysqlcipher", password=raw_key(key), database=str(path))
    )
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False},
        hide_parameters=True,  # an error's text never quotes the row's values (names, CCCDs) into a log
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _ro_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path`` (percent-encoded: '#', '?', '%' in folder names are not syntax)."""
    return path.resolve().as_uri() + "?mode=ro"


def peek_revision(path: Path, key: bytes | None = None) -> str | None:
    """The schema revision of an existing file, read through a plain read-only connection.

    Unlike the engine's connections this changes nothing in the file (no switch to WAL), so a database that is
    refused stays byte for byte as it was. A file that is not SQLite gives a :class:`DatabaseError`; with a
    ``key`` that does not decrypt it, a :class:`WrongKeyError` (or code "not_encrypted" for a plaintext file).
    """
    if key is not None:
        import sqlcipher3

        try:
            conn = _raw_connect(_ro_uri(path), key, uri=True)
            try:
                has_table = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                ).fetchone()
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_table else None
            finally:
                conn.close()
        except sqlcipher3.DatabaseError as exc:
            raise _wrong_key(path, exc) from exc
        return None if row is None else str(row[0])
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
        encrypted = not is_plaintext_sqlite(path)
        raise DatabaseError(
            f"Tệp {path} không phải cơ sở dữ liệu DLSO, đã bị hỏng hoặc đã được mã hóa ({exc}).",
            f"{path} is not a DLSO database, is damaged, or is encrypted ({exc}).",
            code="not_plaintext" if encrypted else "database",
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


def backup_file(source: Path, dest: Path, key: bytes | None = None) -> Path:
    """A consistent copy of a live database (SQLite's online backup: readers and writers may be busy).

    With ``key`` both ends are SQLCipher connections keyed alike: the copy is encrypted with the same key (the
    backup API copies pages, which SQLCipher decrypts from the source and encrypts for the destination)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    src = _raw_connect(_ro_uri(source), key, uri=True)
    try:
        dst = _raw_connect(str(tmp), key)
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


def prepare_schema(path: Path, engine: Engine, backup_dir: Path, *, key: bytes | None = None) -> OpenResult:
    """Check the revision; upgrade an older database after a backup copy; refuse a newer one."""
    rev = peek_revision(path, key) if path.exists() and path.stat().st_size > 0 else None
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
        backup = backup_file(path, backup_dir / f"truoc-nang-cap-{rev}-{stamp}.sqlite", key)
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


# ---------------------------------------------------------------------------------------------------------
# Encrypting an existing plaintext database in place

#: the steps of :func:`encrypt_database`, in order (a test makes each one fail, or kill the process)
ENCRYPT_STEPS = ("exclusive", "export", "verify", "fsync", "drop_wal", "replace")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _content(conn: Any) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """The schema (every sqlite_master row) and the row count of every stored table (FTS5 shadow tables
    included; a virtual table itself stores nothing)."""
    master = sorted(
        tuple(r)
        for r in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    )
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
    return master, counts


def encrypt_database(path: Path, key: bytes, *, fault_hook: Callable[[str], None] | None = None) -> None:
    """Encrypt the plaintext database ``path`` in place with ``key``.

    Every connection to it must be closed first (the app drops its engine): switching the file out of WAL
    mode needs it alone, and refuses (code "in_use") otherwise. Then, in order (:data:`ENCRYPT_STEPS`):

    1. ``exclusive``: ``journal_mode=DELETE``: the WAL is checkpointed into the file and deleted; the
       plaintext file alone holds every committed row.
    2. ``export``: ``ATTACH`` a new file ``<path>.encrypting`` with the key and ``sqlcipher_export`` into it
       under a write lock (schema, rows, FTS5 shadow tables; ``user_version`` is copied by hand).
    3. ``verify``: the new file, opened with the key, passes ``integrity_check`` and
       ``cipher_integrity_check`` and has the same schema and the same row count in every table.
    4. ``fsync``: the new file is on disk.
    5. ``drop_wal``: any ``-wal``/``-shm`` left beside the old file is removed (empty by step 1: a stale
       plaintext WAL must never be replayed into the encrypted file).
    6. ``replace``: ``os.replace`` swaps the files atomically; the folder is synced.

    A crash before 6 leaves the old plaintext file intact (and a ``.encrypting`` leftover that the next
    attempt deletes); after 6 the file is the complete encrypted copy. ``fault_hook(step)`` is called after
    each step (tests).
    """
    import sqlcipher3

    hook = fault_hook or (lambda _step: None)
    if not is_plaintext_sqlite(path):
        raise DatabaseError(
            f"Tệp {path} không phải cơ sở dữ liệu SQLite chưa mã hóa; không có gì để mã hóa.",
            f"{path} is not an unencrypted SQLite database; there is nothing to encrypt.",
            code="not_plaintext",
        )
    tmp = path.with_name(path.name + ".encrypting")
    for leftover in (tmp, Path(f"{tmp}-journal")):
        leftover.unlink(missing_ok=True)  # an earlier attempt that crashed
    replaced = False
    try:
        # the switch out of WAL is done with ``sqlite3``, the library of the plaintext engine: two SQLite
        # libraries in one process do not see each other's locks, so only this one notices an engine of this
        # process still open (and any other process's)
        probe = sqlite3.connect(path, timeout=1.0, isolation_level=None)
        try:
            try:
                mode = probe.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError as exc:
                mode = str(exc)
        finally:
            probe.close()
        if str(mode).lower() != "delete":
            raise DatabaseError(
                f"Cơ sở dữ liệu {path} đang được dùng; hãy đóng ứng dụng rồi thử lại.",
                f"The database {path} is in use; close the app and try again.",
                code="in_use",
            )
        src = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            src.execute("PRAGMA busy_timeout=10000")
            hook("exclusive")
            src.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(tmp), raw_key(key)))
            src.execute("BEGIN IMMEDIATE")
            src.execute("SELECT sqlcipher_export('encrypted')")
            version = int(src.execute("PRAGMA main.user_version").fetchone()[0])
            src.execute(f"PRAGMA encrypted.user_version = {version}")
            src.execute("COMMIT")
            src.execute("DETACH DATABASE encrypted")
            expected = _content(src)
        finally:
            src.close()
        hook("export")
        check = _raw_connect(str(tmp), key)
        try:
            problems = [r[0] for r in check.execute("PRAGMA integrity_check")] + [
                r[0] for r in check.execute("PRAGMA cipher_integrity_check")
            ]
            got = _content(check)
            got_version = int(check.execute("PRAGMA user_version").fetchone()[0])
        finally:
            check.close()
        if problems != ["ok"] or got != expected or got_version != version:
            raise DatabaseError(
                f"Mã hóa {path} không thành công (bản mã hóa không khớp); tệp cũ được giữ nguyên.",
                f"Encrypting {path} failed (the encrypted copy does not match); the old file was kept.",
                code="encrypt_failed",
            )
        hook("verify")
        _fsync_file(tmp)
        hook("fsync")
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        hook("drop_wal")
        os.replace(tmp, path)
        replaced = True
        fsync_dir(path.parent)
        hook("replace")
    except BaseException:
        if not replaced:
            for leftover in (tmp, Path(f"{tmp}-journal")):
                leftover.unlink(missing_ok=True)
        raise
