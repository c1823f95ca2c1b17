"""Every operation against the emulator over loopback, in both dialects."""

from __future__ import annotations

import time

import pytest

from shipexplorer.api import (
    HttpError,
    PackageInstance,
    SteamshipClient,
    Task,
)

from .conftest import poll


def test_account_and_workspaces(client: SteamshipClient, emulator):
    user = client.account_current().value
    assert user.handle == "demo-user" and user.id
    first = client.workspace_create("ops-ws").value
    again = client.workspace_create("ops-ws").value
    assert first.id and first.id == again.id and first.handle == "ops-ws"
    assert client.workspace_get(id=first.id).value.handle == "ops-ws"
    assert client.workspace_get(handle="ops-ws").value.id == first.id
    handles = [w.handle for w in client.workspace_list(page_size=100).value]
    assert {"ops-ws", "default"} <= set(handles)
    with pytest.raises(HttpError) as info:
        client.workspace_get(handle="no-such-workspace")
    assert info.value.status == 404


def test_workspace_list_pages(client: SteamshipClient):
    for i in range(3):
        client.workspace_create(f"page-ws-{i}")
    page = client.workspace_list(page_size=2).value
    assert len(page) == 2 and page.next_page_token
    rest = client.workspace_list(page_size=2, page_token=page.next_page_token).value
    assert not {w.id for w in page} & {w.id for w in rest}


def test_packages(client: SteamshipClient):
    handles = {p.handle for p in client.package_list().value}
    assert {"echo", "greeter", "slow-job", "faults", "media"} <= handles
    greeter = client.package_get("greeter").value
    template = {f.name: f for f in greeter.config_template}
    assert template["greeting"].default == "Hello" and template["greeting"].type == "string"
    assert template["punctuation"].options == ["!", ".", "?"]
    assert template["shout"].type == "boolean" and template["shout"].default is False
    with pytest.raises(HttpError):
        client.package_get("no-such-package")


def test_instances(client: SteamshipClient, demo):
    inst = client.instance_create("greeter", "ops-greeter", config={"greeting": "Hey"}).value
    assert isinstance(inst, PackageInstance)
    assert inst.user_handle == "demo-user" and inst.workspace_handle == "api-tests"
    assert inst.config == {"greeting": "Hey"} and inst.init_status
    assert client.instance_get("ops-greeter").value.id == inst.id
    listed = client.instance_list().value
    assert inst.id in {i.id for i in listed}
    assert client.invoke(inst, "greet", {"name": "Ada"}).value.value == "Hey, Ada!"


@pytest.mark.parametrize(
    ("config", "word"),
    [({"punctuation": ";"}, "punctuation"), ({"shout": "yes"}, "shout"), ({"nope": 1}, "nope")],
)
def test_instance_config_validation_is_a_400(client: SteamshipClient, config, word):
    with pytest.raises(HttpError) as info:
        client.instance_create("greeter", "bad-greeter", config=config)
    assert info.value.status == 400 and info.value.code == "InvalidConfig"
    assert word in str(info.value) and info.value.suggestion


def test_operation_errors(client: SteamshipClient, make_client):
    with pytest.raises(HttpError) as info:
        client.workspace_list(page_size=-1)
    assert info.value.status == 400 and "pageSize" in str(info.value)
    client.workspace_create("dup-ws")
    with pytest.raises(HttpError) as info:
        client.workspace_create("dup-ws", fetch_if_exists=False)
    assert info.value.status == 409
    with pytest.raises(HttpError) as info:
        make_client(api_key="not-the-key").account_current()
    assert info.value.status == 401 and "not valid" in str(info.value)


def test_invoke_kinds(client: SteamshipClient, demo):
    echoed = client.invoke(demo["echo"], "echo", {"a": [1, {"b": None}], "c": "é"})
    assert echoed.value.kind == "json" and echoed.value.value == {"a": [1, {"b": None}], "c": "é"}
    assert echoed.task is None
    got = client.invoke(demo["echo"], "echo", {"a": "1", "b": "x y"}, verb="GET")
    assert got.value.value == {"a": "1", "b": "x y"}
    text = client.invoke(demo["greeter"], "greet", {"name": "Bob"})
    assert text.value.kind == "text" and text.value.value == "Hello, Bob!"
    assert (
        client.invoke(demo["greeter"], "greet", {"name": "G"}, verb="GET").value.value
        == "Hello, G!"
    )
    png = client.invoke(demo["media"], "image")
    assert png.value.kind == "bytes" and png.value.mime_type == "image/png"
    assert png.value.value.startswith(b"\x89PNG")
    md = client.invoke(demo["media"], "markdown")
    assert md.value.kind == "markdown" and md.value.value.startswith("#")


def test_unknown_method(client: SteamshipClient, demo):
    with pytest.raises(HttpError) as info:
        client.invoke(demo["echo"], "nope")
    assert info.value.status == 404
    assert "No handler for POST nope available." in str(info.value)


def test_describe(client: SteamshipClient, demo):
    spec = client.describe(demo["greeter"]).value
    greet = spec.method("greet", "POST")
    assert greet is not None and greet.doc and greet.returns == "<class 'str'>"
    assert [a.name for a in greet.args] == ["name"] and greet.args[0].type_name == "str"
    start = client.describe(demo["slow-job"], verb="POST").value.method("start")
    assert start is not None and {a.name for a in start.args} >= {"seconds", "steps", "fail"}
    fail = client.describe(demo["faults"]).value.method("fail")
    form = next(a for a in fail.args if a.name == "form")
    assert form.values == ["status", "package"]


