"""Read models: plain, immutable values handed to the UI and the CLI (never live ORM objects).

They are ``NamedTuple``s: immutable, safe to hand from a worker thread to the GUI thread, and built in C —
a bulk import returns tens of thousands of them (frozen dataclasses cost ten times as much to build)."""

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple


class VillageView(NamedTuple):
    id: str
    name: str
    kind: str
    merged_into_id: str | None

    @classmethod
    def of(cls, r: Mapping[str, Any]) -> "VillageView":
        return cls(r["id"], r["name"], r["kind"], r["merged_into_id"])


class PersonView(NamedTuple):
    id: str
    household_id: str | None
    full_name: str
    relationship: str | None
    name_order: str
    sex: str | None
    birth_date: date | None
    birth_year: int | None
    citizen_id_masked: str | None  # at most the last 4 digits outside the person's own form
    phone: str | None
    main_language: str | None
    needs_interpreter: bool
    vneid_level: str | None
    skills_confirmed: bool | None
    has_smartphone: bool | None
    has_bank_account: bool | None
    has_public_service_account: bool | None
    has_digital_signature: bool | None
    has_daklak_app: bool | None
    notes: str
    sort_key: str
    version: int
    updated_at: str

    @classmethod
    def of(cls, r: Mapping[str, Any]) -> "PersonView":
        cid = r["citizen_id"]
        return cls(  # citizen_id is stored as 12 digits: show the last 4 only
            r["id"],
            r["household_id"],
            r["full_name"],
            r["relationship"],
            r["name_order"],
            r["sex"],
            r["birth_date"],
            r["birth_year"],
            "********" + cid[-4:] if cid else None,
            r["phone"],
            r["main_language"],
            bool(r["needs_interpreter"]),
            r["vneid_level"],
            r["skills_confirmed"],
            r["has_smartphone"],
            r["has_bank_account"],
            r["has_public_service_account"],
            r["has_digital_signature"],
            r["has_daklak_app"],
            r["notes"],
            r["sort_key"],
            r["version"],
            r["updated_at"],
        )


class PersonDetail(NamedTuple):
    """The person's own form: the only place the full citizen ID and the ethnic group are shown."""

    person: PersonView
    citizen_id: str | None
    ethnic_group: str | None


class HouseholdView(NamedTuple):
    id: str
    village_id: str
    village_name: str
    address: str
    head_name: str
    phone: str | None
    smartphone_count: int
    phones_2g_only: int
    internet: str | None
    notes: str
    member_count: int
    last_visit_at: str | None
    version: int
    updated_at: str


class HouseholdDetail(NamedTuple):
    household: HouseholdView
    members: tuple[PersonView, ...]


class FindingView(NamedTuple):
    person_id: str
    person_name: str
    vneid_level: str | None
    skills_confirmed: bool | None
    has_smartphone: bool | None
    has_bank_account: bool | None
    has_public_service_account: bool | None
    has_digital_signature: bool | None
    has_daklak_app: bool | None


class ActionView(NamedTuple):
    kind: str
    code: str
    person_id: str | None
    note: str


class VisitView(NamedTuple):
    id: str
    household_id: str
    visited_at: str
    visitor_name: str
    notes: str
    supersedes_id: str | None
    findings: tuple[FindingView, ...]
    actions: tuple[ActionView, ...]
    consent_text_version: str | None


class CourseView(NamedTuple):
    id: str
    code: str
    name: str
    hours: int
    modules: tuple[str, ...]


class SessionView(NamedTuple):
    id: str
    course_id: str
    course_name: str
    session_date: date
    place: str
    trainer_name: str
    village_id: str | None
    notes: str
    attendee_count: int
    passed_count: int
    version: int


class AttendanceView(NamedTuple):
    id: str
    session_id: str
    person_id: str
    person_name: str
    present: bool
    result: str | None


class ProcedureView(NamedTuple):
    id: str
    code: str
    name: str
    field: str
    full_online_available: bool


class SubmissionView(NamedTuple):
    id: str
    procedure_id: str
    procedure_name: str
    person_id: str
    person_name: str
    portal: str
    dossier_code: str
    full_online: bool
    fee_paid_online: bool | None
    minutes_spent: int | None
    submitted_on: date
    status: str
    notes: str
    supersedes_id: str | None


class UserView(NamedTuple):
    id: str
    display_name: str
    role: str
    active: bool


class SearchHit(NamedTuple):
    kind: str  # "person" or "household"
    id: str
    title: str  # the name
    detail: str  # birth year, masked phone, village...
    tier: int  # 0 best


class ConsentScopeStatus(NamedTuple):
    """The current state of one consent scope of a person: the latest consent row (by ``given_at``, then id)."""

    scope: str  # ConsentScope value
    granted: bool  # False: refused or withdrawn
    text_version: str
    method: str  # "verbal", "written", "import"
    given_at: str  # ISO UTC
    collected_by: str | None  # user id
    collected_by_name: str | None  # that user's display name (None: unknown on this laptop)
    #: the household's consent given at a visit (it covers every member for the basic scope), not the person's own
    from_household_visit: bool


class ConsentStatus(NamedTuple):
    """A person's consent: ``basic`` (name, birth, contact, digital status) and ``sensitive`` (+ ethnic group);
    None where the scope was never asked."""

    person_id: str
    basic: ConsentScopeStatus | None
    sensitive: ConsentScopeStatus | None

    @property
    def basic_given(self) -> bool:
        return self.basic is not None and self.basic.granted

    @property
    def sensitive_given(self) -> bool:
        return self.sensitive is not None and self.sensitive.granted
