"""How the JSON worker processes behave: in the background, giving way to the window, and never
outliving it.

The window's frames compete with them for the cores when many answers arrive at once (twenty 1 MB
answers parse in two workers while the window paints). At a lower priority the operating system
gives the window's process several times their share of a busy core, so the window keeps its
frames and the parsing takes the time that is left.

A worker ends when the app's process ends in any way, a kill included: it watches its parent's
sentinel (``multiprocessing.parent_process()``), which the system makes ready when the parent is
gone. Without that, the workers (and multiprocessing's resource tracker, which waits for them)
stayed behind a killed app.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

#: the nice value the worker processes take (where there is one: not on Windows)
NICENESS = 10


def work_in_background() -> None:
    """In a worker process, at its start: a lower priority, and Ctrl+C ignored (the app handles
    it and ends the workers itself)."""
    nice = getattr(os, "nice", None)
    if nice is not None:
        with contextlib.suppress(OSError):
            nice(NICENESS)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()


def end_with_parent() -> bool:
    """In a process started by multiprocessing: end it as soon as its parent is gone; False
    when there is no parent to watch."""
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return False

    def watch() -> None:
        wait([sentinel])
        os._exit(0)  # nothing to save: the app that asked for the work is gone

    threading.Thread(target=watch, name="ends with the app", daemon=True).start()
    return True


__all__ = ["NICENESS", "end_with_parent", "work_in_background"]
