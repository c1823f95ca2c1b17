"""History as the app uses it: every exchange recorded off the GUI thread, queried on the pool.

:class:`HistoryService` listens to the client provider (every exchange of every client) and hands
each one to its single writer thread, which redacts it and writes it to the
:class:`~shipexplorer.core.history_store.HistoryStore`; task polls (``task/status``) are not
recorded (they would flood history; the task's final timeline is attached to the entry that started
it instead). Each entry records whose call it was (``origin``: the user's method calls and instance
creations, or the app's own listings and ``__dir__`` calls), decided from the exchange's request,
so a view can ask for the user's calls only. An answer spooled to a file is recorded with its true
size and the start of its body, read on the request's worker before the file's owner may delete it.
Queries run as worker-pool jobs with their own short-lived connections, so the GUI thread never
touches SQLite. Signals reach the GUI thread through a relay QObject.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.core.documents.json_diff import BodyDiff, diff_bodies
from shipexplorer.core.documents.json_document import SPOOL_THRESHOLD
from shipexplorer.core.history_bodies import read_head
from shipexplorer.core.history_store import (
    DEFAULT_BUDGET,
    HistoryEntry,
    HistoryQuery,
    HistoryStore,
    record_from_exchange,
)
from shipexplorer.services import paths
from shipexplorer.services.workers import JobHandle, WorkerPool

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings, Exchange
    from shipexplorer.services.client_provider import ClientProvider

log = logging.getLogger(__name__)

#: API operations never recorded: the task tracker polls them many times a second.
SKIPPED_OPERATIONS = frozenset({"task/status"})
#: bodies up to this size are compared whole; bigger ones by their first megabyte
COMPARE_WHOLE_LIMIT = 4 * 1024 * 1024
_READY_TIMEOUT = 30.0


class _Relay(QObject):
    """Emitted on the writer thread, received by the service's slots on the GUI thread."""

    added = Signal(int)
    changed = Signal()
    problem = Signal(str)
    attached = Signal(str)


