"""Settings: language and font size (applied at once, no restart), the data folder, backups, and versions."""

import os
from datetime import date
from pathlib import Path

import dlso_desktop
from ui.app_context import AppContext
from ui.data_folder import FolderRefused, Problem, move_data
from ui.i18n import LANGUAGES, install_language
from ui.page import Page
from ui.qt import QApplication, QtCore, QtGui, QtWidgets
from ui.settings import AUTO_LOCK_CHOICES, AUTO_LOCK_MINUTES, FONT_SCALE, LANGUAGE

FONT_SCALES: tuple[int, ...] = (100, 125)


def apply_font_scale(scale: int, previous: int) -> None:
    """Scale the application font from ``previous`` percent to ``scale`` percent (affects every widget)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or scale == previous:
        return
    font = app.font()
    font.setPointSizeF(font.pointSizeF() * scale / previous)
    app.setFont(font)


def default_backup_path(today: date | None = None) -> Path:
    """``dlso-backup-<dd-mm-yyyy>.sqlite`` in the user's documents folder."""
    day = today or date.today()
    docs = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / f"dlso-backup-{day:%d-%m-%Y}.sqlite"


class SettingsPage(Page):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        outer = QtWidgets.QVBoxLayout(self)

        self.display_box = QtWidgets.QGroupBox()
        display = QtWidgets.QFormLayout(self.display_box)
        display.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.language_label = QtWidgets.QLabel()
        self.language = QtWidgets.QComboBox()
        for code, name in LANGUAGES.items():  # each language in its own words, never translated
            self.language.addItem(name, code)
        self.language_label.setBuddy(self.language)
        self.font_label = QtWidgets.QLabel()
        self.font_scale = QtWidgets.QComboBox()
        for scale in FONT_SCALES:
            self.font_scale.addItem(f"{scale}%", scale)
        self.font_label.setBuddy(self.font_scale)
        self.auto_lock_label = QtWidgets.QLabel()
        self.auto_lock = QtWidgets.QComboBox()
        for minutes in AUTO_LOCK_CHOICES:
            self.auto_lock.addItem("", minutes)
        self.auto_lock_label.setBuddy(self.auto_lock)
        display.addRow(self.language_label, self.language)
        display.addRow(self.font_label, self.font_scale)
        display.addRow(self.auto_lock_label, self.auto_lock)
        outer.addWidget(self.display_box)

        self.data_box = QtWidgets.QGroupBox()
        data = QtWidgets.QVBoxLayout(self.data_box)
        folder_row = QtWidgets.QHBoxLayout()
        self.data_dir = QtWidgets.QLineEdit(str(ctx.data_dir))
        self.data_dir.setReadOnly(True)
        self.open_folder_button = QtWidgets.QPushButton()
        self.open_folder_button.clicked.connect(self.open_data_folder)
        self.change_folder_button = QtWidgets.QPushButton()
        self.change_folder_button.clicked.connect(self.choose_data_folder)
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(self.open_folder_button)
        folder_row.addWidget(self.change_folder_button)
        data.addLayout(folder_row)
        self.folder_status = QtWidgets.QLabel()
        self.folder_status.setWordWrap(True)
        self.folder_status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_status.setVisible(False)
        data.addWidget(self.folder_status)
        backup_row = QtWidgets.QHBoxLayout()
        self.backup_button = QtWidgets.QPushButton()
        self.backup_button.clicked.connect(self.back_up)
        self.backup_status = QtWidgets.QLabel()
        self.backup_status.setWordWrap(True)
        self.backup_status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        backup_row.addWidget(self.backup_button)
        backup_row.addWidget(self.backup_status, 1)
        data.addLayout(backup_row)
        outer.addWidget(self.data_box)

        self.about_box = QtWidgets.QGroupBox()
        about = QtWidgets.QVBoxLayout(self.about_box)
        self.about_label = QtWidgets.QLabel()
        self.about_label.setWordWrap(True)
        self.about_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        about.addWidget(self.about_label)
        outer.addWidget(self.about_box)
        outer.addStretch(1)

        self._backup_result: tuple[bool, str] | None = None  # (ok, path or error) of the last backup
        # the last data-folder change: (folder, None) when done, (folder, refusal or error) when not
        self._move_result: tuple[Path, BaseException | None] | None = None
        self.moving = False
        self._select(self.language, ctx.settings.get(LANGUAGE))
        self._select(self.font_scale, ctx.settings.get(FONT_SCALE))
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.font_scale.currentIndexChanged.connect(self._font_scale_chosen)
        self._select(self.auto_lock, ctx.settings.get(AUTO_LOCK_MINUTES))
        self.auto_lock.currentIndexChanged.connect(self._auto_lock_chosen)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Settings")

    def retranslate(self) -> None:
        self.display_box.setTitle(self.tr("Display"))
        self.language_label.setText(self.tr("&Language"))
        self.font_label.setText(self.tr("&Text size"))
        self.auto_lock_label.setText(self.tr("Loc&k after inactivity"))
        for i in range(self.auto_lock.count()):
            self.auto_lock.setItemText(i, self.tr("%n minute(s)", "", int(self.auto_lock.itemData(i))))
        self.auto_lock.setToolTip(
            self.tr("Without keyboard or mouse input for this long, the window locks and asks for the PIN again.")
        )
        self.data_box.setTitle(self.tr("Data"))
        self.data_dir.setToolTip(self.tr("All data of this laptop is kept in this folder."))
        self.open_folder_button.setText(self.tr("Open folder"))
        self.change_folder_button.setText(self.tr("Change folder…"))
        self.change_folder_button.setToolTip(
            self.tr("Copy all data to another folder (for example a bigger drive) and use it from the next start.")
        )
        self._show_move_status()
        self.backup_button.setText(self.tr("Back up now"))
        self.about_box.setTitle(self.tr("About"))
        self.about_label.setText(
            self.tr("DLSO Desktop version {version} · administrative units data: {units}").format(
                version=dlso_desktop.__version__,
                units=self.ctx.db.meta.get("admin_units_version", "?"),
            )
        )
        self._show_backup_status()

    @staticmethod
    def _select(combo: QtWidgets.QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    def set_language(self, language: str) -> None:
        """Switch the whole app to ``language`` now (every screen retranslates) and remember it."""
        self._select(self.language, language)
        install_language(language)
        self.ctx.settings.set(LANGUAGE, language)

    def set_font_scale(self, scale: int) -> None:
        self._select(self.font_scale, scale)
        apply_font_scale(scale, self.ctx.settings.get(FONT_SCALE))
        self.ctx.settings.set(FONT_SCALE, scale)

    def _language_chosen(self, _index: int) -> None:
        self.set_language(str(self.language.currentData()))

    def _font_scale_chosen(self, _index: int) -> None:
        self.set_font_scale(int(self.font_scale.currentData()))

    def set_auto_lock(self, minutes: int) -> None:
        self._select(self.auto_lock, minutes)
        self.ctx.settings.set(AUTO_LOCK_MINUTES, minutes)
        window = self.window()
        if hasattr(window, "set_auto_lock_minutes"):
            window.set_auto_lock_minutes(minutes)

    def _auto_lock_chosen(self, _index: int) -> None:
        self.set_auto_lock(int(self.auto_lock.currentData()))

    def open_data_folder(self) -> None:
        QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(self.ctx.data_dir)))

    # -- the data folder ---------------------------------------------------------------------------------

    def choose_data_folder(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self, self.tr("Choose the new data folder"), str(self.ctx.data_dir.parent)
        )
        if folder:
            self.change_data_dir(Path(folder))

    def change_data_dir(self, folder: Path) -> None:
        """Copy the data into ``folder`` (checked first: writable, not another laptop's database) in the
        background and use it from the next start. A refusal changes nothing and says why."""
        if self.moving:
            return
        db, current, settings_file = self.ctx.db, self.ctx.data_dir, self.ctx.settings.file
        self.moving = True
        self._move_result = None
        self.change_folder_button.setEnabled(False)
        self.folder_status.setText(self.tr("Copying the data to {path}…").format(path=folder))
        self.folder_status.setVisible(True)
        self.ctx.tasks.write(
            lambda: move_data(db, current, folder, settings_file),
            self._moved,
            lambda exc: self._move_failed(folder, exc),
        )

    def _moved(self, folder: Path) -> None:
        self.moving = False
        self._move_result = (folder, None)
        self.change_folder_button.setEnabled(True)
        self._show_move_status()
        QtWidgets.QMessageBox.information(self, self.tr("Data folder"), self.folder_status.text())

    def _move_failed(self, folder: Path, exc: BaseException) -> None:
        self.moving = False
        self._move_result = (folder, exc)
        self.change_folder_button.setEnabled(True)
        self._show_move_status()
        QtWidgets.QMessageBox.warning(self, self.tr("Data folder"), self.folder_status.text())

    def move_message(self) -> str:
        """What the last data-folder change did, in the current language ('' when none was tried)."""
        if self._move_result is None:
            return ""
        folder, exc = self._move_result
        if exc is None:
            text = self.tr(
                "The data was copied to {path}. DLSO Desktop will use this folder from the next start; "
                "until you restart it keeps working in {current}."
            ).format(path=folder, current=self.ctx.data_dir)
            if os.environ.get("DLSO_DATA_DIR"):
                text += " " + self.tr(
                    "Note: DLSO_DATA_DIR is set on this computer and takes priority over this choice."
                )
            return text
        if not isinstance(exc, FolderRefused):
            return self.tr("The data could not be copied: {error}. Nothing was changed.").format(
                error=str(exc) or type(exc).__name__
            )
        messages = {
            Problem.SAME_FOLDER: self.tr("{path} is already the data folder. Nothing was changed."),
            Problem.NOT_A_FOLDER: self.tr("{path} is not a folder. Nothing was changed."),
            Problem.NOT_WRITABLE: self.tr(
                "The app cannot write to {path}. Nothing was changed: choose a folder you can write to."
            ),
            Problem.OTHER_DATABASE: self.tr(
                "{path} already holds another DLSO database (of another laptop or commune), or a file that is "
                "not one. Nothing was changed: choose an empty folder."
            ),
            Problem.COPY_FAILED: self.tr("The data could not be copied to {path}. Nothing was changed."),
        }
        return messages[exc.problem].format(path=exc.folder)

    def _show_move_status(self) -> None:
        if self.moving or self._move_result is None:
            return
        self.folder_status.setText(self.move_message())
        self.folder_status.setVisible(True)
        ok = self._move_result[1] is None
        self.folder_status.setStyleSheet("" if ok else "color: #b00020;")

    # -- backups -----------------------------------------------------------------------------------------

    def back_up(self) -> None:
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(
            self, self.tr("Back up the data"), str(default_backup_path()), self.tr("SQLite database (*.sqlite)")
        )
        if not path:
            return
        dest = Path(path)
        db = self.ctx.db
        self.backup_button.setEnabled(False)
        self._backup_result = None
        self.backup_status.setText(self.tr("Backing up…"))

        def back_up() -> Path:  # an encrypted backup carries a keystore that only the recovery key opens
            done = db.backup(dest)
            db.backup_keystore(dest)
            return done

        self.ctx.tasks.write(back_up, self._backup_done, self._backup_failed)

    def _backup_done(self, dest: Path) -> None:
        self._backup_result = (True, str(dest))
        self.backup_button.setEnabled(True)
        self._show_backup_status()
        QtWidgets.QMessageBox.information(self, self.tr("Backup"), self.backup_status.text())

    def _backup_failed(self, exc: BaseException) -> None:
        self._backup_result = (False, str(exc) or type(exc).__name__)
        self.backup_button.setEnabled(True)
        self._show_backup_status()
        QtWidgets.QMessageBox.warning(self, self.tr("Backup"), self.backup_status.text())

    def _show_backup_status(self) -> None:
        if self._backup_result is None:
            if self.backup_button.isEnabled():
                self.backup_status.setText(self.tr("A backup is a copy of all data to keep somewhere safe."))
            else:
                self.backup_status.setText(self.tr("Backing up…"))
            return
        ok, detail = self._backup_result
        if ok:
            self.backup_status.setText(self.tr("Backup saved: {path}").format(path=detail))
        else:
            self.backup_status.setText(self.tr("The backup failed: {error}").format(error=detail))
