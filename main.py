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


def _load_translations(app: object) -> None:
    from ui.qt import QtCore

    # Qt's own strings (standard dialogs, buttons) in Vietnamese; the app's own come with the screens issue.
    translator = QtCore.QTranslator(app)  # type: ignore[arg-type]
    path = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_vi", path):
        QtCore.QCoreApplication.installTranslator(translator)


def self_test() -> int:
    """Used by CI and the packaged build: the real window on a real (temporary) database."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dlso_desktop.services import Services
    from dlso_desktop.services.people import HouseholdInput, PersonInput
    from dlso_desktop.storage.store import create_database, open_database
    from ui.main_window import MainWindow
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    _load_translations(app)
    with tempfile.TemporaryDirectory(prefix="dlso-selftest-") as tmp:
        path = Path(tmp) / "dlso.sqlite"
        create_database(path, 24133).close()
        db = open_database(path)
        try:
            svc = Services(db)
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
            window = MainWindow(db)
            window.show()
            window.search_box.setText("mek")
            window._debounce.timeout.emit()
            deadline = 200
            while not window.last_results and deadline:
                app.processEvents()
                window.tasks.wait(50)
                deadline -= 1
            app.processEvents()
            assert any(h.title == "Y Mek Ê Nuôl" for h in window.last_results), "search from the window failed"
            window.close()
        finally:
            db.close()
    sys.stdout.write("self-test OK\n")
    return 0


def run(args: argparse.Namespace) -> int:
    from dlso_desktop import paths
    from dlso_desktop.storage.db import DatabaseError
    from dlso_desktop.storage.store import create_database, open_database
    from ui.first_run import CommunePicker
    from ui.main_window import MainWindow
    from ui.qt import QApplication, QtWidgets

    app = QApplication(sys.argv[:1])
    app.setApplicationName("DLSO Desktop")
    _load_translations(app)
    db_path = paths.database_path(paths.data_dir(args.data_dir))
    try:
        if not db_path.exists():
            picker = CommunePicker()
            if picker.exec() != QtWidgets.QDialog.DialogCode.Accepted or picker.selected_code() is None:
                return 0
            create_database(db_path, picker.selected_code() or 0).close()
        db = open_database(db_path)
    except DatabaseError as exc:
        QtWidgets.QMessageBox.critical(None, "DLSO", exc.message_vi)
        return 1
    window = MainWindow(db)
    window.show()
    code = app.exec()
    db.close()
    return int(code)


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
