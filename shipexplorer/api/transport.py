"""Cancellable, deadline-bound HTTP transport for httpx.

Closing an httpx client or response does not wake a thread blocked on a socket; shutting the socket
down does, at once, in every phase. So every network stream made here registers its socket with the
:class:`CancelToken` of the call running on the calling thread (a context variable set by
:func:`call_scope`) for the duration of each read, write and TLS handshake, keep-alive reuse
included; :meth:`CancelToken.cancel` shuts those sockets down. Connecting is done non-blocking, in
short select slices that watch the token, and name resolution runs on a helper thread, so both
phases can be cancelled too. Each read/write/connect timeout is shrunk to what is left of the call's
deadline; when that was the binding limit the call is reported as
:class:`~shipexplorer.api.errors.DeadlineExceeded`.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import ipaddress
import os
import select
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import certifi
import httpcore
import httpx

from .cancel import CancelToken

_SLICE = 0.02  # seconds between checks of the token while connecting or resolving


class ConnectFailure(httpcore.ConnectError):
    """A connect error that says why (httpcore's pool drops exception causes with ``from None``).

    ``reason`` is ``"dns"``, ``"refused"``, ``"tls"``, ``"cancelled"`` or ``"other"``.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    return "other"


def _connect_failure(exc: BaseException | None, message: str | None = None) -> ConnectFailure:
    return ConnectFailure(message or str(exc) or type(exc).__name__, _reason(exc))


@dataclass
class CallScope:
    """What the streams of one call need to know: its token and its deadline (monotonic)."""

    token: CancelToken | None = None
    deadline: float | None = None
    deadline_hit: bool = False

    @property
    def cancelled(self) -> bool:
        return self.token is not None and self.token.cancelled

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def budget(self, timeout: float | None) -> tuple[float | None, bool]:
        """(effective timeout, whether the deadline is what bounds it)."""
        left = self.remaining()
        if left is None or (timeout is not None and timeout <= left):
            return timeout, False
        return max(0.0, left), True


_scope: contextvars.ContextVar[CallScope | None] = contextvars.ContextVar(
    "shipexplorer_api_call_scope", default=None
)


def current_scope() -> CallScope:
    return _scope.get() or CallScope()


@contextlib.contextmanager
def call_scope(scope: CallScope) -> Iterator[CallScope]:
    """Make ``scope`` current for the streams used by this thread inside the block."""
    reset = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(reset)


class CancellableStream(httpcore.NetworkStream):
    """A socket stream whose blocking operations the current call's token can abort."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    @contextlib.contextmanager
    def _op(
        self, timeout: float | None, timeout_exc: type[Exception], error_exc: type[Exception]
    ) -> Iterator[float | None]:
        scope = current_scope()
        token = scope.token
        effective, bound = scope.budget(timeout)
        if effective is not None and effective <= 0:
            scope.deadline_hit = scope.deadline_hit or bound
            raise timeout_exc("deadline exceeded" if bound else "timed out")
        if token is not None and not token._register(self._sock):
            raise error_exc("cancelled")
        try:
            yield effective
        except TimeoutError as exc:
            scope.deadline_hit = scope.deadline_hit or bound
            raise timeout_exc(str(exc) or "timed out") from exc
        except OSError as exc:
            if scope.cancelled:
                raise error_exc("cancelled") from exc
            if error_exc is httpcore.ConnectError:
                raise _connect_failure(exc) from exc
            raise error_exc(str(exc) or type(exc).__name__) from exc
        finally:
            if token is not None:
                token._unregister(self._sock)
        if scope.cancelled:
            raise error_exc("cancelled")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with self._op(timeout, httpcore.ReadTimeout, httpcore.ReadError) as effective:
            self._sock.settimeout(effective)
            return self._sock.recv(max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        while view:
            with self._op(timeout, httpcore.WriteTimeout, httpcore.WriteError) as effective:
                self._sock.settimeout(effective)
                sent = self._sock.send(view)
            view = view[sent:]

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        try:
            # Wrap without handshaking: wrapping detaches the plain socket, so the token must
            # hold the TLS socket while the handshake runs.
            tls = ssl_context.wrap_socket(
                self._sock, server_hostname=server_hostname, do_handshake_on_connect=False
            )
        except (OSError, ValueError) as exc:
            self.close()
            raise _connect_failure(exc) from exc
        stream = CancellableStream(tls)
        try:
            with stream._op(timeout, httpcore.ConnectTimeout, httpcore.ConnectError) as effective:
                tls.settimeout(effective)
                tls.do_handshake()
        except BaseException:
            tls.close()
            raise
        return stream

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock._sslobj  # type: ignore[attr-defined]
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return _is_readable(self._sock)
        return None


def _is_readable(sock: socket.socket) -> bool:
    """True when an idle connection has data or EOF waiting (so it must not be reused)."""
    if sock.fileno() < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, scope: CallScope, until: float | None, bound: bool) -> list:
    """getaddrinfo on a helper thread (unless ``host`` is an IP), minding token and deadline."""
    if _is_ip(host):
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="shipexplorer-dns", daemon=True).start()
    while not done.wait(_SLICE):
        if scope.cancelled:
            raise httpcore.ConnectError("cancelled")
        if until is not None and time.monotonic() >= until:
            scope.deadline_hit = scope.deadline_hit or bound
            raise httpcore.ConnectTimeout(f"timed out resolving {host}")
    if "error" in box:
        raise box["error"]
    return box["result"]


def _connect(
    sock: socket.socket, address: Any, scope: CallScope, until: float | None, bound: bool
) -> None:
    sock.setblocking(False)
    err = sock.connect_ex(address)
    if err in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, errno.EINTR):
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_WRITE)
            while True:
                if scope.cancelled:
                    raise httpcore.ConnectError("cancelled")
                wait = _SLICE
                if until is not None:
                    left = until - time.monotonic()
                    if left <= 0:
                        scope.deadline_hit = scope.deadline_hit or bound
                        raise httpcore.ConnectTimeout("timed out while connecting")
                    wait = min(wait, left)
                if sel.select(wait):
                    break
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if scope.cancelled:
        raise httpcore.ConnectError("cancelled")
    if err:
        raise OSError(err, os.strerror(err))
    sock.setblocking(True)


class CancellableBackend(httpcore.NetworkBackend):
    """An httpcore network backend whose connections obey :class:`CancelToken` and the deadline."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        scope = current_scope()
        effective, bound = scope.budget(timeout)
        until = None if effective is None else time.monotonic() + effective
        last: OSError | None = None
        try:
            infos = _resolve(host, port, scope, until, bound)
        except OSError as exc:
            raise _connect_failure(exc, f"could not resolve {host}: {exc}") from exc
        for family, kind, proto, _name, address in infos:
            sock = socket.socket(family, kind, proto)
            registered = scope.token is not None and scope.token._register(sock)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if local_address:
                    sock.bind((local_address, 0))
                _connect(sock, address, scope, until, bound)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                last = exc
                continue
            finally:
                if registered and scope.token is not None:
                    scope.token._unregister(sock)
            return CancellableStream(sock)
        if scope.cancelled:
            raise httpcore.ConnectError("cancelled")
        raise _connect_failure(last, None if last else f"no address for {host}") from last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:  # pragma: no cover - not used
        raise httpcore.ConnectError("unix sockets are not supported")

    def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore retries are off
        token = current_scope().token
        if token is not None:
            token.wait(seconds)
        else:
            time.sleep(seconds)


def make_ssl_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A verifying TLS context: certifi's roots, plus ``ca_file`` when given."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


class CancellableTransport(httpx.HTTPTransport):
    """httpx's transport with our network backend (verification on, no proxies, HTTP/1.1).

    ``httpx.HTTPTransport`` takes no ``network_backend`` argument, so after its normal set-up the
    connection pool is replaced by an ``httpcore.ConnectionPool`` built the same way but with
    :class:`CancellableBackend`; the request/response mapping of httpx is kept as it is.
    """

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        max_keepalive_connections: int = 20,
        keepalive_expiry: float = 5.0,
    ) -> None:
        context = make_ssl_context(ca_file)
        super().__init__(verify=context, trust_env=False)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=None,  # no waiting for a free connection (that wait is not cancellable)
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=CancellableBackend(),
        )
