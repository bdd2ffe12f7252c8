"""A Hypothesis state machine: three laptops and one server, random edits, deletes, conflict resolutions and
sync rounds under random network faults. Whatever happens, once the faults stop and everyone syncs, all
laptops and the server hold the same data, every op has exactly one answer, and nothing a laptop made is
missing on the server (SYNC.md guarantees 1-4)."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sync_support import Laptop, Server, content

from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.storage.store import create_database
from sync import local
from sync import protocol as P
from sync.transport import Refused, TransportError

COMMUNE = 24133
NAMES = ["Phạm Văn Khải", "Y Mek Niê", "H'Maryam Niê", "Lê Thị Hoa", "Nguyễn Văn An"]
PHONES = ["0905123456", "0987654321", "0912345678", None]
ADDRESSES = ["Số 1", "Số 2", "Buôn Kô Tam", ""]


@cache
def _templates() -> Path:
    """Three empty laptop databases and one migrated server database, made once and copied per example."""
    base = Path(tempfile.mkdtemp(prefix="dlso-sm-"))
    for n in range(4):  # the fourth joins at the end, from the commune snapshot when there is one
        create_database(base / f"laptop{n}.sqlite", COMMUNE).close()
    Server(f"sqlite:///{base / 'server.sqlite'}").close()
    return base


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="dlso-sm-run-"))
        self.server: Server | None = None
        self.laptops: list[Laptop] = []

    @initialize()
    def setup(self) -> None:
        base = _templates()
        shutil.copy(base / "server.sqlite", self.dir / "server.sqlite")
        self.server = Server(f"sqlite:///{self.dir / 'server.sqlite'}")
        for n in range(3):
            shutil.copy(base / f"laptop{n}.sqlite", self.dir / f"laptop{n}.sqlite")
            lap = Laptop.__new__(Laptop)
            _open_laptop(lap, self.dir / f"laptop{n}.sqlite", self.server, f"L{n}")
            lap.enroll()
            self.laptops.append(lap)
        # a shared village and two households on every laptop, so edits can meet (and conflict)
        first = self.laptops[0]
        self.village = first.services.villages.create("Buôn Kô Tam", "buon").id
        for name in NAMES[:2]:
            self.create_household(0, name, None)
        for lap in self.laptops:
            lap.sync_until_done()

    # -- rules ---------------------------------------------------------------------------------------

    @rule(n=st.integers(0, 2), name=st.sampled_from(NAMES), phone=st.sampled_from(PHONES))
    def create_household(self, n: int, name: str, phone: str | None) -> None:
        lap = self.laptops[n]
        if not _exists(lap, "village", self.village):
            return
        lap.services.households.create(
            HouseholdInput(
                village_id=self.village,
                members=[PersonInput(name, sex="male", birth_date=date(1980, 1, 1), relationship="head", phone=phone)],
            )
        )

    @rule(n=st.integers(0, 2), pick=st.integers(0, 1000), phone=st.sampled_from(PHONES))
    def edit_phone(self, n: int, pick: int, phone: str | None) -> None:
        lap = self.laptops[n]
        person = _pick(lap, "person", pick)
        if person is None:
            return
        pid, name = person
        lap.services.persons.update(
            pid, PersonInput(name, sex="male", birth_date=date(1980, 1, 1), relationship="head", phone=phone)
        )

    @rule(
        n=st.integers(0, 2),
        m=st.integers(0, 2),
        pick=st.integers(0, 1000),
        phones=st.tuples(st.sampled_from(PHONES), st.sampled_from(PHONES)),
    )
    def concurrent_phone_edits(self, n: int, m: int, pick: int, phones: tuple[str | None, str | None]) -> None:
        """Two laptops change the same person's phone before either syncs."""
        self.edit_phone(n, pick, phones[0])
        if m != n:
            self.edit_phone(m, pick, phones[1])

    @rule(n=st.integers(0, 2), pick=st.integers(0, 1000), address=st.sampled_from(ADDRESSES))
    def edit_address(self, n: int, pick: int, address: str) -> None:
        lap = self.laptops[n]
        hh = _pick(lap, "household", pick)
        if hh is None:
            return
        view = lap.services.households.get(hh[0])
        from dlso_desktop.services.people import HouseholdInput as HI

        lap.services.households.update(
            hh[0],
            HI(village_id=view.household.village_id, head_name=view.household.head_name, address=address),
        )

    @rule(n=st.integers(0, 2), pick=st.integers(0, 1000))
    def delete_household(self, n: int, pick: int) -> None:
        lap = self.laptops[n]
        hh = _pick(lap, "household", pick)
        if hh is not None:
            lap.services.households.delete(hh[0])

    @rule(
        n=st.integers(0, 2),
        fault=st.sampled_from(["none", "drop_request", "drop_response", "duplicate"]),
        seed=st.integers(0, 2**16),
        batch=st.sampled_from([1, 3, 500]),
    )
    def sync(self, n: int, fault: str, seed: int, batch: int) -> None:
        lap = self.laptops[n]
        lap.faults.drop_request = lap.faults.drop_response = lap.faults.duplicate = 0.0
        if fault != "none":
            setattr(lap.faults, fault, 0.4)
        lap.faults.rng = random.Random(seed)
        with contextlib.suppress(TransportError):
            lap.sync(batch_size=batch, page_size=3)

    @rule()
    def build_snapshot(self) -> None:
        """The server builds or refreshes the commune snapshot (whatever the state: open conflicts,
        tombstones, changes still on the laptops)."""
        from sync.server import snapshot

        assert self.server is not None
        snapshot.build(self.server.engine, self.server.app.state.snapshots.folder, COMMUNE)

    @rule(n=st.integers(0, 2), take_incoming=st.booleans())
    def resolve(self, n: int, take_incoming: bool) -> None:
        lap = self.laptops[n]
        with contextlib.suppress(TransportError):
            lap.sync()  # an operator looks at the conflicts after a sync
        for c in local.conflicts(lap.db):
            if c.resolving:
                continue
            value = c.incoming_value if take_incoming else c.server_value
            if c.field == "deleted":
                value = not take_incoming
            with contextlib.suppress(local.NotAllowed):
                local.resolve_conflict(lap.db, lap.user_id, c.id, value)
            return

    # -- the end: faults stop, everyone syncs, all agree ---------------------------------------------

    def teardown(self) -> None:
        try:
            if self.server is not None and len(self.laptops) == 3:
                self._converged()
        finally:
            for lap in self.laptops:
                lap.close()
            if self.server is not None:
                self.server.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _converged(self) -> None:
        assert self.server is not None
        for lap in self.laptops:
            lap.faults.drop_request = lap.faults.drop_response = lap.faults.duplicate = 0.0
        for _ in range(2):
            for lap in self.laptops:
                try:
                    lap.sync()
                except Refused as exc:  # pragma: no cover - would be a bug
                    raise AssertionError(exc) from exc
        first = content(self.laptops[0].db)
        for lap in self.laptops:
            assert local.pending_count(lap.db) == 0
            assert content(lap.db) == first, f"{lap.name} did not converge"
        assert self.laptops[0].transport is not None
        answer = self.laptops[0].transport.get(f"{P.PREFIX}/verify")
        assert {t: (d["count"], d["digest"]) for t, d in answer["tables"].items()} == local.local_digests(
            self.laptops[0].db
        )
        with self.server.engine.connect() as conn:
            receipts = {
                (str(d), int(o)): str(s)
                for d, o, s in conn.exec_driver_sql("SELECT device_id, op_id, status FROM op_receipt")
            }
            records = {
                (str(t), str(r)): json.loads(d)
                for t, r, d in conn.exec_driver_sql("SELECT table_name, row_id, data FROM record")
            }
        for lap in self.laptops:
            with lap.db.reader() as conn:
                ops = conn.exec_driver_sql("SELECT op_id, table_name, row_id, kind, status, changes FROM outbox").all()
            for op_id, table, row_id, kind, status, changes in ops:
                # exactly one answer per op, the same on both sides
                assert receipts[(lap.db.device_id, int(op_id))] == status, (lap.name, op_id)
                if kind == "insert":
                    assert (table, row_id) in records, "a record made on a laptop is missing on the server"
                if status == "rejected":
                    assert kind == "resolve", f"{lap.name}: op {op_id} rejected"
                if status == "conflict" and kind == "update":
                    fields = set(json.loads(changes))
                    kept = [
                        c
                        for c in records.values()
                        if c.get("row_id") == row_id and c.get("incoming_device") == lap.db.device_id
                    ]
                    assert kept and {c["field"] for c in kept} & (fields | {"deleted"}), "a conflicting edit was lost"
        self._newcomer_agrees()
        event(f"conflicts: {sum(1 for t, _r in records if t == P.CONFLICT_TABLE) > 0}")
        event(
            f"deleted households: {sum(1 for (t, _r), d in records.items() if t == 'household' and d['deleted']) > 0}"
        )
        resolved = sum(1 for (t, _r), d in records.items() if t == P.CONFLICT_TABLE and d["status"] != "open")
        event(f"resolved: {resolved > 0}")
        for (table, _row), data in records.items():
            if table == "household" and data.get("deleted"):
                for lap in self.laptops:
                    assert _row not in _live_ids(lap, "household"), "a deleted household came back"

    def _newcomer_agrees(self) -> None:
        """A new laptop's first sync (from the snapshot, if one was built) gives the same data as the others."""
        from sync_support import SnapshotTransport

        assert self.server is not None
        shutil.copy(_templates() / "laptop3.sqlite", self.dir / "laptop3.sqlite")
        new = Laptop.__new__(Laptop)
        _open_laptop(new, self.dir / "laptop3.sqlite", self.server, "L3")
        try:
            new.enroll()
            new.transport = SnapshotTransport(self.server, local.get_meta(new.db, local.TOKEN), new.faults)
            result = new.sync()
            event(f"newcomer took a snapshot: {result.snapshot}")
            self.laptops[0].sync()
            assert content(new.db) == content(self.laptops[0].db), "the newcomer differs"
            assert local.local_digests(new.db) == local.local_digests(self.laptops[0].db)
        finally:
            new.close()


