"""Shared fixtures: a fresh laptop database for commune 24133 (Phường Buôn Ma Thuột), services acting as a
created user, a village, and a full-content snapshot to prove that a failed unit of work left nothing behind."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
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
    """A commune operator (the broadest role, so tests of what a service does are not tests of roles:
    `test_roles` covers those) created as the app creates one (audited, in the outbox), minus the deliberately
    slow PIN hashing, which `test_services.test_users_and_pins` covers."""
    with db.unit_of_work(None) as uow:
        row = uow.insert(
            "app_user", {"display_name": "Nguyễn Thị Lan", "role": "commune_operator"}, summary="test user"
        )
        uow.commit()
    return str(row["id"])


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
def ctx(db: Database, user_id: str, tmp_path: Path, qapp: object) -> Iterator[Any]:
    """What the main window gives every screen: services for the fixture's user, tasks, settings."""
    from ui.app_context import AppContext
    from ui.settings import Settings
    from ui.tasks import Tasks

    user = next(u for u in Services(db).users.list_all() if u.id == user_id)
    context = AppContext(db, user, Tasks(), Settings(tmp_path), tmp_path)
    yield context
    context.tasks.wait()


@pytest.fixture(autouse=True)
def _qt_widgets_gone_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's widgets are deleted at the end of that test, on the GUI thread, not whenever a later test
    happens to run an event loop or Python's cycle collector happens to run (possibly on a worker thread).

    pytest-qt closes the widgets a test registered and calls ``deleteLater()``; Qt only carries that out when an
    event loop next runs, which used to be in the middle of the next test (a crash there blamed the wrong
    test). Here the results still queued for the GUI thread are delivered while the widgets exist, then the
    deletions are carried out, then Python's cycles (pages hold lambdas that hold the page) are collected."""
    qt_test = "qapp" in request.fixturenames or "qtbot" in request.fixturenames
    if qt_test:
        gc.disable()  # as in the app (ui/gc_guard.py): no collection on a worker thread during the test
    try:
        yield
    finally:
        if qt_test:
            gc.enable()
    if "PySide6" not in sys.modules:
        return
    from ui.qt import QtCore

    app = QtCore.QCoreApplication.instance()
    if app is None:
        return
    app.processEvents()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    gc.collect()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _english_again_after_each_test() -> Iterator[None]:
    """Translators are global to the application: a test that switched to Vietnamese must not leak it."""
    yield
    from ui.qt import QtCore

    if QtCore.QCoreApplication.instance() is not None:
        from ui.i18n import install_language

        install_language("en")


# ---------------------------------------------------------------------------------------------------------
# The provincial server's database: every server test runs on SQLite and on PostgreSQL (issue #4).


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster for the whole session, on a free 127.0.0.1 port, stopped at the end.

    Without PostgreSQL installed the PostgreSQL half of the server tests is skipped on a developer's machine
    but FAILS in CI (CI=true): .ci/run installs Debian's package, so a missing one is a broken CI set-up.
    """
    import os
    import shutil
    import tempfile

    from sync.server.pgcluster import PgCluster

    if not PgCluster.available():
        message = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; apt install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must run the server tests against PostgreSQL")
        pytest.skip(message)
    # under /tmp and not pytest's tmp dir: when run as root the cluster runs as the postgres user, who cannot
    # enter pytest's root-only base directory
    base = Path(tempfile.mkdtemp(prefix="dlso-pg-", dir="/tmp" if os.geteuid() == 0 else None))
    cluster = PgCluster(base)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty server database URL for each test: an SQLite file, or a new database in the session's
    PostgreSQL cluster (dropped after the test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite'}"
        return
    import uuid

    cluster = request.getfixturevalue("pg_cluster")
    name = f"dlso_test_{uuid.uuid4().hex[:16]}"
    url = cluster.create_database(name)
    try:
        yield url
    finally:
        cluster.drop_database(name)


@pytest.fixture
def server(server_url: str) -> Iterator[Any]:
    """The sync server app (``sync_support.Server``) on SQLite and on PostgreSQL: the same tests on both
    databases. Modules that need it set up differently (a snapshot folder, a server secret) define their own."""
    from sync_support import Server

    s = Server(server_url)
    try:
        yield s
    finally:
        s.close()
