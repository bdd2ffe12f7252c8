"""Sync figures (issue 4), each beside a baseline measured in the same run, over loopback HTTP against a real
``uvicorn`` server process on 127.0.0.1 (a free port):

1. ``first_sync_commune``: an empty, freshly enrolled laptop pulls a whole commune (15,000 households,
   ~60,000 persons, 100,000 visits with their findings, actions and consents, plus the demo's training
   sessions and submissions) in one ``SyncEngine.run_round``; the server runs on an SQLite file. Baseline: the
   very same rows (read into memory beforehand) inserted with ``executemany`` into a fresh ``create_database``
   file, one transaction. Goal <= 20 s.
2. ``push_10k_changes``: 10,000 person field updates made through ``PersonService.update_status`` on that
   synced laptop (one unit of work each, as a volunteer makes them), then pushed (``SyncEngine.push``).
   Baseline: the time it took to make the 10,000 changes locally. Goal <= 5 s.
3. ``laptops_50_sqlite`` / ``laptops_50_postgresql``: 50 laptops (threads, each with its own laptop database
   and its own ``HttpTransport``; 10 communes of 5 laptops) make ~200 changes each through the services and
   then all run a sync round (push then pull) at the same moment, 3 rounds; both servers also hold the big
   commune (PostgreSQL gets a ``COPY`` of its records; a ``PgCluster`` with fsync on). Reported: ops/s
   pushed, p95 latency of a request as the laptop sees it and as the server spends it (timed by an ASGI
   middleware around the real app, which also counts 5xx answers). Baseline: one laptop doing the same rounds
   alone against the same server. Goal: server p95 <= 2 s.

The populated server database (and the source laptop that pushed it) is built once and cached in
``bench-data/`` keyed by :data:`DATA_VERSION`: a source laptop is filled by ``dlso_desktop.demo.generate``
(plus extra visits made like the demo's), enrolled, and its outbox pushed through the real engine over HTTP.
Every run works on copies. ``DLSO_BENCH_SYNC_SCALE=tiny`` (or ``run(TINY)``) runs everything at toy sizes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import emit, median, pct, timed

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench-data"
#: bump when the cached server database must be rebuilt (demo data, server schema or the op format changed)
DATA_VERSION = "sync-v1"
COMMUNE = 24133  # Phường Buôn Ma Thuột
#: uvicorn worker processes of the PostgreSQL server (``$DLSO_BENCH_PG_WORKERS`` overrides)
PG_WORKERS = int(os.environ.get("DLSO_BENCH_PG_WORKERS", "2"))
SEED = 2026


@dataclass(frozen=True, slots=True)
class Scale:
    households: int = 15_000
    visits: int = 100_000
    changes: int = 10_000
    laptops: int = 50
    communes: int = 10
    ops_per_round: int = 200
    rounds: int = 3
    postgresql: bool = True


FULL = Scale()
TINY = Scale(households=40, visits=60, changes=40, laptops=4, communes=2, ops_per_round=20, rounds=2)


def scale_from_env() -> Scale:
    return TINY if os.environ.get("DLSO_BENCH_SYNC_SCALE", "").lower() == "tiny" else FULL


#: the parts of the run, all by default; ``DLSO_BENCH_SYNC_ONLY=sqlite,postgresql`` runs only those (to iterate:
#: ``first`` is the first sync with the push of 10,000 changes, ``sqlite`` and ``postgresql`` the 50 laptops)
PARTS = ("first", "sqlite", "postgresql")


def parts_from_env() -> set[str]:
    text = os.environ.get("DLSO_BENCH_SYNC_ONLY", "").strip()
    chosen = {p.strip() for p in text.split(",") if p.strip()} if text else set(PARTS)
    unknown = chosen - set(PARTS)
    if unknown:
        raise SystemExit(f"DLSO_BENCH_SYNC_ONLY: unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    return chosen


def note(message: str) -> None:
    sys.stderr.write(f"[sync bench] {message}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------------------
# The server: the real app in a uvicorn subprocess, wrapped to time every request on the server side


class _TimingMiddleware:
    """Server-side time of each request: from the ASGI call to the last byte of the answer handed to uvicorn
    (waiting for the worker thread, database locks, the work, serialisation and gzip included)."""

    def __init__(self, app: Any, sink: list[tuple[str, float, int]] | _FileSink) -> None:
        self.app = app
        self.sink = sink

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/bench/"):
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 0

        async def send_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.sink.append((str(scope["path"]).rsplit("/", 1)[-1], time.perf_counter() - t0, status))


class _FileSink:
    """The server-side times of a server with several worker processes: each worker appends its own to a file
    in a folder shared by all of them (``$DLSO_BENCH_TIMINGS_DIR``); ``take`` gathers and forgets all of them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def append(self, item: tuple[str, float, int]) -> None:
        with open(self.folder / f"{os.getpid()}.tsv", "a", encoding="utf-8") as f:
            f.write(f"{item[0]}\t{item[1]!r}\t{item[2]}\n")

    def take(self) -> list[tuple[str, float, int]]:
        out: list[tuple[str, float, int]] = []
        for path in sorted(self.folder.glob("*.tsv")):
            taken = path.with_name(f"{path.name}.{os.getpid()}-{time.monotonic_ns()}.taken")
            try:
                path.rename(taken)  # a worker's next request starts a new file
            except FileNotFoundError:
                continue
            for line in taken.read_text(encoding="utf-8").splitlines():
                name, seconds, status = line.split("\t")
                out.append((name, float(seconds), int(status)))
            taken.unlink()
        return out


