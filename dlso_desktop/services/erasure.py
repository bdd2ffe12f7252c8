"""Withdrawing consent and erasing a person's data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): one flow, for the
commune operator.

:meth:`ErasureService.erase` is one unit of work: consent withdrawn (a ``granted`` false consent row for every
scope), the person's certificates revoked (reason "erased"), the person's personal fields and the personal
free text linked to them blanked (the rules: :mod:`sync.erasure`, shared with the server), the person marked
erased (``erased_at``: found by no search), the unsent outbox ops, the acknowledged ones kept for a server
restore, the local conflict copies and the form drafts that hold the data scrubbed or removed, and one
``erase`` outbox op that tells the server (and through it every other laptop) to do the same. The blanking
itself writes no ``update`` op: those would carry the erased values as their old values.

What remains are ids, dates, villages, courses, results, statuses and yes/no answers: every count per
village, course and status stays the same. Audit entries name records by id and never held the data.

:func:`apply_pulled` is the same erasure for a laptop that learns of it through a pull (``sync.local``).
Local backups made before the erasure still hold the person until someone deletes them (nothing rotates them;
docs/DATA_MODEL.md, "Erasure").
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import Connection

from dlso_desktop.models import ConsentScope, Role
from dlso_desktop.services.base import Context, invalid_choice, not_found
from dlso_desktop.storage.uow import UnitOfWork, dumps
from dlso_desktop.validation import ValidationError
from sync import erasure as E
from sync.fields import canonical
from sync.protocol import CONFLICT_TABLE


class ErasurePreview(NamedTuple):
    """What an erasure of one person changes, and the anonymous counts that remain."""

    person_id: str
    full_name: str
    #: the person heads their household: its head name and phone are blanked too
    is_head: bool
    #: the person is the only member of their household: its address is blanked too
    household_alone: bool
    #: visits whose notes are blanked
    visit_notes: int
    #: certificates revoked now (reason "erased") and certificates whose stored copy is blanked
    certificates_to_revoke: int
    certificates: int
    #: unsaved form drafts removed
    drafts: int
    #: anonymous counts that remain (the rows stay, without the person's data)
    visits: int
    attendances: int
    submissions: int
    consents: int


class ErasureResult(NamedTuple):
    person_id: str
    erased_at: str
    #: records changed (the person included)
    records: int
    certificates_revoked: int
    drafts_removed: int


def _ids(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(r["id"]) for r in rows]


def _rows(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def _in(conn: Connection, sql: str, ids: list[str]) -> list[dict[str, Any]]:
    """``sql`` with ``{marks}`` for an ``IN`` list, run per 500 ids."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out.extend(_rows(conn, sql.format(marks=",".join("?" * len(chunk))), tuple(chunk)))
    return out


def gather(uow: UnitOfWork, person: dict[str, Any]) -> E.Related:
    """The person's live records on this laptop (read in the unit's transaction)."""
    uow.flush()
    conn = uow.conn
    pid = str(person["id"])
    related = E.Related(person=person)
    hh_id = person.get("household_id")
    if hh_id:
        related.household = uow.get("household", str(hh_id))
        related.other_members = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM person WHERE household_id = ? AND deleted = 0 AND id != ?", (hh_id, pid)
            ).scalar_one()
        )
        related.visits = _rows(conn, "SELECT * FROM visit WHERE household_id = ? AND deleted = 0", (hh_id,))
        related.subjects = E.subjects_of(_pairs(conn, _ids(related.visits)))
    related.actions = _rows(conn, "SELECT * FROM visit_action WHERE person_id = ? AND deleted = 0", (pid,))
    related.submissions = _rows(conn, "SELECT * FROM assisted_submission WHERE person_id = ? AND deleted = 0", (pid,))
    related.statuses = _in(
        conn,
        "SELECT * FROM submission_status WHERE deleted = 0 AND submission_id IN ({marks})",
        _ids(related.submissions),
    )
    related.certificates = _rows(conn, "SELECT * FROM certificate WHERE person_id = ? AND deleted = 0", (pid,))
    related.revocations = _in(
        conn,
        "SELECT * FROM certificate_revocation WHERE deleted = 0 AND certificate_id IN ({marks})",
        _ids(related.certificates),
    )
    return related


