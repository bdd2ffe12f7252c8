"""Online public services: record a submission made with a person's help, follow its status."""

from datetime import date
from typing import Any

from dlso_desktop.catalogue import PORTALS
from dlso_desktop.models import SUBMISSION_STATUS_RANK, SubmissionStatus
from dlso_desktop.services.submissions import SubmissionInput
from dlso_desktop.services.views import ProcedureView, SubmissionView
from dlso_desktop.text import fold, format_date_vn, parse_date_vn
from dlso_desktop.validation import ValidationError
from ui.app_context import AppContext
from ui.list_model import RowListModel
from ui.page import Page
from ui.person_picker import DraftKeeper, FieldErrors, PersonPicker, error_label
from ui.qt import QtCore, QtGui, QtWidgets
from ui.settings import LANGUAGE
from ui.widgets import FormScrollArea

Qt = QtCore.Qt
_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex


def status_label(status: str) -> str:
    labels = {
        SubmissionStatus.PREPARED.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Prepared"),
        SubmissionStatus.SUBMITTED.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Submitted"),
        SubmissionStatus.RECEIVED.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Received"),
        SubmissionStatus.PROCESSING.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Processing"),
        SubmissionStatus.COMPLETED.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Completed"),
        SubmissionStatus.REJECTED.value: QtCore.QCoreApplication.translate("SubmissionsPage", "Rejected"),
    }
    return labels.get(status, status)


def portal_label(portal: str, language: str) -> str:
    for code, vi, en in PORTALS:
        if code == portal:
            return vi if language == "vi" else en
    return portal


def fit_date_edit(edit: QtWidgets.QLineEdit) -> None:
    """A date filter shows its whole format hint (ngày/tháng/năm) and a date, at any text size."""
    metrics = edit.fontMetrics()
    text = max(metrics.horizontalAdvance(edit.placeholderText()), metrics.horizontalAdvance("00/00/0000"))
    clear_button = edit.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_SmallIconSize) + 8
    edit.setFixedWidth(text + 2 * 6 + clear_button + 8)  # text margins, the clear button, some air


def parse_date_filter(edit: QtWidgets.QLineEdit) -> tuple[bool, date | None]:
    """A date filter's date typed as dd/mm/yyyy: (True, None) when empty, (False, None) when not a date."""
    text = edit.text().strip()
    if not text:
        return True, None
    try:
        return True, parse_date_vn(text)
    except ValueError:
        return False, None


