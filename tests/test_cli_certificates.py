"""`dlso certificates verify` (QR codes from a PDF, an image or typed text, checked offline), `print` and
`revoke`."""

from __future__ import annotations

import base64
import json
import sqlite3
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from cli_support import Cli
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from dlso_desktop.catalogue import course_id
from dlso_desktop.certificates import trust
from dlso_desktop.certificates.keys import (
    TrustEntry,
    TrustList,
    demo_private_key,
    generate_key,
    issue_key_certificate,
    public_key_bytes,
    sign_trust_list,
    wrap_commune_key,
)
from dlso_desktop.certificates.pdf import CertificatePage, render
from dlso_desktop.certificates.qr import qr_matrix
from dlso_desktop.certificates.record import CertificateRecord, certificate_url, sign
from dlso_desktop.certificates.scan import ScanError, texts_from_image, texts_from_pdf
from dlso_desktop.services import Services
from dlso_desktop.services.people import PersonInput
from dlso_desktop.services.training import SessionInput
from dlso_desktop.storage.store import open_database

COMMUNE = 24133
HOST = "dlso.daklak.gov.vn"
NAME = "Y-Ƀlŭl Niê Blô"
ROOT = generate_key()
COMMUNE_KEY = generate_key()


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("DLSO_LANG", raising=False)
    monkeypatch.delenv("DLSO_DATA_DIR", raising=False)
    runner = Cli(tmp_path / "data", capsys)
    assert runner("init", "--commune", str(COMMUNE), "--unencrypted") == 0, runner.err
    return runner


def record(*, key_id: int = 0, demo: bool = True, full_name: str = NAME) -> CertificateRecord:
    return CertificateRecord(
        key_id=key_id,
        commune_code=COMMUNE,
        serial=123,
        course_code="KNS-01",
        issue_date=date(2026, 9, 20),
        birth=date(1968, 3, 15),
        full_name=full_name,
        demo=demo,
    )


def url_of(rec: CertificateRecord, key: Ed25519PrivateKey) -> str:
    return certificate_url(HOST, sign(rec, key))


DEMO_URL = url_of(record(), demo_private_key())


def write_pdf(path: Path, url: str, *, demo: bool = True, full_name: str = NAME) -> Path:
    page = CertificatePage(
        commune_name="Hòa Bình",
        commune_kind="xa",
        number="24133-000123",
        course_title="Kỹ năng số cơ bản cho người dân",
        full_name=full_name,
        birth=date(1968, 3, 15),
        issue_date=date(2026, 9, 20),
        place="Hòa Bình",
        signer_name="Trần Văn Bình",
        qr=qr_matrix(url),
        demo=demo,
    )
    render([page], path)
    return path


def pdf_to_png(pdf_path: Path, png_path: Path) -> Path:
    document = pdfium.PdfDocument(pdf_path)
    try:
        image: Image.Image = document[0].render(scale=150 / 72).to_pil()
        image.save(png_path)
    finally:
        document.close()
    return png_path


