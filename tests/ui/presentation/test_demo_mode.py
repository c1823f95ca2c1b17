"""Demo mode as its audience meets it, over the in-process emulator: example inputs fill the form,
fields by type with plain labels and no type hints, Enter runs and Ctrl+Right / Ctrl+Left move
between demos, an agent's blocks render (text, picture, a sound to play), a chat demo keeps a
transcript with progress while the answer is prepared, every label and input grows with A+, and
the card fits 1280x720 and fills 1920x1080 pleasantly."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from shipexplorer.core.recipes import CHAT, as_recipe
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.ui.presentation import block_stack
from shipexplorer.ui.presentation.block_stack import PLAY, _Picture
from shipexplorer.ui.presentation.presentation_mode import PresentationMode
from shipexplorer.ui.presentation.switch import Switch
from tests.canary import widget_texts
from tests.ui.presentation.conftest import demo_rig
from tests.ui.test_accessibility import offenders


@pytest.fixture
def demo(qtbot, worker_pool, start_emulator, tmp_path):
    """A demo mode over an emulator with greeter "g", slow-job "job", media "m" and agent "a";
    ``demo.add(title, instance, method, body, **recipe)`` saves a demo."""
    made = (("greeter", "g"), ("slow-job", "job"), ("media", "m"), ("agent", "a"))
    rig = demo_rig(qtbot, worker_pool, tmp_path, start_emulator(), "demo-key", made, (1280, 720))
    mode, saved = rig.mode, rig.saved

    def add(title: str, instance: str, method: str, body: dict, **shown) -> str:
        spec = RequestSpec(name=title, instance=instance, method=method, body=json.dumps(body))
        rel = saved.save(as_recipe(spec, title, shown.pop("description", ""), **shown))
        mode.recipe_list.refresh()
        return rel

    mode.add = add
    yield mode
    rig.close(qtbot, worker_pool)


def open_demo(qtbot, mode: PresentationMode, rel: str, field: str | None = None) -> None:
    mode.recipe_list.select(rel)
    mode.recipe_list.open_current()
    if field is not None:
        qtbot.waitUntil(lambda: field in mode.form.fields, timeout=5000)


def test_examples_fill_the_form_and_enter_runs(qtbot, demo):
    mode = demo
    rel = mode.add(
        "Greet",
        "g",
        "greet",
        {"name": "Ada"},
        examples=[{"name": "Grace"}, {"name": "Alan"}],
        labels={"name": "Who should be greeted?"},
    )
    open_demo(qtbot, mode, rel, "name")
    field = mode.form.fields["name"]
    assert isinstance(field, QLineEdit) and field.text() == "Ada"
    assert field.placeholderText() == "For example: Grace"
    assert mode.form.labels["name"].text() == "Who should be greeted?"
    texts = widget_texts(mode)
    for jargon in ("text", "str", "POST", "Method:", "(GET)", "yes/no"):
        assert jargon not in texts.split(), jargon
    buttons = mode.card.example_buttons
    assert [b.text() for b in buttons] == ["Grace", "Alan"]
    buttons[1].click()
    assert field.text() == "Alan" and json.loads(mode.body_text()) == {"name": "Alan"}
    assert mode.run_button.hasFocus() or not mode.isActiveWindow()
    assert offenders(mode) == []
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert mode.text_view.toPlainText() == "Hello, Alan!"


def test_fields_by_type_and_keyboard_between_demos(qtbot, demo):
    mode = demo
    first = mode.add("Greet", "g", "greet", {"name": "Ada"})
    second = mode.add("Job", "job", "start", {"seconds": 1, "steps": 2, "fail": False})
    open_demo(qtbot, mode, second, "fail")
    fields = mode.form.fields
    assert isinstance(fields["seconds"], QAbstractSpinBox)
    assert isinstance(fields["steps"], QAbstractSpinBox) and fields["steps"].value() == 2
    assert isinstance(fields["fail"], Switch) and fields["fail"].text() == "No"
    assert mode.form.labels["steps"].text() == "Steps"
    fields["fail"].click()
    assert fields["fail"].text() == "Yes" and json.loads(mode.body_text())["fail"] is True
    qtbot.keyClick(mode.run_button, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert mode.title_label.text() == "Greet"
    qtbot.keyClick(mode.run_button, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert mode.title_label.text() == "Job"
    assert {first, second}


def test_an_agents_blocks_render_text_a_picture_and_a_sound(qtbot, demo, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        block_stack.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    mode = demo
    rel = mode.add("Agent", "a", "prompt", {"prompt": "Draw a cat", "image_size": 16})
    open_demo(qtbot, mode, rel, "prompt")
    assert isinstance(mode.form.fields["prompt"], QPlainTextEdit)  # long text: a text area
    assert "context_id" not in mode.form.fields  # an argument the demo does not use
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        mode.run()
    area = mode.answer_area
    assert mode.result_stack.currentWidget() is area.blocks_scroll
    stack = area.blocks
    qtbot.waitUntil(lambda: all(part.layout().count() for part in stack.parts), timeout=5000)
    texts = [w.text() for w in stack.findChildren(QLabel) if w.accessibleName() == "Answer text"]
    assert any("Draw a cat" in text for text in texts)
    assert any("The answer, in markdown" in text for text in texts)
    assert stack.findChildren(_Picture)
    play = next(b for b in stack.findChildren(QAbstractButton) if b.text() == PLAY)
    play.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].endswith(".wav")
    assert area.details_button.isVisibleTo(mode)  # the JSON, behind a toggle
    assert not mode.tree_view.isVisibleTo(mode)


def test_a_chat_demo_keeps_a_transcript_with_progress(qtbot, demo):
    mode = demo
    rel = mode.add(
        "Chat",
        "a",
        "prompt",
        {"prompt": "Hi", "seconds": 1.2},
        layout=CHAT,
        examples=[{"prompt": "What can you do?"}],
    )
    mode.recipe_list.select(rel)
    mode.recipe_list.open_current()
    chat = mode.chat
    assert mode.card.is_chat() and chat.isVisibleTo(mode)
    qtbot.waitUntil(lambda: bool(mode.card.example_buttons), timeout=5000)
    mode.card.example_buttons[0].click()
    assert chat.input.text() == "What can you do?"
    statuses: list[str] = []

    def answered() -> bool:
        if len(chat.bubbles) == 2 and chat.bubbles[1].status.text():
            statuses.append(chat.bubbles[1].status.text())
        return len(chat.bubbles) == 2 and not chat.is_busy()

    qtbot.keyClick(chat.input, Qt.Key.Key_Return)  # Enter sends
    assert [b.who.text() for b in chat.bubbles] == ["You", "Assistant"]
    qtbot.waitUntil(answered, timeout=10000)
    assert any("Reading your question" in s or "Looking for an answer" in s for s in statuses)
    answer = chat.bubbles[1]
    stack = answer.stack
    assert stack is not None
    qtbot.waitUntil(lambda: all(part.layout().count() for part in stack.parts), timeout=5000)
    assert "What can you do?" in widget_texts(answer)
    assert offenders(mode) == []  # every control named and reachable by keyboard
    chat.input.setText("And then?")
    chat.send()
    assert len(chat.bubbles) == 4  # the transcript keeps the first turn
    qtbot.waitUntil(lambda: not chat.is_busy(), timeout=10000)


def _grows(mode: PresentationMode) -> list[QWidget]:
    kinds = (QLabel, QLineEdit, QAbstractButton, QAbstractSpinBox, QComboBox, QPlainTextEdit)
    return [
        w
        for w in mode.findChildren(QWidget)
        if isinstance(w, kinds) and w.isVisibleTo(mode) and w.window() is mode
    ]


@pytest.mark.parametrize("themed", [False, True], ids=["plain", "app-theme"])
def test_every_label_input_and_button_grows_with_a_plus(qtbot, demo, request, themed):
    if themed:  # the window's style sheet must not stop the fonts from reaching the card
        request.getfixturevalue("app_theme")
    mode = demo
    rel = mode.add(
        "Job", "job", "start", {"seconds": 1, "steps": 2, "fail": False}, examples=[{"steps": 3}]
    )
    open_demo(qtbot, mode, rel, "fail")
    before = {id(w): (w.font().pointSizeF(), w.sizeHint().height()) for w in _grows(mode)}
    assert len(before) > 10
    mode.enlarge_button.click()
    for widget in _grows(mode):
        if id(widget) not in before:
            continue
        points, height = before[id(widget)]
        name = widget.accessibleName() or type(widget).__name__
        assert widget.font().pointSizeF() > points, name
        assert widget.sizeHint().height() > height or not widget.sizeHint().isValid(), name


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_card_fits_and_fills_the_screen(qtbot, demo, size):
    mode = demo
    rel = mode.add("Job", "job", "start", {"seconds": 0.3, "steps": 1}, examples=[{"seconds": 1}])
    open_demo(qtbot, mode, rel, "steps")
    mode.resize(*size)
    qtbot.waitUntil(lambda: mode.size().width() == size[0], timeout=2000)
    hint = mode.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1]
    with qtbot.waitSignal(mode._runner.finished, timeout=5000):
        mode.run()
    qtbot.waitUntil(lambda: mode.progress.state_label.text() == "Done", timeout=10000)
    qtbot.wait(50)  # let the layout settle after the answer arrived
    page, card = mode.page, mode.card
    assert page.verticalScrollBar().maximum() == 0  # nothing below the fold
    assert card.side_by_side()  # the answer beside the inputs: the width is used
    assert card.width() >= 0.6 * size[0]  # a card, not a page of empty white
    left = card.mapTo(mode, card.rect().topLeft()).x()
    right = size[0] - left - card.width()
    assert abs(left - right) <= 40  # centred
    for widget in (mode.run_button, mode.progress.state_label):
        corner = widget.mapTo(mode, widget.rect().bottomRight())
        assert corner.y() <= size[1] and corner.x() <= size[0]


def test_demo_and_present_both_open_demo_mode():
    from shipexplorer.app import parse_args

    assert parse_args(["--demo"]).present and parse_args(["--present"]).present
    assert not parse_args([]).present
