"""The main window: navigation on the left, one page at a time, and a status bar that always says who is
signed in, which commune this is, how many changes wait to be synced and whether the server is reachable.

The window is shown before the data layer is even imported (start-up must feel instant on a 2-core
laptop): until :meth:`MainWindow.attach` gives it an :class:`AppContext`, it shows the navigation and
"opening the data…". Pages are imported on attach, from :data:`PAGES`; a page whose module is not there yet
shows what it will hold instead.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from ui.i18n import Retranslatable
from ui.page import Page
from ui.qt import QtCore, QtGui, QtWidgets

if TYPE_CHECKING:
    from ui.app_context import AppContext
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
    ("settings", "ui.settings_page", "SettingsPage"),
)


def page_titles() -> dict[str, str]:
    """Navigation labels in the current language (one list for the window and its pending pages)."""
    return {
        "overview": QtCore.QCoreApplication.translate("MainWindow", "Overview"),
        "households": QtCore.QCoreApplication.translate("MainWindow", "Households"),
        "training": QtCore.QCoreApplication.translate("MainWindow", "Training"),
        "submissions": QtCore.QCoreApplication.translate("MainWindow", "Online services"),
        "certificates": QtCore.QCoreApplication.translate("MainWindow", "Certificates"),
        "sync": QtCore.QCoreApplication.translate("MainWindow", "Sync"),
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
    creates on :meth:`attach` (tests give an in-process server and short timers)."""

    def __init__(
        self,
        ctx: AppContext | None = None,
        *,
        transport_factory: TransportFactory | None = None,
        sync_timing: SyncTiming | None = None,
    ) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.sync: SyncController | None = None
        self._transport_factory = transport_factory
        self._sync_timing = sync_timing
        self.resize(1280, 720)
        self.nav = QtWidgets.QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        for _ in PAGES:
            self.nav.addItem(QtWidgets.QListWidgetItem())
        self.stack = QtWidgets.QStackedWidget()
        self.loading = QtWidgets.QLabel()
        self.loading.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.pages: list[Page] = []
        central = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.user_label = QtWidgets.QLabel()
        self.pending_label = QtWidgets.QLabel()
        self.server_label = QtWidgets.QLabel()
        for w in (self.user_label, self.pending_label, self.server_label):
            self.statusBar().addPermanentWidget(w)
        self._pending = 0
        self.retranslate()
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: AppContext) -> None:
        """The data is open and the user signed in: build the pages."""
        from ui.sync_controller import SyncController

        self.ctx = ctx
        self.sync = SyncController(ctx, self._transport_factory, self._sync_timing, self)
        self.sync.state_changed.connect(self._sync_state_changed)
        self.stack.removeWidget(self.loading)
        for key, module, cls in PAGES:
            page = self._make_page(key, module, cls)
            self.pages.append(page)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._show_page)
        for i in range(len(self.pages)):
            sc = QtGui.QShortcut(QtGui.QKeySequence(f"Ctrl+{i + 1}"), self)
            sc.activated.connect(lambda i=i: self.nav.setCurrentRow(i))
        QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Find, self).activated.connect(
            lambda: self.current_page().focus_search()
        )
        QtGui.QShortcut(QtGui.QKeySequence.StandardKey.New, self).activated.connect(
            lambda: self.current_page().new_item()
        )
        # a local change: the status bar recounts, and the controller syncs a little later (it also recounts
        # every minute, which catches a change no screen announced)
        ctx.data_changed_callbacks.append(self.sync.local_change)
        self.retranslate()
        self.nav.setCurrentRow(0)
        self._show_page(0)
        self.sync.start()

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
        return self.pages[[k for k, _, _ in PAGES].index(key)]

    def _show_page(self, row: int) -> None:
        if row < 0:
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
        else:
            self.setWindowTitle(self.tr("DLSO — {commune}").format(commune=self.ctx.commune.display_name))
        for i, (key, _, _) in enumerate(PAGES):
            item = self.nav.item(i)
            if item is not None:
                item.setText(self.pages[i].title() if i < len(self.pages) else titles[key])
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
        super().closeEvent(event)
