"""The audit trail for the commune operator (issue 6): who did what to which record, when.

Filters (text in the summary — as stored, or as shown: see :func:`codes_for` — or the record id, user, action,
table, a range of days), a table that reads the
trail a page at a time in the background (100,000 entries and more: only the rows scrolled to are read),
"Kiểm tra tính toàn vẹn" (the whole hash chain and the head the server holds, with progress and a verdict)
and "Xuất…" (CSV for Excel or JSON Lines, written in the background). Every query goes through
``ctx.tasks``; nothing here touches the database on the GUI thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dlso_desktop.models import ConsentScope
from dlso_desktop.services.audit import AuditCount, AuditEntryView, AuditFilter, AuditVerdict
from dlso_desktop.text import fold
from dlso_desktop.validation import ValidationError
from sync import erasure as erasure_rules
from sync import fields as sync_fields
from ui.app_context import AppContext
from ui.page import Page
from ui.qt import QtCore, QtWidgets, Signal
from ui.settings import LANGUAGE
from ui.submissions import fit_date_edit, parse_date_filter
from ui.sync_page import field_label

Qt = QtCore.Qt
_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex

PLACEHOLDER = "…"
#: rows read at once, and how many pages of them are kept (the rest are read again when scrolled back to)
PAGE_SIZE = 200
KEPT_PAGES = 40
#: a pause after typing before the list is read again (milliseconds)
TYPING_DELAY_MS = 350


def action_label(action: str) -> str:
    labels = {
        "create": QtCore.QCoreApplication.translate("AuditPage", "Created"),
        "update": QtCore.QCoreApplication.translate("AuditPage", "Changed"),
        "delete": QtCore.QCoreApplication.translate("AuditPage", "Deleted"),
        "supersede": QtCore.QCoreApplication.translate("AuditPage", "Corrected"),
        "import": QtCore.QCoreApplication.translate("AuditPage", "Imported"),
        "revoke": QtCore.QCoreApplication.translate("AuditPage", "Revoked"),
        "resolve": QtCore.QCoreApplication.translate("AuditPage", "Conflict resolved"),
        "export": QtCore.QCoreApplication.translate("AuditPage", "Trail exported"),
        "erase": QtCore.QCoreApplication.translate("AuditPage", "Erased"),
        "withdraw": QtCore.QCoreApplication.translate("AuditPage", "Consent withdrawn"),
        "merge": QtCore.QCoreApplication.translate("AuditPage", "Merged"),
    }
    return labels.get(action, action)


def table_label(table: str) -> str:
    labels = {
        "person": QtCore.QCoreApplication.translate("AuditPage", "Person"),
        "household": QtCore.QCoreApplication.translate("AuditPage", "Household"),
        "village": QtCore.QCoreApplication.translate("AuditPage", "Village"),
        "visit": QtCore.QCoreApplication.translate("AuditPage", "Visit"),
        "visit_finding": QtCore.QCoreApplication.translate("AuditPage", "Visit finding"),
        "visit_action": QtCore.QCoreApplication.translate("AuditPage", "Visit support"),
        "consent": QtCore.QCoreApplication.translate("AuditPage", "Consent"),
        "training_session": QtCore.QCoreApplication.translate("AuditPage", "Training session"),
        "attendance": QtCore.QCoreApplication.translate("AuditPage", "Attendance"),
        "assisted_submission": QtCore.QCoreApplication.translate("AuditPage", "Online service"),
        "submission_status": QtCore.QCoreApplication.translate("AuditPage", "Service status"),
        "certificate": QtCore.QCoreApplication.translate("AuditPage", "Certificate"),
        "certificate_revocation": QtCore.QCoreApplication.translate("AuditPage", "Certificate revocation"),
        "app_user": QtCore.QCoreApplication.translate("AuditPage", "User"),
        "sync_conflict": QtCore.QCoreApplication.translate("AuditPage", "Sync conflict"),
        "audit_entry": QtCore.QCoreApplication.translate("AuditPage", "Audit trail"),
    }
    return labels.get(table, table)


_FIELD_LIST = re.compile(r"[a-z][a-z0-9_]*(, [a-z][a-z0-9_]*)*")


def _fixed_labels() -> dict[tuple[str, str, str], str]:
    """(action, table, summary) -> label: the phrases services write as a summary."""
    return {
        ("update", "person", "visit finding"): QtCore.QCoreApplication.translate(
            "AuditPage", "digital status updated by a visit"
        ),
        ("update", "household", "village merge"): QtCore.QCoreApplication.translate(
            "AuditPage", "moved by a village merge"
        ),
        ("update", "household", "head renamed"): QtCore.QCoreApplication.translate(
            "AuditPage", "head of household renamed"
        ),
        ("delete", "person", "removed from household"): QtCore.QCoreApplication.translate(
            "AuditPage", "removed from the household"
        ),
        ("delete", "person", "household deleted"): QtCore.QCoreApplication.translate(
            "AuditPage", "the whole household was deleted"
        ),
        ("update", "person", "sensitive consent withdrawn"): QtCore.QCoreApplication.translate(
            "AuditPage", "ethnic group removed: consent withdrawn"
        ),
    }


def _reason_labels() -> dict[str, str]:
    """An erasure's reason code -> label."""
    return {
        "person_asked": QtCore.QCoreApplication.translate("AuditPage", "the person asked"),
        "entered_by_mistake": QtCore.QCoreApplication.translate("AuditPage", "data entered by mistake"),
        "other": QtCore.QCoreApplication.translate("AuditPage", "other reason"),
    }


