"""The app's own figures: start-up to the main window, a search keystroke at 1M persons, resident memory,
scrolling the households list through 100,000 households.

Each runs in a fresh process (`python -m bench.ui_bench CHILD ...`) so imports and first paint are counted;
the parent measures from spawning the process to the line the child prints once the window is exposed.
"""

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import emit, median, pct

if TYPE_CHECKING:  # the bare baseline child must not import the app
    from PySide6.QtWidgets import QApplication, QTableView

    from ui.app_context import AppContext

ROOT = Path(__file__).resolve().parent.parent
STARTUP_HOUSEHOLDS = 15_000  # about 60,000 persons
SCROLL_HOUSEHOLDS = 100_000  # the "smooth at 100,000 households"
SCROLL_JUMPS = 40  # 20 down from the top to the bottom, 20 back up between them


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


def _visible_rows(view: "QTableView") -> range:
    first = max(view.rowAt(0), 0)
    last = view.rowAt(view.viewport().height() - 1)
    return range(first, (view.model().rowCount() - 1 if last < 0 else last) + 1)


def _scroll_jumps(app: "QApplication", view: "QTableView", jumps: int, idle: Callable[[], object]) -> list[float]:
    """Drag the scroll bar in ``jumps`` jumps: down from the top to the bottom, then back up to the top, each
    landing at a random place (fixed seed) in its own stretch of the list, as a hand on the scroll bar does
    (even stops would always land just before a page boundary of the lazy model: two pages per jump).
    The way back lands between the earlier stops, on rows not read yet. Each jump is timed from moving the
    scroll bar until every visible row is loaded and painted (ms)."""
    model = view.model()
    is_loaded = getattr(model, "is_loaded", None)  # the lazy model; a plain model has every row at once
    bar = view.verticalScrollBar()
    top, half = bar.maximum(), max(jumps // 2, 1)
    rng = random.Random(2026)
    down = [round(top * (i + rng.random()) / half) for i in range(1, half)] + [top]  # stretches 1.., bottom
    up = [round(top * (i + rng.random()) / half) for i in reversed(range(half))]  # every stretch, back to 0
    stops = down + up
    samples: list[float] = []
    for stop in stops:
        t0 = time.perf_counter()
        bar.setValue(stop)
        deadline = t0 + 30
        while True:
            app.processEvents()  # paints; the lazy model asks for the pages it lacks
            if is_loaded is None or all(is_loaded(r) for r in _visible_rows(view)):
                app.processEvents()  # the repaint with the rows that just arrived
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"rows at {stop} never loaded")
            idle()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _child_scroll(db_path: str, jumps: int) -> None:
    """The households page in the main window (1366x768), then a plain QTableView over an in-memory model
    with as many rows, of the same size, fonts and row height: the same scroll-bar jumps on each."""
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.qt import QApplication, QtCore, QtWidgets

    app = QApplication([])
    install_language("vi", app)
    ctx = _context(Path(db_path))
    win = MainWindow(ctx)
    win.resize(1366, 768)
    win.show()
    page = win.page("households")
    win.nav.setCurrentRow(win.pages.index(page))
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:  # the first list of ids, and the first page of rows
        app.processEvents()
        if not page.loading and ctx.tasks.wait(10):  # type: ignore[attr-defined]
            app.processEvents()
            if ctx.tasks.wait(0):
                break
    table = page.table  # type: ignore[attr-defined]
    rows = table.model().rowCount()
    model, reads = page.model, []  # type: ignore[attr-defined]
    read = model._read  # what a page of rows costs on the worker thread, reported beside the figure

    def timed_read(ids: list[str]) -> object:
        t0 = time.perf_counter()
        out = read(ids)
        reads.append((time.perf_counter() - t0) * 1000)
        return out

    model._read = timed_read
    ours = _scroll_jumps(app, table, jumps, lambda: ctx.tasks.wait(1))
    visible = len(_visible_rows(table))

    class PlainModel(QtCore.QAbstractTableModel):
        def __init__(self, cells: list[tuple[str, str, str, str, str]]) -> None:
            super().__init__()
            self.cells = cells

        def rowCount(self, parent: object = None) -> int:
            return len(self.cells)

        def columnCount(self, parent: object = None) -> int:
            return 5

        def data(
            self,
            index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
            role: int = QtCore.Qt.ItemDataRole.DisplayRole,
        ) -> object:
            if role != QtCore.Qt.ItemDataRole.DisplayRole:
                return None
            return self.cells[index.row()][index.column()]

    cells = [(f"Nguyễn Văn Hộ {i}", "Buôn Kô Tam", f"Số {i} Y Jút", "4", "05/02/2026") for i in range(rows)]
    plain = QtWidgets.QTableView()
    plain.setModel(PlainModel(cells))
    plain.setFont(table.font())
    plain.setAlternatingRowColors(True)
    plain.verticalHeader().setVisible(False)
    plain.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    for col in range(5):
        plain.horizontalHeader().resizeSection(col, table.horizontalHeader().sectionSize(col))
    plain.resize(table.size())
    plain.show()
    app.processEvents()
    theirs = _scroll_jumps(app, plain, jumps, lambda: None)
    row = {"rows": rows, "visible_rows": visible, "ours": ours, "plain": theirs, "reads": reads, "rss_mb": _rss_mb()}
    sys.stdout.write(json.dumps(row) + "\n")
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
    Services(db).users.create("Bench", "commune_operator", "246810")
    demo.generate(db, households=STARTUP_HOUSEHOLDS, seed=11, activity=False, batch=5000)
    db.close()
    return path


def scroll_db(households: int = SCROLL_HOUSEHOLDS) -> Path:
    """The demo generator's database with this many households, built once and kept in ``bench-data/``."""
    from bench.big_db import big_database

    return big_database(households)


def run_scroll(db: Path, jumps: int = SCROLL_JUMPS) -> None:
    """Scrolling the households list with the scroll bar, in a fresh process on the 100,000-household file."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "bench.ui_bench", "scroll", str(db), str(jumps)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    ours, plain = data["ours"], data["plain"]
    emit(
        "scroll_jump_100k_households",
        median(ours),
        "ms",
        median(plain),
        "the same jumps on a plain QTableView over an in-memory QAbstractTableModel with as many rows",
        note="households page (lazy model, pages of 200 read in the background), 1366x768: median per jump"
        " from moving the scroll bar until every visible row is loaded and painted",
        households=data["rows"],
        visible_rows=data["visible_rows"],
        jumps=len(ours),
        p95_ms=round(pct(ours, 0.95), 1),
        baseline_p95_ms=round(pct(plain, 0.95), 1),
        max_ms=round(max(ours), 1),
        page_reads=len(data["reads"]),
        page_read_median_ms=round(median(data["reads"]), 1) if data["reads"] else None,
        rss_mb=round(data["rss_mb"], 1),
    )


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
    run_scroll(scroll_db())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bare":
        _child_bare()
    elif len(sys.argv) > 2 and sys.argv[1] == "app":
        _child_app(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "keystroke":
        _child_keystroke(sys.argv[2])
    elif len(sys.argv) > 3 and sys.argv[1] == "scroll":
        _child_scroll(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "scroll-figure":  # only this figure: python -m bench.ui_bench ...
        run_scroll(scroll_db())
    else:
        run()
