"""The Tree view of a JSON body: a tree over :class:`JsonTreeModel` with copy commands.

Keyboard: arrows move and expand/collapse (QTreeView's own), Ctrl+C copies the current node's value
as JSON (read through the worker pool for big documents), Ctrl+Shift+C its JSONPath, Ctrl+Alt+C
its JSON Pointer. The same commands are in the context menu (also on the Menu key).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from shipexplorer.ui.response.json_tree_model import (
    KEY,
    VALUE,
    JsonTreeModel,
    as_sentence,
    error_reason,
)

#: JsonDocument.value_json stops after this many characters (its default limit)
COPY_LIMIT = 10_000_000


class JsonTreeView(QTreeView):
    """A lazy JSON tree.

    Signals:
        message(str): a sentence for the user about a copy (done or failed).
    """

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Response tree")
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.tree_model = JsonTreeModel(parent=self)
        self.tree_model.more_wanted = self._more_wanted
        self.setModel(self.tree_model)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(KEY, 220)
        self.copy_value_action = self._action("Copy value", QKeySequence.StandardKey.Copy)
        self.copy_value_action.triggered.connect(self.copy_value)
        self.copy_path_action = self._action("Copy path", QKeySequence("Ctrl+Shift+C"))
        self.copy_path_action.triggered.connect(self.copy_path)
        self.copy_pointer_action = self._action("Copy pointer", QKeySequence("Ctrl+Alt+C"))
        self.copy_pointer_action.triggered.connect(self.copy_pointer)

    def _more_wanted(self) -> bool:
        """A next batch of rows only for a shown view scrolled to its end (Qt asks hidden views
        to fetch all they can)."""
        bar = self.verticalScrollBar()
        return self.isVisible() and 0 < bar.maximum() <= bar.value()

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.addAction(action)
        return action

    def current_path(self) -> tuple | None:
        index = self.currentIndex()
        return self.tree_model.path(index) if index.isValid() else None

    def select_row(self, row: int) -> None:
        """Make top-level row ``row`` current, selected and visible."""
        index = self.tree_model.index_of_row(row)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def _menu(self, pos: QPoint) -> None:
        if not self.indexAt(pos).isValid() and not self.currentIndex().isValid():
            return
        if self.indexAt(pos).isValid():
            self.setCurrentIndex(self.indexAt(pos))
        menu = QMenu(self)
        menu.addActions([self.copy_value_action, self.copy_path_action, self.copy_pointer_action])
        menu.exec(self.viewport().mapToGlobal(pos))

    def copy_path(self) -> None:
        from shipexplorer.core.documents.json_document import path_text

        self._copy_text(path_text, "path")

    def copy_pointer(self) -> None:
        from shipexplorer.core.documents.json_document import pointer

        self._copy_text(pointer, "pointer")

    def _copy_text(self, convert, what: str) -> None:
        path = self.current_path()
        if path is None:
            return
        text = convert(path)
        QGuiApplication.clipboard().setText(text)
        self.message.emit(f"Copied the {what} {text or '(the root)'}.")

    def copy_value(self) -> None:
        """Copy the current node as indented JSON (read on the pool when the document is big)."""
        path = self.current_path()
        doc = self.tree_model.document()
        if path is None or doc is None:
            return

        def done(text: str) -> None:
            QGuiApplication.clipboard().setText(text)
            cut = (
                " (cut there: use Save body to file… for all of it)"
                if len(text) >= COPY_LIMIT
                else ""
            )
            self.message.emit(f"Copied the value ({len(text):,} characters{cut}).")

        def failed(error: str) -> None:
            self.message.emit(as_sentence("Could not copy the value", error))

        queries = self.tree_model.queries()
        if queries is not None:
            queries.value_json(doc, path, done, failed)
        elif doc.synchronous:
            try:
                text = doc.value_json(path, indent=2)
            except Exception as exc:
                failed(error_reason(exc))
            else:
                done(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):  # before QAbstractItemView's own copy
            self.copy_value()
            return
        super().keyPressEvent(event)
