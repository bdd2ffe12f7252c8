"""The open database of one laptop: its engine, its identity (device, commune) and units of work."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine

from dlso_desktop import admin_units, catalogue
from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.storage import cipherpages, schema, search
from dlso_desktop.storage.db import (
    DatabaseError,
    OpenResult,
    _raw_connect,
    backup_file,
    fsync_dir,
    make_engine,
    peek_revision,
    prepare_schema,
    raw_key,
    read_connection,
)
from dlso_desktop.storage.keystore import Keystore, PinThrottle, keystore_path, new_database_key, throttle_path
from dlso_desktop.storage.uow import FaultHook, UnitOfWork


class Database:
    """A laptop database. Create with :func:`create_database` or :func:`open_database`."""

    def __init__(self, path: Path, engine: Engine, opened: OpenResult, *, key: bytes | None = None) -> None:
        self.path = path
        self.engine = engine
        self.opened = opened
        self._key = key  # kept for backups; dropped with this object (auto-lock closes and forgets it)
        #: the keystore of an encrypted database (set by whoever unlocked it); users are kept in step with it
        self.keystore: Keystore | None = None
        self._locked = False
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

    def read_copy(self, path: Path, *, check: bool = True) -> tuple[bool, str | None]:
        """``(passes quick_check, its device id)`` of a copy of this database (a backup, a moved folder's file),
        opened read-only and unchanged (immutable: no ``-wal``/``-shm`` appears) with this database's key;
        ``(False, None)`` when it cannot be read with it (another laptop's file, damaged, not a database)."""
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            conn = _raw_connect(uri, self._key, uri=True)
        except Exception:
            return False, None
        try:
            ok = (not check) or conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            row = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        except Exception:
            return False, None
        finally:
            conn.close()
        return ok, (str(row[0]) if row else None)

    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self) -> None:
        """Auto-lock: close every connection and forget the key (an encrypted database); the object stays, so
        the screens keep their state. Until :meth:`resume`, queries fail (the engine holds no tables)."""
        if self._key is None:
            return
        self.engine.dispose()
        self.engine = _locked_engine()
        self._key = None
        self._locked = True

    def resume(self, key: bytes) -> None:
        """Unlock after :meth:`lock` with the key the user's PIN unwrapped (a wrong key: ``WrongKeyError``)."""
        if not self._locked:
            return
        peek_revision(self.path, key)
        self.engine = make_engine(self.path, key)
        self._key = key
        self._locked = False

    # --- other files under this database's key (a commune snapshot being taken, see sync.bootstrap) ---------

    def connect_file(self, path: Path | None = None, *, readonly: bool = False, timeout: float = 5.0) -> Any:
        """A DB-API connection to ``path`` (this database's own file by default) outside the engine: ``sqlite3``
        for a plaintext database, ``sqlcipher3`` keyed with this database's key for an encrypted one."""
        target = (path or self.path).resolve()
        uri = target.as_uri() + ("?mode=ro" if readonly else "")
        conn = _raw_connect(uri, self._key, uri=True)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return conn

    def attach_file(self, conn: Any, path: Path, alias: str) -> None:
        """``ATTACH`` ``path`` as ``alias`` to a DB-API connection on a file under this database's key (an
        encrypted file needs the key spelled out: SQLCipher's default for ATTACH is the main file's key *and
        salt*, which fits no other file)."""
        if self._key is None:
            conn.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
        else:
            conn.execute(f"ATTACH DATABASE ? AS {alias} KEY ?", (str(path), raw_key(self._key)))

    def engine_for(self, path: Path) -> Engine:
        """A pooled engine on another file under this database's key (plaintext for a plaintext database)."""
        return make_engine(path, self._key)

    def file_writer(self, out: BinaryIO) -> BinaryIO | cipherpages.PageEncryptor:
        """Where a plaintext SQLite file streamed in (a commune snapshot) is written: ``out`` itself for a
        plaintext database; for an encrypted one a :class:`~cipherpages.PageEncryptor` that writes only its
        ciphertext under this database's key (call its ``finish()`` at the end)."""
        if self._key is None:
            return out
        return cipherpages.PageEncryptor(out, self._key)

    def backup_keystore(self, backup: Path) -> Path | None:
        """Beside a backup of an encrypted database, ``<backup>.keys.json`` holding only the recovery entry (a
        lost copy cannot be attacked through a weak PIN); None for a plaintext database or without a recovery
        key yet."""
        if self.keystore is None or not self.keystore.has_recovery:
            return None
        return self.keystore.export_recovery_only(keystore_path(backup)).path

    def close(self) -> None:
        self.engine.dispose()
        self._key = None
        self.keystore = None

    # --- the keystore of an encrypted database (no-ops for a plaintext one) -------------------------------

    def keystore_user_ids(self) -> set[str] | None:
        """Users with a keystore entry (who can unlock the data); None for a plaintext database."""
        if self.keystore is None:
            return None
        return {u.user_id for u in self.keystore.users()}

    def keystore_add(self, user_id: str, display_name: str, pin: str) -> None:
        """Wrap this database's key under ``pin`` for ``user_id`` (a new user, a PIN change or reset)."""
        if self.keystore is not None and self._key is not None:
            self.keystore.add_user(user_id, display_name, pin, self._key)

    def keystore_remove(self, user_id: str) -> None:
        """Forget ``user_id``'s entry (deactivated or removed): their PIN no longer unlocks the data."""
        if self.keystore is not None:
            self.keystore.set_pending([p for p in self.keystore.pending_users() if p.user_id != user_id])
            if user_id in {u.user_id for u in self.keystore.users()}:
                self.keystore.remove_user(user_id)

    def keystore_reconcile(self, active: list[tuple[str, str]]) -> None:
        """Make the keystore match the active users ``(id, display name)``: entries of users who are no longer
        active are removed, names are updated, and active users without an entry are listed as *pending* (the
        sign-in screen says an operator must set their PIN). Repairs a change interrupted between the keystore
        and the database."""
        if self.keystore is None:
            return
        names = dict(active)
        for u in self.keystore.users():
            if u.user_id not in names:
                self.keystore.remove_user(u.user_id)
            elif u.display_name != names[u.user_id]:
                self.keystore.rename_user(u.user_id, names[u.user_id])
        have = {u.user_id for u in self.keystore.users()}
        pending = [(uid, name) for uid, name in active if uid not in have]
        if [(p.user_id, p.display_name) for p in self.keystore.pending_users()] != pending:
            self.keystore.set_pending_pairs(pending)

    def new_recovery_key(self) -> str:
        """A new recovery key for the commune operator (replacing any earlier one), to be shown once."""
        if self.keystore is None or self._key is None:
            raise DatabaseError(
                "Cơ sở dữ liệu này không được mã hóa: không có khóa khôi phục.",
                "This database is not encrypted: it has no recovery key.",
            )
        return self.keystore.set_recovery(self._key)


def _locked_engine() -> Engine:
    """What a locked database's engine is: an empty in-memory database (any query fails, nothing leaks)."""
    from sqlalchemy import create_engine

    return create_engine("sqlite://")


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


def side_files(path: Path) -> tuple[Path, Path, Path]:
    """The files SQLite keeps beside the database ``path``: its WAL, the WAL index and a rollback journal."""
    return Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")


def create_database(
    path: Path, commune_code: int, *, key: bytes | None = None, cipher_layout: bool = False
) -> Database:
    """A new database for one official commune/ward of Đắk Lắk (validated against the official list).

    With ``key`` (32 random bytes, see ``storage.keystore``) the file is SQLCipher-encrypted. With
    ``cipher_layout`` a plaintext file keeps SQLCipher's 80 reserved bytes on every page, so that it can be
    encrypted page by page later (a commune snapshot, see :mod:`dlso_desktop.storage.cipherpages`)."""
    admin_units.commune_by_code(commune_code)  # raises ValidationError for a code outside Đắk Lắk
    if path.exists() and path.stat().st_size > 0:
        raise DatabaseError(
            f"Đã có cơ sở dữ liệu tại {path}; không ghi đè.",
            f"A database already exists at {path}; not overwriting it.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    for orphan in side_files(path):  # of a database removed by hand: replayed into this one otherwise
        orphan.unlink(missing_ok=True)
    if key is not None:
        raw_key(key)  # a malformed key is refused before any file is made
    if cipher_layout:
        if key is not None:
            raise ValueError("an encrypted database has SQLCipher's layout already")
        path.unlink(missing_ok=True)  # an empty file
        cipherpages.plain_template(path)
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


# --- opening an encrypted laptop database: PIN, recovery key, migration ----------------------------------


def database_state(path: Path) -> str:
    """``"missing"`` (first run), ``"plaintext"`` (a database from before encryption) or ``"encrypted"``.

    Decided by the file itself, not by the keystore: a keystore beside a plaintext file is the leftover of an
    interrupted migration (the file was never replaced) and is made again by :func:`encrypt_existing`."""
    from dlso_desktop.storage.db import is_plaintext_sqlite

    if not path.exists() or path.stat().st_size == 0:
        return "missing"
    return "plaintext" if is_plaintext_sqlite(path) else "encrypted"


def unlock_with_pin(path: Path, user_id: str, pin: str, *, throttle: PinThrottle | None = None) -> Database:
    """Sign in to an encrypted database: ``user_id``'s PIN unwraps the key, which opens the database.

    Wrong PINs count towards the laptop's growing delay (:class:`~dlso_desktop.storage.keystore.PinThrottle`,
    shared by the app and the CLI): raises ``TooManyAttempts`` while it runs, ``WrongPin`` for a wrong PIN,
    ``UnknownUser`` for a user without an entry. The caller checks that the user is still active."""

    store = Keystore.load(keystore_path(path))
    key = key_for_pin(store, user_id, pin, throttle or PinThrottle(throttle_path(path)))
    db = open_database(path, key=key)
    db.keystore = store
    return db


def key_for_pin(store: Keystore, user_id: str, pin: str, throttle: PinThrottle) -> bytes:
    """The database key for ``user_id``'s PIN, with the laptop's growing delay after wrong PINs."""
    from dlso_desktop.storage.keystore import WrongPin

    throttle.check()
    try:
        key = store.unlock(user_id, pin)
    except WrongPin:
        throttle.failed()
        raise
    throttle.reset()
    return key


def unlock_with_recovery_key(path: Path, recovery_key: str) -> Database:
    """Open an encrypted database with the commune operator's printed recovery key ("Quên mã PIN?")."""
    store = Keystore.load(keystore_path(path))
    key = store.unlock_with_recovery(recovery_key)
    db = open_database(path, key=key)
    db.keystore = store
    return db


def create_encrypted_database(path: Path, commune_code: int) -> Database:
    """A new encrypted database and its (empty) keystore: add the first user, then the recovery key."""
    key = new_database_key()
    ks_path = keystore_path(path)
    if ks_path.exists() and database_state(path) == "missing":
        ks_path.unlink()  # left by a first run that stopped before its database existed
    store = Keystore.create(ks_path, key)
    try:
        db = create_database(path, commune_code, key=key)
    except BaseException:
        ks_path.unlink(missing_ok=True)
        raise
    db.keystore = store
    return db


#: the suffix of a database being set up beside where it will be (see :func:`move_new_database`)
SETTING_UP = ".new"


def setting_up_path(path: Path) -> Path:
    """Where a new laptop database for ``path`` is made until it has its first user (``dlso.sqlite.new``)."""
    return path.with_name(path.name + SETTING_UP)


def discard_files(path: Path) -> None:
    """Remove a database that nobody can use any more and everything beside it: its WAL, shared memory,
    journal and keystore (an unfinished set-up: no user could ever unlock it)."""
    for leftover in (path, *side_files(path), keystore_path(path)):
        leftover.unlink(missing_ok=True)


def move_new_database(db: Database, dest: Path) -> Database:
    """A database set up under a temporary name (``db``: created, its first user and keystore entry made)
    moved to ``dest`` and opened there with the same key; ``db`` is closed. The keystore moves first: a crash
    in between leaves a keystore without its database at ``dest``, which the next set-up removes
    (:func:`create_encrypted_database`), never a database without its keystore, which nobody could open. Until
    the move, ``dest`` does not exist, so a set-up cut short (a crash, a power cut, the app killed) leaves the
    next start a first run again. ``dest`` must not exist."""
    if dest.exists() and dest.stat().st_size > 0:
        raise DatabaseError(
            f"Đã có cơ sở dữ liệu tại {dest}; không ghi đè.",
            f"A database already exists at {dest}; not overwriting it.",
        )
    key, src = db._key, db.path
    db.close()
    left = [f.name for f in side_files(src) if f.exists()]
    if left:
        raise DatabaseError(
            f"Không đóng được cơ sở dữ liệu mới ({', '.join(left)} còn lại).",
            f"The new database did not close cleanly ({', '.join(left)} left).",
        )
    for orphan in side_files(dest):  # of a database removed by hand: replayed into this one otherwise
        orphan.unlink(missing_ok=True)
    try:
        if keystore_path(src).exists():
            os.replace(keystore_path(src), keystore_path(dest))
        os.replace(src, dest)
    except BaseException:
        if not dest.exists():
            keystore_path(dest).unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)
    moved = open_database(dest, key=key)
    if key is not None:
        moved.keystore = Keystore.load(keystore_path(dest))
    return moved


def encrypt_existing(db: Database, user_id: str, display_name: str, pin: str) -> Database:
    """Encrypt a plaintext laptop database in place, after ``user_id`` signed in with ``pin``.

    A new key and keystore (with this user's entry) are written first, then the engine is closed and the file
    encrypted in place (``encrypt_database``: a crash leaves the plaintext file whole, and the next start does
    it again); the plaintext copies in ``backups/`` are encrypted with the same key (or deleted if that fails).
    Returns the encrypted database, open; ``db`` is closed."""
    from dlso_desktop.storage.db import encrypt_database, is_plaintext_sqlite

    path = db.path
    key = new_database_key()
    ks_path = keystore_path(path)
    ks_path.unlink(missing_ok=True)  # a leftover of an interrupted migration: its key was never used
    store = Keystore.create(ks_path, key)
    store.add_user(user_id, display_name, pin, key)
    db.close()
    try:
        encrypt_database(path, key)
    except BaseException:
        if database_state(path) == "plaintext":
            ks_path.unlink(missing_ok=True)
        raise
    backups = path.parent / "backups"
    if backups.is_dir():
        for f in sorted(backups.iterdir()):
            if f.is_file() and is_plaintext_sqlite(f):
                try:
                    encrypt_database(f, key)
                except Exception:
                    for suffix in ("", "-wal", "-shm", "-journal"):
                        Path(f"{f}{suffix}").unlink(missing_ok=True)
    new = open_database(path, key=key)
    new.keystore = store
    return new
