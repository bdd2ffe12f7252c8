"""Certificates: print a training session's certificates, find and revoke issued ones, verify one offline.

Three tabs under a status strip that says how this laptop signs (real certificates with the commune's key, or
samples marked "MẪU - KHÔNG CÓ GIÁ TRỊ" and why) and who signs them.

Everything slow runs through ``ctx.tasks``: issuing and making the PDF (the write pool, with progress and a
Cancel button), searching, verifying, and turning PDF pages into pictures for the preview and the printer.
pdfium is not thread-safe, so every piece of work that opens a PDF with it (the preview, printing, verifying a
PDF) goes to the one-thread write pool, where two of them never run at once.

Printing paints pictures of the pages (rendered at the printer's resolution, at most 300 dpi, one page at a
time in the background) on the GUI thread: :func:`print_pages` does it for any ``QPagedPaintDevice`` and
:class:`PrintJob` does the same page by page without blocking, so tests print into a PDF without a dialog.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from dlso_desktop.certificates.pdf import RenderCancelled
from dlso_desktop.certificates.present import COMPARE_NAME, STATUS_TEXT, reason_text
from dlso_desktop.certificates.scan import ScanError
from dlso_desktop.models import Role
from dlso_desktop.services.certificates import (
    CertificateView,
    EligibleView,
    SigningStatus,
    VerificationView,
)
from dlso_desktop.services.views import CourseView, SessionView
from dlso_desktop.text import format_date_vn
from dlso_desktop.validation import ValidationError
from sync.erasure import REVOCATION_REASON
from ui.app_context import AppContext
from ui.i18n import Retranslatable
from ui.list_model import RowListModel
from ui.page import Page
from ui.person_picker import error_label
from ui.qt import QtCore, QtGui, QtPrintSupport, QtWidgets, Signal
from ui.settings import LANGUAGE
from ui.training import SessionModel

log = logging.getLogger(__name__)
Qt = QtCore.Qt
_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex

#: the highest resolution pages are painted at on a printer (more only makes the print job bigger)
PRINT_DPI = 300
#: the preview's resolution (pages are then shrunk to the window's width) and how many pages it shows (Print
#: and Save always take every page)
PREVIEW_DPI = 110
PREVIEW_LIMIT = 30

STATUS_COLOURS = {"valid": "#1b7f3b", "revoked": "#c25e00", "invalid": "#b00020", "demo": "#5f6368"}


# --- PDF pages as pictures (worker threads; pdfium calls never run two at once: see the module doc) -------------


def render_page_image(pdf: bytes, index: int, dpi: float) -> QtGui.QImage:
    """Page ``index`` of a PDF as an RGB picture at ``dpi`` (QImage, not QPixmap: safe off the GUI thread).

    Every pdfium object is closed here, on the thread that made it, never left to the garbage collector (which
    could free it on another thread while that one renders)."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        try:
            bitmap = page.render(scale=dpi / 72)
            try:
                picture = bitmap.to_pil().convert("RGB")
                width, height, data = picture.width, picture.height, picture.tobytes()
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()
    image = QtGui.QImage(data, width, height, 3 * width, QtGui.QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``data`` goes away


def printer_dpi(device: QtGui.QPagedPaintDevice) -> int:
    return max(72, min(PRINT_DPI, device.logicalDpiX()))


def draw_page(painter: QtGui.QPainter, image: QtGui.QImage) -> None:
    """One page picture, as large as the paintable area allows, centred, its proportions kept."""
    area = QtCore.QRectF(painter.viewport())
    size = QtCore.QSizeF(image.size())
    size.scale(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = area.x() + (area.width() - size.width()) / 2
    y = area.y() + (area.height() - size.height()) / 2
    target = QtCore.QRectF(x, y, size.width(), size.height())
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, image)


def print_pages(device: QtGui.QPagedPaintDevice, images: Iterable[QtGui.QImage]) -> int:
    """Paint each picture on its own page of ``device`` (a QPrinter, a QPdfWriter); returns the page count.

    Runs on the GUI thread; :class:`PrintJob` does the same one page at a time without blocking it."""
    painter = QtGui.QPainter()
    count = 0
    try:
        for image in images:
            if count == 0:
                if not painter.begin(device):
                    raise OSError("the printer could not be opened")
            elif not device.newPage():
                raise OSError("the printer refused a new page")
            draw_page(painter, image)
            count += 1
    finally:
        if painter.isActive():
            painter.end()
    return count


def set_a4_landscape(printer: QtPrintSupport.QPrinter) -> None:
    printer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QtGui.QPageLayout.Orientation.Landscape)


