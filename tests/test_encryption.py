"""Encryption at rest (issue 6): SQLCipher database files, WAL and backups; the keystore; migrating in place.

The raw-bytes tests search the files themselves for the demo data's names, phone numbers and citizen IDs; the
same test on an unencrypted database finds them, so it can fail."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Snapshot, take_snapshot

from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.db import ENCRYPT_STEPS, DatabaseError, WrongKeyError, encrypt_database, is_plaintext_sqlite
from dlso_desktop.storage.keystore import (
    KeyMismatch,
    Keystore,
    KeystoreError,
    MalformedRecoveryKey,
    UnknownUser,
    WrongPin,
    WrongRecoveryKey,
    keystore_path,
    new_database_key,
    parse_recovery_key,
)
from dlso_desktop.storage.store import Database, create_database, open_database

COMMUNE = 24133
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real cost (n=2**17) is stored per entry and used by test_real_scrypt_cost; elsewhere a cheap one."""
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_demo(db: Database, households: int = 25) -> None:
    demo.generate(db, households=households, seed=5, activity=False)


def secrets_of(db: Database) -> dict[str, list[bytes]]:
    """The demo data's personal values, as the bytes a careless file would hold."""
    with db.reader() as conn:
        rows = conn.exec_driver_sql("SELECT full_name, phone, citizen_id FROM person").all()
    names = sorted({r[0] for r in rows if len(r[0]) >= 8})
    phones = sorted({r[1] for r in rows if r[1]})
    cids = sorted({r[2] for r in rows if r[2]})
    assert len(names) > 20 and len(phones) > 10 and len(cids) > 10  # the demo data has them
    return {
        "names": [n.encode() for n in names],
        "phones": [p.encode() for p in phones],
        "citizen_ids": [c.encode() for c in cids],
    }


def found_in(data: bytes, values: dict[str, list[bytes]]) -> dict[str, int]:
    return {kind: sum(v in data for v in vals) for kind, vals in values.items()}


def raw_files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# ---------------------------------------------------------------------------------------------------------
# The files hold no plaintext


@pytest.mark.parametrize("encrypted", [True, False])
def test_database_wal_and_backup_hold_no_plaintext(tmp_path: Path, encrypted: bool) -> None:
    key = new_database_key() if encrypted else None
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE, key=key)
    try:
        fill_demo(db)
        values = secrets_of(db)
        wal = Path(f"{path}-wal")
        assert wal.exists() and wal.stat().st_size > 100_000  # the rows are (also) in the WAL right now
        in_wal = found_in(wal.read_bytes(), values)
        in_files = found_in(raw_files(path), values)
        backup = db.backup(tmp_path / "backups" / "copy.sqlite")
        in_backup = found_in(backup.read_bytes(), values)
    finally:
        db.close()
    in_closed = found_in(path.read_bytes(), values)  # checkpointed into the main file at close
    if encrypted:
        nothing = {"names": 0, "phones": 0, "citizen_ids": 0}
        assert in_wal == nothing and in_files == nothing and in_backup == nothing and in_closed == nothing
        assert not is_plaintext_sqlite(path) and not is_plaintext_sqlite(backup)
        # the backup opens with the same key, whole
        copy = open_database(backup, key=key)
        try:
            assert secrets_of(copy) == values
        finally:
            copy.close()
    else:  # the same search finds them in an unencrypted database: the test can fail
        for found in (in_wal, in_backup, in_closed):
            assert all(n > 0 for n in found.values()), found


def test_wal_pages_are_encrypted(tmp_path: Path) -> None:
    """A value written after the last checkpoint lives only in the WAL: it must not be readable there."""
    key = new_database_key()
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE, key=key)
    try:
        svc = Services(db)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        svc.villages.create("Buôn Zzyzxkôtam", "buon")
        wal = Path(f"{path}-wal").read_bytes()
        assert len(wal) > 4096
        for needle in ("Buôn Zzyzxkôtam".encode(), b"zzyzxkotam", b"Zzyzx"):
            assert needle not in wal and needle not in path.read_bytes()
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# Keys


def test_wrong_key_opens_nothing_and_changes_nothing(tmp_path: Path) -> None:
    key = new_database_key()
    path = tmp_path / "dlso.sqlite"
    create_database(path, COMMUNE, key=key).close()
    before = sha256(path)
    with pytest.raises(WrongKeyError) as exc:
        open_database(path, key=new_database_key())
    assert exc.value.code == "wrong_key" and str(path) in exc.value.message_vi
    with pytest.raises(DatabaseError) as no_key:  # without a key it is not even an SQLite file
        open_database(path)
    assert no_key.value.code == "not_plaintext"
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dlso.sqlite"]  # no WAL, no backup, nothing
    with pytest.raises(ValueError):
        open_database(path, key=b"short")
    db = open_database(path, key=key)  # the right key still opens it
    db.close()


