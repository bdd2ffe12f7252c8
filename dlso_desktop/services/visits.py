"""Household visits: findings (which update each person's digital status), actions, follow-ups, consent.

Visits are events: insert-only; a correction is a new visit that supersedes the old one.

A visit records the household's explicit consent as one consent row (scope basic, ``visit_id`` and
``household_id`` set, ``person_id`` the member who answered, if known). It counts as the basic consent of
every member of the household: :class:`~dlso_desktop.services.consent.ConsentService` reads it per person
(``from_household_visit``). Consent to sensitive data (the ethnic group) is the person's own, given on the
household form or through ``ConsentService.record``, never at a visit."""

from dataclasses import dataclass, field
from datetime import datetime

from dlso_desktop.models import (
    DIGITAL_STATUS_FIELDS,
    ActionKind,
    ConsentScope,
    Role,
    VNeIDLevel,
)
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.consent import CONSENT_TEXT_VERSION
from dlso_desktop.services.people import _household
from dlso_desktop.services.views import (
    ActionView,
    FindingView,
    VisitView,
)
from dlso_desktop.text import clean_text
from dlso_desktop.validation import ValidationError, validate_not_future

__all__ = ["CONSENT_TEXT_VERSION", "ActionInput", "ConsentInput", "FindingInput", "VisitInput", "VisitService"]


@dataclass(slots=True)
class FindingInput:
    person_id: str
    vneid_level: str | None = None
    skills_confirmed: bool | None = None
    has_smartphone: bool | None = None
    has_bank_account: bool | None = None
    has_public_service_account: bool | None = None
    has_digital_signature: bool | None = None
    has_daklak_app: bool | None = None


@dataclass(slots=True)
class ActionInput:
    kind: str  # ActionKind
    code: str
    person_id: str | None = None
    note: str = ""


@dataclass(slots=True)
class ConsentInput:
    """Explicit consent: the app never pre-ticks it; ``given`` must be set by the person's answer."""

    given: bool
    text_version: str = CONSENT_TEXT_VERSION
    method: str = "verbal"
    scope: str = ConsentScope.BASIC.value
    person_id: str | None = None


