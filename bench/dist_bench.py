"""The built app (issue 7): its size on disk and its start-up to the main window.

Uses the build named by ``DLSO_DIST_EXE``, else ``dist/DLSO-<version>/DLSO``, building it first when there is
none (``make dist``, about 3 minutes). Start-up is measured from spawning the process to the line the app prints
once its main window is on the screen (``--startup-probe``: nothing is opened, no data folder is touched but a
temporary one), 5 times, median; the baseline in the same run is a bare ``QMainWindow`` in a fresh Python
process (bench/ui_bench.py), and the same probe from the source tree is reported beside it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import emit
from bench.ui_bench import ROOT, _spawn_until_shown

RUNS = 5


def built_app() -> Path:
    named = os.environ.get("DLSO_DIST_EXE")
    if named:
        return Path(named)
    found = sorted(ROOT.glob("dist/DLSO-*/DLSO")) + sorted(ROOT.glob("dist/DLSO-*/DLSO.exe"))
    if not found:
        subprocess.run(["make", "dist"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        found = sorted(ROOT.glob("dist/DLSO-*/DLSO"))
    return found[-1]


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def _probe(command: list[str]) -> float:
    """Seconds from spawning ``command --startup-probe`` to its "main window shown" line."""
    with tempfile.TemporaryDirectory(prefix="dlso-bench-start-") as data:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DLSO_DATA_DIR=data)
        t0 = time.perf_counter()
        proc = subprocess.Popen([*command, "--startup-probe"], stdout=subprocess.PIPE, text=True, cwd=data, env=env)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        shown = time.perf_counter() - t0
        proc.wait(timeout=60)
    if line.strip() != "main window shown":
        raise RuntimeError(f"{command[0]} did not show its window: {line!r} (exit {proc.returncode})")
    return shown


def run() -> None:
    exe = built_app()
    bundle = exe.parent
    qt = bundle / "_internal" / "PySide6"
    emit(
        "dist_bundle_mb",
        folder_mb(bundle),
        "MB",
        folder_mb(qt) if qt.is_dir() else None,
        "the Qt libraries and bindings inside the bundle (what any PySide6 app carries)",
        bundle=str(bundle.relative_to(ROOT) if bundle.is_relative_to(ROOT) else bundle),
    )
    built, source, bare = [], [], []
    for _ in range(RUNS):  # interleaved, so a busy moment of the machine falls on all three
        built.append(_probe([str(exe)]))
        source.append(_probe([sys.executable, str(ROOT / "main.py")]))
        bare.append(_spawn_until_shown(["bare"])[0])
    emit(
        "dist_startup_main_window",
        statistics.median(built),
        "s",
        statistics.median(bare),
        "bare QMainWindow in a fresh Python process",
        goal="main window within 2 s of launch",
        built_s=[round(x, 3) for x in built],
        from_source_s=[round(x, 3) for x in source],
        bare_s=[round(x, 3) for x in bare],
    )
