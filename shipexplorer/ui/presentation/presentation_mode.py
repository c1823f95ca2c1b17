"""Demo mode (``--demo``, formerly presentation mode): one demo at a time, in large type, for an
audience that does not program.

It opens on the :class:`~.recipe_list.RecipeList` (the demos), or, the first time it is shown, on
the first demo (:meth:`PresentationMode.open_first_recipe`; once the demos are read when they are
not yet). A demo shows as a :class:`~.demo_card.DemoCard`: title, description, example inputs to
click, the inputs by type (:class:`~.demo_form.DemoForm`; a plain summary for a method no field
can hold), a big Run button, and the answer rendered for people
(:class:`~.answer_area.AnswerArea`); a demo of layout "chat" shows a transcript and an input line
instead (:class:`~.chat_view.ChatView`).
A demo is sent to the workspace and instance its saved request names, whatever workspace the
window shows (:class:`~.demo_target.DemoTarget`). No key, header, address, id, stack trace or
argument name of a failure is shown. Type follows the system font times a scale the audience
controls (A+ / A-, Ctrl+= / Ctrl+- / Ctrl+0) and every label, input and button grows with it.
Keyboard: Enter runs (or sends), Ctrl+Right opens the next demo, Ctrl+Left the previous one,
Esc leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.recipes import (
    CHAT,
    Recipe,
    field_label,
    plain_error,
    strip_technical,
)
from shipexplorer.services.exports import ExportService
from shipexplorer.ui.presentation.demo_card import DemoCard
from shipexplorer.ui.presentation.demo_inputs import DemoInputs
from shipexplorer.ui.presentation.demo_target import DemoTarget
from shipexplorer.ui.presentation.recipe_list import RecipeList
from shipexplorer.ui.style import sheets
from shipexplorer.ui.style.metrics import font, space

if TYPE_CHECKING:
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.request_runner import RequestRunner
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.task_tracker import TaskTracker

DEFAULT_SCALE, MIN_SCALE, MAX_SCALE, STEP = 1.6, 1.0, 3.5, 1.15


def _button(text: str, name: str, parent: QWidget, slot) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class PresentationMode(QWidget):
    """See the module docstring.

    Signals:
        exitRequested(): the audience view should close (Esc or "Exit demo").
        scaleChanged(float): the type scale over the system font changed.
    """

    exitRequested = Signal()
    scaleChanged = Signal(float)

    def __init__(
        self,
        explorer: Explorer,
        runner: RequestRunner,
        tracker: TaskTracker | None,
        saved: SavedRequests | None,
        queries: DocumentQueries | None,
        parent: QWidget | None = None,
        *,
        exports: ExportService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("presentation-mode")
        self.setAccessibleName("Demo mode")
        self.setWindowTitle("Demo")  # when shown as a window of its own
        self._explorer, self._runner, self._tracker = explorer, runner, tracker
        self._exports = exports
        self._scale = DEFAULT_SCALE
        self._scale_chosen = False
        self._target = DemoTarget(explorer, self)
        self._target.methodFound.connect(self._set_method_spec)
        self._request: int | None = None
        self._chat_request = False
        self._first_pending = False  # open the first demo once the demos are read
        fetcher = tracker.block_fetcher() if tracker is not None else None

        top = QHBoxLayout()
        self.recipes_button = _button("&All demos", "Back to all demos", self, self.show_recipes)
        self.shrink_button = _button("A\u2212", "Smaller type", self, self.shrink)
        self.enlarge_button = _button("A+", "Larger type", self, self.enlarge)
        self.exit_button = _button("E&xit demo", "Exit demo mode", self, self.exitRequested.emit)
        top.addWidget(self.recipes_button)
        top.addStretch(1)
        for button in (self.shrink_button, self.enlarge_button, self.exit_button):
            top.addWidget(button)

        self.recipe_list = RecipeList(saved, explorer, self)
        self.recipe_list.recipeChosen.connect(self.open_recipe)
        self.recipe_list.methodChosen.connect(self.open_method)
        self.recipe_list.recipesChanged.connect(self._recipes_changed)
        self.card = card = DemoCard(tracker, queries, fetcher, self._target.settings, self)
        card.run_button.clicked.connect(self.run)
        card.next_button.clicked.connect(self.next_recipe)
        card.exampleChosen.connect(self.use_example)
        self._inputs = DemoInputs(card, exports, self)
        self._inputs.fitted.connect(self._fit_inputs)
        card.form.edited.connect(self._inputs.edited)
        card.form.submitted.connect(self.run)
        card.chat.sent.connect(self._ask)
        self._expose_parts()
        page = QScrollArea(self)  # a card taller than the screen (large type) scrolls
        page.setWidgetResizable(True)
        page.setFrameShape(QScrollArea.Shape.NoFrame)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget(page)
        row = QHBoxLayout(inner)
        row.setContentsMargins(space(4), space(2), space(4), space(4))
        row.addStretch(1)
        row.addWidget(card, 100)
        row.addStretch(1)
        page.setWidget(inner)
        page.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.page = page
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.recipe_list)
        self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self.run_action = self._action("Run", ("Ctrl+Return", "Ctrl+Enter"), self.run)
        self.enlarge_action = self._action("Larger type", ("Ctrl+=", "Ctrl++"), self.enlarge)
        self.shrink_action = self._action("Smaller type", ("Ctrl+-",), self.shrink)
        self.reset_action = self._action("Usual type", ("Ctrl+0",), self.reset_scale)
        self.exit_action = self._action("Exit demo mode", ("Esc",), self.exitRequested.emit)
        self.next_action = self._action("Next demo", ("Ctrl+Right",), self.next_recipe)
        self.previous_action = self._action("Previous demo", ("Ctrl+Left",), self.previous_recipe)
        self.recipe_list.removeAction(self.recipe_list.next_action)  # ours covers the whole mode

        runner.finished.connect(self._finished)
        runner.failed.connect(self._failed)
        runner.cancelled.connect(self._cancelled)
        self._apply_scale()

    def _expose_parts(self) -> None:
        """The card's parts under the names the mode has always had (tests, the tour)."""
        c, a = self.card, self.card.answer_area
        self.title_label, self.description_label, self.form = (
            c.title_label,
            c.description_label,
            c.form,
        )
        self.inputs_note, self.summary_label, self.inputs = c.inputs_note, c.summary_label, c.inputs
        self.inputs_scroll, self.chat, self.answer_area = c.inputs_scroll, c.chat, a
        self.run_button, self.next_button = c.run_button, c.next_button
        self.progress, self.result_stack, self.text_view = a.progress, a.result_stack, a.text_view
        self.image_label, self.tree_view = a.image_label, a.tree_view
        self.error_headline, self.error_details = a.error_headline, a.error_details
        self.error_suggestion = a.error_suggestion

    def _action(self, text: str, keys: tuple[str, ...], slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

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
        self.set_scale(self._usual_scale())

    def _usual_scale(self) -> float:
        """The usual type scale for the screen the mode is on: :data:`DEFAULT_SCALE` up to a
        screen of 720 lines, and as much more as the screen is taller (up to twice)."""
        screen = self.screen()
        lines = screen.availableGeometry().height() if screen is not None else 720
        return DEFAULT_SCALE * min(2.0, max(1.0, lines / 720))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._scale_chosen:  # the first time, the type fits the screen it is shown on
            self._scale_chosen = True
            if self._scale == DEFAULT_SCALE:
                self.set_scale(self._usual_scale())

    def _apply_scale(self) -> None:
        body = font("body", scale=self._scale)
        self.setFont(body)
        sheets.type_scale(self, self._scale)  # reaches every widget inside, now and later
        self.recipe_list.set_heading_scale(1.5)
        self.recipe_list.set_content_width(body.pointSizeF() * 60)
        self.card.apply_fonts(
            body,
            font("headline", scale=self._scale, bold=True),
            font("title", scale=self._scale, bold=True),
        )
        self._fit_inputs()
        self.shrink_button.setEnabled(self._scale > MIN_SCALE + 1e-6)
        self.enlarge_button.setEnabled(self._scale < MAX_SCALE - 1e-6)
        self.answer_area.fit_image()

    # -- what is open ---------------------------------------------------------------------------

    def show_recipes(self) -> None:
        self.recipe_list.refresh()
        self.pages.setCurrentWidget(self.recipe_list)
        self.recipes_button.hide()
        self.recipe_list.list.setFocus()

    def next_recipe(self) -> None:
        if self.recipe_list.open_next() is None:
            self.show_recipes()

    def previous_recipe(self) -> None:
        if self.recipe_list.open_previous() is None:
            self.show_recipes()

    def open_first_recipe(self) -> None:
        """Open the first demo with its form; when none is known yet (the saved requests are
        still being read, or the ``--local`` playground is starting), the list shows and the
        first demo opens once they arrive, unless something was opened meanwhile."""
        self._first_pending = False
        recipes = self.recipe_list.recipes()
        if recipes:
            self.open_recipe(recipes[0])
            return
        self.show_recipes()
        self._first_pending = True

    @Slot()
    def _recipes_changed(self) -> None:
        recipes = self.recipe_list.recipes()
        if self._first_pending and recipes and self.pages.currentWidget() is self.recipe_list:
            self.open_recipe(recipes[0])

    @Slot(object)
    def open_recipe(self, recipe: Recipe) -> None:
        self.recipe_list.select(recipe.rel)
        spec = recipe.spec
        self._inputs.reset(recipe, spec.body)
        self._open(
            recipe.instance, recipe.method, spec.verb, spec.body, recipe.title, spec.workspace
        )
        self.description_label.setText(recipe.description)
        self.description_label.setVisible(bool(recipe.description))

    @Slot(str, object)
    def open_method(self, instance: str, method: Any, body: str = "") -> None:
        """Open ``method`` (a ``MethodSpec`` or a name) of instance ``instance`` (one the
        explorer lists: its workspace is the instance's)."""
        name = getattr(method, "path", method) or ""
        listed = self._explorer.instance(instance)
        workspace = listed.workspace_handle if listed is not None else None
        self._inputs.reset(None, body)
        self._open(instance, name, getattr(method, "verb", "POST"), body, "", workspace)
        self.description_label.setText(strip_technical(getattr(method, "doc", None) or ""))
        self.description_label.setVisible(bool(self.description_label.text()))
        if not isinstance(method, str):
            self._target.found(method)
            self._set_method_spec(method)

    def _open(
        self, instance: str, method: str, verb: str, body: str, title: str, workspace: str | None
    ) -> None:
        self._first_pending = False
        self._request, self._chat_request = None, False  # a late answer is dropped
        self.title_label.setText(
            title or field_label(method.lstrip("/")) or field_label(instance) or "Demo"
        )
        self.card.form.set_method(None)
        self.card.chat.clear()
        recipe = self._inputs.recipe
        self.card.set_chat(recipe is not None and recipe.layout == CHAT)
        self.card.set_examples([], [])
        self._set_method_spec(None)
        self._show_nothing()
        self.run_button.setEnabled(bool(method.lstrip("/")))
        self.next_button.setVisible(bool(self.recipe_list.recipes()))
        self.pages.setCurrentIndex(1)
        self.recipes_button.show()
        (self.chat.input if self.card.is_chat() else self.run_button).setFocus()
        self._target.open(instance, method, verb, workspace)

    @Slot(object)
    def _set_method_spec(self, spec: Any) -> None:
        self._inputs.set_method_spec(spec)

    @Slot(object)
    def use_example(self, example: dict[str, Any]) -> None:
        """Fill the inputs with ``example`` (over the demo's own body), ready to run."""
        self._inputs.use_example(example)

    def instance_handle(self) -> str:
        return self._target.instance

    def method_name(self) -> str:
        return self._target.method

    def body_text(self) -> str:
        return self._inputs.body

    def workspace_handle(self) -> str | None:
        """The workspace the open demo or method is sent to (None: the profile's)."""
        return self._target.workspace

    # -- running --------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._request is not None or self.progress.is_running() or self.chat.is_busy()

    def run(self) -> None:
        """Send the method with the inputs shown; the answer replaces what was shown (in a
        chat, the question typed is sent)."""
        if self.pages.currentIndex() != 1 or not self._target.method or self._request is not None:
            return
        if self.card.is_chat():
            self.chat.send()
            return
        self._show_nothing()
        try:
            self._request = self._send(self._inputs.body)
        except ValueError as exc:  # BodyError too: nothing was sent
            self.answer_area.show_error(plain_error(None, str(exc)))
            return
        self.answer_area.working()
        self.run_button.setEnabled(False)

    def _send(self, body: str) -> int:
        target = self._target
        return self._runner.send(target.target(), target.method, body, target.verb)

    @Slot(str)
    def _ask(self, question: str) -> None:
        """A chat question: the demo's body with the question in its prompt argument."""
        if self._request is not None or not self._target.method:
            return
        self.chat.add_question(question)
        try:
            self._request = self._send(self._inputs.chat_body(question))
        except ValueError as exc:
            self.chat.fail_to_send(plain_error(None, str(exc)).headline)
            return
        self._chat_request = True

    def _mine(self, request_id: int) -> bool:
        if request_id != self._request:
            return False
        self._request = None
        self.run_button.setEnabled(True)
        self.progress.finish_working()
        return True

    @Slot(int, object)
    def _finished(self, request_id: int, answer: Answer) -> None:
        if self._mine(request_id):
            self.show_answer(answer)

    @Slot(int, object)
    def _failed(self, request_id: int, answer: Answer) -> None:
        if self._mine(request_id):
            self.show_answer(answer)

    @Slot(int)
    def _cancelled(self, request_id: int) -> None:
        if self._mine(request_id):
            self._show_nothing()

    def show_answer(self, answer: Answer) -> None:
        """Show an answer (this view owns it from now on and closes it when it is replaced)."""
        if self._chat_request:
            self._chat_request = False
            self.chat.show_answer(answer, self._target.settings)
            return
        self.answer_area.show_answer(answer)

    def _show_nothing(self) -> None:
        self.answer_area.clear()

    def current_answer(self) -> Answer | None:
        return self.answer_area.current_answer()

    def _fit_inputs(self) -> None:
        """The inputs get the height they need, up to a third of the mode's (half beside the
        answer), then they scroll."""
        self.inputs.adjustSize()
        wanted = self.inputs.sizeHint().height() + 4
        share = 2 if self.card.side_by_side() else 3
        self.inputs_scroll.setMinimumHeight(max(0, min(wanted, self.height() // share)))

    # -- keys and events ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter that no field took: a focused button is pressed, else the demo runs (nothing
        while it runs: the Enter that started it comes here too)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.pages.currentIndex() == 1:
            focused = QApplication.focusWidget()
            if self.is_running():
                event.accept()
                return
            if isinstance(focused, QAbstractButton) and self.isAncestorOf(focused):
                focused.click()
            else:
                self.run()
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._first_pending = False  # shown again, it opens on the list as it was left

    def closeEvent(self, event: QCloseEvent) -> None:
        """Shown as a window of its own, closing it is leaving demo mode."""
        super().closeEvent(event)
        if self.isWindow():
            self.exitRequested.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:
            self._apply_scale()  # the system font changed: keep our scale over the new one
        elif event.type() == QEvent.Type.PaletteChange:
            self.pages.setBackgroundRole(QPalette.ColorRole.Window)
        return super().event(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_inputs()
        self.answer_area.fit_image()


#: the mode under the name its audience knows it by
DemoMode = PresentationMode
