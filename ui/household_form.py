"""The household form: the household's fields and its members, with inline validation and a draft.

Consent per member (Law 91/2025/QH15): the member dialog shows the person's recorded consent (basic and
sensitive: answer, text version, date, who collected it), asks basic consent of a person who has none, and
keeps the ethnic group (sensitive data) disabled until the box "the person agrees to give their ethnic group"
is ticked — never pre-ticked, and never restored from a draft (a draft keeps no consent answer, and no ethnic
group of a person whose consent is not recorded). Un-ticking it for a person whose consent is recorded asks
for confirmation, clears the field and withdraws the consent when the household is saved (same unit of
work)."""

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dlso_desktop.catalogue import ETHNIC_GROUPS, LANGUAGES
from dlso_desktop.services import Services
from dlso_desktop.services.consent import CONSENT_TEXT_VERSION
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import ConsentScopeStatus, ConsentStatus, HouseholdDetail, PersonView, VillageView
from dlso_desktop.text import format_date_vn, parse_date_vn
from dlso_desktop.validation import ValidationError, ValidationErrors
from ui.app_context import AppContext
from ui.i18n import Retranslatable
from ui.qt import QtCore, QtWidgets
from ui.settings import LANGUAGE
from ui.widgets import FormScrollArea

ERROR_STYLE = "color: #c62828;"
#: digital-status fields a member keeps through an edit of this form (visits change them, not this form)
_KEPT = (
    "name_order",
    "vneid_level",
    "skills_confirmed",
    "has_smartphone",
    "has_bank_account",
    "has_public_service_account",
    "has_digital_signature",
    "has_daklak_app",
    "notes",
    "ethnic_group",
)


def _error_label() -> QtWidgets.QLabel:
    label = QtWidgets.QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def member_input(m: dict[str, Any]) -> PersonInput:
    """A member of the form (strings as typed) as a service input. Raises ValueError on a bad date/year."""
    birth = parse_date_vn(m["birth_date"]) if (m.get("birth_date") or "").strip() else None
    year_text = str(m.get("birth_year") or "").strip()
    year = int(year_text) if year_text and birth is None else None
    kept = m.get("kept") or {}
    return PersonInput(
        full_name=m.get("full_name") or "",
        relationship=m.get("relationship") or None,
        sex=m.get("sex") or None,
        birth_date=birth,
        birth_year=year,
        citizen_id=(m.get("citizen_id") or "").strip() or None,
        phone=(m.get("phone") or "").strip() or None,
        main_language=m.get("main_language") or None,
        needs_interpreter=bool(m.get("needs_interpreter")),
        basic_consent=m.get("basic_consent") is True,
        sensitive_consent=m.get("sensitive_consent") if isinstance(m.get("sensitive_consent"), bool) else None,
        **{k: kept[k] for k in _KEPT if k in kept and kept[k] is not None},
    )


#: a member's consent answers given in this form (never kept in a draft)
_ANSWERS = ("basic_consent", "sensitive_consent")


def without_answers(state: dict[str, Any], consents: dict[str, ConsentStatus]) -> dict[str, Any]:
    """What a draft may keep of the form: no consent answer, and no ethnic group of a member whose sensitive
    consent is not recorded (it must be asked again)."""
    members = []
    for m in state.get("members") or []:
        if not isinstance(m, dict):
            continue
        clean = {k: v for k, v in m.items() if k not in _ANSWERS}
        recorded = consents.get(str(m.get("id") or ""))
        if not (recorded is not None and recorded.sensitive_given) and isinstance(clean.get("kept"), dict):
            clean["kept"] = {**clean["kept"], "ethnic_group": None}
        members.append(clean)
    return {**state, "members": members}


def member_from_view(p: PersonView, citizen_id: str | None, ethnic_group: str | None) -> dict[str, Any]:
    kept: dict[str, Any] = {k: getattr(p, k) for k in _KEPT if k != "ethnic_group"}
    kept["ethnic_group"] = ethnic_group
    return {
        "id": p.id,
        "full_name": p.full_name,
        "relationship": p.relationship or "",
        "sex": p.sex or "",
        "birth_date": format_date_vn(p.birth_date) if p.birth_date else "",
        "birth_year": "" if p.birth_date or p.birth_year is None else str(p.birth_year),
        "citizen_id": citizen_id or "",
        "phone": p.phone or "",
        "main_language": p.main_language or "",
        "needs_interpreter": p.needs_interpreter,
        "kept": kept,
    }


