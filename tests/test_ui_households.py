"""The households screen and the household form on a real database, and the service reads behind them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.services.visits import ConsentInput, VisitInput
from dlso_desktop.storage.store import Database
from ui.app_context import AppContext
from ui.household_form import HouseholdForm, MemberDialog
from ui.households import HouseholdsPage, format_visit
from ui.i18n import install_language
from ui.lazy_model import PLACEHOLDER
from ui.qt import QApplication, QtCore, QtWidgets
from ui.settings import LANGUAGE, Settings
from ui.tasks import Tasks

Button = QtWidgets.QMessageBox.StandardButton


@pytest.fixture
def ctx(db: Database, user_id: str, tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    install_language("en", qapp)
    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    context = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    context.settings.set(LANGUAGE, "en")
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def no_blocking_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question nobody answers would block the test (closing a dirty form at teardown asks)."""
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *args: Button.No)


@pytest.fixture
def svc(ctx: AppContext) -> Services:
    return ctx.services


def _household(svc: Services, village: VillageView, head: str, **kw: Any) -> str:
    members = [PersonInput(full_name=head, relationship="head", birth_year=1975)]
    return svc.households.create(HouseholdInput(village_id=village.id, members=members, **kw)).household.id


def _page(qtbot: QtBot, ctx: AppContext) -> HouseholdsPage:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading)
    return page


def _names(qtbot: QtBot, page: HouseholdsPage) -> list[str]:
    qtbot.waitUntil(lambda: not page.loading)
    page.model.load_all()
    qtbot.waitUntil(lambda: all(page.model.is_loaded(r) for r in range(page.model.rowCount())))
    return [str(page.model.index(r, 0).data()) for r in range(page.model.rowCount())]


NAMES = ["Trần Văn Bình", "Nguyễn Văn Đức", "Y Mek Ê Nuôl", "Lê Thị Ánh", "Nguyễn Văn Dũng", "Đỗ Thị An"]


@pytest.fixture
def villages(svc: Services) -> tuple[VillageView, VillageView]:
    return svc.villages.create("Buôn Kô Tam", "buon"), svc.villages.create("Thôn 3", "thon")


@pytest.fixture
def filled(svc: Services, villages: tuple[VillageView, VillageView]) -> dict[str, str]:
    a, b = villages
    return {
        name: _household(svc, a if i % 2 == 0 else b, name, address=f"{i} Đường số {i}") for i, name in enumerate(NAMES)
    }


# -- services --------------------------------------------------------------------------------------------


def test_list_ids_and_rows_at_2000_households(db: Database, svc: Services) -> None:
    demo.generate(db, households=2000, activity=False)
    ids = svc.households.list_ids()
    assert len(ids) == 2000
    with db.reader() as conn:
        expected = [
            r[0] for r in conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY sort_key, id")
        ]
    assert ids == expected
    assert svc.households.list_ids(not_visited=True) == ids  # no visits yet
    visited = ids[10]
    svc.visits.record(VisitInput(household_id=visited, visitor_name="Lan", consent=ConsentInput(given=True)))
    not_visited = svc.households.list_ids(not_visited=True)
    assert len(not_visited) == 1999 and visited not in not_visited

    page = [ids[5], ids[1], ids[3], "no-such-id", visited]
    rows = svc.households.rows(page)
    assert [r.id for r in rows] == [ids[5], ids[1], ids[3], visited]
    for r in rows:
        detail = svc.households.get(r.id)
        assert r.member_count == len(detail.members)
        assert r.head_name == detail.household.head_name
        assert r.village_name == detail.household.village_name
    assert rows[-1].last_visit_at is not None and rows[0].last_visit_at is None

    village_id = rows[0].village_id
    in_village = svc.households.list_ids(village_id=village_id)
    assert in_village and set(in_village) <= set(ids)
    assert all(r.village_id == village_id for r in svc.households.rows(in_village))
    assert svc.households.list_ids(limit=7) == ids[:7]
    head = rows[0].head_name
    found = svc.households.list_ids(query=head)
    assert ids[5] in found and len(found) <= 500


def test_list_ids_search_is_accent_insensitive(svc: Services, filled: dict[str, str]) -> None:
    found = svc.households.list_ids(query="nguyen van duc")
    assert found[0] == filled["Nguyễn Văn Đức"]
    assert filled["Trần Văn Bình"] not in found
    assert svc.households.list_ids(query="zzzz") == []


