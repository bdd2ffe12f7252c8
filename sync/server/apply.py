"""Applying a push and serving a pull on the server — the heart of sync (SYNC.md).

:func:`apply_push` is called with one open transaction for one device's batch, by the online push endpoint
and by a sync-bundle import alike. It takes the commune's counter row lock first (so a commune's changes get
sequence numbers in commit order), then the device's row, and answers every op:

* an op id at or below the device's ``last_op_id`` already has a stored answer: it is returned as a
  duplicate, nothing is applied twice;
* the next op id is applied and its answer stored; a skipped op id stops the batch with ``resend_from``;
* inserts create records; updates merge field by field against the old value the laptop saw (a field the
  server changed meanwhile to a third value becomes a conflict — stored as a ``sync_conflict`` record that the
  commune's laptops pull — while the other fields of the op apply); deletes are tombstones and win;
* an edit of a deleted record stays deleted and becomes a conflict the operator can resolve by restoring it;
* a commune operator's ``resolve`` op applies the chosen value and closes the conflict;
* a commune operator's ``erase`` op blanks a person's data in every record that holds it (the rules of
  :mod:`sync.erasure`, the same as on the laptop), blanks the conflicts holding it, and marks the records so
  that a later op made before the erasure cannot bring the data back (refused with ``erased``).

Either the whole batch commits with its receipts and the device's new ``last_op_id``, or nothing does.
"""

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.dialects.postgresql import insert as _pg_insert
from sqlalchemy.dialects.sqlite import insert as _sqlite_insert

from dlso_desktop.models import Role
from dlso_desktop.storage import schema as laptop_schema
from sync import erasure as E
from sync import fields as F
from sync.protocol import (
    CONFLICT_TABLE,
    DELETED_FIELD,
    MAX_PULL_LIMIT,
    Op,
    OpKind,
    OpResult,
    OpStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    Waiting,
)
from sync.server.models import CommuneCounter, Device, OpReceipt, Record, ServerMeta

_REC = Record.__table__  # type: ignore[attr-defined]
_RCPT = OpReceipt.__table__  # type: ignore[attr-defined]
_DEV = Device.__table__  # type: ignore[attr-defined]
_CTR = CommuneCounter.__table__  # type: ignore[attr-defined]
_META = ServerMeta.__table__  # type: ignore[attr-defined]

#: Called with the engine and the commune code when an erasure was applied (in the push's transaction): the
#: snapshot module
#: drops the commune's snapshot files, which hold the erased values (``sync.server.snapshot.install``).
ERASURE_HOOKS: list[Callable[[Engine, int], None]] = []


def erasure_mark_key(commune_code: int) -> str:
    """The ``server_meta`` key holding the version of the commune's latest erasure (a snapshot below it holds
    erased data and is never served)."""
    return f"erasure.{commune_code}"


_CONFLICT_NS = uuid.UUID("6f1d2f8e-5a43-4c1e-9a51-3c0b0d7f5e21")


@dataclass(slots=True)
class DeviceInfo:
    id: str
    commune_code: int


@dataclass(slots=True)
class _Rec:
    commune_code: int
    version: int
    deleted: bool
    data: dict[str, Any]
    stored: bool  # already a row in the database (update) or new (insert)
    dirty: bool = False


@dataclass(slots=True)
class _Batch:
    conn: Connection
    device: DeviceInfo
    now: str
    seq: int
    records: dict[tuple[str, str], _Rec | None] = field(default_factory=dict)
    prepared: "Prepared" = field(default_factory=dict)
    #: the version of the latest erasure applied in this batch (0: none)
    erased: int = 0
    #: resent after a restore: conflicts this server lost that a resolution further on in the batch names, by
    #: id, with the value the conflicting op met the first time (:func:`_replays`)
    replays: dict[str, Any] = field(default_factory=dict)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


class _Reject(Exception):
    """A refused op: a stable ``code`` (laptops show their own translated text for it) and an English detail."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class _Missing(_Reject):
    """A refusal because the op names a record (or a person to erase, or an author) this server does not hold;
    raised before anything is changed. For an op resent after a restore (``PushRequest.resent_through``) it is
    not final: the batch stops and the op waits until another laptop has resent what it names. A missing
    conflict is never waited for: no laptop resends one.

    ``lost_change`` is the same wait for a resent update whose first meeting with the server cannot be
    reproduced yet: it was made on a version of the record the restore lost (its old values are not back), or
    it met another laptop's value and so became a conflict the operator resolved, and that value is not back
    (docs/SYNC_PROTOCOL.md, "Conflicts resent in another order")."""


# ---------------------------------------------------------------------------------------------------------
# Locks and reads


def lock_counter(conn: Connection, commune_code: int) -> tuple[int, int]:
    """Lock (PostgreSQL: row lock until commit) the commune's counter; (seq, pruned_below)."""
    query = select(_CTR.c.seq, _CTR.c.pruned_below).where(_CTR.c.commune_code == commune_code).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        # Two first writers of a commune at once (PostgreSQL): both find no row to lock; a plain insert by the
        # second would wait for the first to commit and then fail on the primary key. ON CONFLICT DO NOTHING
        # waits the same way and then lets the second lock the row the first created.
        insert = _pg_insert if conn.dialect.name == "postgresql" else _sqlite_insert
        conn.execute(insert(_CTR).values(commune_code=commune_code, seq=0, pruned_below=0).on_conflict_do_nothing())
        row = conn.execute(query).first()
        assert row is not None
    return int(row[0]), int(row[1])


