"""The explorer window against the emulator: browse, pick a method, send, see, cancel."""

from __future__ import annotations

import itertools
import json
import time

from PySide6.QtCore import QTimer

from shipexplorer.ui.request.request_tabs import RequestTab


def _wait_instances(qtbot, setup, count: int) -> None:
    qtbot.waitUntil(lambda: setup.window.sidebar.model.rowCount() == count, timeout=5000)


def _ready(qtbot, setup, handle: str) -> RequestTab:
    """Wait for the instance list, select ``handle``, wait for its methods."""
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle(handle), timeout=5000)
    tab = setup.window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.count() > 0, timeout=5000)
    return tab


def _fill(tab: RequestTab, method: str, body: str = "", verb: str = "POST") -> None:
    tab.panel.set_method(method)
    tab.panel.verb_combo.setCurrentText(verb)
    tab.panel.body_edit.setPlainText(body)


def _send(qtbot, setup, timeout: int = 5000) -> RequestTab:
    tab = setup.window.tabs.send()
    assert tab is not None
    qtbot.waitUntil(lambda: not tab.running, timeout=timeout)
    return tab


def test_workspaces_and_instances_are_listed(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e1", None), ("greeter", "g1", None)])
    window = setup.window
    _wait_instances(qtbot, setup, 2)
    qtbot.waitUntil(lambda: window.workspace_selector.findData(setup.workspace) >= 0, timeout=5000)
    assert window.workspace_selector.findData("default") >= 0
    assert window.workspace_selector.currentData() == setup.workspace
    texts = [window.sidebar.model.item(r).text() for r in range(2)]
    assert any(t.startswith("e1\necho") for t in texts), texts
    assert all("·" in t for t in texts)  # package, version and init status
    window.sidebar.filter_edit.setText("greet")
    assert window.sidebar.proxy.rowCount() == 1
    assert window.status_workspace.text() == f"Workspace: {setup.workspace}"


def test_switching_workspace_lists_its_instances(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e1", None)])
    _wait_instances(qtbot, setup, 1)
    other = setup.workspace + "-b"
    with qtbot.waitSignal(setup.explorer.workspaceCreated, timeout=5000):
        setup.explorer.create_workspace(other)
    qtbot.waitUntil(lambda: setup.explorer.current_workspace() == other, timeout=5000)
    _wait_instances(qtbot, setup, 0)
    qtbot.waitUntil(lambda: setup.window.workspace_selector.currentData() == other, timeout=5000)
    setup.explorer.select_workspace(setup.workspace)
    _wait_instances(qtbot, setup, 1)


def test_greeter_lists_greet_and_answers_text(qtbot, make_explorer):
    setup = make_explorer(instances=[("greeter", "hello", {"greeting": "Hi"})])
    tab = _ready(qtbot, setup, "hello")
    assert tab.panel.method_combo.findText("greet") >= 0
    _fill(tab, "greet", '{"name": "Ada"}')
    assert "greet" in tab.panel.doc_label.text()
    _send(qtbot, setup)
    assert tab.response.status_text() == "200 OK"
    assert tab.response.body_text() == "Hi, Ada!"
    assert "ms" in tab.response.meta_label.text()


def test_echo_round_trips_json_and_get_sends_a_query(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tab = _ready(qtbot, setup, "e")
    body = {"hello": "world", "n": [1, 2, {"deep": True}], "ü": None}
    _fill(tab, "echo", json.dumps(body))
    _send(qtbot, setup)
    assert json.loads(tab.response.body_text()) == body
    assert tab.response.answer.kind == "json"
    headers = tab.response.headers_view.toPlainText()
    assert "Content-Type" in headers or "content-type" in headers.lower()
    _fill(tab, "echo", '{"a": "1"}', verb="GET")
    _send(qtbot, setup)
    assert json.loads(tab.response.body_text()) == {"a": "1"}


def test_slow_job_start_is_recognised_as_a_task(qtbot, make_explorer):
    setup = make_explorer(instances=[("slow-job", "job", None)])
    tab = _ready(qtbot, setup, "job")
    for method in ("start", "start_wrapped"):
        _fill(tab, method, '{"seconds": 1}')
        _send(qtbot, setup)
        p = tab.response.answer
        assert p.kind == "task", method
        assert p.task.task_id and p.task.state in ("waiting", "running")
        assert "Task id:" in tab.response.body_text()


def test_media_image_and_markdown(qtbot, make_explorer):
    setup = make_explorer(instances=[("media", "m", None)])
    tab = _ready(qtbot, setup, "m")
    _fill(tab, "image", '{"size": 8}')
    _send(qtbot, setup)
    assert tab.response.stack.currentIndex() == 1
    assert tab.response.image_label.pixmap().width() == 8
    assert tab.response.answer.decoded_image is not None  # decoded on the worker
    assert tab.response.save_button.isEnabled()
    _fill(tab, "markdown")
    _send(qtbot, setup)
    assert tab.response.body_text().startswith("# A markdown answer")


FAULTS = {
    "fail": ("500", ["This failure was requested.", "Suggestion: Call another method.", "Code:"]),
    "rate_limited": ("429", ["Too many requests", "Retry after 2 s."]),
    "bad_json": ("200", ["does not parse", "What to check:"]),
    "no_content_type": ("200", ["no Content-Type"]),
    "disconnect": ("Failed", ["dropped", "What to check:"]),
    "drip": ("Failed", ["deadline", "What to check:"]),
    "redirect": ("307", ["Location: https://example.com/", "not followed"]),
    "slow": ("Failed", ["read timeout", "What to check:"]),
}


def test_every_fault_ends_in_a_readable_message(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None)], read_timeout=0.5, deadline=1.0)
    tab = _ready(qtbot, setup, "f")
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
    heartbeat.start(10)
    try:
        for method, (status, words) in FAULTS.items():
            _fill(tab, method, '{"seconds": 3}' if method in ("drip", "slow") else "")
            _send(qtbot, setup)
            p = tab.response.answer
            assert p.kind == "error", method
            assert tab.response.status_text().startswith(status), (method, p.status_line)
            text = tab.response.body_text()
            for word in words:
                assert word in text, (method, text)
            assert "Traceback" not in text
    finally:
        heartbeat.stop()
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(beats) > 20 and max(gaps) < 0.5  # the window kept answering


def test_cancel_during_slow_ends_at_once_and_send_works_after(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None), ("echo", "e", None)])
    tab = _ready(qtbot, setup, "f")
    _fill(tab, "slow", '{"seconds": 30}')
    sent = setup.window.tabs.send()
    qtbot.waitUntil(lambda: setup.runner.in_flight() == 1, timeout=2000)
    qtbot.wait(100)  # let it reach the server
    assert tab.panel.cancel_button.isEnabled()
    started = time.monotonic()
    with qtbot.waitSignal(setup.runner.cancelled, timeout=2000):
        tab.panel.cancel_button.click()
    assert time.monotonic() - started < 0.1  # design.md: under 100 ms (about 2 ms here)
    assert not sent.running and tab.response.status_text() == "Cancelled"
    assert not tab.panel.cancel_button.isEnabled()
    _fill(tab, "echo", '{"after": "cancel"}')
    tab.instance = setup.explorer.instance("e")
    _send(qtbot, setup)
    assert json.loads(tab.response.body_text()) == {"after": "cancel"}


