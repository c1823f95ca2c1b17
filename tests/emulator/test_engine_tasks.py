"""Engine task operations over loopback: noop, alwaysfail, dependencies, run-after, update, list,
method calls in the background and package/instance/invoke."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import httpx

from tests.emulator.helpers import app_path, create_instance, poll_until, unique

BACKGROUND = {"X-Task-Background": "true"}


def _status(http: httpx.Client, task_id: str) -> dict:
    return http.post("api/v1/task/status", json={"taskId": task_id}).json()


def _wait(http: httpx.Client, task_id: str) -> dict:
    """The task/status answer once the task ended."""
    return poll_until(
        lambda: (
            (body := _status(http, task_id))["status"]["state"] in ("succeeded", "failed") and body
        )
    )


def test_noop_answers_at_once_and_as_a_task(fresh_client: httpx.Client) -> None:
    assert fresh_client.post("api/v1/task/noop", json={}).json() == {"data": {}}
    task = fresh_client.post("api/v1/task/noop", json={}, headers=BACKGROUND).json()["status"]
    assert task["state"] == "waiting" and task["requestId"]
    done = _wait(fresh_client, task["taskId"])
    assert done["status"]["state"] == "succeeded" and done["data"] == {}
    assert json.loads(done["status"]["output"]) == {}


def test_alwaysfail_fails_at_once_and_as_a_task(fresh_client: httpx.Client) -> None:
    now = fresh_client.post("api/v1/task/alwaysfail", json={})
    assert now.status_code == 500 and now.json()["status"]["state"] == "failed"
    task = fresh_client.post("api/v1/task/alwaysfail", json={}, headers=BACKGROUND).json()
    done = _wait(fresh_client, task["status"]["taskId"])
    assert done["status"]["state"] == "failed"
    assert "always fails" in done["status"]["statusMessage"]


def test_a_task_waits_on_its_dependencies(fresh_client: httpx.Client) -> None:
    first = fresh_client.post("api/v1/task/noop", json={}, headers=BACKGROUND).json()["status"]
    later = fresh_client.post(
        "api/v1/task/noop",
        json={},
        headers={"X-Task-Dependency": first["taskId"], **BACKGROUND},
    ).json()["status"]
    assert later["state"] == "waiting"
    done_first = _wait(fresh_client, first["taskId"])
    done_later = _wait(fresh_client, later["taskId"])
    assert done_later["status"]["state"] == "succeeded"
    assert done_later["status"]["startedAt"] > done_first["status"]["startedAt"]


def test_a_failing_dependency_fails_its_dependents(fresh_client: httpx.Client) -> None:
    failing = fresh_client.post("api/v1/task/alwaysfail", json={}, headers=BACKGROUND).json()
    failing_id = failing["status"]["taskId"]
    dependent = fresh_client.post(
        "api/v1/task/noop", json={}, headers={"X-Task-Dependency": failing_id, **BACKGROUND}
    ).json()["status"]
    assert dependent["state"] == "waiting"
    done = _wait(fresh_client, dependent["taskId"])
    assert (
        done["status"]["state"] == "failed" and done["status"]["statusCode"] == "DependencyFailed"
    )
    refused = fresh_client.post(
        "api/v1/task/noop", json={}, headers={"X-Task-Dependency": failing_id, **BACKGROUND}
    )
    assert refused.status_code == 400
    assert "At least one dependent already failed" in refused.json()["status"]["statusMessage"]


def test_an_unknown_dependency_is_not_found(fresh_client: httpx.Client) -> None:
    answer = fresh_client.post(
        "api/v1/task/noop", json={}, headers={"X-Task-Dependency": "NOPE", **BACKGROUND}
    )
    assert answer.status_code == 404


def test_run_after_delays_the_task(fresh_client: httpx.Client) -> None:
    when = (datetime.now(timezone.utc) + timedelta(seconds=3)).replace(microsecond=0)
    task = fresh_client.post(
        "api/v1/task/noop",
        json={},
        headers={"X-Task-Run-After": when.isoformat(), **BACKGROUND},
    ).json()["status"]
    assert _status(fresh_client, task["taskId"])["status"]["state"] == "waiting"
    started = datetime.fromisoformat(
        _wait(fresh_client, task["taskId"])["status"]["startedAt"].replace("Z", "+00:00")
    )
    assert started >= when - timedelta(seconds=1)
    bad = fresh_client.post(
        "api/v1/task/noop", json={}, headers={"X-Task-Run-After": "soon", **BACKGROUND}
    )
    assert bad.status_code == 400


def test_task_update_sets_fields_that_stay(fresh_client: httpx.Client) -> None:
    task = fresh_client.post("api/v1/task/noop", json={}, headers=BACKGROUND).json()["status"]
    _wait(fresh_client, task["taskId"])
    answer = fresh_client.post(
        "api/v1/task/update",
        json={"taskId": task["taskId"], "statusMessage": "Status Message", "userId": "other"},
    ).json()["data"]
    assert answer["statusMessage"] == "Status Message"
    again = _status(fresh_client, task["taskId"])["status"]
    assert again["statusMessage"] == "Status Message"
    assert again["userId"] == task["userId"]  # not a field task/update may set
    assert fresh_client.post("api/v1/task/update", json={"taskId": "NOPE"}).status_code == 404


def test_task_list_pages_and_filters(fresh_client: httpx.Client) -> None:
    ws = unique("ws")
    fresh_client.post("api/v1/workspace/create", json={"handle": ws})
    headers = {"X-Workspace-Handle": ws, **BACKGROUND}
    ids = [
        fresh_client.post("api/v1/task/noop", json={}, headers=headers).json()["status"]["taskId"]
        for _ in range(3)
    ]
    listed = fresh_client.post(
        "api/v1/task/list", json={"pageSize": 2}, headers={"X-Workspace-Handle": ws}
    ).json()["data"]
    assert [t["taskId"] for t in listed["tasks"]] == ids[::-1][:2] and listed["nextPageToken"]
    ascending = fresh_client.post(
        "api/v1/task/list", json={"sortOrder": "ASC"}, headers={"X-Workspace-Handle": ws}
    ).json()["data"]
    assert [t["taskId"] for t in ascending["tasks"]] == ids
    for task_id in ids:
        _wait(fresh_client, task_id)
    done = fresh_client.post(
        "api/v1/task/list", json={"state": "succeeded"}, headers={"X-Workspace-Handle": ws}
    ).json()["data"]
    assert len(done["tasks"]) == 3


def test_a_method_call_in_the_background_answers_a_task(fresh_client: httpx.Client) -> None:
    greeter = create_instance(fresh_client, "greeter")
    answer = fresh_client.post(app_path(greeter, "greet"), json={"name": "Ada"}, headers=BACKGROUND)
    assert answer.headers["content-type"].startswith("application/json")
    task = answer.json()["status"]
    assert task["state"] == "waiting"
    done = _wait(fresh_client, task["taskId"])
    assert done["data"] == "Hello, Ada!"
    echo = create_instance(fresh_client, "echo")
    task = fresh_client.post(app_path(echo, "echo"), json={"a": [1]}, headers=BACKGROUND).json()
    assert _wait(fresh_client, task["status"]["taskId"])["data"] == {"a": [1]}
    wrong = fresh_client.post(app_path(greeter, "greet"), json={"name": 5}, headers=BACKGROUND)
    failed = _wait(fresh_client, wrong.json()["status"]["taskId"])["status"]
    assert failed["state"] == "failed" and "name" in failed["statusMessage"]
    # __dir__ is never a task
    assert "methods" in fresh_client.get(app_path(greeter, "__dir__"), headers=BACKGROUND).json()


def test_package_instance_invoke_runs_the_method_later(fresh_client: httpx.Client) -> None:
    greeter = create_instance(fresh_client, "greeter")
    body = {
        "instanceHandle": greeter["handle"],
        "payload": {"httpVerb": "POST", "invocationPath": "greet", "arguments": {"name": "Bo"}},
    }
    headers = {"X-Workspace-Handle": greeter["workspaceHandle"], **BACKGROUND}
    task = fresh_client.post("api/v1/package/instance/invoke", json=body, headers=headers)
    done = _wait(fresh_client, task.json()["status"]["taskId"])["data"]
    assert done == {"data": "Hello, Bo!", "http": {"status": 200}}
    body["payload"]["httpVerb"] = "GET"
    got = fresh_client.post("api/v1/package/instance/invoke", json=body, headers=headers).json()
    assert _wait(fresh_client, got["status"]["taskId"])["data"]["data"] == "Hello, Bo!"
    missing = {**body, "instanceHandle": "nope"}
    task = fresh_client.post("api/v1/package/instance/invoke", json=missing, headers=headers)
    failed = _wait(fresh_client, task.json()["status"]["taskId"])["status"]
    assert failed["state"] == "failed" and failed["statusCode"] == "ObjectNotFound"
    refused = fresh_client.post(
        "api/v1/package/instance/invoke", json=missing, headers={"X-Workspace-Handle": "default"}
    )
    assert refused.status_code == 404  # at once, without the background header
