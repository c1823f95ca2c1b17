"""JSON syntax highlighting, one text block (line) at a time.

No JSON token spans lines (a raw newline ends a string), so no block state is carried: Qt
re-highlights only the blocks an edit touched, and the work stays linear in the edited text.
Very long lines (a minified body) are highlighted up to ``MAX_BLOCK_CHARS`` only.
"""

from __future__ import annotations

import re

from PySide6.QtGui import (
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from shipexplorer.ui.style import colors

MAX_BLOCK_CHARS = 20_000

_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*"?)(?P<colon>\s*:)?'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
    r"|(?P<punct>[{}\[\],:])"
)

# token kinds, coloured by the design system (colors.syntax, light or dark after the palette);
# the kind of token is also shown by weight or style, so colour is never the only cue.
_COLOURS = ("key", "string", "number", "literal", "punct", "variable")


def _formats() -> dict[str, QTextCharFormat]:
    formats = {}
    for name in _COLOURS:
        fmt = QTextCharFormat()
        fmt.setForeground(colors.syntax(name))
        if name in ("key", "variable"):
            fmt.setFontWeight(QFont.Weight.Bold)
        elif name == "literal":
            fmt.setFontItalic(True)
        formats[name] = fmt
    return formats


def _utf16_offsets(text: str) -> list[int] | None:
    """Python index -> UTF-16 index, or None when they are the same (no astral characters)."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return None
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += 2 if ord(char) > 0xFFFF else 1
    offsets.append(position)
    return offsets


_VARIABLE = re.compile(r"\{\{[A-Za-z_][A-Za-z0-9_.\-]*\}\}")


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers, literals and punctuation of JSON in ``document``."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._formats = _formats()

    def recolor(self) -> None:
        """The palette changed (light <-> dark): colour the text again (ui/style/theme)."""
        self._formats = _formats()
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        text = text[:MAX_BLOCK_CHARS]
        offsets = _utf16_offsets(text)
        formats = self._formats
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "colon":
                kind = "string"
            if kind == "string":
                start, end = match.span("string")
                self._apply(offsets, start, end, formats["key" if match.group("colon") else kind])
                if match.group("colon"):
                    colon = match.end("colon")
                    self._apply(offsets, colon - 1, colon, formats["punct"])
            else:
                self._apply(offsets, match.start(), match.end(), formats[kind])
        if "{{" in text:
            self._highlight_variables(text, offsets)

    def _highlight_variables(self, text: str, offsets: list[int] | None) -> None:
        """``{{name}}`` references in the variable colour, bold, over whatever they are in."""
        fmt = self._formats["variable"]
        for match in _VARIABLE.finditer(text):
            self._apply(offsets, match.start(), match.end(), fmt)

    def _apply(self, offsets: list[int] | None, start: int, end: int, fmt) -> None:
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        self.setFormat(start, end - start, fmt)