class SubmissionModel(RowListModel[SubmissionView]):
    """The submissions matching the filter (at most a few hundred: ``find`` is limited)."""

    DATE, PROCEDURE, PERSON, PORTAL, DOSSIER, STATUS, FULL_ONLINE = range(7)
    COLUMNS = 7

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.language = "vi"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self.row_at(index)
        if s is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.FULL_ONLINE:
                return None
            return [
                format_date_vn(s.submitted_on),
                s.procedure_name,
                s.person_name,
                portal_label(s.portal, self.language),
                s.dossier_code,
                status_label(s.status),
            ][col]
        if role == Qt.ItemDataRole.CheckStateRole and col == self.FULL_ONLINE:
            return Qt.CheckState.Checked if s.full_online else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.PROCEDURE, self.PERSON):
            return s.procedure_name if col == self.PROCEDURE else s.person_name  # full text of an elided name
        if role == Qt.ItemDataRole.UserRole:
            return s.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not 0 <= section < 7:
            return None
        return [
            QtCore.QCoreApplication.translate("SubmissionModel", "Date"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Procedure"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Person"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Portal"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Dossier code"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Status"),
            QtCore.QCoreApplication.translate("SubmissionModel", "Full online"),
        ][section]


class SubmissionsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.procedures: list[ProcedureView] = []
        self.person_id: str | None = None
        self.dirty = False
        self.busy = 0

        outer = QtWidgets.QHBoxLayout(self)
        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        # --- the form (scrolls at 1366x768 / 125 %) ----------------------------------------------------
        scroll = FormScrollArea()  # never sideways: the splitter gives the form its minimum width
        form_holder = QtWidgets.QWidget()
        holder_layout = QtWidgets.QVBoxLayout(form_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        user = ctx.user.id if ctx.user else "anonymous"
        self.draft = DraftKeeper(ctx, f"submission.new.{user}", self.draft_fields, self.apply_draft)
        holder_layout.addWidget(self.draft)
        self.form_box = QtWidgets.QGroupBox()
        holder_layout.addWidget(self.form_box)
        scroll.setWidget(form_holder)
        form = QtWidgets.QFormLayout(self.form_box)
        self.errors = FieldErrors(ctx)

        self.procedure_filter = QtWidgets.QLineEdit()
        self.procedure_filter.setClearButtonEnabled(True)
        self.procedure_combo = QtWidgets.QComboBox()
        self.procedure_combo.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.procedure_combo.setMinimumContentsLength(20)
        self.person_label = QtWidgets.QLabel()
        self.person_label.setWordWrap(True)
        self.picker = PersonPicker(ctx)
        self.portal_combo = QtWidgets.QComboBox()
        self.status_combo = QtWidgets.QComboBox()
        for combo in (self.portal_combo, self.status_combo):  # long names must not widen the form: the list
            combo.setSizeAdjustPolicy(  # opens as wide as its longest entry, the tooltip has the full name
                QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
        self.dossier_edit = QtWidgets.QLineEdit()
        self.dossier_edit.setMaxLength(40)
        self.full_online_check = QtWidgets.QCheckBox()
        self.fee_check = QtWidgets.QCheckBox()
        self.minutes_spin = QtWidgets.QSpinBox()
        self.minutes_spin.setRange(0, 24 * 60)
        self.minutes_spin.setSpecialValueText("—")
        self.date_edit = QtWidgets.QDateEdit()
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDate(QtCore.QDate.currentDate())
        self.notes_edit = QtWidgets.QLineEdit()

        self.procedure_label, self.person_heading = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.portal_label, self.dossier_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.status_label, self.minutes_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.date_label, self.notes_label = QtWidgets.QLabel(), QtWidgets.QLabel()

        def row(label: QtWidgets.QLabel, fname: str, *widgets: QtWidgets.QWidget) -> None:
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(2)
            for w in widgets:
                box.addWidget(w)
            box.addWidget(self.errors.add(fname, widgets[-1] if fname != "person_id" else self.picker.search_box))
            label.setBuddy(widgets[0])
            form.addRow(label, box)

        row(self.procedure_label, "procedure_id", self.procedure_filter, self.procedure_combo)
        row(self.person_heading, "person_id", self.person_label, self.picker)
        row(self.portal_label, "portal", self.portal_combo)
        row(self.dossier_label, "dossier_code", self.dossier_edit)
        row(self.status_label, "status", self.status_combo)
        form.addRow("", self.full_online_check)
        form.addRow("", self.fee_check)
        row(self.minutes_label, "minutes_spent", self.minutes_spin)
        row(self.date_label, "submitted_on", self.date_edit)
        row(self.notes_label, "notes", self.notes_edit)
        form.addRow(self.errors.general)
        buttons = QtWidgets.QHBoxLayout()
        self.save_button = QtWidgets.QPushButton()
        self.save_button.setDefault(True)
        self.clear_button = QtWidgets.QPushButton()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.saved_label = QtWidgets.QLabel()
        form.addRow(self.saved_label)
        splitter.addWidget(scroll)

        # --- the list ------------------------------------------------------------------------------------
        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.list_heading = QtWidgets.QLabel()
        font = self.list_heading.font()
        font.setBold(True)
        self.list_heading.setFont(font)
        right_layout.addWidget(self.list_heading)
        filters = QtWidgets.QHBoxLayout()
        self.filter_status_label = QtWidgets.QLabel()
        self.filter_status = QtWidgets.QComboBox()
        self.from_label, self.to_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.from_edit, self.to_edit = QtWidgets.QLineEdit(), QtWidgets.QLineEdit()
        for w in (self.from_edit, self.to_edit):
            w.setClearButtonEnabled(True)  # as wide as the date hint needs (_fit_date_filters), no wider
        widgets: tuple[QtWidgets.QWidget, ...] = (
            self.filter_status_label,
            self.filter_status,
            self.from_label,
            self.from_edit,
            self.to_label,
            self.to_edit,
        )
        for widget in widgets:
            filters.addWidget(widget)
        filters.addStretch(1)
        right_layout.addLayout(filters)
        self.filter_error = error_label()
        right_layout.addWidget(self.filter_error)
        self.model = SubmissionModel(self)
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()  # fit 1366x768: procedure, person and portal share the rest
        fit, stretch = QtWidgets.QHeaderView.ResizeMode.ResizeToContents, QtWidgets.QHeaderView.ResizeMode.Stretch
        for col in range(SubmissionModel.COLUMNS):
            stretchy = col in (SubmissionModel.PROCEDURE, SubmissionModel.PERSON, SubmissionModel.PORTAL)
            header.setSectionResizeMode(col, stretch if stretchy else fit)
        self.view.setWordWrap(False)
        right_layout.addWidget(self.view, 1)
        self.count_label = QtWidgets.QLabel()
        right_layout.addWidget(self.count_label)
        change = QtWidgets.QHBoxLayout()
        self.change_label = QtWidgets.QLabel()
        self.new_status_combo = QtWidgets.QComboBox()
        self.status_note_edit = QtWidgets.QLineEdit()
        self.update_status_button = QtWidgets.QPushButton()
        change.addWidget(self.change_label)
        change.addWidget(self.new_status_combo)
        change.addWidget(self.status_note_edit, 1)
        change.addWidget(self.update_status_button)
        right_layout.addLayout(change)
        self.change_error = error_label()
        right_layout.addWidget(self.change_error)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)  # the form never disappears behind a wide list
        splitter.setSizes([460, 700])

        self._list_seq = 0
        self._filter_timer = QtCore.QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(300)
        self._filter_timer.timeout.connect(self.reload_list)

        # --- signals -------------------------------------------------------------------------------------
        self.procedure_filter.textChanged.connect(self._fill_procedures)
        self.procedure_combo.currentIndexChanged.connect(self._procedure_changed)
        self.picker.picked.connect(self.set_person)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.clear_form)
        self.dossier_edit.returnPressed.connect(self.save)
        self.notes_edit.returnPressed.connect(self.save)
        for signal in (
            self.dossier_edit.textEdited,
            self.notes_edit.textEdited,
            self.procedure_combo.activated,
            self.date_edit.dateChanged,
            self.portal_combo.activated,
            self.status_combo.activated,
            self.full_online_check.clicked,
            self.fee_check.clicked,
            self.minutes_spin.valueChanged,
        ):
            signal.connect(self._mark_dirty)
        self.filter_status.currentIndexChanged.connect(self.reload_list)
        self.from_edit.textChanged.connect(self._filter_timer.start)
        self.to_edit.textChanged.connect(self._filter_timer.start)
        self.view.selectionModel().currentRowChanged.connect(self._row_selected)
        self.update_status_button.clicked.connect(self.update_status)
        QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self.form_box, self.clear_form)
        self.retranslate()
        self._row_selected(QtCore.QModelIndex(), QtCore.QModelIndex())

    # --- Page hooks -------------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Online public services")

    def language(self) -> str:
        return self.ctx.settings.get(LANGUAGE)

    def _fit_date_filters(self) -> None:
        for edit in (self.from_edit, self.to_edit):
            fit_date_edit(edit)

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.FontChange:
            self._fit_date_filters()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.form_box.setTitle(self.tr("Record an assisted submission"))
        self.procedure_label.setText(self.tr("P&rocedure"))
        self.procedure_filter.setPlaceholderText(self.tr("Type to filter the procedures…"))
        self.person_heading.setText(self.tr("Person"))
        self.portal_label.setText(self.tr("Po&rtal"))
        self.dossier_label.setText(self.tr("Dossier &code"))
        self.status_label.setText(self.tr("&Status"))
        self.full_online_check.setText(self.tr("Full online (toàn trình)"))
        self.full_online_check.setToolTip(
            self.tr("The whole procedure is done online: nothing is handed in on paper at the office.")
        )
        self.fee_check.setText(self.tr("Fee paid online"))
        self.minutes_label.setText(self.tr("&Minutes spent"))
        self.date_label.setText(self.tr("&Date"))
        self.notes_label.setText(self.tr("&Notes"))
        self.save_button.setText(self.tr("Save submission"))
        self.clear_button.setText(self.tr("Clear"))
        self.list_heading.setText(self.tr("Assisted submissions"))
        self.filter_status_label.setText(self.tr("Status:"))
        self.from_label.setText(self.tr("From:"))
        self.to_label.setText(self.tr("To:"))
        for edit in (self.from_edit, self.to_edit):
            edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self._fit_date_filters()
        self.change_label.setText(self.tr("New status:"))
        self.status_note_edit.setPlaceholderText(self.tr("Note (optional)"))
        self.update_status_button.setText(self.tr("Update status"))
        self._show_person(self.person_label.property("person_name"))
        language = self.language()
        self.model.language = language
        keep = self.portal_combo.currentData()
        self.portal_combo.clear()
        for code, vi, en in PORTALS:
            self.portal_combo.addItem(vi if language == "vi" else en, code)
            self.portal_combo.setItemData(
                self.portal_combo.count() - 1, vi if language == "vi" else en, Qt.ItemDataRole.ToolTipRole
            )
        self.portal_combo.setCurrentIndex(max(self.portal_combo.findData(keep), 0))
        for combo, with_all in ((self.status_combo, False), (self.new_status_combo, False), (self.filter_status, True)):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if with_all:
                combo.addItem(self.tr("All"), None)
            for s in SubmissionStatus:
                combo.addItem(status_label(s.value), s.value)
            combo.setCurrentIndex(max(combo.findData(keep), 0))
            combo.blockSignals(False)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 6)
        if self.model.rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(len(self.model.rows) - 1, 6))
        self._show_count()

    def activate(self) -> None:
        if not self.procedures:
            submissions = self.ctx.services.submissions
            self.busy += 1
            self.ctx.tasks.run(submissions.procedures, self._procedures_loaded, self._failed)
        self.reload_list()

    def new_item(self) -> None:
        self.clear_form()
        self.procedure_filter.setFocus()

    def focus_search(self) -> None:
        self.procedure_filter.setFocus()

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def _failed(self, exc: BaseException) -> None:
        self.busy -= 1
        self.errors.general.setText(str(exc))
        self.errors.general.show()

    # --- the form -----------------------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self.dirty = True
        self.saved_label.clear()
        self.draft.changed()

    def draft_fields(self) -> dict[str, Any]:
        return {
            "procedure_filter": self.procedure_filter.text(),
            "procedure_id": self.procedure_combo.currentData(),
            "person_id": self.person_id,
            "person_name": self.person_label.property("person_name"),
            "portal": self.portal_combo.currentData(),
            "dossier_code": self.dossier_edit.text(),
            "status": self.status_combo.currentData(),
            "full_online": self.full_online_check.isChecked(),
            "fee_paid_online": self.fee_check.isChecked(),
            "minutes_spent": self.minutes_spin.value(),
            "submitted_on": self.date_edit.date().toString(Qt.DateFormat.ISODate),
            "notes": self.notes_edit.text(),
        }

    def apply_draft(self, d: dict[str, Any]) -> None:
        self.procedure_filter.setText(str(d.get("procedure_filter") or ""))
        self.procedure_combo.setCurrentIndex(max(self.procedure_combo.findData(d.get("procedure_id")), 0))
        if d.get("person_id"):
            self.person_id = str(d["person_id"])
            self._show_person(str(d.get("person_name") or ""))
        self.portal_combo.setCurrentIndex(max(self.portal_combo.findData(d.get("portal")), 0))
        self.dossier_edit.setText(str(d.get("dossier_code") or ""))
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(d.get("status")), 0))
        self.full_online_check.setChecked(bool(d.get("full_online")) and self.full_online_check.isEnabled())
        self.fee_check.setChecked(bool(d.get("fee_paid_online")))
        self.minutes_spin.setValue(int(d.get("minutes_spent") or 0))
        day = QtCore.QDate.fromString(str(d.get("submitted_on") or ""), Qt.DateFormat.ISODate)
        if day.isValid():
            self.date_edit.setDate(day)
        self.notes_edit.setText(str(d.get("notes") or ""))
        self.dirty = True

    def _procedures_loaded(self, procedures: list[ProcedureView]) -> None:
        self.busy -= 1
        self.procedures = procedures
        self._fill_procedures()
        self.draft.offer()

    def _fill_procedures(self) -> None:
        words = fold(self.procedure_filter.text()).split()
        keep = self.procedure_combo.currentData()
        self.procedure_combo.blockSignals(True)
        self.procedure_combo.clear()
        for p in self.procedures:
            haystack = fold(f"{p.code} {p.name} {p.field}")
            if all(w in haystack for w in words):
                self.procedure_combo.addItem(p.name, p.id)
                self.procedure_combo.setItemData(
                    self.procedure_combo.count() - 1, f"{p.name}\n{p.field} · {p.code}", Qt.ItemDataRole.ToolTipRole
                )
        self.procedure_combo.setCurrentIndex(max(self.procedure_combo.findData(keep), 0))
        self.procedure_combo.blockSignals(False)
        self._procedure_changed()

    def _procedure(self) -> ProcedureView | None:
        pid = self.procedure_combo.currentData()
        return next((p for p in self.procedures if p.id == pid), None)

    def _procedure_changed(self) -> None:
        p = self._procedure()
        allowed = p is not None and p.full_online_available
        self.full_online_check.setEnabled(allowed)
        if not allowed:
            self.full_online_check.setChecked(False)
        self.full_online_check.setToolTip(
            "" if allowed else self.tr("This procedure cannot be done fully online (toàn trình).")
        )

    def set_person(self, person_id: str, name: str) -> None:
        self.person_id = person_id
        self._show_person(name)
        self._mark_dirty()

    def _show_person(self, name: str | None) -> None:
        self.person_label.setProperty("person_name", name)
        if name:
            self.person_label.setText(self.tr("Chosen: {name}").format(name=name))
        else:
            self.person_label.setText(self.tr("Nobody chosen yet: find the person below or add a walk-in."))

    def clear_form(self) -> None:
        self.errors.clear()
        self.person_id = None
        self._show_person(None)
        self.dossier_edit.clear()
        self.notes_edit.clear()
        self.full_online_check.setChecked(False)
        self.fee_check.setChecked(False)
        self.minutes_spin.setValue(0)
        self.status_combo.setCurrentIndex(0)
        self.date_edit.setDate(QtCore.QDate.currentDate())
        self.dirty = False
        self.draft.discard()

    def form_input(self) -> SubmissionInput:
        qd = self.date_edit.date()
        minutes = self.minutes_spin.value()
        return SubmissionInput(
            procedure_id=self.procedure_combo.currentData() or "",
            person_id=self.person_id or "",
            submitted_on=date(qd.year(), qd.month(), qd.day()),
            portal=self.portal_combo.currentData(),
            dossier_code=self.dossier_edit.text(),
            full_online=self.full_online_check.isEnabled() and self.full_online_check.isChecked(),
            fee_paid_online=self.fee_check.isChecked(),
            minutes_spent=minutes or None,
            status=self.status_combo.currentData(),
            notes=self.notes_edit.text(),
        )

    def save(self) -> None:
        self.errors.clear()
        self.saved_label.clear()
        if self.procedure_combo.currentData() is None:
            self.errors.show_text("procedure_id", self.tr("Please choose the procedure."))
            return
        if self.person_id is None:
            self.errors.show_text("person_id", self.tr("Please choose the person (or add a walk-in)."))
            return
        inp = self.form_input()
        submissions = self.ctx.services.submissions
        self.busy += 1
        self.save_button.setEnabled(False)
        self.ctx.tasks.write(lambda: submissions.record(inp), self._saved, self._save_failed)

    def _saved(self, sub: SubmissionView) -> None:
        self.busy -= 1
        self.save_button.setEnabled(True)
        self.ctx.data_changed()
        self.clear_form()
        self.saved_label.setText(
            self.tr("Saved: {procedure} for {name}.").format(procedure=sub.procedure_name, name=sub.person_name)
        )
        self.reload_list()

    def _save_failed(self, exc: BaseException) -> None:
        self.busy -= 1
        self.save_button.setEnabled(True)
        if not self.errors.show(exc):
            self.errors.general.setText(str(exc))
            self.errors.general.show()

    # --- the list -----------------------------------------------------------------------------------------
    def reload_list(self) -> None:
        self._filter_timer.stop()
        ok_from, since = parse_date_filter(self.from_edit)
        ok_to, until = parse_date_filter(self.to_edit)
        if not (ok_from and ok_to):
            self.filter_error.setText(self.tr("Type dates as dd/mm/yyyy, e.g. 05/02/2026."))
            self.filter_error.show()
            return
        self.filter_error.hide()
        status = self.filter_status.currentData()
        submissions = self.ctx.services.submissions
        self.busy += 1
        self._list_seq += 1
        seq = self._list_seq
        self.ctx.tasks.run(
            lambda: submissions.find(status=status, since=since, until=until),
            lambda rows: self._list_loaded(rows, seq),
            self._list_failed,
        )

    def _list_loaded(self, rows: list[SubmissionView], seq: int | None = None) -> None:
        self.busy -= 1
        if seq is not None and seq != self._list_seq:
            return  # an older filter's answer arrived after a newer one was asked: drop it
        current = self.selected()
        self.model.set_rows(rows)
        if current is not None:
            row = next((i for i, r in enumerate(rows) if r.id == current.id), -1)
            if row >= 0:
                self.view.selectRow(row)
        self._show_count()
        self._row_selected(self.view.currentIndex(), QtCore.QModelIndex())

    def _list_failed(self, exc: BaseException) -> None:
        self.busy -= 1
        self.filter_error.setText(str(exc))
        self.filter_error.show()

    def _show_count(self) -> None:
        n = len(self.model.rows)
        self.count_label.setText(self.tr("Submissions shown: {n}").format(n=self.locale().toString(n)))

    def selected(self) -> SubmissionView | None:
        index = self.view.currentIndex()
        if not index.isValid() or not 0 <= index.row() < len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def _row_selected(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        sub = self.model.rows[current.row()] if current.isValid() and current.row() < len(self.model.rows) else None
        for w in (self.new_status_combo, self.status_note_edit, self.update_status_button):
            w.setEnabled(sub is not None)
        self.change_error.hide()
        if sub is not None:
            self.new_status_combo.setCurrentIndex(max(self.new_status_combo.findData(sub.status), 0))

    def update_status(self) -> None:
        sub = self.selected()
        if sub is None:
            return
        status = self.new_status_combo.currentData()
        note = self.status_note_edit.text()
        if status == sub.status:
            return
        if SUBMISSION_STATUS_RANK[SubmissionStatus(status)] <= SUBMISSION_STATUS_RANK[SubmissionStatus(sub.status)]:
            self.change_error.setText(
                self.tr("A status can only move forward: {current} is already further along.").format(
                    current=status_label(sub.status)
                )
            )
            self.change_error.show()
            return
        submissions = self.ctx.services.submissions
        self.busy += 1
        self.update_status_button.setEnabled(False)
        self.ctx.tasks.write(
            lambda: submissions.change_status(sub.id, status, note), self._status_changed, self._status_failed
        )

    def _status_changed(self, _sub: SubmissionView) -> None:
        self.busy -= 1
        self.update_status_button.setEnabled(True)
        self.status_note_edit.clear()
        self.ctx.data_changed()
        self.reload_list()

    def _status_failed(self, exc: BaseException) -> None:
        self.busy -= 1
        self.update_status_button.setEnabled(True)
        self.change_error.setText(self.errors.message(exc) if isinstance(exc, ValidationError) else str(exc))
        self.change_error.show()