def storable_text(value: str, *, nul_ok: bool = False) -> bool:
    """Text every server database can hold in a column: valid Unicode (no lone surrogates) and no NUL
    (PostgreSQL refuses it; ``nul_ok`` for text that is stored JSON-escaped, inside a record's data)."""
    if not nul_ok and "\x00" in value:
        return False
    if value.isascii():  # most text: nothing to encode (a copy of every string of every op otherwise)
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(reason: str) -> str:
    """A rejection reason (it may quote what the laptop sent) made storable: NUL and surrogates escaped."""
    return reason.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def _dumps(value: Any) -> str:
    """A record's data as compact JSON text (orjson: several times faster than ``json`` on every push).

    ``json.dumps`` stays the fallback for anything orjson refuses (none of the checked values should be)."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _prefetch(batch: _Batch, keys: Iterable[tuple[str, str]]) -> None:
    """Read the batch's records, one query per table (SQLite: per 500 ids): ``table_name = ? AND row_id IN
    (...)`` uses the primary key (SQLite answers a row-value ``(table_name, row_id) IN (...)`` by scanning the
    index). Driver SQL: these statements run for every push, SQLAlchemy's compilation of a 500-parameter
    ``IN`` each time cost more than the query."""
    by_table: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        if key in batch.records:
            continue
        batch.records[key] = None
        # a key that is not storable text names no record (and PostgreSQL refuses NUL even in a parameter)
        if storable_text(key[0]) and storable_text(key[1]):
            by_table.setdefault(key[0], []).append(key[1])
    conn = batch.conn
    records = batch.records
    if _pg(conn):
        # every table in one round trip (the keys joined through the primary key)
        tables = [t for t, ids in by_table.items() for _ in ids]
        row_ids = [r for ids in by_table.values() for r in ids]
        if row_ids:
            rows = conn.exec_driver_sql(
                "SELECT r.table_name, r.row_id, r.commune_code, r.version, r.deleted, r.data FROM record r"
                " JOIN unnest(%s::text[], %s::text[]) AS k(t, id) ON r.table_name = k.t AND r.row_id = k.id",
                (tables, row_ids),
            ).all()
            for t, r, commune, version, deleted, data in rows:
                records[(t, r)] = _Rec(int(commune), int(version), bool(deleted), _loads(data), True)
        return
    cols = "SELECT row_id, commune_code, version, deleted, data FROM record WHERE table_name = "
    for table, ids in by_table.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = cols + "? AND row_id IN (" + ",".join("?" * len(chunk)) + ")"
            for r, commune, version, deleted, data in conn.exec_driver_sql(sql, (table, *chunk)):
                records[(table, r)] = _Rec(int(commune), int(version), bool(deleted), _loads(data), True)


# ---------------------------------------------------------------------------------------------------------
# Push


#: the checked values of the batch's inserts and updates (or why they are refused), by ``id(op)``
Prepared = dict[int, "dict[str, Any] | _Reject"]


def prepare_push(request: PushRequest) -> Prepared:
    """Check what needs no database: every value of the batch's inserts and updates (type, NFC, storable).

    The push endpoint calls it before taking the locks (SQLite's writer, the commune's counter), so that they
    are held for less time. :func:`apply_push` raises a stored refusal exactly where it would have found it,
    and checks itself whatever was not prepared."""
    out: Prepared = {}
    for op in request.ops:
        spec = F.TABLES.get(op.table)
        if spec is None or op.kind not in (OpKind.INSERT, OpKind.UPDATE):
            continue
        try:
            out[id(op)] = _insert_values(spec, op) if op.kind == OpKind.INSERT else _update_pairs(spec, op)
        except _Reject as exc:
            out[id(op)] = exc
    return out


def _prepared(batch: "_Batch", op: Op) -> "dict[str, Any] | None":
    found = batch.prepared.pop(id(op), None)
    if isinstance(found, _Reject):
        raise found
    return found


def apply_push(
    conn: Connection,
    device: DeviceInfo,
    request: PushRequest,
    now: str,
    prepared: Prepared | None = None,
    *,
    counter: tuple[int, int] | None = None,
) -> PushResponse:
    """Apply one batch in the caller's transaction (the caller commits). See the module docstring.

    ``prepared``: :func:`prepare_push` of this very request, when the caller made it beforehand; ``counter``:
    what :func:`lock_counter` returned when the caller already locked the commune's counter in this
    transaction."""
    seq, _pruned = counter if counter is not None else lock_counter(conn, device.commune_code)
    dev = conn.execute(select(_DEV.c.last_op_id).where(_DEV.c.id == device.id).with_for_update()).first()
    if dev is None:
        raise LookupError(device.id)
    last = int(dev[0])
    batch = _Batch(conn, device, now, seq, prepared=dict(prepared) if prepared else {})
    ops = sorted(request.ops, key=lambda o: o.op_id)
    keys: list[tuple[str, str]] = []
    for op in ops:
        keys.append((op.table, op.row_id))
    _prefetch(batch, keys)
    # conflicts being resolved point at their target records: fetch those too
    targets = []
    for op in ops:
        if op.kind == OpKind.RESOLVE:
            rec = batch.records.get((op.table, op.row_id))
            if rec is not None:
                targets.append((str(rec.data.get("table_name")), str(rec.data.get("row_id"))))
            if op.author_id:
                targets.append(("app_user", op.author_id))
        elif op.kind == OpKind.ERASE:
            if op.author_id:
                targets.append(("app_user", op.author_id))
        elif op.kind == OpKind.INSERT and op.table in _LINKED:
            # a new record about a person who may have been erased meanwhile
            parent_table, parent_field = _LINKED[op.table]
            parent = op.changes.get(parent_field)
            if isinstance(parent, str):
                targets.append((parent_table, parent))
    _prefetch(batch, targets)
    resent_through = request.resent_through or 0
    batch.replays = _replays(batch, ops, last, resent_through)

    stored = _stored_receipts(conn, device.id, [o.op_id for o in ops if o.op_id <= last])
    results: list[OpResult] = []
    receipts: list[tuple[str, int, str, str | None, int, str]] = []
    resend_from: int | None = None
    waiting: Waiting | None = None
    for op in ops:
        if op.op_id <= last:
            original = stored.get(op.op_id)
            results.append(
                OpResult(
                    op_id=op.op_id,
                    status=OpStatus.DUPLICATE,
                    original_status=None if original is None else OpStatus(original[0]),
                    reason=None if original is None else original[1],
                    version=0 if original is None else original[2],
                )
            )
            continue
        if op.op_id != last + 1:
            resend_from = last + 1
            break
        try:
            result = _apply_op(batch, op, wait=op.op_id <= resent_through)
        except _Missing as exc:
            # a resent op whose record was lost in the restore and is not resent yet: it and the ops after it
            # wait (nothing of them applied, no receipt); the laptop sends them again next round
            waiting = Waiting(op_id=op.op_id, reason=f"{exc.code}: {_printable(str(exc))}")
            resend_from = op.op_id
            break
        results.append(result)
        receipts.append((device.id, op.op_id, result.status.value, result.reason, result.version, now))
        stored[op.op_id] = (result.status.value, result.reason, result.version)
        last = op.op_id

    _write_records(batch)
    _write_receipts(conn, receipts)
    if batch.erased:
        _mark_erasure(conn, device.commune_code, batch.erased)
    conn.execute(_DEV.update().where(_DEV.c.id == device.id).values(last_op_id=last, last_seen_at=now))
    if batch.seq != seq:
        conn.execute(_CTR.update().where(_CTR.c.commune_code == device.commune_code).values(seq=batch.seq))
    return PushResponse(results=results, last_op_id=last, resend_from=resend_from, server_time=now, waiting=waiting)


def _stored_receipts(conn: Connection, device_id: str, op_ids: list[int]) -> dict[int, tuple[str, str | None, int]]:
    out: dict[int, tuple[str, str | None, int]] = {}
    head = "SELECT op_id, status, reason, version FROM op_receipt WHERE device_id = "
    for start in range(0, len(op_ids), 500):
        chunk = op_ids[start : start + 500]
        if _pg(conn):
            rows = conn.exec_driver_sql(head + "%s AND op_id = ANY(%s)", (device_id, chunk))
        else:
            rows = conn.exec_driver_sql(
                head + "? AND op_id IN (" + ",".join("?" * len(chunk)) + ")", (device_id, *chunk)
            )
        for op_id, status, reason, version in rows:
            out[int(op_id)] = (str(status), reason, int(version))
    return out


def _write_receipts(conn: Connection, receipts: list[tuple[str, int, str, str | None, int, str]]) -> None:
    if not receipts:
        return
    cols = "INSERT INTO op_receipt (device_id, op_id, status, reason, version, received_at) "
    if _pg(conn):
        # one statement whatever the batch size: arrays unnested on the server instead of a round trip per row
        conn.exec_driver_sql(
            cols + "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[])",
            tuple(list(c) for c in zip(*receipts, strict=True)),
        )
    else:
        conn.exec_driver_sql(cols + "VALUES (?, ?, ?, ?, ?, ?)", receipts)


def _apply_op(batch: _Batch, op: Op, *, wait: bool = False) -> OpResult:
    """Apply one op; a refusal becomes its answer. ``wait``: the op is resent after a restore, so a refusal
    because something it names is missing (:class:`_Missing`) is raised instead, for the batch to stop."""
    try:
        if not all(storable_text(v) for v in (op.txn_id, op.created_at, op.author_id or "")):
            raise _Reject("invalid_text", "the op's txn_id, author_id or created_at holds a NUL or invalid Unicode")
        if op.schema_version > laptop_schema.SCHEMA_VERSION:
            raise _Reject(
                "newer_schema",
                f"made by a newer app (schema {op.schema_version}); the server knows up to"
                f" {laptop_schema.SCHEMA_VERSION}: update the server",
            )
        if op.kind == OpKind.RESOLVE:
            return _resolve(batch, op)
        if op.kind == OpKind.ERASE:
            return _erase(batch, op)
        spec = F.TABLES.get(op.table)
        if spec is None:
            raise _Reject("unknown_table", f"table {op.table!r} does not sync from laptops")
        _check_uuid(op.row_id)
        rec = batch.records.get((op.table, op.row_id))
        if rec is not None and rec.commune_code != batch.device.commune_code:
            raise _Reject("other_commune", "no such record in this commune")
        if op.kind == OpKind.INSERT:
            return _insert(batch, op, spec, rec)
        if rec is None:
            raise _Missing("unknown_record", "the record is unknown to the server (its creation was not accepted)")
        if op.kind == OpKind.DELETE:
            return _delete(batch, op, rec)
        return _update(batch, op, spec, rec, wait=wait)
    except _Reject as exc:
        if wait and isinstance(exc, _Missing):
            raise
        return OpResult(op_id=op.op_id, status=OpStatus.REJECTED, reason=f"{exc.code}: {_printable(str(exc))}")


#: what ``str(uuid.UUID(value))`` gives back unchanged (a regular expression: a tenth of the time per op)
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _check_uuid(value: str) -> None:
    """Row ids are canonical lowercase UUID strings, as laptops make them (and safe to embed in JSON)."""
    if _CANONICAL_UUID.fullmatch(value) is None:
        raise _Reject("bad_id", f"row id {value!r} is not a UUID in canonical form")


def _checked(spec: F.TableSpec, name: str, value: Any) -> Any:
    fs = spec.fields.get(name)
    if fs is None:
        raise _Reject("bad_field", f"unknown field {spec.name}.{name}")
    try:
        checked = F.check_value(fs, value)
    except F.BadValue as exc:
        raise _Reject("bad_field", f"{spec.name}.{name}: {exc}") from None
    if isinstance(checked, str) and not storable_text(checked, nul_ok=True):
        raise _Reject(
            "invalid_text", f"{spec.name}.{name}: not valid Unicode text"
        )  # a lone surrogate no database can store
    return checked


def _stamp(batch: _Batch, op: Op, data: dict[str, Any]) -> None:
    data["updated_at"] = op.created_at
    data["updated_by"] = op.author_id
    data["updated_device"] = batch.device.id


def _insert_values(spec: F.TableSpec, op: Op) -> dict[str, Any]:
    return {name: _checked(spec, name, v) for name, v in op.changes.items()}


def _insert(batch: _Batch, op: Op, spec: F.TableSpec, rec: _Rec | None) -> OpResult:
    values = _prepared(batch, op)
    if values is None:
        values = _insert_values(spec, op)
    if values.pop("deleted", False):
        raise _Reject("bad_field", "an insert cannot be a tombstone")
    if values.get(E.MARKER) is not None:
        raise _Reject("bad_field", "erased_at is set only by an erasure")
    data = {**spec.defaults, **values}
    data["deleted"] = False
    if rec is not None:
        same = all(rec.data.get(k) == v for k, v in data.items() if k != "deleted")
        if same and not rec.deleted:
            return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, reason="already present", version=rec.version)
        raise _Reject("exists", "a different record with this id already exists")
    data.update(
        commune_code=batch.device.commune_code,
        created_at=op.created_at,
        created_by=op.author_id,
        created_device=batch.device.id,
    )
    _stamp(batch, op, data)
    version = batch.next_seq()
    data["_fields"] = {}
    blank = _erased_parent(batch, op.table, data)
    if blank:
        # made before its laptop learnt of the erasure: the record stays (for the counts), its data does not
        data.update(blank)
        data["_erased"] = {"fields": sorted(blank), "version": version}
    batch.records[(op.table, op.row_id)] = _Rec(batch.device.commune_code, version, False, data, False, True)
    return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, version=version)


def _delete(batch: _Batch, op: Op, rec: _Rec) -> OpResult:
    if rec.deleted:
        return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, reason="already deleted", version=rec.version)
    rec.deleted = True
    rec.data["deleted"] = True
    _stamp(batch, op, rec.data)
    rec.version = batch.next_seq()
    rec.dirty = True
    return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, version=rec.version)


def _provenance(rec: _Rec, name: str) -> tuple[Any, Any, Any]:
    by_field: dict[str, list[Any]] = rec.data.get("_fields") or {}
    who = by_field.get(name)
    if who is not None:
        return who[0], who[1], who[2]
    return rec.data.get("updated_by"), rec.data.get("updated_device"), rec.data.get("updated_at")


def _update_pairs(spec: F.TableSpec, op: Op) -> dict[str, Any]:
    pairs: dict[str, tuple[Any, Any]] = {}
    for name, pair in op.changes.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Reject("bad_field", f"{spec.name}.{name}: an update carries [old, new]")
        if name == "deleted":
            raise _Reject("bad_field", "a delete is its own op")
        pairs[name] = (_checked(spec, name, pair[0]), _checked(spec, name, pair[1]))
    return pairs


def _update(batch: _Batch, op: Op, spec: F.TableSpec, rec: _Rec, *, wait: bool = False) -> OpResult:
    pairs = _prepared(batch, op)
    if pairs is None:
        pairs = _update_pairs(spec, op)
    if E.MARKER in pairs:
        raise _Reject("bad_field", "erased_at is set only by an erasure")
    _check_not_erased(op, rec, pairs)
    if wait:
        _check_replayable(batch, op, spec, rec, pairs)
    if rec.deleted:
        incoming = {k: new for k, (_old, new) in pairs.items()}
        conflict_id = _add_conflict(batch, op, rec, DELETED_FIELD, False, True, incoming)
        return OpResult(
            op_id=op.op_id,
            status=OpStatus.CONFLICT,
            reason=f"deleted_meanwhile: the record was deleted meanwhile; the change waits for the commune operator"
            f" ({conflict_id})",
            version=rec.version,
        )
    applied: dict[str, Any] = {}
    conflicts: list[str] = []
    for name, (old, new) in pairs.items():
        current = rec.data.get(name, spec.defaults.get(name))
        if current == new:
            continue
        if current == old:
            applied[name] = new
        else:
            _add_conflict(batch, op, rec, name, old, current, new)
            conflicts.append(name)
    if applied:
        rec.data.update(applied)
        fields_meta = rec.data.setdefault("_fields", {})
        for name in applied:
            fields_meta[name] = [op.author_id, batch.device.id, op.created_at]
        _stamp(batch, op, rec.data)
        rec.version = batch.next_seq()
        rec.dirty = True
    if conflicts:
        return OpResult(
            op_id=op.op_id,
            status=OpStatus.CONFLICT,
            reason="changed_on_both_sides: " + ", ".join(sorted(conflicts)),
            version=rec.version,
        )
    return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, version=rec.version)


def _conflict_id(device_id: str, op_id: int, name: str) -> str:
    """The id of the conflict an op makes on a field: the same whenever the op is applied (again)."""
    return str(uuid.uuid5(_CONFLICT_NS, f"{device_id}/{op_id}/{name}"))


#: the key of a resolve op's changes holding the conflict's server value (docs/SYNC_PROTOCOL.md, "Conflicts
#: resent in another order"); optional: a resolution without it resolves all the same
MET_KEY = "server_value"


def _replays(batch: _Batch, ops: list[Op], last: int, resent_through: int) -> dict[str, Any]:
    """The conflicts the batch's resent resolutions name that this server does not hold (lost in a restore),
    with the value the conflicting op met: ``{conflict id: server value}``. The op that made such a conflict,
    when it is an earlier op of the same batch, waits until the field holds that value again
    (:func:`_check_replayable`), so it becomes the very same conflict and the resolution finds it."""
    out: dict[str, Any] = {}
    for op in ops:
        if not last < op.op_id <= resent_through or op.kind != OpKind.RESOLVE or op.table != CONFLICT_TABLE:
            continue
        if MET_KEY in op.changes and batch.records.get((op.table, op.row_id)) is None:
            out[op.row_id] = op.changes[MET_KEY]
    return out


def _check_replayable(batch: _Batch, op: Op, spec: F.TableSpec, rec: _Rec, pairs: dict[str, Any]) -> None:
    """A resent update (``PushRequest.resent_through``) meets the record as it did the first time, or waits
    (:class:`_Missing`, ``lost_change``) until the ops the restore lost have come back:

    * it became a conflict the first time, resolved by a later op of this batch (``_Batch.replays``): it waits
      until the field holds the value it met then, so it is that conflict again (same id) and not a clean
      change followed by a resolution of nothing;
    * it was made on a version of the record this server does not hold (``base_version`` above the record's:
      the restore lost the change the laptop saw) and a field's old value is not the current one: it waits for
      that change rather than becoming a conflict with the older value.

    Only for resent ops: in normal operation neither can happen (a server's versions only grow, and a
    resolution is made after its conflict was pulled), and conflicts are reported as always."""
    for name in (*pairs, DELETED_FIELD) if batch.replays else ():
        conflict_id = _conflict_id(batch.device.id, op.op_id, name)
        if conflict_id not in batch.replays:
            continue
        met = batch.replays[conflict_id]
        current = rec.deleted if name == DELETED_FIELD else rec.data.get(name, spec.defaults.get(name))
        if name == DELETED_FIELD:
            if not isinstance(met, bool):
                continue  # not what an edit-versus-delete conflict met: nothing to wait for
        else:
            try:
                met = _checked(spec, name, met)
            except _Reject:
                continue  # not a value of the field: nothing to wait for
        if current != met:
            raise _Missing(
                "lost_change",
                f"{op.table}.{name} met another laptop's change the first time (a conflict since resolved);"
                " that change was lost in the restore and is not resent yet",
            )
    if op.base_version > rec.version:
        stale = rec.deleted or any(
            rec.data.get(name, spec.defaults.get(name)) not in (old, new) for name, (old, new) in pairs.items()
        )
        if stale:
            raise _Missing(
                "lost_change",
                f"made on version {op.base_version} of the record, which was lost in the restore and is not resent yet",
            )


def _add_conflict(batch: _Batch, op: Op, rec: _Rec, name: str, base: Any, current: Any, incoming: Any) -> str:
    server_by, server_device, server_at = _provenance(rec, name)
    conflict_id = _conflict_id(batch.device.id, op.op_id, name)
    data = {
        "table_name": op.table,
        "row_id": op.row_id,
        "field": name,
        "base_value": base,
        "server_value": current,
        "server_by": server_by,
        "server_device": server_device,
        "server_at": server_at,
        "incoming_value": incoming,
        "incoming_by": op.author_id,
        "incoming_device": batch.device.id,
        "incoming_at": op.created_at,
        "status": "open",
        "resolved_value": None,
        "resolved_by": None,
        "resolved_at": None,
        "commune_code": batch.device.commune_code,
        "created_at": batch.now,
        "updated_at": batch.now,
        "deleted": False,
    }
    batch.records[(CONFLICT_TABLE, conflict_id)] = _Rec(
        batch.device.commune_code, batch.next_seq(), False, data, False, True
    )
    return conflict_id


def _resolve(batch: _Batch, op: Op) -> OpResult:
    if op.table != CONFLICT_TABLE:
        raise _Reject("bad_field", "only conflicts are resolved")
    conflict = batch.records.get((op.table, op.row_id))
    if conflict is None or conflict.commune_code != batch.device.commune_code:
        # not a wait, even for a resent op: no laptop resends a conflict, and the op would block its laptop
        raise _Reject("other_commune", "no such conflict in this commune")
    author = batch.records.get(("app_user", op.author_id or ""))
    if author is None and op.author_id:
        raise _Missing("not_operator", "only a commune operator known to the server can resolve a conflict")
    if author is None or author.commune_code != batch.device.commune_code or author.deleted:
        raise _Reject("not_operator", "only a commune operator known to the server can resolve a conflict")
    if author.data.get("role") != Role.COMMUNE_OPERATOR.value:
        raise _Reject("not_operator", "only a commune operator can resolve a conflict")
    if "value" not in op.changes:
        raise _Reject("bad_field", "a resolution carries the chosen value")
    cdata = conflict.data
    if cdata.get("status") != "open":
        if cdata.get("resolved_value") == op.changes["value"]:
            return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, reason="already resolved so")
        raise _Reject("already_resolved", "the conflict was already resolved by someone else")
    table, row_id, name = str(cdata["table_name"]), str(cdata["row_id"]), str(cdata["field"])
    spec = F.TABLES[table]
    target = batch.records.get((table, row_id))
    if target is None:
        raise _Reject("unknown_record", "the conflicting record is gone")
    if name == DELETED_FIELD:
        value = op.changes["value"]
        if not isinstance(value, bool):
            raise _Reject("bad_field", "keep deleted (true) or restore (false)")
        if not value and target.deleted:
            target.deleted = False
            target.data["deleted"] = False
            incoming = cdata.get("incoming_value") or {}
            for k, v in incoming.items():
                target.data[k] = _checked(spec, k, v)
            _stamp(batch, op, target.data)
            target.version = batch.next_seq()
            target.dirty = True
        resolved: Any = value
    else:
        resolved = _checked(spec, name, op.changes["value"])
        if target.data.get(name) != resolved and not target.deleted:
            target.data[name] = resolved
            target.data.setdefault("_fields", {})[name] = [op.author_id, batch.device.id, op.created_at]
            _stamp(batch, op, target.data)
            target.version = batch.next_seq()
            target.dirty = True
    cdata.update(status="resolved", resolved_value=resolved, resolved_by=op.author_id, resolved_at=op.created_at)
    cdata["updated_at"] = batch.now
    conflict.version = batch.next_seq()
    conflict.dirty = True
    return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, version=conflict.version)


# ---------------------------------------------------------------------------------------------------------
# Erasure (sync.erasure)

#: tables whose new records belong to a person (directly or through a submission or a certificate): (parent
#: table, field)
_LINKED: dict[str, tuple[str, str]] = {
    "visit_action": ("person", "person_id"),
    "assisted_submission": ("person", "person_id"),
    "certificate": ("person", "person_id"),
    "submission_status": ("assisted_submission", "submission_id"),
    "certificate_revocation": ("certificate", "certificate_id"),
}


def _erased_parent(batch: _Batch, table: str, data: dict[str, Any]) -> dict[str, Any]:
    """The blank values a new record gets when the person it belongs to was erased (else empty)."""
    link = _LINKED.get(table)
    if link is None:
        return {}
    parent = batch.records.get((link[0], str(data.get(link[1]))))
    if parent is None or parent.commune_code != batch.device.commune_code:
        return {}
    if not (parent.data.get(E.MARKER) or (link[0] != "person" and parent.data.get("_erased"))):
        return {}
    return {k: v for k, v in E.BLANKS[table].items() if data.get(k) != v}


def _check_not_erased(op: Op, rec: _Rec, pairs: dict[str, Any]) -> None:
    """Refuse (``erased``) an update that would bring erased data back: any change of an erased person made
    before the erasure, a change filling in an erased person's personal fields, or a change of an erased field
    of another record made against its value before the erasure."""
    marker = rec.data.get("_erased")
    if not isinstance(marker, dict):
        return
    fields = set(marker.get("fields") or ())
    if rec.data.get(E.MARKER):
        if op.base_version < int(marker.get("version") or 0):
            raise _Reject("erased", "the person's data was erased after this change was made; it is dropped")
        if any(n in E.PERSON and new != E.PERSON[n] for n, (_old, new) in pairs.items()):
            raise _Reject("erased", "the person's data was erased; it is not entered again")
        return
    current = rec.data
    for name, (old, _new) in pairs.items():
        if name in fields and old != current.get(name):
            raise _Reject("erased", f"{op.table}.{name} was erased after this change was made; it is dropped")


def _find(batch: _Batch, table: str, name: str, values: Iterable[str]) -> list[str]:
    """Row ids of the commune's records of ``table`` whose field ``name`` is one of ``values`` (stored ones
    and this batch's own), all of them fetched into the batch."""
    wanted = sorted({v for v in values if v})
    if not wanted:
        return []
    conn = batch.conn
    commune = batch.device.commune_code
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        if _pg(conn):
            rows = conn.exec_driver_sql(
                "SELECT row_id FROM record WHERE commune_code = %s AND table_name = %s"
                " AND (data::jsonb ->> %s) = ANY(%s)",
                (commune, table, name, chunk),
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT row_id FROM record WHERE commune_code = ? AND table_name = ?"
                f" AND json_extract(data, '$.' || ?) IN ({','.join('?' * len(chunk))})",
                (commune, table, name, *chunk),
            )
        found.update(str(r[0]) for r in rows)
    _prefetch(batch, [(table, r) for r in found])
    wanted_set = set(wanted)
    out = []
    for (t, row_id), rec in batch.records.items():
        if t != table or rec is None or rec.commune_code != commune or rec.deleted:
            continue
        if str(rec.data.get(name)) in wanted_set:
            out.append(row_id)
    return sorted(out)


