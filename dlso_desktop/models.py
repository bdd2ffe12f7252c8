"""The data model: SQLModel tables for every record in PRODUCT.md, sync-native from the first row.

Every synced row carries a UUIDv7 made on the laptop (`id`), the commune it belongs to, who/where/when
created and last changed it, the server version it was last seen at, and a tombstone flag. Three kinds of
synced data (SYNC.md):

* master records (village, household, person, training session, user) merge field by field;
* events (visit and its findings/actions, consent, attendance, assisted submission and its status changes,
  certificate and its revocation) are insert-only; a correction is a new row with ``supersedes_id``;
* catalogues (commune, course, module, procedure) are decided by the server and flow down only.

Timestamps are ISO-8601 UTC strings ending in ``Z`` (`dlso_desktop.ids.utc_now`): they sort, compare and
travel through JSON unchanged on SQLite and PostgreSQL. Dates are ``datetime.date``.

Local-only tables (outbox, audit entry, metadata, search documents) are defined here too so that Alembic
sees one metadata; the sync registry at the end says which tables and fields travel.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import Column, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

# ---------------------------------------------------------------------------------------------------------
# Enumerations (stored as their string values)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class NameOrder(StrEnum):
    FAMILY_FIRST = "family_first"  # Kinh: family name first, given name last
    GIVEN_FIRST = "given_first"  # Ê Đê, M'Nông, J'rai: given name first, clan name last


class VNeIDLevel(StrEnum):
    NONE = "none"
    LEVEL1 = "level1"
    LEVEL2 = "level2"


class Internet(StrEnum):
    FIBRE = "fibre"
    MOBILE = "mobile"
    NONE = "none"


class VillageKind(StrEnum):
    THON = "thon"
    BUON = "buon"
    TO_DAN_PHO = "to_dan_pho"


class Role(StrEnum):
    TEAM_MEMBER = "team_member"
    TEAM_HEAD = "team_head"
    COMMUNE_OPERATOR = "commune_operator"


class ActionKind(StrEnum):
    DONE = "done"  # done during the visit
    FOLLOW_UP = "follow_up"  # needs a later visit or help


class ConsentScope(StrEnum):
    BASIC = "basic"  # name, date of birth, contact, digital status
    SENSITIVE = "sensitive"  # + ethnic group (sensitive under Law 91/2025/QH15)


class AssessmentResult(StrEnum):
    PASSED = "passed"
    NOT_YET = "not_yet"


class SubmissionStatus(StrEnum):
    PREPARED = "prepared"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    PROCESSING = "processing"
    COMPLETED = "completed"
    REJECTED = "rejected"


#: The lifecycle order of a submission. The current status is the one furthest along, never the one with the
#: latest wall-clock time (a laptop's clock never decides).
SUBMISSION_STATUS_RANK: dict[SubmissionStatus, int] = {
    SubmissionStatus.PREPARED: 0,
    SubmissionStatus.SUBMITTED: 1,
    SubmissionStatus.RECEIVED: 2,
    SubmissionStatus.PROCESSING: 3,
    SubmissionStatus.COMPLETED: 4,
    SubmissionStatus.REJECTED: 4,
}


class Portal(StrEnum):
    NATIONAL = "dvc_quoc_gia"  # Cổng Dịch vụ công quốc gia
    PROVINCIAL = "dvc_tinh"  # Hệ thống thông tin giải quyết TTHC tỉnh
    VNEID = "vneid"
    OTHER = "other"


#: The digital-status checklist of a person (PRODUCT.md), found at each visit and kept on the person.
DIGITAL_STATUS_FIELDS: tuple[str, ...] = (
    "vneid_level",
    "skills_confirmed",
    "has_smartphone",
    "has_bank_account",
    "has_public_service_account",
    "has_digital_signature",
    "has_daklak_app",
)


# ---------------------------------------------------------------------------------------------------------
# Column mixins


class SyncedRow(SQLModel):
    """Fields every synced row has."""

    id: str = Field(primary_key=True, max_length=36)
    commune_code: int  # no index on the laptop: it holds one commune
    created_at: str
    created_by: str | None = None
    created_device: str
    updated_at: str
    updated_by: str | None = None
    updated_device: str
    #: change-log sequence of the server the last time this row was seen there (0: never synced)
    version: int = 0
    #: tombstone: deleted rows stay (and sync) so a delete never comes back
    deleted: bool = False


class EventRow(SyncedRow):
    """Insert-only rows: a correction is a new row whose ``supersedes_id`` names the old one."""

    supersedes_id: str | None = Field(default=None, index=True, max_length=36)


# ---------------------------------------------------------------------------------------------------------
# Catalogues (server-decided, flow down)


class Commune(SQLModel, table=True):
    """An official ward/commune of Đắk Lắk (from the `vietnam-provinces` package)."""

    __tablename__ = "commune"
    code: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str  # official name, e.g. "Phường Buôn Ma Thuột"
    short_name: str
    kind: str  # "xa" or "phuong"
    folded: str


class Course(SQLModel, table=True):
    __tablename__ = "course"
    id: str = Field(primary_key=True, max_length=36)
    code: str = Field(unique=True)
    name: str
    description: str = ""
    framework_ref: str = ""  # reference to Decision 757/QĐ-BKHCN's competence areas
    hours: int = 0
    active: bool = True
    version: int = 0


class CourseModule(SQLModel, table=True):
    __tablename__ = "course_module"
    id: str = Field(primary_key=True, max_length=36)
    course_id: str = Field(foreign_key="course.id", index=True)
    position: int
    code: str
    name: str
    framework_area: str = ""
    version: int = 0


class Procedure(SQLModel, table=True):
    """An administrative procedure people are helped to file online."""

    __tablename__ = "procedure"
    id: str = Field(primary_key=True, max_length=36)
    code: str = Field(unique=True)
    name: str
    field: str = ""  # lĩnh vực, e.g. "Hộ tịch"
    full_online_available: bool = True  # can be done "toàn trình"
    active: bool = True
    version: int = 0


# ---------------------------------------------------------------------------------------------------------
# Master records (merge field by field)


class AppUser(SyncedRow, table=True):
    """A local user of a (possibly shared) laptop. The PIN hash never leaves the laptop."""

    __tablename__ = "app_user"
    display_name: str
    role: str = Role.TEAM_MEMBER.value
    pin_hash: str | None = None
    active: bool = True


class Village(SyncedRow, table=True):
    """Thôn, buôn or tổ dân phố: each commune keeps and edits its own list."""

    __tablename__ = "village"
    name: str
    kind: str = VillageKind.THON.value
    sort_key: str = ""
    merged_into_id: str | None = Field(default=None, max_length=36)


class Household(SyncedRow, table=True):
    __tablename__ = "household"
    __table_args__ = (Index("ix_household_village_sort", "village_id", "sort_key"),)
    village_id: str = Field(foreign_key="village.id", max_length=36)
    address: str = ""
    head_name: str
    phone: str | None = None
    smartphone_count: int = 0
    phones_2g_only: int = 0
    internet: str | None = None
    notes: str = ""
    #: derived Vietnamese sort key of the head's name (local, recomputed from head_name)
    sort_key: str = Field(default="", index=True)
    #: local: rowid of this household's search document
    search_rowid: int | None = Field(default=None, unique=True)


class Person(SyncedRow, table=True):
    __tablename__ = "person"
    __table_args__ = (
        # finds an existing person by CCCD (duplicates are refused when entered on this laptop)
        Index("ix_person_citizen_id", "citizen_id", sqlite_where=text("citizen_id IS NOT NULL")),
    )
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True, max_length=36)
    relationship: str | None = None  # to the head of household: "head", "spouse", "child", ...
    full_name: str
    name_order: str = NameOrder.FAMILY_FIRST.value
    sort_name: str | None = None  # set by the user where the automatic order is wrong
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None  # when only the year is known
    citizen_id: str | None = None  # CCCD, 12 digits; shown masked outside the person's own form
    phone: str | None = None
    ethnic_group: str | None = None  # sensitive: only with explicit consent for sensitive data
    main_language: str | None = None
    needs_interpreter: bool = False
    vneid_level: str | None = None
    skills_confirmed: bool | None = None
    has_smartphone: bool | None = None
    has_bank_account: bool | None = None
    has_public_service_account: bool | None = None
    has_digital_signature: bool | None = None
    has_daklak_app: bool | None = None
    notes: str = ""
    #: when the person's data was erased (consent withdrawn): the personal fields are blanked
    #: (``sync.erasure``), the row stays for anonymous counts. Set only by an erasure, never by an edit.
    erased_at: str | None = None
    #: derived (local): Vietnamese sort key of the name
    sort_key: str = Field(default="", index=True)
    #: local: rowid of this person's search document
    search_rowid: int | None = Field(default=None, unique=True)


class TrainingSession(SyncedRow, table=True):
    __tablename__ = "training_session"
    course_id: str = Field(foreign_key="course.id", index=True, max_length=36)
    village_id: str | None = Field(default=None, foreign_key="village.id", max_length=36)
    session_date: date = Field(index=True)
    place: str
    trainer_name: str
    trainer_user_id: str | None = Field(default=None, max_length=36)
    notes: str = ""


# ---------------------------------------------------------------------------------------------------------
# Events (insert-only; corrections supersede)


class Visit(EventRow, table=True):
    __tablename__ = "visit"
    household_id: str = Field(foreign_key="household.id", index=True, max_length=36)
    visited_at: str
    visitor_user_id: str | None = Field(default=None, max_length=36)
    visitor_name: str = ""
    notes: str = ""


class VisitFinding(EventRow, table=True):
    """What was found for one person during a visit (the digital-status checklist)."""

    __tablename__ = "visit_finding"
    visit_id: str = Field(foreign_key="visit.id", index=True, max_length=36)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=36)
    vneid_level: str | None = None
    skills_confirmed: bool | None = None
    has_smartphone: bool | None = None
    has_bank_account: bool | None = None
    has_public_service_account: bool | None = None
    has_digital_signature: bool | None = None
    has_daklak_app: bool | None = None


class VisitAction(EventRow, table=True):
    """Something done during a visit, or a follow-up need, optionally for one person."""

    __tablename__ = "visit_action"
    visit_id: str = Field(foreign_key="visit.id", index=True, max_length=36)
    person_id: str | None = Field(default=None, foreign_key="person.id", max_length=36)
    kind: str  # ActionKind
    code: str  # e.g. "install_vneid", "activate_vneid_level2", "open_ewallet"
    note: str = ""


class Consent(EventRow, table=True):
    """Consent given (or withdrawn: ``granted`` false) with the text version shown and who collected it."""

    __tablename__ = "consent"
    household_id: str | None = Field(default=None, foreign_key="household.id", max_length=36)
    person_id: str | None = Field(default=None, foreign_key="person.id", index=True, max_length=36)
    visit_id: str | None = Field(default=None, foreign_key="visit.id", max_length=36)
    scope: str = ConsentScope.BASIC.value
    granted: bool = True
    text_version: str
    method: str = "verbal"
    given_at: str
    collected_by: str | None = Field(default=None, max_length=36)


class Attendance(EventRow, table=True):
    __tablename__ = "attendance"
    session_id: str = Field(foreign_key="training_session.id", index=True, max_length=36)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=36)
    present: bool = True
    result: str | None = None  # AssessmentResult
    assessed_by: str | None = Field(default=None, max_length=36)


class AssistedSubmission(EventRow, table=True):
    __tablename__ = "assisted_submission"
    procedure_id: str = Field(foreign_key="procedure.id", max_length=36)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=36)
    portal: str = Portal.NATIONAL.value
    dossier_code: str = ""
    full_online: bool = False  # "toàn trình"
    fee_paid_online: bool | None = None
    minutes_spent: int | None = None
    assisted_by: str | None = Field(default=None, max_length=36)
    submitted_on: date = Field(index=True)
    notes: str = ""


class SubmissionStatusChange(EventRow, table=True):
    __tablename__ = "submission_status"
    submission_id: str = Field(foreign_key="assisted_submission.id", index=True, max_length=36)
    status: str
    changed_at: str
    note: str = ""


class Certificate(EventRow, table=True):
    """A training certificate (the certificates issue fills in signing and printing)."""

    __tablename__ = "certificate"
    number: str = Field(unique=True)
    serial: int
    person_id: str = Field(foreign_key="person.id", index=True, max_length=36)
    session_id: str = Field(foreign_key="training_session.id", index=True, max_length=36)
    course_id: str = Field(foreign_key="course.id", max_length=36)
    issue_date: date
    signer_name: str = ""
    signer_title: str = ""
    key_id: str = ""
    qr_payload: str = ""


class CertificateRevocation(EventRow, table=True):
    __tablename__ = "certificate_revocation"
    certificate_id: str = Field(foreign_key="certificate.id", index=True, max_length=36)
    reason: str
    revoked_at: str


# ---------------------------------------------------------------------------------------------------------
# Local-only tables


class Meta(SQLModel, table=True):
    """Key/value facts about this database: device id, commune, data versions."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class OutboxOp(SQLModel, table=True):
    """One local change waiting to reach the server, written in the same transaction as the change.

    ``op_id`` is the per-device increasing op id (AUTOINCREMENT: never reused, even after pruning).
    ``changes`` is JSON: ``{field: new}`` for an insert (every value the row was created with), ``{field:
    [old, new]}`` for an update (only the fields that changed), ``{"deleted": [false, true]}`` for a delete
    (a tombstone). ``txn_id`` groups the ops of one unit of work so the server
    can apply them atomically.
    """

    __tablename__ = "outbox"
    op_id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    txn_id: str = Field(max_length=36)
    device_id: str
    table_name: str
    row_id: str = Field(max_length=36)
    kind: str  # insert / update / delete
    changes: str = Field(sa_column=Column(Text, nullable=False))
    base_version: int = 0
    author_id: str | None = None
    created_at: str
    schema_version: int
    #: the server's answer once pushed: applied / duplicate / conflict / rejected (NULL while pending)
    status: str | None = None
    status_reason: str | None = None
    acked_at: str | None = None

    __table_args__: ClassVar[Any] = (
        # the pending ops, in op-id order, without indexing every acknowledged op
        Index(
            "ix_outbox_pending", "op_id", sqlite_where=text("status IS NULL"), postgresql_where=text("status IS NULL")
        ),
        # the refused ops the Sync page lists and the status bar counts, without scanning every acknowledged op
        Index(
            "ix_outbox_rejected",
            "op_id",
            sqlite_where=text("status = 'rejected'"),
            postgresql_where=text("status = 'rejected'"),
        ),
        {"sqlite_autoincrement": True},
    )


