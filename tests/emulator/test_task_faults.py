"""Faults queued for the next task/status answers: 429 with Retry-After, 503, a cut connection."""

from __future__ import annotations

import httpx
import pytest

from shipexplorer.emulator.task_faults import TaskPollFaults
from tests.emulator.helpers import app_path, create_instance


def start_task(http: httpx.Client) -> str:
    inst = create_instance(http, "slow-job")
    answer = http.post(app_path(inst, "start"), json={"seconds": 60})
    return answer.json()["taskId"]


def test_each_fault_is_answered_once_then_polls_work_again(fresh_emulator, fresh_client) -> None:
    task_id = start_task(fresh_client)
    fresh_emulator.fail_task_polls(1, "429", retry_after=3)
    fresh_emulator.fail_task_polls(1, "503")
    assert fresh_emulator.store.task_poll_faults.pending() == 2

    limited = fresh_client.post("api/v1/task/status", json={"taskId": task_id})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert limited.json()["status"]["statusCode"] == "RateLimited"

    unavailable = fresh_client.post("api/v1/task/status", json={"taskId": task_id})
    assert unavailable.status_code == 503
    assert unavailable.json()["status"]["state"] == "failed"

    fine = fresh_client.post("api/v1/task/status", json={"taskId": task_id})
    assert fine.status_code == 200
    assert fine.json()["status"]["taskId"] == task_id


def test_drop_cuts_the_connection_before_the_body(fresh_emulator, fresh_client) -> None:
    task_id = start_task(fresh_client)
    fresh_emulator.fail_task_polls(1, "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        fresh_client.post("api/v1/task/status", json={"taskId": task_id})
    fine = fresh_client.post("api/v1/task/status", json={"taskId": task_id})
    assert fine.status_code == 200


def test_faults_touch_only_task_status(fresh_emulator, fresh_client) -> None:
    fresh_emulator.fail_task_polls(1, "503")
    assert fresh_client.get("api/v1/account/current").status_code == 200
    assert fresh_emulator.store.task_poll_faults.pending() == 1


def test_unknown_task_is_a_404_with_a_failed_status(fresh_client) -> None:
    answer = fresh_client.post("api/v1/task/status", json={"taskId": "NOPE"})
    assert answer.status_code == 404
    assert answer.json()["status"]["state"] == "failed"


def test_bad_arguments_are_refused() -> None:
    faults = TaskPollFaults()
    with pytest.raises(ValueError):
        faults.add(1, "teapot")
    with pytest.raises(ValueError):
        faults.add(-1)
    faults.add(2, "drop")
    faults.clear()
    assert faults.pending() == 0 and faults.take() is None
