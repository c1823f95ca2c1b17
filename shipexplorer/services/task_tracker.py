"""The task tracker: every long-running task watched until it ends, and remembered across restarts.

Tasks arrive three ways: automatically (an exchange listener on the
:class:`~shipexplorer.services.client_provider.ClientProvider` sees every answer that is a task),
through :meth:`TaskTracker.track`, or pasted by id (:meth:`TaskTracker.add_by_id`). Each is polled
with ``task/status`` on the worker pool through the client of the profile and workspace it came
from; one QTimer and a :class:`~shipexplorer.core.poll_schedule.PollSchedule` decide when,
within global caps. The record of each task is a
:class:`~shipexplorer.core.task_timeline.TrackedTask`; the list is saved (never a key) to a
versioned JSON file written atomically on the pool, and resumed by :meth:`TaskTracker.start`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from shipexplorer.core.poll_schedule import PollSchedule
from shipexplorer.core.task_timeline import (
    ENDED,
    RECONNECTING,
    STOPPED,
    UNKNOWN,
    WATCHING,
    TaskOrigin,
    TrackedTask,
    load_tasks,
    save_tasks,
)
from shipexplorer.services import task_polling
from shipexplorer.services.task_polling import ConnectionResolver, PollOutcome, poll_task

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings, Exchange
    from shipexplorer.api.tasks import Task
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.workers import JobHandle, WorkerPool

SAVE_DELAY_MS = 2000
RESTORE_CHUNK = 100


class TaskTracker(QObject):
    """Watches tasks until they end; see the module docstring.

    Signals:
        taskAdded(str task_id), taskChanged(str task_id), taskRemoved(str task_id),
        taskEnded(str task_id): reached succeeded, failed or unknown to the server (once a task),
        problem(str message): the saved list could not be read or written (one sentence).
    """

    taskAdded = Signal(str)
    taskChanged = Signal(str)
    taskRemoved = Signal(str)
    taskEnded = Signal(str)
    problem = Signal(str)
    _seen = Signal(object)  # (PollOutcome, TaskOrigin, ConnectionSettings) from a worker

    def __init__(
        self,
        clients: ClientProvider,
        pool: WorkerPool,
        store_path: Path | None = None,
        *,
        min_interval: float = 0.5,
        max_interval: float = 5.0,
        max_concurrent: int = 4,
        max_polls_per_second: float = 20.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if store_path is None:
            from shipexplorer.services.paths import app_paths

            store_path = app_paths().data / "tasks.json"
        self.store_path = Path(store_path)
        self._clients = clients
        self._pool = pool
        self._schedule = PollSchedule(
            min_interval=min_interval,
            max_interval=max_interval,
            max_concurrent=max_concurrent,
            max_per_second=max_polls_per_second,
        )
        self._tasks: dict[str, TrackedTask] = {}
        self._settings: dict[str, ConnectionSettings] = {}  # in memory only: they hold the key
        self._jobs: dict[str, JobHandle] = {}
        self._awaiting_key: set[str] = set()
        self._ended: set[str] = set()
        self._pending_links: dict[str, int] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._loaded = False
        self._restoring: list[TrackedTask] | None = None
        self._read_only = False
        self._saving = False
        self._save_again = False
        self._unsaved = False
        self._write_lock = threading.Lock()  # a late save job never overwrites a newer save
        self._save_seq = 0
        self._written_seq = 0
        self._closed = False
        self._resolver = ConnectionResolver(clients, self)
        self._resolver.keyReady.connect(self._key_ready)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._save)
        self._seen.connect(self._on_seen, Qt.ConnectionType.QueuedConnection)
        clients.add_exchange_listener(self._listen)

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Load the saved tasks on the pool and resume watching the unfinished ones."""
        path = self.store_path
        self._pool.submit(
            lambda token, progress: load_tasks(path),
            on_result=self._restored,
            on_error=lambda exc: self._restored(([], f"Tracked tasks could not be read: {exc}")),
            on_cancelled=lambda: None,
        )

    def shutdown(self) -> None:
        """Stop polling and save now (on this thread: the pool is about to stop)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._save_timer.stop()
        for handle in list(self._jobs.values()):
            handle.cancel()
        self._jobs.clear()
        self._restore_some(everything=True)  # a restore still under way: finish it to save it
        if self._loaded and not self._read_only and self._unsaved:
            try:
                self._write(self._snapshot())
            except (OSError, ValueError) as exc:
                self.problem.emit(f"Tracked tasks could not be saved: {exc}")

    # -- reading ------------------------------------------------------------------------------
    def tasks(self) -> list[TrackedTask]:
        return list(self._tasks.values())

    def task(self, task_id: str) -> TrackedTask | None:
        return self._tasks.get(task_id)

    def settings_for(self, task_id: str) -> ConnectionSettings | None:
        """The connection a task is polled through (its profile and workspace), for a curl
        export. It may carry the key: hand it only to code that never shows it."""
        settings = self._settings.get(task_id)
        tracked = self._tasks.get(task_id)
        if settings is None and tracked is not None:
            settings = self._resolver.profile_settings(tracked.origin)
        return settings

    def counts(self) -> dict[str, int]:
        """How many tasks per display state."""
        return dict(Counter(task.display_state for task in self._tasks.values()))

    # -- adding -------------------------------------------------------------------------------
    def track(self, task: Task, origin: TaskOrigin) -> TrackedTask:
        """Watch ``task`` (an answer seen elsewhere); a task already tracked is updated."""
        return self._track(PollOutcome(task_polling.TASK, task, task.output_value()), origin)

    def _track(self, outcome: PollOutcome, origin: TaskOrigin) -> TrackedTask:
        task = outcome.task
        assert task is not None
        task_id = str(task.task_id)
        tracked = self._tasks.get(task_id)
        if tracked is not None:
            if not tracked.finished:
                self._apply(tracked, outcome, polled=False)
            return tracked
        tracked = TrackedTask(task_id, origin)
        if origin.request_id is None and task_id in self._pending_links:
            origin.request_id = self._pending_links.pop(task_id)
        _observe(tracked, outcome, time.time())
        tracked.last_change = time.time()
        self._add(tracked)
        if tracked.finished:
            self._end(tracked, ENDED, time.time())
        return tracked

    def add_by_id(self, task_id: str) -> TrackedTask:
        """Watch a task by its id (pasted), through the current profile and workspace."""
        task_id = task_id.strip()
        if not task_id:
            raise ValueError("A task id is needed.")
        tracked = self._tasks.get(task_id)
        if tracked is not None:
            return tracked
        settings = self._clients.settings()
        profile = self._clients.profile_name_for(settings) if settings is not None else None
        origin = TaskOrigin(
            profile=profile,
            workspace=settings.workspace_handle if settings is not None else None,
            source="pasted",
        )
        tracked = TrackedTask(task_id, origin)
        if settings is None or not settings.api_key:
            tracked.watch = STOPPED
            tracked.last_error = "No connection profile with an API key: add one, then resume."
        else:
            self._settings[task_id] = settings
        self._add(tracked, delay=0.0)
        return tracked

    @Slot(int, object)
    def link_request(self, request_id: int, answer: object) -> None:
        """Remember which request started a task (connect RequestRunner.finished here)."""
        summary = getattr(answer, "task", None)
        task_id = getattr(summary, "task_id", None)
        if not task_id:
            return
        tracked = self._tasks.get(task_id)
        if tracked is None:
            self._pending_links[task_id] = request_id
        elif tracked.origin.request_id is None:
            tracked.origin.request_id = request_id
            self.taskChanged.emit(task_id)

    # -- the user's commands ------------------------------------------------------------------
    def stop_watching(self, task_id: str) -> None:
        """Stop polling; the task goes on running on the server."""
        tracked = self._tasks.get(task_id)
        if tracked is None or tracked.finished or tracked.watch == STOPPED:
            return
        self._unschedule(task_id)
        tracked.watch = STOPPED
        tracked.last_error = None
        self._changed(tracked)

    def resume(self, task_id: str) -> None:
        """Watch again a stopped (or unknown, or reconnecting) task; polls at once."""
        tracked = self._tasks.get(task_id)
        if tracked is None or tracked.state in ("succeeded", "failed"):
            return
        if tracked.watch == UNKNOWN:
            self._ended.discard(task_id)
            tracked.ended_at = None
        tracked.watch = WATCHING
        tracked.last_error = None
        if tracked.origin.profile:  # the profile's key now (it may have changed since)
            self._settings.pop(task_id, None)
        self._resolver.forget_attempts()
        self._unschedule(task_id)
        self._schedule.add(task_id, time.monotonic(), delay=0.0)
        self._changed(tracked)
        self._arm()

    def poll_now(self, task_id: str) -> None:
        """Ask the server now (resumes a task that is not watched)."""
        tracked = self._tasks.get(task_id)
        if tracked is None:
            return
        if task_id in self._schedule:
            self._schedule.poll_now(task_id, time.monotonic())
            self._arm()
        elif not tracked.finished or tracked.watch == UNKNOWN:
            self.resume(task_id)

    def remove(self, task_id: str) -> None:
        """Forget a task (watching stops; the task goes on running on the server)."""
        if task_id not in self._tasks:
            return
        self._unschedule(task_id)
        del self._tasks[task_id]
        self._settings.pop(task_id, None)
        self._ended.discard(task_id)
        self._records.pop(task_id, None)
        self._dirty.discard(task_id)
        self.taskRemoved.emit(task_id)
        self._save_soon()

    # -- auto-tracking ------------------------------------------------------------------------
    def _listen(
        self, exchange: Exchange, settings: ConnectionSettings, profile: str | None
    ) -> None:
        """Every finished exchange, on the worker that sent it: pass task answers on."""
        if getattr(task_polling.polling, "active", False) or self._closed:
            return
        outcome = exchange.outcome
        task = outcome.task if outcome is not None else None
        if task is None or not task.task_id or not task.state:
            return
        outcome = PollOutcome(task_polling.TASK, task, *task_polling.output_of(exchange, task))
        self._seen.emit((outcome, task_polling.origin_of(exchange, settings, profile), settings))

    @Slot(object)
    def _on_seen(self, payload: tuple[PollOutcome, TaskOrigin, ConnectionSettings]) -> None:
        outcome, origin, settings = payload
        if self._closed or outcome.task is None:
            return
        self._settings.setdefault(str(outcome.task.task_id), settings)
        self._track(outcome, origin)

    # -- polling ------------------------------------------------------------------------------
    def _add(self, tracked: TrackedTask, delay: float | None = None) -> None:
        self._tasks[tracked.task_id] = tracked
        if tracked.watch in (WATCHING, RECONNECTING) and not tracked.finished:
            self._schedule.add(tracked.task_id, time.monotonic(), delay)
            self._arm()
        self._dirty.add(tracked.task_id)
        self.taskAdded.emit(tracked.task_id)
        self._save_soon()

    def _arm(self) -> None:
        if self._closed:
            return
        wake = self._schedule.next_wake(time.monotonic())
        if wake is None:
            self._timer.stop()
        else:
            self._timer.start(max(0, math.ceil(wake * 1000)))

    @Slot()
    def _tick(self) -> None:
        for task_id in self._schedule.take_due(time.monotonic()):
            self._start_poll(task_id)
        self._arm()

    def _start_poll(self, task_id: str) -> None:
        tracked = self._tasks.get(task_id)
        settings = self._connection(tracked) if tracked is not None else None
        if tracked is None or settings is None:
            self._schedule.discard(task_id)
            return
        clients = self._clients
        self._jobs[task_id] = self._pool.submit(
            lambda token, progress: poll_task(clients, settings, task_id, token),
            on_result=lambda outcome: self._polled(task_id, outcome),
            on_error=lambda exc: self._polled(
                task_id, PollOutcome(task_polling.TRANSIENT, error=f"{type(exc).__name__}: {exc}")
            ),
            on_cancelled=lambda: self._jobs.pop(task_id, None),
        )

    def _connection(self, tracked: TrackedTask) -> ConnectionSettings | None:
        settings = self._settings.get(tracked.task_id)
        if settings is not None:
            return settings
        found = self._resolver.resolve(tracked.origin)
        if found is None:
            self._awaiting_key.add(tracked.task_id)
        elif isinstance(found, str):
            tracked.watch = STOPPED
            tracked.last_error = found
            self._changed(tracked)
        else:
            self._settings[tracked.task_id] = found
            return found
        return None

    @Slot(str)
    def _key_ready(self, profile: str) -> None:
        waiting = [t for t in self._awaiting_key if t in self._tasks]
        self._awaiting_key.clear()
        now = time.monotonic()
        for task_id in waiting:
            tracked = self._tasks[task_id]
            if tracked.watch in (WATCHING, RECONNECTING) and not tracked.finished:
                self._schedule.add(task_id, now, delay=0.0)
        self._arm()

    def _polled(self, task_id: str, outcome: PollOutcome) -> None:
        self._jobs.pop(task_id, None)
        tracked = self._tasks.get(task_id)
        if tracked is None or self._closed:
            self._schedule.discard(task_id)
            return
        if task_id not in self._schedule:  # stopped while the poll was out: note what came
            if outcome.kind == task_polling.TASK:
                self._apply(tracked, outcome, reschedule=False)
            return
        self._apply(tracked, outcome)
        self._arm()

    def _apply(
        self,
        tracked: TrackedTask,
        outcome: PollOutcome,
        *,
        polled: bool = True,
        reschedule: bool = True,
    ) -> None:
        """Fold one answer into the task's record, reschedule it, and tell the panel."""
        now, mono = time.time(), time.monotonic()
        task_id = tracked.task_id
        if polled:
            tracked.polls += 1
        if outcome.kind == task_polling.TASK and outcome.task is not None:
            changed = _observe(tracked, outcome, now)
            if tracked.watch == RECONNECTING:
                tracked.watch, tracked.last_error = WATCHING, None
            if tracked.finished:
                self._end(tracked, ENDED, now)
                return
            if changed:
                tracked.last_change = now
                self._dirty.add(task_id)
                self._save_soon()
            if reschedule and task_id in self._schedule:
                if polled:
                    self._schedule.answered(task_id, mono, changed=changed)
                elif changed and self._schedule.due(task_id) is not None:  # seen elsewhere
                    self._schedule.poll_now(task_id, mono + self._schedule.min_interval)
                tracked.interval = self._schedule.interval(task_id)
        elif outcome.kind == task_polling.UNKNOWN:
            tracked.last_error = outcome.error
            self._end(tracked, UNKNOWN, now)
            return
        elif outcome.kind == task_polling.REFUSED:
            self._unschedule(task_id)
            tracked.watch, tracked.last_error = STOPPED, outcome.error
            self._dirty.add(task_id)
            self._save_soon()
        else:
            tracked.watch, tracked.last_error = RECONNECTING, outcome.error
            tracked.retries += 1
            delay = self._schedule.failed(task_id, mono, outcome.retry_after)
            tracked.interval = delay
        self.taskChanged.emit(task_id)

    def _end(self, tracked: TrackedTask, watch: str, now: float) -> None:
        self._unschedule(tracked.task_id)
        tracked.watch = watch
        if tracked.ended_at is None:
            tracked.ended_at = now
        tracked.last_change = now
        self._dirty.add(tracked.task_id)
        self._save_soon()
        self.taskChanged.emit(tracked.task_id)
        if tracked.task_id not in self._ended:
            self._ended.add(tracked.task_id)
            self.taskEnded.emit(tracked.task_id)

    def _unschedule(self, task_id: str) -> None:
        self._schedule.discard(task_id)
        self._awaiting_key.discard(task_id)
        handle = self._jobs.pop(task_id, None)
        if handle is not None:
            handle.cancel()

    def _changed(self, tracked: TrackedTask) -> None:
        self._dirty.add(tracked.task_id)
        self._save_soon()
        self.taskChanged.emit(tracked.task_id)

    # -- persistence --------------------------------------------------------------------------
    def _restored(self, result: tuple[list[TrackedTask], str | None, bool]) -> None:
        tasks, message, *rest = result
        self._read_only = bool(rest and rest[0])
        if message:
            self.problem.emit(message)
        self._restoring = list(tasks)
        self._restore_some()

    @Slot()
    def _restore_some(self, everything: bool = False) -> None:
        """Add restored tasks a chunk per event-loop turn (views add a row for each); the list
        counts as loaded, and may be saved, once all are in."""
        if self._restoring is None:
            return
        count = len(self._restoring) if everything else RESTORE_CHUNK
        chunk, self._restoring = self._restoring[:count], self._restoring[count:]
        for tracked in chunk:
            if tracked.task_id in self._tasks:
                continue  # seen live since start: the live record wins
            if tracked.finished:
                self._ended.add(tracked.task_id)
            elif tracked.watch in (RECONNECTING, ENDED):
                tracked.watch = WATCHING
            self._add(tracked, delay=0.0)
        if self._restoring and not self._closed:
            QTimer.singleShot(0, self._restore_some)
            return
        self._restoring = None
        self._loaded = True
        if self._unsaved:
            self._save_soon()

    def _save_soon(self) -> None:
        self._unsaved = True
        if self._loaded and not self._closed and not self._save_timer.isActive():
            self._save_timer.start()

    def _snapshot(self) -> list[dict[str, Any]]:
        for task_id in self._dirty:
            tracked = self._tasks.get(task_id)
            if tracked is not None:
                self._records[task_id] = tracked.to_dict()
        self._dirty.clear()
        self._unsaved = False
        return list(self._records.values())

    def _write(self, records: list[dict[str, Any]], seq: int | None = None) -> None:
        """Write ``records`` unless a newer list was written already (any thread)."""
        if seq is None:
            self._save_seq += 1
            seq = self._save_seq
        with self._write_lock:
            if seq > self._written_seq:
                save_tasks(self.store_path, records)
                self._written_seq = seq

    @Slot()
    def _save(self) -> None:
        if not self._loaded or self._read_only or self._closed:
            return
        if self._saving:
            self._save_again = True
            return
        self._saving = True
        records = self._snapshot()
        self._save_seq += 1
        seq = self._save_seq
        self._pool.submit(
            lambda token, progress: self._write(records, seq),
            on_result=lambda _: self._saved(None),
            on_error=self._saved,
            on_cancelled=lambda: self._saved(None),
        )

    def _saved(self, error: BaseException | None) -> None:
        self._saving = False
        if error is not None:
            self.problem.emit(f"Tracked tasks could not be saved: {error}")
        if self._save_again:
            self._save_again = False
            self._save_soon()


def _observe(tracked: TrackedTask, outcome: PollOutcome, now: float) -> bool:
    """Copy a task answer into the record; True when anything the user sees changed."""
    task = outcome.task
    assert task is not None
    changed = tracked.observe_state(task.state, now)
    changed = tracked.observe_message(task.status_message, now) or changed
    for attr, value, keep in (
        ("created_on", task.task_created_on, True),
        ("started_at", task.started_at, True),
        ("last_modified_on", task.task_last_modified_on, True),
        ("status_message", task.status_message, False),
        ("status_suggestion", task.status_suggestion, False),
        ("status_code", task.status_code, False),
    ):
        if (value is not None or not keep) and getattr(tracked, attr) != value:
            setattr(tracked, attr, value)
            changed = True
    if outcome.output is not None:
        tracked.output, tracked.output_fits = outcome.output, outcome.output_fits
    return changed
