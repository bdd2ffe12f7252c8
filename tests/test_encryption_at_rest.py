"""Encryption at rest, proved on the files themselves (issue 6).

A realistic laptop session runs on an encrypted database: demo data (a few hundred households with their
activity), a sync round with a provincial server, edits through the services after the last checkpoint (so the
WAL holds fresh frames while the files are read), searches, a certificate issued, a backup with its
recovery-only keystore, and the app's own log file. Then the raw bytes of every file in the data folder are
searched for every demo person's full name (NFC and NFD UTF-8), phone number and citizen ID, every village
name and household address, and the accent-free forms the search index stores. The same session on an
unencrypted database finds them (the control: the search is not broken).

Also: wrong PINs and wrong keys open nothing and change no byte; a database file copied with its WAL to another
machine opens only with the key, which only a PIN or the recovery key unwraps.

(``tests/test_encryption.py`` covers the storage layer itself: the keystore format, migrating in place, a
backup's bytes after ``demo.generate``.)
"""

from __future__ import annotations

import hashlib
import logging
import random
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cert_support import make_signing, session_with_results
from sync_support import AppTransport, Server, SnapshotTransport

from dlso_desktop import demo
from dlso_desktop.paths import DB_FILENAME
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.db import DatabaseError, WrongKeyError, is_plaintext_sqlite
from dlso_desktop.storage.keystore import (
    Keystore,
    KeystoreError,
    UnknownUser,
    WrongPin,
    keystore_path,
    new_database_key,
)
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.text import fold
from sync import engine as sync_engine
from sync import local
from sync import protocol as P
from sync.server import snapshot

COMMUNE = 24133
PIN = "482913"
#: the app user's name is in the keystore in clear (by design, for the sign-in screen): not a demo name
USER_NAME = "Tài khoản Kiểm thử"

#: written after the last checkpoint: these live only in the WAL while the session's files are read
FRESH_PEOPLE = (
    PersonInput(
        "Lưu Thị Diễm Hằng",
        sex="female",
        birth_date=date(1990, 4, 2),
        citizen_id="066190482731",
        phone="0977123456",
        relationship="head",
    ),
    PersonInput(
        "Y Zơrin Knul", sex="male", birth_date=date(1988, 9, 9), citizen_id="066088517342", relationship="spouse"
    ),
)
FRESH_VILLAGE = "Buôn Ea Zơrin Mới"
FRESH_TRAINEE = "Đinh Thị Thanh Xuyến"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)  # the shipped cost is tested in test_encryption.py


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (recursively), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def folded_words(text: str) -> set[str]:
    """Words as the search index stores them; only long ones (6+ letters), so that random bytes of an
    encrypted file cannot hold one by chance (2^-48 per position)."""
    return {w for w in fold(text).split() if len(w) >= 6}


#: values are found through their first bytes (see Personal.found); every value is at least this long, so
#: the bytes of an encrypted file cannot hold one by chance (2^-48 per position)
PREFIX = 6


@dataclass
class Personal:
    """The personal values of a laptop, by kind, as the bytes a careless file would hold."""

    kinds: dict[str, set[bytes]] = field(default_factory=dict)

    def add(self, kind: str, values: Any) -> None:
        encoded = {v.encode("utf-8") for v in values if v}
        assert all(len(v) >= PREFIX for v in encoded), kind
        self.kinds.setdefault(kind, set()).update(encoded)

    def count(self, kind: str) -> int:
        return len(self.kinds.get(kind, ()))

    def sample(self, n: int, seed: int = 1) -> Personal:
        rng = random.Random(seed)
        return Personal({k: set(rng.sample(sorted(v), min(n, len(v)))) for k, v in self.kinds.items()})

    def found(self, data: bytes) -> dict[str, list[str]]:
        """The values that occur in ``data``, by kind (every value, every position).

        Every byte that no value contains is a boundary: an occurrence lies inside one piece between
        boundaries, and is found from its first :data:`PREFIX` bytes (one dictionary look-up per position of the
        long pieces; in encrypted bytes nearly every piece is shorter than that)."""
        every = set().union(*self.kinds.values()) if self.kinds else set()
        alphabet = {b for v in every for b in v}
        assert 0 not in alphabet
        table = bytes(b if b in alphabet else 0 for b in range(256))
        by_prefix: dict[bytes, list[bytes]] = {}
        for v in every:
            by_prefix.setdefault(v[:PREFIX], []).append(v)
        hits: set[bytes] = set()
        for piece in data.translate(table).split(b"\0"):
            if len(piece) < PREFIX:
                continue
            for i in range(len(piece) - PREFIX + 1):
                for v in by_prefix.get(piece[i : i + PREFIX], ()):
                    if piece.startswith(v, i):
                        hits.add(v)
        out = {k: sorted(v.decode() for v in vals & hits) for k, vals in self.kinds.items()}
        return {k: v for k, v in out.items() if v}


