"""SteamshipClient: Steamship over one ``httpx.Client``; each call makes one :class:`Exchange`.

Requests are built as the official client builds them (URLs, headers, bodies with their nulls) and
sent with retries for idempotent reads; answers are decoded by
:func:`~shipexplorer.api.decode.decode`. :meth:`SteamshipClient.send` returns the exchange without
raising, for consoles and history; the typed methods (from
:class:`~shipexplorer.api.operations.Operations`) return a :class:`Result` or raise.

Bodies are read as a stream. With a ``spool_threshold``, a body longer than that is written to a
temporary file in ``spool_dir`` as it arrives (never held as one bytes object): the exchange's
``body_file`` names it and its caller deletes it when done. A failed or cancelled read removes it.
Every body is bounded (:mod:`~shipexplorer.api.limits`): gzip and deflate are undone here in
bounded steps and counted as they inflate; over its limit a body ends in
:class:`~shipexplorer.api.errors.BodyTooLarge`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from .. import __version__
from .decode import decode
from .errors import BodyTooLarge, Cancelled, InsecureTransportError
from .exchange import Exchange, discard_body_file
from .limits import BodyLimits, body_limits
from .models import PackageInstance
from .operations import Operations, Result
from .redact import redact
from .request import NO_BODY, ApiRequest, InstanceRef
from .retry import RetryPolicy, is_idempotent
from .settings import ConnectionSettings, is_local, is_loopback_url
from .transport import CallScope, CancellableTransport, CancelToken, call_scope
from .transport_errors import map_transport_error

log = logging.getLogger("shipexplorer.api")
USER_AGENT = f"shipexplorer/{__version__}"


class _Unset:
    pass


_UNSET = _Unset()


class SteamshipClient(Operations):
    """Steamship over HTTP. Thread-safe; share one per connection profile.

    ``transport`` replaces the cancellable transport (tests use ``httpx.MockTransport``); ``retry``
    is the policy for idempotent reads; ``on_exchange`` is called with every finished exchange
    (history). ``body_limits`` bounds answer bodies (see :mod:`~shipexplorer.api.limits`); None,
    the default, follows the process-wide limits that the preferences set.
    """

    body_limits: BodyLimits | None = None

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self.retry = retry or RetryPolicy(max_attempts=max(1, settings.max_retries + 1))
        self.on_exchange = on_exchange
        self._http = httpx.Client(
            transport=transport
            or CancellableTransport(
                ca_file=settings.ca_file, system_settings=settings.use_system_proxy
            ),
            follow_redirects=False,
            # Proxy and CA variables are read by the transport (api/proxies.py), with the profile's
            # "use system proxy settings": httpx's own reading ignores NO_PROXY ranges (ci-notes).
            trust_env=False,
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",
                "Accept": "*/*",
                "Connection": "keep-alive",
            },
        )

    # -- settings ---------------------------------------------------------------------------------

    @property
    def settings(self) -> ConnectionSettings:
        return self._settings

    def set_workspace(self, *, handle: str | None = None, id: str | None = None) -> None:
        """Scope later calls to a workspace (the id wins in headers when both are known)."""
        with self._lock:
            self._settings = self._settings.replace(workspace_handle=handle, workspace_id=id)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SteamshipClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building requests ------------------------------------------------------------------------

    def api_request(
        self, operation: str, body: Any = None, *, verb: str = "POST", background: bool = False
    ) -> ApiRequest:
        """An API operation: ``POST {api_base}{operation}`` with ``body`` (``{}`` when None), or
        GET.
        """
        operation = operation.lstrip("/")
        url = self._settings.api_base + operation
        verb = verb.upper()
        payload = {} if body is None else body
        if verb == "GET":
            query = _query(payload)
            return ApiRequest(
                "GET",
                url + ("?" + query if query else ""),
                operation=operation,
                background=background,
                idempotent=is_idempotent(operation),
                args=payload,
            )
        return ApiRequest(
            verb,
            url,
            json_body=payload,
            operation=operation,
            background=background,
            idempotent=is_idempotent(operation) and not background,
        )

    def invoke_request(
        self,
        target: PackageInstance | InstanceRef | str,
        method: str,
        args: Any = None,
        *,
        verb: str = "POST",
    ) -> ApiRequest:
        """A package-method call at the URL the official client builds."""
        ref = self._ref(target)
        path = method[1:] if method.startswith("/") else method
        owner = ref.user_handle
        base = self._settings.app_base
        if not is_local(base):
            if not owner:
                raise ValueError(
                    "Cannot invoke a package method on a non-local app base without the "
                    "owner's user handle (PackageInstance.user_handle)."
                )
            scheme, _, rest = base.partition("//")
            base = f"{scheme}//{owner}.{rest}"
        base = base[:-1] if base.endswith("/") else base
        url = f"{base}/{ref.workspace_handle or '_'}/{ref.instance_handle or '_'}/{path}"
        verb = verb.upper()
        payload = {} if args is None else args
        if verb == "GET":
            query = _query(payload)
            url += "?" + query if query else ""
        return ApiRequest(
            verb,
            url,
            json_body=NO_BODY if verb == "GET" else payload,
            package_call=True,
            package_owner=owner,
            package_id=ref.package_id,
            package_instance_id=ref.instance_id,
            instance=ref,
            method_path=path,
            args=payload,
        )

    def _ref(self, target: PackageInstance | InstanceRef | str) -> InstanceRef:
        if isinstance(target, InstanceRef):
            ref = target
        elif isinstance(target, PackageInstance):
            ref = InstanceRef.from_instance(target)
        else:
            ref = InstanceRef(instance_handle=str(target))
        if ref.workspace_handle is None and self._settings.workspace_handle:
            ref = ref.replace(workspace_handle=self._settings.workspace_handle)
        return ref

    def headers_for(
        self,
        request: ApiRequest,
        *,
        api_key: str | _Unset | None = _UNSET,
        settings: ConnectionSettings | None = None,
    ) -> list[tuple[str, str]]:
        """The headers the official client sends for ``request`` (``api_key`` overrides the key)."""
        settings = settings or self._settings
        key = settings.api_key if isinstance(api_key, _Unset) else api_key
        headers: list[tuple[str, str]] = []
        if key:
            headers.append(("Authorization", f"Bearer {key}"))
        if settings.workspace_id:
            headers.append(("X-Workspace-Id", settings.workspace_id))
        elif settings.workspace_handle:
            headers.append(("X-Workspace-Handle", settings.workspace_handle))
        if request.package_call:
            if request.package_owner:
                headers.append(("X-Package-Owner-Handle", request.package_owner))
            if request.package_id:
                headers.append(("X-Package-Id", request.package_id))
            if request.package_instance_id:
                headers.append(("X-Package-Instance-Id", request.package_instance_id))
        if request.background:
            headers.append(("X-Task-Background", "true"))
        if request.json_body is not NO_BODY:
            headers.append(("Content-Type", "application/json"))
        return headers

    # -- sending ----------------------------------------------------------------------------------

    def send(
        self,
        request: ApiRequest,
        *,
        cancel: CancelToken | None = None,
        deadline: float | None = None,
        on_progress: Callable[[int, int | None], None] | None = None,
        spool_threshold: int | None = None,
        spool_dir: str | Path | None = None,
        spool_limit: int | None = None,
    ) -> Exchange:
        """Send ``request`` (retrying it when idempotent) and return its exchange. Never raises
        ApiError.

        ``deadline`` (seconds) overrides the settings' overall deadline for this call. A body over
        ``spool_threshold`` bytes goes to a file in ``spool_dir`` (the system's temporary folder
        when None): ``exchange.body_file``, which the caller deletes.

        Bodies are bounded (:mod:`~shipexplorer.api.limits`): held in memory, by the memory
        limit; spooled, by ``spool_limit`` (bytes; None: the spool limit of :attr:`body_limits`).
        Over it, the exchange's error is :class:`BodyTooLarge` (never retried).
        """
        spool = None if spool_threshold is None else (spool_threshold, spool_dir)
        settings = self._settings
        limit = settings.deadline if deadline is None else deadline
        scope = CallScope(
            token=cancel, deadline=None if limit is None else time.monotonic() + limit
        )
        attempts: list[Exchange] = []
        while True:
            exchange = self._attempt(request, settings, scope, on_progress, spool, spool_limit)
            attempts.append(exchange)
            wait = None
            if request.idempotent and exchange.error is not None:
                wait = self.retry.delay(len(attempts), exchange.error)
            left = scope.remaining()
            if wait is None or (left is not None and wait >= left):
                break
            log.debug("retrying %s in %.2f s (%s)", exchange, wait, exchange.error)
            discard_body_file(exchange)
            if cancel is not None and cancel.wait(wait):
                exchange.transport_error = Cancelled("Cancelled.", exchange=exchange)
                break
            if cancel is None:
                time.sleep(wait)
        exchange.attempts = len(attempts)
        exchange.previous = attempts[:-1]
        if self.on_exchange is not None:
            self.on_exchange(exchange)
        return exchange

    def _attempt(
        self,
        request: ApiRequest,
        settings: ConnectionSettings,
        scope: CallScope,
        on_progress: Callable[[int, int | None], None] | None,
        spool: tuple[int, str | Path | None] | None = None,
        spool_limit: int | None = None,
    ) -> Exchange:
        secrets = (settings.api_key,) if settings.api_key else ()
        headers = self.headers_for(request, settings=settings)
        body = request.body_bytes()
        exchange = Exchange(
            method=request.method,
            url=request.url,
            request_headers=[],
            request_body=body,
            started_at=time.time(),
            package_call=request.package_call,
            secrets=secrets,
            request=request,
        )
        refusal = _insecure(request.url, settings)
        if refusal or scope.cancelled:
            exchange.request_headers = redact([("User-Agent", USER_AGENT), *headers], secrets)
            exchange.transport_error = (
                InsecureTransportError(refusal, exchange=exchange)
                if refusal
                else Cancelled("Cancelled before sending.", exchange=exchange)
            )
            return exchange
        started = time.perf_counter()
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.write_timeout,
            pool=settings.pool_timeout,
        )
        try:
            with call_scope(scope):
                http_request = self._http.build_request(
                    request.method, request.url, headers=headers, content=body, timeout=timeout
                )
                exchange.request_headers = redact(
                    [
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in http_request.headers.raw
                    ],
                    secrets,
                )
                response = self._http.send(http_request, stream=True)
                try:
                    exchange.status = response.status_code
                    exchange.response_headers = [
                        (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
                    ]
                    body, exchange.body_file, exchange.body_file_size = _read_body(
                        response,
                        on_progress,
                        spool,
                        limits=self.body_limits,
                        spool_limit=spool_limit,
                    )
                    exchange.response_body = body
                finally:
                    response.close()  # an unread rest closes the connection (never reused)
        except BodyTooLarge as exc:
            exchange.elapsed = time.perf_counter() - started
            exc.exchange = exchange
            exchange.transport_error = exc
            log.debug("%r stopped: %s", exchange, exc)
            return exchange
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            exchange.elapsed = time.perf_counter() - started
            exchange.transport_error = map_transport_error(
                exc, scope, request.url, settings, exchange
            )
            log.debug("%r failed: %s", exchange, exchange.transport_error)
            return exchange
        exchange.elapsed = time.perf_counter() - started
        exchange.outcome = decode(
            exchange.status or 0,
            exchange.response_headers,
            exchange.response_body,
            package_call=request.package_call,
            secrets=secrets,
            body_file=exchange.body_file,
        )
        if exchange.outcome.error is not None:
            exchange.outcome.error.exchange = exchange
        log.debug("%r", exchange)
        return exchange


def _insecure(url: str, settings: ConnectionSettings) -> str | None:
    """Why ``url`` must not carry the key (plain http to a non-loopback host), or None."""
    if not settings.api_key:
        return None
    parts = urlsplit(url)
    if parts.scheme == "https" or is_loopback_url(url):
        return None
    return (
        f"Refusing to send the API key over plain {parts.scheme or '?'}:// to "
        f"{parts.hostname or url}: use https:// (plain http is only allowed to this machine). "
        "Nothing was sent."
    )


def _query(args: Any) -> str:
    """Query string as ``requests`` encodes ``params``: None skipped, lists repeated, str() the
    rest.
    """
    if isinstance(args, (str, bytes)):
        return args if isinstance(args, str) else args.decode()
    pairs: list[tuple[str, str]] = []
    items = args.items() if isinstance(args, dict) else args
    if not isinstance(args, dict) and not all(
        isinstance(p, (tuple, list)) and len(p) == 2 for p in items
    ):
        raise TypeError("GET arguments must be a dict or a list of (name, value) pairs")
    for key, values in items:
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is not None:
                pairs.append((str(key), value if isinstance(value, (str, bytes)) else str(value)))
    return urlencode(pairs, doseq=True)


_INFLATE_STEP = 256 * 1024  # the most one decompression step may produce
_NO_BODY_STATUSES = frozenset({204, 304})


class _Inflater:
    """One content coding (gzip or deflate) undone in steps of at most :data:`_INFLATE_STEP`
    bytes, so a small compressed chunk never becomes a huge buffer at once. As httpx does, data
    after the end of the stream is ignored, and "deflate" may be zlib-wrapped or raw."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        wbits = zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(wbits)
        self._first = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while not self._inflate.eof:
            try:
                out = self._inflate.decompress(pending, _INFLATE_STEP)
            except zlib.error as exc:
                if self._first and self._coding == "deflate":  # raw deflate, no zlib header
                    self._first = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(f"{self._coding}: {exc}") from exc
            self._first = False
            pending = self._inflate.unconsumed_tail
            if out:
                yield out
            if not pending and len(out) < _INFLATE_STEP:
                return  # all consumed, nothing left inside

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        try:
            rest = self._inflate.flush()
        except zlib.error as exc:  # pragma: no cover - flush after decompress rarely fails
            raise httpx.DecodingError(f"{self._coding}: {exc}") from exc
        if rest:
            yield rest


