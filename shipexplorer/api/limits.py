"""How big an answer's body may be: held in memory, spooled to a file, or inflated from gzip or
deflate.

A body is counted as it arrives, after decompression (which is done in bounded steps, so a gzip
bomb stops at the limit): above :attr:`BodyLimits.memory` a call that holds its body in memory
(typed operations, listings, task polls, ``__dir__``, the connection test) ends in
:class:`~shipexplorer.api.errors.BodyTooLarge`; a call that spools (package-method calls from the
window) writes to disk past its spool threshold and stops at :attr:`BodyLimits.spool`. A
Content-Length above the limit is refused before any of the body is read.

The limits are one process-wide setting (:func:`set_body_limits`, from the preferences) that every
client reads at each call, unless the client has its own (``SteamshipClient.body_limits``). No
httpx here: the window sets the limits at start, before the network stack is loaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

MB = 1_000_000
DEFAULT_MEMORY_LIMIT = 16 * MB
DEFAULT_SPOOL_LIMIT = 1_000 * MB

#: where the user changes each limit (the typed error's sentence names it)
MEMORY_SETTING = "File ▸ Preferences ▸ In-memory body limit"
SPOOL_SETTING = "File ▸ Preferences ▸ Spooled body limit"


@dataclass(frozen=True)
class BodyLimits:
    """Byte limits for answer bodies, counted after decompression.

    ``memory``: a body held in memory (whole, or the part before it is spooled); ``spool``: a body
    that goes to a file past the caller's spool threshold.
    """

    memory: int = DEFAULT_MEMORY_LIMIT
    spool: int = DEFAULT_SPOOL_LIMIT

    def __post_init__(self) -> None:
        if self.memory < 1 or self.spool < 1:
            raise ValueError("body limits must be at least one byte")


_lock = threading.Lock()
_current = BodyLimits()


def body_limits() -> BodyLimits:
    """The process-wide limits (any thread)."""
    return _current


def set_body_limits(limits: BodyLimits) -> None:
    """Use ``limits`` for every later call of every client that has none of its own."""
    global _current
    with _lock:
        _current = limits


def format_size(size: int) -> str:
    """``16 MB``, ``2.1 GB``, ``500 kB``, ``12 bytes`` (decimal units, as the preferences)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            value = f"{size / scale:.1f}".rstrip("0").rstrip(".")
            return f"{value} {unit}"
    return "1 byte" if size == 1 else f"{size} bytes"


__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_SPOOL_LIMIT",
    "MB",
    "MEMORY_SETTING",
    "SPOOL_SETTING",
    "BodyLimits",
    "body_limits",
    "format_size",
    "set_body_limits",
]
