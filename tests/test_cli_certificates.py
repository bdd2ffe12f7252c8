"""`dlso certificates verify`: QR codes from a PDF, an image or typed text, checked offline."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from cli_support import Cli
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from PIL import Image

from dlso_desktop import cli as cli_module
from dlso_desktop.certificates.keys import (
    TrustEntry,
    demo_private_key,
    generate_key,
    issue_key_certificate,
    sign_trust_list,
)
from dlso_desktop.certificates.pdf import CertificatePage, render
from dlso_desktop.certificates.qr import qr_matrix
from dlso_desktop.certificates.record import CertificateRecord, certificate_url, sign
from dlso_desktop.certificates.scan import ScanError, texts_from_image, texts_from_pdf

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
    assert runner("init", "--commune", str(COMMUNE)) == 0, runner.err
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
        "commune_code": COMMUNE,
        "issue_date": "2026-09-20",
        "birth": "1968-03-15",
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


def _store_trust_list(db_path: Path) -> None:
    key_cert = issue_key_certificate(
        ROOT,
        key_id=11,
        commune_code=COMMUNE,
        public_key=COMMUNE_KEY.public_key(),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 1, 31),
    )
    trust = sign_trust_list(ROOT, [TrustEntry(key_cert)], sequence=1, issued_at=datetime(2026, 1, 1, tzinfo=UTC))
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            ("certificates.trust_list", trust.to_bytes().decode("utf-8")),
        )
    conn.close()


def test_commune_key_in_the_stored_trust_list_is_valid(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_trust_list(cli.db_path)

    def root_key() -> Ed25519PublicKey:
        return ROOT.public_key()

    monkeypatch.setattr(cli_module, "_certificate_root_key", root_key)
    url = url_of(record(key_id=11, demo=False), COMMUNE_KEY)
    (row,) = cli.json("certificates", "verify", "--text", url)
    assert row["status"] == "valid" and row["name"] == NAME and row["reason"] is None
    assert cli("certificates", "verify", "--text", url) == 0
    assert "HỢP LỆ" in cli.out and "KHÔNG HỢP LỆ" not in cli.out


def test_trust_list_from_another_root_is_not_trusted(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_trust_list(cli.db_path)
    other = generate_key().public_key()
    monkeypatch.setattr(cli_module, "_certificate_root_key", lambda: other)
    url = url_of(record(key_id=11, demo=False), COMMUNE_KEY)
    (row,) = cli.json("certificates", "verify", "--text", url, expect=1)
    assert (row["status"], row["reason"]) == ("invalid", "unknown_key")


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
