"""What the worker processes of :mod:`.process_pool` run: JSON bodies read from spooled files.

No Qt; runs in the workers (module-level functions, so the ``spawn`` pool can pickle them).
A worker keeps the last few parsed bodies (pysimdjson's lazy documents, one parser each), keyed
by file path, size and modification time: the Tree view's next batch of children, a search or a
filter over the same answer costs no new parse. What goes back is small: node rows, paths, the
first part of the pretty text.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from shipexplorer.core.documents.json_document import FilterError, NodeInfo

_KEEP = 4  # parsed bodies kept per worker
_docs: OrderedDict[tuple[str, int, int], Any] = OrderedDict()


class _NeverStop:
    """The stop pipe of :class:`~.process_document.LazyDocument`, for jobs that are not
    stopped half-way (a pool job is short: the body is at most a few megabytes)."""

    def poll(self) -> bool:
        return False

    def recv_bytes(self) -> bytes:  # pragma: no cover - poll() never says there is one
        return b""


def _document(path: str) -> Any:
    """The parsed body of ``path`` (cached); ``ValueError`` when it is not JSON."""
    import simdjson

    from shipexplorer.core.documents.process_document import LazyDocument

    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    doc = _docs.get(key)
    if doc is not None:
        _docs.move_to_end(key)
        return doc
    parser = simdjson.Parser()
    try:
        root = parser.load(path)
    except Exception as exc:  # not JSON, too deep
        raise ValueError(f"The body is not valid JSON ({exc}).") from None
    doc = LazyDocument(root, _NeverStop())
    doc.parser = parser  # the proxies live as long as their parser
    _docs[key] = doc
    while len(_docs) > _KEEP:
        _docs.popitem(last=False)
    return doc


def summarise_json(path: str, shown_chars: int) -> tuple[str, Any, str]:
    """``("ok", root NodeInfo, pretty text of the first shown_chars)``, or ``("error", None,
    why)`` when the body is not JSON."""
    try:
        doc = _document(path)
    except ValueError as exc:
        return "error", None, str(exc)
    return "ok", doc.root(), doc.value_json((), indent=2, limit=shown_chars)


def document_call(path: str, op: str, args: tuple, kwargs: dict) -> tuple[str, Any, str]:
    """One :class:`~.json_document.JsonDocument` call on the body of ``path``:
    ``(status, value, message)`` with status ok, or the error's kind."""
    try:
        doc = _document(path)
        return "ok", getattr(doc, op)(*args, **kwargs), ""
    except FilterError as exc:
        return "FilterError", None, str(exc)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        return type(exc).__name__, None, str(exc)


def worker_pid() -> int:
    """The worker's process id (tests check that the work happens in another process)."""
    return os.getpid()


def crash() -> None:  # pragma: no cover - runs in a worker that it ends
    """End the worker at once, as an out-of-memory kill would (tests of crash handling)."""
    os._exit(13)


def nap(seconds: float) -> str:
    """Sleep, then say so (tests of cancelling)."""
    import time

    time.sleep(seconds)
    return "slept"


__all__ = ["NodeInfo", "crash", "document_call", "nap", "summarise_json", "worker_pid"]
