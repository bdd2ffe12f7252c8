"""`dlso-server` — run and administer the provincial sync server.

    dlso-server serve [--host 127.0.0.1] [--port 8000] [--workers N] [--database-url URL]
    dlso-server admin enrollment-code --commune CODE [--qr FILE.png] [--server URL] [--json]
    dlso-server admin devices list [--commune CODE] [--json]
    dlso-server admin devices revoke DEVICE_ID
    dlso-server admin stats

Every command takes ``--database-url`` (else ``$DLSO_SERVER_DATABASE_URL``, else the SQLite file
``./server-data/dlso-server.sqlite``) and brings the database to the newest schema first, so codes can be issued
before the server ever ran. ``serve`` migrates once, then serves the API with uvicorn.

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
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from dlso_desktop import admin_units
from dlso_desktop.cli import BadArgumentsParser, msg
from dlso_desktop.validation import ValidationError
from sync.protocol import TOMBSTONE_RETENTION_DAYS

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
        metavar="{enrollment-code,devices,stats,prune-tombstones,snapshots}",
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
    return p


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


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server.app import create_app

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
        )
        return EXIT_OK
    uvicorn.run(create_app(engine, snapshot_folder=args.snapshot_dir), host=args.host, port=args.port, log_level="info")
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
