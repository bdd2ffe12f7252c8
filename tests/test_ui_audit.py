"""The audit page (ui/audit_page.py): the trail newest first, read a page at a time in the background, filters,
the integrity check's verdict (intact, or where it was tampered with), the export in the background, and a
Vietnamese screen that fits 1366x768."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database
from ui import audit_page
from ui.audit_page import PAGE_SIZE, AuditModel, AuditPage


def many(db: Database, user_id: str, n: int) -> None:
    """``n`` entries in one unit of work (chained like every other)."""
    with db.unit_of_work(user_id) as uow:
        for i in range(n):
            uow.audit("update", "person", f"p-{i}", f"phone {i}")
        uow.commit()


def loaded(qtbot: Any, page: AuditPage) -> None:
    with qtbot.waitSignal(page.list_loaded, timeout=10_000):
        page.activate()


def rows_shown(qtbot: Any, page: AuditPage, rows: int) -> list[list[str]]:
    """The cells of the first ``rows`` rows, once their page has arrived."""
    model = page.model
    for r in range(rows):
        model.data(model.index(r, 0))  # asks for the page
    qtbot.waitUntil(lambda: all(model.entry(r) is not None for r in range(rows)), timeout=10_000)
    return [[str(model.data(model.index(r, c))) for c in range(AuditModel.COLUMNS)] for r in range(rows)]


@pytest.fixture
def page(ctx: Any, qtbot: Any, services: Services, village: VillageView) -> AuditPage:
    services.villages.rename(village.id, "Buôn Kô Tam Mới")
    p = AuditPage(ctx)
    qtbot.addWidget(p)
    return p


def test_the_trail_shows_newest_first(page: AuditPage, qtbot: Any, services: Services) -> None:
    loaded(qtbot, page)
    total = services.audit.count().total
    assert page.model.rowCount() == total >= 3
    assert page.count_label.text() == f"{total} entries"
    first = rows_shown(qtbot, page, 2)
    newest = services.audit.page(limit=1)[0]
    assert first[0][AuditModel.SEQ] == str(newest.seq)
    assert first[0][AuditModel.USER] == "Nguyễn Thị Lan"
    assert first[0][AuditModel.ACTION] == "Changed" and first[0][AuditModel.TABLE] == "Village"
    assert int(first[1][AuditModel.SEQ]) < newest.seq


def test_a_long_trail_is_read_a_page_at_a_time(
    page: AuditPage, qtbot: Any, db: Database, user_id: str, services: Services
) -> None:
    many(db, user_id, 3 * PAGE_SIZE)
    loaded(qtbot, page)
    total = services.audit.count().total
    assert page.model.rowCount() == total
    rows_shown(qtbot, page, 5)
    assert page.model.loaded_pages() == [0]  # only what was looked at was read
    last = total - 1
    page.model.data(page.model.index(last, 0))
    qtbot.waitUntil(lambda: page.model.entry(last) is not None, timeout=10_000)
    assert page.model.loaded_pages() == [0, last // PAGE_SIZE]
    assert page.model.entry(last) is not None and page.model.entry(last).seq == 1  # type: ignore[union-attr]


def test_filters_narrow_the_list(page: AuditPage, qtbot: Any, db: Database, user_id: str) -> None:
    many(db, user_id, 5)
    loaded(qtbot, page)
    qtbot.waitUntil(lambda: page.action_combo.count() > 2, timeout=10_000)
    i = page.action_combo.findData("update")
    with qtbot.waitSignal(page.list_loaded, timeout=10_000):
        page.action_combo.setCurrentIndex(i)
    assert page.model.filter.action == "update"
    updates = page.model.rowCount()
    assert updates >= 6  # the rename and the five
    with qtbot.waitSignal(page.list_loaded, timeout=10_000):
        page.search_box.setText("phone 3")
    assert page.model.rowCount() == 1
    assert rows_shown(qtbot, page, 1)[0][AuditModel.RECORD] == "p-3"
    # a bad date: a message, and the list stays as it was
    page.since_edit.setText("31/02/2026")
    page.refresh()
    assert "is not a date" in page.message.text() and page.model.rowCount() == 1
    page.since_edit.clear()
    with qtbot.waitSignal(page.list_loaded, timeout=10_000):
        page.search_box.clear()
        page.refresh()
    assert page.model.rowCount() == updates


def test_verify_says_intact_then_tampered(page: AuditPage, qtbot: Any, db: Database) -> None:
    loaded(qtbot, page)
    with qtbot.waitSignal(page.verified, timeout=10_000):
        page.verify_button.click()
    assert page.last_verdict is not None and page.last_verdict.ok
    assert page.verdict.text().startswith("✔ The audit trail is intact")
    assert "not been sent to the server" in page.verdict.text()
    assert page.verify_button.isEnabled() and page.progress.isHidden()

    raw = sqlite3.connect(db.path, isolation_level=None)
    try:
        raw.execute("DROP TRIGGER audit_entry_no_update")
        raw.execute("UPDATE audit_entry SET summary = 'sửa lén' WHERE seq = 2")
    finally:
        raw.close()
    with qtbot.waitSignal(page.verified, timeout=10_000):
        page.verify()
    assert page.last_verdict is not None and not page.last_verdict.ok
    assert "TAMPERED WITH at entry 2: an entry was changed" in page.verdict.text()


def test_export_in_the_background(page: AuditPage, qtbot: Any, tmp_path: Path, services: Services) -> None:
    loaded(qtbot, page)
    before = services.audit.count().total
    out = tmp_path / "nhat-ky.jsonl"
    page.ask_export_path = lambda: (out, "jsonl")  # type: ignore[method-assign]
    with qtbot.waitSignal(page.exported, timeout=10_000):
        page.export_button.click()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == before + 1 and lines[-1]["action"] == "export"
    assert f"{before + 1} entries exported to {out}" in page.message.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1, timeout=10_000)
    # a folder that does not exist: the service's message, nothing written
    page.ask_export_path = lambda: (tmp_path / "nowhere" / "a.csv", "csv")  # type: ignore[method-assign]
    with qtbot.waitSignal(page.exported, timeout=10_000):
        page.ask_export()
    assert "thư mục không tồn tại" in page.message.text()  # the language setting: Vietnamese by default
    assert page.export_button.isEnabled()


def test_a_team_member_is_told_the_trail_is_not_theirs(qtbot: Any, ctx: Any, db: Database, services: Services) -> None:
    member = services.users.create("Y Blang Niê", "team_member", "135790")
    ctx.user = member
    p = AuditPage(ctx)
    qtbot.addWidget(p)
    p.activate()
    qtbot.waitUntil(lambda: "Chỉ cán bộ xã" in p.message.text(), timeout=10_000)
    assert p.model.rowCount() == 0


def test_vietnamese_screen_fits_1366x768(
    page: AuditPage, qtbot: Any, ctx: Any, tmp_path: Path, db: Database, user_id: str
) -> None:
    from ui.i18n import install_language
    from ui.settings import LANGUAGE

    many(db, user_id, 30)
    ctx.settings.set(LANGUAGE, "vi")
    install_language("vi")
    page.retranslate()
    page.resize(1366 - 190, 768 - 60)  # beside the navigation, under the title bar
    page.show()
    loaded(qtbot, page)
    rows_shown(qtbot, page, 20)
    with qtbot.waitSignal(page.verified, timeout=10_000):
        page.verify()
    assert page.verify_button.text() == "Kiểm tra tính toàn vẹn"
    assert page.export_button.text() == "Xuất…"
    assert page.verdict.text().startswith("✔ Nhật ký nguyên vẹn")
    assert page.count_label.text().endswith("mục")
    assert page.minimumSizeHint().width() <= 1366 - 190
    assert audit_page.action_label("update") == "Sửa"
    page.grab().save(str(tmp_path / "audit_page.png"))


#: what one of the app's own codes looks like when it is shown as it was stored: lowercase ASCII words, field
#: names, ``x: y`` (a certificate number alone, digits and dashes, is typed data, not a code)
RAW_CODE = re.compile(r"[a-z0-9_ ,.:>-]*[a-z][a-z0-9_ ,.:>-]*")


def test_the_apps_own_summaries_read_in_the_apps_language(
    page: AuditPage, qtbot: Any, ctx: Any, db: Database, services: Services, village: VillageView, tmp_path: Path
) -> None:
    """Every summary the services write is either typed text, shown as it is, or one of the app's phrases and
    codes (the fields a change touched, a visit finding, a consent answer, an erasure's reason, a revocation by
    erasure), shown in Vietnamese: a commune operator never reads ``visit finding`` or ``pin_hash``."""
    from test_erasure import seed_person

    from ui.i18n import install_language
    from ui.settings import LANGUAGE

    ids = seed_person(services, village)
    second = services.villages.create("Buôn Cuôr Đăng")
    moved = services.households.create(
        HouseholdInput(second.id, members=[PersonInput("Đinh Thị Hoa", relationship="head")])
    )
    services.villages.merge(second.id, village.id)
    services.households.delete(moved.household.id)
    services.users.update(services.ctx.user_id or "", pin="975310")
    services.erasure.erase(ids["head"], "person_asked")
    services.audit.export(tmp_path / "trail.csv", "csv")
    with db.reader() as conn:
        stored = {
            (str(a), str(t), str(s))
            for a, t, s in conn.exec_driver_sql("SELECT action, table_name, summary FROM audit_entry")
        }
    # the flows above wrote the app's own phrases and codes
    for entry in [
        ("update", "person", "visit finding"),
        ("update", "household", "village merge"),
        ("delete", "person", "household deleted"),
        ("erase", "person", "person_asked"),
        ("withdraw", "consent", "erasure: person_asked"),
        ("revoke", "certificate_revocation", "24133-000001: erased"),
        ("export", "audit_entry", "csv"),
    ]:
        assert entry in stored, entry
    assert any(a == "update" and t == "app_user" and "pin_hash" in s for a, t, s in stored)

    ctx.settings.set(LANGUAGE, "vi")
    install_language("vi")
    shown = {entry: audit_page.summary_label(*entry) for entry in stored}
    # no part of a summary (a list of fields is checked field by field), no action and no kind of record is a
    # code left as it was stored (a record's creation is summed up by its typed name, e.g. the user "test user")
    codes = [
        (e, text) for e, text in shown.items() if e[0] != "create" and any(map(RAW_CODE.fullmatch, text.split(", ")))
    ]
    assert codes == []
    assert [a for a, _t, _s in stored if RAW_CODE.fullmatch(audit_page.action_label(a))] == []
    assert [t for _a, t, _s in stored if RAW_CODE.fullmatch(audit_page.table_label(t))] == []
    assert shown["update", "person", "visit finding"] == "cập nhật tình trạng số qua lần thăm hộ"
    assert shown["erase", "person", "person_asked"] == "xoá dữ liệu cá nhân (người dân yêu cầu)"
    assert shown["withdraw", "consent", "erasure: person_asked"] == "xoá dữ liệu cá nhân (người dân yêu cầu)"
    assert shown["revoke", "certificate_revocation", "24133-000001: erased"] == (
        "24133-000001: dữ liệu của người này đã bị xoá"
    )
    pin_change = next(s for a, t, s in stored if a == "update" and t == "app_user" and "pin_hash" in s)
    assert "mã PIN" in shown["update", "app_user", pin_change]
    # typed text is shown as it was written, even when it reads like one of the app's phrases
    assert shown["create", "training_session", "Nhà văn hóa buôn"] == "Nhà văn hóa buôn"
    assert audit_page.summary_label("create", "village", "visit finding") == "visit finding"
    assert audit_page.summary_label("update", "person", "Ghi chú: gọi lại") == "Ghi chú: gọi lại"

    # and the page shows them so
    loaded(qtbot, page)
    cells = rows_shown(qtbot, page, min(page.model.rowCount(), 60))
    assert "xoá dữ liệu cá nhân (người dân yêu cầu)" in [row[AuditModel.SUMMARY] for row in cells]
    created = audit_page.action_label("create")
    assert not any(RAW_CODE.fullmatch(row[AuditModel.SUMMARY]) for row in cells if row[AuditModel.ACTION] != created)


def test_field_lists_and_codes_in_english(page: AuditPage) -> None:
    assert audit_page.summary_label("update", "person", "full_name, phone") == "Full name, Phone"
    assert audit_page.summary_label("update", "app_user", "active, pin_hash") == "Active, PIN"
    assert audit_page.summary_label("erase", "visit_action", "note") == "Note"
    assert audit_page.summary_label("resolve", "sync_conflict", "person.phone") == "Person: Phone"
    assert audit_page.summary_label("create", "consent", "sensitive: refused") == "ethnic group: did not agree"
    assert audit_page.summary_label("export", "audit_entry", "jsonl") == "JSONL"
    assert audit_page.summary_label("update", "person", "") == ""


def test_the_text_filter_finds_codes_by_the_label_shown(
    page: AuditPage, qtbot: Any, ctx: Any, db: Database, user_id: str, services: Services
) -> None:
    """The trail keeps its codes and the screen shows labels: typing a label (in the screen's language,
    accents optional) finds the entries whose stored code it names, and typed text is still found as typed."""
    from ui.i18n import install_language
    from ui.settings import LANGUAGE

    written = {
        "p-fields": ("update", "person", "full_name, phone"),
        "p-erased": ("erase", "person", "person_asked"),
        "c-erased": ("withdraw", "consent", "erasure: person_asked"),
        "c-yes": ("create", "consent", "basic: granted"),
        "c-no": ("create", "consent", "sensitive: refused"),
        "r-erased": ("revoke", "certificate_revocation", "24133-000001: erased"),
        "s-typed": ("create", "training_session", "Nhà văn hóa buôn Kô Tam"),
    }
    with db.unit_of_work(user_id) as uow:
        for row_id, (action, table, summary) in written.items():
            uow.audit(action, table, row_id, summary)
        uow.commit()

    def found(text: str) -> set[str]:
        page.search_box.setText(text)
        with qtbot.waitSignal(page.list_loaded, timeout=10_000):
            page.refresh()
        rows = rows_shown(qtbot, page, page.model.rowCount())
        return {row[AuditModel.RECORD] for row in rows} & set(written)

    assert audit_page.codes_for("x") == ()  # one letter matches every label: not expanded
    assert "full_name" in audit_page.codes_for("full name") and ": granted" in audit_page.codes_for("AGREED")
    loaded(qtbot, page)
    assert found("agreed") == {"c-yes"}
    assert found("person asked") == {"p-erased", "c-erased"}

    ctx.settings.set(LANGUAGE, "vi")
    install_language("vi")
    page.retranslate()
    assert found("đồng ý") == {"c-yes", "c-no"}  # "đồng ý" and "không đồng ý"
    assert found("khong dong y") == {"c-no"}  # accents optional
    assert found("xoá dữ liệu cá nhân") == {"p-erased", "c-erased"}
    assert found("đã bị xoá") == {"r-erased"}
    assert found("họ và tên") == {"p-fields"}  # the label of full_name
    assert found("Kô Tam") == {"s-typed"}  # typed text, as before
    assert found("p-erased") == {"p-erased"}  # a record id, as before
