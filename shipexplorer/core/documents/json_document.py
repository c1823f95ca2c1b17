"""A parsed JSON body as the response viewer browses it: nodes, children in batches, search, filter.

No Qt. :class:`JsonDocument` is what the tree model, search and filter talk to; it has two
implementations: :class:`PyDocument` over a value parsed in this process (bodies under the spool
threshold; cheap enough for the GUI thread, ``synchronous = True``) and the child-process document
of :mod:`~.process_document` for big bodies (every call is a request over a pipe to a process
that holds the lazily parsed body; call it on workers only). Both share the walking code of
:class:`TreeDocument`, which works on ``dict``/``list`` and on pysimdjson's lazy proxies alike.

Filter expressions are JSONPath, through ``python-jsonpath`` rather than ``jq``: it is a pure Python
wheel (nothing compiled to ship in the bundle, no jq binary), it follows RFC 9535, and each match
carries the path of the node it found, which is exactly what narrowing a tree to its matches needs
(jq answers values, not where they are).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the child process does not import the api package
    from shipexplorer.api.cancel import CancelToken


JsonPath = tuple[str | int, ...]
OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL = (
    "object",
    "array",
    "string",
    "number",
    "boolean",
    "null",
)

#: Bodies above this many bytes are spooled to a file and served by a child process.
SPOOL_THRESHOLD = 2_000_000
#: bodies above this many bytes are parsed, pretty-printed and indexed in the worker processes
#: (:mod:`.process_pool`); here so that deciding it imports no process machinery
POOL_THRESHOLD = 64_000
PREVIEW_CHARS = 200
_CURSORS = 16
#: How many nodes a walk visits between cancel checks.
_CHECK_EVERY = 2000


@dataclass(frozen=True)
class NodeInfo:
    """One node of the document as a row of the tree shows it."""

    key: str | int | None  # None for the root; str for object members, int for array items
    path: JsonPath
    kind: str
    preview: str  # one line: scalars as JSON cut to 200 chars, containers "{3 keys}"
    size: int  # containers: number of children; strings: length; else 0

    @property
    def is_container(self) -> bool:
        return self.kind in (OBJECT, ARRAY)


class FilterError(ValueError):
    """A bad filter expression; ``str()`` is the message for the user."""


def pointer(path: JsonPath) -> str:
    """RFC 6901 JSON Pointer of ``path``: ``""`` for the root, ``"/a/0/b~1c"``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _plain_name(key: str) -> bool:
    return key.isidentifier() and key.isascii()


