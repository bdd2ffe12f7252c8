"""Training certificates: issuing for a session's passed attendees, printing, searching, revoking, verifying.

One certificate per person and course: issuing again (another session of the same course, a reprint) gives
the same certificate, with the same number and the same QR code. A number is the commune code and a serial
from a block the server reserved for this laptop (docs/CERTIFICATES_FORMAT.md), so laptops print offline
without ever colliding. Signing uses the commune's key, which reaches enrolled laptops encrypted through
sync; a laptop without it prints samples with the public demo key ("MẪU - KHÔNG CÓ GIÁ TRỊ"), which are not
stored and never verify as valid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal, NamedTuple
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from dlso_desktop.admin_units import commune_by_code
from dlso_desktop.certificates import trust
from dlso_desktop.certificates.keys import (
    DEMO_KEY_ID,
    RevocationList,
    Revocations,
    TrustList,
    demo_private_key,
    public_key_bytes,
)
from dlso_desktop.certificates.pdf import CertificatePage, render
from dlso_desktop.certificates.present import commune_name, course_name
from dlso_desktop.certificates.qr import qr_matrix
from dlso_desktop.certificates.record import (
    CertificateFormatError,
    CertificateRecord,
    certificate_url,
    decode_payload,
    sign,
)
from dlso_desktop.certificates.scan import ScanError, texts_from_image, texts_from_pdf
from dlso_desktop.certificates.verify import Verdict, verify
from dlso_desktop.models import AssessmentResult, Role
from dlso_desktop.services.base import Context, Errors, not_found
from dlso_desktop.storage.store import write_meta
from dlso_desktop.text import clean_text, fold, nfc
from dlso_desktop.validation import ValidationError


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


#: meta keys of the signer printed on new certificates (kept on the laptop: each commune has its own chairman)
SIGNER_NAME = "certificates.signer_name"
SIGNER_TITLE = "certificates.signer_title"
#: the host in the QR code's URL; defaults to the provincial server this laptop syncs with
VERIFY_HOST = "certificates.verify_host"
DEFAULT_SIGNER_TITLE = "CHỦ TỊCH"
#: until a laptop is enrolled its samples point at the province's public verification host
DEFAULT_VERIFY_HOST = "xacthuc.daklak.gov.vn"
_MAX_REASON = 500
_MAX_SIGNER = 120


def _error(field_name: str, code: str, vi: str, en: str) -> ValidationError:
    return ValidationError(field_name, vi, en, code)


def _take_serials(conn: Connection, count: int) -> list[int]:
    """``count`` serials from this laptop's reserved blocks, removed from them (in the caller's transaction)."""
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (trust.SERIAL_BLOCKS,)).first()
    blocks = trust.serial_blocks(None if row is None else str(row[0]))
    taken: list[int] = []
    while len(taken) < count and blocks:
        first, last = blocks[0]
        n = min(count - len(taken), last - first + 1)
        taken.extend(range(first, first + n))
        if first + n > last:
            blocks.pop(0)
        else:
            blocks[0] = (first + n, last)
    if len(taken) < count:
        raise _error(
            "serial",
            "certificates.no_serials",
            f"Máy còn {len(taken)} số hiệu giấy chứng nhận, cần {count}. Hãy đồng bộ khi có mạng để nhận thêm số.",
            f"This laptop has {len(taken)} certificate numbers left and needs {count}. Sync online to get more.",
        )
    write_meta(conn, {trust.SERIAL_BLOCKS: json.dumps([list(b) for b in blocks])})
    return taken


@dataclass(slots=True)
class _Signing:
    status: SigningStatus
    key: Ed25519PrivateKey | None
    host: str


def _birth(r: Any) -> date | int | None:
    if r["birth_date"] is not None:
        value = r["birth_date"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if r["birth_year"] is not None:
        return int(r["birth_year"])
    return None


_CERT_SQL = (
    "SELECT c.id, c.number, c.serial, c.person_id, c.session_id, c.course_id, co.code AS course_code,"
    " co.name AS course_name, c.issue_date, c.signer_name, c.signer_title, c.key_id, c.qr_payload,"
    " (SELECT r.reason FROM certificate_revocation r WHERE r.certificate_id = c.id AND r.deleted = 0"
    "  ORDER BY r.created_at LIMIT 1) AS revoked_reason,"
    " (SELECT r.revoked_at FROM certificate_revocation r WHERE r.certificate_id = c.id AND r.deleted = 0"
    "  ORDER BY r.created_at LIMIT 1) AS revoked_at"
    ", (SELECT p.full_name FROM person p WHERE p.id = c.person_id) AS holder_name"
    " FROM certificate c JOIN course co ON co.id = c.course_id"
)


@dataclass(slots=True)
class CertificateService:
    ctx: Context

    # -- signing ------------------------------------------------------------------------------------------

    def _signing(self) -> _Signing:
        db = self.ctx.db
        with db.reader() as conn:
            meta = {
                str(k): str(v)
                for k, v in conn.exec_driver_sql(
                    "SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?, ?, ?)",
                    ("sync.token", "sync.server", SIGNER_NAME, SIGNER_TITLE, VERIFY_HOST, trust.SERIAL_BLOCKS),
                )
            }
            state = trust.load_from(conn, shipped=trust.shipped_root_key())
        serials = sum(last - first + 1 for first, last in trust.serial_blocks(meta.get(trust.SERIAL_BLOCKS)))
        host = meta.get(VERIFY_HOST) or urlsplit(meta.get("sync.server", "")).netloc or DEFAULT_VERIFY_HOST
        signer, title = meta.get(SIGNER_NAME, ""), meta.get(SIGNER_TITLE, DEFAULT_SIGNER_TITLE)

        def demo(reason: str) -> _Signing:
            status = SigningStatus("demo", reason, DEMO_KEY_ID, db.commune_code, serials, signer, title)
            return _Signing(status, None, host)

        token = meta.get("sync.token")
        if not token:
            return demo("not_enrolled")
        if state.trust_list is None:
            return demo("no_trust")
        held = trust.commune_key(db, token)
        if held is None:
            return demo("no_key")
        key_id, key = held
        entry = trust.current_key(state.trust_list, db.commune_code, datetime.now(UTC))
        if entry is None or entry.certificate.key_id != key_id:
            # the held key expired or was revoked, or a newer key was issued and has not arrived yet
            return demo("key_not_valid" if entry is None or entry.certificate.key_id < key_id else "no_key")
        if public_key_bytes(key) != entry.certificate.public_key:
            return demo("no_key")
        if serials == 0:
            return demo("no_serials")
        return _Signing(SigningStatus("commune", None, key_id, db.commune_code, serials, signer, title), key, host)

    def signing_status(self) -> SigningStatus:
        self.ctx.require_reader()
        return self._signing().status

    def set_signer(self, name: str, title: str) -> SigningStatus:
        """The name and title printed above the signature for new certificates (kept on the laptop)."""
        self.ctx.require(Role.TEAM_HEAD, what_vi="đặt người ký giấy chứng nhận", what_en="set who signs certificates")
        errors = Errors()
        clean_name = clean_text(name)
        titles = [clean_text(t) for t in title.replace("\r", "").split("\n") if clean_text(t)]
        clean_title = "\n".join(titles) or DEFAULT_SIGNER_TITLE
        if len(clean_name) > _MAX_SIGNER:
            errors.add(
                _error(
                    "signer_name",
                    "signer_name.too_long",
                    f"Tên người ký dài quá {_MAX_SIGNER} ký tự.",
                    f"The signer's name is longer than {_MAX_SIGNER} characters.",
                )
            )
        if len(clean_title) > _MAX_SIGNER or len(titles) > 2:
            errors.add(
                _error(
                    "signer_title",
                    "signer_title.too_long",
                    "Chức vụ người ký tối đa hai dòng ngắn.",
                    "The signer's title is at most two short lines.",
                )
            )
        errors.raise_if_any()
        with self.ctx.db.writer() as conn:
            write_meta(conn, {SIGNER_NAME: clean_name, SIGNER_TITLE: clean_title})
        return self.signing_status()

    # -- issuing ------------------------------------------------------------------------------------------

    def eligible(self, session_id: str) -> list[EligibleView]:
        """Everyone who passed the session (latest result ``passed``), in roster order."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            session = self._session(conn, session_id)
            rows = self._passed(conn, session_id)
            certs = self._existing(conn, session["course_id"], [r["person_id"] for r in rows])
        out = []
        for r in rows:
            c = certs.get(r["person_id"])
            out.append(
                EligibleView(
                    r["person_id"],
                    r["full_name"],
                    r["birth_date"] if r["birth_date"] is None else date.fromisoformat(str(r["birth_date"])),
                    r["birth_year"],
                    None if c is None else c["id"],
                    None if c is None else c["number"],
                    False if c is None else c["revoked"],
                )
            )
        return out

    @staticmethod
    def _session(conn: Connection, session_id: str) -> Any:
        s = (
            conn.exec_driver_sql(
                "SELECT s.id, s.course_id, s.session_date, c.code AS course_code, c.name AS course_name"
                " FROM training_session s JOIN course c ON c.id = s.course_id WHERE s.id = ? AND s.deleted = 0",
                (session_id,),
            )
            .mappings()
            .first()
        )
        if s is None:
            raise not_found("session_id", "buổi học", "Training session")
        return s

    @staticmethod
    def _passed(conn: Connection, session_id: str) -> list[Any]:
        return list(
            conn.exec_driver_sql(
                "SELECT a.person_id, p.full_name, p.birth_date, p.birth_year FROM attendance a"
                " JOIN person p ON p.id = a.person_id WHERE a.session_id = ? AND a.deleted = 0 AND p.deleted = 0"
                " AND a.result = ? AND NOT EXISTS (SELECT 1 FROM attendance s WHERE s.supersedes_id = a.id"
                " AND s.deleted = 0) ORDER BY p.sort_key, p.id",
                (session_id, AssessmentResult.PASSED.value),
            )
            .mappings()
            .all()
        )

    @staticmethod
    def _existing(conn: Connection, course_id: str, person_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each person's certificate for the course: the first one issued that is not revoked, else the last
        revoked one (a revoked certificate is replaced by a new one when issuing again)."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in range(0, len(person_ids), 500):
            ids = person_ids[chunk : chunk + 500]
            marks = ",".join("?" for _ in ids)
            rows = conn.exec_driver_sql(
                "SELECT c.id, c.person_id, c.number, EXISTS (SELECT 1 FROM certificate_revocation r"
                " WHERE r.certificate_id = c.id AND r.deleted = 0) AS revoked FROM certificate c"
                f" WHERE c.course_id = ? AND c.deleted = 0 AND c.person_id IN ({marks})"
                " ORDER BY c.issue_date, c.serial",
                (course_id, *ids),
            ).mappings()
            for r in rows:
                have = out.get(r["person_id"])
                value = {"id": r["id"], "number": r["number"], "revoked": bool(r["revoked"])}
                if have is None or (have["revoked"] and not value["revoked"]) or (have["revoked"] and value["revoked"]):
                    out[r["person_id"]] = value
        return out

    def issue(self, session_id: str, person_ids: Sequence[str] | None = None) -> list[CertificateView]:
        """Certificates for the session's passed attendees (all, or those of ``person_ids``): existing ones
        are returned as they are, new ones are numbered, signed and written in one transaction with their
        audit and outbox entries. In demo mode nothing is written and samples are returned."""
        self.ctx.require(Role.TEAM_HEAD, what_vi="cấp giấy chứng nhận", what_en="issue certificates")
        signing = self._signing()
        status = signing.status
        db = self.ctx.db
        if status.mode == "commune" and not status.signer_name:
            raise _error(
                "signer_name",
                "signer_name.required",
                "Hãy nhập họ tên người ký giấy chứng nhận trước khi in.",
                "Enter the name of the person who signs the certificates before printing.",
            )
        with db.unit_of_work(self.ctx.user_id) as uow:
            conn = uow.conn
            session = self._session(conn, session_id)
            passed = {r["person_id"]: r for r in self._passed(conn, session_id)}
            if person_ids is None:
                wanted = list(passed)
            else:
                wanted = list(dict.fromkeys(person_ids))
                missing = [p for p in wanted if p not in passed]
                if missing:
                    raise _error(
                        "person_ids",
                        "certificates.not_passed",
                        f"{len(missing)} người chưa đạt buổi học này nên chưa được cấp giấy chứng nhận.",
                        f"{len(missing)} of these people have not passed this session.",
                    )
            if not wanted:
                raise _error(
                    "person_ids",
                    "certificates.nobody",
                    "Buổi học này chưa có ai đạt để cấp giấy chứng nhận.",
                    "Nobody has passed this session yet.",
                )
            persons = {p: dict(passed[p]) for p in wanted}
            if status.mode == "demo":
                return [self._sample(session, persons[p], signing) for p in wanted]
            existing = self._existing(conn, session["course_id"], wanted)
            new = [p for p in wanted if p not in existing or existing[p]["revoked"]]
            ids: dict[str, str] = {p: existing[p]["id"] for p in wanted if p not in new}
            if new:
                assert signing.key is not None
                serials = _take_serials(conn, len(new))
                today = self.ctx.today()
                for person_id, serial in zip(new, serials, strict=True):
                    person = persons[person_id]
                    record = CertificateRecord(
                        key_id=status.key_id,
                        commune_code=db.commune_code,
                        serial=serial,
                        course_code=session["course_code"],
                        issue_date=today,
                        birth=_birth(person),
                        full_name=nfc(person["full_name"]).strip(),
                    )
                    payload = sign(record, signing.key)
                    row = uow.insert(
                        "certificate",
                        {
                            "number": record.number,
                            "serial": serial,
                            "person_id": person_id,
                            "session_id": session_id,
                            "course_id": session["course_id"],
                            "issue_date": today,
                            "signer_name": status.signer_name,
                            "signer_title": status.signer_title,
                            "key_id": str(status.key_id),
                            "qr_payload": payload,
                        },
                        summary=record.number,
                    )
                    ids[person_id] = row["id"]
            uow.commit()
        with db.reader() as conn:
            views = self._views(conn, [ids[p] for p in wanted], signing.host)
        return views

    def _sample(self, session: Any, person: dict[str, Any], signing: _Signing) -> CertificateView:
        """A sample signed with the public demo key: serial 0, not stored, always verifies as "demo"."""
        status = signing.status
        record = CertificateRecord(
            key_id=DEMO_KEY_ID,
            commune_code=self.ctx.db.commune_code,
            serial=0,
            course_code=session["course_code"],
            issue_date=self.ctx.today(),
            birth=_birth(person),
            full_name=nfc(person["full_name"]).strip(),
            demo=True,
        )
        payload = sign(record, demo_private_key())
        return CertificateView(
            None,
            record.number,
            0,
            person["person_id"],
            record.full_name,
            session["id"],
            session["course_id"],
            session["course_code"],
            session["course_name"],
            record.issue_date,
            status.signer_name,
            status.signer_title,
            DEMO_KEY_ID,
            True,
            payload,
            certificate_url(signing.host, payload),
            False,
            None,
            None,
        )

    def _views(self, conn: Connection, ids: Sequence[str], host: str | None = None) -> list[CertificateView]:
        if host is None:
            host = self._signing().host
        by_id: dict[str, CertificateView] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" for _ in part)
            for r in conn.exec_driver_sql(f"{_CERT_SQL} WHERE c.id IN ({marks})", tuple(part)).mappings():
                by_id[r["id"]] = self._view(r, host)
        return [by_id[i] for i in ids if i in by_id]

    @staticmethod
    def _view(r: Any, host: str) -> CertificateView:
        try:
            signed: CertificateRecord | None = decode_payload(r["qr_payload"]).record
        except CertificateFormatError:
            signed = None  # a damaged row from elsewhere: listed (and verifiable as invalid), never trusted
        return CertificateView(
            r["id"],
            r["number"],
            int(r["serial"]),
            r["person_id"],
            r["holder_name"] if signed is None else signed.full_name,
            r["session_id"],
            r["course_id"],
            r["course_code"],
            r["course_name"],
            r["issue_date"] if isinstance(r["issue_date"], date) else date.fromisoformat(str(r["issue_date"])),
            r["signer_name"],
            r["signer_title"],
            int(r["key_id"] or 0),
            False if signed is None else signed.demo,
            r["qr_payload"],
            certificate_url(host, r["qr_payload"] or "-"),
            r["revoked_at"] is not None,
            r["revoked_reason"],
            r["revoked_at"],
        )

    # -- printing -----------------------------------------------------------------------------------------

    def pages(self, certificates: Sequence[CertificateView]) -> list[CertificatePage]:
        """The pages to print: every signed field from the QR record itself, so paper and code agree."""
        self.ctx.require_reader()
        commune = commune_by_code(self.ctx.db.commune_code)
        ids = list({c.person_id for c in certificates})
        cids: dict[str, str | None] = {}
        with self.ctx.db.reader() as conn:
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                marks = ",".join("?" for _ in part)
                for pid, cid in conn.exec_driver_sql(
                    f"SELECT id, citizen_id FROM person WHERE id IN ({marks})", tuple(part)
                ):
                    cids[str(pid)] = None if not cid else str(cid)[-4:]
        out = []
        for c in certificates:
            record = decode_payload(c.payload).record
            out.append(
                CertificatePage(
                    commune_name=commune.short_name,
                    commune_kind=commune.kind,
                    number=c.number,
                    course_title=c.course_name,
                    full_name=record.full_name,
                    birth=record.birth,
                    issue_date=record.issue_date,
                    place=commune.short_name,
                    signer_name=c.signer_name,
                    signer_title=c.signer_title or DEFAULT_SIGNER_TITLE,
                    qr=qr_matrix(c.url),
                    citizen_id_last4=cids.get(c.person_id),
                    demo=record.demo,
                )
            )
        return out

    def render_pdf(
        self,
        certificates: Sequence[CertificateView],
        out: Path | BinaryIO,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """One PDF with a page per certificate (slow: run it off the GUI thread)."""
        self.ctx.require_reader()
        if not certificates:
            raise _error(
                "certificates",
                "certificates.nothing_to_print",
                "Chưa chọn giấy chứng nhận nào để in.",
                "No certificate was chosen to print.",
            )
        render(self.pages(certificates), out, progress=progress, cancelled=cancelled)

    # -- finding ------------------------------------------------------------------------------------------

    def search(self, query: str = "", *, limit: int = 200) -> list[CertificateView]:
        """Issued certificates whose number or holder's name matches ``query`` (all when empty), newest first."""
        self.ctx.require_reader()
        q = clean_text(query)
        where, params = ["c.deleted = 0"], []
        digits = "".join(ch for ch in q if ch.isdigit())
        if q:
            words = fold(q).split()
            name_clauses = " AND ".join("fold_name(p.full_name) LIKE ?" for _ in words) or "0"
            if digits and len(digits) >= 3:
                where.append(f"(c.number LIKE ? OR replace(c.number, '-', '') LIKE ? OR ({name_clauses}))")
                params += [f"%{q}%", f"%{digits}%", *(f"%{w}%" for w in words)]
            else:
                where.append(f"({name_clauses})")
                params += [f"%{w}%" for w in words]
        sql = (
            "SELECT c.id FROM certificate c JOIN person p ON p.id = c.person_id WHERE"
            f" {' AND '.join(where)} ORDER BY c.issue_date DESC, c.serial DESC LIMIT ?"
        )
        with self.ctx.db.reader() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.create_function("fold_name", 1, fold, deterministic=True)
            ids = [str(r[0]) for r in conn.exec_driver_sql(sql, (*params, limit))]
            return self._views(conn, ids)

    def get(self, certificate_id: str) -> CertificateView:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            views = self._views(conn, [certificate_id])
        if not views:
            raise not_found("certificate_id", "giấy chứng nhận", "Certificate")
        return views[0]

    def by_number(self, number: str) -> CertificateView:
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            row = conn.exec_driver_sql(
                "SELECT id FROM certificate WHERE number = ? AND deleted = 0", (clean_text(number),)
            ).first()
            views = [] if row is None else self._views(conn, [str(row[0])])
        if not views:
            raise _error(
                "number",
                "number.not_found",
                f"Không có giấy chứng nhận số {clean_text(number)} trên máy này.",
                f"No certificate numbered {clean_text(number)} on this laptop.",
            )
        return views[0]

    def revoke(self, certificate_id: str, reason: str) -> CertificateView:
        """Revoke a certificate (a new revocation row, synced); revoking twice is refused."""
        self.ctx.require(Role.TEAM_HEAD, what_vi="thu hồi giấy chứng nhận", what_en="revoke certificates")
        text = clean_text(reason)
        if not text:
            raise _error(
                "reason",
                "reason.required",
                "Hãy ghi lý do thu hồi giấy chứng nhận.",
                "Give the reason for revoking the certificate.",
            )
        if len(text) > _MAX_REASON:
            raise _error(
                "reason",
                "reason.too_long",
                f"Lý do dài quá {_MAX_REASON} ký tự.",
                f"The reason is longer than {_MAX_REASON} characters.",
            )
        with self.ctx.db.unit_of_work(self.ctx.user_id) as uow:
            cert = uow.get("certificate", certificate_id)
            if cert is None or cert["deleted"]:
                raise not_found("certificate_id", "giấy chứng nhận", "Certificate")
            done = uow.conn.exec_driver_sql(
                "SELECT 1 FROM certificate_revocation WHERE certificate_id = ? AND deleted = 0", (certificate_id,)
            ).first()
            if done is not None:
                raise _error(
                    "certificate_id",
                    "certificate.already_revoked",
                    f"Giấy chứng nhận số {cert['number']} đã bị thu hồi trước đó.",
                    f"Certificate {cert['number']} was already revoked.",
                )
            uow.insert(
                "certificate_revocation",
                {"certificate_id": certificate_id, "reason": text, "revoked_at": uow.now},
                action="revoke",
                summary=cert["number"],  # not the reason: typed freely, it may name the person (the trail keeps it)
            )
            uow.commit()
        return self.get(certificate_id)

    # -- verifying ----------------------------------------------------------------------------------------

    def verifier(self) -> tuple[TrustList | None, Revocations]:
        """The trust list and everything known revoked: the synced lists plus this commune's own revocations
        (made here or pulled), which count at once, before any list is signed."""
        self.ctx.require_reader()
        with self.ctx.db.reader() as conn:
            state = trust.load_from(conn, shipped=trust.shipped_root_key())
            own = [
                int(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT c.serial FROM certificate c JOIN certificate_revocation r ON r.certificate_id = c.id"
                    " WHERE r.deleted = 0 AND c.deleted = 0"
                )
            ]
        revocations = state.revocations
        if own:
            revocations.add(RevocationList(self.ctx.db.commune_code, -1, datetime.now(UTC), 0, frozenset(own)))
        return state.trust_list, revocations

    def verify_texts(self, texts: Sequence[str]) -> list[VerificationView]:
        self.ctx.require_reader()
        trust_list, revocations = self.verifier()
        now = datetime.now(UTC)
        return [_verification(verify(t, trust_list, revocations, now=now)) for t in texts]

    def verify_text(self, text: str) -> VerificationView:
        self.ctx.require_reader()
        return self.verify_texts([text])[0]

    def verify_image(self, path: Path) -> list[VerificationView]:
        """Every QR code in a photo or scan; ScanError when the file cannot be read or holds none."""
        self.ctx.require_reader()
        return self._verify_found(texts_from_image(path), path)

    def verify_pdf(self, path: Path) -> list[VerificationView]:
        self.ctx.require_reader()
        return self._verify_found(texts_from_pdf(path), path)

    def _verify_found(self, texts: list[str], path: Path) -> list[VerificationView]:
        if not texts:
            raise ScanError(
                "no_qr",
                f"Không tìm thấy mã QR nào trong tệp {Path(path).name}.",
                f"No QR code found in {Path(path).name}.",
            )
        return self.verify_texts(texts)


def _verification(v: Verdict) -> VerificationView:
    r = v.record
    return VerificationView(
        v.status,
        v.reason,
        None if r is None else r.number,
        None if r is None else r.full_name,
        None if r is None else r.course_code,
        None if r is None else course_name(r.course_code),
        None if r is None else r.commune_code,
        None if r is None else commune_name(r.commune_code),
        None if r is None else r.issue_date,
        None if r is None else r.birth,
    )
