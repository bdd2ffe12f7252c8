"""The open database of one laptop: its engine, its identity (device, commune) and units of work."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from dlso_desktop import admin_units, catalogue
from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.storage import schema, search
from dlso_desktop.storage.db import (
    DatabaseError,
    OpenResult,
    backup_file,
    make_engine,
    peek_revision,
    prepare_schema,
    raw_key,
    read_connection,
)
from dlso_desktop.storage.uow import FaultHook, UnitOfWork


class Database:
    """A laptop database. Create with :func:`create_database` or :func:`open_database`."""

    def __init__(self, path: Path, engine: Engine, opened: OpenResult, *, key: bytes | None = None) -> None:
        self.path = path
        self.engine = engine
        self.opened = opened
        self._key = key  # kept for backups; dropped with this object (auto-lock closes and forgets it)
        with read_connection(engine) as conn:
            meta: dict[str, str] = {
                str(k): str(v) for k, v in conn.exec_driver_sql("SELECT key, value FROM meta").all()
            }
        if "device_id" not in meta or "commune_code" not in meta:
            raise DatabaseError(
                f"Tệp {path} không phải cơ sở dữ liệu DLSO đã khởi tạo (thiếu mã thiết bị hoặc mã xã).",
                f"{path} is not an initialised DLSO database (no device id or commune code).",
            )
        self.meta = meta
        self.device_id: str = meta["device_id"]
        self.commune_code: int = int(meta["commune_code"])
        #: set by tests to raise after a named step of every unit of work ("record", "audit", ...)
        self.fault_hook: FaultHook | None = None

    @contextmanager
    def unit_of_work(self, user_id: str | None) -> Iterator[UnitOfWork]:
        """One write transaction (``BEGIN IMMEDIATE``); committed by the caller, rolled back on error."""
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            conn.begin()
            uow = UnitOfWork(
                conn,
                device_id=self.device_id,
                commune_code=self.commune_code,
                user_id=user_id,
                fault_hook=self.fault_hook,
            )
            try:
                yield uow
            except BaseException:
                uow.rollback()
                raise
            if conn.in_transaction():
                uow.rollback()  # the service did not commit: nothing is kept

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        with read_connection(self.engine) as conn:
            yield conn

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE``) for facts outside the synced records (``meta``, the
        outbox's answers, a pulled page): committed when the block ends, rolled back on error."""
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            conn.begin()
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    def backup(self, dest: Path) -> Path:
        """A consistent copy; of an encrypted database, a copy encrypted with the same key."""
        return backup_file(self.path, dest, self._key)

    def close(self) -> None:
        self.engine.dispose()
        self._key = None


def write_meta(conn: Connection, values: Mapping[str, str | None]) -> None:
    """Set (or, for None, delete) ``meta`` facts in the caller's transaction."""
    for key, value in values.items():
        if value is None:
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _seed(conn: Connection, commune_code: int, device_id: str) -> None:
    """Official units, catalogues and this database's identity (run once, by create_database)."""
    communes = admin_units.dak_lak_communes()
    conn.exec_driver_sql(
        "INSERT INTO commune (code, name, short_name, kind, folded) VALUES (?, ?, ?, ?, ?)",
        [(c.code, c.display_name, c.short_name, c.kind, c.folded) for c in communes],
    )
    seed_catalogues(conn)
    facts: dict[str, Any] = {
        "device_id": device_id,
        "commune_code": commune_code,
        "created_at": utc_now(),
        "admin_units_version": admin_units.data_version(),
        "catalogue_version": catalogue.CATALOGUE_VERSION,
        "schema_version": schema.SCHEMA_VERSION,
        "search_doc_version": search.SEARCH_DOC_VERSION,
    }
    conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES (?, ?)", [(k, str(v)) for k, v in facts.items()])


