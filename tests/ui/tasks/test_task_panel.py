"""The task panel: table, detail, actions, title counts, keyboard, notifier; first over a hand-made
tracker, then over the real TaskTracker against the in-process emulator."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMainWindow, QSystemTrayIcon, QWidget

from shipexplorer.api import ConnectionSettings
from shipexplorer.api import export as api_export
from shipexplorer.api.tasks import Task
from shipexplorer.core.task_timeline import StateSpan, TaskOrigin
from shipexplorer.ui.tasks.task_notifier import TaskNotifier
from shipexplorer.ui.tasks.task_panel import TaskPanel
from shipexplorer.ui.tasks.task_table_model import STATE, TASK_ID
from tests.ui.tasks.test_task_table_model import NOW, FakeTracker, filled_tracker, make_task

KEY = "sk-canary-9f2c41"


def settings_for_test(_task) -> ConnectionSettings:
    return ConnectionSettings(
        api_base="http://127.0.0.1:9/api/v1/", api_key=KEY, workspace_handle="ws"
    )


@pytest.fixture
def panel(qtbot):
    tracker = filled_tracker()
    panel = TaskPanel(tracker, settings_for_test, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    return panel


def shown_ids(panel: TaskPanel) -> list[str]:
    return [panel.proxy.index(r, TASK_ID).data() for r in range(panel.proxy.rowCount())]


def test_dock_identity_and_title_counts(qtbot, panel):
    assert panel.objectName() == "tasks-dock" and panel.accessibleName() == "Tasks"
    title = panel.windowTitle()
    assert title.startswith("Tasks — 1 running · 1 reconnecting · 1 stopped · 1 failed")
    assert "1 succeeded" in title and "1 unknown" in title
    tracker = panel._tracker
    tracker.add(make_task("t-more", "running", start=NOW))
    qtbot.waitUntil(lambda: "2 running" in panel.windowTitle(), timeout=2000)
    empty = TaskPanel(FakeTracker())
    qtbot.addWidget(empty)
    assert empty.windowTitle() == "Tasks"


def test_every_control_is_named_and_every_action_has_a_key(panel):
    for action in panel.actions_list():
        assert not action.shortcut().isEmpty(), action.text()
        assert "&" in action.text(), action.text()  # a mnemonic in the context menu
        button = panel.toolbar.widgetForAction(action)
        assert button.accessibleName(), action.text()
    assert set(panel.actions_list()) <= set(panel.table.actions())  # the context menu
    assert "goes on in the server" in panel.stop_action.toolTip()
    for widget in (panel.table, panel.state_combo, panel.text_filter, panel.detail):
        assert widget.accessibleName()


def test_filters_from_the_controls(qtbot, panel):
    panel.state_combo.setCurrentIndex(panel.state_combo.findData("failed"))
    assert shown_ids(panel) == ["t-bad"]
    panel.state_combo.setCurrentIndex(0)
    qtbot.keyClicks(panel.text_filter, "t-st")
    assert shown_ids(panel) == ["t-stop"]


def test_selecting_shows_the_failure_and_the_timeline(qtbot, panel):
    bad = panel._tracker.task("t-bad")
    bad.status_suggestion, bad.status_code = "Try again.", "Broken"
    assert panel.select_task("t-bad")
    detail = panel.detail
    assert detail.task() is bad
    assert detail.failure_box.isVisibleTo(panel)
    assert detail.failure_message.text() == "It broke"
    assert detail.failure_suggestion.text() == "Try again."
    assert detail.failure_code.text() == "Broken"
    assert detail.timeline_bar.labels() == ["waiting 1.0 s", "failed"]
    assert "waiting 1.0 s, then failed" in detail.timeline_bar.accessibleDescription()
    assert "It broke" in detail.messages_view.toPlainText()
    panel.select_task("t-run")
    assert not detail.failure_box.isVisibleTo(panel)
    assert detail.timeline_bar.labels() == ["waiting 1.0 s", "running 29 s"]


def test_actions_call_the_tracker(qtbot, panel):
    tracker = panel._tracker
    panel.select_task("t-run")
    assert panel.stop_action.isEnabled() and not panel.resume_action.isEnabled()
    with qtbot.waitSignal(panel.statusMessage) as said:
        panel.stop_action.trigger()
    assert ("stop_watching", "t-run") in tracker.calls
    assert "go on running in the server" in said.args[0]
    assert panel.resume_action.isEnabled() and not panel.stop_action.isEnabled()
    panel.resume_action.trigger()
    assert ("resume", "t-run") in tracker.calls
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_F5)
    assert ("poll_now", "t-run") in tracker.calls
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert ("remove", "t-run") in tracker.calls and "t-run" not in shown_ids(panel)


def test_finished_tasks_are_not_stopped_or_polled(panel):
    panel.select_task("t-ok")
    assert not panel.stop_action.isEnabled() and not panel.poll_action.isEnabled()
    assert panel.remove_action.isEnabled() and panel.copy_id_action.isEnabled()


def test_unknown_and_reconnecting_tasks_can_be_resumed(panel):
    panel.select_task("t-404")
    assert panel.resume_action.isEnabled() and panel.poll_action.isEnabled()
    assert "does not know this task" in panel.detail.watch_label.text()
    panel.resume_action.trigger()
    assert ("resume", "t-404") in panel._tracker.calls
    panel.select_task("t-net")
    assert panel.resume_action.isEnabled() and panel.stop_action.isEnabled()


def test_settings_from_the_client_provider(qtbot, live):
    """The tracker's settings_for (the panel's default): the current profile's connection in the
    task's workspace, None for another profile's task."""
    tracker = live[1]
    tracker.track(Task(task_id="t", state="running"), TaskOrigin(profile="emu", workspace="ws"))
    tracker.stop_watching("t")
    task = tracker.task("t")  # profile "emu", workspace "ws"
    assert tracker.settings_for(task.task_id).workspace_handle == "ws"
    task.origin.profile = "other"
    assert tracker.settings_for(task.task_id) is None


def test_add_task_id(qtbot, panel):
    assert not panel.add_task_id("two words")
    assert panel.error.isVisibleTo(panel) and "without spaces" in panel.error.text()
    assert not panel.add_task_id("refused")
    assert "Pick a profile first." in panel.error.text()
    assert panel.add_task_id('  "task-pasted"  ')
    assert not panel.error.isVisibleTo(panel)
    assert panel.current_task().task_id == "task-pasted"


def test_copy_task_id(qtbot, panel):
    panel.select_task("t-bad")
    panel.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == "t-bad"
    QGuiApplication.clipboard().clear()
    panel.select_task("t-ok")
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "t-ok"


def test_curl_copy_never_holds_the_key(qtbot, panel, monkeypatch):
    panel.select_task("t-run")

    def leaky(settings, task_id):
        return f"curl -H 'Authorization: Bearer {settings.api_key}' {task_id}"

    monkeypatch.setattr(api_export, "curl_task_poll", leaky, raising=False)
    QGuiApplication.clipboard().setText("before")
    assert not panel.copy_curl_loop()
    assert QGuiApplication.clipboard().text() == "before"
    assert "would hold the API key" in panel.error.text()
    monkeypatch.delattr(api_export, "curl_task_poll", raising=False)
    with pytest.raises(AttributeError):  # a missing export fails loudly
        panel.copy_curl_loop()


def test_curl_copy_with_the_real_export(qtbot, panel):
    panel.select_task("t-run")
    assert panel.copy_curl_loop()
    text = QGuiApplication.clipboard().text()
    assert "t-run" in text and "STEAMSHIP_API_KEY" in text and KEY not in text


def test_open_originating_request(qtbot, panel):
    panel.select_task("t-run")
    with qtbot.waitSignal(panel.openOriginRequested) as got:
        panel.open_action.trigger()
    assert got.args[0].task_id == "t-run"


class FakeTray:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def showMessage(self, title, text, _icon, _ms) -> None:
        self.shown.append((title, text))

    def isVisible(self) -> bool:
        return True


def test_notifier_says_how_tasks_end(qtbot, monkeypatch):
    tracker = filled_tracker()
    tray = FakeTray()
    notifier = TaskNotifier(tracker, None, tray=tray)
    said: list[str] = []
    notifier.statusMessage.connect(said.append)
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    tracker.taskEnded.emit("t-ok")
    assert said == ["Task t-ok (echo · start) succeeded."] and tray.shown == []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    tracker.taskEnded.emit("t-bad")
    assert said[-1] == "Task t-bad (job · start) failed: It broke"
    assert tray.shown == [("Task failed", said[-1])]
    notifier.set_enabled(False)
    tracker.taskEnded.emit("t-404")
    assert said[-1].endswith("is unknown to the server.") and len(tray.shown) == 1


def test_no_desktop_notification_while_the_window_is_active(qtbot, monkeypatch, panel):
    tray = FakeTray()
    notifier = TaskNotifier(panel._tracker, panel, tray=tray)
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(panel, "isActiveWindow", lambda: True)
    notifier.ended(panel._tracker.task("t-ok"))
    assert tray.shown == []


def test_rows_change_state_visibly(qtbot, panel):
    tracker = panel._tracker
    task = tracker.task("t-run")
    row = panel.model.row_of("t-run")
    before = panel.model.index(row, STATE).data(Qt.ItemDataRole.DecorationRole).cacheKey()
    task.spans.append(StateSpan("succeeded", NOW))
    task.state, task.ended_at, task.watch = "succeeded", NOW, "ended"
    tracker.taskChanged.emit("t-run")
    assert panel.model.index(row, STATE).data() == "succeeded"
    after = panel.model.index(row, STATE).data(Qt.ItemDataRole.DecorationRole).cacheKey()
    assert before != after


# --- over the real tracker and the in-process emulator --------------------------------------


def start_job(qtbot, tracker, runner, body: str) -> str:
    """Invoke job.start; the tracker picks the task up from the answer. Returns its id."""
    before = {task.task_id for task in tracker.tasks()}
    runner.send("job", "start", body)
    qtbot.waitUntil(lambda: len(tracker.tasks()) > len(before), timeout=5000)
    (task_id,) = {task.task_id for task in tracker.tasks()} - before
    return task_id


def state_cell(panel: TaskPanel, task_id: str) -> str:
    return panel.model.index(panel.model.row_of(task_id), STATE).data()


def test_live_jobs_end_in_their_rows_and_the_failure_is_explained(qtbot, live):
    panel, tracker, runner = live
    ok = start_job(qtbot, tracker, runner, '{"seconds": 1, "steps": 2}')
    bad = start_job(qtbot, tracker, runner, '{"seconds": 0.5, "steps": 1, "fail": true}')
    assert panel.model.rowCount() == 2
    qtbot.waitUntil(lambda: state_cell(panel, ok) == "succeeded", timeout=10000)
    qtbot.waitUntil(lambda: state_cell(panel, bad) == "failed", timeout=10000)
    qtbot.waitUntil(lambda: "1 failed · 1 succeeded" in panel.windowTitle(), timeout=2000)
    assert panel.select_task(bad)
    detail = panel.detail
    assert detail.failure_message.text() == "The slow job failed at step 1 of 1, as requested."
    assert detail.failure_suggestion.text() == "Start it again with fail=false."
    assert detail.failure_code.text() == "SlowJobFailed"
    labels = detail.timeline_bar.labels()
    assert labels[-1] == "failed" and any(label.startswith("waiting") for label in labels)
    panel.select_task(ok)
    assert detail.timeline_bar.labels()[-1] == "succeeded"
    assert "step 2 of 2" in detail.messages_view.toPlainText()
    assert '"result": "done"' in detail.output_view.body_text()


def test_live_stop_resume_copy(qtbot, live):
    panel, tracker, runner = live
    task_id = start_job(qtbot, tracker, runner, '{"seconds": 30, "steps": 3}')
    assert panel.select_task(task_id)
    panel.stop_action.trigger()
    qtbot.waitUntil(lambda: tracker.task(task_id).watch == "stopped", timeout=2000)
    assert state_cell(panel, task_id) == "stopped (still running on the server)"
    assert panel.resume_action.isEnabled()
    panel.resume_action.trigger()
    qtbot.waitUntil(lambda: tracker.task(task_id).watch != "stopped", timeout=2000)
    panel.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == task_id
    assert panel.copy_curl_loop()
    text = QGuiApplication.clipboard().text()
    assert task_id in text and "demo-key" not in text
    panel.remove_action.trigger()
    qtbot.waitUntil(lambda: tracker.task(task_id) is None, timeout=2000)
    assert panel.model.rowCount() == 0 and panel.detail.task() is None


def test_the_panel_asks_the_tracker_for_the_connection_by_default(qtbot, live):
    _panel, tracker, runner = live
    panel = TaskPanel(tracker)
    qtbot.addWidget(panel)
    task_id = start_job(qtbot, tracker, runner, '{"seconds": 30, "steps": 3}')
    assert panel.select_task(task_id) and panel.copy_curl_loop()
    text = QGuiApplication.clipboard().text()
    assert task_id in text and "STEAMSHIP_API_KEY" in text and "demo-key" not in text
    tracker.task(task_id).origin.profile = "another"
    assert not panel.copy_curl_loop() and "switch to it" in panel.error.text()


def test_live_pasted_id_unknown_to_the_server(qtbot, live):
    panel, _tracker, _runner = live
    assert panel.add_task_id("no-such-task")
    unknown = "unknown to the server"
    qtbot.waitUntil(lambda: state_cell(panel, "no-such-task") == unknown, timeout=5000)
    assert panel.current_task().task_id == "no-such-task"
    assert "does not know this task" in panel.detail.watch_label.text()
    qtbot.waitUntil(lambda: panel.windowTitle() == "Tasks — 1 unknown", timeout=2000)


def test_the_elapsed_tick_repaints_without_resorting(qtbot, panel, monkeypatch):
    panel.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    sort_keys: list[int] = []
    original = panel.model._sort_key
    monkeypatch.setattr(panel.model, "_sort_key", lambda *a: sort_keys.append(1) or original(*a))
    with qtbot.waitSignal(panel.model.elapsedTicked, timeout=100):
        panel.model._tick()
    assert sort_keys == []  # the proxy was not told: no re-sort of every row each second


def test_f5_in_the_docked_panel_polls_not_the_window_refresh(qtbot):
    tracker = filled_tracker()
    window = QMainWindow()
    qtbot.addWidget(window)
    refreshed: list[bool] = []
    refresh = QAction("Refresh", window)
    refresh.setShortcut(QKeySequence("F5"))
    refresh.triggered.connect(lambda: refreshed.append(True))
    window.addAction(refresh)
    window.setCentralWidget(QLineEdit(window))
    panel = TaskPanel(tracker, clock=lambda: NOW)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    panel.select_task("t-run")
    panel.table.setFocus()
    qtbot.waitUntil(lambda: panel.table.hasFocus(), timeout=1000)
    qtbot.keyClick(panel.table, Qt.Key.Key_F5)
    assert ("poll_now", "t-run") in tracker.calls and refreshed == []
    window.centralWidget().setFocus()
    qtbot.waitUntil(lambda: window.centralWidget().hasFocus(), timeout=1000)
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_F5)
    assert refreshed == [True]  # outside the panel F5 is the window's again


def test_panel_keys_do_not_clash_with_the_window_or_the_output_viewer(panel):
    ours = {action.shortcut().toString() for action in panel.actions_list()}
    assert not ours & {"Ctrl+Return", "Ctrl+Enter", "Ctrl+Shift+C", "Ctrl+Alt+C", "Ctrl+T"}
    inside = {
        key.toString()
        for widget in panel.detail.findChildren(QWidget)
        for action in widget.actions()
        for key in action.shortcuts()
    }
    assert not ours & inside, ours & inside


def test_title_counts_follow_each_task_without_recounting(qtbot, panel) -> None:
    import random
    from collections import Counter

    from shipexplorer.core.task_text import state_category

    tracker = panel._tracker
    rng = random.Random(7)
    titles: list[str] = []
    panel.windowTitleChanged.connect(titles.append)
    for n in range(300):
        ids = [t.task_id for t in tracker.tasks()]
        step = rng.random()
        if step < 0.4 or not ids:
            tracker.add(make_task(f"r-{n}", rng.choice(["running", "waiting", None]), start=NOW))
        elif step < 0.8:
            task = tracker.task(rng.choice(ids))
            task.state = rng.choice(["running", "succeeded", "failed", None])
            task.watch = rng.choice(["watching", "stopped", "reconnecting", "unknown"])
            tracker.taskChanged.emit(task.task_id)
        else:
            tracker.remove(rng.choice(ids))
    recount = Counter(state_category(task) for task in tracker.tasks())
    assert panel._counts == recount
    panel._update_title()
    expected = panel.windowTitle()
    assert panel.accessibleDescription() == expected and expected.startswith("Tasks — ")
    before = len(titles)
    tracker.taskChanged.emit(tracker.tasks()[0].task_id)  # nothing changed: no new title
    panel._update_title()
    assert len(titles) == before and panel.windowTitle() == expected
