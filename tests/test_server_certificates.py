"""The provincial server's half of signed certificates (sync/server/certs.py, verify_page.py): the root key
ceremony through the real `dlso-server admin keys` commands, the trust list and commune keys it signs, the
commune key wrapped for an enrolled laptop, serial blocks (disjoint under concurrency), revocation lists built
from synced revocations, and the public page /v/<payload> giving the laptop's verdict. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import itertools
import json
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import inspect, select, text
from sync_support import Laptop, Server

from dlso_desktop.certificates import present, record
from dlso_desktop.certificates import trust as laptop_trust
from dlso_desktop.certificates.keys import (
    RevocationList,
    Revocations,
    TrustError,
    TrustList,
    demo_private_key,
    load_private_key,
    local_date,
    public_key_bytes,
    unwrap_commune_key,
)
from dlso_desktop.certificates.verify import verify
from dlso_desktop.ids import new_id, utc_now
from dlso_desktop.storage import schema as laptop_schema
from dlso_desktop.storage.store import create_database
from sync import local
from sync import protocol as P
from sync.server import certs
from sync.server.cli import main
from sync.server.models import SigningKey

COMMUNE = 24133  # Phường Buôn Ma Thuột
OTHER = 24235  # Xã Buôn Đôn
PASSPHRASE = "Mật khẩu gốc của tỉnh 2026"
TRUST = f"{P.PREFIX}/certificates/trust"
COMMUNE_KEY = f"{P.PREFIX}/certificates/commune-key"
SERIALS = f"{P.PREFIX}/certificates/serials"


@pytest.fixture(autouse=True)
def secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its server secret in its own folder (PostgreSQL would put it under ./server-data)."""
    path = tmp_path / "secret" / "server-secret.key"
    monkeypatch.setenv(certs.ENV_SECRET, str(path))
    monkeypatch.setenv("DLSO_LANG", "en")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@dataclass
class Province:
    """The provincial root, made by `admin keys init-root`, and the commands that need it."""

    url: str
    folder: Path
    passfile: Path
    capsys: pytest.CaptureFixture[str]

    @property
    def pem(self) -> Path:
        return self.folder / "root-key.pem"

    @property
    def root(self) -> Ed25519PrivateKey:
        return load_private_key(self.pem.read_bytes(), PASSPHRASE)

    def root_public(self) -> Any:
        return laptop_trust.parse_public_key((self.folder / "root.pub").read_text("utf-8"))

    def keys(self, *argv: str) -> tuple[int, str, str]:
        return cli(self.capsys, "admin", "keys", *argv, "--database-url", self.url)

    def issue(self, commune: int = COMMUNE, *extra: str) -> int:
        rc, out, err = self.keys(
            "issue-commune", "--commune", str(commune), "--root-key", str(self.pem), "--passphrase-file",
            str(self.passfile), *extra,
        )  # fmt: skip
        assert rc == 0, err
        return int(out.splitlines()[0].rsplit(" ", 1)[1])

    def revoke(self, key_id: int, after: str) -> tuple[int, str, str]:
        return self.keys(
            "revoke", str(key_id), "--after", after, "--root-key", str(self.pem), "--passphrase-file",
            str(self.passfile),
        )  # fmt: skip


def init_root(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, name: str = "usb") -> Province:
    passfile = tmp_path / f"{name}-pass.txt"
    passfile.write_text(PASSPHRASE + "\n", "utf-8")
    province = Province(url, tmp_path / name, passfile, capsys)
    rc, out, err = province.keys("init-root", "--out", str(province.folder), "--passphrase-file", str(passfile))
    assert rc == 0, err
    assert laptop_trust.root_fingerprint(province.root_public()) in out
    return province


@pytest.fixture
def province(capsys: pytest.CaptureFixture[str], server_url: str, tmp_path: Path) -> Province:
    return init_root(capsys, server_url, tmp_path)


@pytest.fixture
def server(province: Province) -> Iterator[Server]:
    srv = Server(province.url)
    try:
        yield srv
    finally:
        srv.close()


