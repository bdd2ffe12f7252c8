"""No log line holds personal data, a PIN, a key or a token (issue 6: "the search index and logs hold no plaintext
personal data outside the encrypted database").

Every place the app logs was read (``grep -rn "log\\.\\|logging" dlso_desktop sync ui main.py``): the laptop's
storage, services and sync engine do not log at all; the server logs ids, commune codes and counts; the UI logs
failures (``ui/tasks.py``, ``ui/errors.py``, ``ui/sync_controller.py``, ``ui/sync_page.py``) through
``dlso_desktop.logsafe.describe``: the exception's type, code and stack, never its text. A realistic flow runs
here with every logger at DEBUG (two encrypted laptops, demo data, edits, searches, a certificate, a backup,
keystore changes, wrong PINs, sync rounds through a real server app with its snapshot builder), and no record may
contain any of its personal values or secrets. What the UI would log of a failure is checked with ``describe``
and through ``ui.tasks``.
"""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cert_support import make_signing, session_with_results
from sync_support import AppTransport, Server, SnapshotTransport
from test_encryption_at_rest import USER_NAME, personal_values

from dlso_desktop import demo
from dlso_desktop.paths import DB_FILENAME
from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.keystore import Keystore, WrongPin, keystore_path, new_database_key
from dlso_desktop.storage.store import Database, create_database
from dlso_desktop.text import fold
from dlso_desktop.validation import ValidationError
from sync import engine as sync_engine
from sync import local
from sync.server import snapshot

COMMUNE = 24133
PINS = ("739154", "915372")
#: in constants, so that a traceback's source lines do not show them (only what the exception carries would)
NAME, PHONE, CID = "Hà Thị Ngọc Quyên", "0912876543", "066089246813"
OTHER_CID = "066191246813"
FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)


def logged_text(records: list[logging.LogRecord]) -> str:
    """Every record as a handler would write it: message, traceback and stack included."""
    return "\n".join(FORMAT.format(r) for r in records)


class Laptop:
    """An encrypted laptop with its keystore (one user, a recovery key) enrolled with ``server``."""

    def __init__(self, folder: Path, server: Server, *, snapshots: bool = False) -> None:
        self.key = new_database_key()
        self.path = folder / DB_FILENAME
        self.db: Database = create_database(self.path, COMMUNE, key=self.key)
        with self.db.unit_of_work(None) as uow:
            self.user_id = str(uow.insert("app_user", {"display_name": USER_NAME, "role": "commune_operator"})["id"])
            uow.commit()
        ks = Keystore.create(keystore_path(self.path), self.key)
        ks.add_user(self.user_id, USER_NAME, PINS[0], self.key)
        self.recovery = ks.set_recovery(self.key)
        self.svc = Services(self.db, user_id=self.user_id)
        sync_engine.enroll(self.db, "http://testserver", server.code(COMMUNE), transport=AppTransport(server))
        self.token = str(local.get_meta(self.db, local.TOKEN))
        kind = SnapshotTransport if snapshots else AppTransport
        self.transport = kind(server, self.token)

    def sync(self) -> sync_engine.RoundResult:
        return sync_engine.SyncEngine(self.db, self.transport).run_round()

    def secrets(self) -> list[str]:
        plain = self.recovery.replace("-", "")
        return [
            *PINS,
            self.key.hex(),
            self.key.hex().upper(),
            base64.b64encode(self.key).decode(),
            self.recovery,
            plain,
            self.token,
        ]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(f"sqlite:///{tmp_path / 'server.sqlite'}", snapshot_folder=tmp_path / "snapshots")
    s.app.state.snapshots.min_changes = 0  # the background builder runs (and logs) for this small commune
    yield s
    s.close()


