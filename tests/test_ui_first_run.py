"""First run: the villages step and the demo-data offer."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.storage import keystore as keystore_module
from dlso_desktop.storage.keystore import Keystore, keystore_path
from dlso_desktop.storage.store import Database, create_encrypted_database
from ui.first_run import (
    FirstUserDialog,
    RecoveryKeyDialog,
    VillagesDialog,
    ask_first_user,
    offer_demo_data,
    show_recovery_key,
)
from ui.qt import QtCore, QtWidgets
from ui.settings import Settings


def test_villages_can_be_added_renamed_and_merged(
    qtbot: QtBot, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = VillagesDialog(services)
    qtbot.addWidget(dialog)
    for name in ("Buôn Ko Tam", "Thôn 3", "Thon 3 moi"):
        dialog.name.setText(name)
        QTest.mouseClick(dialog.add, QtCore.Qt.MouseButton.LeftButton)
    # Vietnamese order: o before ô
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Buôn Ko Tam", "Thon 3 moi", "Thôn 3"]
    dialog.name.setText("thon 3")  # the same name without accents: refused with a Vietnamese message
    QTest.mouseClick(dialog.add, QtCore.Qt.MouseButton.LeftButton)
    assert "Thôn 3" in dialog.error.text() and dialog.list.count() == 3
    dialog.list.setCurrentRow(1)
    monkeypatch.setattr(QtWidgets.QInputDialog, "getText", lambda *a, **k: ("Thôn 4", True))
    QTest.mouseClick(dialog.rename, QtCore.Qt.MouseButton.LeftButton)
    assert {v.name for v in services.villages.list_all()} == {"Buôn Ko Tam", "Thôn 3", "Thôn 4"}
    row = [dialog.list.item(i).text() for i in range(dialog.list.count())].index("Thôn 4")
    dialog.list.setCurrentRow(row)
    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem", lambda *a, **k: ("Thôn 3", True))
    QTest.mouseClick(dialog.merge, QtCore.Qt.MouseButton.LeftButton)
    assert {v.name for v in services.villages.list_all()} == {"Buôn Ko Tam", "Thôn 3"}


def test_demo_data_is_offered_and_loaded(qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    user = Services(db).users.create("Lan", "commune_operator", "246810")
    answers: list[Any] = [QtWidgets.QMessageBox.StandardButton.No, QtWidgets.QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: answers.pop(0))
    assert offer_demo_data(db, user) is False
    assert Services(db).admin.stats()["household"] == 0
    assert offer_demo_data(db, user) is True
    stats = Services(db).admin.stats()
    assert stats["household"] == 300 and stats["visit"] > 0


def test_first_user_is_the_operator_of_an_encrypted_database(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)
    db = create_encrypted_database(tmp_path / "dlso.sqlite", 24133)
    try:
        dialogs: list[FirstUserDialog] = []

        def answer(dialog: FirstUserDialog) -> QtWidgets.QDialog.DialogCode:
            dialogs.append(dialog)
            dialog.name.setText("Nguyễn Thị Lan")
            dialog.pin.setText("2468" if len(dialogs) == 1 else "246810")  # 4 digits: refused, asked again
            return QtWidgets.QDialog.DialogCode.Accepted

        monkeypatch.setattr(FirstUserDialog, "exec", answer)
        asked = ask_first_user(db, Settings(tmp_path / "ui"))
        assert asked is not None and len(dialogs) == 2 and "6" in dialogs[0].error.text()
        user, pin = asked
        assert user.role == "commune_operator" and pin == "246810"
        assert db.keystore_user_ids() == {user.id}
    finally:
        db.close()


def test_the_recovery_key_is_shown_once_printable_and_must_be_confirmed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keystore_module, "SCRYPT_N", 2**12)
    db = create_encrypted_database(tmp_path / "dlso.sqlite", 24133)
    try:
        shown: list[RecoveryKeyDialog] = []

        def look(dialog: RecoveryKeyDialog) -> int:
            shown.append(dialog)
            ok = dialog.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
            assert ok is not None and not ok.isEnabled()  # not before the box is ticked
            groups = dialog.key.split("-")
            assert len(groups) == 8 and all(g in dialog.key_label.text() for g in groups)
            assert dialog.key_label.font().fixedPitch() or dialog.key_label.font().styleHint() is not None
            text = dialog.document().toPlainText()
            assert "  ".join(groups) in text and "Buôn Ma Thuột" in text
            if len(shown) == 2:
                dialog.written.setChecked(True)
                assert ok.isEnabled()
                dialog.accept()
            else:
                dialog.reject()  # closed without confirming
            return 0

        monkeypatch.setattr(RecoveryKeyDialog, "exec", look)
        assert show_recovery_key(db) is False
        assert db.keystore is not None and not db.keystore.has_recovery  # forgotten: shown again next time
        assert show_recovery_key(db) is True
        assert db.keystore.has_recovery and shown[0].key != shown[1].key
        Keystore.load(keystore_path(db.path)).unlock_with_recovery(shown[1].key)
    finally:
        db.close()
