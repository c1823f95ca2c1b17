"""The window's keys: every one is a menu action, none types into an editor (issue 13: Alt+1..4
typed "1".."4" into the body while the editor had the focus, instead of switching the answer's
view), and Esc is taken only while there is a request to cancel."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.test_explorer_window import _fill, _ready, _send

WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


def _answered(qtbot, make_explorer):
    """A window whose current tab shows a JSON answer (Tree, Raw and Pretty views)."""
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"hello": ["world", 1]}')
    _send(qtbot, setup)
    qtbot.waitUntil(lambda: tab.response.current_view() == "Tree", timeout=5000)
    return setup, tab


def _focus(qtbot, window, widget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_alt_digits_switch_the_answer_view_and_never_type_into_the_body(qtbot, make_explorer):
    setup, tab = _answered(qtbot, make_explorer)
    window = setup.window
    editor = tab.panel.body_edit
    body = editor.toPlainText()
    _focus(qtbot, window, editor)
    for key, view in ((Qt.Key.Key_2, "Raw"), (Qt.Key.Key_3, "Pretty"), (Qt.Key.Key_1, "Tree")):
        qtbot.keyClick(editor, key, Qt.KeyboardModifier.AltModifier)
        assert tab.response.current_view() == view
        assert editor.toPlainText() == body, "the key was typed into the body"
        assert editor.hasFocus()  # the focus stays where the user types
    # a view this answer does not have: nothing typed, nothing switched, the reason said
    qtbot.keyClick(editor, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert tab.response.current_view() == "Tree"
    assert editor.toPlainText() == body
    assert "no Rendered view" in window.statusBar().currentMessage()


def test_the_answer_views_are_in_the_view_menu(qtbot, make_explorer):
    setup, tab = _answered(qtbot, make_explorer)
    window = setup.window
    menu = window.answer_view_menu
    assert menu.title() == "&Answer view"
    assert menu.menuAction() in window.view_menu.actions()
    keys = {a.text().replace("&", ""): a.shortcut().toString() for a in menu.actions()}
    assert keys == {"Tree": "Alt+1", "Raw": "Alt+2", "Pretty": "Alt+3", "Rendered": "Alt+4"}
    by_name = {a.text().replace("&", ""): a for a in menu.actions()}
    by_name["Pretty"].trigger()
    assert tab.response.current_view() == "Pretty"
    menu.aboutToShow.emit()
    assert by_name["Pretty"].isChecked() and not by_name["Tree"].isChecked()


def test_alt_digits_act_on_the_answer_holding_the_focus(qtbot, make_explorer):
    """In a task's output (a response view in the Tasks dock) the keys switch that view."""
    setup, tab = _answered(qtbot, make_explorer)
    window = setup.window
    output = window.docks.task_panel.detail.output_view
    output.show_message("Output", "some text")
    window.docks.task_panel.raise_()
    _focus(qtbot, window, output.body_view)
    assert window.current_answer_view() is output
    _focus(qtbot, window, tab.panel.body_edit)
    assert window.current_answer_view() is tab.response


def test_every_window_wide_key_is_a_menu_action(qtbot, make_explorer):
    setup, _tab = _answered(qtbot, make_explorer)
    window = setup.window
    loose = [
        QKeySequence(s.key()).toString()
        for s in window.findChildren(QShortcut)
        if s.context() in WINDOW_WIDE
    ]
    assert loose == [], f"window-wide QShortcuts outside any menu: {loose}"
    outside = [
        f"{a.text()} ({a.shortcut().toString()})"
        for a in window.findChildren(QAction)
        if not a.shortcut().isEmpty()
        and a.shortcutContext() in WINDOW_WIDE
        and not any(isinstance(o, QMenu) for o in a.associatedObjects())
    ]
    assert outside == [], f"window-wide keys in no menu: {outside}"
    request = window.request_actions
    expected = {
        request.send_action: ["Ctrl+Return", "Ctrl+Enter"],
        request.cancel_action: ["Esc"],
        request.focus_method_action: ["Ctrl+L"],
        request.new_tab_action: ["Ctrl+T"],
        request.close_tab_action: ["Ctrl+W"],
    }
    for action, keys in expected.items():
        assert [k.toString() for k in action.shortcuts()] == keys
        assert action in request.menu.actions()


def test_new_and_close_tab_keys(qtbot, make_explorer):
    setup, _tab = _answered(qtbot, make_explorer)
    window = setup.window
    editor = window.tabs.current().panel.body_edit
    _focus(qtbot, window, editor)
    count = window.tabs.count()
    qtbot.keyClick(editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == count + 1
    fresh = window.tabs.current().panel.body_edit
    _focus(qtbot, window, fresh)
    qtbot.keyClick(fresh, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == count


def test_esc_is_the_search_fields_unless_a_request_runs(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None), ("faults", "f", None)], docks=True)
    window = setup.window
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", json.dumps({"word": "needle"}))
    _send(qtbot, setup)
    cancel = window.request_actions.cancel_action
    assert not cancel.isEnabled()  # nothing to cancel: Esc stays the focused widget's
    field = tab.response.search_bar.search_field
    field.setText("needle")
    _focus(qtbot, window, field)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == "", "Esc did not reach the search field"
    # while the tab's request runs, Esc cancels it (from the body editor too)
    tab = _ready(qtbot, setup, "f")
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("slow") >= 0, timeout=5000)
    _fill(tab, "slow", '{"seconds": 30}')
    with qtbot.waitSignal(setup.runner.started, timeout=5000):
        window.tabs.send()
    assert cancel.isEnabled()
    _focus(qtbot, window, tab.panel.body_edit)
    with qtbot.waitSignal(setup.runner.cancelled, timeout=2000):
        qtbot.keyClick(tab.panel.body_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not cancel.isEnabled(), timeout=2000)
