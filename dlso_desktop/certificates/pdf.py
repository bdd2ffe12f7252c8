"""Certificate PDF in the official layout (A4 landscape), many certificates in one file.

No Qt and no database: the caller hands over :class:`CertificatePage` values (text already chosen, the QR as a
module matrix) and :func:`render` writes one multi-page PDF. docs/CERTIFICATES_PDF.md explains the layout, the
fonts and the speed work.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Final

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from dlso_desktop.text import official_date_line

__all__ = [
    "DEMO_TEXT",
    "CertificatePage",
    "FontSet",
    "RenderCancelled",
    "font_set",
    "render",
]

#: The sample marking of a certificate signed with a local demo key.
DEMO_TEXT: Final = "MẪU - KHÔNG CÓ GIÁ TRỊ"

_SIZE: Final[tuple[float, float]] = landscape(A4)
PAGE_W: Final = _SIZE[0]  # 841.89 pt
PAGE_H: Final = _SIZE[1]  # 595.28 pt
MM: Final = 72 / 25.4

BUNDLED_FONT_DIR: Final = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT_DIR_ENV: Final = "DLSO_CERT_FONT_DIR"

_KIND_HEADINGS: Final = {"xa": "XÃ", "phuong": "PHƯỜNG", "dac_khu": "ĐẶC KHU"}


class RenderCancelled(Exception):
    """``cancelled()`` said stop; nothing was written to the destination."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificatePage:
    """Everything one certificate page shows. Strings may be in any Unicode form: they are drawn as NFC."""

    commune_name: str  # short display name, e.g. "Hòa Bình", "Ea H'Leo"
    commune_kind: str  # "XÃ" / "PHƯỜNG" (or admin_units' "xa" / "phuong")
    number: str  # shown as "Số: <number>/GCN-UBND" and under the QR
    course_title: str
    full_name: str
    birth: date | int | None  # the date of birth, only the year when that is all that is known, or None
    issue_date: date
    place: str  # the place in the date line, usually the commune's short name
    signer_name: str
    qr: Sequence[Sequence[bool]] | None  # module matrix, True = dark; None only for tests and the bench baseline
    citizen_id_last4: str | None = None  # never more than the last four digits
    signer_title: str = "CHỦ TỊCH"  # "\n" for two lines, e.g. "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    authority: str = "TM. ỦY BAN NHÂN DÂN"
    programme: str | None = "Bình dân học vụ số"
    qr_caption: str | None = None  # default "Quét mã để xác thực · <number>"
    demo: bool = False


# ------------------------------------------------------------------------------------------------------------
# Fonts
# ------------------------------------------------------------------------------------------------------------

STYLES: Final = ("regular", "bold", "italic", "bolditalic")

#: File names Times New Roman has in the usual places (Windows, msttcorefonts, macOS), per style.
_TIMES_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "regular": ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf", "TimesNewRoman.ttf"),
    "bold": ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf", "TimesNewRoman-Bold.ttf"),
    "italic": ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf", "TimesNewRoman-Italic.ttf"),
    "bolditalic": (
        "timesbi.ttf",
        "Times_New_Roman_Bold_Italic.ttf",
        "Times New Roman Bold Italic.ttf",
        "TimesNewRoman-BoldItalic.ttf",
    ),
}
_BUNDLED_NAMES: Final = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}


def _system_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows")
        local = os.environ.get("LOCALAPPDATA")
        dirs = [windir / "Fonts"]
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    return [
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        Path("/usr/share/fonts/TTF"),
        Path("/usr/share/fonts/truetype"),
        Path("/usr/share/fonts/msttcore"),
        Path("/usr/share/fonts/msttcorefonts"),
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
    ]


def _find_times(dirs: Sequence[Path]) -> dict[str, Path] | None:
    """The four Times New Roman files from one folder, or None: mixing folders could mix font versions."""
    for folder in dirs:
        if not folder.is_dir():
            continue
        try:
            present = {p.name.casefold(): p for p in folder.iterdir()}
        except OSError:
            continue
        found: dict[str, Path] = {}
        for style, names in _TIMES_NAMES.items():
            for name in names:
                if (hit := present.get(name.casefold())) is not None:
                    found[style] = hit
                    break
        if len(found) == len(STYLES):
            return found
    return None


