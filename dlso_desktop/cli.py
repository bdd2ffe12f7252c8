"""`dlso` — the operators' scripting interface.

Exit codes: 0 success, 2 bad input (one line saying why), 1 anything else. ``--json`` prints one JSON
document on standard output. Messages are Vietnamese; ``DLSO_LANG=en`` switches them to English.

An encrypted laptop database is opened with a user's PIN: ``--user NAME_OR_ID`` (or ``DLSO_USER``; by default
the keystore's only user, if there is exactly one) and the PIN from ``DLSO_PIN`` or a hidden prompt, never
from an argument (it would sit in the shell history and the process list). ``DLSO_RECOVERY_KEY`` opens it
with the commune operator's recovery key instead; ``dlso recover`` sets a forgotten PIN with it. A wrong PIN
exits with 2 and changes nothing; wrong PINs count towards the laptop's growing delay, shared with the app.
A plaintext database (before issue 6, ``init --unencrypted`` for tests) opens without a PIN. ``dlso init``
sets up an encrypted laptop: the database, its commune operator (PIN from ``DLSO_PIN`` or typed twice) and
the recovery key, printed once.
"""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dlso_desktop import paths
from dlso_desktop.storage.db import DatabaseError
from dlso_desktop.storage.keystore import KeystoreError
from dlso_desktop.storage.store import Database, create_database, open_database
from dlso_desktop.validation import ValidationError

if TYPE_CHECKING:
    from dlso_desktop.services import Services

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi)
        self.vi, self.en = vi, en


def english() -> bool:
    """Command-line messages in English (``DLSO_LANG=en``); Vietnamese otherwise. Shared with ``dlso-server``."""
    return os.environ.get("DLSO_LANG", "").lower().startswith("en")


def msg(vi: str, en: str) -> str:
    return en if english() else vi


