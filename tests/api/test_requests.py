"""What goes on the wire: URLs, headers and bodies exactly as the official client sends them.

These use ``httpx.MockTransport`` to capture requests; the same shapes are checked against the
emulator's record and, when its environment exists, against the official client itself
(``test_official_parity.py``).
"""

from __future__ import annotations

import json

import httpx
import pytest

from shipexplorer import __version__
from shipexplorer.api import (
    ConnectionSettings,
    InsecureTransportError,
    InstanceRef,
    PackageInstance,
    SteamshipClient,
)

KEY = "k-123"


class Capture:
    def __init__(self, answer=None):  # type: ignore[no-untyped-def]
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda req: httpx.Response(200, json={"data": {}}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)


def make(capture, **settings) -> SteamshipClient:  # type: ignore[no-untyped-def]
    base = {
        "api_key": KEY,
        "api_base": "https://api.example.test/api/v1",
        "app_base": "https://example.run/",
    }
    base.update(settings)
    return SteamshipClient(ConnectionSettings(**base), transport=httpx.MockTransport(capture))


def own_headers(request: httpx.Request) -> dict[str, str]:
    skip = {"host", "accept", "accept-encoding", "connection", "content-length", "user-agent"}
    return {k: v for k, v in request.headers.items() if k not in skip}


def test_post_operation_headers_and_body():
    cap = Capture()
    client = make(cap, workspace_handle="ws", workspace_id="WS-ID")
    client.workspace_list(page_size=10)
    req = cap.requests[0]
    assert req.method == "POST" and str(req.url) == "https://api.example.test/api/v1/workspace/list"
    assert own_headers(req) == {
        "authorization": f"Bearer {KEY}",
        "x-workspace-id": "WS-ID",
        "content-type": "application/json",
    }
    assert req.headers["user-agent"] == f"shipexplorer/{__version__}"
    assert req.content == b'{"pageSize": 10, "pageToken": null, "sortOrder": "DESC"}'


def test_workspace_handle_header_when_no_id_and_none_when_neither():
    cap = Capture()
    make(cap, workspace_handle="ws").workspace_get(handle="x")
    make(cap).workspace_get(id="1")
    assert cap.requests[0].headers["x-workspace-handle"] == "ws"
    assert "x-workspace-id" not in cap.requests[0].headers
    assert "x-workspace-handle" not in cap.requests[1].headers
    assert "x-workspace-id" not in cap.requests[1].headers
    assert cap.requests[0].content == b'{"id": null, "handle": "x"}'


def test_account_current_is_a_get_without_body():
    cap = Capture(
        lambda r: httpx.Response(200, json={"data": {"user": {"id": "u", "handle": "h"}}})
    )
    user = make(cap).account_current().value
    req = cap.requests[0]
    assert (user.id, user.handle) == ("u", "h")
    assert req.method == "GET" and str(req.url) == "https://api.example.test/api/v1/account/current"
    assert req.content == b"" and "content-type" not in req.headers


def test_bodies_as_the_official_client_writes_them():
    cap = Capture()
    client = make(cap)
    client.instance_create("greeter", "g", config={"greeting": "Hi"})
    client.instance_get("g")
    client.instance_list()
    client.package_get("greeter")
    client.workspace_create("w2")
    client.task_status("T")
    client.task_get("T")
    bodies = [json.loads(r.content) for r in cap.requests]
    assert list(bodies[0].items()) == [
        ("id", None),
        ("packageId", None),
        ("packageHandle", "greeter"),
        ("packageVersionId", None),
        ("packageVersionHandle", None),
        ("handle", "g"),
        ("fetchIfExists", True),
        ("config", {"greeting": "Hi"}),
        ("workspaceId", None),
        ("localDevelopmentURL", None),
    ]
    assert cap.requests[0].content.startswith(b'{"id": null, "packageId": null, ')
    assert bodies[1] == {"id": None, "handle": "g"}
    assert list(bodies[2]) == [
        "pageSize",
        "pageToken",
        "sortOrder",
        "packageId",
        "packageVersionId",
        "includeWorkspace",
        "acrossWorkspaces",
    ]
    assert bodies[3] == {"id": None, "handle": "greeter"}
    assert bodies[4] == {
        "id": None,
        "handle": "w2",
        "fetchIfExists": True,
        "externalId": None,
        "externalType": None,
        "metadata": None,
    }
    assert bodies[5] == {"taskId": "T"} and bodies[6] == {"id": "T", "handle": None}
    paths = [r.url.path for r in cap.requests]
    assert paths == [
        "/api/v1/package/instance/create",
        "/api/v1/package/instance/get",
        "/api/v1/package/instance/list",
        "/api/v1/package/get",
        "/api/v1/workspace/create",
        "/api/v1/task/status",
        "/api/v1/task/get",
    ]


def test_background_header():
    cap = Capture(
        lambda r: httpx.Response(200, json={"status": {"taskId": "t", "state": "waiting"}})
    )
    result = make(cap).workspace_create("w", background=True)
    assert cap.requests[0].headers["x-task-background"] == "true"
    assert result.value is None and result.task.task_id == "t"


