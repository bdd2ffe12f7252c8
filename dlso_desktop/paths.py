"""Where the app keeps its files. One module owns every path; each has an environment override.

``DLSO_DATA_DIR`` moves everything (portable installs, tests). Otherwise the per-user data folder of the
platform: ``%LOCALAPPDATA%\\DLSO`` on Windows, ``~/Library/Application Support/DLSO`` on macOS,
``$XDG_DATA_HOME/dlso`` (default ``~/.local/share/dlso``) elsewhere. Nothing is ever written next to the
executable.
"""

import os
import sys
from pathlib import Path

DB_FILENAME = "dlso.sqlite"  # (this module imports nothing heavy: the app window appears before the data layer)


def data_dir(override: str | Path | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get("DLSO_DATA_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "DLSO"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "DLSO"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "dlso"


def database_path(base: Path) -> Path:
    return base / DB_FILENAME


def backups_dir(base: Path) -> Path:
    return base / "backups"


def logs_dir(base: Path) -> Path:
    return base / "logs"
