"""The trust model: the provincial root key, commune signing keys and their key certificates, the signed
trust list, per-commune revocation lists, the demo key, and a commune key wrapped for its laptops.

Documents are JSON. What is signed is the canonical JSON of a document's ``body`` (sorted keys, no spaces,
ASCII only, integers and strings only) after a context string naming the kind of document, so a signature
can never be replayed from one kind to another. A reader verifies the canonical form of the body it parsed
and then uses only that body: what was checked is what is used. Layouts: docs/CERTIFICATES_FORMAT.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dlso_desktop.ids import VN_TZ

__all__ = [
    "DEMO_KEY_ID",
    "VN_TZ",
    "KeyCertificate",
    "RevocationList",
    "Revocations",
    "TrustEntry",
    "TrustError",
    "TrustList",
    "canonical_json",
    "demo_private_key",
    "demo_public_key",
    "generate_key",
    "issue_key_certificate",
    "load_private_key",
    "local_date",
    "private_key_to_pem",
    "public_key_bytes",
    "sign_revocation_list",
    "sign_trust_list",
    "unwrap_commune_key",
    "utc_text",
    "wrap_commune_key",
]

#: Certificates carry the local (Vietnam, UTC+7, no daylight saving) issue date; key times are UTC.

#: Key id 0 is the demo key, never in a trust list.
DEMO_KEY_ID: Final = 0
MAX_KEY_ID: Final = 0xFFFF

_CTX_KEY_CERT: Final = b"DLSO-KEYCERT-v1\0"
_CTX_TRUST_LIST: Final = b"DLSO-TRUSTLIST-v1\0"
_CTX_REVOCATIONS: Final = b"DLSO-REVOCATIONS-v1\0"
_CTX_KEY_WRAP: Final = b"DLSO-KEYWRAP-v1\0"
_WRAP_MAGIC: Final = b"DLSOKW1"

#: The demo key's seed is published on purpose (docs/CERTIFICATES_FORMAT.md): a demo certificate proves
#: nothing, and a public key every copy of the app knows lets any verifier, the server page included, tell
#: a sample ("demo") from garbage ("invalid"). Trust never depends on this key.
_DEMO_SEED: Final = hashlib.sha256(b"DLSO demo certificate key v1 - public on purpose, not a secret").digest()


class TrustError(ValueError):
    """A key file, key certificate, trust list or revocation list that cannot be used; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------------------
# Keys and their files


def generate_key() -> Ed25519PrivateKey:
    """A new Ed25519 key (the provincial root, or a commune signing key)."""
    return Ed25519PrivateKey.generate()


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key_to_pem(key: Ed25519PrivateKey, passphrase: str | bytes) -> bytes:
    """PKCS#8 PEM encrypted with ``passphrase`` (cryptography's best available: PBES2, AES-256-CBC)."""
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if not secret:
        raise ValueError("a private key is never written without a passphrase")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )


def load_private_key(pem: bytes, passphrase: str | bytes) -> Ed25519PrivateKey:
    """The key in an encrypted PKCS#8 PEM; :class:`TrustError` ``wrong_passphrase`` or ``bad_key_file``."""
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    try:
        key = serialization.load_pem_private_key(pem, password=secret or None)
    except TypeError:  # an unencrypted file with a passphrase, or an encrypted one without
        if b"ENCRYPTED" in pem:
            raise TrustError("wrong_passphrase", "the key file needs its passphrase") from None
        raise TrustError("bad_key_file", "the key file is not encrypted with a passphrase") from None
    except ValueError as exc:
        if b"ENCRYPTED" in pem:
            raise TrustError("wrong_passphrase", "wrong passphrase for the key file") from exc
        raise TrustError("bad_key_file", "not a PEM private key file") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise TrustError("bad_key_file", f"the key file holds a {type(key).__name__}, not an Ed25519 key")
    return key


def demo_private_key() -> Ed25519PrivateKey:
    """The demo key a laptop that is not enrolled signs sample certificates with (key id 0)."""
    return Ed25519PrivateKey.from_private_bytes(_DEMO_SEED)


