"""Typed errors of the API layer: one base, :class:`ApiError`, and a class per thing a user must
know.

Every error has a user-facing ``message`` (``str(error)``) and, when a request was attempted, the
:class:`~shipexplorer.api.exchange.Exchange` that produced it (``error.exchange``).
"""

from __future__ import annotations

import html
import http
import re
from typing import TYPE_CHECKING, Any

from .redact import redact

if TYPE_CHECKING:
    from .exchange import Exchange
    from .tasks import Task


class ApiError(Exception):
    """Base of every error raised or reported by :mod:`shipexplorer.api`."""

    #: a short, stable label for the UI ("connection refused", "timeout", ...)
    title = "error"

    def __init__(self, message: str, *, exchange: Exchange | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


# --- before or outside HTTP -------------------------------------------------------------------


class InsecureTransportError(ApiError):
    """Refused to send a key over plain ``http://`` to a host that is not loopback; nothing was
    sent.
    """

    title = "insecure connection refused"


class Cancelled(ApiError):
    """The caller cancelled the call (its :class:`~shipexplorer.api.transport.CancelToken`)."""

    title = "cancelled"


# --- transport ---------------------------------------------------------------------------------


class NetworkError(ApiError):
    """The request did not produce a complete HTTP answer."""

    title = "network error"


class ConnectFailed(NetworkError):
    """Could not open a connection (other than the more specific cases below)."""

    title = "could not connect"


class ConnectionRefused(ConnectFailed):
    title = "connection refused"


class DnsError(ConnectFailed):
    title = "host name not found"


class TlsError(ConnectFailed):
    """The TLS handshake failed (certificate not trusted, host name mismatch, ...)."""

    title = "TLS error"


class RequestTimeout(NetworkError):
    """Base of the timeouts; ``phase`` is ``"connect"``, ``"read"``, ``"write"``, ``"pool"`` or
    ``"deadline"``.
    """

    title = "timeout"

    def __init__(self, message: str, *, phase: str, exchange: Exchange | None = None) -> None:
        super().__init__(message, exchange=exchange)
        self.phase = phase


class ConnectTimeout(RequestTimeout):
    title = "connect timeout"


class ReadTimeout(RequestTimeout):
    title = "read timeout"


class WriteTimeout(RequestTimeout):
    title = "write timeout"


class PoolTimeout(RequestTimeout):
    title = "no free connection"


class DeadlineExceeded(RequestTimeout):
    """The call's overall deadline passed (whatever phase it was in)."""

    title = "deadline exceeded"


class ConnectionDropped(NetworkError):
    """The server closed or reset the connection before the answer was complete."""

    title = "connection dropped"


# --- answers -----------------------------------------------------------------------------------


class RemoteError(ApiError):
    """An answer that Steamship (or a package) gave as an error.

    ``steamship_message``, ``suggestion``, ``code`` and ``internal_message`` come from the body when
    it had them; ``status`` is the HTTP status; ``task`` the failed task when the body carried one.
    """

    title = "server error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        steamship_message: str | None = None,
        suggestion: str | None = None,
        code: str | None = None,
        internal_message: str | None = None,
        task: Task | None = None,
        body: Any = None,
        exchange: Exchange | None = None,
    ) -> None:
        super().__init__(message, exchange=exchange)
        self.status = status
        self.steamship_message = steamship_message
        self.suggestion = suggestion
        self.code = code
        self.internal_message = internal_message
        self.task = task
        self.body = body


class HttpError(RemoteError):
    """A non-2xx answer."""

    title = "HTTP error"


