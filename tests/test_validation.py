"""Tests for dlso_desktop.validation."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlso_desktop.validation import (
    ValidationError,
    ValidationErrors,
    cccd_last4,
    mask_cccd,
    normalize_phone,
    require_text,
    validate_birth_date,
    validate_cccd,
    validate_not_future,
)

TODAY = date(2026, 2, 5)

# ---------------------------------------------------------------------------------------------------------
# ValidationError
# ---------------------------------------------------------------------------------------------------------


def test_validation_error_attributes() -> None:
    e = ValidationError("phone", "Sai số.", "Wrong number.", "phone.invalid")
    assert (e.field, e.message_vi, e.message_en, e.code) == (
        "phone",
        "Sai số.",
        "Wrong number.",
        "phone.invalid",
    )
    assert str(e) == "Sai số."
    assert isinstance(e, Exception)


def test_validation_errors_collects() -> None:
    a = ValidationError("phone", "Sai số.", "Wrong number.", "phone.invalid")
    b = ValidationError("name", "Thiếu tên.", "Missing name.", "text.required")
    errs = ValidationErrors([a, b])
    assert isinstance(errs, ValidationError)
    assert errs.errors == [a, b]
    assert errs.fields == ["phone", "name"]
    assert str(errs) == "Sai số.\nThiếu tên."
    assert errs.code == "multiple"
    assert ValidationErrors([errs, a]).errors == [a, b, a]  # nested collections are flattened
    with pytest.raises(ValueError):
        ValidationErrors([])


# ---------------------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0905123456", "0905123456"),
        ("+84905123456", "0905123456"),
        ("84905123456", "0905123456"),
        ("+84 0905 123 456", "0905123456"),
        ("0084 905 123 456", "0905123456"),
        ("0905.123.456", "0905123456"),
        ("0905-123-456", "0905123456"),
        (" 0352 123 456 ", "0352123456"),
        ("０９０５１２３４５６", "0905123456"),  # fullwidth digits from an IME
    ],
)
def test_mobile_ok(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == (expected, None)


def test_unknown_prefix_is_a_warning() -> None:
    number, warning = normalize_phone("0123456789")
    assert number == "0123456789"
    assert warning is not None
    assert "012" in warning


@pytest.mark.parametrize("raw", ["0262 3852 123", "(0262) 3852123", "02573 812 345", "+84 262 3852 123"])
def test_landline_accepted(raw: str) -> None:
    number, warning = normalize_phone(raw)
    assert len(number) == 11
    assert number.startswith("02")
    assert warning is None


@pytest.mark.parametrize(
    "raw", ["12345", "1905123456", "09051234567", "0905 123 45a", "090512345", "03521234567", "+1 555 0100"]
)
def test_invalid_phone(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw, field="contact_phone")
    assert exc.value.code == "phone.invalid"
    assert exc.value.field == "contact_phone"
    assert str(exc.value) == "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0 (hoặc +84)."
    assert exc.value.message_en


def test_empty_phone() -> None:
    with pytest.raises(ValidationError) as exc:
        normalize_phone("  ")
    assert exc.value.code == "phone.required"


KNOWN_PREFIXES = ["032", "039", "052", "056", "058", "059", "070", "076", "079", "081", "089", "090", "094"]
KNOWN_PREFIXES += ["096", "099"]


@given(
    st.sampled_from(KNOWN_PREFIXES),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.sampled_from(["", " ", ".", "-"]),
    st.sampled_from(["0", "+84", "84", "+84 "]),
)
def test_known_mobiles_any_format(prefix: str, rest: str, sep: str, lead: str) -> None:
    expected = prefix + rest
    raw = lead + prefix[1:] + sep + rest[:3] + sep + rest[3:]
    assert normalize_phone(raw) == (expected, None)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_ten_digit_numbers_never_error(rest: str) -> None:
    number, warning = normalize_phone("0" + rest)
    assert number == "0" + rest
    assert (warning is None) == (number[:3] in {f"0{p}" for p in _known_two_digit()})


def _known_two_digit() -> set[str]:
    return (
        {f"3{d}" for d in "23456789"}
        | {f"5{d}" for d in "25689"}
        | {f"7{d}" for d in "06789"}
        | {f"8{d}" for d in "123456789"}
        | {f"9{d}" for d in "012346789"}
    )


# ---------------------------------------------------------------------------------------------------------
# CCCD
# ---------------------------------------------------------------------------------------------------------


def test_cccd_ok() -> None:
    assert validate_cccd("066095001234", sex="male", birth_date=date(1995, 3, 1)) == "066095001234"
    assert validate_cccd("066 095 001 234", sex=None, birth_date=None) == "066095001234"
    assert validate_cccd("066195001234", sex="female", birth_date=date(1995, 3, 1)) == "066195001234"
    assert validate_cccd("066305001234", sex="female", birth_date=date(2005, 1, 1)) == "066305001234"
    assert validate_cccd("066095001234", sex="other", birth_date=None) == "066095001234"


def test_cccd_sex_mismatch() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_cccd("066095001234", sex="female", birth_date=date(1995, 3, 1))
    assert exc.value.code == "cccd.sex_mismatch"
    assert exc.value.field == "citizen_id"
    assert "Số CCCD không khớp" in str(exc.value)


def test_cccd_century_mismatch() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_cccd("066295001234", sex="male", birth_date=date(1995, 3, 1))
    assert exc.value.code == "cccd.year_mismatch"
    assert str(exc.value).startswith("Số CCCD không khớp với năm sinh 1995")


def test_cccd_year_and_sex_mismatch_reports_both() -> None:
    with pytest.raises(ValidationErrors) as exc:
        validate_cccd("066196001234", sex="male", birth_date=date(1995, 3, 1))
    assert [e.code for e in exc.value.errors] == ["cccd.year_mismatch", "cccd.sex_mismatch"]


@pytest.mark.parametrize("raw", ["06609500123A", "06609500123", "0660950012345", "066-095-001-234", "abc"])
def test_cccd_format(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_cccd(raw, sex=None, birth_date=None, field="cccd")
    assert exc.value.code == "cccd.invalid"
    assert exc.value.field == "cccd"


def test_cccd_empty() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_cccd("", sex=None, birth_date=None)
    assert exc.value.code == "cccd.required"


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["male", "female"]),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_cccd_roundtrip(birth: date, sex: str, province: str, serial: str) -> None:
    code = 2 * ((birth.year - 1900) // 100) + (0 if sex == "male" else 1)
    cccd = f"{province}{code}{birth.year % 100:02d}{serial}"
    assert validate_cccd(cccd, sex=sex, birth_date=birth) == cccd
    other = "female" if sex == "male" else "male"
    with pytest.raises(ValidationError):
        validate_cccd(cccd, sex=other, birth_date=birth)
    with pytest.raises(ValidationError):
        validate_cccd(cccd, sex=sex, birth_date=birth.replace(year=birth.year + 1 if birth.year < 2099 else 1950))


def test_cccd_masking() -> None:
    assert cccd_last4("066095001234") == "1234"
    assert mask_cccd("066095001234") == "********1234"
    assert mask_cccd("066 095 001 234") == "********1234"
    assert mask_cccd("12") == "12"


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------


def test_birth_date() -> None:
    assert validate_birth_date(date(1995, 3, 1), today=TODAY) == date(1995, 3, 1)
    assert validate_birth_date(TODAY, today=TODAY) == TODAY
    assert validate_birth_date(date(1900, 1, 1), today=TODAY) == date(1900, 1, 1)
    with pytest.raises(ValidationError) as exc:
        validate_birth_date(date(2026, 2, 6), today=TODAY)
    assert exc.value.code == "date.future"
    assert exc.value.field == "birth_date"
    with pytest.raises(ValidationError) as exc:
        validate_birth_date(date(1899, 12, 31), today=TODAY, field="dob")
    assert exc.value.code == "date.too_early"
    assert exc.value.field == "dob"
    assert "1900" in str(exc.value)


def test_not_future() -> None:
    assert validate_not_future(TODAY, today=TODAY, field="visit_date") == TODAY
    noon = datetime(2026, 2, 5, 23, 59)
    assert validate_not_future(noon, today=TODAY, field="visit_at") == noon
    with pytest.raises(ValidationError) as exc:
        validate_not_future(datetime(2026, 2, 6, 0, 0), today=TODAY, field="visit_at")
    assert exc.value.field == "visit_at"
    assert exc.value.code == "date.future"
    with pytest.raises(ValidationError):
        validate_not_future(date(2027, 1, 1), today=TODAY, field="visit_date")


# ---------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------


def test_require_text() -> None:
    got = require_text("  H’Maryam   Niê ", field="full_name", label_vi="họ và tên", label_en="the full name")
    assert got == "H'Maryam Niê"
    with pytest.raises(ValidationError) as exc:
        require_text(" \u00a0 ", field="full_name", label_vi="họ và tên", label_en="the full name")
    assert str(exc.value) == "Vui lòng nhập họ và tên."
    assert exc.value.message_en == "Please enter the full name."
    assert exc.value.code == "text.required"
    with pytest.raises(ValidationError):
        require_text(None, field="full_name", label_vi="họ và tên", label_en="the full name")
    with pytest.raises(ValidationError) as exc:
        require_text("a" * 11, field="note", label_vi="ghi chú", label_en="note", max_len=10)
    assert exc.value.code == "text.too_long"
    assert str(exc.value) == "Ghi chú không được dài quá 10 ký tự."
    assert require_text("a" * 10, field="note", label_vi="ghi chú", label_en="note", max_len=10) == "a" * 10


def test_a_ten_digit_number_starting_0084_is_not_a_country_code() -> None:
    number, _warning = normalize_phone("0084000000")
    assert number == "0084000000"
    assert normalize_phone("0084 905 123 456")[0] == "0905123456"
