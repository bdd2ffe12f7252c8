"""Sync test kit: a provincial server in-process (FastAPI app on a real database, SQLite or PostgreSQL),
laptops with real databases and services, and a transport that can drop, duplicate or fail deliveries."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage.store import Database, create_database
from sync import engine as sync_engine
from sync import local
from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.transport import Refused, Sink, TransportError


class Server:
    def __init__(self, url: str, snapshot_folder: Path | None = None) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        migrate(self.engine)
        self.app = create_app(self.engine, snapshot_folder=snapshot_folder)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def code(self, commune: int) -> str:
        with self.engine.begin() as conn:
            return admin.create_enrollment_code(conn, commune).code

    def close(self) -> None:
        self.app.state.snapshots.join()  # a snapshot build a request started must not outlive the test
        self.client.close()
        self.engine.dispose()


@dataclass
class Faults:
    """Per-call fault plan. Each probability applies independently to every request."""

    drop_request: float = 0.0  # never reaches the server
    drop_response: float = 0.0  # the server handled it, the answer is lost
    duplicate: float = 0.0  # the request is delivered twice (the laptop sees the second answer)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    log: list[str] = field(default_factory=list)


class AppTransport:
    """A :class:`sync.transport.Transport` over the in-process app, with injectable faults."""

    def __init__(self, server: Server, token: str | None = None, faults: Faults | None = None) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.faults = faults or Faults()
        self.calls = 0
        #: called with the path before each delivery (tests use it to kill things at a chosen moment)
        self.before: Callable[[str], None] | None = None

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._deliver(path, lambda: self.server.client.get(path, params=params, headers=self.headers))

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._deliver(path, lambda: self.server.client.post(path, json=body, headers=self.headers))

    def _deliver(self, path: str, send: Callable[[], Any]) -> dict[str, Any]:
        self.calls += 1
        f = self.faults
        if self.before is not None:
            self.before(path)
        if f.rng.random() < f.drop_request:
            f.log.append(f"drop request {path}")
            raise TransportError("request dropped")
        response = send()
        if f.rng.random() < f.duplicate:
            f.log.append(f"duplicate {path}")
            response = send()
        if f.rng.random() < f.drop_response:
            f.log.append(f"drop response {path}")
            raise TransportError("response dropped")
        if response.status_code >= 500:
            raise TransportError(f"HTTP {response.status_code}")
        body = response.json()
        if response.status_code >= 400:
            raise Refused(response.status_code, body["error"], body["message_vi"], body["message_en"])
        assert isinstance(body, dict)
        return body


class SnapshotTransport(AppTransport):
    """An :class:`AppTransport` that can also download (so a new laptop may take the commune snapshot; the
    plain one cannot, and pulls record by record)."""

    def download(
        self,
        path: str,
        params: dict[str, Any],
        dest: Path | Sink,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, str]:
        """Like ``HttpTransport.download`` (the test client decodes the gzip transfer)."""
        self.calls += 1
        if self.before is not None:
            self.before(path)
        response = self.server.client.get(path, params=params, headers=self.headers)
        if response.status_code >= 500:
            raise TransportError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            body = response.json()
            raise Refused(response.status_code, body["error"], body["message_vi"], body["message_en"])
        if isinstance(dest, Path):
            dest.write_bytes(response.content)
        else:
            dest.write(response.content)
        if progress is not None:
            progress(len(response.content), len(response.content))
        return {k.lower(): v for k, v in response.headers.items()}


class Laptop:
    def __init__(
        self, path: Path, commune: int, server: Server, name: str = "laptop", *, key: bytes | None = None
    ) -> None:
        self.name = name
        self.db: Database = create_database(path, commune, key=key)
        self.server = server
        with self.db.unit_of_work(None) as uow:
            op = uow.insert("app_user", {"display_name": f"Cán bộ {name}", "role": "commune_operator"})
            uow.commit()
        self.user_id = str(op["id"])
        self.services = Services(self.db, user_id=self.user_id)
        self.faults = Faults()
        self.transport: AppTransport | None = None

    def enroll(self) -> None:
        sync_engine.enroll(
            self.db, "http://testserver", self.server.code(self.db.commune_code), transport=AppTransport(self.server)
        )
        token = local.get_meta(self.db, local.TOKEN)
        self.transport = AppTransport(self.server, token, self.faults)

    def sync(self, **kwargs: Any) -> sync_engine.RoundResult:
        assert self.transport is not None
        return sync_engine.SyncEngine(self.db, self.transport, **kwargs).run_round()

    def sync_until_done(self, attempts: int = 50) -> sync_engine.RoundResult:
        """Rounds until one succeeds (faults may break some)."""
        last: Exception | None = None
        for _ in range(attempts):
            try:
                return self.sync()
            except TransportError as exc:
                last = exc
        raise AssertionError(f"{self.name} never completed a round: {last}")

    def close(self) -> None:
        self.db.close()


def family(village_id: str, head: str = "Phạm Văn Khải", spouse: str = "Lê Thị Hoa") -> HouseholdInput:
    return HouseholdInput(
        village_id=village_id,
        address="Số 5",
        members=[
            PersonInput(head, sex="male", birth_date=date(1980, 5, 1), relationship="head"),
            PersonInput(spouse, sex="female", birth_year=1984, relationship="spouse"),
        ],
    )


SYNCED_TABLES = ("village", "household", "person", "visit", "visit_finding", "app_user")


def content(db: Database) -> dict[str, dict[str, tuple[Any, ...]]]:
    """What must agree across laptops: every synced table's live rows, synced fields only."""
    from sync import fields as F

    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    with db.reader() as conn:
        for table, spec in F.TABLES.items():
            names = list(spec.fields)
            rows = conn.exec_driver_sql(f"SELECT id, {', '.join(names)} FROM {table}").all()
            out[table] = {str(r[0]): tuple(r[1:]) for r in rows}
    return out
