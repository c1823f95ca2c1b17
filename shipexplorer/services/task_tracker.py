"""The task tracker: every long-running task watched until it ends, and remembered across restarts.

Tasks arrive three ways: automatically (an exchange listener on the
:class:`~shipexplorer.services.client_provider.ClientProvider` sees every answer that is a task),
through :meth:`TaskTracker.track`, or pasted by id (:meth:`TaskTracker.add_by_id`). Each is polled
with ``task/status`` on the worker pool through the client of the profile and workspace it came
from; one QTimer and a :class:`~shipexplorer.core.poll_schedule.PollSchedule` decide when,
within global caps. The record of each task is a
:class:`~shipexplorer.core.task_timeline.TrackedTask`; the list is saved (never a key) by a
:class:`~shipexplorer.services.task_store.TaskStore` and resumed by :meth:`TaskTracker.start`.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.poll_schedule import PollSchedule
from shipexplorer.core.task_timeline import (
    ENDED,
    RECONNECTING,
    STOPPED,
    UNKNOWN,
    WATCHING,
    TaskOrigin,
    TrackedTask,
)
from shipexplorer.services import paths, task_polling
from shipexplorer.services.task_polling import ConnectionResolver, PollOutcome, observe, poll_task
from shipexplorer.services.task_store import TaskStore

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings, Exchange
    from shipexplorer.api.tasks import Task
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.workers import JobHandle, WorkerPool


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
        self.store_path = Path(store_path) if store_path is not None else paths.tasks_file()
        self._clients = clients
        self._pool = pool
        self._schedule = PollSchedule(
            min_interval=min_interval,
            max_interval=max_interval,
            max_concurrent=max_concurrent,
            max_per_second=max_polls_per_second,
        )
        self._tasks: dict[str, TrackedTask] = {}
        self._store = TaskStore(self.store_path, pool, self._tasks, self.problem.emit, self)
        self._settings: dict[str, ConnectionSettings] = {}  # in memory only: they hold the key
        self._jobs: dict[str, JobHandle] = {}
        self._awaiting_key: set[str] = set()
        self._ended: set[str] = set()
        self._pending_links: dict[str, int] = {}
        self._loaded = False  # the saved list is back
        self._blocks: BlockFetcher | None = None
        self._closed = False
        self._resolver = ConnectionResolver(clients.profiles, clients.credentials, self)
        self._resolver.keyReady.connect(self._key_ready)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._seen.connect(self._on_seen, Qt.ConnectionType.QueuedConnection)
        clients.add_exchange_listener(self._listen)

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Load the saved tasks on the pool and resume watching the unfinished ones."""
        self._store.load(self._restored, self._restore_done)

    def shutdown(self) -> None:
        """Stop polling and save now (on this thread: the pool is about to stop)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        for handle in list(self._jobs.values()):
            handle.cancel()
        self._jobs.clear()
        self._store.close()

    # -- reading ------------------------------------------------------------------------------
    def tasks(self) -> list[TrackedTask]:
        return list(self._tasks.values())

    def task(self, task_id: str) -> TrackedTask | None:
        return self._tasks.get(task_id)

    def settings_for(self, task_id: str) -> ConnectionSettings | None:
        """The connection a task's curl loop is written for: the current profile's, in the task's
        workspace, when the task came from that profile (None for another profile's task or an
        unknown id). It carries the key: hand it only to code that never shows it."""
        tracked = self._tasks.get(task_id)
        settings = self._clients.settings() if tracked is not None else None
        if tracked is None or settings is None:
            return None
        origin = tracked.origin
        name = self._clients.profile_name_for(settings)
        if origin.profile and name and origin.profile != name:
            return None
        if origin.workspace and origin.workspace != settings.workspace_handle:
            settings = settings.replace(workspace_handle=origin.workspace, workspace_id=None)
        return settings

    def block_fetcher(self) -> BlockFetcher:
        """The fetcher of block contents (``block/raw``) for task outputs, through this tracker's
        clients and pool (made on first use)."""
        if self._blocks is None:
            from shipexplorer.services.blocks import BlockFetcher

            self._blocks = BlockFetcher(self._clients, self._pool, self)
        return self._blocks

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
        observe(tracked, outcome, time.time())
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
    def link_request(self, request_id: int, answer: Answer) -> None:
        """Remember which request started a task (connect RequestRunner.finished here)."""
        task_id = answer.task.task_id if answer.task is not None else None
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
        self._store.forget(task_id)
        self.taskRemoved.emit(task_id)

    # -- auto-tracking ------------------------------------------------------------------------
    def _listen(
        self, exchange: Exchange, settings: ConnectionSettings, profile: str | None
    ) -> None:
        """Every finished exchange, on the worker that sent it: pass task answers on."""
        seen = None if self._closed else task_polling.seen_task(exchange, settings, profile)
        if seen is not None:
            self._seen.emit(seen)

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
        self._store.changed(tracked.task_id)
        self.taskAdded.emit(tracked.task_id)

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
            changed = observe(tracked, outcome, now)
            if tracked.watch == RECONNECTING:
                tracked.watch, tracked.last_error = WATCHING, None
            if tracked.finished:
                self._end(tracked, ENDED, now)
                return
            if changed:
                tracked.last_change = now
                self._store.changed(task_id)
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
            self._store.changed(task_id)
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
        self._store.changed(tracked.task_id)
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
        self._store.changed(tracked.task_id)
        self.taskChanged.emit(tracked.task_id)

    # -- restoring (the store reads and saves the list) ----------------------------------------
    def _restored(self, chunk: list[TrackedTask]) -> None:
        """Add a chunk of the saved tasks (a task seen live since start keeps its live record)."""
        for tracked in chunk:
            if tracked.task_id in self._tasks:
                continue
            if tracked.finished:
                self._ended.add(tracked.task_id)
            elif tracked.watch in (RECONNECTING, ENDED):
                tracked.watch = WATCHING
            self._add(tracked, delay=0.0)

    def _restore_done(self) -> None:
        self._loaded = True
