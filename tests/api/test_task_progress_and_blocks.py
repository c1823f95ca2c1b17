"""Issue 14 at the API layer: the package's progress (``remoteStatusMessage``) on a task, the
``block/raw`` operation, and the words for refused keys and HTML error pages."""

from __future__ import annotations

import json

import httpx
import pytest

from shipexplorer.api import ConnectionSettings, HttpError, SteamshipClient, describe
from shipexplorer.api.errors import KEY_REFUSED, html_summary, html_title, key_refused
from shipexplorer.api.tasks import Task, find_task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
KEY = "ss-CANARY-issue14-key"
BAD_GATEWAY = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


def reply(status: int, body: bytes, content_type: str | None) -> httpx.Response:
    """An answer streamed as a server sends it (the client reads bodies as a stream)."""
    headers = {"Content-Type": content_type} if content_type else {}
    return httpx.Response(status, headers=headers, content=iter([body]))


def failed(status: int, message: str, code: str | None = None) -> httpx.Response:
    status_body = {"state": "failed", "statusMessage": message, "statusCode": code}
    return reply(status, json.dumps({"status": status_body}).encode(), "application/json")


def client_with(handler) -> SteamshipClient:
    settings = ConnectionSettings(
        api_base="https://api.example.test/api/v1/", api_key=KEY, max_retries=0
    )
    return SteamshipClient(settings, transport=httpx.MockTransport(handler))


def test_remote_status_message_is_read_in_both_spellings():
    camel = Task.from_dict({"taskId": "t", "state": "running", "remoteStatusMessage": "50%"})
    snake = Task.from_dict({"taskId": "t", "state": "running", "remote_status_message": "1/2"})
    odd = Task.from_dict({"taskId": "t", "state": "running", "remoteStatusMessage": {"pct": 5}})
    assert camel.remote_status_message == "50%" and camel.status_message is None
    assert snake.remote_status_message == "1/2"
    assert odd.remote_status_message == '{"pct": 5}'  # shown as text, never a crash
    found = find_task({"status": {"remoteStatusMessage": "working"}})
    assert found is not None and found.remote_status_message == "working"


def test_block_raw_posts_the_id_and_returns_bytes_and_type():
    seen: list[tuple[str, dict]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, json.loads(request.content)))
        return reply(200, PNG, "image/png")

    with client_with(handler) as client:
        result = client.block_raw("b-1")
    assert seen == [("/api/v1/block/raw", {"id": "b-1"})]
    assert result.value.value == PNG and result.value.mime_type == "image/png"


def test_block_raw_keeps_a_json_block_as_bytes():
    body = json.dumps({"status": {"state": "failed", "statusMessage": "not mine"}}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(200, body, "application/json")

    with client_with(handler) as client:
        result = client.block_raw("b-json")
    assert result.value.value == body and result.value.mime_type == "application/json"


def test_block_raw_errors_raise_and_progress_can_stop_it():
    def handler(request: httpx.Request) -> httpx.Response:
        block = json.loads(request.content)["id"]
        if block == "missing":
            return failed(404, "Block not found.")
        return reply(200, b"x" * 5000, "text/plain")

    class Stop(Exception):
        pass

    def stop(received: int, total: int | None) -> None:
        raise Stop(received)

    with client_with(handler) as client:
        with pytest.raises(HttpError) as caught:
            client.block_raw("missing")
        assert caught.value.status == 404 and "Block not found." in str(caught.value)
        with pytest.raises(Stop):
            client.block_raw("big", on_progress=stop)


def test_a_refused_key_says_so_and_never_shows_the_key():
    def handler(request: httpx.Request) -> httpx.Response:
        return failed(401, f"Key {KEY} is not valid.", "Unauthorized")  # echoes the key

    with client_with(handler) as client:
        exchange = client.send(client.api_request("account/current", verb="GET"))
    error = exchange.error
    assert key_refused(error)
    text = describe(error)
    assert text.splitlines()[0] == KEY_REFUSED
    assert "The server refused the key: check the profile's key (Profiles…)." in text
    assert KEY not in text


def test_an_html_error_page_is_summarised_by_its_title():
    def handler(request: httpx.Request) -> httpx.Response:
        return reply(502, BAD_GATEWAY, "text/html; charset=utf-8")

    with client_with(handler) as client:
        exchange = client.send(client.api_request("workspace/get", {"id": None}))
    error = exchange.error
    expected = "The server answered 502 Bad Gateway with an HTML page: “502 Bad Gateway”."
    assert html_summary(error) == expected
    assert describe(error) == expected
    assert "<" not in describe(error) and not key_refused(error)


def test_html_titles_and_pages_without_a_content_type():
    assert html_title("<html><TITLE>\n  Service &amp; co\n</TITLE></html>") == "Service & co"
    assert html_title("<html><body><h1>Oops <b>down</b></h1></body></html>") == "Oops down"
    assert html_title("<html><body>nothing</body></html>") is None

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(503, b"<html><body>Maintenance</body></html>", None)

    with client_with(handler) as client:
        exchange = client.send(client.api_request("workspace/get", {"id": None}))
    assert describe(exchange.error) == (
        "The server answered 503 Service Unavailable with an HTML page (without a title)."
    )
