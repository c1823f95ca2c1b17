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
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from shipexplorer.emulator import apps, operations
from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.packages.base import PackageError
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import Store

API_PREFIX = "/api/v1/"
APPS_PREFIX = "/_apps/"
MAX_REQUEST_BODY = 64 * 1024 * 1024
MAX_RECORDED_BODY = 64 * 1024  # per recorded request; the record keeps 1,000 requests
IDLE_TIMEOUT = 300.0


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
    ) -> None:
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
            if self._closing:
                self.shutdown_request(request)
                return
            self._connections[request] = thread
        thread.start()

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
    disable_nagle_algorithm = True  # headers and body go in separate writes
    server: EmulatorHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
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

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            try:
                return self._read_chunked()
            except ValueError:
                self.close_connection = True
                self._write(
                    ApiError(400, "Invalid chunked request body.", code="BadRequest").reply()
                )
                return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BODY:
            self.close_connection = True
            status, message = (
                (413, "The request body is too large.")
                if length > 0
                else (400, "Invalid Content-Length.")
            )
            self._write(ApiError(status, message, code="BadRequest").reply())
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        parts, total = [], 0
        while True:
            size = int(self.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537).strip():
                    pass
                return b"".join(parts)
            total += size
            if total > MAX_REQUEST_BODY:
                self.close_connection = True
                self._write(ApiError(413, "The request body is too large.").reply())
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(65537)

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        return scheme.lower() == "bearer" and key.strip() in self.server.api_keys

    def _route(self, body: bytes) -> Reply:
        if not self._authorized():
            raise ApiError(
                401,
                "The API key is missing or not valid.",
                code="Unauthorized",
                suggestion="Send 'Authorization: Bearer <key>' with a key this emulator accepts.",
            )
        split = urlsplit(self.path)
        path = split.path
        server = self.server
        if path.startswith(API_PREFIX):
            ctx = operations.ApiContext(server.store, server.dialect, self.headers, server.app_base)
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
            server.store, server.dialect, server.stop_event, self.command, segments, query, body
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
        if stop.is_set():
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