def bench_app() -> Any:
    """``uvicorn --factory bench.sync_bench:bench_app``: ``sync.server.app.app_from_env`` plus the timing
    middleware and ``GET /bench/timings`` (returns and forgets the server-side times recorded so far, by every
    worker process when ``$DLSO_BENCH_TIMINGS_DIR`` names the folder they share)."""
    from sync.server.app import app_from_env

    app = app_from_env()
    folder = os.environ.get("DLSO_BENCH_TIMINGS_DIR")
    memory: list[tuple[str, float, int]] = []
    files = _FileSink(Path(folder)) if folder else None

    @app.get("/bench/timings", include_in_schema=False)
    def timings() -> dict[str, dict[str, list[float]]]:
        """{"times": {endpoint: [seconds]}, "errors": {endpoint: [seconds of the 5xx answers]}}"""
        if files is not None:
            taken = files.take()
        else:
            taken = memory[:]
            del memory[: len(taken)]
        out: dict[str, dict[str, list[float]]] = {"times": {}, "errors": {}}
        for path, seconds, status in taken:
            out["times"].setdefault(path, []).append(seconds)
            if status >= 500 or status == 0:
                out["errors"].setdefault(path, []).append(seconds)
        return out

    app.add_middleware(_TimingMiddleware, sink=memory if files is None else files)
    return app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``uvicorn --factory bench.sync_bench:bench_app`` on 127.0.0.1 and a free port, ``workers`` processes."""

    def __init__(
        self, database_url: str, log_path: Path, env: dict[str, str] | None = None, *, workers: int = 1
    ) -> None:
        self.database_url = database_url
        self.workers = workers
        self.env = env or {}
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        #: 5xx answers per endpoint in the last :meth:`timings` period
        self.errors: dict[str, int] = {}

    def start(self, wait: float = 120.0) -> ServerProcess:
        self.spawn()
        return self.wait_ready(wait)

    def spawn(self) -> ServerProcess:
        """Start the process without waiting (it takes seconds to import; do something useful meanwhile)."""
        env = {
            "DLSO_SERVER_RATE_LIMITS": "off",
            **os.environ,
            **self.env,
            "DLSO_SERVER_DATABASE_URL": self.database_url,
        }
        if self.workers > 1:
            env["DLSO_BENCH_TIMINGS_DIR"] = str(self.log_path.with_name(f"timings-{self.port}"))
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "bench.sync_bench:bench_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--no-access-log",
            "--timeout-graceful-shutdown", "3", "--workers", str(self.workers),
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, wait: float = 120.0) -> ServerProcess:
        assert self.proc is not None
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/sync/v1/time", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer within {wait:.0f} s; see {self.log_path}")
            time.sleep(0.1)

    def timings(self) -> dict[str, list[float]]:
        """Server-side seconds per endpoint since the last call; the 5xx answers among them in ``errors``."""
        with urllib.request.urlopen(self.url + "/bench/timings", timeout=30) as r:
            data: dict[str, dict[str, list[float]]] = json.loads(r.read())
        self.errors = {k: len(v) for k, v in data["errors"].items()}
        return data["times"]

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def enrollment_codes(database_url: str, communes: list[int]) -> list[str]:
    """One-time codes made directly in the server database (as ``dlso-server admin enrollment-code`` does)."""
    from sync.server import admin
    from sync.server.db import make_engine, migrate

    engine = make_engine(database_url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            return [admin.create_enrollment_code(conn, c).code for c in communes]
    finally:
        engine.dispose()


class TimedTransport:
    """A transport that records how long each request takes as the laptop sees it."""

    def __init__(self, inner: Any, sink: list[tuple[str, float]]) -> None:
        self.inner = inner
        self.sink = sink

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        t0 = time.perf_counter()
        try:
            result: dict[str, Any] = self.inner.get(path, params)
            return result
        finally:
            self.sink.append((path.rsplit("/", 1)[-1], time.perf_counter() - t0))

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        try:
            result: dict[str, Any] = self.inner.post(path, body)
            return result
        finally:
            self.sink.append((path.rsplit("/", 1)[-1], time.perf_counter() - t0))

    def download(self, path: str, params: dict[str, Any], dest: Any, progress: Any = None) -> dict[str, str]:
        t0 = time.perf_counter()
        try:
            result: dict[str, str] = self.inner.download(path, params, dest, progress)
            return result
        finally:
            self.sink.append((path.rsplit("/", 1)[-1], time.perf_counter() - t0))


# ---------------------------------------------------------------------------------------------------------
# The commune: built once through the services, pushed once through the engine, cached


@dataclass(frozen=True, slots=True)
class CommuneData:
    folder: Path
    source_db: Path  # the laptop that made everything (its outbox is acknowledged)
    server_db: Path  # the server's SQLite database holding the commune
    manifest: dict[str, Any]


def _add_user(db: Any, name: str, role: str = "commune_operator") -> str:
    with db.unit_of_work(None) as uow:
        row = uow.insert("app_user", {"display_name": name, "role": role})
        uow.commit()
    return str(row["id"])


#: what an action done during a visit changes in the person's digital status (as the demo generator does)
_EFFECT: dict[str, tuple[str, Any]] = {
    "register_vneid_level1": ("vneid_level", "level1"),
    "activate_vneid_level2": ("vneid_level", "level2"),
    "confirm_skills_vneid": ("skills_confirmed", True),
    "install_daklak_app": ("has_daklak_app", True),
    "open_bank_account": ("has_bank_account", True),
    "create_portal_account": ("has_public_service_account", True),
}


def add_visits(db: Any, user_id: str, n: int, seed: int = SEED, batch: int = 500) -> int:
    """``n`` more visits, made like the demo generator's: the household's adults present (the first always,
    others 80%), a finding per person present with their current digital status, 0-3 actions done (which
    move that status on, so the person is updated as ``VisitService.record`` updates it), 0-2 follow-ups,
    explicit consent.

    The rows are written through the storage layer's unit of work exactly as ``VisitService.record`` writes
    them (the same tables and values, outbox ops and audit entries) but ``batch`` visits per unit of work:
    one service call per visit took ~28 ms here on a loaded machine, which made building the 100,000-visit
    commune take most of an hour."""
    from dlso_desktop import catalogue, demo
    from dlso_desktop.ids import VN_TZ
    from dlso_desktop.models import DIGITAL_STATUS_FIELDS, ActionKind, ConsentScope
    from dlso_desktop.services.visits import CONSENT_TEXT_VERSION

    rng = random.Random(f"sync-bench-visits:{seed}")
    ref = demo.reference_date(seed)
    cols = ", ".join(DIGITAL_STATUS_FIELDS)
    members: dict[str, list[str]] = {}
    status: dict[str, dict[str, Any]] = {}
    with db.reader() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT id, household_id, coalesce(strftime('%Y', birth_date), birth_year), {cols} FROM person"
            " WHERE deleted = 0 AND household_id IS NOT NULL ORDER BY household_id, rowid"
        ).all()
    for r in rows:
        born = int(r[2]) if r[2] is not None else ref.year - 30
        if ref.year - born >= 18:
            members.setdefault(str(r[1]), []).append(str(r[0]))
            status[str(r[0])] = {
                k: (bool(v) if isinstance(v, int) and k != "vneid_level" else v)
                for k, v in zip(DIGITAL_STATUS_FIELDS, r[3:], strict=True)
            }
    households = sorted(members)
    with db.unit_of_work(user_id) as uow:  # the adults' rows as a unit of work reads them, kept up to date below
        person_rows = uow.get_many("person", list(status))
    known = {c for c, _, _ in catalogue.ACTIONS_DONE}
    follow_ups = [c for c, _, _ in catalogue.FOLLOW_UPS]
    done = 0
    while done < n:
        with db.unit_of_work(user_id) as uow:
            for _ in range(min(batch, n - done)):
                hh = rng.choice(households)
                adults = members[hh]
                present = [p for i, p in enumerate(adults) if i == 0 or rng.random() < 0.8]
                findings = {p: dict(status[p]) for p in present}
                candidates = [(code, p) for p in present for code in _EFFECT if code in known]
                actions: list[tuple[str, str, str | None]] = []
                for code, pid in rng.sample(candidates, min(len(candidates), rng.choice((0, 1, 1, 2, 2, 3)))):
                    field, value = _EFFECT[code]
                    findings[pid][field] = value
                    actions.append((ActionKind.DONE.value, code, pid))
                for code in rng.sample(follow_ups, rng.choice((0, 1, 1, 2))):
                    actions.append((ActionKind.FOLLOW_UP.value, code, None))
                day = ref - timedelta(days=rng.randrange(demo.ACTIVITY_DAYS))
                at = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randrange(60), tzinfo=VN_TZ)
                visit = uow.insert(
                    "visit",
                    {
                        "household_id": hh,
                        "visited_at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                        "visitor_user_id": user_id,
                        "visitor_name": "Đoàn Thanh niên",
                        "notes": "",
                        "supersedes_id": None,
                    },
                )
                for pid, f in findings.items():
                    uow.insert("visit_finding", {"visit_id": visit["id"], "person_id": pid, **f})
                    if f != status[pid]:
                        uow.update("person", person_rows[pid], f, summary="visit finding")
                        person_rows[pid].update(f)  # only digital status: the search document is unchanged
                        status[pid] = f
                for kind, code, who in actions:
                    uow.insert(
                        "visit_action",
                        {"visit_id": visit["id"], "person_id": who, "kind": kind, "code": code, "note": ""},
                    )
                uow.insert(
                    "consent",
                    {
                        "household_id": hh,
                        "person_id": present[0],
                        "visit_id": visit["id"],
                        "scope": ConsentScope.BASIC.value,
                        "granted": True,
                        "text_version": CONSENT_TEXT_VERSION,
                        "method": "verbal",
                        "given_at": uow.now,
                        "collected_by": user_id,
                    },
                )
                done += 1
            uow.commit()
    return n


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def commune_data(scale: Scale) -> CommuneData:
    """The cached commune (built on first use, ~tens of minutes at full scale)."""
    folder = BENCH_DIR / f"{DATA_VERSION}-{scale.households}hh-{scale.visits}v"
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        return CommuneData(
            folder, folder / "source.sqlite", folder / "server.sqlite", json.loads(manifest_path.read_text())
        )
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    manifest = _build(scale, building)
    (building / "manifest.json").write_text(json.dumps(manifest, indent=1))
    building.rename(folder)
    return CommuneData(folder, folder / "source.sqlite", folder / "server.sqlite", manifest)


def _build(scale: Scale, folder: Path) -> dict[str, Any]:
    server_url = f"sqlite:///{folder / 'server.sqlite'}"
    (code,) = enrollment_codes(server_url, [COMMUNE])
    srv = ServerProcess(server_url, folder / "server.log")
    srv.spawn()  # it imports while the data is made
    try:
        return _build_and_push(scale, folder, srv, code)
    finally:
        srv.stop()


def _build_and_push(scale: Scale, folder: Path, srv: ServerProcess, code: str) -> dict[str, Any]:
    from dlso_desktop import demo
    from dlso_desktop.storage.store import create_database
    from sync import engine as sync_engine
    from sync.engine import RoundResult, SyncEngine

    db = create_database(folder / "source.sqlite", COMMUNE)
    user = _add_user(db, "Cán bộ xã (nguồn)")
    t0 = time.perf_counter()
    counts = demo.generate(db, households=scale.households, seed=SEED, user_id=user, batch=2000)
    t_demo = time.perf_counter() - t0
    note(f"demo data {counts} in {t_demo:.0f} s")
    extra = max(0, scale.visits - counts["visits"])
    t0 = time.perf_counter()
    add_visits(db, user, extra)
    t_visits = time.perf_counter() - t0
    note(f"{extra} more visits in {t_visits:.0f} s")
    with db.reader() as conn:
        ops = int(conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one())
    srv.wait_ready()
    sync_engine.enroll(db, srv.url, code)
    http = sync_engine.transport_for(db)
    engine = SyncEngine(db, http, batch_size=2000)
    result = RoundResult()
    t_push, _ = timed(lambda: engine.push(result))
    http.close()
    srv.stop()
    note(f"pushed {ops} ops in {t_push:.0f} s: {result.as_dict()}")
    if result.rejected or result.conflict or result.applied != ops:
        raise RuntimeError(f"the source laptop's push was not clean: {result.as_dict()}")
    db.close()
    _checkpoint(folder / "server.sqlite")
    _checkpoint(folder / "source.sqlite")
    return {
        "data_version": DATA_VERSION,
        "demo": counts,
        "extra_visits": extra,
        "ops": ops,
        "build_s": {"demo": round(t_demo, 1), "visits": round(t_visits, 1), "push": round(t_push, 1)},
        "rows": synced_counts(folder / "source.sqlite"),
    }


def synced_counts(path: Path) -> dict[str, int]:
    from sync import fields as F

    conn = sqlite3.connect(path)
    try:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in F.TABLES}
    finally:
        conn.close()


def _synced_rows(path: Path) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """Every row of every synced table, in foreign-key order: (table, columns, rows)."""
    from sqlmodel import SQLModel

    from sync import fields as F

    conn = sqlite3.connect(path)
    try:
        out = []
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in F.TABLES:
                continue
            cur = conn.execute(f"SELECT * FROM {table.name}")
            cols = [d[0] for d in cur.description]
            out.append((table.name, cols, cur.fetchall()))
        return out
    finally:
        conn.close()


def raw_insert(rows: list[tuple[str, list[str], list[tuple[Any, ...]]]], path: Path) -> float:
    """The baseline: the same rows into a fresh laptop database, ``executemany``, one transaction."""
    from dlso_desktop.storage.store import create_database

    db = create_database(path, COMMUNE)
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            t0 = time.perf_counter()
            conn.begin()
            for table, cols, data in rows:
                if not data:
                    continue
                marks = ", ".join("?" * len(cols))
                conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", data)
            conn.commit()
            return time.perf_counter() - t0
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------
# Figures 1 and 2


def _pcts(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "n": len(values),
        "median_s": round(median(values), 4),
        "p95_s": round(pct(values, 0.95), 4),
        "max_s": round(max(values), 4),
    }


def first_sync_baseline(data: CommuneData, tmp: Path) -> tuple[float, int]:
    """(seconds, rows): the commune's rows, read into memory first, inserted raw into a fresh database."""
    rows = _synced_rows(data.source_db)
    return raw_insert(rows, tmp / "baseline.sqlite"), sum(len(r) for _, _, r in rows)


