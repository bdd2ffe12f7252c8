"""The restore drill (docs/DEPLOY.md, "Backups and restore"; SYNC.md guarantee 8), on PostgreSQL, with the real
server (``dlso-server serve`` in a subprocess) and real laptops talking HTTP to it:

back the server database up with ``pg_dump -Fc``; laptops go on working and push (creates, updates, deletes, a
conflict and its resolution); the server is stopped; the dump is restored into a **fresh** database
(``createdb`` + ``pg_restore``) and the server started on it at the same address; the laptops sync until
nothing moves. Everything the server lost comes back from the laptops, nothing is lost, nothing doubled.

A laptop enrolled *after* the backup is unknown to the restored server: it is refused (401 ``unauthorized``)
until it is enrolled again with a new code, and then resends everything it had pushed.

An edit resent before the creation of its record waits on the server until the creation arrives; serial blocks
reserved after the backup are never handed out again (the restored server skips ahead). Laptops resending in
another order than they first pushed end the same as in the original order, a resolved conflict included
(docs/SYNC_PROTOCOL.md, "Conflicts resent in another order"; every order: tests/test_sync_resend_order.py).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sync_support import Laptop, Server, content, family

from dlso_desktop.services.people import PersonInput
from sync import engine as sync_engine
from sync import local
from sync import protocol as P
from sync.server.pgcluster import PgCluster
from sync.transport import HttpTransport, Refused

COMMUNE = 24133
ROOT = Path(__file__).resolve().parents[1]
#: fields of a conflict record the server stamps with its own clock when it (re)creates or closes it
SERVER_STAMPED = {P.CONFLICT_TABLE: ("created_at", "updated_at")}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``python -m sync.server.cli serve`` (what ``dlso-server serve`` runs) on 127.0.0.1, on one database."""

    def __init__(self, url: str, port: int, folder: Path) -> None:
        self.url = url
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = folder / f"server-{port}-{uuid.uuid4().hex[:6]}.log"

    def start(self) -> None:
        env = {
            **os.environ,
            "DLSO_SERVER_DATABASE_URL": self.url,
            "DLSO_SERVER_SNAPSHOT_DIR": str(self.folder / "snapshots"),
            "DLSO_SERVER_SECRET_FILE": str(self.folder / "server-secret.key"),
            "DLSO_LANG": "en",
        }
        cmd = [sys.executable, "-m", "sync.server.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.base}/sync/v1/time", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        proc, self.proc = self.proc, None
        if proc is None:
            return 0
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return int(proc.returncode)


class HttpLaptop(Laptop):
    """A laptop of sync_support whose sync goes over real HTTP to a :class:`LiveServer`."""

    def __init__(self, path: Path, server: Server, live: LiveServer, name: str) -> None:
        super().__init__(path, COMMUNE, server, name)
        self.live = live
        self.http: HttpTransport | None = None

    def enroll(self) -> None:
        sync_engine.enroll(self.db, self.live.base, self.server.code(COMMUNE))
        token = local.get_meta(self.db, local.TOKEN)
        if self.http is not None:
            self.http.close()
        self.http = HttpTransport(self.live.base, token, retries=3, backoff=0.05)

    def sync(self, **kwargs: Any) -> sync_engine.RoundResult:
        assert self.http is not None
        return sync_engine.SyncEngine(self.db, self.http, **kwargs).run_round()

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
        super().close()


class Drill:
    """The server side of the drill: a cluster, the current database, the live server, an admin handle."""

    def __init__(self, cluster: PgCluster, folder: Path) -> None:
        self.cluster = cluster
        self.folder = folder
        self.name = f"dlso_drill_{uuid.uuid4().hex[:12]}"
        self.names = [self.name]
        self.server = Server(cluster.create_database(self.name))  # migrates; issues enrollment codes
        self.live = LiveServer(self.server.url, _free_port(), folder)
        self.live.start()
        self.laptops: list[HttpLaptop] = []

    def laptop(self, name: str) -> HttpLaptop:
        """A laptop whose data folder is ``folder/name`` (the `dlso --data-dir` layout)."""
        from dlso_desktop import paths

        path = paths.database_path(self.folder / name)
        path.parent.mkdir(parents=True, exist_ok=True)
        lap = HttpLaptop(path, self.server, self.live, name)
        lap.enroll()
        self.laptops.append(lap)
        return lap

    def backup(self) -> Path:
        dump = self.folder / "dlso.dump"
        self.cluster.dump(self.name, dump)
        return dump

    def restore(self, dump: Path) -> None:
        """The disaster and the restore: the server stops, the dump goes into a fresh database, the server
        starts on it at the same address."""
        assert self.live.stop() == 0  # SIGTERM: a graceful stop, exit code 0
        self.server.close()
        self.name = f"dlso_restored_{uuid.uuid4().hex[:12]}"
        self.names.append(self.name)
        self.server = Server(self.cluster.restore(dump, self.name))
        for lap in self.laptops:
            lap.server = self.server
        self.live = LiveServer(self.server.url, self.live.port, self.folder)
        self.live.start()

    def close(self) -> None:
        self.live.stop()
        for lap in self.laptops:
            lap.close()
        self.server.close()
        for name in self.names:
            self.cluster.drop_database(name)


@pytest.fixture
def drill(pg_cluster: PgCluster, tmp_path: Path) -> Iterator[Drill]:
    made = Drill(pg_cluster, tmp_path)
    try:
        yield made
    finally:
        made.close()


# ---------------------------------------------------------------------------------------------------------


def records(server: Server) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
    with server.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT table_name, row_id, version, deleted, data FROM record").all()
    return {(str(t), str(r)): (int(v), bool(d), json.loads(data)) for t, r, v, d, data in rows}


def comparable(recs: dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]) -> dict[Any, Any]:
    """Records field for field, without what the server stamps with its own clock when it applies an op."""
    out = {}
    for key, (_version, deleted, data) in recs.items():
        kept = {k: v for k, v in data.items() if k not in SERVER_STAMPED.get(key[0], ())}
        out[key] = (deleted, kept)
    return out


