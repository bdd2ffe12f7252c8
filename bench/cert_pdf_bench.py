"""Certificate printing (issue 5): 500 certificates with their QR codes in one PDF, beside the same 500 pages
without a QR rendered in the same run. Goal <= 5 s.

The QR matrices are made beforehand with ``qrcode`` (ECL Q, a ~110-byte record + signature in Base32 as the
real verification URL carries): choosing a QR's version and mask is the QR module's work, not the
renderer's. Baseline and QR rounds alternate; medians are reported, with the process CPU time beside the wall
time because a busy machine stretches the wall clock."""

import base64
import io
import random
import time
from datetime import date

import qrcode  # type: ignore[import-untyped]
from qrcode.constants import ERROR_CORRECT_Q  # type: ignore[import-untyped]

from bench.common import EDE_CLAN, EDE_GIVEN, FAMILY, GIVEN, MIDDLE, emit, median
from dlso_desktop.certificates.pdf import CertificatePage, font_set, render

N = 500


def _matrices(n: int, seed: int) -> tuple[list[list[list[bool]]], int]:
    rng = random.Random(seed)
    out: list[list[list[bool]]] = []
    version = 0
    for _ in range(n):
        url = "HTTPS://DLSO.DAKLAK.GOV.VN/V/" + base64.b32encode(rng.randbytes(110)).decode("ascii").rstrip("=")
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, mask_pattern=2)  # a fixed mask: setup
        code.add_data(url)
        code.make(fit=True)
        version = code.version
        out.append([list(row) for row in code.get_matrix()])
    return out, version


def _pages(n: int, with_qr: bool, matrices: list[list[list[bool]]], seed: int) -> list[CertificatePage]:
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        if rng.random() < 0.7:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        else:
            name = f"{rng.choice(['Y ', 'H’'])}{rng.choice(EDE_GIVEN)} {rng.choice(EDE_CLAN)}"
        pages.append(
            CertificatePage(
                commune_name="Ea Kao",
                commune_kind="xa",
                number=f"24133-{i + 1:06d}",
                course_title="Kỹ năng số cơ bản cho người dân",
                full_name=name,
                birth=date(rng.randint(1945, 2007), rng.randint(1, 12), rng.randint(1, 28)),
                issue_date=date(2026, 11, 20),
                place="Ea Kao",
                signer_name="Trần Văn Bình",
                qr=matrices[i] if with_qr else None,
                citizen_id_last4=f"{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else None,
            )
        )
    return pages


def _timed_render(pages: list[CertificatePage]) -> tuple[float, float, int]:
    buffer = io.BytesIO()
    wall, cpu = time.perf_counter(), time.process_time()
    render(pages, buffer)
    return time.perf_counter() - wall, time.process_time() - cpu, len(buffer.getvalue())


def run(n: int = N, rounds: int = 3) -> None:
    matrices, version = _matrices(n, seed=5)
    with_qr = _pages(n, True, matrices, seed=11)
    without_qr = _pages(n, False, matrices, seed=11)
    render(with_qr[:1], io.BytesIO())  # font registration happens once per process, not per batch
    base: list[tuple[float, float, int]] = []
    qr: list[tuple[float, float, int]] = []
    for _ in range(rounds):
        base.append(_timed_render(without_qr))
        qr.append(_timed_render(with_qr))
    t_qr, t_base = median([r[0] for r in qr]), median([r[0] for r in base])
    emit(
        "cert_pdf_500",
        t_qr,
        "s",
        t_base,
        f"the same {n} certificates without a QR, same run",
        goal="<= 5 s",
        pages=n,
        rounds=rounds,
        qr_version=version,
        per_page_ms=round(t_qr / n * 1000, 2),
        cpu_s=round(median([r[1] for r in qr]), 3),
        baseline_cpu_s=round(median([r[1] for r in base]), 3),
        pdf_mb=round(qr[0][2] / 1e6, 2),
        baseline_pdf_mb=round(base[0][2] / 1e6, 2),
        font=font_set().family,
        qr_s=[round(r[0], 3) for r in qr],
        baseline_s=[round(r[0], 3) for r in base],
    )


def run_session(n: int = N) -> None:
    """The whole path a village leader takes, through the certificate service on a real laptop database:
    a session of ``n`` passed attendees issued (numbered, signed, written with audit and outbox) and printed
    into one PDF; then the reprint (nothing new to write). Beside it, the same ``n`` pages rendered without
    a QR from ready-made page descriptions, same run."""
    import tempfile
    from pathlib import Path

    from bench.cert_setup import make_signing
    from bench.common import person_inputs
    from dlso_desktop.catalogue import course_id
    from dlso_desktop.services import Services
    from dlso_desktop.services.training import SessionInput
    from dlso_desktop.storage.store import create_database

    with tempfile.TemporaryDirectory(prefix="dlso-bench-cert-") as folder:
        db = create_database(Path(folder) / "bench.sqlite", 24133)
        try:
            with db.unit_of_work(None) as uow:
                user = uow.insert("app_user", {"display_name": "Bench", "role": "team_head"}, summary="bench")
                uow.commit()
            services = Services(db, user_id=str(user["id"]))
            make_signing(db, serials=(1, 10_000))
            services.certificates.set_signer("Trần Văn Bình", "CHỦ TỊCH")
            people = services.persons.create_many(person_inputs(n, seed=3))
            session = services.training.create_session(
                SessionInput(course_id("BDHVS-01"), date(2026, 11, 20), "Nhà văn hóa", "Lê Thị Hoa")
            )
            services.training.record_attendance(session.id, [p.id for p in people], result="passed")
            baseline_pages = _pages(n, False, [], seed=11)
            render(baseline_pages[:1], io.BytesIO())
            t_base, _, _ = _timed_render(baseline_pages)

            out = Path(folder) / "session.pdf"
            wall = time.perf_counter()
            issued = services.certificates.issue(session.id)
            t_issue = time.perf_counter() - wall
            services.certificates.render_pdf(issued, out)
            t_first = time.perf_counter() - wall
            size = out.stat().st_size
            wall = time.perf_counter()
            services.certificates.render_pdf(services.certificates.issue(session.id), out)
            t_reprint = time.perf_counter() - wall
        finally:
            db.close()
    emit(
        "cert_session_500",
        t_first,
        "s",
        t_base,
        f"the same {n} pages without a QR from ready page descriptions, same run",
        goal="<= 5 s",
        certificates=len(issued),
        issue_s=round(t_issue, 3),
        reprint_s=round(t_reprint, 3),
        pdf_mb=round(size / 1e6, 2),
    )


if __name__ == "__main__":
    run()
    run_session()
