"""The main window (a first version: the screens issue adds households, visits, training and more).

It opens the real database, shows the commune, record counts and unsynced changes, and searches persons and
households as the user types. All database work goes through :class:`ui.tasks.Tasks`.
"""

from dlso_desktop.admin_units import commune_by_code
from dlso_desktop.services import Services
from dlso_desktop.services.views import SearchHit
from dlso_desktop.storage.store import Database
from ui.qt import QtGui, QTimer, QtWidgets
from ui.tasks import Tasks


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, db: Database, tasks: Tasks | None = None) -> None:
        super().__init__()
        self.db = db
        self.services = Services(db)
        self.tasks = tasks or Tasks(on_unhandled_error=self._show_error)
        self.commune = commune_by_code(db.commune_code)
        self.setWindowTitle(self.tr("DLSO — {commune}").format(commune=self.commune.display_name))
        self.resize(1100, 680)

        central = QtWidgets.QWidget(self)
        layout = QtWidgets.QVBoxLayout(central)
        heading = QtWidgets.QLabel(self.commune.display_name)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.counts_label = QtWidgets.QLabel(self.tr("Đang đếm hồ sơ…"))
        layout.addWidget(self.counts_label)

        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setPlaceholderText(self.tr("Tìm người hoặc hộ: tên (gõ không dấu cũng được), số điện thoại…"))
        self.search_box.setClearButtonEnabled(True)
        layout.addWidget(self.search_box)
        self.results = QtWidgets.QListWidget()
        layout.addWidget(self.results, 1)
        self.setCentralWidget(central)

        find = QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.search_box.setFocus)

        self.pending_label = QtWidgets.QLabel()
        self.statusBar().addPermanentWidget(self.pending_label)
        self.statusBar().showMessage(
            self.tr("{commune} · mã {code}").format(commune=self.commune.display_name, code=self.commune.code)
        )

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._run_search)
        self.search_box.textChanged.connect(self._debounce.start)
        self._query_seq = 0
        self.last_results: list[SearchHit] = []
        self.refresh_counts()

    # -- counts ----------------------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        self.tasks.run(self.services.admin.stats, self._show_counts)

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.counts_label.setText(
            self.tr("{h} hộ · {p} người · {v} lượt thăm · {s} buổi học").format(
                h=f"{counts['household']:,}".replace(",", "."),
                p=f"{counts['person']:,}".replace(",", "."),
                v=f"{counts['visit']:,}".replace(",", "."),
                s=f"{counts['training_session']:,}".replace(",", "."),
            )
        )
        self.pending_label.setText(self.tr("Chưa đồng bộ: {n} thay đổi").format(n=counts["outbox_pending"]))

    # -- search ----------------------------------------------------------------------------------------

    def _run_search(self) -> None:
        query = self.search_box.text()
        self._query_seq += 1
        seq = self._query_seq
        if not query.strip():
            self._show_results(seq, [])
            return
        self.tasks.run(lambda: self.services.search.search(query, limit=50), lambda hits: self._show_results(seq, hits))

    def _show_results(self, seq: int, hits: list[SearchHit]) -> None:
        if seq != self._query_seq:
            return  # an older query finished after a newer one started
        self.last_results = hits
        self.results.clear()
        for h in hits:
            kind = self.tr("Người") if h.kind == "person" else self.tr("Hộ")
            self.results.addItem(f"{kind}: {h.title}" + (f" — {h.detail}" if h.detail else ""))
        if not hits and self.search_box.text().strip():
            self.results.addItem(self.tr("Không tìm thấy."))

    def _show_error(self, exc: BaseException) -> None:
        QtWidgets.QMessageBox.critical(self, self.tr("Lỗi"), self.tr("Đã xảy ra lỗi: {e}").format(e=exc))

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.tasks.wait()
        super().closeEvent(event)
