"""Training certificates: issuing for a session's passed attendees, printing, searching, revoking, verifying.

One certificate per person and course: issuing again (another session of the same course, a reprint) gives
the same certificate, with the same number and the same QR code. A number is the commune code and a serial
from a block the server reserved for this laptop (docs/CERTIFICATES_FORMAT.md), so laptops print offline
without ever colliding. Signing uses the commune's key, which reaches enrolled laptops encrypted through
sync; a laptop without it prints samples with the public demo key ("MẪU - KHÔNG CÓ GIÁ TRỊ"), which are not
stored and never verify as valid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Literal, NamedTuple

from dlso_desktop.services.base import Context


class SigningStatus(NamedTuple):
    """How this laptop signs right now. ``mode`` "demo" says why in ``reason``:
    "not_enrolled", "no_trust" (no trust list yet), "no_key" (the commune key has not arrived),
    "key_not_valid" (the key is expired, revoked or not valid yet), "no_serials" (no reserved serials left)."""

    mode: Literal["commune", "demo"]
    reason: str | None
    key_id: int
    commune_code: int
    serials_left: int
    signer_name: str
    signer_title: str


class EligibleView(NamedTuple):
    """One person on a session's roster who passed, and their certificate for the course if they have one."""

    person_id: str
    full_name: str
    birth_date: date | None
    birth_year: int | None
    certificate_id: str | None
    number: str | None
    revoked: bool


class CertificateView(NamedTuple):
    """An issued certificate, or (``id`` None, ``demo`` True) a sample signed with the demo key."""

    id: str | None
    number: str
    serial: int
    person_id: str
    full_name: str
    session_id: str
    course_id: str
    course_code: str
    course_name: str
    issue_date: date
    signer_name: str
    signer_title: str
    key_id: int
    demo: bool
    payload: str  # Base32 record + signature, what the QR code carries after the URL
    url: str  # the full text of the QR code
    revoked: bool
    revoked_reason: str | None
    revoked_at: str | None


class VerificationView(NamedTuple):
    """A verdict as shown to people and written as JSON (``verify.verdict_json``)."""

    status: Literal["valid", "revoked", "invalid", "demo"]
    reason: str | None
    number: str | None
    full_name: str | None
    course_code: str | None
    course_name: str | None
    commune_code: int | None
    commune_name: str | None
    issue_date: date | None
    birth: date | int | None


@dataclass(slots=True)
class CertificateService:
    ctx: Context

    def signing_status(self) -> SigningStatus:
        raise NotImplementedError

    def set_signer(self, name: str, title: str) -> SigningStatus:
        """The name and title printed above the signature for new certificates (kept on the laptop)."""
        raise NotImplementedError

    def eligible(self, session_id: str) -> list[EligibleView]:
        """Everyone who passed the session (latest result ``passed``), in roster order."""
        raise NotImplementedError

    def issue(self, session_id: str, person_ids: Sequence[str] | None = None) -> list[CertificateView]:
        """Certificates for the session's passed attendees (all, or those of ``person_ids``): existing ones
        are returned as they are, new ones are numbered, signed and written in one transaction with their
        audit and outbox entries. In demo mode nothing is written and samples are returned."""
        raise NotImplementedError

    def render_pdf(
        self,
        certificates: Sequence[CertificateView],
        out: Path | BinaryIO,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """One PDF with a page per certificate (slow: run it off the GUI thread)."""
        raise NotImplementedError

    def search(self, query: str = "", *, limit: int = 200) -> list[CertificateView]:
        """Issued certificates whose number or holder's name matches ``query`` (all when empty), newest first."""
        raise NotImplementedError

    def get(self, certificate_id: str) -> CertificateView:
        raise NotImplementedError

    def by_number(self, number: str) -> CertificateView:
        raise NotImplementedError

    def revoke(self, certificate_id: str, reason: str) -> CertificateView:
        """Revoke a certificate (a new revocation row, synced); revoking twice is refused."""
        raise NotImplementedError

    def verify_text(self, text: str) -> VerificationView:
        raise NotImplementedError

    def verify_image(self, path: Path) -> list[VerificationView]:
        raise NotImplementedError

    def verify_pdf(self, path: Path) -> list[VerificationView]:
        raise NotImplementedError
