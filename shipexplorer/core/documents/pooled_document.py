"""A JSON body of a few megabytes at most, read by the shared worker pool from its spooled file.

No Qt. :class:`PooledDocument` is the :class:`~.json_document.JsonDocument` of answers above
:data:`~.process_pool.POOL_THRESHOLD` and up to the spool threshold: the body stays in its file;
every call (children, value, search, filter) is a job of :mod:`.process_pool`, whose workers keep
the last parsed bodies, so this process never parses it. Calls block: workers only
(``synchronous`` is False). :func:`open_pooled` parses it once there and brings back the root row
and the first part of the pretty text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipexplorer.core.documents import pool_jobs
from shipexplorer.core.documents.json_document import (
    FilterError,
    NodeInfo,
    RemoteDocument,
)
from shipexplorer.core.documents.process_pool import ProcessPool, shared_pool

if TYPE_CHECKING:
    from shipexplorer.api.cancel import CancelToken

_ERRORS: dict[str, type[Exception]] = {
    "FilterError": FilterError,
    "KeyError": KeyError,
    "IndexError": IndexError,
    "TypeError": TypeError,
    "ValueError": ValueError,
}


class PooledDocument(RemoteDocument):
    """The body of ``path`` as a document whose walks run in the worker pool."""

    synchronous = False

    def __init__(self, path: str | Path, root: NodeInfo, pool: ProcessPool | None = None) -> None:
        self.path = str(path)
        self._root = root
        self._pool = pool or shared_pool()

    def _call(self, op: str, *args: Any, cancel: CancelToken | None = None, **kw: Any) -> Any:
        status, value, message = self._pool.call(
            pool_jobs.document_call, self.path, op, args, kw, cancel=cancel
        )
        if status == "ok":
            return value
        raise _ERRORS.get(status, RuntimeError)(message)

    def close(self) -> None:
        """Nothing to release here: the file belongs to the answer, the workers forget it."""


def open_pooled(
    path: str | Path,
    shown_chars: int,
    *,
    cancel: CancelToken | None = None,
    pool: ProcessPool | None = None,
) -> tuple[PooledDocument, str]:
    """Parse the body of ``path`` in the pool: its document and the first ``shown_chars`` of its
    pretty text (blocking: a worker). ``ValueError`` (a sentence) when it is not JSON."""
    pool = pool or shared_pool()
    status, root, text = pool.call(pool_jobs.summarise_json, str(path), shown_chars, cancel=cancel)
    if status != "ok":
        raise ValueError(text)
    return PooledDocument(path, root, pool), text


__all__ = ["PooledDocument", "open_pooled"]
