"""The Users screen (issue 6): the operator manages users and their keystore entries; other roles only change
their own PIN; pages can be limited to a role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import ui.main_window as main_window
from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.keystore import Keystore, keystore_path
from dlso_desktop.storage.store import Database, create_encrypted_database, unlock_with_pin
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.qt import QApplication, QtWidgets
from ui.settings import LANGUAGE, Settings
from ui.tasks import Tasks
from ui.users_page import UsersPage

COMMUNE = 24133


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)


@pytest.fixture
def laptop(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[Database, UserView, UserView]]:
    install_language("en", qapp)
    db = create_encrypted_database(tmp_path / "dlso.sqlite", COMMUNE)
    op = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
    member = Services(db, user_id=op.id).users.create("Y Mek Ê Nuôl", "team_member", "135790")
    yield db, op, member
    db.close()


def open_page(qtbot: QtBot, db: Database, user: UserView, tmp_path: Path) -> tuple[MainWindow, UsersPage]:
    ctx = AppContext(db, user, Tasks(), Settings(tmp_path / "ui"), tmp_path / "ui")
    ctx.settings.set(LANGUAGE, "en")
    window = MainWindow(ctx, lock_after_ms=None)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.keys.index("users"))
    page = window.page("users")
    assert isinstance(page, UsersPage)
    return window, page


def wait_idle(qtbot: QtBot, page: UsersPage) -> None:
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    page.ctx.tasks.wait()
    QApplication.processEvents()


def cell(page: UsersPage, name: str, col: int) -> str:
    for row in range(page.table.rowCount()):
        first, wanted = page.table.item(row, 0), page.table.item(row, col)
        if first is not None and wanted is not None and first.text() == name:
            return wanted.text()
    raise AssertionError(f"{name} not listed")


def test_operator_manages_users_and_their_keystore_entries(
    qtbot: QtBot, laptop: tuple[Database, UserView, UserView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, op, member = laptop
    window, page = open_page(qtbot, db, op, tmp_path)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2)
    assert page.add_button.isVisible() and page.table.isVisible()
    assert cell(page, "Y Mek Ê Nuôl", 1) == "Team member" and cell(page, "Y Mek Ê Nuôl", 3) == "Yes"

    page.add_user("Trần Văn Bình", "team_head", "1234")  # too short: refused, nothing written
    wait_idle(qtbot, page)
    assert "6" in page.status.text() and len(Services(db).users.list_all()) == 3 - 1
    page.add_user("Trần Văn Bình", "team_head", "555666")
    wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3)
    binh = next(u for u in Services(db).users.list_all() if u.display_name == "Trần Văn Bình")
    assert binh.role == "team_head" and cell(page, "Trần Văn Bình", 3) == "Yes"

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    page.select(member.id)
    page._toggle_active()  # deactivate, confirmed: the member's PIN no longer opens the data
    wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: cell(page, "Y Mek Ê Nuôl", 2) == "No")
    assert member.id not in {u.user_id for u in Keystore.load(keystore_path(db.path)).users()}
    page.select(member.id)
    page._toggle_active()  # reactivated: listed as needing a new PIN
    wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: cell(page, "Y Mek Ê Nuôl", 3) == "No: needs a new PIN")
    assert [u.user_id for u in Keystore.load(keystore_path(db.path)).pending_users()] == [member.id]
    page.reset_pin(member.id, "777888")  # with the user present
    wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: cell(page, "Y Mek Ê Nuôl", 3) == "Yes")
    unlock_with_pin(db.path, member.id, "777888").close()

    page.select(op.id)
    page._ask_delete()  # the last operator: the service refuses, with a message
    wait_idle(qtbot, page)
    assert "commune operator" in page.status.text() or "cán bộ xã" in page.status.text()
    page.delete_user(binh.id)
    wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2)
    assert binh.id not in {u.user_id for u in Keystore.load(keystore_path(db.path)).users()}
    window.close()


def test_a_team_member_only_changes_their_own_pin(
    qtbot: QtBot, laptop: tuple[Database, UserView, UserView], tmp_path: Path
) -> None:
    db, _, member = laptop
    window, page = open_page(qtbot, db, member, tmp_path)
    assert not page.table.isVisible() and not page.add_button.isVisible() and page.own_pin_button.isVisible()
    page.change_own_pin("000000", "999000")  # the current PIN is wrong: nothing changes
    wait_idle(qtbot, page)
    assert "Wrong PIN" in page.status.text() or "không đúng" in page.status.text()
    page.change_own_pin("135790", "999000")
    wait_idle(qtbot, page)
    unlock_with_pin(db.path, member.id, "999000").close()
    window.close()


def test_pages_can_be_limited_to_a_role(
    qtbot: QtBot, laptop: tuple[Database, UserView, UserView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, op, member = laptop
    monkeypatch.setitem(main_window.PAGE_MIN_ROLE, "certificates", "commune_operator")
    window, _ = open_page(qtbot, db, member, tmp_path)
    assert "certificates" not in window.keys and "audit" not in window.keys
    assert window.nav.count() == len(main_window.visible_pages("team_member")) == len(main_window.PAGES) - 2
    window.close()
    window, _ = open_page(qtbot, db, op, tmp_path)
    assert "certificates" in window.keys and "audit" in window.keys
    assert window.nav.count() == len(main_window.PAGES)
    window.close()
