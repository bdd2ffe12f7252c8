"""A new laptop in one step: the encrypted database, its keystore, the first user and the recovery key.

``dlso init`` and the built app's self-test use it; the app's first run does the same steps with a dialog
between them (``ui.first_run``). Either the whole laptop exists afterwards or nothing does: everything is made
under a temporary name in the data folder and moved into place at the end, the keystore first (a keystore
left without its database is removed by the next set-up, see ``create_encrypted_database``), so a crash or a
refused name or PIN never leaves a database that nobody can open.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dlso_desktop.storage.db import DatabaseError, fsync_dir
from dlso_desktop.storage.keystore import keystore_path
from dlso_desktop.storage.store import create_encrypted_database

#: the suffix of the database being set up, beside where it will be
PART = ".new"


@dataclass(frozen=True, slots=True)
class NewLaptop:
    device_id: str
    operator_id: str
    operator_name: str
    recovery_key: str  # shown once, to be printed; not stored anywhere in clear


def _files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"), keystore_path(path)]


def new_encrypted_laptop(path: Path, commune_code: int, operator_name: str, pin: str) -> NewLaptop:
    """Create the encrypted database at ``path`` with the commune operator ``operator_name`` (``pin``) as its
    first user and a recovery key. Bad input (a name or PIN the user rules refuse, a commune outside Đắk Lắk)
    raises :class:`~dlso_desktop.validation.ValidationError` and leaves no file behind; an existing database is
    refused (:class:`DatabaseError`)."""
    from dlso_desktop.services import Services

    if path.exists() and path.stat().st_size > 0:
        raise DatabaseError(
            f"Đã có cơ sở dữ liệu tại {path}; không ghi đè.",
            f"A database already exists at {path}; not overwriting it.",
        )
    part = path.with_name(path.name + PART)
    for leftover in _files(part):
        leftover.unlink(missing_ok=True)  # an earlier set-up that stopped half-way: nobody could open it
    try:
        db = create_encrypted_database(part, commune_code)
        try:
            user = Services(db).users.create(operator_name, "commune_operator", pin)
            recovery = db.new_recovery_key()
            device_id = db.device_id
        finally:
            db.close()
        left = [f.name for f in _files(part)[1:4] if f.exists()]
        if left:
            raise DatabaseError(
                f"Không đóng được cơ sở dữ liệu mới ({', '.join(left)} còn lại).",
                f"The new database did not close cleanly ({', '.join(left)} left).",
            )
        os.replace(keystore_path(part), keystore_path(path))
        os.replace(part, path)
    except BaseException:
        for leftover in _files(part):
            leftover.unlink(missing_ok=True)
        if not path.exists():
            keystore_path(path).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)  # both renames on disk before the recovery key is shown
    return NewLaptop(device_id, user.id, user.display_name, recovery)
