"""What a history entry says of itself: whose call it was (from its request, or its URL for rows
older than the record of it) and its status in words."""

from __future__ import annotations

import pytest

from shipexplorer.api.request import ApiRequest, InstanceRef
from shipexplorer.core.history_records import (
    APP,
    USER,
    origin_from_url,
    origin_of_request,
    status_words,
)

API = "http://127.0.0.1:8/api/v1/"
APPS = "http://127.0.0.1:8/_apps/"


def operation(name: str) -> ApiRequest:
    return ApiRequest("POST", API + name, operation=name)


def method(path: str) -> ApiRequest:
    return ApiRequest(
        "POST", f"{APPS}ws/e/{path}", package_call=True, instance=InstanceRef("e"), method_path=path
    )


@pytest.mark.parametrize(
    ("request_", "origin"),
    [
        (method("echo"), USER),
        (method("greet/loud"), USER),
        (method("__dir__"), APP),
        (method("__instance_init__"), APP),
        (operation("package/instance/create"), USER),
        (operation("workspace/create"), USER),
        (operation("workspace/list"), APP),
        (operation("package/instance/list"), APP),
        (operation("package/list"), APP),
        (operation("package/get"), APP),
        (operation("account/current"), APP),
        (operation("task/status"), APP),
        (None, None),
    ],
)
def test_the_origin_of_a_request(request_, origin):
    assert origin_of_request(request_) == origin


@pytest.mark.parametrize(
    ("url", "instance", "name", "origin"),
    [
        (f"{APPS}ws/e/echo", "e", "echo", USER),
        (f"{APPS}ws/e/echo?x=1", None, None, USER),
        (f"{APPS}ws/e/__dir__", "e", "__dir__", APP),
        (f"{APPS}ws/e/__dir__", None, None, APP),
        (f"{API}workspace/list", None, "workspace/list", APP),
        (f"{API}package/instance/list", None, None, APP),
        (f"{API}package/instance/create", None, "package/instance/create", USER),
        ("https://api.example.com/v9/workspace/list", None, "workspace/list", APP),
        ("https://user.steamship.run/ws/e/greet", "e", "greet", USER),
        ("", None, None, USER),
    ],
)
def test_the_origin_of_an_old_row_from_its_url(url, instance, name, origin):
    assert origin_from_url(url, instance, name) == origin


@pytest.mark.parametrize(
    ("status", "kind", "error", "words"),
    [
        (200, "data", None, "200 OK"),
        (200, "task", None, "200 OK · task"),
        (
            200,
            "error",
            "ProtocolError: Inconsistent response from server: the JSON body does not parse (x).",
            "200 · invalid JSON",
        ),
        (
            200,
            "error",
            "ProtocolError: Inconsistent response: the body is null.",
            "200 · empty answer",
        ),
        (200, "error", "TaskFailed: the task failed", "200 · task failed"),
        (404, "error", "HttpError: no such instance", "404 Not Found"),
        (500, "error", "HttpError: boom", "500 Internal Server Error"),
        (429, "error", "RateLimited: slow down", "429 Too Many Requests"),
        (599, "error", "HttpError: odd", "599"),
        (None, "error", "Cancelled: Cancelled.", "cancelled"),
        (None, "error", "ConnectionRefused: refused", "connection failed"),
        (None, "error", "DnsError: no such host", "connection failed"),
        (None, "error", "ReadTimeout: read", "timed out"),
        (None, "error", None, "connection failed"),
    ],
)
def test_status_in_words(status, kind, error, words):
    assert status_words(status, kind, error) == words
    assert "error" not in words