class Draft(SQLModel, table=True):
    """An unsaved form, kept while it is being typed so a crash loses at most the field being typed."""

    __tablename__ = "draft"
    key: str = Field(primary_key=True)  # e.g. "household:new", "visit:<household id>"
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the form's fields
    user_id: str | None = None
    updated_at: str


class SyncConflict(SQLModel, table=True):
    """A conflict the server found (the same field changed on two sides), pulled from the server.

    Values are JSON text (any field type). A commune operator resolves it with a ``resolve`` outbox op; the
    server applies the choice and the resolved conflict comes back with the next pull.
    """

    __tablename__ = "sync_conflict"
    id: str = Field(primary_key=True, max_length=36)
    version: int = 0
    table_name: str
    row_id: str = Field(max_length=36, index=True)
    field: str
    base_value: str = "null"
    server_value: str = "null"
    server_by: str | None = None
    server_device: str | None = None
    server_at: str | None = None
    incoming_value: str = "null"
    incoming_by: str | None = None
    incoming_device: str | None = None
    incoming_at: str | None = None
    status: str = "open"  # open / resolved
    resolved_value: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    created_at: str = ""


class SyncSeen(SQLModel, table=True):
    """During a full re-pull after the server purged old tombstones: the records the server still sent."""

    __tablename__ = "sync_seen"
    table_name: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True, max_length=36)


