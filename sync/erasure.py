"""Erasing a person's data (consent withdrawn, Law 91/2025/QH15): what is blanked, decided once for the laptop
(:mod:`dlso_desktop.services.erasure`) and the server (:mod:`sync.server.apply`), so both blank the very same
fields of the very same records.

The person's row stays (with its id, household, relationship, sex and digital status) so that every count per
village, course and status stays right; what names, identifies or describes the person is blanked:

* person: name (a fixed placeholder), the chosen sort name, name order, birth date and year, citizen ID, phone,
  ethnic group, main language, interpreter need, notes; ``erased_at`` marks it;
* household, when the person is its head: head name (placeholder), phone, notes; when the person was its
  only live member: its address too;
* visits of the household whose only subjects (findings, actions) are the person, or all visits of a
  household of one: their notes (free text cannot be parsed for names);
* visit actions for the person: their note;
* assisted submissions of the person: dossier code and notes; their status changes: notes;
* certificates of the person: the signed QR payload (it holds the name and birth date); they are revoked
  (reason :data:`REVOCATION_REASON`), and an earlier revocation's reason, typed freely, becomes that too.

Rows are plain mappings (typed on the laptop, JSON values on the server): :func:`plan` only compares ids.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: What an erased name becomes (household head names too).
PLACEHOLDER = "Đã xoá"
#: The reason of the revocation an erasure adds to each certificate of the person.
REVOCATION_REASON = "erased"
#: Why an operator erases (the op carries the code; the audit trail keeps it).
REASONS: tuple[str, ...] = ("person_asked", "entered_by_mistake", "other")
#: The marker field of an erased person (set only by an erasure).
MARKER = "erased_at"

PERSON: dict[str, Any] = {
    "full_name": PLACEHOLDER,
    "sort_name": None,
    "name_order": "family_first",  # an Ê Đê / M'Nông / J'rai name order hints at ethnic origin
    "birth_date": None,
    "birth_year": None,
    "citizen_id": None,
    "phone": None,
    "ethnic_group": None,
    "main_language": None,
    "needs_interpreter": False,
    "notes": "",
}
HOUSEHOLD_HEAD: dict[str, Any] = {"head_name": PLACEHOLDER, "phone": None, "notes": ""}
HOUSEHOLD_ALONE: dict[str, Any] = {**HOUSEHOLD_HEAD, "address": ""}
VISIT: dict[str, Any] = {"notes": ""}
VISIT_ACTION: dict[str, Any] = {"note": ""}
SUBMISSION: dict[str, Any] = {"dossier_code": "", "notes": ""}
SUBMISSION_STATUS: dict[str, Any] = {"note": ""}
CERTIFICATE: dict[str, Any] = {"qr_payload": ""}
CERTIFICATE_REVOCATION: dict[str, Any] = {"reason": REVOCATION_REASON}

#: The blank values per table: every field an erasure may blank (a household's, when the person lived alone in
#: it); the records of the person's own (actions, submissions, their statuses, certificates, revocations) get
#: exactly these, also when they reach the server after the erasure.
BLANKS: dict[str, dict[str, Any]] = {
    "person": PERSON,
    "household": HOUSEHOLD_ALONE,
    "visit": VISIT,
    "visit_action": VISIT_ACTION,
    "assisted_submission": SUBMISSION,
    "submission_status": SUBMISSION_STATUS,
    "certificate": CERTIFICATE,
    "certificate_revocation": CERTIFICATE_REVOCATION,
}
#: Every field an erasure may blank, per table (what later ops made before the erasure may not bring back).
ERASABLE: dict[str, frozenset[str]] = {table: frozenset(blank) for table, blank in BLANKS.items()}

Row = Mapping[str, Any]
Plan = dict[tuple[str, str], dict[str, Any]]


@dataclass(slots=True)
class Related:
    """A person's records as one side holds them (live rows only)."""

    person: Row
    household: Row | None = None
    #: live persons of the household other than this one
    other_members: int = 0
    #: the household's visits
    visits: Sequence[Row] = field(default_factory=list)
    #: visit id -> ids of the persons its findings and actions name
    subjects: dict[str, set[str]] = field(default_factory=dict)
    #: visit actions for the person
    actions: Sequence[Row] = field(default_factory=list)
    submissions: Sequence[Row] = field(default_factory=list)
    #: status changes of those submissions
    statuses: Sequence[Row] = field(default_factory=list)
    certificates: Sequence[Row] = field(default_factory=list)
    #: revocations of those certificates
    revocations: Sequence[Row] = field(default_factory=list)


