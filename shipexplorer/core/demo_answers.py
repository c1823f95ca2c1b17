"""A JSON answer as people read it in demo mode: Markdown text, lists and tables, no braces.

:func:`readable` turns a value into Markdown: an object as a list of "**Label:** value" lines
(labels in words, :func:`~shipexplorer.core.recipes.field_label`), a list of values as bullets, a
list of objects that share their keys as a table, a text as itself. Nested values are summed up
("3 items"). The raw JSON stays available behind the demo's "Details" toggle. Pure Python.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shipexplorer.core.recipes import field_label

MAX_ROWS = 50
MAX_COLUMNS = 6
MAX_CELL = 200
_SPECIAL = re.compile(r"([\\`*_\[\]#|<>])")


def _escape(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        count = len(value)
        return f"{count} detail{'s' if count != 1 else ''}"
    if isinstance(value, list):
        count = len(value)
        return f"{count} item{'s' if count != 1 else ''}"
    return json.dumps(value, ensure_ascii=False, default=str)


def _more(count: int) -> str:
    return f"\n\n… and {count} more" if count > 0 else ""


def _table(rows: list[dict[str, Any]]) -> str | None:
    keys: list[str] = []
    for row in rows[:MAX_ROWS]:
        for key in row:
            if key not in keys:
                keys.append(key)
    if not keys or len(keys) > MAX_COLUMNS:
        return None
    head = "| " + " | ".join(_escape(field_label(k)) for k in keys) + " |"
    rule = "|" + "---|" * len(keys)
    body = [
        "| " + " | ".join(_escape(_scalar(row.get(k, ""))) for k in keys) + " |"
        for row in rows[:MAX_ROWS]
    ]
    return "\n".join([head, rule, *body]) + _more(len(rows) - MAX_ROWS)


def readable(value: Any) -> str:
    """``value`` as Markdown for an audience (see the module docstring)."""
    if isinstance(value, str):
        return _escape_block(value)
    if isinstance(value, dict):
        if not value:
            return "Nothing to show."
        items = list(value.items())
        lines = [f"- **{_escape(field_label(str(k)))}:** {_escape(_scalar(v))}" for k, v in items]
        return "\n".join(lines[:MAX_ROWS]) + _more(len(lines) - MAX_ROWS)
    if isinstance(value, list):
        if not value:
            return "Nothing to show."
        if all(isinstance(item, dict) for item in value):
            table = _table(value)
            if table is not None:
                return table
        bullets = [f"- {_escape(_scalar(item))}" for item in value[:MAX_ROWS]]
        return "\n".join(bullets) + _more(len(value) - MAX_ROWS)
    return _escape(_scalar(value))


def _escape_block(text: str) -> str:
    """A text answer kept as it reads: lines kept, Markdown signs escaped."""
    return "\n\n".join(_SPECIAL.sub(r"\\\1", line) for line in text.splitlines() if line.strip())
