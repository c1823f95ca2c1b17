"""A long task as an audience sees it: its state in words, a bar, its messages and the time taken.

:class:`TaskProgressView` follows one task of the :class:`~shipexplorer.services.task_tracker.
TaskTracker` by id (the id itself is never shown), or a plain request in flight
(:meth:`show_working`). States read "Waiting to start", "Working…", "Done", "Something went wrong";
the bar is busy until a message such as "step 2 of 5" or "40%" says how far along it is; the
elapsed time ticks once a second until the task ends. The end state shows in colour and words
(the design system's success and danger colours: the bar never stays full and blue after a
failure). A failed task says what happened and what the presenter can try in plain words, never
an argument name (:func:`~shipexplorer.core.recipes.plain_failure`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.recipes import plain_failure, strip_technical
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.style import colors, sheets

WAITING, WORKING, DONE, FAILED = (
    "Waiting to start",
    "Working…",
    "Done",
    "It did not finish",
)
LOST = "The service no longer knows this job"
NOT_FOLLOWED = "No longer followed (it may still be working)"
RECONNECTING = "Reconnecting to the service…"
_STEP = re.compile(r"\b(\d+)\s*(?:of|/)\s*(\d+)\b")
_NOTED_STEP = re.compile(r"\s*\(step (\d+) of (\d+)\)\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s*%")


def state_words(task: TrackedTask | None) -> str:
    """A tracked task's state as the audience reads it."""
    if task is None:
        return WAITING
    state, watch = task.state, task.watch
    if watch == "unknown":
        return LOST
    if state == "succeeded":
        return DONE
    if state == "failed":
        return FAILED
    if watch == "stopped":
        return NOT_FOLLOWED
    if watch == "reconnecting":
        return RECONNECTING
    if state == "running":
        return WORKING
    return WAITING


def fraction_done(messages: list[str]) -> float | None:
    """How far along the last message says the task is (0..1), or None when it does not say."""
    for text in reversed(messages):
        step = _STEP.search(text)
        if step and int(step.group(2)) > 0:
            return min(1.0, int(step.group(1)) / int(step.group(2)))
        percent = _PERCENT.search(text)
        if percent:
            return min(1.0, float(percent.group(1)) / 100)
    return None


def progress_words(message: str) -> str:
    """A task's progress message as the audience reads it: "Reading your question… (1 of 3)"."""
    text = " ".join((message or "").split())
    match = _NOTED_STEP.search(text)
    if match is None:
        return text[:1].upper() + text[1:]
    head = text[: match.start()].rstrip(" .…")
    count = f"({match.group(1)} of {match.group(2)})"
    return f"{head[:1].upper()}{head[1:]}… {count}" if head else f"Working… {count}"


