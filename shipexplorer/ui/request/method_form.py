"""A form for a method whose arguments are all simple (text, numbers, true/false, a choice):
one big, labelled field per argument, kept in step with the JSON body. For demos to people
who do not write JSON.

The form never edits text itself: it emits the whole new body (``edited``) and the owner writes
it through the editor's undoable edit; the editor's valid values come back with
:meth:`MethodForm.set_value`. Only user actions emit (``textEdited``, ``clicked``, ``activated``),
so updating the fields from the text never echoes back.
"""

from __future__ import annotations

import json
import math
from typing import Any

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import ArgSpec, MethodSpec
from shipexplorer.services.body_check import form_kind
from shipexplorer.ui.style import sheets
from shipexplorer.ui.style.metrics import space

NOT_SET = "(not set)"
#: what a field holds when the argument's own type says nothing more (see ``type_words``)
_HINTS = {
    "str": "text",
    "int": "whole number",
    "float": "number",
    "bool": "yes/no",
    "enum": "one of the choices",
}


def hint(arg: ArgSpec, kind: str) -> str:
    """What the field of ``arg`` holds, in words ("text", "number", "yes/no"...), never the
    package's spelling of the type (``<class 'str'>``)."""
    return arg.type_words or _HINTS[kind]


_INT = QRegularExpression(r"-?\d*")
_FLOAT = QRegularExpression(r"-?\d*\.?\d*(?:[eE][+-]?\d*)?")


def supports(spec: MethodSpec | None) -> bool:
    """True when ``spec`` has arguments and all are text, numbers, booleans or enums."""
    if spec is None or not spec.args:
        return False
    return all(form_kind(a) is not None for a in spec.args)


def _number(text: str, kind: str) -> int | float | None:
    try:
        value = int(text) if kind == "int" else float(text)
    except ValueError:
        return None
    return value if isinstance(value, int) or math.isfinite(value) else None


class MethodForm(QWidget):
    """Fields for the arguments of one method.

    Signals:
        edited(object): the user changed a field; the whole new body (a dict).
    """

    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: MethodSpec | None = None
        self._base: dict[str, Any] = {}
        self.fields: dict[str, QWidget] = {}
        self._kinds: dict[str, str] = {}
        self.setAccessibleName("Method form")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Method form note")
        self._layout = QVBoxLayout(self)
        self._form = QFormLayout()
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._layout.addWidget(self.note)
        self._layout.addLayout(self._form)
        self._layout.addStretch(1)
        # the UI font, as every other tab (presentation mode scales its own copy with A+/A-)
        self._layout.setSpacing(space(2))
        self._form.setVerticalSpacing(space(2))
        self._form.setHorizontalSpacing(space(3))

    def supports(self, spec: MethodSpec | None) -> bool:
        return supports(spec)

    def set_method(self, spec: MethodSpec | None) -> None:
        """Build the fields for ``spec`` (none when it is not supported)."""
        if spec == self._spec:
            return
        self._spec = spec
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields, self._kinds = {}, {}
        if not supports(spec):
            self.note.setText("This method has no form: write its body as JSON.")
            return
        self.note.setText(
            "Fill in the arguments; the JSON body follows. Leave a field empty to leave it out."
        )
        for arg in spec.args:
            kind = form_kind(arg)
            self._kinds[arg.name] = kind
            field = self._field(arg, kind)
            words = hint(arg, kind)
            field.setAccessibleName(arg.name)
            field.setAccessibleDescription(f"{arg.name}: {words}")
            label = QLabel(f"&{arg.name}" if kind != "bool" else "", self)
            label.setBuddy(field)
            bold = label.font()
            bold.setWeight(QFont.Weight.Bold)
            label.setFont(bold)
            kind_label = QLabel(words, self)
            kind_label.setAccessibleName(f"{arg.name} kind")
            sheets.muted(kind_label)
            row = QVBoxLayout()
            row.setSpacing(0)
            row.addWidget(field)
            row.addWidget(kind_label)
            self._form.addRow(label, row)
            self.fields[arg.name] = field
        self.set_value(self._base)

    def _field(self, arg: ArgSpec, kind: str) -> QWidget:
        name = arg.name
        if kind == "bool":
            box = QCheckBox(name, self)
            box.clicked.connect(lambda checked, n=name: self._set(n, bool(checked)))
            return box
        if kind == "enum":
            combo = QComboBox(self)
            combo.addItem(NOT_SET)
            for value in arg.values:
                combo.addItem(value if isinstance(value, str) else json.dumps(value), value)
            combo.activated.connect(lambda index, n=name, c=combo: self._chosen(n, c, index))
            return combo
        edit = QLineEdit(self)
        edit.setPlaceholderText(NOT_SET)
        if kind in ("int", "float"):
            edit.setValidator(QRegularExpressionValidator(_INT if kind == "int" else _FLOAT, edit))
        edit.textEdited.connect(lambda text, n=name, k=kind: self._typed(n, k, text))
        return edit

    # -- from the text --------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        """Show a valid body: fields follow the arguments present; others show "not set"."""
        if not isinstance(value, dict):
            self.note.setText("The JSON body is not an object, so the form cannot show it.")
            return
        self._base = dict(value)
        if not self.fields:
            return
        self.note.setText(
            "Fill in the arguments; the JSON body follows. Leave a field empty to leave it out."
        )
        for name, field in self.fields.items():
            self._show(field, self._kinds[name], value.get(name), name in value)

    def set_invalid(self, message: str) -> None:
        """The text is not valid JSON: the fields stay as they were, and the note says so."""
        if self.fields:
            self.note.setText(
                f"The JSON text has a problem ({message}); the form shows the last valid body."
            )

    def note_text(self) -> str:
        return self.note.text()

    def _show(self, field: QWidget, kind: str, value: Any, present: bool) -> None:
        if kind == "bool":
            field.setChecked(value is True)
        elif kind == "enum":
            index = field.findData(value) if present else -1
            field.setCurrentIndex(max(0, index))
        elif kind == "str":
            text = "" if not present else value if isinstance(value, str) else json.dumps(value)
            if field.text() != text:
                field.setText(text)
        else:
            shown = _number(field.text(), kind)
            if not present or value is None:
                if field.text():
                    field.setText("")
            elif shown != value or isinstance(value, bool):
                field.setText(json.dumps(value))

    # -- from the user --------------------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        body = dict(self._base)
        body[name] = value
        self._emit(body)

    def _unset(self, name: str) -> None:
        body = dict(self._base)
        body.pop(name, None)
        self._emit(body)

    def _emit(self, body: dict[str, Any]) -> None:
        self._base = body
        self.edited.emit(dict(body))

    def _typed(self, name: str, kind: str, text: str) -> None:
        if not text:
            self._unset(name)
        elif kind == "str":
            self._set(name, text)
        else:
            number = _number(text, kind)
            if number is not None:  # "-" or "1e" are on their way to a number
                self._set(name, number)

    def _chosen(self, name: str, combo: QComboBox, index: int) -> None:
        if index <= 0:
            self._unset(name)
        else:
            self._set(name, combo.itemData(index))
