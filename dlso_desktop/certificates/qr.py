"""The QR code of a verification URL as a module matrix (rendering it is the PDF's and the screen's job).

Two segments, so the code carries exactly the URL of :func:`~dlso_desktop.certificates.record.certificate_url`:
``https://<host>/v/`` in byte mode (lowercase, as CERTIFICATES.md asks and as every phone camera recognises a
link) and the Base32 payload in alphanumeric mode (5.5 bits a letter instead of 8). Writing the whole URL
uppercase in alphanumeric mode would save about 12 bytes, at most one version, but some phone cameras do not
offer ``HTTPS://HOST/V/...`` as a link, and the path would change case.

Error correction Q (25 % of the code may be lost: a fold, a stain, the edge of the seal). The version is
computed from the length, not searched, and the mask is fixed: choosing a mask means building and scoring
eight candidate symbols, which is most of the time of qrcode's default ``make()``. Any of the eight masks is
valid; the score only avoids unlucky patterns, and :data:`MASK_PATTERN` scored best on average over
realistic certificate URLs (docs/CERTIFICATES_FORMAT.md).

With the mask fixed, qrcode's pure-Python Reed-Solomon and module placement were still ~8 ms a symbol
(4 s of a 500-certificate batch), so the symbol is built here: bits and Reed-Solomon remainders as Python
integers, and a per-(version, mask) template of the function patterns with the data modules' order and mask
bits precomputed. qrcode supplies the tables (block structure, capacities) and the function patterns; a test
checks the result against qrcode's own symbol, module for module.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Final

import qrcode  # type: ignore[import-untyped]
import qrcode.base  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
import qrcode.util  # type: ignore[import-untyped]

__all__ = ["MASK_PATTERN", "qr_matrix", "qr_version"]

MASK_PATTERN: Final = 6
_ECC: Final = qrcode.constants.ERROR_CORRECT_Q
_PAYLOAD_URL_RE: Final = re.compile(r"(.*/)([0-9A-Z $%*+\-./:]+)")
_ALNUM: Final = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")}
_MODE_BYTE: Final[int] = qrcode.util.MODE_8BIT_BYTE
_MODE_ALNUM: Final[int] = qrcode.util.MODE_ALPHA_NUM


def _segments(url: str) -> list[tuple[int, bytes]]:
    """(mode, data) segments: the URL's tail in alphanumeric mode where it allows, the rest as bytes."""
    match = _PAYLOAD_URL_RE.fullmatch(url)
    if match is None or not match.group(2):
        return [(_MODE_BYTE, url.encode("utf-8"))]
    head, tail = match.group(1), match.group(2)
    return [(_MODE_BYTE, head.encode("utf-8")), (_MODE_ALNUM, tail.encode("ascii"))]


