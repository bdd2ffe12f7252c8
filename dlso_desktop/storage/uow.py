"""The unit of work: one transaction that writes records, their audit entries, their outbox ops and their
search documents together — or none of them.

Services build plain dicts (validated, NFC) and hand them to a :class:`UnitOfWork`; it fills the row
metadata (who, which device, when), buffers inserts and writes each table with one ``executemany`` when it
flushes (so importing 50,000 persons costs a few statements, not 200,000), writes an outbox op per changed
row (``{field: new}`` for an insert, ``{field: [old, new]}`` for an update), an audit entry per change
(numbered and hash-chained here, see :mod:`dlso_desktop.storage.audit`), and keeps the search index
consistent. Nothing is visible to anyone else until :meth:`commit`; any exception rolls everything back.
"""

import json
import json.encoder as json_encoder
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, Table, select
from sqlmodel import SQLModel

from dlso_desktop import models
from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.storage import audit, schema
from dlso_desktop.storage.search import SearchIndex, household_doc, order_prefix, person_doc
from dlso_desktop.text import guess_name_order, person_sort_key

FaultHook = Callable[[str], None]

_TABLE_ORDER: dict[str, int] = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.is_required():
            continue
        out[name] = info.get_default(call_default_factory=True)
    return out


_DEFAULTS: dict[str, dict[str, Any]] = {name: _defaults(m) for name, m in models.TABLES.items()}
_MISSING = object()
_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in SQLModel.metadata.tables[name].columns) for name in models.TABLES
}


def synced_fields(table: str) -> tuple[str, ...]:
    spec = models.SYNC_REGISTRY[table]
    return tuple(c for c in _COLUMNS[table] if c not in models.ROW_META_FIELDS and c not in spec.local_fields)


_SYNCED: dict[str, tuple[str, ...]] = {name: synced_fields(name) for name in models.TABLES}
_INSERT_SQL: dict[str, str] = {
    name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for name, cols in _COLUMNS.items()
}
_DATE_COLUMNS: dict[str, tuple[int, ...]] = {
    name: tuple(i for i, c in enumerate(SQLModel.metadata.tables[name].columns) if isinstance(c.type, Date))
    for name in models.TABLES
}


_AUDIT_INSERT = (
    "INSERT INTO audit_entry (seq, at, user_id, device_id, action, table_name, row_id, summary, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_GETTERS: dict[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]] = {
    name: operator.itemgetter(*cols) for name, cols in _COLUMNS.items()
}
#: tables whose changes go to the outbox, and the fields an insert op carries
_INSERT_FIELDS: dict[str, tuple[tuple[str, Any], ...]] = {
    name: tuple((f, _DEFAULTS[name].get(f, _MISSING)) for f in _SYNCED[name] if f != "deleted")
    for name, spec in models.SYNC_REGISTRY.items()
    if spec.kind != "catalogue"
}


def _driver_params(table: str, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Complete rows as DB-API parameter tuples in the storage format SQLAlchemy's types use (ISO dates)."""
    get = _GETTERS[table]
    dates = _DATE_COLUMNS[table]
    if not dates:
        return [get(row) for row in rows]
    out = []
    for row in rows:
        values = list(get(row))
        for i in dates:
            day = values[i]
            if day is not None:
                values[i] = day.isoformat()
        out.append(tuple(values))
    return out


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_ENCODER = json.JSONEncoder(default=_json_default, ensure_ascii=False, separators=(",", ":"))
# JSONEncoder.encode builds a new C encoder on every call; an outbox op per row makes that add up
_MAKE_C_ENCODER: Any = getattr(json_encoder, "c_make_encoder", None)  # absent on interpreters without _json
_C_ENCODE: Any = (
    _MAKE_C_ENCODER(None, _json_default, json_encoder.encode_basestring, None, ":", ",", False, False, True)
    if _MAKE_C_ENCODER is not None
    else None
)


def dumps(value: object) -> str:
    """Compact JSON (UTF-8 text kept as is, dates as ISO strings), as ``_ENCODER.encode`` would write it."""
    if _C_ENCODE is None or not isinstance(value, dict):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


@dataclass(slots=True)
class _Pending:
    inserts: dict[str, list[dict[str, Any]]]
    outbox: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]


