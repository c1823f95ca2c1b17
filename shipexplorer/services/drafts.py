"""Drafts: what every open request tab holds, autosaved so a crash or a kill loses nothing.

:meth:`DraftStore.update` is cheap (it keeps the newest spec per tab in memory); at most
``DELAY_MS`` after the first change since the last write, every pending draft is written on the
worker pool, one file per tab (``draft-<hash>.json`` in ``<data>/drafts``), atomically. All disk
work goes through one queue drained under one lock, so a write, a discard and :meth:`flush` of the
same tab always land in the order they were asked. At start, :meth:`load` returns the drafts left
on disk (damaged ones are moved aside and reported through ``problem``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from shipexplorer.services import storage
from shipexplorer.services.paths import app_paths
from shipexplorer.services.saved_requests import RequestSpec

log = logging.getLogger(__name__)

KIND = "request-draft"
SCHEMA_VERSION = 1
DELAY_MS = 500  # a draft reaches the disk within about half a second (the promise is 2 s)
_DELETE = None


def draft_path(folder: Path, tab_key: str) -> Path:
    digest = hashlib.sha256(tab_key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return folder / f"draft-{digest}.json"


class DraftStore(QObject):
    """Autosaved drafts of the open request tabs.

    Signals:
        written(int): a batch of ``n`` draft files was written or removed (on the GUI thread).
        problem(str): a draft could not be written or read (one sentence for the user).
    """

    written = Signal(int)
    problem = Signal(str)

    def __init__(
        self, pool: Any, folder: Path | None = None, *, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self.folder = Path(folder) if folder is not None else app_paths().data / "drafts"
        # GUI thread only: a spec, a function giving one (called when the batch is made), or None
        self._pending: dict[str, RequestSpec | Callable[[], RequestSpec] | None] = {}
        # shared with the worker, under _queue_lock: a record to write, or None to delete
        self._queue: dict[Path, dict[str, Any] | None] = {}
        self._queue_lock = threading.Lock()
        self._io_lock = threading.Lock()
        self._seq = 0
        self._loaded: set[Path] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._write_pending)

    # -- the tabs' side -------------------------------------------------------------------------

    def update(self, tab_key: str, spec: RequestSpec) -> None:
        """The tab's request changed: written within ``DELAY_MS`` (typing does not postpone it)."""
        self._pending[tab_key] = spec
        if not self._timer.isActive():
            self._timer.start()

    def update_later(self, tab_key: str, spec_of: Callable[[], RequestSpec]) -> None:
        """Like :meth:`update`, but ``spec_of()`` is called only when the draft is written, so a
        keystroke costs nothing (not even copying a big body out of the editor)."""
        self._pending[tab_key] = spec_of
        if not self._timer.isActive():
            self._timer.start()

    def discard(self, tab_key: str) -> None:
        """The tab was closed (or its request saved): forget its draft."""
        self._pending[tab_key] = _DELETE
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Write everything pending now, on this thread (at a clean shutdown)."""
        self._timer.stop()
        self._enqueue()
        _count, failures = self._drain()
        for message in failures:
            self.problem.emit(message)

    # -- start ----------------------------------------------------------------------------------

    def load_keyed(self) -> list[tuple[str, RequestSpec]]:
        """The drafts on disk, oldest first, with their tab keys. Never raises."""
        found: list[tuple[float, int, str, RequestSpec]] = []
        try:
            paths = sorted(self.folder.glob("draft-*.json"))
        except OSError as exc:
            self.problem.emit(f"The drafts folder could not be read: {exc}.")
            return []
        for path in paths:
            read = storage.read_versioned_json(path, kind=KIND, current_version=SCHEMA_VERSION)
            if read.data is None:
                if read.message:
                    self.problem.emit(f"A draft could not be restored: {read.message}")
                continue
            data = read.data
            try:
                spec = RequestSpec.from_dict(data.get("spec") if isinstance(data, dict) else {})
                key = data["tabKey"]
                if not isinstance(key, str):
                    raise ValueError("tabKey should be text")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                read = storage.corrupt(path, f"not a draft ({exc})")
                self.problem.emit(f"A draft could not be restored: {read.message}")
                continue
            stamp = data.get("savedAt")
            order = data.get("order")
            found.append(
                (
                    stamp if isinstance(stamp, (int, float)) else 0.0,
                    order if isinstance(order, int) else 0,
                    key,
                    spec,
                )
            )
            self._loaded.add(path)
        found.sort(key=lambda item: (item[0], item[1]))
        return [(key, spec) for _, _, key, spec in found]

    def load(self) -> list[RequestSpec]:
        """The drafts a crash or kill left, to restore as tabs. Their files stay until the first
        write after this, which removes those whose tab key was not updated again (so give the
        restored tabs their drafts with :meth:`update`, or reuse the keys of :meth:`load_keyed`).
        """
        return [spec for _, spec in self.load_keyed()]

    # -- writing --------------------------------------------------------------------------------

    def _enqueue(self) -> None:
        batch: dict[Path, dict[str, Any] | None] = {}
        for key, pending in self._pending.items():
            path = draft_path(self.folder, key)
            self._loaded.discard(path)
            if pending is None:
                batch[path] = None
                continue
            spec = pending if isinstance(pending, RequestSpec) else pending()
            self._seq += 1
            batch[path] = {
                "kind": KIND,
                "schemaVersion": SCHEMA_VERSION,
                "tabKey": key,
                "savedAt": time.time(),
                "order": self._seq,
                "spec": spec.to_dict(),
            }
        for path in self._loaded:  # restored drafts no tab took back
            batch.setdefault(path, None)
        self._loaded.clear()
        self._pending.clear()
        with self._queue_lock:
            for path, data in batch.items():
                self._queue.pop(path, None)  # keep the newest at the end of the order
                self._queue[path] = data

    def _drain(self) -> tuple[int, list[str]]:
        """Apply the queue (any thread); returns how many files it wrote or removed, and the
        failure messages."""
        failures: list[str] = []
        with self._io_lock:
            with self._queue_lock:
                ops, self._queue = self._queue, {}
            for path, record in ops.items():
                try:
                    if record is None:
                        path.unlink(missing_ok=True)
                    else:
                        storage.atomic_write_bytes(path, storage.dump_json(record))
                except (OSError, ValueError) as exc:
                    failures.append(f"The draft {path.name} could not be saved: {exc}.")
        return len(ops) - len(failures), failures

    @Slot()
    def _write_pending(self) -> None:
        self._enqueue()
        if self._pool is None:
            self._report(self._drain())
            return

        def job(_token, _progress) -> tuple[int, list[str]]:
            return self._drain()

        self._pool.submit(job, on_result=self._report, on_error=self._failed)

    def _report(self, outcome: tuple[int, list[str]]) -> None:
        count, failures = outcome
        for message in failures:
            self.problem.emit(message)
        self.written.emit(count)

    def _failed(self, exc: BaseException) -> None:
        self.problem.emit(f"Drafts could not be saved: {exc}.")
