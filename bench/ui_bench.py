"""The app's own figures: start-up to the main window, a search keystroke at 1M persons, resident memory.

Each runs in a fresh process (`python -m bench.ui_bench CHILD ...`) so imports and first paint are counted;
the parent measures from spawning the process to the line the child prints once the window is exposed.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import emit, median

if TYPE_CHECKING:  # the bare baseline child must not import the app
    from ui.app_context import AppContext

ROOT = Path(__file__).resolve().parent.parent
STARTUP_HOUSEHOLDS = 15_000  # about 60,000 persons


def _child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    win = QMainWindow()
    win.resize(1280, 720)
    win.show()
    app.processEvents()
    sys.stdout.write("shown\n")
    sys.stdout.flush()


def _context(db_path: Path) -> "AppContext":
    from dlso_desktop.services import Services
    from dlso_desktop.storage.store import open_database
    from ui.app_context import AppContext
    from ui.settings import Settings
    from ui.tasks import Tasks

    db = open_database(db_path)
    users = Services(db).users.list_all()
    user = users[0] if users else None
    return AppContext(db, user, Tasks(), Settings(db_path.parent / "settings"), db_path.parent)


def _child_app(db_path: str) -> None:
    """As main.py starts: the window first (Qt only), then the data layer and the pages."""
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.qt import QApplication

    app = QApplication([])
    install_language("vi", app)
    win = MainWindow()
    win.show()
    app.processEvents()
    sys.stdout.write("shown\n")
    sys.stdout.flush()
    ctx = _context(Path(db_path))
    win.attach(ctx)
    app.processEvents()
    ctx.tasks.wait()
    app.processEvents()
    sys.stdout.write("ready\n")
    sys.stdout.flush()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _child_keystroke(db_path: str) -> None:
    """Type into the households search (or the overview search) and time each keystroke to new results."""
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.qt import QApplication

    app = QApplication([])
    install_language("vi", app)
    ctx = _context(Path(db_path))
    win = MainWindow(ctx)
    win.resize(1366, 768)
    win.show()
    target = "households"
    page = win.page(target)
    if not hasattr(page, "search_box"):  # the households screen not built yet: the overview's search
        target = "overview"
        page = win.page(target)
    win.nav.setCurrentRow(win.pages.index(page))
    box = page.search_box  # type: ignore[attr-defined]
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:  # let the first list load settle
        app.processEvents()
        if ctx.tasks.wait(10):
            break
    samples: list[float] = []
    for query in ("nguyen van", "tran thi h", "y mek", "le duc", "hoang an", "0905", "pham thi lan", "ksor"):
        box.clear()
        app.processEvents()
        ctx.tasks.wait(5000)
        for ch in query:
            t0 = time.perf_counter()
            box.setText(box.text() + ch)
            timer = getattr(page, "_debounce", None)  # the debounce pause is part of what the user waits for
            while True:
                app.processEvents()
                if (timer is None or not timer.isActive()) and ctx.tasks.wait(1):
                    app.processEvents()
                    if ctx.tasks.wait(0):
                        break
            samples.append((time.perf_counter() - t0) * 1000)
    sys.stdout.write(json.dumps({"target": target, "samples": samples, "rss_mb": _rss_mb()}) + "\n")
    sys.stdout.flush()
    ctx.tasks.wait()


def _spawn_until_shown(args: list[str]) -> tuple[float, float]:
    """Seconds from spawning the child to its "shown" line, and to its last line ("ready" for the app)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.ui_bench", *args], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter() - t0
    if line.strip() != "shown":
        raise RuntimeError(f"child did not show its window: {line!r}")
    ready = shown
    for rest in proc.stdout:
        if rest.strip() == "ready":
            ready = time.perf_counter() - t0
    proc.wait(timeout=120)
    return shown, ready


def startup_db() -> Path:
    from bench.big_db import BENCH_DIR
    from dlso_desktop import demo
    from dlso_desktop.services import Services
    from dlso_desktop.storage.store import create_database

    path = BENCH_DIR / f"startup-{STARTUP_HOUSEHOLDS}-v1" / "dlso.sqlite"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    db = create_database(path, 24133)
    Services(db).users.create("Bench", "commune_operator", "2468")
    demo.generate(db, households=STARTUP_HOUSEHOLDS, seed=11, activity=False, batch=5000)
    db.close()
    return path


def run() -> None:
    db = startup_db()
    bare, app, ready = [], [], []
    for _ in range(5):
        bare.append(_spawn_until_shown(["bare"])[0])
        shown, done = _spawn_until_shown(["app", str(db)])
        app.append(shown)
        ready.append(done)
    emit(
        "startup_main_window_60k_persons",
        median(app),
        "s",
        median(bare),
        "bare QMainWindow in a fresh process",
        goal="<= 1.5 s and <= 2x baseline",
        app_s=[round(x, 3) for x in app],
        bare_s=[round(x, 3) for x in bare],
    )
    emit(
        "startup_pages_ready_60k_persons",
        median(ready),
        "s",
        median(bare),
        "bare QMainWindow in a fresh process",
        note="window shown, data layer imported, database opened, every page built and the overview filled",
        ready_s=[round(x, 3) for x in ready],
    )

    from bench.big_db import big_database

    big = big_database()
    users_db = big  # the big database has no user: the window then shows "not signed in", which is fine here
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "bench.ui_bench", "keystroke", str(users_db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    samples = data["samples"]
    ordered = sorted(samples)
    emit(
        "search_keystroke_1m_persons",
        median(samples),
        "ms",
        None,
        "",
        goal="<= 100 ms",
        page=data["target"],
        p95_ms=round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        keystrokes=len(samples),
    )
    emit(
        "resident_memory_1m_persons",
        data["rss_mb"],
        "MB",
        None,
        "",
        goal="<= 300 MB",
        note="main window with the list shown after the keystroke run",
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        _child_bare()
    elif len(sys.argv) > 2 and sys.argv[1] == "app":
        _child_app(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "keystroke":
        _child_keystroke(sys.argv[2])
    else:
        run()
