"""The signed record a certificate's QR code carries, and its text forms (docs/CERTIFICATES_FORMAT.md).

Pure functions over bytes and text: no Qt, no database. A record is a few dozen bytes of fixed-width fields
plus the name; an Ed25519 signature over a context string and the record follows it; the two together are
written in RFC 4648 Base32 (uppercase, no padding) so a QR code can hold them in alphanumeric mode.
"""

from __future__ import annotations

import base64
import re
import struct
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "CONTEXT",
    "DOB_EPOCH",
    "FLAG_DEMO",
    "FORMAT_VERSION",
    "ISSUE_EPOCH",
    "MAX_NAME_BYTES",
    "SIGNATURE_SIZE",
    "CertificateFormatError",
    "CertificateRecord",
    "SignedCertificate",
    "certificate_number",
    "certificate_url",
    "decode",
    "decode_payload",
    "encode",
    "encode_payload",
    "parse_certificate_number",
    "parse_payload_text",
    "sign",
    "signature_valid",
]

FORMAT_VERSION: Final = 1
#: Signed before the record, so a signature made for anything else (a key certificate, a trust list, another
#: format version) can never pass for a certificate's, and vice versa.
CONTEXT: Final = b"DLSO-GCN-v1\0"
SIGNATURE_SIZE: Final = 64

FLAG_DEMO: Final = 0x01
#: The date of birth field holds a year, not a day count (the app stores one or the other).
FLAG_BIRTH_YEAR_ONLY: Final = 0x02
#: No date of birth is known; the field must then be zero.
FLAG_NO_BIRTH_DATE: Final = 0x04
_KNOWN_FLAGS: Final = FLAG_DEMO | FLAG_BIRTH_YEAR_ONLY | FLAG_NO_BIRTH_DATE

#: Issue dates count days from here: 16 bits reach 2179 and no certificate predates this format.
ISSUE_EPOCH: Final = date(2000, 1, 1)
#: Dates of birth count days from here: 16 bits reach 2079-06-06 and cover everyone alive.
DOB_EPOCH: Final = date(1900, 1, 1)
_U16_MAX: Final = 0xFFFF

#: Longest name in UTF-8 bytes. Real names are 10-40 bytes; a longer one would still print but push the
#: QR code several versions up, which makes it hard to scan at 30 mm.
MAX_NAME_BYTES: Final = 100
MAX_COURSE_CODE: Final = 16
_COURSE_CODE_RE: Final = re.compile(r"[A-Z0-9][A-Z0-9._-]*")

# version, flags, key id, commune code (24 bits, written as 3 bytes), serial, then the course code's length
_HEADER: Final = struct.Struct(">BBH3sI")
_DATES: Final = struct.Struct(">HH")
#: Official codes have five digits; the field's 24 bits leave room, but the number printed on the paper and
#: the key certificates use five digits, so a record must too.
_MAX_COMMUNE: Final = 99_999
_MAX_SERIAL: Final = 0xFFFFFFFF

# Letters a name may not contain: controls, line and paragraph separators, format characters (invisible,
# they could make two different names print alike), surrogates, private-use and unassigned code points
# (NFC is not stable for those across Unicode versions).
_BAD_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_B32_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_ALPHABET: Final = frozenset(_B32_LETTERS)
#: The longest record (a 16-letter course code, a name of MAX_NAME_BYTES) and its signature, in Base32.
_MAX_PAYLOAD_CHARS: Final = -(
    -(_HEADER.size + 1 + MAX_COURSE_CODE + _DATES.size + 1 + MAX_NAME_BYTES + SIGNATURE_SIZE) * 8 // 5
)
_TO_BASE32HEX: Final = str.maketrans(_B32_LETTERS, "0123456789ABCDEFGHIJKLMNOPQRSTUV")