def _rows(batch: _Batch, table: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for row_id in ids:
        rec = batch.records.get((table, row_id))
        if rec is not None:
            out.append({**rec.data, "id": row_id})
    return out


def _erase(batch: _Batch, op: Op) -> OpResult:
    if op.table != "person":
        raise _Reject("bad_field", "only a person is erased")
    _check_uuid(op.row_id)
    commune = batch.device.commune_code
    rec = batch.records.get((op.table, op.row_id))
    if rec is None:
        raise _Missing("unknown_record", "the person is unknown to the server (their creation was not accepted)")
    if rec.commune_code != commune:
        raise _Reject("other_commune", "no such record in this commune")
    author = batch.records.get(("app_user", op.author_id or ""))
    if author is None and op.author_id:
        raise _Missing("not_operator", "only a commune operator known to the server can erase a person's data")
    if author is None or author.commune_code != commune or author.deleted:
        raise _Reject("not_operator", "only a commune operator known to the server can erase a person's data")
    if author.data.get("role") != Role.COMMUNE_OPERATOR.value:
        raise _Reject("not_operator", "only a commune operator can erase a person's data")
    reason = op.changes.get("reason")
    erased_at = op.changes.get(E.MARKER)
    if reason not in E.REASONS or set(op.changes) - {"reason", E.MARKER}:
        raise _Reject("bad_field", f"an erasure carries a reason ({', '.join(E.REASONS)}) and erased_at")
    if not isinstance(erased_at, str) or not 0 < len(erased_at) <= 40 or not storable_text(erased_at):
        raise _Reject("bad_field", "erased_at must be a time")
    if rec.data.get(E.MARKER):
        return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, reason="already erased", version=rec.version)

    person = {**rec.data, "id": op.row_id}
    related = E.Related(person=person)
    hh_id = rec.data.get("household_id")
    if isinstance(hh_id, str) and hh_id:
        _prefetch(batch, [("household", hh_id)])
        hh = batch.records.get(("household", hh_id))
        if hh is not None and hh.commune_code == commune and not hh.deleted:
            related.household = {**hh.data, "id": hh_id}
            members = _find(batch, "person", "household_id", [hh_id])
            related.other_members = sum(1 for m in members if m != op.row_id)
            related.visits = _rows(batch, "visit", _find(batch, "visit", "household_id", [hh_id]))
            visit_ids = [str(v["id"]) for v in related.visits]
            pairs: list[tuple[Any, Any]] = []
            for table in ("visit_finding", "visit_action"):
                for r in _rows(batch, table, _find(batch, table, "visit_id", visit_ids)):
                    pairs.append((r.get("visit_id"), r.get("person_id")))
            related.subjects = E.subjects_of(pairs)
    related.actions = _rows(batch, "visit_action", _find(batch, "visit_action", "person_id", [op.row_id]))
    related.submissions = _rows(
        batch, "assisted_submission", _find(batch, "assisted_submission", "person_id", [op.row_id])
    )
    related.statuses = _rows(
        batch,
        "submission_status",
        _find(batch, "submission_status", "submission_id", [str(r["id"]) for r in related.submissions]),
    )
    related.certificates = _rows(batch, "certificate", _find(batch, "certificate", "person_id", [op.row_id]))
    related.revocations = _rows(
        batch,
        "certificate_revocation",
        _find(batch, "certificate_revocation", "certificate_id", [str(r["id"]) for r in related.certificates]),
    )
    plan = E.plan(related, erased_at)

    version = batch.next_seq()
    who = [op.author_id, batch.device.id, op.created_at]
    for (table, row_id), blank in plan.items():
        target = batch.records.get((table, row_id))
        if target is None:
            continue
        values = E.changed(target.data, blank)
        if not values and table != "person":
            continue
        target.data.update(values)
        provenance = target.data.setdefault("_fields", {})
        for name in values:
            provenance[name] = who
        target.data["_erased"] = {"fields": sorted(blank), "version": version}
        _stamp(batch, op, target.data)
        target.version = version if (table, row_id) == ("person", op.row_id) else batch.next_seq()
        target.dirty = True

    # conflicts holding the erased values: blanked (and closed when about an erased field)
    keys = {row_id for _table, row_id in plan}
    for cid in _find(batch, CONFLICT_TABLE, "row_id", keys):
        conflict = batch.records[(CONFLICT_TABLE, cid)]
        assert conflict is not None
        cdata = conflict.data
        blanks = plan.get((str(cdata.get("table_name")), str(cdata.get("row_id"))))
        if blanks is None:
            continue
        name = str(cdata.get("field"))
        closing = name in blanks and cdata.get("status") == "open"
        if not E.scrub_conflict(name, cdata, blanks) and not closing:
            continue
        if closing:
            cdata.update(
                status="resolved", resolved_value=blanks[name], resolved_by=op.author_id, resolved_at=op.created_at
            )
        cdata["updated_at"] = batch.now
        conflict.version = batch.next_seq()
        conflict.dirty = True
    batch.erased = max(batch.erased, batch.seq)
    return OpResult(op_id=op.op_id, status=OpStatus.APPLIED, version=version)


