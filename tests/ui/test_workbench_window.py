"""The window with its docks over the emulator: tasks, history, saved requests and drafts together.

These are the integration paths between the docks and the request tabs (each dock's own behaviour
is tested in its own file): a task answer lands in the Tasks dock and opens its tab again; every
request is in History and re-opens or re-sends; Ctrl+S saves the tab to a file; tabs come back as
drafts after the window is gone.
"""

from __future__ import annotations

import json
import uuid

from shipexplorer.services.drafts import DraftStore
from shipexplorer.services.task_tracker import TaskTracker
from tests.ui.test_explorer_window import _fill, _ready, _send


def _docks(setup):
    docks = setup.window.docks
    assert docks is not None
    return docks


def test_view_menu_toggles_every_dock(qtbot, make_explorer):
    setup = make_explorer(docks=True)
    actions = [
        a for a in setup.window.view_menu.actions() if not a.isSeparator() and a.menu() is None
    ]
    texts = [a.text() for a in actions]
    assert texts == ["&Demo mode", "Tasks", "History", "Saved requests"], texts
    for action in actions:
        assert not action.shortcut().isEmpty()


def test_ten_slow_jobs_and_two_failures_are_watched_through_a_restart(qtbot, make_explorer):
    setup = make_explorer(instances=[("slow-job", "s", None), ("echo", "e", None)], docks=True)
    tracker = setup.docks.tracker
    tab = _ready(qtbot, setup, "s")
    for n in range(12):
        fail = n >= 10
        _fill(tab, "start", json.dumps({"seconds": 1 + (n % 3) * 0.5, "steps": 2, "fail": fail}))
        _send(qtbot, setup)
    qtbot.waitUntil(lambda: len(tracker.tasks()) == 12, timeout=10_000)
    # switching to another instance and back loses nothing
    _ready(qtbot, setup, "e")
    _ready(qtbot, setup, "s")
    qtbot.waitUntil(lambda: all(t.finished for t in tracker.tasks()), timeout=30_000)
    states = sorted(t.state for t in tracker.tasks())
    assert states == ["failed"] * 2 + ["succeeded"] * 10
    failed = [t for t in tracker.tasks() if t.state == "failed"]
    assert all(t.status_message and t.status_suggestion and t.status_code for t in failed)
    panel = _docks(setup).task_panel
    qtbot.waitUntil(  # the title is recounted at most every 150 ms
        lambda: panel.windowTitle() == "Tasks — 2 failed · 10 succeeded", timeout=2_000
    )
    # a task opens the tab that sent it; when that tab sent later requests, a tab for its method
    last = next(t for t in tracker.tasks() if t.origin.request_id == tab.last_request_id)
    setup.window.tabs.new_tab()
    panel.openOriginRequested.emit(last)
    assert setup.window.tabs.current() is tab
    first = min(tracker.tasks(), key=lambda t: t.origin.request_id)
    panel.openOriginRequested.emit(first)
    opened = setup.window.tabs.current()
    assert opened is not tab and opened.panel.method() == "start"
    assert opened.instance is not None and opened.instance.handle == "s"
    # a restart: a new tracker over the same file shows the same tasks and timelines
    tracker.shutdown()
    again = TaskTracker(setup.clients, tracker._pool, tracker.store_path)
    try:
        again.start()
        qtbot.waitUntil(lambda: len(again.tasks()) == 12, timeout=10_000)
        before = {t.task_id: (t.state, [s.state for s in t.spans]) for t in tracker.tasks()}
        after = {t.task_id: (t.state, [s.state for s in t.spans]) for t in again.tasks()}
        assert after == before
    finally:
        again.shutdown()


def test_history_reopens_and_resends_a_request(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    history = setup.docks.history
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"said": "first"}')
    added: list[int] = []
    history.entryAdded.connect(added.append)
    _send(qtbot, setup)
    qtbot.waitUntil(lambda: bool(added), timeout=5_000)
    panel = _docks(setup).history_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 1, timeout=5_000)
    assert panel.model.entry(0).method == "echo"
    panel.table.selectRow(0)
    count = setup.window.tabs.count()
    with qtbot.waitSignal(panel.reopenRequested, timeout=5_000):
        panel.reopen_selected()  # the entry is read with its bodies first
    reopened = setup.window.tabs.current()
    assert setup.window.tabs.count() == count + 1
    assert reopened.panel.method() == "echo" and reopened.instance is not None
    assert json.loads(reopened.panel.body_text()) == {"said": "first"}
    with qtbot.waitSignal(panel.resendRequested, timeout=5_000):
        panel.resend_selected()
    resent = setup.window.tabs.current()
    assert resent is not reopened
    qtbot.waitUntil(lambda: not resent.running and resent.response.answer is not None)
    assert json.loads(resent.response.body_text()) == {"said": "first"}


