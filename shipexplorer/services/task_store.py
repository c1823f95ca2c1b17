"""The task tracker's saved list (``tasks.json``, never a key): read on the worker pool at start and
handed back a chunk per event-loop turn, written on the pool a while after changes, and once more
on the GUI thread at shutdown.

Only the records of tasks changed since the last save are encoded again, one save is out at a
time (a change meanwhile is saved after it), and a late write never overwrites a newer one.

A list read with a problem (records that could not be read, a damaged file that could not be
moved aside) is copied aside before it can ever be overwritten (``tasks.json.corrupt-<time>``,
as the profiles do); when no copy can be made it is never written this session. A list from a
newer version is never written either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Slot

from shipexplorer.core import storage
from shipexplorer.core.task_timeline import TrackedTask, load_tasks, save_tasks

if TYPE_CHECKING:
    from shipexplorer.services.workers import WorkerPool

SAVE_DELAY_MS = 2000
RESTORE_CHUNK = 100


class TaskStore(QObject):
    """The saved list at ``path`` of the tracker's ``tasks`` (its live mapping, by task id).

    ``on_problem(message)`` hears, in one sentence, when the list cannot be read or written.
    Nothing is saved before the saved list is all back (:meth:`load`), nor after :meth:`close`.
    """

    def __init__(
        self,
        path: Path,
        pool: WorkerPool,
        tasks: Mapping[str, TrackedTask],
        on_problem: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._pool = pool
        self._tasks = tasks
        self._problem = on_problem
        self.loaded = False  # the saved list is all back: saves may start
        self._restoring: list[TrackedTask] | None = None
        self._on_chunk: Callable[[list[TrackedTask]], None] = lambda _chunk: None
        self._on_loaded: Callable[[], None] = lambda: None
        self._records: dict[str, dict[str, Any]] = {}  # what the last save wrote, per task
        self._dirty: set[str] = set()
        self._unsaved = False
        self._read_only = False  # the file is newer than this app: never written
        self._closed = False
        self._saving = False
        self._save_again = False
        self._write_lock = threading.Lock()  # a late save job never overwrites a newer save
        self._save_seq = 0
        self._written_seq = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)

    # -- loading ------------------------------------------------------------------------------
    def load(
        self, on_chunk: Callable[[list[TrackedTask]], None], on_loaded: Callable[[], None]
    ) -> None:
        """Read the list on the pool; then ``on_chunk(tasks)`` per event-loop turn (views add a
        row for each task) and ``on_loaded()`` once all are back. An unreadable file gives no
        tasks and a problem."""
        self._on_chunk, self._on_loaded = on_chunk, on_loaded
        path = self.path
        self._pool.submit(
            lambda token, progress: load_keeping_a_copy(path),
            on_result=self._read,
            on_error=lambda exc: self._read(([], f"Tracked tasks could not be read: {exc}")),
            on_cancelled=lambda: None,
        )

    def _read(self, result: tuple[list[TrackedTask], str | None, bool]) -> None:
        tasks, message, *rest = result
        self._read_only = bool(rest and rest[0])
        if message:
            self._problem(message)
        self._restoring = list(tasks)
        self._restore_some()

    @Slot()
    def _restore_some(self, everything: bool = False) -> None:
        if self._restoring is None:
            return
        count = len(self._restoring) if everything else RESTORE_CHUNK
        chunk, self._restoring = self._restoring[:count], self._restoring[count:]
        self._on_chunk(chunk)
        if self._restoring and not self._closed:
            QTimer.singleShot(0, self._restore_some)
            return
        self._restoring = None
        self.loaded = True
        self._on_loaded()
        if self._unsaved:
            self._save_soon()

    # -- saving -------------------------------------------------------------------------------
    def changed(self, task_id: str) -> None:
        """Write the task's record again, a while from now."""
        self._dirty.add(task_id)
        self._save_soon()

    def forget(self, task_id: str) -> None:
        """Leave the task out of the list, a while from now."""
        self._records.pop(task_id, None)
        self._dirty.discard(task_id)
        self._save_soon()

    def close(self) -> None:
        """Stop saving later and save now, on this thread (the pool is about to stop); a list
        still coming back is handed over whole first, so it is saved too."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._restore_some(everything=True)
        if self.loaded and not self._read_only and self._unsaved:
            try:
                self._write(self._snapshot())
            except (OSError, ValueError) as exc:
                self._problem(f"Tracked tasks could not be saved: {exc}")

    def _save_soon(self) -> None:
        self._unsaved = True
        if self.loaded and not self._closed and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def save(self) -> None:
        """Write the list on the pool now (the timer's slot)."""
        if not self.loaded or self._read_only or self._closed:
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
                save_tasks(self.path, records)
                self._written_seq = seq

    def _saved(self, error: BaseException | None) -> None:
        self._saving = False
        if error is not None:
            self._problem(f"Tracked tasks could not be saved: {error}")
        if self._save_again:
            self._save_again = False
            self._save_soon()


def load_keeping_a_copy(path: Path) -> tuple[list[TrackedTask], str | None, bool]:
    """:func:`load_tasks` (a worker's job), and when it found a problem in a file still there
    (records left out, a damaged file not moved aside), a copy of that file kept beside it,
    named in the sentence. When no copy can be made, the list comes back read-only: what was not
    understood is never overwritten."""
    tasks, message, read_only = load_tasks(path)
    if message is None or read_only:
        return tasks, message, read_only
    try:
        kept = storage.copy_aside(path)
    except FileNotFoundError:
        return tasks, message, read_only  # moved aside already (the sentence says where)
    except OSError as exc:
        why = exc.strerror or str(exc)
        return (
            tasks,
            f"{message} No copy of it could be kept ({why}), so it is not overwritten: the tasks "
            "tracked in this session are not saved.",
            True,
        )
    return tasks, f"{message} The file as it was is kept at {kept}.", read_only
