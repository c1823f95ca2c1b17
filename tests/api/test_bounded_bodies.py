"""Bounded bodies: whatever a server sends, a call's memory stays under its limit plus a margin.

A small stdlib server (``raw_server``) answers every request with one of: an endless body, a gzip
bomb, a 2 GB Content-Length, an endless HTML 502, a Vapor 404. Typed operations (a listing,
``__dir__``, a task poll, the connection check) hold bodies in memory and end in
:class:`BodyTooLarge` at the in-memory limit; the runner's spooled path stops at the spool limit
and deletes what it wrote. Memory is the process's peak resident size (``VmHWM``, reset before
each call) against its size before; the limits are small (4 and 8 MB) so the tests are quick.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Iterator

import pytest

from shipexplorer.api import (
    ConnectionDropped,
    ConnectionSettings,
    HttpError,
    InstanceRef,
    SteamshipClient,
    check_connection,
    describe,
)
from shipexplorer.api.errors import BodyTooLarge
from shipexplorer.api.limits import MB, BodyLimits, body_limits, format_size, set_body_limits
from shipexplorer.api.retry import RetryPolicy

from .conftest import read_request

MEMORY = 4 * MB
SPOOL = 8 * MB
MARGIN = 24 * MB  # interpreter noise; an unbounded read of these servers costs 64 MB to GBs
LIMITS = BodyLimits(memory=MEMORY, spool=SPOOL)
TWO_GB = 2 * 1024**3


# -- the server's answers -------------------------------------------------------------------------


def _head(status: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunked(parts: Iterable[bytes]) -> Iterator[bytes]:
    for part in parts:
        yield b"%x\r\n%s\r\n" % (len(part), part)
    yield b"0\r\n\r\n"


def _forever(block: bytes) -> Iterator[bytes]:
    while True:
        yield block


def _bomb(inflated: int) -> bytes:
    """A gzip stream of ``inflated`` zero bytes (about 1/1000 of that, compressed)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    out = [packer.compress(zeros) for _ in range(inflated >> 20)]
    out.append(packer.flush())
    return b"".join(out)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(256 * 1024 * 1024)  # 256 MB of zeros in about 250 kB


Answer = Callable[[], tuple[str, list[tuple[str, str]], Iterable[bytes]]]


def endless() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
    block = b'[{"x": "' + b"y" * 65_000 + b'"},'
    return (
        "200 OK",
        [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
        _chunked(_forever(block)),
    )


def gzip_bomb(data: bytes) -> Answer:
    def answer() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(data))),
        ]
        return "200 OK", headers, [data]

    return answer


def announced_2gb() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
    headers = [("Content-Type", "application/json"), ("Content-Length", str(TWO_GB))]
    return "200 OK", headers, _forever(b" " * 65_536)


def html_502() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
    block = b"<p>" + b"upstream is down " * 4000 + b"</p>\n"
    parts = [b"<html><head><title>502 Bad Gateway</title></head><body>"]
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    return "502 Bad Gateway", headers, _chunked([*parts, *_take(_forever(block), 10_000)])


def _take(items: Iterator[bytes], count: int) -> Iterator[bytes]:
    for _ in range(count):
        yield next(items)


def vapor_404() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
    body = json.dumps({"error": True, "reason": "Not Found"}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    return "404 Not Found", headers, [body]


def encoded(data: bytes, coding: str) -> Answer:
    """``data`` (JSON) sent with Content-Encoding ``coding`` (the body encoded accordingly)."""
    body = data
    for step in [c.strip() for c in coding.split(",")]:
        if step == "gzip":
            body = gzip.compress(body)
        elif step == "deflate":
            body = zlib.compress(body)
        elif step == "raw-deflate":
            packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            body = packer.compress(body) + packer.flush()
    header = coding.replace("raw-deflate", "deflate")

    def answer() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Encoding", header),
            ("Content-Length", str(len(body))),
        ]
        return "200 OK", headers, [body[i : i + 65_536] for i in range(0, len(body), 65_536)]

    return answer


@pytest.fixture
def serve(raw_server):  # type: ignore[no-untyped-def]
    """A loopback server answering every request with ``answer()``; its client (limits 4/8 MB,
    no retries unless asked)."""
    made: list[SteamshipClient] = []

    def make(answer: Answer, *, retry: RetryPolicy | None = None):  # type: ignore[no-untyped-def]
        def handler(conn: socket.socket) -> None:
            while read_request(conn):
                status, headers, body = answer()
                conn.sendall(_head(status, headers))
                for part in body:
                    conn.sendall(part)

        server = raw_server(handler)
        base = f"http://127.0.0.1:{server.port}/"
        settings = ConnectionSettings(
            api_base=base + "api/v1/", app_base=base, api_key="k", workspace_handle="w"
        )
        client = SteamshipClient(settings, retry=retry or RetryPolicy(max_attempts=1))
        client.body_limits = LIMITS
        made.append(client)
        return server, client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def process_limits():
    """Set the process-wide limits (clients made elsewhere, e.g. the connection check)."""
    before = body_limits()
    set_body_limits(LIMITS)
    yield LIMITS
    set_body_limits(before)