def _data_bits(segments: list[tuple[int, bytes]], version: int) -> int:
    sizes = qrcode.util.mode_sizes_for_version(version)
    bits = 0
    for mode, data in segments:
        n = len(data)
        body = 11 * (n // 2) + 6 * (n % 2) if mode == _MODE_ALNUM else 8 * n
        bits += 4 + sizes[mode] + body
    return bits


def _version_of(segments: list[tuple[int, bytes]], length: int) -> int:
    limits = qrcode.util.BIT_LIMIT_TABLE[_ECC]
    version = 1
    while True:  # the character-count field widens at versions 10 and 27, so settle on a fixed point
        found = bisect.bisect_left(limits, _data_bits(segments, version), version)
        if found > 40:
            raise ValueError(f"a URL of {length} characters does not fit a QR code at level Q")
        if found == version:
            return version
        version = found


def qr_version(url: str) -> int:
    """The smallest version that holds ``url`` at error correction Q."""
    return _version_of(_segments(url), len(url))


# ---------------------------------------------------------------------------------------------------------
# Codewords


def _gf_tables() -> tuple[list[int], list[int]]:
    exp = [0] * 512
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@functools.cache
def _generator_products(ec_count: int) -> tuple[int, ...]:
    """For each feedback byte f, f times the generator polynomial's lower coefficients as one integer, so a
    Reed-Solomon division step is a shift and an XOR."""
    gen = [1]
    for i in range(ec_count):
        root = _EXP[i]
        gen = [a ^ _gf_mul(root, b) for a, b in zip([*gen, 0], [0, *gen], strict=True)]
    return tuple(int.from_bytes(bytes(_gf_mul(f, g) for g in gen[1:]), "big") for f in range(256))


def _ec_bytes(data: bytes, ec_count: int) -> bytes:
    products = _generator_products(ec_count)
    top_shift = 8 * (ec_count - 1)
    keep = (1 << (8 * ec_count)) - 1
    rem = 0
    for byte in data:
        rem = ((rem << 8) & keep) ^ products[(rem >> top_shift) ^ byte]
    return rem.to_bytes(ec_count, "big")


def _codewords(segments: list[tuple[int, bytes]], version: int) -> bytes:
    sizes = qrcode.util.mode_sizes_for_version(version)
    acc, nbits = 0, 0
    for mode, data in segments:
        acc = (acc << 4 | mode) << sizes[mode] | len(data)
        nbits += 4 + sizes[mode]
        if mode == _MODE_ALNUM:
            values = [_ALNUM[chr(b)] for b in data]
            for i in range(0, len(values) - 1, 2):
                acc = acc << 11 | (values[i] * 45 + values[i + 1])
            nbits += 11 * (len(values) // 2)
            if len(values) % 2:
                acc = acc << 6 | values[-1]
                nbits += 6
        else:
            acc = acc << (8 * len(data)) | int.from_bytes(data, "big")
            nbits += 8 * len(data)
    blocks = qrcode.base.rs_blocks(version, _ECC)
    capacity = sum(b.data_count for b in blocks)
    pad = min(4, capacity * 8 - nbits) + (-(nbits + min(4, capacity * 8 - nbits)) % 8)  # terminator, byte edge
    acc <<= pad
    nbits += pad
    filled = acc.to_bytes(nbits // 8, "big")
    stream = filled + bytes((0xEC, 0x11) * capacity)[: capacity - len(filled)]

    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    offset = 0
    for block in blocks:
        chunk = stream[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_ec_bytes(chunk, block.total_count - block.data_count))
    out = bytearray()
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            out.extend(b[i] for b in group if i < len(b))
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------
# Module placement


@functools.cache
def _template(version: int, mask: int) -> tuple[tuple[bool, ...], tuple[int, ...], int]:
    """(function modules with data modules light, data module positions in placement order, mask bits in
    the same order as one integer, most significant first)."""
    qr = qrcode.QRCode(version=version, error_correction=_ECC, border=0, mask_pattern=mask)
    n = qr.modules_count = version * 4 + 17
    qr.modules = [[None] * n for _ in range(n)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(n - 7, 0)
    qr.setup_position_probe_pattern(0, n - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(False, mask)
    if version >= 7:
        qr.setup_type_number(False)
    grid: list[list[bool | None]] = qr.modules
    order: list[int] = []
    row, step = n - 1, -1
    for right in range(n - 1, 0, -2):
        col = right - 1 if right <= 6 else right  # skip the vertical timing pattern
        while 0 <= row < n:
            order.extend(row * n + c for c in (col, col - 1) if grid[row][c] is None)
            row += step
        row -= step
        step = -step
    masked = qrcode.util.mask_func(mask)
    mask_bits = 0
    for pos in order:
        mask_bits = mask_bits << 1 | bool(masked(pos // n, pos % n))
    flat = tuple(bool(m) for r in grid for m in r)
    return flat, tuple(order), mask_bits


def _qrcode_matrix(url: str, version: int, mask_pattern: int | None) -> list[list[bool]]:
    qr = qrcode.QRCode(version=version, error_correction=_ECC, border=0, mask_pattern=mask_pattern)
    for mode, data in _segments(url):
        qr.add_data(qrcode.util.QRData(data, mode=mode, check_data=False), optimize=0)
    qr.make(fit=False)
    return [[bool(m) for m in row] for row in qr.modules]


def qr_matrix(url: str, *, mask_pattern: int | None = MASK_PATTERN, use_qrcode: bool = False) -> list[list[bool]]:
    """The modules of the QR code of ``url`` (True = dark), quiet zone excluded.

    ``mask_pattern=None`` lets qrcode choose the mask by its penalty score, and ``use_qrcode=True`` builds the
    symbol with qrcode alone (both the slow ways, kept for comparison and for the tests).
    """
    segments = _segments(url)
    version = _version_of(segments, len(url))
    if mask_pattern is None or use_qrcode:
        return _qrcode_matrix(url, version, mask_pattern)
    flat_template, order, mask_bits = _template(version, mask_pattern)
    codewords = _codewords(segments, version)
    positions = len(order)
    stream = int.from_bytes(codewords, "big") << (positions - 8 * len(codewords))  # remainder bits are light
    bits = format(stream ^ mask_bits, f"0{positions}b")
    flat = list(flat_template)
    for pos, bit in zip(order, bits, strict=True):
        flat[pos] = bit == "1"
    n = version * 4 + 17
    return [flat[i : i + n] for i in range(0, n * n, n)]
