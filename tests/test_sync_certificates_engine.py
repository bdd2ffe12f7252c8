"""The laptop's certificates step of a sync round (sync.engine.sync_certificates): the trust list and revocation
lists stored only after their signatures check, the commune key received and checked against the trust list,
serial blocks reserved once per request id, and a step that never fails or undoes the round.

First against a fake server (a Transport built with keys.py), then end to end against the real server app."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cert_support import session_with_results
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_support import AppTransport, Laptop, Server, family

from dlso_desktop.certificates import trust
from dlso_desktop.certificates.keys import (
    RevocationList,
    TrustEntry,
    TrustList,
    generate_key,
    issue_key_certificate,
    public_key_bytes,
    sign_revocation_list,
    sign_trust_list,
    wrap_commune_key,
)
from dlso_desktop.certificates.record import CertificateRecord, sign
from dlso_desktop.certificates.verify import verify
from dlso_desktop.storage.store import Database, create_database
from sync import engine as E
from sync import local
from sync import protocol as P
from sync.transport import Refused, TransportError

COMMUNE = 24133
TOKEN = "engine-test-device-token-0123456789abcdef"
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_shipped_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """These tests pin the root a server offers: a build's shipped root would win over it."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    monkeypatch.setattr(trust, "SHIPPED_ROOT_DIR", folder)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = create_database(tmp_path / "laptop.sqlite", COMMUNE)
    local.set_meta(database, {local.TOKEN: TOKEN, local.SERVER: "http://testserver"})
    try:
        yield database
    finally:
        database.close()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class FakeServer:
    """A :class:`sync.transport.Transport` serving the three certificate endpoints like the provincial server."""

    def __init__(self, db: Database, *, key_id: int = 11) -> None:
        self.commune = db.commune_code
        self.device_id = db.device_id
        self.root = generate_key()
        self.keys: dict[int, Ed25519PrivateKey] = {key_id: generate_key()}
        self.revoked_after: dict[int, datetime] = {}
        self.sequence = 0
        self.trust_list = self.sign_trust()
        self.root_text = b64(public_key_bytes(self.root))
        self.revocation_lists: list[str] = []
        #: the key id the commune-key endpoint serves (None: 404 no_commune_key)
        self.serve_key: int | None = key_id
        #: a private key to wrap instead of the real one (a server gone wrong)
        self.wrong_key: Ed25519PrivateKey | None = None
        self.high = 0
        self.blocks: dict[str, tuple[int, int]] = {}
        self.calls: list[str] = []
        self.old_server = False
        #: paths whose request is handled but whose answer is lost on the way back
        self.lose_answer: set[str] = set()
        #: paths that fail before reaching the server
        self.unreachable: set[str] = set()

    def sign_trust(self, root: Ed25519PrivateKey | None = None) -> TrustList:
        root = root or self.root
        self.sequence += 1
        entries = [
            TrustEntry(
                issue_key_certificate(
                    root,
                    key_id=kid,
                    commune_code=self.commune,
                    public_key=key.public_key(),
                    valid_from=date(2026, 1, 1),
                    valid_until=date(2027, 12, 31),
                ),
                self.revoked_after.get(kid),
            )
            for kid, key in self.keys.items()
        ]
        self.trust_list = sign_trust_list(root, entries, sequence=self.sequence, issued_at=NOW - timedelta(hours=1))
        return self.trust_list

    def new_key(self, key_id: int) -> None:
        self.keys[key_id] = generate_key()
        self.serve_key = key_id
        self.sign_trust()

    def revocation_list(self, serials: set[int], counter: int = 1, key_id: int = 11) -> RevocationList:
        rl = sign_revocation_list(
            self.keys[key_id],
            key_id=key_id,
            commune_code=self.commune,
            counter=counter,
            serials=serials,
            issued_at=NOW - timedelta(minutes=5),
        )
        self.revocation_lists = [rl.to_bytes().decode()]
        return rl

    # -- Transport

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._arrive(path)
        answer: P.TrustResponse | P.CommuneKeyResponse
        if path == E.CERT_TRUST:
            answer = P.TrustResponse(
                root_public_key=self.root_text,
                trust_list=self.trust_list.to_bytes().decode(),
                revocation_lists=self.revocation_lists,
                server_time="2026-12-02T03:00:00Z",
            )
        elif path == E.CERT_COMMUNE_KEY:
            if self.serve_key is None:
                raise Refused(404, "no_commune_key", "Tỉnh chưa cấp khóa", "no key")
            key = self.wrong_key or self.keys[self.serve_key]
            blob = wrap_commune_key(key, key_id=self.serve_key, device_token=TOKEN, device_id=self.device_id)
            answer = P.CommuneKeyResponse(key_id=self.serve_key, commune_code=self.commune, wrapped_key=b64(blob))
        else:
            raise Refused(404, "not_found", "Không tìm thấy", "Not found")
        return self._leave(path, answer.model_dump())

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self._arrive(path)
        assert path == E.CERT_SERIALS, path
        request = P.SerialBlockRequest.model_validate(body)
        if request.request_id not in self.blocks:
            self.blocks[request.request_id] = (self.high + 1, self.high + request.count)
            self.high += request.count
        first, last = self.blocks[request.request_id]
        answer = P.SerialBlockResponse(request_id=request.request_id, commune_code=self.commune, first=first, last=last)
        return self._leave(path, answer.model_dump())

    def _arrive(self, path: str) -> None:
        self.calls.append(path)
        if path in self.unreachable:
            raise TransportError("no route to host")
        if self.old_server:
            raise Refused(404, "not_found", "Không tìm thấy", "Not found")

    def _leave(self, path: str, answer: dict[str, Any]) -> dict[str, Any]:
        if path in self.lose_answer:
            raise TransportError("response lost")
        return answer


