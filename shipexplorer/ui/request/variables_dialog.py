"""The Variables dialog: a table of names and values for a request's own variables, the saved
requests' folder's (``variables.json``) and the profile's, one tab each. The key is not one of
them: ``{{STEAMSHIP_API_KEY}}`` is filled in from the keyring at send time."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.ui.style import colors, metrics, sheets

Saver = Callable[[dict[str, str]], list[str]]


class VariablesTable(QWidget):
    """Two columns, Name and Value, with Add and Remove."""

    def __init__(self, values: Mapping[str, str], label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(("Name", "Value"))
        self.table.setAccessibleName(f"{label} variables")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for name, value in sorted(values.items()):
            self.add(name, value)
        add = QPushButton("&Add", self)
        add.setAccessibleName(f"Add a {label.lower()} variable")
        add.clicked.connect(lambda: self._add_and_edit())
        remove = QPushButton("&Remove", self)
        remove.setAccessibleName(f"Remove the selected {label.lower()} variable")
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def add(self, name: str = "", value: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))
        return row

    def _add_and_edit(self) -> None:
        row = self.add()
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            name_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item is not None else ""
            if name:
                found[name] = value_item.text() if value_item is not None else ""
        return found


class VariablesDialog(QDialog):
    """Edits the three layers; each tab's saver writes its values (problems keep it open)."""

    def __init__(
        self,
        layers: list[tuple[str, Mapping[str, str], Saver | None, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Variables")
        self.setAccessibleName("Variables")
        self.resize(640, 420)  # fits 1280x720
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Variable layers")
        self._savers: list[tuple[VariablesTable, Saver | None, dict[str, str]]] = []
        for label, values, saver, note in layers:
            page = QWidget(self)
            table = VariablesTable(values, label, page)
            table.setEnabled(saver is not None)
            box = QVBoxLayout(page)
            about = QLabel(note, page)
            about.setWordWrap(True)
            box.addWidget(about)
            box.addWidget(table, 1)
            self.tabs.addTab(page, label)
            self._savers.append((table, saver, dict(values)))
        self.message = QLabel(self)
        self.message.setAccessibleName("Variables problem")
        self.message.setWordWrap(True)
        sheets.tone(self.message, colors.DANGER)
        intro = QLabel(
            "Write {{name}} in the instance, the method or the body. The first of these tabs "
            "that has the name gives its value. {{STEAMSHIP_API_KEY}} is the profile's key, "
            "filled in from the keyring when the request is sent.",
            self,
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(metrics.space(2))
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def table(self, index: int) -> VariablesTable:
        return self._savers[index][0]

    def save(self) -> bool:
        """Write every changed layer; stays open, saying why, when one is refused."""
        problems: list[str] = []
        for table, saver, before in self._savers:
            values = table.values()
            if saver is None or values == before:
                continue
            problems += saver(values)
        if problems:
            self.message.setText(" ".join(problems))
            return False
        self.accept()
        return True
