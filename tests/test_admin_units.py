"""Tests for dlso_desktop.admin_units (Đắk Lắk, province 66, from vietnam-provinces)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlso_desktop.admin_units import (
    DAK_LAK_PROVINCE_CODE,
    Commune,
    commune_by_code,
    commune_heading,
    dak_lak_communes,
    data_version,
    find_communes,
)
from dlso_desktop.text import fold, vi_sort_key
from dlso_desktop.validation import ValidationError

COMMUNES = dak_lak_communes()


def names(communes: list[Commune]) -> list[str]:
    return [c.name for c in communes]


def test_counts() -> None:
    assert DAK_LAK_PROVINCE_CODE == 66
    assert len(COMMUNES) == 102
    assert sum(c.kind == "xa" for c in COMMUNES) == 88
    assert sum(c.kind == "phuong" for c in COMMUNES) == 14
    assert len({c.code for c in COMMUNES}) == 102


def test_pilot_wards_present() -> None:
    by_name = {c.name: c for c in COMMUNES}
    for name in ("Phường Ea Kao", "Phường Tân Lập", "Phường Tân An", "Phường Buôn Ma Thuột"):
        assert by_name[name].kind == "phuong"


def test_commune_by_code() -> None:
    c = commune_by_code(24133)
    assert c.name == "Phường Buôn Ma Thuột"
    assert c.short_name == "Buôn Ma Thuột"
    assert c.kind == "phuong"
    assert c.folded == "phuong buon ma thuot"
    assert commune_by_code(24184).name == "Xã Ea H'Leo"


@pytest.mark.parametrize("code", [1, 0, -5, 24133_0, 22015_1, 79])
def test_unknown_code(code: int) -> None:
    with pytest.raises(ValidationError) as exc:
        commune_by_code(code)
    assert exc.value.field == "commune_code"
    assert str(exc.value) == f"Mã xã/phường {code} không thuộc tỉnh Đắk Lắk."
    assert exc.value.code == "commune.unknown"


def test_other_province_code_rejected() -> None:
    with pytest.raises(ValidationError):
        commune_by_code(4)  # Phường Ba Đình, Hà Nội: a real ward code outside province 66


def test_names_normalised() -> None:
    for c in COMMUNES:
        for text in (c.name, c.display_name, c.short_name):
            assert "  " not in text
            assert text == text.strip()
            assert "’" not in text and "‘" not in text
            assert unicodedata.is_normalized("NFC", text)
        assert c.folded == fold(c.name)
        prefix = {"xa": "Xã ", "phuong": "Phường "}[c.kind]
        assert c.name == prefix + c.short_name
        assert c.display_name == c.name


def test_sorted_by_short_name() -> None:
    keys = [vi_sort_key(c.short_name) for c in COMMUNES]
    assert keys == sorted(keys)
    shorts = [c.short_name for c in COMMUNES]
    assert shorts.index("Dray Bhăng") < shorts.index("Dur Kmăl") < shorts.index("Đắk Liêng")


def test_list_is_a_copy_and_communes_frozen() -> None:
    first = dak_lak_communes()
    first.clear()
    assert len(dak_lak_communes()) == 102
    with pytest.raises(dataclasses.FrozenInstanceError):
        COMMUNES[0].name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("buon ma", "Phường Buôn Ma Thuột"),
        ("Buôn Ma Thuột", "Phường Buôn Ma Thuột"),
        ("ea hleo", "Xã Ea H'Leo"),
        ("Ea H’leo", "Xã Ea H'Leo"),
        ("tan lap", "Phường Tân Lập"),
        ("TÂN AN", "Phường Tân An"),
        ("ea kao", "Phường Ea Kao"),
        ("cu mgar", "Xã Cư M'gar"),
        ("phuong ea kao", "Phường Ea Kao"),
        ("24133", "Phường Buôn Ma Thuột"),
    ],
)
def test_find_communes(query: str, expected: str) -> None:
    found = names(find_communes(query))
    assert expected in found
    assert found[0] == expected


def test_find_communes_filters() -> None:
    assert names(find_communes("tan lap")) == ["Phường Tân Lập"]
    assert set(names(find_communes("phuong tan"))) == {"Phường Tân An", "Phường Tân Lập"}
    assert all(c.code < 24200 and str(c.code).startswith("241") for c in find_communes("241"))
    assert find_communes("xyzzy") == []
    assert find_communes("") == COMMUNES
    assert find_communes("   ") == COMMUNES


def test_find_communes_ranks_prefix_first() -> None:
    found = names(find_communes("ea"))
    assert found[0].startswith("Xã Ea") or found[0].startswith("Phường Ea")
    assert all(fold(name).find("ea") >= 0 for name in found)


@given(st.sampled_from(COMMUNES))
def test_every_commune_findable_by_its_short_name(c: Commune) -> None:
    assert c in find_communes(c.short_name)
    assert c in find_communes(fold(c.short_name))
    assert find_communes(str(c.code))[0] == c


def test_heading() -> None:
    assert commune_heading(commune_by_code(24373)) == "XÃ EA KAR"
    assert commune_heading(commune_by_code(24133)) == "PHƯỜNG BUÔN MA THUỘT"
    assert commune_heading(commune_by_code(24184)) == "XÃ EA H'LEO"


def test_data_version() -> None:
    version = data_version()
    assert re.fullmatch(r"vietnam-provinces 2026\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)", version), version
