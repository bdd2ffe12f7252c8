"""What happens when something goes wrong: a rotating log file and a dialog with "copy details".

``install(data_dir)`` sends log records to ``logs/dlso.log`` in the data folder (1 MB x 5 files) and replaces
``sys.excepthook`` and ``threading.excepthook``: an unexpected error is logged with its traceback and shown in
a Vietnamese dialog whose details can be copied for the commune operator. The log gets the error's type, code
and stack but never its message (``dlso_desktop.logsafe``): messages may name people.
"""

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from dlso_desktop.logsafe import describe
from ui.qt import QApplication, QtCore, QtWidgets

log = logging.getLogger("dlso")


def setup_logging(data_dir: Path) -> Path:
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / "dlso.log"
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


class ErrorDialog(QtWidgets.QMessageBox):
    """A plain-language message; the technical details are one click (and one copy) away."""

    def __init__(self, summary: str, details: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QtWidgets.QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setText(self.tr("DLSO met an unexpected problem. Your saved work is safe."))
        self.setInformativeText(summary)
        self.setDetailedText(details)
        self.details = details
        copy = self.addButton(self.tr("Copy details"), QtWidgets.QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the dialog open after copying
        copy.clicked.connect(self.copy_details)
        self.addButton(QtWidgets.QMessageBox.StandardButton.Close)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def show_error(exc: BaseException, parent: QtWidgets.QWidget | None = None) -> None:
    """Show an unexpected error (on the GUI thread); the hook and the task runner have logged it."""
    if QApplication.instance() is None:
        return
    ErrorDialog(f"{type(exc).__name__}: {exc}", format_exception(exc), parent).exec()


class _Relay(QtCore.QObject):
    raised = QtCore.Signal(object)


_relay: _Relay | None = None


def install(data_dir: Path, show: Callable[[BaseException], None] = show_error) -> None:
    """Log to the data folder and show unexpected errors from any thread on the GUI thread."""
    global _relay
    setup_logging(data_dir)
    _relay = _Relay()
    _relay.raised.connect(show)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unexpected error:\n%s", describe(exc))  # the message stays on screen: it may name people
        assert _relay is not None
        _relay.raised.emit(exc)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
