"""The example deployment files in deploy/ (docs/DEPLOY.md) are true to the code: the environment file names
exactly the variables the server reads, with its defaults; the systemd units' commands parse with the real
``dlso-server`` parser; nginx lets through the bodies the server accepts and hands it the client's address;
the backup script is valid shell and really makes restorable dumps, keeps N days and keeps the server secret
apart."""

from __future__ import annotations

import ast
import inspect
import os
import re
import shlex
import shutil
import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sync.server import admin, app, cli, limits

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ENV_FILE = DEPLOY / "dlso-server.env"
UNIT = DEPLOY / "dlso-server.service"
NGINX = DEPLOY / "nginx-dlso.conf"
BACKUP = DEPLOY / "dlso-backup.sh"
SCRIPTS = (BACKUP, DEPLOY / "dlso-admin")
UNITS = ("dlso-server.service", "dlso-backup.service", "dlso-backup.timer", "dlso-snapshots.service",
         "dlso-snapshots.timer")  # fmt: skip
_VAR = re.compile(r"DLSO_[A-Z0-9_]+")


def variables_the_server_reads() -> set[str]:
    """Every ``DLSO_*`` name written as a string in the server's code, plus ``DLSO_LANG`` (dlso-server's
    messages come from dlso_desktop.cli.msg)."""
    found: set[str] = set()
    for path in (ROOT / "sync" / "server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _VAR.fullmatch(node.value):
                found.add(node.value)
    from dlso_desktop import cli as laptop_cli

    assert "DLSO_LANG" in inspect.getsource(laptop_cli.english)
    return found | {"DLSO_LANG"}


def env_entries() -> dict[str, tuple[str, bool]]:
    """name -> (value, set): the file's ``NAME=value`` lines, ``#NAME=value`` ones (a documented default) too."""
    out: dict[str, tuple[str, bool]] = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"(#?)(DLSO_[A-Z0-9_]+)=(\S*)", line.strip())
        if m:
            assert m.group(2) not in out, f"{m.group(2)} twice in {ENV_FILE.name}"
            out[m.group(2)] = (m.group(3), not m.group(1))
    return out


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's ``Key=value`` lines (every value of a repeated key)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_every_deploy_file_is_described_in_deploy_md() -> None:
    text = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    for path in DEPLOY.iterdir():
        timer_row = path.suffix == ".timer" and f"`{path.stem}.service`, `.timer`" in text
        assert f"`{path.name}`" in text or timer_row, f"docs/DEPLOY.md does not describe deploy/{path.name}"


def test_the_env_file_names_exactly_the_variables_the_server_reads() -> None:
    read = variables_the_server_reads()
    assert {"DLSO_SERVER_DATABASE_URL", "DLSO_SERVER_SECRET_FILE", "DLSO_SERVER_TRUSTED_PROXIES"} <= read
    assert set(env_entries()) == read


def test_the_env_file_documents_the_real_defaults_and_they_parse() -> None:
    entries = env_entries()
    values = {k: v for k, (v, _set) in entries.items()}
    assert values["DLSO_SERVER_RATE_ENROLL"] == limits.DEFAULT_ENROLL
    assert values["DLSO_SERVER_RATE_ENROLL_FAILURES"] == limits.DEFAULT_ENROLL_FAILURES
    assert values["DLSO_SERVER_RATE_PUBLIC"] == limits.DEFAULT_PUBLIC
    assert values["DLSO_SERVER_MAX_CONCURRENT"] == str(app.MAX_CONCURRENT["postgresql"])
    assert float(values["DLSO_SERVER_ENROLLMENT_CODE_HOURS"]) * 3600 == admin.CODE_LIFETIME.total_seconds()
    # every value, the commented defaults included, is one the server takes
    config = limits.Config.from_env(values)
    assert config.enabled and config.trusted_proxies == ()
    assert limits.Config.from_env({"DLSO_SERVER_TRUSTED_PROXIES": "10.0.0.5,10.0.0.0/24"}).trusted_proxies
    # what is set (not commented) is what production needs
    assert {k for k, (_v, is_set) in entries.items() if is_set} == {
        "DLSO_SERVER_DATABASE_URL",
        "DLSO_SERVER_SNAPSHOT_DIR",
        "DLSO_SERVER_SECRET_FILE",
    }
    from sqlalchemy.engine import make_url

    from sync.server.db import database_url

    url = make_url(database_url(values["DLSO_SERVER_DATABASE_URL"]))
    assert url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg"
    assert url.database == "dlso" and url.username == "dlso"