def test_plaintext_database_opened_with_a_key_is_refused(db: Database) -> None:
    db.close()
    before = sha256(db.path)
    with pytest.raises(DatabaseError) as exc:
        open_database(db.path, key=new_database_key())
    assert exc.value.code == "not_encrypted"
    assert sha256(db.path) == before


def test_search_works_on_an_encrypted_database(tmp_path: Path) -> None:
    key = new_database_key()
    db = create_database(tmp_path / "dlso.sqlite", COMMUNE, key=key)
    try:
        fill_demo(db, households=10)
        with db.reader() as conn:
            row = conn.exec_driver_sql("SELECT full_name, phone FROM person WHERE phone IS NOT NULL LIMIT 1").one()
        name, phone = row
        svc = Services(db)
        assert any(h.title == name for h in svc.search.search(name))
        assert any(h.title == name for h in svc.search.search(phone))
        assert db.encrypted
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# The keystore


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[tuple[Path, bytes, str]]:
    """An encrypted database with demo data, a keystore for two users and a recovery key."""
    key = new_database_key()
    path = tmp_path / "laptop" / "dlso.sqlite"
    db = create_database(path, COMMUNE, key=key)
    try:
        fill_demo(db, households=8)
    finally:
        db.close()
    ks = Keystore.create(keystore_path(path), key)
    ks.add_user("u-lan", "Nguyễn Thị Lan", "482913", key)
    ks.add_user("u-mek", "Y Mek Niê", "7351", key)
    recovery = ks.set_recovery(key)
    yield path, key, recovery


def test_keystore_file_holds_no_key_and_is_private(laptop: tuple[Path, bytes, str]) -> None:
    path, key, recovery = laptop
    ks_file = keystore_path(path)
    raw = ks_file.read_bytes()
    for form in (key, key.hex().encode(), key.hex().upper().encode(), __import__("base64").b64encode(key)):
        assert form not in raw
    assert parse_recovery_key(recovery).encode() not in raw and recovery.encode() not in raw
    data = json.loads(raw)
    assert data["format"] == "dlso-keystore" and data["version"] == 1
    assert [e["kind"] for e in data["entries"]] == ["user", "user", "recovery"]
    salts = {e["kdf"]["salt"] for e in data["entries"]} | {e["nonce"] for e in data["entries"]}
    assert len(salts) == 6  # a fresh salt and nonce per entry
    if os.name == "posix":
        assert stat.S_IMODE(ks_file.stat().st_mode) == 0o600
    assert not ks_file.with_name(ks_file.name + ".part").exists()


def test_a_copied_database_opens_only_with_a_pin_or_the_recovery_key(
    laptop: tuple[Path, bytes, str], tmp_path: Path
) -> None:
    path, key, recovery = laptop
    elsewhere = tmp_path / "stolen"
    elsewhere.mkdir()
    shutil.copy2(path, elsewhere / path.name)
    shutil.copy2(keystore_path(path), keystore_path(elsewhere / path.name))
    copy = elsewhere / path.name
    ks = Keystore.load(keystore_path(copy))
    assert [(u.user_id, u.display_name) for u in ks.users()] == [("u-lan", "Nguyễn Thị Lan"), ("u-mek", "Y Mek Niê")]
    for pin in ("000000", "482914", "7351", ""):
        with pytest.raises(WrongPin):
            ks.unlock("u-lan", pin)
    with pytest.raises(UnknownUser):
        ks.unlock("u-nobody", "482913")
    with pytest.raises(DatabaseError):
        open_database(copy)
    for unlocked in (ks.unlock("u-lan", "482913"), ks.unlock("u-mek", "7351"), ks.unlock_with_recovery(recovery)):
        assert unlocked == key
        db = open_database(copy, key=unlocked)
        db.close()
    # the recovery key as typed from paper: lower case, spaces, an O typed as 0
    typed = recovery.lower().replace("-", " ").replace("o", "0")
    assert ks.unlock_with_recovery(typed) == key
    with pytest.raises(MalformedRecoveryKey):  # a typo is caught by the check group
        ks.unlock_with_recovery(("B" if recovery[0] != "B" else "C") + recovery[1:])
    with pytest.raises(MalformedRecoveryKey):
        ks.unlock_with_recovery("ABCDE-FGHIJ")
    other_key = new_database_key()
    other = Keystore.create(tmp_path / "other.keys.json", other_key)
    with pytest.raises(WrongRecoveryKey):  # well-formed, but another laptop's
        ks.unlock_with_recovery(other.set_recovery(other_key))


