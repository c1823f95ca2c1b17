"""An error as the response area shows it: an :class:`~.answer.Answer` of kind "error".

Pure Python (no Qt): :func:`answer_from_error` puts what the API layer raised (or any other
exception) in words: a status line ("404 Not Found — title", "Failed — title", "Cancelled"), the
server's message and suggestion, what to check for network and protocol errors, and for a body
that could not be read the start of it. Secrets are redacted; it never raises.
"""

from __future__ import annotations

from shipexplorer.api import (
    ApiError,
    Cancelled,
    InsecureTransportError,
    NetworkError,
    ProtocolError,
    RateLimited,
    RedirectNotFollowed,
    RemoteError,
    redact,
)
from shipexplorer.core.documents.answer import (
    ERROR,
    Answer,
    cut_text,
    exchange_fields,
    format_size,
    status_text,
)
from shipexplorer.core.documents.error_advice import what_to_check


def answer_from_error(error: BaseException) -> Answer:
    """An error from the API layer (or anything else) in words. Never raises."""
    try:
        return _answer_from_error(error)
    except Exception as exc:
        return Answer(
            ERROR,
            "Error",
            body_text=f"{type(error).__name__} (and it could not be shown: {type(exc).__name__})",
            error_title="error",
        )


def _answer_from_error(error: BaseException) -> Answer:
    exchange = getattr(error, "exchange", None) if isinstance(error, ApiError) else None
    base = exchange_fields(exchange)
    secrets = exchange.secrets if exchange is not None else ()
    if not isinstance(error, ApiError):
        text = f"Unexpected error ({type(error).__name__}): {error}"
        return Answer(ERROR, "Error", body_text=redact(text, secrets), error_title="error")
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
    text, cut = cut_text(redact("\n".join(lines), secrets))
    return Answer(ERROR, line, body_text=text, error_title=title, truncated=cut, **base)


__all__ = ["answer_from_error"]
