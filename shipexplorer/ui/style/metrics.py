"""Spacing on a 4/8 px grid and one type scale, relative to the application's font.

``space(n)`` is ``n`` steps of 4 px. ``font(step)`` scales the UI font by the step's factor, so a
presenter's A+ and A- (a factor on top) moves every step together. ``code_font()`` is the one
monospace font for code and JSON.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

GRID = 4

# step name: factor of the application font's point size
TYPE_SCALE: dict[str, float] = {
    "caption": 0.85,
    "body": 1.0,
    "title": 1.2,
    "headline": 1.5,
    "display": 2.0,
}


def space(steps: int) -> int:
    """``steps`` grid units in pixels (``space(2)`` is 8 px)."""
    return GRID * steps


def font(step: str = "body", *, scale: float = 1.0, bold: bool = False) -> QFont:
    """The UI font at ``step`` of :data:`TYPE_SCALE`, times ``scale`` (a presenter's zoom)."""
    base = QFont(QGuiApplication.font())
    points = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    base.setPointSizeF(points * TYPE_SCALE.get(step, 1.0) * scale)
    base.setBold(bold)
    return base


def code_font(*, scale: float = 1.0) -> QFont:
    """The one monospace font for code, at the UI font's size times ``scale``."""
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    ui = QGuiApplication.font()
    points = ui.pointSizeF() if ui.pointSizeF() > 0 else 10.0
    fixed.setPointSizeF(points * scale)
    return fixed


__all__ = ["GRID", "TYPE_SCALE", "code_font", "font", "space"]
