"""The laptop's side of sync, without the network: reading the outbox, recording the server's answers,
applying pulled pages (each with its cursor, in one transaction) and the sync facts kept in ``meta``.

Every function here is one short transaction on the laptop database; the engine (:mod:`sync.engine`) calls
them between network requests, so a crash at any instant leaves the database as it was before or after a
whole step — never a page applied without its cursor, never an answer half-recorded.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.models import Role
from dlso_desktop.storage import schema
from dlso_desktop.storage.store import Database, write_meta
from dlso_desktop.storage.uow import UnitOfWork, dumps
from sync import erasure as E
from sync import fields as F
from sync.protocol import ACKED_OP_RETENTION_DAYS, CONFLICT_TABLE, ChangeLike, Op, OpKind, OpResult, OpStatus

# meta keys
SERVER = "sync.server"
TOKEN = "sync.token"
CURSOR = "sync.cursor"
ENROLLED_AT = "sync.enrolled_at"
COMMUNE_NAME = "sync.commune_name"
LAST_SYNC = "sync.last_sync_at"
LAST_ERROR = "sync.last_error"
#: the server's refusal code of the last round when it failed with one (``unauthorized``: enroll again)
LAST_ERROR_CODE = "sync.last_error_code"
CLOCK_OFFSET = "sync.clock_offset_seconds"
RESET_PENDING = "sync.reset_pending"
#: the highest op id resent because the server had lost it (restore, enrollment again): such ops may wait on
#: the server for records other laptops have not resent yet (docs/SYNC_PROTOCOL.md, guarantee 8)
RESENT_THROUGH = "sync.resent_through"
#: the resent op the server makes wait, as JSON {"op_id", "reason", "since"}
WAITING = "sync.waiting"

#: the reject code of an op dropped because the person's data was erased (sync.erasure)
ERASED_CODE = "erased"


def get_meta(db: Database, key: str) -> str | None:
    with db.reader() as conn:
        row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).first()
    return None if row is None else str(row[0])


_set_meta = write_meta


def set_meta(db: Database, values: Mapping[str, str | None]) -> None:
    with db.writer() as conn:
        _set_meta(conn, values)
    for key, value in values.items():
        if value is None:
            db.meta.pop(key, None)
        else:
            db.meta[key] = value


# ---------------------------------------------------------------------------------------------------------
# Outbox


def pending_ops(db: Database, limit: int) -> list[Op]:
    """The oldest ops not yet answered, in op-id order."""
    with db.reader() as conn:
        rows = conn.exec_driver_sql(
            "SELECT op_id, txn_id, table_name, row_id, kind, changes, base_version, author_id, created_at,"
            " schema_version FROM outbox WHERE status IS NULL ORDER BY op_id LIMIT ?",
            (limit,),
        ).all()
    return [
        Op.model_construct(
            op_id=int(r[0]),
            txn_id=str(r[1]),
            table=str(r[2]),
            row_id=str(r[3]),
            kind=OpKind(r[4]),
            changes=json.loads(r[5]),
            base_version=int(r[6]),
            author_id=r[7],
            created_at=str(r[8]),
            schema_version=int(r[9]),
        )
        for r in rows
    ]


def pending_count(db: Database) -> int:
    with db.reader() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE status IS NULL").scalar_one())


def record_results(db: Database, results: Sequence[OpResult], resend_from: int | None) -> None:
    """Keep the server's answers (one transaction); a ``resend_from`` marks ops from there on as pending."""
    now = utc_now()
    params = []
    erased = []
    for r in results:
        status = r.status
        if status == OpStatus.DUPLICATE and r.original_status is not None:
            status = r.original_status  # the first answer is the one that counts (a rejection keeps its reason)
        params.append((status.value, r.reason, now, r.op_id))
        if status == OpStatus.REJECTED and (r.reason or "").startswith(ERASED_CODE + ":"):
            erased.append((r.op_id,))
    with db.writer() as conn:
        if params:
            conn.exec_driver_sql(
                "UPDATE outbox SET status = ?, status_reason = ?, acked_at = ? WHERE op_id = ?", params
            )
        if erased:
            # dropped because the person's data was erased: the op's values are that data, they go too (the
            # refusal and its reason stay listed)
            conn.exec_driver_sql("UPDATE outbox SET changes = '{}' WHERE op_id = ?", erased)
        if resend_from is not None:
            conn.exec_driver_sql(
                "UPDATE outbox SET status = NULL, status_reason = NULL, acked_at = NULL WHERE op_id >= ?",
                (resend_from,),
            )


