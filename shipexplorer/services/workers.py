"""The worker bridge: jobs on a thread pool, outcomes delivered on the GUI thread.

A job is ``fn(token, progress) -> result``. It runs on the :class:`WorkerPool`'s own
``QThreadPool``; its start, progress, result or error reach the caller's callbacks on the GUI
thread: the worker emits signals of a holder QObject (one per pool, living as long as the pool),
received by ``@Slot`` methods of the pool, which lives in the GUI thread (the one reliable way
across threads in PySide6). Cancelling sets the job's
:class:`~shipexplorer.api.transport.CancelToken` (which aborts its HTTP exchange at once), drops
whatever the job still reports and calls ``on_cancelled`` once instead. A newer job with the same
key cancels the older one. Widgets use the :class:`Op` builder and never touch threads.

:func:`run_with_timeout` (from :mod:`~shipexplorer.core.call_timeout`, re-exported here) bounds
calls that may block for ever (a keyring unlock prompt).
"""

from __future__ import annotations

import itertools
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.call_timeout import CallCancelled, CallTimedOut, run_with_timeout

__all__ = [
    "CallCancelled",
    "CallTimedOut",
    "JobHandle",
    "Op",
    "WorkerPool",
    "run_with_timeout",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[object], None]
JobFn = Callable[[CancelToken, Progress], Any]
_ids = itertools.count(1)


class _Relay(QObject):
    """The signals holder: emitted from worker threads, queued to the pool's ``@Slot`` methods.

    One per pool, parented to it, so it outlives every job (no per-job QObject can be collected
    while a worker still emits on it). Every signal carries the job's id.
    """

    started = Signal(int)
    progress = Signal(int, object)
    result = Signal(int, object)
    error = Signal(int, object)
    finished = Signal(int)
    cancelRequested = Signal(int)


class _Job:
    """One job's state; plain Python, shared by the GUI side and its worker."""

    def __init__(self, pool: WorkerPool, fn: JobFn, key: str | None, callbacks: dict) -> None:
        self.id = next(_ids)
        self.pool = pool
        self.fn = fn
        self.key = key
        self.callbacks = callbacks
        self.token = CancelToken()
        self.lock = threading.Lock()
        self.began = False
        self.abandoned = False
        self.worker_done = threading.Event()
        self.delivered = False  # GUI side: its outcome was delivered or dropped

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"<job {self.id} key={self.key!r} fn={name}>"

    def begin(self) -> bool:
        with self.lock:
            if self.abandoned or self.token.cancelled:
                return False
            self.began = True
            return True

    def abandon_if_queued(self) -> None:
        with self.lock:
            if not self.began:
                self.abandoned = True
                self.worker_done.set()

    def cancel(self) -> bool:
        if self.delivered or self.token.cancelled:
            return False
        self.token.cancel()
        self.pool._relay.cancelRequested.emit(self.id)
        return True


class JobHandle:
    """What :meth:`WorkerPool.submit` returns: cancel the job, ask about its state."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    @property
    def key(self) -> str | None:
        return self._job.key

    @property
    def cancelled(self) -> bool:
        return self._job.token.cancelled

    @property
    def done(self) -> bool:
        """True once the job's outcome was delivered (or dropped)."""
        return self._job.delivered

    def cancel(self) -> bool:
        """Cancel the job (any thread); False when already cancelled or delivered."""
        return self._job.cancel()


def _done_fn(token: CancelToken, progress: Progress) -> None:
    """What a forgotten job's function becomes (its closure is released on the GUI thread)."""


class _Runnable(QRunnable):
    def __init__(self, job: _Job, relay: _Relay) -> None:
        super().__init__()
        self.job = job
        self.relay = relay

    def run(self) -> None:
        job, relay = self.job, self.relay
        try:
            if not job.begin():
                return
            relay.started.emit(job.id)

            def progress(value: object) -> None:
                if not job.token.cancelled:
                    relay.progress.emit(job.id, value)

            try:
                value = job.fn(job.token, progress)
            except Exception as exc:
                relay.error.emit(job.id, exc)
            else:
                relay.result.emit(job.id, value)
                # The GUI thread must hold the last reference: a QObject freed here, on the
                # worker, would be destroyed on the wrong thread (timers, children, heap).
                del value
        finally:
            job.worker_done.set()
            relay.finished.emit(job.id)


