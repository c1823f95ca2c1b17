"""Drafts: what every open request tab holds, autosaved so a crash or a kill loses nothing.

:meth:`DraftStore.update` is cheap (it keeps the newest spec per tab in memory); at most
``DELAY_MS`` after the first change since the last write, every pending draft is serialised and
written on the worker pool, one file per tab, atomically. All disk work goes through one queue
drained under one lock, so a write, a discard and :meth:`flush` of the same tab always land in the
order they were asked.

Two running copies of the app: each store writes in a session folder of its own
(``<data>/drafts/session-<id>/``) holding a ``QLockFile`` for as long as the process lives. At
start, :meth:`load` adopts only the sessions whose lock is free or stale (their process ended,
cleanly or not): it takes their lock, returns their drafts, and removes them once this session has
written its own. A session of a running copy is never touched. A damaged draft is moved aside and
reported through ``problem``. A session holding a draft from a newer version is left as it is
(nothing of it restored, rewritten or removed, for that version to restore), and ``problem`` says
so, once per :meth:`load`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal, Slot

from shipexplorer.core import storage
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.tab_draft import TabDraft
from shipexplorer.services import paths

if TYPE_CHECKING:
    from shipexplorer.services.workers import WorkerPool


log = logging.getLogger(__name__)

KIND = "request-draft"
SCHEMA_VERSION = 1
DELAY_MS = 500  # a draft reaches the disk within about half a second (the promise is 2 s)
LOCK_NAME = "session.lock"
_DELETE = None
_Draft = RequestSpec | TabDraft
_Item = tuple[float, int, str, TabDraft]
_NEWER = "newer"  # what :meth:`DraftStore._read` gives for a newer version's draft


def draft_path(session: Path, tab_key: str) -> Path:
    digest = hashlib.sha256(tab_key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return session / f"draft-{digest}.json"


class DraftStore(QObject):
    """Autosaved drafts of the open request tabs.

    Signals:
        written(int): a batch of ``n`` draft files was written or removed (on the GUI thread).
        problem(str): a draft could not be written or read (one sentence for the user).
    """

    written = Signal(int)
    problem = Signal(str)

    def __init__(
        self, pool: WorkerPool, folder: Path | None = None, *, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self.folder = Path(folder) if folder is not None else paths.drafts_folder()
        self.session = self.folder / f"session-{uuid.uuid4().hex[:16]}"
        self._lock = self._take_lock(self.session, create=True)
        # GUI thread only: a spec or tab, a function giving one (called when the batch is made),
        # or None
        self._pending: dict[str, _Draft | Callable[[], _Draft] | None] = {}
        # shared with the worker, under _queue_lock: a record to write, or None to delete
        self._queue: dict[Path, dict[str, Any] | None] = {}
        self._queue_lock = threading.Lock()
        self._io_lock = threading.Lock()
        self._seq = 0
        self._adopted: list[tuple[Path, QLockFile]] = []  # sessions to remove after a write
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._write_pending)

    def _take_lock(self, session: Path, *, create: bool = False) -> QLockFile | None:
        try:
            if create:
                session.mkdir(parents=True, exist_ok=True, mode=storage.NEW_FOLDER_MODE)
            lock = QLockFile(str(session / LOCK_NAME))
            lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
            return lock if lock.tryLock(0) else None
        except OSError as exc:
            self.problem.emit(f"The drafts folder {session} cannot be used: {exc.strerror}.")
            return None

    # -- the tabs' side -------------------------------------------------------------------------

    def update(self, tab_key: str, spec: RequestSpec | TabDraft) -> None:
        """The tab's request changed: written within ``DELAY_MS`` (typing does not postpone it)."""
        self._pending[tab_key] = spec
        if not self._timer.isActive():
            self._timer.start()

    def update_later(self, tab_key: str, spec_of: Callable[[], RequestSpec | TabDraft]) -> None:
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

    def close(self) -> None:
        """:meth:`flush`, then free this session's lock (its drafts stay, for the next start)."""
        self.flush()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # -- start ----------------------------------------------------------------------------------

    def load_keyed(self) -> list[tuple[str, RequestSpec]]:
        """The drafts of ended sessions, oldest first, with their tab keys. Never raises."""
        return [(key, tab.spec) for key, tab in self._load()]

    def load_tabs(self) -> list[TabDraft]:
        """The tabs of ended sessions in their order (session by session), for the window to
        open again. Like :meth:`load`, their files go at this store's first write after this."""
        found = self._load()
        return [tab for _, tab in sorted(found, key=lambda item: item[1].position)]

    def _load(self) -> list[tuple[str, TabDraft]]:
        found: list[_Item] = []
        try:
            sessions = sorted(p for p in self.folder.glob("session-*") if p != self.session)
        except OSError as exc:
            self.problem.emit(f"The drafts folder could not be read: {exc}.")
            return []
        left: list[tuple[Path, int]] = []  # sessions left for a newer version, and their drafts
        for session in sessions:
            lock = self._take_lock(session)
            if lock is None:
                continue  # a running copy of the app owns it
            items: list[_Item] = []
            newer = 0
            for path in sorted(session.glob("draft-*.json")):
                item = self._read(path)
                if item == _NEWER:
                    newer += 1
                elif item is not None:
                    items.append(item)
            if newer:  # written by a newer version: left whole, for it to restore
                lock.unlock()
                left.append((session, newer))
                continue
            self._adopted.append((session, lock))
            found.extend(items)
        if left:
            self._report_newer(left)
        found.sort(key=lambda item: (item[0], item[1]))
        return [(key, tab) for _, _, key, tab in found]

    def _report_newer(self, left: list[tuple[Path, int]]) -> None:
        count = sum(n for _, n in left)
        drafts = "1 draft was" if count == 1 else f"{count} drafts were"
        where = ", ".join(str(session) for session, _ in left)
        self.problem.emit(
            f"{drafts} written by a newer shipexplorer and could not be restored; they are left "
            f"as they are in {where}, for that version to restore."
        )

    def load(self) -> list[RequestSpec]:
        """The drafts a crash, a kill or a closed copy left, to restore as tabs. Their files are
        removed at this store's first write after this (give the restored tabs their drafts with
        :meth:`update` before then: the integrator does it as it opens them)."""
        return [spec for _, spec in self.load_keyed()]

    def _read(self, path: Path) -> _Item | str | None:
        """The draft at ``path``; None when it is damaged (moved aside and reported); ``_NEWER``
        for a newer version's draft (not read further: this version would downgrade it)."""
        read = storage.read_versioned_json(path, kind=KIND, current_version=SCHEMA_VERSION)
        if read.status is storage.ReadStatus.NEWER:
            return _NEWER
        if read.data is None:
            self._kept_aside(read)
            return None
        data = read.data
        try:
            spec = RequestSpec.from_dict(data.get("spec") if isinstance(data, dict) else {})
            key = data["tabKey"]
            if not isinstance(key, str):
                raise ValueError("tabKey should be text")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._kept_aside(storage.corrupt(path, f"not a draft ({exc})"))
            return None
        stamp, order = data.get("savedAt"), data.get("order")
        return (
            stamp if isinstance(stamp, (int, float)) else 0.0,
            order if isinstance(order, int) else 0,
            key,
            TabDraft.from_parts(spec, data.get("tab")),
        )

    def _kept_aside(self, read: storage.VersionedRead) -> None:
        """Report a damaged draft; what was moved aside goes up to the drafts folder, so it
        outlives its session's removal."""
        message = read.message
        if read.moved_to is not None:
            kept = self.folder / read.moved_to.name
            try:
                read.moved_to.rename(kept)
                message = f"{read.path.name} is damaged ({read.reason}); it was kept as {kept}."
            except OSError as exc:
                log.warning("could not move %s to %s: %s", read.moved_to, kept, exc)
        if message:
            self.problem.emit(f"A draft could not be restored: {message}")

    # -- writing --------------------------------------------------------------------------------

    def _enqueue(self) -> None:
        batch: dict[Path, dict[str, Any] | None] = {}
        for key, pending in self._pending.items():
            path = draft_path(self.session, key)
            if pending is None:
                batch[path] = None
                continue
            try:
                draft = pending if isinstance(pending, (RequestSpec, TabDraft)) else pending()
            except RuntimeError as exc:  # its tab's widgets were deleted before the write
                log.debug("no draft for tab %r: %s", key, exc)
                continue
            self._seq += 1
            tab = draft if isinstance(draft, TabDraft) else TabDraft(draft)
            batch[path] = {
                "kind": KIND,
                "schemaVersion": SCHEMA_VERSION,
                "tabKey": key,
                "savedAt": time.time(),
                "order": self._seq,
                "spec": tab.spec.to_dict(),
                "tab": tab.tab_dict(),
            }
        self._pending.clear()
        with self._queue_lock:
            for path, record in batch.items():
                self._queue.pop(path, None)  # keep the newest at the end of the order
                self._queue[path] = record

    def _drain(self) -> tuple[int, list[str]]:
        """Apply the queue (any thread), then remove adopted sessions; returns how many files it
        wrote or removed, and the failure messages."""
        failures: list[str] = []
        with self._io_lock:
            with self._queue_lock:
                ops, self._queue = self._queue, {}
                adopted, self._adopted = self._adopted, []
            for path, record in ops.items():
                try:
                    if record is None:
                        path.unlink(missing_ok=True)
                    else:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        storage.atomic_write_bytes(path, storage.dump_json(record))
                except (OSError, ValueError) as exc:
                    failures.append(f"The draft {path.name} could not be saved: {exc}.")
            for session, lock in adopted:
                shutil.rmtree(session, ignore_errors=True)
                lock.unlock()
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