def run(db: Database, server: Any, now: datetime = NOW) -> E.RoundResult:
    return E.sync_certificates(db, server, now=now)


def meta(db: Database, key: str) -> str | None:
    return local.get_meta(db, key)


def blocks(db: Database) -> list[list[int]]:
    value: list[list[int]] = json.loads(meta(db, trust.SERIAL_BLOCKS) or "[]")
    return value


def certificate(server: FakeServer, serial: int, *, key_id: int = 11) -> str:
    rec = CertificateRecord(
        key_id=key_id,
        commune_code=COMMUNE,
        serial=serial,
        course_code="BDHVS-01",
        issue_date=date(2026, 12, 2),
        birth=1970,
        full_name="H’Maryam Niê",
    )
    return sign(rec, server.keys[key_id])


# ------------------------------------------------------------------------------------------------------------
# trust


def test_trust_list_and_revocations_are_stored_after_their_signatures_check(db: Database) -> None:
    server = FakeServer(db)
    server.revocation_list({5})
    result = run(db, server)
    assert result.notes == []
    assert result.certificates["trust_sequence"] == 1 and result.certificates["root_pinned"] is True
    assert result.certificates["revocation_lists"] == 1
    state = trust.load(db)
    assert state.problems == [] and state.trust_list is not None and state.trust_list.sequence == 1
    assert state.root is not None and public_key_bytes(state.root) == public_key_bytes(server.root)
    assert state.revocations.is_revoked(COMMUNE, 5)
    ok = verify(certificate(server, 6), state.trust_list, state.revocations, now=NOW)
    revoked = verify(certificate(server, 5), state.trust_list, state.revocations, now=NOW)
    assert (ok.status, revoked.status) == ("valid", "revoked")
    # the same list again changes nothing
    again = run(db, server)
    assert again.certificates["trust_sequence"] is None and again.certificates["root_pinned"] is False
    assert again.notes == []


def test_a_trust_list_signed_by_another_root_is_refused_and_nothing_is_stored(db: Database) -> None:
    server = FakeServer(db)
    run(db, server)
    kept = meta(db, trust.TRUST_LIST)
    # the same root offered, a newer list signed by another key
    server.sign_trust(generate_key())
    result = run(db, server)
    assert "certificates: refused trust_list: bad_signature" in result.notes
    assert result.certificates["trust_sequence"] is None
    assert meta(db, trust.TRUST_LIST) == kept
    # another root offered altogether (with its own list): refused, the pinned root stays
    other = generate_key()
    server.root, server.root_text = other, b64(public_key_bytes(other))
    server.sign_trust()
    result = run(db, server)
    assert "certificates: refused root_public_key: different_root" in result.notes
    assert meta(db, trust.TRUST_LIST) == kept
    state = trust.load(db)
    assert state.trust_list is not None and state.trust_list.sequence == 1