class BadArgumentsParser(argparse.ArgumentParser):
    """Bad arguments: one line saying why (in the user's language), exit code 2. Shared with ``dlso-server``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog.split()[0]}: {msg('tham số không hợp lệ', 'bad arguments')}: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


_msg, _Parser = msg, BadArgumentsParser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be greater than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dlso", description="DLSO Desktop command line (offline data of one commune).")
    p.add_argument("--data-dir", help="data folder (default: the user's data folder, or $DLSO_DATA_DIR)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--user",
        dest="signin_user",
        metavar="NAME_OR_ID",
        help="who unlocks an encrypted database (default: $DLSO_USER, else the only user); PIN from $DLSO_PIN"
        " or a prompt",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser(
        "init",
        help="create a new encrypted database for an official commune/ward code, its first user (the commune"
        " operator, PIN from $DLSO_PIN or a prompt) and its recovery key, shown once",
    )
    s.add_argument("--commune", type=int, required=True, help="official code, e.g. 24133")
    s.add_argument("--operator", metavar="NAME", help="the first user, the commune operator (default: $DLSO_USER)")
    s.add_argument(
        "--unencrypted",
        action="store_true",
        help="a plaintext database (tests, demos); the app encrypts it when its first user signs in",
    )

    s = sub.add_parser("demo-data", help="add realistic demo households, persons, visits, training")
    s.add_argument("--households", type=_positive, required=True)
    s.add_argument("--seed", type=int, default=1)

    s = sub.add_parser("import", help="import households with members from a JSON Lines file")
    s.add_argument("file", type=Path)
    s.add_argument(
        "--skip-invalid", action="store_true", help="import the valid lines; write rejected ones beside the input"
    )

    s = sub.add_parser("search", help="find persons and households (accents optional)")
    s.add_argument("query")
    s.add_argument("--limit", type=_positive, default=20)

    sub.add_parser("stats", help="counts per record type")
    sub.add_parser("check", help="integrity check and schema version")

    s = sub.add_parser("enroll", help="enroll this laptop with the provincial server (one-time code)")
    s.add_argument("--server", required=True, help="server address, e.g. https://dlso.daklak.gov.vn")
    s.add_argument("--code", required=True, help="one-time enrollment code from the commune operator")
    s.add_argument(
        "--again",
        action="store_true",
        help="enroll an enrolled laptop again (its data and unsent changes are kept and sent under the new token)",
    )

    s = sub.add_parser("sync", help="one sync round (push, then pull); 'dlso sync status' shows the state")
    s.add_argument("action", nargs="?", choices=["status"], help="status: show the sync state, change nothing")
    s.add_argument("--batch-size", type=_positive, default=500, help="ops per push request")
    s.add_argument(
        "--page-size", type=_positive, help="records per pull page (default: 2,000; 5,000 for a pull from the start)"
    )

    s = sub.add_parser(
        "recover", help="forgotten PIN: open with the recovery key ($DLSO_RECOVERY_KEY or a prompt), set a new PIN"
    )
    s.add_argument("--for", dest="for_user", required=True, metavar="NAME_OR_ID", help="whose PIN to set")

    s = sub.add_parser("backup", help="a consistent copy of the database (safe while the app runs)")
    s.add_argument("--out", type=Path, required=True)

    s = sub.add_parser("audit", help="the audit trail: verify its hash chain, export it, list entries")
    aud = s.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    s = aud.add_parser("verify", help="check that no entry was changed, removed or moved (exit 1 if one was)")
    s.add_argument("--anchor", help="SEQ:HASH of an entry recorded earlier (e.g. an export's last line)")
    s = aud.add_parser("export", help="write the whole trail to a file (CSV for Excel, or JSON Lines)")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    s = aud.add_parser("list", help="the latest entries, newest first")
    s.add_argument("--limit", type=_positive, default=50)
    s.add_argument("--offset", type=int, default=0)
    s.add_argument("--since", help="from this time on (ISO, e.g. 2026-12-01)")
    s.add_argument("--user", help="only this user id")
    s.add_argument("--table", help="only this record type, e.g. person")

    s = sub.add_parser("certificates", help="training certificates: print, revoke, verify a signed QR code")
    cert = s.add_subparsers(dest="certificates_command", required=True, parser_class=_Parser)
    s = cert.add_parser("verify", help="verify the QR codes in an image, a PDF, or a typed URL/payload")
    source = s.add_mutually_exclusive_group(required=True)
    source.add_argument("--image", type=Path, help="photo or scan (PNG, JPEG, ...)")
    source.add_argument("--pdf", type=Path, help="PDF of printed certificates (every page is read)")
    source.add_argument("--text", help="the verification URL or payload as typed or pasted")
    s = cert.add_parser("print", help="issue the certificates of a training session's passed attendees, as one PDF")
    s.add_argument("--session", required=True, help="training session id")
    s.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    s.add_argument(
        "--person", action="append", dest="persons", metavar="PERSON_ID", help="only this person (repeatable)"
    )
    s.add_argument("--signer", help="name of the person who signs (kept for later prints)")
    s.add_argument("--signer-title", help="the signer's title (default: CHỦ TỊCH)")
    s = cert.add_parser("revoke", help="revoke an issued certificate by its number")
    s.add_argument("number", help="certificate number, e.g. 24133-000123")
    s.add_argument("--reason", required=True, help="why it is revoked")
    return p


def _secret(env: str, prompt: str) -> str:
    """A PIN or recovery key: from the environment (scripts, CI) or a hidden prompt; never an argument."""
    import getpass

    value = os.environ.get(env)
    if value is not None:
        return value
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise BadInput("Không có mã nào được nhập.", "Nothing was typed.") from None


def _pick_user(users: list[Any], wanted: str | None) -> Any:
    """A keystore user by id or by display name (accents and case ignored), or the only one."""
    from dlso_desktop.text import fold

    if not wanted:
        if len(users) == 1:
            return users[0]
        names = ", ".join(u.display_name for u in users) or "—"
        raise BadInput(
            f"Máy này có nhiều người dùng; hãy chọn bằng --user TÊN (hoặc DLSO_USER): {names}.",
            f"This laptop has several users; choose one with --user NAME (or DLSO_USER): {names}.",
        )
    found = [u for u in users if u.user_id == wanted] or [u for u in users if fold(u.display_name) == fold(wanted)]
    if len(found) != 1:
        names = ", ".join(u.display_name for u in users) or "—"
        raise BadInput(
            f"Không có người dùng '{wanted}' mở được dữ liệu trên máy này. Người dùng: {names}.",
            f"No user '{wanted}' can unlock the data on this laptop. Users: {names}.",
        )
    return found[0]


def _open(args: argparse.Namespace) -> Database:
    """The laptop database: a plaintext one as is; an encrypted one with a user's PIN (or the recovery key).

    Whoever's PIN unlocks it is the acting user of every service the command calls (:func:`_services`): the
    CLI has that user's role, as the app does (a team member cannot import households, issue certificates or
    read the audit trail from the command line either). The recovery key, the commune operator's, and a
    plaintext database (tests and demo data only: the app encrypts it at first sign-in) act as the system."""
    from dlso_desktop.services import Services
    from dlso_desktop.storage.keystore import Keystore, keystore_path
    from dlso_desktop.storage.store import database_state, unlock_with_pin, unlock_with_recovery_key

    args.acting_user_id = None
    path = paths.database_path(paths.data_dir(args.data_dir))
    if database_state(path) != "encrypted" or not keystore_path(path).exists():
        return open_database(path)  # plaintext; or not a database / no keystore: refused with its reason
    if os.environ.get("DLSO_RECOVERY_KEY"):
        return unlock_with_recovery_key(path, os.environ["DLSO_RECOVERY_KEY"])
    store = Keystore.load(keystore_path(path))
    user = _pick_user(store.users(), getattr(args, "signin_user", None) or os.environ.get("DLSO_USER"))
    pin = _secret("DLSO_PIN", _msg(f"Mã PIN của {user.display_name}: ", f"PIN of {user.display_name}: "))
    db = unlock_with_pin(path, user.user_id, pin)
    try:
        Services(db).users.signed_in(user.user_id)
    except BaseException:
        db.close()
        raise
    args.acting_user_id = user.user_id
    return db


def _services(args: argparse.Namespace, db: Database) -> "Services":
    """The services as the user who unlocked the database (see :func:`_open`)."""
    from dlso_desktop.services import Services

    return Services(db, user_id=getattr(args, "acting_user_id", None))


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))


def _cmd_init(args: argparse.Namespace) -> None:
    from dlso_desktop import admin_units

    base = paths.data_dir(args.data_dir)
    commune = admin_units.commune_by_code(args.commune)
    path = paths.database_path(base)
    if args.unencrypted:
        db = create_database(path, commune.code)  # refuses an existing database
        try:
            _emit(
                args,
                {
                    "database": str(db.path),
                    "commune_code": commune.code,
                    "commune": commune.display_name,
                    "device_id": db.device_id,
                    "encrypted": False,
                },
                _msg(
                    f"Đã tạo cơ sở dữ liệu (chưa mã hóa) cho {commune.display_name} ({commune.code}): {db.path}."
                    " Ứng dụng sẽ mã hóa khi người dùng đầu tiên đăng nhập.",
                    f"Created the database (not encrypted) for {commune.display_name} ({commune.code}): {db.path}."
                    " The app encrypts it when its first user signs in.",
                ),
            )
        finally:
            db.close()
        return
    if path.exists() and path.stat().st_size > 0:  # before asking for a PIN
        raise DatabaseError(
            f"Đã có cơ sở dữ liệu tại {path}; không ghi đè.",
            f"A database already exists at {path}; not overwriting it.",
        )
    name = (args.operator or args.signin_user or os.environ.get("DLSO_USER") or "").strip()
    if not name:
        raise BadInput(
            "Hãy ghi tên người quản lý cấp xã, người dùng đầu tiên của máy: --operator TÊN (hoặc DLSO_USER).",
            "Give the commune operator's name, the laptop's first user: --operator NAME (or DLSO_USER).",
        )
    pin = _secret("DLSO_PIN", _msg(f"Mã PIN cho {name}: ", f"PIN for {name}: "))
    if "DLSO_PIN" not in os.environ and pin != _secret("DLSO_PIN", _msg("Nhập lại: ", "Again: ")):
        raise BadInput("Hai lần nhập mã PIN không giống nhau.", "The two PINs differ.")
    from dlso_desktop.services.setup import new_encrypted_laptop

    made = new_encrypted_laptop(path, commune.code, name, pin)
    _emit(
        args,
        {
            "database": str(path),
            "commune_code": commune.code,
            "commune": commune.display_name,
            "device_id": made.device_id,
            "encrypted": True,
            "operator_id": made.operator_id,
            "operator": made.operator_name,
            "recovery_key": made.recovery_key,
        },
        _msg(
            f"Đã tạo cơ sở dữ liệu mã hóa cho {commune.display_name} ({commune.code}): {path}\n"
            f"Người quản lý cấp xã: {made.operator_name}\n"
            f"Khóa khôi phục (chỉ hiện một lần; in ra và cất nơi an toàn, không để cùng máy):\n"
            f"  {made.recovery_key}",
            f"Created the encrypted database for {commune.display_name} ({commune.code}): {path}\n"
            f"Commune operator: {made.operator_name}\n"
            f"Recovery key (shown once; print it and keep it safe, away from the laptop):\n"
            f"  {made.recovery_key}",
        ),
    )


def _cmd_demo(args: argparse.Namespace) -> None:
    from dlso_desktop.demo import generate
    from dlso_desktop.models import Role

    db = _open(args)
    try:
        # demo data on a laptop that syncs reaches the whole commune: the commune operator's decision
        _services(args, db).ctx.require(Role.COMMUNE_OPERATOR, what_vi="thêm dữ liệu mẫu", what_en="add demo data")
        counts = generate(db, households=args.households, seed=args.seed, user_id=args.acting_user_id)
        _emit(args, counts, "\n".join(f"{k}: {v}" for k, v in counts.items()))
    finally:
        db.close()


def _cmd_import(args: argparse.Namespace) -> None:
    from dlso_desktop.importer import ImportRejected, import_jsonl

    if not args.file.is_file():
        raise BadInput(f"Không tìm thấy tệp {args.file}.", f"No such file: {args.file}.")
    db = _open(args)
    try:
        try:
            res = import_jsonl(_services(args, db), args.file, skip_invalid=args.skip_invalid)
        except ImportRejected as rej:
            lines = [
                f"{_msg('dòng', 'line')} {e.line}: "
                + (f"{e.field}: " if e.field else "")
                + _msg(e.message_vi, e.message_en)
                for e in rej.errors
            ]
            if args.json:
                _emit(
                    args,
                    {
                        "imported": False,
                        "errors": [
                            {"line": e.line, "field": e.field, "message": _msg(e.message_vi, e.message_en)}
                            for e in rej.errors
                        ],
                    },
                    "",
                )
            else:
                sys.stderr.write("\n".join(lines) + "\n")
            raise BadInput(
                f"Tệp có {len({e.line for e in rej.errors})} dòng không hợp lệ; không nhập gì cả "
                "(dùng --skip-invalid để nhập các dòng hợp lệ).",
                f"{len({e.line for e in rej.errors})} invalid line(s); nothing was imported "
                "(use --skip-invalid to import the valid lines).",
            ) from None
        data = {
            "imported": True,
            "households": res.households,
            "persons": res.persons,
            "villages_created": res.villages_created,
            "rejected_lines": len({e.line for e in res.rejected}),
            "rejects_file": str(res.rejects_file) if res.rejects_file else None,
        }
        text = _msg(
            f"Đã nhập {res.households} hộ, {res.persons} người ({res.villages_created} thôn mới).",
            f"Imported {res.households} households, {res.persons} persons ({res.villages_created} new villages).",
        )
        if res.rejects_file:
            text += "\n" + _msg(
                f"{data['rejected_lines']} dòng bị loại, ghi tại {res.rejects_file}",
                f"{data['rejected_lines']} rejected line(s) written to {res.rejects_file}",
            )
        _emit(args, data, text)
    finally:
        db.close()


def _cmd_search(args: argparse.Namespace) -> None:
    db = _open(args)
    try:
        hits = _services(args, db).search.search(args.query, limit=args.limit)
        label = {"person": _msg("Người", "Person"), "household": _msg("Hộ", "Household")}
        _emit(
            args,
            [{"kind": h.kind, "id": h.id, "name": h.title, "detail": h.detail} for h in hits],
            "\n".join(f"{label[h.kind]:<6} {h.title} — {h.detail}" for h in hits)
            or _msg("Không tìm thấy.", "Nothing found."),
        )
    finally:
        db.close()


def _cmd_stats(args: argparse.Namespace) -> None:
    db = _open(args)
    try:
        counts = _services(args, db).admin.stats()
        _emit(args, counts, "\n".join(f"{k:<22} {v:>10,}" for k, v in counts.items()))
    finally:
        db.close()


def _cmd_check(args: argparse.Namespace) -> None:
    db = _open(args)
    try:
        rep = _services(args, db).admin.check()
        _emit(
            args,
            {
                "ok": rep.ok,
                "schema_revision": rep.schema_revision,
                "schema_version": rep.schema_version,
                "problems": list(rep.problems),
            },
            _msg(
                f"Lược đồ {rep.schema_revision} (phiên bản {rep.schema_version}): ",
                f"Schema {rep.schema_revision} (version {rep.schema_version}): ",
            )
            + ("OK" if rep.ok else "\n".join(rep.problems)),
        )
        if not rep.ok:
            raise SystemExit(EXIT_FAIL)
    finally:
        db.close()


def _cmd_backup(args: argparse.Namespace) -> None:
    out: Path = args.out
    if out.exists():
        raise BadInput(f"Tệp {out} đã tồn tại; không ghi đè.", f"{out} already exists; not overwriting it.")
    if not out.parent.is_dir():
        raise BadInput(f"Không có thư mục {out.parent}.", f"No such folder: {out.parent}.")
    db = _open(args)
    try:
        db.backup(out)
        keys: Path | None = None
        if db.keystore is not None:  # encrypted: the copy is useless without a keystore; give it one that only
            from dlso_desktop.storage.keystore import KeystoreError, keystore_path  # the recovery key opens

            try:
                keys = db.keystore.export_recovery_only(keystore_path(out)).path
            except KeystoreError as exc:
                sys.stderr.write(f"dlso: {_msg(exc.message_vi, exc.message_en)}\n")
        _emit(
            args,
            {"backup": str(out), "bytes": out.stat().st_size, "encrypted": db.encrypted, "keystore": keys},
            _msg(f"Đã sao lưu vào {out}", f"Backed up to {out}")
            + (
                _msg(f" (tệp khóa chỉ mở bằng khóa khôi phục: {keys})", f" (recovery-only keystore: {keys})")
                if keys
                else ""
            ),
        )
    finally:
        db.close()


def _cmd_recover(args: argparse.Namespace) -> None:
    """Forgotten PIN: the recovery key opens the data, then the chosen user gets a new PIN (typed twice)."""
    from dlso_desktop.services import Services
    from dlso_desktop.storage.keystore import PinThrottle, throttle_path
    from dlso_desktop.storage.store import database_state, unlock_with_recovery_key

    path = paths.database_path(paths.data_dir(args.data_dir))
    if database_state(path) != "encrypted":
        raise BadInput(
            "Cơ sở dữ liệu này không được mã hóa: không cần khóa khôi phục.",
            "This database is not encrypted: no recovery key is needed.",
        )
    recovery = _secret("DLSO_RECOVERY_KEY", _msg("Khóa khôi phục: ", "Recovery key: "))
    db = unlock_with_recovery_key(path, recovery)
    try:
        users = [u for u in Services(db).users.list_all() if u.active]
        from dlso_desktop.storage.keystore import KeystoreUser

        user = _pick_user([KeystoreUser(u.id, u.display_name) for u in users], args.for_user)
        pin = _secret(
            "DLSO_NEW_PIN", _msg(f"Mã PIN mới cho {user.display_name}: ", f"New PIN for {user.display_name}: ")
        )
        if "DLSO_NEW_PIN" not in os.environ and pin != _secret("DLSO_NEW_PIN", _msg("Nhập lại: ", "Again: ")):
            raise BadInput("Hai lần nhập mã PIN không giống nhau.", "The two PINs differ.")
        Services(db).users.update(user.user_id, pin=pin)
        PinThrottle(throttle_path(path)).reset()
        _emit(
            args,
            {"user_id": user.user_id, "display_name": user.display_name},
            _msg(f"Đã đặt mã PIN mới cho {user.display_name}.", f"Set a new PIN for {user.display_name}."),
        )
    finally:
        db.close()


def _cmd_enroll(args: argparse.Namespace) -> None:
    from urllib.parse import urlparse

    from sync import engine
    from sync.transport import Refused, TransportError

    url = urlparse(args.server)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise BadInput(
            f"Địa chỉ máy chủ không hợp lệ: {args.server!r} (ví dụ: https://dlso.daklak.gov.vn).",
            f"Not a server address: {args.server!r} (e.g. https://dlso.daklak.gov.vn).",
        )
    db = _open(args)
    try:
        status = engine.status(db)
        if status.enrolled and not (args.again or status.must_enroll_again):
            raise BadInput(
                "Máy này đã được đăng ký với máy chủ (dùng --again để đăng ký lại).",
                "This laptop is already enrolled (use --again to enroll it again).",
            )
        try:
            answer = engine.enroll(db, args.server, args.code, user_id=args.acting_user_id)
        except Refused as exc:
            raise BadInput(exc.message_vi, exc.message_en) from None
        except TransportError as exc:
            raise _Offline(str(exc)) from None
        _emit(
            args,
            {"device_id": answer.device_id, "commune_code": answer.commune_code, "commune": answer.commune_name},
            _msg(
                f"Đã đăng ký máy với máy chủ cho {answer.commune_name}.",
                f"Enrolled with the server for {answer.commune_name}.",
            ),
        )
    finally:
        db.close()


class _Offline(Exception):
    pass


def _cmd_sync(args: argparse.Namespace) -> None:
    from dataclasses import asdict

    from sync import engine
    from sync.transport import Refused, TransportError

    db = _open(args)
    try:
        if args.action == "status":
            st = engine.status(db)
            _emit(
                args,
                asdict(st),
                "\n".join(
                    [
                        _msg("Đã đăng ký: ", "Enrolled: ") + (_msg("có", "yes") if st.enrolled else _msg("chưa", "no")),
                        _msg("Máy chủ: ", "Server: ") + (st.server or "-"),
                        _msg("Thay đổi chưa gửi: ", "Changes not sent yet: ") + str(st.pending),
                        _msg("Bị từ chối: ", "Rejected: ") + str(st.rejected),
                        _msg("Xung đột chờ xử lý: ", "Open conflicts: ") + str(st.open_conflicts),
                        _msg("Lần đồng bộ cuối: ", "Last sync: ") + (st.last_sync_at or "-"),
                        *([_msg("Lỗi lần trước: ", "Last error: ") + st.last_error] if st.last_error else []),
                    ]
                ),
            )
            return
        try:
            transport = engine.transport_for(db)
        except engine.NotEnrolled:
            raise BadInput(
                "Máy này chưa được đăng ký. Dùng 'dlso enroll --server ĐỊA_CHỈ --code MÃ' trước.",
                "This laptop is not enrolled. Run 'dlso enroll --server URL --code CODE' first.",
            ) from None
        try:
            result = engine.SyncEngine(db, transport, batch_size=args.batch_size, page_size=args.page_size).run_round()
        except Refused as exc:
            raise BadInput(exc.message_vi, exc.message_en) from None
        except TransportError as exc:
            raise _Offline(str(exc)) from None
        finally:
            transport.close()
        cert_lines = []
        key_id, serials = result.certificates.get("key_id"), result.certificates.get("serials")
        if key_id is not None:
            cert_lines.append(
                _msg(f"Đã nhận khóa ký của xã (khóa {key_id}).", f"Commune signing key {key_id} received.")
            )
        if isinstance(serials, list) and len(serials) == 2:
            cert_lines.append(
                _msg(
                    f"Đã nhận số hiệu giấy chứng nhận {serials[0]}-{serials[1]}.",
                    f"Certificate serials {serials[0]}-{serials[1]} reserved.",
                )
            )
        if result.audit_pushed:
            cert_lines.append(
                _msg(
                    f"Đã gửi {result.audit_pushed} mục nhật ký hoạt động lên máy chủ.",
                    f"{result.audit_pushed} audit entries sent to the server.",
                )
            )
        if result.audit_refused:
            cert_lines.append(
                _msg(
                    "MÁY CHỦ TỪ CHỐI NHẬT KÝ HOẠT ĐỘNG: nhật ký trên máy có thể đã bị sửa; chạy 'dlso audit verify'.",
                    "THE SERVER REFUSED THE AUDIT TRAIL: it may have been edited on this laptop;"
                    " run 'dlso audit verify'.",
                )
            )
        _emit(
            args,
            result.as_dict(),
            _msg(
                f"Đã gửi: {result.applied} mới, {result.duplicate} trùng, {result.conflict} xung đột,"
                f" {result.rejected} bị từ chối; đã nhận {result.pulled} bản ghi.",
                f"Sent: {result.applied} applied, {result.duplicate} duplicate, {result.conflict} conflict,"
                f" {result.rejected} rejected; received {result.pulled} records.",
            )
            + "".join("\n" + n for n in [*cert_lines, *result.notes]),
        )
    finally:
        db.close()


#: Why a laptop prints samples only (``SigningStatus.reason``), for the print summary.
_DEMO_REASONS = {
    "not_enrolled": ("máy chưa đăng ký với máy chủ tỉnh", "this laptop is not enrolled with the provincial server"),
    "no_trust": ("máy chưa nhận danh sách khóa tin cậy (hãy đồng bộ)", "no trust list yet (sync first)"),
    "no_key": ("máy chưa nhận khóa ký của xã (hãy đồng bộ)", "the commune signing key has not arrived (sync first)"),
    "key_not_valid": (
        "khóa ký của xã đã hết hạn hoặc bị thu hồi (hãy đồng bộ)",
        "the commune signing key expired or was revoked (sync first)",
    ),
    "no_serials": ("máy đã hết số hiệu giấy chứng nhận (hãy đồng bộ)", "no certificate serials left (sync first)"),
}


def _cmd_certificates(args: argparse.Namespace) -> None:
    {"verify": _cert_verify, "print": _cert_print, "revoke": _cert_revoke}[args.certificates_command](args)


def _cert_verify(args: argparse.Namespace) -> None:
    from datetime import UTC, date, datetime

    from dlso_desktop.certificates import trust
    from dlso_desktop.certificates.present import COMPARE_NAME, STATUS_TEXT, commune_name, course_name, reason_text
    from dlso_desktop.certificates.present import verdict_json as to_json
    from dlso_desktop.certificates.scan import ScanError, texts_from_image, texts_from_pdf
    from dlso_desktop.certificates.verify import verify

    try:
        if args.image is not None:
            texts = texts_from_image(args.image)
        elif args.pdf is not None:
            texts = texts_from_pdf(args.pdf)
        else:
            texts = [args.text] if args.text.strip() else []
    except ScanError as exc:
        raise BadInput(exc.message_vi, exc.message_en) from None
    if not texts:
        raise BadInput("Không tìm thấy mã QR nào để xác thực.", "No QR code found to verify.")

    db = _open(args)  # read only: the trust list, revocation lists and this commune's own revocations
    try:
        for problem in trust.load(db).problems:
            sys.stderr.write(
                "dlso: "
                + _msg(
                    f"dữ liệu khóa tin cậy trên máy bị hỏng, không dùng được ({problem}).",
                    f"trust data on this laptop is damaged and is not used ({problem}).",
                )
                + "\n"
            )
        trust_list, revocations = _services(args, db).certificates.verifier()
    finally:
        db.close()
    now = datetime.now(UTC)
    verdicts = [verify(t, trust_list, revocations, now=now) for t in texts]

    def day(d: date) -> str:
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"

    lines: list[str] = []
    for i, v in enumerate(verdicts, 1):
        vi, en = STATUS_TEXT[v.status]
        head = f"[{i}] {_msg(vi, en)}"
        why = reason_text(v.reason)
        if why is not None:
            head += f" — {_msg('lý do', 'reason')}: {_msg(*why)} ({v.reason})"
        lines.append(head)
        r = v.record
        if r is not None:
            commune = commune_name(r.commune_code)
            course = course_name(r.course_code)
            lines += [
                f"    {_msg('Số', 'Number')}: {r.number}",
                f"    {_msg('Họ và tên', 'Name')}: {r.full_name}",
                f"    {_msg('Khóa học', 'Course')}: {r.course_code}" + (f" — {course}" if course else ""),
                f"    {_msg('Xã/phường', 'Commune')}: "
                + (f"{commune} ({r.commune_code})" if commune else str(r.commune_code)),
                f"    {_msg('Ngày cấp', 'Issued on')}: {day(r.issue_date)}",
            ]
    if any(v.status in ("valid", "demo") for v in verdicts):
        lines.append(_msg(*COMPARE_NAME))
    _emit(args, [to_json(v) for v in verdicts], "\n".join(lines))
    if any(v.status in ("revoked", "invalid") for v in verdicts):
        raise SystemExit(EXIT_FAIL)


def _cert_print(args: argparse.Namespace) -> None:

    out: Path = args.out
    if not out.parent.is_dir():
        raise BadInput(f"Không có thư mục {out.parent}.", f"No such folder: {out.parent}.")
    if out.is_dir():
        raise BadInput(f"{out} là một thư mục, không phải tệp PDF.", f"{out} is a folder, not a PDF file.")
    db = _open(args)
    try:
        certificates = _services(args, db).certificates  # as the user who unlocked the data
        if args.signer is not None or args.signer_title is not None:
            current = certificates.signing_status()
            certificates.set_signer(
                current.signer_name if args.signer is None else args.signer,
                current.signer_title if args.signer_title is None else args.signer_title,
            )
        try:
            views = certificates.issue(args.session, args.persons)
        except ValidationError as exc:
            if exc.code == "session_id.not_found":
                raise BadInput(
                    f"Không tìm thấy buổi học {args.session}.", f"No training session {args.session}."
                ) from None
            raise
        status = certificates.signing_status()
        demo = any(v.demo for v in views)
        partial = out.with_name(out.name + ".part")
        show = sys.stderr.isatty() and not args.json

        def progress(done: int, total: int) -> None:
            if show:
                sys.stderr.write(f"\r{_msg('Đang tạo PDF', 'Building the PDF')}: {done}/{total}")
                sys.stderr.flush()

        try:
            certificates.render_pdf(views, partial, progress=progress)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
            if show:
                sys.stderr.write("\n")
    finally:
        db.close()
    numbers = [v.number for v in views]
    reason = status.reason if demo else None
    data = {
        "file": str(out),
        "count": len(views),
        "numbers": numbers,
        "first_number": min(numbers),
        "last_number": max(numbers),
        "demo": demo,
        "demo_reason": reason,
        "key_id": views[0].key_id,
    }
    span = numbers[0] if len(set(numbers)) == 1 else f"{min(numbers)} … {max(numbers)}"
    text = _msg(
        f"Đã in {len(views)} giấy chứng nhận (số {span}) vào {out}.",
        f"Printed {len(views)} certificate(s) (numbers {span}) to {out}.",
    )
    if demo:
        why = _DEMO_REASONS.get(reason or "", (reason or "", reason or ""))
        text += "\n" + _msg(f"Đây là bản MẪU - KHÔNG CÓ GIÁ TRỊ: {why[0]}.", f"These are SAMPLES, NOT VALID: {why[1]}.")
    _emit(args, data, text)


def _cert_revoke(args: argparse.Namespace) -> None:

    from dlso_desktop.models import Role

    db = _open(args)
    try:
        services = _services(args, db)  # as the user who unlocked the data
        # the role first: a team member hears that revoking is not theirs, not whether the number exists
        services.ctx.require(Role.TEAM_HEAD, what_vi="thu hồi giấy chứng nhận", what_en="revoke certificates")
        certificates = services.certificates
        view = certificates.by_number(args.number)
        done = certificates.revoke(view.id or "", args.reason)
    finally:
        db.close()
    _emit(
        args,
        {
            "number": done.number,
            "name": done.full_name,
            "revoked": done.revoked,
            "reason": done.revoked_reason,
            "revoked_at": done.revoked_at,
        },
        _msg(
            f"Đã thu hồi giấy chứng nhận số {done.number} ({done.full_name}).",
            f"Revoked certificate {done.number} ({done.full_name}).",
        ),
    )


def _require_operator(args: argparse.Namespace, db: Database) -> None:
    """The audit trail is the commune operator's (as its page in the app)."""
    from dlso_desktop.models import Role

    _services(args, db).ctx.require(
        Role.COMMUNE_OPERATOR, what_vi="xem nhật ký hoạt động", what_en="see the audit trail"
    )


