"""Events: household visits (with findings, actions, follow-ups and consent), training sessions with their
attendance and results, and assisted online submissions with their status changes.

Events are insert-only. A correction is a new row that supersedes the old one (``supersedes_id``); lists
show only rows nobody supersedes. They can only ever duplicate on sync, never conflict.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dlso_desktop.models import (
    DIGITAL_STATUS_FIELDS,
    SUBMISSION_STATUS_RANK,
    ActionKind,
    AssessmentResult,
    ConsentScope,
    Portal,
    SubmissionStatus,
    VNeIDLevel,
)
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.people import _household, _person
from dlso_desktop.services.views import (
    ActionView,
    AttendanceView,
    CourseView,
    FindingView,
    ProcedureView,
    SessionView,
    SubmissionView,
    VisitView,
)
from dlso_desktop.storage.uow import UnitOfWork
from dlso_desktop.text import clean_text
from dlso_desktop.validation import ValidationError, require_text, validate_not_future

#: The consent text version the app shows; bump it when the text changes.
CONSENT_TEXT_VERSION = "2026-01"


# ---------------------------------------------------------------------------------------------------------
# Visits


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
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            visit = uow.get("visit", visit_id)
            if visit is None or visit["deleted"] or visit["commune_code"] != uow.commune_code:
                raise not_found("visit_id", "lượt thăm", "Visit")
            uow.delete("visit", visit)
            uow.commit()

    def history(self, household_id: str, *, only: str | None = None) -> list[VisitView]:
        """A household's visits, newest first, corrections shown instead of what they supersede."""
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


# ---------------------------------------------------------------------------------------------------------
# Training


@dataclass(slots=True)
class SessionInput:
    course_id: str
    session_date: date
    place: str
    trainer_name: str
    village_id: str | None = None
    notes: str = ""


class TrainingService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def courses(self) -> list[CourseView]:
        with self.ctx.db.reader() as conn:
            courses = conn.exec_driver_sql(
                "SELECT id, code, name, hours FROM course WHERE active = 1 ORDER BY code"
            ).all()
            out = []
            for c in courses:
                mods = conn.exec_driver_sql(
                    "SELECT name FROM course_module WHERE course_id = ? ORDER BY position", (c[0],)
                ).all()
                out.append(CourseView(c[0], c[1], c[2], c[3], tuple(m[0] for m in mods)))
        return out

    def _values(self, inp: SessionInput, errors: Errors) -> dict[str, Any]:
        place = errors.check(lambda: require_text(inp.place, field="place", label_vi="địa điểm", label_en="place"))
        trainer = errors.check(
            lambda: require_text(
                inp.trainer_name, field="trainer_name", label_vi="tên người hướng dẫn", label_en="trainer"
            )
        )
        return {
            "course_id": inp.course_id,
            "session_date": inp.session_date,
            "place": place,
            "trainer_name": trainer,
            "village_id": inp.village_id,
            "notes": clean_text(inp.notes),
        }

    def _check_refs(self, uow: UnitOfWork, values: dict[str, Any]) -> None:
        if (
            uow.conn.exec_driver_sql("SELECT 1 FROM course WHERE id = ? AND active = 1", (values["course_id"],)).first()
            is None
        ):
            raise not_found("course_id", "khóa học", "Course")
        if values["village_id"] is not None:
            v = uow.get("village", values["village_id"])
            if v is None or v["deleted"] or v["commune_code"] != uow.commune_code:
                raise not_found("village_id", "thôn/buôn/tổ dân phố", "Village")

    def create_session(self, inp: SessionInput) -> SessionView:
        errors = Errors()
        values = self._values(inp, errors)
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._check_refs(uow, values)
            row = uow.insert(
                "training_session", {**values, "trainer_user_id": self.ctx.user_id}, summary=values["place"]
            )
            uow.commit()
        return self.get_session(row["id"])

    def update_session(self, session_id: str, inp: SessionInput) -> SessionView:
        errors = Errors()
        values = self._values(inp, errors)
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            current = self._session(uow, session_id)
            self._check_refs(uow, values)
            uow.update("training_session", current, values)
            uow.commit()
        return self.get_session(session_id)

    def delete_session(self, session_id: str) -> None:
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            uow.delete("training_session", self._session(uow, session_id))
            uow.commit()

    def _session(self, uow: UnitOfWork, session_id: str) -> dict[str, Any]:
        row = uow.get("training_session", session_id)
        if row is None or row["deleted"] or row["commune_code"] != uow.commune_code:
            raise not_found("session_id", "buổi học", "Training session")
        return row

    def sessions(self, *, since: date | None = None, limit: int = 200) -> list[SessionView]:
        with self.ctx.db.reader() as conn:
            ids = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT id FROM training_session WHERE deleted = 0 AND session_date >= ?"
                    " ORDER BY session_date DESC LIMIT ?",
                    ((since or date.min).isoformat(), limit),
                )
            ]
        return [self.get_session(i) for i in ids]

    def get_session(self, session_id: str) -> SessionView:
        with self.ctx.db.reader() as conn:
            s = (
                conn.exec_driver_sql(
                    "SELECT s.*, c.name AS course_name FROM training_session s JOIN course c ON c.id = s.course_id"
                    " WHERE s.id = ? AND s.deleted = 0",
                    (session_id,),
                )
                .mappings()
                .first()
            )
            if s is None:
                raise not_found("session_id", "buổi học", "Training session")
            roster = _current_attendance(conn, session_id)
        return SessionView(
            s["id"],
            s["course_id"],
            s["course_name"],
            date.fromisoformat(s["session_date"]),
            s["place"],
            s["trainer_name"],
            s["village_id"],
            s["notes"],
            sum(1 for a in roster if a.present),
            sum(1 for a in roster if a.result == AssessmentResult.PASSED.value),
            s["version"],
        )

    def roster(self, session_id: str) -> list[AttendanceView]:
        with self.ctx.db.reader() as conn:
            return _current_attendance(conn, session_id)

    def record_attendance(
        self, session_id: str, person_ids: Sequence[str], *, present: bool = True, result: str | None = None
    ) -> list[AttendanceView]:
        """Add people to the roster or change their attendance/result (a new event superseding the last)."""
        if result is not None and result not in {r.value for r in AssessmentResult}:
            raise invalid_choice("result", "kết quả", "result", result)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._session(uow, session_id)
            for pid in person_ids:
                _person(uow, pid)
                last = uow.conn.exec_driver_sql(
                    "SELECT id, present, result FROM attendance a WHERE session_id = ? AND person_id = ?"
                    " AND deleted = 0 AND NOT EXISTS (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id)",
                    (session_id, pid),
                ).first()
                if last is not None and bool(last[1]) == present and last[2] == result:
                    continue  # nothing changes: no new event
                uow.insert(
                    "attendance",
                    {
                        "session_id": session_id,
                        "person_id": pid,
                        "present": present,
                        "result": result,
                        "assessed_by": self.ctx.user_id if result else None,
                        "supersedes_id": last[0] if last else None,
                    },
                    action="supersede" if last else "create",
                )
            uow.commit()
        return self.roster(session_id)

    def remove_from_roster(self, session_id: str, person_id: str) -> list[AttendanceView]:
        """Take a person off the roster (tombstones their current attendance event)."""
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._session(uow, session_id)
            ids = [
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM attendance a WHERE session_id = ? AND person_id = ? AND deleted = 0 AND NOT EXISTS"
                    " (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id AND s.deleted = 0)",
                    (session_id, person_id),
                )
            ]
            if not ids:
                raise not_found("person_id", "người này trong danh sách lớp", "Person on this roster")
            for row in uow.get_many("attendance", ids).values():
                uow.delete("attendance", row)
            uow.commit()
        return self.roster(session_id)


