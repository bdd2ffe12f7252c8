"""Households: the commune's households in Vietnamese order, searched as you type, filtered by village and by
"not visited yet"; a lazy model keeps it smooth at 100,000 households."""

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date

from dlso_desktop.models import Role
from dlso_desktop.services.erasure import ErasurePreview, ErasureResult
from dlso_desktop.services.views import HouseholdDetail, HouseholdView, PersonView, VillageView
from dlso_desktop.text import format_date_vn
from dlso_desktop.validation import ValidationError
from sync import erasure as erasure_rules
from ui.app_context import AppContext
from ui.household_form import HouseholdForm
from ui.lazy_model import LazyIdTableModel
from ui.page import Page
from ui.qt import QtCore, QtGui, QtWidgets
from ui.settings import LANGUAGE
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
        #: the commune operator's "withdraw consent and erase data" (the row's context menu)
        self.may_erase = ctx.services.ctx.may(Role.COMMUNE_OPERATOR)
        self.erase_action = QtGui.QAction(self)
        self.erase_action.triggered.connect(self.erase_person)
        self.erase_action.setVisible(self.may_erase)
        if self.may_erase:
            self.table.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
            self.table.customContextMenuRequested.connect(self._context_menu)
        self.erasure: ErasureDialog | None = None
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
        self.erase_action.setText(self.tr("Withdraw consent and erase a person's data…"))
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

    def _context_menu(self, pos: QtCore.QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        self.erase_action.setEnabled(self.selected_id() is not None)
        menu = QtWidgets.QMenu(self)
        menu.addAction(self.erase_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def erase_person(self) -> None:
        """The operator's consent withdrawal and erasure, for a member of the selected household."""
        household_id = self.selected_id()
        if household_id is None or not self.may_erase:
            return
        self.erasure = ErasureDialog(self.ctx, household_id, self)
        self.erasure.erased.connect(lambda _pid: self._saved(household_id))
        self.erasure.open()

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


#: the word typed to confirm an erasure (both spellings of the tone mark are accepted)
CONFIRM_WORDS = frozenset({"XOÁ", "XÓA"})


def confirmed(text: str) -> bool:
    """Whether the typed text is the confirmation word (any case, composed or not)."""
    return unicodedata.normalize("NFC", text.strip()).upper() in CONFIRM_WORDS


class ErasureDialog(QtWidgets.QDialog):
    """Withdraw a person's consent and erase their data: choose the member, read what goes and what remains,
    give the reason, type XOÁ. The erasure runs on the write thread; the result is shown here."""

    #: emitted (GUI thread) with the person's id once their data was erased
    erased = QtCore.Signal(str)

    def __init__(self, ctx: AppContext, household_id: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.setModal(True)
        self.setMinimumWidth(560)
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QtWidgets.QFormLayout()
        self.person_combo = QtWidgets.QComboBox()
        self.person_label = QtWidgets.QLabel()
        self.person_label.setBuddy(self.person_combo)
        form.addRow(self.person_label, self.person_combo)
        layout.addLayout(form)
        self.preview_label = QtWidgets.QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        layout.addWidget(self.preview_label)
        form2 = QtWidgets.QFormLayout()
        self.reason_combo = QtWidgets.QComboBox()
        self.reason_label = QtWidgets.QLabel()
        self.reason_label.setBuddy(self.reason_combo)
        form2.addRow(self.reason_label, self.reason_combo)
        self.confirm_edit = QtWidgets.QLineEdit()
        self.confirm_label = QtWidgets.QLabel()
        self.confirm_label.setBuddy(self.confirm_edit)
        form2.addRow(self.confirm_label, self.confirm_edit)
        layout.addLayout(form2)
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QtWidgets.QDialogButtonBox()
        self.erase_button = self.buttons.addButton("", QtWidgets.QDialogButtonBox.ButtonRole.DestructiveRole)
        self.close_button = self.buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(self.buttons)

        self.preview: ErasurePreview | None = None
        self.outcome: ErasureResult | None = None
        self.busy = False
        self._seq = 0
        self.person_combo.currentIndexChanged.connect(lambda _i: self._load_preview())
        self.reason_combo.currentIndexChanged.connect(lambda _i: self._update())
        self.confirm_edit.textChanged.connect(lambda _t: self._update())
        self.erase_button.clicked.connect(self.erase)
        self.close_button.clicked.connect(self.reject)
        self.retranslate()
        self._update()
        households = ctx.services.households
        ctx.tasks.run(lambda: households.get(household_id), self._set_household, self._failed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Withdraw consent and erase data"))
        self.intro.setText(
            self.tr(
                "The person withdraws their consent: their name, birth date, citizen ID, phone, ethnic group,"
                " language and notes are erased here and, at the next sync, on the server and on every laptop."
                " Visits, training, submissions and certificates stay as anonymous counts. This cannot be undone."
            )
        )
        self.person_label.setText(self.tr("&Person:"))
        self.reason_label.setText(self.tr("&Reason:"))
        self.confirm_label.setText(self.tr("Type XOÁ to &confirm:"))
        self.confirm_edit.setPlaceholderText("XOÁ")
        current = self.reason_combo.currentData()
        self.reason_combo.blockSignals(True)
        self.reason_combo.clear()
        self.reason_combo.addItem(self.tr("Choose a reason…"), "")
        labels = {
            "person_asked": self.tr("The person asked"),
            "entered_by_mistake": self.tr("Data entered by mistake"),
            "other": self.tr("Other"),
        }
        for code in erasure_rules.REASONS:
            self.reason_combo.addItem(labels[code], code)
        self.reason_combo.setCurrentIndex(max(self.reason_combo.findData(current), 0) if current else 0)
        self.reason_combo.blockSignals(False)
        self.erase_button.setText(self.tr("Erase"))
        self._show_preview()

    def reason(self) -> str:
        return str(self.reason_combo.currentData() or "")

    def person_id(self) -> str | None:
        value = self.person_combo.currentData()
        return str(value) if value else None

    def _set_household(self, detail: HouseholdDetail) -> None:
        members: list[PersonView] = [m for m in detail.members if m.full_name != erasure_rules.PLACEHOLDER]
        self.person_combo.blockSignals(True)
        self.person_combo.clear()
        for m in members:
            self.person_combo.addItem(m.full_name, m.id)
        self.person_combo.blockSignals(False)
        if not members:
            self.message.setText(self.tr("Nobody in this household has data left to erase."))
        self._load_preview()

    def _load_preview(self) -> None:
        self.preview = None
        self._seq += 1
        seq = self._seq
        self._show_preview()
        person_id = self.person_id()
        if person_id is None:
            self._update()
            return
        erasure = self.ctx.services.erasure
        self.ctx.tasks.run(lambda: erasure.preview(person_id), lambda p: self._set_preview(seq, p), self._failed)

    def _set_preview(self, seq: int, preview: ErasurePreview) -> None:
        if seq != self._seq:
            return
        self.preview = preview
        self._show_preview()
        self._update()
        self.adjustSize()  # the lists are longer than the placeholder the dialog was sized for

    def _show_preview(self) -> None:
        p = self.preview
        if p is None:
            self.preview_label.setText(self.tr("Reading what would be erased…") if self.person_id() else "")
            return
        goes = [self.tr("the person's name, birth date, citizen ID, phone, ethnic group, language and notes")]
        if p.household_alone:
            goes.append(self.tr("the household's head name, address, phone and notes (the person lives alone)"))
        elif p.is_head:
            goes.append(self.tr("the household's head name, phone and notes (the person is its head)"))
        if p.visit_notes:
            goes.append(self.tr("the notes of %n visit(s) about this person", "", p.visit_notes))
        if p.submissions:
            goes.append(self.tr("the dossier codes and notes of %n submission(s)", "", p.submissions))
        if p.certificates:
            goes.append(self.tr("the stored copy of %n certificate(s), which are revoked", "", p.certificates))
        if p.drafts:
            goes.append(self.tr("%n unsaved form draft(s)", "", p.drafts))
        remains = [
            self.tr("%n visit(s)", "", p.visits),
            self.tr("%n training attendance(s)", "", p.attendances),
            self.tr("%n submission(s)", "", p.submissions),
            self.tr("%n certificate(s)", "", p.certificates),
        ]

        def items(texts: list[str]) -> str:
            return "".join(f"<li>{t.replace('&', '&amp;').replace('<', '&lt;')}</li>" for t in texts)

        self.preview_label.setText(
            "<b>{}</b><ul>{}</ul><b>{}</b><ul>{}</ul>".format(
                self.tr("Erased:"), items(goes), self.tr("Kept as anonymous counts:"), items(remains)
            )
        )

    def _update(self) -> None:
        done = self.outcome is not None
        ready = self.preview is not None and bool(self.reason()) and confirmed(self.confirm_edit.text())
        self.erase_button.setEnabled(ready and not self.busy and not done)
        self.erase_button.setVisible(not done)
        for widget in (self.person_combo, self.reason_combo, self.confirm_edit):
            widget.setEnabled(not self.busy and not done)

    def erase(self) -> None:
        person_id, reason = self.person_id(), self.reason()
        if person_id is None or not reason or not confirmed(self.confirm_edit.text()) or self.busy:
            return
        self.busy = True
        self.message.setText(self.tr("Erasing…"))
        self._update()
        erasure = self.ctx.services.erasure
        self.ctx.tasks.write(lambda: erasure.erase(person_id, reason), self._erased, self._failed)

    def _erased(self, result: ErasureResult) -> None:
        self.busy = False
        self.outcome = result
        self.message.setText(
            self.tr(
                "Consent withdrawn and the person's data erased on this laptop. The next sync erases it on the"
                " server and on the other laptops. Backups made before today still hold it until they are"
                " replaced."
            )
        )
        self.close_button.setText(self.tr("Close"))
        self._update()
        self.ctx.data_changed()
        self.erased.emit(result.person_id)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ValidationError):
            text = exc.message_vi if self.ctx.settings.get(LANGUAGE) == "vi" else exc.message_en
        else:
            text = f"{type(exc).__name__}: {exc}"
        self.message.setText(self.tr("Nothing was erased: {error}").format(error=text))
        self._update()
