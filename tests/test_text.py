"""Tests for dlso_desktop.text: normalisation, folding, Vietnamese collation, name order, dates."""

from __future__ import annotations

import random
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlso_desktop.text import (
    clean_text,
    fold,
    format_date_vn,
    guess_name_order,
    nfc,
    official_date_line,
    parse_date_vn,
    person_sort_key,
    search_tokens,
    vi_sort_key,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # level, huyền, hỏi, ngã, sắc, nặng
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
CONSONANTS = [*"bcdghklmnpqrstvx", "đ", "f", "j", "w", "z"]
EDE_GRAPHEMES = ["ƀ", "Ƀ", "ĕ", "Ĕ", "ŏ", "Ŏ", "ŭ", "Ŭ", "ĭ", "Ĭ", "Ê\u0306", "ê\u0306", "Ư\u0306", "ư\u0306"]
APOSTROPHE_VARIANTS = ["'", "’", "‘", "ʼ", "ʻ", "`", "´", "′"]

VI_GRAPHEMES = sorted(
    {nfc(v + t) for v in VOWELS for t in TONE_MARKS}
    | {nfc(v + t).upper() for v in VOWELS for t in TONE_MARKS}
    | set(CONSONANTS)
    | {c.upper() for c in CONSONANTS}
    | set(EDE_GRAPHEMES)
    | {"Ð", "ɖ", "0", "7"}
)
vi_words = st.lists(st.sampled_from(VI_GRAPHEMES), min_size=1, max_size=8).map("".join)
vi_text = st.lists(
    st.one_of(vi_words, st.sampled_from([" ", "  ", "\t", "\u00a0", "-", *APOSTROPHE_VARIANTS])),
    max_size=8,
).map("".join)


# ---------------------------------------------------------------------------------------------------------
# clean_text / nfc
# ---------------------------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_input() -> None:
    assert nfc(nfd("Nguyễn Văn Đức")) == "Nguyễn Văn Đức"
    assert len(nfc("e\u0302\u0301")) == 1  # ế


def test_clean_text_whitespace_and_apostrophes() -> None:
    assert clean_text("  Phường  Buôn\u00a0Ma\tThuột \n") == "Phường Buôn Ma Thuột"
    assert clean_text("Ea H’leo") == "Ea H'leo"
    for apostrophe in APOSTROPHE_VARIANTS:
        assert clean_text(f"H{apostrophe}Maryam Niê") == "H'Maryam Niê"
    assert clean_text(nfd("Cư M’gar")) == "Cư M'gar"
    assert clean_text("Lê\u200b Văn") == "Lê Văn"  # zero-width space dropped
    assert clean_text("") == ""


def test_clean_text_keeps_ede_letters() -> None:
    assert clean_text("Y-Ƀlŭl Niê Blô") == "Y-Ƀlŭl Niê Blô"
    assert clean_text(nfd("Ê̆a")) == nfc("Ê\u0306a")


@given(st.text())
def test_clean_text_properties(s: str) -> None:
    out = clean_text(s)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert "  " not in out
    assert not any(c in out for c in APOSTROPHE_VARIANTS[1:])
    assert clean_text(out) == out


@given(vi_text)
def test_clean_text_nfd_and_nfc_agree(s: str) -> None:
    assert clean_text(nfd(s)) == clean_text(nfc(s))


# ---------------------------------------------------------------------------------------------------------
# fold / search_tokens
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("H’Maryam Niê", "hmaryam nie"),
        ("H'Maryam", "hmaryam"),
        ("Hmaryam", "hmaryam"),
        ("Ea H’leo", "ea hleo"),
        ("Y-Ƀlŭl Niê Blô", "y blul nie blo"),
        ("Ðào Thị Ðông", "dao thi dong"),  # U+00D0 look-alike of Đ
        ("ɖa", "da"),
        ("Ê\u0306 Ư\u0306 Ŏ ĕ ĭ ă", "e u o e i a"),
        ("Phường  Buôn Ma Thuột", "phuong buon ma thuot"),
        ("Cư M`gar", "cu mgar"),
        ("Trần (Thị) Hoa, tổ 5/12", "tran thi hoa to 5 12"),
        ("  \t\u00a0 ", ""),
        ("ＮＧＵＹỄＮ", "nguyen"),  # fullwidth
    ],
)
def test_fold_examples(raw: str, folded: str) -> None:
    assert fold(raw) == folded
    assert fold(nfd(raw)) == folded


def test_fold_hoa_spellings_equal() -> None:
    assert fold("Hòa") == fold("Hoà") == fold(nfd("Hoà")) == "hoa"
    assert fold("Thuỵ") == fold("Thụy") == "thuy"


