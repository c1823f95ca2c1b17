"""Serving the example package from its folder in the window: its methods from ``__dir__``, a
call that answers at once, one that runs a task, a restart that keeps the instance and the
tabs, a start failure's log, and the dock fitting 1280x720. The official client's venv is the
package's Python (``SHIPEXPLORER_STEAMSHIP_PYTHON``)."""

from __future__ import annotations

import json

import pytest

from shipexplorer.core.package_serve import LOCAL_INSTANCE_HANDLE, ServeSettings
from shipexplorer.emulator import DEMO_API_KEY
from shipexplorer.services.package_server import PackageServer
from shipexplorer.ui.packages.package_serving import install
from tests.services.test_package_server import copy_example
from tests.ui.test_explorer_window import _fill, _send
from tests.ui.test_window_fit import SCREENS, _open_on, _settle, assert_fits

WAIT_MS = 60_000


@pytest.fixture
def serving(make_explorer, worker_pool, emulator, tmp_path, qtbot):
    """A window with its docks and package serving, over the session emulator."""
    setup = make_explorer(docks=True)
    server = PackageServer(worker_pool, tmp_path / "serve.json")
    server.set_engine(emulator.api_base, emulator.app_base, DEMO_API_KEY)
    part = install(setup.window, server, setup.explorer)
    yield setup, server, part
    server.shutdown()


def _serve(qtbot, setup, server, part, folder, python) -> None:
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS):
        part.serve(ServeSettings(str(folder), python, setup.workspace))


def _served_tab(qtbot, setup):
    tabs = setup.window.tabs
    qtbot.waitUntil(lambda: tabs.current().handle == LOCAL_INSTANCE_HANDLE, timeout=10_000)
    tab = tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=10_000)
    return tab


def test_serve_call_and_restart(qtbot, serving, steamship_python, tmp_path):
    setup, server, part = serving
    folder = copy_example(tmp_path)
    _serve(qtbot, setup, server, part, folder, steamship_python)
    panel = part.panel
    assert panel.isVisible()
    assert panel.state_label.text() == f"Serving on port {server.port}"
    assert "Local API" in panel.log_text()
    tab = _served_tab(qtbot, setup)
    methods = {tab.panel.method_combo.itemText(i) for i in range(tab.panel.method_combo.count())}
    assert {"greet", "count_to", "save_note", "remember", "recall"} <= methods

    _fill(tab, "greet", '{"name": "Ada"}')
    _send(qtbot, setup, timeout=30_000)
    assert tab.response.status_text() == "200 OK"
    assert tab.response.body_text() == "Hello, Ada!"

    # the code changes, a restart keeps the instance and the tab, and the new method shows
    api = folder / "api.py"
    api.write_text(
        api.read_text().replace('return f"Hello, {name}!"', 'return f"Hi again, {name}!"')
    )
    count = setup.window.tabs.count()
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS):
        panel.restart_button.click()
    assert setup.window.tabs.count() == count
    assert setup.window.tabs.current() is tab and tab.handle == LOCAL_INSTANCE_HANDLE
    _fill(tab, "greet", '{"name": "Ada"}')
    _send(qtbot, setup, timeout=30_000)
    assert tab.response.body_text() == "Hi again, Ada!"

    # stopped: a call says so in words, and Stop is disabled
    with qtbot.waitSignal(server.stateChanged, timeout=10_000):
        panel.stop_button.click()
    assert panel.state_label.text() == "Stopped" and not panel.stop_button.isEnabled()
    _send(qtbot, setup, timeout=30_000)
    assert "is not running" in tab.response.body_text()


def test_a_method_that_runs_a_task_is_watched(qtbot, serving, steamship_python, tmp_path):
    setup, server, part = serving
    _serve(qtbot, setup, server, part, copy_example(tmp_path), steamship_python)
    tab = _served_tab(qtbot, setup)
    _fill(tab, "count_to", '{"n": 4}')
    _send(qtbot, setup, timeout=30_000)
    assert tab.response.answer.kind == "task"
    tracker = setup.docks.tracker
    qtbot.waitUntil(lambda: any(t.state == "succeeded" for t in tracker.tasks()), timeout=30_000)
    done = next(t for t in tracker.tasks() if t.state == "succeeded")
    assert "10" in json.dumps(done.to_dict())


def test_file_and_key_value_methods(qtbot, serving, steamship_python, tmp_path):
    setup, server, part = serving
    _serve(qtbot, setup, server, part, copy_example(tmp_path), steamship_python)
    tab = _served_tab(qtbot, setup)
    _fill(tab, "save_note", '{"text": "milk, eggs", "title": "shopping"}')
    _send(qtbot, setup, timeout=30_000)
    file_id = json.loads(tab.response.body_text())["fileId"]
    _fill(tab, "read_note", json.dumps({"file_id": file_id}))
    _send(qtbot, setup, timeout=30_000)
    assert tab.response.body_text() == "milk, eggs"
    _fill(tab, "remember", '{"key": "colour", "value": "teal"}')
    _send(qtbot, setup, timeout=30_000)
    _fill(tab, "recall", '{"key": "colour"}')
    _send(qtbot, setup, timeout=30_000)
    assert json.loads(tab.response.body_text()) == {"value": "teal"}


def test_a_start_failure_shows_its_log_and_reason(qtbot, serving, steamship_python, tmp_path):
    setup, server, part = serving
    folder = copy_example(tmp_path, "broken")
    (folder / "api.py").write_text((folder / "api.py").read_text() + "\ndef broken(:\n")
    with qtbot.waitSignal(server.stateChanged, timeout=WAIT_MS, check_params_cb=_failed):
        part.serve(ServeSettings(str(folder), steamship_python, setup.workspace))
    panel = part.panel
    assert panel.isVisible()
    text = panel.state_label.text()
    assert text.startswith("Failed: ") and "syntax error" in text and "Traceback" not in text
    assert "SyntaxError" in panel.log_text()
    assert panel.restart_button.isEnabled() and not panel.stop_button.isEnabled()


def test_the_dialog_remembers_and_the_dock_fits(qtbot, serving, tmp_path):
    setup, server, part = serving
    window = setup.window
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert part.serve_action in file_menu.actions()
    dialog = part.open_dialog()
    assert dialog.folder_edit.text() == ""
    dialog.folder_edit.setText(str(tmp_path / "nowhere"))
    dialog.workspace_edit.setText("w1")
    with qtbot.waitSignal(server.stateChanged, timeout=5000):
        dialog.serve_button.click()
    assert "does not exist" in part.panel.state_label.text()
    again = part.open_dialog()
    assert again.folder_edit.text().endswith("nowhere") and again.workspace_edit.text() == "w1"
    again.reject()
    screen = SCREENS["1280x720"]
    _open_on(window, screen)
    part.show_log()
    _settle(qtbot)
    assert part.panel.isVisible()
    assert_fits(window, screen, "the package log shown")


def _failed(state: str, _sentence: str) -> bool:
    return state == "failed"


def test_the_dock_and_dialog_are_named_and_reachable(qtbot, serving):
    from tests.ui.test_accessibility import _checked, _fail_on, menu_offenders

    setup, _server, part = serving
    part.show_log()
    _fail_on(_checked(part.panel, 4), "package-log controls fail the accessibility rule")
    dialog = part.open_dialog()
    _fail_on(_checked(dialog, 6), "serve-dialog controls fail the accessibility rule")
    dialog.reject()
    found = [f for f in menu_offenders(setup.window) if "erve" in f or "ackage" in f]
    _fail_on(found, "package-serving menu commands fail the keyboard rule")
