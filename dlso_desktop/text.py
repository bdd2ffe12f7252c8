"""Vietnamese text handling: normalisation, search folding, collation, name order and dates.

Pure Python (no Qt, no database). See docs/VIETNAM.md for the conventions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Final, Literal

__all__ = [
    "FAMILY_FIRST",
    "GIVEN_FIRST",
    "NameOrder",
    "clean_text",
    "fold",
    "format_date_vn",
    "guess_name_order",
    "nfc",
    "official_date_line",
    "parse_date_vn",
    "person_sort_key",
    "search_tokens",
    "vi_sort_key",
]

# ----------------------------------------------------------------------------------------------------------
# Normalisation
# ----------------------------------------------------------------------------------------------------------

#: Characters people (and old data) use for an apostrophe, as in "H’Maryam", "Ea H’leo", "Cư M'gar".
APOSTROPHES: Final[frozenset[str]] = frozenset(
    "'"  # ASCII
    "\u2019\u2018\u201b"  # ’ ‘ ‛
    "\u02bc\u02bb\u02bd\u02b9\u02be\u02bf"  # ʼ ʻ ʽ ʹ ʾ ʿ
    "\u02ca\u02cb"  # ˊ ˋ
    "`\u00b4"  # ` ´
    "\u2032\u2035"  # ′ ‵
    "\ua78c\uff07"  # ꞌ (saltillo) ＇ (fullwidth)
)

#: Invisible characters dropped by clean_text (zero-width space, word joiner, BOM, soft hyphen).
_INVISIBLE: Final = "\u200b\u2060\ufeff\u00ad"

_CLEAN_TABLE: Final[dict[int, str | None]] = {
    **{ord(c): "'" for c in APOSTROPHES if c != "'"},
    **{ord(c): None for c in _INVISIBLE},
    # C0/C1 control characters that are not whitespace (whitespace is collapsed afterwards).
    **{cp: None for cp in (*range(0x20), *range(0x7F, 0xA0)) if not chr(cp).isspace()},
}
#: Whether a string holds anything _CLEAN_TABLE changes (most names do not: skip the per-character pass).
_NEEDS_CLEAN: Final = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _CLEAN_TABLE) + "]")


def nfc(s: str) -> str:
    """Return *s* in Unicode NFC (the form every stored string uses)."""
    return unicodedata.normalize("NFC", s)


def clean_text(s: str) -> str:
    """Store-side normaliser for names/addresses: NFC, one space between words, straight apostrophes."""
    if not s:
        return ""
    t = nfc(s)
    if _NEEDS_CLEAN.search(t) is None:
        return " ".join(t.split())
    out = " ".join(t.translate(_CLEAN_TABLE).split())
    return nfc(out)  # dropping a control char can leave a composable pair behind


# ----------------------------------------------------------------------------------------------------------
# Search folding
# ----------------------------------------------------------------------------------------------------------

#: Letters that do not decompose to a base letter but must fold to one (đ and its look-alikes, Ê Đê ƀ, ...).
_FOLD_SPECIAL: Final[dict[str, str]] = {
    "đ": "d",  # U+0111 (Đ U+0110 lowercases to it)
    "ð": "d",  # U+00F0 eth; Ð U+00D0 (often typed for Đ) lowercases to it
    "ɖ": "d",  # U+0256 African d; Ɖ U+0189 lowercases to it
    "ƀ": "b",  # U+0180 Ê Đê b with stroke; Ƀ U+0243 lowercases to it
    "ø": "o",
    "ł": "l",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "ĸ": "k",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}


@lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    """Fold one character (the definition the fast translate table is built from)."""
    if c in APOSTROPHES or c in _INVISIBLE:
        return ""
    cat = unicodedata.category(c)
    if cat[0] == "M" or cat == "Cf":
        return ""
    if cat[0] in "PSZ" or cat == "Cc" or c.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", c)
    if decomposed != c:
        return "".join(_fold_char(x) for x in decomposed)
    lower = c.lower()
    if lower != c:
        return "".join(_fold_char(x) for x in lower)
    return _FOLD_SPECIAL.get(c, c)


def _build_fold_table() -> dict[int, str | None]:
    ranges = (
        range(0x0000, 0x0370),  # ASCII, Latin-1, Latin Extended-A/B, IPA, spacing modifiers, combining marks
        range(0x1AB0, 0x1B00),  # combining diacritical marks extended
        range(0x1DC0, 0x1F00),  # combining supplement, Latin Extended Additional (Vietnamese precomposed)
        range(0x2000, 0x2070),  # general punctuation
        range(0x20D0, 0x2100),  # combining marks for symbols
        range(0xA720, 0xA800),  # Latin Extended-D (saltillo)
        range(0xFE20, 0xFE30),  # combining half marks
        range(0xFF00, 0xFF5F),  # fullwidth ASCII
    )
    table: dict[int, str | None] = {}
    for r in ranges:
        for cp in r:
            c = chr(cp)
            if unicodedata.category(c) == "Cs":
                continue
            folded = _fold_char(c)
            if folded != c:
                table[cp] = folded or None
    return table


_FOLD_TABLE: Final[dict[int, str | None]] = _build_fold_table()


# Folded words, keyed by the raw word: names and addresses reuse a small vocabulary, so most words hit.
_FOLD_CACHE: dict[str, str] = {}
_FOLD_CACHE_MAX: Final = 100_000


def _fold_word(word: str) -> str:
    """Fold one whitespace-free chunk; the result may be empty or contain single spaces."""
    out = word.translate(_FOLD_TABLE)
    if not out.isascii():  # characters outside the precomputed ranges (other scripts, rare symbols)
        out = "".join(map(_fold_char, out))
    out = " ".join(out.split())
    if len(_FOLD_CACHE) >= _FOLD_CACHE_MAX:
        _FOLD_CACHE.clear()
    _FOLD_CACHE[word] = out
    return out


def fold(s: str) -> str:
    """Fold for search: lowercase, no tones/diacritics, đ→d, ƀ→b, no apostrophes, punctuation→space."""
    get = _FOLD_CACHE.get
    parts = []
    for word in s.split():
        f = get(word)
        if f is None:
            f = _fold_word(word)
        if f:
            parts.append(f)
    return " ".join(parts)


def search_tokens(s: str) -> list[str]:
    """Folded search tokens of *s* (no empty strings)."""
    return fold(s).split()


# ----------------------------------------------------------------------------------------------------------
# Vietnamese collation
# ----------------------------------------------------------------------------------------------------------

# Key layout: primary + "!" + secondary + "!" + tertiary. Secondary: per word (syllable), the tones "1"-"5" of
# its toned letters, words joined by "0" (a syllable's tone counts wherever the mark sits: "Hòa" == "Hoà").
# Tertiary: one case digit per primary unit ("0" lower, "1" upper). Primary weights: space "#", other
# punctuation/symbols "$", digits "0"-"9", letters from "A" on in the order below, characters of other scripts
# as themselves (all >= U+0080, so after every letter).
_SEP: Final = "!"
_W_SPACE: Final = "#"
_W_PUNCT: Final = "$"

# (base letter, quality mark, breve) in alphabetical order. Quality: "^" circumflex, "+" horn.
_ALPHABET: Final[tuple[tuple[str, str, bool], ...]] = (
    ("a", "", False), ("a", "", True), ("a", "^", False),  # a ă â
    ("b", "", False), ("ƀ", "", False),  # b ƀ
    ("c", "", False), ("d", "", False), ("đ", "", False),
    ("e", "", False), ("e", "", True), ("e", "^", False), ("e", "^", True),  # e ĕ ê ê̆
    ("f", "", False), ("g", "", False), ("h", "", False),
    ("i", "", False), ("i", "", True),  # i ĭ
    ("j", "", False), ("k", "", False), ("l", "", False), ("m", "", False), ("n", "", False),
    ("o", "", False), ("o", "", True), ("o", "^", False), ("o", "^", True),  # o ŏ ô ô̆
    ("o", "+", False), ("o", "+", True),  # ơ ơ̆
    ("p", "", False), ("q", "", False), ("r", "", False), ("s", "", False), ("t", "", False),
    ("u", "", False), ("u", "", True), ("u", "+", False), ("u", "+", True),  # u ŭ ư ư̆
    ("v", "", False), ("w", "", False), ("x", "", False),
    ("y", "", False), ("y", "", True), ("z", "", False),
)  # fmt: skip
_ALPHA_WEIGHT: Final[dict[tuple[str, str, bool], str]] = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_BASE_ALIASES: Final[dict[str, str]] = {"ð": "đ", "ɖ": "đ"}  # look-alikes of đ (after lowercasing)
_TONES: Final[dict[str, str]] = {
    "\u0300": "1",  # huyền
    "\u0309": "2",  # hỏi
    "\u0303": "3",  # ngã
    "\u0301": "4",  # sắc
    "\u0323": "5",  # nặng
}
_DASHES: Final[dict[int, str]] = {ord(c): " " for c in "-\u2010\u2011\u2012\u2013\u2014\u2212"}


def _unit_weights(lower: str, quality: str, breve: bool) -> list[str]:
    """Primary weights for one base character (lowercased) with its quality/breve marks."""
    base = _BASE_ALIASES.get(lower, lower)
    for key in ((base, quality, breve), (base, quality, False), (base, "", breve), (base, "", False)):
        w = _ALPHA_WEIGHT.get(key)
        if w is not None:
            return [w]
    if "0" <= base <= "9":
        return [base]
    folded = _fold_char(base)
    if folded and folded.isascii() and folded.isalnum():
        return [_ALPHA_WEIGHT.get((x, "", False), x) for x in folded]
    if folded == "":
        return []
    if folded.isspace() or not base or ord(base[0]) < 0x80:
        return [_W_PUNCT]
    return [base]


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str, str]:
    """(primary, tones, case) parts for one word without spaces."""
    primary: list[str] = []
    secondary: list[str] = []
    tertiary: list[str] = []
    chars = unicodedata.normalize("NFD", word)
    i, n = 0, len(chars)
    while i < n:
        base = chars[i]
        i += 1
        marks: list[str] = []
        while i < n and unicodedata.category(chars[i])[0] == "M":
            marks.append(chars[i])
            i += 1
        if base in APOSTROPHES or unicodedata.category(base)[0] in "MC":
            continue  # apostrophe, stray mark, control or invisible character: ignorable
        quality, breve, tone = "", False, ""
        for mk in marks:
            if mk == "\u0302":
                quality = "^"
            elif mk == "\u031b":
                quality = "+"
            elif mk == "\u0306":
                breve = True
            elif mk in _TONES and not tone:
                tone = _TONES[mk]
        lower = base.lower()
        case = "1" if lower != base else "0"
        weights = _unit_weights(lower, quality, breve)
        if weights:
            primary.extend(weights)
            tertiary.extend(case * len(weights))
            if tone:
                secondary.append(tone)
    return "".join(primary), "".join(secondary), "".join(tertiary)


@lru_cache(maxsize=65536)
def _chunk_keys(chunk: str) -> tuple[tuple[str, str, str], ...]:
    """Keys of the dash-separated, non-empty words of one whitespace-free chunk."""
    words = chunk.translate(_DASHES).split() if not chunk.isalpha() else [chunk]
    return tuple(k for k in map(_word_key, words) if k[0])


def vi_sort_key(s: str) -> str:
    """Key that sorts with plain ``<`` in Vietnamese order (letters first, then tones, then case).

    Compares all primary letters first (a < ă < â < b < ƀ < ... ; space < punctuation < digits < letters),
    then tones (level, huyền, hỏi, ngã, sắc, nặng), then case (lower first). Apostrophes are ignored and
    hyphens count as spaces. Accepts NFC or NFD input.
    """
    parts = [k for chunk in s.split() for k in _chunk_keys(chunk)]
    primary = _W_SPACE.join(p for p, _, _ in parts)
    secondary = "0".join(t for _, t, _ in parts)
    tertiary = "0".join(c for _, _, c in parts)
    return f"{primary}{_SEP}{secondary}{_SEP}{tertiary}"


# ----------------------------------------------------------------------------------------------------------
# Person names
# ----------------------------------------------------------------------------------------------------------

NameOrder = Literal["family_first", "given_first"]
FAMILY_FIRST: Final = "family_first"
GIVEN_FIRST: Final = "given_first"

# Ê Đê / J'rai / M'Nông gender prefix: "Y " (male), "H " / "H'" / "H’" (female), also "Y-" / "H-".
# Only Y and H are treated as prefixes (not "Ka", "Nay", ...: those are parts of the name).
_APOS_CLASS: Final = "".join(map(re.escape, sorted(APOSTROPHES)))
_GENDER_PREFIX: Final = re.compile(rf"([YyHh])[ \-{_APOS_CLASS}](?=\S)")


def _split_prefix(full_name: str) -> tuple[str, str]:
    """("Y"/"H" or "", rest of the name), whitespace collapsed."""
    name = " ".join(full_name.split())
    m = _GENDER_PREFIX.match(name)
    return (m.group(1), name[m.end() :]) if m else ("", name)


def guess_name_order(full_name: str) -> NameOrder:
    """ "given_first" for names starting "Y ", "Y-", "H ", "H'" / "H’" (Ê Đê etc.), else "family_first"."""
    return GIVEN_FIRST if _split_prefix(full_name)[0] else FAMILY_FIRST


def person_sort_key(full_name: str, name_order: str, sort_name: str | None = None) -> str:
    """Sort key (see vi_sort_key) for a person.

    A non-blank *sort_name* (set by the user) is used as written. "family_first" (Kinh) reverses the words
    ("Nguyễn Văn Đức" sorts as "Đức Văn Nguyễn"). "given_first" (Ê Đê, J'rai, M'Nông) keeps the written
    order but moves a leading "Y"/"H" prefix to the end ("H’Maryam Niê" sorts as "Maryam Niê H", i.e. under
    M; the prefix only breaks ties).
    """
    if sort_name is not None and sort_name.strip():
        return vi_sort_key(sort_name)
    if name_order == FAMILY_FIRST:
        return vi_sort_key(" ".join(reversed(full_name.split())))
    if name_order == GIVEN_FIRST:
        prefix, rest = _split_prefix(full_name)
        return vi_sort_key(f"{rest} {prefix}")
    raise ValueError(f"unknown name_order {name_order!r} (expected 'family_first' or 'given_first')")


# ----------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------

_DMY: Final = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")
_ISO: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def format_date_vn(d: date) -> str:
    """dd/mm/yyyy, e.g. "05/02/2026"."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def parse_date_vn(s: str) -> date:
    """Parse dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy or ISO yyyy-mm-dd; ValueError otherwise."""
    text = s.strip()
    try:
        if m := _DMY.fullmatch(text):
            return date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if m := _ISO.fullmatch(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"Ngày không hợp lệ: {s!r}.") from None
    raise ValueError(f"Ngày không đúng định dạng dd/mm/yyyy: {s!r}.")


def official_date_line(place: str, d: date) -> str:
    """Date line of an official document: "Buôn Ma Thuột, ngày 05 tháng 02 năm 2026"."""
    return f"{clean_text(place)}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