def dump(url_or_server: Server) -> str:
    parts: list[str] = []
    with url_or_server.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def served(server: Server) -> P.TrustResponse:
    response = server.client.get(TRUST)
    assert response.status_code == 200, response.text
    return P.TrustResponse.model_validate(response.json())


def trust_state(server: Server, province: Province) -> tuple[TrustList, Revocations]:
    answer = served(server)
    assert answer.trust_list is not None
    trust = TrustList.from_bytes(answer.trust_list, province.root_public())
    return trust, Revocations(RevocationList.from_bytes(d, trust) for d in answer.revocation_lists)


def new_laptop(tmp_path: Path, server: Server, name: str, commune: int = COMMUNE) -> Laptop:
    lap = Laptop(tmp_path / f"{name}.sqlite", commune, server, name)
    lap.enroll()
    return lap


def token(lap: Laptop) -> str:
    value = local.get_meta(lap.db, local.TOKEN)
    assert value
    return value


def auth(lap: Laptop) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(lap)}"}


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    body = P.ErrorResponse.model_validate(response.json())
    assert body.error == code and body.message_vi and body.message_en


def commune_key(server: Server, lap: Laptop) -> tuple[int, Ed25519PrivateKey]:
    response = server.client.get(COMMUNE_KEY, headers=auth(lap))
    assert response.status_code == 200, response.text
    answer = P.CommuneKeyResponse.model_validate(response.json())
    blob = base64.b64decode(answer.wrapped_key)
    key_id, key = unwrap_commune_key(blob, device_token=token(lap), device_id=lap.db.device_id)
    assert key_id == answer.key_id and answer.commune_code == lap.db.commune_code
    return key_id, key


# ---------------------------------------------------------------------------------------------------------
# The root key ceremony


def test_init_root_writes_the_key_files_and_keeps_only_the_public_key(
    capsys: pytest.CaptureFixture[str], server_url: str, tmp_path: Path
) -> None:
    province = init_root(capsys, server_url, tmp_path)
    assert stat.S_IMODE(province.pem.stat().st_mode) == 0o600
    assert stat.S_IMODE(province.folder.stat().st_mode) == 0o700
    pub_text = (province.folder / "root.pub").read_text("utf-8")
    assert pub_text.startswith("# ") and len(pub_text.splitlines()) == 2
    root = province.root
    assert public_key_bytes(root) == public_key_bytes(province.root_public())
    with pytest.raises(TrustError) as wrong:
        load_private_key(province.pem.read_bytes(), "not the passphrase at all")
    assert wrong.value.code == "wrong_passphrase"

    server = Server(server_url)
    try:
        with server.engine.connect() as conn:
            known = certs.root_public_key(conn)
        assert known is not None and public_key_bytes(known) == public_key_bytes(root)
        everything = dump(server)
        pem_body = "".join(province.pem.read_text().splitlines()[1:-1])
        from cryptography.hazmat.primitives import serialization

        raw = root.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        for secret in (pem_body, pem_body[:40], base64.b64encode(raw).decode(), raw.hex()):
            assert secret not in everything
        # the public endpoint offers the root before any commune key
        answer = served(server)
        assert answer.root_public_key == laptop_trust.public_key_text(known)
        assert answer.trust_list is None and answer.revocation_lists == []
    finally:
        server.close()

    # a second root is refused (database and files unchanged) unless --force
    before = province.pem.read_bytes()
    rc, _out, err = province.keys(
        "init-root", "--out", str(tmp_path / "usb2"), "--passphrase-file", str(province.passfile)
    )
    assert rc == 2 and "already has a provincial root" in err and not (tmp_path / "usb2").exists()
    rc, _out, err = province.keys(
        "init-root", "--out", str(province.folder), "--passphrase-file", str(province.passfile)
    )
    assert rc == 2 and "--force" in err and province.pem.read_bytes() == before
    # a short passphrase is refused
    short = tmp_path / "short.txt"
    short.write_text("short\n", "utf-8")
    rc, _out, err = province.keys(
        "init-root", "--out", str(tmp_path / "usb3"), "--passphrase-file", str(short), "--force"
    )
    assert rc == 2 and "12" in err and not (tmp_path / "usb3").exists()


