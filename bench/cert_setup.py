"""A laptop made able to sign, the way sync makes it (tests and `bench/cert_pdf_bench.py`): a provincial
root, a key certificate for the commune's key in a signed trust list, the commune key wrapped for this
device, a device token and a serial block."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dlso_desktop.certificates import keys, trust
from dlso_desktop.storage.store import Database, write_meta

TOKEN = "test-device-token-0123456789abcdef"


@dataclass
class Province:
    root: Ed25519PrivateKey
    commune_keys: dict[int, Ed25519PrivateKey]
    trust_list: keys.TrustList


def province(
    commune: int = 24133,
    *,
    key_id: int = 7,
    valid_from: date = date(2025, 1, 1),
    valid_until: date = date(2035, 12, 31),
    revoked_after: datetime | None = None,
    sequence: int = 1,
    root: Ed25519PrivateKey | None = None,
) -> Province:
    root = root or keys.generate_key()
    key = keys.generate_key()
    cert = keys.issue_key_certificate(
        root,
        key_id=key_id,
        commune_code=commune,
        public_key=key.public_key(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    tl = keys.sign_trust_list(
        root, [keys.TrustEntry(cert, revoked_after)], sequence=sequence, issued_at=datetime.now(UTC)
    )
    return Province(root, {key_id: key}, tl)


def make_signing(db: Database, p: Province | None = None, *, serials: tuple[int, int] = (1, 1000)) -> Province:
    """Enroll ``db`` as far as certificates care, and give it the commune key and a serial block."""
    p = p or province(db.commune_code)
    root_text = base64.b64encode(keys.public_key_bytes(p.root)).decode()
    result = trust.store_trust(db, root_text, p.trust_list.to_bytes().decode(), [], use_shipped=False)
    assert not result.refused, result
    key_id, key = next(iter(p.commune_keys.items()))
    blob = keys.wrap_commune_key(key, key_id=key_id, device_token=TOKEN, device_id=db.device_id)
    with db.writer() as conn:
        write_meta(
            conn,
            {
                "sync.token": TOKEN,
                trust.COMMUNE_KEY: base64.b64encode(blob).decode(),
                trust.SERIAL_BLOCKS: json.dumps([list(serials)]),
            },
        )
    return p
