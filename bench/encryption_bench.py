"""The cost of encryption at rest (issue 6), each figure an SQLCipher laptop database against an unencrypted one
in the same run, medians of several rounds (docs/BENCHMARKS.md, "Encryption at rest"); goal: ratio <= 1.15:

* ``encrypted_write_20k_persons`` / ``encrypted_search_median_20k_persons``: the foundation's write path
  (``PersonService.create_many``) and search, on fresh databases; the two databases are written batch by batch
  and searched query by query, alternating which goes first, so that both see the same load on a shared machine;
* ``encrypted_first_sync_commune``: a freshly created and enrolled laptop runs one ``SyncEngine.run_round``
  against a real ``uvicorn`` server (the sync bench's :class:`bench.sync_bench.ServerProcess`) holding a commune
  of 3,000 households and 20,000 visits (~150,000 rows: a fifth of the sync bench's commune, cached in
  ``bench-data/`` the same way), the commune snapshot ready on the server, as ``first_sync_commune`` does;
* ``encrypted_first_sync_commune_record_by_record``: the same with ``SyncEngine(snapshots=False)`` (every
  record pulled in pages and applied): the cost of encryption on the pull path itself.

Write and search take the median of 5 rounds (their true cost is ~5-10%, close enough to the goal that 3 noisy
rounds on a shared machine could land on either side of it); the first syncs 3.

The first syncs alternate whole rounds (which laptop goes first). Both laptops download the same gzip-compressed
snapshot; the encrypted one encrypts it page by page as it arrives and copies it with SQLCipher's backup
(``sync/bootstrap.py``). The figure reports ``encrypted_took_snapshot``, the round's notes, the bytes on the
wire and, for scale, the ratio once the download over a 10 Mbit/s link is added to both (the same bytes for
both laptops, so only the loopback times differ). It also reports ``crypto_floor_s``, measured in the same run:
the time to AES-256-CBC-encrypt and HMAC-SHA512 the snapshot's bytes in one native call each (``cryptography``
and ``hashlib``, best of 3), the least that any laptop which encrypts and authenticates every page once must
add on one core; ``floor_ratio`` is the unencrypted first sync with that added.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bench import sync_bench
from bench.common import emit, median, person_inputs, timed
from bench.sync_bench import CommuneData, Scale, ServerProcess
from dlso_desktop.services import Services
from dlso_desktop.storage.keystore import new_database_key
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.text import fold

if TYPE_CHECKING:
    from dlso_desktop.services.people import PersonInput

N = 20_000
BATCH = 5_000
QUERIES = 100
COMMUNE = 24133


def _queries(n: int, seed: int = 11) -> list[str]:
    """Given names, name prefixes, full names and phone endings, as people type them."""
    rng = random.Random(seed)
    inputs = person_inputs(2_000, seed=3)
    out: list[str] = []
    while len(out) < n:
        p = rng.choice(inputs)
        words = fold(p.full_name).split()
        kind = rng.randrange(4)
        if kind == 0:
            out.append(words[-1])
        elif kind == 1:
            out.append(" ".join(w[:3] for w in words[-2:]))
        elif kind == 2 or not p.phone:
            out.append(p.full_name)
        else:
            out.append(p.phone[-4:])
    return out


MODES = ("plain", "encrypted")


def _order(i: int) -> tuple[str, str]:
    """Which mode goes first at step ``i``: they alternate, so that both see the same load on a shared machine."""
    return MODES if i % 2 == 0 else (MODES[1], MODES[0])


def _write(dbs: dict[str, Database], inputs: list[PersonInput]) -> dict[str, float]:
    """The same batches into both databases, batch by batch (alternating which goes first); seconds per mode."""
    svcs = {mode: Services(db) for mode, db in dbs.items()}
    total = dict.fromkeys(MODES, 0.0)
    for i, start in enumerate(range(0, len(inputs), BATCH)):
        batch = inputs[start : start + BATCH]
        for mode in _order(i):
            t0 = time.perf_counter()
            svcs[mode].persons.create_many(batch)
            total[mode] += time.perf_counter() - t0
    return total


def _search(paths: dict[str, Path], keys: dict[str, bytes | None], queries: list[str]) -> dict[str, list[float]]:
    """Each query on both databases, one after the other (alternating which goes first), 3 passes after one
    warm-up pass; milliseconds per query and mode."""
    dbs = {mode: open_database(paths[mode], key=keys[mode]) for mode in MODES}
    try:
        svcs = {mode: Services(db) for mode, db in dbs.items()}
        for q in queries:  # warm the page cache once, as a user's first keystrokes do
            for mode in MODES:
                svcs[mode].search.search(q, limit=50)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        for i in range(3 * len(queries)):
            q = queries[i % len(queries)]
            for mode in _order(i):
                t0 = time.perf_counter()
                svcs[mode].search.search(q, limit=50)
                times[mode].append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        for db in dbs.values():
            db.close()


#: rounds of the write and search figures (the first syncs: :data:`FIRST_SYNC_ROUNDS`)
ROUNDS = 5


def run(
    n: int = N,
    rounds: int = ROUNDS,
    first_sync: Scale | Literal["auto"] | None = "auto",
    *,
    bench_dir: Path | None = None,
) -> None:
    """Every encryption figure. ``first_sync``: the commune of the first-sync figures; ``"auto"`` means
    :data:`FIRST_SYNC` for the full run (``n == N``) and no first-sync figures for a smaller one (the smoke
    tests); ``None`` skips them. ``bench_dir`` holds the cached commune and the run's files (default
    ``bench-data/``)."""
    write_and_search(n, rounds)
    scale = (FIRST_SYNC if n == N else None) if first_sync == "auto" else first_sync
    if scale is not None:
        run_first_sync(scale, FIRST_SYNC_ROUNDS if rounds >= 3 else rounds, bench_dir=bench_dir)


def write_and_search(n: int = N, rounds: int = ROUNDS) -> None:
    inputs = person_inputs(n)
    queries = _queries(QUERIES)
    write: dict[str, list[float]] = {mode: [] for mode in MODES}
    search: dict[str, list[float]] = {mode: [] for mode in MODES}
    query_ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            keys: dict[str, bytes | None] = {"plain": None, "encrypted": new_database_key()}
            paths = {mode: Path(tmp) / f"{mode}{r}.sqlite" for mode in MODES}
            dbs = {mode: create_database(paths[mode], COMMUNE, key=keys[mode]) for mode in MODES}
            try:
                for mode, seconds in _write(dbs, inputs).items():
                    write[mode].append(seconds)
            finally:
                for db in dbs.values():
                    db.close()
            times = _search(paths, keys, queries)
            for mode in MODES:
                search[mode].append(median(times[mode]))
            query_ratios += [e / p for e, p in zip(times["encrypted"], times["plain"], strict=True) if p > 0]
    size = f"{n // 1000}k" if n >= 1000 else str(n)
    t_enc, t_plain = median(write["encrypted"]), median(write["plain"])
    emit(
        f"encrypted_write_{size}_persons",
        t_enc,
        "s",
        t_plain,
        "the same writes to an unencrypted database",
        goal="<= 15% slower (ratio <= 1.15)",
        persons=n,
        rounds=rounds,
        encrypted_s=[round(t, 3) for t in write["encrypted"]],
        plain_s=[round(t, 3) for t in write["plain"]],
        round_ratios=[round(e / p, 3) for e, p in zip(write["encrypted"], write["plain"], strict=True)],
        method="both databases written batch by batch (5,000 persons), alternating which goes first",
    )
    s_enc, s_plain = median(search["encrypted"]), median(search["plain"])
    emit(
        f"encrypted_search_median_{size}_persons",
        s_enc,
        "ms",
        s_plain,
        "the same searches on an unencrypted database",
        goal="<= 15% slower (ratio <= 1.15)",
        persons=n,
        queries=len(queries),
        encrypted_ms=[round(t, 3) for t in search["encrypted"]],
        plain_ms=[round(t, 3) for t in search["plain"]],
        median_query_ratio=round(median(query_ratios), 3),
        method="each query run on both databases one after the other, alternating which goes first",
    )


# ---------------------------------------------------------------------------------------------------------
# The first sync of a commune, encrypted against unencrypted


#: the first-sync figures' commune: a fifth of the sync bench's (one run of both figures, 3 rounds, takes
#: ~2-3 minutes here; building the cache once ~1 minute)
FIRST_SYNC = Scale(households=3_000, visits=20_000, changes=0, laptops=0, communes=0, postgresql=False)
FIRST_SYNC_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class FirstSync:
    seconds: float
    snapshot: bool  # the laptop took the commune snapshot
    pulled: int
    complete: bool  # the laptop holds every row of the commune
    notes: list[str]
    db_mb: float


def synced_counts(db: Database) -> dict[str, int]:
    """Rows per synced table, read through the database's own engine (an encrypted file is not readable with
    ``sqlite3``, so :func:`bench.sync_bench.synced_counts` cannot be used)."""
    from sync import fields as F

    with db.reader() as conn:
        return {t: int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()) for t in F.TABLES}


def first_sync_once(
    data: CommuneData, srv: ServerProcess, path: Path, key: bytes | None, *, snapshots: bool
) -> FirstSync:
    """A new laptop database at ``path`` (encrypted with ``key``), its first user, enrolled with a one-time
    code, then one timed ``SyncEngine.run_round`` (as ``first_sync_commune`` times it)."""
    from sync import engine as sync_engine
    from sync.engine import SyncEngine

    (code,) = sync_bench.enrollment_codes(srv.database_url, [sync_bench.COMMUNE])
    lap = create_database(path, sync_bench.COMMUNE, key=key)
    try:
        sync_bench._add_user(lap, "Tình nguyện viên")
        sync_engine.enroll(lap, srv.url, code)
        http = sync_engine.transport_for(lap)
        try:
            t, result = timed(SyncEngine(lap, http, snapshots=snapshots).run_round)
        finally:
            http.close()
        got = synced_counts(lap)
    finally:
        lap.close()
    want: dict[str, int] = data.manifest["rows"]
    # every laptop enrolled on this server in this run added its own user: app_user only grows
    complete = all(got[t] == n for t, n in want.items() if t != "app_user") and got["app_user"] > want["app_user"]
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return FirstSync(t, result.snapshot, result.pulled, complete, list(result.notes), size / 1e6)


def _remove(path: Path) -> None:
    for p in path.parent.glob(path.name + "*"):
        p.unlink()


def run_first_sync(scale: Scale, rounds: int = FIRST_SYNC_ROUNDS, *, bench_dir: Path | None = None) -> None:
    """The two first-sync figures: the same server, the same commune, fresh laptops; in each round the
    encrypted and the plaintext laptop alternate which goes first."""
    from sync.server import snapshot
    from sync.server.db import make_engine

    cache = sync_bench.BENCH_DIR
    if bench_dir is not None:
        sync_bench.BENCH_DIR = bench_dir
    t0 = time.perf_counter()
    try:
        data = sync_bench.commune_data(scale)
    finally:
        sync_bench.BENCH_DIR = cache
    sync_bench.note(f"commune data ready in {time.perf_counter() - t0:.1f} s ({data.folder})")
    with tempfile.TemporaryDirectory(prefix="dlso-enc-bench-", dir=bench_dir) as tmp_name:
        tmp = Path(tmp_name)
        server_db = tmp / "server.sqlite"
        shutil.copyfile(data.server_db, server_db)
        url = f"sqlite:///{server_db}"
        srv = sync_bench.ServerProcess(url, tmp / "server.log").spawn()
        try:
            engine = make_engine(url)  # the snapshot the server hands out, in its default folder
            try:
                info = snapshot.build(engine, snapshot.snapshot_dir(url), sync_bench.COMMUNE, full=True)
            finally:
                engine.dispose()
            wire_bytes = info.gz_size if info is not None else 0
            plain_bytes = info.size if info is not None else 0
            srv.wait_ready()
            runs: dict[tuple[bool, str], list[FirstSync]] = {}
            for snapshots in (True, False):
                for r in range(rounds):
                    modes = ("plain", "encrypted") if r % 2 == 0 else ("encrypted", "plain")
                    for mode in modes:
                        key = new_database_key() if mode == "encrypted" else None
                        path = tmp / f"laptop-{mode}" / "dlso.sqlite"
                        path.parent.mkdir(exist_ok=True)
                        runs.setdefault((snapshots, mode), []).append(
                            first_sync_once(data, srv, path, key, snapshots=snapshots)
                        )
                        _remove(path)
                        sync_bench.note(f"first sync, snapshots={snapshots}, {mode}: {runs[snapshots, mode][-1]}")
        finally:
            srv.stop()
    floor = crypto_floor(plain_bytes) if plain_bytes else None
    for snapshots, name in (
        (True, "encrypted_first_sync_commune"),
        (False, "encrypted_first_sync_commune_record_by_record"),
    ):
        _emit_first_sync(
            name,
            data,
            runs[snapshots, "encrypted"],
            runs[snapshots, "plain"],
            snapshots=snapshots,
            wire=wire_bytes,
            floor=floor if snapshots else None,
        )


def crypto_floor(size: int, repeats: int = 3) -> float:
    """Seconds to AES-256-CBC-encrypt ``size`` bytes and HMAC-SHA512 them, one native call each, best of
    ``repeats``: what SQLCipher's page format costs at the least, on one core (no per-page work counted)."""
    import hmac
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = os.urandom(size - size % 16)
    key = os.urandom(32)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        Cipher(algorithms.AES(key), modes.CBC(os.urandom(16))).encryptor().update(data)
        hmac.digest(key, data, "sha512")
        best = min(best, time.perf_counter() - t0)
    return best


