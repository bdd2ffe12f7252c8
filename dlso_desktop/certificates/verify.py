"""Offline verification of a certificate's QR text against a trust list and the known revocations.

The verdict rules are in docs/CERTIFICATES_FORMAT.md; in short: the signature must check against the key
the record names; a key in the trust list must belong to the record's commune and have been valid and not
revoked on the issue date; the demo key only ever gives "demo"; a revoked serial gives "revoked".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dlso_desktop.certificates.keys import DEMO_KEY_ID, Revocations, TrustEntry, TrustList, demo_public_key, local_date
from dlso_desktop.certificates.record import (
    CertificateFormatError,
    CertificateRecord,
    decode_payload,
    parse_payload_text,
    signature_valid,
)

__all__ = ["REASONS", "Status", "Verdict", "verify"]

Status = Literal["valid", "revoked", "invalid", "demo"]

#: Every reason an "invalid" verdict can give (record format errors keep their own code, see record.py).
REASONS: Final = (
    "bad_encoding",  # not a URL or Base32 payload
    "truncated",
    "trailing_bytes",
    "unknown_version",
    "bad_field",
    "not_nfc",
    "not_canonical",
    "unknown_key",  # the key id is in no trust list this verifier has
    "bad_signature",
    "wrong_commune",  # the key belongs to another commune than the record names
    "key_not_yet_valid",  # issued before the key's validity
    "key_expired",  # issued after the key's validity
    "key_revoked",  # issued after the time the key was revoked from
    "issued_in_future",  # dated after today (with a day's slack for clocks and time zones)
    "demo_key_without_flag",  # signed with the public demo key but claims to be a real certificate
)

_DEMO_KEY: Final = demo_public_key()
_CLOCK_SLACK: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer for one certificate. ``record`` is set whenever the signature checked (the fields can then
    be shown, whatever the status); ``reason`` is set for "invalid" (and "certificate_revoked" for "revoked")."""

    status: Status
    reason: str | None = None
    detail: str = ""
    record: CertificateRecord | None = None
    key: TrustEntry | None = None

    @property
    def number(self) -> str | None:
        return None if self.record is None else self.record.number


def _invalid(
    reason: str, detail: str, record: CertificateRecord | None = None, key: TrustEntry | None = None
) -> Verdict:
    return Verdict("invalid", reason, detail, record, key)


def verify(text: str, trust_list: TrustList | None, revocations: Revocations | None, *, now: datetime) -> Verdict:
    """Verify a scanned or typed URL or payload. ``now`` (timezone-aware) bounds the issue date."""
    try:
        signed = decode_payload(parse_payload_text(text))
    except CertificateFormatError as exc:
        return _invalid(exc.code, str(exc))
    record = signed.record
    entry: TrustEntry | None = None
    public: Ed25519PublicKey | None
    if record.key_id == DEMO_KEY_ID:
        public = _DEMO_KEY
    else:
        entry = None if trust_list is None else trust_list.entry(record.key_id)
        public = None if trust_list is None else trust_list.public_key(record.key_id)
        if public is None:
            return _invalid("unknown_key", f"key {record.key_id} is not in the trust list")
    if not signature_valid(public, signed.record_bytes, signed.signature):
        return _invalid("bad_signature", "the signature does not match the record")

    # From here the fields are genuine as signed by the key; the questions left are about the key and status.
    if record.issue_date > local_date(now + _CLOCK_SLACK):
        return _invalid("issued_in_future", f"issued on {record.issue_date}, after today", record, entry)
    if entry is None:  # the demo key
        if record.demo:
            return Verdict("demo", None, "a sample signed with the demo key", record)
        return _invalid("demo_key_without_flag", "signed with the demo key without the demo flag", record)
    cert = entry.certificate
    if cert.commune_code != record.commune_code:
        return _invalid("wrong_commune", f"key {cert.key_id} belongs to commune {cert.commune_code}", record, entry)
    if record.issue_date < cert.valid_from:
        return _invalid("key_not_yet_valid", f"key {cert.key_id} is valid from {cert.valid_from}", record, entry)
    if record.issue_date > cert.valid_until:
        return _invalid("key_expired", f"key {cert.key_id} expired on {cert.valid_until}", record, entry)
    revoked_on = entry.revoked_on()
    if revoked_on is not None and record.issue_date > revoked_on:
        return _invalid("key_revoked", f"key {cert.key_id} is revoked after {revoked_on}", record, entry)
    if record.demo:
        return Verdict("demo", None, "a sample certificate", record, entry)
    if revocations is not None and revocations.is_revoked(record.commune_code, record.serial):
        return Verdict("revoked", "certificate_revoked", f"certificate {record.number} is revoked", record, entry)
    return Verdict("valid", None, "", record, entry)
