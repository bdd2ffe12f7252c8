"""The audit trail travels to the server (sync/audit_push.py, sync/server/audit.py): every laptop's entries arrive
in order and are kept per device, a round with nothing new sends nothing, a laptop trail edited around the
triggers is refused whole and the server's copy stays as it was, a batch whose answer was lost is acknowledged
again without being stored twice, and the head the server acknowledged anchors the laptop's own verification.

Against the real server app on SQLite and on PostgreSQL (``server_url``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sync_support import AppTransport, Laptop, Server, family

from dlso_desktop.storage import audit
from dlso_desktop.storage.store import Database
from sync import audit_protocol as AP
from sync import engine as E
from sync import local
from sync.audit_push import TRAIL_CUT, acknowledged, push_audit
from sync.server import audit as server_audit
from sync.server import cli as server_cli
from sync.transport import TransportError

COMMUNE = 24133


@pytest.fixture
def lap(server: Server, tmp_path: Path) -> Iterator[Laptop]:
    laptop = Laptop(tmp_path / "a.sqlite", COMMUNE, server, "a")
    laptop.enroll()
    try:
        yield laptop
    finally:
        laptop.close()


_VILLAGES = iter(range(1, 10_000))


def work(lap: Laptop, n: int = 1) -> None:
    village = lap.services.villages.create(f"Buôn Kô {lap.name} {next(_VILLAGES)}", "buon")
    for i in range(n):
        lap.services.households.create(family(village.id, head=f"Y Mek {i}"))


def laptop_trail(db: Database) -> list[tuple[Any, ...]]:
    with db.reader() as conn:
        rows = conn.exec_driver_sql(f"SELECT {', '.join(audit.COLUMNS)} FROM audit_entry ORDER BY seq").all()
    return [tuple(r) for r in rows]


def server_copy(server: Server, device_id: str) -> list[tuple[Any, ...]]:
    cols = ", ".join(c for c in audit.COLUMNS)
    with server.engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT {cols} FROM audit_entry WHERE device_id = :d ORDER BY seq"), {"d": device_id}
        ).all()
    return [tuple(r) for r in rows]


def raw(db: Database) -> sqlite3.Connection:
    """The laptop's file opened around the app, its triggers dropped (an attacker's view)."""
    conn = sqlite3.connect(db.path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    return conn


class Recording(AppTransport):
    """Remembers the paths it was asked for; can lose the answer of the next audit push."""

    def __init__(self, inner: AppTransport) -> None:
        super().__init__(inner.server, None, inner.faults)
        self.headers = inner.headers
        self.paths: list[str] = []
        self.lose_next_audit_answer = False

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.paths.append(path)
        answer = super().post(path, body)
        if path == AP.AUDIT_PATH and self.lose_next_audit_answer:
            self.lose_next_audit_answer = False
            raise TransportError("the answer was lost on the way back")
        return answer

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.paths.append(path)
        return super().get(path, params)


def recording(lap: Laptop) -> Recording:
    assert lap.transport is not None
    rec = Recording(lap.transport)
    lap.transport = rec
    return rec


# ---------------------------------------------------------------------------------------------------------


def test_entries_arrive_in_order_and_a_second_round_sends_nothing(server: Server, lap: Laptop) -> None:
    work(lap, 3)
    rec = recording(lap)
    result = lap.sync()
    mine = laptop_trail(lap.db)
    assert len(mine) > 5
    assert result.audit_pushed == len(mine) and result.audit_refused is None
    assert server_copy(server, lap.db.device_id) == mine
    last = mine[-1]
    assert acknowledged(lap.db) == (last[0], last[-1])
    report = audit.verify(lap.db)
    assert report.ok and report.server_seq == last[0]
    assert result.as_dict()["audit_pushed"] == len(mine)  # what `dlso sync --json` prints

    rec.paths.clear()
    again = lap.sync()
    assert again.audit_pushed == 0 and AP.AUDIT_PATH not in rec.paths
    assert server_copy(server, lap.db.device_id) == mine

    work(lap, 1)
    third = lap.sync()
    now = laptop_trail(lap.db)
    assert third.audit_pushed == len(now) - len(mine) > 0
    assert server_copy(server, lap.db.device_id) == now
    with server.engine.connect() as conn:
        assert server_audit.verify_device(conn, lap.db.device_id).ok


def test_entries_travel_in_batches(server: Server, lap: Laptop) -> None:
    work(lap, 2)
    rec = recording(lap)
    result = E.RoundResult()
    push_audit(lap.db, rec, result, batch_size=3)
    n = len(laptop_trail(lap.db))
    assert result.audit_pushed == n and rec.paths.count(AP.AUDIT_PATH) == -(-n // 3)
    assert server_copy(server, lap.db.device_id) == laptop_trail(lap.db)


def test_each_laptop_has_its_own_copy(server: Server, lap: Laptop, tmp_path: Path) -> None:
    other = Laptop(tmp_path / "b.sqlite", COMMUNE, server, "b")
    try:
        other.enroll()
        work(lap, 1)
        work(other, 2)
        lap.sync()
        other.sync()
        lap.sync()
        assert server_copy(server, lap.db.device_id) == laptop_trail(lap.db)
        assert server_copy(server, other.db.device_id) == laptop_trail(other.db)
        with server.engine.connect() as conn:
            assert server_audit.devices_of(conn, commune_code=COMMUNE) == sorted([lap.db.device_id, other.db.device_id])
    finally:
        other.close()


def test_an_edited_trail_is_refused_and_the_servers_copy_stays_as_it_was(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    lap.sync()
    held = server_copy(server, lap.db.device_id)
    acked = acknowledged(lap.db)
    work(lap, 2)  # new entries, not sent yet
    unsent = [r for r in laptop_trail(lap.db) if r[0] > held[-1][0]]
    assert len(unsent) > 2
    conn = raw(lap.db)
    try:
        conn.execute("UPDATE audit_entry SET summary = 'sửa lén' WHERE seq = ?", (unsent[1][0],))
    finally:
        conn.close()
    result = lap.sync()
    assert result.applied > 0  # the round itself went through
    assert result.audit_refused == AP.CHAIN_BROKEN and result.audit_pushed == 0
    assert any(n.startswith(f"audit: the server refused the trail ({AP.CHAIN_BROKEN})") for n in result.notes)
    assert server_copy(server, lap.db.device_id) == held  # nothing of the batch was kept
    assert acknowledged(lap.db) == acked
    # every later round says so again, and the laptop's own check finds the entry
    assert lap.sync().audit_refused == AP.CHAIN_BROKEN
    report = audit.verify(lap.db)
    assert (report.ok, report.broken_seq, report.reason) == (False, unsent[1][0], "changed")


def test_a_recomputed_chain_is_caught_by_the_servers_head(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    lap.sync()
    acked = acknowledged(lap.db)
    assert acked is not None
    held = server_copy(server, lap.db.device_id)
    conn = raw(lap.db)
    try:
        conn.execute("UPDATE audit_entry SET summary = 'giả mạo' WHERE seq = 2")
        prev = conn.execute("SELECT hash FROM audit_entry WHERE seq = 1").fetchone()[0]
        for seq in range(2, acked[0] + 1):
            conn.execute("UPDATE audit_entry SET prev_hash = ? WHERE seq = ?", (prev, seq))
            row = conn.execute(f"SELECT {', '.join(audit.HASHED)} FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
            conn.execute("UPDATE audit_entry SET hash = ? WHERE seq = ?", (audit.entry_hash(*row), seq))
            prev = conn.execute("SELECT hash FROM audit_entry WHERE seq = ?", (seq,)).fetchone()[0]
    finally:
        conn.close()
    assert audit.verify(lap.db, server=False).ok  # a whole rebuilt chain verifies on its own...
    report = audit.verify(lap.db)  # ...but not against the head the server holds
    assert (report.ok, report.broken_seq, report.reason, report.server_seq) == (False, acked[0], "changed", acked[0])
    assert "server" in report.detail
    work(lap, 1)
    result = lap.sync()  # the next entries link to the forged head: refused
    assert result.audit_refused == AP.CHAIN_BROKEN
    assert server_copy(server, lap.db.device_id) == held


def test_a_lost_answer_is_acknowledged_again_without_duplicates(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    rec = recording(lap)
    rec.lose_next_audit_answer = True
    first = lap.sync()
    assert first.audit_pushed == 0 and acknowledged(lap.db) is None
    assert any(n.startswith("audit: entries not sent") for n in first.notes)
    stored = server_copy(server, lap.db.device_id)
    assert stored == laptop_trail(lap.db)  # the server kept them; the laptop does not know yet
    work(lap, 1)
    second = lap.sync()
    assert second.audit_refused is None
    assert second.audit_pushed == len(laptop_trail(lap.db)) - len(stored) > 0
    assert server_copy(server, lap.db.device_id) == laptop_trail(lap.db)
    last = laptop_trail(lap.db)[-1]
    assert acknowledged(lap.db) == (last[0], last[-1])


def test_the_same_batch_twice_is_acknowledged_not_duplicated(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    assert lap.transport is not None
    entries = [dict(zip(audit.COLUMNS, r, strict=True)) for r in laptop_trail(lap.db)]
    one = lap.transport.post(AP.AUDIT_PATH, {"entries": entries})
    two = lap.transport.post(AP.AUDIT_PATH, {"entries": entries})
    assert (one["stored"], one["duplicate"]) == (len(entries), 0)
    assert (two["stored"], two["duplicate"]) == (0, len(entries))
    assert one["head"] == two["head"] == {"seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}
    assert lap.transport.get(f"{AP.AUDIT_PATH}/head") == one["head"]
    assert len(server_copy(server, lap.db.device_id)) == len(entries)


def refusal(server: Server, token: str | None, body: dict[str, Any]) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = server.client.post(AP.AUDIT_PATH, json=body, headers=headers)
    return answer.status_code, str(answer.json().get("error"))


def test_what_the_server_refuses(server: Server, lap: Laptop, tmp_path: Path) -> None:
    work(lap, 1)
    token = local.get_meta(lap.db, local.TOKEN)
    entries = [dict(zip(audit.COLUMNS, r, strict=True)) for r in laptop_trail(lap.db)]
    assert refusal(server, None, {"entries": entries}) == (401, "unauthorized")
    # another laptop cannot write this laptop's entries, nor entries naming another device
    other = Laptop(tmp_path / "b.sqlite", COMMUNE, server, "b")
    try:
        other.enroll()
        other_token = local.get_meta(other.db, local.TOKEN)
        assert refusal(server, other_token, {"entries": entries}) == (400, AP.WRONG_DEVICE)
    finally:
        other.close()
    # a batch that starts after what the server holds: a gap (send from the server's head)
    assert refusal(server, token, {"entries": entries[2:]}) == (409, AP.GAP)
    # a hole inside the batch, a changed entry, a first entry not chained from the genesis
    assert refusal(server, token, {"entries": [entries[0], *entries[2:]]}) == (409, AP.CHAIN_BROKEN)
    changed = [{**entries[0], "summary": "khác"}, *entries[1:]]
    assert refusal(server, token, {"entries": changed}) == (409, AP.CHAIN_BROKEN)
    assert refusal(server, token, {"entries": [{**entries[0], "user_id": "a\x00b"}]}) == (400, AP.INVALID_TEXT)
    # too many entries, an empty batch, a malformed hash: 400 before anything is looked at
    assert refusal(server, token, {"entries": entries * (AP.MAX_AUDIT_BATCH // len(entries) + 1)})[0] == 400
    assert refusal(server, token, {"entries": []}) == (400, "bad_request")
    assert refusal(server, token, {"entries": [{**entries[0], "hash": "xyz"}]}) == (400, "bad_request")
    assert server_copy(server, lap.db.device_id) == []
    # a batch that continues is then accepted, and one that contradicts what is held is not
    assert server.client.post(
        AP.AUDIT_PATH, json={"entries": entries[:3]}, headers={"Authorization": f"Bearer {token}"}
    ).status_code == 200  # fmt: skip
    forged = [{**e} for e in entries[:4]]
    forged[1]["summary"] = "giả"
    forged[1]["hash"] = audit.entry_hash(*(forged[1][c] for c in audit.HASHED))
    assert refusal(server, token, {"entries": forged}) == (409, AP.CHAIN_BROKEN)
    assert len(server_copy(server, lap.db.device_id)) == 3


def test_a_server_behind_the_laptop_gets_the_trail_again_from_its_head(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    lap.sync()
    n = len(laptop_trail(lap.db))
    with server.engine.begin() as conn:  # the server restored from an older backup: it lost the tail
        conn.execute(text("DELETE FROM audit_entry WHERE seq > 2"))
    work(lap, 1)
    result = lap.sync()
    assert result.audit_refused is None
    assert result.audit_pushed == len(laptop_trail(lap.db)) - 2 > len(laptop_trail(lap.db)) - n
    assert server_copy(server, lap.db.device_id) == laptop_trail(lap.db)


def test_a_trail_shorter_than_the_servers_copy_sends_nothing(server: Server, lap: Laptop) -> None:
    work(lap, 1)
    lap.sync()
    acked = acknowledged(lap.db)
    assert acked is not None
    conn = raw(lap.db)
    try:
        conn.execute("DELETE FROM audit_entry WHERE seq >= ?", (acked[0] - 1,))  # the tail cut off
    finally:
        conn.close()
    rec = recording(lap)
    result = E.RoundResult()
    push_audit(lap.db, rec, result)
    assert result.audit_refused == TRAIL_CUT and rec.paths == []
    report = audit.verify(lap.db)
    assert (report.ok, report.reason, report.server_seq) == (False, "missing", acked[0])


def test_an_old_server_is_a_note(lap: Laptop) -> None:
    work(lap, 1)
    assert lap.transport is not None

    def old_server(path: str) -> None:
        if path.startswith(AP.AUDIT_PATH):
            from sync.transport import Refused

            raise Refused(404, "not_found", "Không tìm thấy", "Not found")

    lap.transport.before = old_server
    result = lap.sync()
    assert result.applied > 0 and result.audit_pushed == 0 and result.audit_refused is None
    assert "audit: the server does not keep audit trails (older server)" in result.notes


# ---------------------------------------------------------------------------------------------------------
# dlso-server admin audit verify|export


def test_admin_verify_and_export(
    server: Server, lap: Laptop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work(lap, 1)
    lap.sync()
    url = server.url
    device = lap.db.device_id
    assert server_cli.main(["admin", "audit", "verify", "--database-url", url, "--device", device, "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert [r["device_id"] for r in reports] == [device] and reports[0]["ok"]
    assert reports[0]["checked"] == len(laptop_trail(lap.db))
    assert server_cli.main(["admin", "audit", "verify", "--database-url", url, "--commune", str(COMMUNE)]) == 0
    assert capsys.readouterr().out.startswith(f"{device}: ")

    out = tmp_path / "copy.jsonl"
    assert server_cli.main(
        ["admin", "audit", "export", "--database-url", url, "--device", device, "--out", str(out), "--format", "jsonl"]
    ) == 0  # fmt: skip
    assert audit.verify_export(out, device).ok
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(d["seq"], d["hash"]) for d in lines] == [(r[0], r[-1]) for r in laptop_trail(lap.db)]
    csv_out = tmp_path / "copy.csv"
    assert server_cli.main(
        ["admin", "audit", "export", "--database-url", url, "--commune", str(COMMUNE), "--out", str(csv_out)]
    ) == 0  # fmt: skip
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("device_id,seq,at")
    capsys.readouterr()

    # someone edits the server's copy: the admin check says where
    with server.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET summary = 'sửa' WHERE device_id = :d AND seq = 2"), {"d": device})
    assert server_cli.main(["admin", "audit", "verify", "--database-url", url, "--device", device, "--json"]) == 1
    broken = json.loads(capsys.readouterr().out)[0]
    assert (broken["ok"], broken["broken_seq"], broken["reason"]) == (False, 2, "changed")
    assert server_cli.main(["admin", "audit", "verify", "--database-url", url, "--device", "no-such-device"]) == 2
