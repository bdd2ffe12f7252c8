"""The visit flow: a 4-person household recorded in few interactions, pre-fill, drafts, consent, translation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import UserView, VillageView
from dlso_desktop.services.visits import CONSENT_TEXT_VERSION
from dlso_desktop.storage.store import Database
from ui.app_context import AppContext
from ui.i18n import TRANSLATIONS_DIR, install_language
from ui.qt import QtCore, QtGui, QtWidgets
from ui.settings import Settings
from ui.tasks import Tasks
from ui.visit_flow import (
    STEP_CONSENT,
    STEP_DONE,
    STEP_FOLLOW_UP,
    STEP_STATUS,
    VisitFlow,
    VisitHistory,
    draft_key,
    open_history,
    open_visit,
)

Qt = QtCore.Qt


@pytest.fixture
def ctx(db: Database, user_id: str, tmp_path: Path) -> Iterator[AppContext]:
    user = UserView(user_id, "Nguyễn Thị Lan", "team_member", True)
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "settings"), tmp_path)
    try:
        yield context
    finally:
        context.tasks.wait()


@pytest.fixture
def household_id(services: Services, village: VillageView) -> str:
    detail = services.households.create(
        HouseholdInput(
            village_id=village.id,
            address="42 Y Ngông",
            members=[
                PersonInput(full_name="Y Mek Ê Nuôl", relationship="head", sex="male", birth_year=1970),
                PersonInput(full_name="H'Lan Niê", relationship="spouse", sex="female", birth_year=1974),
                PersonInput(full_name="Y Bhin Ê Nuôl", relationship="child", sex="male", birth_year=1998),
                PersonInput(full_name="H'Ngọc Ê Nuôl", relationship="child", sex="female", birth_year=2004),
            ],
        )
    )
    previous = {
        "Y Mek Ê Nuôl": {"vneid_level": "level1", "has_smartphone": True},
        "H'Lan Niê": {"vneid_level": "none", "has_smartphone": False},
        "Y Bhin Ê Nuôl": {"vneid_level": "level2", "has_smartphone": True, "has_bank_account": True},
        "H'Ngọc Ê Nuôl": {"vneid_level": "level2", "has_smartphone": True, "skills_confirmed": True},
    }
    for m in detail.members:
        services.persons.update_status(m.id, **previous[m.full_name])
    return detail.household.id


class Driver:
    """Drives the flow like a person would; every click, key press or typed text counts as one interaction."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.n = 0

    def click(self, widget: QtWidgets.QWidget) -> None:
        pos = (
            QtCore.QPoint(8, widget.height() // 2)
            if isinstance(widget, QtWidgets.QCheckBox)
            else widget.rect().center()
        )
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)  # type: ignore[no-untyped-call]
        self.n += 1

    def focus(self, widget: QtWidgets.QWidget) -> None:
        widget.setFocus()  # a click on the field
        self.n += 1

    def key(self, widget: QtWidgets.QWidget, key: Qt.Key) -> None:
        self.qtbot.keyClick(widget, key)  # type: ignore[no-untyped-call]
        self.n += 1

    def type(self, widget: QtWidgets.QWidget, text: str) -> None:
        # QTest.keyClicks only knows ASCII; Vietnamese is typed as key events that carry the text
        for ch in text:
            for kind in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.KeyRelease):
                event = QtGui.QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
                QtWidgets.QApplication.sendEvent(widget, event)
        self.n += 1


def open_loaded(qtbot: QtBot, ctx: AppContext, household_id: str) -> VisitFlow:
    flow = open_visit(ctx, household_id)
    qtbot.addWidget(flow)
    qtbot.waitUntil(lambda: flow.is_loaded)
    return flow


def row_of(flow: VisitFlow, name: str) -> int:
    return next(i for i, r in enumerate(flow.rows) if r.person.full_name == name)