def test_a_fresh_laptop_keeps_no_list_that_fails_its_check(db: Database) -> None:
    server = FakeServer(db)
    server.sign_trust(generate_key())  # not signed by the root the server names
    result = run(db, server)
    assert "certificates: refused trust_list: bad_signature" in result.notes
    assert meta(db, trust.TRUST_LIST) is None and trust.load(db).trust_list is None
    assert meta(db, trust.COMMUNE_KEY) is None and server.calls == [E.CERT_TRUST]  # no list: no key to want


def test_the_shipped_root_wins_over_the_servers(db: Database, no_shipped_root: Path) -> None:
    server = FakeServer(db)
    shipped = generate_key()
    (no_shipped_root / trust.SHIPPED_ROOT_FILE).write_text(b64(public_key_bytes(shipped)) + "\n")
    result = run(db, server)
    assert "certificates: refused root_public_key: different_root" in result.notes
    assert meta(db, trust.TRUST_LIST) is None and meta(db, trust.ROOT_PUBLIC_KEY) is None


def test_a_server_without_a_root_yet_is_quiet(db: Database) -> None:
    server = FakeServer(db)
    server.root_text = ""
    result = run(db, server)
    assert result.notes == [] and meta(db, trust.TRUST_LIST) is None
    assert server.calls == [E.CERT_TRUST]


# ------------------------------------------------------------------------------------------------------------
# commune key


def test_the_commune_key_is_received_checked_and_kept(db: Database) -> None:
    server = FakeServer(db)
    result = run(db, server)
    assert result.certificates["key_id"] == 11 and result.notes == []
    held = trust.commune_key(db, TOKEN)
    assert held is not None and held[0] == 11
    assert public_key_bytes(held[1]) == public_key_bytes(server.keys[11])
    # held and current: not asked again
    server.calls.clear()
    again = run(db, server)
    assert E.CERT_COMMUNE_KEY not in server.calls and again.certificates["key_id"] is None
    # a new key in a newer trust list: asked for and kept
    server.new_key(12)
    rotated = run(db, server)
    assert rotated.certificates == {**rotated.certificates, "trust_sequence": 2, "key_id": 12}
    held = trust.commune_key(db, TOKEN)
    assert held is not None and held[0] == 12


def test_a_key_the_trust_list_does_not_vouch_for_is_refused(db: Database) -> None:
    server = FakeServer(db)
    server.wrong_key = generate_key()  # wrapped for this device under key id 11, but not the certified key
    result = run(db, server)
    assert "certificates: commune key 11 refused (wrong_public_key)" in result.notes
    assert meta(db, trust.COMMUNE_KEY) is None and result.certificates["key_id"] is None
    assert E.CERT_SERIALS not in server.calls  # no key, no serials


def test_a_key_wrapped_for_another_device_is_refused(db: Database) -> None:
    server = FakeServer(db)
    server.device_id = "another-device-id-0000"
    result = run(db, server)
    assert "certificates: commune key 11 refused (cannot_unwrap)" in result.notes
    assert meta(db, trust.COMMUNE_KEY) is None


def test_a_revoked_key_is_not_taken(db: Database) -> None:
    server = FakeServer(db)
    server.revoked_after[11] = NOW - timedelta(days=1)
    server.sign_trust()
    result = run(db, server)
    assert E.CERT_COMMUNE_KEY not in server.calls  # the trust list has no current key for the commune
    assert meta(db, trust.COMMUNE_KEY) is None and result.notes == []


def test_no_commune_key_yet_is_a_short_note(db: Database) -> None:
    server = FakeServer(db)
    server.serve_key = None
    result = run(db, server)
    assert result.notes == ["certificates: no commune key yet"]
    assert result.certificates["trust_sequence"] == 1 and meta(db, trust.COMMUNE_KEY) is None
    assert E.CERT_SERIALS not in server.calls


