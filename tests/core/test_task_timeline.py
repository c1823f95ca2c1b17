"""The tracked-task record: display states, durations, persistence round trip, tolerant loading."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.core.task_timeline import (
    ENDED,
    MAX_PERSISTED_OUTPUT,
    RECONNECTING,
    STOPPED,
    STOPPED_TEXT,
    UNKNOWN,
    UNKNOWN_TEXT,
    WATCHING,
    StateSpan,
    TaskOrigin,
    TrackedTask,
)


def make_task() -> TrackedTask:
    task = TrackedTask(
        "t-1",
        TaskOrigin(profile="work", workspace="ws", instance="inst", method="start", request_id=7),
        added_at=100.0,
        last_change=100.0,
    )
    task.observe_state("waiting", 100.0)
    task.observe_state("running", 102.0)
    task.observe_message("step 1 of 3", 102.0)
    task.observe_message("step 2 of 3", 103.0)
    return task


def test_durations_run_to_now_while_pending() -> None:
    task = make_task()
    assert task.durations(110.0) == [("waiting", 2.0), ("running", 8.0)]
    assert task.elapsed(110.0) == 10.0
    assert not task.finished
    assert task.display_state == "running"


def test_final_state_ends_the_timeline() -> None:
    task = make_task()
    task.observe_state("succeeded", 105.0)
    task.ended_at = 105.0
    task.watch = ENDED
    assert task.finished
    assert task.durations(200.0) == [("waiting", 2.0), ("running", 3.0), ("succeeded", 0.0)]
    assert task.elapsed(200.0) == 5.0
    assert task.display_state == "succeeded"


def test_same_state_and_same_message_are_recorded_once() -> None:
    task = make_task()
    assert not task.observe_state("running", 104.0)
    assert not task.observe_message("step 1 of 3", 104.0)
    assert not task.observe_message(None, 104.0)
    assert len(task.spans) == 2 and len(task.messages) == 2


@pytest.mark.parametrize(
    ("watch", "state", "shown", "finished"),
    [
        (WATCHING, None, "waiting for the first answer", False),
        (WATCHING, "creating", "creating", False),
        (WATCHING, "mystery", "mystery", False),
        (RECONNECTING, "running", "reconnecting", False),
        (STOPPED, "running", STOPPED_TEXT, False),
        (STOPPED, None, "stopped", False),
        (UNKNOWN, None, UNKNOWN_TEXT, True),
        (ENDED, "failed", "failed", True),
        (STOPPED, "succeeded", "succeeded", True),
    ],
)
def test_display_state(watch: str, state: str | None, shown: str, finished: bool) -> None:
    task = TrackedTask("t", state=state, watch=watch)
    assert task.display_state == shown
    assert task.finished is finished


def test_round_trip_keeps_everything_but_the_request_id() -> None:
    task = make_task()
    task.status_message = "boom"
    task.status_suggestion = "try less"
    task.status_code = "E42"
    task.output = {"answer": 42}
    task.polls, task.retries, task.last_error = 5, 2, "connection dropped"
    data = json.loads(json.dumps(task.to_dict()))
    back = TrackedTask.from_dict(data)
    assert back.origin.request_id is None
    back.origin.request_id = 7
    assert back == task


def test_large_output_is_not_persisted() -> None:
    task = make_task()
    task.output = "x" * (MAX_PERSISTED_OUTPUT + 1)
    assert task.to_dict()["output"] is None
    task.output = b"bytes"
    assert task.to_dict()["output"] is None
    task.output = {"small": [1, 2]}
    assert task.to_dict()["output"] == {"small": [1, 2]}
    task.output_fits = False  # known too big (from the answer's size): not encoded to check
    assert task.to_dict()["output"] is None


def test_origin_describe() -> None:
    assert TaskOrigin(instance="i", method="/go").describe() == "i.go"
    assert TaskOrigin(method="workspace/create", source="api").describe() == "workspace/create"
    assert TaskOrigin(source="pasted").describe() == "pasted"


@pytest.mark.parametrize("bad", [None, [], {"taskId": ""}, {"taskId": 3}, {"state": "running"}])
def test_unusable_records_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        TrackedTask.from_dict(bad)  # type: ignore[arg-type]


def test_wrong_types_are_tolerated() -> None:
    task = TrackedTask.from_dict(
        {
            "taskId": "t",
            "origin": "nope",
            "state": 5,
            "watch": "sideways",
            "spans": [["running", "soon"], ["waiting", 1.0], "x"],
            "messages": [[1.0, 2], [2.0, "ok"]],
            "addedAt": float("nan"),
            "polls": True,
        }
    )
    assert task.state is None and task.watch == WATCHING
    assert task.spans == [StateSpan("waiting", 1.0)]
    assert task.messages == [(2.0, "ok")]
    assert task.origin.source == "pasted"
    assert task.polls == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)
keys = st.sampled_from(
    ["taskId", "origin", "state", "watch", "spans", "messages", "addedAt", "endedAt", "polls"]
)


@given(st.dictionaries(keys, json_values))
def test_from_dict_never_fails_otherwise(data: dict) -> None:
    try:
        task = TrackedTask.from_dict(data)
    except ValueError:
        return
    assert isinstance(task.task_id, str)
    json.dumps(task.to_dict(), allow_nan=False)
    task.durations(0.0)
    assert isinstance(task.display_state, str)


def test_save_and_load_the_list(tmp_path) -> None:
    from shipexplorer.core.task_timeline import load_tasks, save_tasks

    path = tmp_path / "tasks.json"
    assert load_tasks(path) == ([], None, False)
    good = make_task().to_dict()
    save_tasks(path, [good, {"taskId": ""}, good])
    tasks, message, read_only = load_tasks(path)
    assert [t.task_id for t in tasks] == ["t-1"] and not read_only
    assert message and "1 unreadable" in message


def test_a_newer_list_is_read_only(tmp_path) -> None:
    from shipexplorer.core.task_timeline import STORE_KIND, load_tasks

    path = tmp_path / "tasks.json"
    record = make_task().to_dict()
    path.write_text(json.dumps({"kind": STORE_KIND, "schemaVersion": 99, "tasks": [record]}))
    tasks, message, read_only = load_tasks(path)
    assert read_only and len(tasks) == 1 and "newer" in message


@given(st.binary(max_size=200))
def test_any_bytes_load_without_raising(data: bytes) -> None:
    import tempfile
    from pathlib import Path

    from shipexplorer.core.task_timeline import load_tasks

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tasks.json"
        path.write_bytes(data)
        tasks, _, _ = load_tasks(path)
        assert isinstance(tasks, list)
