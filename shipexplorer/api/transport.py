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

TLS is verified against the OS trust store (on macOS and Windows through the ``truststore`` package,
as pip does; on Linux the system's CA bundle, found where truststore looks; certifi's roots where
neither can be used), plus a profile's CA file, plus ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when the
profile uses the system's settings (:class:`TlsTrust`). With those settings, requests also go
through the proxy that :mod:`~shipexplorer.api.proxies` picks from ``HTTPS_PROXY`` and friends (a
CONNECT tunnel for https), on the same cancellable sockets (:class:`CancellableTransport`).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import ipaddress
import os
import re
import select
import selectors
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import certifi
import httpcore
import httpx

from .cancel import CancelToken
from .proxies import ProxyEnvironment, Route
from .settings import is_loopback_url

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
            fresh = getattr(ssl_context, "_shipexplorer_fresh", None)
            if fresh is not None:  # a context of its own for this handshake (TlsTrust)
                ssl_context = fresh()
            # Wrap without handshaking: wrapping detaches the plain socket, so the token must
            # hold the TLS socket while the handshake runs.
            tls = ssl_context.wrap_socket(
                self._sock, server_hostname=server_hostname, do_handshake_on_connect=False
            )
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
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


# -- trust ---------------------------------------------------------------------------------------

_NATIVE_STORE = sys.platform in ("win32", "darwin")  # verified by the OS itself, via truststore
_HASHED_CERT = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]+$")
# Where Linux and BSD systems keep their CA bundle (truststore's list, when it can be read).
_CA_FILE_CANDIDATES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)


@dataclass(frozen=True)
class TrustStore:
    """The roots every connection starts from, and a sentence saying which for ``--diagnose``.

    ``kind`` is ``"native"`` (macOS and Windows: the ``truststore`` package has the OS verify
    each certificate, as pip does), ``"openssl"`` (Linux, BSD: the system's CA bundle or hashed
    folder, found where truststore looks, OpenSSL's built-in locations first) or ``"certifi"``
    (the OS store cannot be used; ``description`` says why).
    """

    kind: str
    description: str
    cafile: str | None = None  # for "openssl"
    capath: str | None = None

    @property
    def os_store(self) -> bool:
        return self.kind != "certifi"


def _has_hashed_certs(folder: str | None) -> bool:
    if not folder:
        return False
    try:
        return any(_HASHED_CERT.match(name) for name in os.listdir(folder))
    except OSError:
        return False


def _openssl_system_store() -> tuple[str | None, str | None]:
    """(cafile, capath) of the system's CA certificates, ignoring ``SSL_CERT_FILE``/``_DIR``."""
    paths = ssl.get_default_verify_paths()
    cafile = paths.openssl_cafile if os.path.isfile(paths.openssl_cafile) else None
    capath = paths.openssl_capath if _has_hashed_certs(paths.openssl_capath) else None
    if cafile or capath:
        return cafile, capath
    try:
        from truststore import _openssl

        candidates = tuple(_openssl._CA_FILE_CANDIDATES)
    except (ImportError, AttributeError, TypeError):
        candidates = _CA_FILE_CANDIDATES
    return next((path for path in candidates if os.path.isfile(path)), None), None


def os_trust_store() -> TrustStore:
    """The OS trust store where it can be used; certifi's roots otherwise, saying why."""
    if not _NATIVE_STORE:
        cafile, capath = _openssl_system_store()
        if not (cafile or capath):
            return TrustStore(
                "certifi",
                "certifi's roots (no system CA certificates were found; install the "
                "ca-certificates package to use the OS trust store)",
            )
        where = " and ".join(p for p in (cafile, capath) if p)
        return TrustStore("openssl", f"the OS trust store ({where})", cafile, capath)
    try:
        import truststore

        truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:
        return TrustStore("certifi", "certifi's roots (the truststore package is not installed)")
    except Exception as exc:  # an OS API truststore needs is missing: say so, use certifi
        return TrustStore("certifi", f"certifi's roots (the OS trust store cannot be used: {exc})")
    version = getattr(truststore, "__version__", "?")
    return TrustStore("native", f"the OS trust store (truststore {version})")


