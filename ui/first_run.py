"""First run (a first version): choose the commune/ward this laptop serves."""

from dlso_desktop.admin_units import dak_lak_communes, find_communes
from ui.qt import Qt, QtWidgets


class CommunePicker(QtWidgets.QDialog):
    """Type to filter the 102 official communes/wards (accents optional), pick one."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chọn xã/phường"))
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(
            QtWidgets.QLabel(self.tr("Máy này phục vụ xã/phường nào? Gõ tên để lọc (không dấu cũng được)."))
        )
        self.filter = QtWidgets.QLineEdit()
        self.filter.setPlaceholderText(self.tr("Ví dụ: buon ma thuot, ea kar, 24133"))
        layout.addWidget(self.filter)
        self.list = QtWidgets.QListWidget()
        layout.addWidget(self.list, 1)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._refill)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._refill("")
        self.resize(480, 560)

    def _refill(self, query: str) -> None:
        self.list.clear()
        communes = find_communes(query) if query.strip() else dak_lak_communes()
        for c in communes:
            item = QtWidgets.QListWidgetItem(f"{c.display_name} ({c.code})")
            item.setData(Qt.ItemDataRole.UserRole, c.code)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def selected_code(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