# -- measuring ------------------------------------------------------------------------------------


def _status(key: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


class Peak:
    growth = 0


@contextlib.contextmanager
def peak_growth() -> Iterator[Peak]:
    """The growth of the process's peak resident size over the block (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # VmHWM := VmRSS
        before = _status("VmRSS")
    except OSError:
        pytest.skip("needs Linux /proc to measure memory")
    peak = Peak()
    yield peak
    peak.growth = _status("VmHWM") - before


def bounded(call: Callable[[], object], limit: int) -> tuple[BaseException | None, float]:
    """Run ``call``; assert the process grew by less than ``limit`` + the margin. Returns what it
    raised (or None) and how long it took."""
    started = time.perf_counter()
    raised: BaseException | None = None
    with peak_growth() as peak:
        try:
            call()
        except Exception as exc:
            raised = exc
    took = time.perf_counter() - started
    assert peak.growth < limit + MARGIN, f"grew by {peak.growth / MB:.0f} MB"
    return raised, took


def too_large(raised: BaseException | None, *, limit: int = MEMORY) -> BodyTooLarge:
    assert isinstance(raised, BodyTooLarge), repr(raised)
    assert raised.limit == limit
    assert raised.exchange is not None and raised.exchange.response_body == b""
    assert raised.exchange.body_file is None
    return raised


# -- typed operations (bodies held in memory) -----------------------------------------------------


def test_endless_body_stops_at_the_memory_limit(serve):
    _server, client = serve(endless)
    raised, took = bounded(client.instance_list, MEMORY)
    error = too_large(raised)
    assert MEMORY < error.received <= MEMORY + 70_000 and not error.compressed
    assert describe(error) == (
        "The server sent more than 4 MB for this call, so it was stopped "
        "(limit: File ▸ Preferences ▸ In-memory body limit)."
    )
    assert error.exchange.status == 200 and error.exchange.kind == "error"
    assert took < 5


def test_gzip_bomb_stops_at_the_limit_while_inflating(serve, bomb):
    _server, client = serve(gzip_bomb(bomb))
    raised, _ = bounded(client.instance_list, MEMORY)
    error = too_large(raised)
    assert error.compressed and MEMORY < error.received <= MEMORY + 256 * 1024
    assert "compressed body that inflates to more than 4 MB" in str(error)


def test_one_small_chunk_never_inflates_at_once(serve):
    """64 kB of gzip inflate to about 64 MB: decompression goes in bounded steps, so the peak
    stays near the limit rather than at the chunk's inflated size."""
    small_bomb = _bomb(64 * 1024 * 1024)
    assert len(small_bomb) <= 70_000
    _server, client = serve(gzip_bomb(small_bomb))
    raised, _ = bounded(client.instance_list, MEMORY)
    too_large(raised)


def test_2gb_content_length_is_refused_before_reading(serve):
    _server, client = serve(announced_2gb)
    raised, took = bounded(client.instance_list, MEMORY)
    error = too_large(raised)
    assert error.announced == TWO_GB and error.received == 0
    assert str(error) == (
        "The server announced 2.1 GB for this call (Content-Length), more than the 4 MB allowed, "
        "so nothing of it was read (limit: File ▸ Preferences ▸ In-memory body limit)."
    )
    assert took < 2


def test_a_big_html_502_is_bounded_and_not_retried(serve):
    server, client = serve(html_502, retry=RetryPolicy(max_attempts=4, base_delay=0.01))
    raised, _ = bounded(lambda: client.task_status("task-1"), MEMORY)
    error = too_large(raised)
    assert error.status == 502 and error.exchange.attempts == 1 and server.accepted == 1


def test_a_vapor_404_is_an_http_error(serve):
    _server, client = serve(vapor_404)
    raised, _ = bounded(client.instance_list, MEMORY)
    assert isinstance(raised, HttpError) and raised.status == 404


def test_dir_of_an_instance_is_bounded(serve, bomb):
    for answer in (endless, gzip_bomb(bomb), announced_2gb):
        _server, client = serve(answer)
        target = InstanceRef(instance_handle="inst", workspace_handle="w")
        raised, _ = bounded(lambda c=client, t=target: c.describe(t), MEMORY)
        too_large(raised)
        assert raised.exchange.url.endswith("/w/inst/__dir__")


def test_task_polls_are_bounded(serve, bomb):
    for answer in (endless, gzip_bomb(bomb), announced_2gb):
        _server, client = serve(answer)
        raised, _ = bounded(lambda c=client: c.task_status("task-1"), MEMORY)
        too_large(raised)


def test_the_connection_check_follows_the_process_limits(serve, process_limits, bomb):
    for answer in (endless, gzip_bomb(bomb), announced_2gb):
        _server, client = serve(answer)
        raised, _ = bounded(lambda s=client.settings: check_connection(s), MEMORY)
        too_large(raised)


def test_a_body_at_the_limit_is_whole(serve):
    prefix, suffix = b'{"data": "', b'"}'
    data = prefix + b"x" * (MEMORY - len(prefix) - len(suffix)) + suffix
    assert len(data) == MEMORY
    _server, client = serve(encoded(data, "gzip"))
    exchange = client.send(client.api_request("account/current", verb="GET"))
    assert exchange.error is None and exchange.response_body == data


# -- decoding stays exact -------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "identity", "deflate, gzip"])
def test_compressed_bodies_decode_exactly(serve, coding):
    data = json.dumps({"data": [{"i": i, "text": "abc" * (i % 50)} for i in range(20_000)]})
    _server, client = serve(encoded(data.encode(), coding))
    exchange = client.send(client.api_request("account/current", verb="GET"))
    assert exchange.error is None and exchange.response_body == data.encode()
    assert exchange.data == json.loads(data)["data"]


def test_a_broken_gzip_body_says_so(serve):
    def answer() -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
        body = b"\x1f\x8b\x08\x00garbage that is not deflate"
        headers = [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        return "200 OK", headers, [body]

    _server, client = serve(answer)
    exchange = client.send(client.api_request("account/current", verb="GET"))
    assert isinstance(exchange.error, ConnectionDropped)
    assert "could not be decompressed" in str(exchange.error)


# -- the spooled path (package-method calls from the window) --------------------------------------


def _spooled_send(client: SteamshipClient, folder, **kw):  # type: ignore[no-untyped-def]
    request = client.invoke_request(InstanceRef(instance_handle="i", workspace_handle="w"), "m")
    return client.send(request, spool_threshold=1 * MB, spool_dir=folder, **kw)


def test_spooled_endless_body_stops_at_the_spool_limit(serve, tmp_path, bomb):
    for answer in (endless, gzip_bomb(bomb)):
        _server, client = serve(answer)
        seen: list[int] = []
        raised, _ = bounded(
            lambda c=client, s=seen: _raise(
                _spooled_send(c, tmp_path, on_progress=lambda n, _t: s.append(n))
            ),
            MEMORY,
        )
        error = too_large(raised, limit=SPOOL)
        assert error.spooled and SPOOL < error.received <= SPOOL + 256 * 1024
        assert seen[-1] <= SPOOL and seen[-1] > MEMORY
        assert "Spooled body limit" in str(error) and "part saved to disk deleted" in str(error)
        assert list(tmp_path.iterdir()) == []  # the part written is deleted


def test_spooled_call_uses_the_callers_spool_limit(serve, tmp_path):
    _server, client = serve(endless)
    exchange = _spooled_send(client, tmp_path, spool_limit=2 * MB)
    error = too_large(exchange.error, limit=2 * MB)
    assert error.spooled and list(tmp_path.iterdir()) == []


def test_spooled_2gb_content_length_is_refused_before_reading(serve, tmp_path):
    _server, client = serve(announced_2gb)
    raised, took = bounded(lambda: _raise(_spooled_send(client, tmp_path)), MEMORY)
    error = too_large(raised, limit=SPOOL)
    assert error.announced == TWO_GB and error.received == 0 and took < 2
    assert "more than the 8 MB allowed" in str(error) and list(tmp_path.iterdir()) == []


def test_spooling_starts_at_the_memory_limit_at_the_latest(serve, tmp_path):
    data = json.dumps(["z" * 1000] * 6000).encode()  # 6 MB: over the 4 MB memory limit
    _server, client = serve(encoded(data, "gzip"))
    request = client.invoke_request(InstanceRef(instance_handle="i", workspace_handle="w"), "m")
    exchange = client.send(request, spool_threshold=100 * MB, spool_dir=tmp_path)
    assert exchange.error is None and exchange.body_file is not None
    with open(exchange.body_file, "rb") as handle:
        assert handle.read() == data
    assert exchange.body_size == len(data)


def _raise(exchange):  # type: ignore[no-untyped-def]
    if exchange.error is not None:
        raise exchange.error
    return exchange


def test_limits_are_checked_and_formatted():
    with pytest.raises(ValueError):
        BodyLimits(memory=0)
    assert [format_size(n) for n in (16 * MB, TWO_GB, 1000 * MB, 500_000, 12, 1)] == [
        "16 MB",
        "2.1 GB",
        "1 GB",
        "500 kB",
        "12 bytes",
        "1 byte",
    ]
