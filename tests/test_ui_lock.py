"""Auto-lock (issue 6): after inactivity the window's content leaves the window, sync stops and the key is
forgotten; the same user's PIN brings back the same page and what was typed; "Đổi người dùng" signs out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.keystore import PinThrottle, throttle_path
from dlso_desktop.storage.store import Database, create_encrypted_database
from ui.app_context import AppContext
from ui.households import HouseholdsPage
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.qt import QApplication, QtGui, QtWidgets
from ui.settings import AUTO_LOCK_MINUTES, LANGUAGE, Settings
from ui.settings_page import SettingsPage
from ui.tasks import Tasks

COMMUNE = 24133


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)


@pytest.fixture
def encrypted(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[Database, AppContext]]:
    install_language("en", qapp)
    db = create_encrypted_database(tmp_path / "dlso.sqlite", COMMUNE)
    user = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
    Services(db, user_id=user.id).villages.create("Buôn Ko Tam", "buon")
    ctx = AppContext(db, user, Tasks(), Settings(tmp_path), tmp_path)
    ctx.settings.set(LANGUAGE, "en")
    yield db, ctx
    ctx.tasks.wait()
    db.close()


def make_window(qtbot: QtBot, ctx: AppContext, lock_after_ms: int | None = 200) -> MainWindow:
    window = MainWindow(ctx, lock_after_ms=lock_after_ms)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_pin(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    assert window.lock_screen is not None
    panel = window.lock_screen.panel
    panel.pin.setText(pin)
    panel.button.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


def visible_texts(widget: QtWidgets.QWidget) -> list[str]:
    return [
        w.text()
        for w in widget.findChildren(QtWidgets.QLineEdit) + widget.findChildren(QtWidgets.QLabel)
        if w.isVisible()
    ]


def test_locks_after_inactivity_and_the_right_pin_restores_everything(
    qtbot: QtBot, encrypted: tuple[Database, AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ctx = encrypted
    window = make_window(qtbot, ctx)
    window.nav.setCurrentRow(window.keys.index("households"))
    page = window.current_page()
    assert isinstance(page, HouseholdsPage)
    page.open_household(None, new=True)
    form = page.form
    assert form is not None and form.isVisible()
    form.address_edit.setText("Số 42, đường Y Ngông")  # unsaved input

    qtbot.waitUntil(lambda: window.is_locked, timeout=10_000)  # nobody touched anything
    assert window.centralWidget() is window.lock_screen
    assert not window.isAncestorOf(page) and not page.isVisible()  # the pages left the window
    assert not form.isVisible()
    assert "Buôn Ma Thuột" not in window.windowTitle() and not window.statusBar().isVisible()
    shown = visible_texts(window)
    assert not any("Y Ngông" in t for t in shown)
    assert window.sync is not None and window.sync._closing  # background sync stopped
    assert db.locked and not db.encrypted  # no key, no keyed connection

    type_pin(qtbot, window, "135790")  # wrong: still locked
    assert window.is_locked and window.lock_screen is not None
    assert "Wrong PIN" in window.lock_screen.panel.error.text()
    assert PinThrottle(throttle_path(db.path)).failures == 1

    type_pin(qtbot, window, "246810")
    assert not window.is_locked and window.centralWidget() is window.content
    assert window.current_page() is page and page.isVisible()
    assert form.isVisible() and form.address_edit.text() == "Số 42, đường Y Ngông"  # no lost work
    assert [v.name for v in Services(db).villages.list_all()] == ["Buôn Ko Tam"]  # the data is back
    assert "Buôn Ma Thuột" in window.windowTitle()
    assert PinThrottle(throttle_path(db.path)).failures == 0
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    form.close()


def test_ctrl_l_locks_and_wrong_pins_are_delayed(qtbot: QtBot, encrypted: tuple[Database, AppContext]) -> None:
    _, ctx = encrypted
    window = make_window(qtbot, ctx, lock_after_ms=None)
    assert not window.is_locked
    assert window.lock_shortcut.key() == QtGui.QKeySequence("Ctrl+L")
    window.lock_shortcut.activated.emit()  # (offscreen, the window is not reliably the active one)
    assert window.is_locked
    for _ in range(3):
        type_pin(qtbot, window, "000000")
    assert window.lock_screen is not None
    panel = window.lock_screen.panel
    assert not panel.button.isEnabled() and "5 second" in panel.wait_label.text()
    panel.pin.setText("246810")
    panel.submit()  # refused while the delay runs: nothing is tried
    assert not panel.busy and window.is_locked


def test_switch_user_signs_out_and_drops_the_data(qtbot: QtBot, encrypted: tuple[Database, AppContext]) -> None:
    db, ctx = encrypted
    window = make_window(qtbot, ctx, lock_after_ms=None)
    signed_out: list[bool] = []
    window.signed_out.connect(lambda: signed_out.append(True))
    window.lock()
    assert window.lock_screen is not None
    window.lock_screen.switch_button.click()
    assert signed_out == [True]
    assert window.ctx is None and window.pages == [] and not window.is_locked
    assert window.windowTitle() == "DLSO"
    with pytest.raises(Exception):  # noqa: B017 - the engine is closed and holds no key: any query fails
        Services(db).villages.list_all()


def test_sign_out_with_unsaved_changes_can_be_cancelled(
    qtbot: QtBot, encrypted: tuple[Database, AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ctx = encrypted
    window = make_window(qtbot, ctx, lock_after_ms=None)
    monkeypatch.setattr(window.page("training"), "has_unsaved_changes", lambda: True)
    asked: list[str] = []

    def no(*args: object, **kwargs: object) -> QtWidgets.QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QtWidgets.QMessageBox.StandardButton.No

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", no)
    assert window.sign_out() is False
    assert asked and "not saved" in asked[0]
    assert window.ctx is ctx and window.pages


def test_the_auto_lock_delay_is_a_setting(qtbot: QtBot, encrypted: tuple[Database, AppContext]) -> None:
    _, ctx = encrypted
    window = make_window(qtbot, ctx, lock_after_ms=None)
    assert window.watcher is not None and window.watcher.timer.interval() == 5 * 60_000  # the default
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    assert [page.auto_lock.itemData(i) for i in range(page.auto_lock.count())] == [1, 2, 5, 10, 15, 30]
    page.auto_lock.setCurrentIndex(page.auto_lock.findData(15))
    assert ctx.settings.get(AUTO_LOCK_MINUTES) == 15
    assert window.watcher.timer.interval() == 15 * 60_000 and window.watcher.timer.isActive()
