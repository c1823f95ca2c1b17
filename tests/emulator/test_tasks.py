"""Clock-driven tasks: schedules, both dialects, slow-job progress, a thousand tasks."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from shipexplorer.emulator import Emulator
from shipexplorer.emulator.tasks import Failure, Schedule, Task
from tests.emulator.helpers import app_path, create_instance, make_client, poll_until

TASK_FIELDS = {
    "taskId", "userId", "workspaceId", "requestId", "input", "output", "state", "statusMessage",
    "statusSuggestion", "statusCode", "statusCreatedOn", "taskType", "taskExecutor",
    "taskCreatedOn", "taskLastModifiedOn", "remoteStatusInput", "remoteStatusOutput",
    "remoteStatusMessage", "assignedWorker", "startedAt", "maxRetries", "retries",
}  # fmt: skip


def make_task(**kwargs) -> Task:
    defaults = {
        "task_id": "T",
        "user_id": "U",
        "workspace_id": "W",
        "schedule": Schedule(wait=1.0, run=3.0, steps=3),
        "output": {"ok": True},
        "created_mono": 100.0,
        "created_wall": 1_700_000_000.0,
    }
    return Task(**{**defaults, **kwargs})


def test_state_is_a_pure_function_of_the_clock() -> None:
    task = make_task(task_type="infer")  # a package's task: it reports remote progress
    timeline = [
        (100.0, "waiting", None),
        (100.99, "waiting", None),
        (101.0, "running", "step 1 of 3"),
        (102.5, "running", "step 2 of 3"),
        (103.99, "running", "step 3 of 3"),
        (104.0, "succeeded", "step 3 of 3"),
        (999.0, "succeeded", "step 3 of 3"),
    ]
    for now, state, progress in timeline:
        body = task.to_json("real", now=now)
        # As the real engine: progress in remoteStatusMessage, statusMessage empty unless failed.
        assert (body["state"], body["remoteStatusMessage"]) == (state, progress), now
        assert body["statusMessage"] is None, now
    early, late = task.to_json(now=100.5), task.to_json(now=102.5)
    assert early["startedAt"] is None and early["assignedWorker"] is None
    assert late["startedAt"] == "2023-11-14T22:13:21.000Z"
    assert late["taskCreatedOn"] == "2023-11-14T22:13:20.000Z"
    assert late["taskLastModifiedOn"] == "2023-11-14T22:13:22.000Z"  # step 2 began at +2 s
    assert early["output"] is None
    assert json.loads(task.to_json(now=104.0)["output"]) == {"ok": True}
    assert set(late) == TASK_FIELDS


def test_an_api_task_reports_no_remote_progress() -> None:
    task = make_task()  # internalApi: an operation run in the background
    for now in (100.5, 102.0, 104.0):
        body = task.to_json(now=now)
        assert body["remoteStatusMessage"] is None and body["statusMessage"] is None


def test_failure_at_the_end_carries_message_suggestion_code() -> None:
    task = make_task(failure=Failure("broke", "try again", "Broken"), task_type="infer")
    assert task.to_json(now=103.0)["state"] == "running"
    assert task.to_json(now=103.0)["statusCode"] is None
    assert task.to_json(now=103.0)["statusMessage"] is None
    final = task.to_json(now=104.0)
    assert final["remoteStatusMessage"] == "step 3 of 3"
    assert final["state"] == "failed"
    assert (final["statusMessage"], final["statusSuggestion"], final["statusCode"]) == (
        "broke",
        "try again",
        "Broken",
    )
    assert final["output"] is None


def test_seed_dialect_spelling_and_creating_state() -> None:
    task = make_task()
    assert task.to_json("seed", now=100.1)["taskState"] == "creating"
    assert task.to_json("seed", now=100.1)["taskMessage"] == "creating the task"
    waiting = task.to_json("seed", now=100.7)
    assert waiting["taskState"] == "waiting" and waiting["taskMessage"] == "waiting to start"
    assert "state" not in waiting and "statusMessage" not in waiting
    running = task.to_json("seed", now=102.0)
    assert (running["taskState"], running["taskMessage"]) == ("running", "step 2 of 3")
    assert running["taskId"] == "T" and running["taskCreatedOn"] and running["taskLastModifiedOn"]
    # The real dialect never says "creating".
    assert task.to_json("real", now=100.1)["state"] == "waiting"


@pytest.fixture(scope="module")
def slow_job(emulator: Emulator) -> dict:
    with make_client(emulator) as http:
        return create_instance(http, "slow-job")


def poll_states(http: httpx.Client, task_id: str, key: str = "status") -> tuple[list, dict]:
    """Poll task/status until the task ends; return the (state, progress) pairs seen, last body
    (progress: ``remoteStatusMessage`` in the real dialect, ``taskMessage`` in the seed one)."""
    seen: list[tuple[str, str | None]] = []
    state_key, message_key = (
        ("state", "remoteStatusMessage") if key == "status" else ("taskState", "taskMessage")
    )

    def finished() -> dict | None:
        response = http.post("api/v1/task/status", json={"taskId": task_id})
        assert response.status_code == 200
        body = response.json()
        task = body[key]
        pair = (task[state_key], task[message_key])
        if not seen or seen[-1] != pair:
            seen.append(pair)
        return body if task[state_key] in ("succeeded", "failed") else None

    return seen, poll_until(finished, timeout=10, interval=0.01)


def test_start_answers_a_plain_task_that_succeeds(client: httpx.Client, slow_job: dict) -> None:
    response = client.post(app_path(slow_job, "start"), json={"seconds": 0.6, "steps": 2})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    task = response.json()
    assert set(task) == TASK_FIELDS  # plain JSON, no envelope
    assert task["state"] == "waiting"
    assert task["workspaceId"] == slow_job["workspaceId"]
    seen, final = poll_states(client, task["taskId"])
    states = [state for state, _ in seen]
    assert states[0] == "waiting" and states[-1] == "succeeded"
    assert ("running", "step 1 of 2") in seen and ("running", "step 2 of 2") in seen
    assert final["status"]["statusMessage"] is None
    assert set(final) == {"data", "status"}
    assert final["data"] == {"result": "done", "seconds": 0.6, "steps": 2, "completedSteps": 2}
    assert json.loads(final["status"]["output"]) == final["data"]
    assert final["status"]["startedAt"]


def test_start_can_fail(client: httpx.Client, slow_job: dict) -> None:
    task = client.post(
        app_path(slow_job, "start"), json={"seconds": 0.3, "steps": 1, "fail": True}
    ).json()
    seen, final = poll_states(client, task["taskId"])
    assert seen[-1][0] == "failed"
    assert list(final) == ["status"]
    status = final["status"]
    assert "failed" in status["statusMessage"]
    assert status["statusSuggestion"] and status["statusCode"] == "SlowJobFailed"


def test_start_wrapped_answers_a_status_envelope(client: httpx.Client, slow_job: dict) -> None:
    body = client.post(app_path(slow_job, "start_wrapped"), json={"seconds": 0.3}).json()
    assert list(body) == ["status"]
    assert body["status"]["state"] == "waiting"
    _, final = poll_states(client, body["status"]["taskId"])
    assert final["status"]["state"] == "succeeded"


def test_seed_dialect_on_the_wire(seed_emulator: Emulator) -> None:
    with make_client(seed_emulator) as http:
        inst = create_instance(http, "slow-job")
        task = http.post(app_path(inst, "start"), json={"seconds": 0.5, "steps": 2}).json()
        assert task["taskState"] == "creating"
        assert "state" not in task and "taskMessage" in task
        wrapped = http.post(app_path(inst, "start_wrapped"), json={"seconds": 0.3}).json()
        assert list(wrapped) == ["task"] and wrapped["task"]["taskState"] == "creating"
        seen, final = poll_states(http, task["taskId"], key="task")
        states = [state for state, _ in seen]
        assert states[0] == "creating" and "waiting" in states and states[-1] == "succeeded"
        assert set(final) == {"data", "task"}
        assert final["data"]["completedSteps"] == 2
        background = http.post(
            "api/v1/workspace/list", json={}, headers={"X-Task-Background": "true"}
        ).json()
        assert list(background) == ["task"]
        got = http.post("api/v1/task/get", json={"id": task["taskId"]}).json()
        assert got["data"]["task"]["taskState"] == "succeeded"
        # Non-task answers are the same in both dialects.
        assert list(http.get("api/v1/account/current").json()) == ["data"]
        error = http.post("api/v1/task/status", json={"taskId": "nope"})
        assert error.status_code == 404 and error.json()["status"]["state"] == "failed"


def test_a_thousand_tasks_are_cheap(fresh_emulator: Emulator) -> None:
    import threading

    threads_before = threading.active_count()
    with make_client(fresh_emulator) as http:
        inst = create_instance(http, "slow-job")
        ids = [
            http.post(app_path(inst, "start"), json={"seconds": 0.3, "steps": 3}).json()["taskId"]
            for _ in range(1000)
        ]
        assert len(set(ids)) == 1000
        assert len(fresh_emulator.store.tasks) == 1000
        # No thread per task.
        assert threading.active_count() <= threads_before + 5

        def all_done() -> bool:
            states = [
                http.post("api/v1/task/status", json={"taskId": task_id}).json()["status"]["state"]
                for task_id in ids
            ]
            return all(state == "succeeded" for state in states)

        started = time.monotonic()
        poll_until(all_done, timeout=30, interval=0.05)
        assert time.monotonic() - started < 30  # did not hang
