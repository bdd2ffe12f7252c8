"""Training: sessions (list + form), each session's roster (attendance and results), the course catalogue."""

from collections.abc import Callable
from datetime import date
from typing import Any

from dlso_desktop.models import AssessmentResult, Role
from dlso_desktop.services.training import SessionInput
from dlso_desktop.services.views import AttendanceView, CourseView, SessionView, VillageView
from dlso_desktop.text import format_date_vn
from dlso_desktop.validation import ValidationError
from ui.app_context import AppContext
from ui.list_model import RowListModel
from ui.page import Page
from ui.person_picker import DraftKeeper, FieldErrors, PersonPicker, error_label
from ui.qt import QtCore, QtGui, QtWidgets, Signal
from ui.submissions import fit_date_edit, parse_date_filter

Qt = QtCore.Qt
_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex
_SessionList = tuple[list[SessionView], int]  # the newest sessions in the date range, how many in all
_Loaded = tuple[list[CourseView], list[VillageView], _SessionList | None]


class SessionModel(RowListModel[SessionView]):
    """The newest sessions of the commune in the chosen date range (at most ``TrainingPage.session_limit``)."""

    DATE, COURSE, PLACE, ATTENDEES, PASSED = range(5)
    COLUMNS = 5

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s = self.row_at(index)
        if s is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [format_date_vn(s.session_date), s.course_name, s.place, s.attendee_count, s.passed_count][col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.COURSE, self.PLACE):
            return [s.course_name, s.place][col - self.COURSE] or None  # the full text of an elided name
        if role == Qt.ItemDataRole.UserRole:
            return s.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.ATTENDEES, self.PASSED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not 0 <= section < 5:
            return None
        return [
            QtCore.QCoreApplication.translate("SessionModel", "Date"),
            QtCore.QCoreApplication.translate("SessionModel", "Course"),
            QtCore.QCoreApplication.translate("SessionModel", "Place"),
            QtCore.QCoreApplication.translate("SessionModel", "Attendees"),
            QtCore.QCoreApplication.translate("SessionModel", "Passed"),
        ][section]

    def row_of(self, session_id: str) -> int:
        return next((i for i, s in enumerate(self.rows) if s.id == session_id), -1)


class RosterModel(RowListModel[AttendanceView]):
    """One session's roster: name, present (a check box), result (Passed / Not yet / —), editable in place.

    An edit updates the row at once and emits ``change_requested``; the page saves it and reloads."""

    NAME, PRESENT, RESULT = range(3)
    COLUMNS = 3
    change_requested = Signal(str, bool, object)  # (person id, present, result or None)
    #: results are a team head's (the service refuses them to a team member): not editable otherwise
    results_editable = True

    @staticmethod
    def result_label(result: str | None) -> str:
        if result == AssessmentResult.PASSED.value:
            return QtCore.QCoreApplication.translate("RosterModel", "Passed")
        if result == AssessmentResult.NOT_YET.value:
            return QtCore.QCoreApplication.translate("RosterModel", "Not yet")
        return "—"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        a = self.row_at(index)
        if a is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.NAME:
                return a.person_name
            if col == self.RESULT:
                return self.result_label(a.result)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NAME:
            return a.person_name  # the full name when the column elides it
        if role == Qt.ItemDataRole.EditRole and col == self.RESULT:
            return a.result or ""
        if role == Qt.ItemDataRole.CheckStateRole and col == self.PRESENT:
            return Qt.CheckState.Checked if a.present else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return a.person_id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.PRESENT:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.RESULT and self.results_editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        a = self.row_at(index)
        if a is None:
            return False
        if index.column() == self.PRESENT and role == Qt.ItemDataRole.CheckStateRole:
            present = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            new = a._replace(present=present)
        elif index.column() == self.RESULT and role == Qt.ItemDataRole.EditRole:
            result = value or None
            if result is not None and result not in {r.value for r in AssessmentResult}:
                return False
            new = a._replace(result=result)
        else:
            return False
        if new == a:
            return True
        self.rows[index.row()] = new
        self.dataChanged.emit(index, index, [role, Qt.ItemDataRole.DisplayRole])
        self.change_requested.emit(new.person_id, new.present, new.result)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not 0 <= section < 3:
            return None
        return [
            QtCore.QCoreApplication.translate("RosterModel", "Name"),
            QtCore.QCoreApplication.translate("RosterModel", "Present"),
            QtCore.QCoreApplication.translate("RosterModel", "Result"),
        ][section]

    def summary(self) -> tuple[int, int]:
        return (
            sum(1 for a in self.rows if a.present),
            sum(1 for a in self.rows if a.result == AssessmentResult.PASSED.value),
        )


