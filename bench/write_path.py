"""Write path: persons through the services (validation + audit + outbox + search index) against a plain
SQLAlchemy Core bulk insert of the same person rows into an identical fresh database."""

import tempfile
from pathlib import Path

from sqlmodel import SQLModel

from bench.common import emit, person_inputs, timed
from dlso_desktop.services import Services
from dlso_desktop.services.base import Errors
from dlso_desktop.services.people import person_values
from dlso_desktop.storage.store import create_database
from dlso_desktop.storage.uow import UnitOfWork

N = 50_000
BATCH = 5_000


def run(n: int = N) -> None:
    inputs = person_inputs(n)
    with tempfile.TemporaryDirectory() as tmp:
        # the same rows the services would write, prepared in advance (the baseline's best case)
        base_db = create_database(Path(tmp) / "base.sqlite", 24133)
        errors = Errors()
        today = __import__("datetime").date.today()
        rows = []
        with base_db.engine.connect() as conn:
            uow = UnitOfWork(conn, device_id=base_db.device_id, commune_code=24133, user_id=None)
            for inp in inputs:
                v = person_values(inp, today, errors)
                row = dict(uow.insert("person", v))
                rows.append(row)
            conn.rollback()
        table = SQLModel.metadata.tables["person"]

        def baseline() -> None:
            with base_db.engine.connect() as conn:
                conn.begin()
                for start in range(0, n, BATCH):
                    conn.execute(table.insert(), rows[start : start + BATCH])
                conn.commit()

        t_base, _ = timed(baseline)
        base_db.close()

        db = create_database(Path(tmp) / "svc.sqlite", 24133)
        svc = Services(db)

        def services() -> None:
            for start in range(0, n, BATCH):
                svc.persons.create_many(inputs[start : start + BATCH])

        t_svc, _ = timed(services)
        db.close()
    emit(
        "write_path_50k_persons",
        t_svc,
        "s",
        t_base,
        "SQLAlchemy Core bulk insert of the same person rows",
        goal="ratio <= 3",
        persons=n,
        per_person_us=round(t_svc / n * 1e6, 1),
    )


if __name__ == "__main__":
    run()