def test_a_day_of_work_and_sync_logs_no_personal_data(
    tmp_path: Path, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("dlso", "sync", "ui", "httpx", "alembic"):
        caplog.set_level(logging.DEBUG, logger=name)
    a = Laptop(tmp_path / "a", server)
    b: Laptop | None = None
    try:
        demo.generate(a.db, households=40, seed=21, user_id=a.user_id)
        village = a.svc.villages.create("Buôn Ea Khanh Mới", "buon")
        a.svc.households.create(
            HouseholdInput(
                village.id,
                address="Số 3, Buôn Ea Khanh Mới",
                phone="0356781234",
                members=[
                    PersonInput(NAME, sex="female", birth_date=date(1991, 2, 3), phone=PHONE, relationship="head"),
                    PersonInput("Y Khanh Mlô", sex="male", birth_year=1989, citizen_id=CID, relationship="spouse"),
                ],
            )
        )
        for query in (fold(NAME), "khanh mlo", PHONE[-4:], "nguyen van"):
            a.svc.search.search(query)
        assert a.sync().applied > 40
        snapshot.build(server.engine, tmp_path / "snapshots", COMMUNE, full=True)

        # a second laptop's first sync (it tries the snapshot), then both edit the same person: a conflict
        b = Laptop(tmp_path / "b", server, snapshots=True)
        assert b.sync().pulled > 100
        target = a.svc.search.search(fold(NAME), kinds=("person",))[0].id
        a.svc.persons.update_status(target, has_daklak_app=True)
        b.svc.persons.update_status(target, has_daklak_app=False)
        a.sync()
        b.sync()
        a.sync()

        # keystore: wrong PINs, a PIN change, the recovery key; a backup and its recovery-only keystore
        ks = Keystore.load(keystore_path(a.path))
        for pin in ("000000", PINS[1]):
            with pytest.raises(WrongPin):
                ks.unlock(a.user_id, pin)
        ks.change_pin(a.user_id, PINS[0], PINS[1])
        assert ks.unlock_with_recovery(a.recovery) == a.key
        backup = a.db.backup(tmp_path / "a" / "backups" / "copy.sqlite")
        ks.export_recovery_only(keystore_path(backup))

        # a certificate (after the syncs: signing set-up replaces the device token)
        make_signing(a.db)
        a.svc.certificates.set_signer("Người Ký Thử", "Chủ tịch UBND phường")
        session_id, _ = session_with_results(a.svc, village.id, {"Đinh Thị Thanh Xuyến": "passed"})
        a.svc.certificates.issue(session_id)

        values = personal_values(a.db)
        values.kinds.update({k: v | personal_values(b.db).kinds.get(k, set()) for k, v in values.kinds.items()})
        values.add("secrets", [*a.secrets(), *b.secrets()])
    finally:
        a.db.close()
        if b is not None:
            b.db.close()
    assert values.count("names") > 150 and values.count("citizen_ids") > 50 and values.count("phones") > 50
    records = caplog.records
    assert {r.name.split(".")[0] for r in records} >= {"httpx", "alembic"}  # the capture works
    assert values.found(logged_text(records).encode()) == {}


# ---------------------------------------------------------------------------------------------------------
# What the UI logs of a failure: the exception's text (ui/tasks.py: traceback.format_exc(); ui/errors.py: the
# same for an unexpected error; ui/sync_controller.py and ui/sync_page.py: "%s: %s" of the exception)


def _as_ui_logs_it(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + f"\n{type(exc).__name__}: {exc}"


def test_a_database_error_carries_no_personal_values(tmp_path: Path) -> None:
    db = create_database(tmp_path / DB_FILENAME, COMMUNE, key=new_database_key())
    try:
        person = Services(db, system=True).persons.create(PersonInput(NAME, birth_year=1991))
        with pytest.raises(Exception) as raised, db.writer() as conn:  # e.g. a clash while a sync page is applied
            conn.exec_driver_sql(
                "INSERT INTO person (id, full_name, phone, citizen_id) VALUES (?, ?, ?, ?)",
                (person.id, NAME, PHONE, OTHER_CID),
            )
    finally:
        db.close()
    assert NAME not in _as_ui_logs_it(raised.value)


def test_a_refused_save_carries_no_personal_values(tmp_path: Path) -> None:
    db = create_database(tmp_path / DB_FILENAME, COMMUNE, key=new_database_key())
    try:
        svc = Services(db, system=True)
        svc.persons.create(PersonInput(NAME, sex="female", birth_year=1991, citizen_id=OTHER_CID))
        with pytest.raises(ValidationError) as raised:  # the same CCCD typed for another person
            svc.persons.create(PersonInput("Lò Thị Hiền", sex="female", birth_year=1991, citizen_id=OTHER_CID))
    finally:
        db.close()
    assert raised.value.code == "citizen_id.duplicate", raised.value
    assert NAME in str(raised.value)  # the message on screen names the holder, as it should
    from dlso_desktop.logsafe import describe

    logged = describe(raised.value)  # what ui/tasks.py and ui/errors.py write to the log
    assert NAME not in logged and OTHER_CID[-4:] not in logged
    assert "ValidationError [citizen_id.duplicate]" in logged
    assert "in check_unique_citizen_ids" in logged  # the stack is there to find the bug


def test_a_failed_background_task_logs_no_personal_values(
    tmp_path: Path, qapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from ui.tasks import Tasks

    db = create_database(tmp_path / DB_FILENAME, COMMUNE, key=new_database_key())
    tasks = Tasks()
    failures: list[BaseException] = []
    try:
        svc = Services(db, system=True)
        svc.persons.create(PersonInput(NAME, sex="female", birth_year=1991, citizen_id=OTHER_CID))
        with caplog.at_level(logging.DEBUG):
            tasks.write(
                lambda: svc.persons.create(PersonInput("Lò Thị Hiền", birth_year=1991, citizen_id=OTHER_CID)),
                None,
                failures.append,
            )
            tasks.wait()
            qapp.processEvents()
    finally:
        tasks.wait()
        db.close()
    assert failures and NAME in str(failures[0])  # the form gets the whole message
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "background task failed" in logged and "citizen_id.duplicate" in logged
    assert NAME not in logged and "Lò Thị Hiền" not in logged


def test_a_server_database_error_carries_no_personal_values(tmp_path: Path) -> None:
    """The server logs an unexpected error with its traceback (sync/server/app.py): its engine hides the
    statement's parameters (the pushed records' JSON, with names and CCCDs)."""
    from sqlalchemy.exc import IntegrityError

    from sync.server.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite'}")
    try:
        migrate(engine)
        row = {"t": "person", "r": "p-1", "c": COMMUNE, "d": f'{{"full_name": "{NAME}", "citizen_id": "{CID}"}}'}
        insert = (
            "INSERT INTO record (table_name, row_id, commune_code, version, deleted, data, updated_at)"
            " VALUES (:t, :r, :c, 1, 0, :d, '2026-12-02T00:00:00Z')"
        )
        with engine.begin() as conn:
            conn.exec_driver_sql(insert, row)
        with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
            conn.exec_driver_sql(insert, row)  # the same record twice
    finally:
        engine.dispose()
    text = _as_ui_logs_it(raised.value)
    assert "UNIQUE constraint failed" in text and NAME not in text and CID not in text