def build_snapshot(database_url: str, folder: Path, baseline: tuple[float, int]) -> None:
    """The commune snapshot the first sync takes, built from nothing (the server refreshes it incrementally
    later: this is the most it costs). Its own figure; no goal."""
    from sync.server import snapshot
    from sync.server.db import make_engine

    engine = make_engine(database_url)
    try:
        t, info = timed(lambda: snapshot.build(engine, folder, COMMUNE, full=True))
    finally:
        engine.dispose()
    assert info is not None
    t_base, rows = baseline
    emit(
        "snapshot_build_commune",
        t,
        "s",
        t_base,
        "executemany of the same rows into a fresh laptop database (one transaction)",
        note="built by the server ahead of time (nightly, or in the background after changes), from nothing here;"
        " no goal",
        rows=rows,
        cursor=info.cursor,
        db_mb=round(info.size / 1e6, 1),
        gz_mb=round(info.gz_size / 1e6, 1),
    )


def run_first_sync_and_push(
    scale: Scale, data: CommuneData, srv: ServerProcess, tmp: Path, baseline: tuple[float, int]
) -> None:
    from dlso_desktop.services import Services
    from dlso_desktop.storage.store import create_database
    from sync import engine as sync_engine
    from sync.engine import RoundResult, SyncEngine

    t_base, n_rows = baseline
    laptop = user = http = None
    for n, (name, snapshots) in enumerate(
        (("first_sync_commune", True), ("first_sync_commune_record_by_record", False)), start=1
    ):
        # the commune's rows, and the users of the laptops enrolled here (their own, and the one before)
        want = {**data.manifest["rows"], "app_user": data.manifest["rows"]["app_user"] + n}
        (code,) = enrollment_codes(srv.database_url, [COMMUNE])
        path = tmp / f"laptop-{'snapshot' if snapshots else 'records'}.sqlite"
        lap = create_database(path, COMMUNE)
        lap_user = _add_user(lap, "Tình nguyện viên")  # the first run creates the first local user (one op)
        sync_engine.enroll(lap, srv.url, code)
        srv.timings()  # forget enrollment
        client: list[tuple[str, float]] = []
        lap_http = sync_engine.transport_for(lap)
        phases: dict[str, float] = {}

        def first_seen(phase: str, _done: int, _total: int, phases: dict[str, float] = phases) -> None:
            phases.setdefault(phase, time.perf_counter())

        engine = SyncEngine(lap, TimedTransport(lap_http, client), snapshots=snapshots, progress=first_seen)
        t_start = time.perf_counter()
        t_sync, result = timed(engine.run_round)
        server_side = srv.timings()
        got = synced_counts(path)
        extra: dict[str, Any] = {}
        if snapshots:
            extra = {
                "goal": "<= 20 s",
                "met": t_sync <= 20,
                "snapshot": result.snapshot,
                "snapshot_download_and_adopt_s": round(
                    phases.get("pull", t_start) - phases.get("snapshot", t_start), 3
                ),
                "pull_after_snapshot_s": round(t_start + t_sync - phases.get("pull", t_start), 3),
                "notes": result.notes,
            }
        else:
            extra = {"note": "the fallback when the server has no snapshot for the laptop (no goal)"}
        emit(
            name,
            t_sync,
            "s",
            t_base,
            "executemany of the same rows into a fresh laptop database (one transaction)",
            **extra,
            households=want.get("household"),
            persons=want.get("person"),
            visits=want.get("visit"),
            rows=n_rows,
            pulled=result.pulled,
            complete=got == want,
            pull_requests=len([1 for p, _ in client if p == "pull"]),
            server_pull_s=round(sum(server_side.get("pull", [])), 3),
            server_snapshot_s=round(sum(server_side.get("snapshot", [])), 3),
            client_pull_s=round(sum(t for p, t in client if p == "pull"), 3),
            rows_per_s=round(n_rows / t_sync),
            server="uvicorn subprocess, SQLite, 127.0.0.1",
            server_5xx=dict(srv.errors),
        )
        if got != want:
            note(f"{name}: incomplete: laptop {got} server-side source {want}")
        if snapshots:
            laptop, user, http = lap, lap_user, lap_http
        else:
            lap_http.close()
            lap.close()
    assert laptop is not None and user is not None and http is not None

    # Figure 2: 10,000 offline changes on this synced laptop, made through the services, then pushed
    rng = random.Random(7)
    with laptop.reader() as conn:
        people = conn.exec_driver_sql("SELECT id, has_daklak_app FROM person WHERE deleted = 0").all()
    chosen = rng.sample(people, min(scale.changes, len(people)))
    svc = Services(laptop, user_id=user)

    def make_changes() -> None:
        for pid, has_app in chosen:
            svc.persons.update_status(str(pid), has_daklak_app=not has_app)

    t_local, _ = timed(make_changes)
    pending = sync_engine.status(laptop).pending
    srv.timings()
    client.clear()
    push_result = RoundResult()
    engine = SyncEngine(laptop, TimedTransport(http, client))
    t_push, _ = timed(lambda: engine.push(push_result))
    server_side = srv.timings()
    emit(
        f"push_{scale.changes // 1000}k_changes" if scale.changes >= 1000 else f"push_{scale.changes}_changes",
        t_push,
        "s",
        t_local,
        "making the same changes locally (PersonService.update_status, one unit of work each)",
        goal="<= 5 s",
        met=t_push <= 5,
        changes=len(chosen),
        ops_pushed=pending,
        applied=push_result.applied,
        conflict=push_result.conflict,
        rejected=push_result.rejected,
        push_requests=len(client),
        server_push_s=round(sum(server_side.get("push", [])), 3),
        ops_per_s=round(pending / t_push) if t_push else None,
        server_5xx=dict(srv.errors),
    )
    http.close()
    laptop.close()


