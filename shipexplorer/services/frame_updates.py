"""Updates coalesced per frame: many requests within one 16 ms frame give one call.

A :class:`FrameCoalescer` owns a single-shot precise timer on the GUI thread. :meth:`request`
starts it unless it already runs; when it fires, the callback runs once, however many requests
came in between. Status text, tab titles, task rows and history rows use it, so twenty answers
landing in the same frame repaint them once instead of twenty times (each repaint of a tab bar
relays out every tab).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

#: one frame at 60 Hz, in milliseconds
FRAME_MS = 16


class FrameCoalescer(QObject):
    """Calls ``callback`` at most once per frame, after the first :meth:`request` of the frame."""

    def __init__(
        self, callback: Callable[[], None], parent: QObject | None = None, *, ms: int = FRAME_MS
    ) -> None:
        super().__init__(parent)
        self._callback = callback
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(self.flush)
        #: how many times the callback ran (tests count repaints with it)
        self.calls = 0

    def request(self, *_args: object) -> None:
        """Ask for the callback within a frame (any arguments a signal carries are ignored)."""
        if not self._timer.isActive():
            self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        """Forget the pending request (its caller did the work itself)."""
        self._timer.stop()

    def flush(self) -> None:
        """Run the callback now (if a request waits, or when called directly)."""
        self._timer.stop()
        self.calls += 1
        self._callback()


__all__ = ["FRAME_MS", "FrameCoalescer"]