_Loaded = tuple[
    list[VillageView],
    HouseholdDetail | None,
    dict[str, tuple[str | None, str | None]],
    dict[str, ConsentStatus],
    dict[str, Any] | None,
]


class _Labels(QtCore.QObject):
    """Translated labels shared by the form and the member dialog."""

    def relationships(self) -> dict[str, str]:
        return {
            "head": self.tr("Head of household"),
            "spouse": self.tr("Spouse"),
            "child": self.tr("Child"),
            "parent": self.tr("Parent"),
            "grandchild": self.tr("Grandchild"),
            "sibling": self.tr("Sibling"),
            "other": self.tr("Other"),
        }

    def sexes(self) -> dict[str, str]:
        return {"": self.tr("Not given"), "male": self.tr("Male"), "female": self.tr("Female")}

    def consent_text(self, status: ConsentStatus | None, scope: str) -> str:
        """One scope of a member's recorded consent: the answer, when, how, who collected it, which text."""
        s: ConsentScopeStatus | None = None
        if status is not None:
            s = status.basic if scope == "basic" else status.sensitive
        if s is None:
            return self.tr("not recorded")
        methods = {
            "verbal": self.tr("spoken"),
            "written": self.tr("signed on paper"),
            "import": self.tr("from an imported file"),
        }
        args = {
            "date": _local_date(s.given_at),
            "who": s.collected_by_name or self.tr("unknown user"),
            "version": s.text_version,
            "method": methods.get(s.method, s.method),
        }
        if not s.granted:
            return self.tr("refused or withdrawn on {date}, recorded by {who} (text {version})").format(**args)
        if s.from_household_visit:
            return self.tr("the household agreed at a visit on {date}, collected by {who} (text {version})").format(
                **args
            )
        return self.tr("agreed on {date} ({method}), collected by {who} (text {version})").format(**args)

    def consent_short(self, status: ConsentStatus | None, member: dict[str, Any]) -> str:
        """The members table's consent cell: which scopes are given (recorded, or answered in this form)."""
        basic = (status is not None and status.basic_given) or member.get("basic_consent") is True
        answer = member.get("sensitive_consent")
        sensitive = answer is True or (status is not None and status.sensitive_given and answer is not False)
        parts = [self.tr("basic") if basic else "", self.tr("ethnic group") if sensitive else ""]
        return ", ".join(p for p in parts if p) or self.tr("not recorded")


