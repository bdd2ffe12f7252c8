"""Sync: enroll this laptop with the provincial server, see what waits to be sent, sync now, and resolve the
conflicts the server found (commune operators; everyone else sees them read-only).

Everything that touches the network or the database runs in the background: rounds and enrollment through
the window's :class:`ui.sync_controller.SyncController`, reads through :func:`ui.sync_views.load_details`,
a resolution through :func:`sync.local.resolve_conflict` on the write pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlso_desktop.logsafe import describe
from dlso_desktop.models import Role
from dlso_desktop.text import clean_text, format_date_vn, parse_date_vn
from dlso_desktop.validation import ValidationError, mask_cccd, normalize_phone
from sync import fields as F
from sync import local
from sync import protocol as P
from sync.local import ConflictView, NotAllowed
from ui.app_context import AppContext
from ui.page import Page
from ui.qt import QtCore, QtGui, QtWidgets
from ui.settings import LANGUAGE
from ui.sync_controller import SyncController

if TYPE_CHECKING:  # sync.engine brings requests: imported when first needed, not when the window opens
    from sync.engine import RoundResult, SyncStatus
    from sync.protocol import EnrollResponse
    from ui.sync_views import SyncDetails

log = logging.getLogger(__name__)
Qt = QtCore.Qt
_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex

#: fields an operator may type a new value for (free text, numbers, dates); others: one side or the other
TYPEABLE_FIELDS = frozenset(
    {
        "display_name",
        "name",
        "address",
        "head_name",
        "phone",
        "smartphone_count",
        "phones_2g_only",
        "notes",
        "full_name",
        "sort_name",
        "birth_date",
        "birth_year",
        "place",
        "trainer_name",
        "session_date",
    }
)


def table_label(table: str) -> str:
    labels = {
        "village": QtCore.QCoreApplication.translate("SyncPage", "Village"),
        "household": QtCore.QCoreApplication.translate("SyncPage", "Household"),
        "person": QtCore.QCoreApplication.translate("SyncPage", "Person"),
        "app_user": QtCore.QCoreApplication.translate("SyncPage", "User"),
        "training_session": QtCore.QCoreApplication.translate("SyncPage", "Training session"),
        "visit": QtCore.QCoreApplication.translate("SyncPage", "Visit"),
        "visit_finding": QtCore.QCoreApplication.translate("SyncPage", "Visit finding"),
        "visit_action": QtCore.QCoreApplication.translate("SyncPage", "Visit action"),
        "consent": QtCore.QCoreApplication.translate("SyncPage", "Consent"),
        "attendance": QtCore.QCoreApplication.translate("SyncPage", "Attendance"),
        "assisted_submission": QtCore.QCoreApplication.translate("SyncPage", "Assisted submission"),
        "submission_status": QtCore.QCoreApplication.translate("SyncPage", "Submission status"),
        "certificate": QtCore.QCoreApplication.translate("SyncPage", "Certificate"),
        "certificate_revocation": QtCore.QCoreApplication.translate("SyncPage", "Certificate revocation"),
        P.CONFLICT_TABLE: QtCore.QCoreApplication.translate("SyncPage", "Conflict resolution"),
    }
    return labels.get(table, table)


def field_label(name: str) -> str:
    labels = {
        "deleted": QtCore.QCoreApplication.translate("SyncPage", "Deleted or kept"),
        "display_name": QtCore.QCoreApplication.translate("SyncPage", "Name"),
        "role": QtCore.QCoreApplication.translate("SyncPage", "Role"),
        "active": QtCore.QCoreApplication.translate("SyncPage", "Active"),
        "name": QtCore.QCoreApplication.translate("SyncPage", "Name"),
        "kind": QtCore.QCoreApplication.translate("SyncPage", "Kind"),
        "merged_into_id": QtCore.QCoreApplication.translate("SyncPage", "Merged into"),
        "village_id": QtCore.QCoreApplication.translate("SyncPage", "Village"),
        "address": QtCore.QCoreApplication.translate("SyncPage", "Address"),
        "head_name": QtCore.QCoreApplication.translate("SyncPage", "Head of household"),
        "phone": QtCore.QCoreApplication.translate("SyncPage", "Phone"),
        "smartphone_count": QtCore.QCoreApplication.translate("SyncPage", "Smartphones"),
        "phones_2g_only": QtCore.QCoreApplication.translate("SyncPage", "2G-only phones"),
        "internet": QtCore.QCoreApplication.translate("SyncPage", "Internet"),
        "notes": QtCore.QCoreApplication.translate("SyncPage", "Notes"),
        "household_id": QtCore.QCoreApplication.translate("SyncPage", "Household"),
        "relationship": QtCore.QCoreApplication.translate("SyncPage", "Relationship to the head"),
        "full_name": QtCore.QCoreApplication.translate("SyncPage", "Full name"),
        "name_order": QtCore.QCoreApplication.translate("SyncPage", "Name order"),
        "sort_name": QtCore.QCoreApplication.translate("SyncPage", "Sort name"),
        "sex": QtCore.QCoreApplication.translate("SyncPage", "Sex"),
        "birth_date": QtCore.QCoreApplication.translate("SyncPage", "Date of birth"),
        "birth_year": QtCore.QCoreApplication.translate("SyncPage", "Year of birth"),
        "citizen_id": QtCore.QCoreApplication.translate("SyncPage", "Citizen ID"),
        "ethnic_group": QtCore.QCoreApplication.translate("SyncPage", "Ethnic group"),
        "main_language": QtCore.QCoreApplication.translate("SyncPage", "Main language"),
        "needs_interpreter": QtCore.QCoreApplication.translate("SyncPage", "Needs an interpreter"),
        "vneid_level": QtCore.QCoreApplication.translate("SyncPage", "VNeID level"),
        "skills_confirmed": QtCore.QCoreApplication.translate("SyncPage", "Skills confirmed"),
        "has_smartphone": QtCore.QCoreApplication.translate("SyncPage", "Smartphone"),
        "has_bank_account": QtCore.QCoreApplication.translate("SyncPage", "Bank account or e-wallet"),
        "has_public_service_account": QtCore.QCoreApplication.translate("SyncPage", "Public-service account"),
        "has_digital_signature": QtCore.QCoreApplication.translate("SyncPage", "Digital signature"),
        "has_daklak_app": QtCore.QCoreApplication.translate("SyncPage", "Đắk Lắk số app"),
        "course_id": QtCore.QCoreApplication.translate("SyncPage", "Course"),
        "session_date": QtCore.QCoreApplication.translate("SyncPage", "Date"),
        "place": QtCore.QCoreApplication.translate("SyncPage", "Place"),
        "trainer_name": QtCore.QCoreApplication.translate("SyncPage", "Trainer"),
        "trainer_user_id": QtCore.QCoreApplication.translate("SyncPage", "Trainer (user)"),
    }
    return labels.get(name, name)


def _choice_label(name: str, value: str) -> str:
    labels = {
        ("sex", "male"): QtCore.QCoreApplication.translate("SyncPage", "male"),
        ("sex", "female"): QtCore.QCoreApplication.translate("SyncPage", "female"),
        ("role", Role.TEAM_MEMBER.value): QtCore.QCoreApplication.translate("SyncPage", "team member"),
        ("role", Role.TEAM_HEAD.value): QtCore.QCoreApplication.translate("SyncPage", "team head"),
        ("role", Role.COMMUNE_OPERATOR.value): QtCore.QCoreApplication.translate("SyncPage", "commune operator"),
    }
    return labels.get((name, value), value)


def format_time(stamp: str | None) -> str:
    """An ISO-8601 UTC time as local "dd/mm/yyyy hh:mm"."""
    if not stamp:
        return ""
    when = QtCore.QDateTime.fromString(stamp, Qt.DateFormat.ISODateWithMs)
    if not when.isValid():
        when = QtCore.QDateTime.fromString(stamp, Qt.DateFormat.ISODate)
    if not when.isValid():
        return stamp
    return when.toLocalTime().toString("dd/MM/yyyy HH:mm")


class TextRowsModel(QtCore.QAbstractTableModel):
    """A short list shown as text (conflicts, rejected changes): the page formats, the model shows.

    Each row is a key (a conflict id, an op id) and its cells; the full text of a cell is its tooltip."""

    def __init__(self, headers: Callable[[], Sequence[str]], parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self.keys: list[Any] = []
        self.cells: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[tuple[Any, tuple[str, ...]]]) -> None:
        self.beginResetModel()
        self.keys = [k for k, _ in rows]
        self.cells = [c for _, c in rows]
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))

    def rowCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt's name)
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt's name)
        return 0 if parent.isValid() else len(self._headers())

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cells):
            return None
        row = self.cells[index.row()]
        if not 0 <= index.column() < len(row):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()] or None
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        headers = self._headers()
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def key_at(self, row: int) -> Any:
        return self.keys[row] if 0 <= row < len(self.keys) else None


def _error_label() -> QtWidgets.QLabel:
    label = QtWidgets.QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def _value_label() -> QtWidgets.QLabel:
    label = QtWidgets.QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SyncPage(Page):
    def __init__(self, ctx: AppContext, controller: SyncController | None = None) -> None:
        super().__init__(ctx)
        self.controller = controller or SyncController(ctx, parent=self)
        self.details: SyncDetails | None = None
        self._load_seq = 0
        self.loading = False
        self.enrolling = False
        self.resolving = False
        self._enroll_error: str | None = None
        self._resolve_message: tuple[bool, str] | None = None  # (ok, text)
        self._progress: tuple[str, int, int] | None = None
        self._round_message: tuple[bool, str] | None = None  # (ok, text) of the last round in this session
        self._selected_conflict: str | None = None
        self._status_source = "controller"

        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QtWidgets.QStackedWidget()
        outer.addWidget(self.stack)
        self.enroll_view = self._build_enroll_view()
        self.status_view = self._build_status_view()
        self.stack.addWidget(self.enroll_view)
        self.stack.addWidget(self.status_view)

        self.controller.state_changed.connect(self._controller_state)
        self.controller.round_started.connect(self._round_started)
        self.controller.progress.connect(self._round_progress)
        self.controller.round_finished.connect(self._round_finished)
        self.retranslate()
        self._show_view()

    # -- building ----------------------------------------------------------------------------------------------

    def _build_enroll_view(self) -> QtWidgets.QWidget:
        view = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(view)
        self.enroll_box = QtWidgets.QGroupBox()
        box = QtWidgets.QVBoxLayout(self.enroll_box)
        self.enroll_intro = QtWidgets.QLabel()
        self.enroll_intro.setWordWrap(True)
        box.addWidget(self.enroll_intro)
        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.server_label = QtWidgets.QLabel()
        self.server_edit = QtWidgets.QLineEdit()
        self.server_edit.setMaxLength(300)
        self.server_label.setBuddy(self.server_edit)
        self.code_label = QtWidgets.QLabel()
        self.code_edit = QtWidgets.QLineEdit()
        self.code_edit.setMaxLength(64)
        self.code_label.setBuddy(self.code_edit)
        form.addRow(self.server_label, self.server_edit)
        form.addRow(self.code_label, self.code_edit)
        box.addLayout(form)
        row = QtWidgets.QHBoxLayout()
        self.enroll_button = QtWidgets.QPushButton()
        self.enroll_button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum, QtWidgets.QSizePolicy.Policy.Fixed)
        self.enroll_button.setDefault(True)
        self.enroll_button.clicked.connect(self.enroll)
        self.enroll_busy = QtWidgets.QLabel()
        self.enroll_busy.setVisible(False)
        self.qr_button = QtWidgets.QPushButton()
        self.qr_button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum, QtWidgets.QSizePolicy.Policy.Fixed)
        self.qr_button.clicked.connect(self._choose_qr_image)
        row.addWidget(self.qr_button)
        row.addWidget(self.enroll_button)
        row.addWidget(self.enroll_busy, 1)
        row.addStretch(0)
        box.addLayout(row)
        self.enroll_error = _error_label()
        box.addWidget(self.enroll_error)
        self.server_edit.returnPressed.connect(self.code_edit.setFocus)
        self.code_edit.returnPressed.connect(self.enroll)
        layout.addWidget(self.enroll_box)
        layout.addStretch(1)
        return view

    def _build_status_view(self) -> QtWidgets.QWidget:
        view = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(view)

        self.summary_box = QtWidgets.QGroupBox()
        summary = QtWidgets.QVBoxLayout(self.summary_box)
        grid = QtWidgets.QGridLayout()
        self.server_caption = QtWidgets.QLabel()
        self.server_value = _value_label()
        self.commune_caption = QtWidgets.QLabel()
        self.commune_value = _value_label()
        self.last_sync_caption = QtWidgets.QLabel()
        self.last_sync_value = _value_label()
        self.pending_caption = QtWidgets.QLabel()
        self.pending_value = _value_label()
        grid.addWidget(self.server_caption, 0, 0)
        grid.addWidget(self.server_value, 0, 1)
        grid.addWidget(self.commune_caption, 0, 2)
        grid.addWidget(self.commune_value, 0, 3)
        grid.addWidget(self.last_sync_caption, 1, 0)
        grid.addWidget(self.last_sync_value, 1, 1)
        grid.addWidget(self.pending_caption, 1, 2)
        grid.addWidget(self.pending_value, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        summary.addLayout(grid)
        self.clock_warning = _error_label()
        summary.addWidget(self.clock_warning)
        self.last_error_label = _error_label()
        summary.addWidget(self.last_error_label)
        row = QtWidgets.QHBoxLayout()
        self.sync_button = QtWidgets.QPushButton()
        self.sync_button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum, QtWidgets.QSizePolicy.Policy.Fixed)
        self.sync_button.clicked.connect(self.sync_now)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setVisible(False)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QtWidgets.QLabel()
        self.progress_label.setVisible(False)
        row.addWidget(self.sync_button)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.progress_label, 1)
        row.addStretch(0)
        summary.addLayout(row)
        self.result_label = QtWidgets.QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary.addWidget(self.result_label)
        layout.addWidget(self.summary_box)

        self.tabs = QtWidgets.QTabWidget()
        layout.addWidget(self.tabs, 1)

        # conflicts
        conflicts = QtWidgets.QWidget()
        cl = QtWidgets.QVBoxLayout(conflicts)
        self.conflict_note = QtWidgets.QLabel()
        self.conflict_note.setWordWrap(True)
        cl.addWidget(self.conflict_note)
        self.conflict_model = TextRowsModel(self._conflict_headers, self)
        self.conflict_table = self._table(self.conflict_model)
        self.conflict_table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.conflict_table.selectionModel().currentRowChanged.connect(self._conflict_chosen)
        cl.addWidget(self.conflict_table, 1)
        sides = QtWidgets.QHBoxLayout()
        self.server_side = QtWidgets.QGroupBox()
        ss = QtWidgets.QVBoxLayout(self.server_side)
        self.server_side_value = _value_label()
        self.server_side_who = _value_label()
        self.keep_server_button = QtWidgets.QPushButton()
        self.keep_server_button.clicked.connect(self.keep_server_value)
        ss.addWidget(self.server_side_value)
        ss.addWidget(self.server_side_who)
        ss.addWidget(self.keep_server_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.incoming_side = QtWidgets.QGroupBox()
        isl = QtWidgets.QVBoxLayout(self.incoming_side)
        self.incoming_side_value = _value_label()
        self.incoming_side_who = _value_label()
        self.keep_incoming_button = QtWidgets.QPushButton()
        self.keep_incoming_button.clicked.connect(self.keep_incoming_value)
        isl.addWidget(self.incoming_side_value)
        isl.addWidget(self.incoming_side_who)
        isl.addWidget(self.keep_incoming_button, 0, Qt.AlignmentFlag.AlignLeft)
        sides.addWidget(self.server_side, 1)
        sides.addWidget(self.incoming_side, 1)
        cl.addLayout(sides)
        new_row = QtWidgets.QHBoxLayout()
        self.new_value_label = QtWidgets.QLabel()
        self.new_value_edit = QtWidgets.QLineEdit()
        self.new_value_edit.setMaxLength(2000)
        self.new_value_label.setBuddy(self.new_value_edit)
        self.use_new_button = QtWidgets.QPushButton()
        self.use_new_button.clicked.connect(self.use_new_value)
        self.new_value_edit.returnPressed.connect(self.use_new_value)
        new_row.addWidget(self.new_value_label)
        new_row.addWidget(self.new_value_edit, 1)
        new_row.addWidget(self.use_new_button)
        cl.addLayout(new_row)
        self.resolve_message = _error_label()
        cl.addWidget(self.resolve_message)
        self.tabs.addTab(conflicts, "")

        # rejected changes
        rejected = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(rejected)
        self.rejected_note = QtWidgets.QLabel()
        self.rejected_note.setWordWrap(True)
        rl.addWidget(self.rejected_note)
        self.rejected_model = TextRowsModel(self._rejected_headers, self)
        self.rejected_table = self._table(self.rejected_model)
        for column in range(4):
            self.rejected_table.horizontalHeader().setSectionResizeMode(
                column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents
            )
        rl.addWidget(self.rejected_table, 1)
        self.tabs.addTab(rejected, "")
        return view

    def _table(self, model: TextRowsModel) -> QtWidgets.QTableView:
        table = QtWidgets.QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        table.setMinimumHeight(90)
        return table

    def _conflict_headers(self) -> list[str]:
        return [self.tr("Record"), self.tr("Field"), self.tr("Server value"), self.tr("Incoming value")]

    def reason_text(self, reason: str) -> str:
        """The server's reason in the user's language: its stable code translated, the detail kept after it."""
        code, _, detail = reason.partition(": ")
        texts = {
            "invalid_text": self.tr("The change holds characters the server cannot store."),
            "newer_schema": self.tr("This app is newer than the server: the province must update the server."),
            "unknown_table": self.tr("The server does not take this kind of record from laptops."),
            "other_commune": self.tr("The record does not belong to this laptop's commune."),
            "unknown_record": self.tr("The server does not know this record (its creation was refused)."),
            "bad_id": self.tr("The record's id is not valid."),
            "bad_field": self.tr("A value of the change is not valid for the server."),
            "exists": self.tr("Another record with the same id already exists on the server."),
            "not_operator": self.tr("Only a commune operator can do this (resolve a conflict, erase a person's data)."),
            "erased": self.tr(
                "This person's data was erased by the commune operator on request: this change was dropped."
            ),
            "already_resolved": self.tr("Someone else already resolved this conflict."),
        }
        text = texts.get(code)
        return reason if text is None else f"{text} ({detail})"

    def _rejected_headers(self) -> list[str]:
        return [self.tr("Kind of record"), self.tr("Record"), self.tr("Change"), self.tr("When"), self.tr("Reason")]

    # -- page hooks --------------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Sync")

    def activate(self) -> None:
        self.load()

    def has_unsaved_changes(self) -> bool:
        return self.stack.currentWidget() is self.status_view and bool(self.new_value_edit.text().strip())

    def retranslate(self) -> None:
        self._enroll_texts()
        self.server_label.setText(self.tr("Server &address"))
        self.server_edit.setPlaceholderText(self.tr("for example https://dlso.daklak.gov.vn"))
        self.code_label.setText(self.tr("One-time &code"))
        self.code_edit.setPlaceholderText(self.tr("the code from the commune operator"))
        self.qr_button.setText(self.tr("Read the code from a &QR image…"))
        self.enroll_busy.setText(self.tr("Contacting the server…"))
        self.summary_box.setTitle(self.tr("Provincial server"))
        self.server_caption.setText(self.tr("Server:"))
        self.commune_caption.setText(self.tr("Commune:"))
        self.last_sync_caption.setText(self.tr("Last sync:"))
        self.pending_caption.setText(self.tr("Not synced yet:"))
        self.sync_button.setText(self.tr("&Sync now"))
        self.sync_button.setToolTip(
            self.tr("Send this laptop's changes to the server and receive the changes of the other laptops.")
        )
        self.server_side.setTitle(self.tr("On the server"))
        self.incoming_side.setTitle(self.tr("Incoming change"))
        self.new_value_label.setText(self.tr("Or a &new value:"))
        self.use_new_button.setText(self.tr("Use this value"))
        self.rejected_note.setText(
            self.tr(
                "The server refused these changes; they are kept here with its reason. Correct the record and"
                " save it again, or ask the commune operator."
            )
        )
        self.conflict_model.retranslate()
        self.rejected_model.retranslate()
        self._show_enroll_state()
        self._show_status()
        self._show_progress()
        self._show_details()

    # -- which view ----------------------------------------------------------------------------------------------

    @property
    def enrolled(self) -> bool:
        return self.controller.enrolled

    @property
    def enrolling_again(self) -> bool:
        """The server refused this laptop as unknown (``unauthorized``): the enrollment form comes back, to
        enroll it again with a new code (its data and unsent work stay)."""
        return self.controller.must_enroll_again

    def _enroll_texts(self) -> None:
        if self.enrolling_again:
            self.enroll_box.setTitle(self.tr("Enroll this laptop again"))
            self.enroll_intro.setText(
                self.tr(
                    "The server no longer recognises this laptop (the server was restored from a backup, or this"
                    " laptop was enrolled again elsewhere). Nothing is lost: every change stays on this laptop and"
                    " is sent again once it is enrolled. Ask the commune operator for a new one-time enrollment"
                    " code, type it here, then press Enroll again."
                )
            )
            self.enroll_button.setText(self.tr("&Enroll again"))
            return
        self.enroll_box.setTitle(self.tr("Enroll this laptop with the provincial server"))
        self.enroll_intro.setText(
            self.tr(
                "Until it is enrolled, this laptop works on its own and keeps every change. Ask the commune"
                " operator for the server address and a one-time enrollment code, type them here, then press"
                " Enroll."
            )
        )
        self.enroll_button.setText(self.tr("&Enroll"))

    def _show_view(self) -> None:
        again = self.enrolling_again
        want = self.enroll_view if again or not self.enrolled else self.status_view
        self._enroll_texts()
        if again and not self.server_edit.text().strip():
            status = self._status()
            if status is not None and status.server:
                self.server_edit.setText(status.server)  # the same server, a new code
        if self.stack.currentWidget() is not want:
            self.stack.setCurrentWidget(want)

    def _controller_state(self) -> None:
        self._status_source = "controller"
        self._show_view()
        self._show_status()

    # -- loading -------------------------------------------------------------------------------------------------

    def load(self) -> None:
        """Re-read status, conflicts and rejected changes in the background."""
        self._load_seq += 1
        seq = self._load_seq
        self.loading = True
        db = self.ctx.db

        def work() -> SyncDetails:
            from ui.sync_views import load_details

            return load_details(db)

        self.ctx.tasks.run(work, lambda d: self._loaded(seq, d), lambda e: self._load_failed(seq, e))
        self.controller.refresh()

    def _loaded(self, seq: int, details: SyncDetails) -> None:
        if seq != self._load_seq:
            return
        self.loading = False
        self.details = details
        self._status_source = "details"
        self._show_status()
        self._show_details()

    def _load_failed(self, seq: int, exc: BaseException) -> None:
        if seq == self._load_seq:
            self.loading = False
            log.error("could not read the sync details:\n%s", describe(exc))

    def _status(self) -> SyncStatus | None:
        """The status read last (the controller's, or the one read with the details)."""
        latest = self.details.status if self.details is not None else None
        if self._status_source == "controller" or latest is None:
            return self.controller.status or latest
        return latest

    def _language(self) -> str:
        return str(self.ctx.settings.get(LANGUAGE))

    def _message_of(self, exc: BaseException, *, enrolling: bool = False) -> str:
        from sync.transport import Refused, TransportError

        vi = self._language() == "vi"
        if isinstance(exc, Refused | NotAllowed | ValidationError):
            return exc.message_vi if vi else exc.message_en
        if isinstance(exc, TransportError | OSError) and enrolling:
            return self.tr(
                "Could not reach the server. Check the server address and the network connection, then try again."
            )
        if isinstance(exc, TransportError | OSError):
            return self.tr(
                "Could not reach the server. Check the network connection and the server address; the changes"
                " stay on this laptop and are sent at the next sync."
            )
        return self.tr("Something went wrong: {error}").format(error=f"{type(exc).__name__}: {exc}")

    # -- enrollment ----------------------------------------------------------------------------------------------

    def enroll(self) -> None:
        if self.enrolling:
            return
        server = self.server_edit.text().strip()
        code = "".join(self.code_edit.text().split())
        problem = None
        if not server.startswith(("http://", "https://")) or len(server) < 10:
            problem = self.tr("Type the server address as the commune operator gave it, starting with https://")
            self.server_edit.setFocus()
        elif len(code) < 4:
            problem = self.tr("Type the one-time code (at least 4 characters).")
            self.code_edit.setFocus()
        if problem is not None:
            self._enroll_error = problem
            self._show_enroll_state()
            return
        self.enrolling = True
        self._enroll_error = None
        self._show_enroll_state()
        self.controller.enroll(server, code, self._enrolled, self._enroll_failed)

    def _choose_qr_image(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("QR image of the enrollment code"), "", self.tr("Images (*.png *.jpg *.jpeg *.bmp)")
        )
        if path:
            self.read_qr_image(Path(path))

    def read_qr_image(self, path: Path) -> None:
        """Decode an enrollment QR image (a photo or the PNG from the operator) in the background and fill
        in the server address and the code; the user still presses Enroll."""

        def work() -> tuple[str | None, str]:
            import zxingcpp

            from sync import engine  # not at import time: it brings requests, the window starts faster without

            image = QtGui.QImage(str(path))
            if image.isNull():
                raise ValueError("unreadable image")
            for barcode in zxingcpp.read_barcodes(image):
                try:
                    return engine.parse_enrollment_text(barcode.text)
                except ValueError:
                    continue
            raise ValueError("no enrollment QR code in the image")

        self.ctx.tasks.run(work, self._qr_read, self._qr_failed)

    def _qr_read(self, found: tuple[str | None, str]) -> None:
        server, code = found
        if server:
            self.server_edit.setText(server)
        self.code_edit.setText(code)
        self._enroll_error = None
        self._show_enroll_state()
        self.enroll_button.setFocus()

    def _qr_failed(self, _exc: BaseException) -> None:
        self._enroll_error = self.tr(
            "No enrollment code was found in that image. Try a sharper photo, or type the code."
        )
        self._show_enroll_state()

    def _enrolled(self, answer: EnrollResponse) -> None:
        self.enrolling = False
        self.code_edit.clear()
        self._show_enroll_state()
        self._show_view()
        self.load()

    def _enroll_failed(self, exc: BaseException) -> None:
        self.enrolling = False
        self._enroll_error = self._message_of(exc, enrolling=True)
        self._show_enroll_state()
        self.code_edit.setFocus()
        self.code_edit.selectAll()

    def _show_enroll_state(self) -> None:
        for w in (self.server_edit, self.code_edit, self.enroll_button, self.qr_button):
            w.setEnabled(not self.enrolling)
        self.enroll_busy.setVisible(self.enrolling)
        self.enroll_error.setText(self._enroll_error or "")
        self.enroll_error.setVisible(bool(self._enroll_error))

    # -- status and rounds ---------------------------------------------------------------------------------------

    def sync_now(self) -> None:
        self._round_message = None
        self.controller.sync_now()
        self._show_status()

    def _round_started(self) -> None:
        self._progress = ("connect", 0, 0)
        self._show_progress()
        self._show_status()

    def _round_progress(self, phase: str, done: int, total: int) -> None:
        self._progress = (phase, done, total)
        self._show_progress()

    def _round_finished(self, outcome: object) -> None:
        self._progress = None
        from sync.engine import RoundResult  # loaded already: the round ran

        if isinstance(outcome, RoundResult):
            self._round_message = (True, self._result_text(outcome))
        elif isinstance(outcome, BaseException):
            self._round_message = (False, self._message_of(outcome))
        self._show_progress()
        self._show_status()
        self.load()

    def _result_text(self, r: RoundResult) -> str:
        text = self.tr(
            "Result: sent {applied} change(s) · {duplicate} already on the server · {conflict} conflict(s)"
            " · {rejected} refused; received {pulled} record(s)."
        ).format(applied=r.applied, duplicate=r.duplicate, conflict=r.conflict, rejected=r.rejected, pulled=r.pulled)
        if r.reset:
            text += " " + self.tr("The server asked for a full download; it is done.")
        if r.snapshot:
            text += " " + self.tr("The commune's data came as one file (first sync).")
        if r.waiting is not None:
            text += " " + self.tr(
                "Some changes wait: they edit records the server lost in its restore that another laptop has not"
                " sent again yet. They are sent again at the next sync."
            )
        return text

    def _show_progress(self) -> None:
        running = self.controller.running
        self.sync_button.setEnabled(not running)
        p = self._progress if running else None
        self.progress_bar.setVisible(p is not None)
        self.progress_label.setVisible(p is not None)
        if p is None:
            return
        phase, done, total = p
        if phase == "push" and total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
            self.progress_label.setText(self.tr("Sending changes: {done} of {total}").format(done=done, total=total))
        elif phase == "pull":
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(self.tr("Receiving changes: {done}").format(done=done))
        elif phase == "snapshot":
            mb_done, mb_total = done // 1_000_000, total // 1_000_000
            if total > 0:
                self.progress_bar.setRange(0, max(1, mb_total))
                self.progress_bar.setValue(min(mb_done, mb_total))
                text = self.tr("Downloading the commune's data: {done} of {total} MB")
            else:
                self.progress_bar.setRange(0, 0)
                text = self.tr("Downloading the commune's data: {done} MB")
            self.progress_label.setText(text.format(done=mb_done, total=mb_total))
        else:
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(self.tr("Connecting to the server…"))

    def _show_status(self) -> None:
        st = self._status()
        never = self.tr("never")
        self.server_value.setText((st.server if st else None) or "")
        self.commune_value.setText((st.commune_name if st else None) or self.ctx.commune.display_name)
        self.last_sync_value.setText(format_time(st.last_sync_at) if st and st.last_sync_at else never)
        pending = st.pending if st else 0
        self.pending_value.setText(self.tr("{n} change(s)").format(n=self.locale().toString(pending)))
        warning = ""
        if st is not None and st.clock_offset_seconds is not None:
            offset = st.clock_offset_seconds
            if abs(offset) > P.CLOCK_WARNING_SECONDS:
                if abs(offset) >= 2 * 3600:
                    amount = self.tr("{n} hours").format(n=round(abs(offset) / 3600))
                else:
                    amount = self.tr("{n} minutes").format(n=round(abs(offset) / 60))
                if offset < 0:  # the server's time minus the laptop's: the laptop is ahead
                    warning = self.tr(
                        "This laptop's clock is about {amount} ahead of the server's. Please set the laptop's date"
                        " and time; times recorded here may be wrong (a clock never decides which change wins)."
                    ).format(amount=amount)
                else:
                    warning = self.tr(
                        "This laptop's clock is about {amount} behind the server's. Please set the laptop's date"
                        " and time; times recorded here may be wrong (a clock never decides which change wins)."
                    ).format(amount=amount)
        self.clock_warning.setText(warning)
        self.clock_warning.setVisible(bool(warning))
        message = self._round_message
        if message is None and st is not None and st.last_error and not self.controller.running:
            message = (False, self.tr("The last sync failed: {error}").format(error=st.last_error))
        self.last_error_label.setVisible(message is not None and not message[0])
        self.last_error_label.setText(message[1] if message is not None and not message[0] else "")
        if message is not None and message[0]:
            self.result_label.setText(message[1])
        elif self.controller.last_result is not None:
            self.result_label.setText(self._result_text(self.controller.last_result))
        else:
            self.result_label.setText(self.tr("No sync yet since the app started."))
        self._show_progress()

    # -- details: conflicts and rejected changes -------------------------------------------------------------------

    @property
    def can_resolve(self) -> bool:
        user = self.ctx.user
        return user is not None and user.role == Role.COMMUNE_OPERATOR.value

    def _who(self, user_id: str | None, device: str | None, at: str | None) -> str:
        d = self.details
        name = (d.users.get(user_id) if d and user_id else None) or self.tr("an unknown user")
        if device and d and device == d.device_id:
            where = self.tr("this laptop")
        elif device:
            where = self.tr("device {id}").format(id=device[:8])
        else:
            where = self.tr("the office")
        return self.tr("By {who} on {device}, {when}").format(who=name, device=where, when=format_time(at) or "?")

    def format_value(self, table: str, name: str, value: Any) -> str:
        if value is None or value == "":
            return self.tr("(empty)")
        if isinstance(value, bool):
            return self.tr("Yes") if value else self.tr("No")
        from ui.sync_views import REFERENCE_FIELDS

        if name in REFERENCE_FIELDS and isinstance(value, str):
            label = self.details.labels.get((REFERENCE_FIELDS[name], value)) if self.details else None
            return label or value[:8]
        if name == "citizen_id" and isinstance(value, str):
            return mask_cccd(value)  # never in full outside the person's own form
        spec = F.TABLES.get(table)
        fs = spec.fields.get(name) if spec else None
        if fs is not None and fs.kind == "date" and isinstance(value, str):
            try:
                return format_date_vn(date.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(value, str):
            return _choice_label(name, value)
        return str(value)

    def _side_texts(self, c: ConflictView) -> tuple[str, str]:
        if c.field == P.DELETED_FIELD:
            server = self.tr("Deleted") if c.server_value else self.tr("Kept")
            changes = c.incoming_value if isinstance(c.incoming_value, dict) else {}
            edits = "; ".join(
                f"{field_label(k)}: {self.format_value(c.table_name, k, v)}" for k, v in sorted(changes.items())
            )
            incoming = self.tr("Edited meanwhile: {changes}").format(changes=edits or "—")
            return server, incoming
        return (
            self.format_value(c.table_name, c.field, c.server_value),
            self.format_value(c.table_name, c.field, c.incoming_value),
        )

    def _record_name(self, table: str, row_id: str) -> str:
        d = self.details
        if table == P.CONFLICT_TABLE and d is not None and row_id in d.conflict_targets:
            target, target_id, name = d.conflict_targets[row_id]
            return f"{self._record_text(target, target_id)} · {field_label(name)}"
        label = d.labels.get((table, row_id)) if d else None
        return label or row_id[:8]

    def _record_text(self, table: str, row_id: str) -> str:
        return f"{table_label(table)}: {self._record_name(table, row_id)}"

    def _show_details(self) -> None:
        d = self.details
        conflicts = d.conflicts if d else []
        rows = []
        for c in conflicts:
            server, incoming = self._side_texts(c)
            rows.append((c.id, (self._record_text(c.table_name, c.row_id), field_label(c.field), server, incoming)))
        keep = self._selected_conflict
        self.conflict_model.set_rows(rows)
        rejected = d.rejected if d else []
        kinds = {
            "insert": self.tr("added"),
            "update": self.tr("changed"),
            "delete": self.tr("deleted"),
            "resolve": self.tr("conflict resolved"),
        }
        self.rejected_model.set_rows(
            [
                (
                    r.op_id,
                    (
                        table_label(r.table),
                        self._record_name(r.table, r.row_id),
                        kinds.get(r.kind, r.kind),
                        format_time(r.created_at),
                        self.reason_text(r.reason),
                    ),
                )
                for r in rejected
            ]
        )
        self.tabs.setTabText(0, self.tr("Conflicts ({n})").format(n=len(conflicts)))
        self.tabs.setTabText(1, self.tr("Refused changes ({n})").format(n=len(rejected)))
        if not conflicts:
            note = self.tr("No conflicts: every change merged with the others.")
        elif self.can_resolve:
            note = self.tr(
                "The same field was changed in two places. Choose the value to keep, or type a new one; the"
                " decision is sent with the next sync and reaches every laptop."
            )
        else:
            note = self.tr(
                "The same field was changed in two places. Only a commune operator can decide; you can see the"
                " conflicts here."
            )
        self.conflict_note.setText(note)
        row = next((i for i, c in enumerate(conflicts) if c.id == keep), 0 if conflicts else -1)
        if row >= 0:
            self.conflict_table.selectRow(row)
            self.conflict_table.setCurrentIndex(self.conflict_model.index(row, 0))
        self._show_conflict()

    def _conflict_chosen(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        key = self.conflict_model.key_at(current.row()) if current.isValid() else None
        if key != self._selected_conflict:
            self._selected_conflict = key
            self.new_value_edit.clear()
            self._resolve_message = None
        self._show_conflict()

    def selected_conflict(self) -> ConflictView | None:
        if self.details is None or self._selected_conflict is None:
            return None
        return next((c for c in self.details.conflicts if c.id == self._selected_conflict), None)

    def _show_conflict(self) -> None:
        c = self.selected_conflict()
        for box in (self.server_side, self.incoming_side):
            box.setVisible(c is not None)
        deleted = c is not None and c.field == P.DELETED_FIELD
        typeable = c is not None and not deleted and c.field in TYPEABLE_FIELDS
        for w in (self.new_value_label, self.new_value_edit, self.use_new_button):
            w.setVisible(typeable)
        if c is not None:
            server, incoming = self._side_texts(c)
            self.server_side_value.setText(server)
            self.incoming_side_value.setText(incoming)
            self.server_side_who.setText(self._who(c.server_by, c.server_device, c.server_at))
            self.incoming_side_who.setText(self._who(c.incoming_by, c.incoming_device, c.incoming_at))
        if deleted:
            self.keep_server_button.setText(self.tr("Keep deleted"))
            self.keep_incoming_button.setText(self.tr("Restore with the change"))
        else:
            self.keep_server_button.setText(self.tr("Keep the server value"))
            self.keep_incoming_button.setText(self.tr("Keep the incoming value"))
        enabled = c is not None and self.can_resolve and not c.resolving and not self.resolving
        for b in (self.keep_server_button, self.keep_incoming_button, self.use_new_button, self.new_value_edit):
            b.setEnabled(enabled)
        message = self._resolve_message
        if message is None and c is not None and c.resolving:
            message = (True, self.tr("Decision saved: it is sent with the next sync."))
        self.resolve_message.setVisible(message is not None)
        self.resolve_message.setText(message[1] if message else "")
        self.resolve_message.setStyleSheet("color: #1b5e20;" if message and message[0] else "color: #b00020;")

    # -- resolving -------------------------------------------------------------------------------------------------

    def keep_server_value(self) -> None:
        c = self.selected_conflict()
        if c is not None:
            self.resolve(c, True if c.field == P.DELETED_FIELD else c.server_value)

    def keep_incoming_value(self) -> None:
        c = self.selected_conflict()
        if c is not None:
            self.resolve(c, False if c.field == P.DELETED_FIELD else c.incoming_value)

    def use_new_value(self) -> None:
        c = self.selected_conflict()
        if c is None or c.field not in TYPEABLE_FIELDS or not self.use_new_button.isEnabled():
            return
        try:
            value = self.parse_value(c.table_name, c.field, self.new_value_edit.text())
        except ValueError as exc:
            self._resolve_message = (False, str(exc))
            self._show_conflict()
            self.new_value_edit.setFocus()
            return
        self.resolve(c, value)

    def parse_value(self, table: str, name: str, text: str) -> Any:
        """A typed value in the field's form; ValueError with a message for the user."""
        fs = F.TABLES[table].fields[name]
        text = clean_text(text)
        if not text:
            if fs.nullable:
                return None
            raise ValueError(self.tr("Type a value (this field cannot be empty)."))
        if fs.kind == "int":
            try:
                return int(text)
            except ValueError:
                raise ValueError(self.tr("Type a whole number.")) from None
        if fs.kind == "date":
            try:
                return parse_date_vn(text).isoformat()
            except ValueError:
                raise ValueError(self.tr("Type a date as dd/mm/yyyy.")) from None
        if name == "phone":
            try:
                return normalize_phone(text)[0]
            except ValidationError as exc:
                raise ValueError(self._message_of(exc)) from None
        return text

    def resolve(self, conflict: ConflictView, value: Any) -> None:
        """Record the decision (an outbox op, on the write pool); the next sync sends it."""
        if self.resolving:
            return
        if not self.can_resolve:
            self._resolve_message = (
                False,
                self._message_of(
                    NotAllowed(
                        "Chỉ cán bộ xã (quản trị xã) mới giải quyết được xung đột.",
                        "Only a commune operator can resolve a conflict.",
                    )
                ),
            )
            self._show_conflict()
            return
        user_id = self.ctx.user.id if self.ctx.user else ""
        db = self.ctx.db
        self.resolving = True
        self._resolve_message = None
        self._show_conflict()
        self.ctx.tasks.write(
            lambda: local.resolve_conflict(db, user_id, conflict.id, value), self._resolved, self._resolve_failed
        )

    def _resolved(self, _result: object) -> None:
        self.resolving = False
        self.new_value_edit.clear()
        self._resolve_message = (True, self.tr("Decision saved: it is sent with the next sync."))
        self.ctx.data_changed()  # one more change waits: the status bar recounts, a round follows soon
        self.load()

    def _resolve_failed(self, exc: BaseException) -> None:
        self.resolving = False
        if not isinstance(exc, NotAllowed):
            log.error("could not record a conflict decision:\n%s", describe(exc))
        self._resolve_message = (False, self._message_of(exc))
        self._show_conflict()

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.matches(QtGui.QKeySequence.StandardKey.Refresh):
            self.sync_now()
            return
        super().keyPressEvent(event)
