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


#: a changed line of a JSON diff: the fill of its kind (added, removed, changed)
DIFF_ROLES = {"added": SUCCESS, "removed": DANGER, "changed": WARNING}


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


def luminance(color: QColor) -> float:
    """The relative luminance of ``color`` (WCAG 2)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(first: QColor, second: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(fill: QColor, palette: QPalette | None = None) -> QColor:
    """The palette's text colour (dark or light) that reads best on ``fill``."""
    pal = _palette(palette)
    dark, light = (
        QColor(pal.color(QPalette.ColorRole.WindowText)),
        QColor(pal.color(QPalette.ColorRole.Window)),
    )
    return dark if contrast(dark, fill) >= contrast(light, fill) else light


__all__ = [
    "DANGER",
    "DIFF_ROLES",
    "INFO",
    "NEUTRAL",
    "ROLES",
    "RUNNING",
    "SUCCESS",
    "WARNING",
    "contrast",
    "is_dark",
    "luminance",
    "semantic",
    "semantic_fill",
    "syntax",
    "text_on",
]
