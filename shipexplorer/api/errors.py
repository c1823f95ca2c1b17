"""Typed errors of the API layer: one base, :class:`ApiError`, and a class per thing a user must
know.

Every error has a user-facing ``message`` (``str(error)``) and, when a request was attempted, the
:class:`~shipexplorer.api.exchange.Exchange` that produced it (``error.exchange``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def describe(error: BaseException) -> str:
    """The text a window shows for an error: what happened, then the server's suggestion and code.

    Anything that is not an :class:`ApiError` is named by its type, so a bug still reads as one.
    """
    if not isinstance(error, ApiError):
        return f"Unexpected error ({type(error).__name__}): {error}"
    lines = [error.message]
    if isinstance(error, RemoteError):
        # Messages built from an answer may already carry both; say each once.
        if error.suggestion and error.suggestion not in error.message:
            lines.append(f"Suggestion: {error.suggestion}")
        if error.code and error.code not in error.message:
            lines.append(f"Code: {error.code}")
    return "\n".join(lines)
