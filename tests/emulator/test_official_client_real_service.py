"""The official Steamship client (2.17.34), unchanged, against what the emulator models of the
real service: instances that initialise, remote task progress, blocks, a workspace per use()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.official_client import error, ok, run_scenario

SCENARIO = Path(__file__).with_name("official_client_real_service.py")

pytestmark = pytest.mark.official_client


@pytest.fixture(scope="module")
def scenario(steamship_python: str) -> tuple[dict, list]:
    """Run the scenario once against a fresh emulator: its results and the requests it sent."""
    return run_scenario(steamship_python, SCENARIO)


def test_use_waits_for_the_initialisation_then_invokes(scenario) -> None:
    results, requests = scenario
    used = ok(results, "use_slow_init")
    assert used["waited"] >= 1.9  # config seconds=2: use() polled until it was done
    assert used["initStatus"] == "complete"
    assert used["answer"] == "Initialised and ready: you asked 'ready?'."
    create = next(
        r for r in requests if r.path == "/api/v1/package/instance/create" and b"init-one" in r.body
    )
    assert create.headers["X-Workspace-Id"]
    polls = [
        r
        for r in requests
        if r.path == "/api/v1/package/instance/get"
        and json.loads(r.body).get("handle") == "init-one"
    ]
    assert len(polls) >= 2  # about one a second while initializing


def test_invoking_while_initializing_is_refused(scenario) -> None:
    refused = error(scenario[0], "invoke_while_initializing")
    assert refused["code"] == "InstanceInitializing"
    assert "still initializing" in refused["message"]


def test_a_broken_initialisation_fails_as_the_client_sees_it(scenario) -> None:
    results, _ = scenario
    broken = ok(results, "use_broken_init")
    assert broken["initStatus"] == "failed"  # use() returns; the status says it
    failure = error(results, "invoke_broken")
    assert failure["code"] == "InstanceInitFailed"
    assert "model.bin" in failure["message"] and failure["suggestion"]


def test_the_task_reports_progress_in_remote_status_message(scenario) -> None:
    progress = ok(scenario[0], "remote_progress")
    assert progress["state"] == "succeeded" and progress["output"]["completedSteps"] == 3
    seen = progress["seen"]
    running = [remote for state, remote, _ in seen if state == "running"]
    assert running and running == sorted(running)
    assert set(running) <= {"step 1 of 3", "step 2 of 3", "step 3 of 3"} and len(set(running)) >= 2
    assert all(status is None for _, _, status in seen)  # statusMessage: empty unless it failed


def test_blocks_and_their_raw_content(scenario) -> None:
    blocks = ok(scenario[0], "blocks")
    assert [b["mimeType"] for b in blocks] == [
        "text/plain",
        "text/markdown",
        "image/png",
        "audio/wav",
    ]
    text, markdown, image, audio = blocks
    assert bytes.fromhex(text["rawHead"]).decode() == text["text"][:12]
    assert text["rawLength"] == len(text["text"].encode())
    assert markdown["text"].startswith("## The answer")
    assert image["isImage"] and image["rawHead"].startswith("89504e470d0a1a0a")
    assert audio["isAudio"] and bytes.fromhex(audio["rawHead"])[8:12] == b"WAVE"
    assert all(b["rawType"] == "bytes" and b["id"] for b in blocks)


def test_a_workspace_per_use_and_instances_across_workspaces(scenario) -> None:
    results, requests = scenario
    creates = [
        json.loads(r.body)["handle"] for r in requests if r.path == "/api/v1/workspace/create"
    ]
    assert {"init-one", "broken-one", "agent-one", "job-remote"} <= set(creates)
    across = ok(results, "across_workspaces")
    assert ["init-one", "init-one"] in across["across"]
    assert ["broken-one", "broken-one"] in across["across"]
    assert len(across["across"]) == 5
    assert across["here"] == []  # the "elsewhere" workspace has none
    assert across["byId"] == ["init-one", "init-one"]  # get by id from another workspace
