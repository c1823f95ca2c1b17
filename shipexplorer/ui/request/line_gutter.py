"""The line-number gutter beside a QPlainTextEdit, with a mark ("!" on a tinted line, not only a
colour) on the line a problem is on; a click reports the line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from shipexplorer.ui.style import colors
from shipexplorer.ui.style.colors import DANGER


class LineGutter(QWidget):
    """Numbers the editor's lines; ``marked()`` gives the 1-based line to mark (or None).

    Signals:
        lineClicked(int): the 0-based block number that was clicked.
    """

    lineClicked = Signal(int)

    def __init__(self, editor: QPlainTextEdit, marked: Callable[[], int | None]) -> None:
        super().__init__(editor)
        self._editor = editor
        self._marked = marked
        editor.blockCountChanged.connect(self.update_width)
        editor.updateRequest.connect(self._update_area)
        self.update_width()

    def preferred_width(self) -> int:
        digits = len(str(max(1, self._editor.blockCount())))
        metrics = self._editor.fontMetrics()
        return 10 + metrics.horizontalAdvance("!") * 2 + metrics.horizontalAdvance("9") * digits

    def sizeHint(self) -> QSize:
        return QSize(self.preferred_width(), 0)

    @Slot()
    def update_width(self) -> None:
        self._editor.setViewportMargins(self.preferred_width(), 0, 0, 0)

    def place(self) -> None:
        """Follow the editor's size (call from its resizeEvent)."""
        rect = self._editor.contentsRect()
        self.setGeometry(QRect(rect.left(), rect.top(), self.preferred_width(), rect.height()))

    @Slot(QRect, int)
    def _update_area(self, rect: QRect, dy: int) -> None:
        if dy:
            self.scroll(0, dy)
        else:
            self.update(0, rect.y(), self.width(), rect.height())
        if rect.contains(self._editor.viewport().rect()):
            self.update_width()

    def paintEvent(self, event) -> None:
        editor = self._editor
        painter = QPainter(self)
        palette = editor.palette()
        painter.fillRect(event.rect(), palette.window())
        width = self.width()
        height = editor.fontMetrics().height()
        marked = self._marked()
        block = editor.firstVisibleBlock()
        number = block.blockNumber()
        top = round(editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top())
        bottom = top + round(editor.blockBoundingRect(block).height())
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.setPen(palette.color(palette.ColorRole.PlaceholderText))
                if marked == number + 1:
                    painter.fillRect(0, top, width, height, colors.semantic_fill(DANGER, palette))
                    painter.setPen(colors.semantic(DANGER, palette))
                    painter.drawText(2, top, width, height, Qt.AlignmentFlag.AlignLeft, "!")
                painter.drawText(
                    0, top, width - 4, height, Qt.AlignmentFlag.AlignRight, str(number + 1)
                )
            block = block.next()
            top = bottom
            bottom = top + round(editor.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def mousePressEvent(self, event) -> None:
        y = int(event.position().y())
        self.lineClicked.emit(self._editor.cursorForPosition(QPoint(0, y)).block().blockNumber())