def test_ctrl_s_saves_the_tab_and_a_saved_request_opens(qtbot, make_explorer, monkeypatch):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    saved_panel = _docks(setup).saved_panel
    monkeypatch.setattr(saved_panel, "ask_save", lambda spec: ("Echo hello", ""))
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"hello": 1}')
    _docks(setup).save_action.trigger()
    store = setup.docks.saved
    qtbot.waitUntil(lambda: any(e.rel for e in store.snapshot().entries), timeout=5_000)
    entry = store.snapshot().entries[0]
    on_disk = json.loads((store.root / entry.rel).read_text())
    assert on_disk["method"] == "echo" and on_disk["instance"] == "e"
    assert "demo-key" not in (store.root / entry.rel).read_text()
    saved_panel.openRequested.emit(entry.spec)
    opened = setup.window.tabs.current()
    assert opened.panel.method() == "echo" and json.loads(opened.panel.body_text()) == {"hello": 1}


def test_tabs_come_back_as_drafts(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    drafts = setup.docks.drafts
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"unsaved": "work"}')
    drafts.close()  # the session ends (a kill leaves the same files: tests/services/test_drafts.py)
    setup.window.tabs.close_current()
    later = DraftStore(drafts._pool, drafts.folder)
    setup.window.docks._services.drafts = later  # as the next start builds it
    try:
        assert setup.window.docks.restore_drafts() == 1
        restored = setup.window.tabs.current()
        assert restored.panel.method() == "echo"
        assert json.loads(restored.panel.body_text()) == {"unsaved": "work"}
        assert restored.instance is not None and restored.instance.handle == "e"
    finally:
        later.close()


def test_a_saved_request_marked_for_presentation_runs_in_presentation_mode(
    qtbot, make_explorer, monkeypatch
):
    setup = make_explorer(instances=[("greeter", "g", {"greeting": "Hello"})], docks=True)
    saved_panel = setup.window.docks.saved_panel
    monkeypatch.setattr(saved_panel, "ask_save", lambda spec: ("greet Ada", ""))
    tab = _ready(qtbot, setup, "g")
    _fill(tab, "greet", '{"name": "Ada"}')
    setup.window.docks.save_action.trigger()
    store = setup.docks.saved
    qtbot.waitUntil(lambda: len(store.snapshot().entries) == 1, timeout=5_000)
    assert saved_panel.select(store.snapshot().entries[0].rel)
    from shipexplorer.ui.presentation.demo_dialog import DemoChoice

    choice = DemoChoice("Say hello", "The greeter greets Ada.")
    monkeypatch.setattr(saved_panel, "ask_demo", lambda *_a, **_k: choice)  # one dialog
    saved_panel.actions["present"].trigger()
    qtbot.waitUntil(
        lambda: (store.snapshot().entries[0].spec.presentation or {}).get("title") == "Say hello",
        timeout=5_000,
    )
    setup.window.present_action.trigger()  # F11
    mode = setup.window.presentation.mode
    assert mode is not None and mode.isVisible() and mode.isFullScreen()
    qtbot.waitUntil(lambda: mode.recipe_list.list.count() == 1, timeout=5_000)
    assert mode.recipe_list.list.item(0).text().startswith("Say hello")
    mode.recipe_list.list.setCurrentRow(0)
    mode.recipe_list.open_current()
    qtbot.waitUntil(lambda: "name" in mode.form.fields, timeout=5_000)
    mode.run()
    qtbot.waitUntil(lambda: mode.text_view.toPlainText() == "Hello, Ada!", timeout=10_000)
    mode.exitRequested.emit()  # Esc
    assert not setup.window.present_action.isChecked() and not mode.isVisible()


def test_presentation_mode_runs_in_the_profiles_default_workspace(qtbot, make_explorer, emulator):
    """A profile without a workspace uses the default one; the mode must send there too (it once
    sent a bare handle, which went to an unnamed workspace)."""
    from shipexplorer.api import ConnectionSettings, SteamshipClient

    handle = f"greeter-{uuid.uuid4().hex[:8]}"
    default = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, api_key="demo-key"
    )
    with SteamshipClient(default) as api:
        api.instance_create("greeter", handle, config={"greeting": "Hi"})
    setup = make_explorer(docks=True, workspace_handle=None)
    qtbot.waitUntil(lambda: setup.explorer.instance(handle) is not None, timeout=5_000)
    setup.window.present_action.trigger()
    mode = setup.window.presentation.mode
    mode.open_method(handle, "greet", '{"name": "Ada"}')
    qtbot.waitUntil(lambda: "name" in mode.form.fields, timeout=5_000)
    mode.run()
    qtbot.waitUntil(lambda: mode.text_view.toPlainText() == "Hi, Ada!", timeout=10_000)
    setup.window.present_action.trigger()
