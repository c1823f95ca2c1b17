"""The answer part of presentation mode: what a run got back, rendered for an audience.

Text and markdown in a browser, images scaled to fit, JSON as a tree (keys and values only), a
long task as a :class:`~.task_progress_view.TaskProgressView` and then its output, an error as
plain words with what to do (:class:`~shipexplorer.core.recipes.PlainError`). The area owns the
answer it shows and closes it when it is replaced or cleared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

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
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.recipes import PlainError, plain_error
from shipexplorer.ui.presentation.task_progress_view import TaskProgressView
from shipexplorer.ui.response.json_tree_view import JsonTreeView

if TYPE_CHECKING:
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.task_tracker import TaskTracker


def output_answer(value: Any) -> Answer:
    """A task's output to show: objects and lists as a tree over the value itself (no JSON text is
    made, so a big output costs nothing here), anything else as the response viewer shows it."""
    if isinstance(value, (dict, list)):
        return Answer(JSON, "Result", document=PyDocument(value))
    if isinstance(value, str):
        text = value if len(value) <= MAX_SHOWN_CHARS else value[:MAX_SHOWN_CHARS] + " …"
        return Answer(TEXT, "Result", body_text=text)
    return answer_from_value(value, title="Result")


class AnswerArea(QWidget):
    """Progress, the error in words, and the result (one of: nothing, text, image, tree)."""

    def __init__(
        self,
        tracker: TaskTracker | None,
        queries: DocumentQueries | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._shown: Answer | None = None  # the answer on screen (ours to close)
        self._output: Answer | None = None  # a task's output, presented
        self._image: QPixmap | None = None
        self.progress = TaskProgressView(tracker, self)
        self.error_headline = self._label("What went wrong")
        self.error_details = self._label("Details")
        self.error_suggestion = self._label("What to do")
        self.text_view = QTextBrowser(self)
        self.text_view.setAccessibleName("Result")
        self.text_view.setOpenLinks(False)
        self.image_label = QLabel(self)
        self.image_label.setAccessibleName("Result image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.tree_view = JsonTreeView(self)
        self.tree_view.setAccessibleName("Result")
        self.tree_view.tree_model.set_queries(queries)
        self.tree_view.tree_model.modelReset.connect(self._readable_tree)
        self.result_stack = QStackedWidget(self)
        for widget in (QWidget(self), self.text_view, self.image_label, self.tree_view):
            self.result_stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.progress, self.error_headline, self.error_details):
            layout.addWidget(widget)
        layout.addWidget(self.error_suggestion)
        layout.addWidget(self.result_stack, 1)
        self.progress.ended.connect(self._task_ended)
        self.clear()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setAccessibleName(name)
        label.setWordWrap(True)
        return label

    def set_fonts(self, font: QFont, headline: QFont) -> None:
        """The result's type (its document keeps a font of its own) and the error headline's."""
        self.text_view.setFont(font)
        self.text_view.document().setDefaultFont(font)
        self.error_headline.setFont(headline)

    def current_answer(self) -> Answer | None:
        return self._output or self._shown

    # -- showing --------------------------------------------------------------------------------

    def show_answer(self, answer: Answer) -> None:
        """Show an answer (this area owns it from now on and closes it when it is replaced)."""
        self.clear()
        self._shown = answer
        if answer.kind == ERROR:
            self.show_error(plain_error(answer.error_title, answer.body_text))
        elif answer.kind == TASK:
            self._follow_task(answer)
        else:
            self._show_content(answer)

    def _follow_task(self, answer: Answer) -> None:
        summary = answer.task
        self.progress.show()
        if self._tracker is None or summary is None or not summary.task_id:
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

    def _show_content(self, p: Answer) -> None:
        kind = p.kind
        if kind == IMAGE and p.decoded_image is not None:
            self._image = QPixmap.fromImage(p.decoded_image)
            self.result_stack.setCurrentWidget(self.image_label)
            self.fit_image()
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

    def show_error(self, error: PlainError) -> None:
        """An error in plain words: the headline, what happened and what to do."""
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
        self.result_stack.setCurrentIndex(0)
        self.progress.clear()
        for widget in (self.progress, self.error_headline, self.error_details):
            widget.hide()
        self.error_suggestion.hide()

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