def personal_values(db: Database) -> Personal:
    with db.reader() as conn:
        persons = conn.exec_driver_sql("SELECT full_name, phone, citizen_id FROM person").all()
        villages = [str(r[0]) for r in conn.exec_driver_sql("SELECT name FROM village").all()]
        households = conn.exec_driver_sql("SELECT address, phone FROM household").all()
    names = {str(r[0]) for r in persons}
    values = Personal()
    values.add("names", names)
    # the app stores NFC; a name in decomposed form would be a copy made by something else
    values.add("names_nfd", {unicodedata.normalize("NFD", n) for n in names} - names)
    values.add("phones", {r[1] for r in persons} | {r[1] for r in households})
    values.add("citizen_ids", {r[2] for r in persons})
    values.add("villages", villages)
    values.add("addresses", {str(r[0]) for r in households if len(str(r[0])) >= 8})
    values.add("folded_words", {w for text in [*names, *villages] for w in folded_words(text)})
    # what a user types in the search box: accent-free full names and their first two words ("nguyen van")
    typed = {fold(n) for n in names} | {" ".join(fold(n).split()[:2]) for n in names}
    values.add("folded_names", {t for t in typed if len(t) >= PREFIX})
    return values


@dataclass
class Session:
    data_dir: Path
    db: Database
    key: bytes | None
    recovery: str | None
    user_id: str
    values: Personal  # every personal value of the laptop at the end of the session
    fresh: Personal  # those written after the last checkpoint
    backup: Path
    server: Server

    @property
    def path(self) -> Path:
        return self.data_dir / DB_FILENAME

    def close(self) -> None:
        self.db.close()
        self.server.close()


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    """The app's own log file set-up (``ui.errors.setup_logging``) in the data folder, at DEBUG."""
    from logging.handlers import RotatingFileHandler

    from ui.errors import setup_logging

    root = logging.getLogger()
    level = root.level
    data_dir = tmp_path / "data"
    path = setup_logging(data_dir)
    root.setLevel(logging.DEBUG)
    yield data_dir
    for handler in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        if Path(handler.baseFilename) == path:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def run_session(tmp_path: Path, data_dir: Path, *, encrypted: bool, households: int = 250) -> Session:
    """A day of work on a laptop whose data folder is ``data_dir``; the database is left open, with the
    session's last edits in the WAL (not checkpointed)."""
    key = new_database_key() if encrypted else None
    path = data_dir / DB_FILENAME
    db = create_database(path, COMMUNE, key=key)
    server = Server(f"sqlite:///{tmp_path / 'server.sqlite'}", snapshot_folder=tmp_path / "snapshots")
    with db.unit_of_work(None) as uow:  # the first run creates the operator
        user_id = str(uow.insert("app_user", {"display_name": USER_NAME, "role": "commune_operator"})["id"])
        uow.commit()
    recovery = None
    if key is not None:
        ks = Keystore.create(keystore_path(path), key)
        ks.add_user(user_id, USER_NAME, PIN, key)
        recovery = ks.set_recovery(key)
    svc = Services(db, user_id=user_id)
    demo.generate(db, households=households, seed=5, user_id=user_id)
    # a sync round: the laptop's work goes to the province (sync state, acknowledged outbox)
    sync_engine.enroll(db, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
    transport = AppTransport(server, local.get_meta(db, local.TOKEN))
    result = sync_engine.SyncEngine(db, transport).run_round()
    assert result.applied > households and not result.rejected, result
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = personal_values(db)

    # after the checkpoint: a new village and household, status changes, a training with a certificate
    village = svc.villages.create(FRESH_VILLAGE, "buon")
    svc.households.create(
        HouseholdInput(village.id, address=f"Số 7, {FRESH_VILLAGE}", phone="0386654321", members=list(FRESH_PEOPLE))
    )
    with db.reader() as conn:
        some = [str(r[0]) for r in conn.exec_driver_sql("SELECT id FROM person ORDER BY rowid LIMIT 20")]
    for pid in some:
        svc.persons.update_status(pid, has_daklak_app=True)
    make_signing(db)
    svc.certificates.set_signer("Người Ký Thử", "Chủ tịch UBND phường")
    session_id, _ = session_with_results(svc, village.id, {FRESH_TRAINEE: "passed"})
    assert len(svc.certificates.issue(session_id)) == 1
    # searches, as a user types them (the index holds the accent-free forms)
    for query in ("nguyen van", "diem hang", "zorin", "3456", "xuyen"):
        assert svc.search.search(query), query
    backup = db.backup(data_dir / "backups" / "dlso-2026-12-02.sqlite")
    if key is not None:
        Keystore.load(keystore_path(path)).export_recovery_only(keystore_path(backup))
    logging.getLogger("dlso.test").info("session done: %d households", households)

    values = personal_values(db)
    fresh = Personal(
        {k: v - before.kinds.get(k, set()) for k, v in values.kinds.items() if v - before.kinds.get(k, set())}
    )
    assert fresh.count("names") == 3 and fresh.count("citizen_ids") == 2 and fresh.count("villages") == 1
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the edits are in the WAL, not yet in the file
    return Session(data_dir, db, key, recovery, user_id, values, fresh, backup, server)


# ---------------------------------------------------------------------------------------------------------
# The data folder holds no personal data in clear


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plaintext-control"])
def test_no_file_in_the_data_folder_holds_personal_data(tmp_path: Path, app_log: Path, encrypted: bool) -> None:
    s = run_session(tmp_path, app_log, encrypted=encrypted)
    try:
        values = s.values
        assert values.count("names") > 900 and values.count("phones") > 300 and values.count("citizen_ids") > 300
        assert values.count("folded_words") >= 5 and values.count("villages") >= 3
        while_open = files_of(s.data_dir)  # the database open, the last edits only in the WAL
        names = set(while_open)
        assert {DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm", "logs/dlso.log"} <= names
        assert "backups/dlso-2026-12-02.sqlite" in names
        wal = while_open[f"{DB_FILENAME}-wal"]
    finally:
        s.close()
    after_close = files_of(s.data_dir)  # checkpointed into the file at close
    assert f"{DB_FILENAME}-wal" not in after_close or not after_close[f"{DB_FILENAME}-wal"]

    if encrypted:
        assert f"{DB_FILENAME}.keys.json" in names and "backups/dlso-2026-12-02.sqlite.keys.json" in names
        leaks = {
            (when, name): found
            for when, files in (("open", while_open), ("closed", after_close))
            for name, data in files.items()
            if (found := values.found(data))
        }
        assert leaks == {}
        assert not is_plaintext_sqlite(s.path) and not is_plaintext_sqlite(s.backup)
        log = after_close["logs/dlso.log"].decode()
        assert "session done: 250 households" in log  # the log file is the one the app writes to
    else:
        # the control: the same search finds the data in an unencrypted laptop's files
        sample = values.sample(25)  # (every value in megabytes of plain text would take long)
        found = sample.found(while_open[DB_FILENAME] + wal)
        for kind in ("names", "phones", "citizen_ids", "villages", "addresses"):
            assert len(found.get(kind, [])) == sample.count(kind), kind
        assert found["folded_words"]  # FTS terms (some prefix-compressed)
        assert values.found(while_open[DB_FILENAME] + wal).keys() >= {"names", "phones", "citizen_ids"}
        assert s.fresh.found(wal).keys() >= {"names", "phones", "citizen_ids", "villages"}  # the WAL's frames
        assert s.fresh.found(while_open[DB_FILENAME]).get("citizen_ids") is None  # ... and only the WAL's
        assert sample.found(while_open["backups/dlso-2026-12-02.sqlite"]).keys() >= {"names", "citizen_ids"}
        assert sample.found(after_close[DB_FILENAME]).keys() >= {"names", "phones", "citizen_ids", "villages"}
        # and still none in the log or anything that is not a database
        others = {n: d for n, d in after_close.items() if not n.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm"))}
        assert {n: f for n, d in others.items() if (f := values.found(d))} == {}


# ---------------------------------------------------------------------------------------------------------
# Keys: wrong PINs and wrong keys open nothing; a copy elsewhere needs the key


def test_wrong_pins_and_wrong_keys_open_nothing_and_change_no_byte(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    s = run_session(tmp_path, data_dir, encrypted=True, households=30)
    assert s.key is not None
    ks = Keystore.load(keystore_path(s.path))
    try:
        # while the app holds the database open, with frames in the WAL
        before = {n: hashlib.sha256(d).hexdigest() for n, d in files_of(data_dir).items()}
        for pin in ("000000", "482914", "48291", PIN + "0", ""):
            with pytest.raises(WrongPin):
                ks.unlock(s.user_id, pin)
        with pytest.raises(UnknownUser):
            ks.unlock("someone-else", PIN)
        with pytest.raises(WrongKeyError):
            open_database(s.path, key=new_database_key())
        with pytest.raises(DatabaseError) as no_key:
            open_database(s.path)
        assert no_key.value.code == "not_plaintext"
        after = {n: hashlib.sha256(d).hexdigest() for n, d in files_of(data_dir).items()}
        # the -shm is the WAL's index (no data) and is shared by readers: everything else is byte for byte
        shm = f"{DB_FILENAME}-shm"
        assert {n: h for n, h in after.items() if n != shm} == {n: h for n, h in before.items() if n != shm}
    finally:
        s.close()
    # closed: nothing at all changes, no WAL or journal appears
    before = {n: hashlib.sha256(d).hexdigest() for n, d in files_of(data_dir).items()}
    for target in (s.path, s.backup):
        with pytest.raises(WrongKeyError) as exc:
            open_database(target, key=new_database_key())
        assert exc.value.code == "wrong_key"
    for pin in ("123456", "482912"):
        with pytest.raises(WrongPin):
            Keystore.load(keystore_path(s.path)).unlock(s.user_id, pin)
    with pytest.raises(UnknownUser):  # the backup's keystore holds no PIN entry to guess
        Keystore.load(keystore_path(s.backup)).unlock(s.user_id, PIN)
    assert {n: hashlib.sha256(d).hexdigest() for n, d in files_of(data_dir).items()} == before
    # and the right PIN still opens it, whole
    db = open_database(s.path, key=Keystore.load(keystore_path(s.path)).unlock(s.user_id, PIN))
    try:
        assert Services(db).search.search("diem hang")
    finally:
        db.close()


def test_a_database_copied_with_its_wal_opens_elsewhere_only_with_the_recovery_key(tmp_path: Path) -> None:
    s = run_session(tmp_path, tmp_path / "data", encrypted=True, households=30)
    assert s.key is not None and s.recovery is not None
    elsewhere = tmp_path / "another-machine"
    elsewhere.mkdir()
    try:
        # copied as the laptop runs: the file and its WAL (whose frames hold the last edits), no keystore
        for suffix in ("", "-wal"):
            shutil.copy2(f"{s.path}{suffix}", elsewhere / f"{DB_FILENAME}{suffix}")
    finally:
        s.close()
    copy = elsewhere / DB_FILENAME
    assert s.fresh.found(copy.read_bytes() + Path(f"{copy}-wal").read_bytes()) == {}
    with pytest.raises(DatabaseError) as no_key:
        open_database(copy)
    assert no_key.value.code == "not_plaintext"
    with pytest.raises(WrongKeyError):
        open_database(copy, key=new_database_key())
    with pytest.raises(KeystoreError):  # no keystore on that machine: nothing to unlock
        Keystore.load(keystore_path(copy))
    # the operator brings the recovery-only keystore (a backup's) and the printed recovery key
    Keystore.load(keystore_path(s.path)).export_recovery_only(keystore_path(copy))
    carried = Keystore.load(keystore_path(copy))
    assert carried.users() == []
    with pytest.raises(UnknownUser):  # a PIN is no use there
        carried.unlock(s.user_id, PIN)
    key = carried.unlock_with_recovery(s.recovery)
    assert key == s.key
    db = open_database(copy, key=key)
    try:
        svc = Services(db)
        # the WAL came along and was read: the last edits are there, searchable
        assert [h.title for h in svc.search.search("diem hang", kinds=("person",))] == ["Lưu Thị Diễm Hằng"]
        assert svc.search.search(FRESH_TRAINEE)
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# The first sync of an encrypted laptop: the commune snapshot, encrypted as it arrives


@pytest.fixture
def commune_server(tmp_path: Path) -> Iterator[Server]:
    """A server holding a small commune (pushed by another, unencrypted laptop) and its snapshot."""
    server = Server(f"sqlite:///{tmp_path / 'server.sqlite'}", snapshot_folder=tmp_path / "snapshots")
    source = create_database(tmp_path / "source.sqlite", COMMUNE)
    try:
        demo.generate(source, households=20, seed=9)
        sync_engine.enroll(source, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
        sync_engine.SyncEngine(source, AppTransport(server, local.get_meta(source, local.TOKEN))).run_round()
        values = personal_values(source)
    finally:
        source.close()
    assert snapshot.build(server.engine, tmp_path / "snapshots", COMMUNE, full=True) is not None
    server.values = values  # type: ignore[attr-defined]
    yield server
    server.close()


def new_encrypted_laptop(data_dir: Path, server: Server) -> tuple[Database, SnapshotTransport]:
    db = create_database(data_dir / DB_FILENAME, COMMUNE, key=new_database_key())
    with db.unit_of_work(None) as uow:
        uow.insert("app_user", {"display_name": USER_NAME, "role": "commune_operator"})
        uow.commit()
    sync_engine.enroll(db, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
    return db, SnapshotTransport(server, local.get_meta(db, local.TOKEN))


def test_an_encrypted_laptop_takes_the_commune_snapshot(tmp_path: Path, commune_server: Server) -> None:
    db, transport = new_encrypted_laptop(tmp_path / "data", commune_server)
    plain = create_database(tmp_path / "plain" / DB_FILENAME, COMMUNE)
    try:
        with db.reader() as conn:
            own_user = conn.exec_driver_sql("SELECT id FROM app_user").scalar_one()
        result = sync_engine.SyncEngine(db, transport).run_round()
        assert result.snapshot, result.notes
        assert result.pulled > 100
        # the same commune as an unencrypted laptop that takes the same snapshot, by the server's own digests
        with plain.unit_of_work(None) as uow:
            uow.insert("app_user", {"display_name": USER_NAME, "role": "commune_operator"})
            uow.commit()
        sync_engine.enroll(
            plain, "http://testserver", commune_server.code(COMMUNE), transport=AppTransport(commune_server)
        )
        plain_transport = SnapshotTransport(commune_server, local.get_meta(plain, local.TOKEN))
        assert sync_engine.SyncEngine(plain, plain_transport).run_round().snapshot
        sync_engine.SyncEngine(db, transport).run_round()  # the other laptop's operator comes over
        assert local.local_digests(db) == local.local_digests(plain)
        assert transport.get(f"{P.PREFIX}/verify")["tables"] == plain_transport.get(f"{P.PREFIX}/verify")["tables"]
        # searchable at once, and the laptop's own operator is still there
        assert Services(db).search.search("diem hang") == Services(plain).search.search("diem hang")
        with db.reader() as conn:
            assert own_user in conn.exec_driver_sql("SELECT id FROM app_user").scalars().all()
    finally:
        db.close()
        plain.close()
    # still a database only the key opens, and one SQLCipher checks page by page
    with pytest.raises(DatabaseError):
        open_database(tmp_path / "data" / DB_FILENAME)
    assert not (tmp_path / "data" / f"{DB_FILENAME}.snapshot").exists()


def test_a_first_sync_never_writes_personal_data_in_clear_into_the_data_folder(
    tmp_path: Path, commune_server: Server
) -> None:
    data_dir = tmp_path / "data"
    db, transport = new_encrypted_laptop(data_dir, commune_server)
    values: Personal = commune_server.values  # type: ignore[attr-defined]
    seen: dict[str, dict[str, list[str]]] = {}
    download = transport.download

    def watching(path: str, params: dict[str, Any], dest: Any, progress: Any = None) -> dict[str, str]:
        headers = download(path, params, dest, progress)
        seen.update({n: f for n, d in files_of(data_dir).items() if (f := values.found(d))})
        return headers

    transport.download = watching  # type: ignore[method-assign]
    try:
        result = sync_engine.SyncEngine(db, transport).run_round()
        assert result.snapshot, result.notes  # the commune came as the snapshot, encrypted as it arrived
        assert result.pulled > 100
        found = {n: f for n, d in files_of(data_dir).items() if (f := values.found(d))}
    finally:
        db.close()
    assert seen == {}
    assert found == {}  # nor after the round, with the pulled commune in the database
    assert not list(data_dir.glob("*.snapshot*"))


def test_a_snapshot_download_cut_short_leaves_the_encrypted_laptop_as_it_was(
    tmp_path: Path, commune_server: Server
) -> None:
    data_dir = tmp_path / "data"
    db, transport = new_encrypted_laptop(data_dir, commune_server)
    download = transport.download
    cut: list[int] = []

    class Cut:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def write(self, data: bytes) -> int:
            part = data[: len(data) // 2 + 100]  # the connection drops in the middle of a page
            cut.append(len(part))
            self.inner.write(part)
            return len(part)

    def dropping(path: str, params: dict[str, Any], dest: Any, progress: Any = None) -> dict[str, str]:
        return download(path, params, Cut(dest), progress)

    transport.download = dropping  # type: ignore[method-assign]
    try:
        result = sync_engine.SyncEngine(db, transport).run_round()
        assert cut  # the snapshot was on its way
        assert not result.snapshot
        assert any("snapshot not used" in n for n in result.notes), result.notes
        assert result.pulled > 100  # and the commune came record by record instead
        assert not (data_dir / f"{DB_FILENAME}.snapshot").exists()
        transport.download = download  # type: ignore[method-assign]
        assert sync_engine.SyncEngine(db, transport).run_round().rejected == 0
    finally:
        db.close()
