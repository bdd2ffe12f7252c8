"""Screenshots of every screen, in Vietnamese, at 1366x768 on demo data (for the docs and for review).

    QT_QPA_PLATFORM=offscreen python -m ui.screenshots docs/screenshots     # or: make screenshots

A temporary database for Phường Buôn Ma Thuột (24133) gets 300 demo households (seed 7); each page of the main
window is saved as ``<nn>-<key>.png``, then the household form and the visit flow when their modules exist.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from dlso_desktop import demo
from dlso_desktop.services import Services
from dlso_desktop.storage.store import create_database
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.main_window import PAGES, MainWindow
from ui.qt import QApplication, QtCore, QtWidgets
from ui.settings import LANGUAGE, Settings
from ui.tasks import Tasks

log = logging.getLogger(__name__)

COMMUNE = 24133
SIZE = (1366, 768)


def settle(app: QApplication, tasks: Tasks, ms: int = 400) -> None:
    """Let background reads finish, their results arrive and debounce timers fire."""
    deadline = time.monotonic() + ms / 1000
    while True:
        app.processEvents()
        tasks.wait(2_000)
        app.processEvents()
        if time.monotonic() >= deadline:
            break
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(25, loop.quit)
        loop.exec()


def _save(widget: QtWidgets.QWidget, path: Path) -> Path:
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def take(out_dir: Path) -> list[Path]:
    """Write the screenshots into ``out_dir``; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication exists
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="dlso-screenshots-") as tmp:
        data_dir = Path(tmp)
        db = create_database(data_dir / "dlso.sqlite", COMMUNE)
        tasks = Tasks()
        try:
            user = Services(db).users.create("Nguyễn Thị Lan", "team_head", "2468")
            demo.generate(db, households=300, seed=7, user_id=user.id)
            settings = Settings(data_dir)
            settings.set(LANGUAGE, "vi")
            install_language("vi", app)
            ctx = AppContext(db, user, tasks, settings, data_dir)
            window = MainWindow(ctx)
            window.resize(*SIZE)
            window.show()
            settle(app, tasks)
            for row, (key, _module, _cls) in enumerate(PAGES):
                window.nav.setCurrentRow(row)
                settle(app, tasks)
                written.append(_save(window, out_dir / f"{row + 1:02d}-{key}.png"))
            window.nav.setCurrentRow(0)
            settle(app, tasks)
            household_ids = ctx.services.households.list_ids(limit=1)
            if household_ids:
                written += _dialogs(app, ctx, window, household_ids[0], out_dir, len(PAGES) + 1)
            window.close()
            settle(app, tasks, 0)
        finally:
            tasks.wait()
            db.close()
    return written


def _dialogs(
    app: QApplication, ctx: AppContext, window: QtWidgets.QWidget, household_id: str, out_dir: Path, first: int
) -> list[Path]:
    """The household form and the visit flow, if those screens exist in this version."""
    written: list[Path] = []
    number = first
    try:
        from ui.household_form import HouseholdForm
    except ImportError:
        log.info("no household form yet")
    else:
        form = HouseholdForm(ctx, household_id, window)
        form.show()
        settle(app, ctx.tasks)
        written.append(_save(form, out_dir / f"{number:02d}-household-form.png"))
        number += 1
        form.hide()
        form.deleteLater()
    try:
        from ui.visit_flow import open_visit
    except ImportError:
        log.info("no visit flow yet")
    else:
        flow = open_visit(ctx, household_id, window)
        settle(app, ctx.tasks)
        written.append(_save(flow, out_dir / f"{number:02d}-visit-flow.png"))
        flow.hide()
        flow.deleteLater()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m ui.screenshots OUT_DIR\n")
        return 2
    for path in take(Path(args[0])):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
