"""The HTTP server: the standard library's threading server, routing, auth, and exact writes.

Why the standard library (``http.server.ThreadingHTTPServer``) and not an ASGI stack:

- no extra runtime dependency, and it starts in milliseconds, which ``--local`` and the tests
  want;
- exact control of the socket, which the fault methods need: write half a body and cut the
  connection, drip bytes with pauses, sleep before sending the headers;
- HTTP/1.1 keep-alive through ``Content-Length`` on every answer;
- a thread per connection holds 50 concurrent clients easily, and 100 MB bodies are streamed
  in chunks, never built in memory at once.

Accepted connection sockets are tracked so that stopping shuts them (open keep-alive
connections included), and every deliberate delay waits on the stop event, never ``time.sleep``.

Hardening (it is a server users run):

- the key is checked from the headers before any body byte is read: a request without a valid
  key is answered 401 at once; a small body (up to :data:`DISCARD_LIMIT`) is read and dropped so
  the connection stays usable, a bigger or chunked one is never read (the connection closes);
- a body is at most :data:`MAX_REQUEST_BODY` (413 otherwise, decided from ``Content-Length``
  before reading, or as the chunks add up); ``Content-Length`` must be digits, a chunk size hex
  digits (a negative or malformed size is 400), each chunk followed by its CRLF;
- at most ``max_connections`` connections are served at once (a thread each); one more is
  answered 503 with ``Retry-After`` and closed on the accepting thread, so idle sockets can
  never make threads without bound.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from shipexplorer.emulator import apps, operations, ops_signed_urls
from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.packages.base import PackageError
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import Store

API_PREFIX = "/api/v1/"
APPS_PREFIX = "/_apps/"
MAX_REQUEST_BODY = 64 * 1024 * 1024
MAX_RECORDED_BODY = 64 * 1024  # per recorded request; the record keeps 1,000 requests
IDLE_TIMEOUT = 300.0
MAX_CONNECTIONS = 256
DISCARD_LIMIT = 64 * 1024  # an unauthorised body up to this size is read and dropped
LINGER_SECONDS = 1.0  # after refusing a body, how long unread input is drained before closing
LINGER_BYTES = 4 * 1024 * 1024  # ... and how much of it at most
MAX_LINE = 8192  # a chunk-size or trailer line
MAX_TRAILERS = 64
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_DIGITS = re.compile(r"[0-9]{1,20}")
#: Served without a key (they check their own permission): signed URLs, public raw content.
_PUBLIC_GET = re.compile(r"/api/v1/(?:file|block)/[^/]+/raw")
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
)


class BodyError(Exception):
    """A request body that cannot be taken: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def reply(self) -> Reply:
        return ApiError(self.status, self.message, code="BadRequest").reply()


