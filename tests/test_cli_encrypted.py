"""`dlso` on an encrypted laptop database: --user, the PIN from DLSO_PIN (never an argument), wrong PINs,
the recovery key, and encrypted backups with their recovery-only keystore (issue 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import Cli

from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.db import is_plaintext_sqlite
from dlso_desktop.storage.keystore import Keystore, PinThrottle, keystore_path, throttle_path
from dlso_desktop.storage.store import create_encrypted_database, open_database

COMMUNE = 24133


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)
    for name in ("DLSO_PIN", "DLSO_USER", "DLSO_RECOVERY_KEY", "DLSO_NEW_PIN", "DLSO_LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def laptop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Cli, str]:
    data = tmp_path / "data"
    db = create_encrypted_database(data / "dlso.sqlite", COMMUNE)
    try:
        op = Services(db).users.create("Nguyễn Thị Lan", "commune_operator", "246810")
        Services(db, user_id=op.id).users.create("Y Mek Ê Nuôl", "team_member", "135790")
        Services(db, user_id=op.id).villages.create("Buôn Ko Tam", "buon")
        recovery = db.new_recovery_key()
    finally:
        db.close()
    return Cli(data, capsys), recovery


def test_a_user_and_pin_open_the_database(laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, _ = laptop
    monkeypatch.setenv("DLSO_PIN", "135790")
    assert cli("--user", "y mek e nuol", "--json", "stats") == 0, cli.err  # name without accents
    assert '"village": 1' in cli.out
    monkeypatch.setenv("DLSO_USER", "Nguyễn Thị Lan")
    monkeypatch.setenv("DLSO_PIN", "246810")
    assert cli("stats") == 0, cli.err


def test_several_users_need_a_choice(laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, _ = laptop
    monkeypatch.setenv("DLSO_PIN", "246810")
    assert cli("stats") == 2
    assert "--user" in cli.err and "Nguyễn Thị Lan" in cli.err
    assert cli("--user", "Người Lạ", "stats") == 2 and "Người Lạ" in cli.err


def test_a_wrong_pin_exits_2_changes_nothing_and_counts(
    laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, _ = laptop
    before = (cli.db_path.read_bytes(), keystore_path(cli.db_path).read_bytes())
    monkeypatch.setenv("DLSO_PIN", "000000")
    for _ in range(3):
        assert cli("--user", "Nguyễn Thị Lan", "stats") == 2
        assert "Mã PIN không đúng" in cli.err
    assert (cli.db_path.read_bytes(), keystore_path(cli.db_path).read_bytes()) == before
    assert PinThrottle(throttle_path(cli.db_path)).failures == 3  # shared with the app
    monkeypatch.setenv("DLSO_PIN", "246810")
    monkeypatch.setenv("DLSO_LANG", "en")
    assert cli("--user", "Nguyễn Thị Lan", "stats") == 2  # the delay applies to the right PIN too
    assert "Too many wrong PINs" in cli.err


def test_the_pin_is_never_an_argument(laptop: tuple[Cli, str]) -> None:
    cli, _ = laptop
    assert cli("--pin", "246810", "stats") == 2  # no such option


def test_recover_sets_a_forgotten_pin(laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, recovery = laptop
    monkeypatch.setenv("DLSO_RECOVERY_KEY", "AAAAA-" * 7 + "AAAAA")
    monkeypatch.setenv("DLSO_NEW_PIN", "112233")
    assert cli("recover", "--for", "Y Mek Ê Nuôl") == 2  # malformed key: nothing changed
    monkeypatch.setenv("DLSO_RECOVERY_KEY", recovery.lower())
    assert cli("recover", "--for", "Y Mek Ê Nuôl") == 0, cli.err
    monkeypatch.delenv("DLSO_RECOVERY_KEY")
    monkeypatch.setenv("DLSO_PIN", "112233")
    assert cli("--user", "Y Mek Ê Nuôl", "stats") == 0, cli.err


def test_backup_is_encrypted_and_carries_a_recovery_only_keystore(
    laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli, recovery = laptop
    monkeypatch.setenv("DLSO_PIN", "246810")
    out = tmp_path / "usb" / "copy.sqlite"
    out.parent.mkdir()
    assert cli("--user", "Nguyễn Thị Lan", "backup", "--out", str(out)) == 0, cli.err
    assert not is_plaintext_sqlite(out) and "Buôn Ko Tam".encode() not in out.read_bytes()
    copy = Keystore.load(keystore_path(out))
    assert copy.users() == [] and copy.has_recovery  # no PIN entry to attack
    db = open_database(out, key=copy.unlock_with_recovery(recovery))
    try:
        assert [v.name for v in Services(db).villages.list_all()] == ["Buôn Ko Tam"]
    finally:
        db.close()


def test_a_plaintext_database_needs_no_pin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(tmp_path / "plain", capsys)
    assert cli("init", "--commune", "24133", "--unencrypted") == 0
    assert cli("stats") == 0, cli.err


# ---------------------------------------------------------------------------------------------------------
# dlso init: an encrypted laptop, its commune operator and the recovery key, all or nothing


def _folder(cli: Cli) -> list[str]:
    return sorted(p.name for p in cli.db_path.parent.iterdir()) if cli.db_path.parent.exists() else []


def test_init_makes_an_encrypted_laptop_with_its_operator_and_recovery_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    monkeypatch.setenv("DLSO_PIN", "246810")
    data = cli.json("init", "--commune", "24133", "--operator", "Nguyễn Thị Lan")
    assert data["encrypted"] is True and data["operator"] == "Nguyễn Thị Lan"
    assert _folder(cli) == ["dlso.sqlite", "dlso.sqlite.keys.json"]  # nothing half-made left beside them
    assert not is_plaintext_sqlite(cli.db_path)
    store = Keystore.load(keystore_path(cli.db_path))
    assert [(u.user_id, u.display_name) for u in store.users()] == [(data["operator_id"], "Nguyễn Thị Lan")]
    assert store.has_recovery
    # the PIN opens it for the CLI (the only user: no --user needed)
    assert cli("--json", "stats") == 0, cli.err
    assert '"app_user": 1' in cli.out
    # the recovery key printed once opens it too, and the first user is the commune operator
    db = open_database(cli.db_path, key=store.unlock_with_recovery(data["recovery_key"]))
    try:
        assert db.device_id == data["device_id"] and db.commune_code == COMMUNE
        (user,) = Services(db).users.list_all()
        assert user.role == "commune_operator" and user.id == data["operator_id"]
    finally:
        db.close()
    assert "Nguyễn Thị Lan".encode() not in cli.db_path.read_bytes()
    monkeypatch.setenv("DLSO_PIN", "000000")
    assert cli("stats") == 2 and "Mã PIN không đúng" in cli.err


def test_init_shows_the_recovery_key_and_asks_the_pin_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    typed = iter(["246810", "246810"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    monkeypatch.setenv("DLSO_USER", "Y Mek Ê Nuôl")
    assert cli("init", "--commune", "24133") == 0, cli.err
    key = cli.out.split("Khóa khôi phục", 1)[1].splitlines()[1].strip()
    store = Keystore.load(keystore_path(cli.db_path))
    store.unlock_with_recovery(key)  # raises for a wrong one
    assert [u.display_name for u in store.users()] == ["Y Mek Ê Nuôl"]


@pytest.mark.parametrize(
    ("args", "typed", "says"),
    [
        ((), ["246810"], "--operator"),  # nobody named
        (("--operator", "Nguyễn Thị Lan"), ["246810", "246811"], "không giống nhau"),  # typed twice, differently
        (("--operator", "Nguyễn Thị Lan"), ["12", "12"], "PIN"),  # a PIN the user rules refuse
        (("--operator", "   "), ["246810", "246810"], "--operator"),
    ],
)
def test_init_refuses_bad_input_and_leaves_no_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    typed: list[str],
    says: str,
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    answers = iter(typed)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli("init", "--commune", "24133", *args) == 2
    assert says in cli.err and cli.err.count("\n") == 1
    assert [n for n in _folder(cli) if n != "backups"] == []


def test_init_never_overwrites_and_asks_no_pin_first(laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, _ = laptop
    before = (cli.db_path.read_bytes(), keystore_path(cli.db_path).read_bytes())

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a PIN")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    assert cli("init", "--commune", "24133", "--operator", "Người Khác") == 1
    assert "không ghi đè" in cli.err
    assert (cli.db_path.read_bytes(), keystore_path(cli.db_path).read_bytes()) == before


def test_an_interrupted_init_leaves_nothing_and_the_next_one_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    monkeypatch.setenv("DLSO_PIN", "246810")
    real = os.replace
    moved: list[Path] = []

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == cli.db_path:  # the keystore is in place; the database's move fails (a full disk)
            raise OSError(28, "No space left on device")
        if Path(dst) == keystore_path(cli.db_path):
            moved.append(Path(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert cli("init", "--commune", "24133", "--operator", "Nguyễn Thị Lan") == 1
    assert moved == [keystore_path(cli.db_path)]
    assert [n for n in _folder(cli) if n != "backups"] == []  # not a keystore without its database
    monkeypatch.setattr(os, "replace", real)
    assert cli("init", "--commune", "24133", "--operator", "Nguyễn Thị Lan") == 0, cli.err
    assert cli("stats") == 0, cli.err


def test_init_ignores_the_wal_of_a_database_removed_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    monkeypatch.setenv("DLSO_PIN", "246810")
    assert cli("init", "--commune", "24133", "--operator", "Nguyễn Thị Lan") == 0, cli.err
    db = open_database(
        cli.db_path,
        key=Keystore.load(keystore_path(cli.db_path)).unlock_with_recovery(
            cli.out.split("Khóa khôi phục", 1)[1].splitlines()[1].strip()
        ),
    )
    try:
        Services(db).villages.create("Buôn Ko Tam", "buon")  # committed into the WAL, not checkpointed yet
        wal = Path(f"{cli.db_path}-wal").read_bytes()
    finally:
        db.close()
    assert wal
    cli.db_path.unlink()  # someone removes the database by hand and leaves the WAL beside it
    Path(f"{cli.db_path}-wal").write_bytes(wal)
    assert cli("init", "--commune", "24133", "--operator", "Y Mek Ê Nuôl") == 0, cli.err
    assert not Path(f"{cli.db_path}-wal").exists() or Path(f"{cli.db_path}-wal").read_bytes() != wal
    assert cli("--json", "stats") == 0, cli.err
    assert '"village": 0' in cli.out
    # the same for a plaintext database
    plain = Cli(tmp_path / "plain", cli.capsys)
    assert plain("init", "--commune", "24133", "--unencrypted") == 0, plain.err
    db = open_database(plain.db_path)
    try:
        Services(db).villages.create("Buôn Ko Tam", "buon")
        wal = Path(f"{plain.db_path}-wal").read_bytes()
    finally:
        db.close()
    plain.db_path.unlink()
    Path(f"{plain.db_path}-wal").write_bytes(wal)
    assert plain("init", "--commune", "24133", "--unencrypted") == 0, plain.err
    assert plain("--json", "stats") == 0, plain.err
    assert '"village": 0' in plain.out


def _entries(cli: Cli, key_user: str, pin: str) -> list[tuple[str | None, str, str]]:
    from dlso_desktop.storage.store import unlock_with_pin

    store = Keystore.load(keystore_path(cli.db_path))
    user = next(u for u in store.users() if u.display_name == key_user)
    db = unlock_with_pin(cli.db_path, user.user_id, pin)
    try:
        with db.reader() as conn:
            rows = conn.exec_driver_sql("SELECT user_id, action, table_name FROM audit_entry ORDER BY seq").all()
        return [(r[0], str(r[1]), str(r[2])) for r in rows]
    finally:
        db.close()


def test_the_cli_acts_with_the_role_of_whoever_unlocked_it(
    laptop: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Roles hold on the command line too: a team member's PIN opens the data for what a team member may do
    (search, counts, sync) and nothing more, with the same refusal as in the app; nothing is changed."""
    cli, _ = laptop
    households = tmp_path / "households.jsonl"
    households.write_text(
        '{"village": "Buôn Ko Tam", "address": "Số 1", "members": [{"full_name": "Y Đăng", "relationship": "head"}]}\n',
        "utf-8",
    )
    monkeypatch.setenv("DLSO_USER", "Y Mek Ê Nuôl")
    monkeypatch.setenv("DLSO_PIN", "135790")
    before = _entries(cli, "Nguyễn Thị Lan", "246810")
    assert cli("stats") == 0 and cli("search", "Y") == 0  # a reader
    refused = [
        ("import", str(households)),
        ("demo-data", "--households", "2"),
        ("audit", "list"),
        ("audit", "verify"),
        ("audit", "export", "--out", str(tmp_path / "trail.csv")),
        ("certificates", "revoke", "24133-000001", "--reason", "nhầm"),
    ]
    for args in refused:
        assert cli(*args) == 2, (args, cli.out, cli.err)
        assert cli.err.startswith("dlso: Chỉ ") and " được " in cli.err, (args, cli.err)  # "Chỉ … được …"
        assert "Traceback" not in cli.err
    assert not (tmp_path / "trail.csv").exists()
    assert _entries(cli, "Nguyễn Thị Lan", "246810") == before  # nothing written, not even a refused export

    # the commune operator may: the import and the export are recorded as theirs, the export in the trail first
    monkeypatch.setenv("DLSO_USER", "Nguyễn Thị Lan")
    monkeypatch.setenv("DLSO_PIN", "246810")
    assert cli("import", str(households)) == 0, cli.err
    assert cli("audit", "export", "--out", str(tmp_path / "trail.csv")) == 0, cli.err
    assert cli("audit", "verify") == 0, cli.err
    operator = next(
        u.user_id for u in Keystore.load(keystore_path(cli.db_path)).users() if u.display_name == "Nguyễn Thị Lan"
    )
    after = _entries(cli, "Nguyễn Thị Lan", "246810")[len(before) :]
    assert ("import", "household") in [(a, t) for _u, a, t in after]
    assert {u for u, _a, _t in after} == {operator}
    assert after[-1][1:] == ("export", "audit_entry")
