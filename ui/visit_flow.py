"""Recording a household visit: a short guided flow, and the household's visit history.

Steps: (1) who lives here → (2) each member's digital status (pre-filled from what the last visit found) →
(3) what was done during the visit → (4) follow-up needs and notes → (5) the household's explicit consent,
then Save. Enter goes to the next step (saves on the last one), Alt+N / Alt+B move, Esc closes. While the form
is being filled a draft is kept (``visit:<household_id>``) and restored when the flow reopens; saving discards
it. Consent is never part of the draft and never pre-ticked.
"""

from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from dlso_desktop.catalogue import ACTIONS_DONE, FOLLOW_UPS, label
from dlso_desktop.models import DIGITAL_STATUS_FIELDS, VNeIDLevel
from dlso_desktop.services.views import HouseholdDetail, PersonView, VisitView
from dlso_desktop.services.visits import (
    CONSENT_TEXT_VERSION,
    ActionInput,
    ConsentInput,
    FindingInput,
    VisitInput,
)
from dlso_desktop.text import format_date_vn
from dlso_desktop.validation import ValidationError, ValidationErrors
from ui.app_context import AppContext
from ui.i18n import Retranslatable
from ui.qt import QtCore, QtGui, QtWidgets
from ui.settings import LANGUAGE

VNEID_LEVELS = (VNeIDLevel.NONE.value, VNeIDLevel.LEVEL1.value, VNeIDLevel.LEVEL2.value)
# the VNeID list of the status grid: first "not asked" (unknown, saved as None), then the levels
VNEID_CHOICES: tuple[str | None, ...] = (None, *VNEID_LEVELS)
BOOL_FIELDS = DIGITAL_STATUS_FIELDS[1:]  # skills_confirmed ... has_daklak_app
STEP_SUMMARY, STEP_STATUS, STEP_DONE, STEP_FOLLOW_UP, STEP_CONSENT = range(5)
DRAFT_DELAY_MS = 1000
_ERROR_STYLE = "color: #b00020;"


def draft_key(household_id: str) -> str:
    return f"visit:{household_id}"


def _language(ctx: AppContext) -> str:
    return "vi" if ctx.settings.get(LANGUAGE) == "vi" else "en"


def _error_text(ctx: AppContext, error: ValidationError) -> str:
    return error.message_vi if _language(ctx) == "vi" else error.message_en


def _step_of(field: str) -> int:
    if field.startswith("findings"):
        return STEP_STATUS
    if field.startswith("actions"):
        return STEP_DONE
    if field == "consent":
        return STEP_CONSENT
    return STEP_SUMMARY


