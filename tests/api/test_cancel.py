"""Cancellation in every phase (connecting, TLS, waiting for headers, mid-body), and deadlines.

Each test cancels from another thread once the call is in the phase under test, asserts that the
call returns quickly with :class:`Cancelled`, and that the same client works afterwards. Measured
latencies are printed at the end of the run.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time

import pytest

from shipexplorer.api import (
    Cancelled,
    CancelToken,
    ConnectionSettings,
    ConnectTimeout,
    DeadlineExceeded,
    ReadTimeout,
    SteamshipClient,
    TlsError,
)

from .conftest import FIGURES, Canceller, read_request

BOUND = 1.0  # generous bound on cancel latency (the target is 100 ms; the figure is reported)


def _requests_to(emu, path_part: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in emu.requests if path_part in r.path)


def _still_works(client: SteamshipClient, demo) -> None:  # type: ignore[no-untyped-def]
    result = client.invoke(demo["echo"], "echo", {"after": "cancel"})
    assert result.value.value == {"after": "cancel"}


def test_cancel_while_waiting_for_headers(client, demo, emulator):
    emulator.clear_requests()
    token = CancelToken()
    canceller = Canceller(token, lambda: _requests_to(emulator, "/slow"))
    with pytest.raises(Cancelled) as info:
        client.invoke(demo["faults"], "slow", {"seconds": 30}, cancel=token)
    latency = canceller.latency()
    FIGURES["cancel latency, waiting for headers (http)"] = latency
    assert latency < BOUND
    assert info.value.exchange is not None and info.value.exchange.status is None
    _still_works(client, demo)


def test_cancel_mid_body(client, demo):
    token = CancelToken()
    received: list[int] = []
    canceller = Canceller(token, lambda: received)
    with pytest.raises(Cancelled):
        client.invoke(
            demo["faults"],
            "drip",
            {"seconds": 30, "chunks": 30},
            cancel=token,
            on_progress=lambda n, total: received.append(n),
        )
    latency = canceller.latency()
    FIGURES["cancel latency, mid-body (http)"] = latency
    assert latency < BOUND
    assert received and received[-1] < 80  # the body had started, and was not complete
    _still_works(client, demo)


def test_cancel_reused_connection_waiting_for_headers(raw_server):
    state = {"requests": 0}

    def handler(conn: socket.socket) -> None:
        while True:
            if not read_request(conn):
                return
            state["requests"] += 1
            if state["requests"] != 2:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 11\r\n\r\n{"data": 1}'
                )

    server = raw_server(handler)
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/api/v1/", api_key="k")
    with SteamshipClient(settings) as client:
        assert client.call("workspace/get").value == 1
        token = CancelToken()
        canceller = Canceller(token, lambda: state["requests"] >= 2)
        with pytest.raises(Cancelled):
            client.call("workspace/get", cancel=token)
        latency = canceller.latency()
        FIGURES["cancel latency, waiting for headers on a kept-alive connection"] = latency
        assert latency < BOUND
        assert server.accepted == 1, "the second call should have reused the kept-alive connection"
        assert client.call("workspace/get").value == 1  # still usable, on a new connection
        assert server.accepted == 2


def _blocked_listener() -> tuple[socket.socket, list[socket.socket]]:
    """A loopback listener whose accept queue is full, so that a new connect hangs."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    address = listener.getsockname()
    for _ in range(8):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    return listener, fillers


def test_cancel_while_connecting(make_client, demo):
    listener, fillers = _blocked_listener()
    try:
        port = listener.getsockname()[1]
        probe = ConnectionSettings(api_base=f"http://127.0.0.1:{port}/api/v1/", connect_timeout=0.3)
        with SteamshipClient(probe) as c, pytest.raises(ConnectTimeout):
            c.call("workspace/get")  # the connect phase really hangs here
        settings = ConnectionSettings(
            api_base=f"http://127.0.0.1:{port}/api/v1/", api_key="k", connect_timeout=30
        )
        with SteamshipClient(settings) as client:
            token = CancelToken()
            started = time.perf_counter()
            canceller = Canceller(token, lambda: time.perf_counter() - started > 0.2)
            with pytest.raises(Cancelled):
                client.call("workspace/get", cancel=token)
            latency = canceller.latency()
            FIGURES["cancel latency, connecting"] = latency
            assert latency < BOUND
    finally:
        for sock in [listener, *fillers]:
            sock.close()


def test_cancel_before_sending_sends_nothing(client, demo, emulator):
    emulator.clear_requests()
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        client.invoke(demo["echo"], "echo", {"x": 1}, cancel=token)
    assert not [r for r in emulator.requests if r.path.endswith("/echo")]


def _tls_context(tls_files) -> ssl.SSLContext:  # type: ignore[no-untyped-def]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    return context


def test_tls_answers_with_configured_ca_and_refuses_unknown_ca(raw_server, tls_files):
    def handler(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b'Content-Length: 15\r\n\r\n{"data": "tls"}'
        )

    server = raw_server(handler, tls=_tls_context(tls_files))
    base = f"https://127.0.0.1:{server.port}/api/v1/"
    with SteamshipClient(ConnectionSettings(api_base=base, api_key="k", ca_file=tls_files[0])) as c:
        assert c.call("workspace/get").value == "tls"
    with (
        SteamshipClient(ConnectionSettings(api_base=base, api_key="k")) as c,
        pytest.raises(TlsError),
    ):
        c.call("workspace/get")


