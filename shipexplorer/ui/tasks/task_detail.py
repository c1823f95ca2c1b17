"""The detail of one tracked task: its timeline bar, the server's timestamps, the progress
messages in order, a failure's message / suggestion / code, reconnecting trouble, and the output
in the same response viewer as answers.

The output is shown only when it is small (:data:`MAX_INLINE_OUTPUT` characters of JSON text,
measured with an encoder that stops at the limit): presenting it runs on the GUI thread, so a big
output gets a sentence instead, until presenting moves to a worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.answer import answer_from_value
from shipexplorer.core.task_text import format_duration, origin_text, time_of_day
from shipexplorer.ui.response.response_view import ResponseView
from shipexplorer.ui.style.metrics import code_font
from shipexplorer.ui.tasks.task_timeline_bar import TaskTimelineBar
from shipexplorer.ui.widgets.scroll_wrap import scrollable

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.document_queries import DocumentQueries


#: The largest output (characters of compact JSON) presented on the GUI thread: presenting and
#: showing 40 kB measured 13 ms here, near the 16 ms frame budget.
MAX_INLINE_OUTPUT = 32_000


def output_size(value: Any, limit: int = MAX_INLINE_OUTPUT) -> int:
    """About how many characters ``value`` takes as compact JSON; stops soon after ``limit``
    (a walk over at most ``limit // 2`` values, so a huge output costs what the limit costs)."""
    size = 0
    budget = limit // 2
    stack = [value]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            return limit + 1
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2 + 4 * len(item)
            if size <= limit:
                for key, val in item.items():
                    size += len(str(key))
                    stack.append(val)
        elif isinstance(item, (list, tuple)):
            size += 2 + len(item)
            if size <= limit:
                stack.extend(item)
        else:
            size += len(repr(item)) if isinstance(item, (int, float)) else 5
        if size > limit:
            return size
    return size


def _selectable(label: QLabel, name: str) -> QLabel:
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class TaskDetail(QWidget):
    """Shows one :class:`~shipexplorer.core.task_timeline.TrackedTask` (or none)."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._task: Any = None
        self._shown_output: tuple[str, int] | None = None  # (task id, id(output)) on screen
        self._answer: Any = None  # the output's Answer on screen
        self.setAccessibleName("Task detail")
        self.title_label = _selectable(QLabel("No task selected", self), "Selected task")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.origin_label = _selectable(QLabel(self), "Where the task came from")
        self.timeline_bar = TaskTimelineBar(self)
        self.times_label = _selectable(QLabel(self), "Server timestamps")
        self.watch_label = _selectable(QLabel(self), "Polling")
        self.trouble_label = _selectable(QLabel(self), "Connection trouble")
        self.failure_box = QGroupBox("Failure", self)
        self.failure_box.setAccessibleName("Failure")
        self.failure_message = _selectable(QLabel(self.failure_box), "Failure message")
        self.failure_suggestion = _selectable(QLabel(self.failure_box), "Failure suggestion")
        self.failure_code = _selectable(QLabel(self.failure_box), "Failure code")
        form = QFormLayout(self.failure_box)
        form.addRow("Message:", self.failure_message)
        form.addRow("Suggestion:", self.failure_suggestion)
        form.addRow("Code:", self.failure_code)
        self.messages_view = QPlainTextEdit(self)
        self.messages_view.setReadOnly(True)
        self.messages_view.setAccessibleName("Progress messages")
        self.messages_view.setFont(code_font())
        # The output viewer is built when a task's output is first shown (about 0.6 MB of
        # widgets the dock need not hold while no task is shown): its tab holds a slot till then.
        self._output: ResponseView | None = None
        self._output_setup: list[Callable[[ResponseView], None]] = []
        self._output_slot = QWidget(self)
        slot_layout = QVBoxLayout(self._output_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.messages_view, "&Progress")
        self.tabs.addTab(self._output_slot, "O&utput")
        self.tabs.setAccessibleName("Task progress and output")
        # Everything scrolls in a short dock: long failure texts never force the window taller.
        content = QWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrollable(content, self))
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        for widget in (
            self.title_label,
            self.origin_label,
            self.timeline_bar,
            self.times_label,
            self.watch_label,
            self.trouble_label,
            self.failure_box,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.show_task(None)

    def task(self) -> Any:
        return self._task

    @Slot(object)
    def show_task(self, task: Any) -> None:
        """Show ``task`` (a TrackedTask) or, with None, that nothing is selected."""
        self._task = task
        if task is None:
            self._timer.stop()
            self._shown_output = None
            self.title_label.setText("No task selected")
            for label in (self.origin_label, self.times_label, self.watch_label):
                label.setText("")
            self.trouble_label.hide()
            self.failure_box.hide()
            self.timeline_bar.set_segments([])
            self.messages_view.setPlainText("")
            if self._output is not None:  # else nothing to clear: it is built for a task
                self._show_message("No task selected", "")
            self._close_answer(None)
            return
        self.refresh()

    def refresh(self) -> None:
        """Show the current task's latest news (call on the tracker's taskChanged)."""
        task = self._task
        if task is None:
            return
        now = self._clock()
        self.title_label.setText(f"Task {task.task_id}: {task.display_state}")
        self.origin_label.setText(self._origin(task))
        self.timeline_bar.set_segments(task.durations(now))
        self.times_label.setText(self._server_times(task))
        self.watch_label.setText(self._watching(task, now))
        self.trouble_label.setVisible(bool(task.last_error) and not task.finished)
        if task.last_error and task.watch == "reconnecting":
            self.trouble_label.setText(
                f"Reconnecting after: {task.last_error} ({task.retries} retries so far)"
            )
        elif task.last_error:
            self.trouble_label.setText(f"Not polled: {task.last_error}")
        failed = task.state == "failed"
        self.failure_box.setVisible(failed)
        if failed:
            self.failure_message.setText(task.status_message or "(the server gave no message)")
            self.failure_suggestion.setText(task.status_suggestion or "(none)")
            self.failure_code.setText(task.status_code or "(none)")
        text = "\n".join(f"{time_of_day(when)}  {message}" for when, message in task.messages)
        if text != self.messages_view.toPlainText():
            self.messages_view.setPlainText(text or "(no progress message yet)")
        self._show_output(task)
        if task.finished:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _tick(self) -> None:
        task = self._task
        if task is None or task.finished:
            self._timer.stop()
            return
        now = self._clock()
        self.timeline_bar.set_segments(task.durations(now))
        self.watch_label.setText(self._watching(task, now))

    def _show_output(self, task: Any) -> None:
        key = (task.task_id, id(task.output))
        if key == self._shown_output:
            return
        self._shown_output = key
        value = task.output
        if value is None:
            note = "The task failed without an output." if task.state == "failed" else ""
            status = "No output" if task.finished else "No output yet"
            self._show_message(status, note or "The output shows when the task ends.")
            return
        size = output_size(value)
        if size > MAX_INLINE_OUTPUT:
            self._show_message(
                "Output too big to show here",
                f"The output is over {MAX_INLINE_OUTPUT // 1000} kB of JSON, too much to lay out "
                "here without freezing the window. Copy the curl polling loop to fetch it.",
            )
            return
        shown = answer_from_value(value, title=f"Output of task {task.task_id}")
        self.output_view.show_answer(shown)
        self._close_answer(shown)

    @property
    def output_view(self) -> ResponseView:
        """The task's output viewer (built on this first use)."""
        if self._output is None:
            view = ResponseView(self._output_slot)
            view.setAccessibleName("Task output")
            for setup in self._output_setup:
                setup(view)
            self._output_slot.layout().addWidget(view)
            self._output = view
        return self._output

    def _set_up_output(self, setup: Callable[[ResponseView], None]) -> None:
        """Apply ``setup`` to the output viewer now if it is built, else when it is."""
        self._output_setup.append(setup)
        if self._output is not None:
            setup(self._output)

    def set_queries(self, queries: DocumentQueries) -> None:
        """The shared DocumentQueries the output viewer reads documents through."""
        self._set_up_output(lambda view: view.set_queries(queries))

    def set_blocks(
        self, fetcher: BlockFetcher, settings_for: Callable[[Any], ConnectionSettings | None]
    ) -> None:
        """Fetch the block contents of an output with ``fetcher``, through the connection
        ``settings_for(task)`` gives for the task shown."""
        self._set_up_output(
            lambda view: view.set_blocks(
                fetcher, lambda: settings_for(self._task) if self._task is not None else None
            )
        )

    def _show_message(self, status: str, text: str) -> None:
        self.output_view.show_message(status, text)
        self._close_answer(None)

    def _close_answer(self, new: Any) -> None:
        # The output view closes the answer it replaces; this only keeps track of it.
        self._answer = new

    @staticmethod
    def _origin(task: Any) -> str:
        origin = task.origin
        where = [f"from {origin_text(task)}"] if origin_text(task) else []
        if origin.workspace:
            where.append(f"in workspace {origin.workspace}")
        if origin.profile:
            where.append(f"(profile {origin.profile})")
        return "Started " + " ".join(where) if where else ""

    @staticmethod
    def _server_times(task: Any) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("created", task.created_on),
                ("started", task.started_at),
                ("last modified", task.last_modified_on),
            )
            if value
        ]
        return "Server: " + " · ".join(parts) if parts else "Server timestamps: none yet"

    @staticmethod
    def _watching(task: Any, now: float) -> str:
        elapsed = format_duration(task.elapsed(now))
        polls = f"{task.polls} poll{'s' if task.polls != 1 else ''}"
        retries = f", {task.retries} retries" if task.retries else ""
        if task.watch == "unknown":
            return (
                f"The server does not know this task ({polls}{retries}). Check the profile and "
                "workspace it belongs to, then resume watching."
            )
        if task.finished:
            return f"Ended after {elapsed} ({polls}{retries})"
        if task.watch == "stopped":
            return (
                f"Not watched here any more ({polls}{retries}); the task goes on in the server. "
                "Resume watching to follow it."
            )
        return f"Watching for {elapsed}: {polls}{retries}, next poll within {task.interval:g} s"
