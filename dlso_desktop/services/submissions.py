"""Assisted online submissions and their status changes (events: insert-only, corrections supersede)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from dlso_desktop.models import (
    SUBMISSION_STATUS_RANK,
    Portal,
    Role,
    SubmissionStatus,
)
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.people import _person
from dlso_desktop.services.views import (
    ProcedureView,
    SubmissionView,
)
from dlso_desktop.text import clean_text
from dlso_desktop.validation import validate_not_future


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
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, code, name, field, full_online_available FROM procedure WHERE active = 1"
                " ORDER BY field, name"
            ).all()
        return [ProcedureView(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def record(self, inp: SubmissionInput, *, supersedes_id: str | None = None) -> SubmissionView:
        self.ctx.require(
            Role.TEAM_MEMBER, what_vi="ghi hồ sơ dịch vụ công được hỗ trợ", what_en="record assisted submissions"
        )
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
        self.ctx.require(Role.TEAM_MEMBER, what_vi="cập nhật trạng thái hồ sơ", what_en="update submissions")
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
        self.ctx.require(Role.TEAM_MEMBER, what_vi="xoá hồ sơ", what_en="delete submissions")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            sub = uow.get("assisted_submission", submission_id)
            if sub is None or sub["deleted"] or sub["commune_code"] != uow.commune_code:
                raise not_found("submission_id", "hồ sơ", "Submission")
            uow.delete("assisted_submission", sub)
            uow.commit()

    def get(self, submission_id: str) -> SubmissionView:
        self.ctx.require_reader()
        found = self._query("s.id = ?", (submission_id,), 1)
        if not found:
            raise not_found("submission_id", "hồ sơ", "Submission")
        return found[0]

    def find(
        self, *, status: str | None = None, since: date | None = None, until: date | None = None, limit: int = 500
    ) -> list[SubmissionView]:
        """The newest current submissions (corrections replace what they correct), optionally only those whose
        current status is ``status``: the filter is applied in SQL before the limit, so none is ever missed."""
        self.ctx.require_reader()
        where = ["s.deleted = 0", "NOT EXISTS (SELECT 1 FROM assisted_submission x WHERE x.supersedes_id = s.id)"]
        params: list[Any] = []
        if since:
            where.append("s.submitted_on >= ?")
            params.append(since.isoformat())
        if until:
            where.append("s.submitted_on <= ?")
            params.append(until.isoformat())
        return self._query(" AND ".join(where), tuple(params), limit, status=status)

    def _query(
        self, where: str, params: tuple[Any, ...], limit: int, *, status: str | None = None
    ) -> list[SubmissionView]:
        """The submissions matching ``where`` (on ``s``), newest first, each with its current status: the one
        furthest along the lifecycle over the whole correction chain (never the latest clock).

        Without a status filter only the newest ``limit`` rows get their status computed; with one, every
        matching row does (in SQL), then the filter, then the limit."""
        order = "ORDER BY s.submitted_on DESC, s.id DESC"
        having_params: tuple[Any, ...]
        if status is None:
            pick = f"SELECT s.id FROM assisted_submission s WHERE {where} {order} LIMIT ?"
            pick_params: tuple[Any, ...] = (*params, limit)
            having, having_params = "", ()
        else:
            pick = f"SELECT s.id FROM assisted_submission s WHERE {where}"
            pick_params = params
            having, having_params = "WHERE cur.status = ?", (status,)
        sql = (
            "WITH RECURSIVE pick(id) AS (" + pick + "),"
            " chain(head, id) AS (SELECT id, id FROM pick UNION SELECT c.head, a.supersedes_id FROM chain c"
            " JOIN assisted_submission a ON a.id = c.id WHERE a.supersedes_id IS NOT NULL),"
            f" cur(id, status) AS (SELECT c.head, {_STATUS_OF_KEY.format(key=f'max({_KEY_OF_STATUS})')}"
            " FROM chain c LEFT JOIN submission_status st ON st.submission_id = c.id AND st.deleted = 0"
            " GROUP BY c.head)"
            " SELECT s.*, p.full_name, pr.name AS procedure_name, cur.status AS current_status"
            " FROM cur JOIN assisted_submission s ON s.id = cur.id"
            " JOIN person p ON p.id = s.person_id JOIN procedure pr ON pr.id = s.procedure_id"
            f" {having} {order} LIMIT ?"
        )
        with self.ctx.db.reader() as conn:
            rows = conn.exec_driver_sql(sql, (*pick_params, *having_params, limit)).mappings().all()
        return [
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
                r["current_status"],
                r["notes"],
                r["supersedes_id"],
            )
            for r in rows
        ]


def _status_keys() -> dict[str, int]:
    """Each status's sort key: its lifecycle rank first; statuses of the same rank (completed / rejected) are
    ordered as ``SubmissionStatus`` lists them, so the current status is always the same one."""
    order = list(SubmissionStatus)
    return {s.value: SUBMISSION_STATUS_RANK[s] * len(order) + order.index(s) for s in order}


_KEYS = _status_keys()
#: SQL: the key of ``st.status`` (NULL when there is no status row)
_KEY_OF_STATUS = "CASE st.status " + " ".join(f"WHEN '{s}' THEN {k}" for s, k in _KEYS.items()) + " END"
#: SQL: the status of the key ``{key}`` (no status row at all: prepared)
_STATUS_OF_KEY = (
    "CASE {key} "
    + " ".join(f"WHEN {k} THEN '{s}'" for s, k in _KEYS.items())
    + f" ELSE '{SubmissionStatus.PREPARED.value}' END"
)
