"""The audit trail: who did what to which record, when — append-only and hash-chained.

Every unit of work writes an ``audit_entry`` per change (see :mod:`dlso_desktop.storage.uow`). Each entry
carries ``prev_hash`` (the ``hash`` of the entry before it) and its own ``hash``: SHA-256 over the canonical
encoding of ``(seq, at, user_id, device_id, action, table_name, row_id, summary, prev_hash)`` — a JSON array
without spaces, UTF-8 text as is (``[7,"2026-12-02T10:00:00.000Z",null,"dev","create","person","id","",
"ab…"]``). The first entry chains from :func:`genesis` of the laptop's device id. SQLite triggers refuse
``UPDATE`` and ``DELETE`` on the table (migration 0005); someone who edits the file around the triggers
breaks the chain, and :func:`verify` says where:

* ``changed`` — an entry's content no longer matches its hash;
* ``missing`` — a gap in ``seq`` or a link to an entry that is not there (an entry was deleted);
* ``reordered`` — an entry links to another entry of the trail than the one before it.

The chain is not keyed: whoever can write the database file can also recompute every hash after an edit.
What catches that is a copy of the head kept elsewhere — ``verify(db, anchor=(seq, hash))`` with the head of
an earlier export or of the server's copy checks that the trail still holds that exact entry. Once the trail
syncs (``sync/audit_push.py``), the head the server last acknowledged is kept in ``meta``
(:data:`ACKNOWLEDGED`) and :func:`verify` checks it every time: the server holds a copy of every entry up to it.

This module imports nothing of the storage layer at run time (the unit of work imports it).
"""

from __future__ import annotations

import csv
import hashlib
import json
import json.encoder as json_encoder
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from dlso_desktop.storage.store import Database

GENESIS_TAG = b"DLSO-AUDIT-v1"
#: the columns an entry is hashed over, in order (``prev_hash`` last)
HASHED = ("seq", "at", "user_id", "device_id", "action", "table_name", "row_id", "summary", "prev_hash")
COLUMNS = (*HASHED, "hash")
PAGE = 5000
#: ``meta`` key: ``"SEQ:HASH"`` of the last entry the server acknowledged (it holds a copy up to there)
ACKNOWLEDGED = "sync.audit_acknowledged"

Reason = Literal["changed", "missing", "reordered"]
Format = Literal["csv", "jsonl"]

_MAKE_C_ENCODER: Any = getattr(json_encoder, "c_make_encoder", None)
_C_ENCODE: Any = (
    _MAKE_C_ENCODER(None, None, json_encoder.encode_basestring, None, ":", ",", False, False, False)
    if _MAKE_C_ENCODER is not None
    else None
)
_sha256 = hashlib.sha256
_escape: Any = json_encoder.encode_basestring  # a JSON string literal, UTF-8 text kept as is (C when available)


def _canonical(values: list[Any]) -> str:
    if _C_ENCODE is None:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return "".join(_C_ENCODE(values, 0))


def genesis(device_id: str) -> str:
    """What the first entry of a laptop's trail chains from."""
    return _sha256(GENESIS_TAG + device_id.encode("utf-8")).hexdigest()


def entry_hash(
    seq: int,
    at: str,
    user_id: str | None,
    device_id: str,
    action: str,
    table_name: str,
    row_id: str,
    summary: str,
    prev_hash: str,
) -> str:
    values = [seq, at, user_id, device_id, action, table_name, row_id, summary, prev_hash]
    return _sha256(_canonical(values).encode("utf-8")).hexdigest()


def _row_hash(row: Sequence[Any]) -> str:
    """:func:`entry_hash` of a stored row (its :data:`HASHED` columns), the fast way when the types are
    the expected ones (text, and an int ``seq``)."""
    seq, at, user_id, device_id, action, table_name, row_id, summary, prev = row[:9]
    if type(seq) is not int or type(prev) is not str:
        return entry_hash(*row[:9])
    esc = _escape
    try:
        text = (
            f"[{seq},{esc(at)},{'null' if user_id is None else esc(user_id)},{esc(device_id)},{esc(action)},"
            f"{esc(table_name)},{esc(row_id)},{esc(summary)},{esc(prev)}]"
        )
    except TypeError:  # a value that is not text (written around the app): the generic encoding
        return entry_hash(*row[:9])
    return _sha256(text.encode("utf-8")).hexdigest()