def test_removing_a_user_and_changing_a_pin(laptop: tuple[Path, bytes, str]) -> None:
    path, key, recovery = laptop
    ks = Keystore.load(keystore_path(path))
    ks.remove_user("u-mek")
    again = Keystore.load(keystore_path(path))  # the change is on disk
    assert [u.user_id for u in again.users()] == ["u-lan"]
    with pytest.raises(UnknownUser):
        again.unlock("u-mek", "7351")
    assert again.unlock("u-lan", "482913") == key
    assert again.unlock_with_recovery(recovery) == key
    with pytest.raises(UnknownUser):
        again.remove_user("u-mek")
    lan_before = next(e for e in json.loads(keystore_path(path).read_text())["entries"] if e.get("user_id") == "u-lan")
    with pytest.raises(WrongPin):
        again.change_pin("u-lan", "111111", "222222")
    again.change_pin("u-lan", "482913", "90210")
    with pytest.raises(WrongPin):
        again.unlock("u-lan", "482913")
    assert Keystore.load(keystore_path(path)).unlock("u-lan", "90210") == key
    lan_after = next(e for e in json.loads(keystore_path(path).read_text())["entries"] if e.get("user_id") == "u-lan")
    assert lan_after["kdf"]["salt"] != lan_before["kdf"]["salt"]


def test_entries_are_bound_to_their_user_and_key(laptop: tuple[Path, bytes, str]) -> None:
    path, _, _ = laptop
    ks_file = keystore_path(path)
    data = json.loads(ks_file.read_text())
    data["entries"][1]["user_id"] = "u-lan-2"  # an entry moved to another user does not decrypt
    ks_file.write_text(json.dumps(data))
    with pytest.raises(WrongPin):
        Keystore.load(ks_file).unlock("u-lan-2", "7351")
    with pytest.raises(KeyMismatch):  # another database's key is not wrapped by mistake
        Keystore.load(ks_file).add_user("u-new", "Trần Văn Nam", "1234", new_database_key())


def test_real_scrypt_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the shipped parameters
    assert keystore_module.SCRYPT_N == 2**17
    key = new_database_key()
    ks = Keystore.create(tmp_path / "k.keys.json", key)
    ks.add_user("u", "Lan", "2468", key)
    entry = json.loads((tmp_path / "k.keys.json").read_text())["entries"][0]
    assert entry["kdf"] | {"salt": ""} == {"name": "scrypt", "n": 2**17, "r": 8, "p": 1, "salt": ""}
    assert ks.unlock("u", "2468") == key


# ---------------------------------------------------------------------------------------------------------
# Migrating a plaintext database in place


def plaintext_with_demo(tmp_path: Path) -> tuple[Path, Snapshot]:
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    try:
        fill_demo(db, households=10)
        snapshot = take_snapshot(db)
    finally:
        db.close()
    return path, snapshot


