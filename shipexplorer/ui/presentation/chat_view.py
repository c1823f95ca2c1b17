"""The chat layout of a demo: a transcript, an input line (Enter sends) and answers as they come.

For methods that take a prompt or a question and answer text (agent packages). Each question
shows as a "You" bubble; the answer's bubble says what the agent is doing while its task runs
(its progress messages, with the time taken), then shows the answer's blocks one by one as they
arrive (:class:`~.block_stack.BlockStack`), or the answer's text; a failure reads as plain words
with what to try, never an argument name. Colours come from the design system.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.demo_answers import readable
from shipexplorer.core.documents.answer import ERROR, TASK, Answer
from shipexplorer.core.documents.blocks import find_blocks
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.recipes import for_audience, plain_error, plain_failure
from shipexplorer.ui.presentation.block_stack import BlockStack, text_label
from shipexplorer.ui.presentation.task_progress_view import elapsed_clock, progress_words
from shipexplorer.ui.style import colors, sheets
from shipexplorer.ui.style.metrics import space

if TYPE_CHECKING:
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.task_tracker import TaskTracker

YOU, ASSISTANT = "You", "Assistant"
THINKING = "Thinking…"


class Bubble(QFrame):
    """One turn of the transcript: who speaks, then what they said (or what is happening)."""

    def __init__(self, who: str, role: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"{who} said")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)  # not the card's Base, inherited
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.Window, colors.semantic_fill(role))
        self.setPalette(palette)
        self.who = QLabel(who, self)
        self.who.setAccessibleName("Speaker")
        sheets.font_step(self.who, "title")
        self.status = QLabel(self)
        self.status.setAccessibleName("What is happening")
        self.status.setWordWrap(True)
        self.status.hide()
        self.body = QVBoxLayout()
        self.body.setSpacing(space(2))
        box = QVBoxLayout(self)
        box.setContentsMargins(space(4), space(3), space(4), space(3))
        box.setSpacing(space(1))
        box.addWidget(self.who)
        box.addWidget(self.status)
        box.addLayout(self.body)
        self.stack: BlockStack | None = None

    def say(self, text: str, *, markdown: bool = False) -> QLabel:
        label = text_label(self, text, markdown, "Message")
        self.body.addWidget(label)
        return label

    def set_status(self, text: str, role: str | None = None) -> None:
        palette = QPalette(self.palette())
        if role is not None:
            palette.setColor(QPalette.ColorRole.WindowText, colors.semantic(role))
        self.status.setPalette(palette)
        self.status.setText(text)
        self.status.setVisible(bool(text))


class ChatView(QWidget):
    """A transcript and an input line.

    Signals:
        sent(str): the presenter sent a question (Enter or "Send").
    """

    sent = Signal(str)

    def __init__(
        self,
        tracker: TaskTracker | None,
        fetcher: BlockFetcher | None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Chat")
        self._tracker = tracker
        self._fetcher = fetcher
        self._clock = clock
        self._names: list[str] = []
        self._pending: Bubble | None = None
        self._task_id: str | None = None
        self._started = 0.0
        self._settings: Callable[[], Any] = lambda: None
        self.bubbles: list[Bubble] = []
        self._fonts = (QFont(self.font()), QFont(self.font()))
        self.transcript = QScrollArea(self)
        self.transcript.setAccessibleName("Conversation")
        self.transcript.setWidgetResizable(True)
        self.transcript.setFrameShape(QFrame.Shape.NoFrame)
        column = QWidget(self.transcript)
        self._column = QVBoxLayout(column)
        self._column.setSpacing(space(3))
        self._column.addStretch(1)
        self.transcript.setWidget(column)
        self.empty_label = QLabel("Ask a question below, or pick an example.", column)
        self.empty_label.setAccessibleName("How to start")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._column.insertWidget(0, self.empty_label)
        self.input = QLineEdit(self)
        self.input.setAccessibleName("Your question")
        self.input.setPlaceholderText("Ask a question…")
        self.input.returnPressed.connect(self.send)
        self.send_button = QPushButton("&Send", self)
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Send the question (Enter)")
        self.send_button.clicked.connect(self.send)
        row = QHBoxLayout()
        row.setSpacing(space(2))
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(space(3))
        layout.addWidget(self.transcript, 1)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._refresh)
        if tracker is not None:
            for signal in (tracker.taskAdded, tracker.taskChanged, tracker.taskEnded):
                signal.connect(self._on_task)
        self.transcript.verticalScrollBar().rangeChanged.connect(self._to_bottom)

    # -- the presenter -----------------------------------------------------------------------------

    def set_argument_names(self, names: list[str]) -> None:
        self._names = list(names)

    def set_fonts(self, body: QFont, speaker: QFont) -> None:
        self._fonts = (QFont(body), QFont(speaker))
        self.setFont(body)
        for bubble in self.bubbles:
            bubble.who.setFont(speaker)
        self.send_button.setMinimumHeight(self.input.sizeHint().height())

    def is_busy(self) -> bool:
        return self._pending is not None

    @Slot()
    def send(self) -> None:
        text = self.input.text().strip()
        if not text or self.is_busy():
            return
        self.sent.emit(text)

    def clear(self) -> None:
        """An empty transcript (a new demo opened)."""
        self._end_pending()
        for bubble in self.bubbles:
            bubble.deleteLater()
        self.bubbles = []
        while self._column.count() > 2:  # the rows the bubbles stood in (keep hint and stretch)
            item = self._column.takeAt(1)
            if item is not None and item.layout() is not None:
                item.layout().deleteLater()
        self.empty_label.show()
        self.input.clear()

    def _bubble(self, who: str, role: str) -> Bubble:
        bubble = Bubble(who, role, self.transcript.widget())
        bubble.who.setFont(self._fonts[1])
        row = QHBoxLayout()  # the presenter's turns lean right, the answers left
        if who == YOU:
            row.addStretch(1)
        row.addWidget(bubble, 6)
        if who != YOU:
            row.addStretch(1)
        self._column.insertLayout(self._column.count() - 1, row)
        self.bubbles.append(bubble)
        self.empty_label.hide()
        return bubble

    def add_question(self, text: str) -> Bubble:
        """Show the presenter's question and a waiting answer under it."""
        question = self._bubble(YOU, colors.NEUTRAL)
        question.say(text)
        self.input.clear()
        self._pending = self._bubble(ASSISTANT, colors.INFO)
        self._pending.set_status(THINKING, colors.RUNNING)
        self._task_id, self._started = None, self._clock()
        self._timer.start()
        self.send_button.setEnabled(False)
        return self._pending

    def fail_to_send(self, message: str) -> None:
        """Nothing was sent (the inputs could not be made): say so in the waiting answer."""
        self._fail(message, "")

    # -- the answer --------------------------------------------------------------------------------

    def show_answer(self, answer: Answer, settings: Callable[[], Any]) -> None:
        """The request answered: a task to follow, blocks, text, or an error. Closes ``answer``."""
        if self._pending is None:
            answer.close()
            return
        try:
            if answer.kind == ERROR:
                error = plain_error(answer.error_title, answer.body_text)
                self._fail(error.headline, for_audience(error.suggestion, self._names))
            elif answer.kind == TASK and answer.task is not None and answer.task.task_id:
                self._task_id = answer.task.task_id
                self._refresh()
            else:
                document = answer.document
                value = document.value if isinstance(document, PyDocument) else None
                if value is None:
                    value = answer.body_text
                self._answered(value, settings)
        finally:
            answer.close()

    @Slot(str)
    def _on_task(self, task_id: str) -> None:
        if task_id and task_id == self._task_id:
            self._refresh()

    @Slot()
    def _refresh(self) -> None:
        bubble = self._pending
        if bubble is None:
            return
        tracked = self._tracker.task(self._task_id) if self._tracker and self._task_id else None
        seconds = elapsed_clock(self._clock() - self._started)
        if tracked is None:
            bubble.set_status(f"{THINKING}  {seconds}", colors.RUNNING)
            return
        if tracked.state == "succeeded":
            tracker, task_id = self._tracker, self._task_id
            self._answered(tracked.output, lambda: tracker.settings_for(task_id))
            return
        if tracked.state == "failed" or tracked.watch == "unknown":
            failure = plain_failure(
                tracked.status_message or "", tracked.status_suggestion or "", self._names
            )
            self._fail(failure.message or failure.headline, failure.suggestion)
            return
        said = [text for _, text in tracked.messages if text]
        words = (progress_words(said[-1]) if said else "") or THINKING
        bubble.set_status(f"{words}  {seconds}", colors.RUNNING)

    def _answered(self, value: Any, settings: Callable[[], Any]) -> None:
        bubble = self._pending
        if bubble is None:
            return
        self._end_pending()
        bubble.set_status("")
        found = find_blocks(value)
        if found:
            stack = BlockStack(self._fetcher, settings, bubble)
            bubble.body.addWidget(stack)
            bubble.stack = stack
            stack.shown.connect(self._later_bottom)
            stack.show_blocks(found)
        elif isinstance(value, str):
            bubble.say(value)
        else:
            bubble.say(readable(value), markdown=True)

    def _fail(self, message: str, suggestion: str) -> None:
        bubble = self._pending
        if bubble is None:
            return
        self._end_pending()
        bubble.set_status("That did not work.", colors.DANGER)
        bubble.say(" ".join(part for part in (message, suggestion) if part))

    def _end_pending(self) -> None:
        self._pending, self._task_id = None, None
        self._timer.stop()
        self.send_button.setEnabled(True)

    @Slot()
    def _later_bottom(self) -> None:
        QTimer.singleShot(
            0, lambda: self._to_bottom(0, self.transcript.verticalScrollBar().maximum())
        )

    @Slot(int, int)
    def _to_bottom(self, _low: int, high: int) -> None:
        self.transcript.verticalScrollBar().setValue(high)
