"""`dlso-server`: admin commands in-process (on SQLite and PostgreSQL), bad arguments, the QR image, and
`serve` as a real process on a free loopback port, synced with by a laptop over real HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import inspect, text
from sync_support import AppTransport, Laptop, Server, family

from dlso_desktop.storage.store import create_database
from sync import engine as sync_engine
from sync import local
from sync import protocol as P
from sync.server import admin
from sync.server.cli import main, qr_payload
from sync.server.db import make_engine, migrate

COMMUNE = 24133
OTHER_COMMUNE = 24235
REPO = Path(__file__).resolve().parents[1]
CODE_RE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def issue_code(capsys: pytest.CaptureFixture[str], url: str, commune: int = COMMUNE) -> dict[str, Any]:
    rc, out, err = run(capsys, "admin", "enrollment-code", "--commune", str(commune), "--database-url", url, "--json")
    assert rc == 0, err
    issued: dict[str, Any] = json.loads(out)
    return issued


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                for t in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def test_enrollment_code_is_printed_and_enrolls_a_laptop(
    capsys: pytest.CaptureFixture[str], server_url: str, tmp_path: Path
) -> None:
    rc, out, err = run(capsys, "admin", "enrollment-code", "--commune", str(COMMUNE), "--database-url", server_url)
    assert rc == 0, err
    lines = out.splitlines()
    code = lines[0].rsplit(" ", 1)[1]
    assert CODE_RE.match(code), out
    assert "Phường Buôn Ma Thuột (24133)" in lines[1]
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", lines[2])

    server = Server(server_url)
    laptop = Laptop(tmp_path / "laptop.sqlite", COMMUNE, server)
    try:
        answer = sync_engine.enroll(laptop.db, "http://testserver", code, transport=AppTransport(server))
        assert answer.commune_name == "Phường Buôn Ma Thuột"
        assert local.get_meta(laptop.db, local.TOKEN) == answer.token
    finally:
        laptop.close()
        server.close()

    # the English output, and JSON
    os.environ["DLSO_LANG"] = "en"
    try:
        rc, out, _ = run(capsys, "admin", "enrollment-code", "--commune", "24133", "--database-url", server_url)
    finally:
        del os.environ["DLSO_LANG"]
    assert rc == 0 and out.startswith("Enrollment code (single use): ") and "Expires: " in out
    issued = issue_code(capsys, server_url)
    assert CODE_RE.match(issued["code"]) and issued["commune_code"] == COMMUNE and issued["qr"] is None


def _png_grey(path: Path) -> list[list[int]]:
    """Decode the greyscale, 8-bit, filter-0 PNG the CLI writes (checking its structure on the way)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 0)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width + 1
    assert len(raw) == stride * height
    rows = []
    for y in range(height):
        assert raw[y * stride] == 0
        rows.append(list(raw[y * stride + 1 : (y + 1) * stride]))
    return rows