def reconcile_with_server(db: Database, server_last_op_id: int) -> str | None:
    """Compare the server's last op from this device with the outbox (SYNC.md guarantee 8).

    * The server holds fewer ops than were acknowledged (it was restored from a backup): the missing ones
      are marked pending again and go out with the next push.
    * The server holds more ops than this laptop ever numbered (the laptop was restored from an old backup):
      pending ops are renumbered after the server's last op, so they are not taken for duplicates.

    Returns a note for the log, or None when both sides agree.
    """
    with db.writer() as conn:
        local_max = int(
            conn.exec_driver_sql(
                "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)"
            ).scalar_one()
        )
        acked_max = conn.exec_driver_sql("SELECT max(op_id) FROM outbox WHERE status IS NOT NULL").scalar_one()
        if acked_max is not None and int(acked_max) > server_last_op_id:
            n = conn.exec_driver_sql(
                "UPDATE outbox SET status = NULL, status_reason = NULL, acked_at = NULL"
                " WHERE op_id > ? AND status IS NOT NULL",
                (server_last_op_id,),
            ).rowcount
            # every pending op up to the highest resent one goes out marked as resent: the records it names
            # may come back only when another laptop resends them, and the server makes it wait until then
            earlier = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (RESENT_THROUGH,)).scalar()
            through = max(int(acked_max), int(earlier or 0))
            note = f"server is missing {n} acknowledged ops after op {server_last_op_id}: resending"
            first = int(conn.exec_driver_sql("SELECT min(op_id) FROM outbox WHERE status IS NULL").scalar_one())
            if first > server_last_op_id + 1:
                # the server lost ops this laptop no longer keeps (answered more than ACKED_OP_RETENTION_DAYS
                # ago; or a device the server lost entirely, enrolled again): what it still keeps is renumbered
                # right after the server's last op, so the server sees no gap it could never fill
                shift = first - server_last_op_id - 1
                ids = [
                    int(r[0])
                    for r in conn.exec_driver_sql("SELECT op_id FROM outbox WHERE op_id >= ? ORDER BY op_id", (first,))
                ]
                for op_id in ids:  # lowest first: a shifted id never meets an unshifted one
                    conn.exec_driver_sql("UPDATE outbox SET op_id = ? WHERE op_id = ?", (op_id - shift, op_id))
                conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'", (ids[-1] - shift,))
                through -= shift
                note += f" (ops {server_last_op_id + 1}-{first - 1} are no longer kept here; the rest renumbered)"
            _set_meta(conn, {RESENT_THROUGH: str(through)})
            return note
        if server_last_op_id > local_max:
            pending = [
                int(r[0])
                for r in conn.exec_driver_sql("SELECT op_id FROM outbox WHERE status IS NULL ORDER BY op_id DESC")
            ]
            shift = server_last_op_id - (min(pending) if pending else local_max + 1) + 1
            for op_id in pending:  # highest first: a shifted id never meets an unshifted one
                conn.exec_driver_sql("UPDATE outbox SET op_id = ? WHERE op_id = ?", (op_id + shift, op_id))
            new_max = max([server_last_op_id, *[p + shift for p in pending]])
            conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'", (new_max,))
            if conn.exec_driver_sql("SELECT changes()").scalar_one() == 0:
                conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", (new_max,))
            return f"server already holds ops up to {server_last_op_id}: {len(pending)} pending ops renumbered"
    return None


#: how long a resent op may wait on the server for a record another laptop has not resent (guarantee 8): after
#: that it is sent as an ordinary op, and refused for good (``unknown_record``) if the record is still missing
RESEND_WAIT_DAYS = 14


def resent_through(db: Database, first_pending: int) -> int | None:
    """The highest resent op id when some pending op from ``first_pending`` on is a resent one; else None (and
    the mark is dropped: every resent op has its answer)."""
    mark = get_meta(db, RESENT_THROUGH)
    if mark is None:
        return None
    if int(mark) < first_pending:
        set_meta(db, {RESENT_THROUGH: None})
        return None
    return int(mark)


