"""Users of this laptop (issue 6).

The commune operator sees every user (name, role, active, whether their PIN unlocks the encrypted data) and may
add one, change a role, set a new PIN (the user present: after the laptop was encrypted, a user without a
keystore entry cannot sign in until this is done), deactivate, reactivate or remove one (with confirmation; the
last operator cannot be removed: the service refuses). Other roles only change their own PIN. Every change
goes through ``UserService``, which keeps the keystore in step; writes that wrap the key under a PIN take
~0.3 s (scrypt) and run in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlso_desktop.services.views import UserView
from dlso_desktop.validation import ValidationError
from ui.app_context import AppContext
from ui.page import Page
from ui.qt import Qt, QtCore, QtWidgets


def _password() -> QtWidgets.QLineEdit:
    edit = QtWidgets.QLineEdit()
    edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    return edit


class _TwoPinsDialog(QtWidgets.QDialog):
    """A form whose last rows are an error line and OK/Cancel; OK is refused while the two PINs differ."""

    def __init__(self, title: str, parent: QtWidgets.QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QtWidgets.QFormLayout(self)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")

    def _finish(self, first: QtWidgets.QLineEdit, second: QtWidgets.QLineEdit) -> None:
        self._pins = (first, second)
        self.form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def _check(self) -> None:
        first, second = self._pins
        if first.text() != second.text():
            # translated in one context whichever dialog asks (self.tr would use the subclass's name)
            self.error.setText(QtCore.QCoreApplication.translate("PinDialog", "The two PINs are not the same."))
            return
        self.accept()


class PinDialog(_TwoPinsDialog):
    """A new PIN typed twice (and, for one's own PIN, the current one first)."""

    def __init__(self, title: str, *, ask_old: bool, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.old = _password()
        self.new = _password()
        self.again = _password()
        if ask_old:
            self.form.addRow(self.tr("Current PIN"), self.old)
        self.form.addRow(self.tr("New PIN (6-12 digits)"), self.new)
        self.form.addRow(self.tr("New PIN again"), self.again)
        self._finish(self.new, self.again)


class AddUserDialog(_TwoPinsDialog):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Add a user"))
        self.name = QtWidgets.QLineEdit()
        self.role = QtWidgets.QComboBox()
        for value, label in role_labels().items():
            self.role.addItem(label, value)
        self.pin = _password()
        self.again = _password()
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("PIN (6-12 digits)"), self.pin)
        self.form.addRow(self.tr("PIN again"), self.again)
        self._finish(self.pin, self.again)


def role_labels() -> dict[str, str]:
    from ui.qt import QtCore

    return {
        "team_member": QtCore.QCoreApplication.translate("UsersPage", "Team member"),
        "team_head": QtCore.QCoreApplication.translate("UsersPage", "Team head"),
        "commune_operator": QtCore.QCoreApplication.translate("UsersPage", "Commune operator"),
    }


class UsersPage(Page):
    COLUMNS = 4

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.operator = ctx.services.ctx.may(_operator())
        self.users: list[UserView] = []
        self.entries: set[str] | None = None
        self.busy = False
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QtWidgets.QTableWidget(0, self.COLUMNS)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton()
        self.role_button = QtWidgets.QPushButton()
        self.reset_button = QtWidgets.QPushButton()
        self.active_button = QtWidgets.QPushButton()
        self.delete_button = QtWidgets.QPushButton()
        self.own_pin_button = QtWidgets.QPushButton()
        for b in (self.add_button, self.role_button, self.reset_button, self.active_button, self.delete_button):
            row.addWidget(b)
            b.setVisible(self.operator)
        row.addStretch(1)
        row.addWidget(self.own_pin_button)
        layout.addLayout(row)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table.setVisible(self.operator)
        self.add_button.clicked.connect(self._ask_add)
        self.role_button.clicked.connect(self._ask_role)
        self.reset_button.clicked.connect(self._ask_reset)
        self.active_button.clicked.connect(self._toggle_active)
        self.delete_button.clicked.connect(self._ask_delete)
        self.own_pin_button.clicked.connect(self._ask_own_pin)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Users")

    def retranslate(self) -> None:
        if self.operator:
            self.intro.setText(
                self.tr(
                    "Who may use this laptop. A user whose PIN does not open the data yet (after the laptop was"
                    ' encrypted) needs a new PIN: select them, then "Set a new PIN" with the user present.'
                )
            )
        else:
            self.intro.setText(self.tr("You can change your own PIN here."))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Role"), self.tr("Active"), self.tr("PIN opens the data")]
        )
        self.add_button.setText(self.tr("&Add a user…"))
        self.role_button.setText(self.tr("Change &role…"))
        self.reset_button.setText(self.tr("Set a new &PIN…"))
        self.delete_button.setText(self.tr("Remo&ve…"))
        self.own_pin_button.setText(self.tr("Change &my PIN…"))
        self._update_buttons()
        self._fill()

    def activate(self) -> None:
        self.refresh()

    # -- reading -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.operator:
            return
        services = self.ctx.services
        self.ctx.tasks.run(
            lambda: (services.users.list_all(), services.users.keystore_entries()), self._loaded, self._failed
        )

    def _loaded(self, result: tuple[list[UserView], set[str] | None]) -> None:
        self.users, self.entries = result
        self._fill()

    def _fill(self) -> None:
        labels = role_labels()
        selected = self.selected_id()
        self.table.setRowCount(len(self.users))
        for i, u in enumerate(self.users):
            has_entry = self.entries is None or u.id in self.entries
            if self.entries is None:
                unlock = self.tr("(not encrypted)")
            elif has_entry:
                unlock = self.tr("Yes")
            elif u.active:
                unlock = self.tr("No: needs a new PIN")
            else:
                unlock = self.tr("No")
            values = [u.display_name, labels.get(u.role, u.role), self.tr("Yes") if u.active else self.tr("No"), unlock]
            for col, text in enumerate(values):
                item = QtWidgets.QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u.id)
                item.setToolTip(text)
                self.table.setItem(i, col, item)
            if u.id == selected:
                self.table.selectRow(i)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return None if not items else str(items[0].data(Qt.ItemDataRole.UserRole))

    def selected(self) -> UserView | None:
        uid = self.selected_id()
        return next((u for u in self.users if u.id == uid), None)

    def select(self, user_id: str) -> None:
        for i, u in enumerate(self.users):
            if u.id == user_id:
                self.table.selectRow(i)

    def _update_buttons(self) -> None:
        user = self.selected()
        for b in (self.role_button, self.reset_button, self.active_button, self.delete_button):
            b.setEnabled(user is not None and not self.busy)
        self.add_button.setEnabled(not self.busy)
        self.own_pin_button.setEnabled(not self.busy)
        self.active_button.setText(
            self.tr("Re&activate") if user is not None and not user.active else self.tr("Deac&tivate…")
        )

    # -- writing (in the background: a PIN is wrapped with scrypt) ---------------------------------------

    def _write(self, fn: Callable[[], Any], done_text: str) -> None:
        self.busy = True
        self._update_buttons()
        self.status.setText(self.tr("Saving…"))

        def done(_result: Any) -> None:
            self.busy = False
            self.status.setText(done_text)
            self._update_buttons()
            self.ctx.data_changed()
            self.refresh()

        self.ctx.tasks.write(fn, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        if not isinstance(exc, ValidationError):
            raise exc
        self.status.setText(exc.message_vi)

    def add_user(self, name: str, role: str, pin: str) -> None:
        users = self.ctx.services.users
        self._write(lambda: users.create(name, role, pin), self.tr("User added."))

    def set_role(self, user_id: str, role: str) -> None:
        users = self.ctx.services.users
        self._write(lambda: users.update(user_id, role=role), self.tr("Role changed."))

    def reset_pin(self, user_id: str, pin: str) -> None:
        users = self.ctx.services.users
        self._write(lambda: users.update(user_id, pin=pin), self.tr("New PIN set."))

    def set_active(self, user_id: str, active: bool) -> None:
        users = self.ctx.services.users
        text = self.tr("User reactivated.") if active else self.tr("User deactivated.")
        self._write(lambda: users.update(user_id, active=active), text)

    def delete_user(self, user_id: str) -> None:
        users = self.ctx.services.users
        self._write(lambda: users.delete(user_id), self.tr("User removed."))

    def change_own_pin(self, old: str, new: str) -> None:
        """The current PIN proves it is the user; then the new one wraps the key."""
        users = self.ctx.services.users
        assert self.ctx.user is not None
        me = self.ctx.user.id

        def change() -> None:
            users.authenticate(me, old)
            users.update(me, pin=new)

        self._write(change, self.tr("Your PIN was changed."))

    # -- dialogs -------------------------------------------------------------------------------------------

    def _ask_add(self) -> None:
        dialog = AddUserDialog(self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.add_user(dialog.name.text(), str(dialog.role.currentData()), dialog.pin.text())

    def _ask_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        labels = role_labels()
        current = list(labels).index(user.role) if user.role in labels else 0
        label, ok = QtWidgets.QInputDialog.getItem(
            self, self.tr("Change role"), user.display_name, list(labels.values()), current, False
        )
        if ok:
            role = next(k for k, v in labels.items() if v == label)
            self.set_role(user.id, role)

    def _ask_reset(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = PinDialog(self.tr("New PIN for {name}").format(name=user.display_name), ask_old=False, parent=self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.reset_pin(user.id, dialog.new.text())

    def _toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active:
            answer = QtWidgets.QMessageBox.question(
                self,
                self.tr("Deactivate"),
                self.tr("Deactivate {name}? Their PIN will no longer open the data on this laptop.").format(
                    name=user.display_name
                ),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return
        self.set_active(user.id, not user.active)

    def _ask_delete(self) -> None:
        user = self.selected()
        if user is None:
            return
        answer = QtWidgets.QMessageBox.question(
            self,
            self.tr("Remove"),
            self.tr("Remove {name} from this laptop? Their PIN will no longer open the data.").format(
                name=user.display_name
            ),
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.delete_user(user.id)

    def _ask_own_pin(self) -> None:
        dialog = PinDialog(self.tr("Change my PIN"), ask_old=True, parent=self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.change_own_pin(dialog.old.text(), dialog.new.text())


def _operator() -> Any:
    from dlso_desktop.models import Role

    return Role.COMMUNE_OPERATOR
