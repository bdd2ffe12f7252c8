"""Server administration: enrollment codes, devices, statistics — used by the CLI, the API and the tests."""

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from dlso_desktop import admin_units
from dlso_desktop.ids import utc_now
from sync.server import apply
from sync.server.models import CommuneCounter, Device, EnrollmentCode, OpReceipt, Record

log = logging.getLogger("dlso.server.admin")

_DEV = Device.__table__  # type: ignore[attr-defined]
_CODE = EnrollmentCode.__table__  # type: ignore[attr-defined]
_REC = Record.__table__  # type: ignore[attr-defined]
_RCPT = OpReceipt.__table__  # type: ignore[attr-defined]
_CTR = CommuneCounter.__table__  # type: ignore[attr-defined]

#: Enrollment codes are single-use and short-lived: 24 hours unless ``$DLSO_SERVER_ENROLLMENT_CODE_HOURS`` says
#: otherwise (at most a week).
CODE_LIFETIME = timedelta(hours=24)
ENV_CODE_HOURS = "DLSO_SERVER_ENROLLMENT_CODE_HOURS"
MAX_CODE_LIFETIME = timedelta(days=7)
#: Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class AdminError(Exception):
    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _fmt(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str  # shown once: "ABCD-EFGH-JKMN"
    commune_code: int
    commune_name: str
    expires_at: str


def code_lifetime() -> timedelta:
    """How long a new enrollment code is valid: ``$DLSO_SERVER_ENROLLMENT_CODE_HOURS`` (a number of hours above
    0, at most a week), else :data:`CODE_LIFETIME`; another value is logged and the default used."""
    text = os.environ.get(ENV_CODE_HOURS, "").strip()
    if not text:
        return CODE_LIFETIME
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= MAX_CODE_LIFETIME.total_seconds() / 3600:
        log.warning("%s=%r is not a number of hours in (0, 168]: codes are valid for 24 hours", ENV_CODE_HOURS, text)
        return CODE_LIFETIME
    return timedelta(hours=hours)


def create_enrollment_code(conn: Connection, commune_code: int, *, lifetime: timedelta | None = None) -> IssuedCode:
    """A new single-use code for the commune, valid ``lifetime`` (default :func:`code_lifetime`); only its
    hash is stored."""
    lifetime = code_lifetime() if lifetime is None else lifetime
    commune = admin_units.commune_by_code(commune_code)  # ValidationError outside Đắk Lắk
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    now = datetime.now(UTC)
    expires = _fmt(now + lifetime)
    conn.execute(
        _CODE.insert().values(
            code_hash=hash_secret(raw), commune_code=commune_code, created_at=_fmt(now), expires_at=expires
        )
    )
    return IssuedCode("-".join(raw[i : i + 4] for i in range(0, 12, 4)), commune_code, commune.display_name, expires)


@dataclass(frozen=True, slots=True)
class Enrolled:
    device_id: str
    commune_code: int
    commune_name: str
    token: str


def enroll(
    conn: Connection, code: str, device_id: str, commune_code: int, device_name: str, app_version: str
) -> Enrolled:
    """Use a one-time code: the device gets a token (returned once; only its hash is stored)."""
    if not all(apply.storable_text(v) for v in (device_id, device_name, app_version)):
        raise AdminError(
            "bad_request",
            "Tên hoặc mã của máy chứa ký tự không hợp lệ.",
            "The device's id, name or app version holds a NUL or invalid Unicode.",
        )
    now = utc_now()
    row = conn.execute(
        select(_CODE.c.commune_code, _CODE.c.expires_at, _CODE.c.used_at)
        .where(_CODE.c.code_hash == hash_secret(normalize_code(code)))
        .with_for_update()
    ).first()
    if row is None:
        raise AdminError("bad_code", "Mã đăng ký không đúng.", "Unknown enrollment code.")
    code_commune, expires_at, used_at = int(row[0]), str(row[1]), row[2]
    if used_at is not None:
        raise AdminError("code_used", "Mã đăng ký này đã được dùng.", "This enrollment code was already used.")
    if expires_at < now:
        raise AdminError("code_expired", "Mã đăng ký đã hết hạn.", "This enrollment code has expired.")
    if code_commune != commune_code:
        theirs = admin_units.commune_by_code(code_commune).display_name
        raise AdminError(
            "wrong_commune",
            f"Mã này dành cho {theirs}, nhưng máy này được thiết lập cho một xã khác.",
            f"This code is for {theirs}, but this laptop is set up for another commune.",
        )
    token = secrets.token_urlsafe(32)
    known = conn.execute(
        select(_DEV.c.commune_code, _DEV.c.revoked_at).where(_DEV.c.id == device_id).with_for_update()
    ).first()
    if known is not None:
        # the same laptop again with a fresh code (its first answer was lost, or its token): the new token
        # replaces the old one; its ops, receipts and cursor stay. A revoked laptop stays revoked.
        if known[1] is not None:
            raise AdminError(
                "revoked",
                "Máy này đã bị thu hồi quyền đồng bộ; không thể đăng ký lại.",
                "This device was revoked and cannot enroll again.",
            )
        if int(known[0]) != commune_code:
            raise AdminError("device_exists", "Máy này đã được đăng ký cho xã khác.", "Enrolled for another commune.")
        conn.execute(
            _DEV.update()
            .where(_DEV.c.id == device_id)
            .values(token_hash=hash_secret(token), name=device_name, app_version=app_version)
        )
    else:
        conn.execute(
            _DEV.insert().values(
                id=device_id,
                commune_code=commune_code,
                name=device_name,
                app_version=app_version,
                token_hash=hash_secret(token),
                enrolled_at=now,
                last_op_id=0,
                pulled_to=0,
            )
        )
    conn.execute(
        _CODE.update()
        .where(_CODE.c.code_hash == hash_secret(normalize_code(code)))
        .values(used_at=now, used_by=device_id)
    )
    apply.lock_counter(conn, commune_code)  # creates the commune's counter on its first device
    return Enrolled(device_id, commune_code, admin_units.commune_by_code(commune_code).display_name, token)


@dataclass(frozen=True, slots=True)
class DeviceRow:
    id: str
    commune_code: int
    name: str
    enrolled_at: str
    last_seen_at: str | None
    revoked_at: str | None
    last_op_id: int


def list_devices(conn: Connection, commune_code: int | None = None) -> list[DeviceRow]:
    q = select(
        _DEV.c.id,
        _DEV.c.commune_code,
        _DEV.c.name,
        _DEV.c.enrolled_at,
        _DEV.c.last_seen_at,
        _DEV.c.revoked_at,
        _DEV.c.last_op_id,
    ).order_by(_DEV.c.commune_code, _DEV.c.enrolled_at)
    if commune_code is not None:
        q = q.where(_DEV.c.commune_code == commune_code)
    return [DeviceRow(*r) for r in conn.execute(q).all()]


def revoke_device(conn: Connection, device_id: str) -> bool:
    """Revoke at once (the next request with its token is refused). False if there is no such device."""
    result = conn.execute(
        _DEV.update().where(_DEV.c.id == device_id, _DEV.c.revoked_at.is_(None)).values(revoked_at=utc_now())
    )
    if result.rowcount:
        return True
    return conn.execute(select(_DEV.c.id).where(_DEV.c.id == device_id)).first() is not None


def stats(conn: Connection) -> dict[str, object]:
    per_commune: dict[int, dict[str, int]] = {}
    for commune, table, deleted, n in conn.execute(
        select(_REC.c.commune_code, _REC.c.table_name, _REC.c.deleted, func.count()).group_by(
            _REC.c.commune_code, _REC.c.table_name, _REC.c.deleted
        )
    ).all():
        key = f"{table}{' (deleted)' if deleted else ''}"
        per_commune.setdefault(int(commune), {})[key] = int(n)
    devices = conn.execute(select(func.count()).select_from(_DEV)).scalar_one()
    revoked = conn.execute(select(func.count()).select_from(_DEV).where(_DEV.c.revoked_at.is_not(None))).scalar_one()
    ops = conn.execute(select(func.count()).select_from(_RCPT)).scalar_one()
    return {
        "devices": int(devices),
        "revoked_devices": int(revoked),
        "ops_received": int(ops),
        "communes": {str(k): v for k, v in sorted(per_commune.items())},
    }


@dataclass(frozen=True, slots=True)
class AuthDevice:
    id: str
    commune_code: int
    revoked: bool


def device_for_token(conn: Connection, token: str) -> AuthDevice | None:
    row = conn.execute(
        select(_DEV.c.id, _DEV.c.commune_code, _DEV.c.revoked_at).where(_DEV.c.token_hash == hash_secret(token))
    ).first()
    if row is None:
        return None
    return AuthDevice(str(row[0]), int(row[1]), row[2] is not None)