def _cmd_audit(args: argparse.Namespace) -> None:
    {"verify": _audit_verify, "export": _audit_export, "list": _audit_list}[args.audit_command](args)


_AUDIT_REASONS = {
    "changed": ("mục đã bị sửa", "the entry was changed"),
    "missing": ("có mục bị xoá", "entries were removed"),
    "reordered": ("thứ tự các mục bị thay đổi", "entries were moved"),
}


def _audit_verify(args: argparse.Namespace) -> None:
    from dlso_desktop.storage import audit

    anchor: tuple[int, str] | None = None
    if args.anchor is not None:
        seq_text, _, digest = args.anchor.partition(":")
        if not seq_text.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise BadInput(
                f"Mốc không hợp lệ: {args.anchor!r} (dạng SỐ:MÃ_BĂM, 64 ký tự hex).",
                f"Not an anchor: {args.anchor!r} (SEQ:HASH, 64 hex digits).",
            )
        anchor = (int(seq_text), digest)
    db = _open(args)
    try:
        _require_operator(args, db)
        rep = audit.verify(db, anchor=anchor)
    finally:
        db.close()
    if rep.ok:
        text = _msg(
            f"Nhật ký kiểm tra nguyên vẹn: {rep.checked} mục, mục cuối {rep.last_seq or '-'} ({rep.head_hash or '-'}).",
            f"Audit trail intact: {rep.checked} entries, last {rep.last_seq or '-'} ({rep.head_hash or '-'}).",
        )
    else:
        why = _AUDIT_REASONS[rep.reason or "changed"]
        text = _msg(
            f"NHẬT KÝ KIỂM TRA BỊ THAY ĐỔI tại mục {rep.broken_seq}: {why[0]} ({rep.detail}).",
            f"AUDIT TRAIL TAMPERED WITH at entry {rep.broken_seq}: {why[1]} ({rep.detail}).",
        )
    _emit(args, rep.as_dict(), text)
    if not rep.ok:
        raise SystemExit(EXIT_FAIL)