class UnitOfWork:
    """Buffers one transaction's writes; see the module docstring. Not thread-safe: one per user action."""

    def __init__(
        self,
        conn: Connection,
        *,
        device_id: str,
        commune_code: int,
        user_id: str | None,
        fault_hook: FaultHook | None = None,
        remote: bool = False,
    ) -> None:
        self.conn = conn
        #: applying changes pulled from the server: rows keep the server's metadata, no outbox op and no
        #: audit entry is written (the change is not this laptop's), the search index is kept as usual
        self.remote = remote
        self.device_id = device_id
        self.commune_code = commune_code
        self.user_id = user_id
        self.now = utc_now()
        self.txn_id = new_id()
        self.search = SearchIndex(conn)
        self._fault = fault_hook
        self._pending = _Pending({}, [], [])
        self._village_names: dict[str, str] = {}
        self._bases: dict[str, dict[str, Any]] = {}
        #: (seq, hash) of the trail's last entry, read once per transaction (the write lock keeps it ours)
        self._audit_head: tuple[int, str] | None = None
        self.counts: dict[str, int] = {}

    # -- writes ----------------------------------------------------------------------------------------

    def insert(
        self, table: str, values: Mapping[str, Any], *, action: str = "create", summary: str = ""
    ) -> dict[str, Any]:
        """Queue a new row; returns it complete (id and metadata filled)."""
        base = self._bases.get(table)
        if base is None:
            base = self._bases[table] = self._base_row(table)
        row = {**base, **values}
        if "id" not in values:
            row["id"] = new_id()
        if table == "person":
            row["sort_key"] = person_sort_key(row["full_name"], row["name_order"], row.get("sort_name"))
        elif table == "household":
            row["sort_key"] = person_sort_key(row["head_name"], guess_name_order(row["head_name"]), None)
        elif table == "village":
            row["sort_key"] = person_sort_key(row["name"], "given_first", None)
        self._pending.inserts.setdefault(table, []).append(row)
        fields = _INSERT_FIELDS.get(table)
        if fields is not None and not self.remote:
            # a field left at its model default (None, "", False, 0) is implied by the op's schema version
            changes = {f: v for f, default in fields if (v := row[f]) != default}
            self._queue_op(table, row["id"], "insert", changes, 0)
        self._queue_audit(action, table, row["id"], summary)
        return row

    def update(
        self,
        table: str,
        current: Mapping[str, Any],
        new_values: Mapping[str, Any],
        *,
        action: str = "update",
        summary: str = "",
        outbox: bool = True,
    ) -> dict[str, Any]:
        """Change fields of an existing row (``current`` is the row as read in this transaction).

        Returns ``{field: [old, new]}`` for the fields that really changed (empty: nothing was written).
        ``outbox`` False writes no outbox op (an erasure: its old values are the data being erased; one
        ``erase`` op, :meth:`queue_op`, tells the server instead).
        """
        self.flush()
        changes = {f: [current.get(f), v] for f, v in new_values.items() if current.get(f) != v}
        if not changes:
            return {}
        sets = {f: v for f, (_, v) in changes.items()}
        if not self.remote:
            sets.update(updated_at=self.now, updated_by=self.user_id, updated_device=self.device_id)
        merged = {**current, **sets}
        if table == "person":
            sets["sort_key"] = person_sort_key(merged["full_name"], merged["name_order"], merged.get("sort_name"))
        elif table == "household":
            sets["sort_key"] = person_sort_key(merged["head_name"], guess_name_order(merged["head_name"]), None)
        elif table == "village" and "name" in sets:
            sets["sort_key"] = person_sort_key(merged["name"], "given_first", None)
        if table in ("person", "household"):
            merged.update(sets)
            sets["search_rowid"] = self._reindex(table, current, merged)
        tbl = self._table(table)
        self.conn.execute(tbl.update().where(tbl.c.id == current["id"]).values(**sets))
        self._step("record")
        synced = {f: c for f, c in changes.items() if f in _SYNCED[table]}
        if synced and not self.remote and outbox:
            self._queue_op(table, current["id"], "update", synced, int(current.get("version") or 0))
        self._queue_audit(action, table, current["id"], summary or ", ".join(sorted(changes)))
        return changes

    def delete(self, table: str, current: Mapping[str, Any], *, summary: str = "") -> None:
        """Tombstone a row: it stays (and syncs) as deleted, so the delete never comes back."""
        self.flush()
        tbl = self._table(table)
        sets: dict[str, Any] = {
            "deleted": True,
            "updated_at": self.now,
            "updated_by": self.user_id,
            "updated_device": self.device_id,
        }
        if table in ("person", "household"):
            sets["search_rowid"] = None
        self.conn.execute(tbl.update().where(tbl.c.id == current["id"]).values(**sets))
        self._step("record")
        if table in ("person", "household") and current.get("search_rowid") is not None:
            self.search.remove(table, current["search_rowid"], self._doc(table, current))
            self._step("search")
        self._queue_op(table, current["id"], "delete", {"deleted": [False, True]}, int(current.get("version") or 0))
        self._queue_audit("delete", table, current["id"], summary)

    def _base_row(self, table: str) -> dict[str, Any]:
        """Defaults and this unit's metadata: what every new row of ``table`` starts from."""
        base = dict(_DEFAULTS[table])
        if "commune_code" in _COLUMNS[table]:
            base["commune_code"] = self.commune_code
        if "created_at" in _COLUMNS[table]:
            base["created_at"] = base["updated_at"] = self.now
            base["created_by"] = base["updated_by"] = self.user_id
            base["created_device"] = base["updated_device"] = self.device_id
        return base

    # -- reads inside the transaction -----------------------------------------------------------------

    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        self.flush()
        tbl = self._table(table)
        row = self.conn.execute(select(tbl).where(tbl.c.id == row_id)).mappings().first()
        return None if row is None else dict(row)

    def get_many(self, table: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        self.flush()
        tbl = self._table(table)
        wanted = list(dict.fromkeys(ids))
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in self.conn.execute(select(tbl).where(tbl.c.id.in_(chunk))).mappings():
                out[row["id"]] = dict(row)
        return out

    # -- flushing ---------------------------------------------------------------------------------------

    def flush(self) -> None:
        pending = self._pending
        if not (pending.inserts or pending.outbox or pending.audit):
            return
        inserts = sorted(pending.inserts.items(), key=lambda kv: _TABLE_ORDER[kv[0]])
        pending.inserts = {}
        for table, rows in inserts:
            if table in ("person", "household"):
                self._index_new(table, rows)
            self.conn.exec_driver_sql(_INSERT_SQL[table], _driver_params(table, rows))
            self.counts[table] = self.counts.get(table, 0) + len(rows)
        if inserts:
            self._step("record")
            if any(t in ("person", "household") for t, _ in inserts):
                self._step("search")
        if pending.audit:
            last = self._audit_head
            if last is None:
                seq, digest = audit.head(self.conn)
                last = (seq, audit.genesis(self.device_id) if digest is None else digest)
            chained = audit.chain(pending.audit, *last)
            self.conn.exec_driver_sql(_AUDIT_INSERT, chained)
            self._audit_head = (chained[-1][0], chained[-1][-1])
            pending.audit = []
            self._step("audit")
        if pending.outbox:
            self.conn.exec_driver_sql(
                "INSERT INTO outbox (txn_id, device_id, table_name, row_id, kind, changes, base_version,"
                " author_id, created_at, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pending.outbox,
            )
            pending.outbox = []
            self._step("outbox")

    def commit(self) -> None:
        self.flush()
        self._step("commit")
        self.conn.commit()
        self._audit_head = None

    def rollback(self) -> None:
        self._pending = _Pending({}, [], [])
        self._audit_head = None
        self.conn.rollback()

    # -- internals -------------------------------------------------------------------------------------

    def _step(self, name: str) -> None:
        if self._fault is not None:
            self._fault(name)

    @staticmethod
    def _table(name: str) -> Table:
        return SQLModel.metadata.tables[name]

    def _queue_op(self, table: str, row_id: str, kind: str, changes: Mapping[str, Any], base_version: int) -> None:
        self._pending.outbox.append(
            (
                self.txn_id,
                self.device_id,
                table,
                row_id,
                kind,
                dumps(changes),
                base_version,
                self.user_id,
                self.now,
                schema.SCHEMA_VERSION,
            )
        )

    def queue_op(self, table: str, row_id: str, kind: str, changes: Mapping[str, Any], base_version: int) -> None:
        """Queue an outbox op that is not a plain record change (an operator's ``erase``), after this unit's
        earlier ops."""
        self._queue_op(table, row_id, kind, changes, base_version)

    def audit(self, action: str, table: str, row_id: str, summary: str = "") -> None:
        """Queue an audit entry for a change made outside :meth:`insert`/:meth:`update`/:meth:`delete` (e.g.
        a conflict resolution, which is an outbox op only). Never insert into ``audit_entry`` directly: the
        entry must be numbered and chained here."""
        self._pending.audit.append((self.now, self.user_id, self.device_id, action, table, row_id, summary))

    def _queue_audit(self, action: str, table: str, row_id: str, summary: str) -> None:
        if self.remote:
            return
        self._pending.audit.append((self.now, self.user_id, self.device_id, action, table, row_id, summary))

    def _village_name(self, village_id: str) -> str:
        name = self._village_names.get(village_id)
        if name is None:
            row = self.conn.exec_driver_sql("SELECT name FROM village WHERE id = ?", (village_id,)).first()
            name = "" if row is None else str(row[0])
            self._village_names[village_id] = name
        return name

    def remember_village(self, village_id: str, name: str) -> None:
        self._village_names[village_id] = name

    def reindex_village(self, village_id: str, old_name: str, new_name: str) -> None:
        """Re-index the households of a renamed village (their documents hold its name)."""
        self.flush()
        rows = self.conn.exec_driver_sql(
            "SELECT id, head_name, address, phone, village_id, sort_key, search_rowid FROM household"
            " WHERE village_id = ? AND deleted = 0",
            (village_id,),
        ).mappings()
        for r in [dict(m) for m in rows]:
            old = None if r["search_rowid"] is None else (r["search_rowid"], household_doc(r, old_name))
            rowid = self.search.replace("household", old, r["sort_key"], household_doc(r, new_name))
            self.conn.exec_driver_sql("UPDATE household SET search_rowid = ? WHERE id = ?", (rowid, r["id"]))
        self._village_names[village_id] = new_name
        self._step("search")

    def _doc(self, table: str, row: Mapping[str, Any]) -> tuple[str, ...]:
        if table == "person":
            return person_doc(row)
        return household_doc(row, self._village_name(row["village_id"]))

    def index_copied(self, table: str, ids: Iterable[str]) -> int:
        """Give search documents to rows that were copied in by plain SQL with ``search_rowid`` NULL (a
        laptop's own rows carried into a commune snapshot); returns how many live rows were indexed."""
        rows = [r for r in self.get_many(table, ids).values() if not r.get("deleted")]
        if rows:
            self._index_new(table, rows)
            self.conn.exec_driver_sql(
                f"UPDATE {table} SET search_rowid = ? WHERE id = ?", [(r["search_rowid"], r["id"]) for r in rows]
            )
        return len(rows)

    def _index_new(self, table: str, rows: list[dict[str, Any]]) -> None:
        live = [r for r in rows if not r.get("deleted")]
        rowids = self.search.add(table, [r["sort_key"] for r in live], [self._doc(table, r) for r in live])
        for row, rowid in zip(live, rowids, strict=True):
            row["search_rowid"] = rowid

    def _reindex(self, table: str, current: Mapping[str, Any], row: Mapping[str, Any]) -> int | None:
        """The row's new search rowid; its document is replaced only when what is indexed changed."""
        old_rowid = current.get("search_rowid")
        old = None if old_rowid is None else (old_rowid, self._doc(table, current))
        if row.get("deleted"):
            if old is not None:
                self.search.remove(table, *old)
            return None
        doc = self._doc(table, row)
        if old is not None and old[1] == doc and order_prefix(current["sort_key"]) == order_prefix(row["sort_key"]):
            return old_rowid  # e.g. a visit changed only digital-status fields
        rowid = self.search.replace(table, old, row["sort_key"], doc)
        self._step("search")
        return rowid
