"""The progress a package reports (``remoteStatusMessage``, while the engine leaves
``statusMessage`` empty) in the task panel: the Progress column, the detail's progress list, and
the presentation mode's progress view; first from task answers folded in as the tracker does, then
over the real tracker polling the emulator's slow job."""

from __future__ import annotations

import pytest

from shipexplorer.api.tasks import Task
from shipexplorer.core.task_timeline import TaskOrigin, TrackedTask
from shipexplorer.services.task_polling import TASK, PollOutcome, observe
from shipexplorer.ui.presentation.task_progress_view import WORKING, TaskProgressView
from shipexplorer.ui.tasks.task_panel import TaskPanel
from shipexplorer.ui.tasks.task_table_model import PROGRESS
from tests.ui.tasks.test_task_table_model import NOW, FakeTracker


def poll(tracked: TrackedTask, answer: dict, when: float) -> None:
    """Fold one ``task/status`` answer into the record, as the tracker does."""
    observe(tracked, PollOutcome(TASK, Task.from_dict(answer)), when)


def answer(state: str, remote: str | None, message: str | None = None) -> dict:
    return {
        "taskId": "t-pkg",
        "state": state,
        "statusMessage": message,
        "remoteStatusMessage": remote,
        "taskType": "packageRun",
    }


@pytest.fixture
def followed():
    tracker = FakeTracker()
    tracked = tracker.add(TrackedTask("t-pkg", TaskOrigin("emu", "ws", "agent", "run")))
    return tracker, tracked


def test_the_package_progress_shows_in_the_column_and_the_detail(qtbot, followed):
    tracker, tracked = followed
    panel = TaskPanel(tracker, lambda _task: None, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.show()
    poll(tracked, answer("running", "Rendering frame 2 of 5"), NOW - 2)
    tracker.taskChanged.emit("t-pkg")
    row = panel.model.row_of("t-pkg")
    assert panel.model.index(row, PROGRESS).data() == "Rendering frame 2 of 5"
    assert panel.select_task("t-pkg")
    poll(tracked, answer("running", "Rendering frame 4 of 5"), NOW - 1)
    tracker.taskChanged.emit("t-pkg")
    assert panel.model.index(row, PROGRESS).data() == "Rendering frame 4 of 5"
    panel.detail.refresh()
    lines = panel.detail.messages_view.toPlainText().splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        "Rendering frame 2 of 5",
        "Rendering frame 4 of 5",
    ]
    panel.proxy.set_text_filter("frame 4")
    assert panel.proxy.rowCount() == 1  # the filter reads the progress too
    poll(tracked, answer("failed", "Rendering frame 4 of 5", "Out of memory."), NOW)
    tracker.taskChanged.emit("t-pkg")
    assert panel.model.index(row, PROGRESS).data() == "Out of memory."


def test_the_presentation_progress_shows_the_package_progress(qtbot, followed):
    tracker, tracked = followed
    view = TaskProgressView(tracker, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.show()
    view.follow("t-pkg")
    poll(tracked, answer("running", "Rendering frame 2 of 5"), NOW)
    tracker.taskChanged.emit("t-pkg")
    assert view.state_label.text() == WORKING
    assert [view.messages.item(i).text() for i in range(view.messages.count())] == [
        "Rendering frame 2 of 5"
    ]
    assert view.bar.maximum() == 100 and view.bar.value() == 40  # "2 of 5" says how far


# --- over the real tracker and the emulator's slow job ------------------------------------------


def test_a_running_slow_job_shows_its_steps_while_it_runs(qtbot, live):
    panel, tracker, runner = live
    runner.send("job", "start", '{"seconds": 2, "steps": 4}')
    qtbot.waitUntil(lambda: len(tracker.tasks()) == 1, timeout=5000)
    (task,) = tracker.tasks()
    assert panel.select_task(task.task_id)

    def progress() -> str:
        return panel.model.index(panel.model.row_of(task.task_id), PROGRESS).data() or ""

    qtbot.waitUntil(
        lambda: progress().startswith("step ") and task.state == "running", timeout=5000
    )
    assert task.status_message is None  # the engine's own message stays empty while it runs
    panel.detail.refresh()
    assert "step " in panel.detail.messages_view.toPlainText()
    qtbot.waitUntil(lambda: task.state == "succeeded", timeout=10_000)
    panel.detail.refresh()
    steps = panel.detail.messages_view.toPlainText()
    assert "step 4 of 4" in steps and progress() == "step 4 of 4"