def path_text(path: JsonPath) -> str:
    """JSONPath of ``path``: ``"$"``, ``"$.a[0]['b c']"``."""
    parts = ["$"]
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif _plain_name(p):
            parts.append(f".{p}")
        else:
            parts.append("['" + p.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _cut(text: str, limit: int = PREVIEW_CHARS) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalar_text(value: Any) -> str:
    """A scalar as its JSON text (what search matches), without json.dumps for the common kinds."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


class JsonDocument:
    """The interface of a browsable JSON document (see the module docstring)."""

    #: True: cheap enough to call on the GUI thread; False: call on workers only.
    synchronous: bool = False

    def root(self) -> NodeInfo:
        raise NotImplementedError

    def children(self, path: JsonPath, start: int, count: int) -> list[NodeInfo]:
        """Up to ``count`` children of the container at ``path`` from the ``start``-th."""
        raise NotImplementedError

    def value_json(
        self, path: JsonPath, *, indent: int | None = None, limit: int = 10_000_000
    ) -> str:
        """The JSON text of the node at ``path``, cut after ``limit`` characters."""
        raise NotImplementedError

    def search(
        self, text: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        """Nodes whose key or scalar value contains ``text`` (case-insensitive), document order."""
        raise NotImplementedError

    def query(
        self, expression: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        """Paths matched by the JSONPath ``expression``; :class:`FilterError` when it is bad."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the document holds (the child process for big bodies)."""


class RemoteDocument(JsonDocument):
    """A document held by another process: every question is one ``_call(operation, *args)``
    there (a child of its own, or a worker of the shared pool)."""

    _root: NodeInfo

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def root(self) -> NodeInfo:
        return self._root

    def children(self, path: JsonPath, start: int, count: int) -> list[NodeInfo]:
        return self._call("children", tuple(path), start, count)

    def value_json(
        self, path: JsonPath, *, indent: int | None = None, limit: int = 10_000_000
    ) -> str:
        return self._call("value_json", tuple(path), indent=indent, limit=limit)

    def search(
        self, text: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        return self._call("search", text, limit=limit, cancel=cancel)

    def query(
        self, expression: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        return self._call("query", expression, limit=limit, cancel=cancel)


class Cancelled(Exception):
    """A walk stopped because its cancel token (or the child's cancel flag) was set."""


class TreeDocument(JsonDocument):
    """The walking code over a value: ``dict``/``list`` or lazy proxies of the same shape.

    ``object_types``/``array_types`` say what counts as an object/array; ``is_cancelled`` is
    polled every few thousand nodes (besides the caller's token).
    """

    object_types: tuple[type, ...] = (dict,)
    array_types: tuple[type, ...] = (list,)

    def __init__(self, value: Any) -> None:
        self._value = value
        # Where the last batch of each recently read container ended (its iterator), so reading
        # a huge array batch after batch is linear (lazy arrays only index in linear time).
        self._cursors: dict[JsonPath, tuple[int, Iterator[tuple[Any, Any]]]] = {}

    # -- kinds and previews ---------------------------------------------------------------------

    def kind(self, value: Any) -> str:
        if isinstance(value, str):
            return STRING
        if value is None:
            return NULL
        if isinstance(value, bool):
            return BOOLEAN
        if isinstance(value, (int, float)):
            return NUMBER
        if isinstance(value, self.object_types):
            return OBJECT
        if isinstance(value, self.array_types):
            return ARRAY
        raise TypeError(f"not a JSON value: {type(value).__name__}")

    def info(self, key: str | int | None, path: JsonPath, value: Any) -> NodeInfo:
        kind = self.kind(value)
        if kind == OBJECT:
            n = len(value)
            return NodeInfo(key, path, kind, "{" + _plural(n, "key") + "}", n)
        if kind == ARRAY:
            n = len(value)
            return NodeInfo(key, path, kind, "[" + _plural(n, "item") + "]", n)
        if kind == STRING:
            text = json.dumps(value[: PREVIEW_CHARS + 1], ensure_ascii=False)
            return NodeInfo(key, path, kind, _cut(text), len(value))
        return NodeInfo(key, path, kind, json.dumps(value), 0)

    def items(self, value: Any) -> Iterator[tuple[Any, Any]]:
        """(key, child) pairs of a container (keys are str for objects, int for arrays)."""
        if isinstance(value, self.object_types):
            return iter(value.items())
        return enumerate(value)

    def node(self, path: JsonPath) -> Any:
        value = self._value
        for part in path:
            value = value[part]
        return value

    # -- the interface ---------------------------------------------------------------------------

    def root(self) -> NodeInfo:
        return self.info(None, (), self._value)

    def children(self, path: JsonPath, start: int, count: int) -> list[NodeInfo]:
        path = tuple(path)
        value = self.node(path)
        if self.kind(value) not in (OBJECT, ARRAY) or count <= 0:
            return []
        start = max(0, start)
        cursor = self._cursors.pop(path, None)
        if cursor is not None and cursor[0] == start:
            pairs = cursor[1]
        else:
            pairs = itertools.islice(self.items(value), start, None)
        out = [self.info(k, (*path, k), v) for k, v in itertools.islice(pairs, count)]
        if len(out) == count:
            self._cursors[path] = (start + len(out), pairs)
            while len(self._cursors) > _CURSORS:
                del self._cursors[next(iter(self._cursors))]  # the least recently read
        return out

    def value_json(
        self, path: JsonPath, *, indent: int | None = None, limit: int = 10_000_000
    ) -> str:
        parts: list[str] = []
        size = 0
        for chunk in self.encode(self.node(tuple(path)), indent):
            parts.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
        return "".join(parts)[:limit]

    def encode(self, value: Any, indent: int | None) -> Iterator[str]:
        """JSON text in pieces, formatted as ``json.dumps(indent=indent, ensure_ascii=False)``."""
        encoder = json.JSONEncoder(indent=indent, ensure_ascii=False)
        return encoder.iterencode(value)

    def _should_stop(self, cancel: CancelToken | None) -> bool:
        return cancel is not None and cancel.cancelled

    def search(
        self, text: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        needle = text.casefold()
        if not needle or limit <= 0:
            return []
        containers = self.object_types + self.array_types
        root = self._value
        if not isinstance(root, containers):
            return [()] if needle in _scalar_text(root).casefold() else []
        found: list[JsonPath] = []
        # Depth first, iterative (no recursion limit); a path tuple is built only for a hit or a
        # container. A Python loop gives the interpreter up to other threads at every switch
        # interval (5 ms), so no explicit yielding is needed here.
        stack: list[tuple[JsonPath, Iterator[tuple[Any, Any]]]] = [((), self.items(root))]
        seen = 0
        while stack:
            path, pairs = stack[-1]
            for key, child in pairs:
                seen += 1
                if seen % _CHECK_EVERY == 0 and self._should_stop(cancel):
                    return found
                key_hit = isinstance(key, str) and needle in key.casefold()
                if isinstance(child, containers):
                    child_path = (*path, key)
                    if key_hit:
                        found.append(child_path)
                        if len(found) >= limit:
                            return found
                    stack.append((child_path, self.items(child)))
                    break  # its children come next (document order); then this loop resumes
                if key_hit or needle in _scalar_text(child).casefold():
                    found.append((*path, key))
                    if len(found) >= limit:
                        return found
            else:
                stack.pop()
        return found

    def query_view(self, value: Any) -> Any:
        """What python-jsonpath walks: the value itself (a Mapping/Sequence)."""
        return value

    def query(
        self, expression: str, *, limit: int = 10_000, cancel: CancelToken | None = None
    ) -> list[JsonPath]:
        import jsonpath  # imported on first use: the filter is rarely used

        try:
            compiled = jsonpath.compile(expression.strip() or "$")
        except jsonpath.JSONPathError as exc:
            raise FilterError(_filter_message(exc)) from None
        data = self.query_view(self._value)
        if isinstance(data, str):
            # python-jsonpath reads a str argument as JSON text; a string has no children, so
            # another scalar gives the same matches (the root, or nothing)
            data = None
        found: list[JsonPath] = []
        try:
            for match in compiled.finditer(data):
                found.append(tuple(match.parts))
                if len(found) >= limit or self._should_stop(cancel):
                    break
        except jsonpath.JSONPathError as exc:
            raise FilterError(_filter_message(exc)) from None
        except Cancelled:
            pass
        return found


def _filter_message(exc: Exception) -> str:
    first = str(exc).strip().splitlines()
    return f"The filter is not valid JSONPath: {first[0] if first else type(exc).__name__}."


class PyDocument(TreeDocument):
    """A document over a value parsed in this process (``json.loads``); GUI-thread safe."""

    synchronous = True

    def __init__(self, value: Any) -> None:
        super().__init__(value)

    @property
    def value(self) -> Any:
        return self._value


def json_error_reason(exc: json.JSONDecodeError) -> str:
    """What ``json`` found and where, in words: "invalid control character at line 1, column
    12" (its own text ends in "at: line 1 column 12 (char 11)", and its ``msg`` alone stops
    mid-sentence)."""
    reason = (exc.msg or "it does not parse").strip()
    reason = reason[:1].lower() + reason[1:]
    where = f"line {exc.lineno}, column {exc.colno}"
    return f"{reason} {where}" if reason.endswith(" at") else f"{reason} at {where}"


def json_error_text(exc: json.JSONDecodeError) -> str:
    """Why a body is not JSON, as one whole sentence: "The body is not valid JSON: expecting
    value at line 1, column 24."."""
    return f"The body is not valid JSON: {json_error_reason(exc)}."


def open_document(
    data: bytes | None = None,
    path: str | Path | None = None,
    *,
    cancel: CancelToken | None = None,
    threshold: int = SPOOL_THRESHOLD,
) -> JsonDocument:
    """Parse ``data`` or the file at ``path`` (blocking: call on a worker).

    Up to ``threshold`` bytes: a :class:`PyDocument`; above: the child-process document (the body
    is parsed and kept in another process, so this one never holds the interpreter for long).
    Raises ``ValueError`` when the body is not JSON.
    """
    size = len(data) if data is not None else Path(path).stat().st_size  # type: ignore[arg-type]
    if size > threshold:
        # imported here: the child-process document imports this module
        from shipexplorer.core.documents.process_document import ProcessDocument

        return ProcessDocument.open(data=data, path=path, cancel=cancel)
    if data is None:
        data = Path(path).read_bytes()  # type: ignore[arg-type]
    try:
        return PyDocument(json.loads(data))
    except json.JSONDecodeError as exc:
        raise ValueError(json_error_text(exc)) from None
    except (ValueError, RecursionError):
        raise ValueError("The body is not valid JSON (or nests too deeply to read).") from None


__all__ = [
    "ARRAY",
    "BOOLEAN",
    "NULL",
    "NUMBER",
    "OBJECT",
    "POOL_THRESHOLD",
    "SPOOL_THRESHOLD",
    "STRING",
    "FilterError",
    "JsonDocument",
    "JsonPath",
    "NodeInfo",
    "PyDocument",
    "RemoteDocument",
    "TreeDocument",
    "json_error_reason",
    "json_error_text",
    "open_document",
    "path_text",
    "pointer",
]
