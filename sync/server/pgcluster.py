"""A throwaway PostgreSQL cluster for tests, benches and ``make server-pg``.

``PgCluster(base_dir).start()`` runs ``initdb`` and ``pg_ctl start`` from Debian's packages
(``/usr/lib/postgresql/*/bin``, the newest version found) on a free port of 127.0.0.1, with its data, log and
unix socket inside ``base_dir``. Authentication is ``trust``: the cluster listens on loopback only and lives as
long as the test session or bench that started it. PostgreSQL refuses to run as root, so when the caller is
root the binaries run as the ``postgres`` user (``runuser -u postgres --``) and ``base_dir`` is handed to that
user; every directory above ``base_dir`` must then be traversable by it (``tempfile.mkdtemp()`` under /tmp is).

By default the cluster trades durability for speed (``fsync``, ``synchronous_commit`` and
``full_page_writes`` off), which is right for tests; pass ``durable=True`` to measure real commit costs.

The server never outlives its owner: :meth:`stop` (also on ``with``-exit and at interpreter exit) stops it
with ``pg_ctl stop -m immediate``, and a small watchdog process stops it when the owner dies without
cleaning up (SIGKILL included): the watchdog reads a pipe from the owner and acts when that pipe closes.
"""

from __future__ import annotations

import atexit
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
#: PostgreSQL's superuser in the throwaway cluster (trust authentication, loopback only).
SUPERUSER = "postgres"
#: A unix socket path longer than this does not fit in sockaddr_un (108 bytes, with ``/.s.PGSQL.NNNNN``).
_MAX_SOCKET_DIR = 90

# Runs in its own session: waits until the owner's pipe closes (the owner exited or was killed), then stops
# the cluster. argv[1] is the JSON list of the stop command.
_WATCHDOG = """
import json, subprocess, sys
sys.stdin.buffer.read()
subprocess.run(json.loads(sys.argv[1]), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL, timeout=60, check=False)
"""


class PgClusterError(RuntimeError):
    pass


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name
    return tuple(int(p) for p in re.findall(r"\d+", version)) or (0,)


def bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has initdb, pg_ctl and postgres (None: not
    installed). Its client tools (``pg_dump``, ``pg_restore``, ``createdb``, ``psql``) are the ones to use with
    a cluster of that version."""
    for candidate in sorted(glob.glob(_BIN_GLOB), key=_version_key, reverse=True):
        d = Path(candidate)
        if all(os.access(d / exe, os.X_OK) for exe in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    def __init__(self, base_dir: Path, *, durable: bool = False) -> None:
        self.base_dir = Path(base_dir).absolute()
        self.durable = durable
        self.data_dir = self.base_dir / "data"
        self.log_file = self.base_dir / "postgres.log"
        self.socket_dir = self.base_dir / "sock"
        self.port: int | None = None
        self._bin: Path | None = None
        self._as_postgres = os.geteuid() == 0
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._own_socket_dir: Path | None = None

    # --------------------------------------------------------------------------------------------------
    @staticmethod
    def available() -> bool:
        """True when PostgreSQL's server binaries are installed (Debian: the ``postgresql`` package)."""
        return bin_dir() is not None

    @property
    def running(self) -> bool:
        return self.port is not None

    def _cmd(self, exe: str, *args: str) -> list[str]:
        assert self._bin is not None
        cmd = [str(self._bin / exe), *args]
        return ["runuser", "-u", SUPERUSER, "--", *cmd] if self._as_postgres else cmd

    def _run(self, exe: str, *args: str, timeout: float = 120) -> None:
        try:
            done = subprocess.run(
                self._cmd(exe, *args),
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PgClusterError(f"{exe} did not finish in {timeout:.0f} s") from exc
        if done.returncode != 0:
            log = self._log_tail()
            raise PgClusterError(
                f"{exe} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()}"
                + (f"\n--- {self.log_file} ---\n{log}" if log else "")
            )

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --------------------------------------------------------------------------------------------------
    def start(self) -> None:
        """initdb (once) and start on a free loopback port; returns when the server accepts connections."""
        if self.running:
            return
        self._bin = bin_dir()
        if self._bin is None:
            raise PgClusterError(f"PostgreSQL is not installed (no initdb under {_BIN_GLOB}); apt install postgresql")
        self.base_dir.mkdir(parents=True, exist_ok=True)
        socket_dir = self.socket_dir
        if len(str(socket_dir)) > _MAX_SOCKET_DIR:  # too long for a unix socket path: a short one in /tmp
            self._own_socket_dir = Path(tempfile.mkdtemp(prefix="dlso-pgs-"))
            socket_dir = self._own_socket_dir
        socket_dir.mkdir(exist_ok=True)
        if self._as_postgres:
            self._hand_to_postgres([self.base_dir, socket_dir])
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            )
        options = [f"-k {socket_dir}", "-c listen_addresses=127.0.0.1", "-c max_connections=200"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        last: PgClusterError | None = None
        for _attempt in range(5):  # the free port may be taken between the probe and the start
            port = _free_port()
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    " ".join([f"-p {port}", *options]),
                )
            except PgClusterError as exc:
                last = exc
                if "could not bind" in str(exc) or "Address already in use" in str(exc):
                    continue
                raise
            self.port = port
            break
        else:
            assert last is not None
            raise last
        self._start_watchdog()
        atexit.register(self.stop)

    def _hand_to_postgres(self, dirs: list[Path]) -> None:
        shutil.chown(self.base_dir, SUPERUSER, SUPERUSER)
        for d in dirs:
            for root, subdirs, files in os.walk(d):
                shutil.chown(root, SUPERUSER, SUPERUSER)
                for name in subdirs + files:
                    shutil.chown(os.path.join(root, name), SUPERUSER, SUPERUSER)
        probe = subprocess.run(
            ["runuser", "-u", SUPERUSER, "--", "test", "-w", str(self.base_dir)], check=False, timeout=30
        )
        if probe.returncode != 0:
            raise PgClusterError(
                f"the {SUPERUSER} user cannot write {self.base_dir}: a directory above it is closed to that user;"
                " use a directory made with tempfile.mkdtemp() under /tmp"
            )

    def _start_watchdog(self) -> None:
        stop = self._cmd("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w", "-t", "30")
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps(stop)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.base_dir,
            start_new_session=True,  # survives a kill of the owner's process group long enough to act
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``pg_ctl stop -m immediate`` by default: at once; ``"fast"`` checkpoints first, for a
        cluster that is kept); the data stays in base_dir."""
        if not self.running:
            return
        if mode not in ("immediate", "fast", "smart"):
            raise ValueError(f"pg_ctl stop mode {mode!r}")
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60")
        finally:
            self.port = None
            atexit.unregister(self.stop)
            watchdog, self._watchdog = self._watchdog, None
            if watchdog is not None:
                watchdog.kill()  # its job is done; closing its pipe instead would run a second stop
                watchdog.wait(timeout=10)
                if watchdog.stdin is not None:
                    watchdog.stdin.close()
            if self._own_socket_dir is not None:
                shutil.rmtree(self._own_socket_dir, ignore_errors=True)
                self._own_socket_dir = None

    # --------------------------------------------------------------------------------------------------
    def _admin_conninfo(self) -> str:
        if self.port is None:
            raise PgClusterError("the cluster is not running")
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres connect_timeout=10"

    def url(self, name: str) -> str:
        """The SQLAlchemy URL (psycopg 3) of database ``name`` in this cluster."""
        if self.port is None:
            raise PgClusterError("the cluster is not running")
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """Create an empty database (lower-case letters, digits, ``_``) and return its SQLAlchemy URL."""
        if not _NAME.match(name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _ (at most 63)")
        with psycopg.connect(self._admin_conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing its open connections first (PostgreSQL 13+)."""
        with psycopg.connect(self._admin_conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # --------------------------------------------------------------------------------------------------
    # Backups, as docs/DEPLOY.md does them: ``pg_dump -Fc`` and ``createdb`` + ``pg_restore`` into a fresh
    # database. These are client programs: they connect over TCP like any client (and may run as root).

    def _client(self, exe: str, *args: str, timeout: float = 600) -> None:
        if self.port is None or self._bin is None:
            raise PgClusterError("the cluster is not running")
        conn = ["-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER]
        try:
            done = subprocess.run(
                [str(self._bin / exe), *conn, *args],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
            )
        except subprocess.TimeoutExpired as exc:
            raise PgClusterError(f"{exe} did not finish in {timeout:.0f} s") from exc
        if done.returncode != 0:
            raise PgClusterError(f"{exe} failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()}")

    def dump(self, name: str, dest: Path) -> None:
        """``pg_dump -Fc`` of database ``name`` into the file ``dest`` (PostgreSQL's compressed custom format)."""
        self._client("pg_dump", "-Fc", "-d", name, "-f", str(dest))

    def restore(self, dump: Path, name: str) -> str:
        """A new database ``name`` (``createdb -T template0``) filled from ``dump`` with ``pg_restore`` in one
        transaction that stops at the first error; returns its SQLAlchemy URL."""
        if not _NAME.match(name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _ (at most 63)")
        self._client("createdb", "-T", "template0", "-E", "UTF8", name)
        self._client("pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "-d", name, str(dump))
        return self.url(name)

    # --------------------------------------------------------------------------------------------------
    def __enter__(self) -> PgCluster:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m sync.server.pgcluster [--port 8000] [--workers N] [--dir DIR]``: the sync server
    (``dlso-server serve``) on a PostgreSQL cluster of its own, to try the production setting on one machine
    (what ``make server-pg`` runs). The database is ``dlso``; the snapshots and the server secret live in the
    cluster's folder too (unless $DLSO_SERVER_SNAPSHOT_DIR / $DLSO_SERVER_SECRET_FILE name others), so nothing
    of a throwaway cluster outlives it. Ctrl+C (or SIGTERM) stops the server, then the cluster, which is deleted
    unless ``--dir`` named it (then it is kept, durable, and used again by the next run)."""
    import argparse

    from sync.server import certs, cli, snapshot
    from sync.server.db import ENV_URL

    parser = argparse.ArgumentParser(prog="python -m sync.server.pgcluster", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default="1", help="uvicorn worker processes (default 1)")
    parser.add_argument("--dir", type=Path, help="keep the cluster here (default: a temporary folder, deleted)")
    args = parser.parse_args(argv)
    if not PgCluster.available():
        sys.stderr.write(f"PostgreSQL is not installed (no initdb under {_BIN_GLOB}); apt install postgresql\n")
        return 1
    # SIGTERM like Ctrl+C: `serve` stops gracefully, then the cluster is stopped below
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(0))
    base = (args.dir or Path(tempfile.mkdtemp(prefix="dlso-pg-", dir="/tmp"))).absolute()
    os.environ.setdefault(snapshot.ENV_DIR, str(base / "snapshots"))
    os.environ.setdefault(certs.ENV_SECRET, str(base / "secret" / certs.SECRET_FILE))
    cluster = PgCluster(base, durable=args.dir is not None)
    try:
        cluster.start()
        with psycopg.connect(cluster._admin_conninfo(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'dlso'").fetchone()
        url = cluster.url("dlso") if exists else cluster.create_database("dlso")
        sys.stdout.write(
            f"PostgreSQL {cluster._bin.parent.name if cluster._bin else ''} in {base}, port {cluster.port}."
            " Admin commands from another terminal:\n"
            f"  export {ENV_URL}={url} {snapshot.ENV_DIR}={os.environ[snapshot.ENV_DIR]}"
            f" {certs.ENV_SECRET}={os.environ[certs.ENV_SECRET]}\n"
            "  dlso-server admin enrollment-code --commune 24133\n"
        )
        sys.stdout.flush()
        return cli.main(
            ["serve", "--host", args.host, "--port", args.port, "--workers", args.workers, "--database-url", url]
        )
    except PgClusterError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        cluster.stop("fast" if args.dir is not None else "immediate")
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