def _inflaters(response: httpx.Response) -> list[_Inflater]:
    """The decoders for the answer's Content-Encoding, in the order to apply them (codings other
    than gzip and deflate are passed through, as httpx does with those it lacks)."""
    codings = [
        value.strip().lower()
        for value in response.headers.get_list("content-encoding", split_commas=True)
    ]
    return [_Inflater(c) for c in reversed(codings) if c in ("gzip", "x-gzip", "deflate")]


def _through(stages: list[_Inflater], data: bytes) -> Iterator[bytes]:
    if not stages:
        if data:
            yield data
        return
    for piece in stages[0].feed(data):
        yield from _through(stages[1:], piece)


def _drain(stages: list[_Inflater]) -> Iterator[bytes]:
    for index, stage in enumerate(stages):
        for piece in stage.finish():
            yield from _through(stages[index + 1 :], piece)


def _read_body(
    response: httpx.Response,
    on_progress: Callable[[int, int | None], None] | None,
    spool: tuple[int, str | Path | None] | None = None,
    *,
    limits: BodyLimits | None = None,
    spool_limit: int | None = None,
) -> tuple[bytes, str | None, int]:
    """The body as ``(bytes, None, 0)``, or spooled: ``(b"", file, size)`` once it grew past the
    threshold (at once when Content-Length says it will).

    The raw stream is decompressed here, in bounded steps, and counted after decompression: a
    body held in memory stops at ``limits.memory`` (and is spooled from there when spooling, at
    the latest), a spooled one at ``spool_limit`` (``limits.spool`` when None), with
    :class:`BodyTooLarge` (the spooled part deleted). A Content-Length over the limit is refused
    before anything is read.
    """
    limits = limits or body_limits()
    memory = limits.memory
    limit = memory if spool is None else (limits.spool if spool_limit is None else spool_limit)
    try:  # a transport may hand over a body already read, and decoded (httpx.MockTransport)
        ready: bytes | None = response.content
    except httpx.ResponseNotRead:
        ready = None
    stages = _inflaters(response) if ready is None else []
    compressed = bool(stages)
    total = response.headers.get("content-length")
    announced = int(total) if total and total.isdigit() else None
    status = response.status_code
    if (
        announced is not None
        and announced > limit
        and status not in _NO_BODY_STATUSES
        and response.request.method != "HEAD"
    ):
        raise BodyTooLarge(
            limit=limit, announced=announced, spooled=spool is not None, status=status
        )
    expected = None if compressed else announced
    chunks = bytearray()
    threshold = None if spool is None else min(spool[0], memory)
    if threshold is not None and expected is not None and expected > threshold:
        threshold = 0  # Content-Length says it will be big: spool from the first chunk
    handle = None
    received = 0
    raw_received = 0

    def too_large(size: int, inflated: bool) -> BodyTooLarge:
        return BodyTooLarge(
            limit=limit,
            received=size,
            compressed=inflated,
            spooled=spool is not None,
            status=status,
        )

    def decoded() -> Iterator[bytes]:
        nonlocal raw_received
        if ready is not None:
            yield from (ready[i : i + 65_536] for i in range(0, len(ready), 65_536))
            return
        for raw in response.iter_raw():
            raw_received += len(raw)
            if compressed and raw_received > limit:  # more compressed bytes than the limit
                raise too_large(raw_received, False)
            yield from _through(stages, raw)
        yield from _drain(stages)

    try:
        for chunk in decoded():
            received += len(chunk)
            if received > limit:
                raise too_large(received, compressed)
            if handle is None:
                if threshold is not None and len(chunks) + len(chunk) > threshold:
                    handle = _spool_file(spool[1])  # type: ignore[index]
                    handle.write(chunks)
                    handle.write(chunk)
                    chunks = bytearray()
                else:
                    chunks += chunk
            else:
                handle.write(chunk)
            if on_progress is not None:
                on_progress(received, expected)
    except BaseException:
        if handle is not None:
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
        raise
    if handle is None:
        return bytes(chunks), None, 0
    handle.close()
    return b"", handle.name, received


def _spool_file(folder: str | Path | None):
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp's file is private to this user (mode 0600)
    return tempfile.NamedTemporaryFile(prefix="body-", suffix=".part", dir=folder, delete=False)


__all__ = ["USER_AGENT", "Result", "SteamshipClient", "discard_body_file"]
