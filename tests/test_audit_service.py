"""The audit trail for the commune operator (dlso_desktop/services/audit.py): pages with filters and the user's
name, counts that match the pages, Vietnamese calendar days, a verdict in Vietnamese, an export that is itself
recorded; bad input is refused with a Vietnamese message and changes nothing. Who may call it: test_roles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import take_snapshot
from test_audit import raw_conn

from dlso_desktop.services import Services
from dlso_desktop.services.audit import AuditFilter
from dlso_desktop.storage import audit
from dlso_desktop.storage.store import Database, write_meta
from dlso_desktop.validation import ValidationError


def entry(db: Database, user_id: str | None, at: str, action: str, table: str, row_id: str, summary: str) -> None:
    """An entry at a chosen time, written by the unit of work (so it is chained like every other)."""
    with db.unit_of_work(user_id) as uow:
        uow.now = at
        uow.audit(action, table, row_id, summary)
        uow.commit()


@pytest.fixture
def trail(db: Database, user_id: str) -> Database:
    """Entries at known times (Vietnam is UTC+7: 18:00Z on the 2nd is the 3rd there)."""
    entry(db, user_id, "2025-11-30T10:00:00.000Z", "create", "person", "p-1", "Buôn Kô Tam")
    entry(db, user_id, "2025-12-01T16:59:59.000Z", "update", "person", "p-1", "phone")
    entry(db, user_id, "2025-12-01T17:00:00.000Z", "update", "household", "h-1", "50% xong")
    entry(db, None, "2025-12-02T18:00:00.000Z", "import", "household", "h-2", "nhập tệp")
    return db


def test_pages_are_newest_first_with_the_users_name(services: Services, trail: Database, user_id: str) -> None:
    count = services.audit.count()
    everything = services.audit.page(limit=1000)
    assert count.total == len(everything) >= 5 and count.up_to == everything[0].seq
    assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)
    first = everything[0]
    assert (first.action, first.table_name, first.row_id, first.user_id, first.user_name) == (
        "import", "household", "h-2", None, None,
    )  # fmt: skip
    assert everything[1].user_name == "Nguyễn Thị Lan" and everything[1].user_id == user_id
    assert first.local_time.strftime("%d/%m/%Y %H:%M") == "03/12/2025 01:00"
    # offset and limit walk the same list
    walked = [e for off in range(0, count.total, 2) for e in services.audit.page(offset=off, limit=2)]
    assert walked == everything


def test_filters(services: Services, trail: Database, user_id: str) -> None:
    def seqs(f: AuditFilter) -> list[str]:
        page = services.audit.page(f, limit=1000)
        assert services.audit.count(f).total == len(page)
        return [e.row_id for e in page]

    assert seqs(AuditFilter(action="update")) == ["h-1", "p-1"]
    assert seqs(AuditFilter(table="household")) == ["h-2", "h-1"]
    assert "h-2" not in seqs(AuditFilter(user_id=user_id))
    # Vietnamese calendar days, both ends included
    assert seqs(AuditFilter(since=date(2025, 12, 2), until=date(2025, 12, 2))) == ["h-1"]
    assert seqs(AuditFilter(since=date(2025, 12, 1), until=date(2025, 12, 1))) == ["p-1"]
    assert seqs(AuditFilter(since=date(2025, 12, 3), until=date(2025, 12, 31))) == ["h-2"]
    assert seqs(AuditFilter(until=date(2025, 11, 30))) == ["p-1"]
    # text in the summary or the record id; % and _ are letters, not wildcards
    assert seqs(AuditFilter(text="50%")) == ["h-1"]
    assert seqs(AuditFilter(text="%")) == ["h-1"]
    assert seqs(AuditFilter(text="  nhập tệp ")) == ["h-2"]
    assert seqs(AuditFilter(text="h-2")) == ["h-2"]
    assert seqs(AuditFilter(text="không có")) == []
    assert seqs(AuditFilter(action="update", table="person")) == ["p-1"]


def test_up_to_keeps_the_list_while_new_entries_arrive(services: Services, trail: Database, user_id: str) -> None:
    count = services.audit.count()
    before = services.audit.page(offset=1, limit=2, up_to=count.up_to)
    entry(trail, user_id, "2026-12-04T00:00:00.000Z", "create", "visit", "v-1", "")
    assert services.audit.page(offset=1, limit=2, up_to=count.up_to) == before
    assert services.audit.page(offset=1, limit=2) != before
    assert services.audit.count().total == count.total + 1


def test_a_reversed_date_range_is_refused_in_vietnamese(services: Services, trail: Database) -> None:
    bad = AuditFilter(since=date(2026, 12, 3), until=date(2026, 12, 1))
    for call in (lambda: services.audit.page(bad), lambda: services.audit.count(bad)):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.message_vi == "Ngày kết thúc phải từ ngày bắt đầu trở đi."


def test_choices_name_the_users_actions_and_tables(services: Services, trail: Database, user_id: str) -> None:
    choices = services.audit.choices()
    assert (user_id, "Nguyễn Thị Lan") in choices.users
    assert {"create", "update", "import"} <= set(choices.actions)
    assert choices.actions == sorted(choices.actions)
    assert {"person", "household"} <= set(choices.tables)


def test_verify_gives_a_verdict_with_progress(services: Services, trail: Database) -> None:
    seen: list[tuple[int, int]] = []
    verdict = services.audit.verify(progress=lambda done, total: seen.append((done, total)))
    n = services.audit.count().total
    assert verdict.ok and verdict.checked == n and verdict.server_seq is None
    assert verdict.message_vi.startswith(f"Nhật ký nguyên vẹn: đã kiểm tra {n} mục")
    assert seen[0] == (0, n)
    raw = raw_conn(trail)
    try:
        raw.execute("UPDATE audit_entry SET summary = 'sửa' WHERE seq = 3")
    finally:
        raw.close()
    broken = services.audit.verify()
    assert (broken.ok, broken.broken_seq, broken.reason) == (False, 3, "changed")
    assert broken.message_vi.startswith("NHẬT KÝ ĐÃ BỊ CAN THIỆP tại mục 3: mục đã bị sửa.")


def test_verify_checks_the_head_the_server_acknowledged(services: Services, trail: Database) -> None:
    last = services.audit.page(limit=1)[0]
    with trail.writer() as conn:
        write_meta(conn, {audit.ACKNOWLEDGED: f"{last.seq}:{last.hash}"})
    verdict = services.audit.verify()
    assert verdict.ok and verdict.server_seq == last.seq
    assert f"bản sao trên máy chủ đến mục {last.seq}" in verdict.message_vi
    with trail.writer() as conn:
        write_meta(conn, {audit.ACKNOWLEDGED: f"{last.seq}:{'0' * 64}"})  # the server holds another entry there
    verdict = services.audit.verify()
    assert (verdict.ok, verdict.broken_seq, verdict.reason) == (False, last.seq, "changed")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_writes_the_trail_and_records_itself(
    services: Services, trail: Database, tmp_path: Path, user_id: str, fmt: str
) -> None:
    before = services.audit.count().total
    out = tmp_path / f"nhat-ky.{fmt}"
    n = services.audit.export(out, fmt)
    assert n == before + 1  # the export's own entry is in the file
    last = services.audit.page(limit=1)[0]
    assert (last.action, last.table_name, last.user_id, last.summary) == ("export", "audit_entry", user_id, fmt)
    if fmt == "jsonl":
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == n and lines[-1]["action"] == "export"
        assert audit.verify_export(out, trail.device_id).ok
    else:
        assert len(out.read_text(encoding="utf-8-sig").splitlines()) == n + 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_bad_exports_are_refused_and_change_nothing(services: Services, trail: Database, tmp_path: Path) -> None:
    before = take_snapshot(trail)
    with pytest.raises(ValidationError) as refused:
        services.audit.export(tmp_path / "a.xlsx", "xlsx")
    assert "CSV hoặc JSONL" in refused.value.message_vi
    with pytest.raises(ValidationError) as refused:
        services.audit.export(tmp_path / "no-such-folder" / "a.csv", "csv")
    assert refused.value.message_vi.startswith("Không lưu được vào")
    with pytest.raises(ValidationError):
        services.audit.export(tmp_path, "csv")  # a folder, not a file
    assert take_snapshot(trail) == before
