"""What the emulator models of the real service, on the wire: instances that initialise (and one
that fails to), remote task progress, blocks and ``block/raw``, Vapor's errors for unknown routes,
both spellings of ``__dir__`` kinds, instances across workspaces, and the state that keeps them."""

from __future__ import annotations

import contextlib
import io
import sqlite3
import time
import wave

import httpx
import pytest

from shipexplorer.emulator import Emulator
from shipexplorer.emulator.state import SCHEMA_VERSION
from shipexplorer.emulator.store import MAX_BLOCKS
from tests.emulator.helpers import app_path, create_instance, make_client, poll_until, unique


def instance_get(http: httpx.Client, inst: dict, **body) -> httpx.Response:
    return http.post(
        "api/v1/package/instance/get",
        json=body or {"handle": inst["handle"]},
        headers={"X-Workspace-Handle": inst["workspaceHandle"]},
    )


# -- initialisation --------------------------------------------------------------------------------
def test_slow_init_is_initializing_then_complete(client: httpx.Client) -> None:
    inst = create_instance(client, "slow-init", config={"seconds": 0.6})
    assert inst["initStatus"] == "initializing"
    early = client.post(app_path(inst, "ask"), json={"question": "now?"})
    assert early.status_code == 503 and int(early.headers["retry-after"]) >= 1
    status = early.json()["status"]
    assert status["state"] == "failed" and status["statusCode"] == "InstanceInitializing"
    # __dir__ answers meanwhile (the explorer builds its forms from it)
    assert client.get(app_path(inst, "__dir__")).status_code == 200

    def complete() -> bool:
        got = instance_get(client, inst).json()["data"]["packageInstance"]
        return got["initStatus"] == "complete"

    poll_until(complete, timeout=5, interval=0.05)
    answer = client.post(app_path(inst, "ask"), json={"question": "now?", "times": 2})
    assert answer.text == " ".join(["Initialised and ready: you asked 'now?'."] * 2)
    status = client.post(app_path(inst, "status"), json={}).json()
    assert status == {"initStatus": "complete", "seconds": 0.6, "createdAt": inst["createdAt"]}


def test_slow_init_waits_three_seconds_by_default(client: httpx.Client) -> None:
    inst = create_instance(client, "slow-init")
    assert inst["initStatus"] == "initializing"
    left = client.post(app_path(inst, "ask"), json={"question": "q"}).headers["retry-after"]
    assert left in ("2", "3")
    package = client.post("api/v1/package/get", json={"handle": "slow-init"}).json()["data"]
    assert package["package"]["profile"]["configTemplate"]["seconds"]["default"] == 3


def test_broken_init_ends_failed_with_a_message(client: httpx.Client) -> None:
    inst = create_instance(client, "broken-init", config={"seconds": 0.2})
    assert inst["initStatus"] == "initializing"
    poll_until(
        lambda: (
            instance_get(client, inst).json()["data"]["packageInstance"]["initStatus"] == "failed"
        ),
        timeout=5,
        interval=0.05,
    )
    answer = client.post(app_path(inst, "ask"), json={"question": "q"})
    assert answer.status_code == 500
    status = answer.json()["status"]
    assert status["statusCode"] == "InstanceInitFailed"
    assert "failed to initialize" in status["statusMessage"]
    assert "model.bin" in status["statusMessage"]


@pytest.mark.parametrize("seconds", [-1, 601, "3"])
def test_init_seconds_are_checked(client: httpx.Client, seconds) -> None:
    response = client.post(
        "api/v1/package/instance/create",
        json={"packageHandle": "slow-init", "handle": unique("s"), "config": {"seconds": seconds}},
    )
    assert response.status_code == 400
    assert response.json()["status"]["statusCode"] == "InvalidConfig"
    assert "seconds" in response.json()["status"]["statusMessage"]


def test_instances_without_an_init_are_not_needed(client: httpx.Client) -> None:
    assert create_instance(client, "greeter")["initStatus"] == "notNeeded"
    assert create_instance(client, "slow-init", config={"seconds": 0})["initStatus"] == "complete"