def _open_laptop(lap: Laptop, path: Path, server: Server, name: str) -> None:
    from sync_support import Faults

    from dlso_desktop.services import Services
    from dlso_desktop.storage.store import open_database

    lap.name = name
    lap.db = open_database(path)
    lap.server = server
    with lap.db.unit_of_work(None) as uow:
        row = uow.insert("app_user", {"display_name": f"Cán bộ {name}", "role": "commune_operator"})
        uow.commit()
    lap.user_id = str(row["id"])
    lap.services = Services(lap.db, user_id=lap.user_id)
    lap.faults = Faults()
    lap.transport = None


def _exists(lap: Laptop, table: str, row_id: str) -> bool:
    with lap.db.reader() as conn:
        return (
            conn.exec_driver_sql(f"SELECT 1 FROM {table} WHERE id = ? AND deleted = 0", (row_id,)).first() is not None
        )


def _live_ids(lap: Laptop, table: str) -> set[str]:
    with lap.db.reader() as conn:
        return {str(r[0]) for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE deleted = 0")}


def _pick(lap: Laptop, table: str, pick: int) -> tuple[str, str] | None:
    column = "full_name" if table == "person" else "head_name"
    with lap.db.reader() as conn:
        rows = list(conn.exec_driver_sql(f"SELECT id, {column} FROM {table} WHERE deleted = 0 ORDER BY id").all())
    if not rows:
        return None
    row = rows[pick % len(rows)]
    return str(row[0]), str(row[1])


SyncMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSyncConverges = SyncMachine.TestCase
