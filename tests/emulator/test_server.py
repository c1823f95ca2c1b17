"""The server itself: life cycle, loopback binding, keep-alive, concurrency, fast stop, records."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from shipexplorer.emulator import DEMO_API_KEY, Emulator
from tests.emulator.helpers import (
    AUTH,
    app_path,
    create_instance,
    make_client,
    poll_until,
    read_response,
)


def test_public_attributes() -> None:
    emu = Emulator(port=0)
    assert not emu.running
    with emu:
        assert emu.running
        assert DEMO_API_KEY == "demo-key"
        assert isinstance(emu.port, int) and emu.port > 0
        assert emu.base_url == f"http://127.0.0.1:{emu.port}/"
        assert emu.api_base == f"http://127.0.0.1:{emu.port}/api/v1/"
        assert emu.app_base == f"http://127.0.0.1:{emu.port}/_apps/"
        assert emu.user_handle == "demo-user"
        assert emu._server is not None
        assert emu._server.server_address[0] == "127.0.0.1"
    assert not emu.running
    emu.stop()  # idempotent
    with pytest.raises(RuntimeError):
        emu.start()


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError):
        Emulator(dialect="klingon")


def test_two_emulators_get_two_ports() -> None:
    with Emulator(port=0) as one, Emulator(port=0) as two:
        assert one.port != two.port
        for emu in (one, two):
            ok = httpx.get(f"{emu.api_base}account/current", headers=AUTH)
            assert ok.status_code == 200


def test_requests_are_recorded(fresh_emulator: Emulator) -> None:
    fresh_emulator.clear_requests()
    with make_client(fresh_emulator, headers={"X-Workspace-Handle": "default"}) as http:
        http.post("api/v1/workspace/list?x=1", json={"pageSize": 1})
    (record,) = fresh_emulator.requests
    assert record.method == "POST"
    assert record.path == "/api/v1/workspace/list?x=1"
    assert record.headers["authorization"] == f"Bearer {DEMO_API_KEY}"
    assert record.headers["X-WORKSPACE-HANDLE"] == "default"
    assert "Content-Type" in record.headers
    assert record.body == b'{"pageSize":1}'
    fresh_emulator.clear_requests()
    assert fresh_emulator.requests == []


def test_request_record_is_bounded() -> None:
    with Emulator(port=0, max_recorded=5) as emu, make_client(emu) as http:
        for i in range(12):
            http.get(f"api/v1/account/current?i={i}")
        paths = [r.path for r in emu.requests]
    assert paths == [f"/api/v1/account/current?i={i}" for i in range(7, 12)]


def test_keep_alive_reuses_one_connection(emulator: Emulator) -> None:
    connects = []

    def trace(event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            connects.append(event)

    with make_client(emulator) as http:
        for _ in range(20):
            response = http.get("api/v1/account/current", extensions={"trace": trace})
            assert response.status_code == 200
    assert len(connects) == 1


def test_two_requests_on_one_raw_socket(emulator: Emulator) -> None:
    request = (
        f"GET /api/v1/account/current HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {DEMO_API_KEY}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        answers = []
        for _ in range(2):
            sock.sendall(request)
            status, _, body = read_response(sock)
            answers.append((status, body))
    assert [status for status, _ in answers] == [b"HTTP/1.1 200 OK"] * 2
    assert answers[0][1] == answers[1][1]


def test_fifty_concurrent_clients(emulator: Emulator) -> None:
    with make_client(emulator) as http:
        greeter = create_instance(http, "greeter")
        echo = create_instance(http, "echo")
    barrier = threading.Barrier(50)

    def one_client(n: int) -> list:
        results = []
        with make_client(emulator) as http:
            barrier.wait(timeout=10)
            for i in range(4):
                echoed = http.post(app_path(echo, "echo"), json={"client": n, "i": i})
                results.append(echoed.json() == {"client": n, "i": i})
                greeted = http.post(app_path(greeter, "greet"), json={"name": f"c{n}"})
                results.append(greeted.text == f"Hello, c{n}!")
        return results

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(one_client, range(50)))
    assert len(outcomes) == 50
    assert all(all(results) and len(results) == 8 for results in outcomes)


def test_slow_handlers_do_not_block_others(emulator: Emulator) -> None:
    with make_client(emulator) as http:
        faults = create_instance(http, "faults")
    with make_client(emulator) as slow_http, ThreadPoolExecutor(3) as pool:
        futures = [
            pool.submit(slow_http.post, app_path(faults, "slow"), json={"seconds": 1.5})
            for _ in range(3)
        ]
        with make_client(emulator) as http:
            started = time.monotonic()
            assert http.get("api/v1/account/current").status_code == 200
            assert time.monotonic() - started < 1.0  # answered while the slow ones sleep
        assert all(f.result(timeout=10).status_code == 200 for f in futures)


def test_stop_is_fast_with_open_connections_and_sleeping_handlers() -> None:
    emu = Emulator(port=0).start()
    with make_client(emu) as http:
        faults = create_instance(http, "faults")
        assert http.get("api/v1/account/current").status_code == 200
    idle = socket.create_connection(("127.0.0.1", emu.port), timeout=5)
    idle.sendall(
        f"GET /api/v1/account/current HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEMO_API_KEY}"
        "\r\n\r\n".encode()
    )
    assert read_response(idle)[0] == b"HTTP/1.1 200 OK"  # now an idle keep-alive connection
    outcome: dict = {}

    def sleeper(method: str, body: dict) -> None:
        try:
            with make_client(emu, timeout=30) as http:
                outcome[method] = http.post(app_path(faults, method), json=body)
        except httpx.HTTPError as exc:
            outcome[method] = exc

    threads = [
        threading.Thread(target=sleeper, args=("slow", {"seconds": 60})),
        threading.Thread(target=sleeper, args=("drip", {"seconds": 60, "chunks": 2})),
    ]
    emu.clear_requests()
    for thread in threads:
        thread.start()
    poll_until(lambda: len(emu.requests) >= 2)
    started = time.monotonic()
    emu.stop()
    elapsed = time.monotonic() - started
    assert elapsed < 1.0
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    assert isinstance(outcome["slow"], httpx.HTTPError)  # cut, never answered
    assert isinstance(outcome["drip"], httpx.HTTPError)  # cut mid-body
    idle.settimeout(5)
    assert idle.recv(4096) == b""  # the keep-alive connection was closed
    idle.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emu.api_base}account/current", headers=AUTH, timeout=2)


def test_emulator_imports_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import shipexplorer.emulator as root\n"
        "for info in pkgutil.walk_packages(root.__path__, root.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(len([m for m in sys.modules if m.startswith('shipexplorer.emulator')]))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 15


def test_chunked_request_bodies_are_read(client: httpx.Client) -> None:
    echo = create_instance(client, "echo")

    def parts():
        yield b'{"chunked": '
        yield b"true}"

    response = client.post(
        app_path(echo, "echo"), content=parts(), headers={"Content-Type": "application/json"}
    )
    assert response.json() == {"chunked": True}
    # The connection stays usable after a chunked request.
    assert client.get("api/v1/account/current").status_code == 200


def test_broken_chunked_body_is_400(emulator: Emulator) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(
            f"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{DEMO_API_KEY}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".encode()
        )
        status, _, body = read_response(sock)
    assert status == b"HTTP/1.1 400 Bad Request"
    assert b"chunked" in body


def test_requests_since_a_mark_hold_once_the_record_is_full():
    from shipexplorer.emulator.emulator import Emulator
    from shipexplorer.emulator.server import RecordedRequest

    emu = Emulator(max_recorded=3)
    for n in range(5):
        emu._record(RecordedRequest("GET", f"/{n}", None, b""))
    mark = emu.request_mark()
    assert mark == 5 and emu.requests_since(mark) == []
    emu._record(RecordedRequest("GET", "/5", None, b""))
    assert [r.path for r in emu.requests_since(mark)] == ["/5"]
    assert [r.path for r in emu.requests_since(0)] == ["/3", "/4", "/5"]  # all it still keeps