class HistoryService(QObject):
    """Records exchanges and answers queries about them.

    Signals:
        entryAdded(int): an entry was recorded (its id).
        changed(): entries were deleted or cleared; reload what is shown.
        taskAttached(str): a task's final timeline was stored on its entry (the task id).
        problem(str): a sentence for the user (a damaged database moved aside, a failed write).
    """

    entryAdded = Signal(int)
    changed = Signal()
    problem = Signal(str)
    taskAttached = Signal(str)

    def __init__(
        self,
        pool: WorkerPool,
        clients: ClientProvider | None = None,
        path: Path | None = None,
        *,
        budget: int = DEFAULT_BUDGET,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self.store = HistoryStore(path or paths.history_file(), budget=budget)
        #: a spooled answer up to this many bytes is kept whole (the others: their start)
        self.whole_spooled_up_to = SPOOL_THRESHOLD
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._secrets: set[str] = set()  # keys seen this session (memory only), to mask timelines
        self._last_problem = ""
        self._relay = _Relay(self)
        self._relay.added.connect(self._on_added)
        self._relay.changed.connect(self._on_changed)
        self._relay.problem.connect(self._on_problem)
        self._relay.attached.connect(self._on_attached)
        if clients is not None:
            clients.add_exchange_listener(self.record)

    # -- life -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the writer thread; it opens (or repairs) the database first."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float = 3.0) -> bool:
        """Write what is queued, then stop (bounded by ``timeout``); True when it stopped."""
        self._stopping = True
        if self._thread is None:
            return True
        self._queue.put(None)
        self._thread.join(timeout)
        stopped = not self._thread.is_alive()
        if not stopped:
            log.warning("the history writer is still busy after %.1f s", timeout)
        return stopped

    def idle(self) -> bool:
        """True when every queued write is done (and the database was opened)."""
        return self._ready.is_set() and self._queue.unfinished_tasks == 0

    def _run(self) -> None:
        message = self.store.open()
        self._ready.set()
        if message:
            self._relay.problem.emit(message)
        while True:
            job = self._queue.get()
            if job is None:
                self._queue.task_done()
                break
            try:
                job()
            except (sqlite3.Error, OSError) as exc:
                log.warning("history write failed: %s", exc)
                self._relay.problem.emit(f"History could not be written ({exc}).")
            except Exception as exc:  # a bug must not end the writer thread: say so, go on
                log.exception("history write failed")
                self._relay.problem.emit(f"History could not record an entry ({exc!r}).")
            finally:
                self._queue.task_done()
        self.store.close()

    def _submit_write(self, fn: Callable[[], None]) -> None:
        if self._stopping or self._thread is None:
            return
        self._queue.put(fn)

    # -- writing (any thread) -------------------------------------------------------------------
    def record(
        self, exchange: Exchange, settings: ConnectionSettings, profile_name: str | None
    ) -> None:
        """The exchange listener: queue ``exchange`` to be written (on the request's worker)."""
        request = exchange.request
        if request is not None and request.operation in SKIPPED_OPERATIONS:
            return
        if self._stopping or self._thread is None:
            return
        key = settings.api_key
        # A spooled answer's file belongs to the caller, who may delete it once this returns:
        # its start is read now (a megabyte at most), its size is the exchange's byte count.
        # A body spooled only so that the worker processes read it (up to the spool threshold,
        # 2 MB) is read whole, as it was kept whole when it stayed in memory.
        head = None
        if exchange.body_file is not None:
            whole = exchange.body_size <= self.whole_spooled_up_to
            limit = self.whole_spooled_up_to if whole else self.store.body_cap
            head = read_head(exchange.body_file, limit)
        record = record_from_exchange(
            exchange, settings.workspace_handle, profile_name, (key or "",), body_head=head
        )

        def write() -> None:
            if key:
                self._secrets.add(key)
            entry_id = self.store.add(record)
            if entry_id is not None:
                self._relay.added.emit(entry_id)

        self._submit_write(write)

    def attach_task(self, task_id: str, timeline: dict[str, Any]) -> None:
        """Attach a task's final timeline (``TrackedTask.to_dict()``) to its starting entry."""

        def write() -> None:
            if self.store.attach_task(task_id, timeline, tuple(self._secrets)):
                self._relay.attached.emit(task_id)

        self._submit_write(write)

    def set_budget(self, budget: int) -> None:
        """The size budget (bytes) for bodies over 1 MB, kept compressed beside the database."""
        self._submit_write(lambda: self.store.set_budget(budget))

    def delete(self, ids: Sequence[int]) -> None:
        ids = list(ids)

        def write() -> None:
            self.store.delete(ids)
            self._relay.changed.emit()

        self._submit_write(write)

    def clear(self) -> None:
        def write() -> None:
            self.store.clear()
            self._relay.changed.emit()

        self._submit_write(write)

    # -- reading (pool jobs; callbacks on the GUI thread) ---------------------------------------
    def _read(
        self,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        key: str | None,
    ) -> JobHandle:
        def job(_token, _progress) -> Any:
            if not self._ready.wait(_READY_TIMEOUT):
                raise TimeoutError("the history database is not open yet")
            return fn()

        return self._pool.submit(
            job, on_result=on_result, on_error=on_error or self._read_failed, key=key
        )

    def query(
        self,
        query: HistoryQuery,
        on_result: Callable[[list[HistoryEntry]], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
    ) -> JobHandle:
        """One page of entries (summaries, no bodies), newest first."""
        return self._read(lambda: self.store.query(query), on_result, on_error, key)

    def get(
        self,
        entry_id: int,
        on_result: Callable[[HistoryEntry | None], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        whole_body: bool = False,
    ) -> JobHandle:
        """One entry with its bodies (None when it was deleted meanwhile). The response body is
        the row's first megabyte unless ``whole_body`` (a spilled body is then read back)."""
        return self._read(
            lambda: self.store.get(entry_id, whole_body=whole_body), on_result, on_error, None
        )

    def filter_values(
        self,
        on_result: Callable[[dict[str, list[str]]], None],
        *,
        key: str | None = None,
        origin: str | None = None,
    ) -> JobHandle:
        """``{"instance": [...], "method": [...]}``: what the filters offer (among the entries
        of ``origin``, ``"user"`` or ``"app"``; None: all)."""
        store = self.store
        return self._read(
            lambda: {c: store.distinct(c, origin) for c in ("instance", "method")},
            on_result,
            None,
            key,
        )

    def compare(
        self,
        first: int,
        second: int,
        on_result: Callable[[tuple[HistoryEntry, HistoryEntry, BodyDiff]], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> JobHandle:
        """Both entries (older first) and the diff of their response bodies."""

        def work() -> tuple[HistoryEntry, HistoryEntry, BodyDiff]:
            # Whole spilled bodies only up to a size that parses quickly (parsing holds the GIL);
            # beyond it the first megabyte kept in the row is compared (its note says so).
            a, b = (self.store.get(i, whole_body=self._small(i)) for i in (first, second))
            if a is None or b is None:
                raise LookupError("one of the entries was deleted")
            if (b.time, b.id) < (a.time, a.id):
                a, b = b, a
            return a, b, diff_bodies(a.response_body or b"", b.response_body or b"")

        return self._read(work, on_result, on_error, "history-compare")

    def _small(self, entry_id: int) -> bool:
        with self.store.reading() as db:
            row = db.execute("SELECT response_size FROM entries WHERE id=?", (entry_id,)).fetchone()
        return bool(row) and row[0] <= COMPARE_WHOLE_LIMIT

    # -- GUI side -------------------------------------------------------------------------------
    def _read_failed(self, exc: BaseException) -> None:
        self._on_problem(f"History could not be read ({exc}).")

    @Slot(int)
    def _on_added(self, entry_id: int) -> None:
        self.entryAdded.emit(entry_id)

    @Slot()
    def _on_changed(self) -> None:
        self.changed.emit()

    @Slot(str)
    def _on_attached(self, task_id: str) -> None:
        self.taskAttached.emit(task_id)

    @Slot(str)
    def _on_problem(self, message: str) -> None:
        if message != self._last_problem:
            self._last_problem = message
            self.problem.emit(message)
