"""The Sync page and automatic sync, against the provincial server running in-process (tests/sync_support.py):
enrollment from the page, "Sync now", conflicts seen side by side and resolved by a commune operator (and not by
a team member), refusals in Vietnamese, the status bar's reachability, and automatic rounds after changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sync_support import AppTransport, Laptop, Server, SnapshotTransport, content, family

from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from sync import engine as sync_engine
from sync import local
from sync.transport import Transport, TransportError
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.qt import QApplication, Qt, QtCore, QtGui
from ui.settings import LANGUAGE, Settings
from ui.sync_controller import Reachability, SyncController, SyncTiming
from ui.sync_page import SyncPage
from ui.tasks import Tasks

COMMUNE = 24133
#: automatic rounds far away unless a test wants them
QUIET = SyncTiming(debounce_ms=3_600_000, interval_ms=3_600_000, poll_ms=3_600_000, first_round_ms=3_600_000)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    yield srv
    srv.close()


def factory(server: Server, log: list[str] | None = None) -> Any:
    """A transport factory for the page and controller: the in-process server instead of HTTP."""

    def make(url: str, token: str | None) -> Transport:
        if log is not None:
            log.append(url)
        return AppTransport(server, token)

    return make


def offline(url: str, token: str | None) -> Transport:
    class Down:
        def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
            raise TransportError("ConnectionError: no route to host")

        def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
            raise TransportError("ConnectionError: no route to host")

    return Down()


def make_ctx(laptop: Laptop, tmp_path: Path, role: str | None = None, language: str = "en") -> AppContext:
    user_id = laptop.user_id
    if role is not None:
        user_id = Services(laptop.db).users.create(f"Người dùng {role}", role, "246810").id
    user = next(u for u in Services(laptop.db).users.list_all() if u.id == user_id)
    data = tmp_path / f"data-{laptop.name}-{user.id[-6:]}"
    ctx = AppContext(laptop.db, UserView(user.id, user.display_name, user.role, True), Tasks(), Settings(data), data)
    ctx.settings.set(LANGUAGE, language)
    return ctx


@pytest.fixture
def laptops(tmp_path: Path, server: Server, qapp: QApplication) -> Iterator[list[Laptop]]:
    install_language("en", qapp)
    made = [Laptop(tmp_path / f"{n}.sqlite", COMMUNE, server, n) for n in ("A", "B")]
    yield made
    for lp in made:
        lp.close()


def settle(ctx: AppContext) -> None:
    ctx.tasks.wait()
    QApplication.processEvents()


def open_page(
    qtbot: QtBot, ctx: AppContext, server: Server, timing: SyncTiming = QUIET, make: Any = None
) -> tuple[SyncPage, SyncController]:
    """The page with its controller; ``make`` overrides the transport factory (default: :func:`factory`)."""
    controller = SyncController(ctx, make or factory(server), timing)
    page = SyncPage(ctx, controller)
    controller.setParent(page)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    controller.start()
    page.activate()
    qtbot.waitUntil(lambda: not page.loading and controller.status is not None)
    return page, controller


def close(page: SyncPage) -> None:
    page.controller.shutdown()
    settle(page.ctx)


# --- enrollment ---------------------------------------------------------------------------------------------------


def test_enroll_from_the_page_then_sync_now(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    a = laptops[0]
    ctx = make_ctx(a, tmp_path)
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    page, controller = open_page(qtbot, ctx, server)
    assert page.stack.currentWidget() is page.enroll_view
    assert controller.reachability is Reachability.NOT_ENROLLED
    assert sync_engine.status(a.db).pending >= 2

    page.server_edit.setText("http://dlso.test:8000")
    page.code_edit.setText(server.code(COMMUNE))
    QTest.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    assert page.enrolling and not page.enroll_button.isEnabled()  # the network call is not on the GUI thread
    # enrolled, and the first round follows at once: everything pending goes out
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_view, timeout=10_000)
    qtbot.waitUntil(lambda: controller.last_result is not None and not controller.running, timeout=10_000)
    qtbot.waitUntil(lambda: page.pending_value.text() == "0 change(s)", timeout=10_000)
    assert local.get_meta(a.db, local.SERVER) == "http://dlso.test:8000"
    assert page.server_value.text() == "http://dlso.test:8000"
    assert page.commune_value.text() == "Phường Buôn Ma Thuột"
    assert page.pending_value.text() == "0 change(s)"
    assert page.last_sync_value.text() != "never"
    assert controller.reachability.value == Reachability.REACHABLE.value  # (mypy narrowed it before enrolling)
    assert controller.last_result is not None and controller.last_result.applied >= 2

    # a new change, then "Sync now": pending goes back to 0 and the result is shown
    a.services.villages.rename(village.id, "Buôn Kô Tam Mới")
    page.load()
    qtbot.waitUntil(lambda: page.pending_value.text() == "1 change(s)")
    progress: list[tuple[str, int, int]] = []
    controller.progress.connect(lambda *p: progress.append(p))
    with qtbot.waitSignal(controller.round_finished, timeout=10_000) as finished:
        QTest.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        assert not page.sync_button.isEnabled()
    result = finished.args[0]
    assert isinstance(result, sync_engine.RoundResult)
    assert result.applied == 1 and result.rejected == 0
    qtbot.waitUntil(lambda: page.pending_value.text() == "0 change(s)")
    assert "sent 1 change(s)" in page.result_label.text()
    assert page.sync_button.isEnabled() and not page.progress_bar.isVisible()
    assert ("push", 1, 1) in progress and any(p[0] == "pull" for p in progress)
    assert not page.last_error_label.isVisible() and not page.clock_warning.isVisible()
    qtmodeltester.check(page.conflict_model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(page.rejected_model)  # type: ignore[no-untyped-call]
    close(page)


def test_bad_code_shows_the_vietnamese_message_and_stays_not_enrolled(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    ctx = make_ctx(a, tmp_path, language="vi")
    page, controller = open_page(qtbot, ctx, server)
    before = dict(a.db.meta)
    page.server_edit.setText("https://dlso.daklak.gov.vn")
    page.code_edit.setText("KHONGDUNG99")
    QTest.keyClick(page.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.enrolling, timeout=10_000)
    message = page.enroll_error.text()
    assert page.enroll_error.isVisible()
    assert message and message.isascii() is False, message  # the server's Vietnamese message_vi
    assert "code" not in message.lower()
    assert page.stack.currentWidget() is page.enroll_view
    assert controller.reachability is Reachability.NOT_ENROLLED
    assert local.get_meta(a.db, local.TOKEN) is None and local.get_meta(a.db, local.SERVER) is None
    assert {k: v for k, v in a.db.meta.items() if k.startswith("sync.")} == {
        k: v for k, v in before.items() if k.startswith("sync.")
    }
    assert page.code_edit.isEnabled() and page.code_edit.text() == "KHONGDUNG99"  # kept for correcting
    close(page)


def test_enroll_checks_the_form_and_reports_an_unreachable_server(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    ctx = make_ctx(a, tmp_path)
    controller = SyncController(ctx, offline, QUIET)
    page = SyncPage(ctx, controller)
    qtbot.addWidget(page)
    page.show()
    page.server_edit.setText("dlso.daklak.gov.vn")
    page.code_edit.setText("ABCD1234")
    page.enroll()
    assert not page.enrolling and "https://" in page.enroll_error.text()  # checked before any network call
    page.server_edit.setText("https://dlso.daklak.gov.vn")
    page.code_edit.setText("AB")
    page.enroll()
    assert not page.enrolling and "one-time code" in page.enroll_error.text()
    page.code_edit.setText("ABCD1234")
    page.enroll()
    qtbot.waitUntil(lambda: not page.enrolling, timeout=10_000)
    assert page.enroll_error.text().startswith("Could not reach the server")
    assert local.get_meta(a.db, local.TOKEN) is None
    assert page.stack.currentWidget() is page.enroll_view
    close(page)


# --- conflicts ----------------------------------------------------------------------------------------------------


def _two_laptops_conflict(a: Laptop, b: Laptop) -> tuple[str, str]:
    """The same village renamed differently on A and B (a field conflict), and a village deleted on A while B
    renamed it (a "deleted" conflict). Returns the two village ids."""
    a.enroll()
    b.enroll()
    renamed = a.services.villages.create("Buôn Kô Tam", "buon")
    removed = a.services.villages.create("Buôn Trống", "buon")
    a.sync()
    b.sync()
    a.services.villages.rename(renamed.id, "Buôn Kô Tam A")
    b.services.villages.rename(renamed.id, "Buôn Kô Tam B")
    a.services.villages.delete(removed.id)
    b.services.villages.rename(removed.id, "Buôn Trống B")
    a.sync()
    result = b.sync()
    assert result.conflict == 2
    return renamed.id, removed.id


def _row_of(page: SyncPage, field: str) -> int:
    model = page.conflict_model
    return next(i for i in range(model.rowCount()) if model.index(i, 1).data() == field)


def test_conflict_side_by_side_resolved_by_operator(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    a, b = laptops
    renamed_id, removed_id = _two_laptops_conflict(a, b)
    ctx = make_ctx(b, tmp_path)  # B's own commune operator
    assert ctx.user is not None and ctx.user.role == "commune_operator"
    page, controller = open_page(qtbot, ctx, server)
    assert page.stack.currentWidget() is page.status_view
    assert page.conflict_model.rowCount() == 2
    assert page.tabs.tabText(0) == "Conflicts (2)"
    qtmodeltester.check(page.conflict_model)  # type: ignore[no-untyped-call]

    name_row = _row_of(page, "Name")
    model = page.conflict_model
    assert model.index(name_row, 0).data() == "Village: Buôn Kô Tam A"  # the server value, until decided
    assert model.index(name_row, 2).data() == "Buôn Kô Tam A"  # server value
    assert model.index(name_row, 3).data() == "Buôn Kô Tam B"  # incoming value
    page.conflict_table.selectRow(name_row)
    assert page.server_side_value.text() == "Buôn Kô Tam A"
    assert page.incoming_side_value.text() == "Buôn Kô Tam B"
    assert "Cán bộ A" in page.server_side_who.text() and "device" in page.server_side_who.text()
    assert "Cán bộ B" in page.incoming_side_who.text() and "this laptop" in page.incoming_side_who.text()
    assert page.keep_server_button.isEnabled() and page.keep_incoming_button.isEnabled()
    assert page.new_value_edit.isVisible()

    # a typed value that is not a valid name: empty is refused before anything is written
    page.new_value_edit.setText("   ")
    page.use_new_value()
    assert "cannot be empty" in page.resolve_message.text()
    page.new_value_edit.setText("Buôn Kô Tam (chung)")
    QTest.mouseClick(page.use_new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.resolving)
    qtbot.waitUntil(lambda: (c := page.selected_conflict()) is not None and c.resolving)
    assert page.resolve_message.text() == "Decision saved: it is sent with the next sync."
    assert not page.keep_server_button.isEnabled()  # decided: waiting to be sent

    deleted_row = _row_of(page, "Deleted or kept")
    page.conflict_table.selectRow(deleted_row)
    assert page.server_side_value.text() == "Deleted"
    assert page.incoming_side_value.text() == "Edited meanwhile: Name: Buôn Trống B"
    assert page.keep_server_button.text() == "Keep deleted"
    assert page.keep_incoming_button.text() == "Restore with the change"
    assert not page.new_value_edit.isVisible()
    QTest.mouseClick(page.keep_incoming_button, Qt.MouseButton.LeftButton)  # restore
    qtbot.waitUntil(lambda: (c := page.selected_conflict()) is not None and c.resolving)

    with qtbot.waitSignal(controller.round_finished, timeout=10_000):
        page.sync_now()
    qtbot.waitUntil(lambda: page.details is not None and not page.details.conflicts and not page.loading)
    assert page.conflict_model.rowCount() == 0
    assert page.tabs.tabText(0) == "Conflicts (0)"
    villages = {v.id: v.name for v in Services(b.db).villages.list_all()}
    assert villages[renamed_id] == "Buôn Kô Tam (chung)"
    assert villages[removed_id] == "Buôn Trống B"  # restored with B's change
    a.sync()  # and the decision reaches the other laptop
    assert local.conflicts(a.db) == []
    assert {v.id: v.name for v in Services(a.db).villages.list_all()} == villages
    close(page)


def test_team_member_sees_conflicts_but_cannot_resolve(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a, b = laptops
    _two_laptops_conflict(a, b)
    ctx = make_ctx(b, tmp_path, role="team_member")
    page, _controller = open_page(qtbot, ctx, server)
    assert page.conflict_model.rowCount() == 2
    page.conflict_table.selectRow(_row_of(page, "Name"))
    assert page.server_side_value.text() == "Buôn Kô Tam A"
    assert page.incoming_side_value.text() == "Buôn Kô Tam B"
    assert not page.can_resolve
    assert not page.keep_server_button.isEnabled() and not page.keep_incoming_button.isEnabled()
    assert not page.use_new_button.isEnabled()
    assert "Only a commune operator" in page.conflict_note.text()
    pending = sync_engine.status(b.db).pending
    conflict = page.selected_conflict()
    assert conflict is not None
    page.resolve(conflict, conflict.server_value)  # even when called directly: refused, nothing written
    settle(ctx)
    assert "commune operator" in page.resolve_message.text()
    assert sync_engine.status(b.db).pending == pending
    # and the service itself refuses a team member (the page shows its message)
    page.ctx.user = UserView(ctx.user.id, ctx.user.display_name, "commune_operator", True)  # type: ignore[union-attr]
    page.resolve(conflict, conflict.server_value)
    qtbot.waitUntil(lambda: not page.resolving)
    assert page.resolve_message.text() == "Only a commune operator can resolve a conflict."
    assert sync_engine.status(b.db).pending == pending
    close(page)


def test_refused_changes_are_listed_with_their_reason(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    a, b = laptops
    _two_laptops_conflict(a, b)
    a.sync()  # A sees the conflicts too
    [name_conflict] = [c for c in local.conflicts(a.db) if c.field == "name"]
    # both operators decide differently; A's decision reaches the server after B's and is refused
    local.resolve_conflict(b.db, b.user_id, name_conflict.id, "Buôn Kô Tam B")
    b.sync()
    local.resolve_conflict(a.db, a.user_id, name_conflict.id, "Buôn Kô Tam A")
    ctx = make_ctx(a, tmp_path)
    page, controller = open_page(qtbot, ctx, server)
    with qtbot.waitSignal(controller.round_finished, timeout=10_000):
        page.sync_now()
    qtbot.waitUntil(lambda: page.details is not None and bool(page.details.rejected) and not page.loading)
    assert page.tabs.tabText(1) == "Refused changes (1)"
    model = page.rejected_model
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.index(0, 0).data() == "Conflict resolution"
    assert model.index(0, 2).data() == "conflict resolved"
    assert model.index(0, 4).data().startswith("Someone else already resolved this conflict. (")  # code translated
    assert "resolved by someone else" in model.index(0, 4).data()  # the server's detail kept after it
    assert "refused" in page.result_label.text() and "1 refused" in page.result_label.text()
    close(page)


# --- clock, errors, status bar ------------------------------------------------------------------------------------


def test_clock_offset_warning_and_failed_round(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    a.enroll()
    local.set_meta(a.db, {local.CLOCK_OFFSET: "-7300.0"})
    ctx = make_ctx(a, tmp_path)
    controller = SyncController(ctx, offline, QUIET)
    page = SyncPage(ctx, controller)
    qtbot.addWidget(page)
    page.show()
    controller.start()
    page.activate()
    qtbot.waitUntil(lambda: page.clock_warning.isVisible())
    assert "about 2 hours ahead of the server" in page.clock_warning.text()
    with qtbot.waitSignal(controller.round_finished, timeout=10_000):
        page.sync_now()
    assert controller.reachability is Reachability.UNREACHABLE
    assert page.last_error_label.isVisible()
    assert page.last_error_label.text().startswith("Could not reach the server")
    qtbot.waitUntil(lambda: page.details is not None and page.details.status.last_error is not None)
    close(page)


@pytest.fixture
def window_parts(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> Iterator[tuple[Laptop, AppContext]]:
    a = laptops[0]
    ctx = make_ctx(a, tmp_path)
    yield a, ctx
    settle(ctx)


def test_status_bar_reachability(
    qtbot: QtBot, window_parts: tuple[Laptop, AppContext], server: Server, tmp_path: Path
) -> None:
    _a, ctx = window_parts
    transports: dict[str, Any] = {"factory": factory(server)}

    def switchable(url: str, token: str | None) -> Transport:
        made: Transport = transports["factory"](url, token)
        return made

    window = MainWindow(ctx, transport_factory=switchable, sync_timing=QUIET)
    qtbot.addWidget(window)
    window.show()
    assert window.server_label.text() == "Server: not enrolled"
    controller = window.sync
    assert controller is not None
    page = window.page("sync")
    assert isinstance(page, SyncPage) and page.controller is window.sync
    window.nav.setCurrentRow(window.pages.index(page))
    page.server_edit.setText("http://dlso.test")
    page.code_edit.setText(server.code(COMMUNE))
    page.enroll()
    qtbot.waitUntil(lambda: window.server_label.text() == "Server: reachable", timeout=10_000)
    qtbot.waitUntil(lambda: not controller.running and window.pending_label.text() == "Not synced: 0 change(s)")

    transports["factory"] = offline
    with qtbot.waitSignal(controller.round_finished, timeout=10_000):
        controller.sync_now()
    assert window.server_label.text() == "Server: unreachable"
    qtbot.waitUntil(lambda: "Last sync error" in window.server_label.toolTip())

    install_language("vi")
    try:
        qtbot.waitUntil(lambda: window.server_label.text() == "Máy chủ: không kết nối được")
        transports["factory"] = factory(server)
        with qtbot.waitSignal(controller.round_finished, timeout=10_000):
            controller.sync_now()
        assert window.server_label.text() == "Máy chủ: kết nối được"
    finally:
        install_language("en")
    window.close()


def test_a_window_on_an_enrolled_laptop_checks_first(
    qtbot: QtBot, window_parts: tuple[Laptop, AppContext], server: Server
) -> None:
    a, ctx = window_parts
    a.enroll()
    timing = SyncTiming(debounce_ms=3_600_000, interval_ms=3_600_000, poll_ms=3_600_000, first_round_ms=50)
    window = MainWindow(ctx, transport_factory=factory(server), sync_timing=timing)
    qtbot.addWidget(window)
    window.show()
    assert window.server_label.text() == "Server: checking…"  # known at once, without a query
    qtbot.waitUntil(lambda: window.server_label.text() == "Server: reachable", timeout=10_000)
    assert window.sync is not None and window.sync.rounds_started == 1
    window.close()


# --- automatic sync -----------------------------------------------------------------------------------------------


def test_automatic_round_after_changes_debounced_and_never_two_at_once(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    a.enroll()
    a.sync()
    ctx = make_ctx(a, tmp_path)
    urls: list[str] = []
    timing = SyncTiming(debounce_ms=300, interval_ms=3_600_000, poll_ms=3_600_000, first_round_ms=3_600_000)
    controller = SyncController(ctx, factory(server, urls), timing)
    ctx.data_changed_callbacks.append(controller.local_change)
    controller.start()
    settle(ctx)
    assert controller.rounds_started == 0

    svc = ctx.services
    for i in range(3):  # three saves in a row: one round, after the last
        svc.villages.create(f"Buôn số {i}", "buon")
        ctx.data_changed()
        assert controller.debounce_active
    assert controller.rounds_started == 0
    qtbot.waitUntil(lambda: controller.rounds_started == 1 and not controller.running, timeout=10_000)
    assert controller.last_result is not None and controller.last_result.applied == 3
    assert sync_engine.status(a.db).pending == 0
    qtbot.wait(500)  # the round's own bookkeeping is not a change: no second round
    settle(ctx)
    assert controller.rounds_started == 1 and not controller.debounce_active

    # a request while a round runs is queued as one more round, never run alongside
    release = {"go": False}

    def slow(url: str, token: str | None) -> Transport:
        inner = AppTransport(server, token)

        class Slow:
            def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
                deadline = time.monotonic() + 10
                while not release["go"] and time.monotonic() < deadline:
                    time.sleep(0.01)
                return inner.get(path, params)

            def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
                return inner.post(path, body)

        return Slow()

    controller.transport_factory = slow
    ticks: list[int] = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    assert controller.sync_now()
    assert controller.running
    assert controller.sync_now()  # queued
    qtbot.wait(200)
    assert controller.rounds_started == 2  # the GUI thread keeps turning while the round waits
    assert len(ticks) >= 3
    release["go"] = True
    qtbot.waitUntil(lambda: controller.rounds_started == 3 and not controller.running, timeout=10_000)
    timer.stop()
    controller.shutdown()
    settle(ctx)


def test_unannounced_change_is_noticed_by_the_poll(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    a = laptops[0]
    a.enroll()
    a.sync()
    ctx = make_ctx(a, tmp_path)
    timing = SyncTiming(debounce_ms=200, interval_ms=3_600_000, poll_ms=100, first_round_ms=3_600_000)
    controller = SyncController(ctx, factory(server), timing)
    controller.start()
    qtbot.waitUntil(lambda: controller.status is not None)
    ctx.services.villages.create("Buôn Đôn", "buon")  # no ctx.data_changed()
    qtbot.waitUntil(lambda: controller.rounds_started == 1 and not controller.running, timeout=10_000)
    assert sync_engine.status(a.db).pending == 0
    controller.shutdown()
    settle(ctx)


def test_not_enrolled_never_syncs(qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path) -> None:
    ctx = make_ctx(laptops[0], tmp_path)
    timing = SyncTiming(debounce_ms=10, interval_ms=20, poll_ms=20, first_round_ms=10)
    controller = SyncController(ctx, factory(server), timing)
    ctx.data_changed_callbacks.append(controller.local_change)
    controller.start()
    ctx.services.villages.create("Buôn Đôn", "buon")
    ctx.data_changed()
    qtbot.wait(200)
    assert controller.rounds_started == 0 and not controller.sync_now()
    assert controller.reachability is Reachability.NOT_ENROLLED
    controller.shutdown()
    settle(ctx)


def test_enrolled_page_with_conflicts_fits_1366x768_at_125_percent(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path, qapp: QApplication
) -> None:
    from test_ui_layout import SCREEN, layout_problems

    from ui.settings_page import apply_font_scale

    a, b = laptops
    _two_laptops_conflict(a, b)
    a.sync()
    [conflict] = [c for c in local.conflicts(a.db) if c.field == "name"]
    local.resolve_conflict(b.db, b.user_id, conflict.id, "Buôn Kô Tam B")
    b.sync()
    local.resolve_conflict(a.db, a.user_id, conflict.id, "Buôn Kô Tam A")  # refused at the next sync
    ctx = make_ctx(a, tmp_path, language="vi")
    original = qapp.font()
    install_language("vi", qapp)
    apply_font_scale(125, 100)
    try:
        window = MainWindow(ctx, transport_factory=factory(server), sync_timing=QUIET)
        qtbot.addWidget(window)
        window.resize(SCREEN)
        window.show()
        page = window.page("sync")
        assert isinstance(page, SyncPage)
        window.nav.setCurrentRow(window.pages.index(page))
        with qtbot.waitSignal(page.controller.round_finished, timeout=10_000):
            page.sync_now()
        qtbot.waitUntil(lambda: page.details is not None and bool(page.details.rejected) and not page.loading)
        assert page.conflict_model.rowCount() == 1  # the "deleted" conflict is still open
        assert page.result_label.text().startswith("Kết quả: đã gửi")
        assert page.tabs.tabText(1) == "Thay đổi bị từ chối (1)"
        settle(ctx)  # the layout follows the texts just set
        problems = layout_problems(page)
        page.tabs.setCurrentIndex(1)
        settle(ctx)
        problems += layout_problems(page)
        assert not problems, "\n".join(problems)
        window.close()
    finally:
        qapp.setFont(original)
        install_language("en", qapp)


def test_enroll_from_the_operators_qr_image(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    from sync.server.cli import qr_payload, write_qr_png

    a = laptops[0]
    ctx = make_ctx(a, tmp_path)
    page, _controller = open_page(qtbot, ctx, server)
    code = server.code(COMMUNE)
    image = tmp_path / "code.png"
    write_qr_png(qr_payload(code, "http://dlso.test:8000"), image)
    page.read_qr_image(image)
    qtbot.waitUntil(lambda: page.code_edit.text() == code, timeout=10_000)
    assert page.server_edit.text() == "http://dlso.test:8000"
    QTest.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_view, timeout=10_000)
    assert local.get_meta(a.db, local.TOKEN)
    # a picture with no enrollment code: a clear message, nothing filled in
    other = Laptop(tmp_path / "C.sqlite", COMMUNE, server, "C")
    page2, _ = open_page(qtbot, make_ctx(other, tmp_path / "c"), server)
    blank = tmp_path / "blank.png"
    img = QtGui.QImage(200, 200, QtGui.QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    assert img.save(str(blank))
    page2.read_qr_image(blank)
    qtbot.waitUntil(lambda: page2.enroll_error.isVisible(), timeout=10_000)
    assert "code" in page2.enroll_error.text().lower() and page2.code_edit.text() == ""
    close(page)
    close(page2)
    other.close()


def test_a_new_laptop_takes_the_commune_snapshot_with_its_progress_shown(
    qtbot: QtBot, laptops: list[Laptop], server: Server, tmp_path: Path
) -> None:
    from sync.server import snapshot

    a, b = laptops
    a.enroll()
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(village.id))
    a.sync()
    assert snapshot.build(server.engine, server.app.state.snapshots.folder, COMMUNE) is not None
    ctx = make_ctx(b, tmp_path)
    page, controller = open_page(qtbot, ctx, server, make=lambda _url, token: SnapshotTransport(server, token))
    progress: list[tuple[str, int, int]] = []
    controller.progress.connect(lambda *p: progress.append(p))
    page.server_edit.setText("http://dlso.test:8000")
    page.code_edit.setText(server.code(COMMUNE))
    QTest.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.last_result is not None and not controller.running, timeout=20_000)
    assert controller.last_result is not None and controller.last_result.snapshot
    assert any(p[0] == "snapshot" and p[1] > 0 for p in progress)
    assert "came as one file" in page.result_label.text()
    assert content(b.db)["household"] == content(a.db)["household"]
    page._round_progress("snapshot", 12_500_000, 50_000_000)  # as shown while a big one downloads
    controller.running = True
    page._show_progress()
    assert page.progress_label.text() == "Downloading the commune's data: 12 of 50 MB"
    assert page.progress_bar.maximum() == 50 and page.progress_bar.value() == 12
    controller.running = False
    close(page)