# -- remote progress -------------------------------------------------------------------------------
def test_slow_job_progress_is_in_remote_status_message(client: httpx.Client) -> None:
    job = create_instance(client, "slow-job")
    task = client.post(app_path(job, "start"), json={"seconds": 0.5, "steps": 2}).json()
    assert task["remoteStatusMessage"] is None and task["statusMessage"] is None
    seen = set()

    def done() -> dict | None:
        status = client.post("api/v1/task/status", json={"taskId": task["taskId"]}).json()
        status = status["status"]
        seen.add((status["state"], status["remoteStatusMessage"], status["statusMessage"]))
        return status if status["state"] == "succeeded" else None

    final = poll_until(done, timeout=10, interval=0.01)
    assert ("running", "step 1 of 2", None) in seen and ("running", "step 2 of 2", None) in seen
    assert final["statusMessage"] is None and final["remoteStatusMessage"] == "step 2 of 2"
    failing = client.post(app_path(job, "start"), json={"seconds": 0.1, "fail": True}).json()

    def failed() -> dict | None:
        status = client.post("api/v1/task/status", json={"taskId": failing["taskId"]}).json()
        return status["status"] if status["status"]["state"] == "failed" else None

    assert "failed" in poll_until(failed)["statusMessage"]  # statusMessage: only the failure


# -- blocks ----------------------------------------------------------------------------------------
def raw_block(http: httpx.Client, block_id: str) -> httpx.Response:
    return http.post("api/v1/block/raw", json={"id": block_id})


def test_agent_prompt_answers_blocks_served_by_block_raw(client: httpx.Client) -> None:
    agent = create_instance(client, "agent")
    response = client.post(app_path(agent, "prompt"), json={"prompt": "hi", "image_size": 8})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    blocks = response.json()
    assert isinstance(blocks, list) and len(blocks) == 4
    for index, block in enumerate(blocks):
        assert set(block) >= {"id", "fileId", "text", "mimeType", "contentURL", "index", "tags"}
        assert block["index"] == index and block["fileId"] == blocks[0]["fileId"]
    text, markdown, image, audio = blocks
    assert [b["mimeType"] for b in blocks] == [
        "text/plain",
        "text/markdown",
        "image/png",
        "audio/wav",
    ]

    got = raw_block(client, text["id"])
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.text == text["text"] and "'hi'" in got.text
    got = raw_block(client, markdown["id"])
    assert got.headers["content-type"] == "text/markdown; charset=utf-8"
    assert got.text == markdown["text"] and got.text.startswith("## ")
    got = raw_block(client, image["id"])
    assert got.headers["content-type"] == "image/png"
    assert got.content.startswith(b"\x89PNG\r\n\x1a\n") and image["text"] == ""
    assert int.from_bytes(got.content[16:20], "big") == 8  # the width asked for
    got = raw_block(client, audio["id"])
    assert got.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(got.content)) as sound:
        assert sound.getnchannels() == 1 and sound.getframerate() == 8000
        assert sound.getnframes() == 4000  # half a second

    meta = client.post("api/v1/block/get", json={"id": image["id"]}).json()
    assert meta == {"data": {"block": image}}


def test_answer_and_async_prompt_shapes(client: httpx.Client) -> None:
    agent = create_instance(client, "agent")
    answered = client.post(app_path(agent, "answer"), json={"prompt": "x", "context_id": None})
    assert list(answered.json()) == ["blocks"] and len(answered.json()["blocks"]) == 4
    streamed = client.post(
        app_path(agent, "async_prompt"),
        json={"prompt": "tell me", "context_id": "chat-1", "seconds": 0.3},
    ).json()
    assert set(streamed) == {"task", "file"}
    (asked,) = streamed["file"]["blocks"]
    assert asked["text"] == "tell me" and asked["fileId"] == streamed["file"]["id"]
    assert raw_block(client, asked["id"]).text == "tell me"

    def done() -> dict | None:
        body = client.post("api/v1/task/status", json={"taskId": streamed["task"]["taskId"]})
        return body.json() if body.json()["status"]["state"] == "succeeded" else None

    final = poll_until(done)
    assert [b["mimeType"] for b in final["data"]][2:] == ["image/png", "audio/wav"]
    assert all(b["fileId"] == streamed["file"]["id"] for b in final["data"])  # one chat file