def test_issue_commune_and_revoke_sign_the_trust_list(
    capsys: pytest.CaptureFixture[str], province: Province, tmp_path: Path, secret_file: Path
) -> None:
    assert not secret_file.exists()
    first = province.issue(COMMUNE)
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600 and len(secret_file.read_bytes()) == 32
    assert stat.S_IMODE(secret_file.parent.stat().st_mode) == 0o700
    second = province.issue(OTHER, "--valid-from", "2026-01-01", "--valid-days", "30")
    assert (first, second) == (1, 2)

    server = Server(province.url)
    try:
        answer = served(server)
        assert answer.trust_list is not None
        trust = TrustList.from_bytes(answer.trust_list, province.root_public())
        assert trust.sequence == 2
        assert [(e.certificate.key_id, e.certificate.commune_code, e.revoked_after) for e in trust.entries] == [
            (1, COMMUNE, None),
            (2, OTHER, None),
        ]
        other = trust.entry(2)
        assert other is not None
        assert (other.certificate.valid_from, other.certificate.valid_until) == (date(2026, 1, 1), date(2026, 1, 30))
        today = local_date(datetime.now(UTC))
        mine = trust.entry(1)
        assert mine is not None and mine.certificate.valid_from == today
        assert mine.certificate.valid_until == today + timedelta(days=365)
        # the private key is stored encrypted under the secret, with the key id bound to it
        with server.engine.connect() as conn:
            key_table = SigningKey.__table__  # type: ignore[attr-defined]
            stored = conn.execute(select(key_table.c.private_key_enc).where(key_table.c.key_id == 1)).scalar_one()
            found = certs.commune_signing_key(conn, COMMUNE, secret_file, today)
            assert found is not None and public_key_bytes(found[1]) == mine.certificate.public_key
            with pytest.raises(certs.KeysError) as swapped:
                certs._decrypt_key(secret_file.read_bytes(), 2, stored, secret_file)
            assert swapped.value.code == "keys_unavailable"
            assert certs.commune_signing_key(conn, OTHER, secret_file, today) is None  # its validity is over

        # revoke: a date alone is 00:00 Vietnam time; the sequence grows; a later time is refused
        rc, out, err = province.revoke(1, "2026-12-01")
        assert rc == 0, err
        assert "2026-11-30T17:00:00Z" in out and "01/12/2026" in out
        answer = served(server)
        assert answer.trust_list is not None
        trust = TrustList.from_bytes(answer.trust_list, province.root_public())
        revoked = trust.entry(1)
        assert trust.sequence == 3 and revoked is not None
        assert revoked.revoked_after == datetime(2026, 11, 30, 17, tzinfo=UTC)
        assert revoked.revoked_on() == date(2026, 12, 1)
        rc, _out, err = province.revoke(1, "2026-12-02T10:00:00+07:00")
        assert rc == 2 and "earlier" in err
        rc, _out, err = province.revoke(1, "2026-11-30T12:00:00Z")
        assert rc == 0, err
        # no usable key any more: 404 for the commune's laptops
        rc, out, _err = province.keys("list", "--json")
        listed = json.loads(out)
        assert listed["trust_sequence"] == 4
        assert [(k["key_id"], k["revoked_after"], k["current"]) for k in listed["keys"]] == [
            (1, "2026-11-30T12:00:00Z", False),
            (2, None, False),
        ]
        rc, out, _err = province.keys("list")
        assert rc == 0 and "Trust list sequence 4" in out and "24235" in out
    finally:
        server.close()


