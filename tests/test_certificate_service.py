"""The certificate service: issuing for a session's passed attendees (idempotent per person and course),
numbering from the reserved serial block, demo samples, revocation, search and offline verification."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cert_support import make_signing, province, session_with_results
from conftest import take_snapshot

from dlso_desktop.certificates import trust
from dlso_desktop.certificates.record import decode_payload, parse_payload_text
from dlso_desktop.certificates.scan import texts_from_pdf
from dlso_desktop.services import Services
from dlso_desktop.services.views import VillageView
from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError

ROSTER = {"Phạm Văn Khôi": "passed", "Trần Thị Mai": "passed", "Y-Ƀlŭl Niê Blô": "passed", "Lê Văn Tám": "not_yet"}


def count(db: Database, sql: str, *params: Any) -> int:
    with db.reader() as conn:
        return int(conn.exec_driver_sql(sql, params).scalar_one())


@pytest.fixture
def signing(services: Services, db: Database) -> Services:
    make_signing(db)
    services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
    return services


def test_a_fresh_laptop_prints_samples_only_and_stores_nothing(
    services: Services, db: Database, village: VillageView
) -> None:
    session_id, _ = session_with_results(services, village.id, ROSTER)
    status = services.certificates.signing_status()
    assert (status.mode, status.reason, status.key_id) == ("demo", "not_enrolled", 0)
    before = take_snapshot(db)
    samples = services.certificates.issue(session_id)
    assert [s.full_name for s in samples] == sorted(
        (n for n, r in ROSTER.items() if r == "passed"), key=lambda n: [s.full_name for s in samples].index(n)
    )
    assert {s.full_name for s in samples} == {"Phạm Văn Khôi", "Trần Thị Mai", "Y-Ƀlŭl Niê Blô"}
    assert all(s.id is None and s.demo and s.number == "24133-000000" for s in samples)
    assert take_snapshot(db) == before  # nothing written: no certificate, no outbox op, no audit entry
    verdicts = [services.certificates.verify_text(s.url) for s in samples]
    assert {v.status for v in verdicts} == {"demo"}


def test_issuing_numbers_signs_and_writes_record_audit_and_outbox_together(
    signing: Services, db: Database, village: VillageView
) -> None:
    services = signing
    session_id, ids = session_with_results(services, village.id, ROSTER)
    status = services.certificates.signing_status()
    assert (status.mode, status.key_id, status.serials_left) == ("commune", 7, 1000)
    outbox = count(db, "SELECT count(*) FROM outbox")
    issued = services.certificates.issue(session_id)
    assert len(issued) == 3
    assert sorted(c.number for c in issued) == ["24133-000001", "24133-000002", "24133-000003"]
    assert count(db, "SELECT count(*) FROM certificate") == 3
    assert count(db, "SELECT count(*) FROM outbox WHERE table_name = 'certificate'") == 3
    assert count(db, "SELECT count(*) FROM outbox") == outbox + 3
    assert count(db, "SELECT count(*) FROM audit_entry WHERE table_name = 'certificate'") == 3
    assert services.certificates.signing_status().serials_left == 997
    for c in issued:
        record = decode_payload(parse_payload_text(c.url)).record
        assert (record.key_id, record.commune_code, record.serial, record.demo) == (7, 24133, c.serial, False)
        assert record.full_name == c.full_name and record.course_code == "BDHVS-01"
        v = services.certificates.verify_text(c.url)
        assert (v.status, v.full_name, v.number, v.course_name) == (
            "valid",
            c.full_name,
            c.number,
            "Kỹ năng số cơ bản cho người dân",
        )
    assert "Lê Văn Tám" not in {c.full_name for c in issued}
    eligible = services.certificates.eligible(session_id)
    assert {e.full_name: e.number for e in eligible} == {c.full_name: c.number for c in issued}
    assert ids["Lê Văn Tám"] not in {e.person_id for e in eligible}


def test_issuing_again_gives_the_same_certificate_also_from_another_session_of_the_course(
    signing: Services, db: Database, village: VillageView
) -> None:
    services = signing
    session_id, ids = session_with_results(services, village.id, ROSTER)
    first = services.certificates.issue(session_id)
    again = services.certificates.issue(session_id)
    assert again == first
    one = services.certificates.issue(session_id, [ids["Trần Thị Mai"]])
    assert one == [c for c in first if c.person_id == ids["Trần Thị Mai"]]
    # the same person passing another session of the same course keeps their certificate
    other = services.training.create_session(_session_input(services, session_id))
    services.training.record_attendance(other.id, [ids["Trần Thị Mai"]], result="passed")
    assert services.certificates.issue(other.id) == one
    assert count(db, "SELECT count(*) FROM certificate") == 3


def _session_input(services: Services, session_id: str) -> Any:
    from dlso_desktop.services.training import SessionInput

    s = services.training.get_session(session_id)
    return SessionInput(s.course_id, s.session_date + timedelta(days=7), "Hội trường xã", "Trần Văn Nam")


def test_reprint_is_byte_identical(signing: Services, village: VillageView, tmp_path: Path) -> None:
    services = signing
    session_id, _ = session_with_results(services, village.id, ROSTER)
    services.certificates.render_pdf(services.certificates.issue(session_id), tmp_path / "a.pdf")
    services.certificates.render_pdf(services.certificates.issue(session_id), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    views = services.certificates.verify_pdf(tmp_path / "a.pdf")
    assert [v.status for v in views] == ["valid"] * 3


def test_not_enough_serials_writes_nothing(services: Services, db: Database, village: VillageView) -> None:
    make_signing(db, serials=(41, 42))
    services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
    session_id, _ = session_with_results(services, village.id, ROSTER)
    before = take_snapshot(db)
    with pytest.raises(ValidationError) as err:
        services.certificates.issue(session_id)
    assert err.value.code == "certificates.no_serials" and "2" in err.value.message_vi
    assert take_snapshot(db) == before
    # two people fit the block exactly; then the laptop says why it prints samples
    a, b, _ = (e.person_id for e in services.certificates.eligible(session_id))
    assert [c.serial for c in services.certificates.issue(session_id, [a, b])] == [41, 42]
    assert services.certificates.signing_status().reason == "no_serials"


def test_only_passed_attendees_and_a_signer_are_required(signing: Services, db: Database, village: VillageView) -> None:
    services = signing
    session_id, ids = session_with_results(services, village.id, ROSTER)
    with pytest.raises(ValidationError) as err:
        services.certificates.issue(session_id, [ids["Lê Văn Tám"]])
    assert err.value.code == "certificates.not_passed"
    services.certificates.set_signer("  ", "")
    with pytest.raises(ValidationError) as err:
        services.certificates.issue(session_id)
    assert err.value.code == "signer_name.required"
    assert count(db, "SELECT count(*) FROM certificate") == 0
    with pytest.raises(ValidationError):
        services.certificates.issue("no-such-session")


def test_revocation_counts_at_once_and_issuing_again_replaces_the_certificate(
    signing: Services, db: Database, village: VillageView
) -> None:
    services = signing
    session_id, ids = session_with_results(services, village.id, ROSTER)
    issued = {c.person_id: c for c in services.certificates.issue(session_id)}
    mai = issued[ids["Trần Thị Mai"]]
    assert mai.id is not None
    with pytest.raises(ValidationError) as err:
        services.certificates.revoke(mai.id, "   ")
    assert err.value.code == "reason.required"
    revoked = services.certificates.revoke(mai.id, "Sai họ tên")
    assert (revoked.revoked, revoked.revoked_reason) == (True, "Sai họ tên")
    assert count(db, "SELECT count(*) FROM outbox WHERE table_name = 'certificate_revocation'") == 1
    assert services.certificates.verify_text(mai.url).status == "revoked"
    assert services.certificates.verify_text(issued[ids["Phạm Văn Khôi"]].url).status == "valid"
    with pytest.raises(ValidationError) as err:
        services.certificates.revoke(mai.id, "again")
    assert err.value.code == "certificate.already_revoked"
    replacement = services.certificates.issue(session_id, [ids["Trần Thị Mai"]])[0]
    assert replacement.number != mai.number and not replacement.revoked
    assert services.certificates.issue(session_id, [ids["Trần Thị Mai"]])[0] == replacement
    assert services.certificates.by_number(mai.number).revoked


def test_search_by_number_and_by_name_without_accents(signing: Services, village: VillageView) -> None:
    services = signing
    session_id, _ = session_with_results(services, village.id, ROSTER)
    issued = services.certificates.issue(session_id)
    assert len(services.certificates.search("")) == 3
    blol = next(c for c in issued if c.full_name.startswith("Y-"))
    assert [c.id for c in services.certificates.search(blol.number)] == [blol.id]
    assert [c.id for c in services.certificates.search(blol.number.replace("-", ""))] == [blol.id]
    assert [c.full_name for c in services.certificates.search("tran thi")] == ["Trần Thị Mai"]
    assert [c.full_name for c in services.certificates.search("blul nie")] == ["Y-Ƀlŭl Niê Blô"]
    assert services.certificates.search("không có ai") == []
    with pytest.raises(ValidationError):
        services.certificates.by_number("24133-999999")


def test_a_decomposed_name_is_signed_and_shown_in_nfc(signing: Services, village: VillageView) -> None:
    services = signing
    decomposed = unicodedata.normalize("NFD", "H’Maryam Niê")
    session_id, ids = session_with_results(services, village.id, {decomposed: "passed"})
    (cert,) = services.certificates.issue(session_id)
    # stored as the app stores every name: NFC, the typographic apostrophe made straight
    assert cert.full_name == services.persons.get(ids[decomposed]).person.full_name == "H'Maryam Niê"
    assert unicodedata.is_normalized("NFC", cert.full_name)
    assert decode_payload(parse_payload_text(cert.url)).record.full_name == cert.full_name


def test_a_revoked_or_expired_key_falls_back_to_samples(services: Services, db: Database) -> None:
    make_signing(db, province(revoked_after=datetime.now(UTC) - timedelta(days=3)))
    assert services.certificates.signing_status().reason == "key_not_valid"


def test_a_key_the_trust_list_does_not_vouch_for_is_not_used(services: Services, db: Database) -> None:
    p = province()
    make_signing(db, p)
    # the wrapped key is replaced by another key with the same id: its public key is not the listed one
    other = province(root=p.root)
    make_signing(db, other)  # a new root-signed list with sequence 1 is not newer: the first list stays
    assert trust.load(db).trust_list.to_bytes() == p.trust_list.to_bytes()  # type: ignore[union-attr]
    assert services.certificates.signing_status().reason == "no_key"


def test_verify_other_commune_and_tampering(signing: Services, village: VillageView) -> None:
    services = signing
    session_id, _ = session_with_results(services, village.id, {"Phạm Văn Khôi": "passed"})
    (cert,) = services.certificates.issue(session_id)
    payload = parse_payload_text(cert.url)
    changed = payload[:20] + ("A" if payload[20] != "A" else "B") + payload[21:]
    assert services.certificates.verify_text(changed).status == "invalid"
    assert services.certificates.verify_text("hello").status == "invalid"
    # a certificate from another commune's key that this laptop's trust list does not hold
    from dlso_desktop.certificates.record import CertificateRecord, sign

    stranger = province(24124, key_id=9)
    foreign = sign(
        CertificateRecord(9, 24124, 5, "BDHVS-01", date(2026, 11, 1), None, "Phạm Văn Khôi"),
        stranger.commune_keys[9],
    )
    v = services.certificates.verify_text(foreign)
    assert (v.status, v.reason) == ("invalid", "unknown_key")


def test_pdf_has_every_page_and_its_qr_decodes(signing: Services, village: VillageView, tmp_path: Path) -> None:
    services = signing
    session_id, _ = session_with_results(services, village.id, ROSTER)
    issued = services.certificates.issue(session_id)
    seen: list[tuple[int, int]] = []
    services.certificates.render_pdf(issued, tmp_path / "s.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (3, 3)
    assert texts_from_pdf(tmp_path / "s.pdf") == [c.url for c in issued]


def test_a_damaged_row_from_elsewhere_is_listed_not_trusted(
    signing: Services, db: Database, village: VillageView
) -> None:
    services = signing
    session_id, _ = session_with_results(services, village.id, {"Phạm Văn Khôi": "passed"})
    (cert,) = services.certificates.issue(session_id)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE certificate SET qr_payload = 'NOT A PAYLOAD' WHERE id = ?", (cert.id,))
    (listed,) = services.certificates.search("")
    assert (listed.number, listed.full_name) == (cert.number, "Phạm Văn Khôi")
    assert services.certificates.verify_text(listed.url).status == "invalid"


def test_a_build_with_root_and_trust_list_verifies_before_any_sync(
    services: Services, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    from dlso_desktop.certificates import keys
    from dlso_desktop.certificates.record import CertificateRecord, sign

    p = province(24124, key_id=9)
    folder = tmp_path / "resources-certificates"
    folder.mkdir()
    root_text = base64.b64encode(keys.public_key_bytes(p.root)).decode()
    (folder / trust.SHIPPED_ROOT_FILE).write_text(f"# province root\n{root_text}\n")
    (folder / trust.SHIPPED_TRUST_FILE).write_bytes(p.trust_list.to_bytes())
    monkeypatch.setattr(trust, "SHIPPED_ROOT_DIR", folder)
    other_commune = sign(
        CertificateRecord(9, 24124, 5, "BDHVS-02", date(2026, 11, 1), 1988, "Phạm Văn Khôi"), p.commune_keys[9]
    )
    assert services.certificates.verify_text(other_commune).status == "valid"
    assert services.certificates.signing_status().reason == "not_enrolled"  # a trust list is not a key
    # a damaged or foreign built-in list is not used
    (folder / trust.SHIPPED_TRUST_FILE).write_bytes(province(24124, key_id=9).trust_list.to_bytes())
    assert services.certificates.verify_text(other_commune).reason == "unknown_key"
