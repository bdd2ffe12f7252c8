"""Where the app keeps its files. One module owns every path; each has an environment override.

``DLSO_DATA_DIR`` moves everything (portable installs, tests). Otherwise the folder the user chose in Settings
(written by :func:`set_chosen_data_dir` to ``data-location.txt`` in the platform folder below: the settings file
itself lives in the data folder, so the choice must be kept outside it), else the per-user data folder of the
platform: ``%LOCALAPPDATA%\\DLSO`` on Windows, ``~/Library/Application Support/DLSO`` on macOS,
``$XDG_DATA_HOME/dlso`` (default ``~/.local/share/dlso``) elsewhere. Nothing is ever written next to the
executable.
"""

import os
import sys
from pathlib import Path

DB_FILENAME = "dlso.sqlite"  # (this module imports nothing heavy: the app window appears before the data layer)


LOCATION_FILENAME = "data-location.txt"


def data_dir(override: str | Path | None = None) -> Path:
    """The data folder: ``override`` (``--data-dir``), else ``DLSO_DATA_DIR``, else the folder chosen in
    Settings, else the platform's per-user folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("DLSO_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return chosen_data_dir() or default_data_dir()


def default_data_dir() -> Path:
    """The platform's per-user data folder (where the app starts unless told otherwise)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "DLSO"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "DLSO"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "dlso"


def location_file() -> Path:
    """Where the folder chosen in Settings is remembered (one UTF-8 line: an absolute path)."""
    return default_data_dir() / LOCATION_FILENAME


def chosen_data_dir() -> Path | None:
    """The data folder chosen in Settings, or None (never chosen, or the record is unreadable)."""
    try:
        text = location_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    path = Path(text) if text else None
    return path if path is not None and path.is_absolute() else None


def set_chosen_data_dir(folder: Path | None) -> None:
    """Remember ``folder`` as the data folder from the next start on (None: back to the platform folder).

    Written to a temporary file and renamed over the old record, so a crash never leaves half a path."""
    target = location_file()
    if folder is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(str(Path(folder).expanduser().absolute()) + "\n", encoding="utf-8")
    tmp.replace(target)


def database_path(base: Path) -> Path:
    return base / DB_FILENAME


def backups_dir(base: Path) -> Path:
    return base / "backups"


def logs_dir(base: Path) -> Path:
    return base / "logs"
