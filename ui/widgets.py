"""Small widgets shared by several screens."""

from pathlib import Path

from ui.qt import QtCore, QtGui, QtWidgets

#: the application icon (drawn by scripts/make_icon.py; .ico for the Windows executable, see pyinstaller.spec)
ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "dlso.png"


def app_icon() -> QtGui.QIcon:
    return QtGui.QIcon(str(ICON))


class FormScrollArea(QtWidgets.QScrollArea):
    """A scroll area for a form pane: it scrolls up and down, never sideways.

    Its minimum width is the form's own minimum width (plus the vertical scroll bar), recomputed from the
    current font, so a splitter or layout gives the form the room it needs at 1366x768 and 125 % text instead
    of hiding its right edge behind a horizontal scroll bar."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QtCore.QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        frame = 2 * self.frameWidth()
        needed = max(content.minimumSizeHint().width(), content.minimumWidth())  # an explicit minimum counts too
        width = needed + self.verticalScrollBar().sizeHint().width() + frame
        return QtCore.QSize(max(hint.width(), width), hint.height())