def test_block_errors(client: httpx.Client) -> None:
    missing = raw_block(client, "no-such-block")
    assert missing.status_code == 404
    assert missing.json()["status"]["statusCode"] == "ObjectNotFound"
    assert client.post("api/v1/block/raw", json={}).status_code == 400
    agent = create_instance(client, "agent")
    for body in (
        {"prompt": ""},
        {"prompt": "x", "context_id": 5},
        {"prompt": "x", "image_size": 0},
    ):
        assert client.post(app_path(agent, "prompt"), json=body).status_code == 400, body


def test_media_audio_is_a_wav(client: httpx.Client) -> None:
    media = create_instance(client, "media")
    got = client.get(app_path(media, "audio"), params={"seconds": "0.1"})
    assert got.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(got.content)) as sound:
        assert sound.getnframes() == 800


# -- Vapor's errors and __dir__ --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("verb", "path", "status", "reason"),
    [
        ("POST", "api/v1/no/such/operation", 404, "Not Found"),
        ("GET", "api/v1/nope", 404, "Not Found"),
        ("GET", "", 404, "Not Found"),
        ("POST", "one-segment", 404, "Not Found"),
        ("GET", "api/v1/package/get", 405, "Method Not Allowed"),
    ],
)
def test_routes_the_server_lacks_answer_vapor_errors(
    client: httpx.Client, verb: str, path: str, status: int, reason: str
) -> None:
    response = client.request(verb, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": True, "reason": reason}


def test_known_operations_keep_the_failed_status(client: httpx.Client) -> None:
    response = client.post("api/v1/package/get", json={"handle": "nope"})
    assert response.status_code == 404 and response.json()["status"]["state"] == "failed"


def kinds(spec: dict, path: str) -> dict[str, str]:
    method = next(m for m in spec["methods"] if m["path"] == path and m["verb"] == "POST")
    return {arg["name"]: arg["kind"] for arg in method["args"]}


def test_dir_lists_kinds_in_both_spellings(client: httpx.Client) -> None:
    greeter = client.get(app_path(create_instance(client, "greeter"), "__dir__")).json()
    assert kinds(greeter, "/greet") == {"name": "<class 'str'>"}
    agent = client.get(app_path(create_instance(client, "agent"), "__dir__")).json()
    assert kinds(agent, "/prompt") == {
        "prompt": "str",
        "context_id": "Optional[str]",
        "image_size": "int",
        "seconds": "float",
    }
    assert kinds(agent, "/async_prompt")["seconds"] == "float"
    prompt = next(m for m in agent["methods"] if m["path"] == "/prompt")
    assert prompt["returns"] == "list"
    slow = client.post(app_path(create_instance(client, "slow-init"), "__dir__")).json()
    assert kinds(slow, "/ask") == {"question": "str", "detail": "Optional[str]", "times": "int"}
    faults = client.get(app_path(create_instance(client, "faults"), "__dir__")).json()
    assert kinds(faults, "/fail")["http_status"] == "<class 'int'>"


def test_optional_arguments_take_null_and_their_type(client: httpx.Client) -> None:
    inst = create_instance(client, "slow-init", config={"seconds": 0})
    path = app_path(inst, "ask")
    assert client.post(path, json={"question": "a", "detail": None}).text.endswith("'a'.")
    assert client.post(path, json={"question": "a", "detail": "d"}).text.endswith("(d)")
    assert client.get(path, params={"question": "a", "detail": "q"}).text.endswith("(q)")
    assert client.post(path, json={"question": "a", "detail": 3}).status_code == 400


# -- workspaces ------------------------------------------------------------------------------------
def test_instances_per_workspace_across_and_by_id(fresh_client: httpx.Client) -> None:
    one = create_instance(fresh_client, "echo", workspace="one")
    two = create_instance(fresh_client, "agent", workspace="two")
    mine = fresh_client.post(
        "api/v1/package/instance/list", json={}, headers={"X-Workspace-Handle": "two"}
    ).json()["data"]["packageInstances"]
    assert [i["handle"] for i in mine] == [two["handle"]]
    across = fresh_client.post(
        "api/v1/package/instance/list",
        json={"acrossWorkspaces": True},
        headers={"X-Workspace-Handle": "two"},
    ).json()["data"]["packageInstances"]
    assert {(i["handle"], i["workspaceHandle"]) for i in across} == {
        (one["handle"], "one"),
        (two["handle"], "two"),
    }
    # by id from any workspace; by handle only in the header's workspace
    by_id = fresh_client.post("api/v1/package/instance/get", json={"id": one["id"]})
    assert by_id.json()["data"]["packageInstance"]["workspaceHandle"] == "one"
    by_handle = fresh_client.post("api/v1/package/instance/get", json={"handle": one["handle"]})
    assert by_handle.status_code == 404


# -- state -----------------------------------------------------------------------------------------
def test_blocks_and_init_timing_survive_a_restart(tmp_path) -> None:
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu, make_client(emu) as http:
        agent = create_instance(http, "agent", workspace="keep")
        blocks = http.post(app_path(agent, "prompt"), json={"prompt": "kept"}).json()
        gone = create_instance(http, "agent", workspace="gone")
        dropped = http.post(app_path(gone, "prompt"), json={"prompt": "x"}).json()
        http.post("api/v1/workspace/delete", json={"handle": "gone"})
        slow = create_instance(http, "slow-init", config={"seconds": 600}, workspace="keep")
        quick = create_instance(http, "slow-init", config={"seconds": 0.2}, workspace="keep")
        broken = create_instance(http, "broken-init", config={"seconds": 0}, workspace="keep")
        raws = {b["id"]: raw_block(http, b["id"]).content for b in blocks}
    time.sleep(0.3)
    with Emulator(state=state) as emu, make_client(emu) as http:
        for block in blocks:
            got = raw_block(http, block["id"])
            assert got.status_code == 200 and got.content == raws[block["id"]]
            assert got.headers["content-type"].startswith(block["mimeType"])
        assert raw_block(http, dropped[0]["id"]).status_code == 404  # its workspace was deleted
        assert instance_get(http, slow).json()["data"]["packageInstance"]["initStatus"] == (
            "initializing"
        )
        assert instance_get(http, quick).json()["data"]["packageInstance"]["initStatus"] == (
            "complete"
        )
        got = instance_get(http, broken).json()["data"]["packageInstance"]
        assert got["initStatus"] == "failed" and got["createdAt"] == broken["createdAt"]


def test_a_schema_1_state_file_is_upgraded(tmp_path) -> None:
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu, make_client(emu) as http:
        echo = create_instance(http, "echo", workspace="old")
    with contextlib.closing(sqlite3.connect(state)) as db:  # as schema 1 left it
        db.execute("DROP TABLE blocks")
        db.execute("DROP TABLE records")
        db.execute("PRAGMA user_version=1")
        db.commit()
    with Emulator(state=state) as emu, make_client(emu) as http:
        assert emu.state_problem is None
        assert instance_get(http, echo).status_code == 200
        agent = create_instance(http, "agent", workspace="old")
        (block, *_) = http.post(app_path(agent, "prompt"), json={"prompt": "new"}).json()
    with Emulator(state=state) as emu, make_client(emu) as http:
        assert raw_block(http, block["id"]).text == block["text"]
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_blocks_are_bounded(monkeypatch, fresh_emulator: Emulator) -> None:
    import shipexplorer.emulator.store as store_module

    monkeypatch.setattr(store_module, "MAX_BLOCKS", 6)
    assert MAX_BLOCKS == 10_000
    with make_client(fresh_emulator) as http:
        agent = create_instance(http, "agent")
        first = http.post(app_path(agent, "prompt"), json={"prompt": "1"}).json()
        second = http.post(app_path(agent, "prompt"), json={"prompt": "2"}).json()
        assert len(fresh_emulator.store.blocks) == 6
        assert raw_block(http, first[0]["id"]).status_code == 404  # the oldest went first
        assert raw_block(http, first[3]["id"]).status_code == 200
        assert all(raw_block(http, b["id"]).status_code == 200 for b in second)