def test_the_units_run_real_dlso_server_commands_with_the_env_file() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["dlso-server"] == "sync.server.cli:main"
    env = {k: v for k, (v, is_set) in env_entries().items() if is_set}
    parser = cli.build_parser()

    server = unit("dlso-server.service")
    argv = shlex.split(server["ExecStart"][0])
    assert argv[0] == "/opt/dlso/bin/dlso-server"
    args = parser.parse_args(argv[1:])
    assert args.command == "serve" and args.host == "127.0.0.1" and args.workers > 1
    assert server["User"] == ["dlso"] and server["Restart"] == ["on-failure"]
    assert server["EnvironmentFile"] == ["/etc/dlso/dlso-server.env"]
    assert server["ProtectSystem"] == ["strict"] and server["NoNewPrivileges"] == ["yes"]
    assert env["DLSO_SERVER_SNAPSHOT_DIR"] in server["ReadWritePaths"]
    # the nginx upstream is where the server listens
    assert f"server {args.host}:{args.port};" in NGINX.read_text(encoding="utf-8")

    snapshots = unit("dlso-snapshots.service")
    args = parser.parse_args(shlex.split(snapshots["ExecStart"][0])[1:])
    assert (args.command, args.admin_command, args.snapshots_command) == ("admin", "snapshots", "build")
    assert env["DLSO_SERVER_SNAPSHOT_DIR"] in snapshots["ReadWritePaths"]

    backup = unit("dlso-backup.service")
    assert backup["ExecStart"] == ["/opt/dlso/bin/dlso-backup"] and backup["User"] == ["dlso"]
    backup_dir = next(e.split("=", 1)[1] for e in backup["Environment"] if e.startswith("DLSO_BACKUP_DIR="))
    assert backup["ReadWritePaths"] == [backup_dir]
    for timer in ("dlso-backup.timer", "dlso-snapshots.timer"):
        assert unit(timer)["Persistent"] == ["true"] and unit(timer)["OnCalendar"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_finds_nothing_wrong_in_the_units(tmp_path: Path) -> None:
    for name in UNITS:
        shutil.copy(DEPLOY / name, tmp_path / name)
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "/opt/dlso/bin/" not in line  # not installed here
    ]
    assert problems == []


def _nginx_size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    assert m, text
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


def test_nginx_lets_through_what_the_server_accepts_and_passes_the_client_address() -> None:
    text = NGINX.read_text(encoding="utf-8")
    directives = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    sizes = [_nginx_size(d.split()[1].rstrip(";")) for d in directives if d.startswith("client_max_body_size")]
    assert sizes and min(sizes) >= app.MAX_BODY_BYTES
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in directives  # replaced, never appended to
    assert not any("$proxy_add_x_forwarded_for" in d for d in directives)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in directives
    protocols = next(d for d in directives if d.startswith("ssl_protocols")).rstrip(";").split()[1:]
    assert protocols and set(protocols) <= {"TLSv1.2", "TLSv1.3"}
    assert "return 301 https://$host$request_uri;" in directives
    for location in ("location /sync/v1/ {", "location /v/ {", "location = /sync/v1/snapshot {"):
        assert location in directives
    assert sum(d.startswith("proxy_pass http://dlso_server;") for d in directives) == 3


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_scripts_are_valid_shell(script: Path) -> None:
    assert os.access(script, os.X_OK), f"{script.name} is not executable"
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=60)
    if shutil.which("shellcheck"):
        done = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stdout


