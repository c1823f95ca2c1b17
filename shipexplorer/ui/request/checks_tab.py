"""The Checks tab of a request: its checks and captures as two small tables, and which checks
held after the last send (green or red, in words)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.checks import KINDS, TASK_ENDS, Capture, Check, Verdict
from shipexplorer.services.variables_service import check_from_fields, value_text
from shipexplorer.ui.style import colors, metrics

_CHECK_COLUMNS = ("Check", "JSONPath", "Value", "Within (s)")
_CAPTURE_COLUMNS = ("Variable", "JSONPath")


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side on the left of a row."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class ChecksTab(QWidget):
    """Edits a request's checks and captures; shows the verdicts of the last send.

    Signals:
        edited(): a check or capture was added, changed or removed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.checks_table = QTableWidget(0, len(_CHECK_COLUMNS), self)
        self.checks_table.setHorizontalHeaderLabels(_CHECK_COLUMNS)
        self.checks_table.setAccessibleName("Checks")
        self.checks_table.setToolTip(
            "What the answer must be: status is / is not, a JSONPath exists, equals or matches "
            "a regular expression, the task ends in a state within some seconds"
        )
        self.captures_table = QTableWidget(0, len(_CAPTURE_COLUMNS), self)
        self.captures_table.setHorizontalHeaderLabels(_CAPTURE_COLUMNS)
        self.captures_table.setAccessibleName("Captures")
        self.captures_table.setToolTip(
            "Set a variable from the answer with a JSONPath, e.g. $.data.packageInstance.handle"
        )
        for table in (self.checks_table, self.captures_table):
            table.setMinimumHeight(metrics.space(16))
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().hide()
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.itemChanged.connect(self._item_changed)
        self.results = QListWidget(self)
        self.results.setAccessibleName("Check results")
        self.results.setToolTip("Which checks held after the last send")
        self.results.setMinimumHeight(metrics.space(12))
        add_check = self._button("Add check", "Add a check (status is 200 to start with)")
        add_check.clicked.connect(lambda: self.add_check(Check("status is", 200)))
        remove_check = self._button("Remove check", "Remove the selected check")
        remove_check.clicked.connect(lambda: self._remove(self.checks_table))
        add_capture = self._button("Add capture", "Add a capture (a variable from the answer)")
        add_capture.clicked.connect(lambda: self.add_capture(Capture("name", "$.")))
        remove_capture = self._button("Remove capture", "Remove the selected capture")
        remove_capture.clicked.connect(lambda: self._remove(self.captures_table))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(metrics.space(1))
        layout.addWidget(QLabel("Checks", self))
        layout.addWidget(self.checks_table, 2)
        layout.addLayout(_button_row(add_check, remove_check))
        layout.addWidget(QLabel("Captures", self))
        layout.addWidget(self.captures_table, 1)
        layout.addLayout(_button_row(add_capture, remove_capture))
        layout.addWidget(QLabel("After the last send", self))
        layout.addWidget(self.results, 1)

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        return button

    # -- contents -------------------------------------------------------------------------------
    def set_items(self, checks: tuple[Check, ...], captures: tuple[Capture, ...]) -> None:
        self._filling = True
        try:
            self.checks_table.setRowCount(0)
            self.captures_table.setRowCount(0)
            for check in checks:
                self.add_check(check, emit=False)
            for capture in captures:
                self.add_capture(capture, emit=False)
            self.results.clear()
        finally:
            self._filling = False

    def add_check(self, check: Check, *, emit: bool = True) -> None:
        table = self.checks_table
        row = table.rowCount()
        table.insertRow(row)
        kinds = QComboBox(table)
        kinds.addItems(KINDS)
        kinds.setAccessibleName("Kind of check")
        kinds.setCurrentText(check.kind)
        kinds.currentTextChanged.connect(self._kind_changed)
        table.setCellWidget(row, 0, kinds)
        within = "" if check.kind != TASK_ENDS else f"{check.within_seconds():g}"
        for column, text in ((1, check.path), (2, value_text(check)), (3, within)):
            table.setItem(row, column, QTableWidgetItem(text))
        if emit:
            self._kind_changed()

    def add_capture(self, capture: Capture, *, emit: bool = True) -> None:
        table = self.captures_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(capture.variable))
        table.setItem(row, 1, QTableWidgetItem(capture.path))
        if emit and not self._filling:
            self.edited.emit()

    def checks(self) -> tuple[Check, ...]:
        table = self.checks_table
        found = []
        for row in range(table.rowCount()):
            kinds = table.cellWidget(row, 0)
            kind = kinds.currentText() if isinstance(kinds, QComboBox) else "status is"
            path, value, within = (self._text(table, row, c) for c in (1, 2, 3))
            found.append(check_from_fields(kind, path, value, within))
        return tuple(found)

    def captures(self) -> tuple[Capture, ...]:
        table = self.captures_table
        return tuple(
            Capture(self._text(table, row, 0).strip(), self._text(table, row, 1).strip())
            for row in range(table.rowCount())
        )

    @staticmethod
    def _text(table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text() if item is not None else ""

    # -- verdicts -------------------------------------------------------------------------------
    def show_verdicts(self, verdicts: list[Verdict], notes: list[str]) -> None:
        """After a send: one line per check, "Held" in green or "Failed" in red, with why."""
        self.results.clear()
        for verdict in verdicts:
            word = "Held" if verdict.held else "Failed"
            item = QListWidgetItem(f"{word}: {verdict.check.describe()} ({verdict.why})")
            role = colors.SUCCESS if verdict.held else colors.DANGER
            item.setForeground(colors.semantic(role))
            self.results.addItem(item)
        for note in notes:
            item = QListWidgetItem(note)
            item.setForeground(colors.semantic(colors.WARNING))
            self.results.addItem(item)

    def summary(self) -> str:
        """ "2 of 3 checks held", for the response's status (empty without verdicts)."""
        lines = [self.results.item(i).text() for i in range(self.results.count())]
        held = sum(line.startswith("Held:") for line in lines)
        total = held + sum(line.startswith("Failed:") for line in lines)
        return f"{held} of {total} checks held" if total else ""

    # -- changes --------------------------------------------------------------------------------
    @Slot()
    def _kind_changed(self, *_args) -> None:
        if not self._filling:
            self.edited.emit()

    @Slot(QTableWidgetItem)
    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.edited.emit()

    def _remove(self, table: QTableWidget) -> None:
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        if not rows and table.rowCount():
            rows = [table.currentRow() if table.currentRow() >= 0 else table.rowCount() - 1]
        for row in rows:
            table.removeRow(row)
        if rows:
            self.edited.emit()
