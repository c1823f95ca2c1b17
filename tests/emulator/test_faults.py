"""The ``faults`` package: every deliberate misbehaviour really happens on the wire."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from shipexplorer.emulator import Emulator
from tests.emulator.helpers import AUTH, app_path, create_instance, make_client


@pytest.fixture(scope="module")
def faults(emulator: Emulator) -> dict:
    with make_client(emulator) as http:
        return create_instance(http, "faults")


def test_fail_answers_a_failed_status(client: httpx.Client, faults: dict) -> None:
    response = client.post(
        app_path(faults, "fail"),
        json={"code": "Boom", "message": "it broke", "suggestion": "fix it", "http_status": 503},
    )
    assert response.status_code == 503
    assert response.json() == {
        "status": {
            "state": "failed",
            "statusMessage": "it broke",
            "statusCode": "Boom",
            "statusSuggestion": "fix it",
        }
    }
    defaults = client.post(app_path(faults, "fail"), json={})
    assert defaults.status_code == 500
    assert defaults.json()["status"]["statusCode"] == "DemoFailure"
    on_200 = client.post(app_path(faults, "fail"), json={"http_status": 200})
    assert on_200.status_code == 200 and on_200.json()["status"]["state"] == "failed"
    assert client.post(app_path(faults, "fail"), json={"http_status": 99}).status_code == 400


def test_fail_in_the_package_error_form(client: httpx.Client, faults: dict) -> None:
    response = client.post(
        app_path(faults, "fail"),
        json={"form": "package", "code": "Pkg", "message": "bad input", "http_status": 422},
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"message", "internalMessage", "suggestion", "code", "error"}
    assert (body["message"], body["code"]) == ("bad input", "Pkg")


def test_rate_limited(client: httpx.Client, faults: dict) -> None:
    response = client.post(app_path(faults, "rate_limited"), json={"retry_after": 3})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    status = response.json()["status"]
    assert status["state"] == "failed" and status["statusCode"] == "RateLimited"


def test_bad_json(client: httpx.Client, faults: dict) -> None:
    response = client.post(app_path(faults, "bad_json"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_no_content_type(client: httpx.Client, faults: dict) -> None:
    response = client.get(app_path(faults, "no_content_type"))
    assert response.status_code == 200
    assert "content-type" not in response.headers
    assert response.content == b"This body has no Content-Type header."


def raw_request(emu: Emulator, path: str, body: bytes = b"{}") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", emu.port), timeout=5)
    head = (
        f"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{_auth_line()}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def _auth_line() -> str:
    return f"Authorization: {AUTH['Authorization']}"


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def test_disconnect_cuts_mid_body(emulator: Emulator, client: httpx.Client, faults: dict) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(app_path(faults, "disconnect"), json={"size": 10000})
    sock = raw_request(emulator, app_path(faults, "disconnect"), b'{"size": 10000}')
    with sock:
        head, body = read_head(sock)
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
            .split(b":")[1]
            .strip()
        )
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    assert length == 10000
    assert 0 < len(body) < length
    assert len(body) == length // 2


def test_drip_trickles(client: httpx.Client, faults: dict) -> None:
    arrivals: list[tuple[float, int]] = []
    started = time.monotonic()
    with client.stream("POST", app_path(faults, "drip"), json={"seconds": 0.6, "chunks": 6}) as r:
        assert r.status_code == 200
        headers_at = time.monotonic() - started
        body = b""
        for chunk in r.iter_raw():
            arrivals.append((time.monotonic() - started, len(chunk)))
            body += chunk
    assert json.loads(body) == {"dripped": True, "seconds": 0.6, "chunks": 6}
    assert len(arrivals) >= 3  # several separate arrivals, not one body
    assert arrivals[-1][0] >= 0.5  # the last byte came late (a lower bound, never flaky)
    assert arrivals[-1][0] - arrivals[0][0] >= 0.3
    assert headers_at < arrivals[-1][0]


def test_big_body_small_is_a_json_array(client: httpx.Client, faults: dict) -> None:
    response = client.get(app_path(faults, "big"), params={"megabytes": "0.25"})
    items = response.json()
    assert int(response.headers["content-length"]) == len(response.content)
    assert 240_000 <= len(response.content) <= 250_000
    assert [item["index"] for item in items] == [f"{i:09d}" for i in range(len(items))]


def test_big_body_100_megabytes_streams(client: httpx.Client, faults: dict) -> None:
    size, first, last = 0, b"", b""
    started = time.monotonic()
    with client.stream("POST", app_path(faults, "big"), json={"megabytes": 100}) as response:
        assert response.status_code == 200
        length = int(response.headers["content-length"])
        for chunk in response.iter_raw(1 << 20):
            if not first:
                first = chunk[:64]
            size += len(chunk)
            last = chunk[-64:]
    assert size == length
    assert 99_000_000 <= size <= 100_000_000
    assert first.startswith(b'[{"index":"000000000","payload":"')
    assert last.endswith(b'"}]')
    assert time.monotonic() - started < 60  # did not hang


def test_redirect_is_not_followed(client: httpx.Client, faults: dict) -> None:
    response = client.post(
        app_path(faults, "redirect"), json={"to": "http://127.0.0.1:9/elsewhere"}
    )
    assert response.status_code == 307
    assert response.headers["location"] == "http://127.0.0.1:9/elsewhere"
    assert response.headers["content-type"] == "application/json"


def test_slow_waits_before_headers(client: httpx.Client, faults: dict) -> None:
    started = time.monotonic()
    response = client.post(app_path(faults, "slow"), json={"seconds": 0.4})
    assert time.monotonic() - started >= 0.35
    assert response.json() == {"slept": 0.4}
    with pytest.raises(httpx.ReadTimeout):
        client.post(app_path(faults, "slow"), json={"seconds": 5}, timeout=0.2)