def _pairs(conn: Connection, visit_ids: list[str]) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    for table in ("visit_finding", "visit_action"):
        for start in range(0, len(visit_ids), 500):
            chunk = visit_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(
                (r[0], r[1])
                for r in conn.exec_driver_sql(
                    f"SELECT visit_id, person_id FROM {table} WHERE deleted = 0 AND visit_id IN ({marks})", tuple(chunk)
                )
            )
    return out


def _draft_keys(conn: Connection, persons: Iterable[Mapping[str, Any]], plan: E.Plan) -> list[str]:
    """Drafts that hold the person (``persons``: their row, and before a pull's change): named after one of
    the changed records, or holding their id, name, phone or citizen ID."""
    ids = {row_id for _table, row_id in plan}
    needles: list[str] = []
    for person in persons:
        needles.append(str(person["id"]))
        for name in ("full_name", "phone", "citizen_id"):
            value = person.get(name)
            if value and value != E.PLACEHOLDER:
                needles.append(str(value))
    out = []
    for key, payload in conn.exec_driver_sql("SELECT key, payload FROM draft").all():
        key, payload = str(key), str(payload)
        if any(i in key for i in ids) or any(n in payload for n in needles):
            out.append(key)
            continue
        try:
            decoded = json.dumps(json.loads(payload), ensure_ascii=False)
        except ValueError:
            continue
        if any(n in decoded for n in needles):
            out.append(key)
    return out


def _scrub_local(uow: UnitOfWork, persons: Iterable[Mapping[str, Any]], plan: E.Plan) -> int:
    """Outbox ops (any status), local conflict copies and drafts holding the erased values: scrubbed or
    removed. Returns the number of drafts removed."""
    conn = uow.conn
    uow.flush()
    by_table: dict[str, list[str]] = {}
    for table, row_id in plan:
        by_table.setdefault(table, []).append(row_id)
    for table, ids in by_table.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            ops = conn.exec_driver_sql(
                f"SELECT op_id, row_id, kind, changes FROM outbox WHERE table_name = ? AND row_id IN ({marks})",
                (table, *chunk),
            ).all()
            for op_id, row_id, kind, changes in ops:
                blank = plan[(table, str(row_id))]
                old = json.loads(changes)
                new = E.scrub_changes(str(kind), old, blank)
                if new != old:
                    conn.exec_driver_sql("UPDATE outbox SET changes = ? WHERE op_id = ?", (dumps(new), op_id))
            conflicts = conn.exec_driver_sql(
                "SELECT id, row_id, field, base_value, server_value, incoming_value, resolved_value FROM sync_conflict"
                f" WHERE table_name = ? AND row_id IN ({marks})",
                (table, *chunk),
            ).all()
            for cid, row_id, name, *raw in conflicts:
                # its resolution op, sent or not, holds the values it decided between
                for op_id, changes in conn.exec_driver_sql(
                    "SELECT op_id, changes FROM outbox WHERE table_name = ? AND row_id = ? AND kind = 'resolve'",
                    (CONFLICT_TABLE, cid),
                ).all():
                    old_changes = json.loads(changes)
                    scrubbed = E.scrub_resolution(str(name), old_changes, plan[(table, str(row_id))])
                    if scrubbed != old_changes:
                        conn.exec_driver_sql("UPDATE outbox SET changes = ? WHERE op_id = ?", (dumps(scrubbed), op_id))
                names = ("base_value", "server_value", "incoming_value", "resolved_value")
                values = {k: json.loads(v) for k, v in zip(names, raw, strict=True) if v is not None}
                if E.scrub_conflict(str(name), values, plan[(table, str(row_id))]):
                    conn.exec_driver_sql(
                        "UPDATE sync_conflict SET base_value = ?, server_value = ?, incoming_value = ?,"
                        " resolved_value = ? WHERE id = ?",
                        (
                            canonical(values.get("base_value")),
                            canonical(values.get("server_value")),
                            canonical(values.get("incoming_value")),
                            None if raw[3] is None else canonical(values.get("resolved_value")),
                            cid,
                        ),
                    )
    keys = _draft_keys(conn, persons, plan)
    for key in keys:
        conn.exec_driver_sql("DELETE FROM draft WHERE key = ?", (key,))
    return len(keys)


