"""What this laptop trusts for certificates, kept in the database's ``meta`` table.

- The provincial root public key: the one shipped with the app (``resources/certificates/province-root.pub``,
  written by ``dlso-server admin keys init-root`` and copied in before a build) when there is one; otherwise the
  key the provincial server gave on this laptop's first sync, pinned from then on. A server offering another
  root than the pinned or shipped one is refused.
- The trust list (every commune key certificate with its status), signed by the root; only a newer one
  (higher sequence) replaces it. A build may carry the list of its day (``trust-list.json`` beside the root
  key), so a laptop that never synced verifies every commune's certificates.
- Every commune's revocation list, signed by a key of that commune; lists are merged, never shrunk.
- The commune's signing key, encrypted for this device (``keys.wrap_commune_key``), and the serial blocks the
  server reserved for it.

Nothing here is taken on faith from the network: :func:`store_trust` checks every signature before a byte is
kept, and :func:`load` checks them again when reading (a damaged ``meta`` row is reported, not used).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection

from dlso_desktop.certificates.keys import (
    RevocationList,
    Revocations,
    TrustEntry,
    TrustError,
    TrustList,
    local_date,
    public_key_bytes,
    unwrap_commune_key,
)
from dlso_desktop.storage.store import Database, write_meta

__all__ = [
    "COMMUNE_KEY",
    "REVOCATION_LISTS",
    "ROOT_PUBLIC_KEY",
    "SERIAL_BLOCKS",
    "SERIAL_REQUEST",
    "TRUST_LIST",
    "TrustState",
    "commune_key",
    "current_key",
    "load",
    "root_fingerprint",
    "serial_blocks",
    "shipped_root_key",
    "store_trust",
]

ROOT_PUBLIC_KEY: Final = "certificates.root_public_key"  # Base64 of the raw 32 bytes, pinned on first sync
TRUST_LIST: Final = "certificates.trust_list"  # the signed document, as the server sent it
REVOCATION_LISTS: Final = "certificates.revocation_lists"  # JSON list of signed documents, one per commune
COMMUNE_KEY: Final = "certificates.commune_key"  # Base64 of the wrapped commune key
SERIAL_BLOCKS: Final = "certificates.serial_blocks"  # JSON [[next, last], ...]: serials still free, in order
SERIAL_REQUEST: Final = "certificates.serial_request"  # id of a block request whose answer has not arrived

SHIPPED_ROOT_FILE: Final = "province-root.pub"
#: the trust list of the day the app was built (optional; GET /sync/v1/certificates/trust's ``trust_list``)
SHIPPED_TRUST_FILE: Final = "trust-list.json"


#: Where a build carries the root public key (PyInstaller keeps the same layout under its bundle folder).
SHIPPED_ROOT_DIR: Final = Path(__file__).resolve().parents[2] / "resources" / "certificates"


def _root_path() -> Path:
    return SHIPPED_ROOT_DIR / SHIPPED_ROOT_FILE


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A root public key as ``root.pub`` holds it: Base64 of the raw 32 bytes (``#`` lines are comments)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1:
        raise TrustError("bad_document", "a public key file holds one Base64 line")
    try:
        raw = base64.b64decode(lines[0], validate=True)
    except (binascii.Error, ValueError):
        raise TrustError("bad_document", "the public key is not Base64") from None
    if len(raw) != 32:
        raise TrustError("bad_document", "an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key_bytes(key)).decode("ascii")


def root_fingerprint(key: Ed25519PublicKey) -> str:
    """A short form people can compare by eye or read over the phone (SHA-256, first 16 hex digits)."""
    import hashlib

    digest = hashlib.sha256(public_key_bytes(key)).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def shipped_root_key(path: Path | None = None) -> Ed25519PublicKey | None:
    """The root public key built into this copy of the app, or None when the build has none."""
    p = path or _root_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return parse_public_key(text)


def _meta(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    marks = ",".join("?" for _ in keys)
    rows = conn.exec_driver_sql(f"SELECT key, value FROM meta WHERE key IN ({marks})", tuple(keys)).all()
    return {str(k): str(v) for k, v in rows}


def shipped_trust_list(root: Ed25519PublicKey, path: Path | None = None) -> TrustList | None:
    """The trust list built into this copy of the app (``trust-list.json`` beside the root key), when there is
    one and it is signed by ``root``; a newer list from sync replaces it as soon as one arrives."""
    p = path or SHIPPED_ROOT_DIR / SHIPPED_TRUST_FILE
    try:
        return TrustList.from_bytes(p.read_bytes(), root)
    except (FileNotFoundError, TrustError):
        return None


@dataclass(slots=True)
class TrustState:
    """What this laptop verifies against. ``problems`` lists stored documents that failed their checks."""

    root: Ed25519PublicKey | None = None
    trust_list: TrustList | None = None
    revocations: Revocations = field(default_factory=Revocations)
    problems: list[str] = field(default_factory=list)


def _root(stored: str | None, shipped: Ed25519PublicKey | None) -> Ed25519PublicKey | None:
    if shipped is not None:
        return shipped
    if stored:
        try:
            return parse_public_key(stored)
        except TrustError:
            return None
    return None


def load_from(conn: Connection, *, shipped: Ed25519PublicKey | None = None) -> TrustState:
    """The trust state read on an open connection (``shipped``: the built-in root, when there is one)."""
    meta = _meta(conn, [ROOT_PUBLIC_KEY, TRUST_LIST, REVOCATION_LISTS])
    state = TrustState(root=_root(meta.get(ROOT_PUBLIC_KEY), shipped))
    if state.root is None:
        return state
    if meta.get(TRUST_LIST):
        try:
            state.trust_list = TrustList.from_bytes(meta[TRUST_LIST], state.root)
        except TrustError as exc:
            state.problems.append(f"trust_list: {exc.code}")
    built_in = shipped_trust_list(state.root)
    if built_in is not None and built_in.newer_than(state.trust_list):
        state.trust_list = built_in  # a laptop that never synced still knows every commune's keys
    if state.trust_list is not None and meta.get(REVOCATION_LISTS):
        try:
            docs = json.loads(meta[REVOCATION_LISTS])
        except ValueError:
            docs = None
        if not isinstance(docs, list):
            state.problems.append("revocation_lists: bad_document")
            docs = []
        for doc in docs:
            try:
                state.revocations.add(RevocationList.from_bytes(str(doc), state.trust_list))
            except TrustError as exc:
                state.problems.append(f"revocation_list: {exc.code}")
    return state


def load(db: Database) -> TrustState:
    """The trust state this laptop holds (the shipped root wins over a pinned one)."""
    shipped = shipped_root_key()
    with db.reader() as conn:
        return load_from(conn, shipped=shipped)


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What :func:`store_trust` changed; ``refused`` holds reason codes for what it would not keep."""

    pinned_root: bool = False
    trust_sequence: int | None = None  # set when a newer trust list was stored
    revocation_lists: int = 0  # lists that added something
    refused: tuple[str, ...] = ()