def _mark_erasure(conn: Connection, commune_code: int, version: int) -> None:
    """Remember the commune's latest erasure (snapshots below it are stale) and tell the snapshot keeper."""
    key = erasure_mark_key(commune_code)
    insert = _pg_insert if _pg(conn) else _sqlite_insert
    stmt = insert(_META).values(key=key, value=str(version))
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": str(version)}))
    for hook in list(ERASURE_HOOKS):
        hook(conn.engine, commune_code)


def erasure_mark(conn: Connection, commune_code: int) -> int:
    """The version of the commune's latest erasure (0: none)."""
    row = conn.execute(select(_META.c.value).where(_META.c.key == erasure_mark_key(commune_code))).first()
    return 0 if row is None else int(row[0])


def _write_records(batch: _Batch) -> None:
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    now = batch.now
    for (table, row_id), rec in batch.records.items():
        if rec is None or not rec.dirty:
            continue
        data = _dumps(rec.data)
        if rec.stored:
            changed.append((rec.version, rec.deleted, data, now, table, row_id))
        else:
            new.append((table, row_id, rec.commune_code, rec.version, rec.deleted, data, now))
    conn = batch.conn
    insert = "INSERT INTO record (table_name, row_id, commune_code, version, deleted, data, updated_at) "
    update = "UPDATE record SET version = {}, deleted = {}, data = {}, updated_at = {} "
    if _pg(conn):
        # one statement per kind whatever the batch size (arrays unnested by the server): fewer round trips
        # and plans than a row at a time
        if new:
            conn.exec_driver_sql(
                insert + "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[], %s::bigint[], %s::bool[],"
                " %s::text[], %s::text[])",
                tuple(list(c) for c in zip(*new, strict=True)),
            )
        if changed:
            conn.exec_driver_sql(
                update.format("v.version", "v.deleted", "v.data", "v.updated_at")
                + "FROM unnest(%s::bigint[], %s::bool[], %s::text[], %s::text[], %s::text[], %s::text[])"
                " AS v(version, deleted, data, updated_at, table_name, row_id)"
                " WHERE record.table_name = v.table_name AND record.row_id = v.row_id",
                tuple(list(c) for c in zip(*changed, strict=True)),
            )
        return
    if new:
        conn.exec_driver_sql(insert + "VALUES (?, ?, ?, ?, ?, ?, ?)", new)
    if changed:
        conn.exec_driver_sql(update.format("?", "?", "?", "?") + "WHERE table_name = ? AND row_id = ?", changed)