def _consent_labels() -> tuple[dict[str, str], dict[str, str]]:
    """A consent summary's scope and answer codes -> labels."""
    scopes = {
        ConsentScope.BASIC.value: QtCore.QCoreApplication.translate("AuditPage", "basic information"),
        ConsentScope.SENSITIVE.value: QtCore.QCoreApplication.translate("AuditPage", "ethnic group"),
    }
    answers = {
        "granted": QtCore.QCoreApplication.translate("AuditPage", "agreed"),
        "refused": QtCore.QCoreApplication.translate("AuditPage", "did not agree"),
        "withdrawn": QtCore.QCoreApplication.translate("AuditPage", "withdrawn"),
    }
    return scopes, answers


def _own_field_labels() -> dict[str, str]:
    """Fields no sync conflict shows (the sync page's labels have the rest)."""
    return {
        "pin_hash": QtCore.QCoreApplication.translate("AuditPage", "PIN"),
        "erased_at": QtCore.QCoreApplication.translate("AuditPage", "Erased on"),
        "note": QtCore.QCoreApplication.translate("AuditPage", "Note"),
        "dossier_code": QtCore.QCoreApplication.translate("AuditPage", "Dossier code"),
        "qr_payload": QtCore.QCoreApplication.translate("AuditPage", "QR code"),
        "reason": QtCore.QCoreApplication.translate("AuditPage", "Reason"),
    }


def _erasure_label() -> str:
    return QtCore.QCoreApplication.translate("AuditPage", "erasure ({reason})")


def _erased_label() -> str:
    return QtCore.QCoreApplication.translate("AuditPage", "the person’s data was erased")


def _field_labels(names: list[str]) -> list[str]:
    own = _own_field_labels()
    return [own.get(name) or field_label(name) for name in names]