class Headers(Mapping[str, str]):
    """Request headers: case-insensitive lookups, original spelling kept for iteration."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._items:
                value = f"{self._items[key][1]}, {value}"
                name = self._items[key][0]
            self._items[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator received it (``path`` includes the query string)."""

    method: str
    path: str
    headers: Headers
    body: bytes = field(repr=False)


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that tracks its connections so it can close them all at once."""

    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(
        self,
        port: int,
        *,
        store: Store,
        dialect: str,
        api_keys: frozenset[str],
        record: Any,
        verbose: bool = False,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.refused_connections = 0  # connections answered 503 because all slots were taken
        self.store = store
        self.dialect = dialect
        self.api_keys = api_keys
        self.record = record
        self.verbose = verbose
        self.stop_event = threading.Event()
        self.loop_running = threading.Event()
        self.app_base = ""
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        self._closing = False
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def service_actions(self) -> None:
        self.loop_running.set()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"emulator-connection-{client_address[1]}",
            daemon=True,
        )
        with self._connections_lock:
            closing = self._closing
            full = len(self._connections) >= self.max_connections
            if not closing and not full:
                self._connections[request] = thread
        if closing:
            self.shutdown_request(request)
        elif full:
            self.refused_connections += 1
            self._refuse_busy(request)
        else:
            thread.start()

    def _refuse_busy(self, request: socket.socket) -> None:
        """Answer 503 on the accepting thread without blocking it, then close."""
        body = (
            b'{"status":{"state":"failed","statusMessage":"The emulator is serving '
            + str(self.max_connections).encode()
            + b' connections, its most; try again in a moment.","statusCode":"Unavailable",'
            b'"statusSuggestion":"Close idle connections or retry later."}}'
        )
        with contextlib.suppress(OSError):
            request.setblocking(False)
            request.send(_BUSY % (len(body), body))
            with contextlib.suppress(OSError):
                request.recv(65536)  # what already arrived, so closing does not reset
        self.shutdown_request(request)

    @property
    def open_connections(self) -> int:
        with self._connections_lock:
            return len(self._connections)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def close_connections(self, join_timeout: float = 0.5) -> None:
        """Shut every open connection (waking blocked readers and writers), then join briefly."""
        with self._connections_lock:
            self._closing = True
            connections = list(self._connections.items())
        for sock, _ in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in connections:
            thread.join(join_timeout / max(1, len(connections)))

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)) or self.stop_event.is_set():
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """One connection: reads requests, routes them, writes the answers exactly."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the second waits for the
    # client's delayed ACK (about 40 ms a call on Linux).
    disable_nagle_algorithm = True
    server_version = "shipexplorer-emulator"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    server: EmulatorHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def handle_expect_100(self) -> bool:
        # Refuse before the client sends the body it is holding back.
        refusal = self._refusal()
        if refusal is not None:
            self._refuse(refusal, may_discard=False)
            return False
        return super().handle_expect_100()

    def _serve(self) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._refuse(refusal, may_discard=True)
            return
        try:
            body = self._read_body()
        except BodyError as exc:
            self._refuse(exc.reply(), may_discard=False)
            return
        raw_headers = list(self.headers.items())
        self.server.record(
            RecordedRequest(self.command, self.path, Headers(raw_headers), body[:MAX_RECORDED_BODY])
        )
        try:
            reply = self._route(body)
        except ApiError as exc:
            reply = exc.reply()
        except PackageError as exc:
            reply = ApiError(
                exc.http_status, exc.message, code=exc.code, suggestion=exc.suggestion
            ).reply()
        except Exception as exc:  # a bug in the emulator: answer it, keep serving
            import traceback

            traceback.print_exc()
            reply = ApiError(
                500, f"Internal emulator error: {type(exc).__name__}: {exc}", code="InternalError"
            ).reply()
        self._write(reply)

    # -- before the body: the key and the framing, from the headers alone ------------------------
    def _chunked(self) -> bool:
        return bool(self.headers.get("Transfer-Encoding"))

    def _content_length(self) -> int:
        """The declared length (0 when none); BodyError when it is malformed or too large."""
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return 0
        texts = {value.strip() for value in values}
        if len(texts) != 1 or not _DIGITS.fullmatch(next(iter(texts))):
            raise BodyError(400, "Invalid Content-Length.")
        length = int(next(iter(texts)))
        if length > MAX_REQUEST_BODY:
            raise BodyError(413, "The request body is too large.")
        return length

    def _refusal(self) -> Reply | None:
        """The answer to a request refused from its headers alone (the key first), else None."""
        if not self._authorized() and not self._public_route():
            return ApiError(
                401,
                "The API key is missing or not valid.",
                code="Unauthorized",
                suggestion="Send 'Authorization: Bearer <key>' with a key this emulator accepts.",
            ).reply()
        encoding = self.headers.get("Transfer-Encoding")
        if encoding is not None and encoding.strip().lower() != "chunked":
            return BodyError(400, f"Unsupported Transfer-Encoding {encoding!r}.").reply()
        if encoding is None:
            try:
                self._content_length()
            except BodyError as exc:
                return exc.reply()
        return None

    def _refuse(self, reply: Reply, *, may_discard: bool) -> None:
        """Answer a refused request. Its body is not read: a small one is dropped (``may_discard``)
        to keep the connection; otherwise the connection closes after a short, bounded drain
        so that the client can read the answer before the socket goes."""
        self.server.record(
            RecordedRequest(self.command, self.path, Headers(list(self.headers.items())), b"")
        )
        keep = False
        if may_discard and not self._chunked():
            try:
                length = self._content_length()
            except BodyError:
                length = -1
            if 0 <= length <= DISCARD_LIMIT:
                keep = len(self.rfile.read(length)) == length if length else True
        if not keep:
            self.close_connection = True
        self._write(reply)
        if not keep:
            self._linger()

    def _linger(self) -> None:
        """Half-close, then drop unread input for a moment (bounded in time and bytes)."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.2)
            deadline = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES and time.monotonic() < deadline:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)

    # -- the body ---------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        """The request body (the framing was checked by :meth:`_refusal`); BodyError if it breaks
        its framing or grows too large."""
        if self._chunked():
            return self._read_chunked()
        length = self._content_length()
        if not length:
            return b""
        body = self.rfile.read(length)
        if len(body) != length:
            raise BodyError(400, "The request body ended before its Content-Length.")
        return body

    def _line(self) -> bytes:
        line = self.rfile.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            raise BodyError(400, "Invalid chunked request body: a line is too long or cut.")
        return line

    def _read_chunked(self) -> bytes:
        parts, total = [], 0
        while True:
            size_text = self._line().split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise BodyError(400, "Invalid chunked request body: a bad chunk size.")
            size = int(size_text, 16)
            if size == 0:
                for _ in range(MAX_TRAILERS):
                    if not self._line().strip():
                        return b"".join(parts)
                raise BodyError(400, "Invalid chunked request body: too many trailers.")
            total += size
            if total > MAX_REQUEST_BODY:
                raise BodyError(413, "The request body is too large.")
            data = self.rfile.read(size)
            if len(data) != size:
                raise BodyError(400, "Invalid chunked request body: a chunk was cut.")
            parts.append(data)
            if self._line().strip():
                raise BodyError(400, "Invalid chunked request body: no CRLF after a chunk.")

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        return scheme.lower() == "bearer" and key.strip() in self.server.api_keys

    def _public_route(self) -> bool:
        """Whether the route may be asked without a key (it decides itself what to answer)."""
        path = urlsplit(self.path).path
        if path.startswith(ops_signed_urls.SIGNED_PREFIX):
            return True
        return self.command == "GET" and _PUBLIC_GET.fullmatch(path) is not None

    def _route(self, body: bytes) -> Reply:
        split = urlsplit(self.path)
        path = split.path
        server = self.server
        if path.startswith(ops_signed_urls.SIGNED_PREFIX):
            token = path[len(ops_signed_urls.SIGNED_PREFIX) :]
            return ops_signed_urls.serve(server.store, self.command, token, body)
        if path.startswith(API_PREFIX):
            ctx = operations.ApiContext(
                server.store,
                server.dialect,
                self.headers,
                server.app_base,
                authorized=self._authorized(),
            )
            return operations.handle(
                ctx, self.command, unquote(path[len(API_PREFIX) :]).strip("/"), body
            )
        if path.startswith(APPS_PREFIX):
            path = path[len(APPS_PREFIX) - 1 :]
        segments = [unquote(part) for part in path.lstrip("/").split("/")]
        while len(segments) > 3 and segments[-1] == "":
            segments.pop()
        query = parse_qsl(split.query, keep_blank_values=True)
        return apps.handle(
            server.store,
            server.dialect,
            server.stop_event,
            self.command,
            segments,
            query,
            body,
            headers=self.headers,
        )

    def _cut(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write(self, reply: Reply) -> None:
        stop = self.server.stop_event
        if reply.delay_before_headers > 0 and stop.wait(reply.delay_before_headers):
            self._cut()
            return
        if isinstance(reply.body, (bytes, bytearray, memoryview)):
            chunks: Any = [bytes(reply.body)]
            length = len(reply.body) if reply.content_length is None else reply.content_length
        else:
            chunks = reply.body
            length = reply.content_length
            if length is None:
                raise ValueError("A streamed reply needs a content_length.")
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in reply.headers:
            self.send_header(name, value)
        if stop.is_set() or self.close_connection:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        written = 0
        for chunk in chunks:
            if reply.chunk_delay > 0 and stop.wait(reply.chunk_delay):
                self._cut()
                return
            if reply.cut_after is not None and written + len(chunk) >= reply.cut_after:
                self.wfile.write(chunk[: reply.cut_after - written])
                self._cut()
                return
            self.wfile.write(chunk)
            written += len(chunk)
        if reply.cut_after is not None:
            self._cut()
