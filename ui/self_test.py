"""``DLSO --self-test``: the app checks itself end to end, on a temporary encrypted database, and exits 0.

Run by CI on the source tree and on the built executable (issue 7), and by whoever hands a build out: a missing
data file or native library fails it. It goes through what a laptop does, with every library that ships:

* an encrypted database and its keystore (SQLCipher), the operator, a wrong PIN refused, sign-in with the PIN;
* a household written and found again by the accent-free search; no plaintext in the database file;
* a training session with a passed attendee, its certificate issued (signed by the commune's key when the
  server gave one, else a sample), rendered to PDF (reportlab, the bundled fonts, qrcode), the PDF's pages
  rasterised (pypdfium2) and the QR code read back (zxing-cpp) and verified;
* with ``--self-test-server URL --self-test-code CODE``: enrollment and sync rounds against that server;
* the main window (Qt, translations, the icon), a search from it, the lock screen and unlocking.

Nothing is left behind: everything lives in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TextIO


class SelfTestFailed(AssertionError):
    pass


def check(condition: object, what: str) -> None:
    if not condition:
        raise SelfTestFailed(what)


def run(server_url: str | None = None, code: str | None = None, out: TextIO | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dlso_desktop.catalogue import course_id
    from dlso_desktop.services import Services
    from dlso_desktop.services.people import HouseholdInput, PersonInput
    from dlso_desktop.services.setup import new_encrypted_laptop
    from dlso_desktop.services.training import SessionInput
    from dlso_desktop.storage.db import is_plaintext_sqlite
    from dlso_desktop.storage.keystore import Keystore, PinThrottle, WrongPin, keystore_path, throttle_path
    from dlso_desktop.storage.store import unlock_with_pin
    from ui.app_context import AppContext
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.overview import OverviewPage
    from ui.qt import QApplication
    from ui.settings import Settings
    from ui.tasks import Tasks
    from ui.widgets import app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loaded = install_language("vi", app)
    check(any(p.name == "qtbase_vi.qm" for p in loaded), f"translations missing: {loaded}")
    check(not app_icon().isNull(), "the application icon is missing")
    said: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dlso-selftest-") as tmp:
        path = Path(tmp) / "dlso.sqlite"
        # the encrypted path, as `dlso init` sets a laptop up: database + keystore, the operator, the recovery key;
        # then signed in again with the keystore (PIN -> key -> database)
        made = new_encrypted_laptop(path, 24133, "Kiểm tra", "246810")
        recovery = made.recovery_key
        check(not is_plaintext_sqlite(path), "the database is not encrypted")
        check([u.display_name for u in Keystore.load(keystore_path(path)).users()] == ["Kiểm tra"], "keystore users")
        try:
            unlock_with_pin(path, made.operator_id, "000000").close()
            raise SelfTestFailed("a wrong PIN opened the database")
        except WrongPin:
            pass
        PinThrottle(throttle_path(path)).reset()
        db = unlock_with_pin(path, made.operator_id, "246810")
        said.append("encrypted database")
        try:
            user = Services(db).users.signed_in(made.operator_id)
            svc = Services(db, user_id=user.id)
            village = svc.villages.create("Buôn Ko Tam", "buon")
            household = svc.households.create(
                HouseholdInput(
                    village_id=village.id,
                    members=[PersonInput(full_name="Y Mek Ê Nuôl", relationship="head", sex="male", birth_year=1970)],
                )
            )
            hits = svc.search.search("y mek e nuol")
            check(any(h.kind == "person" and h.title == "Y Mek Ê Nuôl" for h in hits), f"search: {hits}")
            report = svc.admin.check()
            check(report.ok, f"health check: {report.problems}")
            check(b"Y Mek" not in path.read_bytes(), "plaintext in the database file")
            said.append("search")

            if server_url:
                said.append(_sync(db, server_url, code or ""))  # enrolls, and fetches the commune's key

            [person] = household.members
            session = svc.training.create_session(
                SessionInput(course_id("BDHVS-01"), date.today(), "Nhà văn hóa buôn", "Kiểm tra", village.id)
            )
            svc.training.record_attendance(session.id, [person.id], present=True, result="passed")
            status = svc.certificates.signing_status()
            if status.mode == "commune":
                svc.certificates.set_signer("Kiểm tra", "Chủ tịch UBND xã")
            certificates = svc.certificates.issue(session.id)
            check(len(certificates) == 1, f"certificates issued: {certificates}")
            pdf = Path(tmp) / "giay-chung-nhan.pdf"
            svc.certificates.render_pdf(certificates, pdf)
            verdicts = svc.certificates.verify_pdf(pdf)  # pages rasterised, the QR code read back and checked
            check(len(verdicts) == 1, f"QR codes read from the PDF: {verdicts}")
            check(verdicts[0].full_name == "Y Mek Ê Nuôl", f"the QR code's name: {verdicts[0]}")
            expected = "valid" if status.mode == "commune" else "demo"
            verdict = verdicts[0]
            check(verdict.status == expected, f"verdict {verdict.status} ({verdict.reason}), expected {expected}")
            said.append(f"certificate ({verdicts[0].status})")
            if server_url:  # the session, the results and the certificate reach the server too
                said.append(_sync(db, server_url, None))

            ctx = AppContext(db, user, Tasks(), Settings(Path(tmp)), Path(tmp))
            window = MainWindow(ctx)
            window.show()
            overview = window.page("overview")
            check(isinstance(overview, OverviewPage), "the overview page")
            assert isinstance(overview, OverviewPage)
            overview.search_box.setText("mek")
            overview._debounce.timeout.emit()
            for _ in range(200):
                if overview.last_results:
                    break
                app.processEvents()
                ctx.tasks.wait(50)
            app.processEvents()
            check(any(h.title == "Y Mek Ê Nuôl" for h in overview.last_results), "search from the window failed")
            window.lock()
            check(window.is_locked and not overview.isVisible(), "the lock screen does not hide the pages")
            window._unlocked(Keystore.load(keystore_path(path)).unlock_with_recovery(recovery))
            check(not window.is_locked and window.page("overview") is overview, "unlocking")
            check(Services(db).admin.stats()["person"] == 1, "the data is not back after unlocking")
            window.close()
            ctx.tasks.wait()
            said.append("main window")
        finally:
            db.close()
    out = out or sys.stdout  # looked up now: main.py may have replaced a missing one (a windowed build)
    out.write(f"self-test OK: {', '.join(said)}\n")
    out.flush()
    return 0


def _sync(db: object, server_url: str, code: str | None) -> str:
    """Enroll with ``code`` (None: already enrolled), then sync until nothing moves: everything written so far
    reaches the server (and the commune's signing key reaches the laptop)."""
    from dlso_desktop.storage.store import Database
    from sync import engine, local
    from sync.transport import HttpTransport

    assert isinstance(db, Database)
    if code is not None:
        check(code, "--self-test-server needs --self-test-code (an enrollment code of commune 24133)")
        engine.enroll(db, server_url, code)
    transport = HttpTransport(server_url, local.get_meta(db, local.TOKEN), retries=2)
    try:
        first = engine.SyncEngine(db, transport).run_round()
        check(first.rejected == 0 and first.conflict == 0, f"sync refused something: {first.as_dict()}")
        check(first.applied > 0, f"nothing was sent: {first.as_dict()}")
        again = engine.SyncEngine(db, transport).run_round()
        check(again.applied == 0 and again.rejected == 0, f"a second round sent more: {again.as_dict()}")
        check(local.pending_count(db) == 0, "changes still waiting after sync")
    finally:
        transport.close()
    return f"sync ({first.applied} changes sent)"
