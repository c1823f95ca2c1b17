"""The inputs of a demo card: one field per argument, chosen by its type, with a plain label.

Long text gets a text area, short text a line with an example as its placeholder, numbers a
spinner, yes/no a :class:`~.switch.Switch`, a list of choices a drop-down. No type hints under the
fields and no argument spelling the audience would not say (labels come from
:func:`~shipexplorer.core.recipes.field_label` or the recipe's own). Only the arguments the demo's
body or examples use are shown (all of them when it uses none); the others keep what the body says.
The form emits the whole new body (``edited``) on a user's change; Enter in a line or a spinner
asks to run (``submitted``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from shipexplorer.api import ArgSpec, MethodSpec
from shipexplorer.core.recipes import field_label
from shipexplorer.services.body_check import form_kind
from shipexplorer.ui.presentation.switch import Switch
from shipexplorer.ui.style.metrics import space

#: argument names whose text is long (a text area rather than a line)
LONG_TEXT = ("prompt", "text", "question", "content", "description", "document", "body")
LONG_CHARS = 60
_INT_RANGE = 2_000_000_000


def supports(spec: MethodSpec | None) -> bool:
    """True when ``spec`` has at least one argument a field can hold."""
    return spec is not None and any(form_kind(arg) is not None for arg in spec.args)


def shown_arguments(spec: MethodSpec, used: Iterable[str]) -> list[ArgSpec]:
    """The arguments a demo shows: those a field can hold and the demo uses (all when it uses
    none of them)."""
    simple = [arg for arg in spec.args if form_kind(arg) is not None]
    used = set(used)
    chosen = [arg for arg in simple if arg.name in used]
    return chosen or simple


def example_text(value: Any) -> str:
    """A value as the audience reads it ("Yes", "12", "Ada")."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


class _Enter(QObject):
    """Enter in a spinner or a drop-down asks to run (a line has ``returnPressed``)."""

    def __init__(self, form: DemoForm) -> None:
        super().__init__(form)
        self._form = form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            popup = isinstance(watched, QComboBox) and watched.view().isVisible()
            if enter and not popup and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self._form.submitted.emit()
                return True
        return False


class DemoForm(QWidget):
    """Fields for the arguments a demo shows.

    Signals:
        edited(object): the user changed a field; the whole new body (a dict).
        submitted(): Enter in a field: run.
    """

    edited = Signal(object)
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Inputs")
        self._base: dict[str, Any] = {}
        self._kinds: dict[str, str] = {}
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._enter = _Enter(self)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._form.setVerticalSpacing(space(2))

    def set_method(
        self,
        spec: MethodSpec | None,
        used: Iterable[str] = (),
        *,
        label: Callable[[str], str] = field_label,
        examples: Iterable[dict[str, Any]] = (),
        current: dict[str, Any] | None = None,
    ) -> None:
        """Build the fields of ``spec``'s arguments that the demo uses (none for None); the
        ``examples`` give the placeholders, they and the ``current`` body the fields' kinds."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields, self.labels, self._kinds = {}, {}, {}
        if spec is None:
            return
        examples = list(examples)
        for arg in shown_arguments(spec, used):
            kind = form_kind(arg) or "str"
            samples = [ex[arg.name] for ex in examples if arg.name in ex]
            now = [current[arg.name]] if current and arg.name in current else []
            field = self._field(arg, kind, samples, now)
            words = label(arg.name)
            field.setAccessibleName(words)
            caption = QLabel(words, self)
            caption.setBuddy(field)
            caption.setAccessibleName(f"{words} label")
            self._form.addRow(caption, field)
            self.fields[arg.name], self.labels[arg.name], self._kinds[arg.name] = (
                field,
                caption,
                kind,
            )
        self.set_value(self._base)

    def _field(self, arg: ArgSpec, kind: str, samples: list[Any], now: list[Any]) -> QWidget:
        name = arg.name
        sample = next((example_text(s) for s in samples if s not in (None, "")), "")
        samples = [*samples, *now]
        if kind == "bool":
            switch = Switch(self)
            switch.clicked.connect(lambda checked, n=name: self._set(n, bool(checked)))
            return switch
        if kind == "enum":
            combo = QComboBox(self)
            for value in arg.values or ():
                combo.addItem(example_text(value), value)
            combo.activated.connect(lambda index, n=name, c=combo: self._set(n, c.itemData(index)))
            combo.installEventFilter(self._enter)
            return combo
        if kind in ("int", "float"):
            spin: QAbstractSpinBox
            if kind == "int":
                spin = QSpinBox(self)
                spin.setRange(-_INT_RANGE, _INT_RANGE)
            else:
                spin = QDoubleSpinBox(self)
                spin.setRange(-1e12, 1e12)
                whole = all(float(s).is_integer() for s in samples if isinstance(s, (int, float)))
                spin.setDecimals(0 if whole else 2)
            spin.setKeyboardTracking(True)
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0") * 12)
            spin.valueChanged.connect(lambda value, n=name, k=kind: self._number(n, k, value))
            spin.installEventFilter(self._enter)
            return spin
        long = name.lower() in LONG_TEXT or any(len(example_text(s)) > LONG_CHARS for s in samples)
        if long:
            area = QPlainTextEdit(self)
            area.setTabChangesFocus(True)
            area.setPlaceholderText(f"For example: {sample}" if sample else "")
            lines = 3
            area.setFixedHeight(area.fontMetrics().lineSpacing() * lines + space(4))
            area.textChanged.connect(lambda n=name, a=area: self._typed(n, a.toPlainText()))
            return area
        line = QLineEdit(self)
        line.setPlaceholderText(f"For example: {sample}" if sample else "")
        line.textEdited.connect(lambda text, n=name: self._typed(n, text))
        line.returnPressed.connect(self.submitted.emit)
        return line

    # -- showing a body ---------------------------------------------------------------------------

    def value(self) -> dict[str, Any]:
        return dict(self._base)

    def set_value(self, value: dict[str, Any]) -> None:
        """Show a body (fields of arguments it lacks show empty, or their type's zero)."""
        self._base = dict(value) if isinstance(value, dict) else {}
        for name, field in self.fields.items():
            self._show(field, self._kinds[name], self._base.get(name))

    def _show(self, field: QWidget, kind: str, value: Any) -> None:
        blocked = field.blockSignals(True)
        try:
            if isinstance(field, Switch):
                field.setChecked(value is True)
            elif isinstance(field, QComboBox):
                field.setCurrentIndex(max(0, field.findData(value)))
            elif isinstance(field, (QSpinBox, QDoubleSpinBox)):
                number = value if isinstance(value, (int, float)) else 0
                if isinstance(field, QSpinBox):
                    field.setValue(int(number))
                elif math.isfinite(float(number)):
                    field.setValue(float(number))
            elif isinstance(field, QPlainTextEdit):
                text = "" if value is None else example_text(value)
                if field.toPlainText() != text:
                    field.setPlainText(text)
            elif isinstance(field, QLineEdit):
                text = "" if value is None else example_text(value)
                if field.text() != text:
                    field.setText(text)
        finally:
            field.blockSignals(blocked)

    # -- from the user ----------------------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        self._base[name] = value
        self.edited.emit(dict(self._base))

    def _typed(self, name: str, text: str) -> None:
        if text:
            self._set(name, text)
        elif name in self._base:
            self._base.pop(name)
            self.edited.emit(dict(self._base))

    def _number(self, name: str, kind: str, value: float) -> None:
        self._set(name, int(value) if kind == "int" else float(value))