# ---------------------------------------------------------------------------------------------------------
# The backup script, for real, against a PostgreSQL cluster


def run_backup(cluster: Any, name: str, backups: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    from sync.server.pgcluster import bin_dir

    pg_bin = bin_dir()
    assert pg_bin is not None
    env = {
        **os.environ,
        "PATH": f"{pg_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "DLSO_BACKUP_DIR": str(backups),
        "DLSO_BACKUP_DATABASE": f"host=127.0.0.1 port={cluster.port} user=postgres dbname={name}",
        "DLSO_BACKUP_KEEP_DAYS": "14",
        **extra,
    }
    return subprocess.run(["bash", str(BACKUP)], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_backup_script_makes_a_restorable_dump_keeps_n_days_and_the_secret_apart(
    pg_cluster: Any, tmp_path: Path
) -> None:
    import uuid

    from sqlalchemy import text

    from sync.server.db import make_engine, migrate

    name = f"dlso_backup_{uuid.uuid4().hex[:12]}"
    restored = f"dlso_restored_{uuid.uuid4().hex[:12]}"
    engine = make_engine(pg_cluster.create_database(name))
    try:
        migrate(engine)
        with engine.begin() as conn:
            issued = admin.create_enrollment_code(conn, 24133)
        backups = tmp_path / "backups"
        backups.mkdir()
        old = backups / "dlso-20200101-013000.dump"
        old.write_bytes(b"an old dump")
        month_ago = time.time() - 30 * 86400
        os.utime(old, (month_ago, month_ago))
        recent = backups / "dlso-20991231-013000.dump"  # within the 14 days: kept
        recent.write_bytes(b"a recent dump")
        secret = tmp_path / "etc" / "server-secret.key"
        secret.parent.mkdir()
        secret.write_bytes(os.urandom(32))
        secret.chmod(0o600)
        apart = tmp_path / "other-disk"

        done = run_backup(
            pg_cluster, name, backups, DLSO_SERVER_SECRET_FILE=str(secret), DLSO_SECRET_BACKUP_DIR=str(apart)
        )
        assert done.returncode == 0, done.stderr
        dumps = sorted(p.name for p in backups.iterdir())
        assert old.name not in dumps and recent.name in dumps and len(dumps) == 2
        made = next(p for p in backups.iterdir() if p != recent)
        assert re.fullmatch(r"dlso-\d{8}-\d{6}\.dump", made.name) and made.stat().st_mode & 0o077 == 0
        assert not list(backups.glob("*.partial")) and not list(backups.glob("*secret*"))
        assert (apart / "server-secret.key").read_bytes() == secret.read_bytes()

        # the dump restores into a fresh database, as docs/DEPLOY.md does it
        pg_cluster.restore(made, restored)
        check = make_engine(pg_cluster.url(restored))
        try:
            with check.connect() as conn:
                codes = conn.execute(text("SELECT commune_code FROM enrollment_code")).scalars().all()
        finally:
            check.dispose()
        assert codes == [issued.commune_code]

        # the secret's copy never goes beside the dumps; a database that is not there fails the backup
        inside = run_backup(
            pg_cluster, name, backups, DLSO_SERVER_SECRET_FILE=str(secret), DLSO_SECRET_BACKUP_DIR=str(backups / "s")
        )
        assert inside.returncode == 2 and "must not be inside" in inside.stderr
        missing = run_backup(pg_cluster, "dlso_no_such_database", backups)
        assert missing.returncode != 0
        assert not list(backups.glob("*.partial"))
    finally:
        engine.dispose()
        pg_cluster.drop_database(name)
        pg_cluster.drop_database(restored)
