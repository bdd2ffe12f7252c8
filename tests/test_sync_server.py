"""The provincial server at the HTTP level, on SQLite and on PostgreSQL (``server_url`` runs every test on both):
enrollment, commune scoping, revocation, idempotent pushes, gaps, malformed and oversized bodies, gzip and the
OpenAPI schema (issue #4, SYNC.md guarantees 1, 6 and 7)."""

from __future__ import annotations

import gzip
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from sync_support import AppTransport, Laptop, Server, content, family

from dlso_desktop import admin_units
from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.storage import schema as laptop_schema
from sync import local
from sync import protocol as P
from sync.server import admin
from sync.server.app import MAX_BODY_BYTES
from sync.server.models import CommuneCounter, Device, Record
from sync.transport import Refused

COMMUNE_A = 24133  # Phường Buôn Ma Thuột
COMMUNE_B = 24235  # Xã Buôn Đôn

PUSH = f"{P.PREFIX}/push"
PULL = f"{P.PREFIX}/pull"
VERIFY = f"{P.PREFIX}/verify"
STATE = f"{P.PREFIX}/state"
ENROLL = f"{P.PREFIX}/enroll"


@pytest.fixture
def make_laptop(tmp_path: Path, server: Server) -> Iterator[Callable[..., Laptop]]:
    made: list[Laptop] = []

    def make(commune: int = COMMUNE_A, name: str = "laptop", enroll: bool = True) -> Laptop:
        laptop = Laptop(tmp_path / f"{name}.sqlite", commune, server, name)
        made.append(laptop)
        if enroll:
            laptop.enroll()
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def auth(laptop: Laptop) -> dict[str, str]:
    token = local.get_meta(laptop.db, local.TOKEN)
    assert token
    return {"Authorization": f"Bearer {token}"}


def enroll_body(laptop: Laptop, code: str) -> dict[str, Any]:
    return P.EnrollRequest(
        code=code, device_id=laptop.db.device_id, commune_code=laptop.db.commune_code, device_name=laptop.name
    ).model_dump()


