"""Overview: the commune's figures at a glance and one search box for persons and households."""

from dlso_desktop.services.views import SearchHit
from ui.app_context import AppContext
from ui.page import Page
from ui.qt import QtCore, QtWidgets


class OverviewPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QtWidgets.QVBoxLayout(self)
        self.heading = QtWidgets.QLabel(ctx.commune.display_name)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.counts_label = QtWidgets.QLabel()
        layout.addWidget(self.counts_label)
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        layout.addWidget(self.search_box)
        self.results = QtWidgets.QListWidget()
        layout.addWidget(self.results, 1)
        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(40)
        self._debounce.timeout.connect(self._run_search)
        self.search_box.textChanged.connect(self._debounce.start)
        self._query_seq = 0
        self._counts: dict[str, int] | None = None
        self.last_results: list[SearchHit] = []
        self.retranslate()

    def title(self) -> str:
        return self.tr("Overview")

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(
            self.tr("Find a person or household: name (accents optional), phone, last 4 digits of the ID…")
        )
        self._show_counts(self._counts)

    def activate(self) -> None:
        self.ctx.tasks.run(self.ctx.services.admin.stats, self._show_counts)

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _show_counts(self, counts: dict[str, int] | None) -> None:
        self._counts = counts
        if counts is None:
            self.counts_label.setText(self.tr("Counting records…"))
            return
        loc = self.locale()
        self.counts_label.setText(
            self.tr(
                "{h} households · {p} persons · {v} visits · {s} training sessions · {a} assisted submissions"
            ).format(
                h=loc.toString(counts["household"]),
                p=loc.toString(counts["person"]),
                v=loc.toString(counts["visit"]),
                s=loc.toString(counts["training_session"]),
                a=loc.toString(counts["assisted_submission"]),
            )
        )

    def _run_search(self) -> None:
        query = self.search_box.text()
        self._query_seq += 1
        seq = self._query_seq
        if not query.strip():
            self._show_results(seq, [])
            return
        search = self.ctx.services.search
        self.ctx.tasks.run(lambda: search.search(query, limit=50), lambda hits: self._show_results(seq, hits))

    def _show_results(self, seq: int, hits: list[SearchHit]) -> None:
        if seq != self._query_seq:
            return  # an older query finished after a newer one started
        self.last_results = hits
        self.results.clear()
        for h in hits:
            kind = self.tr("Person") if h.kind == "person" else self.tr("Household")
            item = QtWidgets.QListWidgetItem(f"{kind}: {h.title}" + (f" — {h.detail}" if h.detail else ""))
            item.setToolTip(item.text())  # the full text when the list elides it
            self.results.addItem(item)
        if not hits and self.search_box.text().strip():
            self.results.addItem(self.tr("Nothing found."))
