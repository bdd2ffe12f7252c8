"""The certificate PDF: QR readable from a 150 dpi raster, names exact in the text layer, fonts embedded, demo
marking, page size and count, progress, cancel without half files, long names kept on the page, same input
gives the same bytes."""

import base64
import ctypes
import io
import json
import random
import re
import shutil
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
import pytest
import qrcode  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_Q  # type: ignore[import-untyped]

from dlso_desktop.certificates import pdf
from dlso_desktop.certificates.pdf import DEMO_TEXT, CertificatePage, RenderCancelled, render

BASE14 = {
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
}
FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"


def verification_url(seed: int) -> str:
    """A URL shaped like the real one: about 110 bytes of record + signature in Base32 (QR alphanumeric)."""
    payload = random.Random(seed).randbytes(110)
    return "HTTPS://DLSO.DAKLAK.GOV.VN/V/" + base64.b32encode(payload).decode("ascii").rstrip("=")


def qr_matrix(text: str, border: int = 0) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=border)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def page(full_name: str = "Nguyễn Thị Phương Thảo", seed: int = 1, **changes: object) -> CertificatePage:
    base = CertificatePage(
        commune_name="Hòa Bình",
        commune_kind="xa",
        number=f"24133-{seed:06d}",
        course_title="Kỹ năng số cơ bản cho người dân",
        full_name=full_name,
        birth=date(1968, 3, 15),
        issue_date=date(2025, 9, 20),
        place="Hòa Bình",
        signer_name="Trần Văn Bình",
        qr=qr_matrix(verification_url(seed)),
        citizen_id_last4="4321",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def render_bytes(pages: list[CertificatePage]) -> bytes:
    buffer = io.BytesIO()
    render(pages, buffer)
    return buffer.getvalue()


def raster(document: pdfium.PdfDocument, index: int = 0) -> Image.Image:
    image: Image.Image = document[index].render(scale=150 / 72).to_pil()
    return image


def page_text(document: pdfium.PdfDocument, index: int) -> str:
    text: str = document[index].get_textpage().get_text_range()
    return text


@pytest.fixture
def three_pages() -> list[CertificatePage]:
    return [
        page(unicodedata.normalize("NFD", "Nguyễn Thị Phương Thảo"), seed=1),
        page("Y-Ƀlŭl Niê Blô", seed=2),
        page("H’Maryam Niê", seed=3, demo=True),
    ]


@pytest.mark.parametrize("demo", [False, True])
@pytest.mark.parametrize("border", [0, 4])
def test_qr_on_the_page_decodes_to_the_exact_url(demo: bool, border: int) -> None:
    url = verification_url(42)
    document = pdfium.PdfDocument(render_bytes([page(seed=42, qr=qr_matrix(url, border), demo=demo)]))
    results = zxingcpp.read_barcodes(raster(document))
    assert [r.text for r in results] == [url]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_qr_is_about_30_mm_in_the_bottom_left_away_from_the_signer_block() -> None:
    url = verification_url(5)
    image = raster(pdfium.PdfDocument(render_bytes([page(seed=5, qr=qr_matrix(url))])))
    (result,) = zxingcpp.read_barcodes(image)
    xs = [p.x for p in (result.position.top_left, result.position.bottom_right)]
    ys = [p.y for p in (result.position.top_left, result.position.bottom_right)]
    px_per_mm = 150 / 25.4
    side_mm = (max(xs) - min(xs)) / px_per_mm
    assert 27 <= side_mm <= 33
    assert max(xs) < image.width * 0.25  # the seal goes over the signer block on the right half
    assert min(ys) > image.height * 0.6


def test_text_layer_holds_names_in_nfc(three_pages: list[CertificatePage]) -> None:
    document = pdfium.PdfDocument(render_bytes(three_pages))
    for i, name in enumerate(["Nguyễn Thị Phương Thảo", "Y-Ƀlŭl Niê Blô", "H’Maryam Niê"]):
        text = page_text(document, i)
        nfc = unicodedata.normalize("NFC", name)
        assert nfc in text.splitlines()
        assert unicodedata.is_normalized("NFC", text)
    assert unicodedata.normalize("NFD", "Nguyễn") not in page_text(document, 0)


def test_page_shows_the_official_texts() -> None:
    text = page_text(pdfium.PdfDocument(render_bytes([page(seed=457, number="000457")])), 0)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in [
        "ỦY BAN NHÂN DÂN",
        "XÃ HÒA BÌNH",
        "Số: 000457/GCN-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY CHỨNG NHẬN",
        "Chứng nhận Ông/Bà:",
        "Sinh ngày: 15/03/1968 Số định danh: ********4321",
        "Hòa Bình, ngày 20 tháng 09 năm 2025",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Trần Văn Bình",
        "Quét mã để xác thực · 000457",
    ]:
        assert expected in lines


def test_birth_year_only_and_no_citizen_id_and_a_phuong() -> None:
    p = page(birth=1971, citizen_id_last4=None, commune_kind="PHƯỜNG", commune_name="Buôn Ma Thuột")
    text = page_text(pdfium.PdfDocument(render_bytes([p])), 0)
    assert "Năm sinh: 1971" in text
    assert "Số định danh" not in text
    assert "PHƯỜNG BUÔN MA THUỘT" in text


def test_fonts_are_embedded_and_no_base14_font_is_used() -> None:
    data = render_bytes([page(), page("Y-Ƀlŭl Niê Blô", seed=2, demo=True)])
    # the font dictionaries: every font is a TrueType subset with its file, none of the 14 standard fonts
    base_fonts = [m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data)]
    assert base_fonts
    assert not {name.split("+")[-1] for name in base_fonts} & BASE14
    assert all(re.fullmatch(r"[A-Z]{6}\+\S+", name) for name in base_fonts)  # subset tag
    assert data.count(b"/FontFile2") == len(base_fonts)
    assert b"/Type1" not in data
    # and what pdfium sees on the page, forms included
    document = pdfium.PdfDocument(data)
    seen = 0
    for index in range(len(document)):
        for obj in document[index].get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            assert pdfium_c.FPDFFont_GetIsEmbedded(font) == 1
            buffer = ctypes.create_string_buffer(256)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
            assert buffer.value.decode() not in BASE14, size
            seen += 1
    assert seen >= 20


