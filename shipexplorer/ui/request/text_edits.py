"""Typing aids of the body editor that know nothing of JSON values: UTF-16 lengths (what Qt
positions count), a text replaced as one minimal undoable edit, a new line that keeps (or adds)
indentation, and a line's indentation taken back before a closing bracket.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit


def utf16_len(text: str) -> int:
    """Length of ``text`` in the UTF-16 units Qt positions count."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def common_prefix(a: str, b: str) -> int:
    """How many first characters ``a`` and ``b`` share."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # slices compare in C: O(n log n) with a small constant
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def replace_all(edit: QPlainTextEdit, text: str) -> None:
    """Replace the text of ``edit`` by ``text`` as ONE undoable edit, touching only what differs."""
    old = edit.toPlainText()
    if old == text:
        return
    start = common_prefix(old, text)
    end = common_prefix(old[start:][::-1], text[start:][::-1])
    cursor = QTextCursor(edit.document())
    cursor.beginEditBlock()
    cursor.setPosition(utf16_len(old[:start]))
    cursor.setPosition(utf16_len(old[: len(old) - end]), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text[start : len(text) - end])
    cursor.endEditBlock()


def new_line(edit: QPlainTextEdit, indent_unit: str) -> None:
    """Enter: a new line with the current line's indentation, one ``indent_unit`` more after an
    opening bracket; between a pair of brackets the closing one goes to a line of its own."""
    cursor = edit.textCursor()
    line = cursor.block().text()
    column = len(line[: cursor.positionInBlock()]) if line.isascii() else None
    if column is None:
        cursor2 = QTextCursor(cursor)
        cursor2.movePosition(
            QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor
        )
        column = len(cursor2.selectedText())
    indent = re.match(r"[ \t]*", line).group()
    before, after = line[:column].rstrip(), line[column:]
    opens = before[-1:] in ("{", "[")
    closes = after.lstrip()[:1] in ("}", "]")
    cursor.beginEditBlock()
    if closes:  # drop the spaces between the cursor and the closing bracket
        spaces = len(after) - len(after.lstrip())
        cursor.movePosition(
            QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, spaces
        )
    if opens and closes:
        cursor.insertText("\n" + indent + indent_unit + "\n" + indent)
        cursor.movePosition(QTextCursor.MoveOperation.Up)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    else:
        cursor.insertText("\n" + indent + (indent_unit if opens else ""))
    cursor.endEditBlock()
    edit.setTextCursor(cursor)


def dedent_line(edit: QPlainTextEdit, indent_unit: str) -> None:
    """Before a closing bracket typed on a line of only spaces: one ``indent_unit`` less."""
    cursor = edit.textCursor()
    if cursor.hasSelection():
        return
    before = cursor.block().text()[: cursor.positionInBlock()]
    if before and not before.strip() and before.endswith(indent_unit):
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(indent_unit)
        )
        cursor.removeSelectedText()
        edit.setTextCursor(cursor)
