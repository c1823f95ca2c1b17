"""What one history entry is: the record written (:class:`HistoryRecord`, made from an exchange),
the query (:class:`HistoryQuery`) and the entry read back (:class:`HistoryEntry`), with the helpers
that redact bodies in pieces, build the searchable text, tell whose call an entry was
(:func:`origin_of_request`, :func:`origin_from_url`) and say its status in words
(:func:`status_words`). No Qt, no database.

Whose call: an entry's ``origin`` is :data:`USER` for what the user asked for (a method call sent
from a request tab, an instance created with the create dialog) and :data:`APP` for the calls the
app makes on its own to show things (listings of workspaces, instances and packages, ``__dir__``
and the other ``__``-methods, reads such as ``account/current``). It is decided from the request
the exchange carries (a package method or an API operation, and which); rows recorded before the
origin was stored are classified from their URL when the database is migrated.
"""

from __future__ import annotations

import http
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from shipexplorer.api.redact import redact

if TYPE_CHECKING:
    from shipexplorer.api.exchange import Exchange
    from shipexplorer.api.request import ApiRequest

SEARCHED_BODY_BYTES = 64 * 1024

#: the origin of a call the user asked for, and of one the app made on its own
USER, APP = "user", "app"
#: API operations only a user's action sends (they change something); every other operation is
#: a read the app makes to show things (listings, ``account/current``, task polls...)
USER_OPERATIONS = frozenset(
    {
        "package/instance/create",
        "package/instance/delete",
        "workspace/create",
        "workspace/delete",
    }
)
#: where an API operation's path starts in its URL (``{api_base}`` ends with it)
_API_PATH = "/api/v1/"


def _operation_origin(operation: str) -> str:
    return USER if operation.strip("/") in USER_OPERATIONS else APP


def _method_origin(method: str) -> str:
    """A package method: ``__dir__`` and the other dunder methods are plumbing the app calls."""
    return APP if method.lstrip("/").startswith("__") else USER


def origin_of_request(request: ApiRequest | None) -> str | None:
    """:data:`USER` or :data:`APP` for the request an exchange carries (None: not known)."""
    if request is None:
        return None
    if request.method_path is not None:
        return _method_origin(request.method_path)
    if request.operation is not None:
        return _operation_origin(request.operation)
    return None


def origin_from_url(url: str | None, instance: str | None = None, method: str | None = None) -> str:
    """The origin of a stored entry without a recorded one, from its URL and names: an API
    operation (``{api_base}`` is ``.../api/v1/``, and operations name no instance) is the app's
    unless it changes something; a method call is the user's unless it is a ``__``-method."""
    path = urlsplit(url or "").path
    if _API_PATH in path:
        return _operation_origin(path.split(_API_PATH, 1)[1])
    name = method or path.rsplit("/", 1)[-1]
    if instance is None and method and "/" in method:  # an operation at another API base
        return _operation_origin(method)
    return _method_origin(name)


# -- records ----------------------------------------------------------------------------------
@dataclass
class HistoryRecord:
    """What :meth:`HistoryStore.add` writes, before redaction (``secrets`` are masked out)."""

    time: float
    verb: str
    url: str
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes | None = None
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None
    profile: str | None = None
    workspace: str | None = None
    instance: str | None = None
    method: str | None = None
    kind: str | None = None
    content_type: str | None = None
    task_id: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    #: :data:`USER` or :data:`APP`; None: decided from the URL when stored
    origin: str | None = None
    #: the bytes received when ``response_body`` holds only their start (a spooled answer)
    response_size: int | None = None
    #: why ``response_body`` is not the whole body, in words
    body_note: str | None = None

    @property
    def status_class(self) -> str:
        return "error" if self.status is None else f"{self.status // 100}xx"


def record_from_exchange(
    exchange: Exchange,
    workspace: str | None,
    profile: str | None,
    secrets: Sequence[str] = (),
    *,
    body_head: bytes | None = None,
) -> HistoryRecord:
    """The record of an exchange: names and origin from its request (instance, method or
    operation). A spooled answer (``exchange.body_file``) is not held in memory: ``body_head`` is
    the start of its file, kept with the true size and a note."""
    request = exchange.request
    instance = method = None
    if request is not None:
        method = request.method_path or request.operation
        if request.instance is not None:
            instance = request.instance.instance_handle
            workspace = request.instance.workspace_handle or workspace
    error = exchange.error
    task = exchange.task
    body, size, note = exchange.response_body or b"", None, None
    if exchange.body_file is not None:
        body, size = bytes(body_head or b""), exchange.body_size
        if len(body) < size:
            note = (
                f"only the first {len(body):,} bytes kept: the whole answer was kept on disk "
                "while it was shown, not in history"
            )
    return HistoryRecord(
        time=exchange.started_at or time.time(),
        verb=exchange.method,
        url=exchange.url,
        request_headers=list(exchange.request_headers),
        request_body=exchange.request_body,
        status=exchange.status,
        response_headers=list(exchange.response_headers),
        response_body=body,
        elapsed=exchange.elapsed,
        error=None if error is None else f"{type(error).__name__}: {error}",
        profile=profile,
        workspace=workspace,
        instance=instance,
        method=method,
        kind=exchange.kind,
        content_type=exchange.content_type,
        task_id=None if task is None else task.task_id,
        secrets=tuple(s for s in (*exchange.secrets, *secrets) if s),
        origin=origin_of_request(request),
        response_size=size,
        body_note=note,
    )


@dataclass(frozen=True)
class HistoryQuery:
    """One page of a listing: filters (empty means any), newest first."""

    text: str = ""
    instance: str | None = None
    method: str | None = None
    status_class: str | None = None  # "2xx", "3xx", "4xx", "5xx" or "error"
    profile: str | None = None
    workspace: str | None = None
    after_id: int | None = None  # only entries newer than this id
    origin: str | None = None  # USER or APP; None: both
    offset: int = 0
    limit: int = 100