def _current_attendance(conn: Any, session_id: str) -> list[AttendanceView]:
    rows = conn.exec_driver_sql(
        "SELECT a.id, a.session_id, a.person_id, p.full_name, a.present, a.result FROM attendance a"
        " JOIN person p ON p.id = a.person_id WHERE a.session_id = ? AND a.deleted = 0 AND NOT EXISTS"
        " (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id AND s.deleted = 0) ORDER BY p.sort_key",
        (session_id,),
    ).all()
    return [AttendanceView(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Assisted online submissions


@dataclass(slots=True)
class SubmissionInput:
    procedure_id: str
    person_id: str
    submitted_on: date
    portal: str = Portal.NATIONAL.value
    dossier_code: str = ""
    full_online: bool = False
    fee_paid_online: bool | None = None
    minutes_spent: int | None = None
    status: str = SubmissionStatus.PREPARED.value
    notes: str = ""


class SubmissionService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def procedures(self) -> list[ProcedureView]:
        with self.ctx.db.reader() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, code, name, field, full_online_available FROM procedure WHERE active = 1"
                " ORDER BY field, name"
            ).all()
        return [ProcedureView(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def record(self, inp: SubmissionInput, *, supersedes_id: str | None = None) -> SubmissionView:
        errors = Errors()
        errors.check(lambda: validate_not_future(inp.submitted_on, today=self.ctx.today(), field="submitted_on"))
        if inp.portal not in {p.value for p in Portal}:
            errors.add(invalid_choice("portal", "cổng dịch vụ", "portal", inp.portal))
        if inp.status not in {s.value for s in SubmissionStatus}:
            errors.add(invalid_choice("status", "trạng thái", "status", inp.status))
        if inp.minutes_spent is not None and not 0 <= inp.minutes_spent <= 24 * 60:
            errors.add(invalid_choice("minutes_spent", "thời gian (phút)", "minutes", inp.minutes_spent))
        dossier = clean_text(inp.dossier_code).upper()
        if len(dossier) > 40:
            errors.add(invalid_choice("dossier_code", "mã hồ sơ", "dossier code", dossier))
        errors.raise_if_any()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            _person(uow, inp.person_id)
            if uow.conn.exec_driver_sql("SELECT 1 FROM procedure WHERE id = ?", (inp.procedure_id,)).first() is None:
                raise not_found("procedure_id", "thủ tục", "Procedure")
            if supersedes_id is not None and uow.get("assisted_submission", supersedes_id) is None:
                raise not_found("supersedes_id", "hồ sơ cần sửa", "Submission to correct")
            row = uow.insert(
                "assisted_submission",
                {
                    "procedure_id": inp.procedure_id,
                    "person_id": inp.person_id,
                    "portal": inp.portal,
                    "dossier_code": dossier,
                    "full_online": inp.full_online,
                    "fee_paid_online": inp.fee_paid_online,
                    "minutes_spent": inp.minutes_spent,
                    "assisted_by": self.ctx.user_id,
                    "submitted_on": inp.submitted_on,
                    "notes": clean_text(inp.notes),
                    "supersedes_id": supersedes_id,
                },
                action="supersede" if supersedes_id else "create",
            )
            uow.insert("submission_status", {"submission_id": row["id"], "status": inp.status, "changed_at": uow.now})
            uow.commit()
        return self.get(row["id"])

    def change_status(self, submission_id: str, status: str, note: str = "") -> SubmissionView:
        if status not in {s.value for s in SubmissionStatus}:
            raise invalid_choice("status", "trạng thái", "status", status)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            sub = uow.get("assisted_submission", submission_id)
            if sub is None or sub["deleted"] or sub["commune_code"] != uow.commune_code:
                raise not_found("submission_id", "hồ sơ", "Submission")
            uow.insert(
                "submission_status",
                {"submission_id": submission_id, "status": status, "changed_at": uow.now, "note": clean_text(note)},
            )
            uow.commit()
        return self.get(submission_id)

    def delete(self, submission_id: str) -> None:
        """Tombstone a submission recorded by mistake."""
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            sub = uow.get("assisted_submission", submission_id)
            if sub is None or sub["deleted"] or sub["commune_code"] != uow.commune_code:
                raise not_found("submission_id", "hồ sơ", "Submission")
            uow.delete("assisted_submission", sub)
            uow.commit()

    def get(self, submission_id: str) -> SubmissionView:
        found = self._query("s.id = ?", (submission_id,), 1)
        if not found:
            raise not_found("submission_id", "hồ sơ", "Submission")
        return found[0]

    def find(
        self, *, status: str | None = None, since: date | None = None, until: date | None = None, limit: int = 500
    ) -> list[SubmissionView]:
        where = ["s.deleted = 0", "NOT EXISTS (SELECT 1 FROM assisted_submission x WHERE x.supersedes_id = s.id)"]
        params: list[Any] = []
        if since:
            where.append("s.submitted_on >= ?")
            params.append(since.isoformat())
        if until:
            where.append("s.submitted_on <= ?")
            params.append(until.isoformat())
        rows = self._query(" AND ".join(where), tuple(params), limit if status is None else limit * 4)
        if status is not None:
            rows = [r for r in rows if r.status == status][:limit]
        return rows

    def _query(self, where: str, params: tuple[Any, ...], limit: int) -> list[SubmissionView]:
        with self.ctx.db.reader() as conn:
            rows = (
                conn.exec_driver_sql(
                    "SELECT s.*, p.full_name, pr.name AS procedure_name FROM assisted_submission s"
                    " JOIN person p ON p.id = s.person_id JOIN procedure pr ON pr.id = s.procedure_id"
                    f" WHERE {where} ORDER BY s.submitted_on DESC, s.id DESC LIMIT ?",
                    (*params, limit),
                )
                .mappings()
                .all()
            )
            out = []
            for r in rows:
                # the current status: the furthest along the lifecycle (never the latest clock)
                chain = [r["id"]]
                prev = r["supersedes_id"]
                while prev:
                    chain.append(prev)
                    nxt = conn.exec_driver_sql(
                        "SELECT supersedes_id FROM assisted_submission WHERE id = ?", (prev,)
                    ).first()
                    prev = nxt[0] if nxt else None
                marks = ",".join("?" * len(chain))
                statuses = [
                    s[0]
                    for s in conn.exec_driver_sql(
                        f"SELECT status FROM submission_status WHERE submission_id IN ({marks}) AND deleted = 0",
                        tuple(chain),
                    )
                ]
                current = max(
                    statuses,
                    key=lambda s: SUBMISSION_STATUS_RANK[SubmissionStatus(s)],
                    default=SubmissionStatus.PREPARED.value,
                )
                out.append(
                    SubmissionView(
                        r["id"],
                        r["procedure_id"],
                        r["procedure_name"],
                        r["person_id"],
                        r["full_name"],
                        r["portal"],
                        r["dossier_code"],
                        bool(r["full_online"]),
                        None if r["fee_paid_online"] is None else bool(r["fee_paid_online"]),
                        r["minutes_spent"],
                        date.fromisoformat(r["submitted_on"]),
                        current,
                        r["notes"],
                        r["supersedes_id"],
                    )
                )
        return out
