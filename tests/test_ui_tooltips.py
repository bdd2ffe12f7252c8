"""Long names elided in list views (households, members, sessions, rosters, submissions, search results) show
their full text as a tooltip."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import AttendanceView, SessionView, SubmissionView
from dlso_desktop.storage.store import Database
from ui.app_context import AppContext
from ui.household_form import HouseholdForm
from ui.households import HouseholdsPage
from ui.i18n import install_language
from ui.overview import OverviewPage
from ui.qt import QApplication, Qt, QtWidgets
from ui.settings import LANGUAGE, Settings
from ui.submissions import SubmissionModel
from ui.tasks import Tasks
from ui.training import RosterModel, SessionModel

TIP = Qt.ItemDataRole.ToolTipRole
LONG_HEAD = "Nguyễn Thị Thanh Hương Hoàng Phương Ngọc Bích Diệp"
LONG_VILLAGE = "Tổ dân phố số 11 phường Buôn Ma Thuột (khu tái định cư Đồi Thủy Văn)"
LONG_ADDRESS = "Số 128/45 hẻm 3, đường Y Ngông, khu dân cư Đồi Thủy Văn, gần chợ Tân Lập"
LONG_PROCEDURE = "Đăng ký thường trú, tạm trú, khai báo tạm vắng và thông báo lưu trú trên Cổng dịch vụ công quốc gia"
LONG_COURSE = "Kỹ năng số cơ bản: sử dụng điện thoại thông minh, VNeID và dịch vụ công trực tuyến"


@pytest.fixture
def ctx(db: Database, user_id: str, tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    install_language("en", qapp)
    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, "en")
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def household_id(ctx: AppContext) -> str:
    svc = ctx.services
    village = svc.villages.create(LONG_VILLAGE, "to_dan_pho")
    members = [
        PersonInput(full_name=LONG_HEAD, relationship="head", birth_year=1975),
        PersonInput(full_name="Y Mek Ê Nuôl", relationship="spouse", birth_year=1976),
    ]
    detail = svc.households.create(HouseholdInput(village_id=village.id, address=LONG_ADDRESS, members=members))
    return detail.household.id


def _elided(view: QtWidgets.QAbstractItemView, column_width: int, text: str) -> bool:
    return view.fontMetrics().horizontalAdvance(text) > column_width


def test_household_list_tooltips_show_full_names(
    qtbot: QtBot, ctx: AppContext, household_id: str, qtmodeltester: ModelTester
) -> None:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366 - 190, 700)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 1)
    model = page.model
    # before its row is loaded a cell has no "…" tooltip; the view may already have loaded it (timing)
    assert model.index(0, 0).data(TIP) in (None, LONG_HEAD)
    model.load_all()
    qtbot.waitUntil(lambda: model.is_loaded(0))
    assert [model.index(0, c).data(TIP) for c in range(3)] == [LONG_HEAD, LONG_VILLAGE, LONG_ADDRESS]
    assert model.index(0, 3).data(TIP) is None and model.index(0, 4).data(TIP) is None  # counts, dates: short
    header = page.table.horizontalHeader()
    assert _elided(page.table, header.sectionSize(1), LONG_VILLAGE)  # the village column does elide it
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_member_table_and_search_results_have_tooltips(qtbot: QtBot, ctx: AppContext, household_id: str) -> None:
    form = HouseholdForm(ctx, household_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_ready)
    names = [form.members_table.item(r, 0) for r in range(form.members_table.rowCount())]
    assert LONG_HEAD in [i.toolTip() for i in names if i is not None]
    form.reject()

    overview = OverviewPage(ctx)
    qtbot.addWidget(overview)
    overview.show()
    overview.search_box.setText("huong hoang")
    qtbot.waitUntil(lambda: bool(overview.last_results), timeout=5000)
    tips = [overview.results.item(i).toolTip() for i in range(overview.results.count())]
    assert any(LONG_HEAD in t for t in tips), tips


def test_training_and_submission_models_have_tooltips(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    sessions = SessionModel()
    sessions.set_rows([SessionView("s1", "c1", LONG_COURSE, date(2026, 3, 2), LONG_ADDRESS, "Lan", None, "", 3, 1, 0)])
    assert sessions.index(0, SessionModel.COURSE).data(TIP) == LONG_COURSE
    assert sessions.index(0, SessionModel.PLACE).data(TIP) == LONG_ADDRESS
    qtmodeltester.check(sessions)  # type: ignore[no-untyped-call]

    roster = RosterModel()
    roster.set_rows([AttendanceView("a1", "s1", "p1", LONG_HEAD, True, None)])
    assert roster.index(0, RosterModel.NAME).data(TIP) == LONG_HEAD
    qtmodeltester.check(roster)  # type: ignore[no-untyped-call]

    submissions = SubmissionModel()
    submissions.set_rows(
        [
            SubmissionView(
                "x1", "pr1", LONG_PROCEDURE, "p1", LONG_HEAD, "dvcqg", "", False, None, None, date(2026, 3, 2),
                "prepared", "", None,
            )
        ]
    )  # fmt: skip
    assert submissions.index(0, SubmissionModel.PROCEDURE).data(TIP) == LONG_PROCEDURE
    assert submissions.index(0, SubmissionModel.PERSON).data(TIP) == LONG_HEAD
    qtmodeltester.check(submissions)  # type: ignore[no-untyped-call]
