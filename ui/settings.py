"""App settings: a typed registry of options with defaults, stored in ``settings.ini`` in the data folder.

Keeping the file in the data folder (not the registry) means ``DLSO_DATA_DIR`` moves settings with the data
for a portable install, and tests never touch the user's settings. ``SETTINGS_VERSION`` lets a later release
upgrade stored values.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui.qt import QtCore

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Option[T: (str, int, bool)]:
    key: str
    default: T


LANGUAGE = Option("ui/language", "vi")
FONT_SCALE = Option("ui/font_scale_percent", 100)  # 100 or 125 (readable at 1366x768 either way)
LAST_USER = Option("session/last_user_id", "")
SYNC_SERVER = Option("sync/server_url", "")
#: lock the window after this many minutes without keyboard or mouse input (issue 6)
AUTO_LOCK_MINUTES = Option("security/auto_lock_minutes", 5)
AUTO_LOCK_CHOICES: tuple[int, ...] = (1, 2, 5, 10, 15, 30)


class Settings:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._q = QtCore.QSettings(str(data_dir / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        stored: Any = self._q.value("meta/version", 0)
        if int(stored or 0) < SETTINGS_VERSION:
            self._q.setValue("meta/version", SETTINGS_VERSION)

    @property
    def file(self) -> Path:
        """The settings file (``settings.ini`` in the data folder)."""
        return Path(self._q.fileName())

    def get[T: (str, int, bool)](self, option: Option[T]) -> T:
        value: Any = self._q.value(option.key, option.default)
        default = option.default
        if isinstance(default, bool):
            return type(default)(value in (True, "true", "1", 1))
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            return default

    def set[T: (str, int, bool)](self, option: Option[T], value: T) -> None:
        self._q.setValue(option.key, value)
        self._q.sync()