def test_two_requests_in_flight_both_complete(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None)])
    tab = _ready(qtbot, setup, "f")
    _fill(tab, "slow", '{"seconds": 0.4}')
    first = setup.window.tabs.send()
    _fill(first, "slow", '{"seconds": 0.2}')
    second = setup.window.tabs.send()  # the first still runs: a new tab takes this one
    assert second is not first and setup.window.tabs.count() == 2
    qtbot.waitUntil(lambda: setup.runner.in_flight() == 2, timeout=1000)
    qtbot.waitUntil(lambda: "2" in setup.window.status_requests.text(), timeout=1000)  # a frame
    qtbot.waitUntil(lambda: not first.running and not second.running, timeout=5000)
    assert json.loads(first.response.body_text()) == {"slept": 0.4}
    assert json.loads(second.response.body_text()) == {"slept": 0.2}
    # The first tab is in the background: its body is rendered when it is shown.
    assert first.response.body_view.toPlainText() == ""
    setup.window.tabs.setCurrentWidget(first)
    assert json.loads(first.response.body_view.toPlainText()) == {"slept": 0.4}
    qtbot.waitUntil(
        lambda: setup.window.status_requests.text() == "No requests in flight", timeout=1000
    )


def test_invalid_json_is_refused_before_sending(qtbot, make_explorer, emulator):
    setup = make_explorer(instances=[("echo", "e", None)])
    tab = _ready(qtbot, setup, "e")
    before = emulator.request_mark()
    _fill(tab, "echo", '{\n  "a": 1,\n  "b": \n}')
    assert setup.window.tabs.send() is None
    assert setup.runner.in_flight() == 0
    error = tab.panel.body_error
    assert error.isVisibleTo(tab) and "line 4, column 1" in error.text()
    assert tab.panel.body_text().startswith('{\n  "a": 1')  # the body is kept
    assert len([r for r in emulator.requests_since(before) if "/e/echo" in r.path]) == 0