def test_fold_other_scripts_kept_lowercase() -> None:
    assert fold("Ελλάς 日本") == "ελλας 日本"


def test_search_tokens() -> None:
    assert search_tokens("  Nguyễn  Văn-Đức ") == ["nguyen", "van", "duc"]
    assert search_tokens("") == []
    assert search_tokens("’ - ’") == []


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_fold_nfd_equals_nfc(s: str) -> None:
    assert fold(nfd(s)) == fold(nfc(s))


@given(st.text())
def test_fold_output_shape(s: str) -> None:
    out = fold(s)
    assert out == out.strip()
    assert "  " not in out
    assert out == out.lower()
    assert all(unicodedata.category(c)[0] != "M" for c in out)


@given(vi_text)
def test_fold_vietnamese_is_ascii(s: str) -> None:
    out = fold(s)
    assert out.isascii()
    assert all(c.isalnum() or c == " " for c in out)


@given(vi_text)
def test_fold_ignores_case_and_apostrophe_variant(s: str) -> None:
    assert fold(s.upper()) == fold(s) == fold(s.lower())
    assert fold(s.replace("’", "'")) == fold(s)


# ---------------------------------------------------------------------------------------------------------
# vi_sort_key
# ---------------------------------------------------------------------------------------------------------

ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")  # the 29 letters of the Vietnamese alphabet


def shuffled(items: list[str], seed: int = 1) -> list[str]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


def test_alphabet_order() -> None:
    for seed in range(5):
        assert sorted(shuffled(ALPHABET, seed), key=vi_sort_key) == ALPHABET


def test_alphabet_order_in_words() -> None:
    words = ["an", "ăn", "ân", "bê", "da", "đa"]
    assert sorted(shuffled(words), key=vi_sort_key) == words
    assert sorted(["đa", "da", "ân", "ăn", "bê", "an"], key=vi_sort_key) == words