def store_trust(
    db: Database,
    root_public_key: str,
    trust_list: str | None,
    revocation_lists: Sequence[str],
    *,
    shipped: Ed25519PublicKey | None = None,
    use_shipped: bool = True,
) -> StoreResult:
    """Keep what the server sent, after checking it: the root must be the shipped or pinned one (it is pinned
    when there is neither), the trust list must be signed by it and newer than ours, each revocation list
    signed by a key of its commune. One transaction; what fails its checks is left out and named."""
    if use_shipped and shipped is None:
        shipped = shipped_root_key()
    refused: list[str] = []
    pinned = False
    with db.writer() as conn:
        meta = _meta(conn, [ROOT_PUBLIC_KEY, TRUST_LIST, REVOCATION_LISTS])
        current = load_from(conn, shipped=shipped)
        offered: Ed25519PublicKey | None = None
        if root_public_key:
            try:
                offered = parse_public_key(root_public_key)
            except TrustError:
                refused.append("root_public_key: bad_document")
        root = current.root
        if offered is not None:
            if root is None:
                root = offered
                write_meta(conn, {ROOT_PUBLIC_KEY: public_key_text(offered)})
                pinned = True
            elif public_key_bytes(root) != public_key_bytes(offered):
                refused.append("root_public_key: different_root")
                return StoreResult(refused=tuple(refused))
        if root is None:
            return StoreResult(refused=tuple(refused))
        trust = current.trust_list
        stored_sequence: int | None = None
        if trust_list:
            try:
                offered_list = TrustList.from_bytes(trust_list, root)
            except TrustError as exc:
                refused.append(f"trust_list: {exc.code}")
            else:
                if offered_list.newer_than(trust):
                    trust = offered_list
                    stored_sequence = offered_list.sequence
                    write_meta(conn, {TRUST_LIST: trust_list})
        if trust is None:
            return StoreResult(pinned, stored_sequence, 0, tuple(refused))
        kept: dict[int, RevocationList] = {}
        try:
            old_docs = json.loads(meta.get(REVOCATION_LISTS) or "[]")
        except ValueError:
            old_docs = []
        for doc in old_docs if isinstance(old_docs, list) else []:
            try:
                rl = RevocationList.from_bytes(str(doc), trust)
            except TrustError:
                continue
            kept[rl.commune_code] = rl
        added = 0
        for doc in revocation_lists:
            try:
                rl = RevocationList.from_bytes(doc, trust)
            except TrustError as exc:
                refused.append(f"revocation_list: {exc.code}")
                continue
            old = kept.get(rl.commune_code)
            # a list only grows: keep the higher counter, and never one that drops a serial the other had
            if old is None or (rl.counter > old.counter and rl.serials >= old.serials):
                kept[rl.commune_code] = rl
                added += 1
            elif rl.counter > old.counter:
                refused.append(f"revocation_list: shrinks {rl.commune_code}")
        texts = [kept[c].to_bytes().decode("utf-8") for c in sorted(kept)]
        write_meta(conn, {REVOCATION_LISTS: json.dumps(texts, ensure_ascii=False) if texts else None})
    return StoreResult(pinned, stored_sequence, added, tuple(refused))