def _wait(client: SteamshipClient, task: Task, timeout: float = 15.0) -> Task:
    seen: list[str] = []
    end = time.monotonic() + timeout
    while not task.is_finished:
        assert time.monotonic() < end, f"task still {task.state}"
        task = client.task_status(task.task_id).value
        seen.append(task.state)
    return task


@pytest.mark.parametrize("method", ["start", "start_wrapped"])
def test_task_to_success(client: SteamshipClient, demo, method):
    result = client.invoke(demo["slow-job"], method, {"seconds": 0.3, "steps": 2})
    assert result.is_task and result.task.task_id and not result.task.is_finished
    done = _wait(client, result.task)
    assert done.succeeded
    assert done.output_value()["result"] == "done"
    assert client.task_get(done.task_id).value.state == "succeeded"


def test_task_to_failure(client: SteamshipClient, demo):
    task = client.invoke(demo["slow-job"], "start", {"seconds": 0.2, "steps": 1, "fail": True}).task
    done = _wait(client, task)
    assert done.failed and done.status_message and done.status_code == "SlowJobFailed"
    assert done.status_suggestion


def test_task_states_are_observed_in_order(client: SteamshipClient, demo):
    task = client.invoke(demo["slow-job"], "start", {"seconds": 0.6, "steps": 3}).task
    states = [task.state]
    messages = set()
    while not task.is_finished:
        task = client.task_status(task.task_id).value
        states.append(task.state)
        messages.add(task.remote_status_message)  # progress, as the real engine reports it
        assert task.status_message is None  # only a failure fills it
    order = {"creating": 0, "waiting": 1, "running": 2, "succeeded": 3}
    assert [order[s] for s in states] == sorted(order[s] for s in states)
    assert any(m and "of 3" in m for m in messages)


def test_unknown_task(client: SteamshipClient):
    with pytest.raises(HttpError):
        client.task_status("no-such-task")


def test_background_operation(client: SteamshipClient, emulator):
    emulator.clear_requests()
    result = client.workspace_create("bg-ws", background=True)
    assert result.value is None and result.task is not None and result.task.task_id
    sent = [r for r in emulator.requests if r.path.endswith("workspace/create")][-1]
    assert sent.headers["X-Task-Background"] == "true"
    done = _wait(client, result.task)
    assert done.succeeded


def test_wait_task(client: SteamshipClient, demo):
    task = client.invoke(demo["slow-job"], "start", {"seconds": 0.2, "steps": 1}).task
    updates: list[Task] = []
    done = client.wait_task(task.task_id, interval=0.05, timeout=10, on_update=updates.append)
    assert done.succeeded and updates[-1] is done


# --- the seed dialect --------------------------------------------------------------------------


@pytest.fixture
def seed(seed_emulator, make_client):  # type: ignore[no-untyped-def]
    client = make_client(seed_emulator, workspace_handle=None)
    ws = client.workspace_create("seed-ws").value
    client.set_workspace(handle=ws.handle, id=ws.id)
    return client


def test_seed_dialect_tasks(seed: SteamshipClient, seed_emulator):
    job = seed.instance_create("slow-job", "seed-job").value
    for method in ("start", "start_wrapped"):
        result = seed.invoke(job, method, {"seconds": 0.3, "steps": 2})
        assert result.is_task and result.task.state in ("creating", "waiting")
        states = {result.task.state}
        task = result.task
        while not task.is_finished:
            task = seed.task_status(task.task_id).value
            states.add(task.state)
        assert task.succeeded and "succeeded" in states
    failing = seed.invoke(job, "start", {"seconds": 0.1, "steps": 1, "fail": True}).task
    done = poll(lambda: (t := seed.task_status(failing.task_id).value).is_finished and t, 10)
    assert done.failed and done.status_message


def test_seed_dialect_operations(seed: SteamshipClient):
    assert seed.account_current().value.handle == "demo-user"
    echo = seed.instance_create("echo", "seed-echo").value
    assert seed.invoke(echo, "echo", {"x": 1}).value.value == {"x": 1}
    assert seed.describe(echo).value.method("echo") is not None


def test_deletes(client: SteamshipClient):
    ws = client.workspace_create("to-delete").value
    inst = client.instance_create("echo", "to-delete-echo").value
    client.instance_delete(inst.id)
    with pytest.raises(HttpError) as info:
        client.instance_get("to-delete-echo")
    assert info.value.status == 404
    client.workspace_delete(ws.id)
    with pytest.raises(HttpError) as info:
        client.workspace_get(id=ws.id)
    assert info.value.status == 404


def test_wait_task_timeout_and_cancel(client: SteamshipClient, demo):
    from shipexplorer.api import Cancelled, CancelToken

    task = client.invoke(demo["slow-job"], "start", {"seconds": 60, "steps": 2}).task
    with pytest.raises(TimeoutError, match="still"):
        client.wait_task(task.task_id, interval=0.05, timeout=0.2)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled, match="goes on running"):
        client.wait_task(task.task_id, interval=0.05, cancel=token)


def test_exchange_serialises_binary_and_big_bodies(client: SteamshipClient, demo):
    png = client.invoke(demo["media"], "image").exchange.to_dict()
    assert png["responseBody"]["base64"] and png["outcome"]["dataKind"] == "bytes"
    big = client.invoke(demo["faults"], "big", {"megabytes": 2}).exchange
    d = big.to_dict(body_limit=1000)
    assert d["responseBody"]["truncated"] and d["responseBody"]["size"] == len(big.response_body)
    assert len(d["responseBody"]["text"]) == 1000
