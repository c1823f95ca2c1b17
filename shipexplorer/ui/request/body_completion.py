"""The completion popup of the body editor: the method's argument names at a key of the top-level
object, enum values (or true/false) at the value of a key. What to offer comes from the body
service (:func:`~shipexplorer.services.body_check.completion_at`); this puts it in a popup and
writes the chosen one as one undoable edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QStringListModel, Qt, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit

from shipexplorer.api import MethodSpec
from shipexplorer.core.documents.json_body import Completion
from shipexplorer.services.body_check import completion_at
from shipexplorer.ui.request.text_edits import utf16_len


class BodyCompleter(QObject):
    """Completions for ``editor``, for the method ``spec()`` returns (None: nothing to offer)."""

    def __init__(self, editor: QPlainTextEdit, spec: Callable[[], MethodSpec | None]) -> None:
        super().__init__(editor)
        self._editor = editor
        self._spec = spec
        self.completer = QCompleter(self)
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.setWidget(editor)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.popup().setAccessibleName("Completions")
        self.completer.activated[str].connect(self.insert)

    def context(self) -> Completion:
        """The completion context at the editor's cursor."""
        editor = self._editor
        cursor = QTextCursor(editor.document())
        cursor.setPosition(editor.textCursor().position(), QTextCursor.MoveMode.KeepAnchor)
        offset = len(cursor.selectedText())
        return completion_at(editor.toPlainText(), offset, self._spec())

    def is_showing(self) -> bool:
        return self.completer.popup().isVisible()

    @Slot()
    def show(self) -> bool:
        """Pop up the completions at the cursor; False when there are none."""
        context = self.context()
        labels = [label for label, _ in context.options]
        popup = self.completer.popup()
        if not labels:
            popup.hide()
            return False
        self.completer.model().setStringList(labels)
        self.completer.setCompletionPrefix(context.prefix)
        if self.completer.completionCount() == 0:
            popup.hide()
            return False
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self._editor.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        self.completer.complete(rect)
        return True

    @Slot(str)
    def insert(self, label: str) -> None:
        """Replace what is typed at the cursor by the completion ``label`` (one undoable edit)."""
        context = self.context()
        replacement = dict(context.options).get(label)
        if replacement is None:
            return
        typed = self._editor.toPlainText()[context.start : context.end]
        cursor = self._editor.textCursor()
        end = cursor.position()
        cursor.beginEditBlock()
        cursor.setPosition(end - utf16_len(typed))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)
        cursor.endEditBlock()
        self._editor.setTextCursor(cursor)
        self.completer.popup().hide()
