"""The JSON body editor: live checking with line and column, gutter mark, brackets, auto-indent,
undoable Format / Minify / Insert skeleton, completion from a real ``__dir__``, highlighting that
stays per line, and the request panel around it (bodies per method, Send refused while broken)."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QTextCursor, QTextDocument
from PySide6.QtTest import QTest

from shipexplorer.ui.request.json_editor import (
    HIGHLIGHT_LIMIT,
    LIVE_LIMIT,
    LONG_LINE,
    JsonEditor,
    has_long_line,
)
from shipexplorer.ui.request.request_panel import RequestPanel
from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter
from tests.core.documents.test_json_body import describe_packages

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def packages(emulator):
    return describe_packages(emulator)


@pytest.fixture
def editor(qtbot) -> JsonEditor:
    widget = JsonEditor()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    widget.activateWindow()
    assert QTest.qWaitForWindowActive(widget)
    widget.setFocus()
    return widget


def _cursor_at(editor: JsonEditor, position: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)


def test_the_first_error_is_shown_with_line_and_column_after_a_pause(qtbot, editor):
    editor.setPlainText('{\n  "a": 1,\n  "b": \n}')
    assert editor.is_stale() and editor.problem() == ""  # debounced, not checked per key
    with qtbot.waitSignal(editor.problemChanged, timeout=2000) as changed:
        pass
    assert changed.args == ["line 4, column 1: Expecting value"]
    assert editor.error_line() == 4
    assert editor.status() == "Not valid JSON: line 4, column 1: Expecting value"
    _cursor_at(editor, 0)
    assert editor.go_to_problem()
    cursor = editor.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (4, 1)
    editor.setPlainText('{"ü😀": "x", "b": }')  # columns count characters, as json does
    assert editor.check_now() == "line 1, column 18: Expecting value"
    editor.go_to_problem()
    assert editor.textCursor().positionInBlock() == 18  # UTF-16: the emoji counts twice
    editor.setPlainText("")
    assert editor.check_now() == "" and editor.error_line() is None
    assert editor.status() == "Empty body: {} is sent."


def test_the_gutter_marks_the_error_line_and_clicking_it_goes_there(qtbot, editor):
    editor.setPlainText('{\n  "a": [1, 2,\n  ]\n}')
    editor.check_now()
    assert editor.error_line() == 3
    gutter = editor._gutter
    assert gutter.width() > 0
    image = gutter.grab().toImage()  # the mark paints without error
    assert not image.isNull()
    top = editor.blockBoundingGeometry(editor.document().findBlockByNumber(2))
    y = int(top.translated(editor.contentOffset()).center().y())
    _cursor_at(editor, 0)
    QTest.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=QPoint(5, y))
    assert editor.textCursor().blockNumber() == 2


def test_big_bodies_are_checked_on_demand(qtbot, editor):
    text = "[" + ",".join(["1"] * (LIVE_LIMIT // 2)) + ",]"
    editor.setPlainText(text)
    assert "not checked while you type" in editor.status()
    assert not editor._timer.isActive()
    assert editor.check_now().startswith("line 1, column ")
    assert editor.go_to_problem()


def test_big_bodies_arrive_without_colours(qtbot, editor):
    editor.setPlainText("[" + ",".join(["1"] * (HIGHLIGHT_LIMIT // 2)) + "]")
    assert not editor.is_highlighted()
    editor.setPlainText('{"a": 1}')
    assert editor.is_highlighted()


def test_a_body_with_a_long_line_is_wrapped(qtbot, editor):
    """Qt draws an unwrapped line whole (10 to 15 ms a repaint for 100 kB): long lines wrap."""
    one_line = json.dumps({"items": ["x" * 90] * (2 * LONG_LINE // 90)})
    assert has_long_line(one_line) and not has_long_line("a\n" * LONG_LINE)
    assert not editor.is_wrapped()
    editor.setPlainText(one_line)
    assert editor.is_wrapped()
    editor.setPlainText('{"a": 1}')
    assert not editor.is_wrapped()
    # Format unwraps it, Minify (one long line again) wraps it.
    editor.setPlainText(one_line)
    assert editor.format_body() and not editor.is_wrapped()
    assert editor.minify_body() and editor.is_wrapped()
    # Typed (or pasted) past the limit: wrapped.
    editor.setPlainText('{"a": ""}')
    _cursor_at(editor, 7)
    editor.insertPlainText("y" * (LONG_LINE + 1))
    assert editor.is_wrapped()


@pytest.mark.timeout(60)
def test_a_megabyte_line_without_spaces_is_wrapped_without_a_hang(qtbot, editor):
    """Wrapping at word boundaries is quadratic in a line without one (1.2 MB took over a minute,
    0.3 MB 6 s); wrapping anywhere lays out 1.2 MB in under a second. The bound is for a hang."""
    editor.resize(600, 400)
    editor.show()
    started = time.monotonic()
    editor.setPlainText(json.dumps({"big": "x" * 1_200_000}))
    editor.repaint()
    assert editor.is_wrapped()
    assert time.monotonic() - started < 20


def test_format_minify_skeleton_by_keys_and_undo(qtbot, editor, packages):
    editor.set_method(packages["slow-job"].method("start"))
    editor.setPlainText('{"seconds": 2}')
    QTest.keyClick(editor, Qt.Key.Key_K, CTRL_SHIFT)
    assert json.loads(editor.toPlainText()) == {"seconds": 2, "steps": 0, "fail": False}
    QTest.keyClick(editor, Qt.Key.Key_M, CTRL_SHIFT)
    assert editor.toPlainText() == '{"seconds":2,"steps":0,"fail":false}'
    QTest.keyClick(editor, Qt.Key.Key_F, CTRL_SHIFT)
    assert editor.toPlainText() == '{\n  "seconds": 2,\n  "steps": 0,\n  "fail": false\n}'
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == '{"seconds":2,"steps":0,"fail":false}'
    editor.undo()
    assert json.loads(editor.toPlainText()) == {"seconds": 2, "steps": 0, "fail": False}
    editor.undo()
    assert editor.toPlainText() == '{"seconds": 2}'
    QTest.keyClick(editor, Qt.Key.Key_Z, CTRL_SHIFT)
    assert "steps" in editor.toPlainText()
    # A broken body is not reshaped: the problem is shown instead.
    editor.setPlainText('{"a": }')
    assert not editor.format_body() and not editor.minify_body()
    assert editor.toPlainText() == '{"a": }' and editor.problem().startswith("line 1, column 7")


def test_auto_indent_and_closing_dedent(qtbot, editor):
    QTest.keyClicks(editor, "{")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == "{\n  "
    QTest.keyClicks(editor, '"a": [')
    editor.insertPlainText("]")
    editor.moveCursor(QTextCursor.MoveOperation.Left)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == '{\n  "a": [\n    \n  ]'
    QTest.keyClicks(editor, "1")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "}")
    assert editor.toPlainText() == '{\n  "a": [\n    1\n  ]\n}'
    assert editor.check_now() == ""


def _marked(editor: JsonEditor) -> list[int]:
    return sorted(s.cursor.selectionStart() for s in editor.extraSelections())


def test_brackets_match_outside_strings(qtbot, editor):
    text = '{"a": "}]", "b": [1, {"c": 2}]}'
    editor.setPlainText(text)
    _cursor_at(editor, 0)
    assert _marked(editor) == [0, len(text) - 1]
    _cursor_at(editor, text.index("[") + 1)  # just after the bracket counts too
    assert _marked(editor) == [text.index("["), len(text) - 2]
    _cursor_at(editor, 3)
    assert _marked(editor) == []


def test_completion_after_a_quote_and_on_ctrl_space(qtbot, editor, packages):
    editor.set_method(packages["greeter"].method("greet"))
    QTest.keyClicks(editor, "{")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, '"')
    popup = editor._completer.popup()
    assert popup.isVisible() and editor.completion_labels() == ["name"]
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert editor.toPlainText() == '{\n  "name": '
    editor.set_method(packages["faults"].method("fail"))
    editor.setPlainText('{"code": "x", "form": ')
    editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert popup.isVisible() and editor.completion_labels() == ['"status"', '"package"']
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert json.loads(editor.toPlainText() + "}") == {"code": "x", "form": "package"}
    editor.undo()  # a completion is one undoable step
    assert editor.toPlainText() == '{"code": "x", "form": '
    editor.set_method(packages["slow-job"].method("start"))
    editor.setPlainText('{"seconds": 1, "')
    editor.moveCursor(QTextCursor.MoveOperation.End)
    assert editor.completion_labels() == ["steps", "fail"]


def test_warnings_follow_the_method(qtbot, editor, packages):
    editor.set_method(packages["greeter"].method("greet"))
    with qtbot.waitSignal(editor.warningsChanged, timeout=2000):
        editor.setPlainText('{"nme": "Ada"}')
    assert editor.warnings_text() == '"nme" is not an argument of greet (it takes name).'
    editor.set_method(None)
    assert editor.warnings_text() == ""


def test_highlighting_formats_keys_and_stays_per_line(qtbot):
    calls = []

    class Counting(JsonHighlighter):
        def highlightBlock(self, text: str) -> None:
            calls.append(text)
            super().highlightBlock(text)

    document = QTextDocument()
    document.documentLayout()  # as in an editor: edits are reported once a layout exists
    lines = ["{"] + [f'  "k{i}": [{i}, true, null, "s"],' for i in range(2000)] + ['  "😀": 1}']
    document.setPlainText("\n".join(lines))
    highlighter = Counting(document)
    highlighter.rehighlight()
    assert len(calls) == len(lines)
    block = document.findBlockByNumber(1)
    formats = block.layout().formats()  # keep the list alive: the formats belong to it
    ranges = {(r.start, r.length): r.format for r in formats}
    assert ranges[(2, 4)].fontWeight() == QFont.Weight.Bold  # the key "k0"
    assert ranges[(12, 4)].fontItalic() and ranges[(18, 4)].fontItalic()  # true, null
    assert not ranges[(24, 3)].fontItalic()  # the string "s" is not a literal
    assert ranges[(24, 3)].foreground() != ranges[(9, 1)].foreground()  # nor a number
    last = document.lastBlock()
    assert any(r.start == 2 and r.length == 4 for r in last.layout().formats())  # "😀" in UTF-16
    calls.clear()
    cursor = QTextCursor(document.findBlockByNumber(1000))
    cursor.insertText("  ")
    assert len(calls) == 1  # one edited line, one line highlighted again


# -- the request panel ------------------------------------------------------------------------


def test_panel_keeps_a_body_per_instance_and_method(qtbot, packages):
    panel = RequestPanel()
    qtbot.addWidget(panel)
    panel.set_instance_key("s1")
    panel.set_methods(packages["slow-job"])
    panel.set_method("start")
    panel.body_edit.setPlainText('{"seconds": 1}')
    panel.set_method("start_wrapped")
    assert panel.body_text() == ""
    panel.body_edit.setPlainText('{"steps": 2}')
    panel.set_instance_key("s2")
    assert panel.body_text() == ""
    panel.set_method("start")
    panel.set_method("st")  # typing a name that is not listed keeps the body
    assert panel.body_text() == ""
    panel.set_instance_key("s1")
    panel.set_method("start")
    assert panel.body_text() == '{"seconds": 1}'
    panel.set_method("start_wrapped")
    assert panel.body_text() == '{"steps": 2}'


def test_panel_body_problem_status_and_buttons(qtbot, packages):
    panel = RequestPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.skeleton_button.isEnabled()
    panel.set_methods(packages["greeter"])
    panel.set_method("greet")
    assert panel.skeleton_button.isEnabled()
    panel.skeleton_button.click()
    assert panel.body_text() == '{\n  "name": ""\n}'
    panel.body_edit.setPlainText('{"name": "Ada",}')
    assert panel.body_problem() == (
        "line 1, column 16: Expecting property name enclosed in double quotes"
    )
    status = panel.body_status.text()
    assert "Not valid JSON: line 1, column 16" in status and "Go to the problem" in status
    panel.body_status.linkActivated.emit("#problem")
    assert panel.body_edit.textCursor().positionInBlock() == 15
    panel.format_button.click()
    assert panel.body_text() == '{"name": "Ada",}'
    panel.body_edit.setPlainText('{"name": "Ada"}')
    assert panel.body_problem() == ""
    panel.minify_button.click()
    assert panel.body_text() == '{"name":"Ada"}'
    panel.body_edit.setPlainText('{"nme": 1}')
    panel.body_problem()
    assert panel.body_warnings.isVisibleTo(panel)
    assert "not an argument of greet" in panel.body_warnings.text()


def test_send_is_refused_while_the_body_is_broken(qtbot, make_explorer, emulator):
    setup = make_explorer(instances=[("greeter", "g", None)])
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("g"), timeout=5000)
    tab = setup.window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    tab.panel.set_method("greet")
    tab.panel.skeleton_button.click()  # from the instance's real __dir__
    assert json.loads(tab.panel.body_text()) == {"name": ""}
    tab.panel.body_edit.setPlainText('{"name": "Ada"\n "x": 1}')
    assert tab.panel.body_problem() == "line 2, column 2: Expecting ',' delimiter"
    before = emulator.request_mark()
    assert setup.window.tabs.send() is None
    assert "line 2, column 2" in tab.panel.body_error.text()
    assert not [r for r in emulator.requests_since(before) if "/g/greet" in r.path]
    QTest.mouseClick(tab.panel.body_error, Qt.MouseButton.LeftButton)
    cursor = tab.panel.body_edit.textCursor()
    assert (cursor.blockNumber(), cursor.positionInBlock()) == (1, 1)
    tab.panel.body_edit.setPlainText('{"name": "Ada"}')
    assert tab.panel.body_problem() == "" and not tab.panel.body_error.isVisibleTo(tab)
    tab = setup.window.tabs.send()
    qtbot.waitUntil(lambda: not tab.running, timeout=5000)
    assert tab.response.body_text() == "Hello, Ada!"