def test_bad_key_commands_exit_2_and_change_nothing(
    capsys: pytest.CaptureFixture[str], province: Province, tmp_path: Path
) -> None:
    province.issue()
    server = Server(province.url)
    before = dump(server)
    other_root = init_root(capsys, f"sqlite:///{tmp_path / 'elsewhere.sqlite'}", tmp_path, "other")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("this is not the passphrase\n", "utf-8")
    pem, pf = str(province.pem), str(province.passfile)
    cases = [
        (["issue-commune", "--commune", "99999", "--root-key", pem, "--passphrase-file", pf], "not in Đắk Lắk"),
        (["issue-commune", "--commune", "24133", "--root-key", pem, "--passphrase-file", str(wrong)], "Wrong pass"),
        (["issue-commune", "--commune", "24133", "--root-key", str(other_root.pem), "--passphrase-file", pf],
         "not the root key"),
        (["issue-commune", "--commune", "24133", "--root-key", str(tmp_path / "none.pem"), "--passphrase-file", pf],
         "none.pem"),
        (["issue-commune", "--commune", "24133", "--root-key", pem, "--valid-days", "0"], "0 days"),
        (["issue-commune", "--commune", "24133", "--root-key", pem, "--valid-from", "1/1/2026"], "YYYY-MM-DD"),
        (["revoke", "7", "--after", "2026-12-01", "--root-key", pem, "--passphrase-file", pf], "no key 7"),
        (["revoke", "1", "--after", "yesterday", "--root-key", pem, "--passphrase-file", pf], "yesterday"),
        (["revoke", "0", "--after", "2026-12-01", "--root-key", pem], "1 to 65535"),
        (["revoke", "1", "--root-key", pem], "--after"),
    ]  # fmt: skip
    try:
        for argv, says in cases:
            rc, out, err = province.keys(*argv)
            assert rc == 2, (argv, err)
            assert says in err and "Traceback" not in err and out == "", (argv, err)
            assert len(err.strip().splitlines()) == 1, err
            assert dump(server) == before, argv
    finally:
        server.close()


def test_without_the_server_secret_keys_are_unavailable_not_a_server_error(
    capsys: pytest.CaptureFixture[str], province: Province, tmp_path: Path, secret_file: Path
) -> None:
    province.issue()
    server = Server(province.url)
    lap = new_laptop(tmp_path, server, "a")
    try:
        commune_key(server, lap)
        secret_file.rename(secret_file.with_name("moved-away"))
        assert_error(server.client.get(COMMUNE_KEY, headers=auth(lap)), 503, "keys_unavailable")
        assert served(server).trust_list is not None  # the root-signed trust list is served all the same
        rc, _out, err = cli(
            capsys, "admin", "keys", "issue-commune", "--commune", str(OTHER), "--root-key", str(province.pem),
            "--passphrase-file", str(province.passfile), "--database-url", province.url,
        )  # fmt: skip
        assert rc == 1 and "server secret" in err and "Traceback" not in err
        assert not secret_file.exists()  # never silently replaced by a new secret: the keys would be lost
        # a wrong secret is as clear
        secret_file.write_bytes(os.urandom(32))
        assert_error(server.client.get(COMMUNE_KEY, headers=auth(lap)), 503, "keys_unavailable")
        with server.engine.connect() as conn:
            assert len(certs.signing_keys(conn)) == 1
    finally:
        lap.close()
        server.close()


def test_secret_path_follows_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(certs.ENV_SECRET)
    assert certs.secret_path(f"sqlite:///{tmp_path / 'db' / 'x.sqlite'}") == tmp_path / "db" / "server-secret.key"
    assert certs.secret_path("postgresql+psycopg://u@h/db") == Path("server-data") / "server-secret.key"
    monkeypatch.setenv(certs.ENV_SECRET, str(tmp_path / "s.key"))
    assert certs.secret_path("postgresql+psycopg://u@h/db") == tmp_path / "s.key"


# ---------------------------------------------------------------------------------------------------------
# What laptops fetch


def test_a_laptop_stores_what_the_trust_endpoint_serves(province: Province, server: Server, tmp_path: Path) -> None:
    province.issue(COMMUNE)
    province.issue(OTHER)
    answer = served(server)
    db = create_database(tmp_path / "verifier.sqlite", COMMUNE)
    try:
        result = laptop_trust.store_trust(
            db, answer.root_public_key, answer.trust_list, answer.revocation_lists, use_shipped=False
        )
        assert result.refused == () and result.pinned_root and result.trust_sequence == 2
        state = laptop_trust.load(db)
        assert state.trust_list is not None and [e.certificate.key_id for e in state.trust_list.entries] == [1, 2]
    finally:
        db.close()


