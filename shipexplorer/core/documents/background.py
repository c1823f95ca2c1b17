"""How the JSON worker processes behave: in the background, giving way to the window.

The window's frames compete with them for the cores when many answers arrive at once (twenty 1 MB
answers parse in two workers while the window paints). At a lower priority the operating system
gives the window's process several times their share of a busy core, so the window keeps its
frames and the parsing takes the time that is left.
"""

from __future__ import annotations

import contextlib
import os
import signal

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


__all__ = ["NICENESS", "work_in_background"]
