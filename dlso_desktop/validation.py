"""Field validation with bilingual (Vietnamese first) messages: phones, CCCD, dates, required text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final

from dlso_desktop.text import clean_text

__all__ = [
    "ValidationError",
    "ValidationErrors",
    "cccd_last4",
    "mask_cccd",
    "normalize_phone",
    "require_text",
    "validate_birth_date",
    "validate_cccd",
    "validate_not_future",
]


class ValidationError(Exception):
    """Invalid input for one field; ``str(e)`` is the Vietnamese message."""

    def __init__(self, field: str, message_vi: str, message_en: str, code: str) -> None:
        super().__init__(message_vi)
        self.field = field
        self.message_vi = message_vi
        self.message_en = message_en
        self.code = code

    def __str__(self) -> str:
        return self.message_vi

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(field={self.field!r}, code={self.code!r}, message_vi={self.message_vi!r})"


class ValidationErrors(ValidationError):
    """Several field errors at once (multi-field forms); the individual errors are in ``.errors``."""

    errors: list[ValidationError]

    def __init__(self, errors: Iterable[ValidationError]) -> None:
        flat: list[ValidationError] = []
        for e in errors:
            flat.extend(e.errors if isinstance(e, ValidationErrors) else [e])
        if not flat:
            raise ValueError("ValidationErrors needs at least one error")
        self.errors = flat
        super().__init__(
            field=flat[0].field if len(flat) == 1 else "",
            message_vi="\n".join(e.message_vi for e in flat),
            message_en="\n".join(e.message_en for e in flat),
            code=flat[0].code if len(flat) == 1 else "multiple",
        )

    @property
    def fields(self) -> list[str]:
        """Fields with an error, in order, without repeats."""
        return list(dict.fromkeys(e.field for e in self.errors))


# ----------------------------------------------------------------------------------------------------------
# Phone numbers
# ----------------------------------------------------------------------------------------------------------

MOBILE_PREFIX_RE: Final = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$", re.ASCII)
_PHONE_JUNK: Final = re.compile(r"[\s.\-()/]")


def normalize_phone(raw: str, field: str = "phone") -> tuple[str, str | None]:
    """Normalise a phone number to "0xxxxxxxxx"; return (number, Vietnamese warning or None).

    Accepts spaces, dots, dashes and brackets, and +84 / 84 / 0084 instead of the leading 0. Mobiles have 10
    digits (an unknown prefix gives a warning, not an error); landlines ("02..." e.g. 0262 Đắk Lắk, 0257
    former Phú Yên) have 11 digits.
    """
    s = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", raw))
    if not s:
        raise ValidationError(field, "Vui lòng nhập số điện thoại.", "Please enter a phone number.", "phone.required")
    # country code only where the length says so: "0084…" could also be a 10-digit number starting 008
    for intl, lengths in (("+84", None), ("0084", (13, 14)), ("84", (11, 12))):
        if s.startswith(intl) and (lengths is None or len(s) in lengths):
            s = "0" + s[len(intl) :].removeprefix("0")
            break
    if s.isascii() and s.isdigit() and s.startswith("0"):
        if len(s) == 10:
            if MOBILE_PREFIX_RE.match(s):
                return s, None
            return s, (f"Đầu số {s[:3]} không có trong danh sách đầu số di động đã biết. Vui lòng kiểm tra lại số {s}.")
        if len(s) == 11 and s.startswith("02"):
            return s, None  # landline: 02xx area code + 7 digits
    raise ValidationError(
        field,
        "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
        "A phone number must have 10 digits starting with 0 (or +84).",
        "phone.invalid",
    )


# ----------------------------------------------------------------------------------------------------------
# Citizen ID (CCCD)
# ----------------------------------------------------------------------------------------------------------

_SEX_VI: Final = {"male": "nam", "female": "nữ"}


def _cccd_digits(raw: str) -> str:
    return "".join(unicodedata.normalize("NFKC", raw).split())


def validate_cccd(raw: str, *, sex: str | None, birth_date: date | None, field: str = "citizen_id") -> str:
    """Check a 12-digit CCCD and cross-check its century/sex digit and birth year; return the digits.

    Digit 4 is 0/1 for 1900s male/female, 2/3 for 2000s, 4/5 for 2100s, ...; digits 5-6 are the birth
    year. The province digits (1-3) are not checked. *sex* other than "male"/"female" is not checked.
    """
    s = _cccd_digits(raw)
    if not s:
        raise ValidationError(field, "Vui lòng nhập số CCCD.", "Please enter the citizen ID number.", "cccd.required")
    if not (len(s) == 12 and s.isascii() and s.isdigit()):
        raise ValidationError(
            field,
            "Số CCCD phải gồm đúng 12 chữ số.",
            "A citizen ID (CCCD) number must have exactly 12 digits.",
            "cccd.invalid",
        )
    code = int(s[3])
    year = 1900 + 100 * (code // 2) + int(s[4:6])
    cccd_sex = "male" if code % 2 == 0 else "female"
    errors: list[ValidationError] = []
    if birth_date is not None and birth_date.year != year:
        errors.append(
            ValidationError(
                field,
                f"Số CCCD không khớp với năm sinh {birth_date.year} (số CCCD này ứng với năm sinh {year}).",
                f"The citizen ID does not match birth year {birth_date.year} (it encodes {year}).",
                "cccd.year_mismatch",
            )
        )
    if sex in _SEX_VI and sex != cccd_sex:
        errors.append(
            ValidationError(
                field,
                f"Số CCCD không khớp với giới tính {_SEX_VI[sex]} (số CCCD này ứng với giới tính {_SEX_VI[cccd_sex]}).",
                f"The citizen ID does not match sex {sex} (it encodes {cccd_sex}).",
                "cccd.sex_mismatch",
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    return s


def cccd_last4(cccd: str) -> str:
    """Last 4 digits of a CCCD (the most that may be shown outside the person's own form)."""
    return _cccd_digits(cccd)[-4:]


def mask_cccd(cccd: str) -> str:
    """Mask all but the last 4 digits: "********1234"."""
    s = _cccd_digits(cccd)
    return "*" * max(len(s) - 4, 0) + s[-4:]


# ----------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def validate_not_future[D: date](d: D, *, today: date, field: str) -> D:
    """Error if *d* (a date, or a datetime compared by its date) is after *today*; return *d*."""
    if _as_date(d) > today:
        raise ValidationError(field, "Ngày không được ở tương lai.", "The date cannot be in the future.", "date.future")
    return d


def validate_birth_date(d: date, *, today: date, field: str = "birth_date") -> date:
    """Error if the birth date is in the future or before 1900; return it as a date."""
    day = _as_date(d)
    if day > today:
        raise ValidationError(
            field,
            "Ngày sinh không được ở tương lai.",
            "The birth date cannot be in the future.",
            "date.future",
        )
    if day.year < 1900:
        raise ValidationError(
            field,
            "Ngày sinh không được trước năm 1900.",
            "The birth date cannot be before 1900.",
            "date.too_early",
        )
    return day


# ----------------------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------------------


def require_text(value: str | None, *, field: str, label_vi: str, label_en: str, max_len: int = 200) -> str:
    """clean_text the value; error if it is empty or longer than *max_len* characters."""
    text = clean_text(value or "")
    if not text:
        raise ValidationError(field, f"Vui lòng nhập {label_vi}.", f"Please enter {label_en}.", "text.required")
    if len(text) > max_len:
        raise ValidationError(
            field,
            f"{label_vi[:1].upper()}{label_vi[1:]} không được dài quá {max_len} ký tự.",
            f"{label_en[:1].upper()}{label_en[1:]} must be at most {max_len} characters.",
            "text.too_long",
        )
    return text