def elapsed_clock(seconds: float) -> str:
    """``"0:07"``, ``"12:03"``, ``"1:02:03"``."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TaskProgressView(QWidget):
    """The friendly progress of one task (or of a request in flight).

    Signals:
        ended(str): the followed task ended: "succeeded", "failed" or "unknown".
    """

    ended = Signal(str)

    def __init__(
        self,
        tracker: TaskTracker | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._clock = clock
        self._task_id: str | None = None
        self._started: float | None = None  # a request in flight (no task)
        self._ended = False
        self._names: list[str] = []
        self.setAccessibleName("Progress")
        self.state_label = QLabel(WAITING, self)
        self.state_label.setAccessibleName("State")
        sheets.font_step(self.state_label, "title")
        bold = self.state_label.font()
        bold.setWeight(QFont.Weight.Bold)
        self.state_label.setFont(bold)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Progress bar")
        self.bar.setTextVisible(False)
        self.elapsed_label = QLabel("", self)
        self.elapsed_label.setAccessibleName("Time taken")
        self.failure_label = QLabel("", self)
        self.failure_label.setWordWrap(True)
        self.failure_label.setAccessibleName("What went wrong")
        self.suggestion_label = QLabel("", self)
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setAccessibleName("What to do")
        self.messages = QListWidget(self)
        self.messages.setAccessibleName("Progress messages")
        self.messages.setAccessibleDescription("What the job reported, oldest first")
        self.messages.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()  # the state and the time on one line
        heading.addWidget(self.state_label)
        heading.addStretch(1)
        heading.addWidget(self.elapsed_label)
        layout.addLayout(heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.failure_label)
        layout.addWidget(self.suggestion_label)
        layout.addWidget(self.messages, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        if tracker is not None:
            for signal in (tracker.taskAdded, tracker.taskChanged, tracker.taskEnded):
                signal.connect(self._on_task)
        self._fit_messages()
        self.clear()

    # -- what is followed ---------------------------------------------------------------------

    def task_id(self) -> str | None:
        return self._task_id

    def set_argument_names(self, names: list[str]) -> None:
        """The method's arguments: a failure's words never name one."""
        self._names = list(names)

    def set_fonts(self, body: QFont, headline: QFont) -> None:
        """The state in ``headline`` type, the rest in ``body`` (a presenter's A+ and A-)."""
        self.state_label.setFont(headline)
        for widget in (self.elapsed_label, self.failure_label, self.suggestion_label):
            widget.setFont(body)
        self.messages.setFont(body)
        self.bar.setMinimumHeight(max(8, body.pointSize()))

    def _tone(self, role: str | None) -> None:
        """Colour the state and the bar after ``role`` (None: the palette's own)."""
        for widget, colour_role in (
            (self.state_label, QPalette.ColorRole.WindowText),
            (self.bar, QPalette.ColorRole.Highlight),
        ):
            palette = QPalette(self.palette())
            if role is not None:
                palette.setColor(colour_role, colors.semantic(role))
            widget.setPalette(palette)

    def clear(self) -> None:
        """Follow nothing."""
        self._task_id, self._started, self._ended = None, None, False
        self._timer.stop()
        self.messages.clear()
        self.messages.hide()
        self._set_failure("", "")
        self.state_label.setText(WAITING)
        self.elapsed_label.setText("")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self._tone(None)

    def show_working(self) -> None:
        """A request in flight: "Working…", a busy bar and the time ticking."""
        self.clear()
        self._started = self._clock()
        self.state_label.setText(WORKING)
        self.bar.setRange(0, 0)
        self._tone(colors.RUNNING)
        self._tick()
        self._timer.start()

    def follow(self, task_id: str, initial_state: str | None = None) -> None:
        """Follow the tracker's task ``task_id`` (it may arrive there a little later)."""
        self.clear()
        self._task_id = task_id
        self._started = self._clock()
        self.state_label.setText(WORKING if initial_state == "running" else WAITING)
        self.bar.setRange(0, 0)
        self._tone(colors.RUNNING)
        self._timer.start()
        self._refresh()

    def is_running(self) -> bool:
        return self._timer.isActive()

    # -- updates ------------------------------------------------------------------------------

    @Slot(str)
    def _on_task(self, task_id: str) -> None:
        if task_id and task_id == self._task_id:
            self._refresh()

    def _task(self) -> TrackedTask | None:
        if self._tracker is None or self._task_id is None:
            return None
        return self._tracker.task(self._task_id)

    def _refresh(self) -> None:
        task = self._task()
        if task is None:
            self._tick()
            return
        words = state_words(task)
        self.state_label.setText(words)
        texts = [progress_words(strip_technical(text)) for _, text in task.messages]
        failure = strip_technical(task.status_message or "")
        texts = [text for text in texts if text and not (words == FAILED and text == failure)]
        if texts != [self.messages.item(i).text() for i in range(self.messages.count())]:
            self.messages.clear()
            self.messages.addItems(texts)
            self.messages.scrollToBottom()
        finished = words in (DONE, FAILED, LOST)
        if finished:
            self.bar.setRange(0, 100)
            reached = fraction_done(texts)
            value = round((reached or 0) * 100)
            self.bar.setValue(100 if words == DONE else min(value, 99))
            self._tone(colors.SUCCESS if words == DONE else colors.DANGER)
        else:
            fraction = fraction_done(texts) if words == WORKING else None
            if fraction is None:
                self.bar.setRange(0, 0)
            else:
                self.bar.setRange(0, 100)
                self.bar.setValue(round(fraction * 100))
        if words == FAILED:
            plain = plain_failure(failure, task.status_suggestion or "", self._names)
            self._set_failure(plain.message or plain.headline, plain.suggestion)
        elif words == LOST:
            self._set_failure("", "It may have ended long ago. Run it again to start afresh.")
        self._tick()
        # once it succeeded the answer needs the room: what it said while working goes
        self.messages.setVisible(bool(texts) and words != DONE)
        if finished and not self._ended:
            self._ended = True
            self._timer.stop()
            state = "unknown" if words == LOST else str(task.state)
            self.ended.emit(state)

    def finish_working(self) -> None:
        """The request in flight answered: stop the clock (the owner shows the answer)."""
        if self._task_id is None:
            self._timer.stop()
            self._tick()

    def _set_failure(self, message: str, suggestion: str) -> None:
        self.failure_label.setText(message)
        self.failure_label.setVisible(bool(message))
        self.suggestion_label.setText(f"What to do: {suggestion}" if suggestion else "")
        self.suggestion_label.setVisible(bool(suggestion))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_messages()

    def _fit_messages(self) -> None:
        """About four messages show; the list scrolls for more (the result needs the room)."""
        frame = self.messages.frameWidth() * 2 + 4
        self.messages.setMaximumHeight(self.messages.fontMetrics().lineSpacing() * 4 + frame)

    @Slot()
    def _tick(self) -> None:
        task = self._task()
        if task is not None:
            seconds = task.elapsed(self._clock())
        elif self._started is not None:
            seconds = self._clock() - self._started
        else:
            self.elapsed_label.setText("")
            return
        self.elapsed_label.setText(f"Time taken: {elapsed_clock(seconds)}")
