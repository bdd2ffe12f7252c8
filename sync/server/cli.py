"""`dlso-server` — run and administer the provincial sync server.

    dlso-server serve [--host 127.0.0.1] [--port 8000] [--workers N] [--database-url URL]
    dlso-server admin enrollment-code --commune CODE [--qr FILE.png] [--server URL] [--json]
    dlso-server admin devices list [--commune CODE] [--json]
    dlso-server admin devices revoke DEVICE_ID
    dlso-server admin stats
    dlso-server admin keys init-root --out DIR [--passphrase-file F] [--force]
    dlso-server admin keys issue-commune --commune CODE --root-key FILE [--passphrase-file F]
                                         [--valid-from YYYY-MM-DD] [--valid-days N]
    dlso-server admin keys revoke KEY_ID --after TIME --root-key FILE [--passphrase-file F]
    dlso-server admin keys list [--json]
    dlso-server admin audit verify (--device ID | --commune CODE) [--json]
    dlso-server admin audit export (--device ID | --commune CODE) --out FILE [--format csv|jsonl]

Every command takes ``--database-url`` (else ``$DLSO_SERVER_DATABASE_URL``, else the SQLite file
``./server-data/dlso-server.sqlite``) and brings the database to the newest schema first, so codes can be issued
before the server ever ran. ``serve`` migrates once, then serves the API with uvicorn.

``admin keys`` holds the certificate keys (docs/DEPLOY.md, section 8, the root key ceremony): the provincial root
key lives in an encrypted PEM file, offline, and is given to ``issue-commune`` and ``revoke`` each time; the
database keeps its public key only. Commune keys are stored encrypted under the server secret, a file beside the
SQLite database (else ``./server-data/``), or ``$DLSO_SERVER_SECRET_FILE``.

The QR image of an enrollment code (``--qr``) holds one line of JSON: ``{"code": "ABCD-EFGH-JKMN"}``, plus
``"server": URL`` when ``--server`` names the address laptops use; a laptop that scans it needs nothing typed.

Exit codes: 0 success, 2 bad arguments (one line saying why; nothing was changed), 1 anything else (such as an
unreachable database). Messages are Vietnamese; ``DLSO_LANG=en`` switches them to English.
"""

import argparse
import json
import os
import signal
import struct
import sys
import threading
import zlib
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from dlso_desktop import admin_units
from dlso_desktop.cli import BadArgumentsParser, msg
from dlso_desktop.validation import ValidationError
from sync.protocol import TOMBSTONE_RETENTION_DAYS

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sync.server.certs import KeysError

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2
PROG = "dlso-server"


class BadInput(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


_msg = msg
_Parser = BadArgumentsParser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is not between 1 and 65535")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{value} workers: choose between 1 and 64")
    return value