@dataclass(frozen=True, slots=True)
class FontSet:
    """Registered reportlab font names per style: the primary family and the bundled fallback."""

    family: str  # "Times New Roman" or "Liberation Serif"
    primary: dict[str, str]
    fallback: dict[str, str]
    files: dict[str, Path]
    _covered: dict[str, frozenset[int]]

    def name(self, style: str, text: str) -> str:
        """The primary font unless it lacks a character of ``text`` (old Times New Roman has no Ƀ, for one):
        then the whole string in Liberation Serif, which has the same metrics, rather than a missing glyph."""
        covered = self._covered[style]
        if all(ord(c) in covered for c in text):
            return self.primary[style]
        return self.fallback[style]


_font_lock = threading.Lock()
_render_lock = threading.Lock()
_registered: dict[Path, tuple[str, frozenset[int]]] = {}


def _register(path: Path) -> tuple[str, frozenset[int]]:
    """Register a TTF with reportlab once per process (parsing a font costs tens of milliseconds)."""
    with _font_lock:
        hit = _registered.get(path)
        if hit is None:
            digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
            name = f"DLSO-{path.stem.replace(' ', '')}-{digest}"
            font = TTFont(name, str(path))
            pdfmetrics.registerFont(font)
            hit = (name, frozenset(font.face.charToGlyph))
            _registered[path] = hit
        return hit


def font_set() -> FontSet:
    """Times New Roman when the machine has it (``DLSO_CERT_FONT_DIR`` replaces the system folders), else the
    bundled Liberation Serif. Looked up on each call (cheap), registered once per file."""
    override = os.environ.get(FONT_DIR_ENV)
    dirs = [Path(override)] if override else _system_font_dirs()
    times = _find_times(dirs)
    bundled = {style: BUNDLED_FONT_DIR / name for style, name in _BUNDLED_NAMES.items()}
    fallback = {style: _register(path)[0] for style, path in bundled.items()}
    files = bundled
    if times is not None:
        try:
            primary_reg = {style: _register(path) for style, path in times.items()}
        except Exception:  # a damaged or unsupported font file must not stop printing
            primary_reg = None
        if primary_reg is not None:
            return FontSet(
                "Times New Roman",
                {s: r[0] for s, r in primary_reg.items()},
                fallback,
                times,
                {s: r[1] for s, r in primary_reg.items()},
            )
    covered = {style: _registered[path][1] for style, path in bundled.items()}
    return FontSet("Liberation Serif", dict(fallback), fallback, files, covered)


# ------------------------------------------------------------------------------------------------------------
# Layout (points, y measured from the top of the page; see docs/CERTIFICATES_PDF.md)
# ------------------------------------------------------------------------------------------------------------

OUTER_INSET: Final = 27.0
INNER_INSET: Final = 36.0
LEFT_X: Final = 215.0  # centre of the issuing-authority column
RIGHT_X: Final = 600.0  # centre of the national-motto column
CENTRE_X: Final = PAGE_W / 2
SIGN_X: Final = 630.0  # centre of the signer block
HEADER_MAX_W: Final = 300.0
CENTRE_MAX_W: Final = 620.0
SIGN_MAX_W: Final = 300.0

NAME_SIZE: Final = 26.0
NAME_MIN_SIZE: Final = 18.0
BODY_SIZE: Final = 14.0
COURSE_MIN_SIZE: Final = 12.0

QR_SIZE: Final = 30 * MM  # the symbol without its quiet zone
QR_LEFT: Final = 64.0
QR_BOTTOM_Y: Final = 531.0  # from the top
QR_QUIET_MODULES: Final = 4
CAPTION_SIZE: Final = 8.0

DEMO_RED: Final = (0.80, 0.0, 0.0)
WATERMARK_RED: Final = (1.0, 0.80, 0.80)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _y(top: float) -> float:
    return PAGE_H - top


def _kind_heading(kind: str) -> str:
    k = _nfc(kind.strip())
    return _KIND_HEADINGS.get(k.casefold(), k.upper())


def _fit_size(text: str, font: str, size: float, max_w: float) -> float:
    """``size``, or the size that makes ``text`` exactly ``max_w`` wide: a single line never leaves its column."""
    width: float = pdfmetrics.stringWidth(text, font, size)
    if width <= max_w:
        return size
    return math.floor(size * max_w / width * 10) / 10


