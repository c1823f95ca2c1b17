"""A demo as a card: title, one line of description, example inputs, the inputs, Run, the answer.

The card sits centred on the page with a sensible greatest width (it grows with the type size, up
to the page's width), so a wide screen shows a card, not a page of empty white. Example buttons
fill the form (or, in a chat, the input line) with a recipe's stored example; a chat demo shows a
:class:`~.chat_view.ChatView` in place of the form, Run and the answer. The card only lays out and
fills; running is the :class:`~.presentation_mode.PresentationMode`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.ui.presentation.answer_area import AnswerArea
from shipexplorer.ui.presentation.chat_view import ChatView
from shipexplorer.ui.presentation.demo_form import DemoForm, example_text
from shipexplorer.ui.style import colors, sheets
from shipexplorer.ui.style.metrics import space

if TYPE_CHECKING:
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.task_tracker import TaskTracker

#: the card's greatest width, in average characters of the body type
CARD_CHARS = 150
#: from this width (in average characters) the answer stands beside the inputs, not under them
SIDE_BY_SIDE_CHARS = 100
EXAMPLES_PER_ROW = 3
MAX_EXAMPLE_CHARS = 36


def example_caption(example: dict[str, Any], names: list[str]) -> str:
    """A short caption for an example button: the values of the fields shown, in words."""
    shown = [example[name] for name in names if name in example] or list(example.values())
    text = " · ".join(example_text(value) for value in shown if not isinstance(value, (list, dict)))
    text = " ".join(text.split()) or "Example"
    return text if len(text) <= MAX_EXAMPLE_CHARS else text[: MAX_EXAMPLE_CHARS - 1] + "…"


class DemoCard(QFrame):
    """See the module docstring.

    Signals:
        exampleChosen(object): the presenter clicked an example (its dict).
    """

    exampleChosen = Signal(object)

    def __init__(
        self,
        tracker: TaskTracker | None,
        queries: DocumentQueries | None,
        fetcher: BlockFetcher | None,
        settings: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Demo card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title_label = QLabel(self)
        self.title_label.setAccessibleName("Title")
        sheets.font_step(self.title_label, "headline")
        self.title_label.setWordWrap(True)
        self.description_label = QLabel(self)
        self.description_label.setAccessibleName("Description")
        self.description_label.setWordWrap(True)
        self.examples_label = QLabel("Try an example:", self)
        self.examples_label.setAccessibleName("Examples heading")
        self.examples_box = QGridLayout()
        self.examples_box.setSpacing(space(2))
        self.example_buttons: list[QPushButton] = []

        self.form = DemoForm(self)
        self.inputs_note = QLabel(self)
        self.inputs_note.setWordWrap(True)
        self.inputs_note.setAccessibleName("About the inputs")
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("Inputs")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_button = QPushButton("&Run", self)
        self.run_button.setAccessibleName("Run")
        self.run_button.setToolTip("Run it (Enter)")
        self.run_button.setDefault(True)
        self.run_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.next_button = QPushButton("&Next demo", self)
        self.next_button.setAccessibleName("Next demo")
        self.next_button.setToolTip("Open the next demo (Ctrl+Right)")
        self.answer_area = AnswerArea(tracker, queries, self, fetcher=fetcher, settings=settings)
        self.chat = ChatView(tracker, fetcher, self)

        inputs = self.inputs = QWidget(self)
        box = QVBoxLayout(inputs)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.form, self.inputs_note, self.summary_label):
            box.addWidget(widget)
        scroll = self.inputs_scroll = QScrollArea(self)
        scroll.setWidget(inputs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setBackgroundRole(QPalette.ColorRole.Base)
        inputs.setBackgroundRole(QPalette.ColorRole.Base)
        run_row = QHBoxLayout()
        run_row.setSpacing(space(3))
        run_row.addWidget(self.run_button, 3)
        run_row.addWidget(self.next_button, 1)
        form_page = QWidget(self)
        left = QVBoxLayout()
        left.setSpacing(space(4))
        left.addWidget(scroll)
        left.addLayout(run_row)
        left.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, form_page)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.setSpacing(space(8))
        self.columns.addLayout(left, 2)
        self.answer_box = QFrame(self)
        self.answer_box.setAccessibleName("Answer box")
        self.answer_box.setAutoFillBackground(True)
        self.answer_box.setBackgroundRole(QPalette.ColorRole.Window)  # not the card's Base
        tint = QPalette(self.answer_box.palette())
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            tint.setColor(role, colors.semantic_fill(colors.NEUTRAL))
        self.answer_box.setPalette(tint)
        self.answer_caption = QLabel("Answer", self.answer_box)
        self.answer_caption.setAccessibleName("Answer heading")
        sheets.font_step(self.answer_caption, "title")
        box_layout = QVBoxLayout(self.answer_box)
        box_layout.setContentsMargins(space(4), space(3), space(4), space(3))
        box_layout.setSpacing(space(2))
        box_layout.addWidget(self.answer_caption)
        box_layout.addWidget(self.answer_area, 1)
        self.answer_area.setParent(self.answer_box)
        self.columns.addWidget(self.answer_box, 3)
        self.body = QStackedWidget(self)
        self.body.addWidget(form_page)
        self.body.addWidget(self.chat)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(space(8), space(6), space(8), space(6))
        layout.setSpacing(space(3))
        layout.addWidget(self.title_label)
        layout.addWidget(self.description_label)
        layout.addSpacing(space(1))
        layout.addWidget(self.examples_label)
        layout.addLayout(self.examples_box)
        layout.addSpacing(space(2))
        layout.addWidget(self.body, 1)

    # -- what it shows ---------------------------------------------------------------------------

    def set_chat(self, chat: bool) -> None:
        self.body.setCurrentWidget(self.chat if chat else self.body.widget(0))

    def is_chat(self) -> bool:
        return self.body.currentWidget() is self.chat

    def side_by_side(self) -> bool:
        """Whether the answer stands beside the inputs (a wide card) rather than under them."""
        return self.columns.direction() == QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = self.width() >= self.fontMetrics().averageCharWidth() * SIDE_BY_SIDE_CHARS
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def set_examples(
        self, examples: list[dict[str, Any]], names: list[str], captions: tuple[str, ...] = ()
    ) -> None:
        """One button per example, captioned with its name in ``captions`` or else with the
        values of the fields ``names``."""
        for button in self.example_buttons:
            self.examples_box.removeWidget(button)
            button.deleteLater()
        self.example_buttons = []
        for index, example in enumerate(examples):
            given = captions[index] if index < len(captions) else ""
            caption = given or example_caption(example, names)
            button = QPushButton(caption, self)
            button.setAccessibleName(f"Example {index + 1}: {caption}")
            button.setToolTip("Fill in this example")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, e=example: self.exampleChosen.emit(e))
            row, column = divmod(index, EXAMPLES_PER_ROW)
            self.examples_box.addWidget(button, row, column)
            self.example_buttons.append(button)
        self.examples_label.setVisible(bool(examples))

    def apply_fonts(self, body: QFont, title: QFont, headline: QFont) -> None:
        """Type for every part (a presenter's A+ and A-), and the card's width for it."""
        self.setFont(body)
        self.title_label.setFont(title)
        self.answer_caption.setFont(headline)
        self.answer_area.set_fonts(body, headline)
        self.chat.set_fonts(body, QFont(headline))
        height = QFontMetrics(body).height()
        self.run_button.setMinimumHeight(round(height * 2.2))
        self.next_button.setMinimumHeight(self.run_button.minimumHeight())
        for button in self.example_buttons:
            button.setMinimumHeight(round(height * 1.6))
        self.setMaximumWidth(QFontMetrics(body).averageCharWidth() * CARD_CHARS + space(16))
