"""Languages: Vietnamese (the default) and English, switched at run time.

Source strings in the code are English (``self.tr("Households")``). Vietnamese lives in
``resources/translations/<module>_vi.ts`` — one file per UI module, so screens can be worked on side by side —
compiled to ``.qm`` by the Makefile (``make qm``). Qt's own strings (standard buttons, the edit menu of a text
field) come from ``qtbase_vi``: Qt ships no Vietnamese translation of them, so the project keeps its own
``resources/translations/qtbase_vi.ts`` for the ones the app shows.

Switching language installs the new translators; Qt then sends every widget a ``LanguageChange`` event and
each screen re-reads its texts in ``retranslate()`` (see :class:`Retranslatable`).
"""

from pathlib import Path

from ui.qt import QtCore, QtWidgets

LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"

_installed: list[QtCore.QTranslator] = []


def qm_files(language: str, directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """The compiled translations of the app for ``language`` (``qtbase_vi.qm`` first)."""
    files = sorted(directory.glob(f"*_{language}.qm"))
    return sorted(files, key=lambda p: not p.name.startswith("qtbase_"))


def install_language(language: str, app: QtCore.QCoreApplication | None = None) -> list[Path]:
    """Make ``language`` current for the whole app; returns the translation files it loaded.

    English needs no files (it is the source language). Missing ``.qm`` files are a packaging error: the
    caller (and ``--self-test``) can check the returned list.
    """
    app = app or QtCore.QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication first")
    for translator in _installed:
        QtCore.QCoreApplication.removeTranslator(translator)
    _installed.clear()
    loaded: list[Path] = []
    if language != "en":
        qt_dir = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
        official = QtCore.QTranslator(app)
        if official.load(f"qtbase_{language}", qt_dir):  # if a future Qt ships one, it comes first
            QtCore.QCoreApplication.installTranslator(official)
            _installed.append(official)
        for path in qm_files(language):
            translator = QtCore.QTranslator(app)
            if translator.load(str(path)):
                QtCore.QCoreApplication.installTranslator(translator)
                _installed.append(translator)
                loaded.append(path)
    QtCore.QLocale.setDefault(
        QtCore.QLocale(QtCore.QLocale.Language.Vietnamese if language == "vi" else QtCore.QLocale.Language.English)
    )
    return loaded


class Retranslatable:
    """Mixin for widgets: call ``retranslate()`` once at the end of ``__init__``; it runs again on every
    language change. Put every ``self.tr()`` text assignment there."""

    def retranslate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        QtWidgets.QWidget.changeEvent(self, event)  # type: ignore[arg-type]
