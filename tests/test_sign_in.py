"""Signing in to an encrypted laptop database: PIN -> keystore -> database, the growing delay after wrong PINs,
users kept in step with the keystore, and the migration of a plaintext laptop (issue 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.db import is_plaintext_sqlite
from dlso_desktop.storage.keystore import (
    Keystore,
    PinThrottle,
    TooManyAttempts,
    UnknownUser,
    WrongPin,
    delay_after,
    keystore_path,
    throttle_path,
)
from dlso_desktop.storage.store import (
    create_database,
    create_encrypted_database,
    database_state,
    encrypt_existing,
    open_database,
    unlock_with_pin,
    unlock_with_recovery_key,
)
from dlso_desktop.validation import ValidationError

COMMUNE = 24133


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real cost is stored per entry and measured in test_encryption; here a cheap one."""
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_delay_grows_after_three_wrong_pins_and_is_capped() -> None:
    assert [delay_after(n) for n in range(12)] == [0, 0, 0, 5, 15, 30, 60, 120, 240, 300, 300, 300]


def test_throttle_is_kept_in_a_file_and_reset_by_a_right_pin(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "dlso.sqlite.signin.json"
    throttle = PinThrottle(path, clock)
    for _ in range(3):
        throttle.check()
        throttle.failed()
    assert throttle.wait_seconds() == 5
    again = PinThrottle(path, clock)  # a restart (or the CLI) sees the same count
    with pytest.raises(TooManyAttempts) as exc:
        again.check()
    assert exc.value.wait_seconds == 5 and "5 giây" in exc.value.message_vi
    clock.now += 5
    again.check()
    assert again.failed() == 15 and again.wait_seconds() == 15
    clock.now -= 10_000  # a clock set backwards never makes the wait longer than the delay
    assert again.wait_seconds() == 15
    again.reset()
    assert again.failures == 0 and again.wait_seconds() == 0 and not path.exists()


def encrypted_laptop(tmp_path: Path) -> tuple[Path, str, str, str]:
    """An encrypted database with an operator (PIN 246810) and a team member (PIN 135790)."""
    path = tmp_path / "dlso.sqlite"
    db = create_encrypted_database(path, COMMUNE)
    try:
        op = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
        member = Services(db, user_id=op.id).users.create("Y Mek Ê Nuôl", "team_member", "135790")
        recovery = db.new_recovery_key()
    finally:
        db.close()
    return path, op.id, member.id, recovery


def test_each_user_unlocks_with_their_own_pin(tmp_path: Path) -> None:
    path, _op, member, _ = encrypted_laptop(tmp_path)
    assert database_state(path) == "encrypted"
    ks = Keystore.load(keystore_path(path))
    assert {u.display_name for u in ks.users()} == {"Nguyễn Thị Lan", "Y Mek Ê Nuôl"}
    db = unlock_with_pin(path, member, "135790")
    try:
        assert db.encrypted and db.keystore is not None
        assert Services(db).users.signed_in(member).role == "team_member"
    finally:
        db.close()
    with pytest.raises(WrongPin):
        unlock_with_pin(path, member, "246810")  # the operator's PIN is not the member's
    with pytest.raises(UnknownUser):
        unlock_with_pin(path, "nobody", "246810")


def test_wrong_pins_are_delayed_per_laptop_not_per_user(tmp_path: Path) -> None:
    path, op, member, _ = encrypted_laptop(tmp_path)
    clock = Clock()
    throttle = PinThrottle(throttle_path(path), clock)
    for user in (op, member, op):  # rotating users does not help
        with pytest.raises(WrongPin):
            unlock_with_pin(path, user, "000000", throttle=throttle)
    with pytest.raises(TooManyAttempts):
        unlock_with_pin(path, member, "135790", throttle=throttle)  # even the right PIN waits
    clock.now += 5
    unlock_with_pin(path, member, "135790", throttle=throttle).close()
    assert throttle.failures == 0  # a right PIN resets the count


def test_users_stay_in_step_with_the_keystore(tmp_path: Path) -> None:
    path, op, member, recovery = encrypted_laptop(tmp_path)
    db = unlock_with_pin(path, op, "246810")
    try:
        users = Services(db, user_id=op).users
        assert users.keystore_entries() == {op, member}
        with pytest.raises(ValidationError) as short:
            users.create("Trần Văn Bình", "team_member", "1234")  # new PINs need 6 digits
        assert short.value.field == "pin" and "6" in short.value.message_vi
        assert users.keystore_entries() == {op, member}  # refused: nothing written
        users.update(member, pin="555666")  # the operator resets a PIN
        users.update(member, display_name="Y Mek Niê")
        assert {u.display_name for u in Keystore.load(keystore_path(path)).users()} >= {"Y Mek Niê"}
        # the last operator cannot be deactivated, and the keystore is untouched
        with pytest.raises(ValidationError):
            users.update(op, active=False)
        assert users.keystore_entries() == {op, member}
    finally:
        db.close()
    with pytest.raises(WrongPin):
        unlock_with_pin(path, member, "135790")
    db = unlock_with_pin(path, member, "555666")
    try:
        Services(db, user_id=member).users.update(member, pin="777888")  # one's own PIN
    finally:
        db.close()
    db = unlock_with_pin(path, member, "777888")
    try:
        assert Services(db).users.authenticate(member, "777888").id == member  # pin_hash follows
    finally:
        db.close()
    db = unlock_with_recovery_key(path, recovery)
    try:
        Services(db).users.update(member, active=False)  # deactivated: the entry is gone
        assert db.keystore_user_ids() == {op}
    finally:
        db.close()
    with pytest.raises(UnknownUser):
        unlock_with_pin(path, member, "777888")


def test_an_inactive_user_with_a_stale_entry_cannot_sign_in(tmp_path: Path) -> None:
    path, op, member, _ = encrypted_laptop(tmp_path)
    saved = keystore_path(path).read_bytes()
    db = unlock_with_pin(path, op, "246810")
    try:
        Services(db, user_id=op).users.update(member, active=False)
    finally:
        db.close()
    keystore_path(path).write_bytes(saved)  # an old copy of the keystore still holds the member's entry
    db = unlock_with_pin(path, member, "135790")
    try:
        with pytest.raises(ValidationError) as exc:
            Services(db).users.signed_in(member)
        assert exc.value.code == "user_id.inactive"
        Services(db).users.sync_keystore()  # the next sign-in repairs the keystore
        assert db.keystore_user_ids() == {op}
    finally:
        db.close()


def test_a_plaintext_laptop_is_encrypted_after_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    old = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
    member = Services(db).users.create("Y Mek Ê Nuôl", "team_member", "135790")
    demo.generate(db, households=5, seed=3, user_id=old.id)
    db.close()
    db = open_database(path)  # a pre-upgrade backup lands in backups/ on an upgrade; make one the same way
    db.backup(tmp_path / "backups" / "before.sqlite")
    stats = Services(db).admin.stats()
    user = Services(db).users.authenticate(old.id, "246810")  # signs in as before
    new = encrypt_existing(db, user.id, user.display_name, "246810")
    try:
        assert new.encrypted and database_state(path) == "encrypted"
        assert Services(new).admin.stats() == stats
        Services(new).users.sync_keystore()
        ks = Keystore.load(keystore_path(path))
        assert [u.user_id for u in ks.users()] == [old.id]
        assert [u.user_id for u in ks.pending_users()] == [member.id]  # "cần người quản lý đặt lại mã PIN"
        assert not is_plaintext_sqlite(tmp_path / "backups" / "before.sqlite")
        Services(new, user_id=old.id).users.update(member.id, pin="999000")  # the operator sets it
        assert Keystore.load(keystore_path(path)).pending_users() == []
    finally:
        new.close()
    unlock_with_pin(path, member.id, "999000").close()


def test_a_keystore_left_by_an_interrupted_migration_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    user = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
    Keystore.create(keystore_path(path), keystore_module.new_database_key())  # crash before the file was replaced
    assert database_state(path) == "plaintext"  # the file decides, not the keystore
    new = encrypt_existing(db, user.id, user.display_name, "246810")
    new.close()
    unlock_with_pin(path, user.id, "246810").close()
