"""The task table model and its filter proxy over a hand-made tracker: qtmodeltester, row updates,
filters by state and text, sorting, the elapsed timer."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from shipexplorer.core.task_timeline import (
    RECONNECTING,
    STOPPED,
    UNKNOWN,
    StateSpan,
    TaskOrigin,
    TrackedTask,
)
from shipexplorer.ui.tasks.task_table_model import (
    CREATED,
    ELAPSED,
    ORIGIN,
    PROGRESS,
    STATE,
    TASK_ID,
    CategoryRole,
    TaskFilterProxy,
    TaskRole,
    TaskTableModel,
)

NOW = 1_800_000_000.0


class FakeTracker(QObject):
    """The tracker's signals and lookups, nothing else."""

    taskAdded = Signal(str)
    taskChanged = Signal(str)
    taskRemoved = Signal(str)
    taskEnded = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._tasks: dict[str, TrackedTask] = {}
        self.calls: list[tuple[str, str]] = []

    def tasks(self) -> list[TrackedTask]:
        return list(self._tasks.values())

    def task(self, task_id: str) -> TrackedTask | None:
        return self._tasks.get(task_id)

    def add(self, task: TrackedTask) -> TrackedTask:
        self._tasks[task.task_id] = task
        self.taskAdded.emit(task.task_id)
        return task

    def remove(self, task_id: str) -> None:
        self.calls.append(("remove", task_id))
        del self._tasks[task_id]
        self.taskRemoved.emit(task_id)

    def add_by_id(self, task_id: str) -> TrackedTask:
        self.calls.append(("add_by_id", task_id))
        if task_id == "refused":
            raise ValueError("Pick a profile first.")
        return self.add(TrackedTask(task_id, TaskOrigin(source="pasted")))

    def stop_watching(self, task_id: str) -> None:
        self.calls.append(("stop_watching", task_id))
        self._tasks[task_id].watch = STOPPED
        self.taskChanged.emit(task_id)

    def resume(self, task_id: str) -> None:
        self.calls.append(("resume", task_id))
        self._tasks[task_id].watch = "watching"
        self.taskChanged.emit(task_id)

    def poll_now(self, task_id: str) -> None:
        self.calls.append(("poll_now", task_id))


def make_task(
    task_id: str,
    state: str | None,
    *,
    start: float,
    instance="job",
    method="start",
    watch: str = "watching",
    message: str | None = None,
) -> TrackedTask:
    task = TrackedTask(
        task_id, TaskOrigin("emu", "ws", instance, method), added_at=start, last_change=start
    )
    if state is not None:
        task.spans = [StateSpan("waiting", start), StateSpan(state, start + 1)]
        task.state = state
    task.watch = watch
    if message:
        task.messages = [(start + 1, message)]
        task.status_message = message
    if state in ("succeeded", "failed"):
        task.ended_at = start + 4
        task.watch = "ended"
    return task


def filled_tracker() -> FakeTracker:
    tracker = FakeTracker()
    tracker.add(make_task("t-run", "running", start=NOW - 30, message="step 1 of 3"))
    tracker.add(make_task("t-ok", "succeeded", start=NOW - 100, instance="echo"))
    tracker.add(make_task("t-bad", "failed", start=NOW - 50, message="It broke"))
    tracker.add(make_task("t-stop", "running", start=NOW - 10, watch=STOPPED))
    tracker.add(make_task("t-net", "waiting", start=NOW - 20, watch=RECONNECTING))
    tracker.add(make_task("t-404", None, start=NOW - 5, watch=UNKNOWN))
    return tracker


def test_the_model_passes_qtmodeltester(qtbot, qtmodeltester):
    tracker = filled_tracker()
    model = TaskTableModel(tracker, clock=lambda: NOW)
    qtmodeltester.check(model)
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_state_filter("running")
    qtmodeltester.check(proxy)


def test_rows_follow_the_tracker(qtbot, qtmodeltester):
    tracker = FakeTracker()
    model = TaskTableModel(tracker, clock=lambda: NOW)
    qtmodeltester.check(model)  # keeps checking through the changes below
    assert model.rowCount() == 0
    with qtbot.waitSignal(model.rowsInserted, timeout=100) as inserted:
        tracker.add(make_task("a", "running", start=NOW - 3))
        tracker.add(make_task("b", "waiting", start=NOW - 2))
    assert inserted.args[1:] == [0, 1]  # one block of rows for what arrived in one turn
    assert [model.index(r, TASK_ID).data() for r in range(2)] == ["a", "b"]
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles=(): changed.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    tracker.task("b").state = "succeeded"
    with qtbot.waitSignal(model.dataChanged, timeout=5000):  # at the frame's end
        tracker.taskChanged.emit("b")
    assert changed == [(1, 0, 1, 6)]  # that row only, every column
    assert model.index(1, STATE).data() == "succeeded"
    tracker.remove("a")
    assert model.rowCount() == 1 and model.index(0, TASK_ID).data() == "b"
    assert model.row_of("b") == 0 and model.row_of("a") == -1
    tracker.add(make_task("c", "running", start=NOW))
    assert model.row_of("c") == 1