def _commune(text: str) -> int:
    try:
        code = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a commune code (a number such as 24133)") from None
    try:
        admin_units.commune_by_code(code)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(_msg(exc.message_vi, exc.message_en)) from None
    return code


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy URL (sqlite:///FILE or postgresql://USER@HOST/DB); default $DLSO_SERVER_DATABASE_URL,"
        " else ./server-data/dlso-server.sqlite",
    )
    snapshots_dir = _Parser(add_help=False)
    snapshots_dir.add_argument(
        "--snapshot-dir",
        type=Path,
        metavar="DIR",
        help="where commune snapshots live; default $DLSO_SERVER_SNAPSHOT_DIR, else snapshots/ beside the SQLite"
        " database, else ./server-data/snapshots",
    )
    p = _Parser(prog=PROG, description="DLSO provincial sync server.")
    sub = p.add_subparsers(dest="command", required=True, metavar="{serve,admin}", parser_class=_Parser)

    s = sub.add_parser(
        "serve", parents=[common, snapshots_dir], help="serve the sync API (migrates the database first)"
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    s.add_argument(
        "--workers", type=_workers, default=1, help="worker processes (default 1; PostgreSQL: about one per core)"
    )

    a = sub.add_parser("admin", help="enrollment codes, devices, statistics")
    admin_sub = a.add_subparsers(
        dest="admin_command",
        required=True,
        metavar="{enrollment-code,devices,stats,prune-tombstones,snapshots,keys,audit}",
        parser_class=_Parser,
    )

    e = admin_sub.add_parser(
        "enrollment-code", parents=[common], help="issue a one-time enrollment code for a commune's laptop"
    )
    e.add_argument("--commune", type=_commune, required=True, help="official commune/ward code, e.g. 24133")
    e.add_argument("--qr", type=Path, metavar="FILE.png", help="also write the code as a QR image (PNG)")
    e.add_argument("--server", metavar="URL", help="server address laptops use, put in the QR image")
    e.add_argument("--json", action="store_true", help="machine-readable output")

    d = admin_sub.add_parser("devices", help="enrolled laptops")
    dev_sub = d.add_subparsers(dest="devices_command", required=True, metavar="{list,revoke}", parser_class=_Parser)
    dl = dev_sub.add_parser("list", parents=[common], help="list enrolled devices")
    dl.add_argument("--commune", type=_commune, help="only this commune's devices")
    dl.add_argument("--json", action="store_true", help="machine-readable output")
    dr = dev_sub.add_parser("revoke", parents=[common], help="revoke a device at once (its token stops working)")
    dr.add_argument("device_id", metavar="ID")

    admin_sub.add_parser("stats", parents=[common], help="devices, ops received and records per commune (JSON)")

    pr = admin_sub.add_parser(
        "prune-tombstones", parents=[common], help="purge deletes older than N days (laptops behind then re-pull)"
    )
    pr.add_argument("--older-than-days", type=_min_days, default=365, help="at least 180 (default 365)")

    sn = admin_sub.add_parser("snapshots", help="commune snapshots for the first sync of new laptops")
    sn_sub = sn.add_subparsers(dest="snapshots_command", required=True, metavar="{build,list}", parser_class=_Parser)
    sb = sn_sub.add_parser(
        "build", parents=[common, snapshots_dir], help="build or refresh snapshots now (every commune with data)"
    )
    sb.add_argument("--commune", type=_commune, action="append", help="only this commune (repeatable)")
    sb.add_argument("--full", action="store_true", help="from an empty database instead of the last snapshot")
    sl = sn_sub.add_parser("list", parents=[common, snapshots_dir], help="the snapshots there are (JSON)")
    del sl

    passphrase = _Parser(add_help=False)
    passphrase.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="F",
        help="read the root key's passphrase from this file (first line) instead of asking for it",
    )
    root_key = _Parser(add_help=False)
    root_key.add_argument(
        "--root-key", type=Path, required=True, metavar="FILE", help="the root key file (root-key.pem)"
    )
    k = admin_sub.add_parser("keys", help="certificate keys: the provincial root, commune signing keys")
    keys_sub = k.add_subparsers(
        dest="keys_command", required=True, metavar="{init-root,issue-commune,revoke,list}", parser_class=_Parser
    )
    ki = keys_sub.add_parser(
        "init-root",
        parents=[common, passphrase],
        help="create the provincial root key (on an offline machine): DIR/root-key.pem and DIR/root.pub",
    )
    ki.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for root-key.pem and root.pub")
    ki.add_argument("--force", action="store_true", help="replace the root the database has (and files in DIR)")
    kc = keys_sub.add_parser(
        "issue-commune", parents=[common, root_key, passphrase], help="issue a signing key for a commune"
    )
    kc.add_argument("--commune", type=_commune, required=True, help="official commune/ward code, e.g. 24133")
    kc.add_argument("--valid-from", type=_day, metavar="YYYY-MM-DD", help="first valid day (default today)")
    kc.add_argument("--valid-days", type=_valid_days, default=366, metavar="N", help="days of validity (default 366)")
    kr = keys_sub.add_parser(
        "revoke",
        parents=[common, root_key, passphrase],
        help="revoke a commune key: certificates issued up to TIME's day stay valid",
    )
    kr.add_argument("key_id", type=_key_id, metavar="KEY_ID")
    kr.add_argument(
        "--after",
        type=_revocation_time,
        required=True,
        metavar="TIME",
        help="the last time the key is known safe: ISO-8601 (2026-06-30T12:00:00+07:00, ...Z); a date alone is"
        " 00:00 Vietnam time that day; no offset means Vietnam time",
    )
    kl = keys_sub.add_parser("list", parents=[common], help="the commune keys and the trust list's sequence")
    kl.add_argument("--json", action="store_true", help="machine-readable output")

    whose = _Parser(add_help=False)
    one_of = whose.add_mutually_exclusive_group(required=True)
    one_of.add_argument("--device", metavar="ID", help="one laptop's copy")
    one_of.add_argument("--commune", type=_commune, help="every laptop of a commune")
    au = admin_sub.add_parser("audit", help="the copies of the laptops' audit trails: check their chains, export")
    au_sub = au.add_subparsers(dest="audit_command", required=True, metavar="{verify,export}", parser_class=_Parser)
    av = au_sub.add_parser("verify", parents=[common, whose], help="check the hash chain of each copy (exit 1: broken)")
    av.add_argument("--json", action="store_true", help="machine-readable output")
    ae = au_sub.add_parser("export", parents=[common, whose], help="write the copies to a file (CSV or JSON Lines)")
    ae.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write")
    ae.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="csv (Excel) or jsonl (exact values)")
    return p