# ---------------------------------------------------------------------------------------------------------
# Figure 3: many laptops at once


@dataclass(slots=True)
class _LaptopRun:
    name: str
    db: Any
    user_id: str
    transport: TimedTransport
    seed: int
    applied: int = 0
    pulled: int = 0
    failures: int = 0
    round_s: list[float] | None = None


def _communes(n: int) -> list[int]:
    from dlso_desktop import admin_units

    codes = [c.code for c in admin_units.dak_lak_communes() if c.code != COMMUNE]  # not the big commune
    return codes[:n]


def _make_changes(lap: _LaptopRun, round_no: int, ops: int) -> None:
    """About ``ops`` outbox ops through the services: households with their members, visits, submissions."""
    from dlso_desktop import demo

    households = max(1, ops // 11)  # the demo makes ~11 ops per household with its activity
    demo.generate(lap.db, households=households, seed=lap.seed * 1000 + round_no, user_id=lap.user_id, batch=households)


def _laptop_rounds(lap: _LaptopRun, scale: Scale, barrier: threading.Barrier) -> None:
    """Each round: make the changes (not timed), wait for every laptop, sync, wait for every laptop again."""
    from sync.engine import SyncEngine

    lap.round_s = []
    for r in range(scale.rounds):
        try:
            _make_changes(lap, r, scale.ops_per_round)
        except Exception as exc:  # e.g. a generated citizen id that a laptop of the commune already pulled
            note(f"{lap.name} round {r}: local changes failed: {type(exc).__name__}: {exc}")
        barrier.wait()
        t0 = time.perf_counter()
        try:
            result = SyncEngine(lap.db, lap.transport).run_round()
        except Exception as exc:  # a failed round is counted
            lap.failures += 1
            note(f"{lap.name} round {r}: {type(exc).__name__}: {exc}")
        else:
            lap.round_s.append(time.perf_counter() - t0)
            lap.applied += result.applied
            lap.pulled += result.pulled
        barrier.wait()


def _run_together(laps: list[_LaptopRun], scale: Scale) -> float:
    """The laptops' rounds in one thread each; returns the summed wall time of the sync phases (all laptops
    syncing at once, from the moment the last one finished its local changes until the last one is done)."""
    barrier = threading.Barrier(len(laps) + 1)
    threads = [threading.Thread(target=_laptop_rounds, args=(lap, scale, barrier), daemon=True) for lap in laps]
    for th in threads:
        th.start()
    wall = 0.0
    for _ in range(scale.rounds):
        barrier.wait()  # every laptop made its changes
        t0 = time.perf_counter()
        barrier.wait()  # every laptop finished its round
        wall += time.perf_counter() - t0
    for th in threads:
        th.join()
    return wall


def _prepare_laptops(
    srv: ServerProcess, url: str, communes: list[int], tmp: Path, prefix: str, seed: int
) -> list[_LaptopRun]:
    from dlso_desktop.storage.store import create_database
    from sync import engine as sync_engine

    codes = enrollment_codes(url, communes)
    out = []
    for i, (commune, code) in enumerate(zip(communes, codes, strict=True)):
        db = create_database(tmp / f"{prefix}{i}.sqlite", commune)
        user = _add_user(db, f"Cán bộ {prefix}{i}", "team_member")
        sync_engine.enroll(db, srv.url, code)
        sink: list[tuple[str, float]] = []
        out.append(_LaptopRun(f"{prefix}{i}", db, user, TimedTransport(sync_engine.transport_for(db), sink), seed + i))
    return out


def run_many_laptops(scale: Scale, kind: str, srv: ServerProcess, tmp: Path) -> None:
    communes = _communes(scale.communes)
    database_url = srv.database_url
    # baseline: one laptop alone (its own commune), the same rounds
    (solo,) = _prepare_laptops(srv, database_url, [communes[0]], tmp, f"{kind}-solo", 10_000)
    srv.timings()
    t_solo = _run_together([solo], scale)
    solo_server = [t for ts in srv.timings().values() for t in ts]
    solo_client = [t for _, t in solo.transport.sink]
    solo_ops_s = solo.applied / t_solo if t_solo else 0.0

    laps = _prepare_laptops(
        srv, database_url, [communes[i % len(communes)] for i in range(scale.laptops)], tmp, f"{kind}-l", 100
    )
    srv.timings()
    note(f"{len(laps)} laptops on {kind} ready; syncing together")
    wall = _run_together(laps, scale)
    server = srv.timings()
    server_all = [t for ts in server.values() for t in ts]
    client_all = [t for lap in laps for _, t in lap.transport.sink]
    applied = sum(lap.applied for lap in laps)
    p95_server = pct(server_all, 0.95) if server_all else 0.0
    p95_client = pct(client_all, 0.95) if client_all else 0.0
    emit(
        f"laptops_{scale.laptops}_{kind}",
        applied / wall if wall else 0.0,
        "ops/s",
        solo_ops_s,
        "one laptop alone, same rounds, same server",
        goal="server p95 <= 2 s",
        met=p95_server <= 2.0,
        p95_server_s=round(p95_server, 4),
        p95_client_s=round(p95_client, 4),
        solo_p95_server_s=round(pct(solo_server, 0.95), 4) if solo_server else None,
        solo_p95_client_s=round(pct(solo_client, 0.95), 4) if solo_client else None,
        server_by_endpoint={k: _pcts(v) for k, v in sorted(server.items())},
        server_5xx=dict(srv.errors),
        laptops=len(laps),
        communes=len(communes),
        rounds=scale.rounds,
        ops_pushed=applied,
        pulled=sum(lap.pulled for lap in laps),
        failed_rounds=sum(lap.failures for lap in laps),
        sync_wall_s=round(wall, 2),
        round_p95_s=round(pct([t for lap in laps for t in (lap.round_s or [])], 0.95), 3)
        if any(lap.round_s for lap in laps)
        else None,
        ops_s_is="ops applied by the server / wall time of the sync phases (every laptop syncing at once)",
    )
    for lap in [solo, *laps]:
        lap.transport.inner.close()
        lap.db.close()


def copy_commune_to_postgresql(sqlite_server_db: Path, url: str) -> int:
    """The big commune's records and counter, copied (``COPY``) into a migrated PostgreSQL server database,
    so that both servers of the many-laptops figure hold the same data."""
    from sqlalchemy import create_engine

    src = sqlite3.connect(sqlite_server_db)
    engine = create_engine(url)
    n = 0
    try:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur:
                for commune, seq, pruned in src.execute("SELECT commune_code, seq, pruned_below FROM commune_counter"):
                    cur.execute(
                        "INSERT INTO commune_counter (commune_code, seq, pruned_below) VALUES (%s, %s, %s)",
                        (commune, seq, pruned),
                    )
                cols = "table_name, row_id, commune_code, version, deleted, data, updated_at"
                with cur.copy(f"COPY record ({cols}) FROM STDIN") as copy:
                    for t, r, c, v, d, data, at in src.execute(f"SELECT {cols} FROM record"):
                        copy.write_row((t, r, c, v, bool(d), data, at))
                        n += 1
            conn.exec_driver_sql("ANALYZE")
    finally:
        src.close()
        engine.dispose()
    return n


@contextmanager
def postgresql() -> Iterator[tuple[str | None, str]]:
    """(database url, "") on a throwaway durable cluster (fsync on, as in production), or (None, why not)."""
    from sync.server.pgcluster import PgCluster, PgClusterError

    if not PgCluster.available():
        yield None, "PostgreSQL is not installed on this machine (PgCluster.available() is false)"
        return
    base = Path(tempfile.mkdtemp(prefix="dlso-bench-pg-"))  # PgCluster hands it to the postgres user if root
    cluster = PgCluster(base, durable=True)
    try:
        cluster.start()
        url = cluster.create_database("dlso_bench")
    except PgClusterError as exc:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
        yield None, f"the PostgreSQL cluster did not start: {exc}"
        return
    try:
        yield url, ""
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------


def run(scale: Scale | None = None, *, bench_dir: Path | None = None) -> None:
    """Every sync figure; ``scale`` defaults to $DLSO_BENCH_SYNC_SCALE (``tiny``) or the full sizes."""
    global BENCH_DIR
    scale = scale or scale_from_env()
    parts = parts_from_env()
    if bench_dir is not None:
        BENCH_DIR = bench_dir
    t0 = time.perf_counter()
    data = commune_data(scale)
    note(f"commune data ready in {time.perf_counter() - t0:.1f} s ({data.folder})")
    # an explicit bench_dir (the smoke test) also holds the run's scratch files: everything in one place
    with tempfile.TemporaryDirectory(prefix="dlso-sync-bench-", dir=bench_dir) as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        server_db = tmp / "server.sqlite"  # a copy of the cached server database holding the commune
        shutil.copyfile(data.server_db, server_db)
        if "first" in parts:
            baseline = first_sync_baseline(data, tmp)
            build_snapshot(f"sqlite:///{server_db}", tmp / "snapshots", baseline)
        srv = ServerProcess(f"sqlite:///{server_db}", tmp / "server-sqlite.log").spawn()
        try:
            srv.wait_ready()
            note(f"server started in {time.perf_counter() - t0:.1f} s")
            if "first" in parts:
                t0 = time.perf_counter()
                run_first_sync_and_push(scale, data, srv, tmp, baseline)
                note(f"first sync and push figures in {time.perf_counter() - t0:.1f} s")
            if "sqlite" in parts:
                t0 = time.perf_counter()
                run_many_laptops(scale, "sqlite", srv, tmp)
                note(f"many laptops on SQLite in {time.perf_counter() - t0:.1f} s")
        finally:
            srv.stop()
        if scale.postgresql and "postgresql" in parts:
            t0 = time.perf_counter()
            with postgresql() as (url, why):
                if url is None:
                    emit_skipped(f"laptops_{scale.laptops}_postgresql", why)
                else:
                    snapshots = {"DLSO_SERVER_SNAPSHOT_DIR": str(tmp / "snapshots-postgresql")}
                    with ServerProcess(url, tmp / "server-postgresql.log", snapshots, workers=PG_WORKERS) as srv:
                        t1 = time.perf_counter()
                        n = copy_commune_to_postgresql(data.server_db, url)
                        note(f"{n} records of the commune copied to PostgreSQL in {time.perf_counter() - t1:.1f} s")
                        run_many_laptops(scale, "postgresql", srv, tmp)
            note(f"many laptops on PostgreSQL in {time.perf_counter() - t0:.1f} s")


def emit_skipped(name: str, reason: str) -> None:
    sys.stdout.write(json.dumps({"figure": name, "skipped": True, "reason": reason}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    run()
