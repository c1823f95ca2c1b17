"""What a demo sends: its body, shown as fields, filled by examples, asked in a chat.

:class:`DemoInputs` keeps the open demo's body (JSON text) and method spec, and fills the
:class:`~.demo_card.DemoCard` from them: the fields its body and examples use (with the demo's
plain labels), the example buttons, or a plain summary for a method no field can hold; a chat
demo's examples fill the input line, and its question goes into the method's prompt argument
(:func:`~shipexplorer.core.recipes.chat_argument`). The key a saved body may hold is masked in
whatever is shown.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.core.recipes import Recipe, body_summary, chat_argument, field_label
from shipexplorer.services.exports import ExportService, mask_secrets
from shipexplorer.ui.presentation.demo_card import DemoCard
from shipexplorer.ui.presentation.demo_form import supports

NO_FORM = "These inputs are part of the demo; they are sent as they are."


class DemoInputs(QObject):
    """The open demo's body and spec, and the card's inputs made from them.

    Signals:
        fitted(): the inputs changed size (the owner gives them the height they need).
    """

    fitted = Signal()

    def __init__(self, card: DemoCard, exports: ExportService | None, parent: QObject) -> None:
        super().__init__(parent)
        self._card = card
        self._exports = exports
        self.recipe: Recipe | None = None
        self.body = ""
        self.spec: Any = None

    def reset(self, recipe: Recipe | None, body: str) -> None:
        """A new demo (or method) is open: its body, no spec yet."""
        self.recipe, self.body, self.spec = recipe, body, None

    def argument_names(self) -> list[str]:
        return [arg.name for arg in self.spec.args] if self.spec is not None else []

    def chat_body(self, question: str) -> str:
        """The body of a chat question: the demo's own with ``question`` in its prompt."""
        value = self.body_value()
        value = dict(value) if isinstance(value, dict) else {}
        names = self.argument_names() or list(value)
        value[chat_argument(names) or chat_argument(value) or "prompt"] = question
        return json.dumps(value, ensure_ascii=False)

    def _examples(self) -> list[dict[str, Any]]:
        return list(self.recipe.examples) if self.recipe is not None else []

    def _captions(self) -> tuple[str, ...]:
        return self.recipe.example_names if self.recipe is not None else ()

    @Slot(object)
    def set_method_spec(self, spec: Any) -> None:
        self.spec = spec
        value = self.body_value()
        examples = self._examples()
        names = [arg.name for arg in spec.args] if spec is not None else []
        self._card.answer_area.set_argument_names(names)
        self._card.chat.set_argument_names(names)
        if self._card.is_chat():
            ask = chat_argument(names)
            if ask is None and isinstance(value, dict):
                ask = chat_argument(value)
            self._card.set_examples(examples, [ask] if ask else [], self._captions())
            first = next((e[ask] for e in examples if ask and isinstance(e.get(ask), str)), "")
            self._card.chat.input.setPlaceholderText(
                f"Ask a question, for example: {first}" if first else "Ask a question…"
            )
            return
        if spec is not None and supports(spec) and isinstance(value, dict):
            used = set(value) | {key for example in examples for key in example}
            label = self.recipe.label if self.recipe is not None else field_label
            self._card.form.set_method(spec, used, label=label, examples=examples, current=value)
            self._card.form.set_value(value)
            self._card.set_examples(examples, list(self._card.form.fields), self._captions())
            self._card.form.show()
            self._card.inputs_note.hide()
            self._card.summary_label.hide()
            self.fitted.emit()
            return
        self._card.form.hide()
        self._card.set_examples(examples, [], self._captions())
        no_inputs = spec is not None and not spec.args and value == {}
        self._card.inputs_note.setText("No inputs needed." if no_inputs else NO_FORM)
        self._card.inputs_note.show()
        summary = "" if no_inputs else self._masked(body_summary(self.body))
        self._card.summary_label.setText(summary)
        self._card.summary_label.setVisible(not no_inputs)
        self.fitted.emit()

    @Slot(object)
    def use_example(self, example: dict[str, Any]) -> None:
        """Fill the inputs with ``example`` (over the demo's own body), ready to run."""
        if self._card.is_chat():
            names = [a.name for a in self.spec.args] if self.spec is not None else list(example)
            ask = chat_argument(names) or chat_argument(example)
            if ask and isinstance(example.get(ask), str):
                self._card.chat.input.setText(example[ask])
                self._card.chat.input.setFocus()
            return
        value = self.body_value()
        merged = {**(value if isinstance(value, dict) else {}), **example}
        self.body = json.dumps(merged, ensure_ascii=False)
        if not self._card.form.isHidden() and self._card.form.fields:
            self._card.form.set_value(merged)
        else:
            self._card.summary_label.setText(self._masked(body_summary(self.body)))
        self._card.run_button.setFocus()

    def _masked(self, text: str) -> str:
        """``text`` with the profile's key masked, should a saved body hold it (never shown to
        an audience); Bearer tokens are masked even with no export service."""
        if self._exports is not None:
            return self._exports.mask_current_key(text)
        return mask_secrets(text, ())

    def body_value(self) -> Any:
        try:
            return json.loads(self.body) if self.body.strip() else {}
        except (ValueError, RecursionError):
            return None

    @Slot(object)
    def edited(self, body: dict) -> None:
        base = self.body_value()
        merged = {**(base if isinstance(base, dict) else {}), **body}
        for name in self._card.form.fields:  # a field emptied leaves its argument out
            if name not in body:
                merged.pop(name, None)
        self.body = json.dumps(merged, ensure_ascii=False)