def summary_label(action: str, table: str, summary: str) -> str:
    """An entry's summary as the operator reads it. The trail stores the summary as it was written (it is part
    of the hash chain, and the export keeps it so): either text typed by someone (a name, a place, a
    certificate number), shown as it is, or one of the app's own phrases and codes, shown in the app's language
    here: the fields a change touched, a visit's findings, a consent answer, an erasure's reason."""
    fixed = _fixed_labels()
    if (action, table, summary) in fixed:
        return fixed[action, table, summary]
    reasons = _reason_labels()
    if table == "consent":
        head, _, tail = summary.partition(": ")
        scopes, answers = _consent_labels()
        if head in scopes and tail in answers:
            return f"{scopes[head]}: {answers[tail]}"
        if head == "erasure" and tail in reasons:
            return _erasure_label().format(reason=reasons[tail])
    if action == "erase" and table == "person" and summary in reasons:
        return _erasure_label().format(reason=reasons[summary])
    if action == "revoke":
        number, sep, reason = summary.rpartition(": ")
        if sep and reason == erasure_rules.REVOCATION_REASON:
            return f"{number}: {_erased_label()}"
    if action == "resolve":
        name, sep, field = summary.partition(".")
        if sep and _FIELD_LIST.fullmatch(name) and _FIELD_LIST.fullmatch(field):
            return f"{table_label(name)}: {field_label(field)}"
    if action == "export" and table == "audit_entry" and summary in ("csv", "jsonl"):
        return summary.upper()  # the file format: CSV, JSONL
    if action in ("update", "erase") and _FIELD_LIST.fullmatch(summary):
        # the fields a change touched (the unit of work's default summary)
        return ", ".join(_field_labels(summary.split(", ")))
    return summary


def codes_for(text: str) -> tuple[str, ...]:
    """The stored summary codes whose label (see :func:`summary_label`) contains ``text``, accents and case
    ignored: what the text filter must also look for, since the trail keeps the codes and the screen shows
    the labels (typing "đồng ý" finds the consent answers stored as ``granted``)."""
    wanted = fold(text)
    if len(wanted) < 2:
        return ()
    codes: list[str] = []

    def match(label: str, *stored: str) -> None:
        if wanted in fold(label):
            codes.extend(stored)

    for (_action, _table, phrase), label in _fixed_labels().items():
        match(label, phrase)
    reasons = _reason_labels()
    for code, label in reasons.items():
        match(label, code)
    match(_erasure_label().format(reason=""), *reasons)  # "erasure (…)": every reason code
    scopes, answers = _consent_labels()
    for code, label in (*scopes.items(), *answers.items()):
        match(label, f"{code}:" if code in scopes else f": {code}")
    match(_erased_label(), f": {erasure_rules.REVOCATION_REASON}")
    fields = sorted({f for spec in sync_fields.TABLES.values() for f in spec.fields} | set(_own_field_labels()))
    for name, label in zip(fields, _field_labels(fields), strict=True):
        match(label, name)
    return tuple(dict.fromkeys(codes))


class AuditModel(QtCore.QAbstractTableModel):
    """The entries matching a filter, newest first, read ``PAGE_SIZE`` at a time by offset (up to the newest
    entry when the list was counted, so pages read later still belong to the same list)."""

    SEQ, TIME, USER, ACTION, TABLE, RECORD, SUMMARY = range(7)
    COLUMNS = 7
    #: a page arrived (GUI thread)
    page_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.total = 0
        self.up_to = 0
        self.filter = AuditFilter()
        self._pages: dict[int, list[AuditEntryView]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        #: called with the error when a page cannot be read
        self.on_error: Callable[[BaseException], None] | None = None

    def show(self, f: AuditFilter, count: AuditCount) -> None:
        self.beginResetModel()
        self._generation += 1
        self.filter = f
        self.total, self.up_to = count.total, count.up_to
        self._pages = {}
        self._pending = set()
        self.endResetModel()

    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    def all_pending_done(self) -> bool:
        return not self._pending

    def entry(self, row: int) -> AuditEntryView | None:
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            return None
        i = row % PAGE_SIZE
        return page[i] if i < len(page) else None

    def rowCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        headers = [
            self.tr("No."),
            self.tr("Time"),
            self.tr("User"),
            self.tr("Action"),
            self.tr("Kind of record"),
            self.tr("Record id"),
            self.tr("Details"),
        ]
        return headers[section] if 0 <= section < len(headers) else None

    def cell(self, e: AuditEntryView, column: int) -> str:
        if column == self.SEQ:
            return str(e.seq)
        if column == self.TIME:
            return e.local_time.strftime("%d/%m/%Y %H:%M:%S")
        if column == self.USER:
            if e.user_id is None:
                return self.tr("(the app itself)")
            return e.user_name or e.user_id
        if column == self.ACTION:
            return action_label(e.action)
        if column == self.TABLE:
            return table_label(e.table_name)
        if column == self.RECORD:
            return e.row_id
        return summary_label(e.action, e.table_name, e.summary)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.total:
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self.entry(index.row())
        if e is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row() // PAGE_SIZE)
                return PLACEHOLDER
            return None
        text = self.cell(e, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.SEQ:
                return self.tr("Hash: {hash}").format(hash=e.hash)
            return text or None
        return text

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _request(self, page: int) -> None:
        if page in self._pending or page in self._pages:
            return
        self._pending.add(page)
        generation, ctx, f, up_to = self._generation, self.ctx, self.filter, self.up_to
        self.ctx.tasks.run(
            lambda: ctx.services.audit.page(f, offset=page * PAGE_SIZE, limit=PAGE_SIZE, up_to=up_to),
            lambda rows: self._arrived(generation, page, rows),
            lambda exc: self._failed(generation, page, exc),
        )

    def _arrived(self, generation: int, page: int, rows: list[AuditEntryView]) -> None:
        if generation != self._generation:
            return  # a page of an older list
        self._pending.discard(page)
        self._pages[page] = rows
        if len(self._pages) > KEPT_PAGES:  # forget the pages furthest from this one
            for far in sorted(self._pages, key=lambda p: -abs(p - page))[: len(self._pages) - KEPT_PAGES]:
                del self._pages[far]
        start = page * PAGE_SIZE
        end = min(start + PAGE_SIZE, self.total) - 1
        if end >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(end, self.COLUMNS - 1))
        self.page_loaded.emit()

    def _failed(self, generation: int, page: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._pending.discard(page)
        if self.on_error is not None:
            self.on_error(exc)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, self.COLUMNS - 1))


