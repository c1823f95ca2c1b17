"""Spooling: a body over the threshold goes to a file as it arrives, never held whole."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from shipexplorer.api import (
    Cancelled,
    CancelToken,
    ConnectionSettings,
    RemoteError,
    SteamshipClient,
)
from shipexplorer.api.client import discard_body_file
from shipexplorer.emulator.packages.faults import big_body


def expected_big(megabytes: float) -> bytes:
    return b"".join(big_body(megabytes)[1])


def send(client, instance, method, args, **kw):
    return client.send(client.invoke_request(instance, method, args), **kw)


def test_big_body_is_spooled_to_a_file(client, demo, tmp_path):
    seen: list[tuple[int, int | None]] = []
    exchange = send(
        client,
        demo["faults"],
        "big",
        {"megabytes": 3},
        spool_threshold=1_000_000,
        spool_dir=tmp_path,
        on_progress=lambda n, total: seen.append((n, total)),
    )
    body = expected_big(3)
    assert exchange.ok and exchange.response_body == b""
    assert exchange.body_file is not None and exchange.body_size == len(body)
    with open(exchange.body_file, "rb") as handle:
        assert handle.read() == body
    assert exchange.data is None and exchange.outcome.data.kind == "json"
    assert seen[-1] == (len(body), len(body)) and len(seen) > 3
    assert "B " in repr(exchange) and exchange.to_dict()["responseSize"] == len(body)
    discard_body_file(exchange)
    discard_body_file(exchange)
    assert list(tmp_path.iterdir()) == []


def test_small_body_stays_in_memory(client, demo, tmp_path):
    exchange = send(
        client,
        demo["faults"],
        "big",
        {"megabytes": 0.1},
        spool_threshold=1_000_000,
        spool_dir=tmp_path,
    )
    assert exchange.body_file is None and exchange.response_body == expected_big(0.1)
    assert exchange.data[0]["index"] == "000000000"
    assert list(tmp_path.iterdir()) == []


def test_spooled_error_answer_is_decoded_from_its_head(client, demo, tmp_path):
    exchange = send(
        client,
        demo["faults"],
        "fail",
        {"message": "spooled failure"},
        spool_threshold=10,
        spool_dir=tmp_path,
    )
    assert exchange.body_file is not None
    assert isinstance(exchange.error, RemoteError) and "spooled failure" in str(exchange.error)
    discard_body_file(exchange)


def test_cut_body_leaves_no_file(client, demo, tmp_path):
    exchange = send(
        client,
        demo["faults"],
        "disconnect",
        {"size": 100_000},
        spool_threshold=100,
        spool_dir=tmp_path,
    )
    assert exchange.error is not None and exchange.body_file is None
    assert list(tmp_path.iterdir()) == []


def test_cancel_during_spooling_removes_the_file(client, demo, tmp_path):
    token = CancelToken()
    started = threading.Event()

    def progress(n, total):
        started.set()
        token.cancel()

    exchange = send(
        client,
        demo["faults"],
        "drip",
        {"seconds": 5, "chunks": 50},
        spool_threshold=10,
        spool_dir=tmp_path,
        cancel=token,
        on_progress=progress,
    )
    assert started.is_set() and isinstance(exchange.error, Cancelled)
    assert exchange.elapsed < 2 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("length", [True, False])
def test_threshold_crossed_mid_stream(tmp_path, length):
    body = b'{"data": [' + b",".join(b'"%05d"' % i for i in range(5000)) + b"]}"

    def handler(request):
        parts = [body[i : i + 1000] for i in range(0, len(body), 1000)]
        headers = {"Content-Type": "application/json"}
        if length:
            headers["Content-Length"] = str(len(body))
        return httpx.Response(200, headers=headers, content=iter(parts))

    settings = ConnectionSettings(
        api_base="http://127.0.0.1:1/api/v1/", app_base="http://127.0.0.1:1/", api_key="k"
    )
    with SteamshipClient(settings, transport=httpx.MockTransport(handler)) as client:
        exchange = send(client, "x", "m", {}, spool_threshold=10_000, spool_dir=tmp_path / "s")
    assert Path(exchange.body_file).read_bytes() == body
    assert exchange.body_size == len(body) and exchange.data is None
    discard_body_file(exchange)
