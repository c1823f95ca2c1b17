"""The comparison of two responses: every changed path, its old and new value, side by side.

Why a list of paths rather than two scrolled bodies side by side: two JSON answers of a method
often differ in a handful of values buried in a large body; a table of paths (``$.items[2].id``)
with the left (older) and right (newer) value next to each other shows exactly those, reads the
same with a screen reader, and stays usable at any width. Each row starts with a text marker
(``+`` added, ``-`` removed, ``~`` changed) so nothing depends on colour. Bodies that are not both
JSON get a unified line diff (``+``/``-`` prefixed lines) instead.
"""

from __future__ import annotations

import json
import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.json_diff import BodyDiff, Change
from shipexplorer.core.history_records import HistoryEntry
from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import code_font
from shipexplorer.ui.widgets.column_headers import column_header

Index = QModelIndex | QPersistentModelIndex
_WORDS = {"added": "added", "removed": "removed", "changed": "changed"}
_VALUE_CHARS = 300


def _value_text(value: Any, present: bool) -> str:
    if not present:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


class ChangesModel(QAbstractTableModel):
    """The changes of a JSON diff: Change (marker and word), Path, Left, Right."""

    HEADERS = ("Change", "Path", "Left (older)", "Right (newer)")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: list[Change] = []

    def set_changes(self, changes: list[Change]) -> None:
        self.beginResetModel()
        self._changes = list(changes)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._changes):
            return None
        change = self._changes[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return f"{change.marker} {_WORDS[change.kind]}"
            if column == 1:
                return change.path_text
            if column == 2:
                return _value_text(change.old, change.kind != "added")
            if column == 3:
                return _value_text(change.new, change.kind != "removed")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return str(change)
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:  # a hint: the marker says it
            return QBrush(colors.semantic_fill(colors.DIFF_ROLES[change.kind]))
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QBrush(colors.semantic(colors.DIFF_ROLES[change.kind]))
        if role == Qt.ItemDataRole.FontRole and column == 1:
            return code_font()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_header(self.HEADERS, section, orientation, role)

    def change(self, row: int) -> Change:
        return self._changes[row]


def describe_entry(entry: HistoryEntry) -> str:
    """``#12 · 2026-11-28 10:02:03 · e.echo · 200`` (what the diff headings say)."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.time))
    what = ".".join(p for p in (entry.instance, entry.method) if p) or entry.url
    status = str(entry.status) if entry.status is not None else "no answer"
    return f"#{entry.id} · {when} · {what} · {status}"


def summary_text(diff: BodyDiff) -> str:
    """One sentence on how the bodies differ."""
    if diff.same:
        return "The two responses are the same."
    if not diff.is_json:
        added = sum(1 for line in diff.lines if line[:1] == "+" and line[:3] != "+++")
        removed = sum(1 for line in diff.lines if line[:1] == "-" and line[:3] != "---")
        text = f"Not both JSON: a line diff. {added} line(s) added (+), {removed} removed (-)."
    else:
        counts = {kind: sum(1 for c in diff.changes if c.kind == kind) for kind in _WORDS}
        text = (
            f"{len(diff.changes)} change(s): {counts['added']} added (+), "
            f"{counts['removed']} removed (-), {counts['changed']} changed (~)."
        )
    return text + (" Only the first differences are listed." if diff.truncated else "")


class JsonDiffView(QWidget):
    """Shows a :class:`BodyDiff` of two history entries (left: older, right: newer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Response comparison")
        self.left_label = QLabel(self)
        self.left_label.setAccessibleName("Left entry")
        self.right_label = QLabel(self)
        self.right_label.setAccessibleName("Right entry")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Comparison summary")
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("Comparison notes")
        self.model = ChangesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Changed paths")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.lines = QPlainTextEdit(self)
        self.lines.setReadOnly(True)
        self.lines.setAccessibleName("Line differences")
        self.lines.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.lines.setFont(code_font())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.lines)
        layout = QVBoxLayout(self)
        for widget in (self.left_label, self.right_label, self.summary, self.notes, self.stack):
            layout.addWidget(widget)

    def show_diff(self, left: HistoryEntry, right: HistoryEntry, diff: BodyDiff) -> None:
        self.left_label.setText("Left (older): " + describe_entry(left))
        self.right_label.setText("Right (newer): " + describe_entry(right))
        self.summary.setText(summary_text(diff))
        notes = [
            f"{side}: {entry.body_note or 'only the first megabyte of the body is compared'}."
            for side, entry in (("Left", left), ("Right", right))
            if entry.body_note or not entry.body_complete
        ]
        self.notes.setText(" ".join(notes))
        self.notes.setVisible(bool(notes))
        if diff.is_json:
            self.model.set_changes(diff.changes)
            self.table.resizeColumnsToContents()
            self.stack.setCurrentWidget(self.table)
        else:
            self.model.set_changes([])
            self.lines.setPlainText("\n".join(diff.lines))
            self.stack.setCurrentWidget(self.lines)


class JsonDiffDialog(QDialog):
    """A non-modal window around a :class:`JsonDiffView`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare responses")
        self.setAccessibleName("Compare responses")
        self.view = JsonDiffView(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(900, 600)