def chain(entries: Iterable[Sequence[Any]], last_seq: int, last_hash: str) -> list[tuple[Any, ...]]:
    """Number and chain new entries ``(at, user_id, device_id, action, table_name, row_id, summary)`` after
    the entry ``last_seq`` whose hash is ``last_hash``: rows in :data:`COLUMNS` order, ready to insert.

    The same encoding as :func:`entry_hash`, written out for the write path (a unit of work's entries share
    their time, user and device, so that part is encoded once): about 1.5 µs an entry.
    """
    out: list[tuple[Any, ...]] = []
    append = out.append
    esc = _escape
    sha = _sha256
    shared: dict[tuple[str, str | None, str], str] = {}
    seq, prev = last_seq, last_hash
    for at, user_id, device_id, action, table_name, row_id, summary in entries:
        seq += 1
        key = (at, user_id, device_id)
        common = shared.get(key)
        if common is None:
            common = shared[key] = f"{esc(at)},{'null' if user_id is None else esc(user_id)},{esc(device_id)}"
        text = f'[{seq},{common},{esc(action)},{esc(table_name)},{esc(row_id)},{esc(summary)},"{prev}"]'
        digest = sha(text.encode("utf-8")).hexdigest()
        append((seq, at, user_id, device_id, action, table_name, row_id, summary, prev, digest))
        prev = digest
    return out


def head(conn: Connection) -> tuple[int, str | None]:
    """``(next seq - 1, hash of the last entry)`` read in the caller's transaction; the seq is the larger of
    the last entry's and the table's AUTOINCREMENT high-water mark (a deleted tail leaves a gap)."""
    row = conn.exec_driver_sql(
        "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'), a.seq, a.hash"
        " FROM (SELECT 1) LEFT JOIN (SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1) a"
    ).one()
    high, last, digest = row
    return max(int(high or 0), int(last or 0)), (None if digest is None else str(digest))


def device_id_of(conn: Connection) -> str:
    value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'device_id'").scalar()
    return "" if value is None else str(value)


def parse_anchor(text: str | None) -> tuple[int, str] | None:
    """``"SEQ:HASH"`` (64 lower-case hex digits) as ``(seq, hash)``; None for anything else."""
    if not text:
        return None
    seq_text, _, digest = text.partition(":")
    if not seq_text.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    return int(seq_text), digest


def acknowledged(conn: Connection) -> tuple[int, str] | None:
    """The head the server last acknowledged (:data:`ACKNOWLEDGED`), None before the trail first synced."""
    value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (ACKNOWLEDGED,)).scalar()
    return parse_anchor(None if value is None else str(value))


# ---------------------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True, slots=True)
class AuditReport:
    ok: bool
    checked: int  # entries read
    last_seq: int | None  # the last entry read (the trail's head when ok)
    head_hash: str | None  # its hash: keep it to anchor a later check
    broken_seq: int | None = None  # the first entry that does not verify (for a gap: the first missing seq)
    reason: Reason | None = None
    detail: str = ""
    #: the entry the server acknowledged last, checked against its copy's hash (None: not synced yet)
    server_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pages(conn: Connection, columns: str, source: str = "audit_entry a") -> Iterator[Any]:
    """Every entry in seq order, a page at a time (a million-entry trail never sits in memory); the first
    column must be ``a.seq``."""
    after = -1
    while True:
        rows = conn.exec_driver_sql(
            f"SELECT {columns} FROM {source} WHERE a.seq > ? ORDER BY a.seq LIMIT {PAGE}", (after,)
        ).all()
        yield from rows
        if len(rows) < PAGE:
            return
        after = int(rows[-1][0])


