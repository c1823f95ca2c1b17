"""Which bracket matches the one at the cursor, for a QTextDocument of JSON: brackets inside
strings do not count, and the scan is bounded (``SCAN_LIMIT`` characters, 1,000 lines) so a
huge body never costs a keystroke more than a few milliseconds."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextBlock

SCAN_LIMIT = 50_000
_PAIRS = {"{": "}", "[": "]", "}": "{", "]": "["}
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"?|[{}\[\]]')


def block_brackets(text: str) -> list[tuple[int, str]]:
    """Brackets of one line outside strings, as (Python index, char)."""
    return [(m.start(), m.group()) for m in _BRACKETS.finditer(text) if m.group() in "{}[]"]


def matching_pair(block: QTextBlock, column: int) -> list[tuple[QTextBlock, int]]:
    """The bracket at (or just before) Python index ``column`` of ``block`` and its match, as
    (block, index) pairs: none when no bracket is there, one when it has no match in reach."""
    text = block.text()
    found = block_brackets(text) if len(text) <= SCAN_LIMIT else []
    here = next((i for i, (at, _) in enumerate(found) if at == column), None)
    if here is None:
        here = next((i for i, (at, _) in enumerate(found) if at == column - 1), None)
    if here is None:
        return []
    match = _find_match(block, found, here)
    return [(block, found[here][0])] + ([match] if match else [])


def _find_match(block: QTextBlock, found: list[tuple[int, str]], index: int):
    char = found[index][1]
    forward = char in "{["
    depth, scanned, lines = 0, 0, 0
    items = found[index:] if forward else found[: index + 1][::-1]
    while True:
        for at, c in items:
            if c in "{[" if forward else c in "}]":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return (block, at) if _PAIRS[c] == char else None
        scanned += len(block.text())
        lines += 1
        block = block.next() if forward else block.previous()
        if not block.isValid() or scanned > SCAN_LIMIT or lines > 1000:
            return None
        items = block_brackets(block.text())
        items = items if forward else items[::-1]
