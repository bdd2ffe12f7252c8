"""The provincial server's defences (issue 6, docs/SYNC_PROTOCOL.md "Security"): rate limits on the public doors
(enrollment, the verification page, the trust list), the client address behind a proxy, enrollment codes that
expire and cannot be guessed.

Already proven in tests/test_sync_server.py on SQLite and PostgreSQL, not repeated here: tokens stored hashed
(``test_enrollment_gives_a_token_the_server_keeps_only_hashed``), codes single-use
(``test_enrollment_code_is_single_use``), expired and unknown codes refused
(``test_expired_and_unknown_codes_are_refused``), revocation at once (``test_a_revoked_device_is_refused_at_once``),
request size limits and zip bombs (``test_oversized_bodies_get_413``), no cross-commune reads or writes
(``test_a_device_cannot_read_another_communes_data``, ``test_a_device_cannot_write_another_communes_data``).
The rate limits are in-process and do not depend on the database: SQLite is enough here.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync import protocol as P
from sync.server import admin, limits
from sync.server.app import create_app
from sync.server.db import make_engine, migrate

COMMUNE = 24133
ENROLL = f"{P.PREFIX}/enroll"
TRUST = f"{P.PREFIX}/certificates/trust"
STATE = f"{P.PREFIX}/state"
PULL = f"{P.PREFIX}/pull"
PUSH = f"{P.PREFIX}/push"
PAGE = "/v/NOT-A-REAL-CERTIFICATE"
CLIENT = ("203.0.113.7", 50000)
PROXY = ("10.0.0.2", 50000)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------------------------------------
# The token buckets


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    clock = FakeClock()
    buckets = limits.TokenBuckets(limits.Rate(10, 60, 10), clock=clock)
    assert [buckets.take("a") for _ in range(10)] == [0.0] * 10
    wait = buckets.take("a")
    assert wait == pytest.approx(6.0)  # one token every 6 s
    assert buckets.take("b") == 0.0  # another key has its own bucket
    clock.now += 6.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(6.0)
    clock.now += 3600
    assert [buckets.take("a") for _ in range(10)] == [0.0] * 10  # never more than the burst saved up
    assert buckets.take("a") > 0


def test_peek_takes_nothing() -> None:
    clock = FakeClock()
    buckets = limits.TokenBuckets(limits.Rate(1, 60, 2), clock=clock)
    assert buckets.peek("a") == 0.0
    buckets.take("a")
    buckets.take("a")
    assert buckets.peek("a") == pytest.approx(60.0)
    assert buckets.peek("a") == pytest.approx(60.0)
    clock.now += 60
    assert buckets.peek("a") == 0.0


def test_memory_is_bounded_idle_keys_go_first() -> None:
    clock = FakeClock()
    buckets = limits.TokenBuckets(limits.Rate(1, 1, 5), max_keys=100, clock=clock)
    for i in range(10_000):
        buckets.take(f"10.0.{i // 256}.{i % 256}")
    assert len(buckets) <= 100
    # idle keys whose bucket is full again are forgotten as traffic goes on (forgetting them changes nothing)
    clock.now += 10
    for _ in range(200):
        buckets.take("busy")
    assert len(buckets) < 10
    # an address kept busy is never evicted by the idle ones: it stays limited
    hot = limits.TokenBuckets(limits.Rate(1, 60, 3), max_keys=1000, clock=clock)
    for _ in range(3):
        hot.take("attacker")
    for i in range(500):
        hot.take(f"idle-{i}")
    assert hot.take("attacker") > 0


def test_buckets_are_thread_safe() -> None:
    buckets = limits.TokenBuckets(limits.Rate(1, 3600, 500))
    allowed = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def hammer() -> None:
        barrier.wait()
        mine = sum(1 for _ in range(200) if buckets.take("one") == 0.0)
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 500  # 1,600 attempts, exactly the burst let through


# ---------------------------------------------------------------------------------------------------------
# Configuration


def test_rates_are_parsed_and_nonsense_is_refused() -> None:
    assert limits.parse_rate("10/minute") == limits.Rate(10, 60, 10)
    assert limits.parse_rate("30/hour,burst=10") == limits.Rate(30, 3600, 10)
    assert limits.parse_rate(" 5 / s ") == limits.Rate(5, 1, 5)
    assert limits.parse_rate("2/minutes") == limits.Rate(2, 60, 2)
    assert limits.parse_rate("off") is None
    assert limits.parse_rate("0") is None
    for bad in ("ten a minute", "10/fortnight", "10", "0/minute", "10/minute,burst=0", ""):
        with pytest.raises(ValueError):
            limits.parse_rate(bad)


def test_the_defaults_and_the_environment() -> None:
    default = limits.Config.from_env({})
    assert default.enroll == limits.Rate(10, 60, 10)
    assert default.enroll_failures == limits.Rate(30, 3600, 10)
    assert default.public == limits.Rate(60, 60, 60)
    assert default.trusted_proxies == ()
    assert default.enabled
    assert limits.Config() == default
    off = limits.Config.from_env({limits.ENV_SWITCH: "off", limits.ENV_TRUSTED_PROXIES: "10.0.0.0/8"})
    assert not off.enabled and off.trusted_proxies == (ipaddress.ip_network("10.0.0.0/8"),)
    custom = limits.Config.from_env(
        {
            limits.ENV_ENROLL: "20/minute",
            limits.ENV_ENROLL_FAILURES: "off",
            limits.ENV_PUBLIC: "120/minute,burst=30",
            limits.ENV_TRUSTED_PROXIES: "127.0.0.1, ::1 192.168.1.0/24",
        }
    )
    assert custom.enroll == limits.Rate(20, 60, 20) and custom.enroll_failures is None
    assert custom.public == limits.Rate(120, 60, 30)
    assert len(custom.trusted_proxies) == 3
    with pytest.raises(ValueError, match=limits.ENV_PUBLIC):
        limits.Config.from_env({limits.ENV_PUBLIC: "lots"})
    with pytest.raises(ValueError, match=limits.ENV_TRUSTED_PROXIES):
        limits.Config.from_env({limits.ENV_TRUSTED_PROXIES: "proxy.example.vn"})


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    migrate(engine)
    monkeypatch.setenv(limits.ENV_SWITCH, "off")
    with TestClient(create_app(engine, snapshot_folder=tmp_path), client=CLIENT) as client:
        for _ in range(30):
            assert client.post(ENROLL, json=_enroll_body("WRONG-CODE-0000")).status_code == 400
    monkeypatch.delenv(limits.ENV_SWITCH)
    monkeypatch.setenv(limits.ENV_ENROLL_FAILURES, "2/hour")
    with TestClient(create_app(engine, snapshot_folder=tmp_path), client=CLIENT) as client:
        assert [client.post(ENROLL, json=_enroll_body("WRONG")).status_code for _ in range(3)] == [400, 400, 429]
    engine.dispose()


# ---------------------------------------------------------------------------------------------------------
# The client's address


def _scope(peer: str | None, forwarded: list[str] | None = None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", f.encode()) for f in forwarded or []]
    return {"type": "http", "client": (peer, 1234) if peer else None, "headers": headers}


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    proxies = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("::1/128"))
    # no proxy configured: the peer, whatever the header says
    assert limits.client_ip(_scope("203.0.113.7", ["1.2.3.4"])) == "203.0.113.7"
    # a peer that is not a trusted proxy cannot choose its address
    assert limits.client_ip(_scope("203.0.113.7", ["1.2.3.4"]), proxies) == "203.0.113.7"
    # the trusted proxy: the address it saw (the right-most entry), not what the client wrote before it
    assert limits.client_ip(_scope("10.0.0.2", ["1.2.3.4, 198.51.100.9"]), proxies) == "198.51.100.9"
    # two proxies in a row, both trusted: the first address neither of them is
    assert limits.client_ip(_scope("10.0.0.2", ["198.51.100.9, 10.0.0.3"]), proxies) == "198.51.100.9"
    assert limits.client_ip(_scope("10.0.0.2", ["198.51.100.9", "10.0.0.3"]), proxies) == "198.51.100.9"
    assert limits.client_ip(_scope("::1", ["2001:db8::5"]), proxies) == "2001:db8::5"
    # garbage where an address should be: nothing left of it is believed
    assert limits.client_ip(_scope("10.0.0.2", ["1.2.3.4, nonsense"]), proxies) == "10.0.0.2"
    assert limits.client_ip(_scope("10.0.0.2", ["1.2.3.4, nonsense, 10.0.0.3"]), proxies) == "10.0.0.3"
    # no header from the proxy: the proxy's own address; no peer at all: one shared key
    assert limits.client_ip(_scope("10.0.0.2"), proxies) == "10.0.0.2"
    assert limits.client_ip(_scope(None), proxies) == "unknown"


# ---------------------------------------------------------------------------------------------------------
# The limits in the app


class Srv:
    def __init__(self, tmp: Path, config: limits.Config) -> None:
        self.engine: Engine = make_engine(f"sqlite:///{tmp / 'server.sqlite'}")
        migrate(self.engine)
        self.app = create_app(self.engine, snapshot_folder=tmp / "snapshots", rate_limits=config)
        self.clients: list[TestClient] = []

    def client(self, peer: tuple[str, int] = CLIENT) -> TestClient:
        c = TestClient(self.app, client=peer, raise_server_exceptions=False)
        self.clients.append(c)
        return c

    def code(self, **kwargs: Any) -> str:
        with self.engine.begin() as conn:
            return admin.create_enrollment_code(conn, COMMUNE, **kwargs).code

    def token(self, device_id: str) -> str:
        with self.engine.begin() as conn:
            code = admin.create_enrollment_code(conn, COMMUNE).code
            return admin.enroll(conn, code, device_id, COMMUNE, device_id, "0").token

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.app.state.snapshots.join()
        self.engine.dispose()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Any]:
    made: list[Srv] = []

    def make(config: limits.Config) -> Srv:
        srv = Srv(tmp_path / str(len(made)), config)
        made.append(srv)
        return srv

    yield make
    for s in made:
        s.close()


def _enroll_body(code: str, device_id: str = "device-0001") -> dict[str, Any]:
    return {"code": code, "device_id": device_id, "commune_code": COMMUNE, "device_name": "máy 1", "app_version": "0"}


def _assert_limited(response: Any) -> int:
    assert response.status_code == 429, response.text
    seconds = int(response.headers["retry-after"])
    assert seconds >= 1
    body = P.ErrorResponse.model_validate(response.json())
    assert body.error == "rate_limited"
    assert "thử lại sau" in body.message_vi and "try again" in body.message_en
    assert f"{seconds} " in body.message_vi
    return seconds


def test_enrollment_is_limited_per_address(make_server: Any) -> None:
    srv = make_server(limits.Config(enroll=limits.Rate(10, 60, 10), enroll_failures=None, public=None))
    client = srv.client()
    codes = [srv.code() for _ in range(11)]
    for i in range(10):
        assert client.post(ENROLL, json=_enroll_body(codes[i], f"device-{i:04}")).status_code == 200
    assert _assert_limited(client.post(ENROLL, json=_enroll_body(codes[10], "device-0010"))) <= 6  # 1 per 6 s
    # another address is not affected; the refused code was not used up
    other = srv.client(("198.51.100.20", 40000))
    assert other.post(ENROLL, json=_enroll_body(codes[10], "device-0010")).status_code == 200


def test_guessing_codes_is_cut_short_even_for_the_right_code_afterwards(make_server: Any) -> None:
    srv = make_server(limits.Config(enroll=None, enroll_failures=limits.Rate(30, 3600, 10), public=None))
    client = srv.client()
    good = srv.code()
    wrong = [client.post(ENROLL, json=_enroll_body(f"GUESS-{i:04}-ABCD")) for i in range(10)]
    assert [r.json()["error"] for r in wrong] == ["bad_code"] * 10
    # the 11th attempt is refused before the code is even looked at: a guesser learns nothing more
    assert 60 < _assert_limited(client.post(ENROLL, json=_enroll_body(good))) <= 120  # one attempt per 2 minutes
    # used and expired codes, malformed bodies count as failures too; successes do not
    other = srv.client(("198.51.100.20", 40000))
    expired = srv.code(lifetime=timedelta(seconds=-1))
    assert other.post(ENROLL, json=_enroll_body(expired, "device-0002")).json()["error"] == "code_expired"
    assert other.post(ENROLL, json={"code": 12}).status_code == 400
    for i in range(8):
        assert other.post(ENROLL, json=_enroll_body(srv.code(), f"device-1{i:03}")).status_code == 200
    assert other.post(ENROLL, json=_enroll_body(expired, "device-0002")).status_code == 400  # the 3rd failure
    assert client.post(ENROLL, json=_enroll_body(good)).status_code == 429  # still


def test_failures_refill_slowly(make_server: Any) -> None:
    srv = make_server(limits.Config(enroll=None, enroll_failures=limits.Rate(1, 3, 2), public=None))
    client = srv.client()
    for _ in range(2):
        assert client.post(ENROLL, json=_enroll_body("WRONG")).status_code == 400
    assert client.post(ENROLL, json=_enroll_body("WRONG")).status_code == 429
    time.sleep(3.1)  # one failure back every 3 s
    assert client.post(ENROLL, json=_enroll_body(srv.code())).status_code == 200


def test_forged_forwarded_for_does_not_escape_the_limit_but_a_trusted_proxy_separates_clients(
    make_server: Any,
) -> None:
    config = limits.Config(
        enroll=None,
        enroll_failures=limits.Rate(1, 3600, 2),
        public=None,
        trusted_proxies=(ipaddress.ip_network("10.0.0.2/32"),),
    )
    srv = make_server(config)
    direct = srv.client()
    statuses = [
        direct.post(ENROLL, json=_enroll_body("WRONG"), headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(4)
    ]
    assert statuses == [400, 400, 429, 429]
    proxy = srv.client(PROXY)

    def through_proxy(ip: str) -> int:
        return int(proxy.post(ENROLL, json=_enroll_body("WRONG"), headers={"X-Forwarded-For": ip}).status_code)

    assert [through_proxy("192.0.2.1") for _ in range(3)] == [400, 400, 429]
    assert [through_proxy("192.0.2.2") for _ in range(3)] == [400, 400, 429]
    # the client's own X-Forwarded-For, left of what the proxy appended, is not believed
    assert through_proxy("192.0.2.99, 192.0.2.1") == 429


def test_the_verification_page_says_it_in_vietnamese_html_or_json(make_server: Any) -> None:
    srv = make_server(limits.Config(enroll=None, enroll_failures=None, public=limits.Rate(1, 60, 3)))
    client = srv.client()
    for _ in range(3):
        answer = client.get(PAGE)
        assert answer.status_code == 200 and "KHÔNG HỢP LỆ" in answer.text
    page = client.get(PAGE, headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert 1 <= int(page.headers["retry-after"]) <= 60
    assert '<html lang="vi">' in page.text and "Quá nhiều yêu cầu" in page.text
    assert "Traceback" not in page.text
    _assert_limited(client.get(PAGE, params={"format": "json"}))
    _assert_limited(client.get(PAGE, headers={"Accept": "application/json"}))
    # the trust list shares the public allowance
    _assert_limited(client.get(TRUST))
    assert srv.client(("198.51.100.20", 40000)).get(PAGE).status_code == 200


def test_the_trust_list_is_counted_per_device_for_laptops(make_server: Any) -> None:
    """Fifty laptops of a commune office behind one address: each is counted by its device, not the address."""
    srv = make_server(limits.Config(enroll=None, enroll_failures=None, public=limits.Rate(1, 3600, 2)))
    client = srv.client()
    tokens = [srv.token(f"laptop-{i:04}") for i in range(5)]
    for _ in range(2):
        assert client.get(TRUST).status_code == 200
    _assert_limited(client.get(TRUST))  # the address has used its allowance
    for token in tokens:
        for _ in range(2):
            assert client.get(TRUST, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    _assert_limited(client.get(TRUST, headers={"Authorization": f"Bearer {tokens[0]}"}))  # each has its own
    # an invented token is counted against the address
    _assert_limited(client.get(TRUST, headers={"Authorization": "Bearer invented"}))
    # a revoked device's token is counted against the address at once
    other = srv.client(("198.51.100.20", 40000))
    with srv.engine.begin() as conn:
        assert admin.revoke_device(conn, "laptop-0004")
    for _ in range(2):
        assert other.get(TRUST, headers={"Authorization": f"Bearer {tokens[4]}"}).status_code == 200
    _assert_limited(other.get(TRUST, headers={"Authorization": f"Bearer {tokens[4]}"}))


def test_sync_endpoints_are_never_rate_limited(make_server: Any) -> None:
    """The 50-laptop benchmark and a commune office syncing all its laptops share one address."""
    srv = make_server(
        limits.Config(
            enroll=limits.Rate(1, 3600, 1), enroll_failures=limits.Rate(1, 3600, 1), public=limits.Rate(1, 3600, 1)
        )
    )
    client = srv.client()
    token = srv.token("laptop-0001")
    client.get(TRUST)
    client.post(ENROLL, json=_enroll_body("WRONG"))
    assert client.get(TRUST).status_code == 429 and client.post(ENROLL, json=_enroll_body("WRONG")).status_code == 429
    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(40):
        assert client.get(STATE, headers=auth).status_code == 200
        assert client.get(PULL, headers=auth).status_code == 200
        assert client.get(f"{P.PREFIX}/time").status_code == 200
    assert (
        client.post(PUSH, headers=auth, json={"ops": [], "client_time": "2026-01-01T00:00:00.000Z"}).status_code == 200
    )
    # and an unauthenticated sync request is a plain 401, never a 429
    assert [client.get(STATE).status_code for _ in range(20)] == [401] * 20


def test_limits_off_lets_everything_through(make_server: Any) -> None:
    srv = make_server(limits.Config.off())
    client = srv.client()
    assert all(client.post(ENROLL, json=_enroll_body("WRONG")).status_code == 400 for _ in range(40))
    assert all(client.get(PAGE).status_code == 200 for _ in range(100))


def test_the_schema_documents_the_429s(make_server: Any) -> None:
    srv = make_server(limits.Config())
    paths = srv.client().get(f"{P.PREFIX}/openapi.json").json()["paths"]
    for path, method in ((ENROLL, "post"), (TRUST, "get"), ("/v/{payload}", "get")):
        assert "429" in paths[path][method]["responses"], path
        assert "Retry-After" in paths[path][method]["responses"]["429"]["headers"]
    for path in (STATE, PULL, PUSH):
        assert "429" not in next(iter(paths[path].values()))["responses"]
    # a request that does not validate is a 400 ErrorResponse, as the app answers; never FastAPI's 422
    assert all("422" not in op["responses"] for methods in paths.values() for op in methods.values())


# ---------------------------------------------------------------------------------------------------------
# Enrollment codes: short-lived, configurable, not guessable


def _expires(code: admin.IssuedCode) -> datetime:
    return datetime.strptime(code.expires_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def test_codes_live_24_hours_unless_configured(make_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    srv = make_server(limits.Config.off())
    monkeypatch.delenv(admin.ENV_CODE_HOURS, raising=False)
    with srv.engine.begin() as conn:
        issued = admin.create_enrollment_code(conn, COMMUNE)
    assert abs(_expires(issued) - datetime.now(UTC) - timedelta(hours=24)) < timedelta(minutes=1)
    monkeypatch.setenv(admin.ENV_CODE_HOURS, "2")
    with srv.engine.begin() as conn:
        issued = admin.create_enrollment_code(conn, COMMUNE)
    assert abs(_expires(issued) - datetime.now(UTC) - timedelta(hours=2)) < timedelta(minutes=1)
    for nonsense in ("0", "-3", "a day", "1000"):  # never 0, negative or more than a week: the default
        monkeypatch.setenv(admin.ENV_CODE_HOURS, nonsense)
        assert admin.code_lifetime() == timedelta(hours=24)
    # a code past its (configured) lifetime is refused
    monkeypatch.setenv(admin.ENV_CODE_HOURS, str(0.5 / 3600))
    short = srv.code()
    time.sleep(0.7)
    answer = srv.client().post(ENROLL, json=_enroll_body(short))
    assert answer.status_code == 400 and answer.json()["error"] == "code_expired"


def test_codes_cannot_be_guessed_within_the_limits(make_server: Any) -> None:
    """The arithmetic of docs/SYNC_PROTOCOL.md ("Security"): 12 letters of a 31-letter alphabet against the
    default failure allowance, with a thousand codes outstanding at once (Đắk Lắk has 102 communes)."""
    srv = make_server(limits.Config.off())
    codes = {srv.code() for _ in range(200)}
    alphabet = set(admin._CODE_ALPHABET)
    assert len(alphabet) == 31
    assert all(len(admin.normalize_code(c)) == 12 and set(admin.normalize_code(c)) <= alphabet for c in codes)
    assert len(codes) == 200
    space = 31**12
    assert math.log2(space) > 59  # about 7.9e17 codes
    failures = limits.Config().enroll_failures
    assert failures is not None
    per_year = failures.burst + failures.per_second * 365 * 24 * 3600  # 262,810 guesses per address per year
    outstanding = 1000
    assert per_year * outstanding / space < 1e-9  # one address guessing for a year
    assert 1_000_000 * per_year * outstanding / space < 1e-3  # a million addresses guessing for a year


def test_integers_are_strict_true_or_a_numeric_string_is_a_400(make_server: Any) -> None:
    """JSON ``true`` is not the integer 1 and ``"24133"`` is not a commune code: refused, nothing stored."""
    srv = make_server(limits.Config(enroll=None, enroll_failures=None, public=None))
    client = srv.client()
    code = srv.code()
    for bad in (True, str(COMMUNE), float(COMMUNE)):
        answer = client.post(ENROLL, json={**_enroll_body(code), "commune_code": bad})
        assert answer.status_code == 400, (bad, answer.text)
        assert answer.json()["error"] == "bad_request"
    assert client.post(ENROLL, json=_enroll_body(code)).status_code == 200  # the code was not used up
    auth = {"Authorization": f"Bearer {srv.token('laptop-0002')}"}
    op = {
        "op_id": 1,
        "txn_id": "t1",
        "table": "village",
        "row_id": "00000000-0000-4000-8000-000000000001",
        "kind": "insert",
        "changes": {"name": "Buôn A", "kind": "buon"},
        "base_version": 0,
        "created_at": "2026-01-01T00:00:00.000Z",
        "schema_version": 1,
    }
    for name in ("op_id", "base_version", "schema_version"):
        answer = client.post(PUSH, headers=auth, json={"ops": [{**op, name: True}]})
        assert answer.status_code == 400, (name, answer.text)
    state = client.get(STATE, headers=auth).json()
    assert state["last_op_id"] == 0  # nothing was applied