class ResultDelegate(QtWidgets.QStyledItemDelegate):
    """A combo box (— / Passed / Not yet) for the result column."""

    def createEditor(
        self, parent: QtWidgets.QWidget, option: QtWidgets.QStyleOptionViewItem, index: _Index
    ) -> QtWidgets.QWidget:
        combo = QtWidgets.QComboBox(parent)
        for value in ("", AssessmentResult.PASSED.value, AssessmentResult.NOT_YET.value):
            combo.addItem(RosterModel.result_label(value or None), value)
        return combo

    def setEditorData(self, editor: QtWidgets.QWidget, index: _Index) -> None:
        if isinstance(editor, QtWidgets.QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole) or ""), 0))

    def setModelData(self, editor: QtWidgets.QWidget, model: QtCore.QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QtWidgets.QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TrainingPage(Page):
    #: the list shows at most this many sessions (the newest); the date filter reaches any older one
    session_limit = 200

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.courses: list[CourseView] = []
        self.villages: list[VillageView] = []
        self.current_id: str | None = None  # the session in the form (None: a new one)
        self.dirty = False
        self.busy = 0  # background jobs in flight (tests wait for 0)
        self._roster_seq = 0  # only the newest roster read/write updates the table
        self._sessions_seq = 0  # only the newest read of the session list fills it
        self.sessions_total = 0  # sessions in the date range (the list shows the newest session_limit)
        self._draft_offered = False
        #: results and deleting a session are a team head's (the services refuse them to a team member)
        self.may_assess = ctx.services.ctx.may(Role.TEAM_HEAD)

        outer = QtWidgets.QVBoxLayout(self)
        self.tabs = QtWidgets.QTabWidget()
        outer.addWidget(self.tabs)

        # --- Sessions tab -----------------------------------------------------------------------------
        sessions_tab = QtWidgets.QWidget()
        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        QtWidgets.QVBoxLayout(sessions_tab).addWidget(splitter)
        self.tabs.addTab(sessions_tab, "")

        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QtWidgets.QHBoxLayout()
        self.sessions_heading = QtWidgets.QLabel()
        self.new_button = QtWidgets.QPushButton()
        self.new_button.setShortcut(QtGui.QKeySequence("Ctrl+N"))
        top.addWidget(self.sessions_heading, 1)
        top.addWidget(self.new_button)
        left_layout.addLayout(top)
        filters = QtWidgets.QHBoxLayout()
        self.from_label, self.to_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.from_edit, self.to_edit = QtWidgets.QLineEdit(), QtWidgets.QLineEdit()
        for w in (self.from_edit, self.to_edit):
            w.setClearButtonEnabled(True)  # as wide as the date hint needs (fit_date_edit), no wider
        for label, edit in ((self.from_label, self.from_edit), (self.to_label, self.to_edit)):
            label.setBuddy(edit)
            filters.addWidget(label)
            filters.addWidget(edit)
        filters.addStretch(1)
        left_layout.addLayout(filters)
        self.filter_error = error_label()
        left_layout.addWidget(self.filter_error)
        self.session_model = SessionModel(self)
        self.session_view = QtWidgets.QTableView()
        self.session_view.setModel(self.session_model)
        self.session_view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.session_view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.session_view.verticalHeader().hide()
        header = self.session_view.horizontalHeader()  # fit 1366x768: text columns share what is left
        fit, stretch = QtWidgets.QHeaderView.ResizeMode.ResizeToContents, QtWidgets.QHeaderView.ResizeMode.Stretch
        for col, mode in ((0, fit), (1, stretch), (2, stretch), (3, fit), (4, fit)):
            header.setSectionResizeMode(col, mode)
        left_layout.addWidget(self.session_view, 1)

        self.draft = DraftKeeper(ctx, self._draft_key(), self.draft_fields, self.apply_draft)
        left_layout.addWidget(self.draft)
        self.form_box = QtWidgets.QGroupBox()
        form = QtWidgets.QFormLayout(self.form_box)
        form.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: fields get the width
        self.errors = FieldErrors(ctx)
        self.course_combo = QtWidgets.QComboBox()
        self.modules_label = QtWidgets.QLabel()
        self.modules_label.setWordWrap(True)
        self.date_edit = QtWidgets.QDateEdit()
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDate(QtCore.QDate.currentDate())
        self.place_edit = QtWidgets.QLineEdit()
        self.trainer_edit = QtWidgets.QLineEdit()
        if ctx.user is not None:
            self.trainer_edit.setText(ctx.user.display_name)
        self.village_combo = QtWidgets.QComboBox()
        self.course_label, self.date_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.place_label, self.trainer_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.village_label = QtWidgets.QLabel()
        for label, widget, fname in (
            (self.course_label, self.course_combo, "course_id"),
            (self.date_label, self.date_edit, "session_date"),
            (self.place_label, self.place_edit, "place"),
            (self.trainer_label, self.trainer_edit, "trainer_name"),
            (self.village_label, self.village_combo, "village_id"),
        ):
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            if widget is self.course_combo:
                box.addWidget(self.modules_label)
            box.addWidget(self.errors.add(fname, widget))
            label.setBuddy(widget)
            form.addRow(label, box)
        form.addRow(self.errors.general)
        buttons = QtWidgets.QHBoxLayout()
        self.save_button = QtWidgets.QPushButton()
        self.save_button.setDefault(True)
        self.delete_button = QtWidgets.QPushButton()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        form.addRow(buttons)
        self.saved_label = QtWidgets.QLabel()
        form.addRow(self.saved_label)
        left_layout.addWidget(self.form_box)
        splitter.addWidget(left)

        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.roster_heading = QtWidgets.QLabel()
        font = self.roster_heading.font()
        font.setBold(True)
        self.roster_heading.setFont(font)
        right_layout.addWidget(self.roster_heading)
        self.summary_label = QtWidgets.QLabel()
        right_layout.addWidget(self.summary_label)
        self.roster_model = RosterModel(self)
        self.roster_model.results_editable = self.may_assess
        self.roster_view = QtWidgets.QTableView()
        self.roster_view.setModel(self.roster_model)
        self.roster_view.setItemDelegateForColumn(RosterModel.RESULT, ResultDelegate(self.roster_view))
        self.roster_view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.roster_view.setEditTriggers(
            QtWidgets.QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QtWidgets.QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.roster_view.verticalHeader().hide()
        self.roster_view.horizontalHeader().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        right_layout.addWidget(self.roster_view, 1)
        roster_buttons = QtWidgets.QHBoxLayout()
        self.all_present_button = QtWidgets.QPushButton()
        self.remove_button = QtWidgets.QPushButton()
        roster_buttons.addWidget(self.all_present_button)
        roster_buttons.addStretch(1)
        roster_buttons.addWidget(self.remove_button)
        right_layout.addLayout(roster_buttons)
        self.add_heading = QtWidgets.QLabel()
        right_layout.addWidget(self.add_heading)
        self.picker = PersonPicker(ctx)
        right_layout.addWidget(self.picker)
        self.roster_error = QtWidgets.QLabel()
        self.roster_error.setStyleSheet("color: #b00020;")
        self.roster_error.setWordWrap(True)
        right_layout.addWidget(self.roster_error)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        # --- Courses tab ------------------------------------------------------------------------------
        self.course_text = QtWidgets.QTextBrowser()
        self.tabs.addTab(self.course_text, "")

        self._filter_timer = QtCore.QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(300)
        self._filter_timer.timeout.connect(self.reload_sessions)

        # --- signals ----------------------------------------------------------------------------------
        self.new_button.clicked.connect(self.new_item)
        self.from_edit.textChanged.connect(self._filter_timer.start)
        self.to_edit.textChanged.connect(self._filter_timer.start)
        self.from_edit.returnPressed.connect(self.reload_sessions)
        self.to_edit.returnPressed.connect(self.reload_sessions)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_session)
        self.place_edit.returnPressed.connect(self.save)
        self.trainer_edit.returnPressed.connect(self.save)
        self.course_combo.currentIndexChanged.connect(self._show_modules)
        for signal in (
            self.course_combo.currentIndexChanged,
            self.village_combo.currentIndexChanged,
            self.date_edit.dateChanged,
            self.place_edit.textEdited,
            self.trainer_edit.textEdited,
        ):
            signal.connect(self._mark_dirty)
        self.session_view.selectionModel().currentRowChanged.connect(self._session_selected)
        self.roster_model.change_requested.connect(self._save_attendance)
        self.picker.picked.connect(self.add_to_roster)
        self.remove_button.clicked.connect(self.remove_selected)
        self.all_present_button.clicked.connect(self.mark_all_present)
        QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self.form_box, self.cancel_edit)
        self.retranslate()
        self._update_roster_state()

    # --- Page hooks -------------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Training")

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Sessions"))
        self.tabs.setTabText(1, self.tr("Courses"))
        self.new_button.setText(self.tr("New session"))
        self.new_button.setToolTip(self.tr("Ctrl+N"))
        self.course_label.setText(self.tr("&Course"))
        self.date_label.setText(self.tr("&Date"))
        self.place_label.setText(self.tr("&Place"))
        self.trainer_label.setText(self.tr("&Trainer"))
        self.village_label.setText(self.tr("&Village (optional)"))
        self.save_button.setText(self.tr("Save session"))
        self.delete_button.setText(self.tr("Delete session"))
        self.all_present_button.setText(self.tr("Mark everyone present"))
        self.remove_button.setText(self.tr("Remove from roster"))
        self.add_heading.setText(self.tr("Add a person to the roster:"))
        self.from_label.setText(self.tr("From:"))
        self.to_label.setText(self.tr("To:"))
        for edit in (self.from_edit, self.to_edit):
            edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
            fit_date_edit(edit)
        if self.filter_error.isVisibleTo(self):
            self.filter_error.setText(self._filter_error_text())
        self._show_count()
        self.saved_label.clear()
        self._fill_villages()
        self._show_form_title()
        self._show_modules()
        self._show_summary()
        self._show_courses()
        self.session_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self.roster_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.FontChange:
            for edit in (self.from_edit, self.to_edit):
                fit_date_edit(edit)
        super().changeEvent(event)

    def activate(self) -> None:
        self.refresh()

    def new_item(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.session_view.clearSelection()
        self.session_view.setCurrentIndex(QtCore.QModelIndex())
        self._load_form(None)
        self.place_edit.setFocus()

    def focus_search(self) -> None:
        self.picker.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    # --- loading ----------------------------------------------------------------------------------------
    def _start(self) -> None:
        self.busy += 1

    def _end(self) -> None:
        self.busy -= 1

    def _date_range(self) -> tuple[bool, date | None, date | None]:
        """(valid, from, to) as typed in the date filters; an invalid date shows the hint under them."""
        ok_from, since = parse_date_filter(self.from_edit)
        ok_to, until = parse_date_filter(self.to_edit)
        if not (ok_from and ok_to):
            self.filter_error.setText(self._filter_error_text())
            self.filter_error.show()
            return False, None, None
        self.filter_error.hide()
        return True, since, until

    def _filter_error_text(self) -> str:
        return self.tr("Type dates as dd/mm/yyyy, e.g. 05/02/2026.")

    def _sessions_reader(self) -> Callable[[], _SessionList] | None:
        """A function (for a worker thread) reading the newest sessions in the date range and how many there
        are in all; None if a date is bad. Each reader takes a new ``_sessions_seq``: an answer is shown only
        while its number is still the newest (an older read that finishes last is dropped)."""
        ok, since, until = self._date_range()
        if not ok:
            return None
        training, limit = self.ctx.services.training, self.session_limit
        self._sessions_seq += 1

        def read() -> _SessionList:
            sessions = training.sessions(since=since, until=until, limit=limit)
            total = len(sessions) if len(sessions) < limit else training.count_sessions(since=since, until=until)
            return sessions, total

        return read

    def refresh(self) -> None:
        svc = self.ctx.services
        read_sessions = self._sessions_reader()
        seq = self._sessions_seq
        self._start()

        def load() -> _Loaded:
            sessions = read_sessions() if read_sessions is not None else None
            return svc.training.courses(), svc.villages.list_all(), sessions

        self.ctx.tasks.run(load, lambda result: self._loaded(seq, result), self._failed)

    def reload_sessions(self) -> None:
        """Read the session list again for the dates in the filters (only the list)."""
        self._filter_timer.stop()
        read_sessions = self._sessions_reader()
        if read_sessions is None:
            return
        seq = self._sessions_seq
        self._start()
        self.ctx.tasks.run(read_sessions, lambda result: self._sessions_loaded(seq, result), self._failed)

    def _sessions_loaded(self, seq: int, result: _SessionList) -> None:
        self._end()
        if seq == self._sessions_seq:  # else a newer filter's answer is on its way: this one is dropped
            self._set_sessions(*result)

    def _loaded(self, seq: int, result: _Loaded) -> None:
        self._end()
        courses, villages, sessions = result
        if [c.id for c in courses] != [c.id for c in self.courses]:
            self.courses = courses
            keep = self.course_combo.currentData()
            self.course_combo.blockSignals(True)
            self.course_combo.clear()
            for c in courses:
                text = f"{c.code} — {c.name} ({c.hours} h)"
                self.course_combo.addItem(text, c.id)  # elided when the form is narrow: the tooltip has it all
                self.course_combo.setItemData(self.course_combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
            self.course_combo.setCurrentIndex(max(self.course_combo.findData(keep), 0))
            self.course_combo.blockSignals(False)
            self._show_modules()
            self._show_courses()
        self.villages = villages
        self._fill_villages()
        if sessions is not None and seq == self._sessions_seq:
            self._set_sessions(*sessions)
        if not self._draft_offered:
            self._draft_offered = True
            self.draft.offer()

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.roster_error.setText(str(exc))

    def _show_count(self) -> None:
        """The heading says when the list shows only the newest sessions of more (in the chosen dates)."""
        shown, total = len(self.session_model.rows), self.sessions_total
        if total > shown:
            locale = self.locale()
            numbers = {"shown": locale.toString(shown), "total": locale.toString(total)}
            self.sessions_heading.setText(self.tr("Training sessions: the newest {shown} of {total}").format(**numbers))
            self.sessions_heading.setToolTip(
                self.tr(
                    "Only the newest {shown} of {total} sessions are listed: choose dates to see older ones."
                ).format(**numbers)
            )
        else:
            self.sessions_heading.setText(self.tr("Training sessions"))
            self.sessions_heading.setToolTip("")

    def _set_sessions(self, sessions: list[SessionView], total: int) -> None:
        self.sessions_total = total
        selected = self.current_id
        self.session_view.selectionModel().blockSignals(True)
        self.session_model.set_rows(sessions)
        row = self.session_model.row_of(selected) if selected else -1
        if row >= 0:
            self.session_view.selectRow(row)
        self.session_view.selectionModel().blockSignals(False)
        self.session_view.resizeColumnsToContents()
        for column, widest in ((SessionModel.COURSE, 200), (SessionModel.PLACE, 160)):
            self.session_view.setColumnWidth(column, min(self.session_view.columnWidth(column), widest))
        self._show_count()

    def _fill_villages(self) -> None:
        keep = self.village_combo.currentData()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem(self.tr("(none)"), None)
        for v in self.villages:
            self.village_combo.addItem(v.name, v.id)
        self.village_combo.setCurrentIndex(max(self.village_combo.findData(keep), 0))
        self.village_combo.blockSignals(False)

    def _show_modules(self) -> None:
        course = self._course(self.course_combo.currentData())
        if course is None:
            self.modules_label.setText(self.tr("No course in the catalogue yet.") if not self.courses else "")
            return
        self.modules_label.setText(self.tr("Modules: {modules}").format(modules="; ".join(course.modules)))

    def _course(self, course_id: str | None) -> CourseView | None:
        return next((c for c in self.courses if c.id == course_id), None)

    def _show_courses(self) -> None:
        parts = [f"<h3>{self.tr('Course catalogue')}</h3>"]
        for c in self.courses:
            hours = self.tr("{hours} hours").format(hours=c.hours)
            items = "".join(f"<li>{_esc(m)}</li>" for m in c.modules)
            parts.append(f"<h4>{_esc(c.code)} — {_esc(c.name)} ({hours})</h4><ol>{items}</ol>")
        self.course_text.setHtml("".join(parts))

    # --- the form -----------------------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self.dirty = True
        self.saved_label.clear()
        self.draft.changed()

    def _draft_key(self) -> str:
        user = self.ctx.user.id if self.ctx.user else "anonymous"
        return f"training_session.{self.current_id or 'new'}.{user}"

    def draft_fields(self) -> dict[str, Any]:
        return {
            "course_id": self.course_combo.currentData(),
            "session_date": self.date_edit.date().toString(Qt.DateFormat.ISODate),
            "place": self.place_edit.text(),
            "trainer_name": self.trainer_edit.text(),
            "village_id": self.village_combo.currentData(),
        }

    def apply_draft(self, d: dict[str, Any]) -> None:
        self.course_combo.setCurrentIndex(max(self.course_combo.findData(d.get("course_id")), 0))
        day = QtCore.QDate.fromString(str(d.get("session_date") or ""), Qt.DateFormat.ISODate)
        if day.isValid():
            self.date_edit.setDate(day)
        self.place_edit.setText(str(d.get("place") or ""))
        self.trainer_edit.setText(str(d.get("trainer_name") or ""))
        self.village_combo.setCurrentIndex(max(self.village_combo.findData(d.get("village_id")), 0))
        self.dirty = True

    def _show_form_title(self) -> None:
        self.form_box.setTitle(self.tr("Edit session") if self.current_id else self.tr("New session"))
        self.delete_button.setVisible(self.current_id is not None and self.may_assess)  # a team head's

    def _session_selected(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        session = self.session_model.rows[current.row()] if current.isValid() else None
        self._load_form(session)

    def _load_form(self, session: SessionView | None) -> None:
        self.errors.clear()
        self.saved_label.clear()
        self.current_id = session.id if session else None
        for w in (self.course_combo, self.village_combo, self.date_edit, self.place_edit, self.trainer_edit):
            w.blockSignals(True)
        if session is None:
            self.date_edit.setDate(QtCore.QDate.currentDate())
            self.place_edit.clear()
            self.village_combo.setCurrentIndex(0)
        else:
            self.course_combo.setCurrentIndex(max(self.course_combo.findData(session.course_id), 0))
            d = session.session_date
            self.date_edit.setDate(QtCore.QDate(d.year, d.month, d.day))
            self.place_edit.setText(session.place)
            self.trainer_edit.setText(session.trainer_name)
            self.village_combo.setCurrentIndex(max(self.village_combo.findData(session.village_id), 0))
        for w in (self.course_combo, self.village_combo, self.date_edit, self.place_edit, self.trainer_edit):
            w.blockSignals(False)
        self._show_modules()
        self.dirty = False
        self._show_form_title()
        self.draft.set_key(self._draft_key())
        self.draft.offer()
        self.load_roster()

    def cancel_edit(self) -> None:
        self.draft.discard()
        session = next((s for s in self.session_model.rows if s.id == self.current_id), None)
        self._load_form(session)

    def form_input(self) -> SessionInput:
        qd = self.date_edit.date()
        return SessionInput(
            course_id=self.course_combo.currentData() or "",
            session_date=date(qd.year(), qd.month(), qd.day()),
            place=self.place_edit.text(),
            trainer_name=self.trainer_edit.text(),
            village_id=self.village_combo.currentData(),
        )

    def save(self) -> None:
        self.errors.clear()
        if self.course_combo.currentData() is None:
            self.errors.show_text("course_id", self.tr("Please choose a course."))
            return
        inp = self.form_input()
        training = self.ctx.services.training
        session_id = self.current_id
        self._start()
        self.save_button.setEnabled(False)
        if session_id is None:
            self.ctx.tasks.write(lambda: training.create_session(inp), self._saved, self._save_failed)
        else:
            self.ctx.tasks.write(lambda: training.update_session(session_id, inp), self._saved, self._save_failed)

    def _saved(self, session: SessionView) -> None:
        self._end()
        self.save_button.setEnabled(True)
        self.ctx.data_changed()
        self.draft.discard()
        self.current_id = session.id
        self.draft.set_key(self._draft_key())
        self.dirty = False
        self._show_form_title()
        self.saved_label.setText(self.tr("Saved."))
        self.refresh()
        self.load_roster()

    def _save_failed(self, exc: BaseException) -> None:
        self._end()
        self.save_button.setEnabled(True)
        if not self.errors.show(exc):
            self.errors.general.setText(str(exc))
            self.errors.general.show()

    def delete_session(self) -> None:
        session_id = self.current_id
        if session_id is None:
            return
        answer = QtWidgets.QMessageBox.question(
            self,
            self.tr("Delete session"),
            self.tr("Delete this training session and its roster?"),
        )
        if answer != QtWidgets.QMessageBox.StandardButton.Yes:
            return
        training = self.ctx.services.training
        self._start()
        self.ctx.tasks.write(lambda: training.delete_session(session_id), self._deleted, self._save_failed)

    def _deleted(self, _result: object) -> None:
        self._end()
        self.ctx.data_changed()
        self._load_form(None)
        self.refresh()

    # --- the roster ---------------------------------------------------------------------------------------
    def load_roster(self) -> None:
        session_id = self.current_id
        self._update_roster_state()
        if session_id is None:
            self.roster_model.set_rows([])
            self._show_summary()
            return
        training = self.ctx.services.training
        self._start()
        self._roster_seq += 1
        seq = self._roster_seq
        self.ctx.tasks.run(
            lambda: training.roster(session_id), lambda rows: self._roster_loaded(seq, session_id, rows), self._failed
        )

    def _roster_loaded(self, seq: int, session_id: str, rows: list[AttendanceView]) -> None:
        self._end()
        if session_id != self.current_id or seq != self._roster_seq:
            return  # another session was chosen, or a newer read/write is on its way
        self.roster_model.set_rows(rows)
        self._show_summary()

    def _update_roster_state(self) -> None:
        has = self.current_id is not None
        for w in (self.roster_view, self.picker, self.remove_button, self.all_present_button):
            w.setEnabled(has)
        self.roster_heading.setText(
            self.tr("Roster") if has else self.tr("Roster — save the session first, then add people")
        )

    def _show_summary(self) -> None:
        present, passed = self.roster_model.summary()
        self.summary_label.setText(
            self.tr("{present} present · {passed} passed · {total} on the roster").format(
                present=present, passed=passed, total=len(self.roster_model.rows)
            )
        )

    def _write_roster(self, fn: Any) -> None:
        session_id = self.current_id
        if session_id is None:
            return
        self.roster_error.clear()
        self._start()
        self._roster_seq += 1
        seq = self._roster_seq
        self.ctx.tasks.write(
            lambda: fn(session_id), lambda rows: self._roster_written(seq, session_id, rows), self._roster_failed
        )

    def _roster_written(self, seq: int, session_id: str, rows: list[AttendanceView]) -> None:
        self._end()
        self.ctx.data_changed()
        if session_id == self.current_id and seq == self._roster_seq:
            self.roster_model.set_rows(rows)
            self._show_summary()
        self.refresh()

    def _roster_failed(self, exc: BaseException) -> None:
        self._end()
        self.roster_error.setText(self.errors.message(exc) if isinstance(exc, ValidationError) else str(exc))
        self.load_roster()

    def add_to_roster(self, person_id: str, _name: str) -> None:
        if any(a.person_id == person_id for a in self.roster_model.rows):
            self.roster_error.setText(self.tr("This person is already on the roster."))
            return
        training = self.ctx.services.training
        self._write_roster(lambda sid: training.record_attendance(sid, [person_id], present=True))

    def _save_attendance(self, person_id: str, present: bool, result: str | None) -> None:
        self._show_summary()
        training = self.ctx.services.training
        self._write_roster(lambda sid: training.record_attendance(sid, [person_id], present=present, result=result))

    def mark_all_present(self) -> None:
        training = self.ctx.services.training
        absent = [a for a in self.roster_model.rows if not a.present]
        if not absent:
            return

        def write(sid: str) -> list[AttendanceView]:
            for a in absent:
                training.record_attendance(sid, [a.person_id], present=True, result=a.result)
            return training.roster(sid)

        self._write_roster(write)

    def remove_selected(self) -> None:
        index = self.roster_view.currentIndex()
        if not index.isValid():
            return
        person_id = self.roster_model.rows[index.row()].person_id
        training = self.ctx.services.training

        def remove(sid: str) -> list[AttendanceView]:
            # TrainingService.remove_from_roster tombstones only the newest attendance event, after which the
            # event it superseded counts as current again; repeat until the person is really off the roster.
            rows = training.remove_from_roster(sid, person_id)
            for _ in range(100):
                if not any(a.person_id == person_id for a in rows):
                    break
                rows = training.remove_from_roster(sid, person_id)
            return rows

        self._write_roster(remove)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
