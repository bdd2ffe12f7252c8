"""The server's fast paths change nothing but speed: a push whose values were checked before the locks
(``apply.prepare_push``) gets the very same answers and records as one checked inside them, and the FIFO
semaphore that queues requests and SQLite writers serves them in arrival order, short ones first.

(No timing is asserted here: ``python -m bench sync`` measures the speed.)"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sync import protocol as P
from sync.server import admin, apply
from sync.server.db import _SQLITE_WRITE_LOCKS, FifoSemaphore, make_engine, migrate, writing

COMMUNE = 24133
NOW = "2026-12-02T10:00:00.000Z"


def _op(op_id: int, kind: str, row_id: str, changes: dict[str, Any], table: str = "household") -> dict[str, Any]:
    return {
        "op_id": op_id,
        "txn_id": str(uuid.UUID(int=op_id)),
        "table": table,
        "row_id": row_id,
        "kind": kind,
        "changes": changes,
        "base_version": 0,
        "author_id": None,
        "created_at": NOW,
        "schema_version": 1,
    }


def _batch() -> P.PushRequest:
    """Inserts, updates and deletes, good and refused in every way a value can be refused."""
    a, b, c, village = (str(uuid.UUID(int=i)) for i in (101, 102, 103, 104))
    ops = [
        _op(1, "insert", a, {"village_id": village, "head_name": "Y Mek Niê", "address": "Buôn Ko Tam"}),
        _op(2, "insert", b, {"village_id": village, "head_name": "Lê Thị Lan", "smartphone_count": 2}),
        _op(3, "insert", c, {"village_id": village, "head_name": "x", "smartphone_count": "two"}),  # wrong type
        _op(4, "insert", c, {"village_id": village, "head_name": "x", "colour": "red"}),  # unknown field
        _op(5, "insert", c, {"village_id": village, "head_name": "x", "deleted": True}),  # a tombstone insert
        _op(6, "insert", "not-a-uuid", {"head_name": 7}),  # the id is refused before the value
        _op(7, "insert", a, {"village_id": village, "head_name": "Y Mek Niê", "address": "Buôn Ko Tam"}),  # again
        _op(8, "update", a, {"head_name": ["Y Mek Niê", "H’Hen Niê"], "notes": ["", "chuyển nhà"]}),
        _op(9, "update", a, {"head_name": ["Y Mek", "Y Blin"]}),  # changed on both sides: a conflict
        _op(10, "update", a, {"head_name": "Y Blin"}),  # not an [old, new] pair
        _op(11, "update", a, {"deleted": [False, True]}),  # a delete is its own op
        _op(12, "update", a, {"smartphone_count": [0, "3"]}),  # wrong type in an update
        _op(13, "update", str(uuid.UUID(int=999)), {"head_name": ["a", "b"]}),  # unknown record
        _op(14, "delete", b, {"deleted": [False, True]}),
        _op(15, "update", b, {"head_name": ["Lê Thị Lan", "Lê Lan"]}),  # edit of a deleted record
        _op(16, "update", b, {"colour": ["a", "b"]}),  # unknown field of a deleted record
        _op(17, "insert", str(uuid.UUID(int=105)), {"head_name": "x"}, table="no_such_table"),
    ]
    return P.PushRequest.model_validate({"ops": ops})


def _server(path: Path, device_id: str) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as conn:
        code = admin.create_enrollment_code(conn, COMMUNE).code
        admin.enroll(conn, code, device_id, COMMUNE, "laptop", "test")
    return engine


def _records(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM record ORDER BY table_name, row_id").all()]


def test_a_prepared_push_answers_and_stores_exactly_what_an_unprepared_one_does(tmp_path: Path) -> None:
    device_id = str(uuid.UUID(int=1))
    plain, fast = _server(tmp_path / "plain.sqlite", device_id), _server(tmp_path / "fast.sqlite", device_id)
    device = apply.DeviceInfo(device_id, COMMUNE)
    try:
        with plain.begin() as conn:
            expected = apply.apply_push(conn, device, _batch(), NOW)
        request = _batch()
        prepared = apply.prepare_push(request)
        with fast.begin() as conn:
            counter = apply.lock_counter(conn, COMMUNE)
            got = apply.apply_push(conn, device, request, NOW, prepared, counter=counter)
        assert got == expected
        assert {r.status for r in got.results} == {
            P.OpStatus.APPLIED,
            P.OpStatus.CONFLICT,
            P.OpStatus.REJECTED,
        }
        assert [r.reason.split(":")[0] for r in got.results if r.reason and r.status == P.OpStatus.REJECTED] == [
            "bad_field",
            "bad_field",
            "bad_field",
            "bad_id",
            "bad_field",
            "bad_field",
            "bad_field",
            "unknown_record",
            "bad_field",
            "unknown_table",
        ]
        assert _records(fast) == _records(plain)
    finally:
        plain.dispose()
        fast.dispose()


def _queue_in_order(sem: FifoSemaphore, names: list[tuple[str, bool]], served: list[str]) -> list[threading.Thread]:
    """One thread per name, each queued (``urgent`` or not) before the next starts."""
    threads = []
    for name, urgent in names:

        def wait(name: str = name, urgent: bool = urgent) -> None:
            sem.acquire(urgent=urgent)
            served.append(name)
            sem.release()

        before = len(sem._waiters) + len(sem._urgent)
        th = threading.Thread(target=wait, daemon=True)
        th.start()
        while len(sem._waiters) + len(sem._urgent) == before:  # until it waits in the queue
            th.join(0.001)
        threads.append(th)
    return threads


@pytest.mark.parametrize("slots", [1, 3])
def test_the_semaphore_serves_waiters_in_arrival_order_short_ones_first(slots: int) -> None:
    sem = FifoSemaphore(slots)
    for _ in range(slots):
        sem.acquire()
    served: list[str] = []
    order = [("push1", False), ("push2", False), ("pull1", True), ("push3", False), ("state1", True)]
    threads = _queue_in_order(sem, order, served)
    for _ in range(slots):
        sem.release()
    for th in threads:
        th.join(10)
    if slots == 1:
        assert served == ["pull1", "state1", "push1", "push2", "push3"]
    else:  # several run at once: which of them notes first that it got a slot is up to the threads
        assert sorted(served) == ["pull1", "push1", "push2", "push3", "state1"]
    # every slot is free again
    for _ in range(slots):
        sem.acquire()
    assert sem._free == 0


def test_sqlite_writers_of_a_process_share_one_lock_per_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite'}")
    other = make_engine(f"sqlite:///{tmp_path / 'server.sqlite'}")
    try:
        migrate(engine)
        inside = threading.Event()
        leave = threading.Event()
        done: list[str] = []

        def first() -> None:
            with writing(engine) as conn:
                conn.exec_driver_sql("INSERT INTO server_meta (key, value) VALUES ('a', '1')")
                inside.set()
                leave.wait(10)
            done.append("first")

        def second() -> None:
            with writing(other) as conn:  # another engine on the same file: the same lock
                conn.exec_driver_sql("INSERT INTO server_meta (key, value) VALUES ('b', '2')")
            done.append("second")

        t1 = threading.Thread(target=first)
        t1.start()
        inside.wait(10)
        t2 = threading.Thread(target=second)
        t2.start()
        lock = _SQLITE_WRITE_LOCKS[str(engine.url)]
        while not lock._waiters:  # the second writer queues in the process's lock, not in SQLite's busy handler
            t2.join(0.001)
        assert done == []
        leave.set()
        t1.join(10)
        t2.join(10)
        assert done == ["first", "second"]
    finally:
        engine.dispose()
        other.dispose()
