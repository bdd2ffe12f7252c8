"""The main window: navigation on the left, one page at a time, and a status bar that always says who is
signed in, which commune this is, how many changes wait to be synced and whether the server is reachable.

The window is shown before the data layer is even imported (start-up must feel instant on a 2-core
laptop): until :meth:`MainWindow.attach` gives it an :class:`AppContext`, it shows the navigation and
"opening the data…". Pages are imported on attach, from :data:`PAGES`; a page whose module is not there yet
shows what it will hold instead. A page listed in :data:`PAGE_MIN_ROLE` is built only for that role and above.

Locking (issue 6, ``ui/lock.py``): after inactivity (Settings, default 5 minutes) or on "Khóa máy" (Ctrl+L) the
window's content leaves the window (``takeCentralWidget``) and the lock screen takes its place; "Đăng xuất" /
"Đổi người dùng" closes the database and drops the pages (:meth:`MainWindow.sign_out`, then
:attr:`MainWindow.signed_out` lets ``main.py`` show the sign-in again).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from ui.i18n import Retranslatable
from ui.page import Page
from ui.qt import QtCore, QtGui, QtWidgets, Signal

if TYPE_CHECKING:
    from dlso_desktop.storage.keystore import PinThrottle
    from ui.app_context import AppContext
    from ui.lock import InactivityWatcher, LockScreen
    from ui.sign_in import Attempt
    from ui.sync_controller import SyncController, SyncTiming, TransportFactory

log = logging.getLogger(__name__)

#: (key, module, class) in navigation order
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "ui.overview", "OverviewPage"),
    ("households", "ui.households", "HouseholdsPage"),
    ("training", "ui.training", "TrainingPage"),
    ("submissions", "ui.submissions", "SubmissionsPage"),
    ("certificates", "ui.certificates", "CertificatesPage"),
    ("sync", "ui.sync_page", "SyncPage"),
    ("users", "ui.users_page", "UsersPage"),
    ("audit", "ui.audit_page", "AuditPage"),
    ("settings", "ui.settings_page", "SettingsPage"),
)

#: pages shown only to this role and above (``Role`` values); the services refuse the rest anyway
PAGE_MIN_ROLE: dict[str, str] = {"audit": "commune_operator"}

_ROLE_RANK = {"team_member": 0, "team_head": 1, "commune_operator": 2}


def visible_pages(role: str | None) -> list[tuple[str, str, str]]:
    """The pages of :data:`PAGES` a user of ``role`` sees (None: the system, every page)."""
    rank = 2 if role is None else _ROLE_RANK.get(role, -1)
    return [p for p in PAGES if rank >= _ROLE_RANK.get(PAGE_MIN_ROLE.get(p[0], "team_member"), 0)]


def page_titles() -> dict[str, str]:
    """Navigation labels in the current language (one list for the window and its pending pages)."""
    return {
        "overview": QtCore.QCoreApplication.translate("MainWindow", "Overview"),
        "households": QtCore.QCoreApplication.translate("MainWindow", "Households"),
        "training": QtCore.QCoreApplication.translate("MainWindow", "Training"),
        "submissions": QtCore.QCoreApplication.translate("MainWindow", "Online services"),
        "certificates": QtCore.QCoreApplication.translate("MainWindow", "Certificates"),
        "sync": QtCore.QCoreApplication.translate("MainWindow", "Sync"),
        "users": QtCore.QCoreApplication.translate("MainWindow", "Users"),
        "audit": QtCore.QCoreApplication.translate("MainWindow", "Audit trail"),
        "settings": QtCore.QCoreApplication.translate("MainWindow", "Settings"),
    }


class PendingPage(Page):
    """Stands in for a screen a later issue builds (certificates, sync)."""

    def __init__(self, ctx: AppContext, key: str) -> None:
        super().__init__(ctx)
        self.key = key
        layout = QtWidgets.QVBoxLayout(self)
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        self.label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.retranslate()

    def title(self) -> str:
        return page_titles().get(self.key, self.key)

    def retranslate(self) -> None:
        self.label.setText(self.tr("This screen is not available in this version yet."))


class MainWindow(Retranslatable, QtWidgets.QMainWindow):
    """``transport_factory`` and ``sync_timing`` go to the :class:`ui.sync_controller.SyncController` the window
    creates on :meth:`attach` (tests give an in-process server and short timers); ``lock_after_ms`` replaces
    the inactivity delay of the settings (tests)."""

    #: the user signed out ("Đăng xuất", "Đổi người dùng"): the database is closed, the pages are gone
    signed_out = Signal()

    def __init__(
        self,
        ctx: AppContext | None = None,
        *,
        transport_factory: TransportFactory | None = None,
        sync_timing: SyncTiming | None = None,
        lock_after_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.sync: SyncController | None = None
        self._transport_factory = transport_factory
        self._sync_timing = sync_timing
        self._lock_after_ms = lock_after_ms
        self.keys: list[str] = [k for k, _, _ in PAGES]
        self.lock_screen: LockScreen | None = None
        self._hidden_windows: list[QtWidgets.QWidget] = []
        self._focus_before_lock: QtWidgets.QWidget | None = None
        self.watcher: InactivityWatcher | None = None
        self.resize(1280, 720)
        self.nav = QtWidgets.QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        for _ in PAGES:
            self.nav.addItem(QtWidgets.QListWidgetItem())
        self.lock_button = QtWidgets.QPushButton()
        self.lock_button.setObjectName("lock_button")
        self.lock_button.clicked.connect(self.lock)
        self.sign_out_button = QtWidgets.QPushButton()
        self.sign_out_button.setObjectName("sign_out_button")
        self.sign_out_button.clicked.connect(self.sign_out)
        for b in (self.lock_button, self.sign_out_button):
            b.setFixedWidth(190)
            b.setEnabled(False)
        self.stack = QtWidgets.QStackedWidget()
        self.loading = QtWidgets.QLabel()
        self.loading.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.pages: list[Page] = []
        self.content = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        side = QtWidgets.QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 4)
        side.addWidget(self.nav, 1)
        side.addWidget(self.lock_button)
        side.addWidget(self.sign_out_button)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(self.content)
        self.nav.currentRowChanged.connect(self._show_page)
        for i in range(len(PAGES)):
            sc = QtGui.QShortcut(QtGui.QKeySequence(f"Ctrl+{i + 1}"), self)
            sc.activated.connect(lambda i=i: self._go_to_row(i))
        QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Find, self).activated.connect(self._focus_search)
        QtGui.QShortcut(QtGui.QKeySequence.StandardKey.New, self).activated.connect(self._new_item)
        self.lock_shortcut = QtGui.QShortcut(QtGui.QKeySequence("Ctrl+L"), self)
        self.lock_shortcut.activated.connect(self.lock)

        self.user_label = QtWidgets.QLabel()
        self.pending_label = QtWidgets.QLabel()
        self.server_label = QtWidgets.QLabel()
        for w in (self.user_label, self.pending_label, self.server_label):
            self.statusBar().addPermanentWidget(w)
        self._pending = 0
        self.retranslate()
        if ctx is not None:
            self.attach(ctx)

    def _go_to_row(self, row: int) -> None:
        if not self.is_locked and row < len(self.pages):
            self.nav.setCurrentRow(row)

    def _focus_search(self) -> None:
        if self.pages and not self.is_locked:
            self.current_page().focus_search()

    def _new_item(self) -> None:
        if self.pages and not self.is_locked:
            self.current_page().new_item()

    @property
    def is_locked(self) -> bool:
        return self.lock_screen is not None

    def attach(self, ctx: AppContext) -> None:
        """The data is open and the user signed in: build the pages (those the user's role may see)."""
        from ui.sync_controller import SyncController

        self.ctx = ctx
        self.sync = SyncController(ctx, self._transport_factory, self._sync_timing, self)
        self.sync.state_changed.connect(self._sync_state_changed)
        self.stack.removeWidget(self.loading)
        shown = visible_pages(ctx.user.role if ctx.user else None)
        self.keys = [k for k, _, _ in shown]
        self.nav.blockSignals(True)
        self.nav.clear()
        for key, module, cls in shown:
            page = self._make_page(key, module, cls)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.nav.addItem(QtWidgets.QListWidgetItem())
        self.nav.blockSignals(False)
        # a local change: the status bar recounts, and the controller syncs a little later (it also recounts
        # every minute, which catches a change no screen announced)
        ctx.data_changed_callbacks.append(self.sync.local_change)
        self.lock_button.setEnabled(True)
        self.sign_out_button.setEnabled(True)
        self.retranslate()
        self.nav.setCurrentRow(0)
        self._show_page(0)
        self.sync.start()
        self._start_watch()

    # -- locking and signing out -------------------------------------------------------------------------

    def _lock_timeout_ms(self) -> int:
        if self._lock_after_ms is not None:
            return self._lock_after_ms
        from ui.settings import AUTO_LOCK_MINUTES

        minutes = self.ctx.settings.get(AUTO_LOCK_MINUTES) if self.ctx is not None else 5
        return max(1, minutes) * 60_000

    def _start_watch(self) -> None:
        from ui.lock import InactivityWatcher

        if self.watcher is None:
            self.watcher = InactivityWatcher(self._lock_timeout_ms(), self.lock, self)
        else:
            self.watcher.set_timeout(self._lock_timeout_ms())
        self.watcher.start()

    def set_auto_lock_minutes(self, minutes: int) -> None:
        """The setting changed: count the new delay from now."""
        if self._lock_after_ms is None and self.watcher is not None:
            self.watcher.set_timeout(max(1, minutes) * 60_000)
            if not self.is_locked:
                self.watcher.start()

    def _quiesce(self) -> None:
        """Stop background sync and let running work finish (its results are delivered now)."""
        if self.sync is not None:
            self.sync.shutdown()
        if self.ctx is not None:
            for _ in range(3):
                self.ctx.tasks.wait()
                QtWidgets.QApplication.processEvents()

    def lock(self) -> None:
        """Hide everything behind the lock screen at once, stop sync, let tasks finish, forget the key."""
        from ui.lock import LockScreen, hide_other_windows

        if self.ctx is None or self.ctx.user is None or self.is_locked:
            return
        if self.watcher is not None:
            self.watcher.stop()
        focus = QtWidgets.QApplication.focusWidget()
        self._focus_before_lock = focus if focus is not None and self.content.isAncestorOf(focus) else None
        self._hidden_windows = hide_other_windows(self)
        taken = self.takeCentralWidget()  # the pages leave the window's widget tree
        assert taken is self.content
        self.content.hide()
        self.statusBar().hide()
        user = self.ctx.user
        self.lock_screen = LockScreen(
            user.id, user.display_name, self._unlock_attempt(), self.ctx.tasks, self._throttle()
        )
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.switch_user.connect(self.sign_out)
        self.setCentralWidget(self.lock_screen)
        self.retranslate()
        self.lock_screen.focus_pin()
        self._quiesce()
        self.ctx.db.lock()

    def _throttle(self) -> PinThrottle:
        from dlso_desktop.storage.keystore import PinThrottle, throttle_path

        assert self.ctx is not None
        return PinThrottle(throttle_path(self.ctx.db.path))

    def _unlock_attempt(self) -> Attempt:
        """The same user's PIN: the keystore gives the key back (encrypted), or ``pin_hash`` (plaintext)."""
        from dlso_desktop.storage.store import key_for_pin
        from ui.sign_in import plaintext_attempt

        assert self.ctx is not None
        db, throttle = self.ctx.db, self._throttle()
        store = db.keystore
        if store is None:
            return plaintext_attempt(db, throttle)
        return lambda user_id, pin: key_for_pin(store, user_id, pin, throttle)

    def _unlocked(self, result: object) -> None:
        if self.ctx is None or self.lock_screen is None:
            return
        if isinstance(result, bytes):
            self.ctx.db.resume(result)
        screen = self.takeCentralWidget()
        self.lock_screen = None
        if screen is not None:
            screen.deleteLater()
        self.setCentralWidget(self.content)
        self.content.show()
        self.statusBar().show()
        for w in self._hidden_windows:
            w.show()
        self._hidden_windows = []
        if self._focus_before_lock is not None:
            self._focus_before_lock.setFocus()
        self.retranslate()
        if self.sync is not None:
            self.sync._closing = False  # the controller has no "resume" of its own: shutdown() only set this
            self.sync.start()
        self._start_watch()

    def sign_out(self) -> bool:
        """ "Đăng xuất" / "Đổi người dùng": close the database and drop the pages (unsaved forms: ask first).
        False if the user chose to stay."""
        if self.ctx is None:
            return False
        if any(p.has_unsaved_changes() for p in self.pages):
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("Some forms have changes that are not saved. They are kept as drafts. Sign out anyway?"),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return False
        self.detach()
        self.signed_out.emit()
        return True

    def detach(self) -> None:
        """Forget the signed-in session: stop sync and the inactivity watch, drop every page, close the
        database (no keyed connection, no key reference remains in the window)."""
        if self.ctx is None:
            return
        if self.watcher is not None:
            self.watcher.stop()
        if not self.is_locked:
            self._quiesce()
        for w in self._hidden_windows:
            w.deleteLater()
        self._hidden_windows = []
        if self.lock_screen is not None:
            screen = self.takeCentralWidget()
            if screen is not None:
                screen.deleteLater()
            self.lock_screen = None
            self.setCentralWidget(self.content)
            self.content.show()
        self.statusBar().show()
        ctx, sync = self.ctx, self.sync
        self.ctx, self.sync = None, None
        for page in self.pages:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages = []
        self.stack.addWidget(self.loading)
        self.stack.setCurrentWidget(self.loading)
        if sync is not None:
            sync.deleteLater()
        ctx.data_changed_callbacks.clear()
        ctx.db.close()
        self._pending = 0
        self.keys = [k for k, _, _ in PAGES]
        self.nav.blockSignals(True)
        self.nav.clear()
        for _ in PAGES:
            self.nav.addItem(QtWidgets.QListWidgetItem())
        self.nav.blockSignals(False)
        self.lock_button.setEnabled(False)
        self.sign_out_button.setEnabled(False)
        self.retranslate()

    def _make_page(self, key: str, module: str, cls: str) -> Page:
        assert self.ctx is not None
        try:
            page_cls = getattr(importlib.import_module(module), cls)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            return PendingPage(self.ctx, key)
        page: Page = page_cls(self.ctx, self.sync) if key == "sync" else page_cls(self.ctx)
        return page

    def current_page(self) -> Page:
        return self.pages[self.stack.currentIndex()]

    def page(self, key: str) -> Page:
        return self.pages[self.keys.index(key)]

    def _show_page(self, row: int) -> None:
        if row < 0 or row >= len(self.pages):
            return
        self.stack.setCurrentIndex(row)
        self.pages[row].activate()

    def refresh_pending(self) -> None:
        """Recount the changes waiting to be synced (the sync controller reads the status in the background)."""
        if self.sync is not None:
            self.sync.refresh()

    def _sync_state_changed(self) -> None:
        if self.sync is not None and self.sync.status is not None:
            self._pending = self.sync.status.pending
        self.retranslate_status()

    def retranslate(self) -> None:
        titles = page_titles()
        if self.ctx is None:
            self.setWindowTitle("DLSO")
            self.loading.setText(self.tr("Opening the data…"))
        elif self.is_locked:
            self.setWindowTitle(self.tr("DLSO — locked"))
        else:
            self.setWindowTitle(self.tr("DLSO — {commune}").format(commune=self.ctx.commune.display_name))
        for i, key in enumerate(self.keys):
            item = self.nav.item(i)
            if item is not None:
                item.setText(self.pages[i].title() if i < len(self.pages) else titles.get(key, key))
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self.lock_button.setToolTip(self.tr("Hide everything until the PIN is typed again."))
        self.sign_out_button.setText(self.tr("Sign out"))
        self.retranslate_status()

    def retranslate_status(self) -> None:
        if self.ctx is None:
            self.user_label.setText("")
            self.pending_label.setText("")
            self.server_label.setText("")
            return
        user = self.ctx.user
        roles = {
            "team_member": self.tr("team member"),
            "team_head": self.tr("team head"),
            "commune_operator": self.tr("commune operator"),
        }
        who = f"{user.display_name} ({roles.get(user.role, user.role)})" if user else self.tr("Not signed in")
        self.user_label.setText(f"{who} · {self.ctx.commune.display_name}")
        self.pending_label.setText(self.tr("Not synced: %Ln change(s)", "", self._pending))
        self.server_label.setText(self._server_text())
        error = self.sync.status.last_error if self.sync is not None and self.sync.status is not None else None
        self.server_label.setToolTip(self.tr("Last sync error: {error}").format(error=error) if error else "")

    def _server_text(self) -> str:
        from ui.sync_controller import Reachability

        state = self.sync.reachability if self.sync is not None else Reachability.NOT_ENROLLED
        if state is Reachability.REACHABLE:
            return self.tr("Server: reachable")
        if state is Reachability.UNREACHABLE:
            return self.tr("Server: unreachable")
        if state is Reachability.UNKNOWN:
            return self.tr("Server: checking…")
        return self.tr("Server: not enrolled")

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if any(p.has_unsaved_changes() for p in self.pages):
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("Some forms have changes that are not saved. They are kept as drafts. Close anyway?"),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self.sync is not None:
            self.sync.shutdown()  # a running round stops at its next step
        if self.ctx is not None:
            self.ctx.tasks.wait()
        if self.watcher is not None:
            self.watcher.remove()
        super().closeEvent(event)
