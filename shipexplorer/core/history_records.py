"""What one history entry is: the record written (:class:`HistoryRecord`, made from an exchange),
the query (:class:`HistoryQuery`) and the entry read back (:class:`HistoryEntry`), with the helpers
that redact bodies in pieces and build the searchable text. No Qt, no database."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from shipexplorer.api.redact import redact

if TYPE_CHECKING:
    from shipexplorer.api.exchange import Exchange

SEARCHED_BODY_BYTES = 64 * 1024


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

    @property
    def status_class(self) -> str:
        return "error" if self.status is None else f"{self.status // 100}xx"


def record_from_exchange(
    exchange: Exchange, workspace: str | None, profile: str | None, secrets: Sequence[str] = ()
) -> HistoryRecord:
    """The record of an exchange: names from its request (instance, method or operation)."""
    request = exchange.request
    instance = method = None
    if request is not None:
        method = request.method_path or request.operation
        if request.instance is not None:
            instance = request.instance.instance_handle
            workspace = request.instance.workspace_handle or workspace
    error = exchange.error
    task = exchange.task
    return HistoryRecord(
        time=exchange.started_at or time.time(),
        verb=exchange.method,
        url=exchange.url,
        request_headers=list(exchange.request_headers),
        request_body=exchange.request_body,
        status=exchange.status,
        response_headers=list(exchange.response_headers),
        response_body=exchange.response_body or b"",
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


SUMMARY_COLUMNS = (
    "id, time, profile, workspace, instance, method, verb, url, status, status_class, kind, "
    "response_size, content_type, elapsed, error, task_id, body_note, body_file, request_size"
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
