"""``{{variables}}`` in the body editor: their names completed after ``{{``, their values shown on
hover (the key masked), and the names without a value flagged before a send.

The values come from a callable the request tab gives (its scope: its own variables, captures,
the saved requests' folder, the profile), asked each time, so a change anywhere shows at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Slot
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QToolTip

from shipexplorer.core.variables import Reference, VariableScope, names_in, reference_at

_PREFIX = re.compile(r"\{\{([A-Za-z0-9_.\-]*)$")


def describe(scope: VariableScope, name: str) -> str:
    """One line about ``name``: its value and where it comes from (masked for the key)."""
    resolved = scope.resolve(name)
    if resolved is not None:
        return resolved.describe()
    if scope.knows(name):
        return f"{{{{{name}}}}} is the profile's key, filled in at send time (not loaded yet)."
    return f"{{{{{name}}}}} has no value: Send refuses the request until it has one (Variables…)."


def describe_all(scope: VariableScope, text: str) -> str:
    """A tooltip for a field holding variables (empty when it holds none)."""
    return "\n".join(describe(scope, name) for name in names_in(text))


class VariableHints(QObject):
    """Completion, hover and unknown names for ``editor``; ``scope`` gives the values now."""

    def __init__(self, editor: QPlainTextEdit, scope: Callable[[], VariableScope]) -> None:
        super().__init__(editor)
        self._editor = editor
        self._scope = scope
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setWidget(editor)
        self.completer.popup().setAccessibleName("Variable names")
        self.completer.activated[str].connect(self.insert_name)
        editor.viewport().installEventFilter(self)
        editor.textChanged.connect(self._text_changed)

    # -- what it knows --------------------------------------------------------------------------
    def scope(self) -> VariableScope:
        return self._scope()

    def names(self) -> list[str]:
        return self._scope().names()

    def unknown(self) -> list[str]:
        return self._scope().unknown(self._editor.toPlainText())

    def tooltip_at(self, position: int) -> str | None:
        """The hover text for the character at ``position`` of the body (None: no variable)."""
        ref: Reference | None = reference_at(self._editor.toPlainText(), position)
        return describe(self._scope(), ref.name) if ref is not None else None

    # -- completion -----------------------------------------------------------------------------
    def typed_prefix(self) -> str | None:
        """What follows an open ``{{`` before the cursor (None when the cursor is not in one)."""
        cursor = self._editor.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        match = _PREFIX.search(block)
        return match.group(1) if match else None

    def show(self) -> bool:
        prefix = self.typed_prefix()
        if prefix is None:
            self.completer.popup().hide()
            return False
        self._model.setStringList(self.names())
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() == 0:
            self.completer.popup().hide()
            return False
        rect = self._editor.cursorRect()
        rect.setWidth(max(200, self.completer.popup().sizeHintForColumn(0) + 24))
        self.completer.complete(rect)
        return True

    @Slot(str)
    def insert_name(self, name: str) -> None:
        """Finish the reference at the cursor as ``{{name}}`` (one undoable edit)."""
        prefix = self.typed_prefix() or ""
        cursor = self._editor.textCursor()
        cursor.beginEditBlock()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix)
        )
        rest = cursor.block().text()[cursor.positionInBlock() + len(prefix) :]
        closing = "" if rest.startswith("}}") else "}}"
        cursor.insertText(name + closing)
        cursor.endEditBlock()
        self._editor.setTextCursor(cursor)

    @Slot()
    def _text_changed(self) -> None:
        if self._editor.hasFocus() or self.completer.popup().isVisible():
            self.show()

    # -- hover ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cursor = self._editor.cursorForPosition(event.pos())
            text = self.tooltip_at(cursor.position())
            if text is None and cursor.position() > 0:
                text = self.tooltip_at(cursor.position() - 1)
            if text is not None:
                QToolTip.showText(event.globalPos(), text, self._editor.viewport())
                return True
        return False