def waiting_op(db: Database) -> dict[str, Any] | None:
    """The resent op the server made wait ({"op_id", "reason", "since"}), or None."""
    raw = get_meta(db, WAITING)
    return None if raw is None else dict(json.loads(raw))


def note_waiting(db: Database, op_id: int | None, reason: str = "") -> dict[str, Any] | None:
    """Keep (or, with None, forget) which resent op waits on the server, and since when (the first round it
    waited). Returns what is kept."""
    if op_id is None:
        if get_meta(db, WAITING) is not None:
            set_meta(db, {WAITING: None})
        return None
    held = waiting_op(db)
    since = held["since"] if held is not None and held.get("op_id") == op_id else utc_now()
    kept = {"op_id": op_id, "reason": reason, "since": since}
    set_meta(db, {WAITING: json.dumps(kept)})
    return kept


def waited_too_long(db: Database, op_id: int, now: str | None = None) -> bool:
    """Whether ``op_id`` is the waiting op and has waited ``RESEND_WAIT_DAYS`` or more."""
    from datetime import timedelta

    from dlso_desktop.ids import parse_utc

    held = waiting_op(db)
    if held is None or held.get("op_id") != op_id:
        return False
    moment = parse_utc(now or utc_now())
    return moment - parse_utc(str(held["since"])) >= timedelta(days=RESEND_WAIT_DAYS)


def prune_acknowledged(db: Database, now: str | None = None) -> int:
    """Drop answered ops older than the retention (30 days) — never a pending one."""
    from datetime import UTC, datetime, timedelta

    cutoff = datetime.now(UTC) - timedelta(days=ACKED_OP_RETENTION_DAYS)
    stamp = cutoff.strftime("%Y-%m-%dT%H:%M:%S.000Z") if now is None else now
    with db.writer() as conn:
        return int(
            conn.exec_driver_sql(
                "DELETE FROM outbox WHERE status IS NOT NULL AND status != 'rejected' AND acked_at < ?", (stamp,)
            ).rowcount
        )


# ---------------------------------------------------------------------------------------------------------
# Pull


@dataclass(slots=True)
class PageResult:
    applied: int
    kept_local: int  # fields not overwritten because a local change of them is not sent yet


