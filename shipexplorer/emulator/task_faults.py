"""Faults injected into the next ``task/status`` answers, for testing a poller's recovery.

``Emulator.fail_task_polls(count, kind)`` queues ``count`` faults: ``"429"`` (Too Many Requests
with ``Retry-After``), ``"503"`` (Service Unavailable) or ``"drop"`` (the headers, then the
connection cut before any body byte). Each ``task/status`` request takes one fault, whatever task
it asks about, until the queue is empty.
"""

from __future__ import annotations

import threading
from collections import deque

from shipexplorer.emulator.envelopes import encode, failed_status
from shipexplorer.emulator.replies import Reply

KINDS = ("429", "503", "drop")


class TaskPollFaults:
    """A thread-safe queue of faults for the next ``task/status`` answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[tuple[str, float]] = deque()

    def add(self, count: int, kind: str = "429", retry_after: float = 1.0) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if count < 0 or retry_after < 0:
            raise ValueError("count and retry_after must not be negative")
        with self._lock:
            self._queue.extend([(kind, retry_after)] * count)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def take(self) -> Reply | None:
        """The next fault's reply, or None when no fault is queued."""
        with self._lock:
            if not self._queue:
                return None
            kind, retry_after = self._queue.popleft()
        if kind == "drop":
            body = encode({"status": {"state": "running"}})
            return Reply(body=body, cut_after=0)
        if kind == "503":
            body = encode(failed_status("The service is unavailable for a moment.", "Unavailable"))
            return Reply(status=503, body=body)
        seconds = f"{retry_after:g}"
        body = encode(
            failed_status(
                f"Too many requests; retry after {seconds} seconds.",
                "RateLimited",
                "Wait for the time given in the Retry-After header.",
            )
        )
        return Reply(status=429, body=body, headers=[("Retry-After", seconds)])
