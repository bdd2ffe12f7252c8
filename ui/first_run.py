"""First run (a first version): choose the commune/ward this laptop serves."""

from pathlib import Path

from dlso_desktop import paths
from dlso_desktop.admin_units import dak_lak_communes, find_communes
from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.store import Database, create_database
from dlso_desktop.validation import ValidationError
from ui.qt import Qt, QtWidgets
from ui.settings import LAST_USER, Settings


class CommunePicker(QtWidgets.QDialog):
    """Type to filter the 102 official communes/wards (accents optional), pick one."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose the commune/ward"))
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(
            QtWidgets.QLabel(
                self.tr("Which commune or ward does this laptop serve? Type to filter (accents optional).")
            )
        )
        self.filter = QtWidgets.QLineEdit()
        self.filter.setPlaceholderText(self.tr("For example: buon ma thuot, ea kar, 24133"))
        layout.addWidget(self.filter)
        self.list = QtWidgets.QListWidget()
        layout.addWidget(self.list, 1)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._refill)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._refill("")
        self.resize(480, 560)

    def _refill(self, query: str) -> None:
        self.list.clear()
        communes = find_communes(query) if query.strip() else dak_lak_communes()
        for c in communes:
            item = QtWidgets.QListWidgetItem(f"{c.display_name} ({c.code})")
            item.setData(Qt.ItemDataRole.UserRole, c.code)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def selected_code(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))


class FirstUserDialog(QtWidgets.QDialog):
    """The first local user of this laptop: name, role and PIN."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("First user"))
        form = QtWidgets.QFormLayout(self)
        self.name = QtWidgets.QLineEdit()
        self.role = QtWidgets.QComboBox()
        for value, label in (
            ("commune_operator", self.tr("Commune operator")),
            ("team_head", self.tr("Team head")),
            ("team_member", self.tr("Team member")),
        ):
            self.role.addItem(label, value)
        self.pin = QtWidgets.QLineEdit()
        self.pin.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        form.addRow(self.tr("Your name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("PIN (4-12 digits)"), self.pin)
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def run_first_run(data_dir: Path, settings: Settings) -> tuple[Database, UserView] | None:
    """Choose the commune, create the database and the first user. None if the user cancels."""
    picker = CommunePicker()
    if picker.exec() != QtWidgets.QDialog.DialogCode.Accepted or picker.selected_code() is None:
        return None
    db = create_database(paths.database_path(data_dir), picker.selected_code() or 0)
    dialog = FirstUserDialog()
    while dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
        try:
            user = Services(db).users.create(dialog.name.text(), dialog.role.currentData(), dialog.pin.text())
        except ValidationError as err:
            dialog.error.setText(err.message_vi)
            continue
        settings.set(LAST_USER, user.id)
        return db, user
    db.close()
    return None
