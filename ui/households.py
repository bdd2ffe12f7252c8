"""Households: the commune's households in Vietnamese order, searched as you type, filtered by village and by
"not visited yet"; a lazy model keeps it smooth at 100,000 households."""

from collections.abc import Callable, Sequence
from datetime import date

from dlso_desktop.services.views import HouseholdView, VillageView
from dlso_desktop.text import format_date_vn
from ui.app_context import AppContext
from ui.household_form import HouseholdForm
from ui.lazy_model import LazyIdTableModel
from ui.page import Page
from ui.qt import QtCore, QtGui, QtWidgets
from ui.tasks import Tasks

NO_DATE = "—"


def format_visit(value: str | None) -> str:
    """An ISO timestamp as dd/mm/yyyy, or a dash."""
    if not value:
        return NO_DATE
    try:
        return format_date_vn(date.fromisoformat(value[:10]))
    except ValueError:
        return value


class HouseholdsModel(LazyIdTableModel[HouseholdView]):
    COLUMNS = 5

    def __init__(
        self,
        tasks: Tasks,
        rows: Callable[[Sequence[str]], list[HouseholdView]],
        page_size: int = 200,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(tasks, page_size, parent)
        self._read = rows

    def headers(self) -> list[str]:
        return [
            self.tr("Head of household"),
            self.tr("Village"),
            self.tr("Address"),
            self.tr("Members"),
            self.tr("Last visit"),
        ]

    def cell(self, row: HouseholdView, column: int) -> str:
        if column == 0:
            return row.head_name
        if column == 1:
            return row.village_name
        if column == 2:
            return row.address
        if column == 3:
            return str(row.member_count)
        return format_visit(row.last_visit_at)

    def tooltip(self, row: HouseholdView, column: int) -> str | None:
        """The full head's name, village and address (long ones are elided in their columns)."""
        return (self.cell(row, column) or None) if column <= 2 else None

    def row_id(self, row: HouseholdView) -> str:
        return row.id

    def fetch(self, ids: Sequence[str]) -> Callable[[], list[HouseholdView]]:
        read, wanted = self._read, list(ids)
        return lambda: read(wanted)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)


