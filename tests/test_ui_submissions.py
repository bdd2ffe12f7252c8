"""The online public services screen: record a submission, change its status, filter the list."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.people import PersonInput
from dlso_desktop.text import format_date_vn
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.qt import QtCore
from ui.settings import LANGUAGE
from ui.submissions import SubmissionModel, SubmissionsPage


@pytest.fixture
def page(ctx: AppContext, qtbot: QtBot) -> Iterator[SubmissionsPage]:
    install_language("en")
    ctx.settings.set(LANGUAGE, "en")
    p = SubmissionsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    p.show()
    p.activate()
    qtbot.waitUntil(lambda: p.busy == 0 and p.procedure_combo.count() > 0)
    yield p
    qtbot.waitUntil(lambda: p.busy == 0)
    install_language("vi")


def _idle(qtbot: QtBot, page: SubmissionsPage) -> None:
    qtbot.waitUntil(lambda: page.busy == 0 and not page.picker.saving)


def _choose_person(qtbot: QtBot, page: SubmissionsPage, typed: str, expected: str) -> None:
    page.picker.search_box.setText(typed)
    qtbot.waitUntil(lambda: any(h.title == expected for h in page.picker.last_results))
    page.picker.results.setCurrentRow(next(i for i, h in enumerate(page.picker.last_results) if h.title == expected))
    page.picker.choose_button.click()
    assert page.person_label.property("person_name") == expected


def _fill(qtbot: QtBot, page: SubmissionsPage, services: Services) -> None:
    services.persons.create(PersonInput(full_name="Trần Văn Bình", birth_year=1960))
    page.procedure_filter.setText("tam tru")  # accents optional
    names = [page.procedure_combo.itemText(i) for i in range(page.procedure_combo.count())]
    assert "Đăng ký tạm trú" in names and "Gia hạn tạm trú" in names
    assert len(names) < len(page.procedures)
    page.procedure_combo.setCurrentIndex(names.index("Đăng ký tạm trú"))
    _choose_person(qtbot, page, "tran van binh", "Trần Văn Bình")
    page.portal_combo.setCurrentIndex(page.portal_combo.findData("dvc_quoc_gia"))
    page.dossier_edit.setText("g22.123-250101-0001")
    page.status_combo.setCurrentIndex(page.status_combo.findData("submitted"))
    assert page.full_online_check.isEnabled()
    page.full_online_check.setChecked(True)
    page.fee_check.setChecked(True)
    page.minutes_spin.setValue(25)


def test_record_change_status_and_filter(
    page: SubmissionsPage, services: Services, qtbot: QtBot, qtmodeltester: object
) -> None:
    _fill(qtbot, page, services)
    page.save_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    _idle(qtbot, page)
    [saved] = services.submissions.find()
    assert (saved.procedure_name, saved.person_name, saved.portal) == (
        "Đăng ký tạm trú",
        "Trần Văn Bình",
        "dvc_quoc_gia",
    )
    assert (saved.dossier_code, saved.status, saved.full_online) == ("G22.123-250101-0001", "submitted", True)
    assert (saved.fee_paid_online, saved.minutes_spent, saved.submitted_on) == (True, 25, date.today())
    m = page.model
    assert [m.data(m.index(0, c)) for c in range(6)] == [
        format_date_vn(date.today()),
        "Đăng ký tạm trú",
        "Trần Văn Bình",
        "National Public Service Portal",
        "G22.123-250101-0001",
        "Submitted",
    ]
    assert m.data(m.index(0, SubmissionModel.FULL_ONLINE), QtCore.Qt.ItemDataRole.CheckStateRole) == (
        QtCore.Qt.CheckState.Checked
    )
    qtmodeltester.check(m)  # type: ignore[attr-defined]

    # a procedure that cannot be done fully online disables the check box
    page.procedure_filter.setText("can cuoc")
    assert page.procedure_combo.currentText() == "Cấp đổi thẻ căn cước"
    assert not page.full_online_check.isEnabled()

    # change the status to completed
    page.view.selectRow(0)
    page.new_status_combo.setCurrentIndex(page.new_status_combo.findData("completed"))
    page.status_note_edit.setText("Đã nhận kết quả")
    page.update_status_button.click()
    qtbot.waitUntil(lambda: page.busy == 0 and page.model.rows[0].status == "completed")
    assert services.submissions.get(saved.id).status == "completed"

    # the status filter
    page.filter_status.setCurrentIndex(page.filter_status.findData("completed"))
    _idle(qtbot, page)
    assert [r.id for r in page.model.rows] == [saved.id]
    page.filter_status.setCurrentIndex(page.filter_status.findData("prepared"))
    _idle(qtbot, page)
    assert page.model.rows == []
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]

    # the date range (dd/mm/yyyy)
    page.filter_status.setCurrentIndex(0)
    tomorrow = date.today() + timedelta(days=1)
    page.from_edit.setText(format_date_vn(tomorrow))
    page.reload_list()
    _idle(qtbot, page)
    assert page.model.rows == []
    page.from_edit.setText(format_date_vn(date.today() - timedelta(days=3)))
    page.to_edit.setText(format_date_vn(date.today()))
    page.reload_list()
    _idle(qtbot, page)
    assert [r.id for r in page.model.rows] == [saved.id]
    page.to_edit.setText("31/02")
    page.reload_list()
    assert page.filter_error.isVisibleTo(page)


def test_future_date_refused_in_vietnamese(page: SubmissionsPage, services: Services, qtbot: QtBot) -> None:
    page.ctx.settings.set(LANGUAGE, "vi")
    _fill(qtbot, page, services)
    future = date.today() + timedelta(days=2)
    page.date_edit.setDate(QtCore.QDate(future.year, future.month, future.day))
    page.save_button.click()
    widget, label = page.errors.fields["submitted_on"]
    assert widget is page.date_edit
    qtbot.waitUntil(lambda: label.isVisibleTo(page))
    _idle(qtbot, page)
    assert label.text() == "Ngày không được ở tương lai."
    assert services.submissions.find() == []
    # everything typed is kept
    assert page.dossier_edit.text() == "g22.123-250101-0001"
    assert page.person_id is not None


def test_missing_person_is_refused_inline(page: SubmissionsPage, qtbot: QtBot) -> None:
    page.save_button.click()
    _idle(qtbot, page)
    assert page.errors.fields["person_id"][1].isVisibleTo(page)


def test_draft_is_kept_and_restored(page: SubmissionsPage, services: Services, qtbot: QtBot) -> None:
    _fill(qtbot, page, services)
    page.notes_edit.setText("Hướng dẫn tại nhà")
    page.draft.save_now()
    qtbot.waitUntil(lambda: page.draft.saved)
    assert page.has_unsaved_changes()

    again = SubmissionsPage(page.ctx)
    qtbot.addWidget(again)
    again.show()
    again.activate()
    qtbot.waitUntil(lambda: again.busy == 0 and again.draft.isVisibleTo(again))
    again.draft.restore_button.click()
    assert again.procedure_combo.currentText() == "Đăng ký tạm trú"
    assert again.person_label.property("person_name") == "Trần Văn Bình"
    assert (again.dossier_edit.text(), again.notes_edit.text()) == ("g22.123-250101-0001", "Hướng dẫn tại nhà")
    assert again.status_combo.currentData() == "submitted" and again.full_online_check.isChecked()

    # saving the restored form discards the draft
    again.save_button.click()
    qtbot.waitUntil(lambda: again.busy == 0 and again.model.rowCount() == 1)
    page.ctx.tasks.wait()
    assert services.drafts.keys() == []
    assert [s.notes for s in services.submissions.find()] == ["Hướng dẫn tại nhà"]
