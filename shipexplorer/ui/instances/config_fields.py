"""One editor per ``configTemplate`` field: text, number, checkbox, choice, or JSON text.

A :class:`FieldEditor` owns its editor widget, its help label and its error label. A value the
editor cannot show (a number for a checkbox, say, typed in the raw JSON) is kept as an override
and sent as it is until the user edits the field, so that the check before sending names it.
Types are said in words ("text", "number", "yes/no", "object", "list": ``type_words``), never as
the template spells them ("array", ``<class 'str'>``).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import ConfigField
from shipexplorer.api.methods import type_words
from shipexplorer.ui.style import sheets
from shipexplorer.ui.widgets.error_label import error_label, show_error

_NO_OVERRIDE = object()
SERVER_DEFAULT = "(server default)"


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: the editor for a type, by its words
_EDITORS = {"text": "string", "yes/no": "boolean", "number": "number", "whole number": "number"}


def kind_of(spec: ConfigField) -> str:
    """``choice``, ``boolean``, ``number``, ``string`` or ``json`` (objects, lists, other)."""
    if spec.options:
        return "choice"
    return _EDITORS.get(type_words(spec.type or "string") or "text", "json")


def type_text(spec: ConfigField) -> str:
    """The field's type as a user reads it: "text", "number", "yes/no", "object", "list"."""
    return type_words(spec.type) or "any value"


def _article(words: str) -> str:
    """``"an object"``, ``"a list"``."""
    return ("an " if words[:1] in "aeiou" else "a ") + words


class FieldEditor(QWidget):
    """The editor of one config field, with its description and an error label beneath.

    Signals:
        edited(): the user (or :meth:`set_value`) changed the value.
    """

    edited = Signal()

    def __init__(self, spec: ConfigField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.kind = kind_of(spec)
        self._override: Any = _NO_OVERRIDE
        self._extra_choice = False
        self.editor = self._make_editor()
        self.editor.setAccessibleName(spec.name)
        self.help = QLabel(spec.description or "", self)
        self.help.setWordWrap(True)
        self.help.setAccessibleName(f"{spec.name} help")
        self.help.setVisible(bool(spec.description))
        sheets.muted(self.help)
        if spec.description:
            self.editor.setToolTip(spec.description)
            self.editor.setAccessibleDescription(spec.description)
        self.error = error_label(f"{spec.name} error", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if isinstance(self.editor, QCheckBox):  # only as wide as its box and name
            layout.addWidget(self.editor, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            layout.addWidget(self.editor)
        layout.addWidget(self.help)
        layout.addWidget(self.error)
        self.set_value(spec.default)

    def _make_editor(self) -> QWidget:
        if self.kind == "choice":
            box = QComboBox(self)
            self._fill_choices(box)
            box.activated.connect(self._user_edit)
            box.currentIndexChanged.connect(self._changed)
            return box
        if self.kind == "boolean":
            check = QCheckBox(self.spec.name, self)
            check.clicked.connect(self._user_edit)
            check.toggled.connect(self._changed)
            return check
        edit = QLineEdit(self)
        if self.kind == "number":
            edit.setPlaceholderText("a number; empty for the server default")
        elif self.kind == "json":
            edit.setPlaceholderText(f"{type_text(self.spec)}, as JSON")
        edit.textEdited.connect(self._user_edit)
        edit.textChanged.connect(self._changed)
        return edit

    def _fill_choices(self, box: QComboBox) -> None:
        box.clear()
        if self.spec.default is None:
            box.addItem(SERVER_DEFAULT, None)
        for option in self.spec.options or []:
            box.addItem(option if isinstance(option, str) else _shown(option), option)
        self._extra_choice = False

    def _changed(self, *_: object) -> None:
        self.edited.emit()

    def _user_edit(self, *_: object) -> None:
        self._override = _NO_OVERRIDE
        self.show_error(None)

    # -- value --------------------------------------------------------------------------------
    def value(self) -> Any:
        """The field's value (None: leave it to the server's default); ValueError with a message
        naming the field when the text cannot be read as the field's type."""
        if self._override is not _NO_OVERRIDE:
            return self._override
        if isinstance(self.editor, QComboBox):
            return self.editor.currentData()
        if isinstance(self.editor, QCheckBox):
            return self.editor.isChecked()
        text = self.editor.text()
        if self.kind == "string":
            return text
        if not text.strip():
            return None
        try:
            value = json.loads(text)
        except ValueError:
            if self.kind == "json" and type_text(self.spec) not in ("object", "list"):
                return text
            word = (
                "a number" if self.kind == "number" else f"{_article(type_text(self.spec))} in JSON"
            )
            raise ValueError(f"'{self.spec.name}' must be {word}, not {text!r}.") from None
        if self.kind == "number" and not is_number(value):
            raise ValueError(f"'{self.spec.name}' must be a number, not {text!r}.")
        return value

    def set_value(self, value: Any) -> None:
        """Show ``value``; one the editor cannot hold becomes an override (sent unchanged)."""
        self._override = _NO_OVERRIDE
        editor = self.editor
        if isinstance(editor, QComboBox):
            if self._extra_choice:
                editor.removeItem(editor.count() - 1)
                self._extra_choice = False
            for index in range(editor.count()):
                data = editor.itemData(index)
                if data == value and type(data) is type(value):
                    editor.setCurrentIndex(index)
                    return
            editor.addItem(f"{_shown(value)} (not an option)", value)
            self._extra_choice = True
            editor.setCurrentIndex(editor.count() - 1)
        elif isinstance(editor, QCheckBox):
            if value is None or isinstance(value, bool):
                editor.setChecked(bool(value))
            else:
                self._override = value
        elif isinstance(editor, QLineEdit):
            if value is None:
                text = ""
            elif self.kind == "string" or (self.kind == "json" and isinstance(value, str)):
                text = value if isinstance(value, str) else _shown(value)
                if not isinstance(value, str):
                    self._override = value
            else:
                text = _shown(value)
                if self.kind == "number" and not is_number(value):
                    self._override = value
            if editor.text() != text:
                editor.setText(text)

    # -- errors -------------------------------------------------------------------------------
    def show_error(self, message: str | None) -> None:
        """Show ``message`` beside the field, in words (None hides it)."""
        show_error(self.error, message)
        self.editor.setAccessibleDescription(
            " ".join(part for part in (self.spec.description, message) if part)
        )