# -- the list --------------------------------------------------------------------------------------------


def test_model_passes_qt_model_tester(
    qtbot: QtBot, ctx: AppContext, filled: dict[str, str], qtmodeltester: ModelTester
) -> None:
    page = _page(qtbot, ctx)
    _names(qtbot, page)
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]
    assert page.model.headerData(0, QtCore.Qt.Orientation.Horizontal) == "Head of household"


def test_rows_show_placeholder_until_loaded(qtbot: QtBot, ctx: AppContext, filled: dict[str, str]) -> None:
    page = _page(qtbot, ctx)
    page.model.set_ids(page.model.ids())
    assert page.model.index(0, 0).data() == PLACEHOLDER
    with qtbot.waitSignal(page.model.dataChanged):
        pass
    assert page.model.index(0, 0).data() != PLACEHOLDER
    assert page.model.index(0, 4).data() == "—"
    assert format_visit("2026-02-05T03:00:00.000Z") == "05/02/2026"


def test_list_in_vietnamese_order(qtbot: QtBot, ctx: AppContext, svc: Services, filled: dict[str, str]) -> None:
    page = _page(qtbot, ctx)
    names = _names(qtbot, page)
    assert sorted(names) == sorted(NAMES)
    keys = {r.id: r for r in svc.households.rows(list(filled.values()))}
    assert len(keys) == len(NAMES)
    with ctx.db.reader() as conn:
        expected = [
            str(r[0])
            for r in conn.exec_driver_sql("SELECT head_name FROM household WHERE deleted = 0 ORDER BY sort_key")
        ]
    assert names == expected
    # Vietnamese order by given name: An, Ánh, Bình, Dũng, Đức, Mek
    assert names.index("Đỗ Thị An") < names.index("Lê Thị Ánh") < names.index("Trần Văn Bình")
    assert names.index("Nguyễn Văn Dũng") < names.index("Nguyễn Văn Đức")


def test_search_as_you_type(qtbot: QtBot, ctx: AppContext, filled: dict[str, str]) -> None:
    page = _page(qtbot, ctx)
    page.focus_search()
    QTest.keyClicks(page.search_box, "nguyen van duc")
    qtbot.waitUntil(lambda: page.model.ids()[:1] == [filled["Nguyễn Văn Đức"]])
    assert _names(qtbot, page)[0] == "Nguyễn Văn Đức"
    assert "Trần Văn Bình" not in _names(qtbot, page)
    page.search_box.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == len(NAMES))


def test_village_and_not_visited_filters(
    qtbot: QtBot, ctx: AppContext, svc: Services, filled: dict[str, str], villages: tuple[VillageView, VillageView]
) -> None:
    svc.visits.record(
        VisitInput(household_id=filled["Trần Văn Bình"], visitor_name="Lan", consent=ConsentInput(given=True))
    )
    page = _page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.village_combo.count() == 3)
    page.village_combo.setCurrentIndex(page.village_combo.findData(villages[0].id))
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert set(_names(qtbot, page)) == {NAMES[0], NAMES[2], NAMES[4]}
    page.not_visited.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert "Trần Văn Bình" not in _names(qtbot, page)
    page.village_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(NAMES) - 1)
    page.not_visited.setChecked(False)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(NAMES))
    row = page.model.ids().index(filled["Trần Văn Bình"])
    _names(qtbot, page)
    assert page.model.index(row, 4).data() != "—"


def test_record_visit_button_follows_selection(qtbot: QtBot, ctx: AppContext, filled: dict[str, str]) -> None:
    page = _page(qtbot, ctx)
    assert not page.visit_button.isEnabled()
    page.table.selectRow(0)
    assert page.selected_id() == page.model.ids()[0]
    assert page.visit_button.isEnabled() == (page._find_visit_flow() is not None)


# -- the form --------------------------------------------------------------------------------------------


def _form(qtbot: QtBot, ctx: AppContext, household_id: str | None = None) -> HouseholdForm:
    form = HouseholdForm(ctx, household_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.is_ready)
    return form