@dataclass(slots=True)
class VisitInput:
    household_id: str
    visited_at: datetime | None = None  # None: now
    visitor_name: str = ""
    notes: str = ""
    findings: list[FindingInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)
    consent: ConsentInput | None = None


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.astimezone()
    from datetime import UTC

    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class VisitService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def record(self, inp: VisitInput, *, supersedes_id: str | None = None) -> VisitView:
        """Save a visit, its findings (which also update each person's digital status), actions, consent."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="ghi lượt thăm hộ", what_en="record visits")
        errors = Errors()
        visited = inp.visited_at
        if visited is not None:
            errors.check(lambda: validate_not_future(visited, today=self.ctx.today(), field="visited_at"))
        if inp.consent is None or not inp.consent.given:
            errors.add(
                ValidationError(
                    field="consent",
                    code="consent.required",
                    message_vi="Cần có sự đồng ý rõ ràng của người dân trước khi lưu thông tin lượt thăm.",
                    message_en="The household's explicit consent is needed before the visit is saved.",
                )
            )
        elif inp.consent.scope != ConsentScope.BASIC.value:
            errors.add(
                ValidationError(
                    field="consent",
                    code="consent.scope",
                    message_vi="Lượt thăm chỉ ghi sự đồng ý cơ bản của hộ; đồng ý cung cấp dân tộc do từng người"
                    " tự cho trong hồ sơ của họ.",
                    message_en="A visit records the household's basic consent only; consent to give the ethnic"
                    " group is each person's own, given on their record.",
                )
            )
        for i, f in enumerate(inp.findings):
            if f.vneid_level is not None and f.vneid_level not in {v.value for v in VNeIDLevel}:
                errors.add(invalid_choice(f"findings.{i}.vneid_level", "mức VNeID", "VNeID level", f.vneid_level))
        for i, a in enumerate(inp.actions):
            if a.kind not in {k.value for k in ActionKind}:
                errors.add(invalid_choice(f"actions.{i}.kind", "loại việc", "action kind", a.kind))
            if not a.code.strip():
                errors.add(invalid_choice(f"actions.{i}.code", "việc đã làm", "action", a.code))
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            hh = _household(uow, inp.household_id)
            members = {
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM person WHERE household_id = ? AND deleted = 0", (hh["id"],)
                )
            }
            for f in inp.findings:
                if f.person_id not in members:
                    raise not_found("findings.person_id", "thành viên này trong hộ", "Member of this household")
            if inp.consent is not None and inp.consent.person_id is not None and inp.consent.person_id not in members:
                raise not_found("consent", "người trả lời trong hộ", "Member of this household who answered")
            if supersedes_id is not None:
                old = uow.get("visit", supersedes_id)
                if old is None or old["household_id"] != hh["id"]:
                    raise not_found("supersedes_id", "lượt thăm cần sửa", "Visit to correct")
            visited_at = _iso(inp.visited_at) if inp.visited_at else uow.now
            visit = uow.insert(
                "visit",
                {
                    "household_id": hh["id"],
                    "visited_at": visited_at,
                    "visitor_user_id": self.ctx.user_id,
                    "visitor_name": clean_text(inp.visitor_name),
                    "notes": clean_text(inp.notes),
                    "supersedes_id": supersedes_id,
                },
                action="supersede" if supersedes_id else "create",
            )
            current = uow.get_many("person", [f.person_id for f in inp.findings])
            for f in inp.findings:
                status = {k: getattr(f, k) for k in DIGITAL_STATUS_FIELDS}
                uow.insert("visit_finding", {"visit_id": visit["id"], "person_id": f.person_id, **status})
                known = {k: v for k, v in status.items() if v is not None}
                if known:
                    uow.update("person", current[f.person_id], known, summary="visit finding")
            for a in inp.actions:
                uow.insert(
                    "visit_action",
                    {
                        "visit_id": visit["id"],
                        "person_id": a.person_id,
                        "kind": a.kind,
                        "code": a.code.strip(),
                        "note": clean_text(a.note),
                    },
                )
            assert inp.consent is not None
            uow.insert(
                "consent",
                {
                    "household_id": hh["id"],
                    "person_id": inp.consent.person_id,
                    "visit_id": visit["id"],
                    "scope": inp.consent.scope,
                    "granted": True,
                    "text_version": inp.consent.text_version,
                    "method": inp.consent.method,
                    "given_at": uow.now,
                    "collected_by": self.ctx.user_id,
                },
            )
            uow.commit()
        return self.history(inp.household_id, only=visit["id"])[0]

    def delete(self, visit_id: str) -> None:
        """Tombstone a visit recorded by mistake (e.g. for the wrong household); it leaves the history.

        Digital-status values the visit copied onto persons stay: they are the persons' own fields now and
        are corrected on the person's form or by the next visit."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="xoá lượt thăm", what_en="delete visits")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            visit = uow.get("visit", visit_id)
            if visit is None or visit["deleted"] or visit["commune_code"] != uow.commune_code:
                raise not_found("visit_id", "lượt thăm", "Visit")
            uow.delete("visit", visit)
            uow.commit()

    def history(self, household_id: str, *, only: str | None = None) -> list[VisitView]:
        """A household's visits, newest first, corrections shown instead of what they supersede."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            visits = (
                conn.exec_driver_sql(
                    "SELECT * FROM visit v WHERE household_id = ? AND deleted = 0 AND NOT EXISTS"
                    " (SELECT 1 FROM visit s WHERE s.supersedes_id = v.id AND s.deleted = 0)"
                    + (" AND id = ?" if only else "")
                    + " ORDER BY visited_at DESC, id DESC",
                    (household_id, only) if only else (household_id,),
                )
                .mappings()
                .all()
            )
            out = []
            for v in visits:
                findings = (
                    conn.exec_driver_sql(
                        "SELECT f.*, p.full_name FROM visit_finding f JOIN person p ON p.id = f.person_id"
                        " WHERE f.visit_id = ? ORDER BY p.sort_key",
                        (v["id"],),
                    )
                    .mappings()
                    .all()
                )
                actions = conn.exec_driver_sql(
                    "SELECT kind, code, person_id, note FROM visit_action WHERE visit_id = ? ORDER BY id", (v["id"],)
                ).all()
                consent = conn.exec_driver_sql(
                    "SELECT text_version FROM consent WHERE visit_id = ? AND granted = 1", (v["id"],)
                ).first()
                out.append(
                    VisitView(
                        v["id"],
                        v["household_id"],
                        v["visited_at"],
                        v["visitor_name"],
                        v["notes"],
                        v["supersedes_id"],
                        tuple(
                            FindingView(
                                f["person_id"],
                                f["full_name"],
                                f["vneid_level"],
                                *(None if f[k] is None else bool(f[k]) for k in DIGITAL_STATUS_FIELDS[1:]),
                            )
                            for f in findings
                        ),
                        tuple(ActionView(*a) for a in actions),
                        consent[0] if consent else None,
                    )
                )
        return out
