"""Accent-insensitive search over persons and households, kept inside the write transaction.

Design (docs/ARCHITECTURE.md, "Search"):

* Each searchable record has a *document*: its folded text (lowercase, no tones or diacritics, đ -> d,
  apostrophes removed) in columns ``given`` (the given name: what people are sorted and mostly searched by),
  ``name`` (the rest of the name), ``place`` (households: address and village) and ``ids`` (the phone number,
  its last 6 and last 4 digits; the last four digits of the citizen ID).
* Two contentless FTS5 indexes per kind: words (``detail=column``, prefix indexes 1-3) and numbers
  (``detail=none``). They keep no copy of the documents: a document is recomputed from the record when it
  must be taken out, and the record's ``search_rowid`` maps a match back to it. ``SEARCH_DOC_VERSION``
  re-indexes a database once when the document format changes.
* The document's rowid is chosen so that **rowid order is Vietnamese name order**: its high 42 bits encode
  the first six primary weights of the row's Vietnamese sort key, the low 20 bits are random. FTS5
  returns matches in rowid order, so ``LIMIT 50`` stops after fifty matches instead of ranking every
  "Nguyễn" in the province. The exact order of the page is then fixed with the full sort key.
* Best matches first: the query runs in tiers (given name matched exactly -> all words exact -> last word
  as a prefix -> every word as a prefix) until the page is full.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from dlso_desktop.text import fold, guess_name_order

KINDS = ("person", "household")

#: Bump when what goes into a document changes: opening a database indexed with another version rebuilds
#: the index (documents are recomputed from the records; nothing else holds them).
SEARCH_DOC_VERSION = "1"

#: DDL run by the initial migration (and only there).
SEARCH_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE fts_person USING fts5(given, name, content='', detail=column, prefix='1 2 3',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE fts_person_ids USING fts5(ids, content='', detail=none,"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE fts_household USING fts5(given, name, place, content='', detail=column,"
    " prefix='1 2 3', tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE fts_household_ids USING fts5(ids, content='', detail=none,"
    " tokenize='unicode61 remove_diacritics 0')",
)

_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("given", "name", "ids"),
    "household": ("given", "name", "place", "ids"),
}
#: the words index (prefix indexes, column filters) and the numbers index (plain tokens: half the index
#: entries of a person are phone endings, and nobody types one letter of a phone number)
_WORD_COLUMNS: dict[str, tuple[str, ...]] = {kind: cols[:-1] for kind, cols in _COLUMNS.items()}

# ---------------------------------------------------------------------------------------------------------
# Rowids in Vietnamese order

_PREFIX_CHARS = 6  # 6 x 7 bits of order + 20 random bits: a positive 62-bit rowid
_RANDOM_BITS = 20


def order_prefix(sort_key: str) -> int:
    """The high bits of a document rowid, from the first characters of a ``text.vi_sort_key`` primary part.

    Primary weights are ASCII from "#" (0x23) up, so each character maps to 7 bits keeping its order
    (anything beyond ASCII, which sorts after every letter, maps to the top value).
    """
    return _prefix_value(sort_key.partition("!")[0][:_PREFIX_CHARS])


@lru_cache(maxsize=65536)
def _prefix_value(primary: str) -> int:
    value = 0
    for i in range(_PREFIX_CHARS):
        code = min(max(ord(primary[i]) - 0x22, 1), 127) if i < len(primary) else 0
        value = (value << 7) | code
    return value


# ---------------------------------------------------------------------------------------------------------
# Documents


def _split_given(full_name: str, name_order: str) -> tuple[str, str]:
    """(given-name column, rest of the name), folded. Ê Đê given names also answer without their
    gender prefix: "H'Maryam" is found by "hmaryam" and by "maryam"."""
    words = fold(full_name).split()
    if not words:
        return "", ""
    if name_order == "given_first":
        # "Y Mek Ê Nuôl": the given name follows the gender prefix Y/H when there is one.
        if len(words) > 2 and words[0] in {"y", "h"}:
            return words[1], " ".join([words[0], *words[2:]])
        first = full_name.split()[0].replace("’", "'")
        prefix, _, rest = first.partition("'")
        if rest and prefix.lower() in {"h", "y"}:
            return f"{words[0]} {fold(rest)}", " ".join(words[1:])
        return words[0], " ".join(words[1:])
    return words[-1], " ".join(words[:-1])


def phone_tokens(phone: str | None) -> list[str]:
    """The number, its last 6 and its last 4 digits.

    Prefix queries then find a number typed from its start and by its ending, which is how people recall
    numbers; a fragment from the middle of the number is not found. (A number typed with +84 or without its
    0 is turned back into 0… by the search service.)
    """
    if not phone:
        return []
    digits = phone if phone.isdigit() else "".join(c for c in phone if c.isdigit())
    n = len(digits)
    if n < 4:
        return []
    return [digits, digits[-6:], digits[-4:]] if n > 6 else [digits] if n == 4 else [digits, digits[-4:]]


def person_doc(row: Mapping[str, Any]) -> tuple[str, str, str]:
    if row.get("erased_at"):
        return "", "", ""  # an erased person (consent withdrawn) is found by nothing
    given, rest = _split_given(row["full_name"], row.get("name_order") or "family_first")
    ids = phone_tokens(row.get("phone"))
    cid = row.get("citizen_id")
    if cid:
        ids.append(cid[-4:])
    return given, rest, " ".join(ids)


def household_doc(row: Mapping[str, Any], village_name: str) -> tuple[str, str, str, str]:
    given, rest = _split_given(row["head_name"], guess_name_order(row["head_name"]))
    place = fold(f"{row.get('address') or ''} {village_name}")
    return given, rest, place, " ".join(phone_tokens(row.get("phone")))


class SearchIndex:
    """Maintains the documents and FTS indexes inside the caller's transaction."""

    def __init__(self, conn: Connection, rng: random.Random | None = None) -> None:
        self.conn = conn
        self.rng = rng or random.Random()

    def _new_rowids(self, kind: str, prefixes: Sequence[int]) -> list[int]:
        """Fresh rowids with the given order prefixes, unique in the table and among themselves."""
        bits = _RANDOM_BITS
        out = [(p << bits) | self.rng.getrandbits(bits) for p in prefixes]
        while True:
            seen: set[int] = set()
            clash = [i for i, r in enumerate(out) if r in seen or seen.add(r)]  # type: ignore[func-returns-value]
            taken: set[int] = set()
            for start in range(0, len(out), 500):
                chunk = out[start : start + 500]
                marks = ",".join("?" * len(chunk))
                taken.update(
                    r[0]
                    for r in self.conn.exec_driver_sql(
                        f"SELECT search_rowid FROM {kind} WHERE search_rowid IN ({marks})", tuple(chunk)
                    )
                )
            clash.extend(i for i, r in enumerate(out) if r in taken)
            if not clash:
                return out
            for i in set(clash):
                out[i] = (prefixes[i] << bits) | self.rng.getrandbits(bits)

    def add(self, kind: str, sort_keys: Sequence[str], docs: Sequence[tuple[str, ...]]) -> list[int]:
        """Index new entities; returns their document rowids (the caller stores them as ``search_rowid``)."""
        if not docs:
            return []
        rowids = self._new_rowids(kind, [order_prefix(k) for k in sort_keys])
        words = _WORD_COLUMNS[kind]
        # FTS5 takes rows in rowid order about twice as fast as in random order
        rows = sorted(zip(rowids, docs, strict=True))
        self.conn.exec_driver_sql(
            f"INSERT INTO fts_{kind} (rowid, {', '.join(words)}) VALUES (?{', ?' * len(words)})",
            [(r, *d[:-1]) for r, d in rows],
        )
        self.conn.exec_driver_sql(
            f"INSERT INTO fts_{kind}_ids (rowid, ids) VALUES (?, ?)", [(r, d[-1]) for r, d in rows]
        )
        return rowids

    def remove(self, kind: str, rowid: int, doc: tuple[str, ...]) -> None:
        """Take a document out of the index; ``doc`` is the document it was indexed with (contentless FTS5
        keeps no copy: the caller recomputes it from the record as it was)."""
        words = _WORD_COLUMNS[kind]
        self.conn.exec_driver_sql(
            f"INSERT INTO fts_{kind} (fts_{kind}, rowid, {', '.join(words)}) VALUES ('delete', ?{', ?' * len(words)})",
            (rowid, *doc[:-1]),
        )
        self.conn.exec_driver_sql(
            f"INSERT INTO fts_{kind}_ids (fts_{kind}_ids, rowid, ids) VALUES ('delete', ?, ?)", (rowid, doc[-1])
        )

    def replace(self, kind: str, old: tuple[int, tuple[str, ...]] | None, sort_key: str, doc: tuple[str, ...]) -> int:
        if old is not None:
            self.remove(kind, *old)
        return self.add(kind, [sort_key], [doc])[0]