def _audit_export(args: argparse.Namespace) -> None:
    out: Path = args.out
    if out.exists():
        raise BadInput(f"Tệp {out} đã tồn tại; không ghi đè.", f"{out} already exists; not overwriting it.")
    if not out.parent.is_dir():
        raise BadInput(f"Không có thư mục {out.parent}.", f"No such folder: {out.parent}.")
    db = _open(args)
    try:
        n = _services(args, db).audit.export(out, args.format)  # recorded in the trail first, as in the app
    finally:
        db.close()
    _emit(
        args,
        {"out": str(out), "format": args.format, "entries": n},
        _msg(f"Đã xuất {n} mục nhật ký vào {out}", f"Exported {n} audit entries to {out}"),
    )


def _audit_list(args: argparse.Namespace) -> None:
    from dataclasses import asdict

    from dlso_desktop.storage import audit

    db = _open(args)
    try:
        _require_operator(args, db)
        rows = audit.entries(
            db, since=args.since, user_id=args.user, table=args.table, limit=args.limit, offset=args.offset
        )
    finally:
        db.close()
    _emit(
        args,
        [asdict(r) for r in rows],
        "\n".join(
            f"{r.seq:>8} {r.at} {r.user_name or r.user_id or '-'} {r.action} {r.table_name} {r.row_id}"
            + (f" — {r.summary}" if r.summary else "")
            for r in rows
        )
        or _msg("Không có mục nào.", "No entries."),
    )


