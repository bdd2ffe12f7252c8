"""QR code texts from a photo, a scan or a PDF of certificates, for offline verification. No Qt.

Images are read with Pillow and decoded with zxing-cpp; a PDF's pages are rendered with pypdfium2 at 150 dpi
(the resolution the PDF tests decode the printed QR at) and decoded the same way. The texts come back in the
order found (page by page) and are handed to :func:`dlso_desktop.certificates.verify.verify` as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image, UnidentifiedImageError

__all__ = ["DEFAULT_DPI", "ScanError", "texts_from_image", "texts_from_pdf"]

DEFAULT_DPI: Final = 150


class ScanError(Exception):
    """A file that cannot be read as an image or a PDF; ``str(e)`` is the Vietnamese message.

    ``code`` is stable: ``not_found``, ``unreadable``, ``not_an_image``, ``not_a_pdf``.
    """

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_vi


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise ScanError("not_found", f"Không tìm thấy tệp {path}.", f"No such file: {path}.")


def _qr_texts(image: Image.Image) -> list[str]:
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [r.text for r in results if r.text]


def texts_from_image(path: Path | str) -> list[str]:
    """The texts of the QR codes in an image file (PNG, JPEG, ...); an empty list when there is none."""
    path = Path(path)
    _check_file(path)
    try:
        with Image.open(path) as opened:
            opened.load()
            image = opened.convert("L")  # zxing wants grey levels; palette or alpha images otherwise fail
    except UnidentifiedImageError:
        raise ScanError(
            "not_an_image", f"Tệp {path} không phải là ảnh đọc được.", f"{path} is not an image this app can read."
        ) from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ScanError(
            "unreadable", f"Không đọc được ảnh {path} ({exc}).", f"Could not read the image {path} ({exc})."
        ) from None
    return _qr_texts(image)


def texts_from_pdf(path: Path | str, dpi: int = DEFAULT_DPI) -> list[str]:
    """The texts of the QR codes on every page of a PDF, page by page; an empty list when there is none."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    path = Path(path)
    _check_file(path)
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        raise ScanError(
            "not_a_pdf", f"Tệp {path} không phải là PDF đọc được.", f"{path} is not a PDF this app can read."
        ) from None
    except OSError as exc:
        raise ScanError(
            "unreadable", f"Không đọc được tệp {path} ({exc}).", f"Could not read {path} ({exc})."
        ) from None
    texts: list[str] = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                try:
                    texts.extend(_qr_texts(bitmap.to_pil()))
                finally:
                    bitmap.close()  # here, on this thread: pdfium is not thread-safe
            except pdfium.PdfiumError as exc:
                raise ScanError(
                    "unreadable",
                    f"Không hiển thị được trang {index + 1} của {path} ({exc}).",
                    f"Could not render page {index + 1} of {path} ({exc}).",
                ) from None
            finally:
                page.close()
    finally:
        document.close()
    return texts