def test_changes_within_a_frame_give_one_data_changed_per_run_of_rows(qtbot, qtmodeltester):
    tracker = FakeTracker()
    model = TaskTableModel(tracker, clock=lambda: NOW)
    qtmodeltester.check(model)
    for name in "abcdef":
        tracker.add(make_task(name, "running", start=NOW - 3))
    model.flush_arrivals()
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, _roles=(): changed.append((tl.row(), br.row())))
    for _ in range(50):  # a poll answering for many tasks, many times, within one frame
        for name in "abdf":
            tracker.taskChanged.emit(name)
    assert changed == []
    qtbot.waitUntil(lambda: bool(changed), timeout=5000)
    assert changed == [(0, 1), (3, 3), (5, 5)]  # runs of adjacent rows, once each


def test_cells_say_state_in_words_with_an_icon(qtbot):
    model = TaskTableModel(filled_tracker(), clock=lambda: NOW)
    rows = {model.index(r, TASK_ID).data(): r for r in range(model.rowCount())}
    state = {tid: model.index(r, STATE).data() for tid, r in rows.items()}
    assert state["t-run"] == "running" and state["t-bad"] == "failed"
    assert state["t-stop"] == "stopped (still running on the server)"
    assert state["t-404"] == "unknown to the server"
    assert state["t-net"] == "reconnecting"
    for row in rows.values():
        icon = model.index(row, STATE).data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None and not icon.isNull()
    run = rows["t-run"]
    assert model.index(run, ORIGIN).data() == "job · start"
    assert model.index(run, PROGRESS).data() == "step 1 of 3"
    assert model.index(run, ELAPSED).data() == "30 s"
    assert model.index(rows["t-ok"], ELAPSED).data() == "4.0 s"  # to its end, not to now
    assert model.index(run, 0).data(TaskRole).task_id == "t-run"
    assert model.index(rows["t-net"], 0).data(CategoryRole) == "reconnecting"


def test_filter_by_state_and_text(qtbot):
    model = TaskTableModel(filled_tracker(), clock=lambda: NOW)
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)

    def shown() -> set[str]:
        return {proxy.index(r, TASK_ID).data() for r in range(proxy.rowCount())}

    assert len(shown()) == 6
    proxy.set_state_filter("failed")
    assert shown() == {"t-bad"}
    proxy.set_state_filter("stopped")
    assert shown() == {"t-stop"}
    proxy.set_state_filter(None)
    proxy.set_text_filter("ECHO")  # the origin, any case
    assert shown() == {"t-ok"}
    proxy.set_text_filter("step 1")  # the progress message
    assert shown() == {"t-run"}
    proxy.set_state_filter("failed")
    assert shown() == set()
    proxy.set_text_filter("")
    assert shown() == {"t-bad"}


def test_sorting_by_times_is_numeric(qtbot):
    model = TaskTableModel(filled_tracker(), clock=lambda: NOW)
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ELAPSED, Qt.SortOrder.DescendingOrder)
    order = [proxy.index(r, TASK_ID).data() for r in range(proxy.rowCount())]
    assert order[0] == "t-run"  # 30 s; "4.0 s" would win a text sort
    assert order[-1] == "t-ok"  # 4 s, then ended
    proxy.sort(CREATED, Qt.SortOrder.AscendingOrder)
    order = [proxy.index(r, TASK_ID).data() for r in range(proxy.rowCount())]
    assert order == ["t-ok", "t-bad", "t-run", "t-net", "t-stop", "t-404"]


def test_one_timer_refreshes_elapsed_of_unfinished_rows_only(qtbot):
    now = [NOW]
    tracker = FakeTracker()
    tracker.add(make_task("done", "succeeded", start=NOW - 9))
    model = TaskTableModel(tracker, clock=lambda: now[0])
    assert not model._timer.isActive()  # nothing to tick for
    tracker.add(make_task("live", "running", start=NOW - 2))
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=1000)
    assert model._timer.isActive() and model._timer.interval() >= 1000
    now[0] += 5
    with qtbot.waitSignal(model.dataChanged, timeout=2500) as got:
        pass
    top, bottom = got.args[0], got.args[1]
    assert (top.row(), top.column(), bottom.row(), bottom.column()) == (1, ELAPSED, 1, ELAPSED)
    assert model.index(1, ELAPSED).data() == "7.0 s"
    tracker.task("live").state = "succeeded"
    tracker.task("live").ended_at = NOW
    tracker.taskChanged.emit("live")
    qtbot.waitUntil(lambda: not model._timer.isActive(), timeout=2500)
