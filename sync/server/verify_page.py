"""The public verification page ``/v/<payload>``: one certificate's verdict in Vietnamese, readable on a phone.

Plain HTML with inline CSS and no JavaScript (the answer also sends a Content-Security-Policy that forbids
scripts); every value is escaped. The words come from :mod:`dlso_desktop.certificates.present`, shared with
the app and the ``dlso`` CLI, so the page says what they say about the same certificate.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Final

from dlso_desktop.certificates.present import COMPARE_NAME, STATUS_TEXT, commune_name, course_name, reason_text
from dlso_desktop.certificates.verify import Verdict

__all__ = ["render"]

#: (text colour, background) per status
_COLOURS: Final[dict[str, tuple[str, str]]] = {
    "valid": ("#ffffff", "#1b7a3a"),
    "revoked": ("#ffffff", "#9c4a00"),
    "invalid": ("#ffffff", "#b3261e"),
    "demo": ("#3b2f00", "#f2c94c"),
}
_MARK: Final = {"valid": "✔", "revoked": "✖", "invalid": "✖", "demo": "!"}

_CSS: Final = """
*{box-sizing:border-box}
body{margin:0;font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;background:#f4f4f2;color:#1d1d1b;
line-height:1.45;font-size:17px}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1rem;font-weight:600;margin:.25rem 0 1rem;color:#555;text-transform:uppercase;letter-spacing:.03em}
.status{border-radius:.6rem;padding:1.1rem 1rem;text-align:center;margin-bottom:1rem}
.status strong{display:block;font-size:2rem;line-height:1.15;letter-spacing:.02em}
.status span{display:block;font-size:.9rem;opacity:.9;margin-top:.25rem}
.reason{background:#fff;border-left:.35rem solid #b3261e;padding:.75rem 1rem;margin-bottom:1rem;border-radius:.3rem}
dl{background:#fff;border-radius:.6rem;padding:.5rem 1rem;margin:0 0 1rem}
dt{font-size:.85rem;color:#666;margin-top:.6rem}
dd{margin:0 0 .4rem;font-size:1.1rem;font-weight:600;overflow-wrap:anywhere}
dd.name{font-size:1.45rem}
.note{background:#fff8e1;border:1px solid #e6d38a;border-radius:.5rem;padding:.75rem 1rem;font-size:.95rem}
footer{color:#777;font-size:.8rem;margin-top:1.5rem;text-align:center}
"""


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _birth(value: date | int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return _day(value)
    return f"năm {value}"


def _fields(verdict: Verdict) -> list[tuple[str, str, bool]]:
    """(label, value, is the name) for a record whose signature checked."""
    r = verdict.record
    assert r is not None
    rows: list[tuple[str, str, bool]] = [("Họ và tên (đã ký)", r.full_name, True)]
    birth = _birth(r.birth)
    if birth is not None:
        rows.append(("Ngày sinh", birth, False))
    rows.append(("Khóa học", course_name(r.course_code) or r.course_code, False))
    rows.append(("Đơn vị cấp", commune_name(r.commune_code) or f"Mã xã/phường {r.commune_code}", False))
    rows.append(("Ngày cấp", _day(r.issue_date), False))
    rows.append(("Số", f"{r.number}/GCN-UBND", False))
    return rows


def render(verdict: Verdict) -> str:
    """The whole page for ``verdict``."""
    vi, en = STATUS_TEXT[verdict.status]
    fg, bg = _COLOURS[verdict.status]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<title>{escape(vi)} - Xác thực giấy chứng nhận</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Xác thực giấy chứng nhận &middot; Bình dân học vụ số</h1>",
        f'<div class="status" style="color:{fg};background:{bg}">'
        f"<strong>{_MARK[verdict.status]} {escape(vi)}</strong><span>{escape(en)}</span></div>",
    ]
    reason = reason_text(verdict.reason)
    if reason is not None and verdict.status != "valid":
        parts.append(f'<p class="reason">Lý do: {escape(reason[0])}.</p>')
    show_fields = verdict.record is not None and verdict.status in ("valid", "revoked", "demo")
    if show_fields:
        parts.append("<dl>")
        for label, value, is_name in _fields(verdict):
            css = ' class="name"' if is_name else ""
            parts.append(f"<dt>{escape(label)}</dt><dd{css}>{escape(value)}</dd>")
        parts.append("</dl>")
    if verdict.status == "valid":
        parts.append(f'<p class="note">{escape(COMPARE_NAME[0])}</p>')
    elif verdict.status == "demo":
        parts.append('<p class="note">Đây là giấy mẫu, in từ máy chưa được tỉnh cấp khóa ký: không có giá trị.</p>')
    elif verdict.status == "invalid":
        parts.append(
            '<p class="note">Không xác nhận được giấy chứng nhận này. Nếu mã được gõ tay, hãy kiểm tra lại;'
            " nếu không, hãy liên hệ UBND xã/phường ghi trên giấy.</p>"
        )
    parts.append("<footer>Tổ công nghệ số cộng đồng tỉnh Đắk Lắk</footer></main></body></html>")
    return "\n".join(parts) + "\n"
