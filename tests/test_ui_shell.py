"""The main window shell on a real database: navigation, status bar, closing, errors, background work, and
the settings page."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

import dlso_desktop
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage.store import Database
from ui import errors
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.main_window import PAGES, MainWindow, visible_pages
from ui.qt import QApplication, Qt, QtCore, QtGui, QtWidgets
from ui.settings import FONT_SCALE, LANGUAGE, Settings
from ui.settings_page import SettingsPage, default_backup_path
from ui.tasks import Tasks

COMMUNE_NAME = "Phường Buôn Ma Thuột"


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language("en", qapp)
    yield
    install_language("en", qapp)


@pytest.fixture
def ctx(db: Database, tmp_path: Path, english: None) -> Iterator[AppContext]:
    user = Services(db).users.create("Nguyễn Thị Lan", "team_head", "246810")
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, "en")  # as the app does: the installed language is the stored one
    yield context
    context.tasks.wait()


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> Iterator[MainWindow]:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    ctx.tasks.wait()
    QApplication.processEvents()


def test_opens_on_a_real_database(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    assert window.nav.count() == len(visible_pages("team_head")) == len(PAGES) - 1 == 8
    assert "audit" not in window.keys  # the audit trail is the commune operator's
    assert window.current_page() is window.page("overview")
    assert COMMUNE_NAME in window.windowTitle()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [p.title() for p in window.pages]
    assert isinstance(window.page("settings"), SettingsPage)


def test_ctrl_digit_switches_pages(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for i in reversed(range(window.nav.count())):
        QTest.keyClick(window, getattr(Qt.Key, f"Key_{i + 1}"), Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.stack.currentIndex() == i)  # noqa: B023 - used at once
        assert window.nav.currentRow() == i
        assert window.current_page() is window.pages[i]


def test_status_bar_user_commune_and_unsynced_count(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    assert "Nguyễn Thị Lan" in window.user_label.text()
    assert "team head" in window.user_label.text()
    assert COMMUNE_NAME in window.user_label.text()
    assert window.server_label.text() == "Server: not enrolled"
    before = ctx.services.admin.pending_changes()
    qtbot.waitUntil(lambda: window.pending_label.text() == f"Not synced: {before} change(s)")

    svc = ctx.services
    village = svc.villages.create("Buôn Ko Tam", "buon")
    svc.households.create(
        HouseholdInput(
            village_id=village.id,
            members=[PersonInput(full_name="Y Mek Ê Nuôl", relationship="head", sex="male", birth_year=1970)],
        )
    )
    after = svc.admin.pending_changes()
    assert after > before
    assert window.pending_label.text() == f"Not synced: {before} change(s)"  # nothing recounts by itself...
    ctx.data_changed()  # ...until a screen says it changed data
    qtbot.waitUntil(lambda: window.pending_label.text() == f"Not synced: {after} change(s)")


def test_close_asks_when_a_page_has_unsaved_changes(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answer = QtWidgets.QMessageBox.StandardButton.No

    def question(parent: Any, title: str, text: str, *args: Any) -> QtWidgets.QMessageBox.StandardButton:
        asked.append(title)
        return answer

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)
    assert window.close()  # nothing unsaved: closes without asking
    assert asked == []
    window.show()

    monkeypatch.setattr(window.page("training"), "has_unsaved_changes", lambda: True)
    assert not window.close()
    assert asked == ["Unsaved changes"]
    assert window.isVisible()

    answer = QtWidgets.QMessageBox.StandardButton.Yes
    assert window.close()
    assert len(asked) == 2
    assert not window.isVisible()


@pytest.mark.qt_no_exception_capture
def test_unhandled_error_in_a_task_is_logged_and_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    root = logging.getLogger()
    handlers = list(root.handlers)
    level = root.level
    shown: list[BaseException] = []
    try:
        errors.install(tmp_path, show=shown.append)
        tasks = Tasks()  # no on_unhandled_error: the exception goes to sys.excepthook

        def broken() -> None:
            raise RuntimeError("household 0190abcd could not be read")

        tasks.run(broken)  # and no on_error either
        qtbot.waitUntil(lambda: len(shown) == 1)
        assert isinstance(shown[0], RuntimeError)
        assert str(shown[0]) == "household 0190abcd could not be read"
        log_text = (tmp_path / "logs" / "dlso.log").read_text(encoding="utf-8")
        # the log says what failed and where, never the message (it may name people): the dialog shows that
        assert "household 0190abcd could not be read" not in log_text
        assert "Traceback" in log_text and "RuntimeError" in log_text and "in broken" in log_text
        tasks.wait()
    finally:
        for h in root.handlers:
            if h not in handlers:
                root.removeHandler(h)
                h.close()
        root.setLevel(level)


def test_error_dialog_copies_details(qtbot: QtBot, english: None) -> None:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        details = errors.format_exception(exc)
    dialog = errors.ErrorDialog("ValueError: boom", details)
    qtbot.addWidget(dialog)
    assert "Traceback" in details
    QApplication.clipboard().clear()
    dialog.copy_details()
    assert QApplication.clipboard().text() == details
    copy = [b for b in dialog.buttons() if b.text() == "Copy details"]
    assert copy, [b.text() for b in dialog.buttons()]


def test_event_loop_keeps_turning_during_slow_work(qtbot: QtBot, ctx: AppContext) -> None:
    ticks: list[int] = []
    timer = QtCore.QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    results: list[int] = []
    admin = ctx.services.admin

    def slow_count() -> int:
        time.sleep(1)  # a slow disk, a big query: the GUI thread must not wait for it
        return admin.pending_changes()

    started = time.monotonic()
    ctx.tasks.run(slow_count, results.append)
    assert time.monotonic() - started < 0.5  # run() returned at once
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    timer.stop()
    assert results == [admin.pending_changes()]
    assert len(ticks) >= 5, ticks


# --- the settings page -----------------------------------------------------------------------------------------


def test_settings_shows_data_folder_and_versions(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    window.nav.setCurrentRow(window.nav.count() - 1)
    assert page.data_dir.text() == str(ctx.data_dir)
    assert page.data_dir.isReadOnly()
    assert dlso_desktop.__version__ in page.about_label.text()
    assert ctx.db.meta["admin_units_version"] in page.about_label.text()
    opened: list[QtCore.QUrl] = []

    def open_url(url: QtCore.QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", open_url)
    QTest.mouseClick(page.open_folder_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [QtCore.QUrl.fromLocalFile(str(ctx.data_dir)).toLocalFile()]


def test_settings_font_scale_applies_at_once_and_is_saved(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, qapp: QApplication
) -> None:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    original = qapp.font()
    size = original.pointSizeF()
    try:
        page.font_scale.setCurrentIndex(page.font_scale.findData(125))
        assert qapp.font().pointSizeF() == pytest.approx(size * 1.25)
        assert ctx.settings.get(FONT_SCALE) == 125
        assert Settings(ctx.data_dir).get(FONT_SCALE) == 125  # stored, not only in memory
        page.font_scale.setCurrentIndex(page.font_scale.findData(100))
        assert qapp.font().pointSizeF() == pytest.approx(size)
        assert ctx.settings.get(FONT_SCALE) == 100
    finally:
        qapp.setFont(original)


def test_settings_language_switch_without_restart(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    assert window.nav.item(0).text() == "Overview"
    try:
        page.language.setCurrentIndex(page.language.findData("vi"))
        qtbot.waitUntil(lambda: window.nav.item(0).text() == "Tổng quan")
        assert ctx.settings.get(LANGUAGE) == "vi"
        assert page.backup_button.text() == "Sao lưu ngay"
        page.language.setCurrentIndex(page.language.findData("en"))
        qtbot.waitUntil(lambda: window.nav.item(0).text() == "Overview")
        assert ctx.settings.get(LANGUAGE) == "en"
    finally:
        install_language("en")


def test_backup_now_writes_a_copy(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    dest = tmp_path / "backups" / "copy.sqlite"
    offered: list[str] = []

    def save_dialog(parent: Any, caption: str, default: str, filters: str, *args: Any) -> tuple[str, str]:
        offered.append(default)
        return str(dest), filters

    informed: list[str] = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", save_dialog)
    monkeypatch.setattr(QtWidgets.QMessageBox, "information", lambda parent, title, text, *a: informed.append(text))
    QTest.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(informed))
    assert informed == [f"Backup saved: {dest}"]
    assert Path(offered[0]).name == default_backup_path().name
    assert Path(offered[0]).name.startswith("dlso-backup-") and offered[0].endswith(".sqlite")
    assert page.backup_button.isEnabled()
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 1
    finally:
        conn.close()


def test_backup_reports_an_error_and_cancel_does_nothing(
    qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    answers = iter([("", ""), (str(blocker / "copy.sqlite"), "")])
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a: next(answers))
    warned: list[str] = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    page.back_up()  # cancelled
    ctx.tasks.wait()
    QApplication.processEvents()
    assert warned == [] and page.backup_button.isEnabled()
    page.back_up()
    qtbot.waitUntil(lambda: bool(warned))
    assert warned[0].startswith("The backup failed: ")
    assert page.backup_button.isEnabled()
