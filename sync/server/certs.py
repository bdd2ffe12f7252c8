"""Certificates on the provincial server (docs/CERTIFICATES_FORMAT.md): the commune signing keys and the trust
list the offline root signs, the per-commune revocation lists, the serial blocks laptops number certificates
from, and the public verification page ``/v/<payload>``.

- **Root key**: never here. ``dlso-server admin keys init-root`` writes it to an encrypted PEM file (kept
  offline); the database keeps its public key only. ``issue-commune`` and ``revoke`` take the file each time and
  re-sign the trust list (key certificates are re-signed with it: Ed25519 signatures are deterministic, so an
  unchanged key certificate comes out byte for byte the same).
- **Commune keys**: the private key is stored encrypted (AES-256-GCM, the key id as associated data) under the
  **server secret**, 32 random bytes in a file outside the database (:func:`secret_path`): a stolen database
  dump holds no usable key, and the secret must be backed up apart from the database (docs/DEPLOY.md).
- **Revocation lists**: laptops sync ``certificate_revocation`` records; before the lists are served the server
  merges each commune's revoked serials and signs them with the commune's current key, with a higher counter.
  A list only ever grows (laptops refuse one that drops a serial).
- **Serial blocks**: ``POST /sync/v1/certificates/serials`` reserves serials of the device's commune, after
  the highest reserved so far, serialised per commune (the commune counter's row lock; SQLite: its writer lock).

Errors carry a stable code and a Vietnamese and an English message (:class:`KeysError`), for the CLI and the API.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import FastAPI, Header, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.dialects.postgresql import insert as _pg_insert
from sqlalchemy.dialects.sqlite import insert as _sqlite_insert
from sqlalchemy.engine import make_url

from dlso_desktop.certificates.keys import (
    VN_TZ,
    RevocationList,
    Revocations,
    TrustEntry,
    TrustError,
    TrustList,
    issue_key_certificate,
    local_date,
    public_key_bytes,
    sign_revocation_list,
    sign_trust_list,
    utc_text,
    wrap_commune_key,
)
from dlso_desktop.certificates.verify import Verdict, verify
from sync import protocol as P
from sync.server.apply import DeviceInfo, lock_counter
from sync.server.db import DEFAULT_SQLITE, FifoSemaphore, read_only, writing
from sync.server.models import Record, RevocationListRow, SerialBlock, ServerMeta, SigningKey

log = logging.getLogger("dlso.server.certs")

__all__ = [
    "ENV_SECRET",
    "KeysError",
    "SigningKeyRow",
    "allocate_serials",
    "commune_signing_key",
    "current_key",
    "init_root",
    "install",
    "issue_commune_key",
    "load_secret",
    "parse_revocation_time",
    "refresh_revocation_lists",
    "revoke_key",
    "root_public_key",
    "secret_path",
    "served_trust",
    "signing_keys",
    "trust_sequence",
]

ENV_SECRET: Final = "DLSO_SERVER_SECRET_FILE"
SECRET_FILE: Final = "server-secret.key"
SECRET_SIZE: Final = 32

META_ROOT: Final = "certificates.root_public_key"  # standard Base64 of the raw 32 bytes
META_TRUST_LIST: Final = "certificates.trust_list"  # the signed document, as text
META_TRUST_SEQUENCE: Final = "certificates.trust_sequence"

#: ``/v/<payload>``: longer text is answered "invalid" without being parsed (real payloads are 167-191 letters)
MAX_PAYLOAD_TEXT: Final = 400
#: validity of a new commune key unless told otherwise (a year and a day: rotated yearly with overlap)
DEFAULT_VALID_DAYS: Final = 366
MAX_SERIAL: Final = 0xFFFFFFFF

REVOCATION_TABLE: Final = "certificate_revocation"
CERTIFICATE_TABLE: Final = "certificate"

_KEY = SigningKey.__table__  # type: ignore[attr-defined]
_BLOCK = SerialBlock.__table__  # type: ignore[attr-defined]
_RL = RevocationListRow.__table__  # type: ignore[attr-defined]
_META = ServerMeta.__table__  # type: ignore[attr-defined]
_REC = Record.__table__  # type: ignore[attr-defined]

_AAD: Final = b"DLSO-SERVERKEY-v1\0"


class KeysError(Exception):
    """A key operation that cannot be done; ``code`` is stable, the messages are for people."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------------------
# The server secret


def secret_path(database_url: str | None = None) -> Path:
    """``$DLSO_SERVER_SECRET_FILE``, else ``server-secret.key`` beside an SQLite server database, else
    ``./server-data/server-secret.key`` (the folder snapshots live under by default)."""
    explicit = os.environ.get(ENV_SECRET)
    if explicit:
        return Path(explicit)
    if database_url:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / SECRET_FILE
    return DEFAULT_SQLITE.parent / SECRET_FILE