class PrintJob(QtCore.QObject):
    """Prints a PDF's pages on ``device`` one at a time: each page is rendered in the background at the
    printer's resolution, then painted on the GUI thread. ``finished`` says True when every page went out."""

    progress = Signal(int, int)  # (pages printed, pages)
    finished = Signal(bool)
    failed = Signal(object)

    def __init__(
        self, ctx: AppContext, pdf: bytes, total: int, device: QtGui.QPagedPaintDevice, parent: QtCore.QObject | None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.pdf, self.total, self.device = ctx, pdf, total, device
        self.dpi = printer_dpi(device)
        self.painter = QtGui.QPainter()
        self.done = 0
        self.cancelled = False
        self.running = False

    def start(self) -> None:
        self.running = True
        self._next()

    def cancel(self) -> None:
        self.cancelled = True

    def _next(self) -> None:
        if self.cancelled:
            self._finish(False)
            return
        pdf, index, dpi = self.pdf, self.done, self.dpi
        self.ctx.tasks.write(lambda: render_page_image(pdf, index, dpi), self._paint, self._failed)

    def _paint(self, image: QtGui.QImage) -> None:
        if self.cancelled:
            self._finish(False)
            return
        try:
            if self.done == 0:
                if not self.painter.begin(self.device):
                    raise OSError("the printer could not be opened")
            elif not self.device.newPage():
                raise OSError("the printer refused a new page")
            draw_page(self.painter, image)
        except OSError as exc:
            self._failed(exc)
            return
        self.done += 1
        self.progress.emit(self.done, self.total)
        if self.done < self.total:
            self._next()
        else:
            self._finish(True)

    def _failed(self, exc: BaseException) -> None:
        self._end_painter(abort=True)
        self.running = False
        self.failed.emit(exc)

    def _finish(self, ok: bool) -> None:
        self._end_painter(abort=not ok)
        self.running = False
        self.finished.emit(ok)

    def _end_painter(self, *, abort: bool) -> None:
        if abort and isinstance(self.device, QtPrintSupport.QPrinter) and self.painter.isActive():
            self.device.abort()
        if self.painter.isActive():
            self.painter.end()


# --- models ------------------------------------------------------------------------------------------------------


def _birth_text(birth_date: Any, birth_year: int | None) -> str:
    if birth_date is not None:
        return format_date_vn(birth_date)
    return str(birth_year) if birth_year else "—"


class EligibleModel(RowListModel[EligibleView]):
    """Who passed the chosen session: a tick each (who gets a certificate now), birth, number if issued."""

    NAME, BIRTH, NUMBER = range(3)
    COLUMNS = 3
    ticks_changed = Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ticked: set[str] = set()

    def set_rows(self, rows: list[EligibleView]) -> None:
        """Everyone ticked, except people already listed, who keep their tick (a reload after printing)."""
        known = {r.person_id for r in self.rows}
        ticked = {r.person_id for r in rows if r.person_id not in known or r.person_id in self.ticked}
        super().set_rows(rows)
        self.ticked = ticked
        self.ticks_changed.emit()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.row_at(index)
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.NAME:
                return e.full_name
            if col == self.BIRTH:
                return _birth_text(e.birth_date, e.birth_year)
            if e.number is None:
                return QtCore.QCoreApplication.translate("CertificatesPage", "not issued yet")
            return (
                QtCore.QCoreApplication.translate("CertificatesPage", "{number} (revoked)").format(number=e.number)
                if e.revoked
                else e.number
            )
        if role == Qt.ItemDataRole.CheckStateRole and col == self.NAME:
            return Qt.CheckState.Checked if e.person_id in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and col == self.NUMBER:
            if e.revoked:
                return QtGui.QBrush(QtGui.QColor(STATUS_COLOURS["revoked"]))
            if e.number is None:
                return QtGui.QBrush(QtGui.QColor(STATUS_COLOURS["demo"]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.NAME:
                return e.full_name
            if col == self.NUMBER and e.revoked:
                return QtCore.QCoreApplication.translate(
                    "CertificatesPage",
                    "This certificate was revoked: printing gives a new certificate with a new number.",
                )
        if role == Qt.ItemDataRole.UserRole:
            return e.person_id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == self.NAME else base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        e = self.row_at(index)
        if e is None or index.column() != self.NAME or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = value if isinstance(value, bool) else Qt.CheckState(value) == Qt.CheckState.Checked
        if on:
            self.ticked.add(e.person_id)
        else:
            self.ticked.discard(e.person_id)
        self.dataChanged.emit(index, index, [role])
        self.ticks_changed.emit()
        return True

    def tick_all(self, on: bool) -> None:
        self.ticked = {r.person_id for r in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0), [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()

    def ticked_ids(self) -> list[str]:
        """The ticked people, in roster order."""
        return [r.person_id for r in self.rows if r.person_id in self.ticked]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not 0 <= section < 3:
            return None
        return [
            QtCore.QCoreApplication.translate("CertificatesPage", "Name"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Born"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Certificate number"),
        ][section]


def certificate_status_label(c: CertificateView) -> str:
    if c.demo:
        return QtCore.QCoreApplication.translate("CertificatesPage", "sample")
    return (
        QtCore.QCoreApplication.translate("CertificatesPage", "revoked")
        if c.revoked
        else QtCore.QCoreApplication.translate("CertificatesPage", "valid")
    )


class CertificateModel(RowListModel[CertificateView]):
    """Issued certificates found by the search box."""

    NUMBER, NAME, COURSE, DATE, STATUS = range(5)
    COLUMNS = 5

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.row_at(index)
        if c is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [c.number, c.full_name, c.course_name, format_date_vn(c.issue_date), certificate_status_label(c)][
                col
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.NAME:
                return c.full_name
            if col == self.COURSE:
                return c.course_name
            if col == self.STATUS and c.revoked and c.revoked_reason:
                reason = c.revoked_reason
                if reason == REVOCATION_REASON:
                    reason = QtCore.QCoreApplication.translate("CertificatesPage", "the person's data was erased")
                return QtCore.QCoreApplication.translate("CertificatesPage", "Reason: {reason}").format(reason=reason)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS:
            key = "demo" if c.demo else "revoked" if c.revoked else "valid"
            return QtGui.QBrush(QtGui.QColor(STATUS_COLOURS[key]))
        if role == Qt.ItemDataRole.UserRole:
            return c.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not 0 <= section < 5:
            return None
        return [
            QtCore.QCoreApplication.translate("CertificatesPage", "Number"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Name"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Course"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Issue date"),
            QtCore.QCoreApplication.translate("CertificatesPage", "Status"),
        ][section]

    def replace(self, certificate: CertificateView) -> None:
        for i, c in enumerate(self.rows):
            if c.id == certificate.id:
                self.rows[i] = certificate
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.COLUMNS - 1))


# --- dialogs -----------------------------------------------------------------------------------------------------


class SignerDialog(Retranslatable, QtWidgets.QDialog):
    """The name and title printed above the signature; saved through ``set_signer`` (in the background)."""

    saved = Signal(object)  # SigningStatus

    def __init__(self, ctx: AppContext, status: SigningStatus | None, parent: QtWidgets.QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QtWidgets.QFormLayout()
        self.name_edit = QtWidgets.QLineEdit(status.signer_name if status else "")
        self.title_edit = QtWidgets.QPlainTextEdit(status.signer_title if status else "")
        self.title_edit.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        lines = self.title_edit.fontMetrics().lineSpacing()
        self.title_edit.setFixedHeight(3 * lines + 2 * self.title_edit.frameWidth() + 8)
        self.name_label, self.title_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.name_label.setBuddy(self.name_edit)
        self.title_label.setBuddy(self.title_edit)
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.title_label, self.title_edit)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Signer of the certificates"))
        self.intro.setText(
            self.tr("The name and title printed above the signature on new certificates, e.g. the commune chairman.")
        )
        self.name_label.setText(self.tr("&Full name:"))
        self.title_label.setText(self.tr("&Title:"))
        self.title_edit.setPlaceholderText(self.tr("e.g. CHỦ TỊCH (at most two lines)"))

    def save(self) -> None:
        name, title = self.name_edit.text().strip(), self.title_edit.toPlainText().strip()
        if not name:
            self.error.setText(self.tr("Please type the signer's full name."))
            self.error.show()
            self.name_edit.setFocus()
            return
        self.error.hide()
        self.saving = True
        self.buttons.setEnabled(False)
        certificates = self.ctx.services.certificates
        self.ctx.tasks.write(lambda: certificates.set_signer(name, title), self._saved, self._failed)

    def _saved(self, status: SigningStatus) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.saved.emit(status)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.buttons.setEnabled(True)
        self.error.setText(_message(self.ctx, exc))
        self.error.show()


class RevokeDialog(Retranslatable, QtWidgets.QDialog):
    """Why the certificate is revoked (required), then a confirmation."""

    def __init__(self, certificate: CertificateView, parent: QtWidgets.QWidget | None) -> None:
        super().__init__(parent)
        self.certificate = certificate
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.reason_label = QtWidgets.QLabel()
        layout.addWidget(self.reason_label)
        self.reason_edit = QtWidgets.QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_label.setBuddy(self.reason_edit)
        layout.addWidget(self.reason_edit)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()

    def retranslate(self) -> None:
        c = self.certificate
        self.setWindowTitle(self.tr("Revoke a certificate"))
        self.intro.setText(
            self.tr(
                "Certificate {number} of {name}. Once revoked, it shows as REVOKED whenever it is checked."
                " This cannot be undone."
            ).format(number=c.number, name=c.full_name)
        )
        self.reason_label.setText(self.tr("&Why is it revoked?"))
        self.reason_edit.setPlaceholderText(self.tr("e.g. printed for the wrong person"))
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("Revoke"))

    def reason(self) -> str:
        return " ".join(self.reason_edit.text().split())

    def try_accept(self) -> None:
        if not self.reason():
            self.error.setText(self.tr("Please write why the certificate is revoked."))
            self.error.show()
            self.reason_edit.setFocus()
            return
        answer = QtWidgets.QMessageBox.question(
            self,
            self.tr("Revoke a certificate"),
            self.tr("Revoke certificate {number} of {name}?").format(
                number=self.certificate.number, name=self.certificate.full_name
            ),
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.accept()


class PreviewDialog(Retranslatable, QtWidgets.QDialog):
    """The PDF's pages as pictures (rendered one by one in the background), with Print and Save buttons.

    ``choice`` is "print" or "save" when the dialog closed through one of them."""

    def __init__(
        self, ctx: AppContext, pdf: bytes, total: int, parent: QtWidgets.QWidget | None, *, limit: int = PREVIEW_LIMIT
    ) -> None:
        super().__init__(parent)
        self.ctx, self.pdf, self.total = ctx, pdf, total
        self.limit = min(total, limit)
        self.choice: str | None = None
        self.images: list[QtWidgets.QLabel] = []
        self.pictures: list[QtGui.QPixmap] = []  # full size; each label shows one fitted to the width
        self.rendering = False
        self._closed = False
        layout = QtWidgets.QVBoxLayout(self)
        self.info = QtWidgets.QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.pages_scroll = QtWidgets.QScrollArea()
        self.pages_scroll.setWidgetResizable(True)
        holder = QtWidgets.QWidget()
        self.pages_layout = QtWidgets.QVBoxLayout(holder)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_scroll.setWidget(holder)
        holder.setStyleSheet("background: #8a8a8a;")
        layout.addWidget(self.pages_scroll, 1)
        buttons = QtWidgets.QHBoxLayout()
        self.print_button = QtWidgets.QPushButton()
        self.save_button = QtWidgets.QPushButton()
        self.close_button = QtWidgets.QPushButton()
        self.print_button.setDefault(True)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(lambda: self._choose("print"))
        self.save_button.clicked.connect(lambda: self._choose("save"))
        self.close_button.clicked.connect(self.reject)
        self.finished.connect(self._stop)
        self.resize(960, 720)
        self.retranslate()
        self._render_next()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Preview of the certificates"))
        if self.limit < self.total:
            self.info.setText(
                self.tr("The first {shown} of {total} pages. Print and Save take every page.").format(
                    shown=self.limit, total=self.total
                )
            )
        else:
            self.info.setText(self.tr("%n page(s). Check the names before printing.", "", self.total))
        self.print_button.setText(self.tr("&Print…"))
        self.print_button.setToolTip(self.tr("Choose a printer and print every page"))
        self.save_button.setText(self.tr("&Save as PDF…"))
        self.save_button.setToolTip(self.tr("Save every page in one PDF file"))
        self.close_button.setText(self.tr("Close"))

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def _stop(self) -> None:
        """Closed: stop rendering and free the pictures (once a page in flight has arrived)."""
        self._closed = True
        if not self.rendering:
            self.deleteLater()

    def _render_next(self) -> None:
        index = len(self.images)
        if self._closed or index >= self.limit:
            self.rendering = False
            return
        self.rendering = True
        pdf = self.pdf
        self.ctx.tasks.write(lambda: render_page_image(pdf, index, PREVIEW_DPI), self._add, self._failed)

    def _page_width(self) -> int:
        return max(200, self.pages_scroll.viewport().width() - 2 * self.pages_layout.contentsMargins().left())

    def _fitted(self, picture: QtGui.QPixmap) -> QtGui.QPixmap:
        width = min(self._page_width(), picture.width())
        return picture.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        for label, picture in zip(self.images, self.pictures, strict=True):
            label.setPixmap(self._fitted(picture))

    def _add(self, image: QtGui.QImage) -> None:
        if self._closed:
            self.rendering = False
            self.deleteLater()
            return
        label = QtWidgets.QLabel()
        picture = QtGui.QPixmap.fromImage(image)
        self.pictures.append(picture)
        label.setPixmap(self._fitted(picture))
        label.setAccessibleName(self.tr("Page {n}").format(n=len(self.images) + 1))
        self.pages_layout.addWidget(label)
        self.images.append(label)
        self._render_next()

    def _failed(self, exc: BaseException) -> None:
        self.rendering = False
        if self._closed:
            self.deleteLater()
            return
        self.info.setText(self.tr("The preview could not be shown: {error}").format(error=exc))


# --- the page ------------------------------------------------------------------------------------------------


def _message(ctx: AppContext, exc: BaseException) -> str:
    """A service's error in the user's language (validation and scan errors carry both)."""
    if isinstance(exc, ValidationError | ScanError):
        return exc.message_vi if ctx.settings.get(LANGUAGE) == "vi" else exc.message_en
    return f"{type(exc).__name__}: {exc}"


@dataclass
class _Output:
    """One Preview / Print / Save: what to print and where it goes."""

    kind: str  # "preview" | "print" | "save"
    session_id: str | None  # issue for this session (None: ``certificates`` are given, a reprint)
    person_ids: list[str]
    certificates: list[CertificateView]
    default_name: str
    path: Path | None = None
    printer: QtPrintSupport.QPrinter | None = None


class CertificatesPage(Page):
    #: the issued list shows at most this many (the newest); typing a number or a name reaches any other
    search_limit = 200
    _progress_from_worker = Signal(int, int)  # emitted on a worker thread, delivered on the GUI thread

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.status: SigningStatus | None = None
        #: issuing, revoking and the signer are a team head's (the service refuses them to a team member);
        #: reprinting issued certificates and verifying are everyone's
        self.may_issue = ctx.services.ctx.may(Role.TEAM_HEAD)
        self.courses: dict[str, CourseView] = {}
        self.session_id: str | None = None
        self.busy = 0  # background reads/writes in flight (tests wait for 0)
        self.job: _Output | None = None  # the Preview / Print / Save running now
        self.print_job: PrintJob | None = None
        self._cancel = threading.Event()
        self.last_progress: tuple[int, int] | None = None
        self.preview: PreviewDialog | None = None
        self.signer_dialog: SignerDialog | None = None
        self.revoke_dialog: RevokeDialog | None = None
        self.verdicts: list[VerificationView] = []
        self._verify_note: tuple[str, str] | None = None  # (kind, text) shown above the verdicts
        self._eligible_seq = 0
        self._search_seq = 0
        self.searching = False
        self.verifying = False

        outer = QtWidgets.QVBoxLayout(self)
        outer.addWidget(self._build_status_strip())
        self.tabs = QtWidgets.QTabWidget()
        outer.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_print_tab(), "")
        self.tabs.addTab(self._build_issued_tab(), "")
        self.tabs.addTab(self._build_verify_tab(), "")
        outer.addWidget(self._build_job_row())
        self.tabs.currentChanged.connect(self._tab_changed)

        self._search_timer = QtCore.QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.search)
        self.search_box.textChanged.connect(self._search_timer.start)
        self._progress_from_worker.connect(self._show_progress)
        self.retranslate()

    # --- building --------------------------------------------------------------------------------------------
    def _build_status_strip(self) -> QtWidgets.QWidget:
        self.status_frame = QtWidgets.QFrame()
        self.status_frame.setObjectName("signingStatus")
        self.status_frame.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        layout = QtWidgets.QHBoxLayout(self.status_frame)
        texts = QtWidgets.QVBoxLayout()
        self.status_label = QtWidgets.QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.signer_label = QtWidgets.QLabel()
        self.signer_label.setWordWrap(True)
        texts.addWidget(self.status_label)
        texts.addWidget(self.signer_label)
        layout.addLayout(texts, 1)
        self.signer_button = QtWidgets.QPushButton()
        self.signer_button.clicked.connect(lambda: self.ask_signer())
        layout.addWidget(self.signer_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.signer_button.setVisible(self.may_issue)
        return self.status_frame

    def _build_print_tab(self) -> QtWidgets.QWidget:
        tab = QtWidgets.QWidget()
        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        QtWidgets.QVBoxLayout(tab).addWidget(splitter)

        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.sessions_heading = QtWidgets.QLabel()
        _bold(self.sessions_heading)
        left_layout.addWidget(self.sessions_heading)
        self.session_model = SessionModel(self)
        self.session_view = QtWidgets.QTableView()
        self.session_view.setModel(self.session_model)
        self.session_view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.session_view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.session_view.verticalHeader().hide()
        self.session_view.setWordWrap(False)
        header = self.session_view.horizontalHeader()
        fit, stretch = QtWidgets.QHeaderView.ResizeMode.ResizeToContents, QtWidgets.QHeaderView.ResizeMode.Stretch
        for col, mode in ((0, fit), (1, stretch), (2, stretch), (3, fit), (4, fit)):
            header.setSectionResizeMode(col, mode)
        self.session_view.hideColumn(SessionModel.ATTENDEES)  # who passed is what counts here
        self.sessions_heading.setBuddy(self.session_view)
        left_layout.addWidget(self.session_view, 1)
        self.sessions_hint = QtWidgets.QLabel()
        self.sessions_hint.setWordWrap(True)
        left_layout.addWidget(self.sessions_hint)
        splitter.addWidget(left)

        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.eligible_heading = QtWidgets.QLabel()
        _bold(self.eligible_heading)
        right_layout.addWidget(self.eligible_heading)
        self.eligible_model = EligibleModel(self)
        self.eligible_view = QtWidgets.QTableView()
        self.eligible_view.setModel(self.eligible_model)
        self.eligible_view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.eligible_view.verticalHeader().hide()
        self.eligible_view.setWordWrap(False)
        header = self.eligible_view.horizontalHeader()
        header.setSectionResizeMode(EligibleModel.NAME, stretch)
        header.setSectionResizeMode(EligibleModel.BIRTH, fit)
        header.setSectionResizeMode(EligibleModel.NUMBER, fit)
        self.eligible_heading.setBuddy(self.eligible_view)
        right_layout.addWidget(self.eligible_view, 1)
        ticks = QtWidgets.QHBoxLayout()
        self.tick_all_button = QtWidgets.QPushButton()
        self.untick_all_button = QtWidgets.QPushButton()
        self.ticked_label = QtWidgets.QLabel()
        ticks.addWidget(self.tick_all_button)
        ticks.addWidget(self.untick_all_button)
        ticks.addWidget(self.ticked_label, 1)
        right_layout.addLayout(ticks)
        actions = QtWidgets.QHBoxLayout()
        self.preview_button = QtWidgets.QPushButton()
        self.print_button = QtWidgets.QPushButton()
        self.save_button = QtWidgets.QPushButton()
        self.preview_button.setDefault(True)
        for b in (self.preview_button, self.print_button, self.save_button):
            actions.addWidget(b)
        actions.addStretch(1)
        right_layout.addLayout(actions)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 560])

        self.session_view.selectionModel().currentRowChanged.connect(self._session_selected)
        self.eligible_model.ticks_changed.connect(self._update_print_state)
        self.tick_all_button.clicked.connect(lambda: self.eligible_model.tick_all(True))
        self.untick_all_button.clicked.connect(lambda: self.eligible_model.tick_all(False))
        self.preview_button.clicked.connect(lambda: self.output("preview"))
        self.print_button.clicked.connect(lambda: self.output("print"))
        self.save_button.clicked.connect(lambda: self.output("save"))
        return tab

    def _build_job_row(self) -> QtWidgets.QWidget:
        """Under the tabs, seen from every tab: a running Preview / Print / Save and what became of it."""
        row = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        progress = QtWidgets.QHBoxLayout()
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_label = QtWidgets.QLabel()
        self.cancel_button = QtWidgets.QPushButton()
        progress.addWidget(self.progress_label)
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.cancel_button)
        layout.addLayout(progress)
        self.print_message = QtWidgets.QLabel()
        self.print_message.setWordWrap(True)
        self.print_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.print_message)
        self.print_error = error_label()
        self.print_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.print_error)
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.progress_bar, self.progress_label, self.cancel_button, self.print_message):
            w.hide()
        return row

    def _build_issued_tab(self) -> QtWidgets.QWidget:
        tab = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(tab)
        top = QtWidgets.QHBoxLayout()
        self.search_label = QtWidgets.QLabel()
        self.search_box = QtWidgets.QLineEdit()
        self.search_box.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search_box)
        top.addWidget(self.search_label)
        top.addWidget(self.search_box, 1)
        layout.addLayout(top)
        self.issued_model = CertificateModel(self)
        self.issued_view = QtWidgets.QTableView()
        self.issued_view.setModel(self.issued_model)
        self.issued_view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.issued_view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.issued_view.verticalHeader().hide()
        self.issued_view.setWordWrap(False)
        header = self.issued_view.horizontalHeader()
        fit, stretch = QtWidgets.QHeaderView.ResizeMode.ResizeToContents, QtWidgets.QHeaderView.ResizeMode.Stretch
        for col in range(CertificateModel.COLUMNS):
            header.setSectionResizeMode(
                col, stretch if col in (CertificateModel.NAME, CertificateModel.COURSE) else fit
            )
        layout.addWidget(self.issued_view, 1)
        self.issued_count = QtWidgets.QLabel()
        layout.addWidget(self.issued_count)
        buttons = QtWidgets.QHBoxLayout()
        self.reprint_button = QtWidgets.QPushButton()
        self.revoke_button = QtWidgets.QPushButton()
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        self.revoke_button.setVisible(self.may_issue)
        layout.addLayout(buttons)
        self.issued_message = QtWidgets.QLabel()
        self.issued_message.setWordWrap(True)
        layout.addWidget(self.issued_message)
        self.issued_error = error_label()
        layout.addWidget(self.issued_error)
        self.issued_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_issued_state())
        self.issued_view.doubleClicked.connect(lambda _index: self.reprint())
        self.search_box.returnPressed.connect(self.search)
        self.reprint_button.clicked.connect(self.reprint)
        self.revoke_button.clicked.connect(self.ask_revoke)
        return tab

    def _build_verify_tab(self) -> QtWidgets.QWidget:
        tab = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(tab)
        self.verify_intro = QtWidgets.QLabel()
        self.verify_intro.setWordWrap(True)
        layout.addWidget(self.verify_intro)
        files = QtWidgets.QHBoxLayout()
        self.image_button = QtWidgets.QPushButton()
        self.pdf_button = QtWidgets.QPushButton()
        files.addWidget(self.image_button)
        files.addWidget(self.pdf_button)
        files.addStretch(1)
        layout.addLayout(files)
        typed = QtWidgets.QHBoxLayout()
        self.text_label = QtWidgets.QLabel()
        self.text_edit = QtWidgets.QLineEdit()
        self.text_edit.setClearButtonEnabled(True)
        self.text_label.setBuddy(self.text_edit)
        self.verify_button = QtWidgets.QPushButton()
        typed.addWidget(self.text_label)
        typed.addWidget(self.text_edit, 1)
        typed.addWidget(self.verify_button)
        layout.addLayout(typed)
        self.verify_message = QtWidgets.QLabel()
        self.verify_message.setWordWrap(True)
        layout.addWidget(self.verify_message)
        self.verify_error = error_label()
        layout.addWidget(self.verify_error)
        self.cards_scroll = QtWidgets.QScrollArea()
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        holder = QtWidgets.QWidget()
        self.cards_layout = QtWidgets.QVBoxLayout(holder)
        self.cards_layout.addStretch(1)
        self.cards_scroll.setWidget(holder)
        layout.addWidget(self.cards_scroll, 1)
        self.cards: list[VerdictCard] = []
        self.image_button.clicked.connect(self.choose_image)
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.verify_button.clicked.connect(self.verify_typed)
        self.text_edit.returnPressed.connect(self.verify_typed)
        return tab

    # --- Page hooks --------------------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Certificates")

    def language(self) -> str:
        return str(self.ctx.settings.get(LANGUAGE))

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.FontChange:
            # a widget with a style sheet keeps its old font when the text size changes (Settings): set it again
            self.status_frame.setStyleSheet("")
            self._show_status()
        super().changeEvent(event)

    def activate(self) -> None:
        self.refresh_status()
        self.load_sessions()
        if self.tabs.currentIndex() == 1:
            self.search()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.search_box.setFocus()
        self.search_box.selectAll()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("&Print"))
        self.tabs.setTabText(1, self.tr("&Issued certificates"))
        self.tabs.setTabText(2, self.tr("&Verify"))
        self.signer_button.setText(self.tr("Change &signer…"))
        self.signer_button.setToolTip(self.tr("The name and title printed above the signature on new certificates"))
        self.sessions_heading.setText(self.tr("1. Choose a training session"))
        self.eligible_heading.setText(self.tr("2. Tick who gets a certificate"))
        self.tick_all_button.setText(self.tr("Tick all"))
        self.untick_all_button.setText(self.tr("Untick all"))
        self.preview_button.setText(self.tr("Previe&w"))
        self.preview_button.setToolTip(self.tr("See the certificates on screen before printing"))
        self.print_button.setText(self.tr("P&rint…"))
        self.print_button.setToolTip(self.tr("Choose a printer and print the ticked certificates"))
        self.save_button.setText(self.tr("Save as P&DF…"))
        self.save_button.setToolTip(self.tr("Save the ticked certificates in one PDF file, to print later"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop: nothing half-made is saved or printed"))
        self.search_label.setText(self.tr("&Find:"))
        self.search_box.setPlaceholderText(self.tr("Certificate number or name (accents optional)…"))
        self.reprint_button.setText(self.tr("Rep&rint…"))
        self.reprint_button.setToolTip(self.tr("Print this certificate again: same number, same QR code"))
        self.revoke_button.setText(self.tr("Rev&oke…"))
        self.revoke_button.setToolTip(self.tr("Cancel a certificate given by mistake; it then verifies as revoked"))
        self.verify_intro.setText(
            self.tr(
                "Check a certificate without internet: choose a photo or a scan of its QR code, a PDF,"
                " or type the text under the QR code."
            )
        )
        self.image_button.setText(self.tr("From a p&hoto or scan…"))
        self.image_button.setToolTip(self.tr("A picture file (PNG, JPG, BMP, WEBP) with the QR code in it"))
        self.pdf_button.setText(self.tr("From a P&DF…"))
        self.pdf_button.setToolTip(self.tr("A PDF of certificates: every page is checked"))
        self.text_label.setText(self.tr("&Code:"))
        self.text_edit.setPlaceholderText(self.tr("Type or paste the text of the QR code, or the link…"))
        self.verify_button.setText(self.tr("Verify"))
        self.verify_button.setToolTip(self.tr("Check the typed code"))
        for model in (self.eligible_model, self.issued_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.COLUMNS - 1)
            if model.rows:
                model.dataChanged.emit(model.index(0, 0), model.index(len(model.rows) - 1, model.COLUMNS - 1))
        self.session_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, SessionModel.COLUMNS - 1)
        self._show_status()
        self._show_sessions_hint()
        self._update_print_state()
        self._update_issued_state()
        self._show_verdicts()

    # --- the status strip ---------------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        certificates = self.ctx.services.certificates
        self._start()
        self.ctx.tasks.run(certificates.signing_status, self._status_loaded, self._status_failed)

    def _status_loaded(self, status: SigningStatus) -> None:
        self._end()
        self.set_status(status)

    def _status_failed(self, exc: BaseException) -> None:
        self._end()
        self.status_label.setText(_esc(_message(self.ctx, exc)))

    def set_status(self, status: SigningStatus) -> None:
        self.status = status
        self._show_status()

    def reason_sentence(self, reason: str | None) -> str:
        sentences = {
            "not_enrolled": self.tr(
                "This laptop is not enrolled yet: ask the commune operator to enroll it on the Sync page."
            ),
            "no_trust": self.tr(
                "The list of trusted signing keys has not arrived yet: connect to the internet and sync once."
            ),
            "no_key": self.tr(
                "The commune's signing key has not arrived on this laptop yet: connect to the internet and sync once."
            ),
            "key_not_valid": self.tr(
                "The commune's signing key has expired, was revoked or is not valid yet: ask the commune operator"
                " for a new key, then sync."
            ),
            "no_serials": self.tr(
                "This laptop has no certificate numbers left: connect to the internet and sync once to get more."
            ),
        }
        return sentences.get(reason or "", self.tr("This laptop cannot sign real certificates yet."))

    def _show_status(self) -> None:
        s = self.status
        if s is None:
            self.status_label.setText(self.tr("Checking how this laptop signs certificates…"))
            self.signer_label.clear()
            return
        if s.mode == "demo":
            colour, border = "#fff4ce", "#c25e00"
            headline = self.tr("Sample mode: certificates printed now are samples, not valid.")
            detail = self.tr("Each page is marked “{sample}” and never verifies as valid.").format(
                sample=STATUS_TEXT["demo"][0]
            )
            text = f"<b>⚠ {_esc(headline)}</b><br>{_esc(detail)}<br>{_esc(self.reason_sentence(s.reason))}"
        else:
            colour, border = "#e6f4ea", "#1b7f3b"
            headline = self.tr("Real certificates: signed with the key of {commune}.").format(
                commune=self.ctx.commune.display_name
            )
            left = self.tr("%Ln certificate number(s) left on this laptop.", "", s.serials_left)
            text = f"<b>✔ {_esc(headline)}</b> {_esc(left)}"
        self.status_frame.setStyleSheet(
            f"QFrame#signingStatus {{ background: {colour}; border: 1px solid {border}; border-radius: 4px; }}"
            " QFrame#signingStatus QLabel { color: #202124; }"
        )
        self.status_label.setText(text)
        if s.signer_name.strip():
            title = " ".join(s.signer_title.split())
            signer = f"{s.signer_name}, {title}" if title else s.signer_name
            self.signer_label.setText(self.tr("Signed on new certificates by: {signer}").format(signer=signer))
        else:
            self.signer_label.setText(self.tr("Signer: not set yet (needed before printing real certificates)."))

    def ask_signer(self, then: Callable[[], None] | None = None) -> None:
        dialog = SignerDialog(self.ctx, self.status, self)
        self.signer_dialog = dialog

        def saved(status: SigningStatus) -> None:
            self.set_status(status)
            if then is not None:
                then()

        dialog.saved.connect(saved)
        dialog.finished.connect(lambda _r: setattr(self, "signer_dialog", None))
        dialog.open()

    # --- printing: sessions and who passed ------------------------------------------------------------------------
    def load_sessions(self) -> None:
        training = self.ctx.services.training

        def read() -> tuple[list[SessionView], list[CourseView]]:
            return training.sessions(), training.courses()

        self._start()
        self.ctx.tasks.run(read, self._sessions_loaded, self._print_failed)

    def _sessions_loaded(self, result: tuple[list[SessionView], list[CourseView]]) -> None:
        self._end()
        sessions, courses = result
        self.courses = {c.id: c for c in courses}
        selected = self.session_id
        self.session_view.selectionModel().blockSignals(True)
        self.session_model.set_rows(sessions)
        row = self.session_model.row_of(selected) if selected else -1
        if row >= 0:
            self.session_view.selectRow(row)
        self.session_view.selectionModel().blockSignals(False)
        if row < 0 and selected is not None:
            self.session_id = None
            self.eligible_model.set_rows([])
        self._show_sessions_hint()
        if self.session_id is not None:
            self.load_eligible()

    def _show_sessions_hint(self) -> None:
        if not self.session_model.rows:
            self.sessions_hint.setText(self.tr("No training session yet: create one on the Training page."))
        elif not any(s.passed_count for s in self.session_model.rows):
            self.sessions_hint.setText(
                self.tr("No one has passed yet: mark the results on the Training page, then come back here.")
            )
        else:
            self.sessions_hint.setText(self.tr("Certificates are only for people marked “Passed”."))

    def _session_selected(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        session = self.session_model.rows[current.row()] if current.isValid() else None
        self.select_session(session.id if session else None)

    def select_session(self, session_id: str | None) -> None:
        self.session_id = session_id
        row = self.session_model.row_of(session_id) if session_id else -1
        if row >= 0 and self.session_view.currentIndex().row() != row:
            self.session_view.selectRow(row)
            return  # selecting the row comes back here through currentRowChanged
        self.eligible_model.set_rows([])
        self._say("")
        self.print_error.hide()
        self.load_eligible()

    def load_eligible(self) -> None:
        session_id = self.session_id
        self._eligible_seq += 1
        seq = self._eligible_seq
        self._update_print_state()
        if session_id is None:
            return
        certificates = self.ctx.services.certificates
        self._start()
        self.ctx.tasks.run(
            lambda: certificates.eligible(session_id),
            lambda rows: self._eligible_loaded(seq, session_id, rows),
            self._print_failed,
        )

    def _eligible_loaded(self, seq: int, session_id: str, rows: list[EligibleView]) -> None:
        self._end()
        if seq != self._eligible_seq or session_id != self.session_id:
            return  # another session was chosen meanwhile
        self.eligible_model.set_rows(rows)
        self._update_print_state()

    def _current_session(self) -> SessionView | None:
        return next((s for s in self.session_model.rows if s.id == self.session_id), None)

    def _update_print_state(self) -> None:
        ticked = len(self.eligible_model.ticked_ids())
        total = len(self.eligible_model.rows)
        running = self.job is not None
        if not self.may_issue:
            self.ticked_label.setText(self.tr("Only a team head or a commune operator can issue certificates."))
        elif self.session_id is None:
            self.ticked_label.setText(self.tr("Choose a session on the left."))
        elif total == 0:
            self.ticked_label.setText(self.tr("No one passed this session yet."))
        else:
            self.ticked_label.setText(self.tr("{ticked} of {total} ticked").format(ticked=ticked, total=total))
        for b in (self.preview_button, self.print_button, self.save_button):
            b.setEnabled(ticked > 0 and not running and self.may_issue)
        for b in (self.tick_all_button, self.untick_all_button):
            b.setEnabled(total > 0 and not running)
        self.session_view.setEnabled(not running)
        self.reprint_button.setEnabled(not running and self._selected_certificate() is not None)

    def default_file_name(self, session: SessionView | None = None, certificate: CertificateView | None = None) -> str:
        if certificate is not None:
            return f"GCN-{certificate.number}.pdf"
        if session is None:
            return "GCN.pdf"
        course = self.courses.get(session.course_id)
        code = f"-{course.code}" if course else ""
        return f"GCN-{session.session_date:%d-%m-%Y}{code}.pdf"

    # --- printing: Preview / Print / Save ------------------------------------------------------------------------
    def output(self, kind: str) -> None:
        """Preview, Print or Save the ticked people's certificates (issued first)."""
        session = self._current_session()
        ids = self.eligible_model.ticked_ids()
        if session is None or not ids or self.job is not None:
            return
        self._begin(_Output(kind, session.id, ids, [], self.default_file_name(session)))

    def reprint(self) -> None:
        certificate = self._selected_certificate()
        if certificate is None or self.job is not None:
            return
        self._begin(_Output("preview", None, [], [certificate], self.default_file_name(certificate=certificate)))

    def _begin(self, out: _Output) -> None:
        s = self.status
        if out.session_id is not None and s is not None and s.mode == "commune" and not s.signer_name.strip():
            # real certificates carry the signer's name: ask for it first, then go on
            self.ask_signer(then=lambda: self._begin(out))
            return
        if out.kind == "save" and out.path is None:
            path = self._ask_save_path(out.default_name)
            if path is None:
                return
            out.path = path
        if out.kind == "print" and out.printer is None:
            printer = self._ask_printer()
            if printer is None:
                return
            out.printer = printer
        self.start(out)

    def _ask_save_path(self, default_name: str) -> Path | None:
        docs = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(
            self,
            self.tr("Save the certificates"),
            str(Path(docs or Path.home()) / default_name),
            self.tr("PDF (*.pdf)"),
        )
        if not path:
            return None
        return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")

    def _ask_printer(self) -> QtPrintSupport.QPrinter | None:
        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
        set_a4_landscape(printer)
        dialog = QtPrintSupport.QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the certificates"))
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return None
        return printer

    def start(self, out: _Output) -> None:
        """Issue (unless given), make the PDF with progress, then preview / print / save it."""
        self.job = out
        self._cancel.clear()
        self.last_progress = None
        self._say("")
        self.print_error.hide()
        self.issued_error.hide()
        self._show_running(self.tr("Preparing the certificates…"), 0, 0)
        self._update_print_state()
        certificates = self.ctx.services.certificates
        cancel, relay = self._cancel, self._progress_from_worker
        session_id, person_ids, given, path = out.session_id, list(out.person_ids), list(out.certificates), out.path

        def work() -> tuple[list[CertificateView], bytes]:
            certs = given if session_id is None else certificates.issue(session_id, person_ids)
            if cancel.is_set():
                raise RenderCancelled
            relay.emit(0, len(certs))
            target: Path | io.BytesIO = path if path is not None else io.BytesIO()
            certificates.render_pdf(certs, target, progress=relay.emit, cancelled=cancel.is_set)
            return certs, target.getvalue() if isinstance(target, io.BytesIO) else b""

        self._start()
        self.ctx.tasks.write(work, self._pdf_made, self._pdf_failed)

    def _show_running(self, text: str, done: int, total: int) -> None:
        for w in (self.progress_bar, self.progress_label, self.cancel_button):
            w.show()
        self.cancel_button.setEnabled(True)
        self.progress_label.setText(text)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)

    def _show_progress(self, done: int, total: int) -> None:
        if self.job is None:
            return
        self.last_progress = (done, total)
        self._show_running(self.tr("Making the PDF: {done} of {total}").format(done=done, total=total), done, total)

    def cancel(self) -> None:
        self._cancel.set()
        if self.print_job is not None:
            self.print_job.cancel()
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(self.tr("Stopping…"))

    def _pdf_made(self, result: tuple[list[CertificateView], bytes]) -> None:
        self._end()
        out = self.job
        assert out is not None
        certs, pdf = result
        if out.session_id is not None and any(not c.demo for c in certs):
            self._issued()
        if out.kind == "save":
            self._finish_job()
            assert out.path is not None
            text = self.tr("Saved %n certificate(s) in {path}", "", len(certs)).format(path=out.path)
            if certs and all(c.demo for c in certs):
                text += "\n" + self.tr("They are samples marked “{sample}”: not valid.").format(
                    sample=STATUS_TEXT["demo"][0]
                )
            self._say(text)
        elif out.kind == "print":
            assert out.printer is not None
            self._print(pdf, len(certs), out.printer)
        else:
            self._finish_job()
            self._open_preview(pdf, len(certs), out)

    def _issued(self) -> None:
        """Certificates may have been numbered: show the numbers, the serials left, the new outbox count."""
        self.ctx.data_changed()
        self.refresh_status()
        self.load_sessions()  # and the chosen session's list
        self.search()

    def _pdf_failed(self, exc: BaseException) -> None:
        self._end()
        out = self.job
        self._finish_job()
        if out is not None and out.session_id is not None and self.status is not None and self.status.mode != "demo":
            self._issued()  # a cancel after issuing: the numbers are given all the same
        if isinstance(exc, RenderCancelled):
            self._say(self.tr("Cancelled: nothing was saved or printed."))
            return
        self.print_error.setText(
            self.tr("The certificates could not be made: {error}").format(error=_message(self.ctx, exc))
        )
        self.print_error.show()

    def _finish_job(self) -> None:
        self.job = None
        self.print_job = None
        for w in (self.progress_bar, self.progress_label, self.cancel_button):
            w.hide()
        self._update_print_state()

    def _open_preview(self, pdf: bytes, total: int, out: _Output) -> None:
        dialog = PreviewDialog(self.ctx, pdf, total, self)
        self.preview = dialog

        def closed(_result: int) -> None:
            self.preview = None
            if dialog.choice == "print":
                printer = self._ask_printer()
                if printer is not None:
                    self.print_pdf(pdf, total, printer)
            elif dialog.choice == "save":
                path = self._ask_save_path(out.default_name)
                if path is not None:
                    self.save_pdf(pdf, path)

        dialog.finished.connect(closed)
        dialog.open()

    def print_pdf(self, pdf: bytes, total: int, device: QtGui.QPagedPaintDevice) -> None:
        """Print an already made PDF (from the preview) on ``device``."""
        if self.job is not None:
            return
        self.job = _Output("print", None, [], [], "")
        self._cancel.clear()
        self._update_print_state()
        self._print(pdf, total, device)

    def _print(self, pdf: bytes, total: int, device: QtGui.QPagedPaintDevice) -> None:
        job = PrintJob(self.ctx, pdf, total, device, self)
        self.print_job = job
        text = self.tr("Printing: page {done} of {total}")
        self._show_running(text.format(done=0, total=total), 0, total)

        def progress(done: int, pages: int) -> None:
            self._show_running(text.format(done=done, total=pages), done, pages)

        def finished(ok: bool) -> None:
            self._finish_job()
            if ok:
                self._say(self.tr("%n page(s) sent to the printer.", "", total))
            else:
                self._say(self.tr("Printing was cancelled."))

        def failed(exc: BaseException) -> None:
            self._finish_job()
            self.print_error.setText(self.tr("Printing failed: {error}").format(error=_message(self.ctx, exc)))
            self.print_error.show()

        job.progress.connect(progress)
        job.finished.connect(finished)
        job.failed.connect(failed)
        if self._cancel.is_set():
            job.cancel()
        job.start()

    def save_pdf(self, pdf: bytes, path: Path) -> None:
        """Write an already made PDF (from the preview) to ``path``, whole or not at all."""

        def write() -> Path:
            _write_whole(path, pdf)
            return path

        def saved(p: Path) -> None:
            self._end()
            self._say(self.tr("Saved in {path}").format(path=p))

        def failed(exc: BaseException) -> None:
            self._end()
            self.print_error.setText(self.tr("The file could not be saved: {error}").format(error=exc))
            self.print_error.show()

        self._start()
        self.ctx.tasks.write(write, saved, failed)

    def _print_failed(self, exc: BaseException) -> None:
        self._end()
        self.print_error.setText(_message(self.ctx, exc))
        self.print_error.show()

    # --- issued certificates ---------------------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.search()

    def search(self) -> None:
        self._search_timer.stop()
        query = self.search_box.text().strip()
        certificates = self.ctx.services.certificates
        limit = self.search_limit
        self._search_seq += 1
        seq = self._search_seq
        self.searching = True
        self._start()
        self.ctx.tasks.run(
            lambda: certificates.search(query, limit=limit), lambda rows: self._found(seq, rows), self._search_failed
        )

    def _found(self, seq: int, rows: list[CertificateView]) -> None:
        self._end()
        if seq != self._search_seq:
            return  # a newer search is on its way
        self.searching = False
        keep = self._selected_certificate()
        self.issued_model.set_rows(rows)
        if keep is not None:
            row = next((i for i, c in enumerate(rows) if c.id == keep.id), -1)
            if row >= 0:
                self.issued_view.selectRow(row)
        self._update_issued_state()

    def _search_failed(self, exc: BaseException) -> None:
        self._end()
        self.searching = False
        self.issued_error.setText(_message(self.ctx, exc))
        self.issued_error.show()

    def _selected_certificate(self) -> CertificateView | None:
        index = self.issued_view.currentIndex()
        return self.issued_model.row_at(index) if index.isValid() else None

    def _update_issued_state(self) -> None:
        c = self._selected_certificate()
        self.reprint_button.setEnabled(c is not None and self.job is None)
        self.revoke_button.setEnabled(c is not None and not c.revoked and not c.demo and c.id is not None)
        n = len(self.issued_model.rows)
        query = self.search_box.text().strip()
        if n == 0:
            self.issued_count.setText(
                self.tr("No certificate matches.") if query else self.tr("No certificate has been issued yet.")
            )
        elif n >= self.search_limit:
            self.issued_count.setText(
                self.tr("The newest {n} certificates: type a number or a name to find others.").format(n=n)
            )
        else:
            self.issued_count.setText(self.tr("%n certificate(s)", "", n))

    def ask_revoke(self) -> None:
        certificate = self._selected_certificate()
        if certificate is None or certificate.id is None or certificate.revoked:
            return
        dialog = RevokeDialog(certificate, self)
        self.revoke_dialog = dialog

        def closed(result: int) -> None:
            self.revoke_dialog = None
            if result == QtWidgets.QDialog.DialogCode.Accepted:
                self.revoke(certificate, dialog.reason())

        dialog.finished.connect(closed)
        dialog.open()

    def revoke(self, certificate: CertificateView, reason: str) -> None:
        certificate_id = certificate.id
        assert certificate_id is not None
        service = self.ctx.services.certificates
        self.issued_error.hide()
        self.issued_message.clear()
        self._start()
        self.ctx.tasks.write(lambda: service.revoke(certificate_id, reason), self._revoked, self._revoke_failed)

    def _revoked(self, certificate: CertificateView) -> None:
        self._end()
        self.ctx.data_changed()
        self.issued_model.replace(certificate)
        self._update_issued_state()
        self.issued_message.setText(self.tr("Certificate {number} is revoked.").format(number=certificate.number))
        if self.session_id is not None:
            self.load_eligible()

    def _revoke_failed(self, exc: BaseException) -> None:
        self._end()
        self.issued_error.setText(_message(self.ctx, exc))
        self.issued_error.show()

    # --- verifying ---------------------------------------------------------------------------------------------------
    def choose_image(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self,
            self.tr("A photo or a scan of a certificate"),
            "",
            self.tr("Pictures (*.png *.jpg *.jpeg *.bmp *.webp)"),
        )
        if path:
            self.verify_file(Path(path), pdf=False)

    def choose_pdf(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("A PDF of certificates"), "", self.tr("PDF (*.pdf)")
        )
        if path:
            self.verify_file(Path(path), pdf=True)

    def verify_file(self, path: Path, *, pdf: bool) -> None:
        certificates = self.ctx.services.certificates
        if pdf:  # pdfium: on the write pool (see the module doc)
            self._verify(lambda: certificates.verify_pdf(path), write=True, source=path.name)
        else:
            self._verify(lambda: certificates.verify_image(path), write=False, source=path.name)

    def verify_typed(self) -> None:
        text = self.text_edit.text().strip()
        if not text:
            self.text_edit.setFocus()
            return
        certificates = self.ctx.services.certificates
        self._verify(lambda: [certificates.verify_text(text)], write=False, source=None)

    def _verify(self, fn: Callable[[], list[VerificationView]], *, write: bool, source: str | None) -> None:
        self.verifying = True
        self.verify_error.hide()
        self.verify_message.setText(self.tr("Checking…"))
        for b in (self.image_button, self.pdf_button, self.verify_button):
            b.setEnabled(False)
        self._start()
        self.ctx.tasks.run(fn, lambda v: self._verified(v, source), self._verify_failed, write=write)

    def _verify_done(self) -> None:
        self._end()
        self.verifying = False
        for b in (self.image_button, self.pdf_button, self.verify_button):
            b.setEnabled(True)

    def _verified(self, verdicts: list[VerificationView], source: str | None) -> None:
        self._verify_done()
        self.verdicts = list(verdicts)
        self._verify_note = ("none", source or "") if not verdicts else ("found", source or "")
        self._show_verdicts()

    def _verify_failed(self, exc: BaseException) -> None:
        self._verify_done()
        self.verdicts = []
        self._verify_note = None
        self.verify_message.clear()
        self.verify_error.setText(_message(self.ctx, exc))
        self.verify_error.show()
        self._show_verdicts()

    def _show_verdicts(self) -> None:
        note = self._verify_note
        if note is None:
            if not self.verifying and not self.verify_error.isVisibleTo(self):
                self.verify_message.clear()
        elif note[0] == "none":
            self.verify_message.setText(
                self.tr("No QR code was found in {file}. Take a sharper photo with the whole QR code in it.").format(
                    file=note[1]
                )
            )
        elif note[1]:
            self.verify_message.setText(
                self.tr("%n QR code(s) found in {file}.", "", len(self.verdicts)).format(file=note[1])
            )
        else:
            self.verify_message.clear()
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        vi = self.language() == "vi"
        for v in self.verdicts:
            card = VerdictCard(v, vi)
            self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
            self.cards.append(card)

    def _say(self, text: str) -> None:
        """The line under the tabs that says what became of the last Preview / Print / Save."""
        self.print_message.setText(text)
        self.print_message.setVisible(bool(text))

    # --- bookkeeping -----------------------------------------------------------------------------------------------
    def _start(self) -> None:
        self.busy += 1

    def _end(self) -> None:
        self.busy -= 1


class VerdictCard(Retranslatable, QtWidgets.QFrame):
    """One verdict: the big coloured status, what was signed, the reason when invalid, the reminder."""

    def __init__(self, verdict: VerificationView, vi: bool, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict, self.vi = verdict, vi
        colour = STATUS_COLOURS.get(verdict.status, STATUS_COLOURS["invalid"])
        self.setObjectName("verdictCard")
        self.setStyleSheet(f"QFrame#verdictCard {{ border: 2px solid {colour}; border-radius: 6px; }}")
        layout = QtWidgets.QVBoxLayout(self)
        self.status_label = QtWidgets.QLabel()
        font = self.status_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.status_label.setFont(font)
        self.status_label.setStyleSheet(f"color: {colour};")
        layout.addWidget(self.status_label)
        self.reason_label = QtWidgets.QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(f"color: {colour};")
        layout.addWidget(self.reason_label)
        self.form = QtWidgets.QFormLayout()
        self.rows: dict[str, tuple[QtWidgets.QLabel, QtWidgets.QLabel]] = {}
        for key in ("name", "course", "commune", "date", "number", "birth"):
            caption, value = QtWidgets.QLabel(), QtWidgets.QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(caption, value)
            self.rows[key] = (caption, value)
        layout.addLayout(self.form)
        self.reminder = QtWidgets.QLabel()
        self.reminder.setWordWrap(True)
        font = self.reminder.font()
        font.setItalic(True)
        self.reminder.setFont(font)
        layout.addWidget(self.reminder)
        self.retranslate()

    def status_text(self) -> str:
        vi, en = STATUS_TEXT.get(self.verdict.status, STATUS_TEXT["invalid"])
        return vi if self.vi else en

    def retranslate(self) -> None:
        v = self.verdict
        self.status_label.setText(self.status_text())
        reason = reason_text(v.reason) if v.status in ("invalid", "revoked") else None
        if reason:
            self.reason_label.setText(self.tr("Why: {reason}").format(reason=reason[0] if self.vi else reason[1]))
        elif v.status == "demo":
            self.reason_label.setText(
                self.tr("A sample printed on a laptop that cannot sign yet: it proves nothing about the person.")
            )
        else:
            self.reason_label.clear()
        self.reason_label.setVisible(bool(self.reason_label.text()))
        birth = v.birth
        values = {
            "name": (self.tr("Signed name:"), v.full_name or ""),
            "course": (self.tr("Course:"), v.course_name or v.course_code or ""),
            "commune": (self.tr("Commune:"), v.commune_name or (str(v.commune_code) if v.commune_code else "")),
            "date": (self.tr("Issue date:"), format_date_vn(v.issue_date) if v.issue_date else ""),
            "number": (self.tr("Number:"), v.number or ""),
            "birth": (
                self.tr("Born:"),
                "" if birth is None else str(birth) if isinstance(birth, int) else format_date_vn(birth),
            ),
        }
        for key, (caption_text, value_text) in values.items():
            caption, value = self.rows[key]
            caption.setText(caption_text)
            value.setText(value_text)
            caption.setVisible(bool(value_text))
            value.setVisible(bool(value_text))
        if v.full_name:
            self.rows["name"][1].setStyleSheet("font-weight: bold;")
        # the reminder goes with every positive answer: a copied QR code stays valid, only the name tells
        positive = v.status == "valid" and bool(v.full_name)
        self.reminder.setText((COMPARE_NAME[0] if self.vi else COMPARE_NAME[1]) if positive else "")
        self.reminder.setVisible(positive)


# --- small helpers -------------------------------------------------------------------------------------------------


def _write_whole(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bold(label: QtWidgets.QLabel) -> None:
    font = label.font()
    font.setBold(True)
    label.setFont(font)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "CertificateModel",
    "CertificatesPage",
    "EligibleModel",
    "PreviewDialog",
    "PrintJob",
    "RevokeDialog",
    "SignerDialog",
    "VerdictCard",
    "draw_page",
    "print_pages",
    "render_page_image",
]
