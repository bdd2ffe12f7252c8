"""Commune snapshots: a laptop database of one commune, built by the server ahead of time, so that the first
sync of a new laptop downloads one file instead of applying hundreds of thousands of records one by one.

A snapshot is made with the laptop's own code: :func:`dlso_desktop.storage.store.create_database` and
:func:`sync.local.apply_page` fed with the commune's records in change order, exactly as a laptop pulls
them, up to the commune's safe high-water mark. Its ``sync.cursor`` is that mark; a laptop that takes it
pulls the rest from there (see ``sync.local.adopt_snapshot``). Snapshots are refreshed incrementally (a copy
of the previous one, the new records applied, then renamed into place), so keeping them fresh costs what the
new records cost.

Files, per commune and tag (the laptop schema revision, search-document version and file layout, see
:func:`schema_tag`), in the snapshot folder:

- ``<commune>-<tag>-<cursor>.sqlite.gz``: the newest snapshot, gzip-compressed, as downloaded (and
  decompressed as the start of the next refresh);
- ``<commune>-<tag>.json``: what is served (cursor, sha256 of the uncompressed file, sizes), written last.

The file keeps SQLCipher's 80 reserved bytes on every page (``create_database(cipher_layout=True)``), so that
an encrypted laptop can encrypt it page by page as it arrives (:mod:`dlso_desktop.storage.cipherpages`); an
unencrypted laptop takes it as it is.

A snapshot is only served to a laptop of the same tag (anything else pulls record by record, as before) and
only while its cursor is at most the commune's high-water mark and not below the purge mark of old tombstones.

A snapshot made before an erasure of a person's data holds that data: the erasure deletes the commune's
snapshot files at once (:data:`sync.server.apply.ERASURE_HOOKS`), a snapshot whose cursor is below the
commune's latest erasure is never served (and its files are deleted when asked for), and the next one is
built from an empty database, not refreshed from the old file (whose free pages could still hold the text).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import FastAPI, Header, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import Connection, Engine, and_, select
from sqlalchemy.engine import make_url

from dlso_desktop.ids import utc_now
from dlso_desktop.storage.store import Database
from sync.bootstrap import schema_tag as schema_tag  # the tag snapshots are built for (laptop and server agree)
from sync.protocol import PulledChange
from sync.server.apply import ERASURE_HOOKS, DeviceInfo, erasure_mark
from sync.server.db import DEFAULT_SQLITE, read_only, writing
from sync.server.models import CommuneCounter, Record

log = logging.getLogger("dlso.server.snapshot")

ENV_DIR = "DLSO_SERVER_SNAPSHOT_DIR"
#: records per page while building (the laptop's apply_page, one transaction per page)
BUILD_PAGE = 5000
#: a served snapshot this many records behind the high-water mark is refreshed in the background
REFRESH_LAG = 20_000
#: communes with fewer changes get no snapshot built on request: pulling them record by record takes seconds
MIN_CHANGES = 20_000

_REC = Record.__table__  # type: ignore[attr-defined]
_CTR = CommuneCounter.__table__  # type: ignore[attr-defined]


def snapshot_dir(database_url: str | None = None) -> Path:
    """``$DLSO_SERVER_SNAPSHOT_DIR``, else ``snapshots/`` beside an SQLite server database, else
    ``./server-data/snapshots``."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    if database_url:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / "snapshots"
    return DEFAULT_SQLITE.parent / "snapshots"


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    commune_code: int
    schema: str
    cursor: int
    built_at: str
    sha256: str
    size: int  # uncompressed bytes
    gz_name: str
    gz_size: int
    build_seconds: float


def _base(folder: Path, commune: int, tag: str) -> Path:
    return folder / f"{commune}-{tag}"


def _sidecar(base: Path) -> Path:
    """``<commune>-<tag>.json`` (the tag has dots: not ``with_suffix``, which would cut its last part)."""
    return base.with_name(base.name + ".json")