def _unavailable(path: Path, why_vi: str, why_en: str) -> KeysError:
    return KeysError(
        "keys_unavailable",
        f"Không dùng được khóa ký của xã: {why_vi} (tệp bí mật máy chủ {path}). Hãy khôi phục tệp này từ bản sao"
        f" lưu, hoặc đặt biến {ENV_SECRET}.",
        f"The commune signing keys cannot be used: {why_en} (server secret file {path}). Restore the file from"
        f" its backup, or set {ENV_SECRET}.",
    )


def load_secret(path: Path, *, create: bool = False) -> bytes:
    """The server secret in ``path``; with ``create``, a new one is made when there is no file (mode 0600,
    its folder 0700). :class:`KeysError` ``keys_unavailable`` when it is missing or damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise _unavailable(path, "không tìm thấy tệp", "the file is missing") from None
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        secret = os.urandom(SECRET_SIZE)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made meanwhile by another process: use that one
            return load_secret(path)
        with os.fdopen(fd, "wb") as f:
            f.write(secret)
            f.flush()
            os.fsync(f.fileno())
        log.info("server secret created in %s", path)
        return secret
    except OSError as exc:
        raise _unavailable(path, f"không đọc được tệp ({exc.strerror})", f"cannot read it ({exc.strerror})") from None
    if len(data) != SECRET_SIZE:
        raise _unavailable(path, "tệp bị hỏng", f"the file is damaged ({len(data)} bytes, not {SECRET_SIZE})")
    return data


def _aad(key_id: int) -> bytes:
    return _AAD + key_id.to_bytes(2, "big")


def _encrypt_key(secret: bytes, key_id: int, key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(secret).encrypt(nonce, raw, _aad(key_id))).decode("ascii")


def _decrypt_key(secret: bytes, key_id: int, stored: str, path: Path) -> Ed25519PrivateKey:
    try:
        blob = base64.b64decode(stored, validate=True)
        raw = AESGCM(secret).decrypt(blob[:12], blob[12:], _aad(key_id))
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (binascii.Error, ValueError, InvalidTag):
        raise _unavailable(
            path, f"tệp bí mật không khớp với khóa {key_id}", f"the secret does not open key {key_id} (wrong file?)"
        ) from None


# ---------------------------------------------------------------------------------------------------------
# Reading the registry


def _meta(conn: Connection, *keys: str) -> dict[str, str]:
    rows = conn.execute(select(_META.c.key, _META.c.value).where(_META.c.key.in_(keys))).all()
    return {str(k): str(v) for k, v in rows}


def _set_meta(conn: Connection, values: dict[str, str | None]) -> None:
    insert = _pg_insert if conn.dialect.name == "postgresql" else _sqlite_insert
    for key, value in values.items():
        if value is None:
            conn.execute(_META.delete().where(_META.c.key == key))
            continue
        stmt = insert(_META).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=[_META.c.key], set_={"value": stmt.excluded.value}))


def _b64_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    return base64.b64encode(public_key_bytes(key)).decode("ascii")


def root_public_key(conn: Connection) -> Ed25519PublicKey | None:
    text = _meta(conn, META_ROOT).get(META_ROOT)
    if not text:
        return None
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def trust_sequence(conn: Connection) -> int:
    text = _meta(conn, META_TRUST_SEQUENCE).get(META_TRUST_SEQUENCE)
    return int(text) if text else 0


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SigningKeyRow:
    key_id: int
    commune_code: int
    public_key: bytes
    valid_from: date
    valid_until: date
    revoked_after: datetime | None
    created_at: str

    def usable_on(self, day: date) -> bool:
        """Whether this key may sign on ``day`` (Vietnam's date): within its validity and never revoked."""
        return self.revoked_after is None and self.valid_from <= day <= self.valid_until

    def as_json(self) -> dict[str, Any]:
        from dlso_desktop.certificates.present import commune_name

        return {
            "key_id": self.key_id,
            "commune_code": self.commune_code,
            "commune_name": commune_name(self.commune_code),
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "revoked_after": None if self.revoked_after is None else utc_text(self.revoked_after),
            "created_at": self.created_at,
        }


_KEY_COLUMNS = (
    _KEY.c.key_id,
    _KEY.c.commune_code,
    _KEY.c.public_key,
    _KEY.c.valid_from,
    _KEY.c.valid_until,
    _KEY.c.revoked_after,
    _KEY.c.created_at,
)


def _key_row(row: Any) -> SigningKeyRow:
    return SigningKeyRow(
        key_id=int(row[0]),
        commune_code=int(row[1]),
        public_key=base64.b64decode(row[2]),
        valid_from=date.fromisoformat(row[3]),
        valid_until=date.fromisoformat(row[4]),
        revoked_after=None if row[5] is None else _utc(row[5]),
        created_at=str(row[6]),
    )


def signing_keys(conn: Connection, commune_code: int | None = None) -> list[SigningKeyRow]:
    q = select(*_KEY_COLUMNS).order_by(_KEY.c.key_id)
    if commune_code is not None:
        q = q.where(_KEY.c.commune_code == commune_code)
    return [_key_row(r) for r in conn.execute(q).all()]


def current_key(conn: Connection, commune_code: int, today: date) -> SigningKeyRow | None:
    """The commune's current key: the highest key id valid today (Vietnam) and not revoked."""
    usable = [k for k in signing_keys(conn, commune_code) if k.usable_on(today)]
    return usable[-1] if usable else None


def commune_signing_key(
    conn: Connection, commune_code: int, secret_file: Path, today: date
) -> tuple[SigningKeyRow, Ed25519PrivateKey] | None:
    """The commune's current key and its private key (None when the commune has no usable key);
    :class:`KeysError` ``keys_unavailable`` when the server secret cannot open it."""
    row = current_key(conn, commune_code, today)
    if row is None:
        return None
    stored = conn.execute(select(_KEY.c.private_key_enc).where(_KEY.c.key_id == row.key_id)).scalar_one()
    key = _decrypt_key(load_secret(secret_file), row.key_id, str(stored), secret_file)
    if public_key_bytes(key) != row.public_key:
        raise _unavailable(secret_file, f"khóa {row.key_id} bị hỏng", f"key {row.key_id} is damaged")
    return row, key


# ---------------------------------------------------------------------------------------------------------
# The root's work: init-root, issue-commune, revoke (the CLI's ``admin keys``)


def _check_root(conn: Connection, root: Ed25519PrivateKey) -> None:
    known = root_public_key(conn)
    if known is None:
        raise KeysError(
            "no_root",
            "Máy chủ chưa có khóa gốc của tỉnh: hãy chạy 'dlso-server admin keys init-root' trước.",
            "The server has no provincial root key yet: run 'dlso-server admin keys init-root' first.",
        )
    if public_key_bytes(known) != public_key_bytes(root):
        raise KeysError(
            "wrong_root",
            "Tệp khóa gốc này không phải khóa gốc mà máy chủ đã ghi nhận.",
            "This root key file is not the root key the server has on record.",
        )


def _sign_trust_list(conn: Connection, root: Ed25519PrivateKey, now: datetime) -> TrustList:
    """A new trust list (sequence + 1) of every key with its status, stored as the served one."""
    entries = [
        TrustEntry(
            issue_key_certificate(
                root,
                key_id=k.key_id,
                commune_code=k.commune_code,
                public_key=k.public_key,
                valid_from=k.valid_from,
                valid_until=k.valid_until,
            ),
            k.revoked_after,
        )
        for k in signing_keys(conn)
    ]
    sequence = trust_sequence(conn) + 1
    signed = sign_trust_list(root, entries, sequence=sequence, issued_at=now)
    _set_meta(conn, {META_TRUST_LIST: signed.to_bytes().decode("utf-8"), META_TRUST_SEQUENCE: str(sequence)})
    return signed


def init_root(conn: Connection, root: Ed25519PrivateKey, *, force: bool = False, now: datetime | None = None) -> None:
    """Record the root's public key. Refused when there is one already, unless ``force``: then the commune keys
    the server holds are certified again by the new root in a new trust list (laptops that pinned the old
    root refuse it: a new root means a new app build)."""
    known = root_public_key(conn)
    if known is not None and not force:
        raise KeysError(
            "root_exists",
            "Máy chủ đã có khóa gốc của tỉnh; dùng --force nếu thật sự muốn thay (các máy đã đồng bộ sẽ từ chối"
            " khóa gốc mới).",
            "The server already has a provincial root key; use --force to replace it (laptops that synced will"
            " refuse the new root).",
        )
    _set_meta(conn, {META_ROOT: _b64_public(root)})
    if signing_keys(conn):
        _sign_trust_list(conn, root, now or _now())


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: int
    commune_code: int
    commune_name: str
    valid_from: str
    valid_until: str
    trust_sequence: int


def issue_commune_key(
    conn: Connection,
    root: Ed25519PrivateKey,
    commune_code: int,
    *,
    secret_file: Path,
    valid_from: date | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: datetime | None = None,
) -> IssuedKey:
    """A new signing key for the commune, certified by the root, stored encrypted under the server secret
    (created on the first key), and a new trust list with it."""
    from dlso_desktop import admin_units
    from dlso_desktop.certificates.keys import MAX_KEY_ID, generate_key

    commune = admin_units.commune_by_code(commune_code)  # ValidationError outside Đắk Lắk
    if valid_days < 1:
        raise KeysError("bad_validity", "Số ngày hiệu lực phải từ 1 trở lên.", "The validity must be at least 1 day.")
    now = now or _now()
    _check_root(conn, root)
    existing = signing_keys(conn)
    secret = load_secret(secret_file, create=not existing)
    if existing:  # the secret must open the keys there are: never keys under two different secrets
        newest = existing[-1]
        stored = conn.execute(select(_KEY.c.private_key_enc).where(_KEY.c.key_id == newest.key_id)).scalar_one()
        _decrypt_key(secret, newest.key_id, str(stored), secret_file)
    key_id = (existing[-1].key_id if existing else 0) + 1
    if key_id > MAX_KEY_ID:
        raise KeysError("no_key_id", "Đã hết mã khóa (tối đa 65535).", "No key id left (at most 65535).")
    start = valid_from or local_date(now)
    until = start + timedelta(days=valid_days - 1)
    key = generate_key()
    certificate = issue_key_certificate(
        root, key_id=key_id, commune_code=commune_code, public_key=key.public_key(), valid_from=start, valid_until=until
    )
    conn.execute(
        _KEY.insert().values(
            key_id=key_id,
            commune_code=commune_code,
            public_key=base64.b64encode(certificate.public_key).decode("ascii"),
            private_key_enc=_encrypt_key(secret, key_id, key),
            valid_from=start.isoformat(),
            valid_until=until.isoformat(),
            revoked_after=None,
            created_at=utc_text(now),
        )
    )
    signed = _sign_trust_list(conn, root, now)
    return IssuedKey(key_id, commune_code, commune.display_name, start.isoformat(), until.isoformat(), signed.sequence)


def parse_revocation_time(text: str) -> datetime:
    """ISO-8601 time (UTC when it says so, Vietnam time when it gives no offset); a date alone is 00:00 in
    Vietnam that day. ValueError when it is none of these."""
    t = text.strip()
    if len(t) == 10:
        d = date.fromisoformat(t)
        return datetime(d.year, d.month, d.day, tzinfo=VN_TZ).astimezone(UTC)
    when = datetime.fromisoformat(t)
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    return when.astimezone(UTC).replace(microsecond=0)


def revoke_key(
    conn: Connection, root: Ed25519PrivateKey, key_id: int, after: datetime, *, now: datetime | None = None
) -> int:
    """Mark ``key_id`` revoked after ``after`` and sign a new trust list; its sequence. A revocation can be
    moved earlier, never later (that would make certificates valid again that verifiers were told are not)."""
    if after.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    _check_root(conn, root)
    row = conn.execute(select(*_KEY_COLUMNS).where(_KEY.c.key_id == key_id)).first()
    if row is None:
        raise KeysError("unknown_key", f"Không có khóa số {key_id}.", f"There is no key {key_id}.")
    key = _key_row(row)
    after = after.astimezone(UTC).replace(microsecond=0)
    if key.revoked_after is not None and after > key.revoked_after:
        raise KeysError(
            "already_revoked",
            f"Khóa {key_id} đã bị thu hồi từ {utc_text(key.revoked_after)}; chỉ có thể đặt thời điểm sớm hơn.",
            f"Key {key_id} is revoked after {utc_text(key.revoked_after)} already; only an earlier time can be set.",
        )
    conn.execute(_KEY.update().where(_KEY.c.key_id == key_id).values(revoked_after=utc_text(after)))
    # the commune's list may be signed by this key: sign it again with the commune's next key (verifiers refuse
    # a list made after its key's revocation time)
    conn.execute(_RL.update().where(_RL.c.commune_code == key.commune_code).values(source_version=-1))
    return _sign_trust_list(conn, root, now or _now()).sequence


# ---------------------------------------------------------------------------------------------------------
# Revocation lists


def _stale_communes(conn: Connection, today: date) -> dict[int, int]:
    """{commune: highest version of its live certificate_revocation records} for the communes whose signed
    list is older and that have a key to sign a new one with (two grouped queries, whatever the data)."""
    newest = (
        select(_REC.c.commune_code, func.max(_REC.c.version).label("v"))
        .where(and_(_REC.c.table_name == REVOCATION_TABLE, _REC.c.deleted.is_(False)))
        .group_by(_REC.c.commune_code)
        .subquery()
    )
    rows = conn.execute(
        select(newest.c.commune_code, newest.c.v, _RL.c.source_version).select_from(
            newest.outerjoin(_RL, _RL.c.commune_code == newest.c.commune_code)
        )
    ).all()
    stale = {int(c): int(v) for c, v, src in rows if src is None or int(v) > int(src)}
    if not stale:
        return stale
    day = today.isoformat()
    keyed = {
        int(c)
        for (c,) in conn.execute(
            select(_KEY.c.commune_code)
            .where(and_(_KEY.c.revoked_after.is_(None), _KEY.c.valid_from <= day, _KEY.c.valid_until >= day))
            .distinct()
        ).all()
    }
    return {c: v for c, v in stale.items() if c in keyed}


def _revoked_serials(conn: Connection, commune_code: int) -> tuple[set[int], int]:
    """(serials of the commune's revoked certificates, highest version of the revocations read)."""
    rows = conn.execute(
        select(_REC.c.version, _REC.c.data).where(
            and_(
                _REC.c.table_name == REVOCATION_TABLE,
                _REC.c.commune_code == commune_code,
                _REC.c.deleted.is_(False),
            )
        )
    ).all()
    ids: set[str] = set()
    high = 0
    for version, data in rows:
        high = max(high, int(version))
        cid = json.loads(data).get("certificate_id")
        if isinstance(cid, str):
            ids.add(cid)
    serials: set[int] = set()
    wanted = sorted(ids)
    for i in range(0, len(wanted), 500):
        for row_id, data in conn.execute(
            select(_REC.c.row_id, _REC.c.data).where(
                and_(_REC.c.table_name == CERTIFICATE_TABLE, _REC.c.row_id.in_(wanted[i : i + 500]))
            )
        ).all():
            fields = json.loads(data)
            serial = fields.get("serial")
            if fields.get("commune_code") != commune_code or not isinstance(serial, int) or isinstance(serial, bool):
                log.warning("certificate %s: no serial of commune %s, not in its revocations", row_id, commune_code)
                continue
            if 0 <= serial <= MAX_SERIAL:
                serials.add(serial)
    return serials, high


def _rebuild(conn: Connection, commune_code: int, secret_file: Path, now: datetime) -> bool:
    """Sign the commune's list again if its revocations changed; True when a new list was signed."""
    lock_counter(conn, commune_code)  # one rebuild of a commune at a time (PostgreSQL; SQLite: the writer lock)
    old = conn.execute(
        select(_RL.c.counter, _RL.c.source_version, _RL.c.document).where(_RL.c.commune_code == commune_code)
    ).first()
    serials, high = _revoked_serials(conn, commune_code)
    if old is not None and high <= int(old[1]):
        return False  # rebuilt meanwhile
    previous: set[int] = set()
    signed_by = None
    if old is not None:
        body = json.loads(old[2]).get("body", {})
        previous = {int(s) for s in body.get("serials", [])}
        signed_by = body.get("key_id")
    merged = serials | previous  # never shrinks: a revocation is never taken back
    found = commune_signing_key(conn, commune_code, secret_file, local_date(now))
    if found is None:
        log.warning("commune %s has revoked certificates but no usable signing key", commune_code)
        return False
    row, key = found
    stamp = utc_text(now)
    if old is not None and merged == previous and signed_by == row.key_id:
        same = _RL.update().where(_RL.c.commune_code == commune_code)
        conn.execute(same.values(source_version=high, updated_at=stamp))
        return False
    counter = (int(old[0]) if old is not None else 0) + 1
    signed = sign_revocation_list(
        key, key_id=row.key_id, commune_code=commune_code, counter=counter, serials=merged, issued_at=now
    )
    values = {"counter": counter, "source_version": high, "document": signed.to_bytes().decode("utf-8")}
    if old is None:
        conn.execute(_RL.insert().values(commune_code=commune_code, updated_at=stamp, **values))
    else:
        conn.execute(_RL.update().where(_RL.c.commune_code == commune_code).values(updated_at=stamp, **values))
    log.info("revocation list of commune %s: %d serials, counter %d", commune_code, len(merged), counter)
    return True


def refresh_revocation_lists(
    engine: Engine,
    secret_file: Path,
    *,
    now: datetime | None = None,
    stale: dict[int, int] | None = None,
    slot: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> list[int]:
    """Sign again the lists of the communes whose revocations changed; the communes whose list was signed.
    A commune whose key cannot be opened (server secret) is logged and left as it was."""
    now = now or _now()
    if stale is None:
        with read_only(engine) as conn:
            stale = _stale_communes(conn, local_date(now))
    done: list[int] = []
    for commune in sorted(stale):
        try:
            with writing(engine, short=True) as conn, slot():
                if _rebuild(conn, commune, secret_file, now):
                    done.append(commune)
        except KeysError as exc:
            log.error("revocation list of commune %s not signed: %s", commune, exc.message_en)
    return done


@dataclass(frozen=True, slots=True)
class ServedTrust:
    root_public_key: str
    trust_list: str | None
    revocation_lists: list[str]


def served_trust(conn: Connection) -> ServedTrust:
    meta = _meta(conn, META_ROOT, META_TRUST_LIST)
    docs = [str(d) for (d,) in conn.execute(select(_RL.c.document).order_by(_RL.c.commune_code)).all()]
    return ServedTrust(meta.get(META_ROOT, ""), meta.get(META_TRUST_LIST) or None, docs)


class _Verifier:
    """The parsed trust list and revocations of what is served, kept while the documents stay the same
    (parsing checks every key certificate's signature)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str | None, tuple[str, ...]] | None = None
        self._value: tuple[TrustList | None, Revocations] = (None, Revocations())

    def state(self, served: ServedTrust) -> tuple[TrustList | None, Revocations]:
        key = (served.root_public_key, served.trust_list, tuple(served.revocation_lists))
        with self._lock:
            if key == self._key:
                return self._value
        trust: TrustList | None = None
        revocations = Revocations()
        if served.root_public_key and served.trust_list:
            try:
                root = Ed25519PublicKey.from_public_bytes(base64.b64decode(served.root_public_key, validate=True))
                trust = TrustList.from_bytes(served.trust_list, root)
            except (TrustError, ValueError) as exc:  # binascii.Error is a ValueError
                log.error("the stored trust list does not verify against the root: %s", exc)
        if trust is not None:
            for doc in served.revocation_lists:
                try:
                    revocations.add(RevocationList.from_bytes(doc, trust))
                except TrustError as exc:
                    log.error("a stored revocation list does not verify: %s", exc)
        with self._lock:
            self._key, self._value = key, (trust, revocations)
        return trust, revocations


# ---------------------------------------------------------------------------------------------------------
# Serial blocks


#: how far a commune's first serial block after a restore of the server database jumps past the highest serial
#: the restored database knows: blocks reserved after the backup are not in it, and laptops hold them
RESTORE_SERIAL_GAP: Final = 1_000_000
#: server_meta: which database this is (PostgreSQL: its pg_database oid), to notice it was restored into another
_IDENTITY_KEY: Final = "serials.database_identity"
#: server_meta: how many restores were noticed; and per commune, the count at its last serial block
_GENERATION_KEY: Final = "serials.restore_generation"


def _commune_generation_key(commune_code: int) -> str:
    return f"serials.restore_generation.{commune_code}"


def database_identity(conn: Connection) -> str | None:
    """What tells this database from a restored copy of it: PostgreSQL gives every database (``createdb`` +
    ``pg_restore``, ``CREATE DATABASE … TEMPLATE``) a new oid. None on SQLite (a copied file is the same)."""
    if conn.dialect.name != "postgresql":
        return None
    oid = conn.exec_driver_sql("SELECT oid FROM pg_database WHERE datname = current_database()").scalar_one()
    return f"postgresql:{oid}"


def notice_restore(conn: Connection) -> bool:
    """At server start: whether this database is a restored copy (its identity differs from the one stored in
    it). A restore is counted; every commune's next serial block then jumps :data:`RESTORE_SERIAL_GAP` ahead
    (:func:`allocate_serials`), past the blocks reserved after the backup, which the restored database lacks."""
    identity = database_identity(conn)
    if identity is None:
        return False
    held = _meta(conn, _IDENTITY_KEY).get(_IDENTITY_KEY)
    if held == identity:
        return False
    if held is not None:
        restores = int(_meta(conn, _GENERATION_KEY).get(_GENERATION_KEY) or 0)
        _set_meta(conn, {_GENERATION_KEY: str(restores + 1)})
    _set_meta(conn, {_IDENTITY_KEY: identity})
    return held is not None


def _highest_certificate_serial(conn: Connection, commune_code: int) -> int:
    """The highest serial of the commune's certificates the server holds (synced from laptops): a block never
    starts at or below one of them."""
    from dlso_desktop.certificates.record import parse_certificate_number

    high = 0
    rows = conn.execute(
        select(_REC.c.data).where(_REC.c.table_name == "certificate", _REC.c.commune_code == commune_code)
    )
    for (data,) in rows:
        number = json.loads(data).get("number") if data else None
        if not isinstance(number, str):
            continue
        try:
            code, serial = parse_certificate_number(number)
        except ValueError:
            continue
        if code == commune_code:
            high = max(high, serial)
    return high


def allocate_serials(conn: Connection, device: DeviceInfo, request_id: str, count: int, now: str) -> tuple[int, int]:
    """(first, last) reserved for ``device``: after the commune's highest reserved serial, the first block
    starting at 1; the same block again for the same request id. Serialised per commune by the commune
    counter's row lock (SQLite: the writer lock the caller holds)."""
    lock_counter(conn, device.commune_code)
    known = conn.execute(
        select(_BLOCK.c.device_id, _BLOCK.c.commune_code, _BLOCK.c.first, _BLOCK.c.last).where(
            _BLOCK.c.request_id == request_id
        )
    ).first()
    if known is not None:
        if str(known[0]) != device.id:
            raise KeysError(
                "request_id_taken",
                "Mã yêu cầu này đã được một máy khác dùng.",
                "This request id was used by another device.",
            )
        return int(known[2]), int(known[3])
    high = conn.execute(select(func.max(_BLOCK.c.last)).where(_BLOCK.c.commune_code == device.commune_code)).scalar()
    first = max(int(high or 0), _highest_certificate_serial(conn, device.commune_code)) + 1
    restores = int(_meta(conn, _GENERATION_KEY).get(_GENERATION_KEY) or 0)
    if restores:
        commune_key = _commune_generation_key(device.commune_code)
        seen = _meta(conn, commune_key).get(commune_key)
        if seen is None or int(seen) < restores:
            # the first block since the database was restored: blocks reserved after the backup are unknown
            # here but held by laptops; jump past them
            first += RESTORE_SERIAL_GAP
            _set_meta(conn, {commune_key: str(restores)})
    last = first + count - 1
    if last > MAX_SERIAL:
        raise KeysError(
            "serials_exhausted", "Xã đã dùng hết số hiệu giấy chứng nhận.", "The commune has no serials left."
        )
    conn.execute(
        _BLOCK.insert().values(
            request_id=request_id,
            device_id=device.id,
            commune_code=device.commune_code,
            first=first,
            last=last,
            created_at=now,
        )
    )
    return first, last


# ---------------------------------------------------------------------------------------------------------
# The endpoints

Auth = Annotated[str | None, Header(description="Bearer <device token>")]
Accept = Annotated[str | None, Header(description="application/json for the verdict as JSON")]
Payload = Annotated[str, PathParam(description="the Base32 payload of the certificate's QR code")]
Format = Annotated[str | None, Query(alias="format", description="json: the verdict as JSON", max_length=10)]

_PAGE_HEADERS: Final = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
}


def _token(authorization: str | None) -> str:
    assert authorization is not None  # checked by ``device``
    return authorization[7:].strip()


def install(
    app: FastAPI,
    engine: Engine,
    device: Callable[[Connection, str | None], DeviceInfo],
    *,
    slots: FifoSemaphore | None = None,
    secret_file: Path | None = None,
) -> None:
    """``GET /sync/v1/certificates/trust``, ``GET /sync/v1/certificates/commune-key``,
    ``POST /sync/v1/certificates/serials`` and the public page ``GET /v/{payload}``."""
    from dlso_desktop.ids import utc_now
    from sync.server import verify_page
    from sync.server.app import ApiError

    gate = slots or FifoSemaphore(1_000_000)
    verifier = _Verifier()
    try:
        with engine.begin() as conn:
            if notice_restore(conn):
                log.warning("this database is a restored copy: the next serial block of every commune skips ahead")
    except Exception as exc:  # an unmigrated database: nothing to notice; the endpoints will say what is wrong
        log.warning("could not check whether the database was restored: %s", type(exc).__name__)

    def secret() -> Path:
        # evaluated per request: the path follows $DLSO_SERVER_SECRET_FILE and the database URL
        return secret_file or secret_path(engine.url.render_as_string(hide_password=False))

    def api_error(status: int, exc: KeysError) -> ApiError:
        return ApiError(status, exc.code, exc.message_vi, exc.message_en)

    def current_trust(now: datetime) -> ServedTrust:
        with gate.slot(urgent=True), read_only(engine) as conn:
            stale = _stale_communes(conn, local_date(now))
            served = served_trust(conn)
        if stale and refresh_revocation_lists(
            engine, secret(), now=now, stale=stale, slot=lambda: gate.slot(urgent=True)
        ):
            with gate.slot(urgent=True), read_only(engine) as conn:
                served = served_trust(conn)
        return served

    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": P.ErrorResponse},
        401: {"model": P.ErrorResponse},
        403: {"model": P.ErrorResponse},
    }
    tags: list[str | Any] = ["certificates"]

    retry_after = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    limited: dict[int | str, dict[str, Any]] = {
        429: {"model": P.ErrorResponse, "description": "Too many requests (``rate_limited``)", "headers": retry_after}
    }

    @app.get(f"{P.PREFIX}/certificates/trust", response_model=P.TrustResponse, responses=limited, tags=tags)
    def certificate_trust() -> P.TrustResponse:
        """Public (no token): the root public key, the trust list it signed and every commune's revocation
        list (signed again first where revocations arrived). Verifiers check every signature themselves.
        Rate-limited per client address, or per device for a request with a valid device token (429)."""
        served = current_trust(_now())
        return P.TrustResponse(
            root_public_key=served.root_public_key,
            trust_list=served.trust_list,
            revocation_lists=served.revocation_lists,
            server_time=utc_now(),
        )

    @app.get(
        f"{P.PREFIX}/certificates/commune-key",
        response_model=P.CommuneKeyResponse,
        responses={**errors, 404: {"model": P.ErrorResponse}, 503: {"model": P.ErrorResponse}},
        tags=tags,
    )
    def commune_key(authorization: Auth = None) -> P.CommuneKeyResponse:
        """The commune's current signing key, encrypted for this device with its own token (404
        ``no_commune_key`` when the province has issued none; 503 ``keys_unavailable`` without the server
        secret)."""
        with gate.slot(urgent=True), read_only(engine) as conn:
            dev = device(conn, authorization)
            try:
                found = commune_signing_key(conn, dev.commune_code, secret(), local_date(_now()))
            except KeysError as exc:  # the log names the file; the device is told no more than that
                log.error("commune key for device %s: %s", dev.id, exc.message_en)
                raise ApiError(
                    503,
                    exc.code,
                    "Máy chủ tạm thời không dùng được khóa ký của xã; hãy báo quản trị viên của tỉnh.",
                    "The server cannot use the commune signing keys for now; tell the province's administrator.",
                ) from None
        if found is None:
            raise ApiError(
                404,
                "no_commune_key",
                "Tỉnh chưa cấp khóa ký giấy chứng nhận cho xã/phường này.",
                "The province has not issued a certificate signing key for this commune.",
            )
        row, key = found
        wrapped = wrap_commune_key(key, key_id=row.key_id, device_token=_token(authorization), device_id=dev.id)
        return P.CommuneKeyResponse(
            key_id=row.key_id, commune_code=row.commune_code, wrapped_key=base64.b64encode(wrapped).decode("ascii")
        )

    @app.post(f"{P.PREFIX}/certificates/serials", response_model=P.SerialBlockResponse, responses=errors, tags=tags)
    def certificate_serials(body: P.SerialBlockRequest, authorization: Auth = None) -> P.SerialBlockResponse:
        """Reserve ``count`` serials of the device's commune for this device; the same ``request_id`` again
        gets the same block (400 ``request_id_taken`` when another device used it)."""
        try:
            with writing(engine, short=True) as conn:
                dev = device(conn, authorization)
                with gate.slot(urgent=True):
                    first, last = allocate_serials(conn, dev, body.request_id, body.count, utc_now())
        except KeysError as exc:
            raise api_error(400, exc) from None
        return P.SerialBlockResponse(request_id=body.request_id, commune_code=dev.commune_code, first=first, last=last)

    @app.get(
        "/v/{payload:path}",
        tags=tags,
        response_class=HTMLResponse,
        responses={
            200: {"content": {"text/html": {}, "application/json": {}}},
            404: {
                "description": "``not_found``: a payload holding a line break matches no page (no QR code has one)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
            },
            429: {
                "description": "Too many requests from this address: a Vietnamese HTML page, or ErrorResponse JSON"
                " (``rate_limited``) when JSON was asked for",
                "content": {
                    "text/html": {},
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
                },
                "headers": retry_after,
            },
        },
    )
    def verification_page(payload: Payload, fmt: Format = None, accept: Accept = None) -> Response:
        """The public verification page of a certificate's QR code (Vietnamese HTML, no script); the verdict as
        JSON with ``?format=json`` or ``Accept: application/json``. Same verdict as the app's, against the
        server's own trust list and revocation lists."""
        now = datetime.now(UTC)
        verdict = _verdict(payload, now)
        wants_json = (fmt or "").lower() == "json" or "application/json" in (accept or "").lower()
        if wants_json:
            from dlso_desktop.certificates.present import verdict_json

            return JSONResponse(verdict_json(verdict), headers=_PAGE_HEADERS)
        return HTMLResponse(verify_page.render(verdict), headers=_PAGE_HEADERS)

    def _verdict(payload: str, now: datetime) -> Verdict:
        if len(payload) > MAX_PAYLOAD_TEXT:
            return Verdict("invalid", "bad_encoding", "longer than any certificate's code")
        served = current_trust(now)
        trust, revocations = verifier.state(served)
        return verify("/v/" + payload, trust, revocations, now=now)