def seed_catalogues(conn: Connection) -> None:
    """Insert or refresh the shipped course and procedure catalogues (stable ids on every laptop)."""
    for course in catalogue.COURSES:
        cid = catalogue.catalogue_id("course", course.code)
        conn.exec_driver_sql(
            "INSERT INTO course (id, code, name, description, framework_ref, hours, active, version)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, 0) ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
            " description=excluded.description, framework_ref=excluded.framework_ref, hours=excluded.hours",
            (cid, course.code, course.name, course.description, course.framework_ref, course.hours),
        )
        for pos, module in enumerate(course.modules, start=1):
            conn.exec_driver_sql(
                "INSERT INTO course_module (id, course_id, position, code, name, framework_area, version)"
                " VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
                " position=excluded.position, framework_area=excluded.framework_area",
                (
                    catalogue.catalogue_id("module", f"{course.code}/{module.code}"),
                    cid,
                    pos,
                    module.code,
                    module.name,
                    module.framework_area,
                ),
            )
    for proc in catalogue.PROCEDURES:
        conn.exec_driver_sql(
            "INSERT INTO procedure (id, code, name, field, full_online_available, active, version)"
            " VALUES (?, ?, ?, ?, ?, 1, 0) ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
            " field=excluded.field, full_online_available=excluded.full_online_available",
            (
                catalogue.catalogue_id("procedure", proc.code),
                proc.code,
                proc.name,
                proc.field,
                proc.full_online_available,
            ),
        )


def default_db_path(data_dir: Path) -> Path:
    from dlso_desktop.storage.db import DB_FILENAME

    return data_dir / DB_FILENAME


def create_database(path: Path, commune_code: int, *, key: bytes | None = None) -> Database:
    """A new database for one official commune/ward of Đắk Lắk (validated against the official list).

    With ``key`` (32 random bytes, see ``storage.keystore``) the file is SQLCipher-encrypted."""
    admin_units.commune_by_code(commune_code)  # raises ValidationError for a code outside Đắk Lắk
    if path.exists() and path.stat().st_size > 0:
        raise DatabaseError(
            f"Đã có cơ sở dữ liệu tại {path}; không ghi đè.",
            f"A database already exists at {path}; not overwriting it.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if key is not None:
        raw_key(key)  # a malformed key is refused before any file is made
    engine = make_engine(path, key)
    try:
        opened = prepare_schema(path, engine, path.parent / "backups", key=key)
        with engine.connect() as conn:
            conn.begin()
            _seed(conn, commune_code, new_id())
            conn.commit()
    except BaseException:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return Database(path, engine, opened, key=key)


def open_database(path: Path, *, key: bytes | None = None) -> Database:
    """Open an existing database: check the schema, upgrade an older one after a backup, refuse a newer one.

    An encrypted database needs its ``key``; a wrong key raises :class:`WrongKeyError` (code "wrong_key")
    before any engine exists, a plaintext file opened with a key raises code "not_encrypted"."""
    if not path.exists():
        raise DatabaseError(
            f"Không tìm thấy cơ sở dữ liệu {path}. Hãy khởi tạo bằng 'dlso init --commune MÃ_XÃ'.",
            f"No database at {path}. Create one with 'dlso init --commune CODE'.",
        )
    if path.stat().st_size == 0 or peek_revision(path, key) is None:  # never migrate a file DLSO did not create
        raise DatabaseError(
            f"Tệp {path} không phải cơ sở dữ liệu DLSO (chưa được khởi tạo bằng 'dlso init').",
            f"{path} is not a DLSO database (it was not created by 'dlso init').",
        )
    engine = make_engine(path, key)
    try:
        opened = prepare_schema(path, engine, path.parent / "backups", key=key)
        db = Database(path, engine, opened, key=key)
        if db.meta.get("search_doc_version") != search.SEARCH_DOC_VERSION:
            # documents are recomputed from the records: a new document format re-indexes once, here
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                conn.begin()
                search.rebuild(conn)
                conn.commit()
            db.meta["search_doc_version"] = search.SEARCH_DOC_VERSION
        return db
    except BaseException:
        engine.dispose()
        raise
