"""Map what httpx/httpcore raise to the typed errors of :mod:`shipexplorer.api.errors`."""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING

import httpx

from .errors import (
    ApiError,
    Cancelled,
    ConnectFailed,
    ConnectionDropped,
    ConnectionRefused,
    ConnectTimeout,
    DeadlineExceeded,
    DnsError,
    NetworkError,
    PoolTimeout,
    ReadTimeout,
    TlsError,
    WriteTimeout,
)
from .redact import redact
from .transport import ConnectFailure

if TYPE_CHECKING:
    from .exchange import Exchange
    from .settings import ConnectionSettings
    from .transport import CallScope


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _host(url: str) -> str:
    try:
        parsed = httpx.URL(url)
        return f"{parsed.host}:{parsed.port}" if parsed.port else parsed.host
    except (httpx.InvalidURL, TypeError, ValueError):  # an unparsable URL names itself
        return url


def map_transport_error(
    exc: BaseException,
    scope: CallScope,
    url: str,
    settings: ConnectionSettings,
    exchange: Exchange | None = None,
) -> ApiError:
    """The typed error for an exception raised while sending or reading (never raises)."""
    secrets = (settings.api_key,) if settings.api_key else ()
    host = _host(url)
    chain = _chain(exc)
    detail = redact(str(exc) or type(exc).__name__, secrets)

    def make(cls: type[ApiError], message: str, **extra: str) -> ApiError:
        return cls(redact(message, secrets), exchange=exchange, **extra)  # type: ignore[arg-type]

    if scope.cancelled:
        return make(Cancelled, "Cancelled.")
    if scope.deadline_hit or (
        isinstance(exc, httpx.TimeoutException)
        and scope.remaining() is not None
        and scope.remaining() <= 0  # type: ignore[operator]
    ):
        return make(
            DeadlineExceeded,
            f"The call to {host} did not finish within its deadline.",
            phase="deadline",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return make(ConnectTimeout, f"Timed out connecting to {host}.", phase="connect")
    if isinstance(exc, httpx.ReadTimeout):
        return make(ReadTimeout, f"{host} did not answer in time (read timeout).", phase="read")
    if isinstance(exc, httpx.WriteTimeout):
        return make(WriteTimeout, f"Timed out sending the request to {host}.", phase="write")
    if isinstance(exc, httpx.PoolTimeout):
        return make(PoolTimeout, "No free connection in time.", phase="pool")
    if isinstance(exc, httpx.ConnectError):
        reasons = {getattr(e, "reason", None) for e in chain if isinstance(e, ConnectFailure)}
        if "dns" in reasons or any(isinstance(e, socket.gaierror) for e in chain):
            return make(DnsError, f"Host name not found: {host} ({detail}).")
        if "refused" in reasons or any(isinstance(e, ConnectionRefusedError) for e in chain):
            return make(ConnectionRefused, f"Connection refused by {host}: is the server running?")
        if "tls" in reasons or any(isinstance(e, ssl.SSLError) for e in chain):
            return make(TlsError, f"TLS handshake with {host} failed: {detail}")
        return make(ConnectFailed, f"Could not connect to {host}: {detail}")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        return make(ConnectionDropped, f"The connection to {host} was dropped: {detail}")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return make(ConnectFailed, f"Unsupported URL: {detail}")
    if isinstance(exc, httpx.DecodingError):
        return make(
            ConnectionDropped, f"The answer from {host} could not be decompressed: {detail}"
        )
    return make(NetworkError, f"Request to {host} failed: {detail}")
