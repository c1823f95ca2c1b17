"""Turn an HTTP answer into data, a task, or a typed error, as the protocol file's steps 1-5 say.

:func:`decode` never raises: whatever the bytes, it returns a :class:`Decoded` whose ``error`` (when
set) is an :class:`~shipexplorer.api.errors.ApiError`.

A body spooled to a file (``body_file``: above the caller's threshold) is not parsed here: a success
is data of its kind whose ``value`` is None (the viewer opens the file itself, off the GUI process
for JSON); an error answer is decoded from its first :data:`SPOOLED_HEAD` bytes.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import (
    ApiError,
    HttpError,
    ProtocolError,
    RateLimited,
    RedirectNotFollowed,
    RemoteError,
    TaskFailed,
)
from .redact import redact
from .tasks import FAILED, Task, find_task

JSON, TEXT, MARKDOWN, HTML, BYTES = "json", "text", "markdown", "html", "bytes"
_TEXT_KINDS = {"text/plain": TEXT, "text/markdown": MARKDOWN, "text/html": HTML}
_MAX_MESSAGE = 500
SPOOLED_HEAD = 65_536


@dataclass(frozen=True)
class Data:
    """A decoded result: ``value`` is parsed JSON, a ``str`` (text kinds) or ``bytes``."""

    value: Any
    kind: str
    mime_type: str | None

    def __repr__(self) -> str:
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"Data(kind={self.kind!r}, mime_type={self.mime_type!r}, value={shown})"


@dataclass(frozen=True)
class Decoded:
    """What an answer decoded to: ``data``, a ``task`` (possibly with data) or an ``error``."""

    data: Data | None = None
    task: Task | None = None
    error: ApiError | None = None

    @property
    def kind(self) -> str:
        """``"error"``, ``"task"`` or ``"data"``."""
        if self.error is not None:
            return "error"
        return "task" if self.task is not None else "data"

    @property
    def value(self) -> Any:
        return None if self.data is None else self.data.value


def header(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> str | None:
    """Case-insensitive header lookup on a mapping or a list of pairs (first match)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    name = name.lower()
    for key, value in items:
        if key.lower() == name:
            return value
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date); ``None`` if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            import email.utils  # 10 ms to import; only a 429 with a date needs it

            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _mime(content_type: str | None) -> tuple[str | None, str | None]:
    if content_type is None:
        return None, None
    parts = content_type.split(";")
    mime = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"') or None
    return mime, charset


def _text(body: bytes, charset: str | None) -> str:
    try:
        codecs.lookup(charset or "utf-8")
        return body.decode(charset or "utf-8", errors="replace")
    except (LookupError, ValueError):
        return body.decode("utf-8", errors="replace")


