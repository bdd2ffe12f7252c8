"""What travels, table by table, and how a value is checked and compared — shared by laptop and server.

The laptop's models (``dlso_desktop.models``) and its sync registry decide which tables and fields sync; this
module turns that into plain data the server can check ops against without knowing SQLModel, and gives both
sides one canonical encoding for the verification digests.
"""

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Integer
from sqlmodel import SQLModel

from dlso_desktop import models
from dlso_desktop.storage import uow

#: Row metadata that travels with every record (set by the server from the op, never by the op's changes).
META_FIELDS: tuple[str, ...] = tuple(sorted(models.ROW_META_FIELDS - {"id", "version"}))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str  # "str", "int", "bool", "date"
    nullable: bool


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    kind: str  # "master" or "event"
    fields: dict[str, FieldSpec]  # the synced fields (those a laptop may change), "deleted" included
    defaults: dict[str, Any]  # values an insert op may leave out


def _field_kind(column: Any) -> str:
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, Integer):
        return "int"
    if isinstance(column.type, Date):
        return "date"
    return "str"


def _table_spec(name: str, kind: str) -> TableSpec:
    table = SQLModel.metadata.tables[name]
    fields = {f: FieldSpec(_field_kind(table.c[f]), bool(table.c[f].nullable)) for f in uow.synced_fields(name)}
    defaults = {f: _json_value(v) for f, v in uow._DEFAULTS[name].items() if f in fields}
    return TableSpec(name, kind, fields, defaults)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


#: The tables laptops write (master records and events); catalogues flow down only and are not here.
TABLES: dict[str, TableSpec] = {
    name: _table_spec(name, spec.kind) for name, spec in models.SYNC_REGISTRY.items() if spec.kind != "catalogue"
}


class BadValue(ValueError):
    pass


def check_value(spec: FieldSpec, value: Any) -> Any:
    """The value in its canonical JSON form (text NFC, dates ISO), or :class:`BadValue`."""
    if value is None:
        if not spec.nullable:
            raise BadValue("must not be empty")
        return None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise BadValue("must be true or false")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue("must be a whole number")
        if not -(2**62) < value < 2**62:
            raise BadValue("out of range")
        return value
    if not isinstance(value, str):
        raise BadValue("must be text")
    if len(value) > 10_000:
        raise BadValue("too long")
    if spec.kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise BadValue("must be a date YYYY-MM-DD") from None
    return unicodedata.normalize("NFC", value)


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_value)


def row_digest(table: str, row_id: str, data: Mapping[str, Any]) -> int:
    """A 64-bit digest of one record's synced fields (same on laptop and server for the same content)."""
    spec = TABLES[table]
    content = {f: _json_value(data.get(f, spec.defaults.get(f))) for f in spec.fields}
    h = hashlib.sha256(f"{table}\x1f{row_id}\x1f{canonical(content)}".encode()).digest()
    return int.from_bytes(h[:8], "big")


def table_digest(table: str, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[int, str]:
    """(count, digest) of a table's records, independent of their order."""
    total = 0
    count = 0
    for row_id, data in rows:
        total = (total + row_digest(table, row_id, data)) % 2**64
        count += 1
    return count, f"{total:016x}"