def verify(
    db: Database,
    *,
    anchor: tuple[int, str] | None = None,
    server: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """Walk the whole trail and check every hash and link (one read transaction: a consistent view).

    ``anchor`` — a ``(seq, hash)`` known from earlier (an export's last line, the server's copy): the trail
    must still hold that entry unchanged, so an edit whose hashes were all recomputed, or a cut tail, shows.
    ``server`` — also check the head the server last acknowledged (:func:`acknowledged`), when there is one.
    ``progress(checked, total)`` — called every :data:`PAGE` entries (and once at the start).
    """
    with db.reader() as conn:
        return verify_connection(conn, anchor=anchor, server=server, progress=progress)


def verify_connection(
    conn: Connection,
    *,
    anchor: tuple[int, str] | None = None,
    server: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    prev_seq, prev_hash = 0, genesis(device_id_of(conn))
    checked = 0
    acked = acknowledged(conn) if server else None
    #: seq -> (hash, what the anchor is): entries recorded elsewhere that the trail must still hold
    anchors: dict[int, list[tuple[str, str]]] = {}
    if anchor is not None:
        anchors.setdefault(anchor[0], []).append((anchor[1], "recorded earlier (anchor)"))
    if acked is not None:
        anchors.setdefault(acked[0], []).append((acked[1], "the server's copy"))
    server_seq = None if acked is None else acked[0]
    total = 0
    if progress is not None:
        total = int(conn.exec_driver_sql("SELECT count(*) FROM audit_entry").scalar() or 0)
        progress(0, total)

    def broken(seq: int, reason: Reason, detail: str) -> AuditReport:
        return AuditReport(
            False, checked, prev_seq or None, prev_hash if prev_seq else None, seq, reason, detail, server_seq
        )

    for row in _pages(conn, ", ".join(f"a.{c}" for c in COLUMNS)):
        seq = int(row[0])
        checked += 1
        if progress is not None and checked % PAGE == 0:
            progress(checked, max(total, checked))
        if _row_hash(row) != row[9]:
            return broken(seq, "changed", "the entry does not match its hash")
        if seq != prev_seq + 1:
            return broken(prev_seq + 1, "missing", f"entries {prev_seq + 1}..{seq - 1} are missing")
        if row[8] != prev_hash:
            found = conn.exec_driver_sql("SELECT seq FROM audit_entry WHERE hash = ? LIMIT 1", (row[8],)).first()
            if found is not None:
                return broken(seq, "reordered", f"the entry follows entry {found[0]}, not entry {prev_seq}")
            return broken(seq, "missing", f"the entry follows an entry that is not in the trail (after {prev_seq})")
        for digest, what in anchors.pop(seq, ()):
            if row[9] != digest:
                return broken(seq, "changed", f"the entry is not the one {what}")
        prev_seq, prev_hash = seq, str(row[9])
    if anchors:
        first = min(anchors)
        what = anchors[first][0][1]
        return broken(prev_seq + 1, "missing", f"the trail ends at {prev_seq}; entry {first} is {what}")
    return AuditReport(True, checked, prev_seq or None, prev_hash if prev_seq else None, server_seq=server_seq)


# ---------------------------------------------------------------------------------------------------------
# Reading and exporting


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: str
    user_id: str | None
    user_name: str | None  # the user's display name now (not part of the hash)
    device_id: str
    action: str
    table_name: str
    row_id: str
    summary: str
    prev_hash: str
    hash: str


_ROW_SQL = (
    "a.seq, a.at, a.user_id, u.display_name, a.device_id, a.action, a.table_name, a.row_id, a.summary,"
    " a.prev_hash, a.hash"
)
_FROM = "audit_entry a LEFT JOIN app_user u ON u.id = a.user_id"


def _where(
    since: str | None,
    until: str | None,
    user_id: str | None,
    table: str | None,
    row_id: str | None,
    action: str | None,
    text: str | None,
    also: Sequence[str] = (),
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("a.at >= ?", since),
        ("a.at < ?", until),
        ("a.user_id = ?", user_id),
        ("a.table_name = ?", table),
        ("a.row_id = ?", row_id),
        ("a.action = ?", action),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    if text:
        pattern = _contains(text)
        where.append(
            "(a.summary LIKE ? ESCAPE '\\' OR a.row_id LIKE ? ESCAPE '\\'"
            + " OR a.summary LIKE ? ESCAPE '\\'" * len(also)
            + ")"
        )
        params += [pattern, pattern, *map(_contains, also)]
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _contains(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, ``%`` and ``_`` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def entries(
    db: Database,
    *,
    since: str | None = None,
    until: str | None = None,
    user_id: str | None = None,
    table: str | None = None,
    row_id: str | None = None,
    action: str | None = None,
    text: str | None = None,
    also: Sequence[str] = (),
    up_to: int | None = None,
    limit: int = 100,
    offset: int = 0,
    newest_first: bool = True,
) -> list[AuditRow]:
    """A page of the trail for a viewer (``since``/``until``: ISO timestamps, ``until`` exclusive; ``text``:
    part of the summary or of the record id, ``%`` and ``_`` taken literally; ``also``: with ``text``, more
    parts of a summary that match too, e.g. the stored codes whose label a viewer reads as ``text``; ``up_to``:
    entries up to this seq only, so pages read one after the other see the same list while new entries are
    written)."""
    where, params = _where(since, until, user_id, table, row_id, action, text, also)
    if up_to is not None:
        where += (" AND " if where else " WHERE ") + "a.seq <= ?"
        params.append(up_to)
    sql = f"SELECT {_ROW_SQL} FROM {_FROM}{where}"
    sql += f" ORDER BY a.seq {'DESC' if newest_first else 'ASC'} LIMIT ? OFFSET ?"
    with db.reader() as conn:
        return [AuditRow(*r) for r in conn.exec_driver_sql(sql, (*params, max(0, limit), max(0, offset))).all()]


def count(db: Database, **filters: Any) -> int:
    """How many entries match the filters of :func:`entries` (all of them without filters)."""
    return matching(db, **filters)[0]


def matching(
    db: Database,
    *,
    since: str | None = None,
    until: str | None = None,
    user_id: str | None = None,
    table: str | None = None,
    row_id: str | None = None,
    action: str | None = None,
    text: str | None = None,
    also: Sequence[str] = (),
) -> tuple[int, int]:
    """``(entries matching, the highest seq among them or 0)`` — the filters of :func:`entries`."""
    where, params = _where(since, until, user_id, table, row_id, action, text, also)
    with db.reader() as conn:
        n, high = conn.exec_driver_sql(f"SELECT count(*), max(a.seq) FROM audit_entry a{where}", tuple(params)).one()
    return int(n or 0), int(high or 0)


EXPORT_FIELDS = tuple(AuditRow.__dataclass_fields__)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell Excel will not run as a formula (the text stays readable; JSON Lines keeps it exact)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export(db: Database, out: Path, fmt: Format = "csv") -> int:
    """Write the whole trail to ``out`` atomically (a temporary file beside it, then renamed); returns the
    number of entries. CSV is UTF-8 with a BOM (Excel opens it with Vietnamese text intact); JSON Lines
    holds the exact values, so the chain can be re-checked from the file."""
    with db.reader() as conn:
        return write_rows(out, EXPORT_FIELDS, _pages(conn, _ROW_SQL, _FROM), fmt)


def write_rows(out: Path, fields: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str = "csv") -> int:
    """``rows`` (values in the order of ``fields``) to ``out`` atomically, as CSV (UTF-8 with a BOM, cells Excel
    would run as formulas prefixed with ``'``) or JSON Lines (the exact values); returns the number of rows.
    The laptop's export and the server's (``sync.server.audit.export``) both write through here."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r}")
    out = Path(out)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
            writer = csv.writer(f) if fmt == "csv" else None
            if writer is not None:
                writer.writerow(fields)
            for r in rows:
                if writer is not None:
                    writer.writerow([_cell(v) for v in r])
                else:
                    f.write(json.dumps(dict(zip(fields, r, strict=True)), ensure_ascii=False) + "\n")
                n += 1
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def verify_export(path: Path, device_id: str) -> AuditReport:
    """Check the chain of a JSON Lines export (e.g. on another computer, given the laptop's device id)."""
    prev_seq, prev_hash, checked = 0, genesis(device_id), 0
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            seq = int(e["seq"])
            checked += 1
            last = (prev_seq or None, prev_hash if prev_seq else None)
            if entry_hash(*(e[c] for c in HASHED)) != e["hash"]:
                return AuditReport(False, checked, *last, seq, "changed", "the entry does not match its hash")
            if seq != prev_seq + 1 or e["prev_hash"] != prev_hash:
                return AuditReport(False, checked, *last, prev_seq + 1, "missing", "a gap or a broken link")
            prev_seq, prev_hash = seq, str(e["hash"])
    return AuditReport(True, checked, prev_seq or None, prev_hash if prev_seq else None)
