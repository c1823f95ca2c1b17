"""Presentation mode: one instance and method at a time, in large type, for an audience.

It opens on the :class:`~.recipe_list.RecipeList`. A recipe (or a method picked
there) shows a header (title and description), its inputs as the generated
:class:`~shipexplorer.ui.request.method_form.MethodForm` (JSON hidden; a plain summary for a
method the form does not support), a big Run button (Ctrl+Enter), and the answer rendered:
text and markdown in a browser, images scaled to fit, JSON as a tree, a long task as a
:class:`~.task_progress_view.TaskProgressView` and then its output. No key, header,
address, id or stack trace is shown; errors are plain words with the suggestion
(:func:`~shipexplorer.core.recipes.plain_error`). Type follows the system font, times a scale
the audience controls (A+ / A-, Ctrl+= / Ctrl+- / Ctrl+0); colours are the palette's.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import redact
from shipexplorer.core.documents.answer import (
    ERROR,
    IMAGE,
    JSON,
    MARKDOWN,
    MAX_SHOWN_CHARS,
    TASK,
    TEXT,
    Answer,
    format_size,
    present_value,
)
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.recipes import Recipe, body_summary, plain_error, strip_technical
from shipexplorer.ui.presentation.recipe_list import RecipeList
from shipexplorer.ui.presentation.task_progress_view import TaskProgressView
from shipexplorer.ui.request.method_form import MethodForm, supports
from shipexplorer.ui.response.json_tree_view import JsonTreeView

DEFAULT_SCALE, MIN_SCALE, MAX_SCALE, STEP = 1.6, 1.0, 3.5, 1.15
NO_FORM = "These inputs are set in the saved request; they are sent as they are."


def output_answer(value: Any) -> Any:
    """A task's output to show: objects and lists as a tree over the value itself (no JSON text is
    made, so a big output costs nothing here), anything else as the response viewer shows it."""
    if isinstance(value, (dict, list)):
        return Answer(JSON, "Result", document=PyDocument(value))
    if isinstance(value, str):
        text = value if len(value) <= MAX_SHOWN_CHARS else value[:MAX_SHOWN_CHARS] + " …"
        return Answer(TEXT, "Result", body_text=text)
    return present_value(value, title="Result")


def _button(text: str, name: str, parent: QWidget, slot) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class PresentationMode(QWidget):
    """See the module docstring.

    Signals:
        exitRequested(): the audience view should close (Esc or "Exit presentation").
        scaleChanged(float): the type scale over the system font changed.
    """

    exitRequested = Signal()
    scaleChanged = Signal(float)

    def __init__(self, explorer, runner, tracker, saved, queries, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("presentation-mode")
        self.setAccessibleName("Presentation mode")
        self.setWindowTitle("Presentation")  # when shown as a window of its own
        self._explorer, self._runner, self._tracker, self._queries = (
            explorer,
            runner,
            tracker,
            queries,
        )
        self._scale = DEFAULT_SCALE
        self._instance = self._method = ""
        self._verb, self._body, self._spec = "POST", "", None
        self._request: int | None = None
        self._shown: Any = None  # the Answer on screen (ours to close)
        self._output: Any = None  # a task's output, presented
        self._image: QPixmap | None = None

        top = QHBoxLayout()
        self.recipes_button = _button("&Recipes", "Back to recipes", self, self.show_recipes)
        self.shrink_button = _button("A\u2212", "Smaller type", self, self.shrink)
        self.enlarge_button = _button("A+", "Larger type", self, self.enlarge)
        self.exit_button = _button(
            "E&xit presentation", "Exit presentation", self, self.exitRequested.emit
        )
        top.addWidget(self.recipes_button)
        top.addStretch(1)
        for button in (self.shrink_button, self.enlarge_button, self.exit_button):
            top.addWidget(button)

        self.recipe_list = RecipeList(saved, explorer, self)
        self.recipe_list.recipeChosen.connect(self.open_recipe)
        self.recipe_list.methodChosen.connect(self.open_method)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.recipe_list)
        self.pages.addWidget(self._run_page())
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self.run_action = self._action("Run", ("Ctrl+Return", "Ctrl+Enter"), self.run)
        self.enlarge_action = self._action("Larger type", ("Ctrl+=", "Ctrl++"), self.enlarge)
        self.shrink_action = self._action("Smaller type", ("Ctrl+-",), self.shrink)
        self.reset_action = self._action("Usual type", ("Ctrl+0",), self.reset_scale)
        self.exit_action = self._action("Exit presentation", ("Esc",), self.exitRequested.emit)
        self.next_action = self._action("Next recipe", ("Ctrl+Right",), self.next_recipe)
        self.recipe_list.removeAction(self.recipe_list.next_action)  # ours covers the whole mode

        runner.finished.connect(self._finished)
        runner.failed.connect(self._failed)
        runner.cancelled.connect(self._cancelled)
        self.progress.ended.connect(self._task_ended)
        self._apply_scale()

    def _action(self, text: str, keys: tuple[str, ...], slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _run_page(self) -> QWidget:
        page = QWidget(self)
        self.title_label = QLabel(page)
        self.title_label.setAccessibleName("Title")
        self.title_label.setWordWrap(True)
        self.description_label = QLabel(page)
        self.description_label.setAccessibleName("Description")
        self.description_label.setWordWrap(True)
        self.form = MethodForm(page)
        self.form.note.hide()  # it speaks of JSON, which is hidden here
        self.form.edited.connect(self._edited)
        self.inputs_note = QLabel(page)
        self.inputs_note.setWordWrap(True)
        self.inputs_note.setAccessibleName("About the inputs")
        self.summary_label = QLabel(page)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("Inputs")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_button = _button("▶  &Run", "Run", page, self.run)
        self.run_button.setToolTip("Run it (Ctrl+Enter)")
        self.run_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.next_button = _button("&Next recipe", "Next recipe", page, self.next_recipe)
        self.next_button.setToolTip("Open the next recipe (Ctrl+Right)")
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button, 3)
        run_row.addWidget(self.next_button, 1)

        self.progress = TaskProgressView(self._tracker, page)
        self.error_headline = QLabel(page)
        self.error_headline.setAccessibleName("What went wrong")
        self.error_headline.setWordWrap(True)
        self.error_details = QLabel(page)
        self.error_details.setAccessibleName("Details")
        self.error_details.setWordWrap(True)
        self.error_suggestion = QLabel(page)
        self.error_suggestion.setAccessibleName("What to do")
        self.error_suggestion.setWordWrap(True)
        self.text_view = QTextBrowser(page)
        self.text_view.setAccessibleName("Result")
        self.text_view.setOpenLinks(False)
        self.image_label = QLabel(page)
        self.image_label.setAccessibleName("Result image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.tree_view = JsonTreeView(page)
        self.tree_view.setAccessibleName("Result")
        self.tree_view.tree_model.set_queries(self._queries)
        self.tree_view.tree_model.modelReset.connect(self._readable_tree)
        self.result_stack = QStackedWidget(page)
        for widget in (QWidget(page), self.text_view, self.image_label, self.tree_view):
            self.result_stack.addWidget(widget)

        inputs = self.inputs = QWidget(page)
        box = QVBoxLayout(inputs)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.form, self.inputs_note, self.summary_label):
            box.addWidget(widget)
        scroll = self.inputs_scroll = QScrollArea(page)
        scroll.setWidget(inputs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(page)
        layout.addWidget(self.title_label)
        layout.addWidget(self.description_label)
        layout.addWidget(scroll)
        layout.addLayout(run_row)
        for widget in (self.progress, self.error_headline, self.error_details):
            layout.addWidget(widget)
        layout.addWidget(self.error_suggestion)
        layout.addWidget(self.result_stack, 1)
        self._show_nothing()
        return page

    # -- type size ------------------------------------------------------------------------------

    def scale(self) -> float:
        return self._scale

    def set_scale(self, scale: float) -> None:
        self._scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self._apply_scale()
        self.scaleChanged.emit(self._scale)

    def enlarge(self) -> None:
        self.set_scale(self._scale * STEP)

    def shrink(self) -> None:
        self.set_scale(self._scale / STEP)

    def reset_scale(self) -> None:
        self.set_scale(DEFAULT_SCALE)

    def _apply_scale(self) -> None:
        base = QApplication.font().pointSizeF()
        base = base if base > 0 else 10.0
        font = QFont(QApplication.font())
        font.setPointSizeF(base * self._scale)
        self.setFont(font)
        self.form.setFont(font)  # the form sets a size of its own
        self.text_view.setFont(font)  # the answer grows with the rest (its document keeps a font)
        self.text_view.document().setDefaultFont(font)
        self.recipe_list.set_heading_scale(1.3)
        for label, factor in ((self.title_label, 1.5), (self.error_headline, 1.15)):
            big = QFont(font)
            big.setPointSizeF(base * self._scale * factor)
            big.setWeight(QFont.Weight.Bold)
            label.setFont(big)
        self.run_button.setMinimumHeight(QFontMetrics(font).height() * 2)
        self.next_button.setMinimumHeight(self.run_button.minimumHeight())
        self._fit_inputs()
        self.shrink_button.setEnabled(self._scale > MIN_SCALE + 1e-6)
        self.enlarge_button.setEnabled(self._scale < MAX_SCALE - 1e-6)
        self._fit_image()

    # -- what is open ---------------------------------------------------------------------------

    def show_recipes(self) -> None:
        self.recipe_list.refresh()
        self.pages.setCurrentWidget(self.recipe_list)
        self.recipes_button.hide()
        self.recipe_list.list.setFocus()

    def next_recipe(self) -> None:
        if self.recipe_list.open_next() is None:
            self.show_recipes()

    @Slot(object)
    def open_recipe(self, recipe: Recipe) -> None:
        self.recipe_list.select(recipe.rel)
        spec = recipe.spec
        self._open(recipe.instance, recipe.method, spec.verb, spec.body, recipe.title)
        self.description_label.setText(recipe.description)
        self.description_label.setVisible(bool(recipe.description))

    @Slot(str, object)
    def open_method(self, instance: str, method: Any, body: str = "") -> None:
        """Open ``method`` (a ``MethodSpec`` or a name) of instance ``instance``."""
        name = getattr(method, "path", method) or ""
        self._open(instance, name, getattr(method, "verb", "POST"), body, "")
        self.description_label.setText(strip_technical(getattr(method, "doc", None) or ""))
        self.description_label.setVisible(bool(self.description_label.text()))
        if not isinstance(method, str):
            self._set_method_spec(method)

    def _open(self, instance: str, method: str, verb: str, body: str, title: str) -> None:
        self._instance, self._method, self._verb = instance, method.lstrip("/"), verb or "POST"
        self._body, self._spec, self._request = body, None, None
        self.title_label.setText(title or " · ".join(p for p in (instance, self._method) if p))
        self.form.set_method(None)
        self._set_method_spec(None)
        self._show_nothing()
        self.run_button.setEnabled(bool(self._method))
        self.next_button.setVisible(bool(self.recipe_list.recipes()))
        self.pages.setCurrentIndex(1)
        self.recipes_button.show()
        self.run_button.setFocus()
        self._look_up_method()

    def _look_up_method(self) -> None:
        explorer = self._explorer
        if explorer is None or not self._instance:
            return
        instance = explorer.instance(self._instance)
        if instance is None:
            explorer.instancesChanged.connect(self._instances_arrived, Qt.UniqueConnection)
            return
        spec = explorer.cached_methods(instance)
        if spec is not None:
            self._methods_arrived(self._instance, spec)
            return
        explorer.methodsChanged.connect(self._methods_arrived, Qt.UniqueConnection)
        explorer.load_methods(instance)

    @Slot(object)
    def _instances_arrived(self, _instances: Any) -> None:
        if self._spec is None and self._explorer.instance(self._instance) is not None:
            self._explorer.instancesChanged.disconnect(self._instances_arrived)
            self._look_up_method()

    @Slot(str, object)
    def _methods_arrived(self, handle: str, package: Any) -> None:
        if handle != self._instance or self._spec is not None:
            return
        spec = package.method(self._method, self._verb) or package.method(self._method)
        if spec is not None:
            self._set_method_spec(spec)

    def _set_method_spec(self, spec: Any) -> None:
        self._spec = spec
        value = self._body_value()
        if spec is not None and supports(spec) and isinstance(value, dict):
            self.form.set_method(spec)
            self.form.set_value(value)
            self.form.show()
            self.inputs_note.hide()
            self.summary_label.hide()
            self._fit_inputs()
            return
        self.form.hide()
        no_inputs = spec is not None and not spec.args and value == {}
        self.inputs_note.setText("No inputs needed." if no_inputs else NO_FORM)
        self.inputs_note.show()
        summary = "" if no_inputs else redact(body_summary(self._body), self._known_keys())
        self.summary_label.setText(summary)
        self.summary_label.setVisible(not no_inputs)
        self._fit_inputs()

    def _known_keys(self) -> tuple[str, ...]:
        """The profile's key, to mask should a saved body hold it (never shown to an audience)."""
        clients = getattr(self._explorer, "clients", None)
        settings = clients.settings() if clients is not None else None
        return (settings.api_key,) if settings is not None and settings.api_key else ()

    def _body_value(self) -> Any:
        try:
            return json.loads(self._body) if self._body.strip() else {}
        except (ValueError, RecursionError):
            return None

    @Slot(object)
    def _edited(self, body: dict) -> None:
        self._body = json.dumps(body, ensure_ascii=False)

    def instance_handle(self) -> str:
        return self._instance

    def method_name(self) -> str:
        return self._method

    def body_text(self) -> str:
        return self._body

    # -- running --------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._request is not None or self.progress.is_running()

    def run(self) -> None:
        """Send the method with the inputs shown; the answer replaces what was shown."""
        if self.pages.currentIndex() != 1 or not self._method or self._request is not None:
            return
        self._show_nothing()
        # The listed instance carries its workspace; a bare handle would be sent to the
        # profile's workspace, which is unnamed when the profile uses the default one.
        target = self._explorer.instance(self._instance) or self._instance
        try:
            self._request = self._runner.send(target, self._method, self._body, self._verb)
        except ValueError as exc:  # BodyError too: nothing was sent
            self._show_error(plain_error(None, str(exc)))
            return
        self.progress.show_working()
        self.progress.show()
        self.run_button.setEnabled(False)

    def _mine(self, request_id: int) -> bool:
        if request_id != self._request:
            return False
        self._request = None
        self.run_button.setEnabled(True)
        self.progress.finish_working()
        return True

    @Slot(int, object)
    def _finished(self, request_id: int, answer: Any) -> None:
        if self._mine(request_id):
            self.show_answer(answer)

    @Slot(int, object)
    def _failed(self, request_id: int, answer: Any) -> None:
        if self._mine(request_id):
            self.show_answer(answer)

    @Slot(int)
    def _cancelled(self, request_id: int) -> None:
        if self._mine(request_id):
            self._show_nothing()

    def show_answer(self, answer: Any) -> None:
        """Show an answer (this view owns it from now on and closes it when it is replaced)."""
        self._show_nothing()
        self._shown = answer
        kind = answer.kind
        if kind == ERROR:
            self._show_error(plain_error(answer.error_title, answer.body_text))
        elif kind == TASK:
            self._follow_task(answer)
        else:
            self._show_content(answer)

    def _follow_task(self, answer: Any) -> None:
        summary = answer.task
        self.progress.show()
        if self._tracker is None or not getattr(summary, "task_id", None):
            self.progress.clear()
            self.progress.state_label.setText("Working… (follow it in the Tasks panel)")
            if answer.document is not None:
                self._show_content(answer)
            return
        self.progress.follow(summary.task_id, summary.state)

    @Slot(str)
    def _task_ended(self, state: str) -> None:
        task_id = self.progress.task_id()
        task = self._tracker.task(task_id) if self._tracker and task_id else None
        if state != "succeeded" or task is None:
            return
        if task.output is None:
            self._show_words("Done.")
            return
        self._output = output_answer(task.output)
        self._show_content(self._output)

    def _show_content(self, p: Any) -> None:
        kind = p.kind
        if kind == IMAGE and p.decoded_image is not None:
            self._image = QPixmap.fromImage(p.decoded_image)
            self.result_stack.setCurrentWidget(self.image_label)
            self._fit_image()
        elif kind in (JSON, TASK) and p.document is not None:
            self.tree_view.tree_model.set_document(p.document)
            self.tree_view.expandToDepth(0)
            self.result_stack.setCurrentWidget(self.tree_view)
        elif kind == MARKDOWN:
            self.text_view.setMarkdown(p.body_text)
            self.result_stack.setCurrentWidget(self.text_view)
        elif kind in ("text", "html"):
            if kind == "html":
                self.text_view.setHtml(p.body_text)
            else:
                self.text_view.setPlainText(p.body_text)
            self.result_stack.setCurrentWidget(self.text_view)
        elif kind == "empty":
            self._show_words("Done. There is nothing to show.")
        else:
            size = format_size(p.size or len(p.raw or p.image or b""))
            self._show_words(f"Done. The answer is a file ({size}) that cannot be shown here.")

    def _show_words(self, text: str) -> None:
        self.text_view.setPlainText(text)
        self.result_stack.setCurrentWidget(self.text_view)

    def _show_error(self, error: Any) -> None:
        self.error_headline.setText(error.headline)
        self.error_details.setText(error.message)
        self.error_suggestion.setText(f"What to do: {error.suggestion}" if error.suggestion else "")
        self.error_headline.show()
        self.error_details.setVisible(bool(error.message))
        self.error_suggestion.setVisible(bool(error.suggestion))

    def _show_nothing(self) -> None:
        for held in (self._shown, self._output):
            if held is not None and hasattr(held, "close"):
                held.close()
        self._shown = self._output = self._image = None
        self.tree_view.tree_model.set_document(None)
        self.text_view.clear()
        self.image_label.clear()
        self.result_stack.setCurrentIndex(0)
        self.progress.clear()
        for widget in (self.progress, self.error_headline, self.error_details):
            widget.hide()
        self.error_suggestion.hide()

    def current_answer(self) -> Any:
        return self._output or self._shown

    @Slot()
    def _readable_tree(self) -> None:
        """Keys and values only: types and sizes are for developers."""
        for column in range(2, self.tree_view.tree_model.columnCount()):
            self.tree_view.setColumnHidden(column, True)

    def _fit_image(self) -> None:
        if self._image is None or self._image.isNull():
            return
        size = self.image_label.size()
        self.image_label.setPixmap(
            self._image.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def _fit_inputs(self) -> None:
        """The inputs get the height they need, up to a third of the mode's (then they scroll)."""
        self.inputs.adjustSize()
        wanted = self.inputs.sizeHint().height() + 4
        self.inputs_scroll.setMinimumHeight(max(0, min(wanted, self.height() // 3)))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Shown as a window of its own, closing it is leaving presentation mode."""
        super().closeEvent(event)
        if self.isWindow():
            self.exitRequested.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            self._apply_scale()  # the system font changed: keep our scale over the new one
        return super().event(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_inputs()
        self._fit_image()
