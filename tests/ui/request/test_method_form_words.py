"""The method form and the config fields say types in words ("text", "number", "yes/no",
"object", "list"), never as packages spell them (``<class 'str'>``, ``str``, ``array``)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from shipexplorer.api import ArgSpec, ConfigField, MethodSpec
from shipexplorer.ui.instances.config_fields import FieldEditor
from shipexplorer.ui.request.method_form import MethodForm

RAW = ("<class", "str", "int", "float", "bool", "dict", "typing", "array")


def test_the_method_form_says_argument_types_in_words(qtbot):
    form = MethodForm()
    qtbot.addWidget(form)
    form.set_method(
        MethodSpec(
            "m",
            returns="<class 'dict'>",
            args=[
                ArgSpec("name", "<class 'str'>"),
                ArgSpec("count", "<class 'int'>"),
                ArgSpec("ratio", "<class 'float'>"),
                ArgSpec("loud", "<class 'bool'>"),
                ArgSpec("nick", "typing.Optional[str]"),
                ArgSpec("mood", "<class 'str'>", values=["glad", "sad"]),
            ],
        )
    )
    kinds = {
        label.accessibleName().removesuffix(" kind"): label.text()
        for label in form.findChildren(QLabel)
        if label.accessibleName().endswith(" kind")
    }
    assert kinds == {
        "name": "text",
        "count": "whole number",
        "ratio": "number",
        "loud": "yes/no",
        "nick": "text (optional)",
        "mood": "one of the choices",
    }
    shown = [label.text() for label in form.findChildren(QLabel)]
    shown += [field.accessibleDescription() for field in form.fields.values()]
    for text in shown:
        for raw in RAW:
            assert raw not in text.replace("&", "").split(": ")[-1], text


def test_config_fields_say_their_types_in_words(qtbot):
    tags = FieldEditor(ConfigField("tags", "array", None))
    options = FieldEditor(ConfigField("options", "object", None))
    word = FieldEditor(ConfigField("word", "<class 'str'>", "hi"))
    count = FieldEditor(ConfigField("count", "integer", 3))
    for editor in (tags, options, word, count):
        qtbot.addWidget(editor)
    assert isinstance(tags.editor, QLineEdit) and tags.editor.placeholderText() == "list, as JSON"
    assert options.editor.placeholderText() == "object, as JSON"
    assert word.kind == "string" and word.value() == "hi"  # a text field, not JSON
    assert count.kind == "number" and count.value() == 3
    options.editor.setText("{oops")
    with pytest.raises(ValueError) as raised:
        options.value()
    assert str(raised.value) == "'options' must be an object in JSON, not '{oops'."
    for editor in (tags, options, word, count):
        assert "array" not in editor.editor.placeholderText()
        assert "<class" not in editor.editor.placeholderText()
