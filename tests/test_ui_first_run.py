"""First run: the villages step and the demo-data offer."""

from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from dlso_desktop.services import Services
from dlso_desktop.storage.store import Database
from ui.first_run import VillagesDialog, offer_demo_data
from ui.qt import QtCore, QtWidgets


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
    user = Services(db).users.create("Lan", "commune_operator", "2468")
    answers: list[Any] = [QtWidgets.QMessageBox.StandardButton.No, QtWidgets.QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: answers.pop(0))
    assert offer_demo_data(db, user) is False
    assert Services(db).admin.stats()["household"] == 0
    assert offer_demo_data(db, user) is True
    stats = Services(db).admin.stats()
    assert stats["household"] == 300 and stats["visit"] > 0
