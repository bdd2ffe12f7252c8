"""A table model for big lists: it holds only the ordered ids and loads rows in pages, in the background.

Subclasses give the columns (``headers()``), how a loaded row shows in a cell (``cell()``) and how a page of
rows is read (``fetch(ids)``, run through ``ctx.tasks``). Until its page arrives a row shows
:data:`PLACEHOLDER`; then ``dataChanged`` is emitted for that page. ``set_ids`` replaces the list (a new
search or filter) and forgets loaded rows; a page that arrives for an older list is dropped.
"""

from collections.abc import Callable, Sequence
from typing import Any

from ui.qt import QtCore
from ui.tasks import Tasks

PLACEHOLDER = "…"

_Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex


class LazyIdTableModel[R](QtCore.QAbstractTableModel):
    #: emitted (GUI thread) each time a page of rows has arrived
    page_loaded = QtCore.Signal()

    def __init__(self, tasks: Tasks, page_size: int = 200, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.page_size = page_size
        self._ids: list[str] = []
        self._rows: dict[str, R] = {}
        self._pending: set[int] = set()  # pages requested, not arrived yet
        self._gone: set[str] = set()  # ids whose row no longer exists (deleted meanwhile)
        self._generation = 0

    # -- what subclasses provide -------------------------------------------------------------------------

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row: R, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: R, column: int) -> str | None:
        """The tooltip of a loaded cell: by default its whole text, so a name elided in a narrow column can
        still be read in full (None: no tooltip)."""
        return self.cell(row, column) or None

    def fetch(self, ids: Sequence[str]) -> Callable[[], list[R]]:
        """A function (run on a worker thread) that reads these rows."""
        raise NotImplementedError

    def row_id(self, row: R) -> str:
        """The id a loaded row belongs to."""
        raise NotImplementedError

    # -- the list ----------------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        return list(self._ids)

    def set_ids(self, ids: Sequence[str]) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._rows = {}
        self._pending = set()
        self._gone = set()
        self.endResetModel()

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def loaded(self, row: int) -> R | None:
        hid = self.id_at(row)
        return None if hid is None else self._rows.get(hid)

    def is_loaded(self, row: int) -> bool:
        return self.loaded(row) is not None

    def all_pending_done(self) -> bool:
        return not self._pending

    def reload_loaded(self) -> None:
        """Re-read the pages already shown (after an edit), keeping the list."""
        pages = {i // self.page_size for i, hid in enumerate(self._ids) if hid in self._rows}
        self._generation += 1
        self._pending = set()
        for p in sorted(pages):
            self._request(p)

    def load_all(self) -> None:
        """Request every page (tests, small lists)."""
        for p in range((len(self._ids) + self.page_size - 1) // self.page_size):
            self._request(p)

    # -- Qt ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = QtCore.Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != QtCore.Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == QtCore.Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role not in (QtCore.Qt.ItemDataRole.DisplayRole, QtCore.Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows.get(self._ids[index.row()])
        if row is None:
            if role == QtCore.Qt.ItemDataRole.ToolTipRole:
                return None
            if self._ids[index.row()] in self._gone:
                return ""
            self._request(index.row() // self.page_size)
            return PLACEHOLDER
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        return self.cell(row, index.column())

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        if not index.isValid():
            return QtCore.Qt.ItemFlag.NoItemFlags
        return QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable

    # -- loading -----------------------------------------------------------------------------------------

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        start = page * self.page_size
        ids = self._ids[start : start + self.page_size]
        if not ids:
            return
        self._pending.add(page)
        generation = self._generation
        self.tasks.run(
            self.fetch(ids),
            lambda rows: self._arrived(generation, page, rows),
            lambda exc: self._failed(generation, page, exc),
        )

    def _arrived(self, generation: int, page: int, rows: list[R]) -> None:
        if generation != self._generation:
            return  # a page of an older list
        self._pending.discard(page)
        for r in rows:
            self._rows[self.row_id(r)] = r
        start = page * self.page_size
        self._gone.update(i for i in self._ids[start : start + self.page_size] if i not in self._rows)
        end = min(start + self.page_size, len(self._ids)) - 1
        if end >= start and self.columnCount() > 0:
            self.dataChanged.emit(self.index(start, 0), self.index(end, self.columnCount() - 1))
        self.page_loaded.emit()

    def _failed(self, generation: int, page: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._pending.discard(page)
        raise exc
