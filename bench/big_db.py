"""Search and open time on a 1,000,000-person database.

The database is built once through the real services by the demo generator and kept in ``bench-data/``
(ignored by git): building it is the input, not what is measured. Delete the folder to rebuild.
"""

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.common import emit, median, pct
from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.storage import search as search_index
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.text import fold

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench-data"
HOUSEHOLDS = 250_000  # about 1,000,000 persons
DB_VERSION = "v6"


def big_database(households: int = HOUSEHOLDS) -> Path:
    path = BENCH_DIR / f"persons-{households}-{DB_VERSION}.sqlite"
    if path.exists():
        return path
    BENCH_DIR.mkdir(exist_ok=True)
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    db = create_database(tmp, 24133)
    t0 = time.perf_counter()
    counts = demo.generate(db, households=households, seed=2026, activity=False, batch=5000)
    sys.stderr.write(f"built {counts} in {time.perf_counter() - t0:.0f}s\n")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.rename(path)
    return path


def queries(db: Database, n: int = 20, seed: int = 5) -> list[str]:
    """Twenty typical accent-free queries drawn from the data: full names, given names, prefixes, phones."""
    rng = random.Random(seed)
    with db.reader() as conn:
        total = conn.exec_driver_sql("SELECT max(rowid) FROM person").scalar() or 1
        people: list[tuple[str, str | None]] = []
        while len(people) < 40:
            row = conn.exec_driver_sql(
                "SELECT full_name, phone FROM person WHERE rowid = ?", (rng.randint(1, total),)
            ).first()
            if row is not None:
                people.append((str(row[0]), row[1]))
    out: list[str] = []
    phones = [p for _, p in people if p]
    names = [fold(n) for n, _ in people]
    out += names[:6]  # full names
    out += [n.split()[-1] for n in names[6:10]]  # given name only (last word for Kinh names)
    out += [" ".join([*n.split()[:-1], n.split()[-1][:2]]) for n in names[10:14]]  # typing: last word partial
    out += [n[:3] for n in names[14:16]]  # first letters only
    out += [phones[0][:4], phones[1][-4:], phones[2][-6:], phones[3][:7]]  # phone fragments
    return out[:n]


def raw_fts(db: Database, q: str) -> int:
    tokens = search_index.query_tokens(q)
    expr = " AND ".join(f'"{t}"*' for t in tokens)
    with db.reader() as conn:
        return len(
            conn.exec_driver_sql("SELECT rowid FROM fts_person WHERE fts_person MATCH ? LIMIT 50", (expr,)).all()
        )


def run_search(path: Path) -> None:
    db = open_database(path)
    svc = Services(db)
    qs = queries(db)
    ours: list[float] = []
    raw: list[float] = []
    for q in qs:
        svc.search.search(q, limit=50)  # warm the page cache once, as a user's first keystrokes do
        raw_fts(db, q)
    found = 0
    for _ in range(5):
        for q in qs:
            t0 = time.perf_counter()
            hits = svc.search.search(q, limit=50)
            ours.append((time.perf_counter() - t0) * 1000)
            found += bool(hits)
            t0 = time.perf_counter()
            raw_fts(db, q)
            raw.append((time.perf_counter() - t0) * 1000)
    persons = svc.admin.stats()["person"]
    db.close()
    emit(
        "search_median_1m_persons",
        median(ours),
        "ms",
        median(raw),
        "raw FTS5 prefix query of the same terms",
        goal="<= 20 ms",
        persons=persons,
        queries=len(qs),
        answered=f"{found}/{len(ours)}",
    )
    emit(
        "search_p95_1m_persons",
        pct(ours, 0.95),
        "ms",
        pct(raw, 0.95),
        "raw FTS5 prefix query of the same terms",
        goal="<= 50 ms",
        persons=persons,
        query_list=qs,
    )


_OPEN_SCRIPT = """
import json, sqlite3, sys, time
from pathlib import Path
t0 = time.perf_counter()
from dlso_desktop.storage.store import open_database
t1 = time.perf_counter()
db = open_database(Path(sys.argv[1]))
with db.reader() as conn:
    conn.exec_driver_sql("SELECT count(*) FROM meta").scalar()
t2 = time.perf_counter()
db.close()
t3 = time.perf_counter()
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT version_num FROM alembic_version").fetchone()
c.execute("SELECT count(*) FROM meta").fetchone()
t4 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "raw": t4 - t3}))
"""


def run_open(path: Path) -> None:
    samples = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", _OPEN_SCRIPT, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        samples.append(json.loads(out.stdout))
    emit(
        "open_1m_person_db",
        median([s["open"] for s in samples]) * 1000,
        "ms",
        median([s["raw"] for s in samples]) * 1000,
        "sqlite3.connect + reading the schema revision",
        goal="<= 300 ms",
        imports_ms=round(median([s["imports"] for s in samples]) * 1000, 1),
    )


def run() -> None:
    path = big_database()
    run_search(path)
    run_open(path)


if __name__ == "__main__":
    run()