def high_water(server: Server) -> int:
    with server.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT seq FROM commune_counter WHERE commune_code = %s", (COMMUNE,)).first()
    return 0 if row is None else int(row[0])


def device_rows(server: Server) -> dict[str, int]:
    with server.engine.connect() as conn:
        return {str(i): int(o) for i, o in conn.exec_driver_sql("SELECT id, last_op_id FROM device").all()}


def receipts(server: Server) -> Counter[tuple[str, str]]:
    """How many receipts per (device, status)."""
    with server.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT device_id, status FROM op_receipt").all()
    return Counter((str(d), str(s)) for d, s in rows)


def table_counts(lap: Laptop) -> dict[str, int]:
    """Rows per synced table on a laptop: a duplicate would show here."""
    return {t: len(rows) for t, rows in content(lap.db).items()}


def max_op_id(lap: Laptop) -> int:
    with lap.db.reader() as conn:
        return int(conn.exec_driver_sql("SELECT COALESCE(MAX(op_id), 0) FROM outbox").scalar_one())


def sync_until_quiet(laps: list[HttpLaptop], rounds: int = 8) -> list[list[sync_engine.RoundResult]]:
    """Every laptop syncs, in this order, round after round, until a whole round moves nothing."""
    history: list[list[sync_engine.RoundResult]] = []
    for _ in range(rounds):
        results = [lap.sync() for lap in laps]
        history.append(results)
        moved = sum(r.applied + r.duplicate + r.conflict + r.rejected + r.pulled for r in results)
        if moved == 0 and not any(r.reset for r in results):
            return history
    raise AssertionError(f"the laptops still move data after {rounds} rounds: {history[-1]}")


def person(name: str, **kw: Any) -> PersonInput:
    from datetime import date

    base: dict[str, Any] = {"sex": "male", "birth_date": date(1980, 5, 1), "relationship": "head"}
    base.update(kw)
    return PersonInput(name, **base)


# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["as_before", "reversed"])
def test_a_restored_backup_gets_every_later_change_back_from_the_laptops(drill: Drill, order: str) -> None:
    a, b, office = drill.laptop("A"), drill.laptop("B"), drill.laptop("office")
    laps = [a, b, office]

    # before the backup: a village, a household on A, one on B, synced everywhere
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    hh_a = a.services.households.create(family(village.id))
    sync_until_quiet(laps)
    hh_b = b.services.households.create(family(village.id, head="Y Mek Niê", spouse="H'Maryam Niê"))
    sync_until_quiet(laps)

    dump = drill.backup()
    at_backup = records(drill.server)
    backup_mark = high_water(drill.server)

    # after the backup: creates, updates, a delete, a conflict resolved at the office
    v2 = a.services.villages.create("Thôn 3")
    hh_new = a.services.households.create(family(v2.id, head="Lê Văn Khôi", spouse="Nguyễn Thị Mai"))
    head_a = hh_a.members[0].id
    a.services.persons.update(head_a, person("Phạm Văn Khải", phone="0905123456"))
    a.sync()
    b.sync()  # B gets A's phone, then changes it: that one applies
    b.services.persons.update(head_a, person("Phạm Văn Khải", phone="0905000111", citizen_id="066080000123"))
    b.services.households.delete(hh_b.household.id)
    office.services.persons.update(head_a, person("Phạm Văn Khải", phone="0987654321"))  # saw no phone yet
    b.sync()
    office.sync()  # the office's phone meets B's: a conflict
    sync_until_quiet(laps)
    opened = local.conflicts(office.db)
    assert len(opened) == 1 and opened[0].field == "phone"
    local.resolve_conflict(office.db, office.user_id, opened[0].id, "0987654321")
    sync_until_quiet(laps)
    assert not local.conflicts(a.db) and not local.conflicts(b.db)

    before = records(drill.server)
    laptops_before = {lap.name: content(lap.db) for lap in laps}
    counts_before = {lap.name: table_counts(lap) for lap in laps}
    devices_before = device_rows(drill.server)
    receipts_before = receipts(drill.server)
    changed_after_backup = {k for k, v in before.items() if at_backup.get(k) != v}
    assert len(changed_after_backup) >= 8  # the drill has something to bring back
    assert ("household", hh_new.household.id) in changed_after_backup
    assert before[("household", hh_b.household.id)][1] is True  # B's delete

    drill.restore(dump)
    assert records(drill.server) == at_backup  # the restore is the backup, exactly
    assert high_water(drill.server) == backup_mark

    history = sync_until_quiet(laps if order == "as_before" else laps[::-1])
    first = history[0]
    assert all(r.reset for r in first)  # the cursors were never served by this database: pull again
    assert sum(r.applied + r.conflict for r in first) > 0  # the lost ops were resent
    # every laptop has the data it had before the disaster, the same as the others: nothing lost or doubled
    for lap in laps:
        assert local.pending_count(lap.db) == 0
        assert table_counts(lap) == counts_before[lap.name]  # no duplicate row anywhere
        assert content(lap.db) == laptops_before[lap.name]
    assert content(a.db) == content(b.db) == content(office.db)
    assert all(r.rejected == 0 for results in history for r in results)

    after = records(drill.server)
    # nothing lost, nothing extra: every record, field for field
    assert comparable(after) == comparable(before)
    # versions as the protocol defines them: the commune's change sequence, one number per change
    versions = [v for v, _d, _data in after.values()]
    assert len(versions) == len(set(versions))
    assert max(versions) == high_water(drill.server)
    for key, (version, _deleted, _data) in after.items():
        if key in changed_after_backup:
            assert version > backup_mark, key
        else:
            assert version == at_backup[key][0], key  # untouched since the backup: as the backup had it
    # the devices are back where they were, each op answered once
    assert device_rows(drill.server) == devices_before
    assert receipts(drill.server) == receipts_before
    for lap in laps:
        assert device_rows(drill.server)[lap.db.device_id] == max_op_id(lap)
        assert int(local.get_meta(lap.db, local.CURSOR) or 0) == high_water(drill.server)
        assert not local.conflicts(lap.db)
    # and the server agrees with the laptops, by its own digests
    assert office.http is not None
    answer = office.http.get(f"{P.PREFIX}/verify")
    assert {t: (d["count"], d["digest"]) for t, d in answer["tables"].items()} == local.local_digests(office.db)


def test_a_laptop_enrolled_after_the_backup_must_enroll_again_and_then_resends_everything(drill: Drill) -> None:
    a = drill.laptop("A")
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    a.services.households.create(family(village.id))
    sync_until_quiet([a])
    dump = drill.backup()

    late = drill.laptop("late")  # its device row exists only after the backup
    sync_until_quiet([late])
    hh = late.services.households.create(family(village.id, head="Y Bhin Ênuôl", spouse="H'Lan Ênuôl"))
    sync_until_quiet([a, late])
    before = records(drill.server)
    assert ("household", hh.household.id) in before

    drill.restore(dump)
    assert late.db.device_id not in device_rows(drill.server)
    sync_until_quiet([a])
    with pytest.raises(Refused) as refused:
        late.sync()
    assert refused.value.status == 401 and refused.value.code == "unauthorized"
    assert local.pending_count(late.db) == 0  # its ops are acknowledged (kept 30 days), none was dropped

    late.enroll()  # a new code from the commune office; the same device id
    assert device_rows(drill.server)[late.db.device_id] == 0
    history = sync_until_quiet([late, a])
    assert history[0][0].applied == max_op_id(late)  # it resent everything it had ever pushed
    assert all(r.rejected == 0 for results in history for r in results)
    assert comparable(records(drill.server)) == comparable(before)
    assert content(a.db) == content(late.db)
    assert device_rows(drill.server)[late.db.device_id] == max_op_id(late)