def serial_blocks(text: str | None) -> list[tuple[int, int]]:
    """The free serial blocks as kept in meta (JSON ``[[next, last], ...]``); malformed items are left out."""
    try:
        raw = json.loads(text or "[]")
    except ValueError:
        return []
    out: list[tuple[int, int]] = []
    for item in raw if isinstance(raw, list) else []:
        if (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in item)
            and 1 <= item[0] <= item[1]
        ):
            out.append((item[0], item[1]))
    return out


def usable_key(entry: TrustEntry, commune_code: int, now: datetime) -> bool:
    """A key this commune may sign with now: its own, valid today (Vietnam's date) and not revoked by now."""
    cert = entry.certificate
    if cert.commune_code != commune_code or not cert.valid_from <= local_date(now) <= cert.valid_until:
        return False
    return entry.revoked_after is None or entry.revoked_after > now


def current_key(trust_list: TrustList | None, commune_code: int, now: datetime) -> TrustEntry | None:
    """The commune's highest key id usable now: the key its laptops sign with (and should hold)."""
    if trust_list is None:
        return None
    usable = [e for e in trust_list.keys_of(commune_code) if usable_key(e, commune_code, now)]
    return max(usable, key=lambda e: e.certificate.key_id, default=None)


def commune_key(db: Database, device_token: str) -> tuple[int, Ed25519PrivateKey] | None:
    """(key id, private key) of the commune key this laptop holds, unwrapped with its device token."""
    with db.reader() as conn:
        stored = _meta(conn, [COMMUNE_KEY]).get(COMMUNE_KEY)
    if not stored:
        return None
    try:
        blob = base64.b64decode(stored, validate=True)
        return unwrap_commune_key(blob, device_token=device_token, device_id=db.device_id)
    except (binascii.Error, ValueError, TrustError):
        return None
