"""Package method calls: routing, argument conversion, unwrapped results, ``__dir__``."""

from __future__ import annotations

import struct
import zlib

import httpx
import pytest

from shipexplorer.emulator import Emulator
from shipexplorer.emulator.packages.echo import EchoPackage
from tests.emulator.helpers import app_path, create_instance, make_client


@pytest.fixture(scope="module")
def instances(emulator: Emulator) -> dict[str, dict]:
    with make_client(emulator) as http:
        return {
            "echo": create_instance(http, "echo"),
            "greeter": create_instance(http, "greeter"),
            "loud": create_instance(
                http, "greeter", {"greeting": "Good day", "punctuation": ".", "shout": True}
            ),
            "media": create_instance(http, "media"),
            "faults": create_instance(http, "faults"),
            "slow": create_instance(http, "slow-job"),
        }


def test_echo_returns_its_body_unchanged(client: httpx.Client, instances: dict) -> None:
    body = {"a": 1, "b": [1, 2.5, None], "c": {"d": True}, "s": "é✓"}
    response = client.post(app_path(instances["echo"], "echo"), json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body  # raw JSON, no data wrapper
    empty = client.post(app_path(instances["echo"], "echo"))
    assert empty.json() == {}


def test_echo_get_returns_the_query_as_an_object(client: httpx.Client, instances: dict) -> None:
    response = client.get(app_path(instances["echo"], "echo"), params={"x": "1", "flag": "true"})
    assert response.json() == {"x": "1", "flag": "true"}
    repeated = client.get(app_path(instances["echo"], "echo") + "?k=1&k=2&e=")
    assert repeated.json() == {"k": ["1", "2"], "e": ""}


def test_greet_is_text_and_follows_the_config(client: httpx.Client, instances: dict) -> None:
    plain = client.post(app_path(instances["greeter"], "greet"), json={"name": "Ada"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].split(";")[0] == "text/plain"
    assert plain.text == "Hello, Ada!"
    loud = client.post(app_path(instances["loud"], "greet"), json={"name": "Ada"})
    assert loud.text == "GOOD DAY, ADA."
    by_get = client.get(app_path(instances["greeter"], "greet"), params={"name": "Bob"})
    assert by_get.text == "Hello, Bob!"


def test_apps_prefix_and_root_are_the_same(client: httpx.Client, instances: dict) -> None:
    path = app_path(instances["greeter"], "greet")
    root = client.post(path, json={"name": "R"})
    prefixed = client.post(f"_apps/{path}", json={"name": "R"})
    assert root.text == prefixed.text == "Hello, R!"


def test_a_workspace_named_api_works_under_apps(client: httpx.Client) -> None:
    inst = create_instance(client, "greeter", workspace="api")
    assert inst["workspaceHandle"] == "api"
    response = client.post(f"_apps/api/{inst['handle']}/greet", json={"name": "Api"})
    assert response.text == "Hello, Api!"
    # ... and at the root as long as it does not look like /api/v1/.
    assert client.post(f"api/{inst['handle']}/greet", json={"name": "x"}).text == "Hello, x!"


def test_unknown_method_names_the_verb(client: httpx.Client, instances: dict) -> None:
    for verb in ("POST", "GET"):
        response = client.request(verb, app_path(instances["greeter"], "nope"))
        assert response.status_code == 404
        assert response.json()["status"]["state"] == "failed"
        assert (
            response.json()["status"]["statusMessage"] == f"No handler for {verb} nope available."
        )
    # start exists for POST only.
    get_start = client.get(app_path(instances["slow"], "start"))
    assert get_start.json()["status"]["statusMessage"] == "No handler for GET start available."


def test_unknown_instance_or_workspace_is_404(client: httpx.Client, instances: dict) -> None:
    ws = instances["greeter"]["workspaceHandle"]
    for path in (f"{ws}/missing/greet", "missing-ws/x/greet"):
        response = client.post(path, json={})
        assert response.status_code == 404
        assert response.json()["status"]["state"] == "failed"
    # A path that is no route at all: the web framework's (Vapor's) 404.
    for path in ("only-one-segment", ""):
        response = client.post(path, json={})
        assert response.status_code == 404
        assert response.json() == {"error": True, "reason": "Not Found"}


@pytest.mark.parametrize(
    ("method", "body", "word"),
    [
        ("greet", {"name": 42}, "name"),
        ("greet", {}, "name"),
        ("greet", {"name": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_arguments_are_400(
    client: httpx.Client, instances: dict, method: str, body: dict, word: str
) -> None:
    response = client.post(app_path(instances["greeter"], method), json=body)
    assert response.status_code == 400
    status = response.json()["status"]
    assert status["state"] == "failed"
    assert word in status["statusMessage"] and method in status["statusMessage"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"seconds": "soon"}, "seconds"),
        ({"steps": 1.5}, "steps"),
        ({"fail": "yes"}, "fail"),
        ({"steps": True}, "steps"),
        ({"seconds": -1}, "seconds"),
    ],
)
def test_bad_argument_types_for_slow_job(
    client: httpx.Client, instances: dict, body: dict, word: str
) -> None:
    response = client.post(app_path(instances["slow"], "start"), json=body)
    assert response.status_code == 400, response.text
    assert word in response.json()["status"]["statusMessage"]


def test_get_arguments_are_converted_by_declared_kind(
    client: httpx.Client, instances: dict
) -> None:
    image = client.get(app_path(instances["media"], "image"), params={"size": "4"})
    assert image.status_code == 200
    assert struct.unpack(">II", image.content[16:24]) == (4, 4)
    teapot = client.get(
        app_path(instances["faults"], "fail"),
        params={"http_status": "418", "message": "short and stout", "form": "status"},
    )
    assert teapot.status_code == 418
    assert teapot.json()["status"]["statusMessage"] == "short and stout"
    bad_int = client.get(app_path(instances["media"], "image"), params={"size": "big"})
    assert bad_int.status_code == 400
    assert "size" in bad_int.json()["status"]["statusMessage"]
    bad_enum = client.get(app_path(instances["faults"], "fail"), params={"form": "weird"})
    assert bad_enum.status_code == 400
    assert "'status', 'package'" in bad_enum.json()["status"]["statusMessage"]


def test_bad_json_body_is_400(client: httpx.Client, instances: dict) -> None:
    path = app_path(instances["echo"], "echo")
    response = client.post(path, content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"]["state"] == "failed"
    assert client.post(path, json=[1, 2]).status_code == 400


def test_package_exception_names_the_method(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, **body):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(EchoPackage, "echo", broken)
    with Emulator(port=0) as emu, make_client(emu) as http:
        inst = create_instance(http, "echo")
        response = http.post(app_path(inst, "echo"), json={})
    assert response.status_code == 500
    status = response.json()["status"]
    assert status["state"] == "failed"
    assert "echo" in status["statusMessage"] and "kaboom" in status["statusMessage"]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc
        chunks.append((kind, payload))
        offset += 12 + length
    return chunks


def test_media_image_is_a_valid_png(client: httpx.Client, instances: dict) -> None:
    response = client.post(app_path(instances["media"], "image"), json={"size": 8})
    assert response.headers["content-type"] == "image/png"
    chunks = _png_chunks(response.content)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, colour) == (8, 8, 8, 2)
    assert len(zlib.decompress(chunks[1][1])) == 8 * (1 + 8 * 3)


def test_media_markdown(client: httpx.Client, instances: dict) -> None:
    response = client.get(app_path(instances["media"], "markdown"))
    assert response.headers["content-type"] == "text/markdown"
    assert response.text.startswith("# A markdown answer")


def test_dir_has_the_sdk_shape(client: httpx.Client, instances: dict) -> None:
    for verb in ("GET", "POST"):
        spec = client.request(verb, app_path(instances["greeter"], "__dir__")).json()
        assert set(spec) == {"name", "doc", "sdkVersion", "usedMixins", "methods"}
        assert spec["name"] == "GreeterPackage"
        assert spec["sdkVersion"] == "2.17.34"
        for method in spec["methods"]:
            assert set(method) == {"path", "verb", "returns", "doc", "args", "config", "className"}
        greet = [m for m in spec["methods"] if m["path"] == "/greet" and m["verb"] == "POST"]
        assert greet == [
            {
                "path": "/greet",
                "verb": "POST",
                "returns": "<class 'str'>",
                "doc": greet[0]["doc"],
                "args": [{"name": "name", "kind": "<class 'str'>", "values": None}],
                "config": {},
                "className": "GreeterPackage",
            }
        ]
        assert "greeting" in greet[0]["doc"]


def test_dir_lists_kinds_defaults_and_enum_values(client: httpx.Client, instances: dict) -> None:
    slow = client.get(app_path(instances["slow"], "__dir__")).json()
    start = next(m for m in slow["methods"] if m["path"] == "/start")
    assert start["verb"] == "POST"
    assert [(a["name"], a["kind"]) for a in start["args"]] == [
        ("seconds", "<class 'float'>"),
        ("steps", "<class 'int'>"),
        ("fail", "<class 'bool'>"),
    ]
    assert {m["path"] for m in slow["methods"]} == {"/__dir__", "/start", "/start_wrapped"}
    faults = client.get(app_path(instances["faults"], "__dir__")).json()
    fail = next(m for m in faults["methods"] if m["path"] == "/fail" and m["verb"] == "POST")
    form = next(a for a in fail["args"] if a["name"] == "form")
    assert form["values"] == ["status", "package"]
    paths = {m["path"] for m in faults["methods"]}
    assert paths >= {
        "/fail", "/rate_limited", "/bad_json", "/no_content_type", "/disconnect", "/drip", "/big",
        "/redirect", "/slow",
    }  # fmt: skip
    for method in faults["methods"]:
        assert method["doc"], method["path"]
    order = [(m["path"], m["verb"]) for m in faults["methods"]]
    assert order == sorted(order)