def rebuild(conn: Connection) -> int:
    """Re-index every live person and household from the records (after a document-format change)."""
    index = SearchIndex(conn)
    villages: dict[str, str] = {str(k): str(v) for k, v in conn.exec_driver_sql("SELECT id, name FROM village")}
    total = 0
    for kind in KINDS:
        for fts in (f"fts_{kind}", f"fts_{kind}_ids"):
            conn.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')")
        conn.exec_driver_sql(f"UPDATE {kind} SET search_rowid = NULL")
        rows = [dict(r) for r in conn.exec_driver_sql(f"SELECT * FROM {kind} WHERE deleted = 0").mappings()]
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            docs = [
                person_doc(r) if kind == "person" else household_doc(r, str(villages.get(r["village_id"], "")))
                for r in chunk
            ]
            rowids = index.add(kind, [r["sort_key"] for r in chunk], docs)
            conn.exec_driver_sql(
                f"UPDATE {kind} SET search_rowid = ? WHERE id = ?",
                [(n, r["id"]) for n, r in zip(rowids, chunk, strict=True)],
            )
            total += len(chunk)
    conn.exec_driver_sql(
        "INSERT INTO meta (key, value) VALUES ('search_doc_version', ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SEARCH_DOC_VERSION,),
    )
    return total


