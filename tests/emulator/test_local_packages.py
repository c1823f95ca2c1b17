"""Packages served from a folder: package/create|get|update, instances with a
localDevelopmentURL, forwarding to that URL (a stand-in local server on loopback answers as the
official CLI's does), the key never sent off this computer, and the --local state keeping them."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from shipexplorer.emulator import DEMO_API_KEY, Emulator
from shipexplorer.emulator.local_forward import forward_headers
from shipexplorer.emulator.store import Instance, Workspace
from tests.emulator.helpers import make_client, unique

MANIFEST = {
    "type": "package",
    "handle": "my-pkg",
    "version": "0.0.1",
    "description": "Mine",
    "configTemplate": {"greeting": {"type": "string", "default": "Hi", "description": "x"}},
}


class FakeLocalServer:
    """Answers like ``ship run local``: an InvocableResponse as JSON; records what it got."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, body: bytes) -> None:
                owner.calls.append(
                    {"verb": self.command, "path": self.path, "headers": dict(self.headers)}
                    | {"body": body}
                )
                if self.path.startswith("/greet"):
                    args = json.loads(body or b"{}")
                    payload = {"data": f"Hello, {args.get('name')}!", "http": {"status": 200}}
                elif self.path.startswith("/__dir__"):
                    payload = {"data": {"name": "Mine", "methods": []}, "http": {"status": 200}}
                elif self.path.startswith("/job"):
                    payload = {"status": {"taskId": "T1", "state": "waiting"}}
                elif self.path.startswith("/boom"):
                    payload = {"status": {"state": "failed", "statusMessage": "It broke."}}
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"Expecting value: line 1 column 1")
                    return
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(b"")

            def do_POST(self) -> None:
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_server() -> Iterator[FakeLocalServer]:
    server = FakeLocalServer()
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _register(http: httpx.Client, url: str, ws: str, handle: str = "my-dev") -> httpx.Response:
    http.post("api/v1/workspace/create", json={"handle": ws, "fetchIfExists": True})
    created = http.post(
        "api/v1/package/create",
        json={"handle": "my-pkg", "profile": MANIFEST, "isPublic": False, "fetchIfExists": True},
    )
    assert created.status_code == 200, created.text
    body = {
        "id": None,
        "packageId": None,
        "packageHandle": "my-pkg",
        "packageVersionId": None,
        "packageVersionHandle": "local-development!",
        "handle": handle,
        "fetchIfExists": True,
        "config": {},
        "workspaceId": None,
        "localDevelopmentURL": url,
    }
    return http.post(
        "api/v1/package/instance/create", json=body, headers={"X-Workspace-Handle": ws}
    )