# ------------------------------------------------------------------------------------------------------------
# serial blocks


def test_a_serial_block_is_reserved_once_and_again_below_the_low_mark(db: Database) -> None:
    server = FakeServer(db)
    result = run(db, server)
    assert result.certificates["serials"] == [1, P.SERIAL_BLOCK]
    assert blocks(db) == [[1, P.SERIAL_BLOCK]] and meta(db, trust.SERIAL_REQUEST) is None
    assert run(db, server).certificates["serials"] is None  # plenty left
    assert server.calls.count(E.CERT_SERIALS) == 1
    # the certificate service used serials up to 800: 200 left, below the low mark
    local.set_meta(db, {trust.SERIAL_BLOCKS: json.dumps([[801, P.SERIAL_BLOCK]])})
    result = run(db, server)
    assert result.certificates["serials"] == [P.SERIAL_BLOCK + 1, 2 * P.SERIAL_BLOCK]
    assert blocks(db) == [[801, P.SERIAL_BLOCK], [P.SERIAL_BLOCK + 1, 2 * P.SERIAL_BLOCK]]
    assert len(server.blocks) == 2


def test_a_lost_answer_is_asked_again_with_the_same_request_id(db: Database) -> None:
    server = FakeServer(db)
    server.lose_answer.add(E.CERT_SERIALS)
    result = run(db, server)
    assert result.certificates["key_id"] == 11 and result.certificates["serials"] is None
    assert any(n.startswith("certificates: serial block not received") for n in result.notes)
    request_id = meta(db, trust.SERIAL_REQUEST)
    assert request_id is not None and list(server.blocks) == [request_id]
    assert blocks(db) == []
    server.lose_answer.clear()
    result = run(db, server)
    assert result.certificates["serials"] == [1, P.SERIAL_BLOCK]
    assert list(server.blocks) == [request_id] and server.high == P.SERIAL_BLOCK  # the same block, not a second
    assert blocks(db) == [[1, P.SERIAL_BLOCK]] and meta(db, trust.SERIAL_REQUEST) is None


def test_a_block_already_kept_is_not_added_twice(db: Database) -> None:
    assert E._add_serial_block(db, 1, 1000) is True
    assert E._add_serial_block(db, 1, 1000) is False
    local.set_meta(db, {trust.SERIAL_BLOCKS: json.dumps([[640, 1000]])})  # partly used meanwhile
    assert E._add_serial_block(db, 1, 1000) is False
    assert blocks(db) == [[640, 1000]]


def test_a_request_id_the_server_refuses_is_replaced(db: Database) -> None:
    server = FakeServer(db)
    server.lose_answer.add(E.CERT_SERIALS)
    run(db, server)
    first_id = meta(db, trust.SERIAL_REQUEST)

    def taken(path: str, body: dict[str, Any]) -> dict[str, Any]:
        raise Refused(400, "request_id_taken", "đã dùng", "used by another device")

    server.post = taken  # type: ignore[method-assign]
    result = run(db, server)
    assert "certificates: serial block refused (request_id_taken)" in result.notes
    assert meta(db, trust.SERIAL_REQUEST) is None
    del server.post
    server.lose_answer.clear()
    run(db, server)
    assert first_id in server.blocks and len(server.blocks) == 2  # a new request id was used
    assert blocks(db) == [[P.SERIAL_BLOCK + 1, 2 * P.SERIAL_BLOCK]] and meta(db, trust.SERIAL_REQUEST) is None


# ------------------------------------------------------------------------------------------------------------
# failures never fail the round


def test_an_old_server_without_certificates_is_one_note(db: Database) -> None:
    server = FakeServer(db)
    server.old_server = True
    result = run(db, server)
    assert result.notes == ["certificates: the server has no certificate service (older server)"]
    assert server.calls == [E.CERT_TRUST]
    assert result.certificates == {
        "trust_sequence": None,
        "root_pinned": False,
        "revocation_lists": 0,
        "key_id": None,
        "serials": None,
    }


