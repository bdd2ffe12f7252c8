"""Settings → Data: moving the data folder. The database is copied with SQLite's online backup, the choice is
remembered for the next start (``DLSO_DATA_DIR`` keeps priority), and a bad folder changes nothing."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop import paths
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage.store import Database, create_database
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.qt import QApplication, QtWidgets
from ui.settings import FONT_SCALE, LANGUAGE, Settings
from ui.settings_page import SettingsPage
from ui.tasks import Tasks


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform data folder (where the choice is remembered), inside the test's folder."""
    platform_dir = tmp_path / "platform"
    monkeypatch.setattr(paths, "default_data_dir", lambda: platform_dir)
    monkeypatch.delenv("DLSO_DATA_DIR", raising=False)
    return platform_dir


@pytest.fixture
def ctx(db: Database, tmp_path: Path, qapp: QApplication, home: Path) -> Iterator[AppContext]:
    install_language("en", qapp)
    user = Services(db).users.create("Nguyễn Thị Lan", "team_head", "246810")
    svc = Services(db, user_id=user.id)
    village = svc.villages.create("Buôn Ko Tam", "buon")
    svc.households.create(
        HouseholdInput(village_id=village.id, members=[PersonInput(full_name="Y Mek Ê Nuôl", relationship="head")])
    )
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, "en")
    context.settings.set(FONT_SCALE, 125)
    yield context
    context.tasks.wait()


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> SettingsPage:
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    p.show()
    return p


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "information", lambda _p, _t, text, *a: shown.append(("info", text)))
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(("warning", text)))
    return shown


def _count(db_file: Path, table: str) -> int:
    conn = sqlite3.connect(db_file)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_change_data_folder_copies_and_is_used_next_start(
    qtbot: QtBot, page: SettingsPage, ctx: AppContext, tmp_path: Path, home: Path, messages: list[tuple[str, str]]
) -> None:
    target = tmp_path / "bigger drive" / "DLSO data"  # does not exist yet: created
    assert paths.data_dir() == home
    page.change_data_dir(target)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    [(kind, text)] = messages
    assert kind == "info" and str(target) in text and "next start" in text
    assert page.folder_status.text() == text and page.change_folder_button.isEnabled()
    copy = target / paths.DB_FILENAME
    assert _count(copy, "household") == 1 and _count(copy, "person") == 1
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        device = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    finally:
        conn.close()
    assert device == ctx.db.device_id
    assert not (target / f"{paths.DB_FILENAME}-wal").exists()  # a finished copy, not a live WAL file pair
    # the next start uses it, with the same settings; the running app goes on in the old folder
    assert paths.data_dir() == target
    assert Settings(target).get(FONT_SCALE) == 125 and Settings(target).get(LANGUAGE) == "en"
    assert page.data_dir.text() == str(ctx.data_dir)
    # an explicit folder (--data-dir) or DLSO_DATA_DIR keeps priority
    assert paths.data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLSO_DATA_DIR", str(tmp_path / "portable"))
        assert paths.data_dir() == tmp_path / "portable"


def test_message_is_vietnamese(
    qtbot: QtBot, page: SettingsPage, tmp_path: Path, messages: list[tuple[str, str]]
) -> None:
    try:
        install_language("vi")
        page.change_data_dir(tmp_path / "moi")
        qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
        assert "lần khởi động" in messages[0][1], messages
        assert page.change_folder_button.text() != "Change folder…"
    finally:
        install_language("en")


def test_folder_with_another_dlso_database_is_refused(
    qtbot: QtBot, page: SettingsPage, tmp_path: Path, home: Path, messages: list[tuple[str, str]]
) -> None:
    other = tmp_path / "other laptop"
    create_database(other / paths.DB_FILENAME, 24133).close()  # another laptop's database (another device id)
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    page.change_data_dir(other)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    [(kind, text)] = messages
    assert kind == "warning" and "another DLSO database" in text and "Nothing was changed" in text
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before  # untouched
    assert paths.data_dir() == home  # not remembered
    assert not paths.location_file().exists()