def system_ca_locations(environ: Mapping[str, str]) -> list[tuple[str, str, str | None]]:
    """``(variable, path, problem)`` for ``SSL_CERT_FILE`` and each folder of ``SSL_CERT_DIR``
    that is set; ``problem`` is None when the location can be used."""
    found: list[tuple[str, str, str | None]] = []
    cert_file = environ.get("SSL_CERT_FILE", "").strip()
    if cert_file:
        found.append(("SSL_CERT_FILE", cert_file, _cafile_problem(cert_file)))
    for folder in environ.get("SSL_CERT_DIR", "").split(os.pathsep):
        folder = folder.strip()
        if folder:
            found.append(("SSL_CERT_DIR", folder, None if os.path.isdir(folder) else "not found"))
    return found


def _cafile_problem(path: str) -> str | None:
    if not os.path.isfile(path):
        return "not found"
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        return f"not loaded: {exc}"
    return None


class TlsTrust:
    """What a profile's connections trust: the OS store (:func:`os_trust_store`; certifi's roots
    when it cannot be used), plus the profile's ``ca_file``, plus, with ``system_settings``,
    ``SSL_CERT_FILE`` and (where OpenSSL verifies) ``SSL_CERT_DIR``. Added, never in place of
    the store. Verification is always on. A ``ca_file`` that cannot be loaded raises here.
    """

    def __init__(
        self,
        ca_file: str | None = None,
        *,
        system_settings: bool = True,
        environ: Mapping[str, str] | None = None,
        store: TrustStore | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.store = store or os_trust_store()
        self.ca_file = ca_file
        self.extra: list[tuple[str, str]] = []  # (variable, path) added on top
        self.ignored: list[tuple[str, str, str]] = []  # (variable, path, why)
        if system_settings:
            self.extra = [
                (name, path)
                for name, path in _env_locations(env)
                if not (name == "SSL_CERT_DIR" and self.store.kind == "native")
                and not _same_file(path, self.store.cafile, self.store.capath)  # in the store
            ]
        self._check_files()
        # The pools get a stand-in without roots: loading the system's roots costs about 1.2 MB
        # and tens of milliseconds, which an http:// profile (the local emulator) never needs.
        # Each handshake asks the stand-in for the real context (CancellableStream.start_tls).
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self.store.kind == "native":
            # truststore holds a lock of its context through every TLS handshake made with it,
            # which would let one stalled handshake hold up others beyond the reach of cancel:
            # each connection gets a context of its own.
            self._context._shipexplorer_fresh = self.new_context  # type: ignore[attr-defined]
        else:  # no lock in a plain context: one is shared by the transports that trust the same
            self._context._shipexplorer_fresh = self._shared  # type: ignore[attr-defined]

    def _check_files(self) -> None:
        """Load the profile's CA file (raising when it cannot be) and the variables' files
        (dropping a broken one into ``ignored``) now, without the system's roots."""
        self._load_files(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))

    def _load_files(self, context: ssl.SSLContext) -> None:
        """Add the profile's CA file and the variables' files to ``context``."""
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        for name, path in list(self.extra):
            try:
                if name == "SSL_CERT_DIR":
                    context.load_verify_locations(capath=path)
                else:
                    context.load_verify_locations(cafile=path)
            except (OSError, ValueError) as exc:  # a variable's file is broken: not the profile's
                self.extra.remove((name, path))
                self.ignored.append((name, path, str(exc)))

    def _shared(self) -> ssl.SSLContext:
        return _shared_context(self)

    def new_context(self) -> ssl.SSLContext:
        """A fresh verifying context (HTTP/1.1 by ALPN)."""
        if self.store.kind == "native":
            import truststore

            context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        elif self.store.kind == "openssl":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.load_verify_locations(cafile=self.store.cafile, capath=self.store.capath)
        else:
            context = ssl.create_default_context(cafile=certifi.where())
        self._load_files(context)
        context.set_alpn_protocols(["http/1.1"])
        return context

    def _key(self) -> tuple[Any, ...]:
        files = [self.ca_file or ""] + [path for _, path in self.extra]
        return (self.store, tuple(self.extra), *(_stamp(path) for path in files))

    @property
    def context(self) -> ssl.SSLContext:
        """The context handed to the connection pools: a stand-in that gives each handshake
        the verifying context (:meth:`new_context`, shared where the store allows)."""
        return self._context

    def describe(self) -> str:
        parts = [self.store.description]
        if self.ca_file:
            parts.append("the profile's CA file")
        parts += [f"{name} {path}" for name, path in self.extra]
        return " + ".join(parts)


