"""The key/value table for an instance config when the package gives no ``configTemplate``.

Each row is a key and a value; a value that parses as JSON is sent as that JSON (``5``, ``true``,
``{"a": 1}``), anything else as the text typed. A text that would parse as JSON is shown quoted,
so that a config round-trips through the table unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def parse_cell(text: str) -> Any:
    """A value cell's text as JSON when it parses, else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def cell_text(value: Any) -> str:
    """The text a value is shown as, such that :func:`parse_cell` gives the value back."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


class KeyValueTable(QWidget):
    """Editable rows of config keys and values, with add and remove buttons.

    Signals:
        changed(): a key or value was edited, or a row added or removed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Key", "Value"])
        self.table.setAccessibleName("Config keys and values")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.itemChanged.connect(self._edited)
        self.add_button = QPushButton("&Add row", self)
        self.add_button.setAccessibleName("Add config row")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("&Remove row", self)
        self.remove_button.setAccessibleName("Remove config row")
        self.remove_button.clicked.connect(self.remove_row)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def rows(self) -> list[tuple[str, str]]:
        """The (key, value text) of every row, keys stripped."""
        found = []
        for row in range(self.table.rowCount()):
            key, value = self.table.item(row, 0), self.table.item(row, 1)
            found.append(((key.text() if key else "").strip(), value.text() if value else ""))
        return found

    def value(self) -> dict[str, Any]:
        """The config the rows make (rows without a key are left out; a later key wins)."""
        return {key: parse_cell(text) for key, text in self.rows() if key}

    def problems(self) -> dict[str | None, str]:
        seen: set[str] = set()
        for key, text in self.rows():
            if not key and text.strip():
                return {None: f"The value {text!r} has no key."}
            if key in seen:
                return {None: f"The key '{key}' appears twice."}
            seen.add(key)
        return {}

    def set_value(self, config: dict[str, Any]) -> None:
        self._filling = True
        try:
            self.table.setRowCount(0)
            for key, value in config.items():
                self._append(str(key), cell_text(value))
        finally:
            self._filling = False

    @Slot()
    def add_row(self) -> None:
        self._filling = True
        try:
            row = self._append("", "")
        finally:
            self._filling = False
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.changed.emit()

    @Slot()
    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def _append(self, key: str, text: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(text))
        return row

    @Slot(QTableWidgetItem)
    def _edited(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.changed.emit()
