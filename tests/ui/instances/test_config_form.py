"""The config form on its own: every field kind, overrides from raw JSON, the key/value table."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtWidgets import QComboBox, QLineEdit

from shipexplorer.api import ConfigField
from shipexplorer.ui.instances.config_fields import SERVER_DEFAULT
from shipexplorer.ui.instances.config_form import ConfigForm, parse_raw
from shipexplorer.ui.instances.config_table import cell_text, parse_cell

FIELDS = [
    ConfigField("times", "number", 2, "How many times."),
    ConfigField("ratio", "number", None),
    ConfigField("tags", "array", ["a"]),
    ConfigField("mode", "string", None, "Which mode.", ["fast", "slow"]),
    ConfigField("level", "number", 1, None, [1, 2, 3]),
]


@pytest.fixture
def form(qtbot):
    widget = ConfigForm()
    qtbot.addWidget(widget)
    widget.set_fields(FIELDS)
    widget.show()
    return widget


def test_each_kind_gets_its_editor_and_default(form):
    assert form.field("times").editor.text() == "2"
    assert form.field("ratio").editor.text() == ""
    assert form.field("tags").editor.text() == '["a"]'
    mode = form.field("mode").editor
    assert isinstance(mode, QComboBox)
    assert [mode.itemText(i) for i in range(mode.count())] == [SERVER_DEFAULT, "fast", "slow"]
    level = form.field("level").editor
    assert [level.itemText(i) for i in range(level.count())] == ["1", "2", "3"]
    assert form.field("times").help.text() == "How many times."
    assert not form.field("ratio").help.isVisible()
    # a field left empty (or at the server's default) is not sent
    assert form.value() == {"times": 2, "tags": ["a"], "level": 1}
    assert form.problems() == {}


def test_a_number_that_is_not_one_is_named_beside_its_field(form, qtbot):
    editor = form.field("ratio").editor
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "abc")
    problems = form.problems()
    assert problems == {"ratio": "'ratio' must be a number, not 'abc'."}
    form.show_problems(problems)
    assert form.field("ratio").error.isVisible()
    assert form.field("ratio").error.text() == "Error: 'ratio' must be a number, not 'abc'."
    qtbot.keyClicks(editor, "x")  # editing the field clears its error
    assert not form.field("ratio").error.isVisible()
    editor.setText("0.5")
    assert form.value()["ratio"] == 0.5 and form.problems() == {}


def test_raw_values_the_form_cannot_hold_are_kept_and_refused_by_name(form):
    form.set_raw_mode(True)
    form.raw_edit.setPlainText(
        json.dumps({"times": "many", "level": 7, "mode": "slow", "extra": True})
    )
    assert form.field("mode").editor.currentText() == "slow"
    assert "not an option" in form.field("level").editor.currentText()
    problems = form.problems()
    assert set(problems) == {"times", "level", None}
    assert "'extra'" in problems[None]
    form.set_raw_mode(False)
    assert form.value() == {
        "times": "many",
        "level": 7,
        "mode": "slow",
        "extra": True,
        "tags": ["a"],
    }
    form.show_problems(form.problems())
    assert form.general_error.isVisible() and "'extra'" in form.general_error.text()
    form.field("level").editor.setCurrentIndex(1)
    form.field("level").editor.activated.emit(1)
    assert form.value()["level"] == 2


def test_a_raw_text_that_is_not_an_object(form):
    assert parse_raw("[1]") == (None, 'The config must be a JSON object, such as {"key": "value"}.')
    assert parse_raw("  ") == ({}, None)
    assert parse_raw('{"a": 1,}')[1].startswith("line 1, column 9: ")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=6,
    )
)
def test_a_table_cell_round_trips_any_json_value(value):
    assert parse_cell(cell_text(value)) == value


def test_the_table_reports_duplicate_and_keyless_rows(qtbot):
    form = ConfigForm()
    qtbot.addWidget(form)
    form.set_value({"a": 1})
    table = form.table
    table.add_row()
    table.table.item(1, 0).setText("a")
    assert form.problems() == {None: "The key 'a' appears twice."}
    table.table.item(1, 0).setText("")
    table.table.item(1, 1).setText("5")
    assert form.problems() == {None: "The value '5' has no key."}
