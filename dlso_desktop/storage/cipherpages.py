"""SQLCipher 4 database files written page by page from a plaintext SQLite stream, never in clear on disk.

A new laptop's first sync downloads the commune snapshot (:mod:`sync.bootstrap`): a plaintext SQLite file,
gzip-compressed on the wire (a sixth of its size) and protected by TLS. An encrypted laptop must not write it in
clear, even for a second, and SQLCipher can only encrypt a database it can open, i.e. a file already on disk.
So :class:`PageEncryptor` does for each page, in memory and as the pages stream in, exactly what SQLCipher's
codec does when it writes a page with its default settings (SQLCipher 4: 4096-byte pages, AES-256-CBC with a
random IV per page, HMAC-SHA512 over the ciphertext, the IV and the page number; the HMAC key derived from the
database key and the file's random salt with two rounds of PBKDF2-HMAC-SHA512, the salt masked with 0x3a; the
first 16 bytes of the file are that salt). The result is an ordinary SQLCipher file that opens with the
laptop's own database key; every page's HMAC is checked again when SQLCipher reads it, so a wrong byte here
could never pass for data.

This only works for a plaintext file laid out for SQLCipher: 4096-byte pages with 80 reserved bytes at the end
of each (room for the IV and the HMAC, header byte 20). The server builds its snapshots that way
(:func:`plain_template`); any other stream is refused with :class:`NotEncryptable` before a page is written.

:func:`decrypt_file` does the reverse; it exists for the server's template and for tests, not for the app.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
IV_BYTES = 16
HMAC_BYTES = 64  # HMAC-SHA512
RESERVE = IV_BYTES + HMAC_BYTES  # 80: SQLCipher 4's reserve with its default HMAC
USABLE = PAGE_SIZE - RESERVE
SALT_BYTES = 16
HMAC_SALT_MASK = 0x3A
FAST_KDF_ITER = 2
KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"


class NotEncryptable(ValueError):
    """The stream is not a plaintext SQLite file laid out for SQLCipher (page size, reserved bytes), or it ended
    in the middle of a page."""


def hmac_key(key: bytes, salt: bytes) -> bytes:
    """SQLCipher's page-HMAC key for a raw database ``key`` and a file ``salt``."""
    return hashlib.pbkdf2_hmac("sha512", key, bytes(b ^ HMAC_SALT_MASK for b in salt), FAST_KDF_ITER, KEY_BYTES)


def check_first_page(page: bytes | memoryview) -> None:
    """Page 1 of a plaintext SQLite file with SQLCipher's layout, or :class:`NotEncryptable`."""
    head = bytes(page[:100])
    if len(head) < 100 or head[:16] != SQLITE_HEADER:
        raise NotEncryptable("not an SQLite database")
    page_size = int.from_bytes(head[16:18], "big")
    if page_size != PAGE_SIZE:
        raise NotEncryptable(f"page size {page_size}, SQLCipher's is {PAGE_SIZE}")
    if head[20] != RESERVE:
        raise NotEncryptable(f"{head[20]} reserved bytes per page, SQLCipher needs {RESERVE}")


