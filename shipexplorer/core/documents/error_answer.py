"""An error as the response area shows it: an :class:`~.answer.Answer` of kind "error".

Pure Python (no Qt): :func:`answer_from_error` puts what the API layer raised (or any other
exception) in words: a status line ("404 Not Found", "429 Too Many Requests · retry in 2 s",
"200 · invalid JSON", "Task failed", "Failed — read timeout", "Cancelled"), the server's message
and suggestion, and what to check for network and protocol errors. Secrets are redacted; it never
raises.

The body the server sent with the error is kept whole in ``error_body``, an answer of its own
made by :func:`body_answer`: its bytes for "Save body to file…", and for the views its text (a
key the server echoed masked), its JSON document when it parses, or its spooled file, whose views
:func:`open_error_body` opens on a worker like any big body's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from types import SimpleNamespace
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
    TaskFailed,
    redact,
)
from shipexplorer.api.cancel import CancelToken
from shipexplorer.api.errors import KEY_REFUSED, BodyTooLarge, html_summary, key_refused
from shipexplorer.api.limits import format_size as limit_text
from shipexplorer.core.documents.answer import (
    BYTES,
    ERROR,
    HTML,
    IMAGE,
    IMAGE_TYPES,
    JSON,
    MARKDOWN,
    TEXT,
    Answer,
    cut_text,
    exchange_fields,
    format_size,
    hex_summary,
    pretty_json,
    spooled_answer,
    status_text,
)
from shipexplorer.core.documents.error_advice import what_to_check
from shipexplorer.core.documents.json_document import PyDocument, json_error_reason
from shipexplorer.core.documents.text_source import TextSource

log = logging.getLogger(__name__)

_TEXT_KINDS = {"text/plain": TEXT, "text/markdown": MARKDOWN, "text/html": HTML}


def answer_from_error(error: BaseException) -> Answer:
    """An error from the API layer (or anything else) in words. Never raises."""
    try:
        return _answer_from_error(error)
    except Exception:
        log.exception("an error could not be put in words: %r", error)
        return Answer(
            ERROR,
            "Error",
            body_text="The request failed, and what went wrong could not be put in words.",
            error_title="error",
        )


def open_error_body(
    p: Answer, *, cancel: CancelToken | None = None, threshold: int | None = None
) -> Answer:
    """Open the views of an error's spooled body (blocking: a worker); see
    :func:`~.spooled_body.open_spooled`. Any other answer is returned as it is."""
    body = p.error_body
    if body is None or body.body_file is None:
        return p
    from shipexplorer.core.documents.spooled_body import open_spooled

    return replace(p, error_body=open_spooled(body, cancel=cancel, threshold=threshold))


def _unexpected(error: BaseException) -> str:
    said = str(error).strip()
    text = "Something unexpected stopped the request"
    if not said:
        return f"{text}."
    return f"{text}: {said}" if said[-1] in ".!?…" else f"{text}: {said}."


def _answer_from_error(error: BaseException) -> Answer:
    exchange = getattr(error, "exchange", None) if isinstance(error, ApiError) else None
    base = exchange_fields(exchange)
    secrets = exchange.secrets if exchange is not None else ()
    if not isinstance(error, ApiError):
        text = redact(_unexpected(error), secrets)
        return Answer(ERROR, "Error", body_text=text, error_title="error")
    title = error.title
    status = base["status"]
    body, bad_json = None, ""
    if not isinstance(error, (Cancelled, NetworkError)):
        body, bad_json = _body_and_problem(exchange)
    if isinstance(error, Cancelled):
        line = "Cancelled"
    elif isinstance(error, BodyTooLarge):  # the status is the server's, not the outcome
        line = f"Stopped — answer over {limit_text(error.limit)}"
        if status is not None:
            line += f" (after {status_text(status)})"
    elif isinstance(error, NetworkError) and status is not None:
        line = f"Failed — {title} (after {status_text(status)})"
    elif status is None:
        line = f"Failed — {title}"
    elif isinstance(error, TaskFailed):
        line = "Task failed"
    elif isinstance(error, RateLimited):
        line = status_text(status)
        if error.retry_after is not None:
            line += f" · retry in {error.retry_after:g} s"
    elif isinstance(error, RedirectNotFollowed):
        line = f"{status_text(status)} · not followed"
    elif isinstance(error, ProtocolError):
        line = f"{status} · invalid JSON" if bad_json else f"{status} · {title}"
    else:
        line = status_text(status)
    lines: list[str] = []
    if isinstance(error, RedirectNotFollowed):
        lines.append(f"HTTP {status}: the server redirects to another address.")
        lines.append(f"Location: {error.location or '(none given)'}")
        lines.append(
            "The redirect was not followed: the API key and workspace headers would travel "
            "along to that address. Point the profile at the new address if it is right."
        )
    elif isinstance(error, RemoteError):
        page = html_summary(error)
        if key_refused(error):
            lines.append(KEY_REFUSED)
        if page is not None:  # a gateway's page: its title here, the page itself in the views
            lines.append(page)
            lines.append("The page as received is in the Raw view.")
        else:
            lines.append(error.steamship_message or error.message)
        if error.suggestion:
            lines.append(f"Suggestion: {error.suggestion}")
        if error.code:
            lines.append(f"Code: {error.code}")
        if isinstance(error, RateLimited) and error.retry_after is not None:
            lines.append(f"Retry after {error.retry_after:g} s.")
    else:
        if bad_json:
            said = f"answered {status_text(status)}, but its JSON body does not parse: {bad_json}."
            lines.append(f"The server {said}")
        else:
            lines.append(error.message)
        if exchange is not None and not isinstance(error, (Cancelled, InsecureTransportError)):
            lines.append(f"Request: {exchange.method} {exchange.url}")
        check = what_to_check(error)
        if check:
            lines.append(f"What to check: {check}")
    text, cut = cut_text(redact("\n".join(lines), secrets))
    return Answer(
        ERROR, line, body_text=text, error_title=title, truncated=cut, error_body=body, **base
    )


def _mime(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    parts = content_type.split(";")
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    return parts[0].strip().lower() or None, charset


def _is_json(mime: str) -> bool:
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def body_answer(exchange: Exchange | None) -> Answer | None:
    """The body an error answer came with, as an answer of its own (None: no body). Never
    raises.

    Held in memory: ``raw`` is exactly what was received (for saving); the text the views show
    has the profile's key masked if the server echoed it; a JSON body is parsed (it is below the
    spool threshold) and pretty-printed. Spooled: the file, to open with :func:`open_error_body`.
    """
    return _body_and_problem(exchange)[0]


def _body_and_problem(exchange: Exchange | None) -> tuple[Answer | None, str]:
    """:func:`body_answer`, and why a body meant to be JSON does not parse ("" when it does)."""
    if exchange is None or (not exchange.response_body and exchange.body_file is None):
        return None, ""
    try:
        return _body_answer(exchange)
    except Exception:  # the error itself is still shown; only its body view is lost
        log.exception("the body of an error answer could not be read")
        return None, ""


def _body_answer(exchange: Exchange) -> tuple[Answer, str]:
    mime, charset = _mime(exchange.content_type)
    base = exchange_fields(exchange)
    line = status_text(base["status"])
    if exchange.body_file is not None:
        if mime is not None and _is_json(mime):
            kind = JSON
        else:
            kind = _TEXT_KINDS.get(mime or "", TEXT if (mime or "").startswith("text/") else BYTES)
        data = SimpleNamespace(kind=kind, mime_type=mime)
        return spooled_answer(exchange, data, line, base), ""
    raw = bytes(exchange.response_body)
    shown = redact(raw, exchange.secrets) if exchange.secrets else raw
    common: dict[str, Any] = {"mime_type": mime, "raw": raw, **base}
    if mime in IMAGE_TYPES:
        caption = f"{mime} image, {format_size(len(raw))}"
        return Answer(IMAGE, line, body_text=caption, image=raw, **common), ""
    problem = ""
    wants_json = (mime is not None and _is_json(mime)) or (
        mime is None and shown.lstrip()[:1] in (b"{", b"[")
    )
    if wants_json:
        try:
            value = json.loads(shown)
        except json.JSONDecodeError as exc:
            problem = json_error_reason(exc)
        except (ValueError, RecursionError):
            problem = "it is not UTF-8 text, or it nests too deeply to read"
        else:
            text, cut = cut_text(pretty_json(value))
            return Answer(
                JSON,
                line,
                body_text=text,
                truncated=cut,
                document=PyDocument(value),
                text_source=TextSource.from_bytes(shown),
                **common,
            ), ""
    note = f"The body is not valid JSON: {problem}. It is shown as text." if problem else ""
    text = _decoded(shown, charset)
    if text is None:
        return Answer(BYTES, line, body_text=hex_summary(shown, mime), **common), problem
    kind = _TEXT_KINDS.get(mime or "", TEXT)
    text, cut = cut_text(text)
    answer = Answer(
        kind,
        line,
        body_text=text,
        truncated=cut,
        shown_note=note,
        text_source=TextSource.from_bytes(shown),
        **common,
    )
    return answer, problem


def _decoded(data: bytes, charset: str | None) -> str | None:
    """The body as text in its charset (UTF-8 by default); None when it is not text."""
    try:
        return data.decode(charset or "utf-8")
    except (LookupError, ValueError):
        try:
            return data.decode("utf-8")
        except ValueError:
            return None


__all__ = ["answer_from_error", "body_answer", "open_error_body"]
