"""Real processes, real kills: a uvicorn server on 127.0.0.1 and `dlso sync` subprocesses killed with SIGKILL
at random moments, many times; then one clean round — nothing lost, nothing doubled (SYNC.md guarantees 1
and 7). The server itself is killed in the middle of a batch too."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sync_support import family

from dlso_desktop import cli
from dlso_desktop.services import Services
from dlso_desktop.storage.store import open_database
from sync import local
from sync.server import admin
from sync.server.db import make_engine, migrate

COMMUNE = 24133
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, db_path: Path) -> None:
        self.url_db = f"sqlite:///{db_path}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        engine = make_engine(self.url_db)
        migrate(engine)
        engine.dispose()

    def start(self) -> None:
        env = {**os.environ, "DLSO_SERVER_DATABASE_URL": self.url_db}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "sync.server.app:app_from_env",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/sync/v1/time", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def code(self) -> str:
        engine = make_engine(self.url_db)
        try:
            with engine.begin() as conn:
                return admin.create_enrollment_code(conn, COMMUNE).code
        finally:
            engine.dispose()

    def query(self, sql: str) -> list[tuple[object, ...]]:
        engine = make_engine(self.url_db)
        try:
            with engine.begin() as conn:
                return [tuple(r) for r in conn.exec_driver_sql(sql).all()]
        finally:
            engine.dispose()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "server.sqlite")
    server.start()
    yield server
    server.kill()


def laptop(tmp_path: Path, name: str, live: LiveServer, households: int) -> Path:
    data = tmp_path / name
    assert cli.main(["--data-dir", str(data), "init", "--commune", str(COMMUNE), "--unencrypted"]) == 0
    db = open_database(db_of(data))
    try:
        with db.unit_of_work(None) as uow:
            user = uow.insert("app_user", {"display_name": f"Cán bộ {name}", "role": "commune_operator"})
            uow.commit()
        services = Services(db, user_id=str(user["id"]))
        if households:
            v = services.villages.create(f"Buôn {name}", "buon")
            for i in range(households):
                services.households.create(family(v.id, head=f"Nguyễn Văn {name} {i}"))
    finally:
        db.close()
    assert cli.main(["--data-dir", str(data), "enroll", "--server", live.base, "--code", live.code()]) == 0
    return data


def dlso_sync(data: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dlso_desktop.cli", "--data-dir", str(data), "--json", "sync", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def db_of(data: Path) -> Path:
    return next(p for p in data.glob("*.sqlite"))


def rows(data: Path, sql: str) -> list[tuple[object, ...]]:
    db = open_database(db_of(data))
    try:
        with db.reader() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql).all()]
    finally:
        db.close()


def test_dlso_sync_killed_at_random_moments_loses_and_doubles_nothing(tmp_path: Path, live: LiveServer) -> None:
    a = laptop(tmp_path, "A", live, households=40)  # ~170 ops
    b = laptop(tmp_path, "B", live, households=0)
    rng = random.Random(20261202)
    killed = 0
    for i in range(12):
        target = a if i % 2 == 0 else b  # A is killed while pushing, B while pulling pages
        proc = dlso_sync(target, "--batch-size", "7", "--page-size", "5")
        time.sleep(rng.uniform(0.3, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    assert killed >= 6, "most runs must really have been killed mid-way"
    for data in (a, b, a, b):
        done = subprocess.run(
            [sys.executable, "-m", "dlso_desktop.cli", "--data-dir", str(data), "--json", "sync"],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert set(json.loads(done.stdout)) >= {"applied", "duplicate", "conflict", "rejected", "pulled", "snapshot"}
    # every op answered once, by the server and on the laptop alike
    ops_a = rows(a, "SELECT op_id, status FROM outbox ORDER BY op_id")
    device_a = rows(a, "SELECT value FROM meta WHERE key = 'device_id'")[0][0]
    receipts = live.query(f"SELECT op_id, status FROM op_receipt WHERE device_id = '{device_a}' ORDER BY op_id")
    assert ops_a == receipts
    assert all(status == "applied" for _, status in ops_a)
    # nothing lost, nothing doubled: 40 households on the server and on B, each once
    assert live.query("SELECT count(*) FROM record WHERE table_name = 'household'") == [(40,)]
    assert rows(b, "SELECT count(*), count(DISTINCT head_name) FROM household") == [(40, 40)]
    assert rows(b, "SELECT count(*) FROM person") == rows(a, "SELECT count(*) FROM person")
    db_a, db_b = open_database(db_of(a)), open_database(db_of(b))
    try:
        assert local.local_digests(db_a) == local.local_digests(db_b)
    finally:
        db_a.close()
        db_b.close()


def test_the_server_killed_mid_batch_keeps_nothing_half_applied(tmp_path: Path, live: LiveServer) -> None:
    a = laptop(tmp_path, "A", live, households=150)  # ~620 ops in one or two big batches
    n_ops = rows(a, "SELECT count(*) FROM outbox")[0][0]
    rng = random.Random(7)
    for _ in range(2):
        proc = dlso_sync(a, "--batch-size", "2000")
        time.sleep(rng.uniform(0.4, 1.2))
        live.kill()
        # the batch is one transaction: all of it with all its answers, or none of it
        receipts = live.query("SELECT count(*) FROM op_receipt")[0][0]
        households = live.query("SELECT count(*) FROM record WHERE table_name = 'household'")[0][0]
        assert (households, receipts) in ((0, 0), (150, n_ops))
        live.start()  # back up, maybe while the laptop is still retrying with backoff
        proc.wait(timeout=120)
    done = subprocess.run(
        [sys.executable, "-m", "dlso_desktop.cli", "--data-dir", str(a), "--json", "sync"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    device_a = rows(a, "SELECT value FROM meta WHERE key = 'device_id'")[0][0]
    ops_a = rows(a, "SELECT op_id, status FROM outbox ORDER BY op_id")
    assert live.query(f"SELECT op_id, status FROM op_receipt WHERE device_id = '{device_a}' ORDER BY op_id") == ops_a
    assert live.query("SELECT count(*) FROM record WHERE table_name = 'household'") == [(150,)]
    assert live.query("SELECT count(*) FROM record WHERE table_name = 'person'") == [(300,)]
