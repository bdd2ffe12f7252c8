"""The commune operator's "withdraw consent and erase data" on the households screen (issue 6): only the
operator sees it; the dialog shows what goes and what remains, needs a reason and the typed word XOÁ, and
erases through the write thread."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.models import Role
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database
from sync import erasure as E
from ui.app_context import AppContext
from ui.households import ErasureDialog, HouseholdsPage, confirmed
from ui.i18n import install_language
from ui.qt import QApplication
from ui.settings import LANGUAGE, Settings
from ui.tasks import Tasks

NAME = "Y Mek Ênuôl"


def _ctx(db: Database, user_id: str, tmp_path: Path, language: str) -> AppContext:
    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, language)
    return context


@pytest.fixture
def vi_ctx(db: Database, user_id: str, tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    install_language("vi", qapp)
    context = _ctx(db, user_id, tmp_path, "vi")
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def _household(services: Services, village: VillageView) -> tuple[str, str]:
    hh = services.households.create(
        HouseholdInput(
            village.id,
            address="Số 12",
            members=[
                PersonInput(NAME, sex="male", birth_date=date(1980, 5, 1), phone="0905123456", relationship="head"),
                PersonInput("H'Ngơ Byă", sex="female", birth_year=1984, relationship="spouse"),
            ],
        )
    )
    head = next(m.id for m in hh.members if m.relationship == "head")
    return hh.household.id, head


def test_the_confirmation_word() -> None:
    assert confirmed("XOÁ") and confirmed(" xoá ") and confirmed("XÓA") and confirmed("XOA\u0301")
    assert not confirmed("") and not confirmed("XOA") and not confirmed("xoá đi")


def test_the_operator_erases_a_person_in_vietnamese(
    qtbot: QtBot, vi_ctx: AppContext, services: Services, village: VillageView, tmp_path: Path
) -> None:
    household_id, head = _household(services, village)
    dialog = ErasureDialog(vi_ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.windowTitle() == "Rút đồng ý và xoá dữ liệu"
    assert dialog.person_combo.count() == 2
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(head))
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.person_id == head)
    text = dialog.preview_label.text()
    assert "Sẽ xoá:" in text and "Giữ lại dưới dạng số liệu ẩn danh:" in text
    assert "chủ hộ" in text
    # a reason and the word are both required
    assert not dialog.erase_button.isEnabled()
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("person_asked"))
    assert not dialog.erase_button.isEnabled()
    dialog.confirm_edit.setText("xoa")
    assert not dialog.erase_button.isEnabled()
    dialog.confirm_edit.setText("XOÁ")
    assert dialog.erase_button.isEnabled()
    if os.environ.get("DLSO_GRAB"):
        dialog.grab().save(str(Path(os.environ["DLSO_GRAB"]) / "erasure_dialog.png"))
    with qtbot.waitSignal(dialog.erased, timeout=10_000) as erased:
        dialog.erase_button.click()
    assert erased.args == [head]
    assert "Đã rút đồng ý và xoá dữ liệu" in dialog.message.text()
    assert not dialog.erase_button.isVisible()
    with services.ctx.db.reader() as conn:
        name, erased_at = conn.exec_driver_sql("SELECT full_name, erased_at FROM person WHERE id = ?", (head,)).one()
    assert name == E.PLACEHOLDER and erased_at


def test_a_refused_erasure_is_reported_and_changes_nothing(
    qtbot: QtBot, vi_ctx: AppContext, services: Services, village: VillageView
) -> None:
    household_id, head = _household(services, village)
    dialog = ErasureDialog(vi_ctx, household_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(head))
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.person_id == head)
    services.erasure.erase(head, "other")  # erased meanwhile (e.g. in another window)
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("other"))
    dialog.confirm_edit.setText("XOÁ")
    dialog.erase_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "Không xoá gì cả" in dialog.message.text()
    assert "đã được xoá trước đó" in dialog.message.text()


def test_only_the_operator_is_offered_the_erasure(
    qtbot: QtBot, db: Database, services: Services, village: VillageView, tmp_path: Path, qapp: QApplication
) -> None:
    install_language("en", qapp)
    _household(services, village)
    head_user = services.users.create("Tổ trưởng Hà", Role.TEAM_HEAD.value, "24681357")
    for user, offered in ((services.ctx.user_id, True), (head_user.id, False)):
        assert user is not None
        context = _ctx(db, user, tmp_path / user[:8], "en")
        page = HouseholdsPage(context)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda p=page: not p.loading)  # type: ignore[misc]
        assert page.may_erase is offered
        assert page.erase_action.isVisible() is offered
        context.tasks.wait()
