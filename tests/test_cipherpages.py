"""SQLCipher files written page by page from a plaintext stream (dlso_desktop.storage.cipherpages): what they
write is exactly what SQLCipher reads, and nothing that is not a whole, well-laid-out SQLite file gets through."""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from dlso_desktop.storage import cipherpages as cp
from dlso_desktop.storage.db import raw_key
from dlso_desktop.storage.store import create_database, open_database

COMMUNE = 24133


def keyed(path: Path, key: bytes) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(path))
    conn.execute(f'PRAGMA key = "{raw_key(key)}"')
    return conn


def laid_out(path: Path, rows: int = 3000) -> Path:
    """A plaintext database with SQLCipher's layout holding ``rows`` rows with an index."""
    cp.plain_template(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, phone TEXT)")
    conn.execute("CREATE INDEX person_name ON person (name)")
    conn.executemany(
        "INSERT INTO person (name, phone) VALUES (?, ?)",
        [(f"H'Hen Niê {i} Đắk Lắk", f"09{i:08d}") for i in range(rows)],
    )
    conn.commit()
    conn.close()
    return path


def test_the_template_is_plain_sqlite_with_sqlciphers_reserve_and_keeps_it(tmp_path: Path) -> None:
    path = laid_out(tmp_path / "plain.sqlite")
    data = path.read_bytes()
    assert data[:16] == cp.SQLITE_HEADER and data[20] == cp.RESERVE
    assert len(data) > 20 * cp.PAGE_SIZE
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_a_streamed_file_opens_with_sqlcipher_and_holds_the_same_rows(tmp_path: Path) -> None:
    plain = laid_out(tmp_path / "plain.sqlite")
    key = os.urandom(32)
    out = io.BytesIO()
    enc = cp.PageEncryptor(out, key)
    data = plain.read_bytes()
    for start in range(0, len(data), 1000):  # chunks that never fit a page
        enc.write(data[start : start + 1000])
    assert enc.finish() == len(data) // cp.PAGE_SIZE
    encrypted = tmp_path / "enc.sqlite"
    encrypted.write_bytes(out.getvalue())
    assert len(out.getvalue()) == len(data)
    assert b"Ni\xc3\xaa" not in out.getvalue() and b"0900000042" not in out.getvalue()
    conn = keyed(encrypted, key)
    assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT id, name, phone FROM person ORDER BY id").fetchall()
    conn.close()
    source = sqlite3.connect(plain)
    assert rows == source.execute("SELECT id, name, phone FROM person ORDER BY id").fetchall()
    source.close()
    # and back: decrypting gives the plaintext pages again
    again = tmp_path / "again.sqlite"
    cp.decrypt_file(encrypted, again, key)
    check = sqlite3.connect(again)
    assert check.execute("SELECT count(*) FROM person").fetchone() == (3000,)
    check.close()


def test_the_file_opens_only_with_its_key_and_a_changed_byte_is_caught(tmp_path: Path) -> None:
    plain = laid_out(tmp_path / "plain.sqlite", rows=500)
    key = os.urandom(32)
    encrypted = tmp_path / "enc.sqlite"
    cp.encrypt_file(plain, encrypted, key)
    wrong = keyed(encrypted, os.urandom(32))
    with pytest.raises(sqlcipher3.DatabaseError):
        wrong.execute("SELECT count(*) FROM person").fetchone()
    wrong.close()
    data = bytearray(encrypted.read_bytes())
    data[3 * cp.PAGE_SIZE + 100] ^= 0x01  # one bit inside page 4
    encrypted.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="page 4"):
        cp.decrypt_file(encrypted, tmp_path / "x.sqlite", key)
    conn = keyed(encrypted, key)
    assert conn.execute("PRAGMA cipher_integrity_check").fetchall()  # SQLCipher sees it too
    conn.close()


def test_a_stream_without_sqlciphers_layout_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    ordinary = tmp_path / "ordinary.sqlite"
    conn = sqlite3.connect(ordinary)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    out = io.BytesIO()
    with pytest.raises(cp.NotEncryptable, match="reserved bytes"):
        cp.PageEncryptor(out, os.urandom(32)).write(ordinary.read_bytes())
    assert out.getvalue() == b""
    with pytest.raises(cp.NotEncryptable, match="not an SQLite database"):
        cp.PageEncryptor(out, os.urandom(32)).write(os.urandom(cp.PAGE_SIZE * 2))
    assert out.getvalue() == b""
    with pytest.raises(ValueError):
        cp.PageEncryptor(out, b"short")


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=1, max_value=cp.PAGE_SIZE * 6 - 1).filter(lambda n: n % cp.PAGE_SIZE))
def test_a_stream_cut_inside_a_page_is_refused(tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
    plain = tmp_path_factory.getbasetemp() / "cut.sqlite"
    if not plain.exists():
        laid_out(plain, rows=300)
    enc = cp.PageEncryptor(io.BytesIO(), os.urandom(32))
    enc.write(plain.read_bytes()[:cut])
    with pytest.raises(cp.NotEncryptable):
        enc.finish()


def test_a_database_created_with_the_layout_stays_a_normal_dlso_database(tmp_path: Path) -> None:
    db = create_database(tmp_path / "snap.sqlite", COMMUNE, cipher_layout=True)
    db.close()
    assert (tmp_path / "snap.sqlite").read_bytes()[20] == cp.RESERVE
    db = open_database(tmp_path / "snap.sqlite")  # migrations ran, meta seeded: the laptop code opens it
    assert db.commune_code == COMMUNE
    db.close()
    with pytest.raises(ValueError):
        create_database(tmp_path / "other.sqlite", COMMUNE, key=os.urandom(32), cipher_layout=True)
