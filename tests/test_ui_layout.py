"""Readable at 1366x768 with the font at 125 %, in Vietnamese and in English, on every main screen and form: no
widget cut off (narrower or lower than it needs), none overlapping another, no form pane that needs horizontal
scrolling, no elided choice without a tooltip, and no dialog bigger than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage.store import Database
from ui.app_context import AppContext
from ui.household_form import HouseholdForm, MemberDialog
from ui.i18n import install_language
from ui.main_window import PAGES, MainWindow
from ui.qt import QApplication, QtCore, QtWidgets
from ui.settings import FONT_SCALE, LANGUAGE, Settings
from ui.settings_page import apply_font_scale
from ui.tasks import Tasks
from ui.visit_flow import VisitFlow

SCREEN = QtCore.QSize(1366, 768)
#: what a dialog may take of a 1366x768 screen: the window frame and the taskbar need the rest
USABLE = QtCore.QSize(1366, 768 - 40 - 30)

_TEXT_WIDGETS = (
    QtWidgets.QLabel,
    QtWidgets.QAbstractButton,
    QtWidgets.QLineEdit,
    QtWidgets.QComboBox,
    QtWidgets.QAbstractSpinBox,
    QtWidgets.QGroupBox,
)


def _name(w: QtWidgets.QWidget) -> str:
    text = ""
    if isinstance(w, QtWidgets.QLabel | QtWidgets.QAbstractButton):
        text = w.text()
    elif isinstance(w, QtWidgets.QGroupBox):
        text = w.title()
    elif isinstance(w, QtWidgets.QLineEdit):
        text = w.placeholderText()
    elif isinstance(w, QtWidgets.QComboBox):
        text = w.currentText()
    return f"{type(w).__name__}({text[:40]!r})"


def _inside_scroll_content(w: QtWidgets.QWidget) -> bool:
    """Parts of another widget, laid out by it: item views' editors and headers, a spin box's line edit."""
    if isinstance(w.parentWidget(), QtWidgets.QAbstractSpinBox | QtWidgets.QComboBox):
        return True
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QtWidgets.QAbstractScrollArea) and not isinstance(parent, QtWidgets.QScrollArea):
            return True  # item views' own widgets (editors, headers) are laid out by the view
        parent = parent.parentWidget()
    return False


def layout_problems(root: QtWidgets.QWidget) -> list[str]:
    """Every visible widget under ``root`` that is cut off or overlaps a sibling; scroll areas that scroll
    sideways."""
    problems: list[str] = []
    widgets = [w for w in root.findChildren(QtWidgets.QWidget) if w.isVisible() and not w.isWindow()]
    for w in widgets:
        if _inside_scroll_content(w):
            continue
        if isinstance(w, QtWidgets.QScrollArea) and w.horizontalScrollBar().maximum() > 0:
            problems.append(f"{_name(w)} scrolls sideways by {w.horizontalScrollBar().maximum()} px")
        if not isinstance(w, _TEXT_WIDGETS):
            continue
        hint = w.minimumSizeHint()
        if isinstance(w, QtWidgets.QLabel) and w.wordWrap():
            if w.hasHeightForWidth() and w.height() < w.heightForWidth(w.width()) - 1:
                problems.append(f"{_name(w)} cut off at the bottom: {w.height()} < {w.heightForWidth(w.width())}")
        elif w.width() < hint.width() - 1 or w.height() < hint.height() - 1:
            problems.append(f"{_name(w)} cut off: {w.width()}x{w.height()} < {hint.width()}x{hint.height()}")
        if isinstance(w, QtWidgets.QComboBox) and w.currentText():
            # a long entry may be elided (the list opens wider), but then a tooltip says it whole
            opt = QtWidgets.QStyleOptionComboBox()
            w.initStyleOption(opt)
            field = w.style().subControlRect(
                QtWidgets.QStyle.ComplexControl.CC_ComboBox, opt, QtWidgets.QStyle.SubControl.SC_ComboBoxEditField, w
            )
            tip = str(w.itemData(w.currentIndex(), QtCore.Qt.ItemDataRole.ToolTipRole) or "") + w.toolTip()
            if w.fontMetrics().horizontalAdvance(w.currentText()) > field.width() and w.currentText() not in tip:
                problems.append(f"{_name(w)} elided without a tooltip: {w.width()} px")
        if isinstance(w, QtWidgets.QLineEdit) and not w.text() and 0 < len(w.placeholderText()) <= 20:
            # a short placeholder is a format hint (dd/mm/yyyy): it must be read whole
            room = w.width() - 2 * 6 - (w.height() if w.isClearButtonEnabled() else 0)
            if w.fontMetrics().horizontalAdvance(w.placeholderText()) > room:
                problems.append(f"{_name(w)} placeholder cut off: {w.width()} px")
        parent = w.parentWidget()
        if parent is not None and not isinstance(parent, QtWidgets.QStackedWidget):
            outer = parent.rect()
            if not outer.contains(w.geometry()):
                problems.append(f"{_name(w)} sticks out of its parent: {w.geometry()} in {outer}")
    by_parent: dict[int, list[QtWidgets.QWidget]] = {}
    for w in widgets:
        if isinstance(w, _TEXT_WIDGETS) and not _inside_scroll_content(w) and w.parentWidget() is not None:
            by_parent.setdefault(id(w.parentWidget()), []).append(w)
    for siblings in by_parent.values():
        for i, a in enumerate(siblings):
            for b in siblings[i + 1 :]:
                if a.geometry().intersects(b.geometry()):
                    problems.append(f"{_name(a)} overlaps {_name(b)}")
    return problems


@pytest.fixture(params=["vi", "en"])
def big_font(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[str]:
    """The text at 125 % in the language of the test's parameter (the app's setting does this at start)."""
    original = qapp.font()
    install_language(str(request.param), qapp)
    apply_font_scale(125, 100)
    try:
        yield str(request.param)
    finally:
        qapp.setFont(original)
        install_language("en", qapp)


@pytest.fixture
def ctx(db: Database, user_id: str, tmp_path: Path, big_font: str) -> Iterator[AppContext]:
    svc = Services(db, user_id=user_id)
    village = svc.villages.create("Tổ dân phố số 11 phường Buôn Ma Thuột", "to_dan_pho")
    names = ["Nguyễn Thị Thanh Hương", "Y Mek Ê Nuôl", "H'Lan Niê", "Y Bhin Ê Nuôl", "H'Ngọc Ê Nuôl"]
    relationships = ["head", "spouse", "child", "child", "child"]
    svc.households.create(
        HouseholdInput(
            village_id=village.id,
            address="Số 128/45 hẻm 3, đường Y Ngông",
            members=[
                PersonInput(full_name=n, relationship=r, birth_year=1970 + 5 * i)
                for i, (n, r) in enumerate(zip(names, relationships, strict=True))
            ],
        )
    )
    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, big_font)
    context.settings.set(FONT_SCALE, 125)
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def _settle(ctx: AppContext) -> None:
    for _ in range(3):
        ctx.tasks.wait()
        QApplication.processEvents()


@pytest.mark.parametrize("key", [k for k, _, _ in PAGES])
def test_every_page_fits_1366x768_at_125_percent(qtbot: QtBot, ctx: AppContext, key: str) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow([k for k, _, _ in PAGES].index(key))
    _settle(ctx)
    page = window.page(key)
    assert page.isVisible()
    assert window.width() <= SCREEN.width() and window.minimumSizeHint().height() <= SCREEN.height(), (
        window.minimumSizeHint()
    )
    problems = layout_problems(page)
    assert not problems, f"{key} at 1366x768 / 125 %:\n" + "\n".join(problems)


def test_household_form_and_member_dialog_fit(qtbot: QtBot, ctx: AppContext) -> None:
    [household_id] = ctx.services.households.list_ids()
    form = HouseholdForm(ctx, household_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_ready)
    _settle(ctx)
    assert form.width() <= USABLE.width() and form.height() <= USABLE.height(), form.size()
    problems = layout_problems(form)
    dialog = MemberDialog(True, None, form)
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(ctx)
    assert dialog.width() <= USABLE.width() and dialog.height() <= USABLE.height(), dialog.size()
    problems += layout_problems(dialog)
    assert not problems, "\n".join(problems)
    dialog.reject()
    form.reject()


def test_visit_flow_fits_on_every_step(qtbot: QtBot, ctx: AppContext) -> None:
    [household_id] = ctx.services.households.list_ids()
    flow = VisitFlow(ctx, household_id)
    qtbot.addWidget(flow)
    flow.show()
    qtbot.waitUntil(lambda: flow.is_loaded)
    assert flow.width() <= USABLE.width() and flow.height() <= USABLE.height(), flow.size()
    problems: list[str] = []
    for step in range(flow.stack.count()):
        flow.stack.setCurrentIndex(step)
        _settle(ctx)
        problems += [f"step {step + 1}: {p}" for p in layout_problems(flow)]
    assert not problems, "\n".join(problems)
    flow.reject()