def op(
    op_id: int, row_id: str, kind: str = "insert", changes: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    body = {
        "op_id": op_id,
        "txn_id": new_id(),
        "table": kw.pop("table", "village"),
        "row_id": row_id,
        "kind": kind,
        "changes": {"name": f"Thôn {op_id}", "kind": "thon"} if changes is None else changes,
        "base_version": kw.pop("base_version", 0),
        "author_id": kw.pop("author_id", None),
        "created_at": utc_now(),
        "schema_version": laptop_schema.SCHEMA_VERSION,
    }
    assert not kw
    return body


def push(server: Server, laptop: Laptop, ops: list[dict[str, Any]]) -> P.PushResponse:
    body = json.dumps({"ops": ops})  # ASCII-escaped: a test may send text no UTF-8 encoder takes
    response = server.client.post(PUSH, content=body, headers={**auth(laptop), "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return P.PushResponse.model_validate(response.json())


def records(server: Server, commune: int | None = None) -> dict[tuple[str, str], tuple[int, bool, dict[str, Any]]]:
    rec = Record.__table__  # type: ignore[attr-defined]
    q = select(rec.c.table_name, rec.c.row_id, rec.c.version, rec.c.deleted, rec.c.data)
    if commune is not None:
        q = q.where(rec.c.commune_code == commune)
    with server.engine.connect() as conn:
        return {(t, r): (int(v), bool(d), json.loads(data)) for t, r, v, d, data in conn.execute(q)}


def table_count(server: Server, table: str) -> int:
    with server.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def dump_server(server: Server) -> str:
    """Every value of every server table, as one string (to prove a secret is stored nowhere)."""
    parts: list[str] = []
    with server.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    body = P.ErrorResponse.model_validate(response.json())
    assert body.error == code
    assert body.message_vi and body.message_en
    return body.model_dump()


# ---------------------------------------------------------------------------------------------------------
# Enrollment


def test_enrollment_gives_a_token_the_server_keeps_only_hashed(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop(enroll=False)
    code = server.code(COMMUNE_A)
    answer = server.client.post(ENROLL, json=enroll_body(laptop, code))
    assert answer.status_code == 200, answer.text
    enrolled = P.EnrollResponse.model_validate(answer.json())
    assert enrolled.device_id == laptop.db.device_id
    assert enrolled.commune_code == COMMUNE_A
    assert enrolled.commune_name == "Phường Buôn Ma Thuột"
    assert len(enrolled.token) >= 32

    stored = dump_server(server)
    assert enrolled.token not in stored  # neither the token ...
    assert admin.normalize_code(code) not in stored and code not in stored  # ... nor the one-time code
    dev = Device.__table__  # type: ignore[attr-defined]
    with server.engine.connect() as conn:
        token_hash = conn.execute(select(dev.c.token_hash).where(dev.c.id == laptop.db.device_id)).scalar_one()
    assert token_hash == admin.hash_secret(enrolled.token)

    # the token works, and only the real one
    state = server.client.get(STATE, headers={"Authorization": f"Bearer {enrolled.token}"})
    assert state.status_code == 200
    assert state.json()["commune_code"] == COMMUNE_A
    assert_error(server.client.get(STATE, headers={"Authorization": f"Bearer {token_hash}"}), 401, "unauthorized")
    assert_error(server.client.get(STATE), 401, "unauthorized")


def test_enrollment_code_is_single_use(server: Server, make_laptop: Any) -> None:
    first = make_laptop(name="first", enroll=False)
    second = make_laptop(name="second", enroll=False)
    code = server.code(COMMUNE_A)
    assert server.client.post(ENROLL, json=enroll_body(first, code)).status_code == 200
    body = assert_error(server.client.post(ENROLL, json=enroll_body(second, code)), 400, "code_used")
    assert body["message_vi"] == "Mã đăng ký này đã được dùng."
    # a code typed in lower case and with spaces is the same code, and still used
    sloppy = code.lower().replace("-", " ")
    assert_error(server.client.post(ENROLL, json=enroll_body(second, sloppy)), 400, "code_used")
    assert {d.id for d in _devices(server)} == {first.db.device_id}


def _devices(server: Server) -> list[admin.DeviceRow]:
    with server.engine.connect() as conn:
        return admin.list_devices(conn)


def test_expired_and_unknown_codes_are_refused(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop(enroll=False)
    with server.engine.begin() as conn:
        expired = admin.create_enrollment_code(conn, COMMUNE_A, lifetime=timedelta(seconds=-1)).code
    body = assert_error(server.client.post(ENROLL, json=enroll_body(laptop, expired)), 400, "code_expired")
    assert body["message_vi"] == "Mã đăng ký đã hết hạn."
    body = assert_error(server.client.post(ENROLL, json=enroll_body(laptop, "ABCD-EFGH-JKMN")), 400, "bad_code")
    assert body["message_vi"] == "Mã đăng ký không đúng."
    assert _devices(server) == []


def test_code_of_another_commune_is_refused_in_vietnamese(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop(commune=COMMUNE_A, enroll=False)
    code_b = server.code(COMMUNE_B)
    body = assert_error(server.client.post(ENROLL, json=enroll_body(laptop, code_b)), 400, "wrong_commune")
    name_b = admin_units.commune_by_code(COMMUNE_B).display_name
    assert body["message_vi"] == f"Mã này dành cho {name_b}, nhưng máy này được thiết lập cho một xã khác."
    assert _devices(server) == []
    # the refusal did not use the code up: a laptop of commune B still enrolls with it
    laptop_b = make_laptop(commune=COMMUNE_B, name="b", enroll=False)
    assert server.client.post(ENROLL, json=enroll_body(laptop_b, code_b)).status_code == 200
    # and the engine surfaces the Vietnamese message to the laptop
    with pytest.raises(Refused) as refused:
        from sync import engine as sync_engine

        sync_engine.enroll(laptop.db, "http://testserver", server.code(COMMUNE_B), transport=AppTransport(server))
    assert refused.value.status == 400
    assert refused.value.message_vi.startswith(f"Mã này dành cho {name_b}")
    assert local.get_meta(laptop.db, local.TOKEN) is None


def test_concurrent_first_enrollments_of_a_commune_both_succeed(server: Server, make_laptop: Any) -> None:
    """The first device of a commune creates its change counter; two at once must not collide (PostgreSQL
    blocks the second insert of the counter row until the first commits, then it must not fail)."""
    one = make_laptop(name="one", enroll=False)
    two = make_laptop(name="two", enroll=False)
    code_one, code_two = server.code(COMMUNE_A), server.code(COMMUNE_A)
    outcome: dict[str, Any] = {}
    with server.engine.connect() as conn:
        conn.begin()
        admin.enroll(conn, code_one, one.db.device_id, COMMUNE_A, "one", "")  # holds its locks, not committed

        def second() -> None:
            outcome["response"] = server.client.post(ENROLL, json=enroll_body(two, code_two))

        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.5)  # the second enrollment is now waiting (PostgreSQL) or will start after the commit
        conn.commit()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert outcome["response"].status_code == 200, outcome["response"].text
    assert {d.id for d in _devices(server)} == {one.db.device_id, two.db.device_id}
    ctr = CommuneCounter.__table__  # type: ignore[attr-defined]
    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ctr).where(ctr.c.commune_code == COMMUNE_A)).scalar() == 1


# ---------------------------------------------------------------------------------------------------------
# Commune scoping (guarantee 6)


def _commune_b_with_data(make_laptop: Any) -> tuple[Laptop, str]:
    laptop_b = make_laptop(commune=COMMUNE_B, name="b")
    village = laptop_b.services.villages.create("Buôn Ea Rông", "buon")
    laptop_b.services.households.create(family(village.id, head="Y Bhin Niê", spouse="H Lan Êban"))
    result = laptop_b.sync()
    assert result.rejected == 0 and result.conflict == 0 and result.applied > 0
    return laptop_b, village.id


def test_a_device_cannot_read_another_communes_data(server: Server, make_laptop: Any) -> None:
    laptop_b, _village_b = _commune_b_with_data(make_laptop)
    laptop_a = make_laptop(commune=COMMUNE_A, name="a")
    laptop_a.services.villages.create("Thôn 1", "thon")
    assert laptop_a.sync().rejected == 0
    b_records = records(server, COMMUNE_B)
    assert any(t == "household" for t, _ in b_records)

    # a pull from the very beginning shows commune A's records only
    cursor, seen = 0, []
    while True:
        page = P.PullResponse.model_validate(
            server.client.get(PULL, params={"cursor": cursor, "limit": 2}, headers=auth(laptop_a)).json()
        )
        seen.extend(page.changes)
        cursor = page.cursor
        if not page.more:
            break
    assert seen and all(c.data["commune_code"] == COMMUNE_A for c in seen)
    assert not {(c.table, c.row_id) for c in seen} & set(b_records)
    # a cursor taken from commune B's sequence gives nothing of B: the server asks for a reset
    high_b = max(v for v, _d, _data in b_records.values())
    page = P.PullResponse.model_validate(
        server.client.get(PULL, params={"cursor": high_b + 5}, headers=auth(laptop_a)).json()
    )
    assert page.changes == [] and page.reset_required
    # the laptop itself holds nothing of commune B
    assert "Y Bhin Niê" not in json.dumps(content(laptop_a.db), ensure_ascii=False, default=str)

    # verification counts are the device's commune's only
    verify_a = P.VerifyResponse.model_validate(server.client.get(VERIFY, headers=auth(laptop_a)).json())
    verify_b = P.VerifyResponse.model_validate(server.client.get(VERIFY, headers=auth(laptop_b)).json())
    assert verify_a.tables["household"].count == 0 and verify_a.tables["person"].count == 0
    assert verify_a.tables["village"].count == 1
    assert verify_b.tables["household"].count == 1 and verify_b.tables["person"].count == 2
    assert {t: (d.count, d.digest) for t, d in verify_a.tables.items()} == local.local_digests(laptop_a.db)
    assert {t: (d.count, d.digest) for t, d in verify_b.tables.items()} == local.local_digests(laptop_b.db)
    # a commune in a query string is ignored: the commune is the token's
    forged = server.client.get(VERIFY, params={"commune_code": COMMUNE_B}, headers=auth(laptop_a))
    assert forged.json()["tables"]["household"]["count"] == 0


def test_a_device_cannot_write_another_communes_data(server: Server, make_laptop: Any) -> None:
    laptop_b, village_b = _commune_b_with_data(make_laptop)
    laptop_a = make_laptop(commune=COMMUNE_A, name="a")
    before = records(server)
    household_b = next(r for (t, r) in before if t == "household")
    v_version, _deleted, v_data = before[("village", village_b)]
    counter_b = _counter(server, COMMUNE_B)

    answer = push(
        server,
        laptop_a,
        [
            # update B's village with the right old value
            op(1, village_b, "update", {"name": [v_data["name"], "Bị sửa"]}, base_version=v_version),
            # delete B's household
            op(2, household_b, "delete", {"deleted": [False, True]}, table="household"),
            # insert over B's village id
            op(3, village_b, "insert", {"name": "Chiếm chỗ", "kind": "thon"}),
            # an insert that names commune B in its fields
            op(4, new_id(), "insert", {"name": "Thôn giả", "kind": "thon", "commune_code": COMMUNE_B}),
            # resolve a conflict id of B's (none exists in A)
            op(5, str(uuid.uuid4()), "resolve", {"value": "x"}, table=P.CONFLICT_TABLE, author_id=laptop_a.user_id),
        ],
    )
    assert [r.status for r in answer.results] == [P.OpStatus.REJECTED] * 5
    assert answer.results[0].reason == "other_commune: no such record in this commune"
    assert answer.results[1].reason == "other_commune: no such record in this commune"
    assert answer.results[2].reason == "other_commune: no such record in this commune"
    assert answer.results[3].reason == "bad_field: unknown field village.commune_code"
    assert answer.last_op_id == 5  # answered (and kept): a resend gets the same answers
    # commune B's data is exactly as it was, its sequence did not move, and B's laptop pulls nothing new
    after = records(server)
    assert {k: v for k, v in after.items() if v[2]["commune_code"] == COMMUNE_B} == {
        k: v for k, v in before.items() if v[2]["commune_code"] == COMMUNE_B
    }
    assert _counter(server, COMMUNE_B) == counter_b
    assert laptop_b.sync().pulled == 0
    assert laptop_b.services.villages.list_all()[0].name == "Buôn Ea Rông"


def _counter(server: Server, commune: int) -> int:
    ctr = CommuneCounter.__table__  # type: ignore[attr-defined]
    with server.engine.connect() as conn:
        return int(conn.execute(select(ctr.c.seq).where(ctr.c.commune_code == commune)).scalar_one())


def test_a_revoked_device_is_refused_at_once(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    laptop.services.villages.create("Thôn 2", "thon")
    assert laptop.sync().applied > 0
    with server.engine.begin() as conn:
        assert admin.revoke_device(conn, laptop.db.device_id)
    for response in (
        server.client.get(STATE, headers=auth(laptop)),
        server.client.get(PULL, headers=auth(laptop)),
        server.client.get(VERIFY, headers=auth(laptop)),
        server.client.post(PUSH, json={"ops": []}, headers=auth(laptop)),
    ):
        body = assert_error(response, 403, "revoked")
        assert "thu hồi" in body["message_vi"]
    laptop.services.villages.create("Thôn 3", "thon")
    with pytest.raises(Refused) as refused:
        laptop.sync()
    assert refused.value.status == 403 and refused.value.code == "revoked"
    assert local.pending_count(laptop.db) == 1  # the unsent change is kept, not lost
    assert not any(d[2]["name"] == "Thôn 3" for (t, _r), d in records(server).items() if t == "village")
    with server.engine.begin() as conn:
        assert admin.revoke_device(conn, laptop.db.device_id)  # revoking again is harmless
        assert not admin.revoke_device(conn, "no-such-device")


# ---------------------------------------------------------------------------------------------------------
# Push: exactly once (guarantee 1)


def test_a_repeated_push_gets_duplicates_with_the_original_answers(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    ids = [new_id() for _ in range(3)]
    batch = [
        op(1, ids[0]),
        op(2, ids[1]),
        op(3, ids[0], "update", {"name": ["Thôn 1", "Thôn Một"]}),
        op(4, new_id(), "update", {"name": ["a", "b"]}),  # unknown record: rejected
        op(5, ids[2], "insert", {"name": None}),  # invalid value: rejected
    ]
    first = push(server, laptop, batch)
    assert [r.status for r in first.results] == ["applied", "applied", "applied", "rejected", "rejected"]
    assert first.last_op_id == 5 and first.resend_from is None
    state_after_first = records(server)
    receipts = table_count(server, "op_receipt")

    again = push(server, laptop, batch)
    assert [r.status for r in again.results] == [P.OpStatus.DUPLICATE] * 5
    assert [r.original_status for r in again.results] == [r.status for r in first.results]
    assert [r.reason for r in again.results] == [r.reason for r in first.results]
    assert [r.version for r in again.results] == [r.version for r in first.results]
    assert again.last_op_id == 5
    assert records(server) == state_after_first  # nothing applied twice
    assert table_count(server, "op_receipt") == receipts
    assert state_after_first[("village", ids[0])][2]["name"] == "Thôn Một"

    # a batch that repeats some ops and brings new ones: old ones duplicate, new ones apply
    mixed = push(server, laptop, [*batch[3:], op(6, new_id())])
    assert [r.status for r in mixed.results] == ["duplicate", "duplicate", "applied"]
    assert mixed.last_op_id == 6


def test_the_engine_recovers_from_a_lost_answer(server: Server, make_laptop: Any) -> None:
    """The server committed, the answer was lost: the same ops are sent again and come back as duplicates."""
    laptop = make_laptop()
    village = laptop.services.villages.create("Thôn 4", "thon")
    laptop.services.households.create(family(village.id))
    assert laptop.transport is not None
    laptop.transport.faults.drop_response = 1.0
    laptop.transport.faults.rng.seed(1)
    with pytest.raises(Exception, match="dropped"):
        laptop.sync()
    laptop.transport.faults.drop_response = 0.0
    result = laptop.sync()
    assert result.rejected == 0 and result.conflict == 0
    server_rows = records(server, COMMUNE_A)
    assert sum(1 for t, _ in server_rows if t == "person") == 2
    assert sum(1 for t, _ in server_rows if t == "household") == 1
    assert local.pending_count(laptop.db) == 0


def test_a_gap_in_op_ids_gives_resend_from(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    ids = [new_id() for _ in range(7)]
    assert push(server, laptop, [op(i, ids[i]) for i in (1, 2, 3)]).last_op_id == 3
    gap = push(server, laptop, [op(i, ids[i]) for i in (5, 6)])
    assert gap.resend_from == 4 and gap.results == [] and gap.last_op_id == 3
    assert ("village", ids[5]) not in records(server)
    # a batch with a hole in the middle: applied up to the hole
    partial = push(server, laptop, [op(4, ids[4]), op(6, ids[6])])
    assert [(r.op_id, r.status) for r in partial.results] == [(4, "applied")]
    assert partial.resend_from == 5 and partial.last_op_id == 4
    assert ("village", ids[6]) not in records(server)
    done = push(server, laptop, [op(5, ids[5]), op(6, ids[6])])
    assert done.resend_from is None and done.last_op_id == 6
    assert {r for (t, r) in records(server) if t == "village"} == set(ids[1:])
    state = server.client.get(STATE, headers=auth(laptop)).json()
    assert state["last_op_id"] == 6


# ---------------------------------------------------------------------------------------------------------
# Bodies: malformed, gzip, oversized


def test_malformed_bodies_get_400_json_without_traceback(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    headers = {**auth(laptop), "Content-Type": "application/json"}
    good = op(1, new_id())
    cases: list[bytes] = [
        b"{not json",
        b"",
        b"[]",
        b'{"ops": "all of them"}',
        json.dumps({"ops": [{**good, "op_id": "one"}]}).encode(),
        json.dumps({"ops": [{**good, "op_id": 0}]}).encode(),
        json.dumps({"ops": [{**good, "kind": "explode"}]}).encode(),
        json.dumps({"ops": [{**good, "surprise": 1}]}).encode(),
        json.dumps({"ops": [{k: v for k, v in good.items() if k != "changes"}]}).encode(),
        json.dumps({"ops": [good] * (P.MAX_PUSH_OPS + 1)}).encode(),
        '{"ops": ["\udcff"]}'.encode("utf-8", "surrogateescape"),  # not UTF-8
    ]
    for body in cases:
        response = server.client.post(PUSH, content=body, headers=headers)
        assert_error(response, 400, "bad_request")
    # nothing was applied by any of them
    assert records(server) == {}
    assert server.client.get(STATE, headers=auth(laptop)).json()["last_op_id"] == 0
    # bad query parameters and bad enrollment bodies too
    assert_error(server.client.get(PULL, params={"cursor": -1}, headers=auth(laptop)), 400, "bad_request")
    assert_error(server.client.get(PULL, params={"limit": "lots"}, headers=auth(laptop)), 400, "bad_request")
    assert_error(server.client.post(ENROLL, json={"code": "x"}), 400, "bad_request")


def test_nul_and_unencodable_text_is_refused_not_a_server_error(server: Server, make_laptop: Any) -> None:
    """PostgreSQL text cannot hold NUL and no database takes lone surrogates: a bad value is a per-op
    rejection (or a 400), never a 500 that would block the laptop's sync for ever."""
    laptop = make_laptop()
    answer = push(
        server,
        laptop,
        [
            op(1, new_id(), "insert", {"name": "Thôn\x00 5", "kind": "thon"}),
            op(2, new_id(), "insert", {"name": "Thôn \ud800", "kind": "thon"}),
            op(3, new_id(), "insert", {"na\x00me": "Thôn 6", "kind": "thon"}),
            op(4, "row\x00id", "update", {"name": ["a", "b"]}),
            op(5, str(uuid.uuid4()), "resolve", {"value": 1}, table=P.CONFLICT_TABLE, author_id="us\x00er"),
            op(6, new_id(), "insert", {"name": "Thôn 7", "kind": "thon"}, table="vill\x00age"),
        ],
    )
    statuses = [r.status for r in answer.results]
    assert statuses[0] == P.OpStatus.APPLIED  # a NUL inside a JSON value is stored escaped: harmless
    assert statuses[1:] == [P.OpStatus.REJECTED] * 5
    assert answer.last_op_id == 6
    again = push(server, laptop, [op(i, new_id()) for i in range(1, 7)])
    assert [r.original_status for r in again.results] == statuses
    # enrollment with a NUL in the device's name or id
    other = make_laptop(name="other", enroll=False)
    for body in (
        {**enroll_body(other, server.code(COMMUNE_A)), "device_name": "máy\x00"},
        {**enroll_body(other, server.code(COMMUNE_A)), "device_id": "dev\x00ice-0001"},
    ):
        response = server.client.post(ENROLL, content=json.dumps(body), headers={"Content-Type": "application/json"})
        assert_error(response, 400, "bad_request")
    assert {d.id for d in _devices(server)} == {laptop.db.device_id}


def test_gzip_request_bodies_are_inflated(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    ops = [op(i, new_id(), "insert", {"name": f"Thôn số {i}", "kind": "thon"}) for i in range(1, 201)]
    raw = json.dumps({"ops": ops}, ensure_ascii=False).encode()
    packed = gzip.compress(raw)
    assert len(packed) < len(raw) // 3
    response = server.client.post(
        PUSH, content=packed, headers={**auth(laptop), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    )
    assert response.status_code == 200, response.text
    answer = P.PushResponse.model_validate(response.json())
    assert [r.status for r in answer.results] == [P.OpStatus.APPLIED] * 200
    names = {d[2]["name"] for (t, _r), d in records(server).items() if t == "village"}
    assert names == {f"Thôn số {i}" for i in range(1, 201)}
    # a big answer comes back compressed when the client accepts it
    pulled = server.client.get(PULL, headers={**auth(laptop), "Accept-Encoding": "gzip"})
    assert pulled.headers.get("content-encoding") == "gzip"
    assert len(pulled.json()["changes"]) == 200
    # broken gzip: a clear 400, nothing applied
    broken = server.client.post(
        PUSH,
        content=packed[: len(packed) // 2] + b"garbage",
        headers={**auth(laptop), "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert_error(broken, 400, "bad_request")
    assert server.client.get(STATE, headers=auth(laptop)).json()["last_op_id"] == 200


def test_oversized_bodies_get_413(server: Server, make_laptop: Any) -> None:
    laptop = make_laptop()
    huge = b'{"ops": [], "client_time": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = server.client.post(PUSH, content=huge, headers={**auth(laptop), "Content-Type": "application/json"})
    body = assert_error(response, 413, "too_large")
    assert body["message_vi"] == "Dữ liệu gửi lên quá lớn."
    # a small gzip body that inflates past the limit (a zip bomb) is refused too
    bomb = gzip.compress(b'{"ops": [], "x": "' + b"0" * (80 * 1024 * 1024) + b'"}', compresslevel=1)
    assert len(bomb) < MAX_BODY_BYTES
    response = server.client.post(
        PUSH, content=bomb, headers={**auth(laptop), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    )
    assert_error(response, 400, "bad_request")
    assert server.client.get(STATE, headers=auth(laptop)).json()["last_op_id"] == 0


# ---------------------------------------------------------------------------------------------------------
# The schema, and a whole round on this database


def test_the_openapi_schema_lists_the_endpoints(server: Server) -> None:
    response = server.client.get(f"{P.PREFIX}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "DLSO provincial sync server"
    paths = schema["paths"]
    expected = {"time": "get", "enroll": "post", "state": "get", "push": "post", "pull": "get", "verify": "get"}
    for name, method in expected.items():
        assert method in paths[f"{P.PREFIX}/{name}"], name
    components = schema["components"]["schemas"]
    for model in ("PushRequest", "PushResponse", "PullResponse", "EnrollRequest", "ErrorResponse", "Op"):
        assert model in components
    assert "resend_from" in components["PushResponse"]["properties"]
    assert server.client.get(f"{P.PREFIX}/docs").status_code == 200
    time_answer = P.TimeResponse.model_validate(server.client.get(f"{P.PREFIX}/time").json())
    assert time_answer.api_version == P.API_VERSION


def test_two_laptops_of_a_commune_converge(server: Server, make_laptop: Any) -> None:
    one = make_laptop(name="one")
    two = make_laptop(name="two")
    village = one.services.villages.create("Buôn Kô Tam", "buon")
    detail = one.services.households.create(family(village.id))
    one.sync()
    two.sync()
    two.services.households.update(detail.household.id, replace(family(village.id), address="Số 7, đường Y Jút"))
    one.services.villages.rename(village.id, "Buôn Kô Tam Mới")
    for laptop in (two, one, two, one):
        result = laptop.sync()
        assert result.rejected == 0 and result.conflict == 0
    assert content(one.db) == content(two.db)
    verify = P.VerifyResponse.model_validate(server.client.get(VERIFY, headers=auth(one)).json())
    assert {t: (d.count, d.digest) for t, d in verify.tables.items()} == local.local_digests(one.db)
    assert two.services.villages.list_all()[0].name == "Buôn Kô Tam Mới"
    assert one.services.households.get(detail.household.id).household.address == "Số 7, đường Y Jút"


def test_concurrent_pushes_and_pulls_of_a_commune_lose_nothing(server: Server, make_laptop: Any) -> None:
    """Several devices push at once while another pulls page after page: every record gets its own sequence
    number, and the puller, whose cursor only ever moves up to the safe high-water mark, misses none."""
    writers = [make_laptop(name=f"w{i}") for i in range(4)]
    reader = make_laptop(name="reader")
    batches, per_batch = 6, 10
    inserted: set[str] = set()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(laptop: Laptop) -> None:
        try:
            next_op = 1
            for _ in range(batches):
                ids = [new_id() for _ in range(per_batch)]
                answer = push(server, laptop, [op(next_op + i, rid) for i, rid in enumerate(ids)])
                assert [r.status for r in answer.results] == [P.OpStatus.APPLIED] * per_batch
                next_op += per_batch
                with lock:
                    inserted.update(ids)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    seen: dict[str, int] = {}
    cursor = 0

    def pull_all() -> None:
        nonlocal cursor
        while True:
            response = server.client.get(PULL, params={"cursor": cursor, "limit": 9}, headers=auth(reader))
            assert response.status_code == 200, response.text
            page = P.PullResponse.model_validate(response.json())
            assert not page.reset_required
            for c in page.changes:
                assert c.version > cursor and c.data["commune_code"] == COMMUNE_A
                seen[c.row_id] = c.version
            assert page.cursor >= cursor
            cursor = page.cursor
            if not page.more:
                return

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        pull_all()
    for t in threads:
        t.join()
    assert not errors, errors
    pull_all()
    assert len(inserted) == len(writers) * batches * per_batch
    assert inserted <= set(seen)
    server_rows = records(server, COMMUNE_A)
    versions = [v for v, _d, _data in server_rows.values()]
    assert len(versions) == len(set(versions))  # one sequence number per change
    assert _counter(server, COMMUNE_A) == max(versions) == cursor