def _is_json(mime: str) -> bool:
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _s(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _error_fields(body: Any, task: Task | None) -> dict[str, str | None]:
    """Steamship's message/suggestion/code from any error spelling in ``body``."""
    fields: dict[str, str | None] = {
        "steamship_message": None,
        "suggestion": None,
        "code": None,
        "internal_message": None,
    }
    if task is not None:
        fields.update(
            steamship_message=task.status_message,
            suggestion=task.status_suggestion,
            code=task.status_code,
        )
    if isinstance(body, dict):
        source = body
        if isinstance(body.get("error"), dict):
            source = body["error"]
        fields["steamship_message"] = fields["steamship_message"] or _s(
            source.get("message") or source.get("statusMessage") or source.get("reason")
        )
        fields["suggestion"] = fields["suggestion"] or _s(
            source.get("suggestion") or source.get("statusSuggestion")
        )
        fields["code"] = fields["code"] or _s(source.get("code") or source.get("statusCode"))
        fields["internal_message"] = _s(source.get("internalMessage"))
        if fields["steamship_message"] is None and isinstance(body.get("error"), str):
            fields["steamship_message"] = body["error"]
    return fields


def _message(status: int, fields: dict[str, str | None], body_text: str | None) -> str:
    text = fields["steamship_message"] or (body_text if body_text else None)
    head = f"HTTP {status}" if status >= 300 or status < 200 else "Task failed"
    parts = [f"{head}: {_short(text)}" if text else head]
    if fields["code"]:
        parts[0] = f"{parts[0]} [{fields['code']}]"
    if fields["suggestion"]:
        parts.append(f"Suggestion: {_short(fields['suggestion'])}")
    return "\n".join(parts)


def _remote_error(
    status: int,
    headers: Any,
    body: Any,
    body_text: str | None,
    task: Task | None,
    secrets: tuple[str, ...],
) -> RemoteError:
    fields = _error_fields(body, task)
    message = redact(_message(status, fields, body_text), secrets)
    fields = {k: (redact(v, secrets) if v else v) for k, v in fields.items()}
    kwargs: dict[str, Any] = dict(status=status, task=task, body=body, **fields)
    if 200 <= status < 300:
        return TaskFailed(message, **kwargs)
    if status == 429:
        retry_after = parse_retry_after(header(headers, "retry-after"))
        if retry_after is not None:
            message += f"\nRetry after {retry_after:g} s."
        return RateLimited(message, retry_after=retry_after, **kwargs)
    if 300 <= status < 400:
        location = header(headers, "location")
        message = f"HTTP {status}: redirect to {location or '(no Location)'} not followed"
        return RedirectNotFollowed(redact(message, secrets), location=location, **kwargs)
    return HttpError(message, **kwargs)


def decode(
    status_code: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes,
    *,
    package_call: bool,
    secrets: Iterable[str | None] = (),
    body_file: str | None = None,
) -> Decoded:
    """Decode one answer (see the module docstring). ``secrets`` are masked in error messages."""
    keys = tuple(s for s in secrets if s)
    try:
        if body_file is not None:
            return _decode_spooled(status_code, headers, body_file, package_call, keys)
        return _decode(status_code, headers, bytes(body), package_call, keys)
    except ApiError as exc:  # pragma: no cover - _decode returns its errors
        return Decoded(error=exc)
    except Exception as exc:  # pragma: no cover - a bug here must not crash the caller
        return Decoded(error=ProtocolError(f"Could not decode the answer: {type(exc).__name__}"))


def _decode_spooled(
    status: int, headers: Any, body_file: str, package_call: bool, secrets: tuple[str, ...]
) -> Decoded:
    mime, _charset = _mime(header(headers, "content-type"))
    if not 200 <= status < 300 or mime is None:
        with open(body_file, "rb") as handle:
            head = handle.read(SPOOLED_HEAD)
        return _decode(status, headers, head, package_call, secrets)
    if mime in _TEXT_KINDS:
        return Decoded(data=Data(None, _TEXT_KINDS[mime], mime))
    return Decoded(data=Data(None, JSON if _is_json(mime) else BYTES, mime))


def _decode(
    status: int, headers: Any, body: bytes, package_call: bool, secrets: tuple[str, ...]
) -> Decoded:
    ok = 200 <= status < 300
    mime, charset = _mime(header(headers, "content-type"))
    # Step 1: Content-Type decides.
    if mime is None:
        if not ok:
            text = _text(body, charset)
            return Decoded(error=_remote_error(status, headers, None, text, None, secrets))
        return Decoded(
            error=ProtocolError(
                "Inconsistent response from server: the answer has no Content-Type "
                f"(HTTP {status}, {len(body)} bytes)."
            )
        )
    if mime in _TEXT_KINDS:
        text = _text(body, charset)
        if not ok:
            return Decoded(error=_remote_error(status, headers, text, text, None, secrets))
        return Decoded(data=Data(text, _TEXT_KINDS[mime], mime))
    if not _is_json(mime):
        if not ok:
            text = _text(body[:4096], charset)
            return Decoded(error=_remote_error(status, headers, None, text, None, secrets))
        return Decoded(data=Data(body, BYTES, mime))
    try:
        parsed = json.loads(body.decode(charset or "utf-8") if charset else body)
    except (ValueError, LookupError, RecursionError) as exc:
        text = _text(body[:4096], charset)
        if not ok:
            return Decoded(error=_remote_error(status, headers, None, text, None, secrets))
        return Decoded(
            error=ProtocolError(
                f"Inconsistent response from server: the JSON body does not parse ({exc})."[:300]
            )
        )
    if parsed is None:
        if not ok:
            return Decoded(error=_remote_error(status, headers, None, "null", None, secrets))
        return Decoded(error=ProtocolError("Inconsistent response from server: the body is null."))
    # Step 2: a status object is a task; a failed one is an error, even on HTTP 200.
    # A method may also answer a task as plain JSON ({"taskId", "state", ...}, no envelope).
    task = find_task(parsed, plain=False)
    plain_task = None if task is not None or not package_call else find_task(parsed, plain=True)
    # Step 3: "data" if present, else the whole body.
    if isinstance(parsed, dict) and "data" in parsed:
        value = parsed["data"]
    elif plain_task is not None:
        task, value = plain_task, None  # the body *is* the task
    elif task is not None and isinstance(parsed, dict) and set(parsed) <= {"status", "task"}:
        value = None
    else:
        value = parsed
    data = None if value is None else Data(value, JSON, mime)
    if task is not None and task.state == FAILED:
        text = _short(json.dumps(parsed)) if not ok else None
        return Decoded(
            task=task, data=data, error=_remote_error(status, headers, parsed, text, task, secrets)
        )
    # Step 4: non-2xx without a failed status: an error whose text is the body.
    if not ok:
        text = _short(body.decode("utf-8", errors="replace"))
        return Decoded(task=task, error=_remote_error(status, headers, parsed, text, task, secrets))
    # Step 5: the task if there is one (even succeeded), else the data.
    return Decoded(data=data, task=task)