def _day(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def _valid_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 1 <= days <= 3660:
        raise argparse.ArgumentTypeError(f"{days} days: choose between 1 and 3660")
    return days


def _key_id(text: str) -> int:
    try:
        key_id = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a key id") from None
    if not 1 <= key_id <= 65535:
        raise argparse.ArgumentTypeError(f"key ids run from 1 to 65535, not {key_id}")
    return key_id


def _revocation_time(text: str) -> datetime:
    from sync.server.certs import parse_revocation_time

    try:
        return parse_revocation_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a time (2026-06-30, 2026-06-30T12:00:00+07:00 or 2026-06-30T05:00:00Z)"
        ) from None


def _min_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if days < TOMBSTONE_RETENTION_DAYS:
        raise argparse.ArgumentTypeError(f"tombstones are kept at least {TOMBSTONE_RETENTION_DAYS} days")
    return days


# ---------------------------------------------------------------------------------------------------------


def _engine(url_arg: str | None) -> Engine:
    from sync.server.db import database_url, make_engine

    url = database_url(url_arg)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise BadInput(f"Địa chỉ cơ sở dữ liệu không hợp lệ: {url}", f"Not a database URL: {url}") from None
    if backend not in ("sqlite", "postgresql"):
        raise BadInput(
            f"Chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ {backend}.",
            f"Only SQLite and PostgreSQL are supported, not {backend}.",
        )
    return make_engine(url)


def _migrated(url_arg: str | None) -> Engine:
    from sync.server.db import migrate

    engine = _engine(url_arg)
    migrate(engine)
    return engine


