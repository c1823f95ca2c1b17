"""The cancel token: light enough to import anywhere (no httpx), used by the transport.

A call registers the sockets it is blocked on; :meth:`CancelToken.cancel` shuts them down, which
wakes a blocked read, write or connect at once, in every phase.
"""

from __future__ import annotations

import contextlib
import socket
import threading


def _shutdown(sock: socket.socket) -> None:
    # socket.socket.shutdown, not SSLSocket.shutdown: the latter drops the SSL object under the
    # feet of the thread that is reading; the plain one just wakes it up.
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class CancelToken:
    """Cancels the calls it is passed to, from any thread; stays cancelled once cancelled."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Abort the calls using this token now (shuts their sockets down); thread-safe."""
        with self._lock:
            self._event.set()
            for sock in self._sockets:
                _shutdown(sock)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` unless cancelled first; True when cancelled."""
        return self._event.wait(max(0.0, seconds))

    def _register(self, sock: socket.socket) -> bool:
        with self._lock:
            if self._event.is_set():
                _shutdown(sock)
                return False
            self._sockets.add(sock)
            return True

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def __repr__(self) -> str:
        return f"CancelToken(cancelled={self.cancelled})"