def test_sidebar_context_actions_copy_and_refresh(qtbot, make_explorer, emulator):
    from PySide6.QtGui import QGuiApplication

    setup = make_explorer(instances=[("greeter", "g", None)])
    tab = _ready(qtbot, setup, "g")
    sidebar = setup.window.sidebar
    sidebar.copy_handle_action.trigger()
    assert QGuiApplication.clipboard().text() == "g"
    sidebar.copy_url_action.trigger()
    url = QGuiApplication.clipboard().text()
    assert url.startswith(emulator.base_url) and url.endswith(f"{setup.workspace}/g/")
    before = emulator.request_mark()
    with qtbot.waitSignal(setup.explorer.methodsChanged, timeout=5000):
        sidebar.refresh_dir_action.trigger()
    assert any("__dir__" in r.path for r in emulator.requests_since(before))
    assert tab.panel.method_combo.findText("greet") >= 0


def test_closing_a_tab_cancels_its_request(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None)])
    tab = _ready(qtbot, setup, "f")
    _fill(tab, "slow", '{"seconds": 30}')
    tabs = setup.window.tabs
    tabs.new_tab(copy_of=tab)
    assert tabs.count() == 2
    tabs.setCurrentIndex(0)
    assert tabs.send() is tab
    with qtbot.waitSignal(setup.runner.cancelled, timeout=2000):
        tabs.close_tab(0)
    assert tabs.count() == 1 and setup.runner.in_flight() == 0


def test_tabs_keep_their_instance_when_another_workspace_is_listed(qtbot, make_explorer):
    """Switching workspace changes what the sidebar lists, never what a tab targets."""
    setup = make_explorer(instances=[("echo", "e", None)])
    tab = _ready(qtbot, setup, "e")
    other = setup.window.tabs.new_tab(copy_of=tab)
    assert other.instance is not None
    with qtbot.waitSignal(setup.explorer.workspaceCreated, timeout=5000):
        setup.explorer.create_workspace(setup.workspace + "-other")
    qtbot.waitUntil(
        lambda: setup.explorer.current_workspace() == setup.workspace + "-other", timeout=5000
    )
    qtbot.waitUntil(lambda: setup.window.sidebar.model.rowCount() == 0, timeout=5000)
    assert (other.handle, other.workspace) == ("e", setup.workspace)
    assert (tab.handle, tab.workspace) == ("e", setup.workspace)
    _fill(other, "echo", '{"still": "here"}')
    with qtbot.waitSignal(setup.runner.finished, timeout=5000):
        assert setup.window.tabs.send(other) is other
    assert json.loads(other.response.body_text()) == {"still": "here"}
