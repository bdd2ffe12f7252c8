"""The audit trail for the commune operator: a page of it with filters, its count, its verification and its
export (issue 6). Everything here is the commune operator's: the trail says who did what to which record.

The trail itself is :mod:`dlso_desktop.storage.audit` (hash-chained, append-only). ``verify`` walks it whole
and also checks the head the server last acknowledged (its copy, see ``sync/audit_push.py``); ``export``
writes it atomically, and is itself recorded in the trail (an ``export`` entry written before the file, so
the file holds the entry of its own export).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypedDict

from dlso_desktop.ids import VN_TZ
from dlso_desktop.models import Role
from dlso_desktop.services.base import Context
from dlso_desktop.storage import audit as trail
from dlso_desktop.text import clean_text
from dlso_desktop.validation import ValidationError

#: the largest page a viewer may ask for at once
MAX_PAGE = 2000
FORMATS = ("csv", "jsonl")
#: table name of the export entry (the trail itself)
AUDIT_TABLE = "audit_entry"

_WHAT = {"what_vi": "xem, kiểm tra và xuất nhật ký hoạt động", "what_en": "view, verify and export the audit trail"}

_REASONS_VI = {
    "changed": "mục đã bị sửa",
    "missing": "có mục bị xoá hoặc mất",
    "reordered": "thứ tự các mục bị thay đổi",
}
_REASONS_EN = {
    "changed": "the entry was changed",
    "missing": "entries were removed",
    "reordered": "entries were moved",
}


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the operator narrows the trail to; every field None/empty: everything.

    ``since``/``until`` are Vietnamese calendar days, both included; ``text`` is part of the summary or of
    the record id. ``also``: with ``text``, more parts of a summary that match too — the stored codes (a field
    name, an erasure reason, ``granted``…) whose label, in the viewer's language, contains ``text``: the trail
    keeps its summaries as they were written, and the screen shows some of them translated."""

    user_id: str | None = None
    action: str | None = None
    table: str | None = None
    since: date | None = None
    until: date | None = None
    text: str = ""
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    seq: int
    at: str  # UTC, ISO-8601 with a Z
    user_id: str | None
    user_name: str | None  # the user's display name now (None: the system, or a user unknown here)
    action: str
    table_name: str
    row_id: str
    summary: str
    hash: str

    @property
    def local_time(self) -> datetime:
        """When, in Vietnam's time."""
        return datetime.fromisoformat(self.at.replace("Z", "+00:00")).astimezone(VN_TZ)


@dataclass(frozen=True, slots=True)
class AuditCount:
    total: int  # entries matching the filter
    up_to: int  # the highest seq among them (0: none): pass it to ``page`` so pages stay the same list


@dataclass(frozen=True, slots=True)
class AuditChoices:
    """What the filters offer: the users, actions and tables the trail mentions."""

    users: list[tuple[str, str]]  # (user id, display name or the id when the user is unknown here)
    actions: list[str]
    tables: list[str]


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    ok: bool
    checked: int  # entries read
    last_seq: int | None  # the last good entry
    head_hash: str | None
    broken_seq: int | None  # the first entry that does not verify
    reason: str | None  # "changed", "missing", "reordered"
    detail: str  # English, technical
    #: the entry the server acknowledged last, checked against the trail (None: the trail never synced)
    server_seq: int | None
    message_vi: str
    message_en: str


def _bounds(f: AuditFilter) -> tuple[str | None, str | None]:
    def utc(day: date) -> str:
        moment = datetime.combine(day, time(0), VN_TZ).astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    since = utc(f.since) if f.since is not None else None
    until = utc(f.until + timedelta(days=1)) if f.until is not None else None
    return since, until


def _check_filter(f: AuditFilter) -> None:
    if f.since is not None and f.until is not None and f.since > f.until:
        raise ValidationError(
            field="until",
            message_vi="Ngày kết thúc phải từ ngày bắt đầu trở đi.",
            message_en="The end date must not be before the start date.",
            code="until.before_since",
        )


class _Filters(TypedDict):
    since: str | None
    until: str | None
    user_id: str | None
    action: str | None
    table: str | None
    text: str | None
    also: tuple[str, ...]


#: at most this many codes in ``AuditFilter.also`` (a short text matches many labels; each is a LIKE)
MAX_ALSO = 64


def _filters(f: AuditFilter) -> _Filters:
    since, until = _bounds(f)
    text = clean_text(f.text or "")
    return {
        "since": since,
        "until": until,
        "user_id": f.user_id or None,
        "action": f.action or None,
        "table": f.table or None,
        "text": text or None,
        "also": tuple(dict.fromkeys(c for c in f.also if c))[:MAX_ALSO] if text else (),
    }


