"""The Raw view: the exact text of a body, of any size, painting only the lines on screen.

A :class:`~shipexplorer.core.documents.text_source.TextSource` holds the text (in memory or in a
spooled file with a line index); this view asks it for the few lines it paints, so a 100 MB body
opens at once and costs no per-line objects. Lines are display lines (split at "\\n" and every
``WRAP`` characters). The font is monospaced and each character is taken as one cell wide (a tab
is drawn as one space), which keeps columns exact for search matches.

Keys: Up/Down move the current line, Shift extends the selection of lines, Page Up/Down, Home/End
(start and end of the line), Ctrl+Home/End (first and last line), Left/Right scroll sideways,
Ctrl+C copies the selected lines (at most :data:`MAX_COPY_LINES`). A click selects a line.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from shipexplorer.core.documents.text_source import WRAP
from shipexplorer.ui.style.metrics import code_font

#: at most this many lines are copied at once (each is a seek and a read of the source)
MAX_COPY_LINES = 10_000
_CACHE_LINES = 2_000


class LineSource(Protocol):
    """What the view needs of a TextSource."""

    def line_count(self) -> int: ...
    def line(self, index: int) -> str: ...


class RawTextView(QAbstractScrollArea):
    """Paints the visible lines of a text source.

    Signals:
        currentLineChanged(int): the current (selected) line moved.
    """

    currentLineChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Raw response body")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFont(code_font())
        self._source: LineSource | None = None
        self._count = 0
        self._wrap = WRAP
        self._cache: dict[int, str] = {}
        self._current = 0
        self._anchor = 0
        self._match: tuple[int, int, int] | None = None  # line, column, length
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self._update_bars()

    # --- content -------------------------------------------------------------------------
    def set_source(self, source: LineSource | None, *, wrap: int | None = None) -> None:
        """Show ``source`` (None: nothing) from its first line."""
        self._source = source
        self._count = source.line_count() if source is not None else 0
        self._wrap = wrap if wrap is not None else WRAP
        self._cache.clear()
        self._current = self._anchor = 0
        self._match = None
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._update_bars()
        self.viewport().update()

    def source(self) -> LineSource | None:
        return self._source

    def line_count(self) -> int:
        return self._count

    def line_text(self, index: int) -> str:
        """Display line ``index`` (cached: painting asks for the same lines again and again)."""
        if self._source is None or not 0 <= index < self._count:
            return ""
        text = self._cache.get(index)
        if text is None:
            if len(self._cache) > _CACHE_LINES:
                self._cache.clear()
            text = self._cache[index] = self._source.line(index)
        return text

    def current_line(self) -> int:
        return self._current

    def selected_range(self) -> tuple[int, int]:
        """First and last selected line (inclusive)."""
        return min(self._anchor, self._current), max(self._anchor, self._current)

    def selected_text(self) -> str:
        first, last = self.selected_range()
        last = min(last, first + MAX_COPY_LINES - 1)
        return "\n".join(self.line_text(i) for i in range(first, last + 1))

    def first_visible_line(self) -> int:
        return self.verticalScrollBar().value()

    def visible_lines(self) -> int:
        return max(1, self.viewport().height() // self._line_height())

    def match(self) -> tuple[int, int, int] | None:
        return self._match

    def go_to(self, line: int, column: int = 0, length: int = 0) -> None:
        """Make ``line`` current and visible; mark ``length`` characters from ``column``."""
        if self._count == 0:
            return
        line = max(0, min(line, self._count - 1))
        self._match = (line, column, length) if length > 0 else None
        self._set_current(line, extend=False, center=True)
        bar = self.horizontalScrollBar()
        columns = self._visible_columns()
        if column < bar.value() or column + length > bar.value() + columns:
            bar.setValue(max(0, column - columns // 4))
        self.viewport().update()

    def copy(self) -> None:
        """Put the selected lines on the clipboard."""
        if self._count:
            QGuiApplication.clipboard().setText(self.selected_text())

    # --- geometry --------------------------------------------------------------------------
    def _line_height(self) -> int:
        return max(1, self.fontMetrics().height())

    def _char_width(self) -> int:
        return max(1, self.fontMetrics().horizontalAdvance("M"))

    def _visible_columns(self) -> int:
        return max(1, self.viewport().width() // self._char_width())

    def _update_bars(self) -> None:
        page = self.visible_lines()
        vbar = self.verticalScrollBar()
        vbar.setRange(0, max(0, self._count - page))
        vbar.setPageStep(page)
        vbar.setSingleStep(1)
        columns = self._visible_columns()
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(0, self._wrap - columns) if self._count else 0)
        hbar.setPageStep(columns)
        hbar.setSingleStep(4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_bars()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    # --- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.Base))
        if self._count == 0:
            return
        height, width = self._line_height(), self._char_width()
        ascent = self.fontMetrics().ascent()
        first = self.first_visible_line()
        left = self.horizontalScrollBar().value()
        columns = self._visible_columns() + 1
        selected = self.selected_range()
        text_color = palette.color(QPalette.ColorRole.Text)
        rows = self.viewport().height() // height + 1
        for row in range(rows):
            index = first + row
            if index >= self._count:
                break
            top = row * height
            if selected[0] <= index <= selected[1]:
                painter.fillRect(
                    QRect(0, top, self.viewport().width(), height),
                    palette.color(QPalette.ColorRole.AlternateBase),
                )
            if self._match is not None and self._match[0] == index:
                _line, column, length = self._match
                painter.fillRect(
                    QRect((column - left) * width, top, length * width, height),
                    palette.color(QPalette.ColorRole.Highlight),
                )
            shown = self.line_text(index)[left : left + columns].replace("\t", " ")
            painter.setPen(text_color)
            painter.drawText(0, top + ascent, shown)
        if self.hasFocus():  # the current line is outlined: not shown by colour alone
            row = self._current - first
            if 0 <= row < rows:
                painter.setPen(palette.color(QPalette.ColorRole.Highlight))
                painter.drawRect(0, row * height, self.viewport().width() - 1, height - 1)

    # --- keyboard and mouse ----------------------------------------------------------------
    def _set_current(self, line: int, *, extend: bool, center: bool = False) -> None:
        line = max(0, min(line, self._count - 1)) if self._count else 0
        self._current = line
        if not extend:
            self._anchor = line
        bar = self.verticalScrollBar()
        page = self.visible_lines()
        if center and not bar.value() <= line < bar.value() + page:
            bar.setValue(line - page // 2)
        elif line < bar.value():
            bar.setValue(line)
        elif line >= bar.value() + page:
            bar.setValue(line - page + 1)
        self.viewport().update()
        self.currentLineChanged.emit(line)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        key = event.key()
        mods = event.modifiers()
        extend = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        page = self.visible_lines()
        hbar = self.horizontalScrollBar()
        moves = {
            Qt.Key.Key_Up: self._current - 1,
            Qt.Key.Key_Down: self._current + 1,
            Qt.Key.Key_PageUp: self._current - page,
            Qt.Key.Key_PageDown: self._current + page,
        }
        if key in moves:
            self._set_current(moves[key], extend=extend)
        elif key == Qt.Key.Key_Home and ctrl:
            self._set_current(0, extend=extend)
            hbar.setValue(0)
        elif key == Qt.Key.Key_End and ctrl:
            self._set_current(self._count - 1, extend=extend)
        elif key == Qt.Key.Key_Home:
            hbar.setValue(0)
        elif key == Qt.Key.Key_End:
            end = len(self.line_text(self._current))
            hbar.setValue(max(0, end - self._visible_columns() + 1))
        elif key == Qt.Key.Key_Left:
            hbar.setValue(hbar.value() - hbar.singleStep())
        elif key == Qt.Key.Key_Right:
            hbar.setValue(hbar.value() + hbar.singleStep())
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._count:
            line = self.first_visible_line() + int(event.position().y()) // self._line_height()
            extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._set_current(min(line, self._count - 1), extend=extend)
            self.setFocus()
        super().mousePressEvent(event)
