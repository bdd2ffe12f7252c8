"""Training: the course catalogue, sessions, and the attendance/result events of each roster."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dlso_desktop.models import (
    AssessmentResult,
    Role,
)
from dlso_desktop.services.base import Context, Errors, invalid_choice, not_found
from dlso_desktop.services.people import _person
from dlso_desktop.services.views import (
    AttendanceView,
    CourseView,
    SessionView,
)
from dlso_desktop.storage.uow import UnitOfWork
from dlso_desktop.text import clean_text
from dlso_desktop.validation import require_text

_RESULTS_VI = "ghi kết quả học tập"
_RESULTS_EN = "record training results"


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
        self.ctx.require_reader()
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
        self.ctx.require(Role.TEAM_MEMBER, what_vi="tạo buổi học", what_en="create training sessions")
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
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa buổi học", what_en="change training sessions")
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
        self.ctx.require(Role.TEAM_HEAD, what_vi="xoá buổi học", what_en="delete training sessions")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            uow.delete("training_session", self._session(uow, session_id))
            uow.commit()

    def _session(self, uow: UnitOfWork, session_id: str) -> dict[str, Any]:
        row = uow.get("training_session", session_id)
        if row is None or row["deleted"] or row["commune_code"] != uow.commune_code:
            raise not_found("session_id", "buổi học", "Training session")
        return row

    def sessions(self, *, since: date | None = None, until: date | None = None, limit: int = 200) -> list[SessionView]:
        """The newest ``limit`` sessions dated ``since`` .. ``until`` (both included, either optional)."""
        self.ctx.require_reader()
        where, params = _session_range(since, until)
        with self.ctx.db.reader() as conn:
            ids = [
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT id FROM training_session WHERE {where} ORDER BY session_date DESC, id DESC LIMIT ?",
                    (*params, limit),
                )
            ]
        return [self.get_session(i) for i in ids]

    def count_sessions(self, *, since: date | None = None, until: date | None = None) -> int:
        """How many sessions are dated ``since`` .. ``until`` (so a list of the newest can say it is cut)."""
        self.ctx.require_reader()
        where, params = _session_range(since, until)
        with self.ctx.db.reader() as conn:
            return int(
                conn.exec_driver_sql(f"SELECT count(*) FROM training_session WHERE {where}", params).scalar() or 0
            )

    def get_session(self, session_id: str) -> SessionView:
        self.ctx.require_reader()
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
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            return _current_attendance(conn, session_id)

    def record_attendance(
        self, session_id: str, person_ids: Sequence[str], *, present: bool = True, result: str | None = None
    ) -> list[AttendanceView]:
        """Add people to the roster or change their attendance/result (a new event superseding the last).

        Attendance is any signed-in user's; setting, changing or clearing a result is a team head's."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="điểm danh", what_en="take attendance")
        if result is not None and result not in {r.value for r in AssessmentResult}:
            raise invalid_choice("result", "kết quả", "result", result)
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._session(uow, session_id)
            for pid in person_ids:
                _person(uow, pid)
                last = uow.conn.exec_driver_sql(
                    "SELECT id, present, result, assessed_by FROM attendance a WHERE session_id = ? AND person_id = ?"
                    " AND deleted = 0 AND NOT EXISTS (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id)",
                    (session_id, pid),
                ).first()
                if last is not None and bool(last[1]) == present and last[2] == result:
                    continue  # nothing changes: no new event
                assessed_by = None if last is None else last[3]
                if result != (None if last is None else last[2]):  # setting, changing or clearing a result
                    self.ctx.require(Role.TEAM_HEAD, what_vi=_RESULTS_VI, what_en=_RESULTS_EN)
                    assessed_by = self.ctx.user_id if result else None
                uow.insert(
                    "attendance",
                    {
                        "session_id": session_id,
                        "person_id": pid,
                        "present": present,
                        "result": result,
                        "assessed_by": assessed_by,  # who assessed: unchanged when only attendance changes
                        "supersedes_id": last[0] if last else None,
                    },
                    action="supersede" if last else "create",
                )
            uow.commit()
        return self.roster(session_id)

    def remove_from_roster(self, session_id: str, person_id: str) -> list[AttendanceView]:
        """Take a person off the roster: every attendance event of theirs in the session is tombstoned
        (deleting only the latest would bring the one it superseded back)."""
        self.ctx.require(Role.TEAM_MEMBER, what_vi="sửa danh sách lớp", what_en="change rosters")
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            self._session(uow, session_id)
            ids = [
                r[0]
                for r in uow.conn.exec_driver_sql(
                    "SELECT id FROM attendance WHERE session_id = ? AND person_id = ? AND deleted = 0",
                    (session_id, person_id),
                )
            ]
            if not ids:
                raise not_found("person_id", "người này trong danh sách lớp", "Person on this roster")
            marks = ",".join("?" * len(ids))
            assessed = uow.conn.exec_driver_sql(
                f"SELECT 1 FROM attendance WHERE id IN ({marks}) AND result IS NOT NULL", tuple(ids)
            ).first()
            if assessed is not None:  # their results would go with them
                self.ctx.require(
                    Role.TEAM_HEAD,
                    what_vi="xoá người đã có kết quả học tập khỏi danh sách lớp",
                    what_en="take people with a training result off a roster",
                )
            for row in uow.get_many("attendance", ids).values():
                uow.delete("attendance", row)
            uow.commit()
        return self.roster(session_id)


def _session_range(since: date | None, until: date | None) -> tuple[str, tuple[str, ...]]:
    where, params = ["deleted = 0"], []
    if since is not None:
        where.append("session_date >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("session_date <= ?")
        params.append(until.isoformat())
    return " AND ".join(where), tuple(params)


def _current_attendance(conn: Any, session_id: str) -> list[AttendanceView]:
    rows = conn.exec_driver_sql(
        "SELECT a.id, a.session_id, a.person_id, p.full_name, a.present, a.result FROM attendance a"
        " JOIN person p ON p.id = a.person_id WHERE a.session_id = ? AND a.deleted = 0 AND NOT EXISTS"
        " (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id AND s.deleted = 0) ORDER BY p.sort_key",
        (session_id,),
    ).all()
    return [AttendanceView(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]
