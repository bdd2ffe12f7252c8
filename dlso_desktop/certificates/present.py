"""One way to put a verdict into words and JSON, shared by the app, the ``dlso`` CLI and the server's ``/v/``
page, so that all three say the same thing about the same certificate.

No Qt here: the app's screens translate with Qt and look the status and reason texts up by their codes; the
texts below are what the CLI and the server's page show.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from dlso_desktop.certificates.verify import Verdict

__all__ = ["REASON_TEXT", "STATUS_TEXT", "commune_name", "course_name", "verdict_json"]

#: (Vietnamese, English) per status.
STATUS_TEXT: Final[dict[str, tuple[str, str]]] = {
    "valid": ("HỢP LỆ", "VALID"),
    "revoked": ("ĐÃ THU HỒI", "REVOKED"),
    "invalid": ("KHÔNG HỢP LỆ", "INVALID"),
    "demo": ("MẪU - KHÔNG CÓ GIÁ TRỊ", "SAMPLE - NOT VALID"),
}

#: (Vietnamese, English) per reason code; format errors not listed share one text (``reason_text``).
REASON_TEXT: Final[dict[str, tuple[str, str]]] = {
    "unknown_key": ("khóa ký không có trong danh sách khóa tin cậy", "the signing key is not in the trust list"),
    "bad_signature": (
        "chữ ký không khớp với nội dung (giấy bị sửa hoặc giả)",
        "the signature does not match the content (altered or forged)",
    ),
    "wrong_commune": ("khóa ký thuộc xã/phường khác", "the signing key belongs to another commune"),
    "key_not_yet_valid": ("cấp trước thời hạn của khóa ký", "issued before the signing key was valid"),
    "key_expired": ("cấp sau khi khóa ký hết hạn", "issued after the signing key expired"),
    "key_revoked": ("cấp sau khi khóa ký bị thu hồi", "issued after the signing key was revoked"),
    "issued_in_future": ("ngày cấp ở tương lai", "the issue date is in the future"),
    "demo_key_without_flag": (
        "ký bằng khóa mẫu nhưng không đánh dấu là mẫu",
        "signed with the demo key but not marked as a sample",
    ),
    "certificate_revoked": ("giấy chứng nhận đã bị thu hồi", "the certificate was revoked"),
}
_FORMAT_ERROR: Final = ("mã không đúng định dạng giấy chứng nhận", "not a certificate code")

#: The reminder every positive answer carries: a copied QR code stays valid, only the name tells.
COMPARE_NAME: Final = (
    "Hãy so họ tên trên giấy với họ tên đã ký ở đây: mã QR sao chép vẫn hợp lệ.",
    "Compare the name on the paper with the signed name shown here: a copied QR code stays valid.",
)


def reason_text(reason: str | None) -> tuple[str, str] | None:
    if reason is None:
        return None
    return REASON_TEXT.get(reason, _FORMAT_ERROR)


def course_name(code: str) -> str | None:
    """The catalogue's name of a course code (None for a code this version does not know)."""
    from dlso_desktop.catalogue import COURSES

    for c in COURSES:
        if c.code == code:
            return c.name
    return None


def commune_name(code: int) -> str | None:
    """The official display name of a commune code, e.g. "Xã Hòa Phú" (None for an unknown code)."""
    from dlso_desktop.admin_units import commune_by_code
    from dlso_desktop.validation import ValidationError

    try:
        return commune_by_code(code).display_name
    except (ValidationError, KeyError, ValueError):
        return None


def verdict_json(v: Verdict) -> dict[str, Any]:
    """The JSON form of a verdict: ``dlso certificates verify --json`` and ``GET /v/<payload>`` (JSON) agree."""
    r = v.record
    birth: str | int | None = None
    if r is not None and r.birth is not None:
        birth = r.birth.isoformat() if isinstance(r.birth, date) else r.birth
    return {
        "status": v.status,
        "reason": v.reason,
        "number": None if r is None else r.number,
        "name": None if r is None else r.full_name,
        "course_code": None if r is None else r.course_code,
        "course_name": None if r is None else course_name(r.course_code),
        "commune_code": None if r is None else r.commune_code,
        "commune_name": None if r is None else commune_name(r.commune_code),
        "issue_date": None if r is None else r.issue_date.isoformat(),
        "birth": birth,
        "key_id": None if r is None else r.key_id,
    }
