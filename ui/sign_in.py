"""Sign in: who is using this (possibly shared) laptop. Wrong PINs get a growing delay with issue #6."""

from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.store import Database
from dlso_desktop.validation import ValidationError
from ui.qt import QtWidgets
from ui.settings import LAST_USER, Settings


class SignInDialog(QtWidgets.QDialog):
    def __init__(self, users: list[UserView], last_user: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in"))
        form = QtWidgets.QFormLayout(self)
        self.user = QtWidgets.QComboBox()
        for u in users:
            self.user.addItem(u.display_name, u.id)
            if u.id == last_user:
                self.user.setCurrentIndex(self.user.count() - 1)
        self.pin = QtWidgets.QLineEdit()
        self.pin.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("PIN"), self.pin)
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.pin.setFocus()


def sign_in(db: Database, settings: Settings) -> UserView | None:
    users = [u for u in Services(db).users.list_all() if u.active]
    if not users:
        from ui.first_run import create_first_user

        return create_first_user(db, settings)
    dialog = SignInDialog(users, settings.get(LAST_USER))
    while dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
        try:
            user = Services(db).users.authenticate(dialog.user.currentData(), dialog.pin.text())
        except ValidationError as err:
            dialog.error.setText(err.message_vi)
            dialog.pin.clear()
            continue
        settings.set(LAST_USER, user.id)
        return user
    return None