def test_the_qr_image_holds_the_code_and_server(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import qrcode  # type: ignore[import-untyped]

    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    png = tmp_path / "code.png"
    rc, out, err = run(
        capsys,
        "admin",
        "enrollment-code",
        "--commune",
        str(COMMUNE),
        "--database-url",
        url,
        "--qr",
        str(png),
        "--server",
        "http://10.0.0.5:8000",
    )
    assert rc == 0, err
    code = out.splitlines()[0].rsplit(" ", 1)[1]
    assert str(png) in out
    payload = qr_payload(code, "http://10.0.0.5:8000")
    assert json.loads(payload) == {"server": "http://10.0.0.5:8000", "code": code}

    # the image, sampled at the centre of each module, is exactly the QR matrix of that payload
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    pixels = _png_grey(png)
    scale = len(pixels) // len(matrix)
    assert scale >= 4 and len(pixels) == len(matrix) * scale == len(pixels[0])
    sampled = [
        [pixels[y * scale + scale // 2][x * scale + scale // 2] == 0 for x in range(len(matrix))]
        for y in range(len(matrix))
    ]
    assert sampled == matrix
    assert {v for row in pixels for v in row} == {0, 255}

    # without --server the image holds the code alone
    assert json.loads(qr_payload(code)) == {"code": code}


def test_devices_list_revoke_and_stats(capsys: pytest.CaptureFixture[str], server_url: str, tmp_path: Path) -> None:
    server = Server(server_url)
    laptop = Laptop(tmp_path / "laptop.sqlite", COMMUNE, server, "máy xã 1")
    try:
        laptop.enroll()
        village = laptop.services.villages.create("Buôn Kô Tam", "buon")
        laptop.services.households.create(family(village.id))
        assert laptop.sync().applied > 0
        device_id = laptop.db.device_id

        rc, out, err = run(capsys, "admin", "devices", "list", "--database-url", server_url)
        assert rc == 0, err
        assert out.startswith("ID ") and device_id in out and "24133" in out
        rc, out, _ = run(capsys, "admin", "devices", "list", "--database-url", server_url, "--json")
        listed = json.loads(out)
        assert [(d["id"], d["commune_code"], d["revoked_at"]) for d in listed] == [(device_id, COMMUNE, None)]
        assert listed[0]["last_op_id"] == local_ops(laptop.db) > 0
        rc, out, _ = run(
            capsys, "admin", "devices", "list", "--commune", str(OTHER_COMMUNE), "--database-url", server_url, "--json"
        )
        assert rc == 0 and json.loads(out) == []

        rc, out, _ = run(capsys, "admin", "stats", "--database-url", server_url)
        stats = json.loads(out)
        assert stats["devices"] == 1 and stats["revoked_devices"] == 0
        assert stats["ops_received"] == listed[0]["last_op_id"]
        assert stats["communes"][str(COMMUNE)]["household"] == 1
        assert stats["communes"][str(COMMUNE)]["person"] == 2

        rc, out, err = run(capsys, "admin", "devices", "revoke", device_id, "--database-url", server_url)
        assert rc == 0, err
        assert device_id in out
        refused = server.client.get(
            f"{P.PREFIX}/state", headers={"Authorization": f"Bearer {local.get_meta(laptop.db, local.TOKEN)}"}
        )
        assert refused.status_code == 403 and refused.json()["error"] == "revoked"
        rc, out, _ = run(capsys, "admin", "stats", "--database-url", server_url)
        assert json.loads(out)["revoked_devices"] == 1
        rc, out, _ = run(capsys, "admin", "devices", "list", "--database-url", server_url, "--json")
        assert json.loads(out)[0]["revoked_at"] is not None
    finally:
        laptop.close()
        server.close()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["admin", "enrollment-code"], "--commune"),
        (["admin", "enrollment-code", "--commune", "abc"], "abc"),
        (["admin", "enrollment-code", "--commune", "99999"], "99999 is not in Đắk Lắk"),
        (["admin", "enrollment-code", "--commune", "24133", "--qr", "code.txt"], ".png"),
        (["admin", "enrollment-code", "--commune", "24133", "--qr", "no/such/dir/code.png"], "no/such/dir"),
        (["admin", "enrollment-code", "--commune", "24133", "--server", "10.0.0.5"], "http://"),
        (["admin", "devices", "revoke", "no-such-device"], "no-such-device"),
        (["admin", "devices", "revoke"], "ID"),
        (["admin", "devices", "list", "--commune", "1"], "not in Đắk Lắk"),
        (["admin", "devices"], "list,revoke"),
        (["admin"], "enrollment-code"),
        (["admin", "stats", "--bogus"], "--bogus"),
        (["serve", "--port", "70000"], "70000"),
        (["serve", "--port", "http"], "http"),
        (["launch"], "launch"),
        ([], "serve,admin"),
    ],
)
def test_bad_arguments_exit_2_with_a_message_and_change_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], says: str
) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        admin.create_enrollment_code(conn, COMMUNE)
    engine.dispose()
    before = dump(url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLSO_SERVER_DATABASE_URL", url)
    monkeypatch.setenv("DLSO_LANG", "en")
    rc, out, err = run(capsys, *argv)
    assert rc == 2
    assert err.startswith("dlso-server: ") and says in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""
    assert dump(url) == before
    assert not list(tmp_path.glob("*.png")) and not (tmp_path / "server-data").exists()


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--help")
    assert rc == 0 and "serve" in out and "admin" in out
    rc, out, _ = run(capsys, "admin", "enrollment-code", "--help")
    assert rc == 0 and "--qr" in out and "--database-url" in out


def test_an_unreachable_database_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    rc, _, err = run(capsys, "admin", "stats", "--database-url", f"postgresql://nobody@127.0.0.1:{port}/none")
    assert rc == 1
    assert "database error" in err or "lỗi cơ sở dữ liệu" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_as_a_real_process_and_a_laptop_syncs_with_it(
    capsys: pytest.CaptureFixture[str], server_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "DLSO_SERVER_DATABASE_URL"}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            server_url,
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                answer = requests.get(f"{base}{P.PREFIX}/time", timeout=2)
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
                continue
            break
        assert answer.status_code == 200
        assert P.TimeResponse.model_validate(answer.json()).api_version == P.API_VERSION

        # an operator issues a code while the server runs; a laptop enrolls and syncs over real HTTP (requests,
        # gzip bodies, the real transport)
        code = issue_code(capsys, server_url)["code"]
        db = create_database(tmp_path / "laptop.sqlite", COMMUNE)
        try:
            enrolled = sync_engine.enroll(db, base, code)
            assert enrolled.commune_code == COMMUNE
            from dlso_desktop.services import Services

            with db.unit_of_work(None) as uow:
                user = uow.insert("app_user", {"display_name": "Cán bộ xã", "role": "commune_operator"})
                uow.commit()
            services = Services(db, user_id=str(user["id"]))
            village = services.villages.create("Buôn Kô Tam", "buon")
            services.households.create_many([family(village.id, head=f"Y Hộ {i}") for i in range(30)])
            transport = sync_engine.transport_for(db)
            try:
                result = sync_engine.SyncEngine(db, transport).run_round()
            finally:
                transport.close()
            assert result.rejected == 0 and result.conflict == 0
            assert result.applied == local_ops(db)
            verify = requests.get(
                f"{base}{P.PREFIX}/verify",
                headers={"Authorization": f"Bearer {local.get_meta(db, local.TOKEN)}"},
                timeout=10,
            ).json()
            assert {t: (d["count"], d["digest"]) for t, d in verify["tables"].items()} == local.local_digests(db)
            assert verify["tables"]["household"]["count"] == 30
        finally:
            db.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    # SIGTERM (a service manager's stop) is a clean shutdown with exit code 0
    served = (tmp_path / "serve.log").read_text()
    assert proc.returncode == 0, served
    assert "Finished server process" in served and "Traceback" not in served


def local_ops(db: Any) -> int:
    with db.reader() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one())


