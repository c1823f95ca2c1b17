"""Ending the app on SIGTERM and SIGINT (Ctrl-C) as closing its window does."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QWidget


class SignalQuit:
    """SIGTERM and SIGINT (Ctrl-C) end the app as closing the window does: the window state is
    written, then (``aboutToQuit``) drafts flushed and tasks saved, and the exit status is 0.

    Python runs a signal handler only when the interpreter runs. On POSIX the signal wakes the
    event loop through a socket (:func:`signal.set_wakeup_fd`) that a ``QSocketNotifier``
    watches; elsewhere a timer lets the interpreter run every 250 ms. The window is closed on
    the next event-loop turn, not inside the handler (which may interrupt any Python code).
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, app: QCoreApplication) -> None:
        from PySide6.QtCore import QSocketNotifier, QTimer

        self._app = app
        self._window: QWidget | None = None
        self._asked = False
        self._previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._old_wakeup_fd = -1
        self._waker: QSocketNotifier | QTimer
        if os.name == "posix":
            reader, writer = socket.socketpair()
            reader.setblocking(False)
            writer.setblocking(False)
            self._sockets = (reader, writer)
            self._old_wakeup_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
            notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
            notifier.activated.connect(self._drain_wakeups)
            self._waker = notifier
        else:
            timer = QTimer(app)
            timer.timeout.connect(lambda: None)
            timer.start(250)
            self._waker = timer

    def attach(self, window: QWidget) -> None:
        """The window to close; a signal that came before it is acted on now."""
        self._window = window
        if self._asked:
            self._close_soon()

    def _handle(self, _signum: int, _frame: object) -> None:
        self._asked = True
        if self._window is not None:
            self._close_soon()

    def _close_soon(self) -> None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._close)

    def _close(self) -> None:
        if self._window is not None:
            self._window.close()  # its state written; the last window closed ends the loop
        self._app.quit()  # status 0, even if another top-level window is still open

    def _drain_wakeups(self, *_args: object) -> None:
        if self._sockets is not None:
            with contextlib.suppress(OSError):
                while self._sockets[0].recv(512):
                    pass

    def restore(self) -> None:
        """Put the previous handlers back (once the event loop has ended)."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}
        if self._sockets is not None:
            signal.set_wakeup_fd(self._old_wakeup_fd)
            self._waker.setEnabled(False)
            for sock in self._sockets:
                sock.close()
            self._sockets = None


__all__ = ["SignalQuit"]
