"""The `dlso` command line (in-process through `main`, and once as a real process) and the JSONL importer."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli
from conftest import take_snapshot

from dlso_desktop.importer import ImportRejected, import_jsonl
from dlso_desktop.services import Services
from dlso_desktop.storage.store import Database, open_database

COMMUNE = 24133


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("DLSO_LANG", raising=False)
    monkeypatch.delenv("DLSO_DATA_DIR", raising=False)
    return Cli(tmp_path / "data", capsys)


@pytest.fixture
def ready(cli: Cli) -> Cli:
    assert cli("init", "--commune", str(COMMUNE), "--unencrypted") == 0, cli.err
    return cli


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    """Objects become JSON lines; str is written as is; bytes as raw bytes (for broken encodings)."""
    with path.open("wb") as fh:
        for line in lines:
            if isinstance(line, bytes):
                fh.write(line + b"\n")
            elif isinstance(line, str):
                fh.write(line.encode() + b"\n")
            else:
                fh.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    return path


GOOD: list[dict[str, Any]] = [
    {
        "village": "Buôn Kô Tam",
        "village_kind": "buon",
        "address": "12 Y Jút",
        "phone": "0905 123 456",
        "smartphone_count": 2,
        "phones_2g_only": 1,
        "internet": "mobile",
        "notes": "",
        "members": [
            {
                "full_name": "H’Maryam Niê",
                "sex": "female",
                "birth_date": "05/02/1990",
                "citizen_id": "066190001234",
                "phone": "0987654321",
                "relationship": "head",
                "name_order": "given_first",
                "vneid_level": "level2",
                "has_smartphone": True,
                "main_language": "Ê Đê",
                "needs_interpreter": False,
            },
            {"full_name": "Y Mek Niê", "sex": "male", "birth_year": 2015, "relationship": "child"},
        ],
    },
    {
        "village": "Thôn 3",
        "head_name": "Nguyễn Văn Đức",
        "internet": "fibre",
        "members": [{"full_name": "Nguyễn Văn Đức", "birth_date": "1975-03-04", "relationship": "head"}],
    },
    {"village": "thon 3", "address": "Hẻm 5", "members": [{"full_name": "Lê Thị Hoa", "relationship": "head"}]},
]


def counts(cli: Cli) -> dict[str, int]:
    data = cli.json("stats")
    assert isinstance(data, dict)
    return {str(k): int(v) for k, v in data.items()}


# ---------------------------------------------------------------------------------------------------------
# init, stats, check


def test_init_creates_the_database(cli: Cli) -> None:
    assert cli("init", "--commune", "24133", "--unencrypted") == 0, cli.err
    assert cli.db_path.is_file()
    assert "Phường Buôn Ma Thuột" in cli.out
    assert cli.err == ""
    db = open_database(cli.db_path)
    try:
        assert db.commune_code == COMMUNE
    finally:
        db.close()


def test_init_json(cli: Cli) -> None:
    data = cli.json("init", "--commune", "24133", "--unencrypted")
    assert data["commune_code"] == COMMUNE
    assert data["commune"] == "Phường Buôn Ma Thuột"
    assert Path(data["database"]) == cli.db_path


def test_init_twice_keeps_the_first(ready: Cli) -> None:
    before = sha256(ready.db_path)
    assert ready("init", "--commune", "24133", "--unencrypted") == 1
    assert ready.err.count("\n") == 1 and ready.err.startswith("dlso: ")
    assert "không ghi đè" in ready.err
    assert sha256(ready.db_path) == before


def test_init_outside_dak_lak(cli: Cli) -> None:
    assert cli("init", "--commune", "1") == 2
    assert "Đắk Lắk" in cli.err and cli.err.count("\n") == 1
    assert not cli.db_path.exists()


def test_english_messages(ready: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLSO_LANG", "en")
    assert ready("init", "--commune", "24133", "--unencrypted") == 1
    assert "not overwriting" in ready.err


def test_stats_json(ready: Cli) -> None:
    data = counts(ready)
    assert data["commune"] == 102
    assert data["household"] == data["person"] == data["village"] == 0
    assert data["outbox_pending"] == 0
    assert ready("stats") == 0
    assert "household" in ready.out and "102" in ready.out


def test_check(ready: Cli) -> None:
    assert ready("check") == 0, ready.err
    assert ready.out.strip().endswith("OK")
    data = ready.json("check")
    assert data["ok"] is True and data["problems"] == []


def test_check_finds_a_damaged_search_index(ready: Cli, tmp_path: Path) -> None:
    assert ready("import", str(write_jsonl(tmp_path / "ho.jsonl", GOOD))) == 0
    raw = sqlite3.connect(ready.db_path)
    raw.execute("UPDATE person SET search_rowid = NULL WHERE rowid = (SELECT min(rowid) FROM person)")
    raw.commit()
    raw.close()
    assert ready("check") == 1
    assert "search index person" in ready.out
    assert "OK" not in ready.out


def test_missing_database(cli: Cli) -> None:
    for args in (["stats"], ["check"], ["search", "duc"], ["backup", "--out", str(cli.data.parent / "b.sqlite")]):
        assert cli(*args) == 1, args
        assert cli.err.count("\n") == 1 and cli.err.startswith("dlso: "), cli.err
        assert "dlso init" in cli.err
        assert cli.out == ""
    assert not cli.data.exists()


def test_database_that_cannot_be_opened(ready: Cli) -> None:
    raw = sqlite3.connect(ready.db_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.close()
    before = sha256(ready.db_path)
    assert ready("stats") == 1
    assert "9999_future" in ready.err and ready.err.count("\n") == 1
    assert sha256(ready.db_path) == before
    ready.db_path.write_bytes(b"\x00garbage" * 1000)
    assert ready("check") == 1
    assert ready.err.count("\n") == 1 and "Traceback" not in ready.err


def test_bad_arguments(ready: Cli) -> None:
    assert ready("search", "duc", "--limit", "0") == 2
    assert "--limit" in ready.err
    assert ready("search", "duc", "--limit", "ba") == 2
    assert ready("frobnicate") == 2
    assert ready("init") == 2  # --commune is required


# ---------------------------------------------------------------------------------------------------------
# import


def test_import_good_file(ready: Cli, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "ho.jsonl", GOOD)
    data = ready.json("import", str(src))
    assert data == {
        "imported": True,
        "households": 3,
        "persons": 4,
        "villages_created": 2,  # "Thôn 3" and "thon 3" are one village
        "rejected_lines": 0,
        "rejects_file": None,
    }
    stats = counts(ready)
    assert (stats["household"], stats["person"], stats["village"]) == (3, 4, 2)
    assert stats["outbox_pending"] == 3 + 4 + 2
    db = open_database(ready.db_path)
    try:
        with db.reader() as conn:
            births = {str(k): v for k, v in conn.exec_driver_sql("SELECT full_name, birth_date FROM person")}
            phone = conn.exec_driver_sql("SELECT phone FROM household WHERE address = '12 Y Jút'").scalar()
        assert births["H'Maryam Niê"] == "1990-02-05"  # dd/mm/yyyy, not mm/dd
        assert births["Nguyễn Văn Đức"] == "1975-03-04"
        assert phone == "0905123456"
        svc = Services(db)
        assert [v.name for v in svc.villages.list_all()] == ["Buôn Kô Tam", "Thôn 3"]
        maryam = next(h for h in svc.search.search("maryam") if h.kind == "person")
        assert svc.persons.get(maryam.id).person.vneid_level == "level2"
        assert svc.admin.check().ok
    finally:
        db.close()
    assert ready("search", "nguyen van duc") == 0
    assert "Nguyễn Văn Đức" in ready.out


def test_importing_the_same_file_twice_is_refused(ready: Cli, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "ho.jsonl", GOOD)
    assert ready("import", str(src)) == 0, ready.err
    before = counts(ready)
    assert ready("import", str(src)) == 2
    assert "đã được nhập" in ready.err and ready.err.count("\n") == 1
    assert counts(ready) == before
    # another file with the same people: a person whose CCCD is already known is a bad line
    again = write_jsonl(tmp_path / "ho2.jsonl", [*GOOD, {"village": "Thôn 4", "head_name": "Lê Văn Tâm"}])
    assert ready("import", str(again)) == 2
    assert "dòng 1: members.0.citizen_id" in ready.err and "H'Maryam Niê" in ready.err
    assert counts(ready) == before
    assert ready("import", "--skip-invalid", str(again)) == 0, ready.err
    assert counts(ready)["household"] == before["household"] + 3  # lines without a known CCCD


def test_import_text_output_and_bom(ready: Cli, tmp_path: Path) -> None:
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD[1], ensure_ascii=False).encode() + b"\r\n\r\n")
    assert ready("import", str(src)) == 0, ready.err
    assert "1 hộ" in ready.out and "1 người" in ready.out
    assert counts(ready)["household"] == 1


BAD_LINES: list[tuple[Any, str]] = [  # (line, the field its error names; "" for the whole line)
    ("{not json", ""),
    ([1, 2, 3], ""),
    ({**GOOD[1], "colour": "blue"}, "colour"),
    ({**GOOD[1], "smartphone_count": "2"}, "smartphone_count"),
    ({**GOOD[1], "members": {"full_name": "Lê Văn Tám"}}, "members"),
    ({**GOOD[1], "members": [{"full_name": "Lê Văn Tám", "age": 40}]}, "members.0.age"),
    (
        {**GOOD[1], "members": [{"full_name": "Lê Văn Tám", "relationship": "head", "birth_year": "1980"}]},
        "members.0.birth_year",
    ),
    (
        {**GOOD[1], "members": [{"full_name": "Lê Văn Tám", "relationship": "head", "birth_date": "31/02/1980"}]},
        "members.0.birth_date",
    ),
    (
        {**GOOD[1], "members": [{"full_name": "Lê Văn Tám", "relationship": "head", "phone": "12345"}]},
        "members.0.phone",
    ),
    ({**GOOD[1], "internet": "wifi"}, "internet"),
    ({**GOOD[1], "village": "  "}, "village"),
    ({**GOOD[1], "head_name": None, "members": []}, "head_name"),
    ("Nguy\xe1\xbb\x85n".encode("latin-1") + b"\xff\xfe", ""),  # not UTF-8
]


def test_import_reports_every_bad_line_and_writes_nothing(ready: Cli, tmp_path: Path) -> None:
    lines: list[Any] = []
    bad_numbers: list[int] = []
    for i, (bad, _field) in enumerate(BAD_LINES):
        lines.append(GOOD[1 + i % 2])  # good lines without a CCCD can repeat
        lines.append(bad)
        bad_numbers.append(len(lines))
    src = write_jsonl(tmp_path / "mixed.jsonl", lines)
    stats = counts(ready)
    db = open_database(ready.db_path)
    before = take_snapshot(db)
    db.close()

    assert ready("import", str(src)) == 2
    reported = {int(line.split(":")[0].split()[-1]) for line in ready.err.splitlines() if line.startswith("dòng ")}
    assert reported == set(bad_numbers)
    for number, (_bad, field) in zip(bad_numbers, BAD_LINES, strict=True):
        mine = [line for line in ready.err.splitlines() if line.startswith(f"dòng {number}:")]
        assert mine, number
        assert any(line.startswith(f"dòng {number}: {field}") for line in mine), (number, field, mine)
    assert f"{len(bad_numbers)} dòng không hợp lệ" in ready.err.splitlines()[-1]
    assert not (tmp_path / "mixed.jsonl.rejects.jsonl").exists()
    assert counts(ready) == stats
    db = open_database(ready.db_path)
    try:
        assert take_snapshot(db) == before
    finally:
        db.close()


def test_import_three_bad_lines_json_output(ready: Cli, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "three.jsonl", [GOOD[0], "{", GOOD[1], {"village": 5}, b"\xc3\x28", GOOD[2]])
    stats = counts(ready)
    assert ready("import", str(src)) == 2
    assert ready.out == ""
    assert [line.split(":")[0] for line in ready.err.splitlines()[:-1]] == ["dòng 2", "dòng 4", "dòng 5"]
    assert ready.err.splitlines()[-1].startswith("dlso: Tệp có 3 dòng không hợp lệ")
    assert ready("--json", "import", str(src)) == 2
    data = json.loads(ready.out)
    assert data["imported"] is False
    assert sorted({e["line"] for e in data["errors"]}) == [2, 4, 5]
    assert all(e["message"] for e in data["errors"])
    assert counts(ready) == stats


def test_import_skip_invalid(ready: Cli, tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "mixed.jsonl",
        [GOOD[0], "{broken", GOOD[1], {**GOOD[2], "internet": "wifi"}, GOOD[2], b"\xff", ""],
    )
    assert ready("import", "--skip-invalid", str(src)) == 0, ready.err
    rejects = tmp_path / "mixed.jsonl.rejects.jsonl"
    assert str(rejects) in ready.out
    stats = counts(ready)
    assert (stats["household"], stats["person"]) == (3, 4)
    records = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [2, 4, 6]
    assert all(r["errors"] and all(isinstance(e, str) and e for e in r["errors"]) for r in records)
    assert records[0]["text"] == "{broken"
    assert any("internet" in e for e in records[1]["errors"])
    assert json.loads(records[1]["text"])["internet"] == "wifi"  # the rejected line, to fix and import again


def test_import_bad_village_kind_is_a_line_error(ready: Cli, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "kind.jsonl", [GOOD[1], {**GOOD[2], "village": "Buôn Ea Tu", "village_kind": "xom"}])
    assert ready("import", str(src)) == 2
    assert "dòng 2:" in ready.err
    assert ready("import", "--skip-invalid", str(src)) == 0, ready.err
    assert counts(ready)["household"] == 1
    assert (tmp_path / "kind.jsonl.rejects.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_import_empty_file(ready: Cli, tmp_path: Path) -> None:
    stats = counts(ready)
    for content in (b"", b"\n\n  \n"):
        src = tmp_path / "empty.jsonl"
        src.write_bytes(content)
        assert ready("--json", "import", str(src)) == 0, ready.err
        data = json.loads(ready.out)
        assert (data["households"], data["persons"], data["villages_created"]) == (0, 0, 0)
    assert counts(ready) == stats


def test_import_missing_file(ready: Cli, tmp_path: Path) -> None:
    assert ready("import", str(tmp_path / "nope.jsonl")) == 2
    assert ready.err.count("\n") == 1


def test_importer_is_one_unit_of_work(db: Database, tmp_path: Path) -> None:
    """A failure while writing (after validation passed) leaves nothing behind."""
    src = write_jsonl(tmp_path / "ok.jsonl", GOOD)
    services = Services(db, today=lambda: date(2026, 2, 5))
    before = take_snapshot(db)

    def fail(step: str) -> None:
        if step == "outbox":
            raise RuntimeError("power cut")

    db.fault_hook = fail
    with pytest.raises(RuntimeError):
        import_jsonl(services, src)
    assert take_snapshot(db) == before
    db.fault_hook = None
    bad = write_jsonl(tmp_path / "bad.jsonl", [GOOD[0], {"village": "x", "members": 3}])
    with pytest.raises(ImportRejected) as exc:
        import_jsonl(services, bad)
    assert [(e.line, e.field) for e in exc.value.errors] == [(2, "members")]
    assert take_snapshot(db) == before
    result = import_jsonl(services, src)
    assert (result.households, result.persons, result.villages_created) == (3, 4, 2)


# ---------------------------------------------------------------------------------------------------------
# search and backup


def test_search_output(ready: Cli, tmp_path: Path) -> None:
    assert ready("import", str(write_jsonl(tmp_path / "ho.jsonl", GOOD))) == 0
    assert ready("search", "maryam") == 0
    assert "H'Maryam Niê" in ready.out
    assert "066190001234" not in ready.out and "0987654321" not in ready.out
    hits = ready.json("search", "nguyen van duc")
    assert {(h["kind"], h["name"]) for h in hits} == {("person", "Nguyễn Văn Đức"), ("household", "Nguyễn Văn Đức")}
    assert len(ready.json("search", "nguyen", "--limit", "1")) == 1
    assert ready("search", "khong co ai") == 0
    assert "Không tìm thấy" in ready.out
    assert ready.json("search", '"(*') == []


def test_backup_while_another_process_is_writing(ready: Cli, tmp_path: Path) -> None:
    assert ready("import", str(write_jsonl(tmp_path / "ho.jsonl", GOOD))) == 0
    writer = sqlite3.connect(ready.db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO village (id, commune_code, created_at, created_device, updated_at, updated_device, version,"
            " deleted, name, kind, sort_key) VALUES ('01900000-0000-7000-8000-00000000beef', 24133,"
            " '2026-01-01T00:00:00.000Z', 'x', '2026-01-01T00:00:00.000Z', 'x', 0, 0, 'Chưa lưu', 'thon', '')"
        )
        out = tmp_path / "sao lưu" / "copy.sqlite"
        out.parent.mkdir()
        assert ready("backup", "--out", str(out)) == 0, ready.err
        assert str(out) in ready.out
    finally:
        writer.rollback()
        writer.close()
    copy = open_database(out)
    try:
        svc = Services(copy)
        assert [v.name for v in svc.villages.list_all()] == ["Buôn Kô Tam", "Thôn 3"]
        assert svc.admin.stats()["person"] == 4
        assert svc.admin.check().ok
    finally:
        copy.close()


def test_backup_refuses_to_overwrite(ready: Cli, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite"
    out.write_bytes(b"keep me")
    assert ready("backup", "--out", str(out)) == 2
    assert ready.err.count("\n") == 1
    assert out.read_bytes() == b"keep me"
    assert ready("backup", "--out", str(tmp_path / "no" / "such" / "dir.sqlite")) == 2


def test_backup_json(ready: Cli, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite"
    data = ready.json("backup", "--out", str(out))
    assert Path(data["backup"]) == out and data["bytes"] == out.stat().st_size > 0


# ---------------------------------------------------------------------------------------------------------
# a real process


def test_cli_as_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "DLSO_DATA_DIR": str(tmp_path / "dữ liệu"), "PYTHONIOENCODING": "utf-8"}
    env.pop("DLSO_LANG", None)
    cmd = [sys.executable, "-m", "dlso_desktop"]
    init = subprocess.run(
        [*cmd, "init", "--commune", "24133", "--unencrypted"], env=env, capture_output=True, text=True, timeout=60
    )
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "dữ liệu" / "dlso.sqlite").is_file()
    again = subprocess.run(
        [*cmd, "init", "--commune", "24133", "--unencrypted"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    stats = subprocess.run([*cmd, "--json", "stats"], env=env, capture_output=True, text=True, timeout=60)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["commune"] == 102