class PageEncryptor:
    """Takes a plaintext SQLite file in chunks of any size (:meth:`write`) and writes it SQLCipher-encrypted
    with ``key`` to ``out``; :meth:`finish` checks that it ended on a page boundary. Nothing is written before
    the first page has been checked."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise ValueError(f"a database key is {KEY_BYTES} bytes")
        self._out = out
        self._aes = algorithms.AES(key)
        self._salt = os.urandom(SALT_BYTES)
        self._hkey = hmac_key(key, self._salt)
        self._pending = bytearray()
        self._pgno = 0
        self.plain_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._pending += data
        self.plain_bytes += len(data)
        whole = len(self._pending) // PAGE_SIZE
        if whole:
            self._out.write(self._encrypt_pages(memoryview(self._pending)[: whole * PAGE_SIZE], whole))
            del self._pending[: whole * PAGE_SIZE]
        return len(data)

    def finish(self) -> int:
        """Checks the end of the stream; returns the number of pages written."""
        if self._pending:
            raise NotEncryptable(f"the file ends inside a page ({len(self._pending)} bytes left over)")
        if self._pgno == 0:
            raise NotEncryptable("an empty file")
        return self._pgno

    def _encrypt_pages(self, pages: memoryview, count: int) -> bytes:
        # (one CBC stream for all pages, each IV made by encrypting a random block, measured no faster)
        out = bytearray(count * PAGE_SIZE)
        ivs = os.urandom(IV_BYTES * count)
        aes, hkey = self._aes, self._hkey
        for i in range(count):
            pgno = self._pgno + 1 + i
            base = i * PAGE_SIZE
            start = 0
            if pgno == 1:
                check_first_page(pages[:PAGE_SIZE])
                start = SALT_BYTES  # the first 16 bytes of the file are the salt, the rest of page 1 is encrypted
                out[0:SALT_BYTES] = self._salt
            iv = ivs[i * IV_BYTES : (i + 1) * IV_BYTES]
            body = Cipher(aes, modes.CBC(iv)).encryptor().update(pages[base + start : base + USABLE]) + iv
            out[base + start : base + USABLE + IV_BYTES] = body
            out[base + USABLE + IV_BYTES : base + PAGE_SIZE] = hmac.digest(
                hkey, body + pgno.to_bytes(4, "little"), "sha512"
            )
        self._pgno += count
        return bytes(out)


def encrypt_file(source: Path, dest: Path, key: bytes) -> int:
    """``source`` (plaintext, SQLCipher's layout) encrypted into a new ``dest``; returns the pages written."""
    with open(source, "rb") as src, open(dest, "wb") as out:
        enc = PageEncryptor(out, key)
        while chunk := src.read(1 << 20):
            enc.write(chunk)
        return enc.finish()


def decrypt_file(source: Path, dest: Path, key: bytes) -> int:
    """The plaintext of an SQLCipher 4 file with default settings (every page's HMAC checked; a wrong key or a
    changed byte raises :class:`ValueError`). The reserved bytes stay, so the plaintext keeps SQLCipher's
    layout. Returns the pages written."""
    data = source.read_bytes()
    if not data or len(data) % PAGE_SIZE:
        raise ValueError("not an SQLCipher file of 4096-byte pages")
    aes = algorithms.AES(key)
    salt = data[:SALT_BYTES]
    hkey = hmac_key(key, salt)
    out = bytearray(len(data))
    for i in range(len(data) // PAGE_SIZE):
        pgno, base = i + 1, i * PAGE_SIZE
        start = SALT_BYTES if pgno == 1 else 0
        body = data[base + start : base + USABLE + IV_BYTES]
        mac = data[base + USABLE + IV_BYTES : base + PAGE_SIZE]
        if not hmac.compare_digest(mac, hmac.digest(hkey, body + pgno.to_bytes(4, "little"), "sha512")):
            raise ValueError(f"page {pgno} does not authenticate: wrong key, or the file was changed")
        iv = data[base + USABLE : base + USABLE + IV_BYTES]
        out[base + start : base + USABLE] = Cipher(aes, modes.CBC(iv)).decryptor().update(body[:-IV_BYTES])
        out[base + USABLE : base + PAGE_SIZE] = data[base + USABLE : base + PAGE_SIZE]
        if pgno == 1:
            out[0:SALT_BYTES] = SQLITE_HEADER
    dest.write_bytes(bytes(out))
    return len(data) // PAGE_SIZE


def plain_template(dest: Path) -> None:
    """An empty plaintext SQLite database at ``dest`` (a new file) laid out for SQLCipher: a database created in
    it (tables, rows) keeps 80 reserved bytes on every page, so :class:`PageEncryptor` can encrypt it later.

    Standard SQLite has no setting for reserved bytes, so this lets SQLCipher make an empty database and
    decrypts its one page."""
    import sqlcipher3

    key = os.urandom(KEY_BYTES)
    with tempfile.TemporaryDirectory(prefix="dlso-template-") as tmp:
        keyed = Path(tmp) / "empty.sqlite"
        conn = sqlcipher3.connect(str(keyed))
        try:
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute("PRAGMA user_version = 0")
            conn.execute("CREATE TABLE t (x)")  # page 1 is written with the schema ...
            conn.execute("DROP TABLE t")
            conn.execute("VACUUM")  # ... and the dropped table's page given back: one page, empty schema
        finally:
            conn.close()
        pages = decrypt_file(keyed, dest, key)
    if pages != 1:
        raise RuntimeError(f"the template has {pages} pages")
