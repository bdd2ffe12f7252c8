"""The base of every screen in the main window's navigation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.i18n import Retranslatable
from ui.qt import QtWidgets

if TYPE_CHECKING:  # the window appears before the data layer is imported
    from ui.app_context import AppContext


class Page(Retranslatable, QtWidgets.QWidget):
    """A screen. Subclasses set their texts in ``retranslate()`` and may override the hooks below."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def title(self) -> str:
        """The navigation label (translated)."""
        raise NotImplementedError

    def activate(self) -> None:
        """Shown (again): refresh what may have changed elsewhere."""

    def focus_search(self) -> None:
        """Ctrl+F."""

    def new_item(self) -> None:
        """Ctrl+N."""

    def has_unsaved_changes(self) -> bool:
        """Asked before the app closes; a page with a half-filled form answers True."""
        return False

    def retranslate(self) -> None:
        pass
