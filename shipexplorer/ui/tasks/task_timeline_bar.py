"""A task's state timeline drawn as one horizontal bar: a segment per observed state, as wide as
the time spent in it, labelled with the state and its duration (so not told by colour alone).

A final state (succeeded, failed) has no length of its own: it is drawn as a narrow end cap with
its name. The same list is the widget's tooltip and accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from shipexplorer.core.task_text import format_duration
from shipexplorer.ui.style import colors

_FINAL = ("succeeded", "failed")
# Each state's semantic role (colors.semantic_fill behind, colors.semantic for the words, light
# or dark after the palette); the words carry the meaning, the hue only helps.
STATE_ROLES = {
    "creating": colors.NEUTRAL,
    "waiting": colors.WARNING,
    "running": colors.RUNNING,
    "succeeded": colors.SUCCESS,
    "failed": colors.DANGER,
}
_MIN_SEGMENT = 4.0


def state_colors(state: str, palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """The (text, fill) colours of a segment in ``state``."""
    role = STATE_ROLES.get(state, colors.NEUTRAL)
    return colors.semantic(role, palette), colors.semantic_fill(role, palette)


def segment_text(state: str, seconds: float) -> str:
    """``"running 1.2 s"``; a final state by its name alone."""
    return state if state in _FINAL else f"{state} {format_duration(seconds)}"


class TaskTimelineBar(QWidget):
    """Draws ``[(state, seconds), ...]`` as proportional, labelled segments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[tuple[str, float]] = []
        self.setAccessibleName("Task state timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # so a screen reader user can reach it
        self._describe()

    def segments(self) -> list[tuple[str, float]]:
        return list(self._segments)

    def set_segments(self, segments: list[tuple[str, float]]) -> None:
        """Show these ``(state, seconds)`` spans in order (``TrackedTask.durations(now)``)."""
        segments = [(str(state), max(0.0, float(seconds))) for state, seconds in segments]
        if segments == self._segments:
            return
        self._segments = segments
        self._describe()
        self.update()

    def labels(self) -> list[str]:
        """Each segment's words, as drawn and as read out."""
        return [segment_text(state, seconds) for state, seconds in self._segments]

    def _describe(self) -> None:
        if not self._segments:
            text = "No state seen yet"
        else:
            text = "States in order: " + ", then ".join(self.labels())
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def sizeHint(self) -> QSize:
        height = QFontMetrics(self.font()).height() + 12
        return QSize(320, height)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.sizeHint().height())

    def _widths(self, total: float) -> list[float]:
        """Pixel widths: final states get room for their name, the rest share by time."""
        metrics = QFontMetrics(self.font())
        caps = [
            metrics.horizontalAdvance(state) + 12.0 if state in _FINAL else 0.0
            for state, _ in self._segments
        ]
        room = max(0.0, total - sum(caps))
        timed = [(i, s) for i, (state, s) in enumerate(self._segments) if state not in _FINAL]
        seconds = sum(s for _, s in timed)
        widths = list(caps)
        for i, s in timed:
            share = s / seconds if seconds > 0 else 1.0 / len(timed)
            widths[i] = max(_MIN_SEGMENT, room * share)
        scale = total / sum(widths) if sum(widths) > total > 0 else 1.0
        return [w * scale for w in widths]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        border = self.palette().color(QPalette.ColorRole.Mid)
        if not self._segments:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, "No state seen yet")
            return
        metrics = QFontMetrics(self.font())
        x = rect.left()
        widths = self._widths(rect.width())
        for (state, seconds), width in zip(self._segments, widths, strict=True):
            segment = QRectF(x, rect.top(), width, rect.height())
            text_color, fill = state_colors(state, self.palette())
            painter.setPen(QPen(border, 1))
            painter.setBrush(fill)
            painter.drawRect(segment)
            label = segment_text(state, seconds)
            if metrics.horizontalAdvance(label) + 6 > width:
                label = state if metrics.horizontalAdvance(state) + 6 <= width else ""
            if label:
                painter.setPen(text_color)
                painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, label)
            x += width
        if self.hasFocus():
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