class CertificateFormatError(ValueError):
    """Bytes or text that are not a certificate of this format; ``code`` says why (a stable reason code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise ValueError(f"full_name must be a string, not {type(name).__name__}")
    for ch in name:
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            raise ValueError(f"full_name contains a character that cannot be printed or normalised: U+{ord(ch):04X}")
    text = unicodedata.normalize("NFC", name)
    if not text.strip() or text != text.strip():
        raise ValueError("full_name must not be empty or start/end with a space")
    size = len(text.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise ValueError(f"full_name is {size} bytes in UTF-8; at most {MAX_NAME_BYTES} fit a certificate")
    return text


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """The signed fields of a certificate. ``full_name`` is stored in NFC whatever form it was given in.

    ``birth`` is a full date, a year (an ``int``) when only the year is known, or None.
    """

    key_id: int
    commune_code: int
    serial: int
    course_code: str
    issue_date: date
    birth: date | int | None
    full_name: str
    demo: bool = False
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.version != FORMAT_VERSION:
            raise ValueError(f"only format version {FORMAT_VERSION} can be written, not {self.version!r}")
        _check_int("key_id", self.key_id, 0, _U16_MAX)
        _check_int("commune_code", self.commune_code, 1, _MAX_COMMUNE)
        _check_int("serial", self.serial, 0, _MAX_SERIAL)
        code = self.course_code
        if not isinstance(code, str) or len(code) > MAX_COURSE_CODE or not _COURSE_CODE_RE.fullmatch(code):
            raise ValueError(f"course_code must be 1-{MAX_COURSE_CODE} of A-Z 0-9 . _ - , not {code!r}")
        if not _is_day(self.issue_date) or not (
            ISSUE_EPOCH <= self.issue_date <= ISSUE_EPOCH + timedelta(days=_U16_MAX)
        ):
            raise ValueError(f"issue_date must be a date from {ISSUE_EPOCH} on, not {self.issue_date!r}")
        birth = self.birth
        if isinstance(birth, datetime):
            raise ValueError("birth must be a date, a year or None, not a datetime")
        if isinstance(birth, date):
            if not DOB_EPOCH <= birth <= DOB_EPOCH + timedelta(days=_U16_MAX):
                raise ValueError(f"birth date {birth} is outside {DOB_EPOCH}..2079")
        elif birth is not None:
            _check_int("birth year", birth, DOB_EPOCH.year, 2079)
        if not isinstance(self.demo, bool):
            raise ValueError("demo must be a bool")
        object.__setattr__(self, "full_name", _check_name(self.full_name))

    @property
    def number(self) -> str:
        """The certificate number printed on the paper ("Số: ..."), see :func:`certificate_number`."""
        return certificate_number(self.commune_code, self.serial)


def encode(record: CertificateRecord) -> bytes:
    """The record's canonical bytes (the only form that is ever signed)."""
    flags = FLAG_DEMO if record.demo else 0
    birth = record.birth
    if isinstance(birth, date):
        dob = (birth - DOB_EPOCH).days
    elif birth is None:
        flags |= FLAG_NO_BIRTH_DATE
        dob = 0
    else:
        flags |= FLAG_BIRTH_YEAR_ONLY
        dob = birth
    course = record.course_code.encode("ascii")
    name = record.full_name.encode("utf-8")
    return b"".join(
        (
            _HEADER.pack(record.version, flags, record.key_id, record.commune_code.to_bytes(3, "big"), record.serial),
            bytes((len(course),)),
            course,
            _DATES.pack((record.issue_date - ISSUE_EPOCH).days, dob),
            bytes((len(name),)),
            name,
        )
    )


def _fail(code: str, message: str) -> CertificateFormatError:
    return CertificateFormatError(code, message)


def decode(data: bytes) -> CertificateRecord:
    """The record in ``data``, which must be exactly one canonical record: anything else raises
    :class:`CertificateFormatError` (never IndexError or UnicodeDecodeError)."""
    view = memoryview(data)
    if len(view) < 1:
        raise _fail("truncated", "empty record")
    if view[0] != FORMAT_VERSION:
        raise _fail("unknown_version", f"record format version {view[0]} is not known to this app")
    pos = _HEADER.size
    if len(view) < pos + 1:
        raise _fail("truncated", "record shorter than its header")
    version, flags, key_id, commune_raw, serial = _HEADER.unpack_from(view, 0)
    if flags & ~_KNOWN_FLAGS or (flags & FLAG_BIRTH_YEAR_ONLY and flags & FLAG_NO_BIRTH_DATE):
        raise _fail("bad_field", f"unknown or contradictory flags 0x{flags:02x}")
    course_len = view[pos]
    pos += 1
    if len(view) < pos + course_len + _DATES.size + 1:
        raise _fail("truncated", "record shorter than its course code and dates")
    try:
        course = bytes(view[pos : pos + course_len]).decode("ascii")
    except UnicodeDecodeError:
        raise _fail("bad_field", "course code is not ASCII") from None
    pos += course_len
    issue_days, dob = _DATES.unpack_from(view, pos)
    pos += _DATES.size
    name_len = view[pos]
    pos += 1
    if len(view) < pos + name_len:
        raise _fail("truncated", "record shorter than its name")
    if len(view) > pos + name_len:
        raise _fail("trailing_bytes", f"{len(view) - pos - name_len} bytes after the record")
    try:
        name = bytes(view[pos : pos + name_len]).decode("utf-8")
    except UnicodeDecodeError:
        raise _fail("bad_field", "name is not UTF-8") from None
    if not unicodedata.is_normalized("NFC", name):
        raise _fail("not_nfc", "name is not in Unicode NFC")
    birth: date | int | None
    if flags & FLAG_NO_BIRTH_DATE:
        if dob != 0:
            raise _fail("bad_field", "a date of birth is present although flagged absent")
        birth = None
    elif flags & FLAG_BIRTH_YEAR_ONLY:
        birth = dob
    else:
        birth = DOB_EPOCH + timedelta(days=dob)
    try:
        record = CertificateRecord(
            key_id=key_id,
            commune_code=int.from_bytes(commune_raw, "big"),
            serial=serial,
            course_code=course,
            issue_date=ISSUE_EPOCH + timedelta(days=issue_days),
            birth=birth,
            full_name=name,
            demo=bool(flags & FLAG_DEMO),
            version=version,
        )
    except ValueError as exc:
        raise _fail("bad_field", str(exc)) from None
    if encode(record) != bytes(view):  # one record, one byte string: nothing else may verify
        raise _fail("not_canonical", "record is not in its canonical form")
    return record