def test_prune_tombstones_refuses_less_than_the_retention_and_purges_old_deletes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'srv.sqlite'}"
    assert main(["admin", "prune-tombstones", "--older-than-days", "30", "--database-url", url]) == 2
    assert "180" in capsys.readouterr().err
    assert main(["admin", "prune-tombstones", "--database-url", url]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["purged"] == {}  # nothing deleted yet on an empty server


def test_a_mistyped_rate_limit_stops_serve_with_a_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DLSO_SERVER_RATE_ENROLL", "ten per minute")
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    rc, _out, err = run(capsys, "serve", "--database-url", url, "--port", "1")
    assert rc != 0
    assert "Traceback" not in err
    assert "Giới hạn tần suất không hợp lệ" in err and "ten per minute" in err
    assert not (tmp_path / "server.sqlite").exists()  # refused before anything was made


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_logs_the_servers_own_messages_with_uvicorns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: str
) -> None:
    """``serve`` hands uvicorn a logging set-up that includes the ``dlso`` loggers at INFO: a snapshot built or
    a revocation list signed reaches the journal, not only warnings."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **kwargs: calls.append(kwargs))
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    assert run(capsys, "serve", "--database-url", url, "--port", str(_free_port()), "--workers", workers)[0] == 0
    (kwargs,) = calls
    assert kwargs["log_config"]["loggers"]["dlso"] == {"handlers": ["default"], "level": "INFO", "propagate": False}

    # that set-up, applied as uvicorn applies it, prints an INFO line of the server's
    script = (
        "import logging, logging.config\n"
        "from sync.server.cli import log_config\n"
        "logging.config.dictConfig(log_config())\n"
        "logging.getLogger('dlso.server.snapshot').info('snapshot of commune %s built', 24133)\n"
        "logging.getLogger('dlso.server.snapshot').debug('not shown')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=60, check=True)
    printed = done.stderr.decode()
    assert "INFO" in printed and "snapshot of commune 24133 built" in printed and "not shown" not in printed