def test_the_commune_key_is_wrapped_for_the_asking_device_only(
    province: Province, server: Server, tmp_path: Path
) -> None:
    a, b = new_laptop(tmp_path, server, "a"), new_laptop(tmp_path, server, "b")
    elsewhere = new_laptop(tmp_path, server, "c", OTHER)
    try:
        assert_error(server.client.get(COMMUNE_KEY, headers=auth(a)), 404, "no_commune_key")
        province.issue(COMMUNE)
        key_id, key = commune_key(server, a)
        trust, _ = trust_state(server, province)
        entry = trust.entry(key_id)
        assert entry is not None and entry.certificate.commune_code == COMMUNE
        assert public_key_bytes(key) == entry.certificate.public_key
        assert commune_key(server, b)[0] == key_id

        blob = base64.b64decode(server.client.get(COMMUNE_KEY, headers=auth(a)).json()["wrapped_key"])
        for tok, dev in ((token(b), b.db.device_id), (token(b), a.db.device_id), (token(a), b.db.device_id)):
            with pytest.raises(TrustError) as refused:
                unwrap_commune_key(blob, device_token=tok, device_id=dev)
            assert refused.value.code == "cannot_unwrap"

        assert_error(server.client.get(COMMUNE_KEY), 401, "unauthorized")
        assert_error(server.client.get(COMMUNE_KEY, headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
        assert_error(server.client.get(COMMUNE_KEY, headers=auth(elsewhere)), 404, "no_commune_key")

        # a newer key of the commune becomes the current one
        assert province.issue(COMMUNE) == 2
        assert commune_key(server, a)[0] == 2
    finally:
        for lap in (a, b, elsewhere):
            lap.close()


def request_block(server: Server, lap: Laptop, request_id: str, count: int) -> P.SerialBlockResponse:
    response = server.client.post(SERIALS, json={"request_id": request_id, "count": count}, headers=auth(lap))
    assert response.status_code == 200, response.text
    return P.SerialBlockResponse.model_validate(response.json())


def test_serial_blocks_are_disjoint_and_idempotent(server: Server, tmp_path: Path) -> None:
    a, b = new_laptop(tmp_path, server, "a"), new_laptop(tmp_path, server, "b")
    elsewhere = new_laptop(tmp_path, server, "c", OTHER)
    try:
        first = request_block(server, a, "req-a-0001", 1000)
        assert (first.first, first.last, first.commune_code) == (1, 1000, COMMUNE)
        assert request_block(server, b, "req-b-0001", 10).first == 1001
        assert request_block(server, a, "req-a-0001", 1000) == first  # an answer lost on the way
        assert request_block(server, a, "req-a-0001", 5) == first  # same id, same block
        assert request_block(server, elsewhere, "req-c-0001", 3).first == 1  # each commune counts on its own
        taken = server.client.post(SERIALS, json={"request_id": "req-a-0001", "count": 10}, headers=auth(b))
        assert_error(taken, 400, "request_id_taken")
        assert_error(server.client.post(SERIALS, json={"request_id": "req-x-0001", "count": 10}), 401, "unauthorized")
        too_many = {"request_id": "req-a-0002", "count": P.MAX_SERIAL_BLOCK + 1}
        assert_error(server.client.post(SERIALS, json=too_many, headers=auth(a)), 400, "bad_request")
        assert request_block(server, a, "req-a-0003", 1).first == 1011
    finally:
        for lap in (a, b, elsewhere):
            lap.close()


def test_concurrent_serial_requests_never_overlap(server: Server, tmp_path: Path) -> None:
    laptops = [new_laptop(tmp_path, server, f"l{i}") for i in range(4)]
    blocks: list[tuple[str, int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(laptops) * 2)

    def ask(lap: Laptop, worker: int) -> None:
        try:
            start.wait()
            for i in range(6):
                # both workers of a laptop send request ids 0-2 (retries racing each other), then their own
                rid = f"{lap.name}-{i if i < 3 else f'{worker}-{i}'}-req"
                got = request_block(server, lap, rid, 7 + i)
                with lock:
                    blocks.append((rid, got.first, got.last))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(lap, w)) for lap in laptops for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        by_request: dict[str, set[tuple[int, int]]] = {}
        for rid, first, last in blocks:
            by_request.setdefault(rid, set()).add((first, last))
        assert all(len(v) == 1 for v in by_request.values()), by_request  # one block per request id
        distinct = sorted(next(iter(v)) for v in by_request.values())
        assert len(distinct) == len(laptops) * (3 + 2 * 3)
        assert distinct[0][0] == 1
        for (_f1, l1), (f2, _l2) in itertools.pairwise(distinct):
            assert f2 == l1 + 1  # disjoint and without gaps
    finally:
        for lap in laptops:
            lap.close()


# ---------------------------------------------------------------------------------------------------------
# Revocation lists and the verification page


def op(op_id: int, table: str, row_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "op_id": op_id,
        "txn_id": new_id(),
        "table": table,
        "row_id": row_id,
        "kind": "insert",
        "changes": changes,
        "base_version": 0,
        "author_id": None,
        "created_at": utc_now(),
        "schema_version": laptop_schema.SCHEMA_VERSION,
    }


class Pusher:
    """Pushes certificate and revocation records as an enrolled laptop's outbox would."""

    def __init__(self, server: Server, lap: Laptop) -> None:
        self.server, self.lap, self.next_op = server, lap, 1

    def push(self, *ops: dict[str, Any]) -> None:
        response = self.server.client.post(f"{P.PREFIX}/push", json={"ops": list(ops)}, headers=auth(self.lap))
        assert response.status_code == 200, response.text
        results = P.PushResponse.model_validate(response.json()).results
        assert [r.status for r in results] == [P.OpStatus.APPLIED] * len(ops), results

    def certificate(self, serial: int, payload: str = "") -> str:
        cid = new_id()
        fields = {
            "number": record.certificate_number(self.lap.db.commune_code, serial),
            "serial": serial,
            "person_id": new_id(),
            "session_id": new_id(),
            "course_id": new_id(),
            "issue_date": date.today().isoformat(),
            "key_id": "1",
            "qr_payload": payload,
        }
        self.push(op(self.next_op, "certificate", cid, fields))
        self.next_op += 1
        return cid

    def revoke(self, certificate_id: str) -> None:
        fields = {"certificate_id": certificate_id, "reason": "cấp nhầm", "revoked_at": utc_now()}
        self.push(op(self.next_op, "certificate_revocation", new_id(), fields))
        self.next_op += 1


def test_synced_revocations_become_a_signed_list(province: Province, server: Server, tmp_path: Path) -> None:
    lap = new_laptop(tmp_path, server, "a")
    try:
        pusher = Pusher(server, lap)
        kept, gone = pusher.certificate(5), pusher.certificate(7)
        pusher.revoke(gone)
        assert served(server).revocation_lists == []  # no commune key yet: nothing to sign with
        province.issue(COMMUNE)

        answer = served(server)
        assert answer.trust_list is not None
        trust = TrustList.from_bytes(answer.trust_list, province.root_public())
        [doc] = answer.revocation_lists
        rl = RevocationList.from_bytes(doc, trust)
        assert (rl.commune_code, rl.counter, rl.key_id, rl.serials) == (COMMUNE, 1, 1, frozenset({7}))
        assert served(server).revocation_lists == [doc]  # nothing new: not signed again

        pusher.revoke(kept)
        [doc2] = served(server).revocation_lists
        rl2 = RevocationList.from_bytes(doc2, trust)
        assert (rl2.counter, rl2.serials) == (2, frozenset({5, 7}))

        # the signing key is revoked and replaced: the list is signed again by the new key, which laptops accept
        assert province.issue(COMMUNE) == 2
        assert province.revoke(1, "2026-01-01")[0] == 0
        answer = served(server)
        assert answer.trust_list is not None
        trust = TrustList.from_bytes(answer.trust_list, province.root_public())
        [doc3] = answer.revocation_lists
        rl3 = RevocationList.from_bytes(doc3, trust)
        assert (rl3.counter, rl3.key_id, rl3.serials) == (3, 2, frozenset({5, 7}))
    finally:
        lap.close()


def test_stale_lists_are_found_with_grouped_queries(province: Province, server: Server, tmp_path: Path) -> None:
    province.issue(COMMUNE)
    lap = new_laptop(tmp_path, server, "a")
    try:
        pusher = Pusher(server, lap)
        pusher.revoke(pusher.certificate(3))
        today = local_date(datetime.now(UTC))
        with server.engine.connect() as conn:
            assert set(certs._stale_communes(conn, today)) == {COMMUNE}
        assert certs.refresh_revocation_lists(server.engine, certs.secret_path()) == [COMMUNE]
        assert certs.refresh_revocation_lists(server.engine, certs.secret_path()) == []
        with server.engine.connect() as conn:
            assert certs._stale_communes(conn, today) == {}
    finally:
        lap.close()


def page(server: Server, payload: str, **kw: Any) -> Any:
    response = server.client.get(f"/v/{payload}", **kw)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response


def html(server: Server, payload: str) -> str:
    response = page(server, payload)
    assert response.headers["content-type"].startswith("text/html")
    body: str = response.text
    assert "<script" not in body.lower() and "javascript:" not in body.lower()
    assert '<meta name="viewport"' in body
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' forbids it
    return body


def as_json(server: Server, payload: str) -> dict[str, Any]:
    body: dict[str, Any] = page(server, payload, params={"format": "json"}).json()
    assert page(server, payload, headers={"Accept": "application/json"}).json() == body
    return body


def test_the_verification_page_gives_the_laptops_verdict(province: Province, server: Server, tmp_path: Path) -> None:
    province.issue(COMMUNE)
    lap = new_laptop(tmp_path, server, "a")
    try:
        key_id, key = commune_key(server, lap)
        today = local_date(datetime.now(UTC))
        cert = record.CertificateRecord(
            key_id=key_id,
            commune_code=COMMUNE,
            serial=42,
            course_code="BDHVS-01",
            issue_date=today,
            birth=date(1984, 3, 9),
            full_name="H'Hen <Niê> & Y-Ƀlŭl",
        )
        payload = record.sign(cert, key)
        url = record.certificate_url("XacThuc.DakLak.gov.vn", payload)
        path = url.split("daklak.gov.vn", 1)[1]
        assert path == f"/v/{payload}"

        def local_verdict() -> dict[str, Any]:
            trust, revocations = trust_state(server, province)
            return present.verdict_json(verify(url, trust, revocations, now=datetime.now(UTC)))

        body = html(server, payload)
        assert "HỢP LỆ" in body and "KHÔNG HỢP LỆ" not in body
        assert "H&#x27;Hen &lt;Niê&gt; &amp; Y-Ƀlŭl" in body and "<Niê>" not in body
        assert present.course_name("BDHVS-01") in body  # type: ignore[operator]
        assert "Phường Buôn Ma Thuột" in body
        assert today.strftime("%d/%m/%Y") in body and "09/03/1984" in body
        assert "24133-000042" in body
        assert present.COMPARE_NAME[0] in body
        verdict = as_json(server, payload)
        assert verdict["status"] == "valid" and verdict["name"] == cert.full_name
        assert verdict == local_verdict()
        # typed from the paper: lowercase, with a trailing slash
        assert as_json(server, payload.lower() + "/") == verdict

        # one changed character
        i = len(payload) // 2
        altered = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1 :]
        body = html(server, altered)
        assert "KHÔNG HỢP LỆ" in body and cert.full_name not in body and "Lý do" in body
        assert as_json(server, altered)["status"] == "invalid"

        # revoked on a laptop and synced
        pusher = Pusher(server, lap)
        pusher.revoke(pusher.certificate(42, payload))
        body = html(server, payload)
        assert "ĐÃ THU HỒI" in body and present.REASON_TEXT["certificate_revoked"][0] in body
        verdict = as_json(server, payload)
        assert (verdict["status"], verdict["reason"]) == ("revoked", "certificate_revoked")
        assert verdict == local_verdict()

        # a sample from a laptop that is not enrolled
        demo = record.sign(
            record.CertificateRecord(0, COMMUNE, 1, "BDHVS-01", today, 1990, "Nguyễn Văn Mẫu", demo=True),
            demo_private_key(),
        )
        body = html(server, demo)
        assert "MẪU - KHÔNG CÓ GIÁ TRỊ" in body and "năm 1990" in body
        assert as_json(server, demo)["status"] == "demo"
    finally:
        lap.close()


GARBAGE = ["hello", "A" * 1000, "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "ABC/DEF", "0189", "é", "A" * 399 + "/", "=="]


def test_garbage_on_the_page_is_invalid_not_a_server_error(server: Server) -> None:
    for garbage in GARBAGE:
        body = html(server, garbage)
        assert "KHÔNG HỢP LỆ" in body and "<script>" not in body, garbage
        verdict = as_json(server, garbage)
        assert verdict["status"] == "invalid" and verdict["name"] is None, garbage


def test_the_openapi_schema_lists_the_certificate_endpoints(server: Server) -> None:
    paths = server.client.get(f"{P.PREFIX}/openapi.json").json()["paths"]
    assert "get" in paths[TRUST] and "get" in paths[COMMUNE_KEY] and "post" in paths[SERIALS]
    assert "get" in paths["/v/{payload}"]


def test_the_migration_matches_the_models(server_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sync.server.db import make_engine, migrate
    from sync.server.models import METADATA

    engine = make_engine(server_url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, METADATA) == []
    finally:
        engine.dispose()


def test_init_root_asks_for_the_passphrase_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    answers: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda _prompt="": answers.pop(0))
    answers[:] = [PASSPHRASE, PASSPHRASE + "x"]
    rc, _out, err = cli(capsys, "admin", "keys", "init-root", "--out", str(tmp_path / "k"), "--database-url", url)
    assert rc == 2 and "differ" in err and not (tmp_path / "k").exists()
    answers[:] = [PASSPHRASE, PASSPHRASE]
    rc, out, err = cli(capsys, "admin", "keys", "init-root", "--out", str(tmp_path / "k"), "--database-url", url)
    assert rc == 0 and "Fingerprint" in out, err
    assert load_private_key((tmp_path / "k" / "root-key.pem").read_bytes(), PASSPHRASE)


def test_a_forced_new_root_certifies_the_existing_keys_again(
    capsys: pytest.CaptureFixture[str], province: Province, tmp_path: Path
) -> None:
    province.issue(COMMUNE)
    rc, _out, err = province.keys(
        "init-root", "--out", str(tmp_path / "new"), "--passphrase-file", str(province.passfile), "--force"
    )
    assert rc == 0, err
    new_root = Province(province.url, tmp_path / "new", province.passfile, capsys)
    server = Server(province.url)
    try:
        answer = served(server)
        assert answer.root_public_key == laptop_trust.public_key_text(new_root.root_public())
        assert answer.trust_list is not None
        trust = TrustList.from_bytes(answer.trust_list, new_root.root_public())
        assert trust.sequence == 2 and [e.certificate.key_id for e in trust.entries] == [1]
        with pytest.raises(TrustError):
            TrustList.from_bytes(answer.trust_list, province.root_public())
        # the old root file no longer works for this database
        rc, _out, err = province.keys(
            "issue-commune", "--commune", str(OTHER), "--root-key", str(province.pem), "--passphrase-file",
            str(province.passfile),
        )  # fmt: skip
        assert rc == 2 and "not the root key" in err
        assert new_root.issue(OTHER) == 2
    finally:
        server.close()