class RateLimited(HttpError):
    """HTTP 429; ``retry_after`` is in seconds when the server said (``Retry-After``)."""

    title = "rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RedirectNotFollowed(HttpError):
    """A 3xx answer: never followed (the key would travel along); ``location`` says where to."""

    title = "redirect not followed"

    def __init__(self, message: str, *, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.location = location


class TaskFailed(RemoteError):
    """A 2xx answer whose task is in state ``failed``."""

    title = "task failed"


class ProtocolError(ApiError):
    """An answer the protocol does not allow: bad JSON, no Content-Type, a JSON ``null``, ..."""

    title = "inconsistent response"


class BodyTooLarge(ApiError):
    """The answer's body was over the limit that applies to it, so reading it stopped there (or
    never began, when its Content-Length announced more).

    ``limit`` is that limit in bytes; ``received`` how many bytes of body had arrived (after
    decompression; 0 when refused on ``announced``, the Content-Length); ``compressed`` whether
    it was the inflated size of a gzip or deflate body that went over the limit; ``spooled``
    whether it was the limit on a body spooled to disk (the part written is deleted); ``status``
    the HTTP status the answer had. The message is one whole sentence naming the size and the
    preference to change.
    """

    title = "answer too large"

    def __init__(
        self,
        message: str | None = None,
        *,
        limit: int,
        received: int = 0,
        compressed: bool = False,
        spooled: bool = False,
        announced: int | None = None,
        status: int | None = None,
        exchange: Exchange | None = None,
    ) -> None:
        self.limit = limit
        self.received = received
        self.compressed = compressed
        self.spooled = spooled
        self.announced = announced
        self.status = status
        super().__init__(message or self._sentence(), exchange=exchange)

    def _sentence(self) -> str:
        from .limits import MEMORY_SETTING, SPOOL_SETTING, format_size

        limit = format_size(self.limit)
        where = SPOOL_SETTING if self.spooled else MEMORY_SETTING
        if self.announced is not None:
            what = (
                f"The server announced {format_size(self.announced)} for this call "
                f"(Content-Length), more than the {limit} allowed, so nothing of it was read"
            )
        elif self.compressed:
            what = (
                f"The server sent a compressed body that inflates to more than {limit} for this "
                "call, so it was stopped"
            )
        else:
            what = f"The server sent more than {limit} for this call, so it was stopped"
        if self.spooled and self.announced is None:
            what += " and the part saved to disk deleted"
        return f"{what} (limit: {where})."


def describe(error: BaseException) -> str:
    """The text a window shows for an error: what happened, then the server's suggestion and code.

    Anything that is not an :class:`ApiError` is named by its type, so a bug still reads as one.
    """
    if not isinstance(error, ApiError):
        return f"Unexpected error ({type(error).__name__}): {error}"
    lines = [error.message]
    if isinstance(error, RemoteError):
        page = html_summary(error)
        if page is not None:  # a gateway's page: its title, not its markup
            lines = [page]
        else:
            # Messages built from an answer may already carry both; say each once.
            if error.suggestion and error.suggestion not in error.message:
                lines.append(f"Suggestion: {error.suggestion}")
            if error.code and error.code not in error.message:
                lines.append(f"Code: {error.code}")
        if key_refused(error):
            lines.insert(0, KEY_REFUSED)
    return "\n".join(lines)


#: What a 401 or 403 answer means to the user (the key itself is never shown).
KEY_REFUSED = "The server refused the key: check the profile's key (Profiles…)."
_HTML_HEAD = 65_536
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def key_refused(error: BaseException) -> bool:
    """True for an answer that refused the API key: HTTP 401 or 403."""
    return isinstance(error, RemoteError) and error.status in (401, 403)


def html_page(error: BaseException) -> str | None:
    """The HTML page an error answer came with (a proxy's or a gateway's "502 Bad Gateway"
    page), as text; None for any other error or body."""
    if not isinstance(error, RemoteError):
        return None
    exchange = error.exchange
    text = error.body if isinstance(error.body, str) else None
    mime = ""
    if exchange is not None:
        mime = (exchange.content_type or "").split(";")[0].strip().lower()
        if text is None and exchange.response_body:
            text = bytes(exchange.response_body[:_HTML_HEAD]).decode("utf-8", errors="replace")
    if not text or not text.strip():
        return None
    head = text.lstrip()[:1024].lower()
    if mime == "text/html" or head.startswith(("<!doctype html", "<html")) or "<html" in head:
        return text
    return None


def html_title(page: str) -> str | None:
    """The page's ``<title>`` (else its first ``<h1>``) as plain words, or None."""
    head = page[:_HTML_HEAD]
    match = _TITLE.search(head) or _H1.search(head)
    if match is None:
        return None
    words = " ".join(html.unescape(_TAG.sub(" ", match.group(1))).split())
    if not words:
        return None
    return words if len(words) <= 120 else words[:119] + "…"


def html_summary(error: BaseException) -> str | None:
    """``The server answered 502 Bad Gateway with an HTML page: “502 Bad Gateway”.`` for an error
    that came with an HTML page (None otherwise); a key the page echoed is masked."""
    page = html_page(error)
    if page is None or not isinstance(error, RemoteError):
        return None
    status = error.status
    try:
        said = f"{status} {http.HTTPStatus(status).phrase}" if status else "an error"
    except ValueError:
        said = f"HTTP {status}"
    title = html_title(page)
    text = f"The server answered {said} with an HTML page" + (
        f": “{title}”." if title else " (without a title)."
    )
    secrets = error.exchange.secrets if error.exchange is not None else ()
    return redact(text, secrets) if secrets else text