def verdict_of(report: trail.AuditReport) -> AuditVerdict:
    """The plain verdict of a storage report, with a sentence for the operator in both languages."""
    server_vi = f" Khớp với bản sao trên máy chủ đến mục {report.server_seq}." if report.server_seq else ""
    server_en = f" It matches the server's copy up to entry {report.server_seq}." if report.server_seq else ""
    if report.ok:
        vi = f"Nhật ký nguyên vẹn: đã kiểm tra {report.checked} mục, không có mục nào bị sửa hay xoá.{server_vi}"
        en = f"The audit trail is intact: {report.checked} entries checked, none changed or removed.{server_en}"
    else:
        reason = report.reason or "changed"
        vi = (
            f"NHẬT KÝ ĐÃ BỊ CAN THIỆP tại mục {report.broken_seq}: {_REASONS_VI[reason]}. Dữ liệu trên máy này có"
            " thể đã bị sửa ngoài phần mềm; hãy báo ngay cho cán bộ phụ trách của tỉnh."
        )
        en = (
            f"THE AUDIT TRAIL WAS TAMPERED WITH at entry {report.broken_seq}: {_REASONS_EN[reason]}. The data on"
            " this laptop may have been edited outside the app; tell the province's officer at once."
        )
    return AuditVerdict(
        ok=report.ok,
        checked=report.checked,
        last_seq=report.last_seq,
        head_hash=report.head_hash,
        broken_seq=report.broken_seq,
        reason=report.reason,
        detail=report.detail,
        server_seq=report.server_seq,
        message_vi=vi,
        message_en=en,
    )


class AuditService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _require(self) -> None:
        self.ctx.require(Role.COMMUNE_OPERATOR, **_WHAT)

    def page(
        self, filters: AuditFilter | None = None, *, offset: int = 0, limit: int = 200, up_to: int | None = None
    ) -> list[AuditEntryView]:
        """Entries matching ``filters``, newest first, ``limit`` of them from ``offset`` (at most
        :data:`MAX_PAGE`); ``up_to`` (from :meth:`count`) keeps the list the same while new entries arrive."""
        self._require()
        f = filters or AuditFilter()
        _check_filter(f)
        rows = trail.entries(
            self.ctx.db,
            **_filters(f),
            up_to=up_to,
            limit=max(0, min(limit, MAX_PAGE)),
            offset=max(0, offset),
        )
        return [
            AuditEntryView(r.seq, r.at, r.user_id, r.user_name, r.action, r.table_name, r.row_id, r.summary, r.hash)
            for r in rows
        ]

    def count(self, filters: AuditFilter | None = None) -> AuditCount:
        """How many entries match, and the newest of them (see :meth:`page`)."""
        self._require()
        f = filters or AuditFilter()
        _check_filter(f)
        total, high = trail.matching(self.ctx.db, **_filters(f))
        return AuditCount(total, high)

    def choices(self) -> AuditChoices:
        """The users (with their names now), actions and tables the trail mentions, for the filters."""
        self._require()
        with self.ctx.db.reader() as conn:
            users = conn.exec_driver_sql(
                "SELECT t.user_id, u.display_name FROM (SELECT DISTINCT user_id FROM audit_entry"
                " WHERE user_id IS NOT NULL) t LEFT JOIN app_user u ON u.id = t.user_id"
            ).all()
            actions = [str(r[0]) for r in conn.exec_driver_sql("SELECT DISTINCT action FROM audit_entry ORDER BY 1")]
            tables = [str(r[0]) for r in conn.exec_driver_sql("SELECT DISTINCT table_name FROM audit_entry ORDER BY 1")]
        named = sorted(((str(u), str(n) if n else str(u)) for u, n in users), key=lambda p: (p[1].casefold(), p[0]))
        return AuditChoices(named, actions, tables)

    def verify(self, progress: Callable[[int, int], None] | None = None) -> AuditVerdict:
        """Walk the whole trail (and check the head the server acknowledged); ``progress(done, total)`` is
        called as entries are checked (on the caller's thread)."""
        self._require()
        report = trail.verify(self.ctx.db, progress=progress)
        return verdict_of(report)

    def export(self, dest: Path, fmt: str = "csv") -> int:
        """Write the whole trail to ``dest`` (``csv`` for Excel, ``jsonl`` with the exact values whose chain can
        be checked again anywhere), atomically; returns the number of entries. The export is recorded first."""
        self._require()
        if fmt not in FORMATS:
            raise ValidationError(
                field="format",
                message_vi=f"Định dạng '{fmt}' không được hỗ trợ; hãy chọn CSV hoặc JSONL.",
                message_en=f"'{fmt}' is not a supported format; choose CSV or JSONL.",
                code="format.invalid",
            )
        dest = Path(dest)
        if not dest.name or dest.is_dir() or not dest.parent.is_dir():
            raise ValidationError(
                field="dest",
                message_vi=f"Không lưu được vào '{dest}': thư mục không tồn tại hoặc tên tệp không hợp lệ.",
                message_en=f"Cannot save to '{dest}': the folder does not exist or the file name is not valid.",
                code="dest.invalid",
            )
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            uow.audit("export", AUDIT_TABLE, "", fmt)
            uow.commit()
        try:
            return trail.export(self.ctx.db, dest, "csv" if fmt == "csv" else "jsonl")
        except OSError as exc:
            raise ValidationError(
                field="dest",
                message_vi=f"Không ghi được tệp '{dest}': {exc.strerror or exc}.",
                message_en=f"Cannot write '{dest}': {exc.strerror or exc}.",
                code="dest.unwritable",
            ) from None
