"""The server's copy of every laptop's audit trail (docs/SYNC_PROTOCOL.md, "The audit trail").

A laptop sends its entries in ``seq`` order (``POST /sync/v1/audit``, :mod:`sync.audit_protocol`); they are
kept per device in ``audit_entry`` (migration s0003), checked on arrival: every entry's hash is recomputed with
the laptop's own function (:func:`dlso_desktop.storage.audit.entry_hash`), ``seq`` numbers follow each other
and every ``prev_hash`` is the hash of the entry before it — from the genesis of the device for its first
entry, and from the last entry the server holds for every later batch. A batch that breaks the chain is
refused whole (409 ``audit_chain_broken``) and nothing of it is stored: the laptop's trail was edited after
entries left it, or before they did in a way the chain shows. A batch that repeats entries the server holds
(an answer lost on the way back) is acknowledged again, the repeated entries counted as duplicates, provided
they are the very same entries.

The copy is what makes the laptop's chain worth something: whoever holds a laptop can recompute its whole
chain after an edit, but not the server's copy, whose head the laptop keeps and checks (``verify``). Only the
token's device writes its entries; there is no endpoint to read another device's or commune's.
``dlso-server admin audit verify|export`` checks and exports the copies (:func:`verify_device`, :func:`export`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final

from fastapi import FastAPI, Header
from sqlalchemy import BigInteger, Column, Connection, Engine, Index, Text, select
from sqlmodel import Field

from dlso_desktop.storage import audit as chain
from sync import audit_protocol as AP
from sync import protocol as P
from sync.server.apply import DeviceInfo
from sync.server.db import FifoSemaphore, read_only, writing
from sync.server.models import Device, ServerModel

__all__ = [
    "AuditEntryRow",
    "AuditRefused",
    "devices_of",
    "export",
    "head",
    "install",
    "store",
    "verify_device",
]


class AuditEntryRow(ServerModel, table=True):
    """One entry of a laptop's audit trail, exactly as the laptop holds it (``device_id`` is the laptop's, which
    must be the sending device's), with when it arrived."""

    __tablename__ = "audit_entry"
    device_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    commune_code: int
    at: str
    user_id: str | None = None
    action: str
    table_name: str
    row_id: str
    summary: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    received_at: str

    __table_args__: ClassVar[Any] = (Index("ix_audit_entry_commune_device", "commune_code", "device_id"),)


_T = AuditEntryRow.__table__  # type: ignore[attr-defined]
_DEV = Device.__table__  # type: ignore[attr-defined]
#: the order of an entry's fields for :func:`chain.entry_hash` and the exports
FIELDS: Final = ("device_id", "seq", "at", "user_id", "action", "table_name", "row_id", "summary", "prev_hash", "hash")
PAGE: Final = 5000


