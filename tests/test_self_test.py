"""``--self-test`` against a real provincial server (issue 7): from the source tree always, and from the built
executable when ``DLSO_DIST_EXE`` names it (CI builds it with ``make dist`` first and sets it; with CI=true the
built app must be there). The server runs as a subprocess on 127.0.0.1 with a provincial root and a commune key,
so the self-test issues a certificate signed for real, reads its QR code back from the PDF and finds it valid.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_sync_processes import ROOT, LiveServer

from sync.server import certs
from sync.server.cli import main as server_cli

COMMUNE = 24133
PASSPHRASE = "một câu mật khẩu đủ dài cho khóa gốc"


@pytest.fixture
def signing_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A live server whose commune 24133 has a signing key (the key ceremony of docs/DEPLOY.md, section 8)."""
    monkeypatch.setenv(certs.ENV_SECRET, str(tmp_path / "server-secret.key"))
    server = LiveServer(tmp_path / "server.sqlite")
    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", "utf-8")
    usb = tmp_path / "usb"
    common = ["--database-url", server.url_db]
    init = ["admin", "keys", "init-root", "--out", str(usb), "--passphrase-file", str(passfile)]
    assert server_cli([*init, *common]) == 0
    issue = ["admin", "keys", "issue-commune", "--commune", str(COMMUNE), "--root-key", str(usb / "root-key.pem")]
    assert server_cli([*issue, "--passphrase-file", str(passfile), *common]) == 0
    server.start()  # inherits the server secret: it hands the commune key to enrolled laptops
    yield server
    server.kill()


def _self_test(command: list[str], server: LiveServer, tmp_path: Path) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DLSO_DATA_DIR": str(tmp_path / "never-used")}
    done = subprocess.run(
        [*command, "--self-test", "--self-test-server", server.base, "--self-test-code", server.code()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "never-used").exists()  # everything in a temporary folder
    return done.stdout


def _assert_everything_ran(out: str, server: LiveServer) -> None:
    assert "self-test OK" in out
    for part in ("encrypted database", "search", "sync (", "certificate (valid)", "main window"):
        assert part in out, out
    # the laptop's household, person, session, attendance and certificate reached the server
    tables = {str(t) for (t,) in server.query("SELECT DISTINCT table_name FROM record")}
    assert {"household", "person", "training_session", "attendance", "certificate"} <= tables, tables


def test_the_self_test_from_the_source_tree(signing_server: LiveServer, tmp_path: Path) -> None:
    out = _self_test([sys.executable, str(ROOT / "main.py")], signing_server, tmp_path)
    _assert_everything_ran(out, signing_server)


def test_the_self_test_of_the_built_app(signing_server: LiveServer, tmp_path: Path) -> None:
    exe = os.environ.get("DLSO_DIST_EXE")
    if not exe:
        if os.environ.get("CI") == "true":
            pytest.fail("CI builds the app first (make dist) and names it in DLSO_DIST_EXE: .ci/run")
        pytest.skip("no built app (make dist, then DLSO_DIST_EXE=dist/DLSO-<version>/DLSO)")
    bundle = Path(exe).resolve().parent
    before = _manifest(bundle)
    out = _self_test([str(Path(exe).resolve())], signing_server, tmp_path)
    _assert_everything_ran(out, signing_server)
    assert _manifest(bundle) == before  # nothing written next to the executable or inside the bundle


def _manifest(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``: (size, modification time in ns)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


WITHOUT_STREAMS = """
import sys
sys.stdout = None  # as in the packaged Windows app, a windowed program
sys.stderr = None
sys.path.insert(0, {root!r})
import main
try:
    code = main.main({argv!r})
except SystemExit as exc:
    code = exc.code
with open({result!r}, "w") as f:
    f.write(str(code))
"""


@pytest.mark.parametrize(("argv", "expected"), [(["--self-test"], "0"), (["--no-such-option"], "2")])
def test_a_windowed_build_without_standard_streams_still_runs(tmp_path: Path, argv: list[str], expected: str) -> None:
    """The packaged Windows app starts with no stdout or stderr: the self-test (and a wrong option's message)
    must still run to its exit code instead of failing on the first write."""
    result = tmp_path / "exit-code"
    script = WITHOUT_STREAMS.format(root=str(ROOT), argv=argv, result=str(result))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DLSO_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=300, check=False)
    assert result.read_text() == expected, done.stderr.decode(errors="replace")[-2000:]
    assert done.stdout == b""  # Python's writes went nowhere, quietly (Qt's own messages still reach fd 2)