def test_typical_visit_is_quick(qtbot: QtBot, ctx: AppContext, services: Services, household_id: str) -> None:
    flow = open_loaded(qtbot, ctx, household_id)
    d = Driver(qtbot)
    assert "Y Mek Ê Nuôl" in flow.summary.text() and "42 Y Ngông" in flow.summary.text()
    consent_started_unticked = not flow.consent_box.isChecked()

    d.click(flow.next_button)  # 1 → 2
    assert flow.step() == STEP_STATUS
    head, wife = flow.rows[row_of(flow, "Y Mek Ê Nuôl")], flow.rows[row_of(flow, "H'Lan Niê")]
    # pre-filled from each person's current status
    assert head.values()["vneid_level"] == "level1" and head.values()["has_smartphone"] is True
    assert flow.rows[row_of(flow, "Y Bhin Ê Nuôl")].values()["has_bank_account"] is True
    assert wife.values()["vneid_level"] == "none"
    d.focus(head.vneid)
    d.key(head.vneid, Qt.Key.Key_Down)  # level 1 → level 2 (activated with the team's help)
    d.click(wife.checks["has_smartphone"])
    d.click(wife.checks["has_daklak_app"])
    d.key(flow.focusWidget(), Qt.Key.Key_Return)  # Enter = Next
    assert flow.step() == STEP_DONE
    d.click(flow.done_boxes["activate_vneid_level2"])
    d.click(flow.done_boxes["install_daklak_app"])
    d.key(flow.focusWidget(), Qt.Key.Key_Return)
    assert flow.step() == STEP_FOLLOW_UP
    d.click(flow.follow_boxes["wants_training"])
    d.click(flow.notes)
    d.type(flow.notes, "Hẹn quay lại thứ Bảy")
    d.key(flow.notes, Qt.Key.Key_Return)  # Enter in the notes field = Next
    assert flow.step() == STEP_CONSENT
    save_disabled_before_consent = not flow.save_button.isEnabled()
    d.key(flow.consent_box, Qt.Key.Key_Space)  # Space ticks the consent box
    assert flow.save_button.isEnabled()
    with qtbot.waitSignal(flow.saved, timeout=10_000):
        d.key(flow.focusWidget(), Qt.Key.Key_Return)  # Enter = Save on the last step
    print(f"visit interactions: {d.n}")
    assert d.n <= 30
    assert consent_started_unticked and save_disabled_before_consent
    qtbot.waitUntil(lambda: not flow.isVisible())
    ctx.tasks.wait()

    [visit] = services.visits.history(household_id)
    assert visit.visitor_name == "Nguyễn Thị Lan"
    assert visit.consent_text_version == CONSENT_TEXT_VERSION
    assert visit.notes == "Hẹn quay lại thứ Bảy"
    assert {(a.kind, a.code) for a in visit.actions} == {
        ("done", "activate_vneid_level2"),
        ("done", "install_daklak_app"),
        ("follow_up", "wants_training"),
    }
    found = {f.person_name: f for f in visit.findings}
    assert len(found) == 4
    assert found["Y Mek Ê Nuôl"].vneid_level == "level2"
    assert found["H'Lan Niê"].has_smartphone is True and found["H'Lan Niê"].has_daklak_app is True
    members = {m.full_name: m for m in services.households.get(household_id).members}
    assert members["Y Mek Ê Nuôl"].vneid_level == "level2"
    assert members["H'Lan Niê"].has_daklak_app is True and members["H'Lan Niê"].has_smartphone is True
    assert members["Y Bhin Ê Nuôl"].has_bank_account is True  # unchanged values kept
    assert services.drafts.load(draft_key(household_id)) is None

    # reopening pre-fills from the saved status; consent is asked again
    again = open_loaded(qtbot, ctx, household_id)
    assert again.rows[row_of(again, "Y Mek Ê Nuôl")].values()["vneid_level"] == "level2"
    assert again.rows[row_of(again, "H'Lan Niê")].values()["has_daklak_app"] is True
    assert not again.consent_box.isChecked() and not again.draft_restored

    history = open_history(ctx, household_id)
    qtbot.addWidget(history)
    assert isinstance(history, VisitHistory)
    qtbot.waitUntil(lambda: history.tree.topLevelItemCount() == 1)
    item = history.tree.topLevelItem(0)
    assert item is not None
    assert item.text(0).count("/") == 2 and item.text(1) == "Nguyễn Thị Lan"
    assert "Y Mek Ê Nuôl" in item.text(2)
    assert "Đắk Lắk số" in item.text(3)
    again.reject()
    history.reject()


def test_draft_restored_after_closing(qtbot: QtBot, ctx: AppContext, services: Services, household_id: str) -> None:
    flow = open_loaded(qtbot, ctx, household_id)
    flow.go_next()
    wife = flow.rows[row_of(flow, "H'Lan Niê")]
    wife.checks["has_bank_account"].setChecked(True)
    flow.go_next()
    flow.done_boxes["open_ewallet"].setChecked(True)
    flow.go_next()
    flow.notes.setText("Hẹn thứ Bảy")
    flow.notes.textEdited.emit("Hẹn thứ Bảy")
    flow.go_next()
    flow.consent_box.setChecked(True)
    flow.reject()  # closed without saving
    ctx.tasks.wait()
    assert services.drafts.load(draft_key(household_id)) is not None
    assert services.visits.history(household_id) == []

    again = open_loaded(qtbot, ctx, household_id)
    assert again.draft_restored and again.draft_label.isVisibleTo(again)
    assert again.rows[row_of(again, "H'Lan Niê")].values()["has_bank_account"] is True
    assert again.done_boxes["open_ewallet"].isChecked()
    assert again.notes.text() == "Hẹn thứ Bảy"
    assert not again.consent_box.isChecked()  # consent is never restored
    again.reject()