def _fill_member(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    def exec_(dialog: MemberDialog) -> int:
        dialog.name_edit.setText(values["full_name"])
        dialog.relationship_combo.setCurrentIndex(dialog.relationship_combo.findData(values.get("relationship", "")))
        dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData(values.get("sex", "")))
        QTest.keyClicks(dialog.birth_date_edit, values.get("birth_date", ""))
        dialog.phone_edit.setText(values.get("phone", ""))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(MemberDialog, "exec", exec_)


def test_form_saves_household_with_two_members(
    qtbot: QtBot,
    ctx: AppContext,
    svc: Services,
    villages: tuple[VillageView, VillageView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _page(qtbot, ctx)
    assert page.model.rowCount() == 0
    page.new_item()
    form = page.form
    assert form is not None
    qtbot.waitUntil(lambda: form.is_ready)
    form.village_combo.setCurrentIndex(form.village_combo.findData(villages[1].id))
    form.address_edit.setText("12 Trần Phú")
    form.phone_edit.setText("0905 123 456")
    form.smart_spin.setValue(2)
    form.internet_combo.setCurrentIndex(form.internet_combo.findData("mobile"))
    _fill_member(
        monkeypatch, {"full_name": "Nguyễn Văn Đức", "relationship": "head", "sex": "male", "birth_date": "05/02/1980"}
    )
    form.add_member()
    _fill_member(monkeypatch, {"full_name": "Lê Thị Hoa", "relationship": "spouse", "sex": "female"})
    form.add_member()
    assert form.members_table.rowCount() == 2
    with qtbot.waitSignal(form.saved):
        form.save_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _names(qtbot, page) == ["Nguyễn Văn Đức"]
    detail = svc.households.get(page.model.ids()[0])
    assert detail.household.phone == "0905123456" and detail.household.internet == "mobile"
    assert detail.household.address == "12 Trần Phú" and detail.household.smartphone_count == 2
    assert sorted(m.full_name for m in detail.members) == ["Lê Thị Hoa", "Nguyễn Văn Đức"]
    head = next(m for m in detail.members if m.relationship == "head")
    assert head.birth_date is not None and head.birth_date.isoformat() == "1980-02-05"
    assert page.model.index(0, 3).data() == "2"
    ctx.tasks.wait()
    assert svc.drafts.load("household:new") is None


def test_edit_household_updates_adds_and_removes_members(
    qtbot: QtBot,
    ctx: AppContext,
    svc: Services,
    villages: tuple[VillageView, VillageView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hid = svc.households.create(
        HouseholdInput(
            village_id=villages[0].id,
            address="1 Lê Duẩn",
            members=[
                PersonInput(
                    full_name="Trần Văn Bình",
                    relationship="head",
                    birth_year=1970,
                    citizen_id="066070000123",
                    sex="male",
                ),
                PersonInput(full_name="Trần Thị Mai", relationship="child", birth_year=2001),
            ],
        )
    ).household.id
    form = _form(qtbot, ctx, hid)
    assert form.head_edit.text() == "Trần Văn Bình"
    assert form.members[0]["citizen_id"] == "066070000123"  # the full id, so an edit keeps it
    form.address_edit.setText("2 Lê Duẩn")
    form.members_table.selectRow(1)
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a: Button.Yes)
    form.remove_member()
    _fill_member(monkeypatch, {"full_name": "Trần Văn Nam", "relationship": "grandchild"})
    form.add_member()
    with qtbot.waitSignal(form.saved):
        form.save()
    detail = svc.households.get(hid)
    assert detail.household.address == "2 Lê Duẩn"
    assert sorted(m.full_name for m in detail.members) == ["Trần Văn Bình", "Trần Văn Nam"]


def test_invalid_phone_shows_vietnamese_message_and_saves_nothing(
    qtbot: QtBot, ctx: AppContext, svc: Services, villages: tuple[VillageView, VillageView]
) -> None:
    ctx.settings.set(LANGUAGE, "vi")
    form = _form(qtbot, ctx)
    form.head_edit.setText("Nguyễn Văn Đức")
    QTest.keyClicks(form.phone_edit, "12345")
    form.save_button.click()
    label = form.errors["phone"]
    qtbot.waitUntil(lambda: label.isVisible())
    assert "Số điện thoại phải có 10 chữ số" in label.text()
    assert form.phone_edit.text() == "12345" and form.head_edit.text() == "Nguyễn Văn Đức"  # input kept
    assert form.focusWidget() is form.phone_edit or QApplication.focusWidget() in (form.phone_edit, None)
    assert svc.households.list_ids() == []
    assert form.isVisible()


def test_invalid_member_citizen_id_names_the_member(
    qtbot: QtBot,
    ctx: AppContext,
    svc: Services,
    villages: tuple[VillageView, VillageView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = _form(qtbot, ctx)
    _fill_member(monkeypatch, {"full_name": "Nguyễn Văn Đức", "relationship": "head"})
    form.add_member()
    form.members[0]["citizen_id"] = "123"
    form.save()
    qtbot.waitUntil(lambda: form.errors["members"].isVisible())
    assert "Member 1 (Nguyễn Văn Đức)" in form.errors["members"].text()
    assert svc.households.list_ids() == []


def test_cancel_with_changes_asks(
    qtbot: QtBot,
    ctx: AppContext,
    svc: Services,
    villages: tuple[VillageView, VillageView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    answer = Button.No

    def question(parent: Any, title: str, text: str, *args: Any) -> QtWidgets.QMessageBox.StandardButton:
        asked.append(title)
        return answer

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)
    form = _form(qtbot, ctx)
    form.cancel_button.click()  # nothing typed: closes at once
    assert asked == [] and not form.isVisible()

    form = _form(qtbot, ctx)
    form.head_edit.setText("Nguyễn Văn Đức")
    assert form.is_dirty()
    form.cancel_button.click()
    assert asked == ["Unsaved changes"] and form.isVisible()
    answer = Button.Yes
    form.reject()
    assert len(asked) == 2 and not form.isVisible()
    ctx.tasks.wait()
    assert svc.drafts.load("household:new") is None
    assert svc.households.list_ids() == []


def test_draft_is_kept_and_restored(
    qtbot: QtBot,
    ctx: AppContext,
    svc: Services,
    villages: tuple[VillageView, VillageView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = _form(qtbot, ctx)
    form.head_edit.setText("Nguyễn Văn Đức")
    form.phone_edit.setText("0905123456")
    form.save_draft()  # what the debounce timer does after a second
    ctx.tasks.wait()
    draft = svc.drafts.load("household:new")
    assert draft is not None and draft["head_name"] == "Nguyễn Văn Đức"
    form.deleteLater()

    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QtWidgets.QMessageBox.StandardButton:
        asked.append(title)
        return Button.Yes

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)
    again = _form(qtbot, ctx)
    assert asked == ["Restore draft"]
    assert again.head_edit.text() == "Nguyễn Văn Đức" and again.phone_edit.text() == "0905123456"
    assert again.is_dirty()
    with qtbot.waitSignal(again.saved):
        again.save()
    ctx.tasks.wait()
    assert svc.drafts.load("household:new") is None
    assert len(svc.households.list_ids()) == 1


def test_vietnamese_texts(
    qtbot: QtBot, ctx: AppContext, qapp: QApplication, villages: tuple[VillageView, VillageView]
) -> None:
    loaded = install_language("vi", qapp)
    try:
        if not any(p.name == "households_vi.qm" for p in loaded):
            pytest.fail("households_vi.qm is missing: make qm (make test builds it)")
        page = _page(qtbot, ctx)
        assert page.title() == "Hộ gia đình"
        assert page.new_button.text() != "New household"
        form = _form(qtbot, ctx)
        assert form.save_button.text() == "Lưu"
    finally:
        install_language("en", qapp)


def test_enter_saves_and_escape_cancels(
    qtbot: QtBot, ctx: AppContext, svc: Services, villages: tuple[VillageView, VillageView]
) -> None:
    form = _form(qtbot, ctx)
    QTest.keyClick(form, QtCore.Qt.Key.Key_Escape)
    assert not form.isVisible()  # nothing typed: Esc closes without asking

    form = _form(qtbot, ctx)
    form.head_edit.setText("Nguyễn Văn Đức")
    form.head_edit.setFocus()
    with qtbot.waitSignal(form.saved):
        QTest.keyClick(form.head_edit, QtCore.Qt.Key.Key_Return)
    assert len(svc.households.list_ids()) == 1
