"""Screenshots of every screen, in Vietnamese, at 1366x768 on demo data (for the docs and for review).

    QT_QPA_PLATFORM=offscreen python -m ui.screenshots docs/screenshots     # or: make screenshots

A temporary encrypted laptop for Phường Buôn Ma Thuột (24133), set up as ``dlso init`` does (the commune
operator, a team head and a team member), gets 300 demo households (seed 7). Saved as ``<nn>-<key>.png``: the
sign-in screen, every page of the main window as the commune operator sees it (all of them), then the household
form and the visit flow.
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
from dlso_desktop.services.setup import new_encrypted_laptop
from dlso_desktop.storage.keystore import Keystore, PinThrottle, keystore_path, throttle_path
from dlso_desktop.storage.store import unlock_with_pin
from ui.app_context import AppContext
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.qt import QApplication, QtCore, QtWidgets
from ui.settings import LANGUAGE, LAST_USER, Settings
from ui.sign_in import SignInDialog
from ui.tasks import Tasks

log = logging.getLogger(__name__)

COMMUNE = 24133
SIZE = (1366, 768)
#: the laptop's users: (name, role, PIN); the first is the commune operator who sets the laptop up
USERS = (
    ("Nguyễn Thị Lan", "commune_operator", "246810"),
    ("Y Đăng Niê", "team_head", "135790"),
    ("H'Hen Mlô", "team_member", "864202"),
)


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
        path = data_dir / "dlso.sqlite"
        (name, _role, pin), *others = USERS
        laptop = new_encrypted_laptop(path, COMMUNE, name, pin)
        db = unlock_with_pin(path, laptop.operator_id, pin)
        tasks = Tasks()
        try:
            services = Services(db)
            for other, role, other_pin in others:
                services.users.create(other, role, other_pin)
            operator = services.users.signed_in(laptop.operator_id)
            demo.generate(db, households=300, seed=7, user_id=operator.id)
            settings = Settings(data_dir)
            settings.set(LANGUAGE, "vi")
            install_language("vi", app)
            number = 1
            written.append(_sign_in(app, tasks, path, operator.id, out_dir / f"{number:02d}-sign-in.png"))
            settings.set(LAST_USER, operator.id)
            ctx = AppContext(db, operator, tasks, settings, data_dir)
            window = MainWindow(ctx)
            window.resize(*SIZE)
            window.show()
            settle(app, tasks)
            for row, key in enumerate(window.keys):  # the pages this user's role sees: all of them
                number += 1
                window.nav.setCurrentRow(row)
                settle(app, tasks)
                written.append(_save(window, out_dir / f"{number:02d}-{key}.png"))
            window.nav.setCurrentRow(0)
            settle(app, tasks)
            household_ids = ctx.services.households.list_ids(limit=1)
            if household_ids:
                written += _dialogs(app, ctx, window, household_ids[0], out_dir, number + 1)
            window.close()
            settle(app, tasks, 0)
        finally:
            tasks.wait()
            db.close()
    return written


def _sign_in(app: QApplication, tasks: Tasks, path: Path, last_user: str, out: Path) -> Path:
    """The start-up sign-in of the encrypted laptop (who can unlock it comes from its keystore)."""
    store = Keystore.load(keystore_path(path))
    throttle = PinThrottle(throttle_path(path))
    dialog = SignInDialog(
        [(u.user_id, u.display_name) for u in store.users()],
        lambda _user, _pin: None,  # nobody signs in here
        tasks,
        throttle,
        last_user=last_user,
        pending=[u.display_name for u in store.pending_users()],
    )
    dialog.show()
    settle(app, tasks)
    try:
        return _save(dialog, out)
    finally:
        dialog.hide()
        dialog.deleteLater()


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