def log_config() -> dict[str, Any]:
    """uvicorn's own logging, plus the server's messages (the ``dlso`` loggers: a snapshot built or deleted, a
    revocation list signed; INFO and above) on the same stream, i.e. in the journal. Without it they would reach
    Python's last-resort handler, which prints warnings and errors only."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["dlso"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server import limits
    from sync.server.app import create_app

    try:
        limits.Config.from_env()  # a mistyped limit stops the start with a message, not a traceback
    except ValueError as exc:
        raise BadInput(f"Giới hạn tần suất không hợp lệ: {exc}", f"Invalid rate limit: {exc}") from None
    engine = _migrated(args.database_url)
    _say(
        _msg(
            f"Máy chủ đồng bộ DLSO: http://{args.host}:{args.port}", f"DLSO sync server: http://{args.host}:{args.port}"
        )
    )
    _say(f"  {engine.url.render_as_string(hide_password=True)}")
    if threading.current_thread() is threading.main_thread():
        # uvicorn stops gracefully on SIGTERM, then raises the signal again to its previous handler: let that
        # be a no-op, so a service manager's stop ends with exit code 0 like Ctrl+C does
        signal.signal(signal.SIGTERM, lambda _sig, _frame: None)
    if args.workers > 1:
        # several processes (Python runs on one core per process): each builds its own app and engine from
        # the environment, as ``uvicorn --factory sync.server.app:app_from_env`` does. SQLite is served best by
        # one process: it has a single writer, and only one process's writers take turns without polling.
        from sync.server import snapshot
        from sync.server.db import ENV_URL

        os.environ[ENV_URL] = engine.url.render_as_string(hide_password=False)
        if args.snapshot_dir is not None:
            os.environ[snapshot.ENV_DIR] = str(args.snapshot_dir)
        engine.dispose()
        uvicorn.run(
            "sync.server.app:app_from_env",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level="info",
            log_config=log_config(),
        )
        return EXIT_OK
    uvicorn.run(
        create_app(engine, snapshot_folder=args.snapshot_dir),
        host=args.host,
        port=args.port,
        log_level="info",
        log_config=log_config(),
    )
    engine.dispose()
    return EXIT_OK


def _check_qr_target(path: Path) -> None:
    if path.suffix.lower() != ".png":
        raise BadInput(f"Ảnh QR phải là tệp .png: {path}", f"The QR image must be a .png file: {path}")
    if not path.parent.is_dir():
        raise BadInput(f"Không có thư mục {path.parent}", f"No such folder: {path.parent}")
    if path.is_dir():
        raise BadInput(f"{path} là một thư mục", f"{path} is a folder")


def qr_payload(code: str, server: str | None = None) -> str:
    """What the QR image of an enrollment code holds (documented in this module's docstring)."""
    content = {"code": code} if server is None else {"server": server, "code": code}
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def write_qr_png(payload: str, path: Path, *, scale: int = 8) -> None:
    """The payload as a QR code in a greyscale PNG (written by hand: no imaging library needed)."""
    import qrcode  # type: ignore[import-untyped]

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix: list[list[bool]] = qr.get_matrix()
    rows = bytearray()
    for line in matrix:
        pixels = b"".join((b"\x00" if dark else b"\xff") * scale for dark in line)
        rows.extend((b"\x00" + pixels) * scale)  # filter type 0 before every scan line
    size = len(matrix) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(png)
    tmp.replace(path)


def _enrollment_code(args: argparse.Namespace) -> int:
    from sync.server import admin

    if args.qr is not None:
        _check_qr_target(args.qr)
    if args.server is not None and not args.server.startswith(("http://", "https://")):
        raise BadInput(
            f"Địa chỉ máy chủ phải bắt đầu bằng http:// hoặc https://: {args.server}",
            f"The server address must start with http:// or https://: {args.server}",
        )
    engine = _migrated(args.database_url)
    try:
        with engine.begin() as conn:
            issued = admin.create_enrollment_code(conn, args.commune)
            if args.qr is not None:  # inside the transaction: no code is issued if its image cannot be written
                write_qr_png(qr_payload(issued.code, args.server), args.qr)
    finally:
        engine.dispose()
    if args.json:
        out = {**asdict(issued), "qr": None if args.qr is None else str(args.qr)}
        _say(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    _say(_msg(f"Mã đăng ký (dùng một lần): {issued.code}", f"Enrollment code (single use): {issued.code}"))
    _say(
        _msg(
            f"Xã/phường: {issued.commune_name} ({issued.commune_code})",
            f"Commune: {issued.commune_name} ({issued.commune_code})",
        )
    )
    _say(_msg(f"Hết hạn: {issued.expires_at}", f"Expires: {issued.expires_at}"))
    if args.qr is not None:
        _say(_msg(f"Ảnh QR: {args.qr}", f"QR image: {args.qr}"))
    return EXIT_OK


def _devices_list(args: argparse.Namespace) -> int:
    from sync.server import admin

    engine = _migrated(args.database_url)
    try:
        with engine.connect() as conn:
            devices = admin.list_devices(conn, args.commune)
    finally:
        engine.dispose()
    if args.json:
        _say(json.dumps([asdict(d) for d in devices], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not devices:
        _say(_msg("Chưa có máy nào được đăng ký.", "No device is enrolled."))
        return EXIT_OK
    header = ("ID", _msg("Xã", "Commune"), _msg("Tên máy", "Name"), _msg("Đăng ký", "Enrolled"),
              _msg("Lần cuối", "Last seen"), _msg("Thu hồi", "Revoked"), "Op")  # fmt: skip
    rows = [
        (
            d.id,
            str(d.commune_code),
            d.name,
            d.enrolled_at,
            d.last_seen_at or "-",
            d.revoked_at or "-",
            str(d.last_op_id),
        )
        for d in devices
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        _say("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return EXIT_OK


def _devices_revoke(args: argparse.Namespace) -> int:
    from sync.server import admin

    engine = _migrated(args.database_url)
    try:
        with engine.begin() as conn:
            found = admin.revoke_device(conn, args.device_id)
    finally:
        engine.dispose()
    if not found:
        raise BadInput(f"Không có máy nào có mã {args.device_id}", f"No device has the id {args.device_id}")
    _say(_msg(f"Đã thu hồi máy {args.device_id}.", f"Device {args.device_id} is revoked."))
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from sync.server import admin

    engine = _migrated(args.database_url)
    try:
        with engine.connect() as conn:
            stats = admin.stats(conn)
    finally:
        engine.dispose()
    _say(json.dumps(stats, ensure_ascii=False, indent=2))
    return EXIT_OK


def _prune(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from sync.server import apply

    cutoff = (datetime.now(UTC) - timedelta(days=args.older_than_days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    engine = _migrated(args.database_url)
    try:
        with engine.begin() as conn:
            purged = apply.prune_tombstones(conn, cutoff)
    finally:
        engine.dispose()
    _say(json.dumps({"older_than": cutoff, "purged": {str(k): v for k, v in purged.items()}}, ensure_ascii=False))
    return EXIT_OK


def _snapshot_folder(args: argparse.Namespace, engine: Engine) -> Path:
    from sync.server import snapshot

    return args.snapshot_dir or snapshot.snapshot_dir(engine.url.render_as_string(hide_password=False))


def _snapshots_build(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from sync.server import snapshot

    engine = _migrated(args.database_url)
    try:
        folder = _snapshot_folder(args, engine)
        built = []
        for commune in args.commune or snapshot.communes_with_records(engine):
            info = snapshot.build(engine, folder, commune, full=args.full)
            if info is None:
                _say(_msg(f"Xã {commune}: đang được tạo ở nơi khác, bỏ qua.", f"Commune {commune}: busy elsewhere."))
                continue
            built.append(asdict(info))
    finally:
        engine.dispose()
    _say(json.dumps({"folder": str(folder), "snapshots": built}, ensure_ascii=False, indent=1))
    return EXIT_OK


def _snapshots_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from sync.server import snapshot

    engine = _migrated(args.database_url)
    try:
        folder = _snapshot_folder(args, engine)
        found = [asdict(i) for c in snapshot.communes_with_records(engine) if (i := snapshot.current(folder, c))]
    finally:
        engine.dispose()
    _say(json.dumps({"folder": str(folder), "snapshots": found}, ensure_ascii=False, indent=1))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------------------
# admin keys

MIN_PASSPHRASE = 12


def _read_passphrase_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(
            f"Không đọc được tệp mật khẩu {path}: {exc}", f"Cannot read the passphrase file {path}: {exc}"
        ) from None
    lines = text.splitlines()
    phrase = lines[0] if lines else ""
    if not phrase:
        raise BadInput(f"Tệp mật khẩu {path} trống.", f"The passphrase file {path} is empty.")
    return phrase


def _new_passphrase(path: Path | None) -> str:
    import getpass

    if path is not None:
        phrase = _read_passphrase_file(path)
    else:
        phrase = getpass.getpass(_msg("Mật khẩu cho khóa gốc: ", "Passphrase for the root key: "))
        again = getpass.getpass(_msg("Nhập lại mật khẩu: ", "Passphrase again: "))
        if phrase != again:
            raise BadInput("Hai lần nhập mật khẩu không khớp.", "The two passphrases differ.")
    if len(phrase) < MIN_PASSPHRASE:
        raise BadInput(
            f"Mật khẩu khóa gốc phải có ít nhất {MIN_PASSPHRASE} ký tự.",
            f"The root key's passphrase must be at least {MIN_PASSPHRASE} characters.",
        )
    return phrase


def _root_key(path: Path, passphrase_file: Path | None) -> "Ed25519PrivateKey":
    import getpass

    from dlso_desktop.certificates.keys import TrustError, load_private_key

    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"Không đọc được tệp khóa gốc {path}: {exc.strerror}", f"Cannot read {path}: {exc.strerror}"
        ) from None
    if passphrase_file is not None:
        phrase = _read_passphrase_file(passphrase_file)
    else:
        phrase = getpass.getpass(_msg("Mật khẩu của khóa gốc: ", "The root key's passphrase: "))
    try:
        return load_private_key(pem, phrase)
    except TrustError as exc:
        if exc.code == "wrong_passphrase":
            raise BadInput("Sai mật khẩu của khóa gốc.", "Wrong passphrase for the root key.") from None
        raise BadInput(f"{path} không phải tệp khóa gốc: {exc}", f"{path} is not a root key file: {exc}") from None


def _keys_error(exc: "KeysError") -> int:
    sys.stderr.write(f"{PROG}: {_msg(exc.message_vi, exc.message_en)}\n")
    return EXIT_FAIL if exc.code == "keys_unavailable" else EXIT_BAD_INPUT


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def _keys_init_root(args: argparse.Namespace) -> int:
    from dlso_desktop.certificates.keys import generate_key, private_key_to_pem
    from dlso_desktop.certificates.trust import public_key_text, root_fingerprint
    from sync.server import certs

    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out} không phải là thư mục", f"{out} is not a folder")
    pem_path, pub_path = out / "root-key.pem", out / "root.pub"
    if not args.force and (pem_path.exists() or pub_path.exists()):
        raise BadInput(
            f"{out} đã có khóa gốc; dùng --force để ghi đè (khóa cũ sẽ mất).",
            f"{out} holds a root key already; use --force to overwrite it (the old key is lost).",
        )
    engine = _migrated(args.database_url)
    try:
        with engine.connect() as conn:
            if certs.root_public_key(conn) is not None and not args.force:
                raise BadInput(
                    "Máy chủ đã có khóa gốc của tỉnh; dùng --force nếu thật sự muốn thay (các máy đã đồng bộ sẽ"
                    " từ chối khóa gốc mới).",
                    "The server already has a provincial root key; use --force to replace it (laptops that synced"
                    " will refuse the new root).",
                )
        phrase = _new_passphrase(args.passphrase_file)
        root = generate_key()
        fingerprint = root_fingerprint(root.public_key())
        with engine.begin() as conn:
            certs.init_root(conn, root, force=args.force)
            # inside the transaction: the database keeps no root whose key file could not be written
            out.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_private(pem_path, private_key_to_pem(root, phrase))
            pub_text = (
                f"# DLSO provincial root public key (Ed25519, raw, Base64); fingerprint {fingerprint}\n"
                f"{public_key_text(root.public_key())}\n"
            )
            tmp = pub_path.with_name(pub_path.name + ".tmp")
            tmp.write_text(pub_text, encoding="utf-8")
            tmp.replace(pub_path)
    except certs.KeysError as exc:
        return _keys_error(exc)
    finally:
        engine.dispose()
    _say(
        _msg(f"Khóa gốc (giữ ngoại tuyến, có mật khẩu): {pem_path}", f"Root key (keep offline, encrypted): {pem_path}")
    )
    _say(_msg(f"Khóa công khai: {pub_path}", f"Public key: {pub_path}"))
    _say(_msg(f"Dấu vân tay: {fingerprint}", f"Fingerprint: {fingerprint}"))
    return EXIT_OK


def _keys_issue(args: argparse.Namespace) -> int:
    from sync.server import certs

    root = _root_key(args.root_key, args.passphrase_file)
    engine = _migrated(args.database_url)
    try:
        secret = certs.secret_path(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            issued = certs.issue_commune_key(
                conn, root, args.commune, secret_file=secret, valid_from=args.valid_from, valid_days=args.valid_days
            )
    except certs.KeysError as exc:
        return _keys_error(exc)
    finally:
        engine.dispose()
    _say(_msg(f"Khóa số {issued.key_id}", f"Key id {issued.key_id}"))
    _say(
        _msg(
            f"Xã/phường: {issued.commune_name} ({issued.commune_code})",
            f"Commune: {issued.commune_name} ({issued.commune_code})",
        )
    )
    _say(
        _msg(
            f"Hiệu lực: {issued.valid_from} đến {issued.valid_until}",
            f"Valid: {issued.valid_from} to {issued.valid_until}",
        )
    )
    _say(_msg(f"Danh sách khóa tin cậy số {issued.trust_sequence}", f"Trust list sequence {issued.trust_sequence}"))
    return EXIT_OK


def _keys_revoke(args: argparse.Namespace) -> int:
    from dlso_desktop.certificates.keys import local_date, utc_text
    from sync.server import certs

    root = _root_key(args.root_key, args.passphrase_file)
    engine = _migrated(args.database_url)
    try:
        with engine.begin() as conn:
            sequence = certs.revoke_key(conn, root, args.key_id, args.after)
    except certs.KeysError as exc:
        return _keys_error(exc)
    finally:
        engine.dispose()
    day = local_date(args.after).strftime("%d/%m/%Y")
    _say(
        _msg(
            f"Đã thu hồi khóa {args.key_id} sau {utc_text(args.after)}: giấy cấp đến hết ngày {day} vẫn hợp lệ.",
            f"Key {args.key_id} revoked after {utc_text(args.after)}: certificates issued up to {day} stay valid.",
        )
    )
    _say(_msg(f"Danh sách khóa tin cậy số {sequence}", f"Trust list sequence {sequence}"))
    return EXIT_OK


def _keys_list(args: argparse.Namespace) -> int:
    from dlso_desktop.certificates.keys import local_date
    from dlso_desktop.certificates.trust import root_fingerprint
    from sync.server import certs

    engine = _migrated(args.database_url)
    try:
        with engine.connect() as conn:
            keys = certs.signing_keys(conn)
            sequence = certs.trust_sequence(conn)
            root = certs.root_public_key(conn)
    finally:
        engine.dispose()
    today = local_date(datetime.now(UTC))
    current = {c: k.key_id for k in keys if k.usable_on(today) for c in [k.commune_code]}
    if args.json:
        out = {
            "root_fingerprint": None if root is None else root_fingerprint(root),
            "trust_sequence": sequence,
            "keys": [{**k.as_json(), "current": current.get(k.commune_code) == k.key_id} for k in keys],
        }
        _say(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if root is None:
        _say(_msg("Chưa có khóa gốc của tỉnh.", "No provincial root key yet."))
    else:
        _say(_msg(f"Khóa gốc: {root_fingerprint(root)}", f"Root key: {root_fingerprint(root)}"))
    _say(_msg(f"Danh sách khóa tin cậy số {sequence}", f"Trust list sequence {sequence}"))
    if not keys:
        _say(_msg("Chưa có khóa ký nào.", "No signing key yet."))
        return EXIT_OK
    header = (_msg("Khóa", "Key"), _msg("Xã", "Commune"), _msg("Từ", "From"), _msg("Đến", "Until"),
              _msg("Thu hồi sau", "Revoked after"), _msg("Đang dùng", "Current"))  # fmt: skip
    rows = [
        (
            str(k.key_id),
            str(k.commune_code),
            k.valid_from.isoformat(),
            k.valid_until.isoformat(),
            k.as_json()["revoked_after"] or "-",
            "*" if current.get(k.commune_code) == k.key_id else "",
        )
        for k in keys
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        _say("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return EXIT_OK


def _audit_devices(args: argparse.Namespace, engine: Engine) -> list[str]:
    from sync.server import audit

    with engine.connect() as conn:
        found = audit.devices_of(conn, device_id=args.device, commune_code=args.commune)
    if not found and args.device is not None:
        raise BadInput(f"Không có máy nào có mã {args.device}", f"No device has the id {args.device}")
    return found


def _audit_verify(args: argparse.Namespace) -> int:
    from sync.server import audit

    engine = _migrated(args.database_url)
    try:
        reports = []
        for device_id in _audit_devices(args, engine):
            with engine.connect() as conn:
                reports.append({"device_id": device_id, **audit.verify_device(conn, device_id).as_dict()})
    finally:
        engine.dispose()
    if args.json:
        _say(json.dumps(reports, ensure_ascii=False, indent=2))
    elif not reports:
        _say(_msg("Xã này chưa có máy nào.", "This commune has no device."))
    for r in reports if not args.json else []:
        if r["ok"]:
            _say(_msg(f"{r['device_id']}: nguyên vẹn, {r['checked']} mục, mục cuối {r['last_seq'] or '-'}.",
                      f"{r['device_id']}: intact, {r['checked']} entries, last {r['last_seq'] or '-'}."))  # fmt: skip
        else:
            _say(_msg(f"{r['device_id']}: BỊ THAY ĐỔI tại mục {r['broken_seq']} ({r['detail']}).",
                      f"{r['device_id']}: TAMPERED WITH at entry {r['broken_seq']} ({r['detail']})."))  # fmt: skip
    return EXIT_OK if all(r["ok"] for r in reports) else EXIT_FAIL


def _audit_export(args: argparse.Namespace) -> int:
    from sync.server import audit

    out: Path = args.out
    if out.is_dir() or not out.parent.is_dir():
        raise BadInput(f"Không ghi được vào {out}: thư mục không tồn tại.", f"Cannot write {out}: no such folder.")
    engine = _migrated(args.database_url)
    try:
        devices = _audit_devices(args, engine)
        with engine.connect() as conn:
            n = audit.export(conn, devices, out, args.format)
    finally:
        engine.dispose()
    _say(_msg(f"Đã xuất {n} mục nhật ký của {len(devices)} máy vào {out}.",
              f"Exported {n} audit entries of {len(devices)} devices to {out}."))  # fmt: skip
    return EXIT_OK


def _keys(args: argparse.Namespace) -> int:
    commands = {
        "init-root": _keys_init_root,
        "issue-commune": _keys_issue,
        "revoke": _keys_revoke,
        "list": _keys_list,
    }
    return commands[args.keys_command](args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help (0) or a usage error (2, already explained on stderr)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        if args.command == "serve":
            return _serve(args)
        if args.admin_command == "enrollment-code":
            return _enrollment_code(args)
        if args.admin_command == "devices":
            return _devices_list(args) if args.devices_command == "list" else _devices_revoke(args)
        if args.admin_command == "prune-tombstones":
            return _prune(args)
        if args.admin_command == "keys":
            return _keys(args)
        if args.admin_command == "audit":
            return _audit_verify(args) if args.audit_command == "verify" else _audit_export(args)
        if args.admin_command == "snapshots":
            return _snapshots_build(args) if args.snapshots_command == "build" else _snapshots_list(args)
        return _stats(args)
    except BadInput as exc:
        sys.stderr.write(f"{PROG}: {_msg(exc.vi, exc.en)}\n")
        return EXIT_BAD_INPUT
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"{PROG}: {_msg('lỗi cơ sở dữ liệu', 'database error')}: {first}\n")
        return EXIT_FAIL
    except OSError as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return EXIT_FAIL


if __name__ == "__main__":
    raise SystemExit(main())