@dataclass
class HistoryEntry:
    """A stored entry. A listing fills the summary; :meth:`HistoryStore.get` adds the bodies."""

    id: int
    time: float
    profile: str | None
    workspace: str | None
    instance: str | None
    method: str | None
    verb: str
    url: str
    status: int | None
    status_class: str
    kind: str | None
    response_size: int
    content_type: str | None
    elapsed: float | None
    error: str | None
    task_id: str | None
    body_note: str | None
    body_file: str | None
    request_size: int | None
    origin: str = USER
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes | None = None
    task_timeline: dict[str, Any] | None = None
    full: bool = False
    body_complete: bool = False  # response_body holds the whole body (not the row's first MB)

    @property
    def body_text(self) -> str:
        """The request body as text (what re-opening puts in the editor). A GET sent its
        arguments in the query string: they come back as a JSON object (values as sent, text)."""
        if self.request_body:
            return self.request_body.decode("utf-8", "replace")
        query = urlsplit(self.url).query if self.verb.upper() == "GET" else ""
        if not query:
            return ""
        args: dict[str, Any] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in args:
                previous = args[name]
                args[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                args[name] = value
        return json.dumps(args, indent=2, ensure_ascii=False)

    @property
    def response_text(self) -> str:
        return (self.response_body or b"").decode("utf-8", "replace")

    @property
    def status_text(self) -> str:
        """The status in words (see :func:`status_words`)."""
        return status_words(self.status, self.kind, self.error)


#: error types (the stored error starts with its name) and what a status cell says for them
_NO_ANSWER_WORDS = {
    "Cancelled": "cancelled",
    "RequestTimeout": "timed out",
    "ConnectTimeout": "timed out",
    "ReadTimeout": "timed out",
    "WriteTimeout": "timed out",
    "PoolTimeout": "timed out",
    "DeadlineExceeded": "timed out",
    "InsecureTransportError": "not sent (insecure connection)",
}
#: what a 2xx answer that could not be read was, from the words of its ProtocolError
_UNREADABLE = (
    ("does not parse", "invalid JSON"),
    ("no Content-Type", "no content type"),
    ("body is null", "empty answer"),
)


def status_words(status: int | None, kind: str | None = None, error: str | None = None) -> str:
    """A status in words: ``200 OK``, ``200 OK · task``, ``200 · invalid JSON``,
    ``404 Not Found``, ``500 Internal Server Error``, ``cancelled``, ``timed out``,
    ``connection failed``. ``error`` is the stored ``"TypeName: message"``."""
    error_type, _, message = (error or "").partition(":")
    if status is None:
        return _NO_ANSWER_WORDS.get(error_type.strip(), "connection failed")
    try:
        words = f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        words = str(status)
    if not 200 <= status < 300:
        return words
    if error_type == "ProtocolError":
        what = next((w for text, w in _UNREADABLE if text in message), "unreadable answer")
        return f"{status} · {what}"
    if error_type == "TaskFailed":
        return f"{status} · task failed"
    if error:
        return f"{status} · error"
    if kind == "task":
        return f"{words} · task"
    return words


SUMMARY_COLUMNS = (
    "id, time, profile, workspace, instance, method, verb, url, status, status_class, kind, "
    "response_size, content_type, elapsed, error, task_id, body_note, body_file, request_size, "
    "origin"
)
_SUMMARY_COUNT = len(SUMMARY_COLUMNS.split(","))


def _pairs(text: str | None) -> list[tuple[str, str]]:
    try:
        return [(str(k), str(v)) for k, v in json.loads(text or "[]")]
    except (ValueError, TypeError):
        return []


def entry_from_row(row: Sequence[Any], full: bool = False) -> HistoryEntry:
    entry = HistoryEntry(*row[:_SUMMARY_COUNT])
    if full:
        headers, body, response_headers, response_body, timeline = row[_SUMMARY_COUNT:]
        entry.request_headers = _pairs(headers)
        entry.request_body = body
        entry.response_headers = _pairs(response_headers)
        entry.response_body = response_body
        entry.body_complete = not entry.body_file and not entry.body_note
        try:
            entry.task_timeline = json.loads(timeline) if timeline else None
        except ValueError:
            entry.task_timeline = None
        entry.full = True
    return entry


def redact_chunks(data: bytes, secrets: Sequence[str], chunk: int = 1 << 20) -> Iterator[bytes]:
    """``redact(data)`` in pieces of about ``chunk`` bytes, never cutting through a secret.

    A cut is made only where a window around it holds no secret in any spelling, so no occurrence
    straddles it; each piece is short work for the GIL.
    """
    keys = tuple(s for s in secrets if s)
    if not keys:
        for start in range(0, len(data), chunk):
            yield data[start : start + chunk]
        return
    window = 12 * max(len(k) for k in keys) + 16  # longer than any spelling of any key
    start = 0
    while start < len(data):
        cut = start + chunk
        while cut < len(data):
            around = data[max(start, cut - window) : cut + window]
            if redact(around, keys) == around:
                break
            cut += window
        yield redact(data[start:cut], keys)
        start = cut


def search_text(row: dict[str, Any], request_body: bytes | None, response: bytes) -> str:
    """What text search looks in: the names, URL, status, error and the start of both bodies."""
    parts = [
        str(row.get(k) or "")
        for k in ("profile", "workspace", "instance", "method", "verb", "url", "status", "error")
    ]
    parts.append(str(row.get("task_id") or ""))
    for body in (request_body, response):
        if body:
            parts.append(body[:SEARCHED_BODY_BYTES].decode("utf-8", "replace"))
    return "\n".join(parts)
