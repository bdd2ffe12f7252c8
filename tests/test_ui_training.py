"""The training screen: a session created via the form, its roster (search + walk-in), results, the summary."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.training import SessionInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.text import format_date_vn
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.qt import Qt, QtCore
from ui.settings import LANGUAGE
from ui.training import RosterModel, SessionModel, TrainingPage


@pytest.fixture
def page(ctx: AppContext, qtbot: QtBot) -> Iterator[TrainingPage]:
    install_language("en")
    ctx.settings.set(LANGUAGE, "en")
    p = TrainingPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    p.show()
    p.activate()
    qtbot.waitUntil(lambda: p.busy == 0 and p.course_combo.count() > 0)
    yield p
    qtbot.waitUntil(lambda: p.busy == 0)
    install_language("vi")


def _idle(qtbot: QtBot, page: TrainingPage) -> None:
    qtbot.waitUntil(lambda: page.busy == 0 and not page.picker.saving)


def _pick_by_search(qtbot: QtBot, page: TrainingPage, typed: str, expected: str) -> None:
    page.picker.search_box.setText(typed)
    qtbot.waitUntil(lambda: any(h.title == expected for h in page.picker.last_results))
    row = next(i for i, h in enumerate(page.picker.last_results) if h.title == expected)
    page.picker.results.setCurrentRow(row)
    before = len(page.roster_model.rows)
    page.picker.choose_button.click()
    qtbot.waitUntil(lambda: len(page.roster_model.rows) == before + 1)
    _idle(qtbot, page)


def test_session_roster_and_results(
    page: TrainingPage, services: Services, village: VillageView, qtbot: QtBot, qtmodeltester: object
) -> None:
    hoa = services.persons.create(PersonInput(full_name="Nguyễn Thị Hoa", sex="female", birth_year=1985))
    mek = services.persons.create(PersonInput(full_name="Y Mek Ê Nuôl", sex="male", birth_year=1970))
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.village_combo.count() == 2)

    # the form: an empty place is refused inline, then the session is saved
    page.new_item()
    page.trainer_edit.setText("Nguyễn Thị Lan")
    page.village_combo.setCurrentIndex(page.village_combo.findData(village.id))
    page.save_button.click()
    place_error = page.errors.fields["place"][1]
    qtbot.waitUntil(lambda: page.busy == 0 and place_error.isVisibleTo(page))
    assert place_error.text()
    page.place_edit.setText("Nhà văn hóa Buôn Kô Tam")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.current_id is not None and page.session_model.rowCount() == 1)
    _idle(qtbot, page)
    assert not place_error.isVisibleTo(page)
    sessions = services.training.sessions()
    assert [s.place for s in sessions] == ["Nhà văn hóa Buôn Kô Tam"]
    assert sessions[0].village_id == village.id
    assert page.current_id == sessions[0].id
    assert page.modules_label.text().startswith("Modules: ")

    # the roster: two found by typing without accents, one walk-in
    _pick_by_search(qtbot, page, "nguyen thi hoa", "Nguyễn Thị Hoa")
    _pick_by_search(qtbot, page, "y mek e nuol", "Y Mek Ê Nuôl")
    page.picker.walk_in_button.setChecked(True)
    page.picker.name_edit.setText("H'Hen Niê")
    page.picker.sex_combo.setCurrentIndex(page.picker.sex_combo.findData("female"))
    page.picker.birth_year.setValue(1999)
    page.picker.phone_edit.setText("0912345678")
    page.picker.save_walk_in_button.click()
    qtbot.waitUntil(lambda: len(page.roster_model.rows) == 3)
    _idle(qtbot, page)
    assert page.summary_label.text().startswith("3 present · 0 passed")

    # results: Hoa and the walk-in pass, Y Mek not yet
    names = [a.person_name for a in page.roster_model.rows]
    for name, result in (("Nguyễn Thị Hoa", "passed"), ("H'Hen Niê", "passed"), ("Y Mek Ê Nuôl", "not_yet")):
        index = page.roster_model.index(names.index(name), RosterModel.RESULT)
        assert page.roster_model.setData(index, result, Qt.ItemDataRole.EditRole)
        _idle(qtbot, page)
    assert page.summary_label.text().startswith("3 present · 2 passed")
    qtmodeltester.check(page.roster_model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.session_model)  # type: ignore[attr-defined]

    roster = {a.person_name: a for a in services.training.roster(page.current_id or "")}
    assert set(roster) == {"Nguyễn Thị Hoa", "Y Mek Ê Nuôl", "H'Hen Niê"}
    assert all(a.present for a in roster.values())
    assert roster["Nguyễn Thị Hoa"].result == "passed" and roster["Nguyễn Thị Hoa"].person_id == hoa.id
    assert roster["Y Mek Ê Nuôl"].result == "not_yet" and roster["Y Mek Ê Nuôl"].person_id == mek.id
    assert roster["H'Hen Niê"].result == "passed"
    walk_in = services.persons.get(roster["H'Hen Niê"].person_id).person
    assert (walk_in.birth_year, walk_in.sex, walk_in.household_id) == (1999, "female", None)
    qtbot.waitUntil(lambda: page.session_model.rows[0].passed_count == 2)
    assert page.session_model.data(page.session_model.index(0, SessionModel.ATTENDEES)) == 3

    # absent, then removed from the roster
    row = [a.person_name for a in page.roster_model.rows].index("Y Mek Ê Nuôl")
    page.roster_model.setData(
        page.roster_model.index(row, RosterModel.PRESENT), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    _idle(qtbot, page)
    assert page.summary_label.text().startswith("2 present · 2 passed")
    page.roster_view.setCurrentIndex(page.roster_model.index(row, 0))
    assert page.roster_view.currentIndex().isValid(), "no current"
    assert page.remove_button.isEnabled(), "disabled"
    page.remove_button.click()
    qtbot.waitUntil(lambda: len(page.roster_model.rows) == 2 or bool(page.roster_error.text()))
    assert not page.roster_error.text()
    _idle(qtbot, page)
    assert {a.person_name for a in services.training.roster(page.current_id or "")} == {"Nguyễn Thị Hoa", "H'Hen Niê"}


def test_summary_in_vietnamese(page: TrainingPage, services: Services, qtbot: QtBot) -> None:
    session_course = page.course_combo.currentData()
    assert session_course
    page.place_edit.setText("Hội trường thôn")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.current_id is not None)
    _idle(qtbot, page)
    loaded = install_language("vi")
    if not any(p.name == "training_vi.qm" for p in loaded):
        pytest.fail("training_vi.qm is missing: make qm (make test builds it)")
    QtCore.QCoreApplication.processEvents()
    assert page.summary_label.text().startswith("0 có mặt · 0 đạt")
    assert page.tabs.tabText(1) == "Khóa học"
    page.sessions_total = 250  # more than the list shows: the heading says so, in Vietnamese
    page._show_count()
    assert page.sessions_heading.text() == "Các buổi học: 1 buổi mới nhất trong 250"


def test_courses_tab_lists_the_catalogue(page: TrainingPage, services: Services) -> None:
    text = page.course_text.toPlainText()
    for course in services.training.courses():
        assert course.name in text
        for module in course.modules:
            assert module in text


def test_date_filter_reaches_older_sessions(page: TrainingPage, services: Services, qtbot: QtBot) -> None:
    """The list shows the newest ``session_limit`` sessions and says so; typed dd/mm/yyyy dates reach older ones;
    a bad date shows the hint; an overtaken read never replaces a newer one's list."""
    course = services.training.courses()[0].id
    days = [date(2025, 3, 1) + timedelta(days=10 * i) for i in range(7)]  # 01/03/2025 .. 30/04/2025
    for d in days:
        services.training.create_session(SessionInput(course, d, f"Thôn {d.day:02d}/{d.month:02d}", "Lan"))
    page.session_limit = 3
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.session_model.rowCount() == 3)
    assert [s.session_date for s in page.session_model.rows] == days[:-4:-1]
    assert page.sessions_heading.text() == "Training sessions: the newest 3 of 7"
    assert "choose dates to see older ones" in page.sessions_heading.toolTip()

    # the oldest two, typed as Vietnamese dates (both ends included)
    page.from_edit.setText("01/03/2025")
    page.to_edit.setText(format_date_vn(days[1]))
    qtbot.waitUntil(lambda: page.busy == 0 and [s.session_date for s in page.session_model.rows] == days[1::-1])
    assert page.sessions_heading.text() == "Training sessions" and not page.sessions_heading.toolTip()
    assert not page.filter_error.isVisibleTo(page)

    # a date that is no date: the hint, the list stays
    page.to_edit.setText("31/02/2025")
    qtbot.waitUntil(lambda: page.filter_error.isVisibleTo(page))
    assert "dd/mm/yyyy" in page.filter_error.text()
    assert [s.session_date for s in page.session_model.rows] == days[1::-1]

    # only from: the newest 3 from that day on, cut again
    page.to_edit.clear()
    page.from_edit.setText(format_date_vn(days[2]))
    page.reload_sessions()
    qtbot.waitUntil(lambda: page.busy == 0 and not page._filter_timer.isActive())
    assert [s.session_date for s in page.session_model.rows] == days[:-4:-1]
    assert page.sessions_heading.text() == "Training sessions: the newest 3 of 5"

    # an answer overtaken by a newer read is dropped, even when it arrives last
    stale = page._sessions_seq
    page.from_edit.setText(format_date_vn(days[6]))
    page.reload_sessions()
    qtbot.waitUntil(lambda: page.busy == 0 and page.session_model.rowCount() == 1)
    page._start()
    page._sessions_loaded(stale, (services.training.sessions(), 7))
    assert [s.session_date for s in page.session_model.rows] == [days[6]]
    assert page.sessions_heading.text() == "Training sessions"
    qtbot.waitUntil(lambda: page.busy == 0)
