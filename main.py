"""Start DLSO Desktop.

python main.py                 # the app, on the database in the user's data folder
python main.py --data-dir DIR  # another data folder (also: DLSO_DATA_DIR)
python main.py --self-test     # open the main window offscreen on a temporary database, check, exit 0/1
"""

import argparse
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="dlso-desktop", description="DLSO Desktop")
    p.add_argument("--data-dir", help="data folder (default: the user's data folder, or $DLSO_DATA_DIR)")
    p.add_argument("--self-test", action="store_true", help="check the app on a temporary database and exit")
    return p.parse_args(argv)


def self_test() -> int:
    """Used by CI and the packaged build: the real window on a real (temporary) database."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dlso_desktop.services import Services
    from dlso_desktop.services.people import HouseholdInput, PersonInput
    from dlso_desktop.storage.store import create_database, open_database
    from ui.app_context import AppContext
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.overview import OverviewPage
    from ui.qt import QApplication
    from ui.settings import Settings
    from ui.tasks import Tasks

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loaded = install_language("vi", app)
    assert any(p.name == "qtbase_vi.qm" for p in loaded), f"translations missing: {loaded}"
    with tempfile.TemporaryDirectory(prefix="dlso-selftest-") as tmp:
        path = Path(tmp) / "dlso.sqlite"
        create_database(path, 24133).close()
        db = open_database(path)
        try:
            svc = Services(db)
            user = svc.users.create("Kiểm tra", "commune_operator", "2468")
            svc = Services(db, user_id=user.id)
            village = svc.villages.create("Buôn Ko Tam", "buon")
            svc.households.create(
                HouseholdInput(
                    village_id=village.id,
                    members=[PersonInput(full_name="Y Mek Ê Nuôl", relationship="head", sex="male", birth_year=1970)],
                )
            )
            hits = svc.search.search("y mek e nuol")
            assert any(h.kind == "person" and h.title == "Y Mek Ê Nuôl" for h in hits), hits
            report = svc.admin.check()
            assert report.ok, report.problems
            ctx = AppContext(db, user, Tasks(), Settings(Path(tmp)), Path(tmp))
            window = MainWindow(ctx)
            window.show()
            overview = window.page("overview")
            assert isinstance(overview, OverviewPage)
            overview.search_box.setText("mek")
            overview._debounce.timeout.emit()
            for _ in range(200):
                if overview.last_results:
                    break
                app.processEvents()
                ctx.tasks.wait(50)
            app.processEvents()
            assert any(h.title == "Y Mek Ê Nuôl" for h in overview.last_results), "search from the window failed"
            window.close()
        finally:
            db.close()
    sys.stdout.write("self-test OK\n")
    return 0


def run(args: argparse.Namespace) -> int:
    """Show the window at once (Qt only), open the data layer in the background, then sign in and fill it."""
    from ui import errors
    from ui.gc_guard import GuiThreadCollector
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.qt import QApplication, QtWidgets
    from ui.settings import FONT_SCALE, LANGUAGE, Settings
    from ui.tasks import Tasks

    app = QApplication(sys.argv[:1])
    app.setApplicationName("DLSO Desktop")
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
    state: dict[str, object] = {}

    def open_data() -> object:  # worker thread: the heavy imports and the database
        from dlso_desktop import paths
        from dlso_desktop.storage.store import open_database

        db_path = paths.database_path(data_dir)
        return open_database(db_path) if db_path.exists() else None

    def opened(db: object) -> None:  # GUI thread
        from ui.app_context import AppContext

        if db is None:
            from ui.first_run import run_first_run

            started = run_first_run(data_dir, settings)
            if started is None:
                app.quit()
                return
            database, user = started
        else:
            from dlso_desktop.storage.store import Database
            from ui.sign_in import sign_in

            assert isinstance(db, Database)
            signed_in = sign_in(db, settings)
            if signed_in is None:
                db.close()
                app.quit()
                return
            database, user = db, signed_in
        state["db"] = database
        window.attach(AppContext(database, user, tasks, settings, data_dir))

    def failed(exc: BaseException) -> None:
        message = getattr(exc, "message_vi", None)
        if message is None:
            errors.show_error(exc, window)
        else:
            QtWidgets.QMessageBox.critical(window, "DLSO", str(message))
        app.quit()

    tasks.run(open_data, opened, failed)
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
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        try:
            return self_test()
        except Exception:
            sys.stderr.write("self-test FAILED\n" + traceback.format_exc())
            return 1
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
