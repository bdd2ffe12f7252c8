"""The server's database: an SQLite file by default, PostgreSQL (psycopg 3) in production; Alembic migrations."""

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool, QueuePool

log = logging.getLogger("dlso.server")

DEFAULT_SQLITE = Path("server-data") / "dlso-server.sqlite"
#: with a background checkpointer, the WAL size (pages) at which a commit still checkpoints by itself: a
#: safety net should the checkpointer fall behind (SQLite's default, 1,000 pages, checkpointed every few pushes
#: inside the pushing request, holding the write lock, ~0.1-0.2 s each)
BACKGROUND_AUTOCHECKPOINT_PAGES = 50_000
CHECKPOINT_INTERVAL_S = 0.5
ENV_URL = "DLSO_SERVER_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """``--database-url``, else ``$DLSO_SERVER_DATABASE_URL``, else an SQLite file under ./server-data."""
    url = explicit or os.environ.get(ENV_URL)
    if not url:
        DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_SQLITE.resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_connect_checkpointed(dbapi_conn: Any, record: Any) -> None:
    _sqlite_connect(dbapi_conn, record)
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKGROUND_AUTOCHECKPOINT_PAGES}")


class _Checkpointer(threading.Thread):
    """Copies the WAL back into the database file (``PRAGMA wal_checkpoint(PASSIVE)``) every half second after
    a commit, beside the requests: a checkpoint neither takes the write lock nor waits for readers, and
    SQLite's own runs at commit time, inside a push, holding everybody else's writes back."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(name="sqlite-checkpointer", daemon=True)
        self.engine = engine
        self.written = threading.Event()
        event.listen(engine, "commit", lambda _conn: self.written.set())

    def run(self) -> None:
        while True:
            self.written.wait()
            time.sleep(CHECKPOINT_INTERVAL_S)
            self.written.clear()
            try:
                raw = self.engine.raw_connection()
                try:
                    raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # type: ignore[union-attr]
                finally:
                    raw.close()
            except Exception:  # the next commit tries again; a commit checkpoints by itself past the safety net
                log.exception("background checkpoint failed")


def _sqlite_begin(conn: Connection) -> None:
    # a transaction that writes takes the write lock up front instead of failing to upgrade a read lock under
    # concurrency; read-only ones (``read_only(engine)``) read their WAL snapshot beside the writer
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def read_only(engine: Engine) -> Iterator[Connection]:
    """A transaction that only reads (SQLite: no write lock, so reads never queue behind pushes)."""
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn, conn.begin():
        yield conn


class FifoSemaphore:
    """A semaphore handed to its waiters in arrival order (``threading.Semaphore`` and ``Lock`` favour no one
    in particular, so under a burst an unlucky request could wait for every later one)."""

    def __init__(self, slots: int) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        #: waiters served before the others: short requests that would otherwise wait behind a queue of
        #: long ones (a pull's one-row update behind fifty pushes)
        self._urgent: deque[threading.Lock] = deque()
        self._free = slots

    def acquire(self, *, urgent: bool = False) -> None:
        with self._mutex:
            if self._free > 0:
                self._free -= 1
                return
            waiter = threading.Lock()
            waiter.acquire()
            (self._urgent if urgent else self._waiters).append(waiter)
        waiter.acquire()  # released by ``release``, which hands its slot over instead of freeing it

    def release(self) -> None:
        with self._mutex:
            if self._urgent:
                self._urgent.popleft().release()
            elif self._waiters:
                self._waiters.popleft().release()
            else:
                self._free += 1

    @contextmanager
    def slot(self, *, urgent: bool = False) -> Iterator[None]:
        self.acquire(urgent=urgent)
        try:
            yield
        finally:
            self.release()


#: one write lock per SQLite file in this process (every engine on the file shares it)
_SQLITE_WRITE_LOCKS: dict[str, FifoSemaphore] = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


@contextmanager
def writing(engine: Engine, *, short: bool = False) -> Iterator[Connection]:
    """A transaction that writes, committed on leaving (``engine.begin()``).

    SQLite: the writers of this process take turns through a FIFO lock before ``BEGIN IMMEDIATE``. SQLite has a
    single writer anyway, and its busy handler lets waiting writers sleep and poll (up to 100 ms at a time,
    in no particular order), so under a burst of pushes a writer could wait seconds after the lock was free;
    the lock hands it over at once, oldest first (``short`` transactions, of a row or two, before the queued
    pushes). Other processes on the file still meet the busy timeout.
    """
    lock = _SQLITE_WRITE_LOCKS.get(str(engine.url)) if engine.dialect.name == "sqlite" else None
    if lock is None:
        with engine.begin() as conn:
            yield conn
        return
    with lock.slot(urgent=short), engine.begin() as conn:
        yield conn


def make_engine(url: str, *, background_checkpoints: bool = False) -> Engine:
    """An engine on ``url``. ``background_checkpoints`` (the server process): SQLite's WAL is checkpointed by
    a background thread instead of by the commit that fills it (the thread lives as long as the process)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        memory = not parsed.database or parsed.database == ":memory:"
        if not memory:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        # a pool keeps connections open: a new one per request costs its PRAGMAs and schema parse, and closing
        # the last connection to a WAL file checkpoints and deletes the WAL (hundreds of ms after big pushes)
        engine = create_engine(
            url,
            poolclass=NullPool if memory else QueuePool,
            connect_args={"check_same_thread": False},
            hide_parameters=True,  # an error's text (logged with its traceback) never carries the rows' values
            **({} if memory else {"pool_size": 8, "max_overflow": 40}),
        )
        checkpointed = background_checkpoints and not memory
        event.listen(engine, "connect", _sqlite_connect_checkpointed if checkpointed else _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        with _SQLITE_WRITE_LOCKS_GUARD:
            _SQLITE_WRITE_LOCKS.setdefault(str(engine.url), FifoSemaphore(1))
        if checkpointed:
            _Checkpointer(engine).start()
        return engine
    # enough connections for the requests at work at once (app.MAX_CONCURRENT) and those finishing
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True, hide_parameters=True)


def migrate(engine: Engine) -> None:
    """Bring the server database to the newest schema (Alembic, scripts in sync/server/migrations)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