class AuditEntry(SQLModel, table=True):
    """Append-only trail: who did what to which record, when, on which device.

    Hash-chained (see :mod:`dlso_desktop.storage.audit`): ``hash`` is SHA-256 over the entry and
    ``prev_hash``, the previous entry's ``hash``. Triggers refuse UPDATE and DELETE (migration 0005); seq
    numbers are never reused (AUTOINCREMENT), so a deleted last entry leaves a gap. Written only by the unit
    of work, which numbers and chains the entries (the empty default only keeps an entry inserted around it
    visible to :func:`~dlso_desktop.storage.audit.verify` as not matching its hash).
    """

    __tablename__ = "audit_entry"
    __table_args__: ClassVar[Any] = {"sqlite_autoincrement": True}
    seq: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    at: str
    user_id: str | None = None
    device_id: str
    action: str  # create / update / delete / supersede / import / ...
    table_name: str
    row_id: str
    summary: str = ""
    prev_hash: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    hash: str = Field(default="", sa_column_kwargs={"server_default": text("''")})


# ---------------------------------------------------------------------------------------------------------
# Sync registry


@dataclass(frozen=True, slots=True)
class SyncSpec:
    kind: str  # "master", "event" or "catalogue"
    local_fields: frozenset[str] = frozenset()  # never sent (derived or secret)


