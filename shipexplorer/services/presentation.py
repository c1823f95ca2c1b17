"""What the response area shows for an answer, an error or a task: computed on the worker.

Pure Python (no Qt): :func:`present_result` and :func:`present_error` turn what the API layer
returned or raised into a :class:`Presentation` (status line, elapsed time, size, redacted headers,
and the body as the view shows it: pretty JSON, text, image bytes, a hex summary, a task summary, or
an error in words). Neither ever raises, whatever the body or content type; big bodies are cut to
:data:`MAX_SHOWN_CHARS` for display (the whole body stays in ``raw`` for "Save to file…").
"""

from __future__ import annotations

import http
import json
from dataclasses import dataclass, field
from typing import Any

from shipexplorer.api import (
    ApiError,
    Cancelled,
    Exchange,
    InsecureTransportError,
    NetworkError,
    ProtocolError,
    RateLimited,
    RedirectNotFollowed,
    RemoteError,
    Task,
    redact,
)
from shipexplorer.services.error_advice import what_to_check

#: The most characters put in the body view (setPlainText of 150k characters takes about 12 ms;
#: 2M took 150 ms, a visible stall); the rest is left to "Save to file…".
MAX_SHOWN_CHARS = 150_000
HEX_PREVIEW_BYTES = 256
IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/svg+xml"}
)

# What Presentation.kind can be.
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


@dataclass(frozen=True)
class Presentation:
    """Everything the response view shows for one answer or failure.

    ``kind`` is one of json, text, markdown, html, image, bytes, task, error, empty. ``body_text``
    is what the body view shows (for an image, a caption); ``image`` the image bytes; ``raw`` the
    whole body for saving.
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


def _cut(text: str) -> tuple[str, bool]:
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


def _base(exchange: Exchange | None) -> dict[str, Any]:
    if exchange is None:
        return {"status": None, "elapsed": None, "size": 0, "headers": []}
    return {
        "status": exchange.status,
        "elapsed": exchange.elapsed,
        "size": len(exchange.response_body or b""),
        "headers": _headers(exchange),
        "request_line": redact(f"{exchange.method} {exchange.url}", exchange.secrets),
        "request_headers": redact(exchange.request_headers, exchange.secrets),
    }


def present_result(result: Any) -> Presentation:
    """A :class:`~shipexplorer.api.Result` of ``invoke`` as the view shows it. Never raises."""
    try:
        return _present_result(result)
    except Exception as exc:  # a bug here must show as words, not kill the worker's answer
        return Presentation(
            ERROR,
            "Could not show the answer",
            body_text=f"Could not show the answer ({type(exc).__name__}: {exc}).",
            error_title="display error",
        )


def _present_result(result: Any) -> Presentation:
    exchange: Exchange | None = getattr(result, "exchange", None)
    base = _base(exchange)
    line = status_text(base["status"])
    secrets = exchange.secrets if exchange is not None else ()
    task = getattr(result, "task", None)
    if task is not None:
        summary = _task_summary(task)
        text = summary.text()
        data = getattr(result, "value", None)
        if data is not None and getattr(data, "kind", None) == "json":
            text += "\n\nData:\n" + pretty_json(data.value)
        text, cut = _cut(redact(text, secrets))
        return Presentation(TASK, line, body_text=text, task=summary, truncated=cut, **base)
    data = getattr(result, "value", None)
    if data is None:
        return Presentation(EMPTY, line, body_text="(no body)", **base)
    kind, mime, value = data.kind, data.mime_type, data.value
    if kind == "json":
        text, cut = _cut(pretty_json(value))
        raw = exchange.response_body if exchange is not None else None
        return Presentation(
            JSON, line, body_text=text, mime_type=mime, raw=raw, truncated=cut, **base
        )
    if kind in ("text", "markdown", "html"):
        text, cut = _cut(value if isinstance(value, str) else str(value))
        raw = exchange.response_body if exchange is not None else text.encode()
        return Presentation(
            kind, line, body_text=text, mime_type=mime, raw=raw, truncated=cut, **base
        )
    body = value if isinstance(value, (bytes, bytearray)) else str(value).encode()
    body = bytes(body)
    if (mime or "").lower() in IMAGE_TYPES:
        caption = f"{mime} image, {format_size(len(body))}"
        return Presentation(
            IMAGE, line, body_text=caption, mime_type=mime, image=body, raw=body, **base
        )
    return Presentation(
        BYTES, line, body_text=hex_summary(body, mime), mime_type=mime, raw=body, **base
    )


def present_error(error: BaseException) -> Presentation:
    """An error from the API layer (or anything else) in words. Never raises."""
    try:
        return _present_error(error)
    except Exception as exc:
        return Presentation(
            ERROR,
            "Error",
            body_text=f"{type(error).__name__} (and it could not be shown: {type(exc).__name__})",
            error_title="error",
        )


def _present_error(error: BaseException) -> Presentation:
    exchange = getattr(error, "exchange", None) if isinstance(error, ApiError) else None
    base = _base(exchange)
    secrets = exchange.secrets if exchange is not None else ()
    if not isinstance(error, ApiError):
        text = f"Unexpected error ({type(error).__name__}): {error}"
        return Presentation(ERROR, "Error", body_text=redact(text, secrets), error_title="error")
    title = error.title
    if isinstance(error, Cancelled):
        line = "Cancelled"
    elif isinstance(error, NetworkError) and base["status"] is not None:
        line = f"Failed — {title} (after {status_text(base['status'])})"
    elif base["status"] is not None:
        line = f"{status_text(base['status'])} — {title}"
    else:
        line = f"Failed — {title}"
    lines: list[str] = []
    if isinstance(error, RedirectNotFollowed):
        lines.append(f"HTTP {base['status']}: the server redirects to another address.")
        lines.append(f"Location: {error.location or '(none given)'}")
        lines.append(
            "The redirect was not followed: the API key and workspace headers would travel "
            "along to that address. Point the profile at the new address if it is right."
        )
    elif isinstance(error, RemoteError):
        lines.append(error.steamship_message or error.message)
        if error.suggestion:
            lines.append(f"Suggestion: {error.suggestion}")
        if error.code:
            lines.append(f"Code: {error.code}")
        if isinstance(error, RateLimited) and error.retry_after is not None:
            lines.append(f"Retry after {error.retry_after:g} s.")
    else:
        lines.append(error.message)
        if exchange is not None and not isinstance(error, (Cancelled, InsecureTransportError)):
            lines.append(f"Request: {exchange.method} {exchange.url}")
        check = what_to_check(error)
        if check:
            lines.append(f"What to check: {check}")
        if isinstance(error, ProtocolError) and exchange is not None and exchange.response_body:
            body = exchange.response_body[:4096]
            lines.append("")
            lines.append(f"Body as received ({format_size(base['size'])}):")
            lines.append(body.decode("utf-8", errors="replace"))
    text, cut = _cut(redact("\n".join(lines), secrets))
    return Presentation(ERROR, line, body_text=text, error_title=title, truncated=cut, **base)


__all__ = [
    "MAX_SHOWN_CHARS",
    "Presentation",
    "TaskSummary",
    "format_elapsed",
    "format_size",
    "hex_summary",
    "present_error",
    "present_result",
    "pretty_json",
    "status_text",
]