def _env_locations(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """The CA locations named by ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` that exist."""
    found = []
    cert_file = environ.get("SSL_CERT_FILE", "").strip()
    if cert_file and os.path.isfile(cert_file):
        found.append(("SSL_CERT_FILE", cert_file))
    for folder in environ.get("SSL_CERT_DIR", "").split(os.pathsep):
        if folder.strip() and os.path.isdir(folder.strip()):
            found.append(("SSL_CERT_DIR", folder.strip()))
    return found


def _same_file(path: str, *others: str | None) -> bool:
    for other in others:
        with contextlib.suppress(OSError):
            if other is not None and os.path.samefile(path, other):
                return True
    return False


def _stamp(path: str) -> tuple[str, int, int]:
    """A file's identity for the context cache: a changed file makes a new context."""
    try:
        stat = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, stat.st_mtime_ns, stat.st_size)


_contexts: dict[tuple[Any, ...], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()
_CONTEXTS_KEPT = 8


def _shared_context(trust: TlsTrust) -> ssl.SSLContext:
    """A context for ``trust``, shared with earlier transports that trust the same files (as they
    are now): loading a system bundle takes tens of milliseconds."""
    key = trust._key()
    with _contexts_lock:
        context = _contexts.get(key)
    if context is None:
        context = trust.new_context()
        key = trust._key()  # a broken variable's file may have been dropped
        with _contexts_lock:
            context = _contexts.setdefault(key, context)
            while len(_contexts) > _CONTEXTS_KEPT:
                del _contexts[next(iter(_contexts))]
    return context


def make_ssl_context(
    ca_file: str | None = None,
    *,
    system_settings: bool = False,
    environ: Mapping[str, str] | None = None,
) -> ssl.SSLContext:
    """A verifying TLS context: the OS trust store (certifi's roots when it cannot be used),
    plus ``ca_file`` when given, plus ``SSL_CERT_FILE``/``SSL_CERT_DIR`` with
    ``system_settings``."""
    return TlsTrust(ca_file, system_settings=system_settings, environ=environ).new_context()


def describe_trust(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(label, text)`` lines for ``--diagnose``: the trust store, and the CA variables seen."""
    env = os.environ if environ is None else environ
    store = os_trust_store()
    lines = [("TLS roots", f"{store.description}, plus a profile's CA file if set")]
    for name, path, problem in system_ca_locations(env):
        if problem:
            note = f"{problem}; ignored"
        elif _same_file(path, store.cafile, store.capath):
            note = "the OS trust store already"
        elif name == "SSL_CERT_DIR" and store.kind == "native":
            note = "not used with this system's trust store"
        else:
            note = "added for profiles with \u201cUse system proxy settings\u201d"
        lines.append((name, f"{path} ({note})"))
    return lines


def describe_proxies(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(label, text)`` lines for ``--diagnose``: the proxy variables seen, credentials masked."""
    proxies = ProxyEnvironment.from_environ(environ)
    seen = proxies.describe()
    if not proxies.any_proxy:
        seen.append("no proxy set: requests go direct")
    else:
        seen.append(
            "used by profiles with \u201cUse system proxy settings\u201d (the default); "
            "loopback hosts always go direct"
        )
    return [("Proxies", seen[0])] + [("", line) for line in seen[1:]]


# -- the transport ---------------------------------------------------------------------------


def _failure_reasons(exc: BaseException) -> set[str]:
    """The :class:`ConnectFailure` reasons in ``exc``'s chain of causes."""
    reasons: set[str] = set()
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        if isinstance(current, ConnectFailure):
            reasons.add(current.reason)
        current = current.__cause__ or current.__context__
    return reasons


class _PoolTransport(httpx.HTTPTransport):
    """httpx's transport (its request/response mapping) over a pool of ours.

    ``httpx.HTTPTransport`` takes no ``network_backend`` argument, so after its normal set-up its
    connection pool is replaced by ``pool``, built the same way but with
    :class:`CancellableBackend`.
    """

    def __init__(
        self, context: ssl.SSLContext, pool: httpcore.ConnectionPool | httpcore.HTTPProxy
    ) -> None:
        super().__init__(verify=context, trust_env=False)
        self._pool.close()
        self._pool = pool


class CancellableTransport(httpx.BaseTransport):
    """Our transport: cancellable sockets, verification always on, HTTP/1.1, and proxies read by
    :mod:`~shipexplorer.api.proxies` (only with ``system_settings``).

    Each request goes direct or through the proxy :meth:`route` names (a CONNECT tunnel for
    https); both pools use :class:`CancellableBackend`, so cancel and the deadline reach the
    proxy's socket too. ``environ`` (``os.environ`` when None) is read once, here.
    ``proxy_loopback`` lets loopback hosts through a proxy: for tests only (they must stay on
    this machine, so the target they tunnel to is a loopback one).
    """

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        system_settings: bool = True,
        environ: Mapping[str, str] | None = None,
        proxy_loopback: bool = False,
        trust_store: TrustStore | None = None,
        max_keepalive_connections: int = 20,
        keepalive_expiry: float = 5.0,
    ) -> None:
        env = dict(os.environ if environ is None else environ)
        self.trust = TlsTrust(
            ca_file, system_settings=system_settings, environ=env, store=trust_store
        )
        self.proxies = ProxyEnvironment.from_environ(env) if system_settings else ProxyEnvironment()
        self._exempt_loopback = not proxy_loopback
        self._context = self.trust.context
        self._limits = {
            "max_connections": None,  # no waiting for a free connection (not cancellable)
            "max_keepalive_connections": max_keepalive_connections,
            "keepalive_expiry": keepalive_expiry,
            "http1": True,
            "http2": False,
        }
        self._direct = _PoolTransport(
            self._context,
            httpcore.ConnectionPool(
                ssl_context=self._context, network_backend=CancellableBackend(), **self._limits
            ),
        )
        self._lock = threading.Lock()
        self._proxied: dict[str, _PoolTransport] = {}

    def route(self, url: str) -> Route | None:
        """The proxy a request to ``url`` goes through, or None (direct)."""
        return self.proxies.route(url, exempt_loopback=self._exempt_loopback)

    def _through(self, route: Route) -> _PoolTransport:
        with self._lock:
            transport = self._proxied.get(route.proxy)
            if transport is None:
                proxy = httpx.Proxy(route.proxy)
                pool = httpcore.HTTPProxy(
                    proxy_url=httpcore.URL(
                        scheme=proxy.url.raw_scheme,
                        host=proxy.url.raw_host,
                        port=proxy.url.port,
                        target=proxy.url.raw_path,
                    ),
                    proxy_auth=proxy.raw_auth,
                    proxy_headers=proxy.headers.raw,
                    ssl_context=self._context,
                    network_backend=CancellableBackend(),
                    **self._limits,
                )
                transport = self._proxied[route.proxy] = _PoolTransport(self._context, pool)
            return transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = self.route(str(request.url))
        if route is None:
            return self._direct.handle_request(request)
        if not route.supported:
            raise httpx.ConnectError(
                f"the proxy {route.shown} (from {route.source}) cannot be used: "
                "only http:// proxies are supported",
                request=request,
            )
        if (
            request.url.scheme == "http"
            and "authorization" in request.headers
            and not is_loopback_url(route.proxy)
        ):
            raise httpx.ConnectError(
                f"refusing to send the API key over plain http:// through the proxy "
                f"{route.shown}; use https://",
                request=request,
            )
        failure: httpx.HTTPError
        try:
            return self._through(route).handle_request(request)
        except httpx.ProxyError as exc:  # the proxy answered CONNECT with an error status
            failure = httpx.ProxyError(
                f"the proxy {route.shown} (from {route.source}) answered {exc}", request=request
            )
        except httpx.ConnectError as exc:
            if not _failure_reasons(exc) & {"dns", "refused"}:
                raise  # TLS and the rest concern the server at the end of the tunnel
            failure = httpx.ConnectError(
                f"could not reach the proxy {route.shown} (from {route.source}): {exc}",
                request=request,
            )
        raise failure  # outside the handler: the proxy is named, not the server

    def close(self) -> None:
        with self._lock:
            proxied, self._proxied = list(self._proxied.values()), {}
        self._direct.close()
        for transport in proxied:
            transport.close()
