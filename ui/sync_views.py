"""Read models for the Sync page, built off the GUI thread.

:func:`load_details` gathers everything the page shows in one background call: the engine's status, the open
conflicts (:func:`sync.local.conflicts`), the changes the server rejected, who the users are, and a readable
label for every record mentioned.

The reads themselves are the sync package's (:func:`sync.local.rejected_changes`,
:func:`sync.local.record_labels`); this module only puts them together for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlso_desktop.services import Services
from dlso_desktop.storage.store import Database
from sync import engine, local
from sync.local import ConflictView, RejectedChange, record_labels, rejected_changes
from sync.protocol import CONFLICT_TABLE

#: fields whose values are ids of records of another table
REFERENCE_FIELDS: dict[str, str] = {
    "village_id": "village",
    "merged_into_id": "village",
    "household_id": "household",
    "trainer_user_id": "app_user",
}


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