# ---------------------------------------------------------------------------------------------------------
# Pull


def serve_pull(conn: Connection, device: DeviceInfo, cursor: int, limit: int, now: str) -> tuple[bytes, int, int]:
    """One page of the commune's records above ``cursor``, up to the safe high-water mark, as the JSON of a
    :class:`sync.protocol.PullResponse`.

    Records are stored as JSON text and sent as they are (no decoding and re-encoding per record: a first
    sync moves hundreds of thousands of them). Their ``data`` may hold keys starting with ``_`` (the
    server's per-field provenance); laptops ignore those. Reads only: returns (body, the cursor it serves,
    the device's ``pulled_to``); the caller records a higher served cursor with :func:`record_served` before
    the answer is sent.
    """
    limit = max(1, min(limit, MAX_PULL_LIMIT))
    row = conn.execute(
        select(_CTR.c.seq, _CTR.c.pruned_below).where(_CTR.c.commune_code == device.commune_code)
    ).first()
    high, pruned = (0, 0) if row is None else (int(row[0]), int(row[1]))
    dev = conn.execute(select(_DEV.c.pulled_to).where(_DEV.c.id == device.id)).first()
    pulled_to = 0 if dev is None else int(dev[0])
    reason: Literal["pruned", "restored"] | None = None
    if cursor > pulled_to or cursor > high:
        reason = "restored"  # a cursor this database never served: it is older than what the laptop saw
    elif 0 < cursor < pruned:
        reason = "pruned"
    if reason is not None:
        reset = PullResponse(changes=[], cursor=0, more=True, reset_required=True, reset_reason=reason, server_time=now)
        return reset.model_dump_json().encode(), 0, pulled_to
    rows = conn.execute(
        select(_REC.c.table_name, _REC.c.row_id, _REC.c.version, _REC.c.deleted, _REC.c.data)
        .where(and_(_REC.c.commune_code == device.commune_code, _REC.c.version > cursor, _REC.c.version <= high))
        .order_by(_REC.c.version)
        .limit(limit)
    ).all()
    if len(rows) == limit and int(rows[-1][2]) < high:
        next_cursor, more = int(rows[-1][2]), True
    else:
        next_cursor, more = high, False
    # table names and row ids are checked identifiers/UUIDs (no quoting needed); data is stored JSON
    parts = [
        f'{{"table":"{t}","row_id":"{r}","version":{int(v)},"deleted":{"true" if d else "false"},"data":{data}}}'
        for t, r, v, d, data in rows
    ]
    head = f'{{"cursor":{next_cursor},"more":{"true" if more else "false"},"reset_required":false,'
    return (head + f'"server_time":"{now}","changes":[' + ",".join(parts) + "]}").encode(), next_cursor, pulled_to


