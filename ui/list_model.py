"""A table model over a short list that is loaded whole (sessions, a roster, filtered submissions).

Big lists (households) use :mod:`ui.lazy_model` instead, which holds ids and loads rows by page."""

from ui.qt import QtCore

Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex


class RowListModel[R](QtCore.QAbstractTableModel):
    """Rows held in ``self.rows``; subclasses set ``COLUMNS`` and implement ``data``/``headerData``."""

    COLUMNS = 0

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []

    def set_rows(self, rows: list[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt's name)
        return 0 if parent.isValid() else self.COLUMNS

    def row_at(self, index: Index) -> R | None:
        """The row behind a valid index of this model, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]