def _local_date(iso: str) -> str:
    """dd/mm/yyyy (local time) of a stored UTC timestamp."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_date_vn(moment.astimezone().date())


class MemberDialog(Retranslatable, QtWidgets.QDialog):
    """One member's fields; ``values()`` gives them back as typed. ``consent``: the member's recorded consent
    (None: a new member, or none recorded)."""

    def __init__(
        self,
        vietnamese: bool,
        member: dict[str, Any] | None = None,
        parent: QtWidgets.QWidget | None = None,
        consent: ConsentStatus | None = None,
    ):
        super().__init__(parent)
        self.member = dict(member or {})
        self.vietnamese = vietnamese
        self.consent = consent
        self.labels = _Labels(self)
        # the fields scroll (at 125 % text on 1366x768 the consent lines make them taller than the screen); the
        # buttons stay in view below them
        outer = QtWidgets.QVBoxLayout(self)
        body = QtWidgets.QWidget()
        body.setMinimumWidth(520)  # room for the consent lines (they wrap) on a 1366x768 screen
        form = QtWidgets.QFormLayout(body)
        form.setContentsMargins(0, 0, 0, 0)
        self.name_edit = QtWidgets.QLineEdit(self.member.get("full_name", ""))
        self.relationship_combo = QtWidgets.QComboBox()
        self.sex_combo = QtWidgets.QComboBox()
        self.birth_date_edit = QtWidgets.QLineEdit(self.member.get("birth_date", ""))
        self.birth_year_edit = QtWidgets.QLineEdit(str(self.member.get("birth_year") or ""))
        self.birth_year_edit.setMaxLength(4)
        self.citizen_id_edit = QtWidgets.QLineEdit(self.member.get("citizen_id", ""))
        self.citizen_id_edit.setMaxLength(14)
        self.phone_edit = QtWidgets.QLineEdit(self.member.get("phone", ""))
        self.language_combo = QtWidgets.QComboBox()
        self.interpreter_check = QtWidgets.QCheckBox()
        self.interpreter_check.setChecked(bool(self.member.get("needs_interpreter")))
        self.date_error = _error_label()
        self.name_error = _error_label()
        # consent: what is recorded, basic consent asked when there is none, the ethnic group behind its own box
        self.basic_status = QtWidgets.QLabel()
        self.basic_status.setWordWrap(True)
        self.basic_check = QtWidgets.QCheckBox()
        self.basic_check.setChecked(self.member.get("basic_consent") is True)  # an answer given in this form only
        self.basic_check.setVisible(not (consent is not None and consent.basic_given))
        self.sensitive_status = QtWidgets.QLabel()
        self.sensitive_status.setWordWrap(True)
        self.sensitive_check = QtWidgets.QCheckBox()
        self.sensitive_hint = QtWidgets.QLabel()
        self.sensitive_hint.setWordWrap(True)
        self.sensitive_hint.setStyleSheet("color: palette(placeholder-text);")
        self.ethnic_combo = QtWidgets.QComboBox()
        self.recorded_sensitive = consent is not None and consent.sensitive_given
        answer = self.member.get("sensitive_consent")
        ticked = answer is True or (self.recorded_sensitive and answer is not False)
        self.sensitive_check.setChecked(ticked)  # never pre-ticked: only a recorded consent or this form's answer
        self.sensitive_check.toggled.connect(self._sensitive_toggled)
        self.captions = [QtWidgets.QLabel() for _ in range(9)]
        rows: list[tuple[QtWidgets.QWidget, QtWidgets.QLabel | None]] = [
            (self.name_edit, self.name_error),
            (self.relationship_combo, None),
            (self.sex_combo, None),
            (self.birth_date_edit, self.date_error),
            (self.birth_year_edit, None),
            (self.citizen_id_edit, None),
            (self.phone_edit, None),
            (self.language_combo, None),
            (self.interpreter_check, None),
        ]
        for caption, (widget, error) in zip(self.captions, rows, strict=True):
            caption.setBuddy(widget)
            if error is None:
                form.addRow(caption, widget)
            else:
                box = QtWidgets.QVBoxLayout()
                box.setSpacing(2)
                box.addWidget(widget)
                box.addWidget(error)
                form.addRow(caption, box)
        self.consent_caption = QtWidgets.QLabel()
        consent_box = QtWidgets.QVBoxLayout()
        consent_box.setSpacing(2)
        for w in (self.basic_status, self.sensitive_status):
            consent_box.addWidget(w)
        form.addRow(self.consent_caption, consent_box)
        form.addRow(self.basic_check)  # the long answers span both columns: the dialog stays narrow
        form.addRow(self.sensitive_check)
        form.addRow(self.sensitive_hint)
        self.ethnic_caption = QtWidgets.QLabel()
        self.ethnic_caption.setBuddy(self.ethnic_combo)
        form.addRow(self.ethnic_caption, self.ethnic_combo)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._scroll = scroll = FormScrollArea(self)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.buttons)
        self.retranslate()
        self._select(self.relationship_combo, self.member.get("relationship", ""))
        self._select(self.sex_combo, self.member.get("sex", ""))
        self._select(self.language_combo, self.member.get("main_language", ""))
        kept = self.member.get("kept") or {}
        self._select(self.ethnic_combo, str(kept.get("ethnic_group") or "") if ticked else "")
        self.ethnic_combo.setEnabled(ticked)

    def _sensitive_toggled(self, on: bool) -> None:
        if not on and self.recorded_sensitive:
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Withdraw consent"),
                self.tr(
                    "{name} withdraws their consent to giving their ethnic group. The ethnic group will be erased "
                    "when the household is saved. Continue?"
                ).format(name=self.name_edit.text().strip() or self.tr("This person")),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                self.sensitive_check.blockSignals(True)
                self.sensitive_check.setChecked(True)
                self.sensitive_check.blockSignals(False)
                return
        if not on:
            self._select(self.ethnic_combo, "")
        self.ethnic_combo.setEnabled(on)

    def sensitive_answer(self) -> bool | None:
        """The answer to give the service: True (agreed now), False (withdrawn now), None (nothing new)."""
        on = self.sensitive_check.isChecked()
        if on == self.recorded_sensitive:
            return None
        return on

    @staticmethod
    def _select(combo: QtWidgets.QComboBox, value: str) -> None:
        combo.setCurrentIndex(max(combo.findData(value or ""), 0))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Household member"))
        texts = [
            self.tr("Full &name"),
            self.tr("&Relationship"),
            self.tr("&Sex"),
            self.tr("&Date of birth (dd/mm/yyyy)"),
            self.tr("Birth &year (if the date is unknown)"),
            self.tr("&Citizen ID (CCCD)"),
            self.tr("&Phone"),
            self.tr("Main &language"),
            self.tr("Needs an &interpreter"),
        ]
        for caption, text in zip(self.captions, texts, strict=True):
            caption.setText(text)
        self.consent_caption.setText(self.tr("Consent"))
        self.basic_status.setText(
            self.tr("Basic information: {status}").format(status=self.labels.consent_text(self.consent, "basic"))
        )
        self.basic_check.setText(
            self.tr("This person agrees to their information being recorded (text {version})").format(
                version=CONSENT_TEXT_VERSION
            )
        )
        self.sensitive_status.setText(
            self.tr("Ethnic group (sensitive): {status}").format(
                status=self.labels.consent_text(self.consent, "sensitive")
            )
        )
        self.sensitive_check.setText(self.tr("This person agrees to give their ethnic group (sensitive data)"))
        self.sensitive_hint.setText(
            self.tr(
                "Tell the person: ethnic group is sensitive personal data; giving it is optional and they may "
                "withdraw at any time. Ask only if the team needs it."
            )
        )
        self.ethnic_caption.setText(self.tr("E&thnic group"))
        for combo, items in (
            (self.ethnic_combo, [("", self.tr("Not given")), *((c, f"{c} – {n}") for c, n in ETHNIC_GROUPS)]),
            (self.relationship_combo, [("", self.tr("Not given")), *self.labels.relationships().items()]),
            (self.sex_combo, list(self.labels.sexes().items())),
            (
                self.language_combo,
                [("", self.tr("Not given"))] + [(c, vi if self.vietnamese else en) for c, vi, en in LANGUAGES],
            ),
        ):
            current = combo.currentData()
            combo.clear()
            for value, text in items:
                combo.addItem(text, value)
            if current is not None:
                self._select(combo, str(current))
        self._scroll.updateGeometry()  # the texts set its content's width: the dialog makes room for it
        self.birth_date_edit.setPlaceholderText(self.tr("dd/mm/yyyy"))

    def values(self) -> dict[str, Any]:
        return {
            **self.member,
            "full_name": self.name_edit.text().strip(),
            "relationship": self.relationship_combo.currentData() or "",
            "sex": self.sex_combo.currentData() or "",
            "birth_date": self.birth_date_edit.text().strip(),
            "birth_year": self.birth_year_edit.text().strip(),
            "citizen_id": self.citizen_id_edit.text().strip(),
            "phone": self.phone_edit.text().strip(),
            "main_language": self.language_combo.currentData() or "",
            "needs_interpreter": self.interpreter_check.isChecked(),
            "kept": {**(self.member.get("kept") or {}), "ethnic_group": self.ethnic_combo.currentData() or None},
            "basic_consent": not self.basic_check.isHidden() and self.basic_check.isChecked(),
            "sensitive_consent": self.sensitive_answer(),
        }

    def accept(self) -> None:
        self.name_error.hide()
        self.date_error.hide()
        values = self.values()
        if not values["full_name"]:
            self.name_error.setText(self.tr("Please enter the full name."))
            self.name_error.show()
            self.name_edit.setFocus()
            return
        try:
            member_input(values)
        except ValueError:
            self.date_error.setText(self.tr("Write the date as dd/mm/yyyy and the year as 4 digits."))
            self.date_error.show()
            self.birth_date_edit.setFocus()
            return
        super().accept()


class HouseholdForm(Retranslatable, QtWidgets.QDialog):
    """New household (``household_id`` None) or edit one. ``saved(household_id)`` after a successful save."""

    saved = QtCore.Signal(str)
    #: the form is filled (existing household read, draft question answered): tests wait for it
    ready = QtCore.Signal()

    FIELDS = ("village_id", "head_name", "address", "phone", "smartphone_count", "phones_2g_only", "internet")

    def __init__(self, ctx: AppContext, household_id: str | None = None, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.draft_key = f"household:{household_id}" if household_id else "household:new"
        self.labels = _Labels(self)
        self.members: list[dict[str, Any]] = []
        #: the recorded consent of the household's members (by person id), read with the household
        self.consents: dict[str, ConsentStatus] = {}
        self._filling = True
        self._dirty = False
        self._saving = False
        self.is_ready = False
        self._villages: list[VillageView] = []
        self.saved_state: dict[str, Any] = {}

        outer = QtWidgets.QVBoxLayout(self)
        self.general_error = _error_label()
        outer.addWidget(self.general_error)
        form = QtWidgets.QFormLayout()
        outer.addLayout(form)
        self.village_combo = QtWidgets.QComboBox()
        self.head_edit = QtWidgets.QLineEdit()
        self.address_edit = QtWidgets.QLineEdit()
        self.phone_edit = QtWidgets.QLineEdit()
        self.smart_spin = QtWidgets.QSpinBox()
        self.smart_spin.setRange(0, 50)
        self.g2_spin = QtWidgets.QSpinBox()
        self.g2_spin.setRange(0, 50)
        self.internet_combo = QtWidgets.QComboBox()
        self.notes_edit = QtWidgets.QLineEdit()
        self.widgets: dict[str, QtWidgets.QWidget] = {
            "village_id": self.village_combo,
            "head_name": self.head_edit,
            "address": self.address_edit,
            "phone": self.phone_edit,
            "smartphone_count": self.smart_spin,
            "phones_2g_only": self.g2_spin,
            "internet": self.internet_combo,
            "notes": self.notes_edit,
        }
        self.errors: dict[str, QtWidgets.QLabel] = {}
        self.captions: dict[str, QtWidgets.QLabel] = {}
        for name, widget in self.widgets.items():
            caption = QtWidgets.QLabel()
            caption.setBuddy(widget)
            self.captions[name] = caption
            error = _error_label()
            self.errors[name] = error
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(caption, box)

        self.members_caption = QtWidgets.QLabel()
        outer.addWidget(self.members_caption)
        self.members_table = QtWidgets.QTableWidget(0, 6)
        self.members_table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.members_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members_table.verticalHeader().setVisible(False)
        self.members_table.horizontalHeader().setStretchLastSection(True)
        self.members_table.setMinimumHeight(140)
        self.members_table.doubleClicked.connect(lambda _i: self.edit_member())
        outer.addWidget(self.members_table, 1)
        self.errors["members"] = _error_label()
        outer.addWidget(self.errors["members"])
        member_bar = QtWidgets.QHBoxLayout()
        self.add_member_button = QtWidgets.QPushButton()
        self.edit_member_button = QtWidgets.QPushButton()
        self.remove_member_button = QtWidgets.QPushButton()
        for b in (self.add_member_button, self.edit_member_button, self.remove_member_button):
            b.setAutoDefault(False)
            member_bar.addWidget(b)
        member_bar.addStretch(1)
        outer.addLayout(member_bar)
        self.add_member_button.clicked.connect(self.add_member)
        self.edit_member_button.clicked.connect(self.edit_member)
        self.remove_member_button.clicked.connect(self.remove_member)

        self.buttons = QtWidgets.QDialogButtonBox()
        self.save_button = self.buttons.addButton("", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("", QtWidgets.QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        order: list[QtWidgets.QWidget] = [  # tab order
            *self.widgets.values(),
            self.members_table,
            self.add_member_button,
            self.edit_member_button,
            self.remove_member_button,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

        for edit in (self.head_edit, self.address_edit, self.phone_edit, self.notes_edit):
            edit.textChanged.connect(self._changed)
        for spin in (self.smart_spin, self.g2_spin):
            spin.valueChanged.connect(self._changed)
        for combo in (self.village_combo, self.internet_combo):
            combo.currentIndexChanged.connect(self._changed)
        self._draft_timer = QtCore.QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(1000)
        self._draft_timer.timeout.connect(self.save_draft)

        self.resize(720, 640)
        self.retranslate()
        self._set_enabled(False)
        self._load()

    # -- texts -------------------------------------------------------------------------------------------

    def vietnamese(self) -> bool:
        return self.ctx.settings.get(LANGUAGE) == "vi"

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Edit household") if self.household_id else self.tr("New household"))
        captions = {
            "village_id": self.tr("&Village"),
            "head_name": self.tr("&Head of household"),
            "address": self.tr("&Address"),
            "phone": self.tr("&Phone"),
            "smartphone_count": self.tr("&Smartphones"),
            "phones_2g_only": self.tr("Phones that only do calls and SMS (&2G)"),
            "internet": self.tr("&Internet at home"),
            "notes": self.tr("N&otes"),
        }
        for name, text in captions.items():
            self.captions[name].setText(text)
        self.head_edit.setPlaceholderText(self.tr("Leave empty to use the member marked as head"))
        self.phone_edit.setPlaceholderText(self.tr("e.g. 0905 123 456"))
        self.members_caption.setText(self.tr("Members"))
        self.members_table.setHorizontalHeaderLabels(
            [
                self.tr("Full name"),
                self.tr("Relationship"),
                self.tr("Sex"),
                self.tr("Born"),
                self.tr("Phone"),
                self.tr("Consent"),
            ]
        )
        self.add_member_button.setText(self.tr("Add &member"))
        self.edit_member_button.setText(self.tr("&Edit member"))
        self.remove_member_button.setText(self.tr("&Remove member"))
        self.save_button.setText(self.tr("Save"))
        self.cancel_button.setText(self.tr("Cancel"))
        filling, self._filling = self._filling, True
        current = self.internet_combo.currentData()
        self.internet_combo.clear()
        for value, text in (
            ("", self.tr("Unknown")),
            ("fibre", self.tr("Fibre (cable)")),
            ("mobile", self.tr("Mobile data only")),
            ("none", self.tr("None")),
        ):
            self.internet_combo.addItem(text, value)
        self.internet_combo.setCurrentIndex(max(self.internet_combo.findData(current or ""), 0))
        self._filling = filling
        self._show_members()

    # -- loading -----------------------------------------------------------------------------------------

    def _set_enabled(self, on: bool) -> None:
        for w in (*self.widgets.values(), self.members_table, self.add_member_button, self.save_button):
            w.setEnabled(on)
        self.edit_member_button.setEnabled(on)
        self.remove_member_button.setEnabled(on)

    def _load(self) -> None:
        services = self.ctx.services
        household_id, key = self.household_id, self.draft_key

        def read() -> _Loaded:
            villages = services.villages.list_all()
            detail = services.households.get(household_id) if household_id else None
            full: dict[str, tuple[str | None, str | None]] = {}
            consents: dict[str, ConsentStatus] = {}
            if detail is not None:
                for m in detail.members:
                    d = services.persons.get(m.id)
                    full[m.id] = (d.citizen_id, d.ethnic_group)
                consents = services.consent.statuses([m.id for m in detail.members])
            return villages, detail, full, consents, services.drafts.load(key)

        self.ctx.tasks.run(read, self._loaded, self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self._show_errors(exc)
        self._finish_loading()

    def _loaded(self, result: "_Loaded") -> None:
        villages, detail, full, consents, draft = result
        self._villages = villages
        self.consents = consents
        self.village_combo.clear()
        for v in villages:
            self.village_combo.addItem(v.name, v.id)
        if detail is not None:
            h = detail.household
            if self.village_combo.findData(h.village_id) < 0:
                self.village_combo.addItem(h.village_name, h.village_id)
            members = [member_from_view(m, *full.get(m.id, (None, None))) for m in detail.members]
            self.set_state(
                {
                    "village_id": h.village_id,
                    "head_name": h.head_name,
                    "address": h.address,
                    "phone": h.phone or "",
                    "smartphone_count": h.smartphone_count,
                    "phones_2g_only": h.phones_2g_only,
                    "internet": h.internet or "",
                    "notes": h.notes,
                    "members": members,
                }
            )
        self.saved_state = self.state()
        if draft and draft != self.saved_state:
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Restore draft"),
                self.tr("This form has changes that were not saved last time. Restore them?"),
            )
            if answer == QtWidgets.QMessageBox.StandardButton.Yes:
                self.set_state(without_answers(draft, self.consents))  # consent is asked again, never restored
                self._dirty = True
            else:
                self.ctx.tasks.write(lambda: self.ctx.services.drafts.discard(self.draft_key))
        self._finish_loading()

    def _finish_loading(self) -> None:
        self._filling = False
        self._set_enabled(True)
        self.is_ready = True
        self.village_combo.setFocus() if self.household_id is None else self.head_edit.setFocus()
        self.ready.emit()

    # -- state -------------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything typed, as plain values (what a draft keeps)."""
        return {
            "village_id": self.village_combo.currentData() or "",
            "head_name": self.head_edit.text(),
            "address": self.address_edit.text(),
            "phone": self.phone_edit.text(),
            "smartphone_count": self.smart_spin.value(),
            "phones_2g_only": self.g2_spin.value(),
            "internet": self.internet_combo.currentData() or "",
            "notes": self.notes_edit.text(),
            "members": [dict(m) for m in self.members],
        }

    def set_state(self, state: dict[str, Any]) -> None:
        filling, self._filling = self._filling, True
        index = self.village_combo.findData(state.get("village_id") or "")
        if index >= 0:
            self.village_combo.setCurrentIndex(index)
        self.head_edit.setText(str(state.get("head_name") or ""))
        self.address_edit.setText(str(state.get("address") or ""))
        self.phone_edit.setText(str(state.get("phone") or ""))
        self.smart_spin.setValue(int(state.get("smartphone_count") or 0))
        self.g2_spin.setValue(int(state.get("phones_2g_only") or 0))
        self.internet_combo.setCurrentIndex(max(self.internet_combo.findData(state.get("internet") or ""), 0))
        self.notes_edit.setText(str(state.get("notes") or ""))
        self.members = [dict(m) for m in state.get("members") or [] if isinstance(m, dict)]
        self._show_members()
        self._filling = filling

    def is_dirty(self) -> bool:
        return self._dirty

    def _changed(self, *_args: object) -> None:
        if self._filling or self._saving:
            return
        self._dirty = True
        self._draft_timer.start()

    def save_draft(self) -> None:
        if not self._dirty or self._saving:
            return
        state, key, drafts = without_answers(self.state(), self.consents), self.draft_key, self.ctx.services.drafts
        self.ctx.tasks.write(lambda: drafts.save(key, state))

    # -- members -----------------------------------------------------------------------------------------

    def _show_members(self) -> None:
        rel, sexes = self.labels.relationships(), self.labels.sexes()
        self.members_table.setRowCount(len(self.members))
        for i, m in enumerate(self.members):
            born = m.get("birth_date") or str(m.get("birth_year") or "")
            cells = [
                m.get("full_name", ""),
                rel.get(m.get("relationship") or "", ""),
                sexes.get(m.get("sex") or "", "") if m.get("sex") else "",
                born,
                m.get("phone", ""),
                self.labels.consent_short(self.consents.get(str(m.get("id") or "")), m),
            ]
            consent = self.consents.get(str(m.get("id") or ""))
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(str(text))
                item.setToolTip(str(text))  # the full text of a long (elided) name
                if c == len(cells) - 1:
                    item.setToolTip(
                        "\n".join(
                            (
                                self.tr("Basic information: {status}").format(
                                    status=self.labels.consent_text(consent, "basic")
                                ),
                                self.tr("Ethnic group (sensitive): {status}").format(
                                    status=self.labels.consent_text(consent, "sensitive")
                                ),
                            )
                        )
                    )
                self.members_table.setItem(i, c, item)

    def _member_dialog(self, member: dict[str, Any] | None) -> MemberDialog:
        consent = self.consents.get(str(member.get("id") or "")) if member else None
        return MemberDialog(self.vietnamese(), member, self, consent)

    def add_member(self) -> None:
        dialog = self._member_dialog(None)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.members.append(dialog.values())
            self._show_members()
            self.members_table.selectRow(len(self.members) - 1)
            self._changed()

    def selected_member(self) -> int | None:
        rows = self.members_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def edit_member(self) -> None:
        row = self.selected_member()
        if row is None:
            return
        dialog = self._member_dialog(self.members[row])
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.members[row] = dialog.values()
            self._show_members()
            self._changed()

    def remove_member(self) -> None:
        row = self.selected_member()
        if row is None:
            return
        answer = QtWidgets.QMessageBox.question(
            self,
            self.tr("Remove member"),
            self.tr("Remove {name} from this household?").format(name=self.members[row].get("full_name", "")),
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            del self.members[row]
            self._show_members()
            self._changed()

    # -- saving ------------------------------------------------------------------------------------------

    def household_input(self, state: dict[str, Any]) -> HouseholdInput:
        return HouseholdInput(
            village_id=state["village_id"],
            head_name=state["head_name"].strip() or None,
            address=state["address"],
            phone=state["phone"].strip() or None,
            smartphone_count=state["smartphone_count"],
            phones_2g_only=state["phones_2g_only"],
            internet=state["internet"] or None,
            notes=state["notes"],
        )

    def save(self) -> None:
        if not self.is_ready or self._saving:
            return
        self._clear_errors()
        state = self.state()
        if not state["village_id"]:
            self._show_errors(
                ValidationError(
                    "village_id",
                    "Vui lòng chọn thôn/buôn/tổ dân phố.",
                    "Please choose a village.",
                    "village_id.required",
                )
            )
            return
        inputs: list[PersonInput] = []
        for i, m in enumerate(state["members"]):
            try:
                inputs.append(member_input(m))
            except ValueError:
                self._show_errors(
                    ValidationError(
                        f"members.{i}.birth_date",
                        "Ngày sinh phải theo dạng dd/mm/yyyy, năm sinh gồm 4 chữ số.",
                        "Write the date of birth as dd/mm/yyyy and the year as 4 digits.",
                        "birth_date.invalid",
                    )
                )
                return
        hh = self.household_input(state)
        services = self.ctx.services
        self._saving = True
        self._draft_timer.stop()
        self._set_enabled(False)
        if self.household_id is None:
            hh.members = inputs
            work: Callable[[], str] = lambda: self._create(services, hh)  # noqa: E731
        else:
            household_id = self.household_id
            members = list(zip(self.members, inputs, strict=True))  # ids of added members are written back
            work = lambda: self._update(services, household_id, hh, members)  # noqa: E731
        self.ctx.tasks.write(work, self._save_done, self._save_failed)

    @staticmethod
    def _create(services: Services, hh: HouseholdInput) -> str:
        detail = services.households.create(hh)
        services.drafts.discard("household:new")
        return detail.household.id

    @staticmethod
    def _update(
        services: Services,
        household_id: str,
        hh: HouseholdInput,
        members: list[tuple[dict[str, Any], PersonInput]],
    ) -> str:
        """One unit of work: the household, its removed, changed and added members — all or nothing."""
        ids = services.households.save_with_members(
            household_id, hh, [(m.get("id") or None, inp) for m, inp in members]
        )
        for (m, _), pid in zip(members, ids, strict=True):
            m["id"] = pid
        services.drafts.discard(f"household:{household_id}")
        return household_id

    def _save_done(self, household_id: str) -> None:
        self._saving = False
        self._dirty = False
        self.household_id = household_id
        self.ctx.data_changed()
        self.saved.emit(household_id)
        self.done(QtWidgets.QDialog.DialogCode.Accepted)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._set_enabled(True)
        if self.household_id is not None:
            self._reload_member_ids()
        self._show_errors(exc)

    def _reload_member_ids(self) -> None:
        """After a partly applied edit, members added meanwhile got ids: keep them (no duplicates)."""

    # -- errors ------------------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.clear()
            label.hide()

    def _show_errors(self, exc: BaseException) -> None:
        if not isinstance(exc, ValidationError):
            raise exc
        errs = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        vi = self.vietnamese()
        first: QtWidgets.QWidget | None = None
        for e in errs:
            message = e.message_vi if vi else e.message_en
            name = e.field
            label: QtWidgets.QLabel
            focus: QtWidgets.QWidget | None
            if name.startswith("members."):
                parts = name.split(".")
                row = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
                who = self.members[row].get("full_name", "") if 0 <= row < len(self.members) else ""
                message = self.tr("Member {n} ({name}): {message}").format(n=row + 1, name=who, message=message)
                label, focus = self.errors["members"], self.members_table
                if first is None and 0 <= row < len(self.members):
                    self.members_table.selectRow(row)
            elif name in self.errors:
                label, focus = self.errors[name], self.widgets[name]
            else:
                label, focus = self.general_error, None
            label.setText("\n".join(t for t in (label.text(), message) if t))
            label.show()
            if first is None and focus is not None:
                first = focus
        if first is not None:
            first.setFocus()

    # -- closing -----------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._saving:
            return
        if self._dirty:
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("Discard the changes to this household?"),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return
            self._draft_timer.stop()
            self._dirty = False
            drafts, key = self.ctx.services.drafts, self.draft_key
            self.ctx.tasks.write(lambda: drafts.discard(key))
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self._dirty or self._saving:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            if self.members_table.hasFocus():
                self.edit_member()
            else:
                self.save()
            return
        super().keyPressEvent(event)
