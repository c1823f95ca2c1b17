"""Bounding calls that can block for ever (a keyring waiting on an unlock prompt).

:func:`run_with_timeout` runs the call on a daemon thread and stops waiting after a timeout; the
stuck thread is abandoned: it never blocks interpreter exit and holds no pool thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from shipexplorer.api.cancel import CancelToken

log = logging.getLogger(__name__)

T = TypeVar("T")


class CallTimedOut(TimeoutError):
    """A call bounded by :func:`run_with_timeout` did not finish in time."""

    def __init__(self, what: str, timeout: float) -> None:
        super().__init__(f"{what} did not finish within {timeout:g} s")
        self.what = what
        self.timeout = timeout


class CallCancelled(Exception):
    """The token passed to :func:`run_with_timeout` was cancelled while waiting."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was cancelled")
        self.what = what


def run_with_timeout(
    fn: Callable[[], T], timeout: float, what: str, *, token: CancelToken | None = None
) -> T:
    """Run ``fn`` on a daemon thread and wait up to ``timeout`` seconds for it.

    Returns what ``fn`` returned or raises what it raised; raises :class:`CallTimedOut` when it did
    not finish in time (and :class:`CallCancelled` when ``token`` is cancelled first). A stuck call
    is abandoned on its daemon thread: it never blocks interpreter exit nor holds a pool thread.
    """
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed over to the waiting thread, re-raised there
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name=f"run_with_timeout: {what}", daemon=True).start()
    if not _wait(done, token, timeout, what):
        log.warning("%s did not finish within %g s; abandoning it", what, timeout)
        raise CallTimedOut(what, timeout)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _wait(done: threading.Event, token: CancelToken | None, timeout: float, what: str) -> bool:
    if token is None:
        return done.wait(timeout)
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if done.wait(min(0.05, max(0.0, left))):
            return True
        if token.cancelled:
            raise CallCancelled(what)
        if left <= 0:
            return False
