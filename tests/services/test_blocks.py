"""The block fetcher: ``block/raw`` on the pool against the emulator's agent package, a size
limit enforced as the body arrives, a newer fetch cancelling the older, saving and temporary
copies."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.documents.blocks import AUDIO, IMAGE, MARKDOWN, TEXT, find_blocks
from shipexplorer.services.blocks import BlockFetcher
from tests.agent_support import agent_client


class Outcomes:
    def __init__(self) -> None:
        self.done: list = []
        self.errors: list[str] = []

    def ok(self, value) -> None:
        self.done.append(value)

    def failed(self, message: str) -> None:
        self.errors.append(message)

    def over(self) -> bool:
        return bool(self.done or self.errors)


class Clients:
    """What the fetcher asks of a ClientProvider: a client for the settings given."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self.transport = transport
        self.made: list[SteamshipClient] = []

    def client_for(self, settings: ConnectionSettings) -> SteamshipClient:
        client = SteamshipClient(settings, transport=self.transport)
        self.made.append(client)
        return client

    def close(self) -> None:
        for client in self.made:
            client.close()


@pytest.fixture
def agent(emulator):
    """Settings for a fresh workspace with an agent instance, and one answer of its blocks."""
    settings, client = agent_client(emulator)
    with client as api:
        answer = api.invoke("a", "prompt", {"prompt": "Draw a cat"}).value.value
    return settings, find_blocks(answer)


@pytest.fixture
def clients():
    made = Clients()
    yield made
    made.close()


def test_every_kind_of_block_is_fetched(qtbot, worker_pool, agent, clients):
    settings, blocks = agent
    fetcher = BlockFetcher(clients, worker_pool)
    kinds = [block.kind for block in blocks.blocks]
    assert kinds == [TEXT, MARKDOWN, IMAGE, AUDIO]
    contents = {}
    for block in blocks.blocks:
        got = Outcomes()
        fetcher.fetch(settings, block, got.ok, got.failed)
        qtbot.waitUntil(got.over, timeout=5000)
        assert not got.errors
        contents[block.kind] = got.done[0]
    assert "Draw a cat" in contents[TEXT].text  # the text block's own text, no fetch
    assert contents[MARKDOWN].text.startswith("## The answer")
    image = contents[IMAGE]
    assert image.mime_type == "image/png" and image.image is not None
    assert image.image.width() == 32 and image.data.startswith(b"\x89PNG")
    assert contents[AUDIO].mime_type == "audio/wav" and contents[AUDIO].data[:4] == b"RIFF"


def test_an_unknown_block_and_a_missing_connection_say_so(qtbot, worker_pool, agent, clients):
    settings, blocks = agent
    fetcher = BlockFetcher(clients, worker_pool)
    image = blocks.blocks[2]
    got = Outcomes()
    fetcher.fetch(
        settings, type(image)(image.where, "no-such-block", "image/png"), got.ok, got.failed
    )
    qtbot.waitUntil(got.over, timeout=5000)
    assert got.errors and got.errors[0].startswith("Could not fetch the block:")
    assert "was not found" in got.errors[0]
    none = Outcomes()
    fetcher.fetch(None, image, none.ok, none.failed)
    assert none.errors == [
        "No connection with an API key to fetch the block with: check the profile."
    ]


def streamed(body: bytes, content_type: str, *, length: bool = True) -> httpx.Response:
    headers = {"Content-Type": content_type}
    if length:
        headers["Content-Length"] = str(len(body))
    parts = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    return httpx.Response(200, headers=headers, content=iter(parts))


MOCK = ConnectionSettings(api_base="https://api.example.test/api/v1/", api_key="k", max_retries=0)


@pytest.mark.parametrize("length", [True, False])
def test_a_block_over_the_limit_is_refused_as_it_arrives(qtbot, worker_pool, length):
    served: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(1)
        return streamed(b"\x00" * 50_000, "application/octet-stream", length=length)

    clients = Clients(httpx.MockTransport(handler))
    fetcher = BlockFetcher(clients, worker_pool, max_bytes=10_000)
    got = Outcomes()
    block = find_blocks([{"id": "b-big", "mimeType": "video/mp4"}]).blocks[0]
    fetcher.fetch(MOCK, block, got.ok, got.failed)
    qtbot.waitUntil(got.over, timeout=5000)
    assert not got.done and served == [1]
    assert got.errors == [
        "The block's content is over 10.0 kB, more than is fetched to show here: it was not "
        "fetched."
    ]
    clients.close()


def test_a_newer_fetch_cancels_the_older_one(qtbot, worker_pool):
    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        block = json.loads(request.content)["id"]
        if block == "slow":
            release.wait(5)
        return streamed(block.encode(), "text/plain")

    clients = Clients(httpx.MockTransport(handler))
    fetcher = BlockFetcher(clients, worker_pool)
    blocks = find_blocks(
        [{"id": "slow", "mimeType": "text/plain"}, {"id": "fast", "mimeType": "text/plain"}]
    ).blocks
    first, second = Outcomes(), Outcomes()
    fetcher.fetch(MOCK, blocks[0], first.ok, first.failed, key="view")
    fetcher.fetch(MOCK, blocks[1], second.ok, second.failed, key="view")
    qtbot.waitUntil(second.over, timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    assert second.done[0].data == b"fast"
    assert not first.over()  # the older answer is dropped, never shown
    clients.close()


def test_save_and_temporary_copy(qtbot, worker_pool, tmp_path):
    fetcher = BlockFetcher(Clients(), worker_pool, temp_folder=tmp_path / "copies")
    block = find_blocks([{"id": "b/1 ../x", "mimeType": "text/plain", "text": "hello"}]).blocks[0]
    got = Outcomes()
    fetcher.fetch(None, block, got.ok, got.failed)  # its own text: no connection needed
    content = got.done[0]
    saved, copied = Outcomes(), Outcomes()
    fetcher.save(content, str(tmp_path / "out.txt"), saved.ok, saved.failed)
    fetcher.temporary_copy(content, str(block.block_id), copied.ok, copied.failed)
    qtbot.waitUntil(lambda: saved.over() and copied.over(), timeout=5000)
    assert (tmp_path / "out.txt").read_bytes() == b"hello"
    path = copied.done[0]
    assert path.endswith(".txt") and "/.." not in path and Path(path).read_bytes() == b"hello"
    assert path.startswith(str(tmp_path / "copies"))
    fetcher.close()
    assert not list((tmp_path / "copies").iterdir())
