"""A yes/no switch for demo forms: a track and a knob that grow with the font (a check box's
indicator keeps its pixel size whatever the type size), and the words "Yes" or "No" beside it.

Colours are the palette's and the design system's (:func:`~shipexplorer.ui.style.colors.semantic`):
no colour literal, no style sheet. Space toggles it, as for a check box.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractButton, QWidget

from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import space

YES, NO = "Yes", "No"


class Switch(QAbstractButton):
    """A checkable button drawn as a switch; its text says "Yes" or "No"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggled.connect(self._words)
        self._words(False)

    def _words(self, on: bool) -> None:
        self.setText(YES if on else NO)
        self.update()

    def checkStateSet(self) -> None:
        """``setChecked`` with signals blocked (a form showing a value) still updates the words."""
        super().checkStateSet()
        self._words(self.isChecked())

    def _track(self) -> QSize:
        height = self.fontMetrics().height()
        return QSize(round(height * 2.0), height)

    def sizeHint(self) -> QSize:
        track = self._track()
        words = max(self.fontMetrics().horizontalAdvance(w) for w in (YES, NO))
        return QSize(track.width() + space(3) + words + space(1), track.height() + space(2))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self._track()
        top = (self.height() - track.height()) / 2
        rect = QRectF(1, top, track.width() - 2, track.height())
        palette = self.palette()
        on = self.isChecked()
        fill = colors.semantic(colors.SUCCESS) if on else palette.color(QPalette.ColorRole.Mid)
        if not self.isEnabled():
            fill = palette.color(QPalette.ColorRole.Midlight)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
        knob = rect.height() - 4
        left = rect.right() - knob - 2 if on else rect.left() + 2
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawEllipse(QRectF(left, rect.top() + 2, knob, knob))
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), radius + 1, radius + 1)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_rect = QRectF(rect.right() + space(3), 0, self.width(), self.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, self.text())
        painter.end()
