"""Issue 14 in the response area: an answer holding blocks gets a Blocks view that lists them and
shows the selected one's content (text, markdown, an image, audio to play or open), fetched with
``block/raw`` from the emulator's agent package; a refused key says so without the key; an HTML
error page reads as its title, with the page itself in Raw."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QDesktopServices

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.documents.answer import Answer, answer_from_value
from shipexplorer.core.documents.error_answer import answer_from_error
from shipexplorer.core.profiles import Profile
from shipexplorer.services.blocks import BlockFetcher
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.response import blocks_view as bv
from shipexplorer.ui.response import response_view as rv
from shipexplorer.ui.response.response_view import ResponseView
from tests.canary import assert_not_in_text, widget_texts
from tests.service_support import profile_services


@pytest.fixture
def agent_view(qtbot, worker_pool, start_emulator, tmp_path):
    """A ResponseView wired to a RequestRunner and a BlockFetcher over an emulator with an
    agent instance "a" (and an echo "e"), as a request tab would be."""
    canary = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=("demo-key", canary))
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emu.api_base, app_base=emu.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key=canary)) as api:
        api.workspace_create(workspace)
        api.instance_create("agent", "a")
        api.instance_create("echo", "e")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool, spool_dir=tmp_path / "spool")
    profiles.add_builtin(Profile("emu", settings, builtin=True), canary)
    qtbot.waitUntil(lambda: explorer.instance("a") is not None, timeout=5000)
    fetcher = BlockFetcher(clients, worker_pool, temp_folder=tmp_path / "copies")
    view = ResponseView()
    view.set_queries(DocumentQueries(worker_pool))
    view.set_blocks(fetcher, clients.settings)
    runner.finished.connect(lambda _rid, p: view.show_answer(p))
    runner.failed.connect(lambda _rid, p: view.show_answer(p))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)

    def send(handle: str, method: str, args: dict) -> Answer:
        got: list[Answer] = []
        runner.finished.connect(lambda _rid, p: got.append(p))
        runner.failed.connect(lambda _rid, p: got.append(p))
        runner.send(explorer.instance(handle), method, json.dumps(args))
        qtbot.waitUntil(lambda: bool(got), timeout=10000)
        return got[0]

    view.send = send
    view.canary = canary
    yield view
    runner.cancel_all()
    view.release()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=10000)
    fetcher.close()
    clients.close()


def shown(view: ResponseView) -> str:
    return view.blocks_view.content_label.text()


def pick(qtbot, view: ResponseView, row: int) -> None:
    blocks = view.blocks_view
    assert blocks.select(row)
    qtbot.waitUntil(lambda: blocks.content() is not None, timeout=5000)


def test_an_answer_with_blocks_shows_them_and_their_content(qtbot, agent_view, monkeypatch):
    view = agent_view
    assert not view.findChildren(bv.BlocksView)  # built for the first answer with blocks
    view.send("a", "prompt", {"prompt": "Draw a cat", "image_size": 48})
    assert view.views.isTabVisible(rv.BLOCKS_TAB) and view.views.tabText(rv.BLOCKS_TAB) == "Blocks"
    assert len(view.findChildren(bv.BlocksView)) == 1
    assert view.current_view() == "Tree"  # JSON still opens in the Tree
    assert "4 blocks" in view.info_label.text()
    for index, name in enumerate(("Tree", "Raw", "Pretty", "Rendered")):  # Alt+1..4 unchanged
        assert view.views.tabText(index) == name
    assert view.show_view(rv.BLOCKS_TAB) and view.current_view() == "Blocks"
    blocks = view.blocks_view
    listed = blocks.list
    assert listed.topLevelItemCount() == 4
    assert [listed.topLevelItem(r).text(bv.TYPE_COLUMN) for r in range(4)] == [
        "text/plain",
        "text/markdown",
        "image/png",
        "audio/wav",
    ]
    assert "Draw a cat" in listed.topLevelItem(0).text(bv.PREVIEW_COLUMN)
    qtbot.waitUntil(lambda: blocks.content() is not None, timeout=5000)  # the first, on show
    assert blocks.pages.currentIndex() == bv.TEXT_PAGE
    assert "Draw a cat" in blocks.text_view.toPlainText()
    pick(qtbot, view, 2)
    assert blocks.pages.currentIndex() == bv.IMAGE_PAGE
    pixmap = blocks.image_view.pixmap()
    assert not pixmap.isNull() and pixmap.width() <= 48
    assert "image/png" in shown(view) and blocks.save_button.isEnabled()
    pick(qtbot, view, 1)
    assert blocks.pages.currentIndex() == bv.TEXT_PAGE
    assert "The answer, in markdown" in blocks.text_view.toPlainText()
    assert "block/raw" in blocks.text_view.toMarkdown()
    pick(qtbot, view, 3)
    assert blocks.pages.currentIndex() == bv.MEDIA_PAGE
    assert blocks.media_label.text().startswith("Audio: audio/wav")
    assert blocks.open_button.isVisibleTo(blocks)
    assert blocks.play_button.isVisibleTo(blocks) == bv.CAN_PLAY
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    blocks.open_externally()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].endswith(".wav") and Path(opened[0]).read_bytes()[:4] == b"RIFF"
    assert_not_in_text(view.canary, widget_texts(view), "the response view")


def test_blocks_under_file_and_a_plain_answer_without_blocks(qtbot, agent_view):
    view = agent_view
    view.send("a", "async_prompt", {"prompt": "Hello", "seconds": 0.2})
    assert view.views.isTabVisible(rv.BLOCKS_TAB)
    assert view.blocks_view.note_label.text() == "1 block at $.file.blocks"
    view.send("e", "echo", {"blocks": "not blocks", "id": 1})
    assert not view.views.isTabVisible(rv.BLOCKS_TAB)
    assert not view.show_view(rv.BLOCKS_TAB)  # Alt+5 would do nothing here
    assert view.blocks_view.list.topLevelItemCount() == 0


def test_a_task_output_of_blocks_in_the_detail_viewer(qtbot):
    view = ResponseView()
    qtbot.addWidget(view)
    view.show()
    output = [{"id": "b-1", "mimeType": "text/markdown", "text": "# Done\n\nAll **good**."}]
    view.show_answer(answer_from_value(output, title="Output of task t"))
    assert view.show_view(rv.BLOCKS_TAB)
    blocks = view.blocks_view
    qtbot.waitUntil(lambda: blocks.content() is not None, timeout=2000)  # no fetcher needed
    assert blocks.text_view.toPlainText().startswith("Done")
    view.show_answer(answer_from_value([{"id": "b-2", "mimeType": "image/png"}]))
    view.show_view(rv.BLOCKS_TAB)
    qtbot.waitUntil(lambda: "cannot be fetched" in shown(view), timeout=2000)


def test_a_refused_key_says_so_and_never_shows_it(qtbot, agent_view):
    view = agent_view
    wrong = f"ss-CANARY-{uuid.uuid4()}"  # a server that echoes the key it refuses
    settings = ConnectionSettings(
        api_base="http://127.0.0.1:1/api/v1/", api_key=wrong, max_retries=0
    )

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"status": {"state": "failed", "statusMessage": f"Bad key {wrong}"}}
        return httpx.Response(
            401,
            headers={"Content-Type": "application/json"},
            content=iter([json.dumps(body).encode()]),
        )

    with SteamshipClient(settings, transport=httpx.MockTransport(handler)) as client:
        exchange = client.send(client.api_request("account/current", verb="GET"))
    view.show_answer(answer_from_error(exchange.error))
    assert view.status_text() == "401 Unauthorized"
    assert view.error_text().splitlines()[0] == (
        "The server refused the key: check the profile's key (Profiles…)."
    )
    assert_not_in_text(wrong, widget_texts(view), "the response view")
    assert_not_in_text(wrong, view.body_text(), "the answer's text")


def test_a_key_the_emulator_refuses(qtbot, worker_pool, emulator, tmp_path):
    canary = f"ss-CANARY-{uuid.uuid4()}"
    settings = ConnectionSettings(api_base=emulator.api_base, app_base=emulator.app_base)
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    runner = RequestRunner(clients, worker_pool)
    profiles.add_builtin(Profile("emu", settings, builtin=True), canary)
    view = ResponseView()
    qtbot.addWidget(view)
    view.show()
    got: list[Answer] = []
    runner.failed.connect(lambda _rid, p: got.append(p))
    runner.finished.connect(lambda _rid, p: got.append(p))
    runner.send("nowhere", "greet", "{}")
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    view.show_answer(got[0])
    assert view.status_text() == "401 Unauthorized"
    assert "The server refused the key: check the profile's key (Profiles…)." in view.error_text()
    assert_not_in_text(canary, widget_texts(view) + view.body_text(), "the response view")
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()


PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def test_an_html_502_reads_as_its_title_with_the_page_in_raw(qtbot):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, headers={"Content-Type": "text/html"}, content=iter([PAGE]))

    settings = ConnectionSettings(
        api_base="https://api.example.test/api/v1/", api_key="k", max_retries=0
    )
    with SteamshipClient(settings, transport=httpx.MockTransport(handler)) as client:
        exchange = client.send(client.api_request("workspace/list", {}))
    view = ResponseView()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    view.show_answer(answer_from_error(exchange.error))
    assert view.status_text() == "502 Bad Gateway"
    said = view.error_text()
    assert said.splitlines()[0] == (
        "The server answered 502 Bad Gateway with an HTML page: “502 Bad Gateway”."
    )
    assert "<html>" not in said and "The page as received is in the Raw view." in said
    assert view.current_view() == "Raw"  # the page itself, one click away at most
    raw = "\n".join(view.raw_view.line_text(i) for i in range(view.raw_view.line_count()))
    assert "<center><h1>502 Bad Gateway</h1></center>" in raw
    assert view.answer.content().raw == PAGE