def current(folder: Path, commune: int, tag: str | None = None) -> SnapshotInfo | None:
    """The snapshot served for ``commune`` (None when there is none for this schema, or its files are gone)."""
    tag = tag or schema_tag()
    sidecar = _sidecar(_base(folder, commune, tag))
    try:
        info = SnapshotInfo(**json.loads(sidecar.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if not (folder / info.gz_name).is_file():
        return None
    return info


def gz_path(folder: Path, info: SnapshotInfo) -> Path:
    return folder / info.gz_name


@contextmanager
def _build_lock(folder: Path, commune: int) -> Iterator[bool]:
    """One builder per commune across processes (several server workers, the CLI): yields False when
    another one holds it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{commune}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        except ImportError:  # not POSIX: the in-process lock below still holds
            pass
        yield True
    finally:
        os.close(fd)


def _marks(engine: Engine, commune: int) -> tuple[int, int]:
    """(high-water mark, purge mark) of the commune."""
    with read_only(engine) as conn:
        row = conn.execute(select(_CTR.c.seq, _CTR.c.pruned_below).where(_CTR.c.commune_code == commune)).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def _erasure_mark(engine: Engine, commune: int) -> int:
    with read_only(engine) as conn:
        return erasure_mark(conn, commune)


def invalidate(folder: Path, commune: int) -> int:
    """Delete every snapshot file of the commune (all schema tags): they may hold a person's erased data.
    Returns how many files were deleted. A download in progress keeps reading the file it opened."""
    removed = 0
    for pattern in (f"{commune}-*.json", f"{commune}-*.sqlite.gz"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("snapshot of commune %s deleted after an erasure", commune)
    return removed


def _remove_other_tags(folder: Path, commune: int, ours: str) -> int:
    """Delete the commune's snapshots made for another schema, search format or file layout (an earlier server
    version's): this server never serves them, and they hold the commune's personal data."""
    removed = 0
    for pattern in (f"{commune}-*.json", f"{commune}-*.sqlite.gz"):
        for path in folder.glob(pattern):
            if path.name != f"{ours}.json" and not path.name.startswith(f"{ours}-"):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _pages(engine: Engine, commune: int, after: int, high: int) -> Iterator[tuple[list[PulledChange], int]]:
    """The commune's records above ``after`` up to ``high`` in change order, a page at a time, each with the
    cursor a laptop would get for it."""
    cursor = after
    while cursor < high:
        with read_only(engine) as conn:
            rows = conn.execute(
                select(_REC.c.table_name, _REC.c.row_id, _REC.c.version, _REC.c.deleted, _REC.c.data)
                .where(and_(_REC.c.commune_code == commune, _REC.c.version > cursor, _REC.c.version <= high))
                .order_by(_REC.c.version)
                .limit(BUILD_PAGE)
            ).all()
        nxt = int(rows[-1][2]) if len(rows) == BUILD_PAGE and int(rows[-1][2]) < high else high
        yield [PulledChange(str(t), str(r), int(v), bool(d), orjson.loads(data)) for t, r, v, d, data in rows], nxt
        cursor = nxt


def build(
    engine: Engine,
    folder: Path,
    commune: int,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SnapshotInfo | None:
    """Build or refresh the commune's snapshot up to its high-water mark; returns it (None when another
    process is building it right now). ``full`` starts from an empty database instead of the last snapshot."""
    from dlso_desktop.storage.store import open_database
    from sync import local

    tag = schema_tag()
    with _process_lock(commune), _build_lock(folder, commune) as mine:
        if not mine:
            return None
        t0 = time.perf_counter()
        high, pruned = _marks(engine, commune)
        base = _base(folder, commune, tag)
        previous = current(folder, commune, tag)
        work = base.with_name(base.name + ".work.sqlite")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        start = 0
        db = None
        if previous is not None and previous.cursor < _erasure_mark(engine, commune):
            full = True  # the old file holds erased data, in its records or its free pages
        if not full and previous is not None and usable(previous, high, pruned):
            if previous.cursor == high:
                return previous
            # only the compressed file is kept (a sixth of the size): the refresh starts from it
            if _gunzip(folder / previous.gz_name, work) == previous.sha256:
                with _ALEMBIC:
                    db = open_database(work)
                start = previous.cursor
        if db is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            db = _create(work, commune)
        try:
            done = 0
            for changes, cursor in _pages(engine, commune, start, high):
                local.apply_page(db, changes, cursor)
                done += len(changes)
                if progress:
                    progress(done, high - start)
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("PRAGMA optimize")
        finally:
            db.close()
        _single_file(work)
        sha, size = _file_sha256(work), work.stat().st_size
        gz_name = f"{base.name}-{high}.sqlite.gz"
        gz_tmp = folder / (gz_name + ".part")
        with open(work, "rb") as src, gzip.open(gz_tmp, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.chmod(gz_tmp, 0o600)  # the commune's personal data: as private as the database
        gz_tmp.replace(folder / gz_name)
        work.unlink()
        info = SnapshotInfo(
            commune_code=commune,
            schema=tag,
            cursor=high,
            built_at=utc_now(),
            sha256=sha,
            size=size,
            gz_name=gz_name,
            gz_size=(folder / gz_name).stat().st_size,
            build_seconds=round(time.perf_counter() - t0, 2),
        )
        sidecar_tmp = base.with_name(base.name + ".json.part")
        sidecar_tmp.write_text(json.dumps(asdict(info), indent=1), "utf-8")
        sidecar_tmp.replace(_sidecar(base))
        if previous is not None and previous.gz_name != gz_name:
            # a download in progress keeps reading the file it opened (POSIX); new requests get the new one
            (folder / previous.gz_name).unlink(missing_ok=True)
        _remove_other_tags(folder, commune, base.name)
        log.info("snapshot of commune %s at %s built in %.1f s", commune, high, info.build_seconds)
        return info


#: Alembic's module-level context is not thread-safe: one database set up at a time in this process
_ALEMBIC = threading.Lock()


def _create(path: Path, commune: int) -> Database:
    from dlso_desktop.storage.store import create_database

    with _ALEMBIC:
        return create_database(path, commune, cipher_layout=True)


def _single_file(path: Path) -> None:
    """Fold the WAL into the file and leave the file in WAL mode with no -wal/-shm beside it, so one file is
    the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _gunzip(source: Path, dest: Path) -> str | None:
    """Decompress ``source`` into ``dest``; the SHA-256 of what was written (None when unreadable)."""
    h = hashlib.sha256()
    try:
        with gzip.open(source, "rb") as src, open(dest, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
                h.update(chunk)
    except (OSError, EOFError):
        return None
    return h.hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


_locks_guard = threading.Lock()
_locks: dict[int, threading.Lock] = {}


@contextmanager
def _process_lock(commune: int) -> Iterator[None]:
    with _locks_guard:
        lock = _locks.setdefault(commune, threading.Lock())
    with lock:
        yield


class Builder:
    """Builds snapshots in a background thread when a laptop asks for one that is missing or stale; one at a
    time per server process (the file lock keeps other processes out)."""

    def __init__(self, engine: Engine, folder: Path, *, min_changes: int = MIN_CHANGES) -> None:
        self.engine = engine
        self.folder = folder
        self.min_changes = min_changes
        self._wanted: set[int] = set()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self, commune: int) -> None:
        with self._guard:
            self._wanted.add(commune)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="dlso-snapshots", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._guard:
                if not self._wanted:
                    self._thread = None
                    return
                commune = self._wanted.pop()
            try:
                build(self.engine, self.folder, commune)
            except Exception:
                log.exception("snapshot of commune %s failed", commune)

    def join(self, timeout: float | None = None) -> None:
        """Wait until every requested build is done (or ``timeout`` seconds have passed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._guard:
                thread = self._thread
            if thread is None:
                return
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            thread.join(left)
            if thread.is_alive():
                return


def usable(info: SnapshotInfo | None, high: int, pruned: int) -> bool:
    """Whether a laptop may take this snapshot now: not ahead of the server (a restored database) and not
    holding tombstones the server has purged since."""
    return info is not None and pruned <= info.cursor <= high


def communes_with_records(engine: Engine) -> list[int]:
    with read_only(engine) as conn:
        return [int(r[0]) for r in conn.execute(select(_CTR.c.commune_code).where(_CTR.c.seq > 0))]


SNAPSHOT_MEDIA_TYPE = "application/vnd.sqlite3"
# module level: FastAPI resolves the endpoint's (postponed) annotations in this module's namespace
Auth = Annotated[str | None, Header(description="Bearer <device token>")]
SchemaTag = Annotated[str, Query(max_length=200, description="the laptop's schema tag")]


def install(
    app: FastAPI,
    engine: Engine,
    device: Callable[[Connection, str | None], DeviceInfo],
    folder: Path,
    *,
    builder: Builder | None = None,
) -> Builder:
    """``GET /sync/v1/snapshot``: the commune's snapshot for a laptop that has never pulled. Missing or
    unusable ones are built in the background meanwhile (the laptop pulls record by record this time)."""
    from sync import protocol as P
    from sync.server.app import ApiError
    from sync.server.apply import record_served

    builder = builder or Builder(engine, folder)
    app.state.snapshots = builder

    engine_ref = weakref.ref(engine)  # the hook must not keep a closed server's engine alive

    def erased(source: Engine, commune: int) -> None:
        if source is engine_ref():
            invalidate(folder, commune)

    ERASURE_HOOKS.append(erased)

    def unavailable(why_vi: str, why_en: str) -> ApiError:
        return ApiError(404, "snapshot_unavailable", why_vi, why_en)

    @app.get(
        f"{P.PREFIX}/snapshot",
        tags=["sync"],
        response_class=Response,
        responses={
            200: {"content": {SNAPSHOT_MEDIA_TYPE: {}}, "description": "the snapshot file, gzip transfer"},
            401: {"model": P.ErrorResponse},
            403: {"model": P.ErrorResponse},
            404: {"model": P.ErrorResponse},
        },
    )
    def snapshot(
        authorization: Auth = None,
        schema: SchemaTag = "",
    ) -> Response:
        """The commune's snapshot (an SQLite laptop database at cursor ``X-DLSO-Cursor``), for a laptop
        that has never pulled and runs the same schema; 404 ``snapshot_unavailable`` otherwise."""
        with read_only(engine) as conn:
            dev = device(conn, authorization)
        if schema != schema_tag():
            raise unavailable(
                "Máy chủ không có bản chụp cho phiên bản ứng dụng này.", "No snapshot for this app version."
            )
        high, pruned = _marks(engine, dev.commune_code)
        info = current(folder, dev.commune_code)
        if info is not None and info.cursor < _erasure_mark(engine, dev.commune_code):
            invalidate(folder, dev.commune_code)  # made before an erasure: it holds the erased data
            info = None
        if info is None or not usable(info, high, pruned):
            if high >= max(1, builder.min_changes):
                builder.request(dev.commune_code)
            raise unavailable("Bản chụp dữ liệu của xã đang được chuẩn bị.", "The commune snapshot is not ready.")
        try:
            f = open(gz_path(folder, info), "rb")  # noqa: SIM115 - closed by the streamed answer
        except FileNotFoundError:  # replaced by a newer one just now
            raise unavailable(
                "Bản chụp dữ liệu của xã đang được cập nhật.", "The snapshot is being replaced."
            ) from None
        if high - info.cursor > REFRESH_LAG:
            builder.request(dev.commune_code)
        now = utc_now()
        try:
            # committed before the file leaves: the cursor the laptop will hold was recorded as served
            with writing(engine, short=True) as conn:
                record_served(conn, dev, info.cursor, now)
        except BaseException:
            f.close()
            raise

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(1 << 20):
                    yield chunk

        return StreamingResponse(
            chunks(),
            media_type=SNAPSHOT_MEDIA_TYPE,
            headers={
                "Content-Encoding": "gzip",
                "Content-Length": str(info.gz_size),
                "X-DLSO-Cursor": str(info.cursor),
                "X-DLSO-Sha256": info.sha256,
                "X-DLSO-Size": str(info.size),
                "X-DLSO-Schema": info.schema,
                "Cache-Control": "no-store",
            },
        )

    return builder
