"""A new laptop's first sync from a commune snapshot (see :mod:`sync.server.snapshot`): one downloaded file
instead of hundreds of thousands of records applied one by one.

Taking a snapshot never loses what the laptop holds. The laptop's own data is carried into the downloaded
file first: every table that does not sync (identity and settings in ``meta``, the outbox, the audit log,
drafts, ...) replaces the snapshot's, and every synced row the snapshot lacks (e.g. an insert the server
refused, kept with its reason) is added and given its search document. Then SQLite's online backup copies the
file over the live database in one write transaction: other connections see the old database or the new one,
never a mix, and a crash leaves the old one. If anything wrote to the laptop database between reading its
data and taking the write lock for the copy, the copy is abandoned and the round pulls record by record.

An encrypted laptop takes the same snapshot and never writes it in clear: the download is encrypted page by
page under the laptop's own database key as it arrives (:class:`dlso_desktop.storage.cipherpages.PageEncryptor`;
the server lays its snapshot files out for that), and every step below opens that file and the laptop's file
with the same key (SQLCipher's backup copies the pages decrypting and re-encrypting them in memory).

Only a laptop that has never pulled (cursor 0, no full re-pull under way) and has nothing waiting to be sent
takes a snapshot; everything else pulls as before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from dlso_desktop.storage import schema
from dlso_desktop.storage import search as laptop_search
from dlso_desktop.storage.store import Database
from dlso_desktop.storage.uow import UnitOfWork
from sync import fields as F
from sync import local
from sync.protocol import CONFLICT_TABLE

#: what either SQLite library raises (sqlcipher3 has its own exception classes)
SQLITE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)
_INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlcipher3.IntegrityError)

#: the snapshot file layout: 2 = SQLCipher's 80 reserved bytes on every page, so that an encrypted laptop can
#: encrypt the download page by page as it arrives (dlso_desktop.storage.cipherpages); the server builds its
#: snapshots for :func:`schema_tag` (sync.server.snapshot)
FILE_FORMAT = 2


class SnapshotNotUsed(Exception):
    """The snapshot cannot be taken (wrong commune or schema, damaged, the laptop changed meanwhile): the
    laptop database is unchanged and the round pulls record by record."""


def schema_tag() -> str:
    """The laptop's schema revision, search-document version and snapshot layout; a snapshot must have been
    built for all three."""
    return f"{schema.HEAD}.{laptop_search.SEARCH_DOC_VERSION}.{FILE_FORMAT}"


def eligible(db: Database) -> bool:
    """Never pulled, no full re-pull under way, nothing waiting to be sent."""
    return (
        int(local.get_meta(db, local.CURSOR) or "0") == 0
        and not local.get_meta(db, local.RESET_PENDING)
        and local.pending_count(db) == 0
    )


@dataclass(frozen=True, slots=True)
class Adopted:
    cursor: int
    rows: int  # synced rows in the laptop database afterwards
    own_rows: int  # rows of this laptop that the snapshot did not hold, carried over


def _tables(conn: Any, schema_name: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(f"SELECT name FROM {schema_name}.sqlite_master WHERE type = 'table' ORDER BY name")
    ]


def _columns(conn: Any, schema_name: str, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f'PRAGMA {schema_name}.table_info("{table}")')]


def check(db: Database, snapshot: Path, cursor: int) -> None:
    """The snapshot is an SQLite database of this commune, schema and search format, at ``cursor``."""
    try:
        conn = db.connect_file(snapshot, readonly=True)
        try:
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        finally:
            conn.close()
    except SQLITE_ERRORS as exc:
        raise SnapshotNotUsed(f"not a usable database: {exc}") from None
    if rev is None or rev[0] != schema.HEAD:
        raise SnapshotNotUsed(f"schema {rev and rev[0]} is not this app's {schema.HEAD}")
    if str(meta.get("commune_code")) != str(db.commune_code):
        raise SnapshotNotUsed(f"snapshot of commune {meta.get('commune_code')}, not {db.commune_code}")
    if meta.get("search_doc_version") != laptop_search.SEARCH_DOC_VERSION:
        raise SnapshotNotUsed("search documents of another version")
    if meta.get(local.CURSOR) != str(cursor):
        raise SnapshotNotUsed(f"snapshot cursor {meta.get(local.CURSOR)} is not the announced {cursor}")
    live = db.connect_file()
    try:
        live_page = live.execute("PRAGMA page_size").fetchone()[0]
    finally:
        live.close()
    if page_size != live_page:
        raise SnapshotNotUsed(f"page size {page_size}, the laptop's is {live_page}")


def _carry_local_data(db: Database, snapshot: Path, cursor: int) -> int:
    """Write the laptop's own data into the snapshot file (see the module docstring); returns how many of
    the laptop's synced rows the snapshot did not hold."""
    engine = db.engine_for(snapshot)
    own = 0
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # rows are copied table by table
            db.attach_file(raw, db.path, "live")
            try:
                conn.begin()
                main_tables = set(_tables(raw, "main"))
                synced = set(F.TABLES) | {CONFLICT_TABLE}
                carried: list[str] = []
                checked_tables: list[str] = []
                for table in _tables(raw, "live"):
                    if table.startswith("sqlite_") or table.startswith("fts_") or table == "alembic_version":
                        continue
                    if table not in main_tables:
                        raise SnapshotNotUsed(f"the snapshot has no table {table}")
                    cols = ", ".join(f'"{c}"' for c in _columns(raw, "live", table))
                    if table in synced:
                        if table == CONFLICT_TABLE:
                            continue  # conflicts come from the server only
                        picked = ", ".join(
                            "NULL" if c == "search_rowid" else f'"{c}"' for c in _columns(raw, "live", table)
                        )
                        # columns that never travel (a user's PIN hash) keep the laptop's value on rows both hold;
                        # sort keys and search rowids are derived from synced fields and stay the snapshot's
                        spec = F.TABLES[table]
                        travelling = set(spec.fields) | set(F.META_FIELDS) | {"id", "version", "deleted"}
                        for col in _columns(raw, "live", table):
                            if col not in travelling and col not in ("sort_key", "search_rowid", "commune_code"):
                                raw.execute(
                                    f'UPDATE main.{table} SET "{col}" = (SELECT l."{col}" FROM live.{table} l'
                                    f" WHERE l.id = main.{table}.id) WHERE id IN (SELECT id FROM live.{table})"
                                )
                        ids = [
                            str(r[0])
                            for r in raw.execute(
                                f"SELECT id FROM live.{table} WHERE id NOT IN (SELECT id FROM main.{table})"
                            )
                        ]
                        if not ids:
                            continue
                        try:  # a unique value the commune already holds elsewhere: no snapshot, no loss
                            raw.execute(
                                f"INSERT INTO main.{table} ({cols}) SELECT {picked} FROM live.{table}"
                                f" WHERE id NOT IN (SELECT id FROM main.{table})"
                            )
                        except _INTEGRITY_ERRORS as exc:
                            raise SnapshotNotUsed(f"a row of this laptop clashes with the snapshot: {exc}") from None
                        own += len(ids)
                        checked_tables.append(table)
                        if table in ("person", "household"):
                            uow = UnitOfWork(
                                conn, device_id=db.device_id, commune_code=db.commune_code, user_id=None, remote=True
                            )
                            uow.index_copied(table, ids)
                            uow.flush()
                    else:
                        raw.execute(f"DELETE FROM main.{table}")
                        raw.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM live.{table}")
                        carried.append(table)
                        checked_tables.append(table)
                if carried:
                    marks = ", ".join("?" * len(carried))
                    if "sqlite_sequence" in main_tables:
                        raw.execute(f"DELETE FROM main.sqlite_sequence WHERE name IN ({marks})", carried)
                    if "sqlite_sequence" in set(_tables(raw, "live")):
                        raw.execute(
                            f"INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM live.sqlite_sequence"
                            f" WHERE name IN ({marks})",
                            carried,
                        )
                raw.execute(
                    "INSERT INTO main.meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (local.CURSOR, str(cursor)),
                )
                for table in checked_tables:
                    bad = raw.execute(f'PRAGMA main.foreign_key_check("{table}")').fetchone()
                    if bad is not None:
                        raise SnapshotNotUsed(f"a carried row breaks a reference: {tuple(bad)}")
                conn.commit()
            finally:
                if conn.in_transaction():
                    conn.rollback()
                raw.execute("DETACH DATABASE live")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return own