def _blank(uow: UnitOfWork, related: E.Related, plan: E.Plan) -> int:
    """Write the plan's blank values (no outbox op); returns how many records changed."""
    rows: dict[tuple[str, str], Mapping[str, Any]] = {("person", str(related.person["id"])): dict(related.person)}
    if related.household is not None:
        rows[("household", str(related.household["id"]))] = dict(related.household)
    for table, items in (
        ("visit", related.visits),
        ("visit_action", related.actions),
        ("assisted_submission", related.submissions),
        ("submission_status", related.statuses),
        ("certificate", related.certificates),
        ("certificate_revocation", related.revocations),
    ):
        for r in items:
            rows[(table, str(r["id"]))] = r
    count = 0
    for (table, row_id), blank in plan.items():
        current = rows[(table, row_id)]
        values = E.changed(current, blank)
        if values:
            uow.update(table, current, values, action="erase", summary=", ".join(sorted(values)), outbox=False)
            count += 1
    return count


def _purge_index(uow: UnitOfWork) -> None:
    """Merge the search index so the removed documents' words are gone from its pages, not only marked
    deleted (a contentless FTS5 index keeps them until its segments merge)."""
    for fts in ("fts_person", "fts_person_ids", "fts_household", "fts_household_ids"):
        uow.conn.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")


def apply_pulled(uow: UnitOfWork, person_id: str, before: Mapping[str, Any] | None = None) -> bool:
    """The erasure of a person, learnt from the server (``sync.local.apply_page``, a remote unit of work;
    ``before``: the person's row here before the pulled change): the same blanking on this laptop's rows
    (pending local edits included), its outbox ops, conflicts and drafts scrubbed. No outbox op, no audit entry
    (the change is not this laptop's). True when anything changed."""
    person = uow.get("person", person_id)
    if person is None or not person.get(E.MARKER):
        return False
    related = gather(uow, person)
    plan = E.plan(related, str(person[E.MARKER]))
    changed = _blank(uow, related, plan)
    drafts = _scrub_local(uow, [person] if before is None else [person, before], plan)
    if changed or drafts:
        _purge_index(uow)
    return bool(changed or drafts)


def _already_erased() -> ValidationError:
    return ValidationError(
        field="person_id",
        code="person_id.erased",
        message_vi="Dữ liệu của người này đã được xoá trước đó.",
        message_en="This person's data was already erased.",
    )


