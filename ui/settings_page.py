"""Settings: language and font size (applied at once, no restart), the data folder, backups, and versions."""

from datetime import date
from pathlib import Path

import dlso_desktop
from ui.app_context import AppContext
from ui.i18n import LANGUAGES, install_language
from ui.page import Page
from ui.qt import QApplication, QtCore, QtGui, QtWidgets
from ui.settings import FONT_SCALE, LANGUAGE

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
        display.addRow(self.language_label, self.language)
        display.addRow(self.font_label, self.font_scale)
        outer.addWidget(self.display_box)

        self.data_box = QtWidgets.QGroupBox()
        data = QtWidgets.QVBoxLayout(self.data_box)
        folder_row = QtWidgets.QHBoxLayout()
        self.data_dir = QtWidgets.QLineEdit(str(ctx.data_dir))
        self.data_dir.setReadOnly(True)
        self.open_folder_button = QtWidgets.QPushButton()
        self.open_folder_button.clicked.connect(self.open_data_folder)
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(self.open_folder_button)
        data.addLayout(folder_row)
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
        self._select(self.language, ctx.settings.get(LANGUAGE))
        self._select(self.font_scale, ctx.settings.get(FONT_SCALE))
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.font_scale.currentIndexChanged.connect(self._font_scale_chosen)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Settings")

    def retranslate(self) -> None:
        self.display_box.setTitle(self.tr("Display"))
        self.language_label.setText(self.tr("&Language"))
        self.font_label.setText(self.tr("&Text size"))
        self.data_box.setTitle(self.tr("Data"))
        self.data_dir.setToolTip(self.tr("All data of this laptop is kept in this folder."))
        self.open_folder_button.setText(self.tr("Open folder"))
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

    def open_data_folder(self) -> None:
        QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(self.ctx.data_dir)))

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
        self.ctx.tasks.write(lambda: db.backup(dest), self._backup_done, self._backup_failed)

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
