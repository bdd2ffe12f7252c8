"""Certificates: offline verifications per second from QR text, against decoding the same texts without
checking signatures; QR matrices per second with the fixed mask (our builder), against qrcode's default
automatic mask choice (and, as an extra field, qrcode itself with the same fixed mask)."""

import random
from datetime import UTC, date, datetime, timedelta

from bench.common import EDE_CLAN, EDE_GIVEN, FAMILY, GIVEN, MIDDLE, emit, median, timed
from dlso_desktop.catalogue import COURSES
from dlso_desktop.certificates.keys import (
    Revocations,
    TrustEntry,
    TrustList,
    generate_key,
    issue_key_certificate,
    sign_revocation_list,
    sign_trust_list,
)
from dlso_desktop.certificates.qr import qr_matrix
from dlso_desktop.certificates.record import (
    CertificateRecord,
    certificate_url,
    decode_payload,
    parse_payload_text,
    sign,
)
from dlso_desktop.certificates.verify import verify

HOST = "xacthuc.daklak.gov.vn"
COMMUNES = (24133, 24121, 24175, 24610, 24112)
N_VERIFY = 5_000
N_QR = 100


def _setup(n: int, seed: int = 11) -> tuple[list[str], TrustList, Revocations]:
    """``n`` certificate URLs of five communes (one key each), the trust list and revocation lists."""
    rng = random.Random(seed)
    root = generate_key()
    keys = {code: generate_key() for code in COMMUNES}
    key_ids = {code: 100 + i for i, code in enumerate(COMMUNES)}
    entries = [
        TrustEntry(
            issue_key_certificate(
                root,
                key_id=key_ids[code],
                commune_code=code,
                public_key=keys[code].public_key(),
                valid_from=date(2026, 1, 1),
                valid_until=date(2026, 12, 31),
            )
        )
        for code in COMMUNES
    ]
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    trust = TrustList.from_bytes(
        sign_trust_list(root, entries, sequence=1, issued_at=now).to_bytes(), root.public_key()
    )
    revocations = Revocations(
        sign_revocation_list(
            keys[code], key_id=key_ids[code], commune_code=code, counter=1, serials=range(0, 5_000, 97), issued_at=now
        )
        for code in COMMUNES
    )
    urls = []
    for serial in range(n):
        code = rng.choice(COMMUNES)
        if rng.random() < 0.7:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        else:
            name = f"{rng.choice(['Y ', 'H’'])}{rng.choice(EDE_GIVEN)} {rng.choice(EDE_CLAN)}"
        record = CertificateRecord(
            key_id=key_ids[code],
            commune_code=code,
            serial=serial,
            course_code=rng.choice(COURSES).code,
            issue_date=date(2026, 1, 1) + timedelta(days=rng.randint(0, 330)),
            birth=date(rng.randint(1945, 2010), rng.randint(1, 12), rng.randint(1, 28)),
            full_name=name,
        )
        urls.append(certificate_url(HOST, sign(record, keys[code])))
    return urls, trust, revocations


def run(rounds: int = 5, n_verify: int = N_VERIFY, n_qr: int = N_QR) -> None:
    """Alternating rounds; medians are reported (small sizes keep the smoke test quick)."""
    urls, trust, revocations = _setup(n_verify)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def verify_all() -> list[str]:
        return [verify(u, trust, revocations, now=now).status for u in urls]

    def decode_all() -> int:
        return sum(len(decode_payload(parse_payload_text(u)).signature) for u in urls)

    statuses = verify_all()  # warm-up: loads the public keys once, as a long-running app would
    assert statuses.count("invalid") == 0, "every benchmark certificate must verify"
    verify_times: list[float] = []
    decode_times: list[float] = []
    for _ in range(rounds):
        decode_times.append(timed(decode_all)[0])
        verify_times.append(timed(verify_all)[0])
    t_verify, t_decode = median(verify_times), median(decode_times)
    emit(
        "cert_verify_per_s",
        n_verify / t_verify,
        "verifications/s",
        n_verify / t_decode,
        "parsing and decoding the same texts without checking signatures",
        goal=">= 1000",
        certificates=n_verify,
        rounds=rounds,
        per_verification_us=round(t_verify / n_verify * 1e6, 1),
        revoked=statuses.count("revoked"),
    )

    sample = urls[:n_qr]

    def fixed() -> None:
        for u in sample:
            qr_matrix(u)

    def automatic() -> None:
        for u in sample:
            qr_matrix(u, mask_pattern=None)

    def qrcode_fixed() -> None:
        for u in sample:
            qr_matrix(u, use_qrcode=True)

    fixed_times: list[float] = []
    auto_times: list[float] = []
    qrcode_fixed_times: list[float] = []
    for _ in range(max(1, rounds // 2)):
        auto_times.append(timed(automatic)[0])
        qrcode_fixed_times.append(timed(qrcode_fixed)[0])
        fixed_times.append(timed(fixed)[0])
    t_fixed, t_auto = median(fixed_times), median(auto_times)
    emit(
        "cert_qr_matrices_per_s",
        n_qr / t_fixed,
        "matrices/s",
        n_qr / t_auto,
        "qrcode choosing the mask by its penalty score (its default)",
        matrices=n_qr,
        per_matrix_ms=round(t_fixed / n_qr * 1e3, 2),
        for_500_certificates_s=round(t_fixed / n_qr * 500, 2),
        qrcode_same_fixed_mask_per_s=round(n_qr / median(qrcode_fixed_times), 1),
    )


if __name__ == "__main__":
    run()
