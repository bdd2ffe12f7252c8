"""Find a person by typing (accents optional), or quick-add a walk-in: one widget reused by several screens.

Also home of :class:`FieldErrors`, the red label under each field that shows a service's ``ValidationError``.
"""

from collections.abc import Callable
from typing import Any

from dlso_desktop.models import Sex
from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.views import PersonView, SearchHit
from dlso_desktop.validation import ValidationError, ValidationErrors
from ui.app_context import AppContext
from ui.i18n import Retranslatable
from ui.qt import QtCore, QtWidgets, Signal
from ui.settings import LANGUAGE


def error_label() -> QtWidgets.QLabel:
    label = QtWidgets.QLabel()
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


class FieldErrors:
    """Maps service field names to (widget, red label); shows each message in the user's language."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.fields: dict[str, tuple[QtWidgets.QWidget, QtWidgets.QLabel]] = {}
        self.general: QtWidgets.QLabel = error_label()

    def add(self, name: str, widget: QtWidgets.QWidget) -> QtWidgets.QLabel:
        label = error_label()
        self.fields[name] = (widget, label)
        return label

    def clear(self) -> None:
        for _, label in self.fields.values():
            label.clear()
            label.hide()
        self.general.clear()
        self.general.hide()

    def message(self, error: ValidationError) -> str:
        return error.message_vi if self.ctx.settings.get(LANGUAGE) == "vi" else error.message_en

    def show(self, exc: BaseException) -> bool:
        """Show a validation error (or several); False if ``exc`` is something else."""
        if not isinstance(exc, ValidationError):
            return False
        self.clear()
        errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        first: QtWidgets.QWidget | None = None
        for e in errors:
            target = self.fields.get(e.field) or self.fields.get(e.field.rsplit(".", 1)[-1])
            label = target[1] if target else self.general
            label.setText((label.text() + "\n" if label.text() else "") + self.message(e))
            label.show()
            if target and first is None:
                first = target[0]
        if first is not None:
            first.setFocus()
        return True

    def show_text(self, name: str, text: str) -> None:
        widget, label = self.fields[name]
        label.setText(text)
        label.show()
        widget.setFocus()


class PersonPicker(Retranslatable, QtWidgets.QWidget):
    """A search box with results; double-click/Enter or "Choose" picks a person; "New walk-in…" opens a small
    form (name, sex, birth year, phone) that creates the person and picks them."""

    picked = Signal(str, str)  # (person id, full name)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        layout.addWidget(self.search_box)
        self.results = QtWidgets.QListWidget()
        self.results.setMaximumHeight(140)
        layout.addWidget(self.results)
        buttons = QtWidgets.QHBoxLayout()
        self.choose_button = QtWidgets.QPushButton()
        self.walk_in_button = QtWidgets.QPushButton()
        self.walk_in_button.setCheckable(True)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.walk_in_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        # the walk-in form
        self.walk_in = QtWidgets.QGroupBox()
        form = QtWidgets.QFormLayout(self.walk_in)
        self.errors = FieldErrors(ctx)
        self.name_edit = QtWidgets.QLineEdit()
        self.sex_combo = QtWidgets.QComboBox()
        self.birth_year = QtWidgets.QSpinBox()
        self.birth_year.setRange(1899, 2100)
        self.birth_year.setSpecialValueText("—")
        self.birth_year.setValue(1899)
        self.phone_edit = QtWidgets.QLineEdit()
        self.name_label = QtWidgets.QLabel()
        self.sex_label = QtWidgets.QLabel()
        self.year_label = QtWidgets.QLabel()
        self.phone_label = QtWidgets.QLabel()
        for label, widget, fname in (
            (self.name_label, self.name_edit, "full_name"),
            (self.sex_label, self.sex_combo, "sex"),
            (self.year_label, self.birth_year, "birth_year"),
            (self.phone_label, self.phone_edit, "phone"),
        ):
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(self.errors.add(fname, widget))
            form.addRow(label, box)
        form.addRow(self.errors.general)
        self.save_walk_in_button = QtWidgets.QPushButton()
        form.addRow(self.save_walk_in_button)
        self.walk_in.hide()
        layout.addWidget(self.walk_in)

        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(self._debounce.start)
        self.search_box.returnPressed.connect(self._choose)
        self.results.itemDoubleClicked.connect(lambda _item: self._choose())
        self.choose_button.clicked.connect(self._choose)
        self.walk_in_button.toggled.connect(self._toggle_walk_in)
        self.save_walk_in_button.clicked.connect(self.save_walk_in)
        self.name_edit.returnPressed.connect(self.save_walk_in)
        self._seq = 0
        self.last_results: list[SearchHit] = []
        self.searching = False
        self.saving = False
        self.retranslate()

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(self.tr("Type a name (accents optional) or a phone number…"))
        self.choose_button.setText(self.tr("Choose"))
        self.walk_in_button.setText(self.tr("New walk-in…"))
        self.walk_in.setTitle(self.tr("New walk-in (not in a household)"))
        self.name_label.setText(self.tr("Full name"))
        self.sex_label.setText(self.tr("Sex"))
        self.year_label.setText(self.tr("Birth year"))
        self.phone_label.setText(self.tr("Phone"))
        self.save_walk_in_button.setText(self.tr("Add this person"))
        current = self.sex_combo.currentIndex()
        self.sex_combo.clear()
        self.sex_combo.addItem(self.tr("(not given)"), None)
        self.sex_combo.addItem(self.tr("Female"), Sex.FEMALE.value)
        self.sex_combo.addItem(self.tr("Male"), Sex.MALE.value)
        self.sex_combo.setCurrentIndex(max(current, 0))

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # search ---------------------------------------------------------------------------------------------
    def run_search(self) -> None:
        query = self.search_box.text()
        self._seq += 1
        seq = self._seq
        if not query.strip():
            self._show(seq, [])
            return
        self.searching = True
        search = self.ctx.services.search
        self.ctx.tasks.run(
            lambda: search.search(query, limit=30, kinds=("person",)),
            lambda hits: self._show(seq, hits),
            lambda _exc: self._show(seq, []),
        )

    def _show(self, seq: int, hits: list[SearchHit]) -> None:
        if seq != self._seq:
            return
        self.searching = False
        self.last_results = hits
        self.results.clear()
        for h in hits:
            item = QtWidgets.QListWidgetItem(h.title + (f" — {h.detail}" if h.detail else ""))
            item.setToolTip(item.text())  # the full text when the list elides it
            item.setData(QtCore.Qt.ItemDataRole.UserRole, (h.id, h.title))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        elif self.search_box.text().strip():
            self.results.addItem(self.tr("Nobody found. Use “New walk-in…” to add this person."))

    def _choose(self) -> None:
        item = self.results.currentItem()
        data = item.data(QtCore.Qt.ItemDataRole.UserRole) if item else None
        if data:
            self.pick_hit(data[0], data[1])

    def pick_hit(self, person_id: str, name: str) -> None:
        self.picked.emit(person_id, name)
        self.search_box.clear()

    # walk-in --------------------------------------------------------------------------------------------
    def _toggle_walk_in(self, on: bool) -> None:
        self.walk_in.setVisible(on)
        if on:
            if not self.name_edit.text() and self.search_box.text().strip():
                self.name_edit.setText(self.search_box.text().strip())
            self.name_edit.setFocus()

    def save_walk_in(self) -> None:
        self.errors.clear()
        if not self.name_edit.text().strip():
            self.errors.show_text("full_name", self.tr("Please type the person's full name."))
            return
        year = self.birth_year.value()
        inp = PersonInput(
            full_name=self.name_edit.text(),
            sex=self.sex_combo.currentData(),
            birth_year=None if year == self.birth_year.minimum() else year,
            phone=self.phone_edit.text().strip() or None,
        )
        people = self.ctx.services.persons
        self.saving = True
        self.save_walk_in_button.setEnabled(False)
        self.ctx.tasks.write(lambda: people.create(inp), self._walk_in_saved, self._walk_in_failed)

    def _walk_in_saved(self, person: PersonView) -> None:
        self.saving = False
        self.save_walk_in_button.setEnabled(True)
        self.ctx.data_changed()
        self.name_edit.clear()
        self.phone_edit.clear()
        self.birth_year.setValue(self.birth_year.minimum())
        self.sex_combo.setCurrentIndex(0)
        self.walk_in_button.setChecked(False)
        self.picked.emit(person.id, person.full_name)

    def _walk_in_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_walk_in_button.setEnabled(True)
        if not self.errors.show(exc):
            self.errors.general.setText(str(exc))
            self.errors.general.show()


class DraftKeeper(Retranslatable, QtWidgets.QFrame):
    """Saves a form's fields as a draft ~1 s after the last edit, and offers to restore a saved draft.

    The page gives ``collect()`` (the fields as a dict) and ``apply(dict)``; it calls ``changed()`` on every
    edit, ``offer()`` when the form is opened and ``discard()`` once the form is saved or cleared."""

    def __init__(
        self,
        ctx: AppContext,
        key: str,
        collect: Callable[[], dict[str, Any]],
        apply: Callable[[dict[str, Any]], None],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.key, self.collect, self.apply = ctx, key, collect, apply
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setStyleSheet("DraftKeeper { background: #fff8e1; }")
        layout = QtWidgets.QHBoxLayout(self)
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        self.restore_button = QtWidgets.QPushButton()
        self.discard_button = QtWidgets.QPushButton()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.hide()
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.save_now)
        self.restore_button.clicked.connect(self._restore)
        self.discard_button.clicked.connect(self.discard)
        self.pending: dict[str, Any] | None = None
        self.saved = False  # a draft was written since the last discard (tests wait for it)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("An unfinished form was kept from last time."))
        self.restore_button.setText(self.tr("Restore it"))
        self.discard_button.setText(self.tr("Discard it"))

    def set_key(self, key: str) -> None:
        if key != self.key:
            self._timer.stop()
            self.key = key
            self.hide()

    def changed(self) -> None:
        self._timer.start()

    def save_now(self) -> None:
        self._timer.stop()
        drafts, key, fields = self.ctx.services.drafts, self.key, self.collect()
        self.ctx.tasks.write(lambda: drafts.save(key, fields), lambda _r: setattr(self, "saved", True))

    def offer(self) -> None:
        drafts, key = self.ctx.services.drafts, self.key
        self.ctx.tasks.run(lambda: drafts.load(key), lambda found: self._offer(key, found))

    def _offer(self, key: str, found: dict[str, Any] | None) -> None:
        if key != self.key or not found:
            return
        self.pending = found
        self.show()

    def _restore(self) -> None:
        if self.pending is not None:
            self.apply(self.pending)
        self.pending = None
        self.hide()

    def discard(self) -> None:
        self._timer.stop()
        self.pending = None
        self.saved = False
        self.hide()
        drafts, key = self.ctx.services.drafts, self.key
        self.ctx.tasks.write(lambda: drafts.discard(key))
