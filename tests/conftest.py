"""Shared fixtures: a fresh laptop database for commune 24133 (Phường Buôn Ma Thuột), services acting as a
created user, a village, and a full-content snapshot to prove that a failed unit of work left nothing behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dlso_desktop.services import Services
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database, create_database

COMMUNE = 24133

Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = create_database(tmp_path / "dlso.sqlite", COMMUNE)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def user_id(db: Database) -> str:
    return Services(db).users.create("Nguyễn Thị Lan", "team_member", "2468").id


@pytest.fixture
def services(db: Database, user_id: str) -> Services:
    return Services(db, user_id=user_id)


@pytest.fixture
def village(services: Services) -> VillageView:
    return services.villages.create("Buôn Kô Tam", "buon")


def take_snapshot(db: Database) -> Snapshot:
    """Every row of every ordinary table (FTS5 shadow tables included, so the index itself is compared)."""
    with db.reader() as conn:
        tables = [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        return {t: sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{t}"')), key=repr) for t in tables}


@pytest.fixture
def snapshot() -> Callable[[Database], Snapshot]:
    return take_snapshot