class WorkerPool(QObject):
    """Runs jobs on its own ``QThreadPool``; outcomes reach callbacks on the GUI thread.

    Signals:
        busyChanged(int): the number of jobs in flight changed (emitted on the GUI thread).

    Call :meth:`shutdown` before the pool is destroyed (its ``QThreadPool`` waits for running
    jobs when it is deleted).
    """

    busyChanged = Signal(int)

    def __init__(self, max_threads: int = 8, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)  # created before the relay, so deleted (and waited) first
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.started.connect(self._on_started)
        self._relay.progress.connect(self._on_progress)
        self._relay.result.connect(self._on_result)
        self._relay.error.connect(self._on_error)
        self._relay.finished.connect(self._on_finished)
        self._relay.cancelRequested.connect(
            self._on_cancel_requested, Qt.ConnectionType.QueuedConnection
        )
        self._jobs: dict[int, _Job] = {}
        self._keyed: dict[str, _Job] = {}
        self._busy = 0
        self.closing = False

    def submit(
        self,
        fn: JobFn,
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[object], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_started: Callable[[], None] | None = None,
        key: str | None = None,
    ) -> JobHandle:
        """Run ``fn(token, progress)`` on the pool; call this on the pool's (GUI) thread.

        A running job with the same ``key`` is cancelled first. Callbacks left as None are not
        called; an error nobody handles is logged.
        """
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("WorkerPool.submit must be called on the pool's own thread")
        given = {
            "on_result": on_result,
            "on_error": on_error,
            "on_progress": on_progress,
            "on_cancelled": on_cancelled,
            "on_started": on_started,
        }
        job = _Job(self, fn, key, {k: v for k, v in given.items() if v is not None})
        handle = JobHandle(job)
        if self.closing:
            # late work of a closing window (a list refreshing as the last entry lands): expected
            log.debug("the worker pool is shut down; not running %r", job)
            job.token.cancel()
            job.delivered = True
            return handle
        if key is not None:
            older = self._keyed.get(key)
            if older is not None:
                log.debug("%r supersedes %r", job, older)
                older.cancel()
            self._keyed[key] = job
        self._jobs[job.id] = job
        self._pool.start(_Runnable(job, self._relay))
        self._update_busy()
        return handle

    def active_jobs(self) -> int:
        """Jobs whose function has not returned yet (queued or running)."""
        return sum(1 for job in list(self._jobs.values()) if not job.worker_done.is_set())

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel every job, stop delivering, wait up to ``timeout_ms``; True when all ended."""
        self.closing = True
        for job in list(self._jobs.values()):
            job.token.cancel()
        self._pool.clear()
        for job in list(self._jobs.values()):
            job.abandon_if_queued()
        finished = bool(self._pool.waitForDone(timeout_ms))
        if not finished:
            running = [job for job in self._jobs.values() if not job.worker_done.is_set()]
            log.warning(
                "%d job(s) still running after %d ms: %s",
                self.active_jobs(),
                timeout_ms,
                ", ".join(repr(job) for job in running),
            )
        for job in [job for job in self._jobs.values() if job.worker_done.is_set()]:
            self._forget(job)
        self._update_busy()
        return finished

    # GUI side: the relay's receivers ---------------------------------------------------------
    def _live(self, job_id: int) -> _Job | None:
        job = self._jobs.get(job_id)
        if job is None or job.delivered or job.token.cancelled or self.closing:
            return None
        return job

    def _call(self, job: _Job, name: str, *args: object) -> None:
        callback = job.callbacks.get(name)
        if callback is None:
            return
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return  # a widget's method, and the widget was deleted while the job ran
        try:
            callback(*args)
        except Exception as exc:
            # Never kill the app from a callback: log it, and report it as an unhandled
            # exception (sys.excepthook, which pytest-qt captures).
            log.exception("the %s callback of %r raised", name, job)
            sys.excepthook(type(exc), exc, exc.__traceback__)

    @Slot(int)
    def _on_started(self, job_id: int) -> None:
        if job := self._live(job_id):
            self._call(job, "on_started")

    @Slot(int, object)
    def _on_progress(self, job_id: int, value: object) -> None:
        if job := self._live(job_id):
            self._call(job, "on_progress", value)

    @Slot(int, object)
    def _on_result(self, job_id: int, value: object) -> None:
        if job := self._live(job_id):
            job.delivered = True
            self._call(job, "on_result", value)

    @Slot(int, object)
    def _on_error(self, job_id: int, exc: object) -> None:
        job = self._live(job_id)
        if job is None:
            log.debug("dropped the error of job %d: %r", job_id, exc)
            return
        job.delivered = True
        if "on_error" in job.callbacks:
            self._call(job, "on_error", exc)
        else:
            log.error("%r failed and nobody handles it", job, exc_info=exc)  # type: ignore[arg-type]

    @Slot(int)
    def _on_cancel_requested(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            self._deliver_cancelled(job)

    def _deliver_cancelled(self, job: _Job) -> None:
        if job.delivered or self.closing:
            return
        job.delivered = True
        self._call(job, "on_cancelled")

    @Slot(int)
    def _on_finished(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if job.token.cancelled:  # its cancelRequested may still be queued behind us
            self._deliver_cancelled(job)
        self._forget(job)

    def _forget(self, job: _Job) -> None:
        self._jobs.pop(job.id, None)
        if job.key is not None and self._keyed.get(job.key) is job:
            del self._keyed[job.key]
        job.delivered = True
        # Drop what the job's function and callbacks hold (often QObjects: a store, a view) here,
        # on the GUI thread; the worker's runnable may otherwise be the last to let go of them.
        if job.worker_done.is_set():
            job.fn = _done_fn
            job.callbacks = {}
        self._update_busy()

    def _update_busy(self) -> None:
        busy = self.active_jobs()
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)


class Op(Generic[T]):
    """Builder over :meth:`WorkerPool.submit`, in the manner of Anki's ``QueryOp``.

    ``Op(pool, fn).on_success(show).on_failure(report).with_key("dir").run()``
    """

    def __init__(self, pool: WorkerPool, fn: Callable[[CancelToken, Progress], T]) -> None:
        self._pool = pool
        self._fn = fn
        self._kwargs: dict[str, Any] = {}

    def on_success(self, callback: Callable[[T], None]) -> Op[T]:
        self._kwargs["on_result"] = callback
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        self._kwargs["on_error"] = callback
        return self

    def on_progress(self, callback: Callable[[object], None]) -> Op[T]:
        self._kwargs["on_progress"] = callback
        return self

    def on_cancelled(self, callback: Callable[[], None]) -> Op[T]:
        self._kwargs["on_cancelled"] = callback
        return self

    def on_started(self, callback: Callable[[], None]) -> Op[T]:
        self._kwargs["on_started"] = callback
        return self

    def with_key(self, key: str) -> Op[T]:
        self._kwargs["key"] = key
        return self

    def run(self) -> JobHandle:
        return self._pool.submit(self._fn, **self._kwargs)
