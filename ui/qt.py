"""The one place Qt is imported from: the Qt binding and its version are checked here once."""

from PySide6 import QtCore, QtGui, QtPrintSupport, QtWidgets
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

_MIN_QT = (6, 5)
if tuple(int(x) for x in QtCore.qVersion().split(".")[:2]) < _MIN_QT:
    raise ImportError(f"DLSO needs Qt >= {'.'.join(map(str, _MIN_QT))}, found {QtCore.qVersion()}")

__all__ = [
    "QApplication",
    "QObject",
    "QRunnable",
    "QThreadPool",
    "QTimer",
    "Qt",
    "QtCore",
    "QtGui",
    "QtPrintSupport",
    "QtWidgets",
    "Signal",
    "Slot",
]