class StatusBox(QtWidgets.QCheckBox):
    """Yes / no / not asked: a tri-state box that starts "partially checked" when the answer is unknown.

    A click (or Space) answers: unknown → yes → no → yes…; Delete or Backspace sets it back to unknown. An
    unknown answer is saved as unknown (``None``), never as "no"."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTristate(True)

    def nextCheckState(self) -> None:
        checked = self.checkState() == QtCore.Qt.CheckState.Checked
        self.setCheckState(QtCore.Qt.CheckState.Unchecked if checked else QtCore.Qt.CheckState.Checked)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Delete, QtCore.Qt.Key.Key_Backspace):
            self.set_value(None)
            return
        super().keyPressEvent(event)

    def value(self) -> bool | None:
        state = self.checkState()
        if state == QtCore.Qt.CheckState.PartiallyChecked:
            return None
        return state == QtCore.Qt.CheckState.Checked

    def set_value(self, value: object) -> None:
        if value is None:
            self.setCheckState(QtCore.Qt.CheckState.PartiallyChecked)
        else:
            self.setCheckState(QtCore.Qt.CheckState.Checked if value else QtCore.Qt.CheckState.Unchecked)


class _MemberRow:
    """One member's widgets in the status grid. Every answer may be unknown (not asked): the VNeID list's first
    entry and a partially checked box; both are saved as ``None``."""

    def __init__(self, person: PersonView, parent: QtWidgets.QWidget) -> None:
        self.person = person
        self.name = QtWidgets.QLabel(person.full_name, parent)
        self.vneid = QtWidgets.QComboBox(parent)
        self.vneid.addItems([""] * len(VNEID_CHOICES))
        self.checks: dict[str, StatusBox] = {f: StatusBox(parent) for f in BOOL_FIELDS}
        self.set_values(
            {"vneid_level": person.vneid_level, **{f: getattr(person, f) for f in BOOL_FIELDS}},
        )

    def set_values(self, values: dict[str, Any]) -> None:
        level = values.get("vneid_level")
        self.vneid.setCurrentIndex(VNEID_CHOICES.index(level) if level in VNEID_CHOICES else 0)
        for f, box in self.checks.items():
            box.set_value(values.get(f))

    def values(self) -> dict[str, Any]:
        return {"vneid_level": VNEID_CHOICES[self.vneid.currentIndex()]} | {
            f: box.value() for f, box in self.checks.items()
        }

    def widgets(self) -> list[QtWidgets.QWidget]:
        return [self.vneid, *self.checks.values()]


class VisitFlow(Retranslatable, QtWidgets.QDialog):
    """The guided visit form for one household. ``saved`` is emitted with the recorded visit."""

    saved = QtCore.Signal(object)
    loaded = QtCore.Signal()

    def __init__(self, ctx: AppContext, household_id: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.detail: HouseholdDetail | None = None
        self.rows: list[_MemberRow] = []
        self.draft_restored = False
        # room for a 7-person status grid on a 1366x768 screen, with the taskbar
        self.setMinimumSize(860, 520)
        self.resize(1000, 600)
        self.is_loaded = False
        self.saving = False
        self._dirty = False
        self._saved_visit: VisitView | None = None
        self.setMinimumWidth(760)

        layout = QtWidgets.QVBoxLayout(self)
        self.step_label = QtWidgets.QLabel(self)
        font = self.step_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.step_label.setFont(font)
        layout.addWidget(self.step_label)
        self.draft_label = QtWidgets.QLabel(self)
        self.draft_label.setVisible(False)
        layout.addWidget(self.draft_label)

        self.stack = QtWidgets.QStackedWidget(self)
        layout.addWidget(self.stack, 1)
        self.errors: list[QtWidgets.QLabel] = []

        # (1) summary
        self.summary = QtWidgets.QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.summary.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self._add_page(self.summary)

        # (2) status grid (filled when the household is loaded)
        self.grid_host = QtWidgets.QWidget(self)
        self.grid = QtWidgets.QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(12)
        self.headers = [QtWidgets.QLabel(self.grid_host) for _ in range(2 + len(BOOL_FIELDS))]
        for col, header in enumerate(self.headers):
            header.setWordWrap(True)
            header.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter if col > 1 else QtCore.Qt.AlignmentFlag.AlignLeft)
            self.grid.addWidget(header, 0, col)
        grid_scroll = QtWidgets.QScrollArea(self)
        grid_scroll.setWidgetResizable(True)
        grid_scroll.setWidget(self.grid_host)
        status_page = QtWidgets.QWidget(self)
        status_layout = QtWidgets.QVBoxLayout(status_page)
        status_layout.setContentsMargins(0, 0, 0, 0)
        self.status_hint = QtWidgets.QLabel(status_page)
        self.status_hint.setWordWrap(True)
        status_layout.addWidget(self.status_hint)
        status_layout.addWidget(grid_scroll, 1)
        self._add_page(status_page)

        # (3) done during the visit, (4) follow-ups + notes
        self.done_boxes = self._check_list(ACTIONS_DONE)
        self._add_page(self._scroll(list(self.done_boxes.values())))
        self.follow_boxes = self._check_list(FOLLOW_UPS)
        follow_page = QtWidgets.QWidget(self)
        follow_layout = QtWidgets.QVBoxLayout(follow_page)
        follow_layout.setContentsMargins(0, 0, 0, 0)
        follow_layout.addWidget(self._scroll(list(self.follow_boxes.values())), 1)
        self.notes_label = QtWidgets.QLabel(follow_page)
        self.notes = QtWidgets.QLineEdit(follow_page)
        self.notes.setMaxLength(1000)
        self.notes_label.setBuddy(self.notes)
        follow_layout.addWidget(self.notes_label)
        follow_layout.addWidget(self.notes)
        self._add_page(follow_page)

        # (5) consent
        consent_page = QtWidgets.QWidget(self)
        consent_layout = QtWidgets.QVBoxLayout(consent_page)
        consent_layout.setContentsMargins(0, 0, 0, 0)
        self.consent_text = QtWidgets.QLabel(consent_page)
        self.consent_text.setWordWrap(True)
        self.consent_text.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.consent_text.setMargin(8)
        self.consent_version = QtWidgets.QLabel(consent_page)
        self.consent_box = QtWidgets.QCheckBox(consent_page)
        self.consent_box.setChecked(False)  # explicit: never pre-ticked, never restored from a draft
        consent_layout.addWidget(self.consent_text)
        consent_layout.addWidget(self.consent_version)
        consent_layout.addWidget(self.consent_box)
        consent_layout.addStretch(1)
        self._add_page(consent_page)

        buttons = QtWidgets.QHBoxLayout()
        self.history_button = QtWidgets.QPushButton(self)
        self.close_button = QtWidgets.QPushButton(self)
        self.back_button = QtWidgets.QPushButton(self)
        self.next_button = QtWidgets.QPushButton(self)
        self.save_button = QtWidgets.QPushButton(self)
        for b in (self.history_button, self.close_button, self.back_button, self.next_button, self.save_button):
            b.setAutoDefault(False)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        for b in (self.close_button, self.back_button, self.next_button, self.save_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.history_button.clicked.connect(lambda: open_history(self.ctx, self.household_id, self))
        self.consent_box.toggled.connect(self._update_buttons)
        self.stack.currentChanged.connect(self._step_changed)

        self._draft_timer = QtCore.QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        for box in [*self.done_boxes.values(), *self.follow_boxes.values()]:
            box.toggled.connect(self._changed)
        self.notes.textEdited.connect(self._changed)

        self.retranslate()
        self._step_changed(0)
        self._set_enabled(False)
        services = ctx.services
        key = draft_key(household_id)
        ctx.tasks.run(
            lambda: (services.households.get(household_id), services.drafts.load(key)),
            self._loaded,
            self._load_failed,
        )

    # -- building -------------------------------------------------------------------------------------------

    def _add_page(self, content: QtWidgets.QWidget) -> None:
        page = QtWidgets.QWidget(self)
        box = QtWidgets.QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(content, 1)
        error = QtWidgets.QLabel(page)
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        box.addWidget(error)
        self.errors.append(error)
        self.stack.addWidget(page)

    def _check_list(self, table: tuple[tuple[str, str, str], ...]) -> dict[str, QtWidgets.QCheckBox]:
        return {code: QtWidgets.QCheckBox(self) for code, _vi, _en in table}

    def _scroll(self, widgets: list[QtWidgets.QCheckBox]) -> QtWidgets.QScrollArea:
        host = QtWidgets.QWidget(self)
        box = QtWidgets.QVBoxLayout(host)
        for w in widgets:
            box.addWidget(w)
        box.addStretch(1)
        scroll = QtWidgets.QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        return scroll

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Record a visit"))
        self.back_button.setText(self.tr("&Back"))
        self.next_button.setText(self.tr("&Next"))
        self.save_button.setText(self.tr("&Save"))
        self.close_button.setText(self.tr("Close"))
        self.history_button.setText(self.tr("Earlier &visits…"))
        self.draft_label.setText(self.tr("Your unsaved answers from last time were restored."))
        header_texts = [
            self.tr("Name"),
            self.tr("VNeID"),
            self.tr("Skills confirmed"),
            self.tr("Smartphone"),
            self.tr("Bank / e-wallet"),
            self.tr("Public-service account"),
            self.tr("Digital signature"),
            self.tr("Đắk Lắk số app"),
        ]
        for header, text in zip(self.headers, header_texts, strict=True):
            header.setText(text)
        level_texts = [self.tr("Not asked"), self.tr("None"), self.tr("Level 1"), self.tr("Level 2")]
        self.status_hint.setText(
            self.tr(
                "A box with a square means not asked yet: it is saved as unknown, never as no. "
                "Click or Space: yes / no; Delete: back to not asked."
            )
        )
        box_tip = self.tr("Click or Space: yes / no. Delete: not asked (unknown).")
        for row in self.rows:
            for i, text in enumerate(level_texts):
                row.vneid.setItemText(i, text)
            row.vneid.setAccessibleName(self.tr("VNeID of {name}").format(name=row.person.full_name))
            for f, status_box in row.checks.items():
                status_box.setAccessibleName(f"{header_texts[2 + BOOL_FIELDS.index(f)]}: {row.person.full_name}")
                status_box.setToolTip(box_tip)
        lang = _language(self.ctx)
        for code, box in self.done_boxes.items():
            box.setText(label(ACTIONS_DONE, code, lang))
        for code, box in self.follow_boxes.items():
            box.setText(label(FOLLOW_UPS, code, lang))
        self.notes_label.setText(self.tr("N&otes (optional)"))
        self.consent_text.setText(self.consent_text_value())
        self.consent_version.setText(self.tr("Consent text version: {version}").format(version=CONSENT_TEXT_VERSION))
        self.consent_box.setText(self.tr("The household agrees, as read out above"))
        self._show_summary()
        self._step_changed(self.stack.currentIndex())

    def consent_text_value(self) -> str:
        return self.tr(
            "The community digital technology team records what this visit found about your household's use of "
            "digital services (VNeID, Đắk Lắk số, bank accounts, online public services) and what help you "
            "need. The information is used only to support you and to report figures to the commune and "
            "the province; it is not shared for any other purpose. You may refuse, and you may ask the team "
            "to correct or delete it at any time."
        )

    def _show_summary(self) -> None:
        if self.detail is None:
            self.summary.setText(self.tr("Loading the household…"))
            return
        hh = self.detail.household
        lines = [
            self.tr("Head of household: {name}").format(name=hh.head_name),
            self.tr("Address: {address}").format(address=", ".join(p for p in (hh.address, hh.village_name) if p)),
        ]
        if hh.last_visit_at:
            lines.append(self.tr("Last visit: {date}").format(date=visit_date(hh.last_visit_at)))
        lines.append(self.tr("Members ({n}):").format(n=len(self.detail.members)))
        for p in self.detail.members:
            year = p.birth_date.year if p.birth_date else p.birth_year
            lines.append(f"  • {p.full_name}" + (f" ({year})" if year else ""))
        self.summary.setText("\n".join(lines))

    # -- loading --------------------------------------------------------------------------------------------

    def _loaded(self, result: tuple[HouseholdDetail, dict[str, Any] | None]) -> None:
        self.detail, draft = result
        for i, person in enumerate(self.detail.members, start=1):
            row = _MemberRow(person, self.grid_host)
            self.grid.addWidget(row.name, i, 0)
            for col, w in enumerate(row.widgets(), start=1):
                self.grid.addWidget(w, i, col, alignment=QtCore.Qt.AlignmentFlag.AlignCenter)
            self.rows.append(row)
        self.grid.setRowStretch(len(self.rows) + 1, 1)
        if draft:
            self._restore(draft)
        for row in self.rows:
            row.vneid.currentIndexChanged.connect(self._changed)
            for box in row.checks.values():
                box.checkStateChanged.connect(self._changed)
        self._fix_tab_order()
        self.retranslate()
        self._set_enabled(True)
        self.is_loaded = True
        self._focus_step()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.is_loaded = True
        self._show_error(STEP_SUMMARY, str(exc) if isinstance(exc, ValidationError) else repr(exc))
        if isinstance(exc, ValidationError):
            self.errors[STEP_SUMMARY].setText(_error_text(self.ctx, exc))

    def _restore(self, draft: dict[str, Any]) -> None:
        status = draft.get("status", {})
        for row in self.rows:
            if isinstance(status, dict) and isinstance(status.get(row.person.id), dict):
                row.set_values(status[row.person.id])
        done = set(draft.get("done", []))
        for code, box in self.done_boxes.items():
            box.setChecked(code in done)
        follow = set(draft.get("follow_up", []))
        for code, box in self.follow_boxes.items():
            box.setChecked(code in follow)
        self.notes.setText(str(draft.get("notes", "")))
        self.draft_restored = True
        self.draft_label.setVisible(True)
        step = draft.get("step", 0)
        if isinstance(step, int) and 0 <= step < STEP_CONSENT:
            self.stack.setCurrentIndex(step)
        self._dirty = False

    def _fix_tab_order(self) -> None:
        chain: list[QtWidgets.QWidget] = []
        for row in self.rows:
            chain += row.widgets()
        for a, b in pairwise(chain):
            QtWidgets.QWidget.setTabOrder(a, b)

    def _set_enabled(self, enabled: bool) -> None:
        self.stack.setEnabled(enabled)
        self.next_button.setEnabled(enabled)
        self._update_buttons()

    # -- navigation -----------------------------------------------------------------------------------------

    def step(self) -> int:
        return self.stack.currentIndex()

    def go_next(self) -> None:
        if self.step() < self.stack.count() - 1:
            self.stack.setCurrentIndex(self.step() + 1)
            self._focus_step()

    def go_back(self) -> None:
        if self.step() > 0:
            self.stack.setCurrentIndex(self.step() - 1)
            self._focus_step()

    def _focus_step(self) -> None:
        step = self.step()
        target: QtWidgets.QWidget | None = None
        if step == STEP_STATUS and self.rows:
            target = self.rows[0].vneid
        elif step == STEP_DONE:
            target = next(iter(self.done_boxes.values()))
        elif step == STEP_FOLLOW_UP:
            target = next(iter(self.follow_boxes.values()))
        elif step == STEP_CONSENT:
            target = self.consent_box
        (target or self.next_button).setFocus()

    def _step_changed(self, step: int) -> None:
        titles = [
            self.tr("Household"),
            self.tr("Digital status of each member"),
            self.tr("Done during this visit"),
            self.tr("Follow-up needs"),
            self.tr("Consent"),
        ]
        self.step_label.setText(
            self.tr("Step {n} of {total}: {title}").format(n=step + 1, total=len(titles), title=titles[step])
        )
        self._update_buttons()
        if self._dirty:
            self._draft_timer.start()

    def _update_buttons(self) -> None:
        last = self.step() == self.stack.count() - 1
        self.back_button.setEnabled(self.step() > 0)
        self.next_button.setVisible(not last)
        self.save_button.setVisible(last)
        self.save_button.setEnabled(last and self.is_loaded and self.consent_box.isChecked() and not self.saving)
        (self.save_button if last else self.next_button).setDefault(True)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter) and not event.modifiers() & (
            QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.AltModifier
        ):
            if not self.is_loaded:
                return
            focus = self.focusWidget()
            if isinstance(focus, QtWidgets.QPushButton) and focus not in (self.next_button, self.save_button):
                focus.click()  # Enter on Back / Close / history does what the button says
            elif self.step() == STEP_CONSENT:
                if self.save_button.isEnabled():
                    self.save()
            else:
                self.go_next()
            return
        super().keyPressEvent(event)

    # -- drafts ---------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self.is_loaded:
            return
        self._dirty = True
        self._draft_timer.start()

    def draft_fields(self) -> dict[str, Any]:
        """What the draft keeps: everything but the consent, which must be asked again."""
        return {
            "step": min(self.step(), STEP_FOLLOW_UP),
            "status": {row.person.id: row.values() for row in self.rows},
            "done": [c for c, b in self.done_boxes.items() if b.isChecked()],
            "follow_up": [c for c, b in self.follow_boxes.items() if b.isChecked()],
            "notes": self.notes.text(),
        }

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if not self._dirty or self._saved_visit is not None or not self.is_loaded or self.detail is None:
            return
        self._dirty = False
        drafts = self.ctx.services.drafts
        key, fields = draft_key(self.household_id), self.draft_fields()
        self.ctx.tasks.write(lambda: drafts.save(key, fields))

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def done(self, result: int) -> None:
        if self._saved_visit is None:
            self.save_draft()  # closing without saving keeps the answers for next time
        super().done(result)

    # -- saving ---------------------------------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        actions = [ActionInput("done", c) for c, b in self.done_boxes.items() if b.isChecked()]
        actions += [ActionInput("follow_up", c) for c, b in self.follow_boxes.items() if b.isChecked()]
        return VisitInput(
            household_id=self.household_id,
            visitor_name=self.ctx.user.display_name if self.ctx.user else "",
            notes=self.notes.text(),
            findings=[FindingInput(row.person.id, **row.values()) for row in self.rows],
            actions=actions,
            consent=ConsentInput(given=self.consent_box.isChecked(), text_version=CONSENT_TEXT_VERSION),
        )

    def save(self) -> None:
        if self.saving or not self.is_loaded:
            return
        for error in self.errors:
            error.setVisible(False)
        inp = self.visit_input()
        self._draft_timer.stop()
        self.saving = True
        self._update_buttons()
        services = self.ctx.services
        key = draft_key(self.household_id)

        def work() -> VisitView:
            visit = services.visits.record(inp)
            services.drafts.discard(key)
            return visit

        self.ctx.tasks.write(work, self._save_done, self._save_failed)

    def _save_done(self, visit: VisitView) -> None:
        self.saving = False
        self._saved_visit = visit
        self._dirty = False
        self.ctx.data_changed()
        self.saved.emit(visit)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self._update_buttons()
        if not isinstance(exc, ValidationError):
            self._show_error(self.step(), self.tr("The visit could not be saved: {error}").format(error=exc))
            return
        errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        by_step: dict[int, list[str]] = {}
        for e in errors:
            by_step.setdefault(_step_of(e.field), []).append(_error_text(self.ctx, e))
        for step, messages in by_step.items():
            self._show_error(step, "\n".join(messages))
        first = min(by_step)
        self.stack.setCurrentIndex(first)
        self._focus_step()

    def _show_error(self, step: int, text: str) -> None:
        self.errors[step].setText(text)
        self.errors[step].setVisible(True)

    def error_text(self, step: int) -> str:
        error = self.errors[step]
        return error.text() if error.isVisibleTo(self) else ""


def visit_date(iso: str) -> str:
    """dd/mm/yyyy (local time) of a stored UTC timestamp such as ``2026-02-05T03:04:05.000Z``."""
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return format_date_vn(dt.astimezone().date())


class VisitHistory(Retranslatable, QtWidgets.QDialog):
    """A household's visits, newest first: date, visitor, what was found, done and still needed."""

    loaded = QtCore.Signal()

    def __init__(self, ctx: AppContext, household_id: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.visits: list[VisitView] | None = None
        self.resize(900, 480)
        layout = QtWidgets.QVBoxLayout(self)
        self.tree = QtWidgets.QTreeWidget(self)
        self.tree.setColumnCount(5)
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        layout.addWidget(self.tree, 1)
        self.empty = QtWidgets.QLabel(self)
        layout.addWidget(self.empty)
        self.close_button = QtWidgets.QPushButton(self)
        self.close_button.clicked.connect(self.accept)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.retranslate()
        visits = ctx.services.visits
        ctx.tasks.run(lambda: visits.history(household_id), self._show)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Earlier visits"))
        self.close_button.setText(self.tr("Close"))
        self.tree.setHeaderLabels(
            [self.tr("Date"), self.tr("Visitor"), self.tr("Found"), self.tr("Done"), self.tr("Follow-up")]
        )
        self._fill()

    def _show(self, visits: list[VisitView]) -> None:
        self.visits = visits
        self._fill()
        self.loaded.emit()

    def found_text(self, visit: VisitView) -> str:
        levels = {"none": self.tr("no VNeID"), "level1": self.tr("VNeID level 1"), "level2": self.tr("VNeID level 2")}
        names = {
            "skills_confirmed": self.tr("skills confirmed"),
            "has_smartphone": self.tr("smartphone"),
            "has_bank_account": self.tr("bank / e-wallet"),
            "has_public_service_account": self.tr("public-service account"),
            "has_digital_signature": self.tr("digital signature"),
            "has_daklak_app": self.tr("Đắk Lắk số"),
        }
        lines = []
        for f in visit.findings:
            parts = [levels[f.vneid_level]] if f.vneid_level in levels else []
            parts += [text for key, text in names.items() if getattr(f, key)]
            lines.append(f"{f.person_name}: {', '.join(parts) or '—'}")
        return "\n".join(lines)

    def _fill(self) -> None:
        self.tree.clear()
        if self.visits is None:
            self.empty.setText(self.tr("Loading…"))
            return
        self.empty.setText(self.tr("No visits recorded yet.") if not self.visits else "")
        self.empty.setVisible(not self.visits)
        lang = _language(self.ctx)
        for v in self.visits:
            done = [label(ACTIONS_DONE, a.code, lang) for a in v.actions if a.kind == "done"]
            follow = [label(FOLLOW_UPS, a.code, lang) for a in v.actions if a.kind == "follow_up"]
            follow_text = "\n".join(follow)
            if v.notes:
                follow_text += ("\n" if follow_text else "") + self.tr("Notes: {notes}").format(notes=v.notes)
            item = QtWidgets.QTreeWidgetItem(
                [visit_date(v.visited_at), v.visitor_name, self.found_text(v), "\n".join(done), follow_text]
            )
            self.tree.addTopLevelItem(item)
        for col in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(col)


def open_visit(ctx: AppContext, household_id: str, parent: QtWidgets.QWidget | None = None) -> VisitFlow:
    """Show the visit flow for a household (non-modal: the main window stays usable) and return it."""
    flow = VisitFlow(ctx, household_id, parent)
    flow.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
    flow.show()
    return flow


def open_history(ctx: AppContext, household_id: str, parent: QtWidgets.QWidget | None = None) -> VisitHistory:
    """Show a household's visit history and return the dialog."""
    dialog = VisitHistory(ctx, household_id, parent)
    dialog.show()
    return dialog