def test_demo_page_says_sample_and_a_real_one_does_not() -> None:
    document = pdfium.PdfDocument(render_bytes([page(seed=1, demo=True), page(seed=2)]))
    assert DEMO_TEXT in page_text(document, 0)
    assert "MẪU" not in page_text(document, 1)
    # visibly: a large share of the demo page is red (the diagonal watermark and the red line), none of the real
    reds = []
    for i in range(2):
        data = raster(document, i).convert("RGB").resize((421, 298)).tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        reds.append(sum(1 for r, g, _ in pixels if r > 200 and r - g > 40))
    assert reds[0] > 0.01 * 421 * 298
    assert reds[1] == 0


def test_pages_are_a4_landscape_one_per_input(three_pages: list[CertificatePage]) -> None:
    calls: list[tuple[int, int]] = []
    buffer = io.BytesIO()
    render(three_pages, buffer, progress=lambda done, total: calls.append((done, total)))
    document = pdfium.PdfDocument(buffer.getvalue())
    assert len(document) == 3
    for i in range(3):
        width, height = document[i].get_size()
        assert width == pytest.approx(297 * 72 / 25.4, abs=0.1)
        assert height == pytest.approx(210 * 72 / 25.4, abs=0.1)
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_written_to_a_path(tmp_path: Path, three_pages: list[CertificatePage]) -> None:
    out = tmp_path / "in" / "a folder" / "chứng nhận.pdf"
    render(three_pages, out)
    assert len(pdfium.PdfDocument(out)) == 3
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_cancel_stops_early_and_leaves_no_file(tmp_path: Path) -> None:
    pages = [page(seed=i) for i in range(1, 6)]
    out = tmp_path / "batch.pdf"
    calls: list[int] = []
    with pytest.raises(RenderCancelled):
        render(pages, out, progress=lambda done, total: calls.append(done), cancelled=lambda: len(calls) >= 2)
    assert calls == [1, 2]
    assert list(tmp_path.iterdir()) == []
    # an earlier file at the destination is left as it was
    out.write_bytes(b"earlier")
    with pytest.raises(RenderCancelled):
        render(pages, out, cancelled=lambda: True)
    assert out.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [out]
    # a stream gets nothing either
    buffer = io.BytesIO()
    with pytest.raises(RenderCancelled):
        render(pages, buffer, cancelled=lambda: True)
    assert buffer.getvalue() == b""