def test_no_network_stops_the_step_quietly(db: Database) -> None:
    server = FakeServer(db)
    server.unreachable.add(E.CERT_TRUST)
    result = run(db, server)
    assert len(result.notes) == 1 and result.notes[0].startswith("certificates: trust list not received")
    server.unreachable = {E.CERT_COMMUNE_KEY}
    result = run(db, server)
    assert result.certificates["trust_sequence"] == 1 and meta(db, trust.COMMUNE_KEY) is None
    assert any("commune key not received" in n for n in result.notes)


def test_an_unexpected_error_becomes_a_note(db: Database) -> None:
    class Broken(FakeServer):
        def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
            return {"root_public_key": 5}

    result = run(db, Broken(db))
    assert result.notes == ["certificates: bad trust answer"]

    class Exploding(FakeServer):
        def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
            raise KeyError("error")

    result = run(db, Exploding(db))
    assert len(result.notes) == 1 and result.notes[0].startswith("certificates: step failed (KeyError")


# ------------------------------------------------------------------------------------------------------------
# with the real server


@pytest.fixture
def server(server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("DLSO_SERVER_SECRET_FILE", str(tmp_path / "server-secret.key"))
    s = Server(server_url)
    yield s
    s.close()


def laptop(tmp_path: Path, server: Server, name: str) -> Laptop:
    lt = Laptop(tmp_path / f"{name}.sqlite", COMMUNE, server, name)
    lt.enroll()
    return lt


def test_a_failing_certificates_step_leaves_push_and_pull_intact(server: Server, tmp_path: Path) -> None:
    a = laptop(tmp_path, server, "a")
    try:
        village = a.services.villages.create("Buôn Kô Tam", "buon")
        a.services.households.create(family(village.id))
        assert a.transport is not None

        def fail_certificates(path: str) -> None:
            if "/certificates/" in path:
                raise TransportError("connection reset")

        a.transport.before = fail_certificates
        result = a.sync()
        assert result.applied > 0 and result.rejected == 0
        assert any(n.startswith("certificates: trust list not received") for n in result.notes)
        assert local.pending_count(a.db) == 0
        assert local.get_meta(a.db, local.LAST_SYNC) and local.get_meta(a.db, local.LAST_ERROR) is None

        def old_server(path: str) -> None:
            if "/certificates/" in path:
                raise Refused(404, "not_found", "Không tìm thấy", "Not found")

        a.transport.before = old_server
        a.services.villages.create("Buôn Ea Nao", "buon")
        result = a.sync()
        assert result.applied == 1
        assert result.notes == ["certificates: the server has no certificate service (older server)"]
    finally:
        a.close()


def page_verdict(server: Server, payload: str) -> dict[str, Any]:
    answer = server.client.get(f"/v/{payload}", params={"format": "json"})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def laptop_verdict(lap: Any, url: str) -> dict[str, Any]:
    from dlso_desktop.certificates.present import verdict_json

    trust_list, revocations = lap.services.certificates.verifier()
    return verdict_json(verify(url, trust_list, revocations, now=datetime.now(UTC)))


def test_end_to_end_with_the_provincial_server(server: Server, tmp_path: Path) -> None:
    from sync.server import certs

    a, b = laptop(tmp_path, server, "a"), laptop(tmp_path, server, "b")
    try:
        # before the province has keys: nothing to store, nothing to say
        result = a.sync()
        assert result.notes == [] and result.certificates["trust_sequence"] is None
        assert a.services.certificates.signing_status().reason == "no_trust"

        root = generate_key()
        with server.engine.begin() as conn:
            certs.init_root(conn, root)
        result = a.sync()
        assert result.certificates["root_pinned"] is True and result.notes == []
        with server.engine.begin() as conn:
            issued = certs.issue_commune_key(
                conn, root, COMMUNE, secret_file=certs.secret_path(server.url), valid_from=date(2026, 1, 1)
            )

        result = a.sync()
        assert result.notes == []
        assert result.certificates["trust_sequence"] == issued.trust_sequence
        assert result.certificates["key_id"] == issued.key_id
        assert result.certificates["serials"] == [1, P.SERIAL_BLOCK]
        status = a.services.certificates.signing_status()
        assert (status.mode, status.key_id, status.serials_left) == ("commune", issued.key_id, P.SERIAL_BLOCK)
        # a second laptop of the commune gets the next block: numbers never collide
        result = b.sync()
        assert result.certificates["serials"] == [P.SERIAL_BLOCK + 1, 2 * P.SERIAL_BLOCK]
        # a round with nothing new asks for nothing more
        assert a.sync().certificates == {
            "trust_sequence": None,
            "root_pinned": False,
            "revocation_lists": 0,
            "key_id": None,
            "serials": None,
        }

        # the answer to a block request is lost: the next round gets the same block with the same request id
        local.set_meta(a.db, {trust.SERIAL_BLOCKS: json.dumps([[P.SERIAL_BLOCK - 10, P.SERIAL_BLOCK]])})
        assert a.transport is not None
        a.transport.before = None
        original = a.transport.post

        def lose_serials(path: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = original(path, body)
            if path == E.CERT_SERIALS:
                raise TransportError("response lost")
            return answer

        a.transport.post = lose_serials  # type: ignore[method-assign]
        result = a.sync()
        request_id = local.get_meta(a.db, trust.SERIAL_REQUEST)
        assert request_id and result.certificates["serials"] is None
        a.transport.post = original  # type: ignore[method-assign]
        result = a.sync()
        third = [2 * P.SERIAL_BLOCK + 1, 3 * P.SERIAL_BLOCK]
        assert result.certificates["serials"] == third
        assert blocks(a.db) == [[P.SERIAL_BLOCK - 10, P.SERIAL_BLOCK], third]
        assert local.get_meta(a.db, trust.SERIAL_REQUEST) is None
        assert b.sync().certificates["serials"] is None  # b still has its whole block

        # a certificate issued on laptop a, revoked there, is known revoked on laptop b after both sync
        a.services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
        village = a.services.villages.create("Buôn Kô Tam", "buon")
        session_id, _ = session_with_results(a.services, village.id, {"H’Maryam Niê": "passed"})
        (cert,) = a.services.certificates.issue(session_id)
        assert cert.number == f"{COMMUNE}-{P.SERIAL_BLOCK - 10:06d}"
        assert b.services.certificates.verify_text(cert.url).status == "valid"  # b verifies offline
        a.sync()
        # the provincial page says what the laptops say, field for field
        assert page_verdict(server, cert.payload) == laptop_verdict(b, cert.url)
        assert page_verdict(server, cert.payload)["status"] == "valid"
        a.services.certificates.revoke(cert.id or "", "ghi sai tên")
        a.sync()
        result = b.sync()
        assert result.certificates["revocation_lists"] == 1 and result.notes == []
        assert b.services.certificates.verify_text(cert.url).status == "revoked"
        assert page_verdict(server, cert.payload) == laptop_verdict(b, cert.url)
        assert page_verdict(server, cert.payload)["status"] == "revoked"
        assert trust.load(b.db).revocations.is_revoked(COMMUNE, cert.serial)
    finally:
        a.close()
        b.close()


def test_dlso_sync_json_reports_the_certificates_step(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dlso_desktop import cli, paths
    from sync.server import certs

    root = generate_key()
    with server.engine.begin() as conn:
        certs.init_root(conn, root)
        certs.issue_commune_key(conn, root, COMMUNE, secret_file=certs.secret_path(server.url))
    data = tmp_path / "data"
    data.mkdir()
    lt = Laptop(paths.database_path(data), COMMUNE, server, "cli")
    lt.enroll()
    lt.close()

    class Closable(AppTransport):
        def close(self) -> None:
            pass

    def transport_for(db: Database) -> Closable:
        return Closable(server, local.get_meta(db, local.TOKEN))

    monkeypatch.setattr(E, "transport_for", transport_for)
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "--json", "sync"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["certificates"]["key_id"] == 1 and out["certificates"]["serials"] == [1, P.SERIAL_BLOCK]
    assert out["applied"] >= 1 and out["notes"] == []
    monkeypatch.setenv("DLSO_LANG", "en")
    assert cli.main(["--data-dir", str(data), "sync"]) == 0
    assert "received" in capsys.readouterr().out