#: a commune office's connection, for the ratio with the download time added (bench docstring)
LINK_BITS_PER_S = 10_000_000


def _emit_first_sync(
    name: str,
    data: CommuneData,
    enc: list[FirstSync],
    plain: list[FirstSync],
    *,
    snapshots: bool,
    wire: int,
    floor: float | None = None,
) -> None:
    rows: dict[str, int] = data.manifest["rows"]
    extra: dict[str, Any] = {}
    if snapshots:
        extra["encrypted_took_snapshot"] = [f.snapshot for f in enc]
        extra["plain_took_snapshot"] = [f.snapshot for f in plain]
        extra["encrypted_notes"] = sorted({n for f in enc for n in f.notes})
        if wire and all(f.snapshot for f in enc + plain):
            link = wire * 8 / LINK_BITS_PER_S
            extra["snapshot_download_mb"] = round(wire / 1e6, 3)
            extra["ratio_with_download_at_10_mbit_s"] = round(
                (median([f.seconds for f in enc]) + link) / (median([f.seconds for f in plain]) + link), 3
            )
        if floor is not None:
            base = median([f.seconds for f in plain])
            extra["crypto_floor_s"] = round(floor, 4)
            extra["floor_ratio"] = round((base + floor) / base, 3)
    emit(
        name,
        median([f.seconds for f in enc]),
        "s",
        median([f.seconds for f in plain]),
        "the same first sync into an unencrypted laptop database (same server, same run)",
        goal="<= 15% slower (ratio <= 1.15)",
        **extra,
        households=rows.get("household"),
        persons=rows.get("person"),
        visits=rows.get("visit"),
        rows=sum(rows.values()),
        rounds=len(enc),
        encrypted_s=[round(f.seconds, 3) for f in enc],
        plain_s=[round(f.seconds, 3) for f in plain],
        complete=all(f.complete for f in enc + plain),
        encrypted_db_mb=round(median([f.db_mb for f in enc]), 1),
        plain_db_mb=round(median([f.db_mb for f in plain]), 1),
        server="uvicorn subprocess, SQLite, 127.0.0.1",
    )


if __name__ == "__main__":
    run()
