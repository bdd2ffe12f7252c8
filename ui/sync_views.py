"""Read models for the Sync page, built off the GUI thread.

:func:`load_details` gathers everything the page shows in one background call: the engine's status, the open
conflicts (:func:`sync.local.conflicts`), the changes the server rejected, who the users are, and a readable
label for every record mentioned.

Two reads here have no function in the sync package yet — the rejected outbox ops and the record labels — so
they are written here, read-only, on :meth:`Database.reader`. They belong in ``sync.local`` (a
``rejected_ops(db)`` and a ``record_labels(db, keys)``); move them there when it has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dlso_desktop.services import Services
from dlso_desktop.storage.store import Database
from sync import engine, local
from sync.local import ConflictView
from sync.protocol import CONFLICT_TABLE

#: master tables and the column that names one of their records
LABEL_COLUMNS: dict[str, str] = {
    "village": "name",
    "household": "head_name",
    "person": "full_name",
    "app_user": "display_name",
    "training_session": "place",
}
#: fields whose values are ids of records of another table
REFERENCE_FIELDS: dict[str, str] = {
    "village_id": "village",
    "merged_into_id": "village",
    "household_id": "household",
    "trainer_user_id": "app_user",
}


@dataclass(frozen=True, slots=True)
class RejectedChange:
    op_id: int
    table: str
    row_id: str
    kind: str  # insert / update / delete / resolve
    reason: str
    created_at: str


@dataclass(frozen=True, slots=True)
class SyncDetails:
    status: engine.SyncStatus
    conflicts: list[ConflictView]
    rejected: list[RejectedChange]
    #: user id -> display name (every user this laptop knows, deleted ones too)
    users: dict[str, str] = field(default_factory=dict)
    #: (table, row id) -> a readable name of the record
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    device_id: str = ""
    #: conflict id -> (table, row id, field) of every conflict a refused resolution names
    conflict_targets: dict[str, tuple[str, str, str]] = field(default_factory=dict)


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


def _referenced(conflict: ConflictView) -> list[tuple[str, str]]:
    target = REFERENCE_FIELDS.get(conflict.field)
    if target is None:
        return []
    return [(target, v) for v in (conflict.server_value, conflict.incoming_value) if isinstance(v, str)]


def load_details(db: Database) -> SyncDetails:
    """Everything the Sync page shows (one background call)."""
    status = engine.status(db)
    conflicts = local.conflicts(db)
    rejected = rejected_changes(db)
    users = {u.id: u.display_name for u in Services(db).users.list_all()}
    keys: list[tuple[str, str]] = [(c.table_name, c.row_id) for c in conflicts]
    keys += [(r.table, r.row_id) for r in rejected]
    targets: dict[str, tuple[str, str, str]] = {}
    if any(r.table == CONFLICT_TABLE for r in rejected):
        targets = {c.id: (c.table_name, c.row_id, c.field) for c in local.conflicts(db, open_only=False)}
        keys += [(t, row_id) for t, row_id, _f in targets.values()]
    for c in conflicts:
        keys += _referenced(c)
    ids: set[Any] = {c.server_by for c in conflicts} | {c.incoming_by for c in conflicts}
    missing = [("app_user", i) for i in ids if isinstance(i, str) and i not in users]
    labels = record_labels(db, keys + missing)
    for (table, row_id), name in labels.items():
        if table == "app_user":
            users.setdefault(row_id, name)  # a deleted user's name is still theirs
    return SyncDetails(status, conflicts, rejected, users, labels, db.device_id, targets)