def test_cancel_tls_while_waiting_for_headers(raw_server, tls_files):
    got_request = threading.Event()

    def handler(conn: socket.socket) -> None:
        read_request(conn)
        got_request.set()
        conn.recv(1)  # never answers

    server = raw_server(handler, tls=_tls_context(tls_files))
    settings = ConnectionSettings(
        api_base=f"https://127.0.0.1:{server.port}/api/v1/", api_key="k", ca_file=tls_files[0]
    )
    with SteamshipClient(settings) as client:
        token = CancelToken()
        canceller = Canceller(token, got_request.is_set)
        with pytest.raises(Cancelled):
            client.call("workspace/get", cancel=token)
        latency = canceller.latency()
        FIGURES["cancel latency, waiting for headers (https)"] = latency
        assert latency < BOUND


def test_cancel_tls_handshake(raw_server):
    accepted = threading.Event()

    def handler(conn: socket.socket) -> None:
        accepted.set()
        conn.recv(1)  # a TLS server that never answers the ClientHello

    server = raw_server(handler)
    settings = ConnectionSettings(api_base=f"https://127.0.0.1:{server.port}/api/v1/", api_key="k")
    with SteamshipClient(settings) as client:
        token = CancelToken()
        canceller = Canceller(token, accepted.is_set)
        with pytest.raises(Cancelled):
            client.call("workspace/get", cancel=token)
        latency = canceller.latency()
        FIGURES["cancel latency, TLS handshake"] = latency
        assert latency < BOUND


def test_drip_ends_at_the_deadline(make_client, demo):
    client = make_client(deadline=1.0, read_timeout=10)
    started = time.perf_counter()
    with pytest.raises(DeadlineExceeded) as info:
        client.invoke(demo["faults"], "drip", {"seconds": 20, "chunks": 40})
    elapsed = time.perf_counter() - started
    FIGURES["drip(20 s) with a 1 s deadline: time to DeadlineExceeded"] = elapsed
    assert 0.9 < elapsed < 5
    assert "deadline" in str(info.value)
    _still_works(client, demo)


def test_slow_headers_hit_the_read_timeout(make_client, demo):
    client = make_client(read_timeout=0.5, deadline=30)
    with pytest.raises(ReadTimeout) as info:
        client.invoke(demo["faults"], "slow", {"seconds": 10})
    assert info.value.phase == "read"
    assert not isinstance(info.value, DeadlineExceeded)
    _still_works(client, demo)


def test_slow_headers_with_a_shorter_deadline_is_a_deadline(make_client, demo):
    client = make_client(read_timeout=20, deadline=0.5)
    with pytest.raises(DeadlineExceeded):
        client.invoke(demo["faults"], "slow", {"seconds": 10})


def test_per_call_deadline_overrides_settings(make_client, demo):
    client = make_client(read_timeout=20, deadline=60)
    started = time.perf_counter()
    with pytest.raises(DeadlineExceeded):
        client.invoke(demo["faults"], "slow", {"seconds": 10}, deadline=0.3)
    assert time.perf_counter() - started < 5


def test_cancel_while_resolving_the_host_name(monkeypatch):
    release = threading.Event()
    asked = threading.Event()
    real = socket.getaddrinfo

    def slow_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "slow-dns.example.test":
            asked.set()
            release.wait(30)  # a resolver that hangs
            raise socket.gaierror(socket.EAI_NONAME, "no such host")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    settings = ConnectionSettings(api_base="https://slow-dns.example.test/api/v1/", api_key="k")
    try:
        with SteamshipClient(settings) as client:
            token = CancelToken()
            canceller = Canceller(token, asked.is_set)
            with pytest.raises(Cancelled):
                client.call("workspace/get", cancel=token)
            latency = canceller.latency()
            FIGURES["cancel latency, resolving the host name"] = latency
            assert latency < BOUND
    finally:
        release.set()


def test_cancel_while_sending_a_large_body(raw_server):
    got_head = threading.Event()

    def handler(conn: socket.socket) -> None:
        conn.recv(1024)
        got_head.set()
        conn.recv(1)  # reads nothing more: the client's send buffer fills and it blocks

    server = raw_server(handler)
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings) as client:
        token = CancelToken()
        canceller = Canceller(token, got_head.is_set)
        with pytest.raises(Cancelled):
            client.call("workspace/create", {"blob": "x" * 50_000_000}, cancel=token)
        latency = canceller.latency()
        FIGURES["cancel latency, sending the body"] = latency
        assert latency < BOUND


def test_cancel_at_random_moments_never_breaks_the_client(client, demo):
    """Cancel at random points of many calls (any phase, any outcome); the client must go on."""
    import random

    rng = random.Random(7)
    outcomes: set[str] = set()
    for i in range(40):
        token = CancelToken()
        timer = threading.Timer(rng.uniform(0, 0.004), token.cancel)
        timer.start()
        try:
            client.invoke(demo["echo"], "echo", {"i": i}, cancel=token)
            outcomes.add("done")
        except Cancelled:
            outcomes.add("cancelled")
        timer.join()
        assert client.invoke(demo["echo"], "echo", {"check": i}).value.value == {"check": i}
    assert "cancelled" in outcomes


def test_cancel_hits_only_its_own_call(client, demo, emulator):
    """Two calls in flight on one client: cancelling one leaves the other to finish."""
    emulator.clear_requests()
    token = CancelToken()
    other: dict[str, object] = {}

    def slow_but_wanted() -> None:
        other["value"] = client.invoke(demo["faults"], "slow", {"seconds": 0.5}).value.value

    thread = threading.Thread(target=slow_but_wanted)
    thread.start()
    canceller = Canceller(token, lambda: _requests_to(emulator, "/slow") >= 2)
    with pytest.raises(Cancelled):
        client.invoke(demo["faults"], "slow", {"seconds": 30}, cancel=token)
    assert canceller.latency() < BOUND
    thread.join(10)
    assert other["value"] == {"slept": 0.5}