class _Progress(QtCore.QObject):
    """Carries a worker thread's progress to the GUI thread (a queued signal)."""

    moved = Signal(int, int)


class AuditPage(Page):
    #: the list was counted and shown again (GUI thread)
    list_loaded = Signal()
    #: a verification finished (GUI thread)
    verified = Signal()
    #: an export finished, well or not (GUI thread)
    exported = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._generation = 0
        self._choices_loaded = False
        self.last_verdict: AuditVerdict | None = None
        self._last_verified_ok: bool | None = None
        self.busy = False

        layout = QtWidgets.QVBoxLayout(self)
        self.heading = QtWidgets.QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        bar = QtWidgets.QHBoxLayout()
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        bar.addWidget(self.search_box, 3)
        self.user_combo = self._combo(16)
        self.action_combo = self._combo(12)
        self.table_combo = self._combo(14)
        for combo in (self.user_combo, self.action_combo, self.table_combo):
            bar.addWidget(combo, 1)
        self.from_label = QtWidgets.QLabel()
        self.since_edit = QtWidgets.QLineEdit()
        self.to_label = QtWidgets.QLabel()
        self.until_edit = QtWidgets.QLineEdit()
        for w in (self.from_label, self.since_edit, self.to_label, self.until_edit):
            bar.addWidget(w)
        for edit in (self.since_edit, self.until_edit):
            edit.setClearButtonEnabled(True)
        layout.addLayout(bar)

        actions = QtWidgets.QHBoxLayout()
        self.count_label = QtWidgets.QLabel()
        actions.addWidget(self.count_label, 1)
        self.verify_button = QtWidgets.QPushButton()
        self.verify_button.setObjectName("audit_verify")
        self.export_button = QtWidgets.QPushButton()
        self.export_button.setObjectName("audit_export")
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)

        self.progress = QtWidgets.QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.verdict = QtWidgets.QLabel()
        self.verdict.setObjectName("audit_verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.hide()
        layout.addWidget(self.verdict)
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)

        self.model = AuditModel(ctx, self)
        self.model.on_error = self._show_error
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((0, 70), (1, 150), (2, 160), (3, 120), (4, 140), (5, 280)):
            header.resizeSection(column, width)
        layout.addWidget(self.table, 1)

        self._relay = _Progress(self)
        self._relay.moved.connect(self._verify_progress)
        self._typing = QtCore.QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(lambda _t: self._typing.start())
        for edit in (self.since_edit, self.until_edit):
            edit.textChanged.connect(lambda _t: self._typing.start())
        for combo in (self.user_combo, self.action_combo, self.table_combo):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.ask_export)
        self.retranslate()

    @staticmethod
    def _combo(length: int) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox()
        combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(length)
        combo.currentTextChanged.connect(combo.setToolTip)
        return combo

    # -- Page ----------------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Audit trail")

    def activate(self) -> None:
        self._load_choices()
        self.refresh()

    def focus_search(self) -> None:
        self.search_box.setFocus()

    def retranslate(self) -> None:
        self.heading.setText(
            self.tr(
                "Who did what to which record, and when. Entries can be neither changed nor deleted; the"
                " integrity check shows whether anyone edited the data file outside the app."
            )
        )
        self.search_box.setPlaceholderText(self.tr("Find in the details or a record id…"))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to"))
        for edit in (self.since_edit, self.until_edit):
            edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
            fit_date_edit(edit)
        self.verify_button.setText(self.tr("Check integrity"))
        self.verify_button.setToolTip(
            self.tr("Check every entry's hash chain, and that the trail still holds what the server received")
        )
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the whole trail as CSV (Excel) or JSON Lines"))
        self._fill_choices(self._choices)
        self.model.retranslate()
        self._show_count()
        if self.last_verdict is not None:
            self._show_verdict(self.last_verdict)

    # -- filters -------------------------------------------------------------------------------------------

    _choices: tuple[list[tuple[str, str]], list[str], list[str]] = ([], [], [])

    def _load_choices(self) -> None:
        ctx = self.ctx
        self.ctx.tasks.run(lambda: ctx.services.audit.choices(), self._got_choices, self._show_error)

    def _got_choices(self, choices: Any) -> None:
        self._choices = (list(choices.users), list(choices.actions), list(choices.tables))
        self._choices_loaded = True
        self._fill_choices(self._choices)

    def _fill_choices(self, choices: tuple[list[tuple[str, str]], list[str], list[str]]) -> None:
        users, actions, tables = choices
        fills: list[tuple[QtWidgets.QComboBox, str, list[tuple[str, str]]]] = [
            (self.user_combo, self.tr("All users"), users),
            (self.action_combo, self.tr("All actions"), [(a, action_label(a)) for a in actions]),
            (self.table_combo, self.tr("All kinds of record"), [(t, table_label(t)) for t in tables]),
        ]
        for combo, everyone, items in fills:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for value, label in items:
                combo.addItem(label, value)
            i = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(0, i))
            combo.setToolTip(combo.currentText())
            combo.blockSignals(False)

    def current_filter(self) -> AuditFilter | None:
        """The filter the bar shows; None (and a message) when a date is not a date."""
        dates: list[date | None] = []
        for edit in (self.since_edit, self.until_edit):
            ok, day = parse_date_filter(edit)
            if not ok:
                self._say(self.tr("'{text}' is not a date: write it as dd/mm/yyyy.").format(text=edit.text()))
                return None
            dates.append(day)
        return AuditFilter(
            user_id=self.user_combo.currentData(),
            action=self.action_combo.currentData(),
            table=self.table_combo.currentData(),
            since=dates[0],
            until=dates[1],
            text=self.search_box.text().strip(),
            also=codes_for(self.search_box.text().strip()),
        )

    def refresh(self) -> None:
        """Count the entries matching the filter (in the background), then show them."""
        self._typing.stop()
        f = self.current_filter()
        if f is None:
            return
        self._generation += 1
        generation, ctx = self._generation, self.ctx
        self.ctx.tasks.run(
            lambda: ctx.services.audit.count(f),
            lambda count: self._counted(generation, f, count),
            lambda exc: self._count_failed(generation, exc),
        )

    def _counted(self, generation: int, f: AuditFilter, count: AuditCount) -> None:
        if generation != self._generation:
            return
        self._say("")
        self.model.show(f, count)
        self._show_count()
        self.list_loaded.emit()

    def _count_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._show_error(exc)

    def _show_count(self) -> None:
        self.count_label.setText(self.tr("%n entries", "", self.model.total))

    # -- verification --------------------------------------------------------------------------------------

    def verify(self) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self.verdict.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Checking the audit trail… %v of %m entries"))
        self.progress.show()
        ctx, relay = self.ctx, self._relay

        def run() -> AuditVerdict:
            return ctx.services.audit.verify(progress=lambda done, total: relay.moved.emit(done, total))

        self.ctx.tasks.run(run, self._verified, self._verify_failed)

    def _verify_progress(self, done: int, total: int) -> None:
        if not self.busy:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _verified(self, verdict: AuditVerdict) -> None:
        self._set_busy(False)
        self.progress.hide()
        self.last_verdict = verdict
        self._show_verdict(verdict)
        self.verified.emit()

    def _verify_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.progress.hide()
        self._show_error(exc)
        self.verified.emit()

    def verdict_text(self, v: AuditVerdict) -> str:
        if v.ok:
            text = self.tr("✔ The audit trail is intact: %n entries checked, none changed or removed.", "", v.checked)
            if v.server_seq:
                text += " " + self.tr("It holds every entry the server received, up to entry {seq}.").format(
                    seq=v.server_seq
                )
            else:
                text += " " + self.tr("It has not been sent to the server yet.")
            return text
        reasons = {
            "changed": self.tr("an entry was changed"),
            "missing": self.tr("entries were deleted or are missing"),
            "reordered": self.tr("entries were moved"),
        }
        reason = reasons.get(v.reason or "changed", reasons["changed"])
        return self.tr(
            "✘ THE AUDIT TRAIL WAS TAMPERED WITH at entry {seq}: {reason}. The data file on this laptop may have"
            " been edited outside the app. Do not delete anything; tell the province's officer at once."
        ).format(seq=v.broken_seq, reason=reason)

    def _show_verdict(self, v: AuditVerdict) -> None:
        colour = "#1e7e34" if v.ok else "#b00020"
        self.verdict.setStyleSheet(
            f"QLabel#audit_verdict {{ color: {colour}; border: 2px solid {colour}; border-radius: 4px;"
            " padding: 6px; font-weight: bold; }"
        )
        self.verdict.setText(self.verdict_text(v))
        self.verdict.setToolTip(v.detail or "")
        self.verdict.show()

    # -- export --------------------------------------------------------------------------------------------

    def ask_export(self) -> None:
        if self.busy:
            return
        chosen = self.ask_export_path()
        if chosen is not None:
            self.export_to(*chosen)

    def ask_export_path(self) -> tuple[Path, str] | None:
        """The file dialog (tests replace it): the path and the format, or None when cancelled."""
        docs = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
        csv_filter, jsonl_filter = self.tr("CSV for Excel (*.csv)"), self.tr("JSON Lines (*.jsonl)")
        name = f"nhat-ky-{date.today().isoformat()}.csv"
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self,
            self.tr("Export the audit trail"),
            str(Path(docs or Path.home()) / name),
            f"{csv_filter};;{jsonl_filter}",
        )
        if not path:
            return None
        fmt = "jsonl" if chosen == jsonl_filter or path.lower().endswith(".jsonl") else "csv"
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        return Path(path), fmt

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the trail to ``path`` in the background."""
        self._set_busy(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Exporting the audit trail…"))
        self.progress.show()
        ctx = self.ctx
        self.ctx.tasks.run(
            lambda: ctx.services.audit.export(path, fmt),
            lambda n: self._exported(path, n),
            self._export_failed,
        )

    def _exported(self, path: Path, n: int) -> None:
        self._set_busy(False)
        self.progress.hide()
        self._say(self.tr("%n entries exported to {path}.", "", n).format(path=path))
        self.refresh()  # the export is an entry of the trail too
        self.exported.emit()

    def _export_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.progress.hide()
        self._show_error(exc)
        self.exported.emit()

    # -- helpers -------------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.verify_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            vi = self.ctx.settings.get(LANGUAGE) == "vi"
            self._say(exc.message_vi if vi else exc.message_en)
        else:
            self._say(
                self.tr("The audit trail could not be read: {error}").format(error=f"{type(exc).__name__}: {exc}")
            )