def demo_public_key() -> Ed25519PublicKey:
    return demo_private_key().public_key()


# ---------------------------------------------------------------------------------------------------------
# Canonical signed JSON


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: object, what: str, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise TrustError("bad_document", f"{what} is not a string")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise TrustError("bad_document", f"{what} is not base64url") from None
    if _b64(data) != text or (size is not None and len(data) != size):
        raise TrustError("bad_document", f"{what} is not canonical base64url of {size} bytes")
    return data


def canonical_json(body: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: sorted keys, no whitespace, ASCII only."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def _no_floats(text: str) -> float:
    raise TrustError("bad_document", f"numbers in signed documents are integers, not {text}")


def _open(ctx: bytes, doc: object, public: Ed25519PublicKey, kind: str) -> dict[str, Any]:
    """The body of a signed document after checking its signature and kind."""
    if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
        raise TrustError("bad_document", f"not a signed {kind} document")
    body: dict[str, Any] = doc["body"]
    if body.get("kind") != kind:
        raise TrustError("bad_document", f"expected a {kind}, got {body.get('kind')!r}")
    if body.get("v") != 1:
        raise TrustError("unknown_version", f"{kind} version {body.get('v')!r} is not known to this app")
    signature = _unb64(doc.get("signature"), "signature", 64)
    try:
        public.verify(signature, ctx + canonical_json(body))
    except InvalidSignature:
        raise TrustError("bad_signature", f"the {kind}'s signature does not verify") from None
    return body


def _loads(data: bytes | str) -> object:
    try:
        return json.loads(data, parse_float=_no_floats, parse_constant=_no_floats)
    except TrustError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise TrustError("bad_document", f"not JSON: {exc}") from None


def _dumps(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _int(body: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise TrustError("bad_document", f"{name} must be an integer from {low} to {high}")
    return value


def _date(body: Mapping[str, Any], name: str) -> date:
    value = body.get(name)
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise TrustError("bad_document", f"{name} must be a YYYY-MM-DD date") from None


def utc_text(when: datetime) -> str:
    """ISO-8601 UTC with seconds, ending in Z (the project's timestamp form)."""
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(value: object, name: str) -> datetime:
    try:
        if not isinstance(value, str) or not value.endswith("Z") or len(value) != 20:
            raise ValueError
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise TrustError("bad_document", f"{name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ") from None


def local_date(when: datetime) -> date:
    """The date in Vietnam at ``when`` (the date printed on a certificate issued then)."""
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(VN_TZ).date()


# ---------------------------------------------------------------------------------------------------------
# Key certificates and the trust list


@dataclass(frozen=True, slots=True)
class KeyCertificate:
    """A commune signing key as the province vouches for it. Dates are inclusive, in Vietnam's calendar:
    certificates record the day they were issued, nothing finer."""

    key_id: int
    commune_code: int
    public_key: bytes  # raw Ed25519, 32 bytes
    valid_from: date
    valid_until: date
    signature: bytes  # by the root key, over _CTX_KEY_CERT + canonical body

    def body(self) -> dict[str, Any]:
        return {
            "kind": "dlso-key-certificate",
            "v": 1,
            "key_id": self.key_id,
            "commune_code": self.commune_code,
            "public_key": _b64(self.public_key),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
        }

    def to_json(self) -> dict[str, Any]:
        return {"body": self.body(), "signature": _b64(self.signature)}

    @classmethod
    def from_json(cls, doc: object, root: Ed25519PublicKey) -> KeyCertificate:
        body = _open(_CTX_KEY_CERT, doc, root, "dlso-key-certificate")
        assert isinstance(doc, dict)  # checked by _open
        cert = cls(
            key_id=_int(body, "key_id", 1, MAX_KEY_ID),
            commune_code=_int(body, "commune_code", 1, 99_999),
            public_key=_unb64(body.get("public_key"), "public_key", 32),
            valid_from=_date(body, "valid_from"),
            valid_until=_date(body, "valid_until"),
            signature=_unb64(doc["signature"], "signature", 64),
        )
        if cert.valid_until < cert.valid_from:
            raise TrustError("bad_document", f"key {cert.key_id} is valid until before it is valid from")
        return cert


def issue_key_certificate(
    root: Ed25519PrivateKey,
    *,
    key_id: int,
    commune_code: int,
    public_key: Ed25519PublicKey | bytes,
    valid_from: date,
    valid_until: date,
) -> KeyCertificate:
    """The root's certificate for a commune signing key (``admin keys issue-commune``)."""
    if not 1 <= key_id <= MAX_KEY_ID:
        raise ValueError(f"key ids run from 1 to {MAX_KEY_ID} (0 is the demo key)")
    if not 1 <= commune_code <= 99_999:
        raise ValueError(f"not a commune code: {commune_code}")
    if valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")
    raw = public_key if isinstance(public_key, bytes) else public_key_bytes(public_key)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    unsigned = KeyCertificate(key_id, commune_code, raw, valid_from, valid_until, b"")
    signature = root.sign(_CTX_KEY_CERT + canonical_json(unsigned.body()))
    return KeyCertificate(key_id, commune_code, raw, valid_from, valid_until, signature)


@dataclass(frozen=True, slots=True)
class TrustEntry:
    """A key certificate and its status: ``revoked_after`` is None for a key in good standing."""

    certificate: KeyCertificate
    revoked_after: datetime | None = None

    def revoked_on(self) -> date | None:
        """The last issue date the key is still trusted for: certificates of that day and before stay valid
        (a record carries its day only, so the day of the revocation time is given the benefit)."""
        return None if self.revoked_after is None else local_date(self.revoked_after)


@dataclass(frozen=True)
class TrustList:
    """All key certificates with their status, a sequence number that only grows, signed by the root."""

    sequence: int
    issued_at: datetime
    entries: tuple[TrustEntry, ...]
    signature: bytes = b""
    _by_id: dict[int, TrustEntry] = field(init=False, repr=False, compare=False)
    _public: dict[int, Ed25519PublicKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # one order (by key id) so that equal lists compare equal and serialise to the same bytes
        object.__setattr__(self, "entries", tuple(sorted(self.entries, key=lambda e: e.certificate.key_id)))
        by_id: dict[int, TrustEntry] = {}
        for entry in self.entries:
            if entry.certificate.key_id in by_id:
                raise TrustError("bad_document", f"key {entry.certificate.key_id} is listed twice")
            by_id[entry.certificate.key_id] = entry
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_public", {})

    def entry(self, key_id: int) -> TrustEntry | None:
        return self._by_id.get(key_id)

    def public_key(self, key_id: int) -> Ed25519PublicKey | None:
        """The loaded public key of ``key_id`` (loaded once: loading costs about as much as a verification)."""
        key = self._public.get(key_id)
        if key is None:
            entry = self._by_id.get(key_id)
            if entry is None:
                return None
            key = Ed25519PublicKey.from_public_bytes(entry.certificate.public_key)
            self._public[key_id] = key
        return key

    def keys_of(self, commune_code: int) -> list[TrustEntry]:
        return [e for e in self.entries if e.certificate.commune_code == commune_code]

    def body(self) -> dict[str, Any]:
        return {
            "kind": "dlso-trust-list",
            "v": 1,
            "sequence": self.sequence,
            "issued_at": utc_text(self.issued_at),
            "keys": [
                {
                    "certificate": e.certificate.to_json(),
                    "revoked_after": None if e.revoked_after is None else utc_text(e.revoked_after),
                }
                for e in self.entries
            ],
        }

    def to_bytes(self) -> bytes:
        return _dumps({"body": self.body(), "signature": _b64(self.signature)})

    @classmethod
    def from_bytes(cls, data: bytes | str, root: Ed25519PublicKey) -> TrustList:
        """A trust list checked against the root public key: its signature and every key certificate's."""
        doc = _loads(data)
        body = _open(_CTX_TRUST_LIST, doc, root, "dlso-trust-list")
        assert isinstance(doc, dict)
        keys = body.get("keys")
        if not isinstance(keys, list):
            raise TrustError("bad_document", "keys must be a list")
        entries = []
        for item in keys:
            if not isinstance(item, dict):
                raise TrustError("bad_document", "a trust list entry must be an object")
            revoked = item.get("revoked_after")
            entries.append(
                TrustEntry(
                    KeyCertificate.from_json(item.get("certificate"), root),
                    None if revoked is None else _time(revoked, "revoked_after"),
                )
            )
        return cls(
            sequence=_int(body, "sequence", 0, 2**53),
            issued_at=_time(body.get("issued_at"), "issued_at"),
            entries=tuple(entries),
            signature=_unb64(doc["signature"], "signature", 64),
        )

    def newer_than(self, other: TrustList | None) -> bool:
        """Whether this list should replace ``other`` (an older list never replaces a newer one)."""
        return other is None or self.sequence > other.sequence


def sign_trust_list(
    root: Ed25519PrivateKey, entries: Iterable[TrustEntry], *, sequence: int, issued_at: datetime
) -> TrustList:
    unsigned = TrustList(sequence, issued_at, tuple(entries))
    signature = root.sign(_CTX_TRUST_LIST + canonical_json(unsigned.body()))
    return TrustList(sequence, issued_at, unsigned.entries, signature)


# ---------------------------------------------------------------------------------------------------------
# Revocation lists


@dataclass(frozen=True, slots=True)
class RevocationList:
    """The serials of a commune's revoked certificates, signed by one of that commune's keys.

    A commune key signs rather than the root because revocation happens in the commune, often offline, and
    the root stays offline; the server, which issued the commune keys, merges the laptops' revocations and
    signs the merged list with the commune's current key and a higher counter.
    """

    commune_code: int
    counter: int
    issued_at: datetime
    key_id: int
    serials: frozenset[int]
    signature: bytes = b""

    def body(self) -> dict[str, Any]:
        return {
            "kind": "dlso-revocation-list",
            "v": 1,
            "commune_code": self.commune_code,
            "counter": self.counter,
            "issued_at": utc_text(self.issued_at),
            "key_id": self.key_id,
            "serials": sorted(self.serials),
        }

    def to_bytes(self) -> bytes:
        return _dumps({"body": self.body(), "signature": _b64(self.signature)})

    @classmethod
    def from_bytes(cls, data: bytes | str, trust: TrustList) -> RevocationList:
        """A revocation list checked against the trust list: signed by a key of its own commune that was not
        revoked when the list was made."""
        doc = _loads(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
            raise TrustError("bad_document", "not a signed revocation list")
        key_id = _int(doc["body"], "key_id", 1, MAX_KEY_ID)
        public = trust.public_key(key_id)
        entry = trust.entry(key_id)
        if public is None or entry is None:
            raise TrustError("unknown_key", f"revocation list signed by unknown key {key_id}")
        body = _open(_CTX_REVOCATIONS, doc, public, "dlso-revocation-list")
        commune = _int(body, "commune_code", 1, 99_999)
        if entry.certificate.commune_code != commune:
            raise TrustError("wrong_commune", f"key {key_id} does not belong to commune {commune}")
        issued_at = _time(body.get("issued_at"), "issued_at")
        if entry.revoked_after is not None and issued_at > entry.revoked_after:
            raise TrustError("key_revoked", f"key {key_id} was revoked before this list was made")
        serials = body.get("serials")
        if not isinstance(serials, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= 0xFFFFFFFF for s in serials
        ):
            raise TrustError("bad_document", "serials must be a list of integers")
        return cls(
            commune_code=commune,
            counter=_int(body, "counter", 0, 2**53),
            issued_at=issued_at,
            key_id=key_id,
            serials=frozenset(serials),
            signature=_unb64(doc["signature"], "signature", 64),
        )


def sign_revocation_list(
    key: Ed25519PrivateKey,
    *,
    key_id: int,
    commune_code: int,
    counter: int,
    serials: Iterable[int],
    issued_at: datetime,
) -> RevocationList:
    unsigned = RevocationList(commune_code, counter, issued_at, key_id, frozenset(serials))
    signature = key.sign(_CTX_REVOCATIONS + canonical_json(unsigned.body()))
    return RevocationList(commune_code, counter, issued_at, key_id, unsigned.serials, signature)


class Revocations:
    """What a verifier knows is revoked: the union of every verified list per commune.

    Union, not replacement: revocations are never undone, so a list signed with a key that is later found
    stolen can add revocations (a nuisance) but never take one back. ``counter`` tells sync how far the
    laptop is. Only lists read through :meth:`RevocationList.from_bytes` (which checks them against the
    trust list) or signed on this laptop belong here: ``add`` does not check signatures again.
    """

    def __init__(self, lists: Iterable[RevocationList] = ()) -> None:
        self._serials: dict[int, set[int]] = {}
        self._counters: dict[int, int] = {}
        for rl in lists:
            self.add(rl)

    def add(self, rl: RevocationList) -> None:
        self._serials.setdefault(rl.commune_code, set()).update(rl.serials)
        self._counters[rl.commune_code] = max(rl.counter, self._counters.get(rl.commune_code, -1))

    def is_revoked(self, commune_code: int, serial: int) -> bool:
        serials = self._serials.get(commune_code)
        return serials is not None and serial in serials

    def counter(self, commune_code: int) -> int | None:
        return self._counters.get(commune_code)


# ---------------------------------------------------------------------------------------------------------
# A commune key on its way to an enrolled laptop

_WRAP_HEADER: Final = struct.Struct(">7sH16s12s")  # magic, key id, HKDF salt, AES-GCM nonce


def _wrap_key(device_token: str | bytes, salt: bytes, device_id: str) -> bytes:
    secret = device_token.encode("utf-8") if isinstance(device_token, str) else device_token
    if len(secret) < 16:
        raise ValueError("a device token is at least 16 bytes of secret")
    info = _CTX_KEY_WRAP + device_id.encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def wrap_commune_key(key: Ed25519PrivateKey, *, key_id: int, device_token: str | bytes, device_id: str) -> bytes:
    """The commune key encrypted for one enrolled laptop: AES-256-GCM under a key derived (HKDF-SHA256)
    from the device's sync token, which is random and high-entropy (a password KDF would add nothing).

    The key id and device id are authenticated, so a blob cannot be passed off as another key or device's.
    """
    salt, nonce = os.urandom(16), os.urandom(12)
    header = _WRAP_HEADER.pack(_WRAP_MAGIC, key_id, salt, nonce)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    aes = AESGCM(_wrap_key(device_token, salt, device_id))
    return header + aes.encrypt(nonce, raw, header + device_id.encode("utf-8"))


def unwrap_commune_key(blob: bytes, *, device_token: str | bytes, device_id: str) -> tuple[int, Ed25519PrivateKey]:
    """(key id, key) from :func:`wrap_commune_key`; :class:`TrustError` ``cannot_unwrap`` otherwise."""
    if len(blob) != _WRAP_HEADER.size + 32 + 16 or not blob.startswith(_WRAP_MAGIC):
        raise TrustError("cannot_unwrap", "not a wrapped commune key")
    _, key_id, salt, nonce = _WRAP_HEADER.unpack_from(blob)
    header = blob[: _WRAP_HEADER.size]
    aes = AESGCM(_wrap_key(device_token, salt, device_id))
    try:
        raw = aes.decrypt(nonce, blob[_WRAP_HEADER.size :], header + device_id.encode("utf-8"))
    except InvalidTag:
        raise TrustError("cannot_unwrap", "the wrapped key is not for this device, or was altered") from None
    return key_id, Ed25519PrivateKey.from_private_bytes(raw)
