"""A new laptop in one step: the encrypted database, its keystore, the first user and the recovery key.

``dlso init`` and the built app's self-test use it; the app's first run does the same steps with dialogs
between them (``ui.first_run``). Either the whole laptop exists afterwards or nothing does: everything is made
under a temporary name in the data folder (``storage.store.setting_up_path``) and moved into place once the
first user exists (``move_new_database``), so a crash or a refused name or PIN never leaves a database that
nobody can open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlso_desktop.storage.db import DatabaseError
from dlso_desktop.storage.keystore import keystore_path
from dlso_desktop.storage.store import (
    create_encrypted_database,
    discard_files,
    move_new_database,
    setting_up_path,
)


@dataclass(frozen=True, slots=True)
class NewLaptop:
    device_id: str
    operator_id: str
    operator_name: str
    recovery_key: str  # shown once, to be printed; not stored anywhere in clear


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
    part = setting_up_path(path)
    discard_files(part)  # an earlier set-up that stopped half-way: nobody could open it
    try:
        db = create_encrypted_database(part, commune_code)
        try:
            user = Services(db).users.create(operator_name, "commune_operator", pin)
            recovery = db.new_recovery_key()
        except BaseException:
            db.close()
            raise
        db = move_new_database(db, path)
        device_id = db.device_id
        db.close()
    except BaseException:
        discard_files(part)
        if not path.exists():
            keystore_path(path).unlink(missing_ok=True)
        raise
    return NewLaptop(device_id, user.id, user.display_name, recovery)