class HouseholdsPage(Page):
    #: emitted (GUI thread) when a new list of ids is shown
    list_loaded = QtCore.Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QtWidgets.QVBoxLayout(self)
        bar = QtWidgets.QHBoxLayout()
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        bar.addWidget(self.search_box, 3)
        self.village_combo = QtWidgets.QComboBox()
        # a width that does not follow the data: a long village name must not push the filter bar off a
        # 1366x768 screen (a long name is shortened with "…"; the chosen one has a tooltip with all of it)
        self.village_combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.village_combo.setMinimumContentsLength(18)
        self.village_combo.currentTextChanged.connect(self.village_combo.setToolTip)
        bar.addWidget(self.village_combo, 1)
        self.not_visited = QtWidgets.QCheckBox()
        bar.addWidget(self.not_visited)
        self.new_button = QtWidgets.QPushButton()
        bar.addWidget(self.new_button)
        self.visit_button = QtWidgets.QPushButton()
        bar.addWidget(self.visit_button)
        layout.addLayout(bar)

        self.model = HouseholdsModel(ctx.tasks, lambda ids: self.ctx.services.households.rows(ids), parent=self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 160)
        header.resizeSection(3, 90)
        header.resizeSection(4, 110)
        layout.addWidget(self.table, 1)
        self.count_label = QtWidgets.QLabel()
        layout.addWidget(self.count_label)

        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(40)  # searches take ~10 ms: a short pause only coalesces bursts
        self._debounce.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._debounce.start)
        self.village_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.not_visited.toggled.connect(lambda _on: self.refresh())
        self.new_button.clicked.connect(self.new_item)
        self.visit_button.clicked.connect(self.record_visit)
        self.table.doubleClicked.connect(lambda index: self.open_household(self.model.id_at(index.row())))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            shortcut = QtGui.QShortcut(QtGui.QKeySequence(key), self.table)
            shortcut.setContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.open_household(self.selected_id()))
        self.setTabOrder(self.search_box, self.village_combo)
        self.setTabOrder(self.village_combo, self.not_visited)
        self.setTabOrder(self.not_visited, self.table)
        self.setTabOrder(self.table, self.new_button)
        self.setTabOrder(self.new_button, self.visit_button)

        self._villages: list[VillageView] = []
        self._seq = 0
        self.loading = False
        self.form: HouseholdForm | None = None
        self._visit_available = self._find_visit_flow() is not None
        self.retranslate()
        self._update_buttons()
        self._load_villages()
        self.refresh()
        ctx.data_changed_callbacks.append(self._data_changed)

    # -- Page hooks --------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Households")

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(self.tr("Find a household: head's name (accents optional), address…"))
        self.not_visited.setText(self.tr("Not visited yet"))
        self.new_button.setText(self.tr("New household"))
        self.new_button.setToolTip(self.tr("Ctrl+N"))
        self.visit_button.setText(self.tr("Record visit"))
        if not self._visit_available:
            self.visit_button.setToolTip(self.tr("Visits are not available in this version yet."))
        self._fill_villages()
        self.model.retranslate()
        self._show_count()

    def activate(self) -> None:
        self._load_villages()
        self.refresh()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def new_item(self) -> None:
        self.open_household(None, new=True)

    def has_unsaved_changes(self) -> bool:
        return self.form is not None and self.form.isVisible() and self.form.is_dirty()

    # -- the list ----------------------------------------------------------------------------------------

    def village_filter(self) -> str | None:
        value = self.village_combo.currentData()
        return str(value) if value else None

    def refresh(self) -> None:
        """Read the ids for the current search and filters (in the background), then show them."""
        self._debounce.stop()
        self._seq += 1
        seq = self._seq
        query = self.search_box.text().strip() or None
        village, not_visited = self.village_filter(), self.not_visited.isChecked()
        households = self.ctx.services.households
        self.loading = True
        self.ctx.tasks.run(
            lambda: households.list_ids(village_id=village, not_visited=not_visited, query=query),
            lambda ids: self._show_ids(seq, ids),
        )

    def _show_ids(self, seq: int, ids: list[str]) -> None:
        if seq != self._seq:
            return  # an older search finished after a newer one started
        try:
            selected = self.selected_id()
        except RuntimeError:  # the page was closed while the search ran
            return
        self.model.set_ids(ids)
        if selected in ids:
            self.table.selectRow(ids.index(selected))
        self.loading = False
        self._show_count()
        self._update_buttons()
        self.list_loaded.emit()

    def _show_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(self.tr("%n household(s)", "", n))

    def _load_villages(self) -> None:
        self.ctx.tasks.run(self.ctx.services.villages.list_all, self._set_villages)

    def _set_villages(self, villages: list[VillageView]) -> None:
        self._villages = villages
        self._fill_villages()

    def _fill_villages(self) -> None:
        current = self.village_filter()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem(self.tr("All villages"), "")
        for v in self._villages:
            self.village_combo.addItem(v.name, v.id)
        index = self.village_combo.findData(current) if current else 0
        self.village_combo.setCurrentIndex(max(index, 0))
        self.village_combo.blockSignals(False)
        if current and index < 0:
            self.refresh()  # the chosen village is gone (merged, deleted)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.visit_button.setEnabled(self._visit_available and self.selected_id() is not None)

    # -- actions -----------------------------------------------------------------------------------------

    def open_household(self, household_id: str | None, *, new: bool = False) -> None:
        if household_id is None and not new:
            return
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            self.form.activateWindow()
            return
        self.form = HouseholdForm(self.ctx, household_id, self)
        self.form.saved.connect(self._saved)
        self.form.open()

    def _saved(self, household_id: str) -> None:
        self.refresh()
        self.model.reload_loaded()

    def _data_changed(self) -> None:
        """Something was saved elsewhere (a visit, an import): re-read what is shown."""
        try:
            visible = self.isVisible()
        except RuntimeError:  # this page is gone
            return
        if visible:
            self._debounce.start()
            self.model.reload_loaded()

    @staticmethod
    def _find_visit_flow() -> Callable[..., object] | None:
        try:
            from ui import visit_flow  # written alongside this screen; absent in older builds
        except ImportError:
            return None
        fn = getattr(visit_flow, "open_visit", None)
        return fn if callable(fn) else None

    def record_visit(self) -> None:
        household_id = self.selected_id()
        if household_id is None:
            return
        open_visit = self._find_visit_flow()
        if open_visit is None:
            self._visit_available = False
            self._update_buttons()
            return
        open_visit(self.ctx, household_id, self)
