"""Help > Keyboard shortcuts (F1): every key of a window, read from its actions and shortcuts when
the dialog opens, so the list never goes stale.

Menu commands are listed under their menu path ("Request > Send"); the keys that work inside one
panel or editor (a dock's actions, the body editor's) under the control they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class ShortcutRow:
    """One key binding: its keys (as the platform writes them), the command and where it works."""

    keys: str
    command: str
    where: str


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def _keys(sequences: list[QKeySequence]) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(native) for s in sequences if not s.isEmpty())


def _place(widget: QWidget | None, window: QWidget) -> str:
    """Where a widget's keys work: the nearest named widget or dock up from it."""
    while widget is not None and widget is not window:
        if isinstance(widget, QDockWidget):
            return _plain(widget.accessibleName() or widget.windowTitle()) or "a panel"
        if widget.accessibleName():
            return widget.accessibleName()
        widget = widget.parentWidget()
    return "the window"


def _menu_rows(menu: QMenu, path: str, seen: set[QAction]) -> list[ShortcutRow]:
    rows: list[ShortcutRow] = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{path} > {_plain(action.text())}", seen)
            continue
        seen.add(action)
        keys = _keys(action.shortcuts())
        if keys:
            rows.append(ShortcutRow(keys, f"{path} > {_plain(action.text())}", "Anywhere"))
    return rows


def shortcut_rows(window: QWidget) -> list[ShortcutRow]:
    """Every key binding of ``window``: its menus' commands first (in menu order), then the
    keys of its panels and editors (sorted by place), each one listed once."""
    seen: set[QAction] = set()
    rows: list[ShortcutRow] = []
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if action.menu() is not None:
                rows += _menu_rows(action.menu(), _plain(action.text()), seen)
    others: set[ShortcutRow] = set()
    for action in window.findChildren(QAction):
        keys = _keys(action.shortcuts())
        if action in seen or not keys or not action.text():
            continue
        owners = [o for o in action.associatedObjects() if isinstance(o, QWidget)]
        owner = next((o for o in owners if not isinstance(o, QMenu)), None)
        if owner is None:
            parent = action.parent()
            owner = parent if isinstance(parent, QWidget) else None
        others.add(ShortcutRow(keys, _plain(action.text()), _place(owner, window)))
    for shortcut in window.findChildren(QShortcut):
        keys = _keys(shortcut.keys())
        if not keys or not shortcut.isEnabled():
            continue
        parent = shortcut.parent()
        where = _place(parent if isinstance(parent, QWidget) else None, window)
        command = _plain(shortcut.whatsThis()) or f"Shortcut in {where}"
        others.add(ShortcutRow(keys, command, where))
    in_menus = {(row.keys, row.command.rsplit(" > ", 1)[-1]) for row in rows}
    rows += sorted(
        (row for row in others if (row.keys, row.command) not in in_menus),
        key=lambda row: (row.where.lower(), row.command.lower()),
    )
    return rows


class ShortcutsDialog(QDialog):
    """A searchable table of ``shortcut_rows(window)``; Esc closes it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.rows = shortcut_rows(window)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setPlaceholderText("Filter by key, command or place")
        self.filter_edit.setClearButtonEnabled(True)
        label = QLabel("&Filter:", self)
        label.setBuddy(self.filter_edit)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Command", "Where"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        for row, item in enumerate(self.rows):
            for column, text in enumerate((item.keys, item.command, item.where)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.resize(760, 520)
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def apply_filter(self, text: str) -> int:
        """Show the rows containing ``text`` (any column, any case); returns how many show."""
        wanted = text.strip().lower()
        shown = 0
        for row, item in enumerate(self.rows):
            match = not wanted or any(
                wanted in part.lower() for part in (item.keys, item.command, item.where)
            )
            self.table.setRowHidden(row, not match)
            shown += match
        return shown
