"""First run: choose the commune/ward this laptop serves, create the encrypted database and its keystore, the
first user (always the commune operator: a laptop needs one to manage its users), show the recovery key once
for printing, then the villages and the demo-data offer."""

from collections.abc import Callable
from pathlib import Path

from dlso_desktop import paths
from dlso_desktop.admin_units import dak_lak_communes, find_communes
from dlso_desktop.services import Services
from dlso_desktop.services.views import UserView
from dlso_desktop.storage.store import (
    Database,
    create_encrypted_database,
    discard_files,
    move_new_database,
    setting_up_path,
)
from dlso_desktop.validation import ValidationError
from ui.qt import Qt, QtCore, QtGui, QtPrintSupport, QtWidgets
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
    """The first local user of this laptop: the commune operator (the role is fixed), name and PIN."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("First user"))
        form = QtWidgets.QFormLayout(self)
        self.intro = QtWidgets.QLabel(
            self.tr(
                "The first user of this laptop is the commune operator, who adds the team members later"
                " (Users screen). The PIN unlocks the encrypted data: choose one that others cannot guess."
            )
        )
        self.intro.setWordWrap(True)
        form.addRow(self.intro)
        self.name = QtWidgets.QLineEdit()
        self.role = QtWidgets.QLabel(self.tr("Commune operator"))
        self.pin = QtWidgets.QLineEdit()
        self.pin.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        form.addRow(self.tr("Your name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("PIN (6-12 digits)"), self.pin)
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, self.sizeHint().height())


def recovery_groups(key: str) -> list[str]:
    return [g for g in key.split("-") if g]


class RecoveryKeyDialog(QtWidgets.QDialog):
    """The commune operator's recovery key, shown once: large monospace groups, "In" to print it, and a box
    to tick ("I have written down/printed the recovery key") before going on. Closing without ticking it
    leaves :attr:`confirmed` False: the caller then forgets this key and shows a new one next time."""

    def __init__(self, key: str, commune: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.commune = commune
        self.confirmed = False
        self.setWindowTitle(self.tr("Recovery key"))
        layout = QtWidgets.QVBoxLayout(self)
        self.intro = QtWidgets.QLabel(
            self.tr(
                "This recovery key opens the data if every PIN is forgotten. It is shown only now: write it down or"
                " print it, and keep it locked away at the commune office (not with the laptop)."
            )
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        groups = recovery_groups(key)
        half = (len(groups) + 1) // 2
        self.key_label = QtWidgets.QLabel("  ".join(groups[:half]) + "\n" + "  ".join(groups[half:]))
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.8)
        font.setBold(True)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setFrameShape(QtWidgets.QFrame.Shape.Box)
        self.key_label.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.key_label)
        self.print_button = QtWidgets.QPushButton(self.tr("&Print"))
        self.print_button.clicked.connect(self.print_key)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.written = QtWidgets.QCheckBox(self.tr("I have written down or printed the recovery key"))
        layout.addWidget(self.written)
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.written.toggled.connect(self._update)
        self._update()
        self.resize(640, self.sizeHint().height())

    def _update(self) -> None:
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(self.written.isChecked())

    def accept(self) -> None:
        if not self.written.isChecked():
            return
        self.confirmed = True
        super().accept()

    def printable_text(self) -> str:
        """What is printed: the commune, the key in groups and what it is for."""
        return "\n".join(
            [
                self.tr("DLSO: recovery key of the laptop database"),
                self.commune,
                "",
                "  ".join(recovery_groups(self.key)),
                "",
                self.tr("Keep this sheet locked away at the commune office, never with the laptop."),
            ]
        )

    def document(self) -> QtGui.QTextDocument:
        doc = QtGui.QTextDocument(self)
        cursor = QtGui.QTextCursor(doc)
        lines = self.printable_text().split("\n")
        title = QtGui.QTextCharFormat()
        title.setFontPointSize(16)
        title.setFontWeight(QtGui.QFont.Weight.Bold)
        mono = QtGui.QTextCharFormat()
        mono.setFontFamilies(["Courier New", "DejaVu Sans Mono", "monospace"])
        mono.setFontPointSize(20)
        mono.setFontWeight(QtGui.QFont.Weight.Bold)
        plain = QtGui.QTextCharFormat()
        plain.setFontPointSize(12)
        for i, line in enumerate(lines):
            if i:
                cursor.insertBlock()
            cursor.insertText(line, title if i == 0 else mono if i == 3 else plain)
        return doc

    def print_key(self) -> None:
        printer = QtPrintSupport.QPrinter()
        dialog = QtPrintSupport.QPrintDialog(printer, self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.document().print_(printer)


def show_recovery_key(db: Database, parent: QtWidgets.QWidget | None = None) -> bool:
    """Make the recovery key and show it once; if the operator closes the dialog without ticking the box, the
    key is forgotten (a new one is shown at the operator's next sign-in). True if it was confirmed."""
    from dlso_desktop.admin_units import commune_by_code

    key = db.new_recovery_key()
    dialog = RecoveryKeyDialog(key, commune_by_code(db.commune_code).display_name, parent)
    dialog.exec()
    if not dialog.confirmed and db.keystore is not None:
        db.keystore.clear_recovery()
    return dialog.confirmed


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
    """Choose the commune, create the encrypted database and its keystore, the first user (the commune
    operator), show the recovery key, then the villages; offer demo data. None if the user cancels."""
    picker = CommunePicker()
    if picker.exec() != QtWidgets.QDialog.DialogCode.Accepted or picker.selected_code() is None:
        return None
    path = paths.database_path(data_dir)
    # made beside its place until the first user exists: a first run cut short (the app killed, a power cut)
    # leaves no database that nobody can open, and the next start is a first run again
    part = setting_up_path(path)
    discard_files(part)
    db = create_encrypted_database(part, picker.selected_code() or 0)
    try:
        asked = ask_first_user(db, settings)
    except BaseException:
        db.close()
        discard_files(part)
        raise
    if asked is None:
        db.close()
        discard_files(part)  # nothing in it yet: the next start is a first run again
        return None
    user, _pin = asked
    try:
        db = move_new_database(db, path)
    except BaseException:
        discard_files(part)
        raise
    show_recovery_key(db)
    VillagesDialog(Services(db, user_id=user.id)).exec()
    offer_demo_data(db, user)
    return db, user


def ask_first_user(db: Database, settings: Settings) -> tuple[UserView, str] | None:
    """Ask for the laptop's first user, the commune operator, until it is valid (or the user cancels); remember
    it for sign-in. Returns the user and the PIN."""
    dialog = FirstUserDialog()
    while dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
        try:
            user = Services(db).users.create(dialog.name.text(), "commune_operator", dialog.pin.text())
        except ValidationError as err:
            dialog.error.setText(err.message_vi)
            continue
        settings.set(LAST_USER, user.id)
        return user, dialog.pin.text()
    return None


def create_first_user(db: Database, settings: Settings) -> UserView | None:
    asked = ask_first_user(db, settings)
    return None if asked is None else asked[0]
