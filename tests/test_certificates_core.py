"""The certificate core: record format, keys and trust, offline verification, QR matrices."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dlso_desktop.catalogue import COURSES
from dlso_desktop.certificates.keys import (
    DEMO_KEY_ID,
    KeyCertificate,
    RevocationList,
    Revocations,
    TrustEntry,
    TrustError,
    TrustList,
    demo_private_key,
    generate_key,
    issue_key_certificate,
    load_private_key,
    private_key_to_pem,
    sign_revocation_list,
    sign_trust_list,
    unwrap_commune_key,
    wrap_commune_key,
)
from dlso_desktop.certificates.qr import qr_matrix, qr_version
from dlso_desktop.certificates.record import (
    CONTEXT,
    MAX_NAME_BYTES,
    SIGNATURE_SIZE,
    CertificateFormatError,
    CertificateRecord,
    certificate_number,
    certificate_url,
    decode,
    decode_payload,
    encode,
    encode_payload,
    parse_certificate_number,
    parse_payload_text,
    sign,
)
from dlso_desktop.certificates.verify import REASONS, verify

HOST = "xacthuc.daklak.gov.vn"
COMMUNE = 24133
OTHER_COMMUNE = 24121
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LONG_NAMES = ["Y-Ƀlŭl Niê Blô", "H’Maryam Niê", "Nguyễn Thị Phương Thảo", "Hoàng Thị Thanh Huyền Trang"]

# One root and two communes' keys for the whole module: key generation is cheap, but sharing them keeps the
# trust list the same object the verifier caches keys in, as it is in the app.
ROOT = generate_key()
KEY_A = generate_key()  # commune 24133, in good standing
KEY_B = generate_key()  # commune 24121
KEY_OLD = generate_key()  # commune 24133, valid in 2025 only
KEY_LOST = generate_key()  # commune 24133, revoked after 2026-06-30 12:00 Vietnam time
REVOKED_AFTER = datetime(2026, 6, 30, 5, 0, tzinfo=UTC)


def _cert(key_id: int, commune: int, key: Ed25519PrivateKey, start: date, end: date) -> KeyCertificate:
    return issue_key_certificate(
        ROOT, key_id=key_id, commune_code=commune, public_key=key.public_key(), valid_from=start, valid_until=end
    )


ENTRIES = (
    TrustEntry(_cert(11, COMMUNE, KEY_A, date(2026, 1, 1), date(2027, 1, 31))),
    TrustEntry(_cert(12, OTHER_COMMUNE, KEY_B, date(2026, 1, 1), date(2027, 1, 31))),
    TrustEntry(_cert(7, COMMUNE, KEY_OLD, date(2025, 1, 1), date(2025, 12, 31))),
    TrustEntry(_cert(9, COMMUNE, KEY_LOST, date(2026, 1, 1), date(2027, 1, 31)), revoked_after=REVOKED_AFTER),
)
TRUST = sign_trust_list(ROOT, ENTRIES, sequence=5, issued_at=datetime(2026, 11, 1, tzinfo=UTC))


def record(**changes: object) -> CertificateRecord:
    fields: dict[str, object] = {
        "key_id": 11,
        "commune_code": COMMUNE,
        "serial": 123,
        "course_code": "BDHVS-01",
        "issue_date": date(2026, 11, 20),
        "birth": date(1985, 3, 4),
        "full_name": "Nguyễn Thị Phương Thảo",
    }
    fields.update(changes)
    return CertificateRecord(**fields)  # type: ignore[arg-type]


def url_of(rec: CertificateRecord, key: Ed25519PrivateKey = KEY_A) -> str:
    return certificate_url(HOST, sign(rec, key))


# ---------------------------------------------------------------------------------------------------------
# Record


names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1
).filter(
    lambda s: (
        s.strip() == s and bool(s.strip()) and len(unicodedata.normalize("NFC", s).encode()) <= MAX_NAME_BYTES
        # Zs spaces other than U+0020 are allowed; strip() must agree with the record's check
    )
)
births = st.one_of(
    st.none(),
    st.integers(1900, 2079),
    st.dates(date(1900, 1, 1), date(2079, 6, 6)),
)
records = st.builds(
    CertificateRecord,
    key_id=st.integers(0, 0xFFFF),
    commune_code=st.integers(1, 99_999),
    serial=st.integers(0, 0xFFFFFFFF),
    course_code=st.from_regex(r"[A-Z0-9][A-Z0-9._-]{0,15}", fullmatch=True),
    issue_date=st.dates(date(2000, 1, 1), date(2179, 6, 6)),
    birth=births,
    full_name=names,
    demo=st.booleans(),
)


@settings(deadline=None)
@given(records)
def test_record_round_trip(rec: CertificateRecord) -> None:
    data = encode(rec)
    assert decode(data) == rec
    assert unicodedata.is_normalized("NFC", rec.full_name)


@settings(deadline=None)
@given(records, st.binary(min_size=1, max_size=3))
def test_trailing_bytes_are_refused(rec: CertificateRecord, extra: bytes) -> None:
    with pytest.raises(CertificateFormatError) as err:
        decode(encode(rec) + extra)
    assert err.value.code == "trailing_bytes"


@settings(deadline=None)
@given(records, st.data())
def test_truncated_records_raise_a_typed_error(rec: CertificateRecord, data: st.DataObject) -> None:
    raw = encode(rec)
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(CertificateFormatError):
        decode(raw[:cut])


@settings(deadline=None)
@given(st.binary(max_size=80))
def test_arbitrary_bytes_never_crash_the_decoder(raw: bytes) -> None:
    try:
        rec = decode(raw)
    except CertificateFormatError as exc:
        assert exc.code in REASONS
    else:
        assert encode(rec) == raw


def test_unknown_version_and_flags() -> None:
    raw = bytearray(encode(record()))
    raw[0] = 2
    with pytest.raises(CertificateFormatError) as err:
        decode(bytes(raw))
    assert err.value.code == "unknown_version"
    raw[0] = 1
    raw[1] = 0x80
    with pytest.raises(CertificateFormatError) as err:
        decode(bytes(raw))
    assert err.value.code == "bad_field"


def test_name_is_stored_nfc_and_checked() -> None:
    decomposed = unicodedata.normalize("NFD", "Y-Ƀlŭl Niê Blô")
    assert decomposed != "Y-Ƀlŭl Niê Blô"
    assert record(full_name=decomposed).full_name == "Y-Ƀlŭl Niê Blô"
    for bad in ["", " ", " Thảo", "Thảo ", "Thảo\x00", "Th\u200bảo", "Th\ud800ảo", "Th\ue000ảo"]:
        with pytest.raises(ValueError, match="full_name"):
            record(full_name=bad)
    with pytest.raises(ValueError, match="at most"):
        record(full_name=" ".join(["Nguyễn"] * 20))


def test_a_decomposed_name_in_the_bytes_is_refused() -> None:
    raw = encode(record(full_name="Thảo"))
    nfd = unicodedata.normalize("NFD", "Thảo").encode()
    forged = raw[: -len("Thảo".encode()) - 1] + bytes((len(nfd),)) + nfd
    with pytest.raises(CertificateFormatError) as err:
        decode(forged)
    assert err.value.code == "not_nfc"


def test_birth_year_or_no_birth_date() -> None:
    assert decode(encode(record(birth=1962))).birth == 1962
    assert decode(encode(record(birth=None))).birth is None
    with pytest.raises(ValueError):
        record(birth=1899)
    with pytest.raises(ValueError):
        record(birth=True)


def test_field_ranges() -> None:
    bads: list[dict[str, object]] = [
        {"key_id": -1},
        {"key_id": 0x10000},
        {"commune_code": 0},
        {"commune_code": 100_000},
        {"issue_date": datetime(2026, 1, 1, tzinfo=UTC)},
        {"birth": datetime(1985, 1, 1, tzinfo=UTC)},
        {"serial": 2**32},
        {"course_code": "bdhvs-01"},
        {"course_code": "BDHVS 01"},
        {"course_code": "X" * 17},
        {"issue_date": date(1999, 12, 31)},
    ]
    for bad in bads:
        with pytest.raises(ValueError):
            record(**bad)


def test_catalogue_course_codes_fit() -> None:
    for course in COURSES:
        assert decode(encode(record(course_code=course.code))).course_code == course.code


@pytest.mark.parametrize("name", LONG_NAMES)
def test_payload_size_and_qr_version_for_real_names(name: str) -> None:
    rec = record(full_name=name, serial=999_999, key_id=65_000)
    payload = sign(rec, KEY_A)
    size = len(encode(rec)) + SIGNATURE_SIZE
    assert 95 <= size <= 130
    url = certificate_url(HOST, payload)
    assert 9 <= qr_version(url) <= 11
    assert len(qr_matrix(url)) == 17 + 4 * qr_version(url)


def test_payload_is_uppercase_base32_without_padding() -> None:
    payload = sign(record(), KEY_A)
    assert set(payload) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    signed = decode_payload(payload)
    assert signed.record == record()
    assert KEY_A.public_key().verify(signed.signature, CONTEXT + signed.record_bytes) is None
    assert signed.payload == payload


def test_url_and_tolerant_parsing() -> None:
    payload = sign(record(), KEY_A)
    url = certificate_url("XacThuc.DakLak.gov.VN", payload)
    assert url == f"https://xacthuc.daklak.gov.vn/v/{payload}"
    spaced = " ".join(payload[i : i + 4] for i in range(0, len(payload), 4))
    for text in [
        url,
        url + "/",
        url.lower(),
        url.upper(),
        f"  {url}\n",
        payload,
        payload.lower(),
        spaced,
        spaced.lower() + "\n",
        f"{payload}/",
        url + "?src=print",
        f"http://{HOST}/v/{payload}",
    ]:
        assert parse_payload_text(text) == payload, text
    for bad in ["", "   ", "https://example.org/x/ABC", "/"]:
        with pytest.raises(CertificateFormatError):
            decode_payload(parse_payload_text(bad))


def test_non_canonical_base32_is_refused() -> None:
    payload = sign(record(), KEY_A)
    raw = decode_payload(payload).record_bytes + decode_payload(payload).signature
    assert len(raw) * 8 % 5  # the last letter has unused bits
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(payload[-1])
    twin = payload[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last | 1]
    assert twin != payload
    with pytest.raises(CertificateFormatError):
        decode_payload(twin)
    assert encode_payload(raw, b"") == payload


def test_certificate_numbers() -> None:
    assert certificate_number(24133, 123) == "24133-000123"
    assert certificate_number(24133, 1_234_567) == "24133-1234567"
    assert record(serial=42).number == "24133-000042"
    assert parse_certificate_number(" 24133-000123 ") == (24133, 123)
    with pytest.raises(ValueError):
        parse_certificate_number("24133/000123")
    with pytest.raises(ValueError):
        certificate_number(100_000, 1)


# ---------------------------------------------------------------------------------------------------------
# Keys and trust


def test_root_key_file_round_trip_and_wrong_passphrase() -> None:
    pem = private_key_to_pem(ROOT, "mật khẩu của tỉnh")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    loaded = load_private_key(pem, "mật khẩu của tỉnh")
    assert loaded.public_key().public_bytes_raw() == ROOT.public_key().public_bytes_raw()
    with pytest.raises(TrustError) as err:
        load_private_key(pem, "sai mật khẩu")
    assert err.value.code == "wrong_passphrase"
    with pytest.raises(TrustError) as err:
        load_private_key(pem, "")
    assert err.value.code == "wrong_passphrase"
    plain = ROOT.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(TrustError) as err:
        load_private_key(plain, "x")
    assert err.value.code == "bad_key_file"
    with pytest.raises(TrustError) as err:
        load_private_key(b"not a key", "x")
    assert err.value.code == "bad_key_file"
    with pytest.raises(ValueError):
        private_key_to_pem(ROOT, "")


def test_trust_list_round_trip() -> None:
    data = TRUST.to_bytes()
    loaded = TrustList.from_bytes(data, ROOT.public_key())
    assert loaded == TRUST
    assert loaded.entry(9) is not None and loaded.entry(9).revoked_after == REVOKED_AFTER  # type: ignore[union-attr]
    assert [e.certificate.key_id for e in loaded.keys_of(COMMUNE)] == [7, 9, 11]
    assert loaded.newer_than(None)
    assert not loaded.newer_than(TRUST)
    # canonical: signing the same content again gives the same bytes
    assert sign_trust_list(ROOT, reversed(ENTRIES), sequence=5, issued_at=TRUST.issued_at).to_bytes() == data


def _tamper(doc: dict[str, object], path: list[object], value: object) -> bytes:
    target: object = doc
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        (["body", "sequence"], 6, "bad_signature"),
        (["body", "keys", 1, "revoked_after"], None, "bad_signature"),  # un-revoking key 9 (sorted: 7, 9, 11, 12)
        (["body", "keys", 3, "revoked_after"], "2030-01-01T00:00:00Z", "bad_signature"),
        (["body", "keys", 1, "certificate", "body", "valid_until"], "2099-12-31", "bad_signature"),
        (["body", "kind"], "dlso-revocation-list", "bad_document"),
        (["body", "v"], 2, "unknown_version"),
        (["signature"], "AAAA", "bad_document"),
        (["body", "sequence"], 5.0, "bad_document"),
    ],
)
def test_tampered_trust_list_is_refused(path: list[object], value: object, code: str) -> None:
    doc = json.loads(TRUST.to_bytes())
    with pytest.raises(TrustError) as err:
        TrustList.from_bytes(_tamper(doc, path, value), ROOT.public_key())
    assert err.value.code == code


@pytest.mark.parametrize("data", [b"", b"\xff", b"[" * 100_000, b"{}", b'{"body": []}', b"1" * 5000, b"null"])
def test_garbage_trust_list_is_a_trust_error(data: bytes) -> None:
    with pytest.raises(TrustError) as err:
        TrustList.from_bytes(data, ROOT.public_key())
    assert err.value.code == "bad_document"


def test_trust_list_from_another_root_is_refused() -> None:
    with pytest.raises(TrustError) as err:
        TrustList.from_bytes(TRUST.to_bytes(), generate_key().public_key())
    assert err.value.code == "bad_signature"


def test_a_key_certificate_signed_by_another_root_is_refused() -> None:
    stranger = issue_key_certificate(
        generate_key(),
        key_id=40,
        commune_code=COMMUNE,
        public_key=KEY_A.public_key(),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 1, 1),
    )
    forged = sign_trust_list(ROOT, (*ENTRIES, TrustEntry(stranger)), sequence=6, issued_at=NOW)
    with pytest.raises(TrustError) as err:
        TrustList.from_bytes(forged.to_bytes(), ROOT.public_key())
    assert err.value.code == "bad_signature"


def test_key_certificate_rules() -> None:
    with pytest.raises(ValueError):
        _cert(DEMO_KEY_ID, COMMUNE, KEY_A, date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        _cert(3, COMMUNE, KEY_A, date(2027, 1, 1), date(2026, 1, 1))
    with pytest.raises(TrustError):
        sign_trust_list(ROOT, (ENTRIES[0], ENTRIES[0]), sequence=1, issued_at=NOW)


def test_revocation_list_signed_by_the_commune_key() -> None:
    rl = sign_revocation_list(KEY_A, key_id=11, commune_code=COMMUNE, counter=3, serials=[5, 123, 7], issued_at=NOW)
    loaded = RevocationList.from_bytes(rl.to_bytes(), TRUST)
    assert loaded == rl
    revs = Revocations([loaded])
    assert revs.is_revoked(COMMUNE, 123)
    assert not revs.is_revoked(OTHER_COMMUNE, 123)
    assert revs.counter(COMMUNE) == 3
    # a later list that forgets a serial cannot un-revoke it
    revs.add(sign_revocation_list(KEY_A, key_id=11, commune_code=COMMUNE, counter=4, serials=[5], issued_at=NOW))
    assert revs.is_revoked(COMMUNE, 123)
    assert revs.counter(COMMUNE) == 4


def test_revocation_lists_that_must_be_refused() -> None:
    def load(rl: RevocationList) -> str:
        with pytest.raises(TrustError) as err:
            RevocationList.from_bytes(rl.to_bytes(), TRUST)
        return err.value.code

    other = sign_revocation_list(KEY_B, key_id=12, commune_code=COMMUNE, counter=1, serials=[1], issued_at=NOW)
    assert load(other) == "wrong_commune"
    forged = sign_revocation_list(KEY_B, key_id=11, commune_code=COMMUNE, counter=1, serials=[1], issued_at=NOW)
    assert load(forged) == "bad_signature"
    stolen = sign_revocation_list(KEY_LOST, key_id=9, commune_code=COMMUNE, counter=1, serials=[1], issued_at=NOW)
    assert load(stolen) == "key_revoked"
    unknown = sign_revocation_list(KEY_A, key_id=99, commune_code=COMMUNE, counter=1, serials=[1], issued_at=NOW)
    assert load(unknown) == "unknown_key"
    good = sign_revocation_list(KEY_A, key_id=11, commune_code=COMMUNE, counter=2, serials=[1, 2], issued_at=NOW)
    doc = json.loads(good.to_bytes())
    doc["body"]["serials"] = [1]
    with pytest.raises(TrustError) as err:
        RevocationList.from_bytes(json.dumps(doc), TRUST)
    assert err.value.code == "bad_signature"


def test_wrapped_commune_key_for_a_device() -> None:
    token = "dev-token-0123456789abcdefghijklmnop"
    blob = wrap_commune_key(KEY_A, key_id=11, device_token=token, device_id="device-1")
    key_id, key = unwrap_commune_key(blob, device_token=token, device_id="device-1")
    assert key_id == 11
    assert key.public_key().public_bytes_raw() == KEY_A.public_key().public_bytes_raw()
    assert wrap_commune_key(KEY_A, key_id=11, device_token=token, device_id="device-1") != blob  # fresh nonce
    for kwargs in [
        {"device_token": token + "x", "device_id": "device-1"},
        {"device_token": token, "device_id": "device-2"},
    ]:
        with pytest.raises(TrustError) as err:
            unwrap_commune_key(blob, **kwargs)
        assert err.value.code == "cannot_unwrap"
    altered = bytearray(blob)
    altered[8] ^= 1  # the key id: authenticated, so it cannot be relabelled
    with pytest.raises(TrustError):
        unwrap_commune_key(bytes(altered), device_token=token, device_id="device-1")
    with pytest.raises(ValueError):
        wrap_commune_key(KEY_A, key_id=11, device_token="short", device_id="device-1")


# ---------------------------------------------------------------------------------------------------------
# Verification


def test_valid_certificate() -> None:
    rec = record()
    verdict = verify(url_of(rec), TRUST, Revocations(), now=NOW)
    assert verdict.status == "valid", verdict
    assert verdict.reason is None
    assert verdict.record == rec
    assert verdict.number == "24133-000123"
    assert verdict.key is not None and verdict.key.certificate.key_id == 11
    # typed from the paper, in lowercase with spaces; or with no revocation list at all
    typed = " ".join(sign(rec, KEY_A).lower()[i : i + 5] for i in range(0, 200, 5))
    assert verify(typed, TRUST, None, now=NOW).status == "valid"


def test_the_verifier_works_from_a_loaded_trust_list() -> None:
    loaded = TrustList.from_bytes(TRUST.to_bytes(), ROOT.public_key())
    assert verify(url_of(record()), loaded, None, now=NOW).status == "valid"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_changed_byte_is_invalid(data: st.DataObject) -> None:
    rec = record(full_name=data.draw(st.sampled_from(LONG_NAMES)))
    signed = decode_payload(sign(rec, KEY_A))
    raw = bytearray(signed.record_bytes + signed.signature)
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= data.draw(st.integers(1, 255))
    verdict = verify(encode_payload(bytes(raw), b""), TRUST, Revocations(), now=NOW)
    assert verdict.status == "invalid"
    assert verdict.reason in REASONS


def test_every_single_byte_change_is_invalid() -> None:
    signed = decode_payload(sign(record(full_name="Y-Ƀlŭl Niê Blô"), KEY_A))
    raw = signed.record_bytes + signed.signature
    for index in range(len(raw)):
        for delta in (1, 0x80):
            changed = bytearray(raw)
            changed[index] ^= delta
            verdict = verify(encode_payload(bytes(changed), b""), TRUST, None, now=NOW)
            assert verdict.status == "invalid", (index, delta)


def test_garbage_text_is_invalid_not_an_exception() -> None:
    for text in ["", "hello", "https://xacthuc.daklak.gov.vn/", "https://x/v/", "AAAA", "Ƀ" * 50, "8" * 200]:
        verdict = verify(text, TRUST, None, now=NOW)
        assert verdict.status == "invalid"
        assert verdict.reason in REASONS
        assert verdict.record is None


@settings(deadline=None)
@given(st.text(max_size=500))
def test_any_text_gives_a_verdict(text: str) -> None:
    verdict = verify(text, TRUST, None, now=NOW)
    assert verdict.status == "invalid"
    assert verdict.reason in REASONS


def test_longest_record_fits_the_payload_limit() -> None:
    longest = record(course_code="X" * 16, full_name="Ƀ" * (MAX_NAME_BYTES // 2), serial=2**32 - 1)
    assert decode_payload(sign(longest, KEY_A)).record == longest
    assert parse_payload_text("A" * 5000) == "A" * 5000
    with pytest.raises(CertificateFormatError):
        decode_payload("A" * 5000)


def test_another_communes_key() -> None:
    # a genuine key of commune 24121 signing a certificate that claims commune 24133
    verdict = verify(url_of(record(key_id=12), KEY_B), TRUST, None, now=NOW)
    assert (verdict.status, verdict.reason) == ("invalid", "wrong_commune")
    assert verdict.record is not None  # the signature checked: the fields can be shown
    # and a key that signs under another key's id
    verdict = verify(url_of(record(key_id=11), KEY_B), TRUST, None, now=NOW)
    assert (verdict.status, verdict.reason) == ("invalid", "bad_signature")
    assert verdict.record is None


def test_unknown_key() -> None:
    verdict = verify(url_of(record(key_id=77)), TRUST, None, now=NOW)
    assert (verdict.status, verdict.reason) == ("invalid", "unknown_key")
    assert verify(url_of(record()), None, None, now=NOW).reason == "unknown_key"


def test_expired_and_not_yet_valid_keys() -> None:
    # key 7 was valid through 2025: its certificates stay valid, a 2026 one is forged or misdated
    old = record(key_id=7, issue_date=date(2025, 12, 31))
    assert verify(url_of(old, KEY_OLD), TRUST, None, now=NOW).status == "valid"
    late = record(key_id=7, issue_date=date(2026, 1, 1))
    assert verify(url_of(late, KEY_OLD), TRUST, None, now=NOW).reason == "key_expired"
    early = record(key_id=11, issue_date=date(2025, 12, 31))
    assert verify(url_of(early), TRUST, None, now=NOW).reason == "key_not_yet_valid"


def test_key_revoked_before_or_after_the_issue_date() -> None:
    # key 9 is revoked after 2026-06-30 05:00 UTC = 12:00 in Vietnam: that day and before stay valid
    before = record(key_id=9, issue_date=date(2026, 6, 30))
    assert verify(url_of(before, KEY_LOST), TRUST, None, now=NOW).status == "valid"
    after = record(key_id=9, issue_date=date(2026, 7, 1))
    verdict = verify(url_of(after, KEY_LOST), TRUST, None, now=NOW)
    assert (verdict.status, verdict.reason) == ("invalid", "key_revoked")


def test_revocation_day_is_the_vietnam_date() -> None:
    late_evening_utc = datetime(2026, 6, 30, 20, 0, tzinfo=UTC)  # already 1 July in Vietnam
    entry = TrustEntry(ENTRIES[3].certificate, revoked_after=late_evening_utc)
    assert entry.revoked_on() == date(2026, 7, 1)


def test_revoked_certificate() -> None:
    rl = sign_revocation_list(KEY_A, key_id=11, commune_code=COMMUNE, counter=1, serials=[123], issued_at=NOW)
    revs = Revocations([RevocationList.from_bytes(rl.to_bytes(), TRUST)])
    verdict = verify(url_of(record(serial=123)), TRUST, revs, now=NOW)
    assert (verdict.status, verdict.reason) == ("revoked", "certificate_revoked")
    assert verdict.record is not None and verdict.record.full_name == "Nguyễn Thị Phương Thảo"
    assert verify(url_of(record(serial=124)), TRUST, revs, now=NOW).status == "valid"
    # the same serial in another commune is another certificate
    other = record(key_id=12, commune_code=OTHER_COMMUNE, serial=123)
    assert verify(url_of(other, KEY_B), TRUST, revs, now=NOW).status == "valid"


def test_demo_certificates_are_never_valid() -> None:
    demo = record(key_id=DEMO_KEY_ID, demo=True)
    verdict = verify(url_of(demo, demo_private_key()), TRUST, Revocations(), now=NOW)
    assert verdict.status == "demo"
    assert verdict.record == demo
    # without any trust list (a laptop not enrolled yet) the demo still verifies as demo
    assert verify(url_of(demo, demo_private_key()), None, None, now=NOW).status == "demo"
    # the demo key is public: dropping the flag and re-signing must not make a "valid" certificate
    forged = record(key_id=DEMO_KEY_ID, demo=False)
    verdict = verify(url_of(forged, demo_private_key()), TRUST, None, now=NOW)
    assert (verdict.status, verdict.reason) == ("invalid", "demo_key_without_flag")
    # a sample printed with a real key is a sample too
    assert verify(url_of(record(demo=True)), TRUST, None, now=NOW).status == "demo"
    # demo signatures are checked like any other
    assert verify(url_of(demo, KEY_A), TRUST, None, now=NOW).reason == "bad_signature"


def test_certificate_dated_in_the_future() -> None:
    tomorrow_vn = record(issue_date=date(2026, 12, 3))  # NOW is 16:00 in Vietnam; a day of slack
    assert verify(url_of(tomorrow_vn), TRUST, None, now=NOW).status == "valid"
    later = record(issue_date=date(2026, 12, 4))
    assert verify(url_of(later), TRUST, None, now=NOW).reason == "issued_in_future"
    assert verify(url_of(later), TRUST, None, now=NOW + timedelta(days=2)).status == "valid"


def test_verification_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        verify(url_of(record()), TRUST, None, now=datetime(2026, 12, 2))


# ---------------------------------------------------------------------------------------------------------
# QR


def _render(matrix: list[list[bool]], scale: int = 4, quiet: int = 4) -> Image.Image:
    size = len(matrix)
    img = Image.new("L", (size + 2 * quiet, size + 2 * quiet), 255)
    pixels = img.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + quiet, y + quiet] = 0
    return img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)


@pytest.mark.parametrize("name", LONG_NAMES)
def test_qr_decodes_to_the_exact_url(name: str) -> None:
    url = url_of(record(full_name=name, serial=4567))
    matrix = qr_matrix(url)
    assert all(len(row) == len(matrix) for row in matrix)
    found = zxingcpp.read_barcodes(_render(matrix))
    assert [b.text for b in found] == [url]
    assert found[0].ec_level == "Q"
    assert verify(found[0].text, TRUST, None, now=NOW).status == "valid"


def test_fixed_mask_and_automatic_mask_carry_the_same_url() -> None:
    url = url_of(record())
    fixed, auto = qr_matrix(url), qr_matrix(url, mask_pattern=None)
    assert len(fixed) == len(auto)
    for matrix in (fixed, auto):
        found = zxingcpp.read_barcodes(_render(matrix))
        assert [b.text for b in found] == [url]
    assert qr_matrix(url) == fixed  # deterministic: a reprint gives the same QR


@settings(max_examples=40, deadline=None)
@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=1, max_size=400), st.integers(0, 7))
def test_our_symbol_is_qrcodes_symbol(payload: str, mask: int) -> None:
    # the fast builder against qrcode's own, module for module, from version 1 to about 16
    url = f"https://{HOST}/v/{payload}"
    assert qr_matrix(url, mask_pattern=mask) == qr_matrix(url, mask_pattern=mask, use_qrcode=True)


def test_qr_of_any_url() -> None:
    for url in ["https://example.org/a?b=c", "HTTPS://X/V/ABC", "x", "https://ví-dụ.vn/Ƀlŭl"]:
        assert qr_matrix(url) == qr_matrix(url, use_qrcode=True)
        found = zxingcpp.read_barcodes(_render(qr_matrix(url)))
        assert [b.text for b in found] == [url]


def test_cert_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import cert_bench

    cert_bench.run(rounds=1, n_verify=30, n_qr=2)
    figures = {f["figure"]: f for f in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(figures) == {"cert_verify_per_s", "cert_qr_matrices_per_s"}
    assert figures["cert_verify_per_s"]["certificates"] == 30
    assert all(isinstance(f["value"], float) and "baseline" in f and "ratio" in f for f in figures.values())
