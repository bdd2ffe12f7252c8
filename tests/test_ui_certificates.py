"""The certificates screen on a real database: the signing status, a session's passed attendees, Save as PDF,
the preview, printing into a PDF device, search, revocation and offline verification."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from cert_support import make_signing, session_with_results
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.services.views import VillageView
from ui.app_context import AppContext
from ui.certificates import (
    CertificateModel,
    CertificatesPage,
    EligibleModel,
    print_pages,
    render_page_image,
    set_a4_landscape,
)
from ui.i18n import install_language
from ui.qt import QApplication, Qt, QtCore, QtGui, QtWidgets
from ui.settings import LANGUAGE

from PySide6 import QtPrintSupport  # isort: skip

ROSTER = {"Phạm Văn Khôi": "passed", "Trần Thị Mai": "passed", "Y-Ƀlŭl Niê Blô": "passed", "Lê Văn Tám": "not_yet"}
PASSED = [n for n, r in ROSTER.items() if r == "passed"]


@pytest.fixture
def page(ctx: AppContext, qtbot: QtBot) -> Iterator[CertificatesPage]:
    install_language("en")
    ctx.settings.set(LANGUAGE, "en")
    p = CertificatesPage(ctx)
    qtbot.addWidget(p)
    p.resize(1366 - 190, 700)
    p.show()
    yield p
    qtbot.waitUntil(lambda: p.busy == 0 and p.job is None)
    ctx.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def session(services: Services, village: VillageView) -> tuple[str, dict[str, str]]:
    return session_with_results(services, village.id, ROSTER)


def _idle(qtbot: QtBot, page: CertificatesPage) -> None:
    qtbot.waitUntil(lambda: page.busy == 0 and page.job is None, timeout=20_000)


def _open(qtbot: QtBot, page: CertificatesPage, session_id: str) -> None:
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.session_model.rowCount() > 0)
    page.select_session(session_id)
    qtbot.waitUntil(lambda: page.busy == 0 and page.eligible_model.rowCount() == len(PASSED))


def _pdf_text(path_or_bytes: Path | bytes) -> list[str]:
    """The text of each page. Every pdfium object is closed here, on this thread: pdfium is not thread-safe,
    and one left to the garbage collector could be freed on a worker thread while another renders."""
    document = pdfium.PdfDocument(path_or_bytes)
    try:
        pages = []
        for i in range(len(document)):
            page = document[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    """(width, height) of each page, every pdfium object closed (see ``_pdf_text``)."""
    document = pdfium.PdfDocument(path)
    try:
        sizes = []
        for i in range(len(document)):
            page = document[i]
            sizes.append(page.get_size())
            page.close()
        return sizes
    finally:
        document.close()


def _save_to(monkeypatch: pytest.MonkeyPatch, dest: Path) -> list[str]:
    offered: list[str] = []

    def dialog(parent: Any, caption: str, default: str, filters: str, *args: Any) -> tuple[str, str]:
        offered.append(default)
        return str(dest), filters

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", dialog)
    return offered


def test_a_fresh_database_shows_the_sample_warning(page: CertificatesPage, qtbot: QtBot) -> None:
    page.activate()
    qtbot.waitUntil(lambda: page.status is not None and page.busy == 0)
    assert page.status is not None and page.status.mode == "demo" and page.status.reason == "not_enrolled"
    text = page.status_label.text()
    assert "Sample mode" in text and "MẪU - KHÔNG CÓ GIÁ TRỊ" in text
    assert "enroll" in text  # what to do about it
    assert page.status_label.isVisibleTo(page)
    assert "CHỦ TỊCH" in page.signer_label.text() or "not set" in page.signer_label.text()
    assert page.sessions_hint.text().startswith("No training session yet")
    assert not page.preview_button.isEnabled()


def test_every_demo_reason_has_its_own_plain_sentence(page: CertificatesPage) -> None:
    reasons = ["not_enrolled", "no_trust", "no_key", "key_not_valid", "no_serials"]
    sentences = {page.reason_sentence(r) for r in reasons}
    assert len(sentences) == len(reasons)
    assert "sync once" in page.reason_sentence("no_key")


def test_a_session_lists_who_passed_all_ticked(
    page: CertificatesPage, session: tuple[str, dict[str, str]], qtbot: QtBot, qtmodeltester: Any
) -> None:
    session_id, _ids = session
    _open(qtbot, page, session_id)
    model = page.eligible_model
    assert sorted(r.full_name for r in model.rows) == sorted(PASSED)
    assert [model.index(i, EligibleModel.NUMBER).data() for i in range(3)] == ["not issued yet"] * 3
    births = {model.index(i, 0).data(): model.index(i, EligibleModel.BIRTH).data() for i in range(3)}
    assert births == {PASSED[0]: "01/03/1970", PASSED[1]: "02/03/1971", PASSED[2]: "03/03/1972"}
    assert model.ticked_ids() == [r.person_id for r in model.rows]
    assert page.ticked_label.text() == "3 of 3 ticked"
    assert page.session_model.data(page.session_model.index(0, 4)) == 3  # passed count
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert page.ticked_label.text() == "2 of 3 ticked"
    page.untick_all_button.click()
    assert not page.save_button.isEnabled()
    page.tick_all_button.click()
    assert page.save_button.isEnabled() and page.ticked_label.text() == "3 of 3 ticked"
    qtmodeltester.check(model)


def test_save_as_pdf_in_demo_mode_writes_marked_samples_with_progress(
    page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id, _ = session
    _open(qtbot, page, session_id)
    dest = tmp_path / "out" / "certificates.pdf"
    offered = _save_to(monkeypatch, dest)
    values: list[int] = []
    page.progress_bar.valueChanged.connect(lambda _v: values.append(page.progress_bar.value()))
    percent: list[float] = []
    page.progress_bar.valueChanged.connect(
        lambda v: percent.append(100 * v / page.progress_bar.maximum() if page.progress_bar.maximum() else 0)
    )
    ticks: list[int] = []
    timer = QtCore.QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    page.save_button.click()
    assert page.job is not None and page.cancel_button.isVisible()  # the click returned at once
    _idle(qtbot, page)
    timer.stop()
    assert Path(offered[0]).name == "GCN-20-11-2026-BDHVS-01.pdf"
    assert dest.exists(), page.print_error.text()
    pages = _pdf_text(dest)
    assert len(pages) == 3
    for name, text in zip([r.full_name for r in page.eligible_model.rows], pages, strict=True):
        assert name in text  # in roster order
        assert "MẪU" in text
    assert page.last_progress == (3, 3)
    assert percent and max(percent) == 100
    assert ticks  # the event loop kept turning
    assert "certificates.pdf" in page.print_message.text()
    assert "They are samples marked “MẪU - KHÔNG CÓ GIÁ TRỊ”: not valid." in page.print_message.text()
    assert not page.cancel_button.isVisible() and page.save_button.isEnabled()
    # demo mode stores nothing: still "not issued yet"
    assert [r.number for r in page.eligible_model.rows] == [None] * 3


def test_preview_shows_one_picture_per_page_and_saves_from_there(
    page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id, _ = session
    _open(qtbot, page, session_id)
    page.eligible_model.setData(page.eligible_model.index(2, 0), False, Qt.ItemDataRole.CheckStateRole)
    page.preview_button.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20_000)
    preview = page.preview
    assert preview is not None
    qtbot.waitUntil(lambda: not preview.rendering and len(preview.images) == 2, timeout=20_000)
    pixmap = preview.images[0].pixmap()
    assert pixmap.width() > pixmap.height()  # A4 landscape
    assert "2 page(s)" in preview.info.text()
    dest = tmp_path / "preview.pdf"
    _save_to(monkeypatch, dest)
    preview.save_button.click()
    qtbot.waitUntil(lambda: dest.exists() and page.busy == 0, timeout=20_000)
    assert page.preview is None
    text = _pdf_text(dest)
    names = [r.full_name for r in page.eligible_model.rows]
    assert len(text) == 2 and names[0] in text[0] and names[1] in text[1]


def test_printing_paints_every_page_into_a_pdf_device(
    page: CertificatesPage, session: tuple[str, dict[str, str]], services: Services, qtbot: QtBot, tmp_path: Path
) -> None:
    session_id, _ = session
    import io

    buffer = io.BytesIO()
    certs = services.certificates.issue(session_id)
    services.certificates.render_pdf(certs, buffer)
    pdf = buffer.getvalue()

    # the painting function, straight into a QPdfWriter
    direct = tmp_path / "direct.pdf"
    writer = QtGui.QPdfWriter(str(direct))
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QtGui.QPageLayout.Orientation.Landscape)
    writer.setResolution(100)
    assert print_pages(writer, (render_page_image(pdf, i, 100) for i in range(3))) == 3
    del writer
    assert len(_pdf_pages(direct)) == 3

    # the page's own print job (page by page in the background), into a QPrinter in PDF mode
    printed = tmp_path / "printed.pdf"
    printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    set_a4_landscape(printer)
    page.print_pdf(pdf, 3, printer)
    assert page.job is not None
    _idle(qtbot, page)
    assert page.print_message.text() == "3 page(s) sent to the printer."
    sizes = _pdf_pages(printed)
    assert len(sizes) == 3
    width, height = sizes[0]
    assert width > height  # landscape


def test_print_button_asks_for_a_printer_and_cancel_prints_nothing(
    page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id, _ = session
    _open(qtbot, page, session_id)
    printed = tmp_path / "button.pdf"

    def ask() -> QtPrintSupport.QPrinter:
        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        set_a4_landscape(printer)
        return printer

    monkeypatch.setattr(page, "_ask_printer", ask)
    page.print_button.click()
    _idle(qtbot, page)
    assert len(_pdf_pages(printed)) == 3

    monkeypatch.setattr(page, "_ask_printer", lambda: None)  # the print dialog was cancelled
    page.print_button.click()
    assert page.job is None and page.busy == 0


def test_cancel_stops_the_pdf_and_leaves_no_file(
    page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id, _ = session
    _open(qtbot, page, session_id)
    dest = tmp_path / "cancelled.pdf"
    _save_to(monkeypatch, dest)
    page.cancel_button.clicked.emit()  # nothing running: harmless
    page.save_button.click()
    page.cancel()  # before the worker gets to the PDF
    _idle(qtbot, page)
    assert not dest.exists()
    assert not list(tmp_path.glob("*.part"))
    assert page.print_message.text() == "Cancelled: nothing was saved or printed."
    assert page.save_button.isEnabled()


@pytest.fixture
def signing_page(
    page: CertificatesPage, ctx: AppContext, session: tuple[str, dict[str, str]], qtbot: QtBot
) -> CertificatesPage:
    make_signing(ctx.db)
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.status is not None and page.status.mode == "commune")
    return page


def test_real_certificates_ask_for_the_signer_first_then_show_numbers(
    signing_page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = signing_page
    assert "Real certificates" in page.status_label.text() and "1,000" in page.status_label.text()
    session_id, _ = session
    _open(qtbot, page, session_id)
    dest = tmp_path / "real.pdf"
    _save_to(monkeypatch, dest)
    page.save_button.click()
    dialog = page.signer_dialog
    assert dialog is not None and page.job is None  # asked before anything is issued
    dialog.name_edit.clear()
    dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).click()
    assert dialog.error.isVisibleTo(dialog) and page.signer_dialog is dialog
    dialog.name_edit.setText("Nguyễn Văn An")
    dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: page.job is not None or dest.exists(), timeout=10_000)
    _idle(qtbot, page)
    assert dest.exists(), page.print_error.text()
    assert "Nguyễn Văn An" in page.signer_label.text()
    qtbot.waitUntil(lambda: page.busy == 0 and all(r.number for r in page.eligible_model.rows))
    numbers = sorted(r.number or "" for r in page.eligible_model.rows)
    assert numbers == ["24133-000001", "24133-000002", "24133-000003"]
    text = "".join(_pdf_text(dest))
    assert "MẪU" not in text and "Nguyễn Văn An" in text
    qtbot.waitUntil(lambda: "997" in page.status_label.text())


def test_search_by_number_reprint_and_revoke(
    signing_page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    services: Services,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: Any,
) -> None:
    page = signing_page
    session_id, _ = session
    services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
    issued = {c.full_name: c for c in services.certificates.issue(session_id)}
    mai = issued["Trần Thị Mai"]
    page.focus_search()
    assert page.tabs.currentIndex() == 1
    qtbot.waitUntil(lambda: page.busy == 0 and page.issued_model.rowCount() == 3)
    page.search_limit = 2  # more than the list shows: it says how to reach the others
    page.search()
    qtbot.waitUntil(lambda: page.busy == 0 and page.issued_model.rowCount() == 2)
    assert page.issued_count.text() == "The newest 2 certificates: type a number or a name to find others."
    page.search_limit = 200
    page.search_box.setText(mai.number)
    qtbot.waitUntil(lambda: page.busy == 0 and [c.number for c in page.issued_model.rows] == [mai.number])
    page.search_box.setText("tran thi")  # a name, without accents
    qtbot.waitUntil(lambda: page.busy == 0 and [c.full_name for c in page.issued_model.rows] == ["Trần Thị Mai"])
    model = page.issued_model
    assert model.index(0, CertificateModel.STATUS).data() == "valid"
    assert model.index(0, CertificateModel.DATE).data() == services.ctx.today().strftime("%d/%m/%Y")
    qtmodeltester.check(model)

    page.issued_view.selectRow(0)
    assert page.revoke_button.isEnabled() and page.reprint_button.isEnabled()

    # reprint: the same certificate, in the preview
    page.reprint_button.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20_000)
    preview = page.preview
    assert preview is not None
    qtbot.waitUntil(lambda: len(preview.images) == 1 and not preview.rendering, timeout=20_000)
    preview.reject()
    _idle(qtbot, page)

    # revoke: an empty reason is refused, then a reason and a confirmation
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    page.revoke_button.click()
    dialog = page.revoke_dialog
    assert dialog is not None
    dialog.reason_edit.setText("   ")
    dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert dialog.error.text() == "Please write why the certificate is revoked."
    dialog.reason_edit.setText("In nhầm người")
    dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: page.busy == 0 and model.rows[0].revoked)
    assert model.index(0, CertificateModel.STATUS).data() == "revoked"
    assert "In nhầm người" in model.index(0, CertificateModel.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert not page.revoke_button.isEnabled()
    assert services.certificates.get(mai.id or "").revoked
    assert services.certificates.verify_text(mai.url).status == "revoked"

    # verifying here: the revoked one, then a valid one with the reminder to compare the name
    page.tabs.setCurrentIndex(2)
    page.text_edit.setText(mai.url)
    page.verify_button.click()
    qtbot.waitUntil(lambda: not page.verifying and page.busy == 0)
    card = page.cards[0]
    assert card.status_label.text() == "REVOKED"
    assert card.reason_label.text() == "Why: the certificate was revoked"
    khoi = issued["Phạm Văn Khôi"]
    page.text_edit.setText(khoi.url)
    page.text_edit.returnPressed.emit()
    qtbot.waitUntil(lambda: not page.verifying and page.busy == 0 and page.cards[0].verdict.number == khoi.number)
    card = page.cards[0]
    assert card.status_label.text() == "VALID"
    assert card.rows["name"][1].text() == "Phạm Văn Khôi"
    assert card.rows["number"][1].text() == khoi.number
    assert card.rows["commune"][1].text() == "Phường Buôn Ma Thuột"
    assert card.rows["date"][1].text() == services.ctx.today().strftime("%d/%m/%Y")
    assert card.reminder.text().startswith("Compare the name on the paper") and not card.reminder.isHidden()


def test_revoke_twice_shows_the_service_error_in_the_language(
    signing_page: CertificatesPage, session: tuple[str, dict[str, str]], services: Services, qtbot: QtBot
) -> None:
    page = signing_page
    services.certificates.set_signer("Nguyễn Văn An", "CHỦ TỊCH")
    cert = services.certificates.issue(session[0])[0]
    page.tabs.setCurrentIndex(1)
    page.revoke(cert, "lần một")
    qtbot.waitUntil(lambda: page.busy == 0)
    page.revoke(cert, "lần hai")
    qtbot.waitUntil(lambda: page.busy == 0 and page.issued_error.isVisibleTo(page))
    assert page.issued_error.text() == f"Certificate {cert.number} was already revoked."


def test_verify_a_saved_sample_pdf_and_garbage_text(
    page: CertificatesPage,
    session: tuple[str, dict[str, str]],
    services: Services,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id, _ = session
    pdf = tmp_path / "samples.pdf"
    services.certificates.render_pdf(services.certificates.issue(session_id)[:2], pdf)
    page.tabs.setCurrentIndex(2)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(pdf), "PDF (*.pdf)"))
    page.pdf_button.click()
    qtbot.waitUntil(lambda: not page.verifying and page.busy == 0, timeout=20_000)
    assert [c.status_label.text() for c in page.cards] == ["SAMPLE - NOT VALID"] * 2
    assert {c.rows["name"][1].text() for c in page.cards} <= set(PASSED)
    assert page.cards[0].reminder.isHidden()  # the reminder goes with a valid answer only
    assert page.cards[0].reason_label.text().startswith("A sample printed on a laptop that cannot sign yet")
    assert page.verify_message.text() == "2 QR code(s) found in samples.pdf."

    page.text_edit.setText("hello, this is no certificate")
    page.verify_button.click()
    qtbot.waitUntil(lambda: not page.verifying and page.busy == 0)
    assert len(page.cards) == 1
    card = page.cards[0]
    assert card.status_label.text() == "INVALID"
    assert card.reason_label.text() == "Why: not a certificate code"
    assert card.reminder.isHidden()

    # in Vietnamese the same verdict reads KHÔNG HỢP LỆ
    page.ctx.settings.set(LANGUAGE, "vi")
    install_language("vi")
    QApplication.processEvents()
    assert page.cards[0].status_label.text() == "KHÔNG HỢP LỆ"
    assert page.cards[0].reason_label.text().endswith("mã không đúng định dạng giấy chứng nhận")


def test_a_picture_without_a_qr_code_says_so(
    page: CertificatesPage, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = tmp_path / "blank.png"
    image = QtGui.QImage(200, 100, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("white"))
    assert image.save(str(picture))
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(picture), ""))
    page.tabs.setCurrentIndex(2)
    page.image_button.click()
    qtbot.waitUntil(lambda: not page.verifying and page.busy == 0)
    assert page.verify_error.isVisibleTo(page)
    assert page.verify_error.text() == "No QR code found in blank.png."
    assert page.cards == []


def test_vietnamese_page_is_translated(page: CertificatesPage, qtbot: QtBot) -> None:
    page.ctx.settings.set(LANGUAGE, "vi")
    loaded = install_language("vi")
    if not any(p.name == "certificates_vi.qm" for p in loaded):
        pytest.fail("certificates_vi.qm is missing: make qm (make test builds it)")
    QApplication.processEvents()
    page.activate()
    qtbot.waitUntil(lambda: page.busy == 0 and page.status is not None)
    assert page.title() == "Giấy chứng nhận"
    assert page.tabs.tabText(2).replace("&", "") == "Xác thực"
    assert "Chế độ mẫu" in page.status_label.text()


def test_a_revocation_by_erasure_reads_as_words(page: CertificatesPage) -> None:
    from datetime import date

    from dlso_desktop.services.certificates import CertificateView
    from sync.erasure import PLACEHOLDER, REVOCATION_REASON

    view = CertificateView(
        "c1", "24133-000001", 1, "p1", PLACEHOLDER, "s1", "k", "BDHVS-01", "Kỹ năng số", date(2026, 11, 21),
        "Trần Văn Nam", "CHỦ TỊCH", 11, False, "P", "U", True, REVOCATION_REASON, "2026-11-22T00:00:00Z",
    )  # fmt: skip
    model = CertificateModel()
    model.set_rows([view])
    tip = model.index(0, CertificateModel.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Reason: the person's data was erased"
    page.ctx.settings.set(LANGUAGE, "vi")
    install_language("vi")
    tip = model.index(0, CertificateModel.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Lý do: dữ liệu của người này đã được xoá"
    install_language("en")
