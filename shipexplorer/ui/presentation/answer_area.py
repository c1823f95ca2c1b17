"""The answer part of a demo card: what a run got back, rendered for people.

Text and Markdown as formatted text, an image scaled to fit, an agent's blocks one under the other
(:class:`~.block_stack.BlockStack`: text, pictures, a sound to play), other JSON as lists and tables
(:func:`~shipexplorer.core.demo_answers.readable`) with the JSON itself behind a "Show details"
toggle; a long task as a :class:`~.task_progress_view.TaskProgressView` and then its output; an
error as plain words with what to try (:class:`~shipexplorer.core.recipes.PlainError`, argument
names left out). The area owns the answer it shows and closes it when it is replaced or cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.demo_answers import readable
from shipexplorer.core.documents.answer import (
    ERROR,
    IMAGE,
    JSON,
    MARKDOWN,
    MAX_SHOWN_CHARS,
    TASK,
    TEXT,
    Answer,
    answer_from_value,
    format_size,
)
from shipexplorer.core.documents.blocks import find_blocks
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.recipes import PlainError, for_audience, plain_error
from shipexplorer.ui.presentation.block_stack import BlockStack
from shipexplorer.ui.presentation.task_progress_view import TaskProgressView
from shipexplorer.ui.response.json_tree_view import JsonTreeView
from shipexplorer.ui.style import colors, sheets
from shipexplorer.ui.style.metrics import TYPE_SCALE, space

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.task_tracker import TaskTracker

SHOW_DETAILS, HIDE_DETAILS = "Show &details", "Hide &details"
WAITING_WORDS = "The answer shows here. Press Run."


def output_answer(value: Any) -> Answer:
    """A task's output to show: objects and lists over the value itself (no JSON text is made,
    so a big output costs nothing here), anything else as the response viewer shows it."""
    if isinstance(value, (dict, list)):
        return Answer(JSON, "Result", document=PyDocument(value))
    if isinstance(value, str):
        text = value if len(value) <= MAX_SHOWN_CHARS else value[:MAX_SHOWN_CHARS] + " …"
        return Answer(TEXT, "Result", body_text=text)
    return answer_from_value(value, title="Result")


def _value_of(answer: Answer) -> Any:
    document = answer.document
    return document.value if isinstance(document, PyDocument) else None


class AnswerArea(QWidget):
    """Progress, the error in words, and the result (nothing, text, image, blocks)."""

    def __init__(
        self,
        tracker: TaskTracker | None,
        queries: DocumentQueries | None,
        parent: QWidget | None = None,
        *,
        fetcher: BlockFetcher | None = None,
        settings: Callable[[], ConnectionSettings | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._fetcher = fetcher
        self._settings = settings
        self._names: list[str] = []
        self._shown: Answer | None = None  # the answer on screen (ours to close)
        self._output: Answer | None = None  # a task's output, presented
        self._image: QPixmap | None = None
        self.blocks: BlockStack | None = None
        self.progress = TaskProgressView(tracker, self)
        self.error_headline = self._label("What went wrong")
        self.error_details = self._label("Details")
        self.error_suggestion = self._label("What to do")
        self.text_view = QTextBrowser(self)
        self.text_view.setAccessibleName("Result")
        sheets.font_step(self.text_view, "title")  # the result a step larger than the inputs
        sheets.font_step(self.error_headline, "title")
        self.text_view.setOpenLinks(False)
        self.text_view.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.image_label = QLabel(self)
        self.image_label.setAccessibleName("Result image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.blocks_scroll = QScrollArea(self)
        self.blocks_scroll.setWidgetResizable(True)
        self.blocks_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.blocks_scroll.setAccessibleName("Answer parts")
        self.tree_view = JsonTreeView(self)
        self.tree_view.setAccessibleName("Result details")
        self.tree_view.tree_model.set_queries(queries)
        self.tree_view.tree_model.modelReset.connect(self._readable_tree)
        self.details_button = QPushButton(SHOW_DETAILS, self)
        self.details_button.setAccessibleName("Show details")
        self.details_button.setCheckable(True)
        self.details_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.details_button.toggled.connect(self._toggle_details)
        self.result_stack = QStackedWidget(self)
        self.waiting_label = QLabel(WAITING_WORDS, self)
        self.waiting_label.setAccessibleName("Answer")
        self.waiting_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting_label.setWordWrap(True)
        sheets.muted(self.waiting_label)
        for widget in (self.waiting_label, self.text_view, self.image_label, self.blocks_scroll):
            self.result_stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(space(2))
        for widget in (self.progress, self.error_headline, self.error_details):
            layout.addWidget(widget)
        layout.addWidget(self.error_suggestion)
        layout.addWidget(self.result_stack, 3)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.tree_view, 2)
        self.progress.ended.connect(self._task_ended)
        sheets.tone(self.error_headline, colors.DANGER)  # its own sheet, in the theme's colours
        self.clear()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setAccessibleName(name)
        label.setWordWrap(True)
        return label

    def set_fonts(self, font: QFont, headline: QFont) -> None:
        """The result's type, a step larger than the rest (its document keeps a font of its
        own), and the headlines'."""
        answer = QFont(font)
        answer.setPointSizeF(font.pointSizeF() * TYPE_SCALE["title"])
        self.text_view.setFont(answer)
        self.text_view.document().setDefaultFont(answer)
        self.error_headline.setFont(headline)
        self.progress.set_fonts(font, headline)

    def set_argument_names(self, names: list[str]) -> None:
        """The open method's arguments: never named in what a failure says."""
        self._names = list(names)
        self.progress.set_argument_names(names)

    def current_answer(self) -> Answer | None:
        return self._output or self._shown

    # -- showing --------------------------------------------------------------------------------

    def working(self) -> None:
        """A request is in flight: the progress view ticks, the "answer shows here" line goes."""
        self.waiting_label.clear()
        self.progress.show_working()
        self.progress.show()

    def show_answer(self, answer: Answer) -> None:
        """Show an answer (this area owns it from now on and closes it when it is replaced)."""
        self.clear()
        self.waiting_label.clear()
        self._shown = answer
        if answer.kind == ERROR:
            error = plain_error(answer.error_title, answer.body_text)
            advice = for_audience(error.suggestion, self._names)
            self.show_error(PlainError(error.headline, for_audience(error.message, []), advice))
        elif answer.kind == TASK:
            self._follow_task(answer)
        else:
            self._show_content(answer, self._settings)

    def _follow_task(self, answer: Answer) -> None:
        summary = answer.task
        self.progress.show()
        if self._tracker is None or summary is None or not summary.task_id:
            self.progress.clear()
            self.progress.state_label.setText("Working… (follow it in the Tasks panel)")
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
        tracker = self._tracker
        self._output = output_answer(task.output)
        self._show_content(self._output, lambda: tracker.settings_for(task_id))

    def _show_content(self, p: Answer, settings: Callable[[], Any]) -> None:
        kind = p.kind
        value = _value_of(p)
        found = find_blocks(value) if value is not None else None
        if found:
            self._show_blocks(found, settings)
            self._offer_details(p)
        elif kind == IMAGE and p.decoded_image is not None:
            self._image = QPixmap.fromImage(p.decoded_image)
            self.result_stack.setCurrentWidget(self.image_label)
            self.fit_image()
        elif kind in (JSON, TASK) and p.document is not None:
            if value is not None:
                self.text_view.setMarkdown(readable(value))
                self.result_stack.setCurrentWidget(self.text_view)
            self._offer_details(p, show=value is None)
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

    def _show_blocks(self, found: Any, settings: Callable[[], Any]) -> None:
        self.blocks = BlockStack(self._fetcher, settings, self.blocks_scroll)
        holder = QWidget(self.blocks_scroll)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.blocks)
        box.addStretch(1)
        self.blocks_scroll.setWidget(holder)
        self.blocks.show_blocks(found)
        self.result_stack.setCurrentWidget(self.blocks_scroll)

    def _offer_details(self, p: Answer, *, show: bool = False) -> None:
        """The JSON itself, as a tree, behind the "Show details" toggle."""
        self.tree_view.tree_model.set_document(p.document)
        self.tree_view.expandToDepth(0)
        self.details_button.show()
        self.details_button.setChecked(show)
        self._toggle_details(show)

    @Slot(bool)
    def _toggle_details(self, on: bool) -> None:
        self.details_button.setText(HIDE_DETAILS if on else SHOW_DETAILS)
        self.tree_view.setVisible(on)

    def _show_words(self, text: str) -> None:
        self.text_view.setPlainText(text)
        self.result_stack.setCurrentWidget(self.text_view)

    def show_error(self, error: PlainError) -> None:
        """An error in plain words: the headline, what happened and what to do."""
        self.waiting_label.clear()
        self.error_headline.setText(error.headline)
        self.error_details.setText(error.message)
        self.error_suggestion.setText(f"What to do: {error.suggestion}" if error.suggestion else "")
        self.error_headline.show()
        self.error_details.setVisible(bool(error.message))
        self.error_suggestion.setVisible(bool(error.suggestion))

    def clear(self) -> None:
        """Show nothing (the answers held are closed)."""
        for held in (self._shown, self._output):
            if held is not None:
                held.close()
        self._shown = self._output = self._image = None
        self.tree_view.tree_model.set_document(None)
        self.text_view.clear()
        self.image_label.clear()
        old = self.blocks_scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.blocks = None
        self.result_stack.setCurrentIndex(0)
        self.waiting_label.setText(WAITING_WORDS)
        self.progress.clear()
        for widget in (self.progress, self.error_headline, self.error_details):
            widget.hide()
        self.error_suggestion.hide()
        self.details_button.setChecked(False)
        self.details_button.hide()
        self.tree_view.hide()

    @Slot()
    def _readable_tree(self) -> None:
        """Keys and values only: types and sizes are for developers."""
        for column in range(2, self.tree_view.tree_model.columnCount()):
            self.tree_view.setColumnHidden(column, True)

    def fit_image(self) -> None:
        """Scale the image shown (if any) to the label's size, keeping its aspect."""
        if self._image is None or self._image.isNull():
            return
        size = self.image_label.size()
        self.image_label.setPixmap(
            self._image.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