class ErasureService:
    """Consent withdrawal and erasure of one person's data (commune operator only)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _require(self) -> None:
        self.ctx.require(
            Role.COMMUNE_OPERATOR,
            what_vi="rút đồng ý và xoá dữ liệu của người dân",
            what_en="withdraw consent and erase a person's data",
        )

    @staticmethod
    def _person(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
        person = uow.get("person", person_id)
        if person is None or person["deleted"]:
            raise not_found("person_id", "người này", "Person")
        if person.get(E.MARKER):
            raise _already_erased()
        return person

    def preview(self, person_id: str) -> ErasurePreview:
        """What :meth:`erase` would change for this person, and the counts that remain (changes nothing)."""
        self._require()
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            try:
                person = self._person(uow, person_id)
                related = gather(uow, person)
                plan = E.plan(related, "")
                conn = uow.conn
                revoked = self._revoked(conn, _ids(related.certificates))
                drafts = len(_draft_keys(conn, [person], plan))

                def count(sql: str) -> int:
                    return int(conn.exec_driver_sql(sql, (person_id,) * sql.count("?")).scalar_one())

                visits = count(
                    "SELECT count(*) FROM (SELECT visit_id FROM visit_finding WHERE person_id = ? AND deleted = 0"
                    " UNION SELECT visit_id FROM visit_action WHERE person_id = ? AND deleted = 0)"
                )
                preview = ErasurePreview(
                    person_id=person_id,
                    full_name=str(person["full_name"]),
                    is_head=person.get("relationship") == "head" and related.household is not None,
                    household_alone=related.household is not None and related.other_members == 0,
                    visit_notes=sum(1 for t, _ in plan if t == "visit"),
                    certificates_to_revoke=len(related.certificates) - len(revoked),
                    certificates=len(related.certificates),
                    drafts=drafts,
                    visits=visits,
                    attendances=count("SELECT count(*) FROM attendance WHERE person_id = ? AND deleted = 0"),
                    submissions=len(related.submissions),
                    consents=count("SELECT count(*) FROM consent WHERE person_id = ? AND deleted = 0"),
                )
            finally:
                uow.rollback()
        return preview

    @staticmethod
    def _revoked(conn: Connection, certificate_ids: list[str]) -> set[str]:
        return {
            str(r["certificate_id"])
            for r in _in(
                conn,
                "SELECT certificate_id FROM certificate_revocation WHERE deleted = 0 AND certificate_id IN ({marks})",
                certificate_ids,
            )
        }

    def erase(self, person_id: str, reason_code: str) -> ErasureResult:
        """Withdraw the person's consent and erase their data, here and (through sync) everywhere."""
        self._require()
        if reason_code not in E.REASONS:
            raise invalid_choice("reason_code", "lý do", "reason", reason_code)
        db = self.ctx.db
        with db.unit_of_work(self.ctx.user_id) as uow:
            person = self._person(uow, person_id)
            conn = uow.conn
            conn.exec_driver_sql("PRAGMA secure_delete = ON")  # overwritten text is zeroed, not left in free space
            try:
                related = gather(uow, person)
                erased_at = uow.now
                plan = E.plan(related, erased_at)
                last = conn.exec_driver_sql(
                    "SELECT text_version FROM consent WHERE person_id = ? AND deleted = 0 ORDER BY given_at DESC"
                    " LIMIT 1",
                    (person_id,),
                ).scalar()
                for scope in ConsentScope:
                    uow.insert(
                        "consent",
                        {
                            "person_id": person_id,
                            "household_id": person.get("household_id"),
                            "scope": scope.value,
                            "granted": False,
                            "text_version": str(last or ""),
                            "method": "erasure",
                            "given_at": erased_at,
                            "collected_by": self.ctx.user_id,
                        },
                        action="withdraw",
                        summary=f"erasure: {reason_code}",
                    )
                revoked = self._revoked(conn, _ids(related.certificates))
                to_revoke = [c for c in related.certificates if str(c["id"]) not in revoked]
                for cert in to_revoke:
                    uow.insert(
                        "certificate_revocation",
                        {"certificate_id": cert["id"], "reason": E.REVOCATION_REASON, "revoked_at": erased_at},
                        action="revoke",
                        summary=f"{cert['number']}: {E.REVOCATION_REASON}",
                    )
                records = _blank(uow, related, plan)
                drafts = _scrub_local(uow, [person], plan)
                uow.queue_op(
                    "person",
                    person_id,
                    "erase",
                    {"reason": reason_code, E.MARKER: erased_at},
                    int(person.get("version") or 0),
                )
                uow.audit("erase", "person", person_id, reason_code)
                uow.flush()
                _purge_index(uow)
                uow.commit()
            finally:
                conn.exec_driver_sql("PRAGMA secure_delete = OFF")
        return ErasureResult(person_id, erased_at, records, len(to_revoke), drafts)
