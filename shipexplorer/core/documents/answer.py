"""What the response area shows for an answer, an error or a task: computed on the worker.

Pure Python (no Qt): :func:`answer_from_result` turns what the API layer returned into an
:class:`Answer` (status line, elapsed time, size, redacted headers, and the body as the view shows
it: pretty JSON, text, image bytes, a hex summary or a task summary); what it raised becomes an
answer in :mod:`~.error_answer`. Neither ever raises, whatever the body or content type; big bodies
are cut to :data:`MAX_SHOWN_CHARS` for display (the whole body stays in ``raw`` for "Save to
file…").

An error answer (:mod:`~.error_answer`) says what went wrong in ``body_text`` and keeps the body
the server sent, when there was one, as an answer of its own (``error_body``: its Pretty text,
document, text source, bytes or spooled file), so the views show it and "Save body to file…"
saves exactly the bytes received; :meth:`Answer.content` is the answer whose body the views show.
``status_line`` is the status in words ("404 Not Found", "Task running", "200 · invalid JSON");
:func:`status_tone` says how it reads at a glance (the UI picks the colour).

For the Tree and Raw views an answer also carries a :class:`~.json_document.JsonDocument` (JSON
bodies, a task's JSON output) and a :class:`~.text_source.TextSource` (every text body). For bodies
under the spool threshold both are built here from memory. A spooled body (above the threshold:
``raw`` is None, ``body_file`` names the file) is opened by :func:`~.spooled_body.open_spooled`, on
a worker: its JSON goes to a child process and the Pretty text is the pretty-printed first part.

Lifetime: :meth:`Answer.close` closes the document (ending its child process), the text source
and deletes the spooled file (an error's body's too). Copies made with ``dataclasses.replace``
share these resources; when the last copy is garbage-collected, or at exit, they are released
anyway.
"""

from __future__ import annotations

import contextlib
import http
import json
import logging
import os
import weakref
from dataclasses import dataclass, field
from typing import Any

from shipexplorer.api import Exchange, Task, redact
from shipexplorer.api.tasks import FAILED, RUNNING, SUCCEEDED, WAITING
from shipexplorer.core.documents.json_document import JsonDocument, PyDocument
from shipexplorer.core.documents.text_source import TextSource

log = logging.getLogger(__name__)

#: The most characters put in the body view (setPlainText of 150k characters takes about 12 ms;
#: 2M took 150 ms, a visible stall); the rest is left to "Save to file…".
MAX_SHOWN_CHARS = 150_000
HEX_PREVIEW_BYTES = 256
IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/svg+xml"}
)

# What Answer.kind can be.
JSON, TEXT, MARKDOWN, HTML, IMAGE, BYTES, TASK, ERROR, EMPTY = (
    "json",
    "text",
    "markdown",
    "html",
    "image",
    "bytes",
    "task",
    "error",
    "empty",
)

# What status_tone can say: how an answer's status reads at a glance.
SUCCESS, WARNING, FAILURE, PENDING, NEUTRAL = "success", "warning", "failure", "pending", "neutral"


@dataclass(frozen=True)
class TaskSummary:
    """A task answer in short: id, state, message."""

    task_id: str | None
    state: str | None
    message: str | None

    def text(self) -> str:
        lines = [
            "A task was started (the method answered a task).",
            f"Task id: {self.task_id or '(none)'}",
            f"State: {self.state or '(unknown)'}",
        ]
        if self.message:
            lines.append(f"Message: {self.message}")
        return "\n".join(lines)


def _release(items: list[Any]) -> None:
    for thing in items:
        if isinstance(thing, str):
            with contextlib.suppress(OSError):
                os.unlink(thing)
        else:
            with contextlib.suppress(Exception):
                thing.close()
    items.clear()


