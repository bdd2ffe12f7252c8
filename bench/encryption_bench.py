"""The cost of encryption at rest (issue 6): the write path and the search, on an SQLCipher database against an
unencrypted one, in the same run (rounds alternate plaintext/encrypted on fresh databases; medians reported)."""

import random
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import emit, median, person_inputs, timed
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


def _write(db: Database, inputs: "list[PersonInput]") -> float:
    svc = Services(db)

    def go() -> None:
        for start in range(0, len(inputs), BATCH):
            svc.persons.create_many(inputs[start : start + BATCH])

    return timed(go)[0]


def _search(path: Path, key: bytes | None, queries: list[str]) -> list[float]:
    db = open_database(path, key=key)
    try:
        svc = Services(db)
        for q in queries:  # warm the page cache once, as a user's first keystrokes do
            svc.search.search(q, limit=50)
        times: list[float] = []
        for _ in range(3):
            for q in queries:
                t0 = time.perf_counter()
                svc.search.search(q, limit=50)
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        db.close()


def run(n: int = N, rounds: int = 3) -> None:
    inputs = person_inputs(n)
    queries = _queries(QUERIES)
    write: dict[str, list[float]] = {"plain": [], "encrypted": []}
    search: dict[str, list[float]] = {"plain": [], "encrypted": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for mode in ("plain", "encrypted"):
                key = new_database_key() if mode == "encrypted" else None
                path = Path(tmp) / f"{mode}{r}.sqlite"
                db = create_database(path, COMMUNE, key=key)
                try:
                    write[mode].append(_write(db, inputs))
                finally:
                    db.close()
                search[mode].append(median(_search(path, key, queries)))
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
    )


if __name__ == "__main__":
    run()
