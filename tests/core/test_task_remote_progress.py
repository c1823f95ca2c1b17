"""A package's own progress (``remoteStatusMessage``): how it reads and that it is kept."""

from __future__ import annotations

import json

from shipexplorer.core.task_text import progress_text
from shipexplorer.core.task_timeline import TaskOrigin, TrackedTask, load_tasks, save_tasks

NOW = 1_800_000_000.0


def task(state: str | None, **fields) -> TrackedTask:
    made = TrackedTask("t", TaskOrigin("emu", "ws", "job", "start"), added_at=NOW, **fields)
    made.state = state
    return made


def test_the_package_progress_is_the_progress():
    assert progress_text(task("running", remote_status_message="Rendering 3 of 10")) == (
        "Rendering 3 of 10"
    )
    both = task("running", remote_status_message="Rendering", status_message="step 1 of 2")
    assert progress_text(both) == "Rendering · step 1 of 2"
    same = task("running", remote_status_message="step 1 of 2", status_message="step 1 of 2")
    assert progress_text(same) == "step 1 of 2"
    broke = task("failed", remote_status_message="Rendering", status_message="Out of memory.")
    assert progress_text(broke) == "Out of memory."  # a failure reads as its failure
    ended = task("succeeded", messages=[(NOW, "Rendering 10 of 10")])
    assert progress_text(ended) == "Rendering 10 of 10"  # the last message seen


def test_the_package_progress_is_saved_and_restored(tmp_path):
    made = task("running", remote_status_message="Uploading 40%")
    made.observe_message("Uploading 40%", NOW)
    path = tmp_path / "tasks.json"
    save_tasks(path, [made.to_dict()])
    assert json.loads(path.read_text())["tasks"][0]["remoteStatusMessage"] == "Uploading 40%"
    (back,), problem, _read_only = load_tasks(path)
    assert problem is None and back.remote_status_message == "Uploading 40%"
    assert progress_text(back) == "Uploading 40%"
    odd = TrackedTask.from_dict({"taskId": "x", "remoteStatusMessage": 12})
    assert odd.remote_status_message is None