def _pending_fields(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    if not keys:
        return out
    rows = conn.exec_driver_sql("SELECT table_name, row_id, kind, changes FROM outbox WHERE status IS NULL")
    for table, row_id, kind, changes in rows:
        key = (str(table), str(row_id))
        if key not in keys:
            continue
        names = out.setdefault(key, set())
        if kind == "delete":
            names.add("deleted")
        elif kind == "insert":
            names.update(json.loads(changes))
            names.add("deleted")
        else:
            names.update(json.loads(changes))
    return out


_META_COPIED = tuple(n for n in F.META_FIELDS if n != "commune_code")


def _field_names(spec: F.TableSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(synced field names, those of them that are dates) of a table."""
    return tuple(spec.fields), tuple(n for n, fs in spec.fields.items() if fs.kind == "date")


def _existing_ids(conn: Connection, table: str, ids: Sequence[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.extend(
            str(r[0]) for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(chunk))
        )
    return found


def apply_page(db: Database, changes: Sequence[ChangeLike], cursor: int) -> PageResult:
    """Apply one pulled page and store its cursor, in one transaction.

    Fields with unsent local changes keep their local value (the pending op will reach the server, which
    merges it or reports a conflict). Foreign keys are checked by the laptop when it writes, not here: a
    page may hold a household whose village, renamed later, arrives in a later page.
    """
    applied = kept = 0
    with db.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.begin()
            uow = UnitOfWork(conn, device_id=db.device_id, commune_code=db.commune_code, user_id=None, remote=True)
            keys = {(c.table, c.row_id) for c in changes}
            pending = _pending_fields(conn, keys)
            purging = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (RESET_PENDING,)).scalar()
            if purging == "purge":
                conn.exec_driver_sql("INSERT OR IGNORE INTO sync_seen (table_name, row_id) VALUES (?, ?)", list(keys))
            #: persons the page brings erased, with their row here before the page (for the drafts to find)
            erased: dict[str, dict[str, Any] | None] = {}
            by_table: dict[str, list[ChangeLike]] = {}
            for c in changes:
                by_table.setdefault(c.table, []).append(c)
            for table, items in by_table.items():
                if table == CONFLICT_TABLE:
                    _apply_conflicts(conn, items)
                    applied += len(items)
                    continue
                spec = F.TABLES.get(table)
                if spec is None:
                    continue  # a table this app version does not know: skipped, not an error
                names, dates = _field_names(spec)
                # most rows of a big pull are new here: probe ids first, read whole rows only for those that exist
                current = uow.get_many(table, _existing_ids(conn, table, [c.row_id for c in items]))
                if table == "person":
                    erased = {c.row_id: current.get(c.row_id) for c in items if c.data.get(E.MARKER)}
                echoes: list[tuple[int, str]] = []  # only the version is new (e.g. this laptop's own change)
                for c in items:
                    data = c.data
                    local = pending.get((table, c.row_id))
                    if local:
                        kept += sum(1 for name in names if name in local)
                        values = {n: data[n] for n in names if n in data and n not in local}
                    else:
                        values = {n: data[n] for n in names if n in data}
                    for name in dates:
                        v = values.get(name)
                        if isinstance(v, str):
                            values[name] = date.fromisoformat(v)
                    for name in _META_COPIED:
                        if name in data:
                            values[name] = data[name]
                    values["version"] = c.version
                    if not local or "deleted" not in local:
                        values["deleted"] = c.deleted
                    row = current.get(c.row_id)
                    if row is None:
                        values["id"] = c.row_id
                        values["commune_code"] = db.commune_code
                        for name in ("created_at", "updated_at"):
                            if name not in values:
                                values[name] = utc_now()
                        values.setdefault("created_device", "")
                        values.setdefault("updated_device", "")
                        uow.insert(table, values)
                    else:
                        if row.get("version", 0) > c.version:
                            continue  # already newer here (a page replayed after a crash)
                        if all(row.get(k) == v for k, v in values.items() if k != "version"):
                            echoes.append((c.version, c.row_id))
                            applied += 1
                            continue
                        old_name = row.get("name")
                        uow.update(table, row, values)
                        if table == "village" and "name" in values and values["name"] != old_name:
                            uow.reindex_village(c.row_id, str(old_name), str(values["name"]))
                    applied += 1
                if echoes:
                    conn.exec_driver_sql(f"UPDATE {table} SET version = ? WHERE id = ?", echoes)
            if erased:
                # a person erased elsewhere: the same erasure here (local edits, outbox, conflicts, drafts)
                from dlso_desktop.services.erasure import apply_pulled

                for person_id, before in erased.items():
                    apply_pulled(uow, person_id, before)
            uow.flush()
            _set_meta(conn, {CURSOR: str(cursor)})
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    db.meta[CURSOR] = str(cursor)
    return PageResult(applied, kept)


def _apply_conflicts(conn: Connection, items: Iterable[ChangeLike]) -> None:
    cols = (
        "id, version, table_name, row_id, field, base_value, server_value, server_by, server_device, server_at,"
        " incoming_value, incoming_by, incoming_device, incoming_at, status, resolved_value, resolved_by,"
        " resolved_at, created_at"
    )
    params = []
    for c in items:
        d = c.data
        params.append(
            (
                c.row_id,
                c.version,
                str(d.get("table_name", "")),
                str(d.get("row_id", "")),
                str(d.get("field", "")),
                F.canonical(d.get("base_value")),
                F.canonical(d.get("server_value")),
                d.get("server_by"),
                d.get("server_device"),
                d.get("server_at"),
                F.canonical(d.get("incoming_value")),
                d.get("incoming_by"),
                d.get("incoming_device"),
                d.get("incoming_at"),
                str(d.get("status", "open")),
                None if d.get("resolved_at") is None else F.canonical(d.get("resolved_value")),
                d.get("resolved_by"),
                d.get("resolved_at"),
                str(d.get("created_at", "")),
            )
        )
    placeholders = ", ".join("?" * 19)
    updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in cols.split(",")[1:])
    conn.exec_driver_sql(
        f"INSERT INTO sync_conflict ({cols}) VALUES ({placeholders}) ON CONFLICT(id) DO UPDATE SET {updates}", params
    )


def reset_cursor(db: Database, *, purge_unseen: bool) -> None:
    """Pull everything again from 0. With ``purge_unseen`` (the server purged old tombstones), records this
    laptop holds that the full pull does not bring back are removed at the end (:func:`finish_reset`); after
    a server restore they are kept (the laptop may hold what the server lost)."""
    with db.writer() as conn:
        conn.exec_driver_sql("DELETE FROM sync_seen")
        _set_meta(conn, {CURSOR: "0", RESET_PENDING: "purge" if purge_unseen else "keep"})
    db.meta[CURSOR] = "0"


def finish_reset(db: Database) -> int:
    """End of a full re-pull: tombstone (here only) the records the server no longer has, unless a local
    change of them is pending or was rejected (its reason stays visible). Returns how many were removed."""
    removed = 0
    with db.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        conn.begin()
        mode = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (RESET_PENDING,)).scalar()
        if mode == "purge":
            uow = UnitOfWork(conn, device_id=db.device_id, commune_code=db.commune_code, user_id=None, remote=True)
            for table in F.TABLES:
                ids = [
                    str(r[0])
                    for r in conn.exec_driver_sql(
                        f"SELECT id FROM {table} t WHERE deleted = 0"
                        " AND NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.table_name = ? AND s.row_id = t.id)"
                        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.table_name = ? AND o.row_id = t.id"
                        " AND (o.status IS NULL OR o.status = 'rejected'))",
                        (table, table),
                    )
                ]
                for row in uow.get_many(table, ids).values():
                    uow.update(table, row, {"deleted": True})
                    removed += 1
            uow.flush()
        conn.exec_driver_sql("DELETE FROM sync_seen")
        _set_meta(conn, {RESET_PENDING: None})
        conn.commit()
    db.meta.pop(RESET_PENDING, None)
    return removed


# ---------------------------------------------------------------------------------------------------------
# Conflicts


@dataclass(frozen=True, slots=True)
class ConflictView:
    id: str
    table_name: str
    row_id: str
    field: str
    server_value: Any
    server_by: str | None
    server_device: str | None
    server_at: str | None
    incoming_value: Any
    incoming_by: str | None
    incoming_device: str | None
    incoming_at: str | None
    status: str
    resolved_value: Any
    #: a resolution made here that has not reached the server yet
    resolving: bool


def conflicts(db: Database, *, open_only: bool = True) -> list[ConflictView]:
    with db.reader() as conn:
        pending = {
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT row_id FROM outbox WHERE status IS NULL AND table_name = ?", (CONFLICT_TABLE,)
            )
        }
        rows = conn.exec_driver_sql(
            "SELECT id, table_name, row_id, field, server_value, server_by, server_device, server_at,"
            " incoming_value, incoming_by, incoming_device, incoming_at, status, resolved_value FROM sync_conflict"
            + (" WHERE status = 'open'" if open_only else "")
            + " ORDER BY created_at, id"
        ).all()
    return [
        ConflictView(
            id=r[0],
            table_name=r[1],
            row_id=r[2],
            field=r[3],
            server_value=json.loads(r[4]),
            server_by=r[5],
            server_device=r[6],
            server_at=r[7],
            incoming_value=json.loads(r[8]),
            incoming_by=r[9],
            incoming_device=r[10],
            incoming_at=r[11],
            status=r[12],
            resolved_value=None if r[13] is None else json.loads(r[13]),
            resolving=r[0] in pending,
        )
        for r in rows
    ]


class NotAllowed(PermissionError):
    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


def resolve_conflict(db: Database, user_id: str, conflict_id: str, value: Any) -> None:
    """A commune operator's decision: an outbox op (it works offline and through a bundle too)."""
    with db.unit_of_work(user_id) as uow:
        user = uow.get("app_user", user_id)
        if user is None or user["role"] != Role.COMMUNE_OPERATOR.value:
            raise NotAllowed(
                "Chỉ cán bộ xã (quản trị xã) mới giải quyết được xung đột.",
                "Only a commune operator can resolve a conflict.",
            )
        row = uow.conn.exec_driver_sql(
            "SELECT table_name, row_id, field, status, server_value FROM sync_conflict WHERE id = ?", (conflict_id,)
        ).first()
        if row is None or row[3] != "open":
            raise NotAllowed("Xung đột này không còn chờ giải quyết.", "This conflict is no longer open.")
        table, name = str(row[0]), str(row[2])
        if name == "deleted":
            if not isinstance(value, bool):
                raise NotAllowed("Hãy chọn giữ xoá hoặc khôi phục.", "Choose keep deleted or restore.")
        else:
            try:
                value = F.check_value(F.TABLES[table].fields[name], value)
            except F.BadValue as exc:
                raise NotAllowed(f"Giá trị không hợp lệ: {exc}", f"Invalid value: {exc}") from None
        uow.conn.exec_driver_sql(
            "INSERT INTO outbox (txn_id, device_id, table_name, row_id, kind, changes, base_version, author_id,"
            " created_at, schema_version) VALUES (?, ?, ?, ?, 'resolve', ?, 0, ?, ?, ?)",
            (
                new_id(),
                db.device_id,
                CONFLICT_TABLE,
                conflict_id,
                # the value the conflicting change met: a server restored from a backup makes that change meet
                # it again before this resolution (docs/SYNC_PROTOCOL.md, "Conflicts resent in another order")
                dumps({"value": value, "server_value": json.loads(row[4])}),
                user_id,
                utc_now(),
                schema.SCHEMA_VERSION,
            ),
        )
        uow.audit("resolve", CONFLICT_TABLE, conflict_id, f"{table}.{name}")  # numbered and chained by the unit
        uow.commit()


# ---------------------------------------------------------------------------------------------------------
# Verification


def local_digests(db: Database) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    with db.reader() as conn:
        for table, spec in F.TABLES.items():
            names = list(spec.fields)
            result = conn.exec_driver_sql(f"SELECT id, {', '.join(names)} FROM {table} WHERE deleted = 0")
            rows = ((str(r[0]), dict(zip(names, _decode_row(spec, r[1:]), strict=True))) for r in result)
            out[table] = F.table_digest(table, rows)
    return out


def _decode_row(spec: F.TableSpec, values: Sequence[Any]) -> list[Any]:
    out = []
    for (_name, fs), v in zip(spec.fields.items(), values, strict=True):
        if fs.kind == "bool" and v is not None:
            v = bool(v)
        out.append(v)
    return out


# ---------------------------------------------------------------------------------------------------------
# What the Sync page lists


#: master tables and the column that names one of their records
LABEL_COLUMNS: dict[str, str] = {
    "village": "name",
    "household": "head_name",
    "person": "full_name",
    "app_user": "display_name",
    "training_session": "place",
}


@dataclass(frozen=True, slots=True)
class RejectedChange:
    op_id: int
    table: str
    row_id: str
    kind: str  # insert / update / delete / resolve
    reason: str
    created_at: str


def rejected_changes(db: Database) -> list[RejectedChange]:
    """Outbox ops the server refused, newest first, with the server's reason (kept until resolved by hand)."""
    with db.reader() as conn:
        rows = conn.exec_driver_sql(
            "SELECT op_id, table_name, row_id, kind, coalesce(status_reason, ''), created_at FROM outbox"
            " WHERE status = 'rejected' ORDER BY op_id DESC"
        ).all()
    return [RejectedChange(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows]


def record_labels(db: Database, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    by_table: dict[str, set[str]] = {}
    for table, row_id in keys:
        if table in LABEL_COLUMNS and row_id:
            by_table.setdefault(table, set()).add(row_id)
    out: dict[tuple[str, str], str] = {}
    with db.reader() as conn:
        for table, ids in by_table.items():
            column = LABEL_COLUMNS[table]
            id_list = sorted(ids)
            for start in range(0, len(id_list), 500):
                chunk = id_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row_id, label in conn.exec_driver_sql(
                    f"SELECT id, {column} FROM {table} WHERE id IN ({marks})", tuple(chunk)
                ):
                    if label:
                        out[(table, str(row_id))] = str(label)
    return out