def test_service_errors_show_in_red_on_their_step(qtbot: QtBot, ctx: AppContext, household_id: str) -> None:
    flow = open_loaded(qtbot, ctx, household_id)
    for _ in range(4):
        flow.go_next()
    assert not flow.save_button.isEnabled()
    flow.go_back()
    flow.save()  # bypasses the disabled button: the service still refuses a visit without consent
    qtbot.waitUntil(lambda: bool(flow.error_text(STEP_CONSENT)))
    assert flow.step() == STEP_CONSENT
    assert "đồng ý" in flow.error_text(STEP_CONSENT)  # Vietnamese (the default language)
    assert flow.focusWidget() is flow.consent_box
    flow.reject()


def test_flow_translates(qtbot: QtBot, ctx: AppContext, household_id: str) -> None:
    qm = TRANSLATIONS_DIR / "visit_flow_vi.qm"
    assert qm.exists(), "run `make qm` first"
    flow = open_loaded(qtbot, ctx, household_id)
    assert flow.next_button.text() == "&Next"
    try:
        install_language("vi")
        qtbot.waitUntil(lambda: flow.next_button.text() != "&Next")
        assert flow.next_button.text() == "&Tiếp"
        assert flow.consent_box.text().startswith("Hộ gia đình đồng ý")
        assert "Bước 1" in flow.step_label.text()
    finally:
        install_language("en")
    qtbot.waitUntil(lambda: flow.next_button.text() == "&Next")
    flow.reject()


def test_unknown_status_is_saved_as_unknown_and_keeps_known_values(
    qtbot: QtBot, ctx: AppContext, services: Services, household_id: str
) -> None:
    """A status nobody asked about stays unknown (None) on the finding — never "no" — and never overwrites what
    the person's record already knows."""
    flow = open_loaded(qtbot, ctx, household_id)
    flow.go_next()
    head = flow.rows[row_of(flow, "Y Mek Ê Nuôl")]
    son = flow.rows[row_of(flow, "Y Bhin Ê Nuôl")]
    # never asked: shown as "not asked", not as an unticked box
    assert head.checks["has_bank_account"].checkState() == Qt.CheckState.PartiallyChecked
    assert head.values()["has_bank_account"] is None and head.values()["has_daklak_app"] is None
    # the head's smartphone (known: yes) and VNeID level (known: level 1) are set back to "not asked"
    head.checks["has_smartphone"].setFocus()
    qtbot.keyClick(head.checks["has_smartphone"], Qt.Key.Key_Delete)  # type: ignore[no-untyped-call]
    assert head.checks["has_smartphone"].checkState() == Qt.CheckState.PartiallyChecked
    head.vneid.setCurrentIndex(0)
    assert head.vneid.currentIndex() == 0
    # one click on an unknown box answers "yes", a second "no"
    box = son.checks["has_digital_signature"]
    for expected in (True, False):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(8, box.height() // 2))  # type: ignore[no-untyped-call]
        assert son.values()["has_digital_signature"] is expected

    inp = flow.visit_input()  # the widgets -> service input mapping
    by_person = {f.person_id: f for f in inp.findings}
    assert by_person[head.person.id].has_smartphone is None
    assert by_person[head.person.id].vneid_level is None
    assert by_person[head.person.id].has_bank_account is None
    assert by_person[son.person.id].has_digital_signature is False

    for _ in range(3):
        flow.go_next()
    flow.consent_box.setChecked(True)
    with qtbot.waitSignal(flow.saved, timeout=10_000):
        flow.save_button.click()
    ctx.tasks.wait()

    [visit] = services.visits.history(household_id)
    found = {f.person_name: f for f in visit.findings}
    assert found["Y Mek Ê Nuôl"].has_smartphone is None
    assert found["Y Mek Ê Nuôl"].vneid_level is None
    assert found["Y Mek Ê Nuôl"].has_bank_account is None
    assert found["H'Lan Niê"].has_bank_account is None and found["H'Lan Niê"].has_smartphone is False
    assert found["Y Bhin Ê Nuôl"].has_digital_signature is False
    members = {m.full_name: m for m in services.households.get(household_id).members}
    assert members["Y Mek Ê Nuôl"].has_smartphone is True  # known values are not overwritten by "unknown"
    assert members["Y Mek Ê Nuôl"].vneid_level == "level1"
    assert members["Y Mek Ê Nuôl"].has_bank_account is None
    assert members["Y Bhin Ê Nuôl"].has_digital_signature is False

    # reopened: still unknown where nobody knows
    again = open_loaded(qtbot, ctx, household_id)
    assert again.rows[row_of(again, "Y Mek Ê Nuôl")].values()["has_bank_account"] is None
    assert again.rows[row_of(again, "Y Mek Ê Nuôl")].values()["has_smartphone"] is True
    again.reject()