COMMANDS = {
    "audit": _cmd_audit,
    "certificates": _cmd_certificates,
    "enroll": _cmd_enroll,
    "sync": _cmd_sync,
    "init": _cmd_init,
    "demo-data": _cmd_demo,
    "import": _cmd_import,
    "search": _cmd_search,
    "stats": _cmd_stats,
    "check": _cmd_check,
    "backup": _cmd_backup,
    "recover": _cmd_recover,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # bad arguments (already explained on stderr), or --help
        return int(exc.code or 0)
    try:
        COMMANDS[args.command](args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BadInput as exc:
        sys.stderr.write(f"dlso: {_msg(exc.vi, exc.en)}\n")
        return EXIT_BAD_INPUT
    except ValidationError as exc:
        sys.stderr.write(f"dlso: {_msg(exc.message_vi, exc.message_en)}\n")
        return EXIT_BAD_INPUT
    except KeystoreError as exc:  # wrong PIN or recovery key, the growing delay, no such user: nothing changed
        sys.stderr.write(f"dlso: {_msg(exc.message_vi, exc.message_en)}\n")
        return EXIT_BAD_INPUT
    except DatabaseError as exc:
        sys.stderr.write(f"dlso: {_msg(exc.message_vi, exc.message_en)}\n")
        return EXIT_FAIL
    except _Offline as exc:
        sys.stderr.write(
            "dlso: "
            + _msg(
                f"không kết nối được máy chủ ({exc}); dữ liệu vẫn an toàn trên máy, hãy thử lại sau.",
                f"could not reach the server ({exc}); the data is safe on this laptop, try again later.",
            )
            + "\n"
        )
        return EXIT_FAIL
    except Exception as exc:  # the operator gets one line; the traceback is for developers
        sys.stderr.write(f"dlso: {_msg('lỗi', 'error')}: {type(exc).__name__}: {exc}\n")
        if os.environ.get("DLSO_DEBUG"):
            raise
        return EXIT_FAIL
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
