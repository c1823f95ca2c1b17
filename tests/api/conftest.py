"""Fixtures for the API-layer tests: clients on the emulator, demo instances, raw servers."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from shipexplorer.api import CancelToken, ConnectionSettings, SteamshipClient

DEMO_KEY = "demo-key"
# Figures measured by the tests (cancel latencies...), printed at the end of the run.
FIGURES: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if FIGURES:
        terminalreporter.section("shipexplorer.api measured figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value * 1000:.1f} ms")


def settings_for(emu, **changes) -> ConnectionSettings:  # type: ignore[no-untyped-def]
    base = {"api_base": emu.api_base, "app_base": emu.app_base, "api_key": DEMO_KEY}
    base.update(changes)
    return ConnectionSettings(**base)


@pytest.fixture
def make_client(emulator, demo) -> Iterator[Callable[..., SteamshipClient]]:  # type: ignore[no-untyped-def]
    """Build clients on the session emulator (workspace ``api-tests``); closed after the test."""
    made: list[SteamshipClient] = []

    def make(emu=None, **changes) -> SteamshipClient:  # type: ignore[no-untyped-def]
        emu = emu or emulator
        client_kw = changes.pop("client_kw", {})
        changes.setdefault("workspace_handle", "api-tests")
        client = SteamshipClient(settings_for(emu, **changes), **client_kw)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client) -> SteamshipClient:  # type: ignore[no-untyped-def]
    return make_client()


@pytest.fixture(scope="session")
def demo(emulator):  # type: ignore[no-untyped-def]
    """The demo instances in workspace ``api-tests`` (created once per session)."""
    with SteamshipClient(settings_for(emulator)) as c:
        ws = c.workspace_create("api-tests").value
        c.set_workspace(handle=ws.handle, id=ws.id)
        instances = {
            name: c.instance_create(name, f"t-{name}").value
            for name in ("echo", "greeter", "slow-job", "faults", "media")
        }
    return instances


def poll(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> object:
    """Wait until ``condition()`` is truthy (checked every 5 ms); fail after ``timeout``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


class Canceller:
    """Cancels a token from another thread when ``when()`` turns true; records when it did."""

    def __init__(self, token: CancelToken, when: Callable[[], object], timeout: float = 10.0):
        self.token = token
        self.cancelled_at: float | None = None
        self._when = when
        self._timeout = timeout
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with contextlib.suppress(AssertionError):
            poll(self._when, self._timeout, "the cancel condition")
        self.cancelled_at = time.perf_counter()
        self.token.cancel()

    def latency(self) -> float:
        """Seconds from cancel() to now (call right after the cancelled call returned)."""
        now = time.perf_counter()
        self._thread.join(5)
        assert self.cancelled_at is not None
        return now - self.cancelled_at


class RawServer:
    """A loopback TCP (optionally TLS) server running ``handler(conn)`` per connection."""

    def __init__(self, handler: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handler = handler
        self.tls = tls
        self.accepted = 0
        self.conns: list[socket.socket] = []
        self.stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            self.conns.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                self.conns.append(conn)
            self.handler(conn)
        except OSError:
            pass

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(handler, tls=None) -> RawServer:  # type: ignore[no-untyped-def]
        server = RawServer(handler, tls)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def read_request(conn: socket.socket) -> bytes:
    """Read one HTTP request head (and its Content-Length body) from ``conn``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(rest) < length:
        rest += conn.recv(65536)
    return head


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A self-signed certificate for 127.0.0.1 / localhost, made with the openssl CLI."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot make a test certificate with openssl: {exc}")
    return str(cert), str(key)