def record_served(conn: Connection, device: DeviceInfo, cursor: int, now: str) -> None:
    """Remember the highest cursor served to the device (never lowered)."""
    conn.execute(
        _DEV.update()
        .where(and_(_DEV.c.id == device.id, _DEV.c.pulled_to < cursor))
        .values(pulled_to=cursor, last_seen_at=now)
    )


def last_op_id(conn: Connection, device_id: str) -> int:
    row = conn.execute(select(_DEV.c.last_op_id).where(_DEV.c.id == device_id)).first()
    return 0 if row is None else int(row[0])


def high_water(conn: Connection, commune_code: int) -> int:
    row = conn.execute(select(_CTR.c.seq).where(_CTR.c.commune_code == commune_code)).first()
    return 0 if row is None else int(row[0])


def commune_digests(conn: Connection, commune_code: int) -> dict[str, tuple[int, str]]:
    """Count and digest per table of the commune's live records (tombstones excluded)."""
    per_table: dict[str, list[tuple[str, dict[str, Any]]]] = {t: [] for t in F.TABLES}
    rows = conn.execute(
        select(_REC.c.table_name, _REC.c.row_id, _REC.c.data).where(
            and_(_REC.c.commune_code == commune_code, _REC.c.deleted.is_(False))
        )
    )
    for t, r, data in rows:
        if t in per_table:
            per_table[t].append((r, _loads(data)))
    return {t: F.table_digest(t, rows_) for t, rows_ in per_table.items()}


def prune_tombstones(conn: Connection, older_than: str) -> dict[int, int]:
    """Purge tombstones last changed before ``older_than`` (ISO UTC; at least 180 days ago, see SYNC.md).

    Each commune's ``pruned_below`` rises to the highest pruned version, so a laptop whose cursor is below it
    (it could have missed a purged delete) is told to pull everything again instead of keeping the record.
    Returns the number purged per commune.
    """
    out: dict[int, int] = {}
    rows = conn.execute(
        select(_REC.c.commune_code, func.count(), func.max(_REC.c.version))
        .where(and_(_REC.c.deleted.is_(True), _REC.c.updated_at < older_than))
        .group_by(_REC.c.commune_code)
    ).all()
    for commune, n, top in rows:
        lock_counter(conn, int(commune))
        conn.execute(
            _REC.delete().where(
                and_(
                    _REC.c.commune_code == commune,
                    _REC.c.deleted.is_(True),
                    _REC.c.updated_at < older_than,
                    _REC.c.version <= top,
                )
            )
        )
        conn.execute(
            _CTR.update()
            .where(and_(_CTR.c.commune_code == commune, _CTR.c.pruned_below < top))
            .values(pruned_below=top)
        )
        out[int(commune)] = int(n)
    return out