# ---------------------------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    rowid: int
    tier: int


def _fts_query(tokens: Sequence[str], tier: int) -> str:
    def term(tok: str, prefix: bool) -> str:
        return f'"{tok}"' + ("*" if prefix else "")

    if tier == 0:
        alts = " OR ".join(term(t, False) for t in tokens)
        return " AND ".join([*(term(t, False) for t in tokens), f"given : ({alts})"])
    if tier == 1:
        return " AND ".join(term(t, False) for t in tokens)
    if tier == 2:
        return " AND ".join(term(t, i == len(tokens) - 1) for i, t in enumerate(tokens))
    return " AND ".join(term(t, True) for t in tokens)


def query_tokens(query: str) -> list[str]:
    """Folded query words; only letters and digits survive, so they are safe inside an FTS5 string."""
    return [t for t in fold(query).split() if t.isalnum()][:8]


def find(conn: Connection, kind: str, query: str, limit: int = 50) -> list[Match]:
    """Up to ``limit`` matches, best tier first, each tier in (approximate) Vietnamese name order.

    Words go to the words index in tiers; numbers (phone fragments, CCCD endings) to the numbers index as
    prefixes. A query with both restricts the word tiers to rows whose numbers match; numbers that are not
    phone numbers (a house number in an address) are also tried as words."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    found: dict[int, Match] = {}

    def collect(sql: str, params: tuple[object, ...], tier: int) -> None:
        for (rowid,) in conn.exec_driver_sql(sql, (*params, limit)):
            if rowid not in found:
                found[rowid] = Match(kind, rowid, tier)
                if len(found) >= limit:
                    return

    word_sql = f"SELECT rowid FROM fts_{kind} WHERE fts_{kind} MATCH ?"
    ids_sql = f"SELECT rowid FROM fts_{kind}_ids WHERE fts_{kind}_ids MATCH ?"
    # a number typed without its leading 0 ("905123") is also the start of "0905123…"
    ids_query = " AND ".join(f'"{t}"*' if t.startswith("0") else f'("{t}"* OR "0{t}"*)' for t in numbers)
    if not words:
        collect(f"{ids_sql} ORDER BY rowid LIMIT ?", (ids_query,), 3)
    else:
        for tier in (0, 1, 2, 3):
            if len(found) >= limit:
                break
            if numbers:
                collect(
                    f"{word_sql} AND rowid IN ({ids_sql}) ORDER BY rowid LIMIT ?",
                    (_fts_query(words, tier), ids_query),
                    tier,
                )
            else:
                collect(f"{word_sql} ORDER BY rowid LIMIT ?", (_fts_query(words, tier),), tier)
    if numbers and len(found) < limit:
        collect(f"{word_sql} ORDER BY rowid LIMIT ?", (_fts_query(tokens, 3),), 3)
    return list(found.values())