def test_unwritable_folder_file_and_same_folder_are_refused(
    qtbot: QtBot,
    page: SettingsPage,
    ctx: AppContext,
    tmp_path: Path,
    home: Path,
    messages: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    readonly = tmp_path / "read-only"
    readonly.mkdir()

    def no_write(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", no_write)  # the tests run as root: chmod would not do
    expected = [
        (a_file, "is not a folder"),
        (a_file / "sub", "cannot write to"),
        (readonly, "cannot write to"),
        (ctx.data_dir, "is already the data folder"),
    ]
    for folder, words in expected:
        messages.clear()
        page.change_data_dir(folder)
        qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
        [(kind, text)] = messages
        assert kind == "warning" and words in text and "Nothing was changed" in text, (folder, text)
        assert page.change_folder_button.isEnabled()
    assert list(readonly.iterdir()) == []
    assert a_file.read_text() == "x"
    assert paths.data_dir() == home and not paths.location_file().exists()


def test_moving_back_keeps_the_older_copy_aside(
    qtbot: QtBot, page: SettingsPage, ctx: AppContext, tmp_path: Path, messages: list[tuple[str, str]]
) -> None:
    target = tmp_path / "usb"
    page.change_data_dir(target)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    ctx.services.villages.create("Thôn 3", "thon")  # more work after the first copy
    messages.clear()
    page.change_data_dir(target)  # the same laptop's older copy is there: replaced, kept in backups/
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[0][0] == "info", messages
    assert _count(target / paths.DB_FILENAME, "village") == 2
    [aside] = (target / "backups").glob("dlso-before-move-*.sqlite")
    assert _count(aside, "village") == 1


def test_choose_button_opens_a_folder_dialog(
    qtbot: QtBot, page: SettingsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]]
) -> None:
    answers = iter(["", str(tmp_path / "picked")])
    monkeypatch.setattr(QtWidgets.QFileDialog, "getExistingDirectory", lambda *a, **k: next(answers))
    page.change_folder_button.click()  # cancelled: nothing happens
    assert not page.moving and messages == []
    page.change_folder_button.click()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert (tmp_path / "picked" / paths.DB_FILENAME).exists()


def test_an_encrypted_laptop_moves_with_its_keystore(
    qapp: QApplication, tmp_path: Path, home: Path, qtbot: QtBot, messages: list[tuple[str, str]]
) -> None:
    from dlso_desktop.storage.keystore import Keystore, keystore_path
    from dlso_desktop.storage.store import create_encrypted_database, unlock_with_pin

    data = tmp_path / "data"
    data.mkdir()
    db = create_encrypted_database(data / paths.DB_FILENAME, 24133)
    try:
        user = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "24681357")
        assert db.keystore is not None and [u.user_id for u in db.keystore.users()] == [user.id]
        svc = Services(db, user_id=user.id)
        village = svc.villages.create("Buôn Ko Tam", "buon")
        svc.households.create(HouseholdInput(village.id, members=[PersonInput("Y Mek Ê Nuôl", relationship="head")]))
        ctx = AppContext(db, user, Tasks(), Settings(data), data)
        page = SettingsPage(ctx)
        qtbot.addWidget(page)
        target = tmp_path / "usb" / "DLSO"
        page.change_data_dir(target)
        qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
        ctx.tasks.wait()
        assert messages[0][0] == "info", messages
    finally:
        db.close()
    copy = target / paths.DB_FILENAME
    assert not copy.read_bytes().startswith(b"SQLite format 3")  # the copy is encrypted too
    assert Keystore.load(keystore_path(copy)).users()[0].user_id == user.id
    moved = unlock_with_pin(copy, user.id, "24681357")  # the same PIN opens the copy
    try:
        svc = Services(moved, user_id=user.id)
        assert [h.title for h in svc.search.search("y mek e nuol") if h.kind == "person"] == ["Y Mek Ê Nuôl"]
        assert svc.admin.check().ok
    finally:
        moved.close()
    assert paths.data_dir() == target
