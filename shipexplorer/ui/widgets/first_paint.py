"""Run something once a widget has been painted for the first time: what the first frame does
not show (docks, icons, services) waits for it, so the window appears first. :func:`paint_first`
waits for that first frame right where it is called."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, on the event-loop turn after ``widget`` was first painted."""
    widget.installEventFilter(_FirstPaint(widget, callback))


def paint_first(widget: QWidget, timeout_ms: int = 1000) -> bool:
    """Show ``widget`` and run the event loop until its first frame is painted and flushed (at
    most ``timeout_ms``: a window that is not exposed never paints); the user's input waits
    meanwhile. Returns whether it was painted."""
    loop = QEventLoop()
    painted: list[bool] = []

    def done() -> None:
        painted.append(True)
        loop.quit()

    after_first_paint(widget, done)
    QTimer.singleShot(timeout_ms, loop, loop.quit)
    widget.show()
    if not painted:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    return bool(painted)


__all__ = ["after_first_paint", "paint_first"]