def test_package_create_get_update(fresh_client: httpx.Client) -> None:
    user = fresh_client.get("api/v1/account/current").json()["data"]["user"]
    body = {"handle": "my-pkg", "profile": MANIFEST, "isPublic": False, "fetchIfExists": True}
    first = fresh_client.post("api/v1/package/create", json=body).json()["data"]["package"]
    assert first["handle"] == "my-pkg" and first["userId"] == user["id"]
    again = fresh_client.post("api/v1/package/create", json=body).json()["data"]["package"]
    assert again["id"] == first["id"]
    refused = fresh_client.post("api/v1/package/create", json={**body, "fetchIfExists": False})
    assert refused.status_code == 409
    got = fresh_client.post("api/v1/package/get", json={"handle": "my-pkg"}).json()
    assert got["data"]["package"]["profile"]["configTemplate"] == MANIFEST["configTemplate"]
    new_profile = {**MANIFEST, "description": "Changed"}
    updated = fresh_client.post(
        "api/v1/package/update", json={"id": first["id"], "profile": new_profile}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["package"]["description"] == "Changed"
    demo = fresh_client.post("api/v1/package/create", json={**body, "handle": "echo"})
    assert demo.status_code == 409
    assert "demo packages" in demo.json()["status"]["statusMessage"]


def test_forwarding_answers_as_the_engine(
    fresh_client: httpx.Client, local_server: FakeLocalServer
) -> None:
    ws = unique("ws")
    created = _register(fresh_client, local_server.url, ws)
    assert created.status_code == 200, created.text
    inst = created.json()["data"]["packageInstance"]
    assert inst["localDevelopmentURL"] == local_server.url
    assert inst["userHandle"] and inst["workspaceHandle"] == ws

    greet = fresh_client.post(f"_apps/{ws}/my-dev/greet", json={"name": "Ann"})
    assert greet.status_code == 200
    assert greet.headers["content-type"].startswith("text/plain")
    assert greet.text == "Hello, Ann!"
    call = local_server.calls[-1]
    assert call["verb"] == "POST" and call["path"] == "/greet"
    assert json.loads(call["body"]) == {"name": "Ann"}
    assert call["headers"]["Authorization"] == f"Bearer {DEMO_API_KEY}"
    assert call["headers"]["X-Workspace-Handle"] == ws
    assert call["headers"]["X-Package-Instance-Id"] == inst["id"]

    spec = fresh_client.get(f"_apps/{ws}/my-dev/__dir__?x=1")
    assert spec.json() == {"name": "Mine", "methods": []}
    assert local_server.calls[-1]["path"] == "/__dir__?x=1"

    job = fresh_client.post(f"_apps/{ws}/my-dev/job", json={})
    assert job.json() == {"status": {"taskId": "T1", "state": "waiting"}}

    boom = fresh_client.post(f"_apps/{ws}/my-dev/boom", json={})
    assert boom.status_code == 500
    assert boom.json()["status"]["statusMessage"] == "It broke."

    odd = fresh_client.post(f"_apps/{ws}/my-dev/odd", json={})
    assert odd.status_code == 502
    assert "Expecting value" in odd.json()["status"]["statusMessage"]


def test_a_server_that_is_down_is_said_in_words(fresh_client: httpx.Client) -> None:
    ws = unique("ws")
    url = f"http://127.0.0.1:{_free_port()}/"
    assert _register(fresh_client, url, ws).status_code == 200
    answer = fresh_client.post(f"_apps/{ws}/my-dev/greet", json={})
    assert answer.status_code == 502
    status = answer.json()["status"]
    assert status["state"] == "failed"
    assert "is not running" in status["statusMessage"] and url in status["statusMessage"]
    assert "Restart" in status["statusSuggestion"]


def test_a_local_package_needs_its_url(fresh_client: httpx.Client, local_server) -> None:
    ws = unique("ws")
    assert _register(fresh_client, local_server.url, ws).status_code == 200
    body = {"packageHandle": "my-pkg", "handle": "plain", "fetchIfExists": True}
    answer = fresh_client.post(
        "api/v1/package/instance/create", json=body, headers={"X-Workspace-Handle": ws}
    )
    assert answer.status_code == 400
    assert "localDevelopmentURL" in answer.json()["status"]["statusMessage"]


def test_a_non_loopback_url_is_refused(fresh_client: httpx.Client) -> None:
    for url in ("http://example.com:8443/", "https://127.0.0.1:8443/", "http://10.0.0.5/"):
        answer = _register(fresh_client, url, unique("ws"))
        assert answer.status_code == 400, url
        assert "loopback" in answer.json()["status"]["statusMessage"]


def test_the_key_is_never_forwarded_off_this_computer() -> None:
    from shipexplorer.emulator.local_packages import make_package

    ws = Workspace("W", "ws")
    inst = Instance("I", "dev", make_package("p", {}), {}, ws, "U", "user")
    incoming = {"Authorization": f"Bearer {DEMO_API_KEY}", "X-Task-Background": "true"}
    for url in ("http://example.com/", "http://192.168.1.2:80/", "http://127.0.0.1.evil.io/"):
        headers = forward_headers(inst, incoming, url, has_body=True)
        assert "Authorization" not in headers, url
        assert DEMO_API_KEY not in json.dumps(headers)
    for url in ("http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:9/"):
        assert forward_headers(inst, incoming, url, True)["Authorization"].endswith(DEMO_API_KEY)


def test_local_state_keeps_package_and_instance(tmp_path, local_server: FakeLocalServer) -> None:
    state = tmp_path / "state.sqlite"
    ws = unique("ws")
    with Emulator(port=0, state=state) as emu, make_client(emu) as http:
        assert _register(http, local_server.url, ws).status_code == 200
    with Emulator(port=0, state=state) as emu, make_client(emu) as http:
        got = http.post("api/v1/package/get", json={"handle": "my-pkg"})
        assert got.json()["data"]["package"]["description"] == "Mine"
        inst = http.post(
            "api/v1/package/instance/get",
            json={"handle": "my-dev"},
            headers={"X-Workspace-Handle": ws},
        ).json()["data"]["packageInstance"]
        assert inst["localDevelopmentURL"] == local_server.url
        assert http.post(f"_apps/{ws}/my-dev/greet", json={"name": "Bo"}).text == "Hello, Bo!"
        moved = f"http://127.0.0.1:{_free_port()}/"
        again = _register(http, moved, ws).json()["data"]["packageInstance"]
        assert again["id"] == inst["id"] and again["localDevelopmentURL"] == moved


def test_a_server_that_does_not_answer_times_out_in_words() -> None:
    from shipexplorer.emulator.envelopes import ApiError
    from shipexplorer.emulator.local_forward import forward
    from shipexplorer.emulator.local_packages import make_package

    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        inst = Instance("I", "dev", make_package("p", {}), {}, Workspace("W", "ws"), "U", "u")
        inst.local_url = url
        with pytest.raises(ApiError) as caught:
            forward(inst, "POST", "greet", [], b"{}", {}, timeout=0.3)
    error = caught.value
    assert error.http_status == 504
    assert error.message == f"The package's local server at {url} did not answer within 0.3 s."