def database_unchanged(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return sorted(conn.execute("SELECT key, value FROM meta").fetchall())


# ------------------------------------------------------------------------------------------------------------
# scan.py


def test_scan_reads_the_qr_of_a_pdf_and_of_its_raster(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "cert.pdf", DEMO_URL)
    assert texts_from_pdf(pdf) == [DEMO_URL]
    assert texts_from_image(pdf_to_png(pdf, tmp_path / "cert.png")) == [DEMO_URL]


def test_scan_errors_are_typed(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not an image and not a PDF")
    with pytest.raises(ScanError) as image_error:
        texts_from_image(junk)
    assert image_error.value.code == "not_an_image" and image_error.value.message_en
    with pytest.raises(ScanError) as pdf_error:
        texts_from_pdf(junk)
    assert pdf_error.value.code == "not_a_pdf"
    with pytest.raises(ScanError) as missing:
        texts_from_pdf(tmp_path / "missing.pdf")
    assert missing.value.code == "not_found"


# ------------------------------------------------------------------------------------------------------------
# dlso certificates verify


def test_demo_certificate_from_pdf(cli: Cli, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "cert.pdf", DEMO_URL)
    assert cli("certificates", "verify", "--pdf", str(pdf)) == 0, cli.err
    assert "MẪU" in cli.out and NAME in cli.out and "24133-000123" in cli.out and "20/09/2026" in cli.out
    (row,) = cli.json("certificates", "verify", "--pdf", str(pdf))
    assert row == {
        "status": "demo",
        "reason": None,
        "number": "24133-000123",
        "name": NAME,
        "course_code": "KNS-01",
        "course_name": None,  # not a code of this version's catalogue
        "commune_code": COMMUNE,
        "commune_name": "Phường Buôn Ma Thuột",
        "issue_date": "2026-09-20",
        "birth": "1968-03-15",
        "key_id": 0,
    }


def test_decomposed_name_comes_back_in_nfc(cli: Cli, tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", NAME)
    url = url_of(record(full_name=decomposed), demo_private_key())
    pdf = write_pdf(tmp_path / "cert.pdf", url, full_name=decomposed)
    (row,) = cli.json("certificates", "verify", "--pdf", str(pdf))
    assert row["status"] == "demo" and row["name"] == unicodedata.normalize("NFC", NAME)


def test_demo_certificate_from_image(cli: Cli, tmp_path: Path) -> None:
    png = pdf_to_png(write_pdf(tmp_path / "cert.pdf", DEMO_URL), tmp_path / "cert.png")
    (row,) = cli.json("certificates", "verify", "--image", str(png))
    assert row["status"] == "demo" and row["name"] == NAME


def test_demo_certificate_from_text(cli: Cli) -> None:
    (row,) = cli.json("certificates", "verify", "--text", DEMO_URL)
    assert row["status"] == "demo" and row["number"] == "24133-000123"


def test_one_changed_character_is_invalid(cli: Cli) -> None:
    head, payload = DEMO_URL.rsplit("/", 1)
    i = len(payload) // 2
    changed = f"{head}/{payload[:i]}{'B' if payload[i] == 'A' else 'A'}{payload[i + 1 :]}"
    before = database_unchanged(cli.db_path)
    (row,) = cli.json("certificates", "verify", "--text", changed, expect=1)
    assert row["status"] == "invalid" and row["reason"]
    assert cli("certificates", "verify", "--text", changed) == 1
    assert "KHÔNG HỢP LỆ" in cli.out
    assert database_unchanged(cli.db_path) == before


def test_real_key_without_a_trust_list_is_unknown_key(cli: Cli) -> None:
    url = url_of(record(key_id=11, demo=False), COMMUNE_KEY)
    (row,) = cli.json("certificates", "verify", "--text", url, expect=1)
    assert (row["status"], row["reason"]) == ("invalid", "unknown_key")


def trust_list_of(root: Ed25519PrivateKey, key: Ed25519PrivateKey, *, key_id: int = 11) -> TrustList:
    key_cert = issue_key_certificate(
        root,
        key_id=key_id,
        commune_code=COMMUNE,
        public_key=key.public_key(),
        valid_from=date(2026, 1, 1),
        valid_until=date(2040, 1, 31),
    )
    return sign_trust_list(root, [TrustEntry(key_cert)], sequence=1, issued_at=datetime(2026, 1, 1, tzinfo=UTC))


def root_text(root: Ed25519PrivateKey) -> str:
    return base64.b64encode(public_key_bytes(root)).decode("ascii")


def store_trust(db_path: Path, root: Ed25519PrivateKey = ROOT, key: Ed25519PrivateKey = COMMUNE_KEY) -> None:
    """What a sync stores: the root pinned, the trust list checked against it."""
    db = open_database(db_path)
    try:
        stored = trust.store_trust(db, root_text(root), trust_list_of(root, key).to_bytes().decode(), [])
        assert not stored.refused and stored.trust_sequence == 1
    finally:
        db.close()


def set_meta(db_path: Path, values: dict[str, str]) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))
    conn.close()


def test_commune_key_in_the_stored_trust_list_is_valid(cli: Cli) -> None:
    store_trust(cli.db_path)
    url = url_of(record(key_id=11, demo=False), COMMUNE_KEY)
    (row,) = cli.json("certificates", "verify", "--text", url)
    assert row["status"] == "valid" and row["name"] == NAME and row["reason"] is None and row["key_id"] == 11
    assert cli("certificates", "verify", "--text", url) == 0
    assert "HỢP LỆ" in cli.out and "KHÔNG HỢP LỆ" not in cli.out


def test_trust_list_from_another_root_is_not_trusted(cli: Cli) -> None:
    """The pinned root is not the one that signed the stored list (a tampered database): the list is not used."""
    other = generate_key()
    set_meta(
        cli.db_path,
        {
            trust.ROOT_PUBLIC_KEY: root_text(other),
            trust.TRUST_LIST: trust_list_of(ROOT, COMMUNE_KEY).to_bytes().decode(),
        },
    )
    url = url_of(record(key_id=11, demo=False), COMMUNE_KEY)
    (row,) = cli.json("certificates", "verify", "--text", url, expect=1)
    assert (row["status"], row["reason"]) == ("invalid", "unknown_key")
    assert "bad_signature" in cli.err


# ------------------------------------------------------------------------------------------------------------
# dlso certificates print / revoke

PASSED = ("Phạm Văn Khôi", "Trần Thị Mai", NAME)
TOKEN = "cli-test-device-token-0123456789abcdef"


def add_session(db_path: Path, *, failed: str | None = "Lê Văn Tám") -> tuple[str, dict[str, str]]:
    """A BDHVS-01 session whose roster passed (PASSED) or failed (``failed``); (session id, {name: person id})."""
    db = open_database(db_path)
    try:
        services = Services(db)
        village = services.villages.create("Buôn Kô Tam", "buon")
        results = dict.fromkeys(PASSED, "passed") | ({failed: "not_yet"} if failed else {})
        ids: dict[str, str] = {}
        for i, name in enumerate(results):
            person = services.persons.create(PersonInput(name, birth_date=date(1970 + i, 3, 1 + i)))
            ids[name] = person.id
        session = services.training.create_session(
            SessionInput(course_id("BDHVS-01"), date(2026, 11, 20), "Nhà văn hóa buôn", "Trần Văn Nam", village.id)
        )
        for name, result in results.items():
            services.training.record_attendance(session.id, [ids[name]], present=True, result=result)
        return session.id, ids
    finally:
        db.close()


def enable_signing(db_path: Path, *, serials: tuple[int, int] = (41, 1040)) -> None:
    """What sync leaves on an enrolled laptop: root, trust list, commune key wrapped for it, a serial block."""
    store_trust(db_path)
    db = open_database(db_path)
    device_id = db.device_id
    db.close()
    blob = wrap_commune_key(COMMUNE_KEY, key_id=11, device_token=TOKEN, device_id=device_id)
    set_meta(
        db_path,
        {
            "sync.token": TOKEN,
            trust.COMMUNE_KEY: base64.b64encode(blob).decode(),
            trust.SERIAL_BLOCKS: json.dumps([list(serials)]),
        },
    )


def table_count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        n = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    conn.close()
    return n


def test_print_on_a_fresh_laptop_gives_samples_and_stores_nothing(cli: Cli, tmp_path: Path) -> None:
    session_id, _ = add_session(cli.db_path)
    out = tmp_path / "samples.pdf"
    data = cli.json("certificates", "print", "--session", session_id, "--out", str(out))
    assert data["count"] == 3 and data["demo"] is True and data["demo_reason"] == "not_enrolled"
    assert data["numbers"] == ["24133-000000"] * 3 and data["key_id"] == 0 and data["file"] == str(out)
    assert table_count(cli.db_path, "certificate") == 0
    texts = texts_from_pdf(out)
    assert len(texts) == 3
    (row,) = cli.json("certificates", "verify", "--text", texts[0])
    assert row["status"] == "demo"
    assert cli("certificates", "print", "--session", session_id, "--out", str(out)) == 0
    assert "MẪU" in cli.out and "chưa đăng ký" in cli.out and "3" in cli.out
    assert not list(tmp_path.glob("*.part"))


def test_print_with_the_commune_key_numbers_signs_and_reprints_the_same(cli: Cli, tmp_path: Path) -> None:
    session_id, ids = add_session(cli.db_path)
    enable_signing(cli.db_path)
    out = tmp_path / "gcn.pdf"
    # the signer's name is required before real certificates are printed
    assert cli("certificates", "print", "--session", session_id, "--out", str(out)) == 2
    assert not out.exists() and len(cli.err.strip().splitlines()) == 1
    data = cli.json("certificates", "print", "--session", session_id, "--out", str(out), "--signer", "Nguyễn Văn An")
    assert data["demo"] is False and data["demo_reason"] is None and data["key_id"] == 11
    assert sorted(data["numbers"]) == ["24133-000041", "24133-000042", "24133-000043"]
    assert (data["first_number"], data["last_number"]) == ("24133-000041", "24133-000043")
    assert table_count(cli.db_path, "certificate") == 3
    rows = [cli.json("certificates", "verify", "--text", t)[0] for t in texts_from_pdf(out)]
    assert {r["status"] for r in rows} == {"valid"} and {r["name"] for r in rows} == set(PASSED)
    assert {r["course_name"] for r in rows} != {None}
    # a reprint of one person: same number, same QR code, nothing new written
    first_texts = dict(zip([r["name"] for r in rows], texts_from_pdf(out), strict=True))
    one = tmp_path / "one.pdf"
    again = cli.json(
        "certificates", "print", "--session", session_id, "--out", str(one), "--person", ids["Trần Thị Mai"]
    )
    assert again["count"] == 1 and table_count(cli.db_path, "certificate") == 3
    assert texts_from_pdf(one) == [first_texts["Trần Thị Mai"]]
    assert cli("certificates", "print", "--session", session_id, "--out", str(one)) == 0
    assert "24133-000041 … 24133-000043" in cli.out and "MẪU" not in cli.out


def test_print_refuses_a_bad_session_and_people_who_did_not_pass(cli: Cli, tmp_path: Path) -> None:
    session_id, ids = add_session(cli.db_path)
    out = tmp_path / "x.pdf"
    assert cli("certificates", "print", "--session", "no-such-session", "--out", str(out)) == 2
    assert "no-such-session" in cli.err and "buổi học" in cli.err and len(cli.err.strip().splitlines()) == 1
    assert not out.exists()
    code = cli("certificates", "print", "--session", session_id, "--out", str(out), "--person", ids["Lê Văn Tám"])
    assert code == 2 and "chưa đạt" in cli.err and not out.exists()
    assert cli("certificates", "print", "--session", session_id, "--out", str(tmp_path / "nowhere" / "x.pdf")) == 2


def test_print_messages_in_english(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session_id, _ = add_session(cli.db_path)
    monkeypatch.setenv("DLSO_LANG", "en")
    assert cli("certificates", "print", "--session", "nope", "--out", str(tmp_path / "x.pdf")) == 2
    assert "No training session nope" in cli.err
    assert cli("certificates", "print", "--session", session_id, "--out", str(tmp_path / "x.pdf")) == 0
    assert "SAMPLES, NOT VALID" in cli.out and "not enrolled" in cli.out


def test_revoke_by_number(cli: Cli, tmp_path: Path) -> None:
    session_id, _ = add_session(cli.db_path)
    enable_signing(cli.db_path)
    out = tmp_path / "gcn.pdf"
    cli.json("certificates", "print", "--session", session_id, "--out", str(out), "--signer", "Nguyễn Văn An")
    texts = texts_from_pdf(out)
    number = cli.json("certificates", "verify", "--text", texts[0])[0]["number"]
    outbox = table_count(cli.db_path, "outbox")

    assert cli("certificates", "revoke", number, "--reason", "   ") == 2
    assert "lý do" in cli.err.lower() and len(cli.err.strip().splitlines()) == 1
    assert cli("certificates", "revoke", "24133-999999", "--reason", "ghi sai tên") == 2
    assert "24133-999999" in cli.err

    done = cli.json("certificates", "revoke", number, "--reason", "ghi sai năm sinh")
    assert done["number"] == number and done["revoked"] is True and done["reason"] == "ghi sai năm sinh"
    assert table_count(cli.db_path, "certificate_revocation") == 1
    assert table_count(cli.db_path, "outbox") == outbox + 1  # synced like any change

    assert cli("certificates", "revoke", number, "--reason", "lần nữa") == 2
    assert "đã bị thu hồi" in cli.err
    # this laptop knows at once: its own revocation counts before any signed list arrives
    (row,) = cli.json("certificates", "verify", "--text", texts[0], expect=1)
    assert (row["status"], row["reason"]) == ("revoked", "certificate_revoked")
    assert cli("certificates", "verify", "--text", texts[1]) == 0


def test_image_without_a_qr_code(cli: Cli, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    assert cli("certificates", "verify", "--image", str(blank)) == 2
    assert cli.out == ""
    assert cli.err.startswith("dlso: ") and "QR" in cli.err and len(cli.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--image", "a.png", "--pdf", "b.pdf"),
        ("--text", "ABC", "--pdf", "b.pdf"),
        ("--image", "a.png", "--text", "ABC"),
        (),
    ],
)
def test_exactly_one_source(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("certificates", "verify", *args) == 2
    assert cli.err.startswith("dlso: ") and len(cli.err.strip().splitlines()) == 1


@pytest.mark.parametrize("option", ["--image", "--pdf"])
def test_missing_file(cli: Cli, tmp_path: Path, option: str) -> None:
    missing = tmp_path / "missing.file"
    assert cli("certificates", "verify", option, str(missing)) == 2
    assert "missing.file" in cli.err and "Traceback" not in cli.err
    assert len(cli.err.strip().splitlines()) == 1


def test_not_a_pdf_in_english(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello")
    monkeypatch.setenv("DLSO_LANG", "en")
    assert cli("certificates", "verify", "--pdf", str(junk)) == 2
    assert "is not a PDF" in cli.err
