"""End to end, in the real main window: a household with its members -> a visit -> it shows in the list
(last visit) and in the household's history, and the status bar counts the changes waiting to sync."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database
from dlso_desktop.text import format_date_vn
from ui import visit_flow
from ui.app_context import AppContext
from ui.household_form import MemberDialog
from ui.households import HouseholdsPage
from ui.main_window import MainWindow
from ui.qt import Qt, QtWidgets
from ui.settings import Settings
from ui.tasks import Tasks


@pytest.fixture
def window(qtbot: QtBot, db: Database, user_id: str, tmp_path: Path) -> Iterator[MainWindow]:
    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    ctx = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    yield win
    ctx.tasks.wait()


def test_household_then_visit_shows_in_list_and_history(
    qtbot: QtBot, window: MainWindow, village: VillageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.No)
    ctx = window.ctx
    assert ctx is not None
    svc = ctx.services
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Ctrl+2: households
    page = window.current_page()
    assert isinstance(page, HouseholdsPage)
    qtbot.waitUntil(lambda: not page.loading)

    # a new household with two members, through the form
    page.new_item()
    form = page.form
    assert form is not None
    qtbot.waitUntil(lambda: form.is_ready)
    form.village_combo.setCurrentIndex(form.village_combo.findData(village.id))
    form.address_edit.setText("Số 42, đường Y Ngông")
    members = iter(
        [
            {"name": "Y Mek Ê Nuôl", "relationship": "head", "sex": "male", "birth": "05/02/1975"},
            {"name": "H’Lan Niê", "relationship": "spouse", "sex": "female", "birth": "12/10/1980"},
        ]
    )

    def fill(dialog: MemberDialog) -> int:
        m = next(members)
        dialog.name_edit.setText(m["name"])
        dialog.relationship_combo.setCurrentIndex(dialog.relationship_combo.findData(m["relationship"]))
        dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData(m["sex"]))
        QTest.keyClicks(dialog.birth_date_edit, m["birth"])
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(MemberDialog, "exec", fill)
    form.add_member()
    form.add_member()
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    [household_id] = page.model.ids()
    assert page.model.index(0, 4).data() == "—"  # not visited yet
    pending = svc.admin.pending_changes()  # user, village, household and its 2 members wait to sync
    assert pending == 5
    qtbot.waitUntil(lambda: str(pending) in window.pending_label.text())

    # record a visit from the list
    opened: list[Any] = []
    real_open = visit_flow.open_visit

    def capture(*args: Any, **kwargs: Any) -> Any:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(visit_flow, "open_visit", capture)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.visit_button.isEnabled())
    page.visit_button.click()
    assert opened, "the Record visit button opened no flow"
    flow = opened[0]
    qtbot.addWidget(flow)
    qtbot.waitUntil(lambda: flow.is_loaded)
    flow.next_button.click()  # household -> status
    head = next(r for r in flow.rows if r.person.full_name == "Y Mek Ê Nuôl")
    head.checks["has_smartphone"].setChecked(True)
    flow.next_button.click()  # -> done during the visit
    flow.done_boxes["install_vneid"].setChecked(True)
    flow.next_button.click()  # -> follow-ups
    flow.next_button.click()  # -> consent
    assert not flow.consent_box.isChecked() and not flow.save_button.isEnabled()
    flow.consent_box.setChecked(True)
    with qtbot.waitSignal(flow.saved, timeout=10_000):
        flow.save_button.click()

    # the list shows the visit, the history has it, the person's status changed
    today = format_date_vn(date.today())
    qtbot.waitUntil(lambda: page.model.index(0, 4).data() == today, timeout=10_000)
    [visit] = svc.visits.history(household_id)
    assert {a.code for a in visit.actions} == {"install_vneid"}
    detail = svc.households.get(household_id)
    assert next(m for m in detail.members if m.full_name == "Y Mek Ê Nuôl").has_smartphone is True
    assert detail.household.last_visit_at is not None
