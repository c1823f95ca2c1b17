"""The official Steamship client (2.17.34), unchanged, against the emulator, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.official_client import error, ok, run_scenario

SCENARIO = Path(__file__).with_name("official_client_scenario.py")

pytestmark = pytest.mark.official_client


@pytest.fixture(scope="module")
def scenario(steamship_python: str) -> tuple[dict, list]:
    """Run the scenario once against a fresh emulator: its results and the requests it sent."""
    return run_scenario(steamship_python, SCENARIO)


def test_version(scenario) -> None:
    assert scenario[0]["version"] == "2.17.34"


def test_workspace_create_and_switch(scenario) -> None:
    results, requests = scenario
    one, two = ok(results, "workspace_one"), ok(results, "workspace_two")
    assert one["handle"] == "scenario-one" and two["handle"] == "scenario-two"
    assert one["id"] and two["id"] and one["id"] != two["id"]
    creates = [r for r in requests if r.path == "/api/v1/workspace/create"]
    assert json.loads(creates[0].body) == {"handle": "scenario-one", "fetchIfExists": True}
    # On switching, the client sends the previous workspace's id: the emulator ignored it.
    assert creates[1].headers["X-Workspace-Id"] == one["id"]


def test_use_with_config(scenario) -> None:
    results, requests = scenario
    greeter = ok(results, "use_greeter")
    assert greeter["handle"] == "greeter-one"
    assert greeter["workspaceHandle"] == "scenario-two"
    assert greeter["userHandle"] == "demo-user"
    assert greeter["config"] == {"greeting": "Howdy", "punctuation": "?"}
    assert greeter["initStatus"] == "notNeeded"
    create = next(r for r in requests if r.path == "/api/v1/package/instance/create")
    assert json.loads(create.body)["packageVersionHandle"] is None
    bad = error(results, "use_bad_config")
    assert "punctuation" in bad["message"] and bad["code"] == "InvalidConfig"


def test_invoke_text_and_json(scenario) -> None:
    results, requests = scenario
    assert ok(results, "greet_post") == "Howdy, Ada?"
    assert ok(results, "echo_post") == {"a": 1, "b": [1, 2], "c": {"d": True}, "s": "x"}
    assert ok(results, "media_markdown").startswith("# A markdown answer")
    image = ok(results, "media_image")
    assert image["type"] == "bytes" and image["head"] == "89504e470d0a1a0a"
    invoke = next(
        r for r in requests if r.path.endswith("/greeter-one/greet") and r.method == "POST"
    )
    assert invoke.path == "/scenario-two/greeter-one/greet"
    for header in ("X-Package-Owner-Handle", "X-Package-Id", "X-Package-Instance-Id"):
        assert invoke.headers[header]
    assert invoke.headers["X-Package-Owner-Handle"] == "demo-user"


def test_get_with_query_arguments(scenario) -> None:
    results, requests = scenario
    assert ok(results, "greet_get") == "Howdy, Bob?"
    # requests writes Python's True as "True": echo has no declared kinds, so it stays a string.
    assert ok(results, "echo_get") == {"x": "1", "flag": "True"}
    get = next(r for r in requests if r.method == "GET" and "/greet?" in r.path)
    assert get.path.endswith("/greet?name=Bob") and get.body == b""


def test_task_to_success_failure_wrapped_and_get(scenario) -> None:
    results, _ = scenario
    success = ok(results, "task_success")
    assert success["first"] == "waiting" and success["state"] == "succeeded"
    assert success["output"] == {"result": "done", "seconds": 0.5, "steps": 2, "completedSteps": 2}
    failure = error(results, "task_failure")
    assert failure["code"] == "SlowJobFailed"
    assert "failed" in failure["message"] and failure["suggestion"]
    wrapped = ok(results, "task_wrapped")
    assert wrapped["kind"] == "Task" and wrapped["state"] == "succeeded"
    assert wrapped["output"]["completedSteps"] == 1
    got = ok(results, "task_get")
    assert got["taskId"] and got["state"] in ("waiting", "running", "succeeded")


def test_unknown_method_and_bad_argument_raise(scenario) -> None:
    results, _ = scenario
    unknown = error(results, "unknown_method")
    assert unknown["message"] == "No handler for POST nope available."
    bad = error(results, "greet_bad_type")
    assert "name" in bad["message"]


def test_dir(scenario) -> None:
    results, _ = scenario
    for step in ("dir_get", "dir_post"):
        spec = ok(results, step)
        assert spec["name"] == "GreeterPackage"
        greet = [m for m in spec["methods"] if m["path"] == "/greet"]
        assert {m["verb"] for m in greet} == {"GET", "POST"}
        assert greet[0]["args"] == [{"name": "name", "kind": "<class 'str'>", "values": None}]


def test_background_api_task(scenario) -> None:
    background = ok(scenario[0], "background")
    assert background["kind"] == "Task" and background["state"] == "succeeded"
    assert background["output"]["workspace"]["handle"] == "scenario-background"
