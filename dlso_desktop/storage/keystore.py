"""The keystore: the database key, wrapped once per local user's PIN and once by the operator's recovery key.

A laptop database is encrypted (SQLCipher, ``storage.db``) with a random 32-byte key that never touches the
disk in the clear. The file ``<database>.keys.json`` beside the database holds it *wrapped*:

* one entry per local user: ``user_id``, ``display_name`` (a team member's name, shown on the sign-in screen
  before the database is open; never a citizen's) and the key encrypted with AES-256-GCM under a key derived
  from the user's PIN with scrypt (:data:`SCRYPT_N`, r=8, p=1: ~0.3 s and 128 MiB here), a random salt and
  nonce per entry, and the user id as associated data (an entry cannot be moved to another user);
* one entry for the commune operator's recovery key: 35 random Base32 letters (175 bits) plus a 5-letter
  check group, printed once at set-up as 8 groups of 5. It is high-entropy, so its wrapping key comes from
  HKDF-SHA256 (a slow KDF would add nothing); the check group tells a typo from a wrong key.

Each entry is independent: changing a PIN rewraps one entry, removing a user deletes one entry, and nothing
else in the file changes. The file also holds a *key check* (HMAC-SHA256 of a constant under the database
key): a wrapped key that decrypts is compared with it, and an entry cannot be added for another database's
key by mistake. Writes are atomic (temporary file, fsync, ``os.replace``) and the file is private (0600).

The file format is documented in docs/ENCRYPTION.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "dlso-keystore"
VERSION = 1
KEY_BYTES = 32
#: scrypt cost for PINs: n=2**17, r=8, p=1 takes ~0.3 s and 128 MiB on the development machine (2 cores);
#: stored per entry, so it can be raised later without breaking existing entries
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648: no 0/1/8/9, which look like O/I/B/g
_RECOVERY_RANDOM = 35  # letters of randomness (175 bits)
_RECOVERY_GROUPS = 8  # 7 random groups + 1 check group
_AD_PREFIX = b"dlso-keystore-v1|"


class KeystoreError(Exception):
    """A keystore problem; ``message_vi`` is shown to the user."""

    code = "keystore"

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


class WrongPin(KeystoreError):
    code = "wrong_pin"

    def __init__(self) -> None:
        super().__init__("Mã PIN không đúng.", "Wrong PIN.")


class UnknownUser(KeystoreError):
    code = "unknown_user"

    def __init__(self) -> None:
        super().__init__(
            "Người dùng này không có quyền mở dữ liệu trên máy này.", "This user cannot unlock the data on this laptop."
        )


class WrongRecoveryKey(KeystoreError):
    code = "wrong_recovery_key"

    def __init__(self) -> None:
        super().__init__("Khóa khôi phục không đúng.", "Wrong recovery key.")


class MalformedRecoveryKey(KeystoreError):
    code = "malformed_recovery_key"

    def __init__(self) -> None:
        super().__init__(
            "Khóa khôi phục gồm 8 nhóm 5 chữ (A–Z, 2–7); hãy kiểm tra lại từng chữ.",
            "A recovery key is 8 groups of 5 characters (A–Z, 2–7); check each character.",
        )


class KeyMismatch(KeystoreError):
    code = "key_mismatch"

    def __init__(self) -> None:
        super().__init__(
            "Khóa này không phải khóa của cơ sở dữ liệu đi kèm tệp khóa.",
            "This key is not the key of the database this keystore belongs to.",
        )


def keystore_path(db_path: Path) -> Path:
    """``<database>.keys.json`` beside the database."""
    return db_path.with_name(db_path.name + ".keys.json")


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    return base64.b64decode(str(text).encode("ascii"), validate=True)


def _key_check(db_key: bytes) -> str:
    return _b64(hmac.new(db_key, b"dlso database key check v1", hashlib.sha256).digest()[:16])


def _ad(kind: str, user_id: str = "") -> bytes:
    return _AD_PREFIX + kind.encode() + b"|" + user_id.encode()


def _pin_key(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(pin.encode("utf-8"))


def _recovery_kek(secret: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"dlso recovery key v1").derive(secret)


def _check_group(random_part: str) -> str:
    digest = hashlib.sha256(b"dlso recovery check|" + random_part.encode("ascii")).digest()
    value = int.from_bytes(digest[:4], "big") >> 7  # 25 bits
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(5)))


def new_recovery_key() -> str:
    """8 groups of 5 Base32 letters, e.g. ``K7QXA-...``; the last group is a check."""
    body = "".join(secrets.choice(_B32) for _ in range(_RECOVERY_RANDOM))
    text = body + _check_group(body)
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> str:
    """The 35 random letters of a typed recovery key (spaces, dashes and case ignored; 0/1/8 read as O/I/B).

    Raises :class:`MalformedRecoveryKey` for a key of the wrong shape or a typo (the check group)."""
    cleaned = "".join(c for c in text.upper() if not c.isspace() and c != "-")
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    if len(cleaned) != _RECOVERY_GROUPS * 5 or any(c not in _B32 for c in cleaned):
        raise MalformedRecoveryKey()
    body, check = cleaned[:_RECOVERY_RANDOM], cleaned[_RECOVERY_RANDOM:]
    if not hmac.compare_digest(_check_group(body), check):
        raise MalformedRecoveryKey()
    return body


@dataclass(frozen=True, slots=True)
class KeystoreUser:
    user_id: str
    display_name: str


class Keystore:
    """The wrapped keys of one database. Open with :meth:`load`, make with :meth:`create`."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self._data = data

    # --- files ------------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, db_key: bytes) -> Keystore:
        """A new keystore for ``db_key`` with no entries yet (add users and the recovery key next)."""
        if len(db_key) != KEY_BYTES:
            raise ValueError(f"a database key is {KEY_BYTES} bytes")
        if path.exists():
            raise KeystoreError(
                f"Đã có tệp khóa tại {path}; không ghi đè.", f"A keystore already exists at {path}; not overwriting it."
            )
        store = cls(path, {"format": FORMAT, "version": VERSION, "key_check": _key_check(db_key), "entries": []})
        store._save()
        return store

    @classmethod
    def load(cls, path: Path) -> Keystore:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise KeystoreError(
                f"Không tìm thấy tệp khóa {path}: không thể mở dữ liệu đã mã hóa.",
                f"No keystore at {path}: the encrypted data cannot be opened.",
            ) from exc
        except (OSError, ValueError) as exc:
            raise KeystoreError(f"Tệp khóa {path} bị hỏng.", f"The keystore {path} is damaged ({exc}).") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
            raise KeystoreError(f"Tệp {path} không phải tệp khóa DLSO.", f"{path} is not a DLSO keystore.")
        if data.get("version") != VERSION:
            raise KeystoreError(
                f"Tệp khóa {path} được tạo bởi phiên bản DLSO khác (phiên bản {data.get('version')}).",
                f"The keystore {path} was written by another DLSO version (version {data.get('version')}).",
            )
        return cls(path, data)

    def _save(self) -> None:
        """Atomically: a private temporary file, fsync, ``os.replace``, then the folder is synced."""
        from dlso_desktop.storage.db import fsync_dir

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.unlink(missing_ok=True)
        payload = json.dumps(self._data, ensure_ascii=False, indent=1).encode("utf-8")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.path.parent)

    # --- reading ----------------------------------------------------------------------------------------

    def _entries(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self._data["entries"] if isinstance(e, dict) and e.get("kind") == kind]

    def users(self) -> list[KeystoreUser]:
        """Who can unlock this laptop's data (for the sign-in screen, before the database is open)."""
        return [KeystoreUser(str(e["user_id"]), str(e.get("display_name", ""))) for e in self._entries("user")]

    def pending_users(self) -> list[KeystoreUser]:
        """Active users who have no entry yet (a laptop encrypted before they signed in again): listed on the
        sign-in screen as needing the operator to set their PIN. They unlock nothing."""
        return [KeystoreUser(str(e["user_id"]), str(e.get("display_name", ""))) for e in self._entries("pending")]

    def set_pending(self, users: list[KeystoreUser]) -> None:
        self.set_pending_pairs([(u.user_id, u.display_name) for u in users])

    def set_pending_pairs(self, users: list[tuple[str, str]]) -> None:
        """Replace the list of pending users (entries of kind ``pending``: an id and a name, no key)."""
        entries = [e for e in self._data["entries"] if not (isinstance(e, dict) and e.get("kind") == "pending")]
        entries += [{"kind": "pending", "user_id": uid, "display_name": name} for uid, name in users]
        if entries != self._data["entries"]:
            self._data["entries"] = entries
            self._save()

    @property
    def has_recovery(self) -> bool:
        return bool(self._entries("recovery"))

    def _checked(self, db_key: bytes) -> bytes:
        if len(db_key) != KEY_BYTES or not hmac.compare_digest(_key_check(db_key), str(self._data["key_check"])):
            raise KeyMismatch()
        return db_key

    # --- users ------------------------------------------------------------------------------------------

    def add_user(self, user_id: str, display_name: str, pin: str, db_key: bytes) -> None:
        """Wrap ``db_key`` under ``pin`` for ``user_id`` (replacing that user's entry: a PIN reset)."""
        self._checked(db_key)
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = _pin_key(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        entry = {
            "kind": "user",
            "user_id": user_id,
            "display_name": display_name,
            "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
            "nonce": _b64(nonce),
            "wrapped_key": _b64(AESGCM(kek).encrypt(nonce, db_key, _ad("user", user_id))),
        }
        others = [
            e
            for e in self._data["entries"]
            if not (e.get("kind") in ("user", "pending") and e.get("user_id") == user_id)
        ]
        self._data["entries"] = [*others, entry]
        self._save()

    def rename_user(self, user_id: str, display_name: str) -> None:
        """Change the name shown on the sign-in screen (the wrapped key is unchanged)."""
        changed = False
        for e in self._entries("user"):
            if e.get("user_id") == user_id and e.get("display_name") != display_name:
                e["display_name"] = display_name
                changed = True
        if changed:
            self._save()

    def remove_user(self, user_id: str) -> None:
        """Delete the user's entry: their PIN no longer unlocks anything (the key itself is unchanged, so a
        copy of the old keystore still opens with the old PIN; see docs/ENCRYPTION.md, "Re-keying")."""
        before = len(self._data["entries"])
        self._data["entries"] = [
            e for e in self._data["entries"] if not (e.get("kind") == "user" and e.get("user_id") == user_id)
        ]
        if len(self._data["entries"]) == before:
            raise UnknownUser()
        self._save()

    def unlock(self, user_id: str, pin: str) -> bytes:
        """The database key, or :class:`WrongPin` (nothing else is said about why)."""
        entry = next((e for e in self._entries("user") if e.get("user_id") == user_id), None)
        if entry is None:
            raise UnknownUser()
        try:
            kdf = entry["kdf"]
            if kdf.get("name") != "scrypt":
                raise KeystoreError("Tệp khóa bị hỏng.", "The keystore is damaged (unknown KDF).")
            kek = _pin_key(pin, _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
            nonce, wrapped = _unb64(entry["nonce"]), _unb64(entry["wrapped_key"])
        except (KeyError, TypeError, ValueError) as exc:
            raise KeystoreError("Tệp khóa bị hỏng.", f"The keystore is damaged ({exc}).") from exc
        try:
            db_key = AESGCM(kek).decrypt(nonce, wrapped, _ad("user", user_id))
        except InvalidTag:
            raise WrongPin() from None
        return self._checked(db_key)

    def change_pin(self, user_id: str, old_pin: str, new_pin: str) -> None:
        """Rewrap the user's entry under a new PIN (the old PIN proves the user may)."""
        db_key = self.unlock(user_id, old_pin)
        name = next(u.display_name for u in self.users() if u.user_id == user_id)
        self.add_user(user_id, name, new_pin, db_key)

    # --- the operator's recovery key ---------------------------------------------------------------------

    def set_recovery(self, db_key: bytes) -> str:
        """A new recovery key (replacing any earlier one), returned once for printing; only its wrapped
        database key is stored."""
        self._checked(db_key)
        text = new_recovery_key()
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = _recovery_kek(parse_recovery_key(text).encode("ascii"), salt)
        entry = {
            "kind": "recovery",
            "kdf": {"name": "hkdf-sha256", "salt": _b64(salt)},
            "nonce": _b64(nonce),
            "wrapped_key": _b64(AESGCM(kek).encrypt(nonce, db_key, _ad("recovery"))),
        }
        self._data["entries"] = [*(e for e in self._data["entries"] if e.get("kind") != "recovery"), entry]
        self._save()
        return text

    def clear_recovery(self) -> None:
        """Forget the recovery entry (a key shown but not confirmed as written down: a new one is made)."""
        if self.has_recovery:
            self._data["entries"] = [e for e in self._data["entries"] if e.get("kind") != "recovery"]
            self._save()

    def export_recovery_only(self, dest: Path) -> Keystore:
        """A keystore for a backup taken off the laptop: only the recovery entry (and the key check), so a lost
        copy cannot be attacked through a weak PIN, only through the recovery key."""
        if not self.has_recovery:
            raise KeystoreError(
                "Chưa có khóa khôi phục: hãy tạo khóa khôi phục trước khi sao lưu ra ngoài.",
                "There is no recovery key yet: set one before taking a backup off the laptop.",
            )
        data = {**self._data, "entries": [dict(e) for e in self._entries("recovery")]}
        copy = Keystore(dest, data)
        copy._save()
        return copy

    def unlock_with_recovery(self, recovery_key: str) -> bytes:
        body = parse_recovery_key(recovery_key)
        entries = self._entries("recovery")
        if not entries:
            raise WrongRecoveryKey()
        entry = entries[0]
        try:
            kek = _recovery_kek(body.encode("ascii"), _unb64(entry["kdf"]["salt"]))
            db_key = AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped_key"]), _ad("recovery"))
        except InvalidTag:
            raise WrongRecoveryKey() from None
        except (KeyError, TypeError, ValueError) as exc:
            raise KeystoreError("Tệp khóa bị hỏng.", f"The keystore is damaged ({exc}).") from exc
        return self._checked(db_key)


# --- the growing delay after wrong PINs --------------------------------------------------------------------

#: seconds to wait before the next PIN attempt, by the number of wrong attempts so far: the first
#: :data:`FREE_ATTEMPTS` cost nothing, then 5 s, 15 s, 30 s, 1, 2, 4 min, capped at 5 min
FREE_ATTEMPTS = 3
DELAYS = (5, 15, 30, 60, 120, 240, 300)


def throttle_path(db_path: Path) -> Path:
    """``<database>.signin.json`` beside the database and its keystore: wrong PIN attempts on this laptop."""
    return db_path.with_name(db_path.name + ".signin.json")


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong PINs in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return DELAYS[min(failures - FREE_ATTEMPTS, len(DELAYS) - 1)]


class TooManyAttempts(KeystoreError):
    code = "too_many_attempts"

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(
            f"Đã nhập sai mã PIN nhiều lần. Hãy đợi {wait_seconds} giây rồi thử lại.",
            f"Too many wrong PINs. Wait {wait_seconds} seconds and try again.",
        )


class PinThrottle:
    """Wrong PIN attempts counted per laptop (not per user: an attacker would rotate users), in a small file
    beside the keystore so that restarting the app (or using the CLI) does not reset them. ``clock`` is wall
    time in seconds (injectable for tests). A correct PIN resets the count."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def _read(self) -> tuple[int, float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return max(0, int(data["failures"])), float(data["last_failure"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    @property
    def failures(self) -> int:
        return self._read()[0]

    def wait_seconds(self) -> int:
        """Seconds before the next attempt is allowed (0: now)."""
        failures, last = self._read()
        delay = delay_after(failures)
        if not delay:
            return 0
        remaining = last + delay - self.clock()
        # a clock set backwards never makes the wait longer than the delay itself
        return max(0, min(delay, math.ceil(remaining)))

    def check(self) -> None:
        """Raise :class:`TooManyAttempts` while the delay runs."""
        wait = self.wait_seconds()
        if wait:
            raise TooManyAttempts(wait)

    def failed(self) -> int:
        """Count a wrong PIN; returns the seconds to wait now."""
        failures, _ = self._read()
        self._write({"failures": failures + 1, "last_failure": self.clock()})
        return delay_after(failures + 1)

    def reset(self) -> None:
        if self.path.exists():
            self.path.unlink(missing_ok=True)

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)
