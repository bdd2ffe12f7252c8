"""First run (a first version): choose the commune/ward this laptop serves."""

from collections.abc import Callable
from pathlib import Path

from dlso_desktop import paths
from dlso_desktop.admin_units import dak_lak_communes, find_communes
from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.store import Database, create_database
from dlso_desktop.validation import ValidationError
from ui.qt import Qt, QtCore, QtWidgets
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
            item.setToolTip(item.text())
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


class VillagesDialog(QtWidgets.QDialog):
    """The commune's own list of thôn, buôn and tổ dân phố: add, rename, merge. (Each is a small write, done
    directly: nothing here is long work.)"""

    def __init__(self, services: Services, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Villages of the commune"))
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel(self.tr("Add the villages (thôn, buôn, tổ dân phố) your team works in.")))
        self.list = QtWidgets.QListWidget()
        layout.addWidget(self.list, 1)
        row = QtWidgets.QHBoxLayout()
        self.name = QtWidgets.QLineEdit()
        self.name.setPlaceholderText(self.tr("Name, e.g. Buôn Ko Tam"))
        self.kind = QtWidgets.QComboBox()
        for value, label in (
            ("thon", self.tr("Village (thôn)")),
            ("buon", self.tr("Ethnic-minority village (buôn)")),
            ("to_dan_pho", self.tr("Residential group (tổ dân phố)")),
        ):
            self.kind.addItem(label, value)
        self.add = QtWidgets.QPushButton(self.tr("&Add"))
        row.addWidget(self.name, 1)
        row.addWidget(self.kind)
        row.addWidget(self.add)
        layout.addLayout(row)
        actions = QtWidgets.QHBoxLayout()
        self.rename = QtWidgets.QPushButton(self.tr("&Rename…"))
        self.merge = QtWidgets.QPushButton(self.tr("&Merge into…"))
        actions.addWidget(self.rename)
        actions.addWidget(self.merge)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.add.clicked.connect(self._add)
        self.name.returnPressed.connect(self._add)
        self.rename.clicked.connect(self._rename)
        self.merge.clicked.connect(self._merge)
        self.add.setAutoDefault(False)
        self.refresh()
        self.resize(460, 420)

    def refresh(self) -> None:
        self.list.clear()
        for v in self.services.villages.list_all():
            item = QtWidgets.QListWidgetItem(v.name)
            item.setToolTip(v.name)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            self.list.addItem(item)

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _run(self, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except ValidationError as err:
            self.error.setText(err.message_vi)
            return False
        self.error.clear()
        self.refresh()
        return True

    def _add(self) -> None:
        if self._run(lambda: self.services.villages.create(self.name.text(), self.kind.currentData())):
            self.name.clear()

    def _rename(self) -> None:
        vid = self._selected()
        if vid is None:
            return
        item = self.list.currentItem()
        name, ok = QtWidgets.QInputDialog.getText(self, self.tr("Rename"), self.tr("New name"), text=item.text())
        if ok:
            self._run(lambda: self.services.villages.rename(vid, name))

    def _merge(self) -> None:
        vid = self._selected()
        if vid is None:
            return
        others = [
            (self.list.item(i).text(), str(self.list.item(i).data(Qt.ItemDataRole.UserRole)))
            for i in range(self.list.count())
            if str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) != vid
        ]
        if not others:
            return
        name, ok = QtWidgets.QInputDialog.getItem(
            self, self.tr("Merge"), self.tr("Merge into"), [n for n, _ in others], 0, False
        )
        if ok:
            target = dict(others)[name]
            self._run(lambda: self.services.villages.merge(vid, target))


def offer_demo_data(db: Database, user: UserView, parent: QtWidgets.QWidget | None = None) -> bool:
    """Ask whether to load demo data to try the app; load it in the background with a progress dialog."""
    answer = QtWidgets.QMessageBox.question(
        parent,
        QtCore.QCoreApplication.translate("FirstRun", "Demo data"),
        QtCore.QCoreApplication.translate(
            "FirstRun", "Load 300 demo households to try the app? (Only for practice: do not use on a real laptop.)"
        ),
    )
    if answer != QtWidgets.QMessageBox.StandardButton.Yes:
        return False
    from dlso_desktop import demo
    from ui.tasks import Tasks

    tasks = Tasks()
    progress = QtWidgets.QProgressDialog(
        QtCore.QCoreApplication.translate("FirstRun", "Loading demo data…"), "", 0, 0, parent
    )
    progress.setCancelButton(None)
    progress.setMinimumDuration(0)
    done: list[object] = []
    tasks.write(lambda: demo.generate(db, households=300, seed=7, user_id=user.id), done.append, done.append)
    while not done:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        tasks.wait(50)
    QtWidgets.QApplication.processEvents()
    progress.close()
    return not isinstance(done[0], BaseException)


def run_first_run(data_dir: Path, settings: Settings) -> tuple[Database, UserView] | None:
    """Choose the commune, create the database, the first user and the villages; offer demo data.
    None if the user cancels."""
    picker = CommunePicker()
    if picker.exec() != QtWidgets.QDialog.DialogCode.Accepted or picker.selected_code() is None:
        return None
    db = create_database(paths.database_path(data_dir), picker.selected_code() or 0)
    user = create_first_user(db, settings)
    if user is None:
        db.close()
        return None
    VillagesDialog(Services(db, user_id=user.id)).exec()
    offer_demo_data(db, user)
    return db, user


def create_first_user(db: Database, settings: Settings) -> UserView | None:
    """Ask for the laptop's first user until it is valid (or the user cancels); remember it for sign-in."""
    dialog = FirstUserDialog()
    while dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
        try:
            user = Services(db).users.create(dialog.name.text(), dialog.role.currentData(), dialog.pin.text())
        except ValidationError as err:
            dialog.error.setText(err.message_vi)
            continue
        settings.set(LAST_USER, user.id)
        return user
    return None
