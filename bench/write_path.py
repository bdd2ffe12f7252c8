"""Write path: persons through the services (validation + audit + outbox + search index) against a plain
SQLAlchemy Core bulk insert of the same person rows into an identical fresh database."""

import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import SQLModel

from bench.common import emit, median, person_inputs, timed
from dlso_desktop.services import Services
from dlso_desktop.services.base import Errors
from dlso_desktop.services.people import person_values
from dlso_desktop.storage.store import Database, create_database
from dlso_desktop.storage.uow import UnitOfWork

N = 50_000
BATCH = 5_000


def run(n: int = N, rounds: int = 5) -> None:
    """Baseline and services alternate for ``rounds`` rounds on fresh databases; medians are reported."""
    inputs = person_inputs(n)
    table = SQLModel.metadata.tables["person"]
    base_times: list[float] = []
    svc_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        # the exact person rows the services write, prepared in advance (the baseline's best case)
        probe = create_database(Path(tmp) / "probe.sqlite", 24133)
        errors = Errors()
        today = date.today()
        with probe.engine.connect() as conn:
            uow = UnitOfWork(conn, device_id=probe.device_id, commune_code=24133, user_id=None)
            rows = [dict(uow.insert("person", person_values(inp, today, errors))) for inp in inputs]
            conn.rollback()
        probe.close()
        for r in range(rounds):
            base_db = create_database(Path(tmp) / f"base{r}.sqlite", 24133)

            def baseline(db: Database = base_db) -> None:
                with db.engine.connect() as conn:
                    conn.begin()
                    for start in range(0, n, BATCH):
                        conn.execute(table.insert(), rows[start : start + BATCH])
                    conn.commit()

            base_times.append(timed(baseline)[0])
            base_db.close()

            db = create_database(Path(tmp) / f"svc{r}.sqlite", 24133)
            svc = Services(db)

            def services(svc: Services = svc) -> None:
                for start in range(0, n, BATCH):
                    svc.persons.create_many(inputs[start : start + BATCH])

            svc_times.append(timed(services)[0])
            db.close()
    t_svc, t_base = median(svc_times), median(base_times)
    emit(
        "write_path_50k_persons",
        t_svc,
        "s",
        t_base,
        "SQLAlchemy Core bulk insert of the same person rows",
        goal="ratio <= 3",
        persons=n,
        rounds=rounds,
        per_person_us=round(t_svc / n * 1e6, 1),
        services_s=[round(t, 3) for t in svc_times],
        baseline_s=[round(t, 3) for t in base_times],
        round_ratios_median=round(median([a / b for a, b in zip(svc_times, base_times, strict=True)]), 3),
    )


if __name__ == "__main__":
    run()