def _break_word(word: str, font: str, size: float, max_w: float) -> list[str]:
    """Split one word that is wider than a line by characters (a name typed without spaces)."""
    parts: list[str] = []
    current = ""
    for ch in word:
        if current and pdfmetrics.stringWidth(current + ch, font, size) > max_w:
            parts.append(current)
            current = ch
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def _two_lines(text: str, font: str, size: float, max_w: float) -> list[str] | None:
    """The most balanced break into two lines at a space, or None when no break fits."""
    words = text.split(" ")
    best: tuple[float, list[str]] | None = None
    for i in range(1, len(words)):
        lines = [" ".join(words[:i]), " ".join(words[i:])]
        widest = max(pdfmetrics.stringWidth(line, font, size) for line in lines)
        if widest <= max_w and (best is None or widest < best[0]):
            best = (widest, lines)
    return None if best is None else best[1]


def _fit_lines(text: str, font: str, size: float, min_size: float, max_w: float) -> tuple[float, list[str]]:
    """Shrink down to ``min_size`` on one line, then wrap onto two lines, then shrink the two lines further.
    Always returns lines within ``max_w`` (a word wider than a line is broken by characters)."""
    s = size
    while s >= min_size:
        if pdfmetrics.stringWidth(text, font, s) <= max_w:
            return s, [text]
        s -= 1
    s = min_size
    while s >= 4:
        lines = _two_lines(text, font, s, max_w)
        if lines is not None:
            return s, lines
        s -= 1
    lines = [part for word in text.split(" ") for part in _break_word(word, font, 4, max_w)]
    return 4, lines


def _date_line(place: str, d: date) -> str:
    return official_date_line(_nfc(place), d)


def _birth_text(birth: date | int | None) -> str | None:
    if birth is None:
        return None
    if isinstance(birth, date):
        return f"Sinh ngày: {birth.day:02d}/{birth.month:02d}/{birth.year:04d}"
    return f"Năm sinh: {int(birth)}"


def _rows(matrix: Sequence[Sequence[bool]]) -> list[bytes]:
    """The symbol as one bytes object per row (1 = dark), without blank margins, so a matrix that already
    carries its quiet zone is drawn at the same size as one that does not. Bytes let the run search below
    happen in C: Python loops over 3,000 modules a page were most of the QR's cost."""
    rows = [bytes(map(bool, r)) for r in matrix]
    dark = [i for i, r in enumerate(rows) if 1 in r]
    if not dark:
        return []
    rows = rows[dark[0] : dark[-1] + 1]
    width = max(map(len, rows))
    rows = [r.ljust(width, b"\0") for r in rows]
    c0 = min(r.find(1) for r in rows if 1 in r)
    c1 = max(r.rfind(1) for r in rows)
    return [r[c0 : c1 + 1] for r in rows]


_DARK_RUN: Final = re.compile(b"\x01+")


def _qr_path(rows: Sequence[bytes]) -> str:
    """PDF path operators in module units: one rectangle per horizontal run of dark modules (about 800 for a
    version 10 symbol instead of 1,600 single modules), all in one path filled once, so renderers leave no
    hairline seams between neighbouring rows."""
    return "\n".join(
        f"{m.start()} {y} {m.end() - m.start()} 1 re" for y, row in enumerate(rows) for m in _DARK_RUN.finditer(row)
    )


