"""Start DLSO Desktop.

python main.py                 # the app, on the database in the user's data folder
python main.py --data-dir DIR  # another data folder (also: DLSO_DATA_DIR)
python main.py --self-test     # open the main window offscreen on a temporary database, check, exit 0/1
"""

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="dlso-desktop", description="DLSO Desktop")
    p.add_argument("--data-dir", help="data folder (default: the user's data folder, or $DLSO_DATA_DIR)")
    p.add_argument("--self-test", action="store_true", help="check the app on a temporary database and exit")
    p.add_argument("--self-test-server", metavar="URL", help="with --self-test: also sync with this server")
    p.add_argument("--self-test-code", metavar="CODE", help="with --self-test-server: an enrollment code")
    p.add_argument("--startup-probe", action="store_true", help="show the main window, say so and exit (make bench)")
    return p.parse_args(argv)


def _streams() -> None:
    """Standard streams that can always be written to. The packaged Windows app is a windowed program: it starts
    with ``sys.stdout`` and ``sys.stderr`` set to None, and any ``write`` on them would end it with an error.
    Started from a console (``--self-test`` in PowerShell), it writes to that console; otherwise nowhere."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    if sys.platform == "win32":
        try:
            import ctypes

            if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS: the console of the shell
                console = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115 (for the process)
                sys.stdout = sys.stdout or console
                sys.stderr = sys.stderr or console
        except (OSError, AttributeError):
            pass
    nowhere = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (kept for the life of the process)
    if sys.stdout is None:
        sys.stdout = nowhere
    if sys.stderr is None:
        sys.stderr = nowhere


def self_test(server_url: str | None = None, code: str | None = None) -> int:
    """Used by CI and the packaged build: the whole app on a temporary encrypted database (ui/self_test.py)."""
    from ui.self_test import run

    return run(server_url, code)


def run(args: argparse.Namespace) -> int:
    """Show the window at once (Qt only), look at the data in the background, then sign in and fill it.

    No database: the first run (an encrypted database from the start). An encrypted one: the sign-in lists the
    keystore's users before anything is open. A plaintext one (before issue 6): the user signs in as before,
    then the database is encrypted in place. "Đăng xuất" / "Đổi người dùng" brings the sign-in back."""
    from ui import errors
    from ui.gc_guard import GuiThreadCollector
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.qt import QApplication, QtWidgets
    from ui.settings import FONT_SCALE, LANGUAGE, Settings
    from ui.tasks import Tasks

    app = QApplication(sys.argv[:1])
    app.setApplicationName("DLSO Desktop")
    from ui.widgets import app_icon

    app.setWindowIcon(app_icon())
    GuiThreadCollector(app)  # owned by the app: widgets are never freed on a worker thread
    data_dir = _data_dir(args.data_dir)
    settings = Settings(data_dir)
    install_language(settings.get(LANGUAGE), app)
    scale = settings.get(FONT_SCALE)
    if scale != 100:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * scale / 100)
        app.setFont(font)
    errors.install(data_dir)
    tasks = Tasks(on_unhandled_error=errors.show_error)
    window = MainWindow()
    window.show()
    if args.startup_probe:  # make bench: from launch to the main window on the screen, nothing opened
        app.processEvents()
        sys.stdout.write("main window shown\n")
        sys.stdout.flush()
        return 0
    state: dict[str, object] = {}

    def look() -> tuple[str, object]:  # worker thread: the heavy imports, and a plaintext database opened
        from dlso_desktop import paths
        from dlso_desktop.storage.store import database_state, open_database

        db_path = paths.database_path(data_dir)
        kind = database_state(db_path)
        return kind, open_database(db_path) if kind == "plaintext" else None

    def start(found: tuple[str, object]) -> None:  # GUI thread
        kind, plain = found
        try:
            signed = sign_in_first(kind, plain)
        except Exception as exc:  # no keystore beside an encrypted file, a damaged keystore, a failed migration
            failed(exc)
            return
        if signed is None:
            app.quit()
            return
        attach(*signed)

    def sign_in_first(kind: str, plain: object) -> tuple[object, object] | None:
        from dlso_desktop import paths
        from dlso_desktop.storage.store import Database

        if kind == "missing":
            from ui.first_run import run_first_run

            return run_first_run(data_dir, settings)
        if kind == "plaintext":
            from ui.sign_in import encrypt_after_sign_in, sign_in_plaintext

            assert isinstance(plain, Database)
            signed = sign_in_plaintext(plain, settings, tasks)
            if signed is None:
                plain.close()
                return None
            user, pin = signed
            return encrypt_after_sign_in(plain, user, pin, window), user
        from ui.sign_in import sign_in_encrypted

        return sign_in_encrypted(paths.database_path(data_dir), settings, tasks)

    def attach(database: object, user: object) -> None:
        from dlso_desktop.services.views import UserView
        from dlso_desktop.storage.store import Database
        from ui.app_context import AppContext
        from ui.first_run import show_recovery_key

        assert isinstance(database, Database) and isinstance(user, UserView)
        if user.role == "commune_operator" and database.keystore is not None and not database.keystore.has_recovery:
            show_recovery_key(database, window)  # a migrated laptop: at the first operator's sign-in
        state["db"] = database
        window.attach(AppContext(database, user, tasks, settings, data_dir))

    def signed_out() -> None:
        state.pop("db", None)
        signed = sign_in_first("encrypted", None)
        if signed is None:
            app.quit()
            return
        attach(*signed)

    def failed(exc: BaseException) -> None:
        message = getattr(exc, "message_vi", None)
        if message is None:
            errors.show_error(exc, window)
        else:
            QtWidgets.QMessageBox.critical(window, "DLSO", str(message))
        app.quit()

    window.signed_out.connect(signed_out)
    tasks.run(look, start, failed)
    code = app.exec()
    tasks.wait()
    db = state.get("db")
    if db is not None:
        db.close()  # type: ignore[attr-defined]
    return int(code)


def _data_dir(override: str | None) -> Path:
    from dlso_desktop.paths import data_dir  # standard library only: no data layer yet

    return data_dir(override)


def main(argv: Sequence[str] | None = None) -> int:
    _streams()
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        try:
            return self_test(args.self_test_server, args.self_test_code)
        except Exception:
            sys.stderr.write("self-test FAILED\n" + traceback.format_exc())
            return 1
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