# ---------------------------------------------------------------------------------------------------------
# Signature and text forms


@dataclass(frozen=True, slots=True)
class SignedCertificate:
    """A record with its signature, as read from a payload (the signature is not checked here)."""

    record: CertificateRecord
    record_bytes: bytes
    signature: bytes

    @property
    def payload(self) -> str:
        return encode_payload(self.record_bytes, self.signature)


def sign(record: CertificateRecord, private_key: Ed25519PrivateKey) -> str:
    """The Base32 payload (record + signature) of ``record`` signed with ``private_key``."""
    data = encode(record)
    return encode_payload(data, private_key.sign(CONTEXT + data))


def signature_valid(public_key: Ed25519PublicKey, record_bytes: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(signature, CONTEXT + record_bytes)
    except InvalidSignature:
        return False
    return True


def encode_payload(record_bytes: bytes, signature: bytes) -> str:
    return base64.b32encode(record_bytes + signature).decode("ascii").rstrip("=")


def decode_payload(payload: str) -> SignedCertificate:
    """Split an exact Base32 payload (uppercase, no padding) into the record and its signature."""
    if not payload or not _B32_ALPHABET.issuperset(payload):
        raise _fail("bad_encoding", "payload is not Base32 (A-Z, 2-7)")
    if len(payload) > _MAX_PAYLOAD_CHARS:
        raise _fail("bad_encoding", "payload longer than any certificate's")
    extra_bits = len(payload) * 5 % 8
    if extra_bits >= 5:  # a length no whole number of bytes encodes to
        raise _fail("bad_encoding", "payload length is not a Base32 length")
    # int() reads base 32 in C once the letters are mapped to its digits; base64.b32decode is a Python loop
    value = int(payload.translate(_TO_BASE32HEX), 32)
    if value & ((1 << extra_bits) - 1):  # the last letter's unused bits must be zero: one payload, one text
        raise _fail("bad_encoding", "payload is not canonical Base32")
    raw = (value >> extra_bits).to_bytes(len(payload) * 5 // 8, "big")
    if len(raw) <= SIGNATURE_SIZE:
        raise _fail("truncated", "payload shorter than a signature")
    record_bytes, signature = raw[:-SIGNATURE_SIZE], raw[-SIGNATURE_SIZE:]
    return SignedCertificate(decode(record_bytes), record_bytes, signature)


def certificate_url(host: str, payload: str) -> str:
    """``https://<host>/v/<payload>``: scheme and host lowercase, the payload as it is (uppercase Base32)."""
    host = host.strip().lower().rstrip("/")
    if not host or "/" in host or any(c.isspace() for c in host):
        raise ValueError(f"not a host name: {host!r}")
    return f"https://{host}/v/{payload}"


_URL_PATH_RE: Final = re.compile(r"/v/([^/?#]*)/?(?:[?#].*)?$", re.IGNORECASE)


def parse_payload_text(text: str) -> str:
    """The canonical payload in a verification URL or a bare payload, as typed, scanned or pasted.

    Tolerates lowercase, spaces and line breaks (typed from paper), a trailing slash, a query or fragment.
    Raises :class:`CertificateFormatError` ("bad_encoding") when there is nothing payload-like.
    """
    compact = "".join(text.split())
    match = _URL_PATH_RE.search(compact)
    if match is not None:
        compact = match.group(1)
    elif "/" in compact.rstrip("/"):
        raise _fail("bad_encoding", "a URL without /v/<payload>")
    payload = compact.rstrip("/").upper().rstrip("=")
    if not payload:
        raise _fail("bad_encoding", "no payload")
    return payload


# ---------------------------------------------------------------------------------------------------------
# Certificate numbers


_NUMBER_RE: Final = re.compile(r"(\d{5})-(\d{6,10})")


def certificate_number(commune_code: int, serial: int) -> str:
    """The number printed on a certificate: ``CCCCC-SSSSSS``, e.g. ``"24133-000123"``.

    The five-digit official commune code makes it unique in the province; the serial is unique in the
    commune because each laptop draws serials from a block the server reserved for it, so two laptops
    printing offline never collide. Serials pad to six digits and grow beyond that when needed.
    """
    _check_int("commune_code", commune_code, 1, _MAX_COMMUNE)
    _check_int("serial", serial, 0, _MAX_SERIAL)
    return f"{commune_code:05d}-{serial:06d}"


def parse_certificate_number(number: str) -> tuple[int, int]:
    """(commune code, serial) of a certificate number; ValueError when it is not one."""
    match = _NUMBER_RE.fullmatch(number.strip())
    if match is None:
        raise ValueError(f"not a certificate number (CCCCC-SSSSSS): {number!r}")
    return int(match.group(1)), int(match.group(2))
