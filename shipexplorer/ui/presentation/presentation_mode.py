"""Presentation mode: one instance and method at a time, in large type, for an audience.

It opens on the :class:`~.recipe_list.RecipeList`, or, the first time it is shown, on the
first recipe (:meth:`PresentationMode.open_first_recipe`; once the recipes are read when they
are not yet). A recipe (or a method picked there) shows a header (title and description), its
inputs as the generated :class:`~shipexplorer.ui.request.method_form.MethodForm` (JSON hidden;
a plain summary for a method the form does not support), a big Run button (Ctrl+Enter), and the
answer rendered by the :class:`~.answer_area.AnswerArea`: text and markdown in a browser, images
scaled to fit, JSON as a tree, a long task as a :class:`~.task_progress_view.TaskProgressView`
and then its output. A recipe is sent to the workspace and instance its saved request names,
whatever workspace the window shows. No key, header, address, id or stack trace is shown;
errors are plain words with the suggestion (:func:`~shipexplorer.core.recipes.plain_error`).
Type follows the system font, times a scale the audience controls (A+ / A-, Ctrl+= / Ctrl+- /
Ctrl+0); colours are the palette's.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import InstanceRef, PackageInstance
from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.recipes import Recipe, body_summary, plain_error, strip_technical
from shipexplorer.services.exports import ExportService, mask_secrets
from shipexplorer.ui.presentation.answer_area import AnswerArea
from shipexplorer.ui.presentation.recipe_list import RecipeList
from shipexplorer.ui.request.method_form import MethodForm, supports

if TYPE_CHECKING:
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.request_runner import RequestRunner
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.task_tracker import TaskTracker

DEFAULT_SCALE, MIN_SCALE, MAX_SCALE, STEP = 1.6, 1.0, 3.5, 1.15
NO_FORM = "These inputs are set in the saved request; they are sent as they are."


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
        self.setAccessibleName("Presentation mode")
        self.setWindowTitle("Presentation")  # when shown as a window of its own
        self._explorer, self._runner, self._tracker, self._queries = (
            explorer,
            runner,
            tracker,
            queries,
        )
        self._exports = exports
        self._scale = DEFAULT_SCALE
        self._instance = self._method = ""
        self._workspace: str | None = None  # the workspace the open recipe names (None: any)
        self._verb, self._body, self._spec = "POST", "", None
        self._request: int | None = None
        self._first_pending = False  # open the first recipe once the recipes are read

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
        self.recipe_list.recipesChanged.connect(self._recipes_changed)
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

        self.answer_area = answer = AnswerArea(self._tracker, self._queries, page)
        # its parts under the names the mode has always had (tests and the screenshot tour)
        self.progress, self.result_stack = answer.progress, answer.result_stack
        self.text_view, self.image_label, self.tree_view = (
            answer.text_view,
            answer.image_label,
            answer.tree_view,
        )
        self.error_headline, self.error_details, self.error_suggestion = (
            answer.error_headline,
            answer.error_details,
            answer.error_suggestion,
        )

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
        layout.addWidget(answer, 1)
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
        self.recipe_list.set_heading_scale(1.3)
        title, headline = (self._bold(font, base * self._scale * f) for f in (1.5, 1.15))
        self.title_label.setFont(title)
        self.answer_area.set_fonts(font, headline)  # the answer grows with the rest
        self.run_button.setMinimumHeight(QFontMetrics(font).height() * 2)
        self.next_button.setMinimumHeight(self.run_button.minimumHeight())
        self._fit_inputs()
        self.shrink_button.setEnabled(self._scale > MIN_SCALE + 1e-6)
        self.enlarge_button.setEnabled(self._scale < MAX_SCALE - 1e-6)
        self.answer_area.fit_image()

    @staticmethod
    def _bold(font: QFont, points: float) -> QFont:
        big = QFont(font)
        big.setPointSizeF(points)
        big.setWeight(QFont.Weight.Bold)
        return big

    # -- what is open ---------------------------------------------------------------------------

    def show_recipes(self) -> None:
        self.recipe_list.refresh()
        self.pages.setCurrentWidget(self.recipe_list)
        self.recipes_button.hide()
        self.recipe_list.list.setFocus()

    def next_recipe(self) -> None:
        if self.recipe_list.open_next() is None:
            self.show_recipes()

    def open_first_recipe(self) -> None:
        """Open the first recipe with its form; when none is known yet (the saved requests are
        still being read, or the ``--local`` playground is starting), the list shows and the
        first recipe opens once they arrive, unless something was opened meanwhile."""
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
        self._open(instance, name, getattr(method, "verb", "POST"), body, "", workspace)
        self.description_label.setText(strip_technical(getattr(method, "doc", None) or ""))
        self.description_label.setVisible(bool(self.description_label.text()))
        if not isinstance(method, str):
            self._set_method_spec(method)

    def _open(
        self,
        instance: str,
        method: str,
        verb: str,
        body: str,
        title: str,
        workspace: str | None = None,
    ) -> None:
        self._first_pending = False
        self._instance, self._method, self._verb = instance, method.lstrip("/"), verb or "POST"
        self._workspace = workspace or None
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

    def _listed(self) -> PackageInstance | None:
        """The open instance as the explorer lists it, when it is in the recipe's workspace."""
        listed = self._explorer.instance(self._instance) if self._instance else None
        if listed is None or self._workspace is None:
            return listed
        return listed if listed.workspace_handle in (None, self._workspace) else None

    def _connected(self) -> bool:
        settings = self._explorer.clients.settings()
        return settings is not None and bool(settings.api_key)

    def _owner(self) -> str | None:
        """The account's user handle, as the listed instances tell it (a remote app base needs
        it in the address)."""
        return next((i.user_handle for i in self._explorer.instances() if i.user_handle), None)

    def _target(self) -> PackageInstance | InstanceRef | str:
        """What Run sends to: the listed instance; else, for a recipe that names its workspace,
        that workspace and instance (a bare handle would go to the profile's workspace, which
        is unnamed, ``_``, when the profile uses the default one); else the bare handle."""
        listed = self._listed()
        if listed is not None:
            return listed
        if self._workspace:
            return InstanceRef(
                instance_handle=self._instance,
                workspace_handle=self._workspace,
                user_handle=self._owner(),
            )
        return self._instance

    def _look_up_method(self) -> None:
        explorer = self._explorer
        if not self._instance:
            return
        instance = self._listed()
        if instance is None and self._workspace and self._connected():
            # Not in the workspace the window shows (or not listed yet): ask it where it is.
            instance = PackageInstance(
                id=None,
                handle=self._instance,
                workspace_handle=self._workspace,
                user_handle=self._owner(),
            )
        if instance is None:  # no connection yet (the emulator or the key is on its way)
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
        if self._spec is not None:
            self._explorer.instancesChanged.disconnect(self._instances_arrived)
        elif self._listed() is not None or (self._workspace and self._connected()):
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
        summary = "" if no_inputs else self._masked(body_summary(self._body))
        self.summary_label.setText(summary)
        self.summary_label.setVisible(not no_inputs)
        self._fit_inputs()

    def _masked(self, text: str) -> str:
        """``text`` with the profile's key masked, should a saved body hold it (never shown to
        an audience); Bearer tokens are masked even with no export service."""
        if self._exports is not None:
            return self._exports.mask_current_key(text)
        return mask_secrets(text, ())

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
        target = self._target()
        try:
            self._request = self._runner.send(target, self._method, self._body, self._verb)
        except ValueError as exc:  # BodyError too: nothing was sent
            self.answer_area.show_error(plain_error(None, str(exc)))
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
        self.answer_area.show_answer(answer)

    def _show_nothing(self) -> None:
        self.answer_area.clear()

    def current_answer(self) -> Answer | None:
        return self.answer_area.current_answer()

    def _fit_inputs(self) -> None:
        """The inputs get the height they need, up to a third of the mode's (then they scroll)."""
        self.inputs.adjustSize()
        wanted = self.inputs.sizeHint().height() + 4
        self.inputs_scroll.setMinimumHeight(max(0, min(wanted, self.height() // 3)))

    def workspace_handle(self) -> str | None:
        """The workspace the open recipe or method is sent to (None: the profile's)."""
        return self._workspace

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._first_pending = False  # shown again, it opens on the list as it was left

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
        self.answer_area.fit_image()