def test_encrypting_in_place_keeps_every_row_and_the_search(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    try:
        fill_demo(db, households=10)
        snapshot = take_snapshot(db)
        values = secrets_of(db)
        with db.writer() as conn:
            conn.exec_driver_sql("PRAGMA user_version = 42")  # (the app does not use it; it must survive)
    finally:
        db.close()
    key = new_database_key()
    encrypt_database(path, key)
    assert found_in(path.read_bytes(), values) == {"names": 0, "phones": 0, "citizen_ids": 0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dlso.sqlite"]  # no leftovers, no plaintext WAL
    db = open_database(path, key=key)
    try:
        assert take_snapshot(db) == snapshot  # FTS5 shadow tables included
        with db.reader() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == 42
        name = values["names"][3].decode()
        assert any(h.title == name for h in Services(db).search.search(name))
        Services(db).villages.create("Thôn Mới Sau Mã Hóa", "thon")  # and it takes writes
    finally:
        db.close()
    with pytest.raises(DatabaseError) as exc:  # an encrypted file is not encrypted twice
        encrypt_database(path, key)
    assert exc.value.code == "not_plaintext"


def test_encrypting_a_database_in_use_is_refused(db: Database) -> None:
    Services(db).villages.create("Buôn Kô Tam", "buon")
    with pytest.raises(DatabaseError) as exc:
        encrypt_database(db.path, new_database_key())
    assert exc.value.code == "in_use"
    assert is_plaintext_sqlite(db.path)
    assert sorted(p.name for p in db.path.parent.iterdir() if "encrypting" in p.name) == []


class Boom(Exception):
    pass


@pytest.mark.parametrize("step", ENCRYPT_STEPS)
def test_a_failure_at_any_step_leaves_one_whole_database(tmp_path: Path, step: str) -> None:
    path, snapshot = plaintext_with_demo(tmp_path)
    key = new_database_key()

    def hook(name: str) -> None:
        if name == step:
            raise Boom(name)

    with pytest.raises(Boom):
        encrypt_database(path, key, fault_hook=hook)
    assert_one_whole_database(path, key, snapshot, encrypted=step == "replace")
    assert not any("encrypting" in p.name for p in tmp_path.iterdir())


def assert_one_whole_database(path: Path, key: bytes, snapshot: Snapshot, *, encrypted: bool) -> None:
    assert is_plaintext_sqlite(path) == (not encrypted)
    db = open_database(path, key=key if encrypted else None)
    try:
        assert take_snapshot(db) == snapshot
    finally:
        db.close()


CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from dlso_desktop.storage.db import encrypt_database

    step = sys.argv[3]

    def hook(name):
        if name == step:
            os._exit(17)  # a crash: no cleanup, no finally, no flush

    encrypt_database(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), fault_hook=hook)
    """
)


@pytest.mark.parametrize("step", ENCRYPT_STEPS)
def test_a_crash_at_any_step_leaves_one_whole_database(tmp_path: Path, step: str) -> None:
    path, snapshot = plaintext_with_demo(tmp_path)
    key = new_database_key()
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(path), key.hex(), step], cwd=ROOT, capture_output=True, timeout=120
    )
    assert proc.returncode == 17, proc.stderr.decode()
    assert_one_whole_database(path, key, snapshot, encrypted=step == "replace")
    if step != "replace":  # the next attempt cleans up after the crashed one and succeeds
        encrypt_database(path, key)
        assert_one_whole_database(path, key, snapshot, encrypted=True)
    assert not any("encrypting" in p.name for p in tmp_path.iterdir())


def test_encryption_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import encryption_bench

    encryption_bench.run(n=300, rounds=1)
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["figure"] for r in rows] == ["encrypted_write_300_persons", "encrypted_search_median_300_persons"]
    assert all(r["value"] > 0 and r["baseline"] > 0 for r in rows)


def test_an_older_encrypted_database_is_upgraded_after_an_encrypted_backup(tmp_path: Path) -> None:
    """Alembic's batch migrations run through the SQLCipher engine; the pre-upgrade copy is encrypted too."""
    import dlso_desktop.storage.db as db_module
    from dlso_desktop.storage import schema

    key = new_database_key()
    path = tmp_path / "dlso.sqlite"
    first = create_database(path, COMMUNE, key=key)
    Services(first).villages.create("Buôn Ea Nao", "buon")
    first.close()
    engine = db_module.make_engine(path, key)
    db_module.run_migrations_to(engine, "0001_initial")
    engine.dispose()
    upgraded = open_database(path, key=key)
    try:
        backup = upgraded.opened.backup
        assert upgraded.opened.revision_before == "0001_initial" and backup is not None
        assert [v.name for v in Services(upgraded).villages.list_all()] == ["Buôn Ea Nao"]
        with upgraded.reader() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == schema.HEAD
    finally:
        upgraded.close()
    assert not is_plaintext_sqlite(backup) and "Buôn Ea Nao".encode() not in backup.read_bytes()
    assert db_module.peek_revision(backup, key) == "0001_initial"
    with pytest.raises(WrongKeyError):
        db_module.peek_revision(backup, new_database_key())


def test_a_backup_carries_a_recovery_only_keystore(laptop: tuple[Path, bytes, str], tmp_path: Path) -> None:
    path, key, recovery = laptop
    db = open_database(path, key=Keystore.load(keystore_path(path)).unlock("u-lan", "482913"))
    try:
        backup = db.backup(tmp_path / "usb" / "dlso-backup.sqlite")
    finally:
        db.close()
    Keystore.load(keystore_path(path)).export_recovery_only(keystore_path(backup))
    carried = Keystore.load(keystore_path(backup))
    assert carried.users() == [] and carried.has_recovery  # no PIN entry to attack on a lost USB stick
    with pytest.raises(UnknownUser):
        carried.unlock("u-lan", "482913")
    restored = open_database(backup, key=carried.unlock_with_recovery(recovery))
    restored.close()
    assert not Keystore.create(tmp_path / "empty.keys.json", key).has_recovery
    with pytest.raises(KeystoreError):
        Keystore.load(tmp_path / "empty.keys.json").export_recovery_only(tmp_path / "x.keys.json")
