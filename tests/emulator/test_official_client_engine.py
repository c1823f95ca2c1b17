"""The official client (2.17.34), unchanged, using the emulator's engine APIs, in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.official_client import ok, run_scenario

SCENARIO = Path(__file__).with_name("official_client_engine_scenario.py")

pytestmark = pytest.mark.official_client


@pytest.fixture(scope="module")
def scenario(steamship_python: str) -> tuple[dict, list]:
    return run_scenario(steamship_python, SCENARIO)


def test_files_blocks_and_tags(scenario) -> None:
    results, requests = scenario
    files = ok(results, "files")
    assert files["raw"] == "ABC" and files["mime"] == "text/markdown"
    assert files["tags"] == [["K", True]]
    assert files["texts"] == ["x", "y", "z", ""] and files["indices"] == [0, 1, 2, 3]
    assert files["appended"] == 2
    assert files["image_raw"] == "89504e470d0a1a0a"
    assert files["query"] == [True] and files["listed"] == 2
    upload = next(r for r in requests if r.path == "/api/v1/file/create")
    assert upload.headers["Content-Type"].startswith("multipart/form-data")


def test_key_value_store(scenario) -> None:
    kv = ok(scenario[0], "kv")
    assert kv["a"] == {"v": 3}
    assert kv["items"] == [["a", {"v": 3}], ["b", {"v": 2}]]
    assert kv["deleted"] is True and kv["after_reset"] is None


def test_tasks_dependencies_and_updates(scenario) -> None:
    results, requests = scenario
    assert ok(results, "tasks") == {"first": "waiting", "second": "succeeded", "message": "updated"}
    assert any("X-Task-Dependency" in r.headers for r in requests)
    failed = results["failing_dependency"]["error"]
    assert "waited on failed" in failed["message"]


def test_signed_urls(scenario) -> None:
    assert ok(scenario[0], "signed") is True


def test_method_calls_as_tasks(scenario) -> None:
    results, requests = scenario
    assert ok(results, "background_call") == {"type": "Task", "output": "Hello, Ada!"}
    # invoke_later reads the output as a Task (expect=Task[Task]): it must parse as one.
    assert ok(results, "invoke_later") == {"state": "succeeded", "output": "Task[Task]"}
    invoke = next(r for r in requests if r.path == "/api/v1/package/instance/invoke")
    assert invoke.headers["X-Task-Background"] == "true"