def test_latin_and_ede_letters_placed() -> None:
    letters = ["a", "ă", "â", "b", "ƀ", "c", "d", "đ", "e", "ĕ", "ê", nfc("ê\u0306"), "f", "g", "h", "i", "ĭ"]
    letters += ["j", "k", "l", "m", "n", "o", "ŏ", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ŭ", "ư"]
    letters += [nfc("ư\u0306"), "v", "w", "x", "y", "z"]
    assert sorted(shuffled(letters), key=vi_sort_key) == letters


def test_tone_order() -> None:
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(shuffled(tones), key=vi_sort_key) == tones


def test_primary_difference_beats_tone() -> None:
    assert sorted(["mb", "mạ"], key=vi_sort_key) == ["mạ", "mb"]
    assert vi_sort_key("mà") < vi_sort_key("mb")
    assert vi_sort_key("Lạc Anh") < vi_sort_key("Lac Bình")
    assert vi_sort_key("Lac Bình") < vi_sort_key("Lạc Bình")


def test_space_digits_letters() -> None:
    words = ["an", "an b", "anh"]
    assert sorted(shuffled(words), key=vi_sort_key) == words
    assert vi_sort_key("Phú Hòa 1") < vi_sort_key("Phú Hòa 2") < vi_sort_key("Phú Hòa A")
    assert vi_sort_key("9") < vi_sort_key("a")


def test_case_insensitive_primary() -> None:
    assert sorted(["Bình", "an", "Anh", "ăn"], key=vi_sort_key) == ["an", "Anh", "ăn", "Bình"]
    assert vi_sort_key("an") < vi_sort_key("An")  # only the tertiary level differs


def test_sort_key_ignores_spelling_variants() -> None:
    assert vi_sort_key("Hòa") == vi_sort_key("Hoà") == vi_sort_key(nfd("Hòa"))
    assert vi_sort_key("H’Maryam") == vi_sort_key("H'Maryam")
    assert vi_sort_key("  Lê   Văn ") == vi_sort_key("Lê Văn")


def strip_tones(s: str) -> str:
    return nfc("".join(c for c in nfd(s) if c not in "\u0300\u0309\u0303\u0301\u0323"))


plain_vi_letters = sorted({nfc(v + t) for v in VOWELS for t in TONE_MARKS} | set(CONSONANTS))
plain_vi_text = st.lists(
    st.lists(st.sampled_from(plain_vi_letters), min_size=1, max_size=5).map("".join), min_size=1, max_size=3
).map(" ".join)


@given(plain_vi_text, plain_vi_text)
def test_sort_compares_letters_before_tones(a: str, b: str) -> None:
    if strip_tones(a) != strip_tones(b):  # a letter differs: tones anywhere must not matter
        assert (vi_sort_key(a) < vi_sort_key(b)) == (vi_sort_key(strip_tones(a)) < vi_sort_key(strip_tones(b)))
    else:  # same letters: only the tones of each syllable decide, wherever the mark sits
        assert (vi_sort_key(a) == vi_sort_key(b)) == (syllable_tones(a) == syllable_tones(b))


def syllable_tones(s: str) -> list[str]:
    return ["".join(c for c in nfd(word) if c in "\u0300\u0309\u0303\u0301\u0323") for word in s.split()]


def test_tone_belongs_to_the_syllable() -> None:
    assert vi_sort_key("Hòa") == vi_sort_key("Hoà")
    assert vi_sort_key("ma bà") < vi_sort_key("mà ba")  # first syllable's tone decides: level < huyền
    assert vi_sort_key("Thủy") == vi_sort_key("Thuỷ")


@given(vi_text)
def test_sort_key_nfd_equals_nfc(s: str) -> None:
    assert vi_sort_key(nfd(s)) == vi_sort_key(nfc(s))


@given(st.text())
def test_sort_key_total_on_any_text(s: str) -> None:
    key = vi_sort_key(s)
    assert isinstance(key, str)
    assert key.count("!") >= 2


# ---------------------------------------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------------------------------------


def test_kinh_names_sort_by_given_then_middle_then_family() -> None:
    names = ["Trần Thị Bình", "Nguyễn Văn An", "Lê Văn Bình"]
    got = sorted(names, key=lambda n: person_sort_key(n, "family_first"))
    assert got == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Bình"]
    assert person_sort_key("Nguyễn Văn Đức", "family_first") == vi_sort_key("Đức Văn Nguyễn")
    got = sorted(["Trần Văn Bình", "Lê Văn Bình"], key=lambda n: person_sort_key(n, "family_first"))
    assert got == ["Lê Văn Bình", "Trần Văn Bình"]


def test_ede_names_keep_written_order_without_prefix() -> None:
    key = person_sort_key("H’Maryam Niê", "given_first")
    assert vi_sort_key("Maryam") < key < vi_sort_key("Mb")  # under M, not under H or N
    names = ["Y Mek Ê Nuôl", "H’Maryam Niê", "Y-Ƀlŭl Niê Blô", "H Ađen Êban", "Y Bih Buôn Ya"]
    got = sorted(names, key=lambda n: person_sort_key(n, "given_first"))
    assert got == ["H Ađen Êban", "Y Bih Buôn Ya", "Y-Ƀlŭl Niê Blô", "H’Maryam Niê", "Y Mek Ê Nuôl"]


def test_sort_name_overrides() -> None:
    assert person_sort_key("Nguyễn Văn Đức", "family_first", "Nguyễn Văn Đức") == vi_sort_key("Nguyễn Văn Đức")
    assert person_sort_key("Nguyễn Văn Đức", "family_first", "  ") == vi_sort_key("Đức Văn Nguyễn")


def test_unknown_name_order_rejected() -> None:
    with pytest.raises(ValueError, match="name_order"):
        person_sort_key("Nguyễn Văn Đức", "last_first")


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("H’Maryam Niê", "given_first"),
        ("H'Maryam Niê", "given_first"),
        ("H Hen Niê", "given_first"),
        ("Y Mek Ê Nuôl", "given_first"),
        ("Y-Ƀlŭl Niê Blô", "given_first"),
        ("Nguyễn Văn Đức", "family_first"),
        ("Hà Thị Yến", "family_first"),
        ("Y", "family_first"),
        ("", "family_first"),
    ],
)
def test_guess_name_order(name: str, order: str) -> None:
    assert guess_name_order(name) == order


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------


def test_format_date_vn() -> None:
    assert format_date_vn(date(2026, 2, 5)) == "05/02/2026"
    assert format_date_vn(date(1999, 12, 31)) == "31/12/1999"


@pytest.mark.parametrize("text", ["05/02/2026", "5/2/2026", "05-02-2026", "2026-02-05", " 5/02/2026 "])
def test_parse_date_vn_formats(text: str) -> None:
    assert parse_date_vn(text) == date(2026, 2, 5)


@pytest.mark.parametrize(
    "text", ["", "5/2/26", "31/02/2026", "2026/02/05", "05/02-2026", "13/13/2026", "hôm nay", "05.02.2026"]
)
def test_parse_date_vn_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_vn(text)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_date_roundtrip(d: date) -> None:
    assert parse_date_vn(format_date_vn(d)) == d
    assert parse_date_vn(d.isoformat()) == d


def test_official_date_line() -> None:
    line = official_date_line("Buôn Ma Thuột", date(2026, 2, 5))
    assert line == "Buôn Ma Thuột, ngày 05 tháng 02 năm 2026"
    assert official_date_line("Ea Kao", date(2026, 11, 20)) == "Ea Kao, ngày 20 tháng 11 năm 2026"