class _Renderer:
    """One document: fonts chosen once, shared parts of the page drawn once per distinct batch as a form."""

    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.c = canvas
        self.fonts = fonts
        self.forms: dict[tuple[object, ...], str] = {}

    # -- text helpers ------------------------------------------------------------------------------------------
    def text(
        self,
        s: str,
        x: float,
        top: float,
        style: str,
        size: float,
        *,
        align: str = "centre",
        max_w: float | None = None,
    ) -> float:
        """Draw one line; returns its width. ``max_w`` shrinks the size to fit."""
        font = self.fonts.name(style, s)
        if max_w is not None:
            size = _fit_size(s, font, size, max_w)
        width: float = pdfmetrics.stringWidth(s, font, size)
        self.c.setFont(font, size)
        if align == "centre":
            self.c.drawString(x - width / 2, _y(top), s)
        elif align == "right":
            self.c.drawString(x - width, _y(top), s)
        else:
            self.c.drawString(x, _y(top), s)
        return width

    def rule(self, x0: float, x1: float, top: float, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.line(x0, _y(top), x1, _y(top))

    # -- the shared part of a batch -------------------------------------------------------------------------
    def batch_form(self, p: CertificatePage) -> str:
        """Everything that is the same on all pages of a session (one form per distinct combination)."""
        kind = _kind_heading(p.commune_kind)
        commune = _nfc(p.commune_name).strip()
        heading = _nfc(f"{kind} {commune.upper()}")
        programme = _nfc(p.programme) if p.programme else None
        course = _nfc(p.course_title).strip()
        date_line = _date_line(p.place, p.issue_date)
        authority = _nfc(p.authority)
        titles = tuple(_nfc(t).strip() for t in p.signer_title.split("\n") if t.strip())
        signer = _nfc(p.signer_name).strip()
        key: tuple[object, ...] = (heading, programme, course, date_line, authority, titles, signer, p.demo)
        name = self.forms.get(key)
        if name is not None:
            return name
        name = f"certBatch{len(self.forms)}"
        self.forms[key] = name
        c = self.c
        c.beginForm(name)
        c.setFillColorRGB(0, 0, 0)
        c.setStrokeColorRGB(0, 0, 0)
        if p.demo:
            self.watermark()
        # frame: a heavy outer line and a thin inner one
        c.setLineWidth(2.4)
        c.rect(OUTER_INSET, OUTER_INSET, PAGE_W - 2 * OUTER_INSET, PAGE_H - 2 * OUTER_INSET, stroke=1, fill=0)
        c.setLineWidth(0.75)
        c.rect(INNER_INSET, INNER_INSET, PAGE_W - 2 * INNER_INSET, PAGE_H - 2 * INNER_INSET, stroke=1, fill=0)
        # issuing authority (Decree 30/2020: bold capitals, a short rule under the name)
        self.text("ỦY BAN NHÂN DÂN", LEFT_X, 82, "bold", 12.5)
        w = self.text(heading, LEFT_X, 98, "bold", 12.5, max_w=HEADER_MAX_W)
        rule = max(40.0, min(w, 120.0) / 2)
        self.rule(LEFT_X - rule / 2, LEFT_X + rule / 2, 106)
        # national name and motto, the motto underlined over its whole width
        self.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", RIGHT_X, 82, "bold", 12.5)
        w = self.text("Độc lập - Tự do - Hạnh phúc", RIGHT_X, 98, "bold", 13.5)
        self.rule(RIGHT_X - w / 2, RIGHT_X + w / 2, 102)
        # title block
        if p.demo:
            c.setFillColorRGB(*DEMO_RED)
            self.text(DEMO_TEXT, CENTRE_X, 152, "bold", 18)
            c.setFillColorRGB(0, 0, 0)
        self.text("GIẤY CHỨNG NHẬN", CENTRE_X, 196, "bold", 30)
        if programme:
            self.text(f"Hoàn thành chương trình “{programme}”", CENTRE_X, 230, "regular", BODY_SIZE, max_w=CENTRE_MAX_W)
        self.text("Chứng nhận Ông/Bà:", CENTRE_X, 264, "regular", BODY_SIZE)
        # signer block
        self.text(date_line, SIGN_X, 436, "italic", BODY_SIZE, max_w=SIGN_MAX_W)
        top = 457.0
        for line in (authority, *titles):
            self.text(line, SIGN_X, top, "bold", 13.5, max_w=SIGN_MAX_W)
            top += 17
        self.text(signer, SIGN_X, 545, "bold", BODY_SIZE, max_w=SIGN_MAX_W)
        c.endForm()
        return name

    def watermark(self) -> None:
        """A large diagonal "sample" across the whole page, under everything else."""
        c = self.c
        font = self.fonts.name("bold", DEMO_TEXT)
        angle = math.degrees(math.atan2(PAGE_H, PAGE_W))
        diagonal = math.hypot(PAGE_W, PAGE_H)
        size = 0.6 * diagonal / pdfmetrics.stringWidth(DEMO_TEXT, font, 1)
        c.saveState()
        c.setFillColorRGB(*WATERMARK_RED)
        c.translate(PAGE_W / 2 + 30, PAGE_H / 2 + 10)  # clear of the QR in the bottom-left corner
        c.rotate(angle)
        c.setFont(font, size)
        c.drawCentredString(0, -size * 0.35, DEMO_TEXT)
        c.restoreState()

    # -- per page ---------------------------------------------------------------------------------------------
    def page(self, p: CertificatePage) -> None:
        c = self.c
        c.doForm(self.batch_form(p))
        c.setFillColorRGB(0, 0, 0)
        number = _nfc(p.number).strip()
        self.text(f"Số: {number}/GCN-UBND", LEFT_X, 127, "regular", 12.5, max_w=HEADER_MAX_W)

        name = _nfc(p.full_name).strip()
        font = self.fonts.name("bold", name)
        size, lines = _fit_lines(name, font, NAME_SIZE, NAME_MIN_SIZE, CENTRE_MAX_W)
        top = 300.0
        c.setFont(font, size)
        for line in lines:
            c.drawCentredString(CENTRE_X, _y(top), line)
            top += size * 1.2
        top += 30 - size * 1.2 + 4  # the line under the name keeps its distance whatever the name's size

        birth = _birth_text(p.birth)
        parts = [] if birth is None else [birth]
        if p.citizen_id_last4:
            parts.append(f"Số định danh: ********{_nfc(p.citizen_id_last4).strip()[-4:]}")
        if parts:
            self.text("        ".join(parts), CENTRE_X, top, "regular", BODY_SIZE, max_w=CENTRE_MAX_W)
        top += 28

        course = _nfc(f"Đã hoàn thành khóa học: {_nfc(p.course_title).strip()}")
        cfont = self.fonts.name("regular", course)
        csize, clines = _fit_lines(course, cfont, BODY_SIZE, COURSE_MIN_SIZE, CENTRE_MAX_W)
        c.setFont(cfont, csize)
        for line in clines:
            c.drawCentredString(CENTRE_X, _y(top), line)
            top += csize * 1.25

        if p.qr is not None:
            self.qr(p.qr)
        caption = _nfc(p.qr_caption) if p.qr_caption is not None else f"Quét mã để xác thực · {number}"
        if caption:
            self.text(caption, QR_LEFT, QR_BOTTOM_Y + 14, "regular", CAPTION_SIZE, align="left", max_w=240)

    def qr(self, matrix: Sequence[Sequence[bool]]) -> None:
        symbol = _rows(matrix)
        if not symbol:
            return
        n = max(len(symbol), len(symbol[0]))
        module = QR_SIZE / n
        quiet = QR_QUIET_MODULES * module
        c = self.c
        bottom = _y(QR_BOTTOM_Y)
        # the quiet zone is painted white so a demo watermark never touches the symbol
        c.setFillColorRGB(1, 1, 1)
        c.rect(QR_LEFT - quiet, bottom - quiet, QR_SIZE + 2 * quiet, QR_SIZE + 2 * quiet, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.saveState()
        c.transform(module, 0, 0, -module, QR_LEFT, bottom + QR_SIZE)  # module units, rows downwards
        c.addLiteral(_qr_path(symbol))
        c.addLiteral("f")
        c.restoreState()


def _render_to(
    pages: Sequence[CertificatePage],
    stream: BinaryIO,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    fonts = font_set()
    # reportlab's settings are process-wide: one render at a time changes them, and puts them back
    with _render_lock:
        saved = rl_config.useA85
        # ASCII85 around the compressed streams is pure Python in reportlab (half of a batch's time) and buys
        # nothing in a file that is never mailed as 7-bit text
        rl_config.useA85 = 0
        try:
            _render_locked(pages, stream, fonts, progress, cancelled)
        finally:
            rl_config.useA85 = saved


def _render_locked(
    pages: Sequence[CertificatePage],
    stream: BinaryIO,
    fonts: FontSet,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    canvas = Canvas(
        stream,
        pagesize=(PAGE_W, PAGE_H),
        pageCompression=1,
        invariant=1,  # fixed dates and document id: the same pages give the same bytes
        initialFontName=fonts.primary["regular"],  # else reportlab's page preamble pulls in Helvetica
        initialFontSize=12,
    )
    canvas.setTitle("Giấy chứng nhận")
    canvas.setCreator("DLSO Desktop")
    canvas.setAuthor("")
    renderer = _Renderer(canvas, fonts)
    total = len(pages)
    for i, page in enumerate(pages):
        if cancelled is not None and cancelled():
            raise RenderCancelled
        renderer.page(page)
        canvas.showPage()
        if progress is not None:
            progress(i + 1, total)
    if cancelled is not None and cancelled():
        raise RenderCancelled
    canvas.save()


def render(
    pages: Sequence[CertificatePage],
    out: Path | BinaryIO,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Write ``pages`` as one PDF, A4 landscape, to a path or a binary stream.

    ``progress(done, total)`` is called after each page; when ``cancelled()`` turns true the work stops and
    :class:`RenderCancelled` is raised. A path is written through a temporary file in the same folder and
    renamed into place, and a stream is written only once the PDF is complete, so a cancel or an error never
    leaves half a file.
    """
    if not pages:
        raise ValueError("no certificate to print")
    if not isinstance(out, Path):
        buffer = BytesIO()
        _render_to(pages, buffer, progress, cancelled)
        out.write(buffer.getvalue())
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            _render_to(pages, f, progress, cancelled)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