class _Resources:
    """What an answer holds outside Python objects (documents, text sources, spooled files);
    released once: on close, when the last answer sharing them is collected, or at exit."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.finalizer = weakref.finalize(self, _release, self.items)

    def adopt(self, *things: Any) -> None:
        for thing in things:
            if thing is not None and not any(thing is item for item in self.items):
                self.items.append(thing)


@dataclass(frozen=True)
class Answer:
    """Everything the response view shows for one answer or failure.

    ``kind`` is one of json, text, markdown, html, image, bytes, task, error, empty. ``body_text``
    is what the body view shows (for an image, a caption; for an error, what went wrong);
    ``image`` the image bytes; ``raw`` the whole body for saving; ``error_body`` an error's body.
    """

    kind: str
    status_line: str
    status: int | None = None
    elapsed: float | None = None
    size: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_line: str = ""
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    body_text: str = ""
    mime_type: str | None = None
    image: bytes | None = None
    raw: bytes | None = None
    task: TaskSummary | None = None
    error_title: str | None = None
    truncated: bool = False
    #: the image already decoded off the GUI thread (a QImage, set by the request runner)
    decoded_image: Any = field(default=None, repr=False, compare=False)
    #: JSON bodies (and a task's JSON output): what the Tree view and the filter browse
    document: JsonDocument | None = field(default=None, repr=False, compare=False)
    #: every body with text: the exact raw text, line by line (the Raw view)
    text_source: TextSource | None = field(default=None, repr=False, compare=False)
    #: the spooled body's file when the body was above the threshold (``raw`` is None then)
    body_file: str | None = None
    #: why the Pretty view shows only part of the body, in words ("" when it shows all of it)
    shown_note: str = ""
    #: an error answer's body as received, as an answer of its own (None: there was no body)
    error_body: Answer | None = field(default=None, repr=False, compare=False)
    _resources: _Resources | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        owned = (self.document, self.text_source, self.body_file)
        if any(thing is not None for thing in owned):
            if self._resources is None:
                object.__setattr__(self, "_resources", _Resources())
            self._resources.adopt(*owned)

    def close(self) -> None:
        """Close the document (its child process), the text source; delete the spooled file.

        Safe to call twice; copies made with ``replace`` share (and so also close) them."""
        if self._resources is not None:
            self._resources.finalizer()
        if self.error_body is not None:
            self.error_body.close()

    def content(self) -> Answer:
        """The answer whose body the views show: an error's body, or this answer itself."""
        return self.error_body if self.error_body is not None else self

    @property
    def ok(self) -> bool:
        return self.kind != ERROR

    def headers_text(self) -> str:
        """The request (verb, URL, headers) and the response headers, redacted."""
        lines = []
        if self.request_line:
            lines.append(f"> {self.request_line}")
            lines.extend(f"> {k}: {v}" for k, v in self.request_headers)
            lines.append("")
        lines.extend(f"< {k}: {v}" for k, v in self.headers)
        return "\n".join(lines)

    @property
    def meta_line(self) -> str:
        """``"12 ms · 1.2 kB"`` (empty when nothing was exchanged)."""
        parts = []
        if self.elapsed is not None:
            parts.append(format_elapsed(self.elapsed))
        if self.status is not None or self.size:
            parts.append(format_size(self.size))
        return " · ".join(parts)


def format_size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1000 or unit == "GB":
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"  # pragma: no cover


