"""The explorer window's names, keys, start-up states, window state and the create-instance hook."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

NAMES = [
    "Connection profile",
    "Workspace",
    "Package instances",
    "Method",
    "HTTP verb",
    "Request body",
    "Send request",
    "Cancel request",
    "Response status",
    "Response body",
]


def _named(window, name: str) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if w.accessibleName() == name]


def test_the_issue_names_are_present(qtbot, make_explorer):
    setup = make_explorer()
    for name in NAMES:
        assert _named(setup.window, name), name
    assert setup.window.create_instance_action.text() == "Create package instance"
    assert setup.window.create_instance_action.shortcut().toString() == "Ctrl+N"
    assert setup.window.refresh_action.shortcut().toString() == "F5"
    for widget in setup.window.findChildren(QWidget):
        if type(widget.parent()).__name__ == "QComboBox":
            continue  # an editable combo box's own line edit: the combo box carries the name
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(setup.window):
            cls = type(widget).__name__
            if cls in ("QComboBox", "QLineEdit", "QPlainTextEdit", "QPushButton", "QListView"):
                assert widget.accessibleName(), (cls, widget.objectName())


def test_loading_states_show_before_any_answer(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    window = setup.window
    # Built and shown synchronously: nothing has answered yet, the loading states say so.
    assert window.sidebar.state_label.text() == "Loading instances…"
    assert window.workspace_selector.currentText() == "Loading workspaces…"
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == 1, timeout=5000)
    assert not window.sidebar.state_label.isVisible()


def test_an_unreachable_server_shows_an_error_state(qtbot, make_explorer, start_emulator):
    emu = start_emulator()
    base = emu.api_base, emu.app_base
    emu.stop()
    setup = make_explorer(api_base=base[0], app_base=base[1], max_retries=0)
    window = setup.window
    qtbot.waitUntil(lambda: "Could not load" in window.sidebar.state_label.text(), timeout=5000)
    assert "refused" in window.sidebar.state_label.text()
    qtbot.waitUntil(lambda: window.workspace_selector.currentText() == "Workspaces: error")
    assert "refused" in window.workspace_selector.toolTip()


def test_keyboard_sends_cancels_focuses_and_refreshes(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None), ("faults", "f", None)])
    window = setup.window
    qtbot.waitUntil(lambda: window.sidebar.select_handle("e"), timeout=5000)
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("echo") >= 0, timeout=5000)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() in (tab.panel.method_combo, tab.panel.method_combo.lineEdit())
    tab.panel.set_method("echo")
    tab.panel.body_edit.setPlainText('{"k": 1}')
    tab.panel.body_edit.setFocus()
    with qtbot.waitSignal(setup.runner.finished, timeout=5000):
        qtbot.keyClick(tab.panel.body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert json.loads(tab.response.body_text()) == {"k": 1}
    assert tab.panel.body_text() == '{"k": 1}'  # Ctrl+Enter did not type a newline
    window.sidebar.select_handle("f")  # the echo tab keeps its target: f opens a tab of its own
    assert tab.handle == "e" and window.tabs.current() is not tab
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("slow") >= 0, timeout=5000)
    tab.panel.set_method("slow")
    tab.panel.body_edit.setPlainText('{"seconds": 30}')
    with qtbot.waitSignal(setup.runner.started, timeout=5000):
        qtbot.keyClick(tab.panel.body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(setup.runner.cancelled, timeout=1000):
        qtbot.keyClick(tab.panel.body_edit, Qt.Key.Key_Escape)
    with qtbot.waitSignal(setup.explorer.instancesChanged, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F5)


def test_window_state_is_restored(qtbot, make_explorer, tmp_path):
    state_path = tmp_path / "state.json"
    first = make_explorer(
        state_path=state_path, instances=[("echo", "a", None), ("greeter", "b", None)]
    )
    window = first.window
    qtbot.waitUntil(lambda: window.sidebar.select_handle("b"), timeout=5000)
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    tab.panel.set_method("greet")
    window.resize(700, 500)
    window.splitter.setSizes([200, 480])
    sizes = window.splitter.sizes()
    window.close()
    saved = json.loads(state_path.read_text("utf-8"))
    assert saved["version"] == 1 and saved["state"]["instance"] == "b"
    assert saved["state"]["method"] == "greet" and saved["state"]["workspace"] == first.workspace

    # A new window (same workspace, as the profile says) comes back where the last one was.
    second = make_explorer(state_path=state_path)
    second.api.close()
    again = second.window
    assert again.size().width() == 700 and again.size().height() == 500
    assert again.splitter.sizes() == sizes
    assert again.view.pending.instance == "b" and again.view.pending.method == "greet"


def test_window_state_restores_workspace_instance_and_method(qtbot, make_explorer, tmp_path):
    state_path = tmp_path / "state.json"
    first = make_explorer(
        state_path=state_path, instances=[("echo", "a", None), ("greeter", "b", None)]
    )
    qtbot.waitUntil(lambda: first.window.sidebar.select_handle("b"), timeout=5000)
    tab = first.window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    tab.panel.set_method("greet")
    first.window.close()
    # A profile pointing elsewhere: the saved workspace is selected again once listed.
    second = make_explorer(state_path=state_path)
    window = second.window
    qtbot.waitUntil(lambda: second.explorer.current_workspace() == first.workspace, timeout=5000)
    qtbot.waitUntil(
        lambda: window.sidebar.current() is not None and window.sidebar.current().handle == "b",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: window.tabs.current().panel.method() == "greet", timeout=5000)


def test_create_package_instance_opens_the_dialog_and_selects_the_new_one(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)], catalog=True)
    window = setup.window
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == 1, timeout=5000)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window._create_dialog
    assert dialog is not None and dialog.isVisible()
    created = setup.api.instance_create("greeter", "fresh").value
    dialog.created.emit(created)
    qtbot.waitUntil(
        lambda: window.sidebar.current() is not None and window.sidebar.current().handle == "fresh",
        timeout=5000,
    )
    dialog.close()


def test_by_clicking_only_a_greeter_with_a_custom_greeting_answers(qtbot, make_explorer):
    """The issue's "done when": create a greeter from the form, call greet, see the answer."""
    setup = make_explorer(catalog=True)
    window = setup.window
    qtbot.waitUntil(lambda: "No package instances" in window.sidebar.state_label.text())
    window.create_instance_action.trigger()
    dialog = window._create_dialog
    dialog.choose_package("greeter")
    qtbot.waitUntil(lambda: dialog.config_form.field("greeting") is not None, timeout=5000)
    greeting = dialog.config_form.field("greeting").editor
    greeting.clear()
    qtbot.keyClicks(greeting, "Howdy")
    dialog.instance_edit.clear()
    qtbot.keyClicks(dialog.instance_edit, "my-greeter")
    dialog.create_button.click()
    qtbot.waitUntil(
        lambda: (
            window.sidebar.current() is not None and window.sidebar.current().handle == "my-greeter"
        ),
        timeout=5000,
    )
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    tab.panel.set_method("greet")
    tab.panel.body_edit.setPlainText('{"name": "Ada"}')
    tab.panel.send_button.click()
    qtbot.waitUntil(lambda: not tab.running and tab.response.answer is not None)
    assert tab.response.body_text() == "Howdy, Ada!"