def plan(related: Related, erased_at: str) -> Plan:
    """{(table, row id): {field: blank value}} for every record the erasure changes (values may already be
    blank: callers write only what differs)."""
    person = related.person
    pid = str(person["id"])
    out: Plan = {("person", pid): {**PERSON, MARKER: erased_at}}
    hh = related.household
    alone = hh is not None and related.other_members == 0
    if hh is not None:
        if alone:
            out[("household", str(hh["id"]))] = dict(HOUSEHOLD_ALONE)
        elif person.get("relationship") == "head":
            out[("household", str(hh["id"]))] = dict(HOUSEHOLD_HEAD)
    for visit in related.visits:
        vid = str(visit["id"])
        if alone or related.subjects.get(vid) == {pid}:
            out[("visit", vid)] = dict(VISIT)
    for table, rows in (
        ("visit_action", related.actions),
        ("assisted_submission", related.submissions),
        ("submission_status", related.statuses),
        ("certificate", related.certificates),
        ("certificate_revocation", related.revocations),
    ):
        for row in rows:
            out[(table, str(row["id"]))] = dict(BLANKS[table])
    return out


def changed(current: Row, blank: Mapping[str, Any]) -> dict[str, Any]:
    """The blank values that differ from the row's current ones."""
    return {k: v for k, v in blank.items() if current.get(k) != v}


def scrub_changes(kind: str, changes: dict[str, Any], blank: Mapping[str, Any]) -> dict[str, Any]:
    """An op's changes without the erased values: an insert carries the blank values instead, an update
    loses the erased fields (both its old and new values held the data)."""
    if kind == "insert":
        return {k: blank.get(k, v) for k, v in changes.items()}
    if kind == "update":
        return {k: v for k, v in changes.items() if k not in blank}
    return changes


def scrub_conflict(field_name: str, values: dict[str, Any], blank: Mapping[str, Any]) -> bool:
    """Blank a conflict's values (``base_value``, ``server_value``, ``incoming_value``, ``resolved_value``:
    decoded) in place when they hold erased data; True when something changed. A conflict on an erased field
    gets the blank value on every side; an edit-versus-delete conflict loses the erased fields of its
    incoming edit."""
    if field_name in blank:
        out = False
        for key in ("base_value", "server_value", "incoming_value", "resolved_value"):
            if key in values and values[key] is not None and values[key] != blank[field_name]:
                values[key] = blank[field_name]
                out = True
        return out
    incoming = values.get("incoming_value")
    if isinstance(incoming, dict) and any(k in blank for k in incoming):
        values["incoming_value"] = {k: v for k, v in incoming.items() if k not in blank}
        return True
    return False


def scrub_resolution(field_name: str, changes: dict[str, Any], blank: Mapping[str, Any]) -> dict[str, Any]:
    """A resolve op's changes (``value``, and ``server_value``: the two sides it decided between) without the
    erased data: the blank value when the conflict was on an erased field."""
    if field_name not in blank:
        return changes
    return {
        k: (blank[field_name] if k in ("value", "server_value") and v is not None else v) for k, v in changes.items()
    }


def subjects_of(pairs: Iterable[tuple[Any, Any]]) -> dict[str, set[str]]:
    """visit id -> person ids, from (visit id, person id) pairs of findings and actions (None ids skipped)."""
    out: dict[str, set[str]] = {}
    for visit_id, person_id in pairs:
        if visit_id is not None and person_id is not None:
            out.setdefault(str(visit_id), set()).add(str(person_id))
    return out
