"""Moving the data to another folder (Settings → Data): check the folder, copy the database safely, remember it.

:func:`move_data` runs on the write thread (``ctx.tasks.write``) so the copy cannot interleave with a save. The
copy is made with SQLite's online backup (``Database.backup``): never a raw copy of a live WAL database. The
app keeps working on the current folder; the chosen one is used from the next start (``dlso_desktop.paths``).
Refusals carry a :class:`Problem` code; the Settings page turns it into a translated message.
"""

import contextlib
import os
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from dlso_desktop import paths
from dlso_desktop.storage.keystore import keystore_path, throttle_path
from dlso_desktop.storage.store import Database


class Problem(StrEnum):
    SAME_FOLDER = "same_folder"  # the folder already in use
    NOT_A_FOLDER = "not_a_folder"  # a file, not a folder
    NOT_WRITABLE = "not_writable"  # cannot be created or written to
    OTHER_DATABASE = "other_database"  # holds another laptop's DLSO database, or a file that is not one
    COPY_FAILED = "copy_failed"  # the copy could not be made or did not check out


class FolderRefused(Exception):
    """The chosen folder cannot be used; nothing was changed."""

    def __init__(self, problem: Problem, folder: Path, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {folder}" + (f" ({detail})" if detail else ""))
        self.problem = problem
        self.folder = folder
        self.detail = detail


_SIDE_FILES = ("", "-wal", "-shm", "-journal")
#: files beside the database that belong to it: its keystore and its PIN throttle, named as the keystore names them
_BESIDE = tuple(f(Path("dlso.sqlite")).name.removeprefix("dlso.sqlite") for f in (keystore_path, throttle_path))


def check_folder(db: Database, target: Path, current_dir: Path) -> Path | None:
    """Refuse (:class:`FolderRefused`) a folder that cannot take the data. Returns the database file already
    there when it is an older copy of this laptop's own data (it is set aside, not lost), else None."""
    if target.exists() and not target.is_dir():
        raise FolderRefused(Problem.NOT_A_FOLDER, target)
    if target.exists() and current_dir.exists() and target.resolve() == current_dir.resolve():
        raise FolderRefused(Problem.SAME_FOLDER, target)
    existing = paths.database_path(target)
    if existing.exists():
        _, found = db.read_copy(existing, check=False)  # with this laptop's key when encrypted
        if found != db.device_id:
            raise FolderRefused(Problem.OTHER_DATABASE, target)
        return existing
    return None


def _writable(folder: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=".dlso-write-test-", dir=folder)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise FolderRefused(Problem.NOT_WRITABLE, folder, str(exc)) from exc


def move_data(db: Database, current_dir: Path, target: Path, settings_file: Path | None = None) -> Path:
    """Copy the open database (and the settings) into ``target`` and make it the data folder of the next
    start. On any refusal or failure nothing is changed: no copy is left behind, the choice is not stored."""
    target = target.expanduser().absolute()
    older_copy = check_folder(db, target, current_dir)
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderRefused(Problem.NOT_WRITABLE, target, str(exc)) from exc
    set_aside: list[tuple[Path, Path]] = []
    dest = paths.database_path(target)
    copy_started = False
    settings_copy = target / settings_file.name if settings_file is not None else None
    settings_existed = settings_copy is not None and settings_copy.exists()
    try:
        _writable(target)
        if older_copy is not None or any(Path(f"{dest}{s}").exists() for s in _SIDE_FILES[1:]):
            # an older copy of this laptop's data (the user moves back): keep it, with its journal files, aside
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            aside_dir = paths.backups_dir(target)
            aside_dir.mkdir(parents=True, exist_ok=True)
            for suffix in (*_SIDE_FILES, *_BESIDE):
                src = Path(f"{dest}{suffix}")
                if src.exists():
                    moved = aside_dir / f"dlso-before-move-{stamp}.sqlite{suffix}"
                    src.replace(moved)
                    set_aside.append((moved, src))
        copy_started = True
        try:
            db.backup(dest)
            ok, device = db.read_copy(dest)
            for name in _BESIDE:  # the keystore (an encrypted laptop's PINs open the copy) and the PIN throttle
                beside = db.path.with_name(db.path.name + name)
                if beside.exists():
                    shutil.copyfile(beside, Path(f"{dest}{name}"))
        except (OSError, sqlite3.Error) as exc:
            raise FolderRefused(Problem.COPY_FAILED, target, str(exc)) from exc
        if not ok or device != db.device_id:
            raise FolderRefused(Problem.COPY_FAILED, target, "the copy did not pass the integrity check")
        if settings_file is not None and settings_copy is not None and settings_file.exists():
            shutil.copyfile(settings_file, settings_copy)
        paths.set_chosen_data_dir(target)
    except BaseException:
        if copy_started:  # remove what this call wrote, then put back what it set aside
            for suffix in (*_SIDE_FILES, *_BESIDE, ".part"):
                with contextlib.suppress(OSError):
                    Path(f"{dest}{suffix}").unlink(missing_ok=True)
            if settings_copy is not None and not settings_existed:
                with contextlib.suppress(OSError):
                    settings_copy.unlink(missing_ok=True)
        for moved, original in set_aside:
            with contextlib.suppress(OSError):
                moved.replace(original)
        if created:
            with contextlib.suppress(OSError):
                shutil.rmtree(target)  # only what this call created
        raise
    return target
