"""The method form: which methods get one, its fields (named for the arguments), and its
two-way sync with the JSON text through the request panel (undoable)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from shipexplorer.api import ArgSpec, MethodSpec
from shipexplorer.ui.request.method_form import MethodForm, supports
from shipexplorer.ui.request.request_panel import RequestPanel
from tests.core.documents.test_json_body import describe_packages


@pytest.fixture(scope="module")
def packages(emulator):
    return describe_packages(emulator, ("greeter", "slow-job", "faults"))


@pytest.fixture
def panel(qtbot) -> RequestPanel:
    widget = RequestPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _body(panel: RequestPanel):
    return json.loads(panel.body_text() or "{}")


def test_which_methods_get_a_form(packages):
    assert supports(packages["greeter"].method("greet"))
    assert supports(packages["slow-job"].method("start"))
    assert supports(packages["faults"].method("fail"))  # text, numbers and an enum
    assert not supports(packages["faults"].method("bad_json"))  # no arguments
    assert not supports(MethodSpec("m", args=[ArgSpec("items", "typing.List[str]")]))
    assert not supports(MethodSpec("m", args=[ArgSpec("x", "<class 'Thing'>")]))
    assert not supports(None)


def test_fields_are_named_for_the_arguments(qtbot, packages):
    form = MethodForm()
    qtbot.addWidget(form)
    form.set_method(packages["faults"].method("fail"))
    kinds = {name: type(field) for name, field in form.fields.items()}
    assert kinds == {
        "code": QLineEdit,
        "message": QLineEdit,
        "suggestion": QLineEdit,
        "http_status": QLineEdit,
        "form": QComboBox,
    }
    assert all(field.accessibleName() == name for name, field in form.fields.items())
    combo = form.fields["form"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["(not set)", "status", "package"]
    form.set_method(packages["slow-job"].method("start"))
    assert isinstance(form.fields["fail"], QCheckBox)


def test_the_form_tab_shows_only_for_simple_methods(panel, packages):
    panel.set_methods(packages["faults"])
    panel.set_method("fail")
    assert panel.body_tabs.isTabVisible(0)
    assert panel.show_form()
    panel.set_method("bad_json")
    assert not panel.body_tabs.isTabVisible(0)
    assert panel.body_tabs.currentWidget() is panel.body_edit
    assert not panel.show_form()


def test_form_and_text_stay_in_sync_and_undo(qtbot, panel, packages):
    panel.set_methods(packages["slow-job"])
    panel.set_method("start")
    panel.body_tabs.setCurrentIndex(0)
    fields = panel.form.fields
    panel.body_edit.setPlainText('{"seconds": 1, "extra": [1]}')
    panel.body_problem()
    assert fields["seconds"].text() == "1" and fields["steps"].text() == ""

    # Form -> text: the other keys stay; each edit is undoable.
    fields["seconds"].setFocus()
    fields["seconds"].selectAll()
    qtbot.keyClicks(fields["seconds"], "2.5")
    assert _body(panel) == {"seconds": 2.5, "extra": [1]}
    qtbot.keyClicks(fields["steps"], "x4")  # the validator refuses the letter
    assert _body(panel)["steps"] == 4
    fields["fail"].setFocus()
    qtbot.keyClick(fields["fail"], Qt.Key.Key_Space)
    assert _body(panel) == {"seconds": 2.5, "extra": [1], "steps": 4, "fail": True}
    fields["steps"].clear()
    fields["steps"].textEdited.emit("")  # emptied by the user: the argument is left out
    assert "steps" not in _body(panel)
    panel.body_edit.undo()
    assert _body(panel)["steps"] == 4
    panel.body_edit.undo()
    assert "fail" not in _body(panel)
    # The undone text comes back to the form after the check's pause.
    qtbot.waitUntil(lambda: not fields["fail"].isChecked(), timeout=2000)

    # Text -> form.
    panel.body_edit.setPlainText('{"seconds": 7, "steps": 3, "fail": true}')
    panel.body_problem()
    assert (fields["seconds"].text(), fields["steps"].text()) == ("7", "3")
    assert fields["fail"].isChecked()

    # Broken text: the form stays as it was and says so.
    panel.body_edit.setPlainText('{"seconds": 9,')
    assert panel.body_problem()
    assert fields["seconds"].text() == "7"
    assert "has a problem" in panel.form.note_text()
    assert "line 1, column 15" in panel.form.note_text()


def test_enum_choice_writes_its_value(qtbot, panel, packages):
    panel.set_methods(packages["faults"])
    panel.set_method("fail")
    panel.body_tabs.setCurrentIndex(0)
    combo = panel.form.fields["form"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert _body(panel) == {"form": "status"}
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert _body(panel) == {"form": "package"}
    panel.body_edit.setPlainText('{"form": "status", "http_status": 503}')
    panel.body_problem()
    assert combo.currentText() == "status"
    assert panel.form.fields["http_status"].text() == "503"
    panel.body_edit.setPlainText("[1]")
    panel.body_problem()
    assert "not an object" in panel.form.note_text()