INSTANCE = PackageInstance(
    id="I-1",
    handle="inst",
    package_id="P-1",
    package_handle="pkg",
    user_handle="alice",
    workspace_handle="ws",
    workspace_id="W-1",
)


def test_invoke_url_uses_the_user_handle_subdomain_for_remote_app_bases():
    cap = Capture(lambda r: httpx.Response(200, text="hi"))
    result = make(cap).invoke(INSTANCE, "/greet", {"name": "Ada"})
    req = cap.requests[0]
    assert str(req.url) == "https://alice.example.run/ws/inst/greet"
    assert own_headers(req) == {
        "authorization": f"Bearer {KEY}",
        "x-package-owner-handle": "alice",
        "x-package-id": "P-1",
        "x-package-instance-id": "I-1",
        "content-type": "application/json",
    }
    assert req.content == b'{"name": "Ada"}'
    assert result.value.value == "hi" and result.value.kind == "text"


def test_invoke_local_app_base_keeps_its_path_prefix_and_sub_paths():
    cap = Capture()
    client = make(cap, app_base="http://127.0.0.1:5/_apps")
    client.invoke(INSTANCE, "sub/path", {})
    assert str(cap.requests[0].url) == "http://127.0.0.1:5/_apps/ws/inst/sub/path"
    assert cap.requests[0].content == b"{}"


def test_invoke_get_sends_a_query_string_and_no_body():
    cap = Capture()
    make(cap).invoke(
        INSTANCE, "greet", {"name": "A d&a", "n": 2, "skip": None, "l": [1, 2]}, verb="GET"
    )
    req = cap.requests[0]
    assert req.method == "GET" and req.content == b"" and "content-type" not in req.headers
    assert str(req.url) == "https://alice.example.run/ws/inst/greet?name=A+d%26a&n=2&l=1&l=2"


def test_invoke_by_handle_uses_settings_workspace_or_underscore():
    cap = Capture()
    make(cap, app_base="http://localhost:5/", workspace_handle="w9").invoke("i", "m")
    make(cap, app_base="http://localhost:5/").invoke(InstanceRef("i"), "m")
    assert [str(r.url) for r in cap.requests] == [
        "http://localhost:5/w9/i/m",
        "http://localhost:5/_/i/m",
    ]
    with pytest.raises(ValueError, match="user handle"):
        make(cap).invoke("i", "m")  # a remote app base needs the owner's handle


def test_plain_http_to_a_remote_host_with_a_key_is_refused_and_nothing_sent():
    cap = Capture()
    client = make(cap, api_base="http://api.example.test/api/v1/")
    with pytest.raises(InsecureTransportError) as info:
        client.workspace_list()
    assert "https" in str(info.value) and "Nothing was sent" in str(info.value)
    assert cap.requests == []
    assert info.value.exchange is not None and info.value.exchange.status is None
    # tricky hosts that merely contain a loopback name are remote too
    client = make(cap, app_base="http://127.0.0.1.evil.example/")
    with pytest.raises(InsecureTransportError):
        client.invoke(INSTANCE, "m")
    assert cap.requests == []
    # without a key, or to loopback, plain http is allowed
    make(cap, api_key=None, api_base="http://api.example.test/").workspace_list()
    make(cap, api_base="http://localhost:1/").workspace_list()
    assert len(cap.requests) == 2


def test_redirect_is_not_followed():
    cap = Capture(lambda r: httpx.Response(307, headers={"Location": "https://other.test/x"}))
    client = make(cap)
    with pytest.raises(Exception) as info:
        client.workspace_list()
    assert len(cap.requests) == 1
    assert info.value.exchange.status == 307
    assert ("Location", "https://other.test/x") in [
        (k.title(), v) for k, v in info.value.exchange.response_headers
    ]


def test_exchange_record():
    cap = Capture(lambda r: httpx.Response(200, json={"data": {"ok": True}}))
    seen = []
    client = SteamshipClient(
        ConnectionSettings(api_key=KEY, api_base="https://a.test/"),
        transport=httpx.MockTransport(cap),
        on_exchange=seen.append,
    )
    result = client.call("workspace/get", {"id": "1"})
    ex = result.exchange
    assert seen == [ex]
    assert ex.method == "POST" and ex.url == "https://a.test/workspace/get" and ex.status == 200
    assert ex.request_body == b'{"id": "1"}' and json.loads(ex.response_body) == {
        "data": {"ok": True}
    }
    assert ex.kind == "data" and ex.data == {"ok": True} and ex.elapsed >= 0
    assert ("Authorization", "Bearer ***") in ex.request_headers
    d = ex.to_dict()
    assert d["status"] == 200 and d["outcome"]["kind"] == "data"
    assert KEY not in json.dumps(d) and KEY not in repr(ex)


def test_get_arguments_must_be_name_value_pairs():
    client = make(Capture())
    with pytest.raises(TypeError):
        client.invoke(INSTANCE, "m", [1, 2, 3], verb="GET")
    with pytest.raises(ValueError):
        client.invoke(INSTANCE, "m", {"x": float("nan")})  # JSON cannot carry NaN