def test_an_error_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(matrix: object) -> list[bytes]:
        raise RuntimeError("boom")

    monkeypatch.setattr(pdf, "_rows", boom)
    with pytest.raises(RuntimeError):
        render([page()], tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def _name_boxes(document: pdfium.PdfDocument) -> list[tuple[float, float, float, float]]:
    """Boxes of the name's characters: the page's own text comes after the shared form's, in the order drawn
    (number, name, date of birth)."""
    textpage = document[0].get_textpage()
    text = textpage.get_text_range()
    start, end = text.index("GCN-UBND") + len("GCN-UBND"), text.index("Sinh ngày")
    return [textpage.get_charbox(i) for i in range(start, end) if not text[i].isspace()]


@pytest.mark.parametrize(
    "name",
    [
        "Y-Ƀlŭl Niê Blô Hoàng Thị Nguyễn Phương Thảo Mai Anh Đào Ksơr Kbuôr Adrơng Êban Ayŭn H’Maryam Niê Mlô Byă",
        " ".join(["Nguyễn Thị Phương Thảo"] * 12),
        "Ƀ" * 120,  # no space to wrap at
    ],
)
def test_a_very_long_name_stays_on_the_page(name: str) -> None:
    document = pdfium.PdfDocument(render_bytes([page(name)]))
    text = page_text(document, 0)
    assert " ".join(text.split()).find(" ".join(name.split())[:20]) >= 0
    width, height = document[0].get_size()
    inner = pdf.INNER_INSET
    boxes = _name_boxes(document)
    assert len(boxes) == len(name.replace(" ", ""))
    for left, bottom, right, top in boxes:
        assert inner < left and right < width - inner
        assert inner < bottom and top < height - inner
    # the name does not run into the line below it
    textpage = document[0].get_textpage()
    dob_top = textpage.get_charbox(text.index("Sinh ngày"))[3]
    assert min(bottom for _, bottom, _, _ in boxes) > dob_top


def test_long_name_is_shrunk_before_it_is_wrapped() -> None:
    font = pdf.font_set().name("bold", "x")
    size, lines = pdf._fit_lines("Nguyễn Thị Phương Thảo", font, pdf.NAME_SIZE, pdf.NAME_MIN_SIZE, pdf.CENTRE_MAX_W)
    assert (size, lines) == (pdf.NAME_SIZE, ["Nguyễn Thị Phương Thảo"])
    longer = "Nguyễn Thị Phương Thảo Hoàng Anh Đào Mai Lan Hương"
    size, lines = pdf._fit_lines(longer, font, pdf.NAME_SIZE, pdf.NAME_MIN_SIZE, pdf.CENTRE_MAX_W)
    assert pdf.NAME_MIN_SIZE <= size < pdf.NAME_SIZE and lines == [longer]
    longest = " ".join([longer] * 2)
    size, lines = pdf._fit_lines(longest, font, pdf.NAME_SIZE, pdf.NAME_MIN_SIZE, pdf.CENTRE_MAX_W)
    assert size == pdf.NAME_MIN_SIZE and len(lines) == 2 and " ".join(lines) == longest


def test_same_input_gives_the_same_bytes(tmp_path: Path, three_pages: list[CertificatePage]) -> None:
    first = render_bytes(three_pages)
    render(three_pages, tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == first
    # one certificate reprinted alone looks exactly like its page in the batch
    alone = pdfium.PdfDocument(render_bytes([three_pages[1]]))
    batch = pdfium.PdfDocument(first)
    assert raster(alone).tobytes() == raster(batch, 1).tobytes()


def test_no_pages_is_an_error() -> None:
    with pytest.raises(ValueError):
        render([], io.BytesIO())


def test_times_new_roman_is_used_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.FONT_DIR_ENV, str(tmp_path))
    assert pdf.font_set().family == "Liberation Serif"
    # Liberation Serif under Times New Roman's Windows file names stands in for the real font
    for style, target in [("Regular", "times.ttf"), ("Bold", "timesbd.ttf"), ("Italic", "timesi.ttf")]:
        shutil.copy(FONTS / f"LiberationSerif-{style}.ttf", tmp_path / target)
    assert pdf.font_set().family == "Liberation Serif"  # three of four styles are not enough
    shutil.copy(FONTS / "LiberationSerif-BoldItalic.ttf", tmp_path / "TIMESBI.TTF")
    fonts = pdf.font_set()
    assert fonts.family == "Times New Roman"
    assert {path.parent for path in fonts.files.values()} == {tmp_path}
    assert fonts.primary != fonts.fallback
    text = page_text(pdfium.PdfDocument(render_bytes([page("Y-Ƀlŭl Niê Blô")])), 0)
    assert "Y-Ƀlŭl Niê Blô" in text


def test_a_string_the_primary_font_cannot_show_falls_back_whole() -> None:
    fonts = pdf.font_set()
    covered = {style: frozenset(map(ord, "ABCYNiêlôŭ -")) for style in pdf.STYLES}
    limited = pdf.FontSet("Times New Roman", {s: "primary" for s in pdf.STYLES}, fonts.fallback, {}, covered)
    assert limited.name("bold", "Y Niê") == "primary"
    assert limited.name("bold", "Y-Ƀlŭl Niê") == fonts.fallback["bold"]


def test_the_bench_runs_on_a_few_pages(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import cert_pdf_bench

    cert_pdf_bench.run(4, rounds=1)
    (figure,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert figure["figure"] == "cert_pdf_500" and figure["pages"] == 4 and figure["goal"] == "<= 5 s"
    assert isinstance(figure["value"], float) and isinstance(figure["baseline"], float)


def test_the_qr_modules_own_matrix_decodes_too() -> None:
    """The matrix as the QR module makes it (lowercase scheme and host in byte mode, fixed mask)."""
    qr = pytest.importorskip("dlso_desktop.certificates.qr")
    url = "https://dlso.daklak.gov.vn/v/" + verification_url(9).rsplit("/", 1)[1]
    document = pdfium.PdfDocument(render_bytes([page(seed=9, qr=qr.qr_matrix(url))]))
    assert [r.text for r in zxingcpp.read_barcodes(raster(document))] == [url]
