"""End to end, in the real main window: a household with its members -> a visit -> it shows in the list
(last visit) and in the household's history, and the status bar counts the changes waiting to sync; and the
whole first-user journey from an empty data folder (first run as ``main.py`` runs it)."""

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from dlso_desktop import paths
from dlso_desktop.services import Services
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database, create_encrypted_database, database_state, setting_up_path
from dlso_desktop.text import format_date_vn
from ui import visit_flow
from ui.app_context import AppContext
from ui.first_run import CommunePicker, FirstUserDialog, RecoveryKeyDialog, VillagesDialog, run_first_run
from ui.household_form import MemberDialog
from ui.households import HouseholdsPage
from ui.main_window import MainWindow
from ui.qt import QApplication, Qt, QtCore, QtWidgets
from ui.settings import LAST_USER, Settings
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


MEMBERS = [
    {"name": "Y Mek Ê Nuôl", "relationship": "head", "sex": "male", "birth": "05/02/1975"},
    {"name": "H’Lan Niê", "relationship": "spouse", "sex": "female", "birth": "12/10/1980"},
]


def create_household(
    qtbot: QtBot,
    page: HouseholdsPage,
    village_id: str,
    address: str,
    members: list[dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """New household through the form (Ctrl+N's form), its members through the member dialog; its id."""
    before = set(page.model.ids())
    page.new_item()
    form = page.form
    assert form is not None
    qtbot.waitUntil(lambda: form.is_ready)
    form.village_combo.setCurrentIndex(form.village_combo.findData(village_id))
    form.address_edit.setText(address)
    queue = iter(members)

    def fill(dialog: MemberDialog) -> int:
        m = next(queue)
        dialog.name_edit.setText(m["name"])
        dialog.relationship_combo.setCurrentIndex(dialog.relationship_combo.findData(m["relationship"]))
        dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData(m["sex"]))
        QTest.keyClicks(dialog.birth_date_edit, m["birth"])
        dialog.accept()
        return int(dialog.result())

    with monkeypatch.context() as mp:
        mp.setattr(MemberDialog, "exec", fill)
        for _ in members:
            form.add_member()
    assert form.members_table.rowCount() == len(members)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save_button.click()
    qtbot.waitUntil(lambda: len(set(page.model.ids()) - before) == 1, timeout=10_000)
    [household_id] = set(page.model.ids()) - before
    return household_id


def record_visit(
    qtbot: QtBot, page: HouseholdsPage, household_id: str, monkeypatch: pytest.MonkeyPatch
) -> visit_flow.VisitFlow:
    """Select the household in the list, press "Record visit", walk the flow and save it (with consent)."""
    opened: list[visit_flow.VisitFlow] = []
    real_open = visit_flow.open_visit

    def capture(*args: Any, **kwargs: Any) -> visit_flow.VisitFlow:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(visit_flow, "open_visit", capture)
    page.table.selectRow(page.model.ids().index(household_id))
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
    return flow


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
    household_id = create_household(qtbot, page, village.id, "Số 42, đường Y Ngông", MEMBERS, monkeypatch)
    assert page.model.ids() == [household_id]
    qtbot.waitUntil(lambda: page.model.index(0, 4).data() == "—")  # not visited yet
    pending = svc.admin.pending_changes()  # user, village, household and its 2 members wait to sync
    assert pending == 5
    qtbot.waitUntil(lambda: str(pending) in window.pending_label.text())

    # record a visit from the list
    record_visit(qtbot, page, household_id, monkeypatch)

    # the list shows the visit, the history has it, the person's status changed
    today = format_date_vn(date.today())
    qtbot.waitUntil(lambda: page.model.index(0, 4).data() == today, timeout=10_000)
    [visit] = svc.visits.history(household_id)
    assert {a.code for a in visit.actions} == {"install_vneid"}
    detail = svc.households.get(household_id)
    assert next(m for m in detail.members if m.full_name == "Y Mek Ê Nuôl").has_smartphone is True
    assert detail.household.last_visit_at is not None


class ModalDriver:
    """Answers the modal dialogs of a flow as a person would, in the expected order: a timer looks at the
    active modal dialog while its own event loop runs (``exec``) and hands it to the next step's handler."""

    def __init__(self, steps: list[tuple[type[QtWidgets.QDialog], Callable[[Any], None]]]) -> None:
        self.steps = list(steps)
        self.seen: list[str] = []
        self.waited = 0
        self.timer = QtCore.QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        if not self.steps:
            self.timer.stop()
            return
        dialog = QApplication.activeModalWidget()
        kind, handler = self.steps[0]
        if isinstance(dialog, kind) and dialog.isVisible():
            self.steps.pop(0)
            self.seen.append(kind.__name__)
            self.waited = 0
            handler(dialog)
            return
        self.waited += 1
        if self.waited > 500 and isinstance(dialog, QtWidgets.QDialog):  # ~10 s: fail the test, never hang it
            self.steps.clear()
            dialog.reject()


def test_a_first_run_cancelled_at_the_first_user_leaves_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    def pick_commune(picker: CommunePicker) -> None:
        codes = [picker.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(picker.list.count())]
        picker.list.setCurrentRow(codes.index(24133))
        picker.accept()

    driver = ModalDriver([(CommunePicker, pick_commune), (FirstUserDialog, lambda d: d.reject())])
    assert run_first_run(data_dir, Settings(data_dir)) is None
    assert driver.seen == ["CommunePicker", "FirstUserDialog"]
    assert [p.name for p in data_dir.iterdir() if p.name.startswith("dlso.sqlite")] == []
    assert database_state(paths.database_path(data_dir)) == "missing"  # the next start is a first run again


def test_first_user_journey_from_an_empty_data_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First start on an empty folder: commune -> villages -> first user (-> no demo data); then a household with
    members, a visit, and the household shows as visited in the list and in its visit history."""
    monkeypatch.setenv("DLSO_DATA_DIR", str(tmp_path / "empty data folder"))
    data_dir = paths.data_dir()  # as main.py picks it
    settings = Settings(data_dir)
    assert not paths.database_path(data_dir).exists()  # so main.py starts the first run
    # what a first run killed before its first user existed leaves behind: nobody could open it, and it is not
    # where the database goes, so this start is a first run again and the leftover is cleared
    leftover = setting_up_path(paths.database_path(data_dir))
    create_encrypted_database(leftover, 24133).close()
    assert database_state(paths.database_path(data_dir)) == "missing"
    window = MainWindow()  # shown before the data layer, as main.py does
    qtbot.addWidget(window)
    window.show()

    def pick_commune(picker: CommunePicker) -> None:
        QTest.keyClicks(picker.filter, "buon ma thuot")  # no accents
        codes = [picker.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(picker.list.count())]
        assert 24133 in codes, codes
        picker.list.setCurrentRow(codes.index(24133))
        picker.accept()

    def first_user(dialog: FirstUserDialog) -> None:
        assert not paths.database_path(data_dir).exists()  # made beside its place until the first user exists
        dialog.name.setText("Nguyễn Thị Lan")
        dialog.pin.setText("246810")
        dialog.accept()

    def written_down(dialog: RecoveryKeyDialog) -> None:
        dialog.written.setChecked(True)
        dialog.accept()

    def villages(dialog: VillagesDialog) -> None:
        for name in ("Buôn Ko Tam", "Thôn 3"):
            dialog.name.setText(name)
            dialog.add.click()
        assert dialog.list.count() == 2, dialog.error.text()
        dialog.accept()

    def no_demo_data(box: QtWidgets.QMessageBox) -> None:
        button = box.button(QtWidgets.QMessageBox.StandardButton.No)
        assert button is not None
        button.click()

    driver = ModalDriver(
        [
            (CommunePicker, pick_commune),
            (FirstUserDialog, first_user),
            (RecoveryKeyDialog, written_down),
            (VillagesDialog, villages),
            (QtWidgets.QMessageBox, no_demo_data),
        ]
    )
    started = run_first_run(data_dir, settings)
    assert started is not None, f"first run cancelled after {driver.seen}"
    assert driver.seen == ["CommunePicker", "FirstUserDialog", "RecoveryKeyDialog", "VillagesDialog", "QMessageBox"]
    assert [p.name for p in data_dir.iterdir() if ".new" in p.name] == []  # the leftover is gone too
    assert {"dlso.sqlite", "dlso.sqlite.keys.json"} <= {p.name for p in data_dir.iterdir()}
    db, user = started
    try:
        assert paths.database_path(data_dir).exists() and db.commune_code == 24133
        assert user.display_name == "Nguyễn Thị Lan" and user.role == "commune_operator"  # the laptop's first user
        assert settings.get(LAST_USER) == user.id  # the next start offers this user at sign-in
        ctx = AppContext(db, user, Tasks(), settings, data_dir)
        window.attach(ctx)
        assert "Buôn Ma Thuột" in window.windowTitle()
        assert "Nguyễn Thị Lan" in window.user_label.text()

        monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.No)
        window.nav.setCurrentRow(1)
        page = window.current_page()
        assert isinstance(page, HouseholdsPage)
        qtbot.waitUntil(lambda: not page.loading and page.village_combo.count() == 3)  # "all" + 2 villages
        village_id = next(v.id for v in ctx.services.villages.list_all() if v.name == "Buôn Ko Tam")
        household_id = create_household(qtbot, page, village_id, "Số 42, đường Y Ngông", MEMBERS, monkeypatch)
        qtbot.waitUntil(lambda: page.model.index(0, 4).data() == "—")
        page.not_visited.setChecked(True)  # the "not visited yet" filter lists it...
        qtbot.waitUntil(lambda: not page.loading and page.model.ids() == [household_id])

        flow = record_visit(qtbot, page, household_id, monkeypatch)
        qtbot.waitUntil(lambda: not page.loading and page.model.ids() == [], timeout=10_000)  # ...not any more
        page.not_visited.setChecked(False)
        today = format_date_vn(date.today())
        qtbot.waitUntil(lambda: page.model.ids() == [household_id] and page.model.index(0, 4).data() == today)

        # the visit is in the household's history ("Record visit" again -> "Earlier visits…")
        assert not flow.isVisible()
        page.table.selectRow(0)
        qtbot.waitUntil(lambda: page.visit_button.isEnabled())
        page.visit_button.click()
        again = next(f for f in page.findChildren(visit_flow.VisitFlow) if f.isVisible())
        qtbot.waitUntil(lambda: again.is_loaded)
        again.history_button.click()
        history = next(w for w in again.findChildren(visit_flow.VisitHistory))
        qtbot.addWidget(history)
        qtbot.waitUntil(lambda: history.tree.topLevelItemCount() == 1)
        item = history.tree.topLevelItem(0)
        assert item is not None
        assert item.text(0) == today and item.text(1) == "Nguyễn Thị Lan"
        assert "Y Mek Ê Nuôl" in item.text(2) and "Lan Niê" in item.text(2)
        history.accept()
        again.reject()
        qtbot.waitUntil(lambda: not page.loading)  # the refreshes the visit started have arrived
    finally:
        window.close()
        if window.ctx is not None:
            window.ctx.tasks.wait()
        QApplication.processEvents()
        db.close()
