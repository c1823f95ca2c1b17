"""What the response viewer's widgets call to read a document or a text source: on the pool.

:class:`DocumentQueries` turns the blocking calls of :class:`~.json_document.JsonDocument` and
:class:`~.text_source.TextSource` into jobs on the :class:`~.workers.WorkerPool` whose outcomes come
back to callbacks on the GUI thread. Children of an in-memory document are cheap, so they are
answered at once (same call stack, ``None`` returned). A new search, filter or text search on the
same document (or source) cancels the previous one still running. Errors reach ``on_error`` as a
sentence for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from shipexplorer.core.documents.json_document import FilterError, JsonDocument, JsonPath, NodeInfo
from shipexplorer.core.documents.text_source import TextSource
from shipexplorer.services.workers import JobHandle, WorkerPool

ErrorCallback = Callable[[str], None]


def _message(what: str, exc: BaseException) -> str:
    if isinstance(exc, FilterError):
        return str(exc)
    return f"Could not {what}: {exc or type(exc).__name__}."


class DocumentQueries(QObject):
    """Runs document and text-source reads on the pool (see the module docstring)."""

    def __init__(self, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool

    def _submit(
        self,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None],
        on_error: ErrorCallback | None,
        what: str,
        key: str | None = None,
    ) -> JobHandle:
        def failed(exc: BaseException) -> None:
            if on_error is not None:
                on_error(_message(what, exc))

        return self._pool.submit(
            lambda token, _progress: fn(token), on_result=on_done, on_error=failed, key=key
        )

    def children(
        self,
        doc: JsonDocument,
        path: JsonPath,
        start: int,
        count: int,
        on_done: Callable[[list[NodeInfo]], None],
        on_error: ErrorCallback | None = None,
    ) -> JobHandle | None:
        """Up to ``count`` children of ``path`` from ``start``; at once for in-memory documents."""
        if doc.synchronous:
            try:
                nodes = doc.children(path, start, count)
            except Exception as exc:
                if on_error is not None:
                    on_error(_message("read the document", exc))
                return None
            on_done(nodes)
            return None
        return self._submit(
            lambda _token: doc.children(path, start, count), on_done, on_error, "read the document"
        )

    def search(
        self,
        doc: JsonDocument,
        text: str,
        on_done: Callable[[list[JsonPath]], None],
        on_error: ErrorCallback | None = None,
    ) -> JobHandle:
        """Paths of the nodes whose key or value contains ``text``; supersedes the last search."""
        return self._submit(
            lambda token: doc.search(text, cancel=token),
            on_done,
            on_error,
            "search the body",
            key=f"doc-search-{id(doc)}",
        )

    def query(
        self,
        doc: JsonDocument,
        expression: str,
        on_done: Callable[[list[JsonPath]], None],
        on_error: ErrorCallback,
    ) -> JobHandle:
        """Paths the JSONPath ``expression`` matches; a bad one reaches ``on_error`` in words."""
        return self._submit(
            lambda token: doc.query(expression, cancel=token),
            on_done,
            on_error,
            "filter the body",
            key=f"doc-search-{id(doc)}",
        )

    def value_json(
        self,
        doc: JsonDocument,
        path: JsonPath,
        on_done: Callable[[str], None],
        on_error: ErrorCallback | None = None,
        *,
        indent: int | None = None,
    ) -> JobHandle | None:
        """The JSON text of the node at ``path`` (for Copy value)."""
        return self._submit(
            lambda _token: doc.value_json(path, indent=indent),
            on_done,
            on_error,
            "copy the value",
        )

    def text_find(
        self,
        source: TextSource,
        text: str,
        start_line: int,
        backwards: bool,
        on_done: Callable[[tuple[int, int] | None], None],
        on_error: ErrorCallback | None = None,
    ) -> JobHandle:
        """(line, column) of the next (or previous) match; see :meth:`TextSource.find`."""
        return self._submit(
            lambda token: source.find(text, start_line, backwards=backwards, cancel=token),
            on_done,
            on_error,
            "search the text",
            key=f"text-find-{id(source)}",
        )

    def text_count(
        self,
        source: TextSource,
        text: str,
        on_done: Callable[[int], None],
        on_error: ErrorCallback | None = None,
    ) -> JobHandle:
        """How many matches of ``text`` the whole text holds."""
        return self._submit(
            lambda token: source.count(text, cancel=token),
            on_done,
            on_error,
            "count the matches",
            key=f"text-count-{id(source)}",
        )


__all__ = ["DocumentQueries"]