class AuditRefused(Exception):
    """A batch that is not stored; ``code`` is stable (:mod:`sync.audit_protocol`), the messages for people."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def _broken(seq: int, why_vi: str, why_en: str) -> AuditRefused:
    return AuditRefused(
        409,
        AP.CHAIN_BROKEN,
        f"Nhật ký hoạt động của máy này không khớp với bản sao trên máy chủ tại mục {seq}: {why_vi}. Nhật ký trên"
        " máy có thể đã bị sửa ngoài phần mềm; hãy báo cho cán bộ phụ trách của tỉnh.",
        f"This laptop's audit trail does not continue the server's copy at entry {seq}: {why_en}. The trail may"
        " have been edited outside the app; tell the province's officer.",
    )


def head(conn: Connection, device_id: str) -> tuple[int, str | None]:
    """``(seq, hash)`` of the last entry held of the device (``(0, None)``: none)."""
    row = conn.execute(
        select(_T.c.seq, _T.c.hash).where(_T.c.device_id == device_id).order_by(_T.c.seq.desc()).limit(1)
    ).first()
    return (0, None) if row is None else (int(row[0]), str(row[1]))


def _storable(text: str | None) -> bool:
    if text is None:
        return True
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def store(conn: Connection, device: DeviceInfo, entries: Sequence[AP.AuditEntryIn], now: str) -> AP.AuditPushResponse:
    """Check ``entries`` against the device's copy and store the new ones, in the caller's transaction (which
    the caller rolls back on :class:`AuditRefused`: nothing of a refused batch is kept)."""
    if conn.dialect.name != "sqlite":  # one batch of a device at a time (SQLite: the caller holds the writer lock)
        conn.execute(select(_DEV.c.id).where(_DEV.c.id == device.id).with_for_update())
    for e in entries:
        if e.device_id != device.id:
            raise AuditRefused(
                400,
                AP.WRONG_DEVICE,
                f"Mục {e.seq} của nhật ký ghi tên một máy khác ({e.device_id[:36]}).",
                f"Entry {e.seq} names another device ({e.device_id[:36]}).",
            )
        if not all(_storable(v) for v in (e.at, e.user_id, e.action, e.table_name, e.row_id, e.summary)):
            raise AuditRefused(
                400,
                AP.INVALID_TEXT,
                f"Mục {e.seq} của nhật ký chứa ký tự không lưu được.",
                f"Entry {e.seq} holds text no database can store.",
            )
    first = entries[0].seq
    prev: AP.AuditEntryIn | None = None
    for i, e in enumerate(entries):
        if e.seq != first + i:
            raise _broken(first + i, "thiếu mục (số thứ tự bị đứt quãng)", "an entry is missing (a gap in seq)")
        digest = chain.entry_hash(
            e.seq, e.at, e.user_id, e.device_id, e.action, e.table_name, e.row_id, e.summary, e.prev_hash
        )
        if digest != e.hash:
            raise _broken(e.seq, "nội dung mục không khớp với mã băm của nó", "the entry does not match its hash")
        if prev is not None and e.prev_hash != prev.hash:
            raise _broken(e.seq, "mục không nối tiếp mục trước nó", "the entry does not follow the one before it")
        prev = e
    last_seq, last_hash = head(conn, device.id)
    if first > last_seq + 1:
        raise AuditRefused(
            409,
            AP.GAP,
            f"Máy chủ mới có nhật ký đến mục {last_seq}; hãy gửi lại từ mục {last_seq + 1}.",
            f"The server holds the trail up to entry {last_seq}; send it again from entry {last_seq + 1}.",
        )
    duplicate = 0
    overlap = [e for e in entries if e.seq <= last_seq]
    if overlap:
        held = {
            int(s): str(h)
            for s, h in conn.execute(
                select(_T.c.seq, _T.c.hash).where(
                    _T.c.device_id == device.id, _T.c.seq >= overlap[0].seq, _T.c.seq <= overlap[-1].seq
                )
            )
        }
        for e in overlap:
            if held.get(e.seq) != e.hash:
                raise _broken(
                    e.seq,
                    "mục khác với mục máy chủ đã nhận trước đây",
                    "the entry differs from the one the server received earlier",
                )
        duplicate = len(overlap)
    new = entries[len(overlap) :]
    if new:
        link = last_hash if last_seq else chain.genesis(device.id)
        if new[0].prev_hash != link:
            raise _broken(
                new[0].seq,
                "mục không nối tiếp mục cuối cùng máy chủ đã có",
                "the entry does not follow the last one the server holds",
            )
        conn.execute(
            _T.insert(),
            [
                {
                    "device_id": device.id,
                    "seq": e.seq,
                    "commune_code": device.commune_code,
                    "at": e.at,
                    "user_id": e.user_id,
                    "action": e.action,
                    "table_name": e.table_name,
                    "row_id": e.row_id,
                    "summary": e.summary,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                    "received_at": now,
                }
                for e in new
            ],
        )
        last_seq, last_hash = new[-1].seq, new[-1].hash
    return AP.AuditPushResponse(
        stored=len(new), duplicate=duplicate, head=AP.AuditHead(seq=last_seq, hash=last_hash), server_time=now
    )


# ---------------------------------------------------------------------------------------------------------
# Administration: verify and export the copies


def devices_of(conn: Connection, *, device_id: str | None = None, commune_code: int | None = None) -> list[str]:
    """The devices whose copies the admin asked for (one device, or every device of a commune with entries or
    enrolled), sorted."""
    if device_id is not None:
        known = conn.execute(select(_DEV.c.id).where(_DEV.c.id == device_id)).first()
        held = conn.execute(select(_T.c.device_id).where(_T.c.device_id == device_id).limit(1)).first()
        return [device_id] if known is not None or held is not None else []
    enrolled = {str(r[0]) for r in conn.execute(select(_DEV.c.id).where(_DEV.c.commune_code == commune_code))}
    held_ids = {
        str(r[0]) for r in conn.execute(select(_T.c.device_id).where(_T.c.commune_code == commune_code).distinct())
    }
    return sorted(enrolled | held_ids)


def _rows(conn: Connection, device_id: str) -> Iterator[Any]:
    after = 0
    columns = [_T.c[name] for name in FIELDS] + [_T.c.received_at]
    while True:
        rows = conn.execute(
            select(*columns).where(_T.c.device_id == device_id, _T.c.seq > after).order_by(_T.c.seq).limit(PAGE)
        ).all()
        yield from rows
        if len(rows) < PAGE:
            return
        after = int(rows[-1][1])


def verify_device(conn: Connection, device_id: str) -> chain.AuditReport:
    """Walk the copy of one device's trail: every hash recomputed, every link and ``seq`` checked, from the
    device's genesis (the same verdict as the laptop's ``verify``)."""
    prev_seq, prev_hash, checked = 0, chain.genesis(device_id), 0
    for r in _rows(conn, device_id):
        dev, seq, at, user_id, action, table_name, row_id, summary, prev, digest = r[:10]
        checked += 1
        last = (prev_seq or None, prev_hash if prev_seq else None)
        if chain.entry_hash(int(seq), at, user_id, dev, action, table_name, row_id, summary, prev) != digest:
            return chain.AuditReport(False, checked, *last, int(seq), "changed", "the entry does not match its hash")
        if int(seq) != prev_seq + 1:
            return chain.AuditReport(False, checked, *last, prev_seq + 1, "missing", "a gap in seq")
        if prev != prev_hash:
            return chain.AuditReport(False, checked, *last, int(seq), "missing", "a broken link")
        prev_seq, prev_hash = int(seq), str(digest)
    return chain.AuditReport(True, checked, prev_seq or None, prev_hash if prev_seq else None)


EXPORT_FIELDS: Final = (*FIELDS, "received_at")


def export(conn: Connection, device_ids: Sequence[str], out: Path, fmt: str = "csv") -> int:
    """The copies of ``device_ids`` (each in ``seq`` order) to ``out``, atomically (CSV: UTF-8 with a BOM, cells
    Excel would run as formulas prefixed with ``'``; JSON Lines: the exact values, one device's file re-checked
    by ``dlso_desktop.storage.audit.verify_export``). Returns the number of entries."""
    rows = (r for device_id in device_ids for r in _rows(conn, device_id))
    return chain.write_rows(out, EXPORT_FIELDS, rows, fmt)


# ---------------------------------------------------------------------------------------------------------
# The endpoints

Auth = Annotated[str | None, Header(description="Bearer <device token>")]


def install(
    app: FastAPI,
    engine: Engine,
    device: Callable[[Connection, str | None], DeviceInfo],
    *,
    slots: FifoSemaphore | None = None,
) -> None:
    """``POST /sync/v1/audit`` and ``GET /sync/v1/audit/head``."""
    from dlso_desktop.ids import utc_now
    from sync.server.app import ApiError

    gate = slots or FifoSemaphore(1_000_000)
    error = {"model": P.ErrorResponse}
    responses: dict[int | str, dict[str, Any]] = {400: error, 401: error, 403: error}
    tags: list[str | Any] = ["audit"]

    @app.post(
        AP.AUDIT_PATH,
        response_model=AP.AuditPushResponse,
        responses={
            **responses,
            409: {
                **error,
                "description": "``audit_chain_broken``: the batch does not continue the server's copy (nothing"
                " stored); ``audit_gap``: it starts after the server's last entry (send from ``GET .../head``)",
            },
        },
        tags=tags,
    )
    def audit_push(body: AP.AuditPushRequest, authorization: Auth = None) -> AP.AuditPushResponse:
        """Store the next entries of this device's audit trail, checked against the copy the server holds;
        entries held already (a batch sent again) are acknowledged, not stored twice."""
        try:
            with writing(engine) as conn:
                dev = device(conn, authorization)
                with gate.slot():
                    return store(conn, dev, body.entries, utc_now())
        except AuditRefused as exc:
            raise ApiError(exc.status, exc.code, exc.message_vi, exc.message_en) from None

    @app.get(f"{AP.AUDIT_PATH}/head", response_model=AP.AuditHead, responses=responses, tags=tags)
    def audit_head(authorization: Auth = None) -> AP.AuditHead:
        """The last entry of this device's audit trail the server holds (``seq`` 0: none yet)."""
        with gate.slot(urgent=True), read_only(engine) as conn:
            dev = device(conn, authorization)
            seq, digest = head(conn, dev.id)
        return AP.AuditHead(seq=seq, hash=digest)
