"""Comparing two answers: a structural diff of JSON values, a line diff for other text.

No Qt. :func:`diff_json` walks both values and lists what was added, removed or changed, each at
its path (``$.items[2].name``, JSONPath-like). :func:`diff_bodies` decides: both bodies JSON means
a structural diff, otherwise a :mod:`difflib` unified line diff. Long walks pause now and then
(``time.sleep(0)``) so a worker running them does not hold the GIL for long stretches.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["BodyDiff", "Change", "diff_bodies", "diff_json", "diff_lines", "format_path"]

Kind = Literal["added", "removed", "changed"]
MARKERS: dict[str, str] = {"added": "+", "removed": "-", "changed": "~"}
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PAUSE_EVERY = 2000


@dataclass(frozen=True)
class Change:
    """One difference: ``old`` is absent for added, ``new`` for removed."""

    kind: Kind
    path: tuple[str | int, ...]
    old: Any = None
    new: Any = None

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        if self.kind == "added":
            return f"+ {self.path_text}: {_short(self.new)}"
        if self.kind == "removed":
            return f"- {self.path_text}: {_short(self.old)}"
        return f"~ {self.path_text}: {_short(self.old)} -> {_short(self.new)}"


@dataclass
class BodyDiff:
    """The comparison of two bodies: JSON changes, or text lines (``+``/``-``/`` `` prefixed)."""

    is_json: bool
    changes: list[Change] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    truncated: bool = False  # more differences than were kept

    @property
    def same(self) -> bool:
        if self.is_json:
            return not self.changes
        return not any(line[:1] in "+-" for line in self.lines if line[:3] not in ("+++", "---"))


def format_path(path: tuple[str | int, ...]) -> str:
    """``("a", 0, "b c")`` -> ``$.a[0]["b c"]``."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: 1 and 1.0 alike, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def diff_json(old: Any, new: Any, *, limit: int = 10_000) -> tuple[list[Change], bool]:
    """Differences from ``old`` to ``new`` (at most ``limit``); also whether some were left out.

    Objects are compared key by key; lists index by index (the extra items of the longer list are
    added or removed); anything else (or a change of type) is a ``changed`` at its path.
    """
    changes: list[Change] = []
    visited = 0
    stack: list[tuple[tuple[str | int, ...], Any, Any]] = [((), old, new)]
    while stack:
        path, a, b = stack.pop()
        visited += 1
        if visited % _PAUSE_EVERY == 0:
            time.sleep(0)
        if len(changes) > limit:
            break
        if isinstance(a, dict) and isinstance(b, dict):
            later = []
            for key in a:
                if key not in b:
                    changes.append(Change("removed", (*path, key), old=a[key]))
                else:
                    later.append(((*path, key), a[key], b[key]))
            changes.extend(Change("added", (*path, k), new=b[k]) for k in b if k not in a)
            stack.extend(reversed(later))
        elif isinstance(a, list) and isinstance(b, list):
            common = min(len(a), len(b))
            changes.extend(Change("removed", (*path, i), old=a[i]) for i in range(common, len(a)))
            changes.extend(Change("added", (*path, i), new=b[i]) for i in range(common, len(b)))
            stack.extend(((*path, i), a[i], b[i]) for i in reversed(range(common)))
        elif not _same(a, b):
            changes.append(Change("changed", path, old=a, new=b))
    truncated = len(changes) > limit
    changes = changes[:limit]
    changes.sort(key=lambda c: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in c.path])
    return changes, truncated


def diff_lines(
    old: str, new: str, *, old_name: str = "left", new_name: str = "right", limit: int = 20_000
) -> tuple[list[str], bool]:
    """A unified diff of two texts, line by line (at most ``limit`` lines)."""
    lines: list[str] = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=3
    ):
        lines.append(line)
        if len(lines) % _PAUSE_EVERY == 0:
            time.sleep(0)
        if len(lines) >= limit:
            return lines, True
    return lines, False


def _json_or_none(data: bytes | str) -> tuple[bool, Any]:
    try:
        return True, json.loads(data)
    except (ValueError, RecursionError):
        return False, None


def diff_bodies(old: bytes | str, new: bytes | str, *, limit: int = 10_000) -> BodyDiff:
    """Structural when both bodies are JSON, else a line diff of their text."""
    ok_old, value_old = _json_or_none(old)
    ok_new, value_new = _json_or_none(new)
    if ok_old and ok_new:
        changes, truncated = diff_json(value_old, value_new, limit=limit)
        return BodyDiff(True, changes=changes, truncated=truncated)
    text_old = bytes(old).decode("utf-8", "replace") if not isinstance(old, str) else old
    text_new = bytes(new).decode("utf-8", "replace") if not isinstance(new, str) else new
    lines, truncated = diff_lines(text_old, text_new, limit=limit * 2)
    return BodyDiff(False, lines=lines, truncated=truncated)