class _Changed(Exception):
    pass


def _pages_per_step(snapshot: Path) -> int:
    return max(1, min(1024, snapshot.stat().st_size // 4096 // 8))


def adopt(db: Database, snapshot: Path, cursor: int) -> Adopted:
    """Make the downloaded ``snapshot`` (at ``cursor``) the laptop database, keeping the laptop's own data.
    Raises :class:`SnapshotNotUsed` and changes nothing when it cannot."""
    check(db, snapshot, cursor)
    # a connection that only watches: PRAGMA data_version changes when any other connection commits
    watcher = db.connect_file()
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        own = _carry_local_data(db, snapshot, cursor)
        source = db.connect_file(snapshot)
        dest = db.connect_file(timeout=30)
        checked = False

        def guard(status: int, _remaining: int, _total: int) -> None:
            # after a first step that copied a page (status OK, not DONE) the backup holds the laptop
            # database's write lock until it is done, uncommitted: a commit between reading the laptop's data
            # above and now would be overwritten, so give up (the backup is rolled back)
            nonlocal checked
            if checked or status != sqlite3.SQLITE_OK:
                return
            checked = True
            if watcher.execute("PRAGMA data_version").fetchone()[0] != before:
                raise _Changed

        try:
            # at least eight steps, so that the check above runs after the first and before anything is
            # committed; at most 1,024 pages a step (one page a step costs a third more: a read transaction on
            # the source each time)
            source.backup(dest, pages=_pages_per_step(snapshot), progress=guard)
        except _Changed:
            raise SnapshotNotUsed("the laptop database changed while the snapshot was prepared") from None
        finally:
            source.close()
            dest.close()
    finally:
        watcher.close()
    with db.reader() as conn:
        db.meta.clear()
        db.meta.update({str(k): str(v) for k, v in conn.exec_driver_sql("SELECT key, value FROM meta").all()})
        rows = sum(int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() or 0) for t in F.TABLES)
    return Adopted(cursor, rows, own)


def discard(snapshot: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{snapshot}{suffix}").unlink(missing_ok=True)
