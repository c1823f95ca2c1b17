"""The emulator as a server users run: the key before the body, strict body framing, size caps,
and a bounded number of connections (and so of threads)."""

from __future__ import annotations

import contextlib
import json
import resource
import socket
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from shipexplorer.emulator import DEMO_API_KEY, Emulator
from shipexplorer.emulator.server import MAX_CONNECTIONS, MAX_REQUEST_BODY
from tests.emulator.helpers import AUTH, poll_until, read_response
from tests.emulator.test_cli import port_of, start_cli

MB = 1024 * 1024
GOOD = f"Authorization: Bearer {DEMO_API_KEY}\r\n"


def raw(port: int, head: str, body: bytes = b"", timeout: float = 10) -> tuple[bytes, dict, bytes]:
    """Send one request as written and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode() + body)
        return read_response(sock)


def chunked_head(auth: str = GOOD) -> str:
    return (
        "POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"{auth}Transfer-Encoding: chunked\r\n\r\n"
    )


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


# -- the key before the body -----------------------------------------------------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("framing", ["chunks", "minus-one", "length"])
def test_an_unauthenticated_300_mb_body_is_refused_unread(framing: str) -> None:
    process, lines = start_cli("--quiet")
    try:
        port = port_of(lines)
        pid = process.pid
        before = rss_kb(pid, "VmRSS")
        total = 300 * MB
        base = "POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
        if framing == "length":
            head, piece = base + f"Content-Length: {total}\r\n\r\n", b"x" * MB
        elif framing == "chunks":
            head = base + "Transfer-Encoding: chunked\r\n\r\n"
            piece = b"%x\r\n%s\r\n" % (MB, b"x" * MB)
        else:  # a -1 chunk size once read to the end of the stream
            head, piece = base + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", b"x" * MB
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        sent = [0]

        def send() -> None:
            with contextlib.suppress(OSError):
                sock.sendall(head.encode())
                for _ in range(300):
                    sock.sendall(piece)
                    sent[0] += len(piece)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        status, _, body = read_response(sock)
        sender.join(30)
        sock.close()
        assert not sender.is_alive()
        assert status == b"HTTP/1.1 401 Unauthorized"
        assert json.loads(body)["status"]["statusCode"] == "Unauthorized"
        assert sent[0] < total // 3  # the server stopped taking it long before the end
        peak = rss_kb(pid, "VmHWM")
        assert peak - before < 40 * 1024, f"RSS grew from {before} kB to a peak of {peak} kB"
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/account/current", headers=AUTH)
        assert answer.status_code == 200  # still serving
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_an_unauthenticated_small_body_keeps_the_connection(emulator: Emulator) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        )
        assert read_response(sock)[0] == b"HTTP/1.1 401 Unauthorized"
        sock.sendall(f"GET /api/v1/account/current HTTP/1.1\r\nHost: x\r\n{GOOD}\r\n".encode())
        assert read_response(sock)[0] == b"HTTP/1.1 200 OK"


def test_an_unauthenticated_big_body_is_answered_before_it_is_sent(emulator: Emulator) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        # announces 10 MB and sends none of it: the answer must not wait for it
        sock.sendall(
            b"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
        )
        status, headers, _ = read_response(sock)
        assert status == b"HTTP/1.1 401 Unauthorized"
        assert headers[b"connection"] == b"close"
        assert sock.recv(10) == b""  # closed
    assert time.monotonic() - started < 3


def test_expect_100_continue_without_a_key_gets_401_not_100(emulator: Emulator) -> None:
    status, _, _ = raw(
        emulator.port,
        "POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 50000000\r\n\r\n",
    )
    assert status == b"HTTP/1.1 401 Unauthorized"
    status, _, _ = raw(
        emulator.port,
        f"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\n{GOOD}Expect: 100-continue\r\n"
        f"Content-Length: {MAX_REQUEST_BODY + 1}\r\n\r\n",
    )
    assert status == b"HTTP/1.1 413 Request Entity Too Large"


# -- framing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "size_line",
    [b"-1", b"+10", b"0x10", b" -0", b"1 2", b"", b"10000000000000000", b"zz"],
)
def test_a_negative_or_malformed_chunk_size_is_400(emulator: Emulator, size_line: bytes) -> None:
    status, _, body = raw(emulator.port, chunked_head(), size_line + b"\r\n" + b"x" * 64)
    assert status == b"HTTP/1.1 400 Bad Request"
    assert "chunk" in json.loads(body)["status"]["statusMessage"]


@pytest.mark.parametrize(
    "body",
    [
        b"5\r\nabcdefgh\r\n0\r\n\r\n",  # more bytes than announced: no CRLF after the chunk
        b"2;ext=1\r\n{}" + b"x" * 9000,  # a line too long where the CRLF should be
    ],
)
def test_a_chunk_without_its_crlf_is_400(emulator: Emulator, body: bytes) -> None:
    assert raw(emulator.port, chunked_head(), body)[0] == b"HTTP/1.1 400 Bad Request"


def test_chunk_extensions_and_trailers_are_accepted(emulator: Emulator) -> None:
    body = b"2;name=value\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n"
    status, _, answer = raw(emulator.port, chunked_head(), body)
    assert status == b"HTTP/1.1 200 OK" and "workspaces" in json.loads(answer)["data"]


def test_a_huge_chunk_size_is_413_before_reading(emulator: Emulator) -> None:
    status, _, _ = raw(emulator.port, chunked_head(), b"ffffffffffffffff\r\nxx")
    assert status == b"HTTP/1.1 413 Request Entity Too Large"


def test_chunks_adding_up_past_the_cap_are_413(emulator: Emulator) -> None:
    piece = b"%x\r\n%s\r\n" % (4 * MB, b" " * (4 * MB))
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=20) as sock:
        sock.sendall(chunked_head().encode())
        with contextlib.suppress(OSError):
            for _ in range(MAX_REQUEST_BODY // (4 * MB) + 1):
                sock.sendall(piece)
        status, _, _ = read_response(sock)
    assert status == b"HTTP/1.1 413 Request Entity Too Large"


@pytest.mark.parametrize("length", ["-1", "+5", "abc", "5, 6", "1e3"])
def test_a_malformed_content_length_is_400(emulator: Emulator, length: str) -> None:
    status, _, body = raw(
        emulator.port,
        f"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\n{GOOD}"
        f"Content-Length: {length}\r\n\r\n",
        b"{}",
    )
    assert status == b"HTTP/1.1 400 Bad Request"
    assert "Content-Length" in json.loads(body)["status"]["statusMessage"]


def test_a_body_over_64_mb_is_413_from_its_length(emulator: Emulator) -> None:
    status, _, _ = raw(
        emulator.port,
        f"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\n{GOOD}"
        f"Content-Length: {MAX_REQUEST_BODY + 1}\r\n\r\n",
    )
    assert status == b"HTTP/1.1 413 Request Entity Too Large"


def test_an_unknown_transfer_encoding_is_400(emulator: Emulator) -> None:
    status, _, _ = raw(
        emulator.port,
        f"POST /api/v1/workspace/list HTTP/1.1\r\nHost: x\r\n{GOOD}Transfer-Encoding: gzip\r\n\r\n",
    )
    assert status == b"HTTP/1.1 400 Bad Request"


# -- connections -----------------------------------------------------------------------------------
def test_one_connection_past_the_cap_gets_503_then_a_slot_frees() -> None:
    with Emulator(port=0, max_connections=3) as emu:
        idle = [socket.create_connection(("127.0.0.1", emu.port), timeout=5) for _ in range(3)]
        poll_until(lambda: emu._server.open_connections == 3)
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as extra:
            extra.sendall(f"GET /api/v1/account/current HTTP/1.1\r\nHost: x\r\n{GOOD}\r\n".encode())
            status, headers, body = read_response(extra)
        assert status == b"HTTP/1.1 503 Service Unavailable"
        assert headers[b"retry-after"] == b"1" and headers[b"connection"] == b"close"
        assert json.loads(body)["status"]["statusCode"] == "Unavailable"
        idle.pop().close()
        poll_until(lambda: emu._server.open_connections == 2)
        assert httpx.get(f"{emu.api_base}account/current", headers=AUTH).status_code == 200
        for sock in idle:
            sock.close()


def test_a_thousand_idle_connections_do_not_make_a_thousand_threads() -> None:
    wanted = 1000 + 300  # our sockets, the emulator's, and what the test session holds
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} open files, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    sockets: list[socket.socket] = []
    try:
        with Emulator(port=0) as emu:
            server = emu._server
            before = threading.active_count()
            for _ in range(1000):
                sockets.append(socket.create_connection(("127.0.0.1", emu.port), timeout=10))
            poll_until(lambda: server.open_connections + server.refused_connections >= 1000)
            grown = threading.active_count() - before
            assert server.open_connections == MAX_CONNECTIONS
            assert server.refused_connections == 1000 - MAX_CONNECTIONS
            assert grown <= MAX_CONNECTIONS + 2, f"{grown} threads for 1,000 idle connections"
            # a refused one was told why
            sockets[-1].settimeout(5)
            assert sockets[-1].recv(4096).startswith(b"HTTP/1.1 503 ")
            for sock in sockets:
                sock.close()
            sockets.clear()
            poll_until(lambda: server.open_connections == 0, timeout=20)
            assert httpx.get(f"{emu.api_base}account/current", headers=AUTH).status_code == 200
            poll_until(lambda: threading.active_count() <= before + 2, timeout=20)
    finally:
        for sock in sockets:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
