"""The lock screen and the inactivity watch (issue 6).

After a few minutes without keyboard or mouse input (``AUTO_LOCK_MINUTES``, default 5) or on "Khóa máy"
(Ctrl+L), the main window hides its content behind :class:`LockScreen`: the pages leave the window's widget
tree, other windows of the app are hidden, background sync stops and the database forgets its key. The same
user's PIN (with the laptop's growing delay after wrong PINs) brings everything back as it was, unsaved form
input included. "Đổi người dùng" signs out instead (``MainWindow.sign_out``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlso_desktop.storage.keystore import PinThrottle
from ui.qt import QObject, QtCore, QtWidgets, Signal
from ui.sign_in import Attempt, SignInPanel
from ui.tasks import Tasks

#: input that counts as "someone is using the laptop"
ACTIVITY_EVENTS = frozenset(
    {
        QtCore.QEvent.Type.KeyPress,
        QtCore.QEvent.Type.MouseButtonPress,
        QtCore.QEvent.Type.MouseMove,
        QtCore.QEvent.Type.Wheel,
        QtCore.QEvent.Type.TouchBegin,
        QtCore.QEvent.Type.TabletPress,
    }
)


class InactivityWatcher(QObject):
    """Calls ``on_idle`` after ``timeout_ms`` without user input anywhere in the application."""

    def __init__(self, timeout_ms: int, on_idle: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_idle = on_idle
        self.timer = QtCore.QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self._idle)
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        self.timer.setInterval(timeout_ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def remove(self) -> None:
        self.stop()
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _idle(self) -> None:
        self.on_idle()

    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False


class LockScreen(QtWidgets.QWidget):
    """Shown instead of the window's content: who is signed in, their PIN, and "Đổi người dùng"."""

    unlocked = Signal(object)
    switch_user = Signal()

    def __init__(
        self,
        user_id: str,
        display_name: str,
        attempt: Attempt,
        tasks: Tasks,
        throttle: PinThrottle,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        outer = QtWidgets.QVBoxLayout(self)
        outer.addStretch(1)
        box = QtWidgets.QFrame()
        box.setMinimumWidth(420)
        box.setMaximumWidth(520)
        inner = QtWidgets.QVBoxLayout(box)
        self.title = QtWidgets.QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.title)
        self.hint = QtWidgets.QLabel()
        self.hint.setWordWrap(True)
        inner.addWidget(self.hint)
        self.panel = SignInPanel([(user_id, display_name)], attempt, tasks, throttle, fixed_user=user_id)
        self.panel.forgot.setVisible(False)  # the recovery key is for the sign-in screen ("Đổi người dùng")
        inner.addWidget(self.panel)
        self.switch_button = QtWidgets.QPushButton()
        self.switch_button.clicked.connect(self.switch_user.emit)
        inner.addWidget(self.switch_button)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.panel.succeeded.connect(self.unlocked.emit)
        self.retranslate()

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Locked"))
        self.hint.setText(self.tr("The laptop was locked. Type your PIN to continue where you left off."))
        self.panel.button.setText(self.tr("Unlock"))
        self.switch_button.setText(self.tr("Switch user"))

    def focus_pin(self) -> None:
        self.panel.pin.setFocus()


def hide_other_windows(keep: QtWidgets.QWidget) -> list[Any]:
    """Hide every visible top-level window of the app but ``keep`` (a household form, a visit): their content
    stays as it is, to be shown again on unlock. Returns them."""
    hidden: list[Any] = []
    for w in QtWidgets.QApplication.topLevelWidgets():
        if (
            w is keep
            or not w.isVisible()
            or w.windowType()
            in (
                QtCore.Qt.WindowType.ToolTip,
                QtCore.Qt.WindowType.Popup,
            )
        ):
            continue
        w.hide()
        hidden.append(w)
    return hidden
