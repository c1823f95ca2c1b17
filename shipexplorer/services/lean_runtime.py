"""What the GUI process keeps at rest: three measured savings, applied by the composition root.

- PySide6 decides, for every module imported after it, whether that module uses PySide6 by
  reading its source through :mod:`linecache` (for its ``__feature__`` switch): every imported
  file's text then stays in ``linecache.cache`` (about 8 MB of strings for this app, and the time
  to split them into lines). :func:`spare_source_cache` gives it the same answer (does the file
  mention ``PySide6``?) from a plain read that keeps nothing.
- ``import httpx`` imports httpx's command-line client, and with it click, rich and pygments
  (some 80 modules) whenever they are installed. :func:`skip_httpx_cli` stands a stub in for
  that one module in this process; the library itself is untouched.
- glibc's malloc gives each thread that allocates an arena of its own, up to eight per core,
  and keeps what each one grew to: the pool's threads come and go, and the app held 15 arenas
  at rest. :func:`limit_malloc_arenas` caps them at two (the GUI thread's and one shared by the
  workers).
- :func:`settle_memory`, once the start-up work is done: the line cache emptied, garbage
  collected, and the C heap trimmed (glibc).

Each step is a no-op where its target is missing (another PySide6, another libc).
"""

from __future__ import annotations

import contextlib
import gc
import linecache
import sys
import types
from typing import Any


def spare_source_cache() -> bool:
    """PySide6's "does this module use PySide6?" without filling the line cache; True if
    applied (PySide6 must be imported first)."""
    try:
        from PySide6.support import feature  # type: ignore[attr-defined]
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _mentions_pyside
    return True


def _mentions_pyside(module: Any) -> bool:
    """The same test PySide6 makes (the source mentions ``PySide6``), reading the file once."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def _httpx_cli_unavailable(*_args: object, **_kwargs: object) -> None:
    raise SystemExit("httpx's command line is not part of shipexplorer")


def skip_httpx_cli() -> bool:
    """Keep httpx from importing its command-line client (click, rich, pygments) in this
    process; True if applied (httpx not imported yet)."""
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return False
    stub = types.ModuleType("httpx._main", "shipexplorer: httpx's command line is not loaded")
    stub.main = _httpx_cli_unavailable  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stub
    return True


M_ARENA_MAX = -8  # glibc's malloc.h
MALLOC_ARENAS = 2


def limit_malloc_arenas(count: int = MALLOC_ARENAS) -> bool:
    """At most ``count`` malloc arenas in this process (glibc); True if applied. Call it before
    the worker threads start: arenas made before stay, and glibc fixes its limit once it has
    made eight."""
    libc = _glibc()
    if libc is None:
        return False
    try:
        return bool(libc.mallopt(M_ARENA_MAX, count))
    except AttributeError:
        return False


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6", use_errno=False)
    except OSError:  # not glibc
        return None


def settle_memory(*, freeze: bool = False) -> None:
    """After start-up: forget cached source lines, collect, with ``freeze`` freeze what is left
    (the collector never scans it again: the app's own run does it, a test process must not),
    and give the C heap's free pages back to the system."""
    linecache.clearcache()
    gc.collect()
    if freeze:
        gc.freeze()
    _malloc_trim()


def _malloc_trim() -> None:
    libc = _glibc()
    if libc is None:
        return
    with contextlib.suppress(AttributeError):  # not glibc
        libc.malloc_trim(0)


__all__ = ["limit_malloc_arenas", "settle_memory", "skip_httpx_cli", "spare_source_cache"]
