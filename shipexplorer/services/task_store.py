"""The task tracker's saved list (``tasks.json``, never a key): read on the worker pool at start and
handed back a chunk per event-loop turn, written on the pool a while after changes, and once more
on the GUI thread at shutdown.

Only the records of tasks changed since the last save are encoded again: each record's JSON text
is kept (one line per task, written in the file between a readable head and tail), so a save of
1,000 tasks where 20 changed encodes 20 records on the worker, not the whole list (encoding the
whole list in Python's JSON encoder held the interpreter lock for some 40 ms every two seconds,
which the GUI thread waited for). One save is out at a time (a change meanwhile is saved after
it), and a late write never overwrites a newer one.

A list read with a problem (records that could not be read, a damaged file that could not be
moved aside) is copied aside before it can ever be overwritten (``tasks.json.corrupt-<time>``,
as the profiles do); when no copy can be made it is never written this session. A list from a
newer version is never written either.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Slot

from shipexplorer.core import storage
from shipexplorer.core.task_timeline import STORE_KIND, STORE_VERSION, TrackedTask, load_tasks

if TYPE_CHECKING:
    from shipexplorer.services.workers import WorkerPool

SAVE_DELAY_MS = 2000
RESTORE_CHUNK = 100

#: one record as a line of the file: sorted keys, UTF-8, no NaN (the C encoder: no indent)
_RECORD = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")
)


def encode_record(record: dict[str, Any]) -> bytes:
    """One :meth:`TrackedTask.to_dict` record as the UTF-8 line the file holds for it.

    Raises ``ValueError`` for what cannot be written (NaN, infinity, text that is not UTF-8).
    """
    try:
        return _RECORD.encode(record).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"cannot be written as UTF-8: {exc.reason}") from None


def tasks_file(lines: Iterable[bytes]) -> bytes:
    """The saved list's bytes from its records' lines (:func:`encode_record`): the versioned
    object :func:`~shipexplorer.core.task_timeline.load_tasks` reads, one task per line."""
    head = json.dumps(STORE_KIND)
    body = b",\n    ".join(lines)
    tasks = b"[\n    " + body + b"\n  ]" if body else b"[]"
    return (
        f'{{\n  "kind": {head},\n  "schemaVersion": {STORE_VERSION},\n  "tasks": '.encode()
        + tasks
        + b"\n}\n"
    )


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
        # What the last save wrote, per task: its line (touched under the write lock only).
        self._lines: dict[str, bytes] = {}
        self._dirty: dict[str, None] = {}  # changed since the last snapshot, in order
        self._gone: set[str] = set()  # forgotten since the last snapshot
        self._unsaved = False
        self._read_only = False  # the file is newer than this app: never written
        self._closed = False
        self._saving = False
        self._save_again = False
        self._in_flight: dict[str, dict[str, Any] | None] = {}  # the changes the save out carries
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
        self._dirty[task_id] = None
        self._gone.discard(task_id)
        self._save_soon()

    def forget(self, task_id: str) -> None:
        """Leave the task out of the list, a while from now."""
        self._gone.add(task_id)
        self._dirty.pop(task_id, None)
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
            try:  # with the changes of a save still out: its late write will be skipped
                self._commit({**self._in_flight, **self._snapshot()})
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
        changes = self._in_flight = self._snapshot()
        self._save_seq += 1
        seq = self._save_seq
        self._pool.submit(
            lambda token, progress: self._commit(changes, seq),
            on_result=lambda _: self._saved(None),
            on_error=self._saved,
            on_cancelled=lambda: self._saved(None, written=False),
        )

    def _snapshot(self) -> dict[str, dict[str, Any] | None]:
        """The records of the tasks changed since the last snapshot (GUI thread: the tasks
        change here), and None for each task forgotten since."""
        changes: dict[str, dict[str, Any] | None] = dict.fromkeys(self._gone)
        for task_id in self._dirty:
            tracked = self._tasks.get(task_id)
            if tracked is not None:
                changes[task_id] = tracked.to_dict()
        self._dirty.clear()
        self._gone.clear()
        self._unsaved = False
        return changes

    def _commit(self, changes: Mapping[str, dict[str, Any] | None], seq: int | None = None) -> None:
        """Encode the changed records, fold them into the lines kept, and write the list unless a
        newer one was written already (any thread). A record that cannot be encoded raises
        ``ValueError`` before anything changes."""
        lines = {
            tid: encode_record(record) for tid, record in changes.items() if record is not None
        }
        if seq is None:
            self._save_seq += 1
            seq = self._save_seq
        with self._write_lock:
            if seq <= self._written_seq:
                return  # a newer list is written already, with these changes in it
            for task_id, record in changes.items():
                if record is None:
                    self._lines.pop(task_id, None)
            self._lines.update(lines)
            storage.atomic_write_bytes(self.path, tasks_file(self._lines.values()))
            self._written_seq = seq

    def _write(self, records: list[dict[str, Any]], seq: int | None = None) -> None:
        """Write exactly ``records`` (in this order) unless a newer list was written already."""
        with self._write_lock:
            self._lines.clear()
        self._commit({str(record.get("taskId")): record for record in records}, seq)

    def _saved(self, error: BaseException | None, *, written: bool = True) -> None:
        self._saving = False
        changes, self._in_flight = self._in_flight, {}
        if error is not None:
            self._problem(f"Tracked tasks could not be saved: {error}")
        if error is not None or not written:
            for task_id, record in changes.items():  # written with the next save (or at close)
                if record is None:
                    self._gone.add(task_id)
                elif task_id not in self._gone:
                    self._dirty.setdefault(task_id)
            self._unsaved = True
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