#: What travels. Fields not listed as local travel, except the row-metadata fields handled by the protocol.
SYNC_REGISTRY: dict[str, SyncSpec] = {
    "app_user": SyncSpec("master", frozenset({"pin_hash"})),
    "village": SyncSpec("master", frozenset({"sort_key"})),
    "household": SyncSpec("master", frozenset({"sort_key", "search_rowid"})),
    "person": SyncSpec("master", frozenset({"sort_key", "search_rowid"})),
    "training_session": SyncSpec("master"),
    "visit": SyncSpec("event"),
    "visit_finding": SyncSpec("event"),
    "visit_action": SyncSpec("event"),
    "consent": SyncSpec("event"),
    "attendance": SyncSpec("event"),
    "assisted_submission": SyncSpec("event"),
    "submission_status": SyncSpec("event"),
    "certificate": SyncSpec("event"),
    "certificate_revocation": SyncSpec("event"),
    "commune": SyncSpec("catalogue"),
    "course": SyncSpec("catalogue"),
    "course_module": SyncSpec("catalogue"),
    "procedure": SyncSpec("catalogue"),
}

#: Row metadata managed by the storage layer, not by the changes a user makes.
ROW_META_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "commune_code",
        "created_at",
        "created_by",
        "created_device",
        "updated_at",
        "updated_by",
        "updated_device",
        "version",
    }
)

TABLES: dict[str, type[SQLModel]] = {
    m.__tablename__: m
    for m in (
        Commune,
        Course,
        CourseModule,
        Procedure,
        AppUser,
        Village,
        Household,
        Person,
        TrainingSession,
        Visit,
        VisitFinding,
        VisitAction,
        Consent,
        Attendance,
        AssistedSubmission,
        SubmissionStatusChange,
        Certificate,
        CertificateRevocation,
    )
}
