"""Semantic and syntax colours with a light and a dark value, chosen after the palette in use.

A colour is asked for by meaning (``semantic(DANGER)``), never written as a literal in a widget.
Every text colour keeps a contrast of at least 4.5:1 against its fill and against the palette's
base of the same lightness (``tests/ui/style`` checks it).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

SUCCESS = "success"
WARNING = "warning"
DANGER = "danger"
INFO = "info"
RUNNING = "running"
NEUTRAL = "neutral"
ROLES = (SUCCESS, WARNING, DANGER, INFO, RUNNING, NEUTRAL)

# role: ((text, fill) on a light window, (text, fill) on a dark one)
_SEMANTIC: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    SUCCESS: (("#1d6631", "#e2f3e6"), ("#a3dcb2", "#1b3a24")),
    WARNING: (("#7a4300", "#fdf0d8"), ("#f6d08f", "#402e0e")),
    DANGER: (("#a0161b", "#fbe5e4"), ("#f5aeaa", "#4a1f1e")),
    INFO: (("#0b4d98", "#e3edfb"), ("#abc9f5", "#172f4d")),
    RUNNING: (("#5a2d91", "#eee6f8"), ("#d2b8f5", "#33224a")),
    NEUTRAL: (("#44474e", "#eceef1"), ("#c4c7ce", "#2d3036")),
}

# JSON syntax: (light, dark)
_SYNTAX: dict[str, tuple[str, str]] = {
    "key": ("#1a3f8f", "#9cc4ff"),
    "string": ("#1d6b2a", "#9ad39a"),
    "number": ("#8a4b00", "#f0b070"),
    "literal": ("#7a1f7a", "#e0a0e0"),
    "punct": ("#555555", "#aaaaaa"),
    "variable": ("#8a1f5c", "#f0a6d0"),
}


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette's window is dark (light text on it)."""
    return _palette(palette).color(QPalette.ColorRole.Window).lightness() < 128


def semantic(role: str, palette: QPalette | None = None) -> QColor:
    """The text (and icon, and border) colour of ``role`` on ``palette`` (the app's by default)."""
    pair = _SEMANTIC.get(role, _SEMANTIC[NEUTRAL])
    return QColor((pair[1] if is_dark(palette) else pair[0])[0])


def semantic_fill(role: str, palette: QPalette | None = None) -> QColor:
    """The background fill that goes with :func:`semantic` of the same role."""
    pair = _SEMANTIC.get(role, _SEMANTIC[NEUTRAL])
    return QColor((pair[1] if is_dark(palette) else pair[0])[1])


def syntax(kind: str, palette: QPalette | None = None) -> QColor:
    """The colour of a JSON token kind (``key``, ``string``, ``number``, ``literal``, ``punct``,
    ``variable``)."""
    light, dark = _SYNTAX.get(kind, _SYNTAX["punct"])
    return QColor(dark if is_dark(palette) else light)


__all__ = [
    "DANGER",
    "INFO",
    "NEUTRAL",
    "ROLES",
    "RUNNING",
    "SUCCESS",
    "WARNING",
    "is_dark",
    "semantic",
    "semantic_fill",
    "syntax",
]
