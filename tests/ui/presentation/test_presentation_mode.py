"""Demo mode over the in-process emulator: demos run from the list and show their answer rendered;
a long task shows the friendly progress, then its output; failures read as plain words with what
to try (no argument name); no key, address, id or traceback is ever on screen; type can be
enlarged."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from shipexplorer.api import (
    ArgSpec,
    MethodSpec,
    PackageInstance,
    PackageSpec,
)
from shipexplorer.core.recipes import TRY_AGAIN, mark_as_recipe
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.presentation.presentation_mode import DEFAULT_SCALE, PresentationMode
from shipexplorer.ui.presentation.recipe_list import NO_RECIPES
from shipexplorer.ui.presentation.task_progress_view import (
    DONE,
    FAILED,
    WAITING,
    WORKING,
    TaskProgressView,
)
from shipexplorer.ui.style import colors
from tests.canary import assert_not_in_text, widget_texts
from tests.ui.presentation.conftest import demo_rig
from tests.ui.test_accessibility import offenders

# -- over the emulator --------------------------------------------------------------------------


@pytest.fixture
def present(qtbot, worker_pool, start_emulator, tmp_path):
    """A presentation mode over a canary-keyed emulator with greeter "g", slow-job "job" and
    faults "f"; recipes are added with ``add(title, description, instance, method, body)``."""
    canary = f"ss-CANARY-{uuid.uuid4()}"
    made = (("greeter", "g"), ("slow-job", "job"), ("faults", "f"), ("media", "m"))
    emu = start_emulator(api_keys=(canary,))
    rig = demo_rig(qtbot, worker_pool, tmp_path, emu, canary, made, (1000, 800))
    mode, saved = rig.mode, rig.saved

    def add(title: str, description: str, instance: str, method: str, body: dict) -> str:
        spec = RequestSpec(name=title, instance=instance, method=method, body=json.dumps(body))
        return mark_as_recipe(saved, spec, title, description)

    mode.canary = canary
    mode.add_recipe = add
    yield mode
    rig.close(qtbot, worker_pool)


def assert_nothing_technical(mode: PresentationMode, task_ids=()) -> None:
    showing = [w for w in mode.findChildren(QWidget) if mode.canary in widget_texts(w)]
    assert not showing, [(type(w).__name__, w.accessibleName()) for w in showing]
    text = widget_texts(mode)
    assert_not_in_text(mode.canary, text, "presentation mode")
    # "http" as a word of an address or a status line ("http_status", an argument, may show)
    assert not re.search(r"\bhttps?\b(?!_)", text, re.IGNORECASE), text
    assert "Internal Server Error" not in text and "500" not in text
    assert "Traceback" not in text
    assert "Bearer" not in text and "127.0.0.1" not in text
    for task_id in task_ids:
        assert task_id not in text


def run_and_wait(qtbot, mode: PresentationMode, target=None) -> None:
    """Ctrl+Enter (on ``target``, else the Run button), then wait for the answer."""
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        qtbot.keyClick(
            target or mode.run_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )


def test_empty_list_says_how_to_add_recipes_and_a_method_can_be_picked(qtbot, present):
    mode = present
    assert mode.pages.currentWidget() is mode.recipe_list
    assert mode.recipe_list.empty_label.text() == NO_RECIPES
    combo = mode.recipe_list.instance_combo
    qtbot.waitUntil(lambda: combo.findData("g") >= 0, timeout=5000)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):  # the user picks it with the keyboard
        if combo.currentData() == "g":
            break
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    methods = mode.recipe_list.method_combo
    qtbot.waitUntil(
        lambda: methods.findText("greet", Qt.MatchFlag.MatchStartsWith) >= 0, timeout=5000
    )
    methods.setCurrentIndex(methods.findText("greet", Qt.MatchFlag.MatchStartsWith))
    mode.recipe_list.pick_button.click()
    assert mode.pages.currentIndex() == 1 and mode.title_label.text() == "Greet"
    assert mode.form.isVisibleTo(mode) and "name" in mode.form.fields
    assert mode.form.labels["name"].text() == "Name"
    mode.form.fields["name"].setFocus()
    qtbot.keyClicks(mode.form.fields["name"], "Grace")
    assert json.loads(mode.body_text()) == {"name": "Grace"}
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        qtbot.keyClick(mode.form.fields["name"], Qt.Key.Key_Return)  # Enter runs
    assert mode.text_view.toPlainText() == "Hello, Grace!"


def test_a_greeter_recipe_runs_from_the_list(qtbot, present):
    mode = present
    mode.add_recipe("Say hello", "The greeter greets Ada.", "g", "greet", {"name": "Ada"})
    mode.add_recipe("The slow job", "Takes a moment.", "job", "start", {"seconds": 1})
    mode.show_recipes()
    items = mode.recipe_list.list
    assert items.count() == 2 and not mode.recipe_list.empty_label.isVisibleTo(mode)
    assert items.item(0).text() == "Say hello\nThe greeter greets Ada."
    items.setCurrentRow(0)
    items.setFocus()
    qtbot.keyClick(items, Qt.Key.Key_Return)  # Enter opens the recipe
    assert mode.pages.currentIndex() == 1
    assert mode.title_label.text() == "Say hello"
    assert mode.description_label.text() == "The greeter greets Ada."
    qtbot.waitUntil(lambda: "name" in mode.form.fields, timeout=5000)
    assert mode.form.fields["name"].text() == "Ada"
    run_and_wait(qtbot, mode)
    assert mode.result_stack.currentWidget() is mode.text_view
    assert mode.text_view.toPlainText() == "Hello, Ada!"
    assert_nothing_technical(mode)
    qtbot.keyClick(mode.run_button, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert mode.title_label.text() == "The slow job"
    assert mode.text_view.toPlainText() == ""  # the previous answer is gone


def test_a_slow_job_shows_progress_then_its_output(qtbot, present):
    mode = present
    rel = mode.add_recipe("Slow", "", "job", "start", {"seconds": 1.5, "steps": 3})
    mode.recipe_list.refresh()
    mode.recipe_list.select(rel)
    mode.recipe_list.open_current()
    states: list[str] = []
    mode.progress.state_label.setText("")

    def seen() -> bool:
        text = mode.progress.state_label.text()
        if text and (not states or states[-1] != text):
            states.append(text)
        return text == DONE

    run_and_wait(qtbot, mode)
    assert mode.progress.isVisibleTo(mode)
    task_id = mode.progress.task_id()
    assert task_id
    qtbot.waitUntil(seen, timeout=10000)
    assert WORKING in states or WAITING in states
    assert states[-1] == DONE
    messages = [
        mode.progress.messages.item(i).text() for i in range(mode.progress.messages.count())
    ]
    assert any(text.startswith("Step ") for text in messages)
    assert mode.progress.elapsed_label.text().startswith("Time taken: 0:0")
    qtbot.waitUntil(lambda: mode.result_stack.currentWidget() is mode.text_view, timeout=5000)
    shown = mode.text_view.toPlainText()
    assert "Result: done" in shown and "{" not in shown  # a list for people, not JSON
    assert not mode.tree_view.isVisibleTo(mode)  # the JSON is behind "Show details"
    mode.answer_area.details_button.click()
    assert mode.tree_view.isVisibleTo(mode)
    model = mode.tree_view.tree_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    keys = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert "result" in keys
    assert mode.progress.bar.value() == 100
    assert mode.progress.bar.palette().color(QPalette.ColorRole.Highlight) == colors.semantic(
        colors.SUCCESS
    )
    assert_nothing_technical(mode, [task_id])


def test_a_failing_job_reads_as_plain_words_without_argument_names(qtbot, present):
    mode = present
    mode.add_recipe("Fails", "", "job", "start", {"seconds": 0.5, "steps": 1, "fail": True})
    mode.recipe_list.refresh()
    mode.recipe_list.open_current()
    qtbot.waitUntil(lambda: "fail" in mode.form.fields, timeout=5000)
    run_and_wait(qtbot, mode)
    task_id = mode.progress.task_id()
    qtbot.waitUntil(lambda: mode.progress.state_label.text() == FAILED, timeout=10000)
    progress = mode.progress
    assert progress.failure_label.text() == "The slow job failed at step 1 of 1, as requested."
    assert progress.suggestion_label.text() == f"What to do: {TRY_AGAIN}"
    said = " ".join(
        label.text() for label in (progress.state_label, progress.failure_label,
                                   progress.suggestion_label)
    )  # fmt: skip
    assert "fail=" not in said and "seconds" not in said and "steps" not in said
    # the bar ends in the danger colour, not full and blue
    assert progress.bar.value() < 100
    assert progress.bar.palette().color(QPalette.ColorRole.Highlight) == colors.semantic(
        colors.DANGER
    )
    assert "SlowJobFailed" not in widget_texts(mode)
    assert_nothing_technical(mode, [task_id])


def test_a_failing_method_reads_as_plain_words(qtbot, present, app_theme):
    mode = present
    body = {"message": f"Broken with {present.canary} inside", "suggestion": "Try greet instead."}
    mode.add_recipe("Error", "", "f", "fail", body)
    mode.recipe_list.refresh()
    mode.recipe_list.open_current()
    with qtbot.waitSignal(mode._runner.failed, timeout=5000):
        mode.run()
    assert mode.error_headline.text() == "The service reported a problem."
    assert mode.error_details.text() == "Broken with *** inside."
    assert mode.error_suggestion.text() == "What to do: Try greet instead."
    assert mode.error_headline.palette().color(QPalette.ColorRole.WindowText) == (
        colors.semantic(colors.DANGER)
    )
    assert "DemoFailure" not in widget_texts(mode)
    if "message" in mode.form.fields:
        mode.form.fields["message"].clear()  # what the presenter typed is theirs to see
    assert_nothing_technical(mode)


def test_type_size_grows_and_shrinks(qtbot, present):
    mode = present
    before = mode.text_view.font().pointSizeF()
    usual = mode.scale()  # DEFAULT_SCALE, more on a screen taller than 720 lines
    assert usual == mode._usual_scale() >= DEFAULT_SCALE
    mode.enlarge_button.click()
    assert mode.scale() > usual
    assert mode.text_view.font().pointSizeF() > before
    assert mode.form.font().pointSizeF() == mode.font().pointSizeF()
    assert mode.run_button.font().pointSizeF() == mode.font().pointSizeF()
    qtbot.keyClick(mode.exit_button, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert mode.scale() > usual * 1.2
    qtbot.keyClick(mode.exit_button, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert mode.scale() == usual and mode.text_view.font().pointSizeF() == before
    for _ in range(20):
        mode.shrink_action.trigger()
    assert mode.scale() == 1.0 and not mode.shrink_button.isEnabled()
    system = QApplication.font()
    bigger = QFont(system)
    bigger.setPointSizeF(system.pointSizeF() * 2)
    QApplication.setFont(bigger)
    try:
        qtbot.waitUntil(lambda: mode.font().pointSizeF() == bigger.pointSizeF(), timeout=2000)
    finally:
        QApplication.setFont(system)


def test_escape_and_the_exit_button_ask_to_leave(qtbot, present):
    mode = present
    with qtbot.waitSignal(mode.exitRequested, timeout=1000):
        mode.exit_button.click()
    with qtbot.waitSignal(mode.exitRequested, timeout=1000):
        qtbot.keyClick(mode.recipe_list.list, Qt.Key.Key_Escape)
    with qtbot.waitSignal(mode.exitRequested, timeout=1000):
        mode.close()  # a window of its own: closing it leaves the mode


def test_every_control_is_named_and_reachable(qtbot, present):
    mode = present
    mode.add_recipe("Say hello", "", "g", "greet", {"name": "Ada"})
    mode.show_recipes()
    mode.recipe_list.open_current()
    qtbot.waitUntil(lambda: "name" in mode.form.fields, timeout=5000)
    assert offenders(mode) == []
    for button in (mode.enlarge_button, mode.shrink_button, mode.exit_button, mode.run_button):
        assert button.accessibleName()
    # sizes come from the root's one type-scale sheet; a widget's own sheet (a mark) sets none
    assert not any("font-size" in w.styleSheet() for w in mode.findChildren(QWidget))
    assert "font-size" in mode.styleSheet() and "color" not in mode.styleSheet()
    assert mode.objectName() == "presentation-mode"
    assert mode.accessibleName() == "Demo mode"


def test_progress_view_without_a_tracker_ticks_for_a_request(qtbot):
    now = [100.0]
    view = TaskProgressView(None, clock=lambda: now[0])
    qtbot.addWidget(view)
    view.show_working()
    assert view.state_label.text() == WORKING and view.bar.maximum() == 0
    now[0] += 5
    view._tick()
    assert view.elapsed_label.text() == "Time taken: 0:05"
    view.finish_working()
    assert not view.is_running()


def test_images_and_markdown_are_rendered(qtbot, present):
    mode = present
    mode.add_recipe("A picture", "", "m", "image", {"size": 64})
    mode.add_recipe("B notes", "", "m", "markdown", {})
    mode.recipe_list.refresh()
    mode.recipe_list.open_current()
    run_and_wait(qtbot, mode)
    assert mode.result_stack.currentWidget() is mode.image_label
    pixmap = mode.image_label.pixmap()
    assert not pixmap.isNull()
    assert pixmap.width() <= mode.image_label.width() and pixmap.height() > 64  # scaled to fit
    mode.next_recipe()
    assert mode.title_label.text() == "B notes"
    qtbot.waitUntil(lambda: mode.inputs_note.text() == "No inputs needed.", timeout=5000)
    assert not mode.form.isVisibleTo(mode)
    run_and_wait(qtbot, mode)
    assert mode.result_stack.currentWidget() is mode.text_view
    text = mode.text_view.toPlainText()
    assert "A markdown answer" in text and "**" not in text and "# " not in text
    assert not mode.answer_area.details_button.isVisibleTo(mode)  # no JSON, no details


class FakeExplorer(QObject):
    """An explorer whose instances and methods arrive when the test says."""

    instancesChanged = Signal(object)
    methodsChanged = Signal(str, object)

    def __init__(self) -> None:
        super().__init__()
        self.known: list = []
        self.asked: list = []

    def instances(self) -> list:
        return list(self.known)

    def instance(self, handle: str):
        return next((i for i in self.known if i.handle == handle), None)

    def cached_methods(self, _instance):
        return None

    def load_methods(self, instance) -> None:
        self.asked.append(instance.handle)


class FakeRunner(QObject):
    finished = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)

    def send(self, instance, method, body, verb="POST") -> int:
        self.sent = (instance, method, json.loads(body), verb)
        return 7


def test_inputs_follow_late_instances_and_a_task_without_tracker(qtbot, tmp_path):
    explorer, runner = FakeExplorer(), FakeRunner()
    saved = SavedRequests(folder=tmp_path / "saved")
    spec = RequestSpec(name="Hi", instance="g", method="greet", body='{"name": "Ada"}')
    mark_as_recipe(saved, spec, "Hi", "Says hi")
    mode = PresentationMode(explorer, runner, None, saved, None)
    qtbot.addWidget(mode)
    mode.recipe_list.open_current()
    assert mode.summary_label.text() == "name: Ada"  # no form yet: the inputs in words
    explorer.known = [PackageInstance(id="i-1", handle="g")]
    explorer.instancesChanged.emit(explorer.known)
    assert "g" in explorer.asked
    greet = MethodSpec("greet", "POST", args=[ArgSpec("name", "<class 'str'>")])
    explorer.methodsChanged.emit("g", PackageSpec(methods=[greet]))
    assert mode.form.fields["name"].text() == "Ada" and not mode.summary_label.isVisibleTo(mode)
    mode.form.fields["name"].setText("")
    qtbot.keyClicks(mode.form.fields["name"], "Bo")
    mode.run()
    target, *rest = runner.sent
    assert target.handle == "g" and rest == ["greet", {"name": "Bo"}, "POST"]  # the listed one
    assert mode.is_running() and not mode.run_button.isEnabled()
    task = present_task()
    runner.finished.emit(7, task)
    assert mode.progress.state_label.text().startswith("Working…")
    assert "task-123" not in widget_texts(mode)
    assert mode.run_button.isEnabled()


def present_task():
    from shipexplorer.core.documents.answer import TASK, Answer, TaskSummary

    summary = TaskSummary("task-123", "running", None)
    return Answer(TASK, "200 OK", body_text=summary.text(), task=summary)
