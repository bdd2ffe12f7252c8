"""The sign-in screen of an encrypted laptop (issue 6): users from the keystore before anything is open, the
PIN in the background, the growing delay shown, pending users, "Quên mã PIN?" with the recovery key, and a
plaintext laptop encrypted right after its sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.keystore import Keystore, PinThrottle, keystore_path, throttle_path
from dlso_desktop.storage.store import (
    Database,
    create_database,
    create_encrypted_database,
    database_state,
    unlock_with_pin,
    unlock_with_recovery_key,
)
from ui.i18n import install_language
from ui.qt import QApplication
from ui.sign_in import RecoveryDialog, SignInDialog, encrypt_after_sign_in, encrypted_attempt
from ui.tasks import Tasks

COMMUNE = 24133


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)
    install_language("en", qapp)


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], str]]:
    path = tmp_path / "dlso.sqlite"
    db = create_encrypted_database(path, COMMUNE)
    op = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
    member = Services(db, user_id=op.id).users.create("Y Mek Ê Nuôl", "team_member", "135790")
    gone = Services(db, user_id=op.id).users.create("Lê Văn Tám", "team_member", "112233")
    recovery = db.new_recovery_key()
    db.close()
    yield path, {"op": op.id, "member": member.id, "gone": gone.id}, recovery


def dialog_for(qtbot: QtBot, path: Path, tasks: Tasks) -> SignInDialog:
    store = Keystore.load(keystore_path(path))
    throttle = PinThrottle(throttle_path(path))
    dialog = SignInDialog(
        [(u.user_id, u.display_name) for u in store.users()],
        encrypted_attempt(path, throttle),
        tasks,
        throttle,
        pending=[u.display_name for u in store.pending_users()],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def attempt(qtbot: QtBot, dialog: SignInDialog, user_id: str, pin: str) -> None:
    dialog.user.setCurrentIndex(dialog.user.findData(user_id))
    dialog.pin.setText(pin)
    dialog.panel.button.click()
    qtbot.waitUntil(lambda: not dialog.panel.busy, timeout=10_000)


def test_sign_in_lists_the_keystore_users_and_opens_with_the_pin(
    qtbot: QtBot, laptop: tuple[Path, dict[str, str], str]
) -> None:
    path, ids, _ = laptop
    tasks = Tasks()
    dialog = dialog_for(qtbot, path, tasks)
    assert {dialog.user.itemText(i) for i in range(dialog.user.count())} == {
        "Nguyễn Thị Lan",
        "Y Mek Ê Nuôl",
        "Lê Văn Tám",
    }
    attempt(qtbot, dialog, ids["member"], "246810")
    assert dialog.result_value is None and "Wrong PIN" in dialog.error.text()
    attempt(qtbot, dialog, ids["member"], "135790")
    result: Any = dialog.result_value
    db, user = result
    try:
        assert isinstance(db, Database) and db.encrypted and user.role == "team_member"
    finally:
        db.close()


def test_the_wait_after_wrong_pins_is_shown_and_the_button_disabled(
    qtbot: QtBot, laptop: tuple[Path, dict[str, str], str]
) -> None:
    path, ids, _ = laptop
    dialog = dialog_for(qtbot, path, Tasks())
    for user in ("op", "member", "op"):  # per laptop, not per user
        attempt(qtbot, dialog, ids[user], "000000")
    assert not dialog.panel.button.isEnabled()
    assert dialog.panel.wait_label.isVisible() and "second" in dialog.panel.wait_label.text()
    again = dialog_for(qtbot, path, Tasks())  # a restart keeps the wait
    assert not again.panel.button.isEnabled()


def test_inactive_and_pending_users(qtbot: QtBot, laptop: tuple[Path, dict[str, str], str]) -> None:
    path, ids, recovery = laptop
    saved = keystore_path(path).read_bytes()
    opened = unlock_with_recovery_key(path, recovery)
    try:
        Services(opened, user_id=ids["op"]).users.update(ids["gone"], active=False)
    finally:
        opened.close()
    keystore_path(path).write_bytes(saved)  # a stale keystore still lists the deactivated user
    dialog = dialog_for(qtbot, path, Tasks())
    attempt(qtbot, dialog, ids["gone"], "112233")
    assert dialog.result_value is None and "deactivated" in dialog.error.text()
    # the sign-in repaired the keystore; a user waiting for a PIN is listed as such
    store = Keystore.load(keystore_path(path))
    assert ids["gone"] not in {u.user_id for u in store.users()}
    store.set_pending_pairs([("someone", "Hồ Thị Chờ")])
    dialog = dialog_for(qtbot, path, Tasks())
    assert dialog.panel.pending.isVisibleTo(dialog) and "Hồ Thị Chờ" in dialog.panel.pending.text()


def test_forgotten_pin_with_the_recovery_key(qtbot: QtBot, laptop: tuple[Path, dict[str, str], str]) -> None:
    path, ids, recovery = laptop
    tasks = Tasks()
    dialog = RecoveryDialog(path, tasks)
    qtbot.addWidget(dialog)
    dialog.key.setText("AAAAA-" * 7 + "AAAAA")
    dialog.open_with_key()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.db is None and "8 groups" in dialog.error.text()
    dialog.key.setText(recovery.replace("-", " ").lower())
    dialog.open_with_key()
    qtbot.waitUntil(lambda: dialog.db is not None, timeout=10_000)
    dialog.user.setCurrentIndex(dialog.user.findData(ids["member"]))
    dialog.pin.setText("424242")
    dialog.pin_again.setText("424243")
    dialog.set_pin()
    assert dialog.result_value is None and "not the same" in dialog.error.text()
    dialog.pin_again.setText("424242")
    dialog.set_pin()
    assert dialog.result_value is not None
    db, user = dialog.result_value
    db.close()
    assert user.id == ids["member"]
    unlock_with_pin(path, ids["member"], "424242").close()


def test_a_plaintext_laptop_is_encrypted_after_sign_in(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "dlso.sqlite"
    db = create_database(path, COMMUNE)
    user = Services(db).users.create("Nguyễn Thị Lan", "team_member", "246810")
    Services(db).users.create("Y Mek Ê Nuôl", "commune_operator", "135790")
    new = encrypt_after_sign_in(db, user, "246810")
    try:
        assert database_state(path) == "encrypted" and new.keystore is not None
        assert not new.keystore.has_recovery  # shown at the first operator's sign-in (main.py)
        assert [u.display_name for u in new.keystore.pending_users()] == ["Y Mek Ê Nuôl"]
    finally:
        new.close()