def format_elapsed(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def status_tone(p: Answer) -> str:
    """How ``p``'s status reads at a glance: SUCCESS (2xx, a task that succeeded), PENDING (a task
    waiting or running), WARNING (a redirect, 4xx, 429), FAILURE (5xx, a failed task, a broken
    answer, no answer at all) or NEUTRAL (cancelled, a value without an HTTP status)."""
    if p.kind == TASK and p.task is not None:
        if p.task.state == SUCCEEDED:
            return SUCCESS
        return FAILURE if p.task.state == FAILED else PENDING
    if p.kind == ERROR:
        if p.error_title == "cancelled" or p.status_line == "Cancelled":
            return NEUTRAL
        if p.status is not None and 300 <= p.status < 500:
            return WARNING
        return FAILURE
    if p.status is None:
        return NEUTRAL
    if 200 <= p.status < 300:
        return SUCCESS
    return WARNING if p.status < 500 else FAILURE


def task_status_text(state: str | None) -> str:
    """``"Task running"``, ``"Task succeeded"``…: a task answer's status in words."""
    words = {WAITING: "waiting", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed"}
    if state in words:
        return f"Task {words[state]}"
    return f"Task {state}" if state else "Task started"


def status_text(status: int | None) -> str:
    if status is None:
        return "No answer"
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status}"


def hex_summary(data: bytes, mime: str | None) -> str:
    """``"1,234 bytes of application/octet-stream"`` and a hex dump of the first bytes."""
    head = data[:HEX_PREVIEW_BYTES]
    lines = [f"{len(data):,} bytes of {mime or 'unknown type'} (not shown as text)."]
    for offset in range(0, len(head), 16):
        chunk = head[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {text}")
    if len(data) > len(head):
        lines.append(f"… {len(data) - len(head):,} more bytes: use Save to file… to keep them.")
    return "\n".join(lines)


def cut_text(text: str) -> tuple[str, bool]:
    """``text`` cut to :data:`MAX_SHOWN_CHARS` with a note saying so; and whether it was cut."""
    if len(text) <= MAX_SHOWN_CHARS:
        return text, False
    note = f"\n\n… cut at {MAX_SHOWN_CHARS:,} characters: use Save to file… for the whole body."
    return text[:MAX_SHOWN_CHARS] + note, True


_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)


def pretty_json(value: Any, limit: int | None = MAX_SHOWN_CHARS + 1) -> str:
    """``value`` indented; encoding stops soon after ``limit`` characters (None: all of it), so a
    100 MB answer costs what the shown part costs."""
    try:
        if limit is None:
            return _ENCODER.encode(value)
        parts: list[str] = []
        size = 0
        for chunk in _ENCODER.iterencode(value):
            parts.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
        return "".join(parts)
    except (TypeError, ValueError, RecursionError):
        return repr(value)[: limit or None]


def _headers(exchange: Exchange | None) -> list[tuple[str, str]]:
    if exchange is None:
        return []
    return redact(exchange.response_headers, exchange.secrets)


def _task_summary(task: Task) -> TaskSummary:
    return TaskSummary(task.task_id, task.state, task.status_message)


def exchange_fields(exchange: Exchange | None) -> dict[str, Any]:
    """The :class:`Answer` fields an exchange fills (status, time, size, redacted headers and
    request line); ``base["status"]`` is None when there was no answer."""
    if exchange is None:
        return {"status": None, "elapsed": None, "size": 0, "headers": []}
    return {
        "status": exchange.status,
        "elapsed": exchange.elapsed,
        "size": exchange.body_size,
        "headers": _headers(exchange),
        "request_line": redact(f"{exchange.method} {exchange.url}", exchange.secrets),
        "request_headers": redact(exchange.request_headers, exchange.secrets),
    }


def answer_from_result(result: Any) -> Answer:
    """A :class:`~shipexplorer.api.Result` of ``invoke`` as the view shows it. Never raises."""
    try:
        return _answer_from_result(result)
    except Exception:  # a bug here must show as words, not kill the worker's answer
        return Answer(
            ERROR,
            "Could not show the answer",
            body_text="The answer arrived but could not be shown: shipexplorer failed to read it.",
            error_title="display error",
        )


def _text_source(raw: bytes | None) -> TextSource | None:
    return None if raw is None else TextSource.from_bytes(raw)


def _json_document(raw: bytes | None) -> PyDocument | None:
    """A small body held in memory as a document, or None when it is not JSON."""
    if not raw:
        return None
    try:
        return PyDocument(json.loads(raw))
    except (ValueError, RecursionError):
        return None


def _answer_from_result(result: Any) -> Answer:
    exchange: Exchange | None = getattr(result, "exchange", None)
    base = exchange_fields(exchange)
    line = status_text(base["status"])
    secrets = exchange.secrets if exchange is not None else ()
    raw = exchange.response_body if exchange is not None else None
    task = getattr(result, "task", None)
    data = getattr(result, "value", None)
    if exchange is not None and exchange.body_file is not None and task is None and data:
        return spooled_answer(exchange, data, line, base)
    if task is not None:
        summary = _task_summary(task)
        text = summary.text()
        document = None
        if data is not None and getattr(data, "kind", None) == "json":
            text += "\n\nData:\n" + pretty_json(data.value)
            document = PyDocument(data.value)
        else:  # the task's own JSON, for the Tree view
            document = _json_document(raw)
        text, cut = cut_text(redact(text, secrets))
        return Answer(
            TASK,
            task_status_text(summary.state),
            body_text=text,
            task=summary,
            truncated=cut,
            raw=raw or None,
            document=document,
            text_source=_text_source(raw or None),
            **base,
        )
    if data is None:
        return Answer(EMPTY, line, body_text="(no body)", **base)
    kind, mime, value = data.kind, data.mime_type, data.value
    if kind == "json":
        text, cut = cut_text(pretty_json(value))
        return Answer(
            JSON,
            line,
            body_text=text,
            mime_type=mime,
            raw=raw,
            truncated=cut,
            document=PyDocument(value),
            text_source=_text_source(raw),
            **base,
        )
    if kind in ("text", "markdown", "html"):
        text, cut = cut_text(value if isinstance(value, str) else str(value))
        raw = raw if exchange is not None else text.encode()
        return Answer(
            kind,
            line,
            body_text=text,
            mime_type=mime,
            raw=raw,
            truncated=cut,
            text_source=_text_source(raw),
            **base,
        )
    body = value if isinstance(value, (bytes, bytearray)) else str(value).encode()
    body = bytes(body)
    if (mime or "").lower() in IMAGE_TYPES:
        caption = f"{mime} image, {format_size(len(body))}"
        return Answer(IMAGE, line, body_text=caption, mime_type=mime, image=body, raw=body, **base)
    return Answer(BYTES, line, body_text=hex_summary(body, mime), mime_type=mime, raw=body, **base)


def spooled_answer(exchange: Exchange, data: Any, line: str, base: dict) -> Answer:
    """A body in a file: what can be said without reading it all (then see
    :func:`~.spooled_body.open_spooled`)."""
    path, mime, size = exchange.body_file, data.mime_type, exchange.body_size
    common = {"mime_type": mime, "body_file": path, **base}
    if data.kind in (JSON, TEXT, MARKDOWN, HTML):
        note = f"Opening {format_size(size)}…"
        return Answer(data.kind, line, body_text=note, truncated=True, **common)
    with open(path, "rb") as handle:  # type: ignore[arg-type]
        if (mime or "").lower() in IMAGE_TYPES:
            body = handle.read()
            caption = f"{mime} image, {format_size(len(body))}"
            return Answer(IMAGE, line, body_text=caption, image=body, **common)
        head = handle.read(HEX_PREVIEW_BYTES)
    text = hex_summary(head, mime).replace(f"{len(head):,} bytes", f"{size:,} bytes", 1)
    if size > len(head):
        text += f"\n… {size - len(head):,} more bytes: use Save to file… to keep them."
    return Answer(BYTES, line, body_text=text, **common)


def answer_from_value(value: Any, *, title: str = "Task output") -> Answer:
    """A value (a task's output) as the response viewer shows it: JSON with its document and text,
    a string as text, bytes as a hex summary. Pure; call on a worker when it may be big."""
    try:
        if isinstance(value, (bytes, bytearray)):
            body = bytes(value)
            return Answer(BYTES, title, body_text=hex_summary(body, None), raw=body)
        if isinstance(value, str):
            raw = value.encode("utf-8", errors="replace")
            text, cut = cut_text(value)
            return Answer(
                TEXT,
                title,
                body_text=text,
                raw=raw,
                size=len(raw),
                truncated=cut,
                text_source=TextSource.from_bytes(raw),
            )
        full = json.dumps(value, indent=2, ensure_ascii=False)
        raw = full.encode("utf-8", errors="replace")
        text, cut = cut_text(full)
        return Answer(
            JSON,
            title,
            body_text=text,
            raw=raw,
            size=len(raw),
            truncated=cut,
            mime_type="application/json",
            document=PyDocument(value),
            text_source=TextSource.from_bytes(raw),
        )
    except Exception:
        log.exception("a value could not be turned into an answer")  # a bug: keep its trace
        return Answer(
            ERROR,
            title,
            body_text="The value could not be shown: it is not text, bytes or JSON.",
            error_title="display error",
        )


__all__ = [
    "FAILURE",
    "MAX_SHOWN_CHARS",
    "NEUTRAL",
    "PENDING",
    "SUCCESS",
    "WARNING",
    "Answer",
    "TaskSummary",
    "answer_from_result",
    "answer_from_value",
    "cut_text",
    "exchange_fields",
    "format_elapsed",
    "format_size",
    "hex_summary",
    "pretty_json",
    "spooled_answer",
    "status_text",
    "status_tone",
    "task_status_text",
]