def test_an_edit_of_a_record_created_after_the_backup_survives_whoever_syncs_first(drill: Drill) -> None:
    """B creates a household after the backup, A edits it; after the restore A happens to sync before B: A's
    edit reaches the server before the household's creation does."""
    a, b = drill.laptop("A"), drill.laptop("B")
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    sync_until_quiet([a, b])
    dump = drill.backup()

    hh = b.services.households.create(family(village.id, head="Y Bhin Ênuôl", spouse="H'Lan Ênuôl"))
    sync_until_quiet([b, a])
    head = hh.members[0].id
    a.services.persons.update(head, person("Y Bhin Ênuôl", phone="0905123456"))
    sync_until_quiet([a, b])
    before = records(drill.server)
    assert before[("person", head)][2]["phone"] == "0905123456"

    drill.restore(dump)
    history = sync_until_quiet([a, b])  # A first
    after = records(drill.server)
    assert after[("person", head)][2]["phone"] == "0905123456", "A's edit was lost"
    assert all(r.rejected == 0 for results in history for r in results)
    assert comparable(after) == comparable(before)
    assert content(a.db) == content(b.db)


def test_a_laptop_unknown_to_the_restored_server_can_enroll_again_from_the_command_line(
    drill: Drill, capsys: pytest.CaptureFixture[str]
) -> None:
    from dlso_desktop import cli as laptop_cli

    a = drill.laptop("A")
    village = a.services.villages.create("Buôn Kô Tam", "buon")
    sync_until_quiet([a])
    dump = drill.backup()
    late = drill.laptop("late")
    sync_until_quiet([late])
    hh = late.services.households.create(family(village.id, head="Y Bhin Ênuôl", spouse="H'Lan Ênuôl"))
    sync_until_quiet([late])

    drill.restore(dump)
    data = drill.folder / "late"
    assert laptop_cli.main(["--data-dir", str(data), "sync"]) != 0  # refused: unknown device token
    capsys.readouterr()
    code = drill.server.code(COMMUNE)
    enrolled = laptop_cli.main(["--data-dir", str(data), "enroll", "--server", drill.live.base, "--code", code])
    assert enrolled == 0, capsys.readouterr().err
    assert laptop_cli.main(["--data-dir", str(data), "sync"]) == 0
    assert ("household", hh.household.id) in records(drill.server)
    # enrolled and known again: enrolling once more needs --again (say, a token lost with a reinstall)
    again = ["--data-dir", str(data), "enroll", "--server", drill.live.base, "--code", drill.server.code(COMMUNE)]
    capsys.readouterr()
    assert laptop_cli.main(again) != 0 and "--again" in capsys.readouterr().err
    assert laptop_cli.main([*again, "--again"]) == 0
    assert laptop_cli.main(["--data-dir", str(data), "sync"]) == 0


def test_certificate_numbers_stay_unique_after_a_restore(drill: Drill) -> None:
    """Serial blocks reserved after the backup are not in the restored database, but laptops hold them: the
    restored server notices it is a restored copy and every commune's next block jumps past them (and never
    starts at or below a synced certificate's serial)."""
    from cert_support import session_with_results

    from dlso_desktop.certificates.keys import generate_key
    from sync.server import certs

    a, b = drill.laptop("A"), drill.laptop("B")
    root = generate_key()
    with drill.server.engine.begin() as conn:
        certs.init_root(conn, root)
        certs.issue_commune_key(conn, root, COMMUNE, secret_file=drill.folder / "server-secret.key")
    sync_until_quiet([a])
    assert a.sync().certificates["serials"] is None  # A holds its block: the first one
    dump = drill.backup()

    b.sync()  # B's block is reserved after the backup
    b.services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
    village = b.services.villages.create("Buôn Kô Tam", "buon")
    session_id, _ = session_with_results(b.services, village.id, {"H’Maryam Niê": "passed"})
    (issued_by_b,) = b.services.certificates.issue(session_id)
    sync_until_quiet([b, a])

    drill.restore(dump)
    sync_until_quiet([a, b])
    c = drill.laptop("C")  # a laptop enrolled after the restore
    sync_until_quiet([c, a, b])
    c.services.certificates.set_signer("Trần Thị Bình", "PHÓ CHỦ TỊCH")
    session_c, _ = session_with_results(c.services, village.id, {"Y Mek Niê": "passed"}, course="BDHVS-01")
    (issued_by_c,) = c.services.certificates.issue(session_c)
    assert issued_by_c.number != issued_by_b.number
    with drill.server.engine.connect() as conn:
        blocks = sorted(
            (int(f), int(last)) for f, last in conn.exec_driver_sql("SELECT first, last FROM serial_block").all()
        )
    assert all(prev[1] < nxt[0] for prev, nxt in itertools.pairwise(blocks))  # no overlap it knows of
    assert blocks[-1][0] > certs.RESTORE_SERIAL_GAP  # C's block: past whatever was reserved after the backup
