"""Every visible string is translated: the .ts files are complete and in step with the code, and the real
window in Vietnamese shows no English source string. Switching language needs no restart."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.storage.store import Database
from ui.app_context import AppContext
from ui.i18n import LANGUAGES, TRANSLATIONS_DIR, install_language
from ui.main_window import MainWindow
from ui.qt import QApplication, QtWidgets
from ui.settings import LANGUAGE, Settings
from ui.settings_page import SettingsPage
from ui.tasks import Tasks

ROOT = Path(__file__).resolve().parent.parent


def _load_ts_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dlso_ts_tool", ROOT / "scripts" / "ts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dlso_ts_tool", module)
    spec.loader.exec_module(module)
    return module


ts = _load_ts_tool()
TS_FILES = sorted(TRANSLATIONS_DIR.glob("*.ts"))


@pytest.mark.parametrize("module", ts.modules(), ids=lambda p: p.name)
def test_module_strings_are_in_its_ts_and_translated(module: Path) -> None:
    ts_file = ts.ts_for(module)
    missing = sorted(ts.stale(module))
    assert not missing, f"run: .venv/bin/python scripts/ts.py update ui/{module.name}; missing: {missing}"
    todo = ts.untranslated(ts_file) if ts_file.exists() else []
    assert not todo, f"untranslated in {ts_file.name}: {todo}"


def test_ts_check_passes() -> None:
    """The same check as `scripts/ts.py check` (all modules and qtbase_vi.ts)."""
    assert ts.check() == []


@pytest.mark.parametrize("ts_file", TS_FILES, ids=lambda p: p.name)
def test_no_unfinished_translations(ts_file: Path) -> None:
    text = ts_file.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    assert "type='unfinished'" not in text


def _english_sources(scratch: Path) -> set[str]:
    """English source strings whose Vietnamese differs (a source equal to its translation, e.g. "OK" in some
    languages or a Vietnamese source, proves nothing when seen on screen), plus the strings of the code that no
    .ts file holds yet (extracted afresh, so a string missing from the .ts files is caught too)."""
    out: set[str] = set()
    same: set[str] = set()
    for ts_file in TS_FILES:
        for _ctx, source, tr in ts.messages(ts_file):
            translated = "".join(tr.itertext()).strip()
            (same if source.strip() == translated else out).add(source)
    for module in ts.modules():
        fresh = ts.update(module, scratch / f"{module.stem}_vi.ts")
        out |= {source for _ctx, source, _tr in ts.messages(fresh) if source not in same}
    out |= {s.replace("&", "") for s in out}
    return {s for s in out if s.strip()} - set(LANGUAGES.values())


def _visible_texts(window: QtWidgets.QMainWindow) -> list[tuple[str, str]]:
    """(what, text) for every text the user can see in the window now."""
    texts: list[tuple[str, str]] = [("window title", window.windowTitle())]
    for w in window.findChildren(QtWidgets.QWidget):
        if not w.isVisible():
            continue
        name = f"{type(w).__name__}({w.objectName()})"
        if w.isWindow():
            texts.append((f"{name} title", w.windowTitle()))
        if isinstance(w, QtWidgets.QLabel | QtWidgets.QAbstractButton):
            texts.append((name, w.text()))
        elif isinstance(w, QtWidgets.QLineEdit):
            texts.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QtWidgets.QGroupBox):
            texts.append((name, w.title()))
        elif isinstance(w, QtWidgets.QTabWidget):
            texts += [(f"{name} tab", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QtWidgets.QComboBox):
            texts += [(f"{name} item", w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QtWidgets.QListWidget) and w.objectName() == "navigation":
            texts += [(f"{name} item", w.item(i).text()) for i in range(w.count())]
    return texts


def _ctx(window: MainWindow) -> AppContext:
    assert window.ctx is not None
    return window.ctx


@pytest.fixture
def vietnamese_window(qtbot: QtBot, qapp: QApplication, db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    qm = {p: p.with_suffix(".qm") for p in TS_FILES}
    stale_qm = [p.name for p, q in qm.items() if not q.exists() or q.stat().st_mtime < p.stat().st_mtime]
    assert not stale_qm, f"compiled translations missing or older than their .ts (run `make qm`): {stale_qm}"
    loaded = install_language("vi", qapp)
    assert {p.name for p in loaded} >= {p.with_suffix(".qm").name for p in TS_FILES}
    user = Services(db).users.create("Nguyễn Thị Lan", "team_member", "246810")
    ctx = AppContext(db, user, Tasks(), Settings(tmp_path / "data"), tmp_path / "data")
    ctx.settings.set(LANGUAGE, "vi")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        ctx.tasks.wait()
        QApplication.processEvents()
        install_language("en", qapp)


def test_vietnamese_window_shows_no_english_source_string(
    qtbot: QtBot, vietnamese_window: MainWindow, tmp_path: Path
) -> None:
    window = vietnamese_window
    english = _english_sources(tmp_path / "fresh-ts")
    shown_english: dict[tuple[str, str], str] = {}  # (what, text) -> first page it was seen on
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        _ctx(window).tasks.wait()
        QApplication.processEvents()  # results of the page's background reads
        assert window.stack.currentIndex() == row
        for what, text in _visible_texts(window):
            if text in english or text.replace("&", "") in english:
                shown_english.setdefault((what, text), window.keys[row])
    report = [f"[{page}] {what}: {text!r}" for (what, text), page in shown_english.items()]
    assert not report, "shown untranslated:\n" + "\n".join(report)
    assert window.nav.item(0).text() == "Tổng quan"
    assert "Chưa đồng bộ" in window.pending_label.text()


def test_switching_language_needs_no_restart(qtbot: QtBot, vietnamese_window: MainWindow) -> None:
    window = vietnamese_window
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    vi_labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert vi_labels[0] == "Tổng quan" and vi_labels[-1] == "Cài đặt"

    page.set_language("en")
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "Overview")
    en_labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert en_labels[-1] == "Settings"
    assert all(a != b for a, b in zip(vi_labels, en_labels, strict=True)), (vi_labels, en_labels)
    assert _ctx(window).settings.get(LANGUAGE) == "en"
    assert "Not synced" in window.pending_label.text()

    page.set_language("vi")
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "Tổng quan")
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == vi_labels
    assert _ctx(window).settings.get(LANGUAGE) == "vi"
    assert page.language.currentData() == "vi"
