"""The instance-config editor: a form generated from a ``configTemplate``, or a key/value table.

A "Raw JSON" toggle shows the same config as JSON text. Both views stay in sync: an edit of the
form rewrites the text; an edit of the text that parses updates the form (an invalid text says
"line L, column C: message" and leaves the form as it was).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import ConfigField
from shipexplorer.services.catalog import validate_config
from shipexplorer.ui.instances.config_fields import FieldEditor
from shipexplorer.ui.instances.config_table import KeyValueTable
from shipexplorer.ui.widgets.error_label import error_label, show_error

Problems = dict[str | None, str]


def parse_raw(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """``(config, None)`` or ``(None, problem)``; an empty text is an empty config."""
    if not text.strip():
        return {}, None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    if not isinstance(value, dict):
        return None, 'The config must be a JSON object, such as {"key": "value"}.'
    return value, None


class ConfigForm(QWidget):
    """Edits an instance config: template fields, or a key/value table, or raw JSON.

    Signals:
        changed(): the config changed (in the form, the table or the raw text).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Instance config")
        self._fields: dict[str, FieldEditor] = {}
        self._extras: dict[str, Any] = {}  # keys of the raw text that no field shows
        self._syncing = False

        self.general_error = error_label("Config error", self)
        self.raw_toggle = QCheckBox("Edit as raw &JSON", self)
        self.raw_toggle.setAccessibleName("Edit config as raw JSON")
        self.raw_toggle.toggled.connect(self.set_raw_mode)

        self.fields_page = QWidget(self)
        self.fields_layout = QFormLayout(self.fields_page)
        self.fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_scroll = QScrollArea(self)  # a long template scrolls; the dialog keeps its size
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        fields_scroll.setWidget(self.fields_page)
        self.table = KeyValueTable(self)
        self.table.changed.connect(self._form_edited)
        self.raw_edit = QPlainTextEdit(self)
        self.raw_edit.setAccessibleName("Raw config JSON")
        self.raw_edit.setTabChangesFocus(True)
        self.raw_edit.textChanged.connect(self._raw_edited)
        self.raw_error = error_label("Raw config JSON error", self)
        raw_page = QWidget(self)
        raw_layout = QVBoxLayout(raw_page)
        raw_layout.setContentsMargins(0, 0, 0, 0)
        raw_layout.addWidget(self.raw_edit, 1)
        raw_layout.addWidget(self.raw_error)

        self.stack = QStackedWidget(self)
        for page in (fields_scroll, self.table, raw_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.general_error)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.raw_toggle)
        self.set_fields([])

    # -- building -------------------------------------------------------------------------------
    def set_fields(self, fields: list[ConfigField]) -> None:
        """A form for ``fields`` with their defaults; no fields: the key/value table."""
        while self.fields_layout.rowCount():
            self.fields_layout.removeRow(0)
        self._fields = {}
        self._extras = {}
        for spec in fields:
            editor = FieldEditor(spec, self.fields_page)
            editor.edited.connect(self._form_edited)
            if isinstance(editor.editor, QCheckBox):  # the box carries the name itself
                self.fields_layout.addRow("", editor)
            else:
                label = QLabel(spec.name, self.fields_page)
                label.setBuddy(editor.editor)
                self.fields_layout.addRow(label, editor)
            self._fields[spec.name] = editor
        self.table.set_value({})
        self.clear_errors()
        self._show_page()
        self._write_raw()

    def fields(self) -> list[ConfigField]:
        return [editor.spec for editor in self._fields.values()]

    def field(self, name: str) -> FieldEditor | None:
        """The editor of a template field (``.editor``, ``.help``, ``.error``)."""
        return self._fields.get(name)

    @property
    def has_template(self) -> bool:
        return bool(self._fields)

    @property
    def raw_mode(self) -> bool:
        return self.raw_toggle.isChecked()

    @Slot(bool)
    def set_raw_mode(self, on: bool) -> None:
        if self.raw_toggle.isChecked() != on:
            self.raw_toggle.setChecked(on)  # comes back here through toggled
            return
        self._show_page()

    def _show_page(self) -> None:
        if self.raw_mode:
            self.stack.setCurrentIndex(2)
        else:
            self.stack.setCurrentIndex(0 if self._fields else 1)

    # -- value ----------------------------------------------------------------------------------
    def value(self) -> dict[str, Any]:
        """The config to send (call :meth:`problems` first: this one reads what it can)."""
        if self.raw_mode:
            config, _problem = parse_raw(self.raw_edit.toPlainText())
            if config is not None:
                return config
        return self._form_value()

    def _form_value(self) -> dict[str, Any]:
        if not self._fields:
            return self.table.value()
        config = dict(self._extras)
        for name, editor in self._fields.items():
            try:
                value = editor.value()
            except ValueError:
                continue
            if value is not None:
                config[name] = value
        return config

    def set_value(self, config: dict[str, Any]) -> None:
        """Show ``config`` in the form and the raw text."""
        self._apply(config)
        self._write_raw()

    def problems(self, *, against_template: bool = True) -> Problems:
        """What is wrong before sending: field name -> message; None -> the whole config.
        Without ``against_template`` only what cannot be sent at all (text that is not JSON, a
        value its editor cannot read): the template may not be the one the server checks."""
        if self.raw_mode:
            config, problem = parse_raw(self.raw_edit.toPlainText())
            if problem:
                return {None: problem}
            return validate_config(self.fields() if against_template else [], config)
        if not self._fields:
            return self.table.problems()
        found: Problems = {}
        for name, editor in self._fields.items():
            try:
                editor.value()
            except ValueError as exc:
                found[name] = str(exc)
        if against_template:
            for key, message in validate_config(self.fields(), self._form_value()).items():
                found.setdefault(key, message)
        return found

    # -- errors ---------------------------------------------------------------------------------
    def show_problems(self, problems: Problems) -> None:
        """Each problem beside its field (leaving raw mode to show it when the text parses), a
        raw-text syntax error under the text, the rest above."""
        self.clear_errors()
        if self.raw_mode and parse_raw(self.raw_edit.toPlainText())[1]:
            show_error(self.raw_error, " ".join(problems.values()))
            return
        general = []
        for key, message in problems.items():
            if not self.set_field_error(key, message):
                general.append(message)
        if general:
            show_error(self.general_error, " ".join(general))

    def set_field_error(self, name: str | None, message: str) -> bool:
        """Show ``message`` beside field ``name`` (the form is shown if the raw text was, and
        parses); False when there is no such field."""
        editor = self._fields.get(name) if name else None
        if editor is None:
            return False
        if self.raw_mode:
            if parse_raw(self.raw_edit.toPlainText())[1]:
                return False
            self.set_raw_mode(False)
        editor.show_error(message)
        return True

    def clear_errors(self) -> None:
        show_error(self.general_error, None)
        for editor in self._fields.values():
            editor.show_error(None)

    # -- sync -----------------------------------------------------------------------------------
    @Slot()
    def _form_edited(self) -> None:
        if self._syncing:
            return
        self._write_raw()
        self.changed.emit()

    @Slot()
    def _raw_edited(self) -> None:
        if self._syncing:
            return
        config, problem = parse_raw(self.raw_edit.toPlainText())
        show_error(self.raw_error, problem)
        if config is not None:
            self._apply(config)
        self.changed.emit()

    def _apply(self, config: dict[str, Any]) -> None:
        self._syncing = True
        try:
            if self._fields:
                for name, editor in self._fields.items():
                    editor.set_value(config.get(name, editor.spec.default))
                self._extras = {k: v for k, v in config.items() if k not in self._fields}
            else:
                self.table.set_value(config)
        finally:
            self._syncing = False

    def _write_raw(self) -> None:
        text = json.dumps(self._form_value(), indent=2, ensure_ascii=False)
        if self.raw_edit.toPlainText() != text:
            self._syncing = True
            try:
                self.raw_edit.setPlainText(text)
            finally:
                self._syncing = False
        self.raw_error.hide()
