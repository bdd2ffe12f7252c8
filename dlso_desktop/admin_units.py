"""Official administrative units of Đắk Lắk (province 66) from the ``vietnam-provinces`` package.

Two levels only (province + xã/phường); villages are per-commune records, not package data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from typing import Final

import vietnam_provinces
from vietnam_provinces import ProvinceCode, VietNamDivisionType, Ward

from dlso_desktop.text import clean_text, fold, nfc, vi_sort_key
from dlso_desktop.validation import ValidationError

__all__ = [
    "DAK_LAK_PROVINCE_CODE",
    "Commune",
    "commune_by_code",
    "commune_heading",
    "dak_lak_communes",
    "data_version",
    "find_communes",
]

DAK_LAK_PROVINCE_CODE: Final = 66

_KINDS: Final[dict[VietNamDivisionType, tuple[str, str]]] = {
    VietNamDivisionType.XA: ("xa", "Xã"),
    VietNamDivisionType.PHUONG: ("phuong", "Phường"),
    VietNamDivisionType.DAC_KHU: ("dac_khu", "Đặc khu"),
}


@dataclass(frozen=True, slots=True)
class Commune:
    """A xã or phường. Names are normalised (NFC, single spaces, straight apostrophes)."""

    code: int
    name: str  # official full name, e.g. "Xã Ea H'Leo"
    kind: str  # "xa" or "phuong"
    short_name: str  # without the "Xã " / "Phường " prefix, e.g. "Ea H'Leo"
    display_name: str  # label for pickers and lists (the normalised full name)
    folded: str  # fold(name), for accent-insensitive search


def _to_commune(w: Ward) -> Commune:
    name = clean_text(w.name)
    kind, prefix = _KINDS.get(w.division_type, ("xa", "Xã"))
    short = name
    for p in (prefix, *(p for _, p in _KINDS.values())):
        if name.casefold().startswith(p.casefold() + " "):
            short = name[len(p) + 1 :]
            break
    return Commune(code=int(w.code), name=name, kind=kind, short_name=short, display_name=name, folded=fold(name))


@cache
def _communes() -> tuple[Commune, ...]:
    wards = Ward.iter_by_province(ProvinceCode(DAK_LAK_PROVINCE_CODE))
    return tuple(sorted(map(_to_commune, wards), key=lambda c: (vi_sort_key(c.short_name), c.kind, c.code)))


@cache
def _by_code() -> dict[int, Commune]:
    return {c.code: c for c in _communes()}


def dak_lak_communes() -> list[Commune]:
    """All 102 units of Đắk Lắk (88 xã, 14 phường), in Vietnamese order of short name."""
    return list(_communes())


def commune_by_code(code: int) -> Commune:
    """The unit with this official code; ValidationError (field "commune_code") if not in Đắk Lắk."""
    try:
        return _by_code()[int(code)]
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            "commune_code",
            f"Mã xã/phường {code} không thuộc tỉnh Đắk Lắk.",
            f"Commune/ward code {code} is not in Đắk Lắk province.",
            "commune.unknown",
        ) from None


def find_communes(query: str) -> list[Commune]:
    """Type-to-filter search: accent-insensitive match on the name, or a code prefix.

    Every query word must occur in the folded full name ("buon ma", "ea hleo", "phuong tan"). Best matches
    first: exact code, short name starting with the query, query at a word start, anywhere; then
    alphabetical. An empty query returns all units.
    """
    communes = _communes()
    q = fold(query)
    if not q:
        return list(communes)
    digits = q.replace(" ", "")
    tokens = q.split()
    ranked: list[tuple[int, Commune]] = []
    for c in communes:
        code = str(c.code)
        short = fold(c.short_name)
        if digits.isdigit() and code.startswith(digits):
            rank = 0 if code == digits else 1
        elif short.startswith(q):
            rank = 2
        elif c.folded.startswith(q) or f" {q}" in c.folded:
            rank = 3
        elif q in c.folded:
            rank = 4
        elif all(t in c.folded for t in tokens):
            rank = 5
        else:
            continue
        ranked.append((rank, c))
    ranked.sort(key=lambda rc: rc[0])  # stable: alphabetical within a rank
    return [c for _, c in ranked]


def data_version() -> str:
    """Which package/data release the unit list comes from, e.g. "vietnam-provinces 2026.9.0 (2026-09-20)"."""
    try:
        pkg_version = _dist_version("vietnam-provinces")
    except PackageNotFoundError:
        pkg_version = str(getattr(vietnam_provinces, "__version__", "unknown"))
    data = getattr(vietnam_provinces, "__data_version__", None)
    return f"vietnam-provinces {pkg_version}" + (f" ({data})" if data else "")


def commune_heading(c: Commune) -> str:
    """Uppercase name for official document headings: "XÃ EA KAR", "PHƯỜNG BUÔN MA THUỘT"."""
    return nfc(c.name.upper())
