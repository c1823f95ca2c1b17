"""The warm, shared pool of worker processes that read big bodies, so the app's own process
never runs long Python while its window must paint.

No Qt. Why processes: a thread of the GUI process that parses or pretty-prints 1 MB of JSON holds
the interpreter lock for tens of milliseconds (``json.loads`` is one C call), and the GUI thread
waits for that lock on every event that reaches Python: frames are missed. A worker process has a
lock of its own. Only small things cross the pipe: a file path and arguments one way, a node
list or the first ~150 kB of pretty text back.

:class:`ProcessPool` wraps :class:`concurrent.futures.ProcessPoolExecutor` over the ``spawn``
context (as :mod:`.process_document`: the same on every platform and in the PyInstaller bundle,
whose entry point calls ``multiprocessing.freeze_support()``), sized to the cores. It starts
lazily on the first job, or warm with :meth:`ProcessPool.start` (the app calls it after its first
paint); :meth:`ProcessPool.shutdown` kills the processes (the app calls it on exit; they are
daemons besides). A worker that dies (killed, out of memory) breaks the executor: the jobs it held
fail with :class:`WorkerCrashed`, whose message is a sentence for the user, and the next job
starts a fresh pool. :meth:`ProcessPool.call` waits for a job on a thread (the wait releases the
lock) and polls a cancel token: a cancelled job's result is dropped.

:func:`shared_pool` is the one pool of the process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from shipexplorer.core.documents.background import work_in_background
from shipexplorer.core.documents.json_document import POOL_THRESHOLD

if TYPE_CHECKING:  # the worker processes do not import the api package
    from shipexplorer.api.cancel import CancelToken

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("spawn")
_POLL = 0.05  # seconds between cancel checks while a job runs


class WorkerCrashed(RuntimeError):
    """A worker process ended in the middle of a job; the message is for the user."""


def default_size() -> int:
    """Processes for the pool: one per core, at least one, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def _warm() -> int:
    """What a fresh worker runs first: the imports its jobs need; its pid."""
    import json  # noqa: F401

    import simdjson  # noqa: F401

    from shipexplorer.core.documents import pool_jobs  # noqa: F401

    return os.getpid()


class ProcessPool:
    """A pool of worker processes, started lazily or by :meth:`start`, reused for every job."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or default_size()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        #: how many times the workers were (re)started: a crash makes it grow
        self.generation = 0

    # -- life -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start every worker now (and import what jobs need), without waiting for them."""
        executor = self._ensure()
        for _ in range(self.size):
            with contextlib.suppress(BrokenProcessPool, RuntimeError):
                executor.submit(_warm)

    @property
    def started(self) -> bool:
        return self._executor is not None

    def pids(self) -> list[int]:
        """The process ids of the running workers."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [p.pid for p in list(processes.values()) if p.is_alive()]

    def shutdown(self) -> None:
        """Kill the workers now (a job in flight fails); a later job starts the pool again
        unless :meth:`close` was called."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _kill(executor)

    def close(self) -> None:
        """:meth:`shutdown` for good: later jobs fail."""
        self._closed = True
        self.shutdown()

    def _ensure(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("The worker processes are shut down.")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.size, mp_context=_CONTEXT, initializer=work_in_background
                )
                self.generation += 1
            return self._executor

    def _broken(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        _kill(executor)

    # -- jobs -------------------------------------------------------------------------------

    def submit(self, fn: Callable[..., T], *args: Any) -> Future:
        """Run ``fn(*args)`` in a worker (``fn`` must be a module-level function)."""
        executor = self._ensure()
        try:
            return executor.submit(fn, *args)
        except BrokenProcessPool:
            self._broken(executor)
            return self._ensure().submit(fn, *args)

    def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        cancel: CancelToken | None = None,
        timeout: float | None = None,
    ) -> T:
        """``fn(*args)`` run in a worker; blocks (call it on a worker thread, never the GUI's).

        Raises ``api.Cancelled`` when ``cancel`` is set first (the job's result is dropped),
        :class:`WorkerCrashed` when the worker died, and what ``fn`` raised otherwise.
        """
        executor = self._ensure()
        try:
            future = executor.submit(fn, *args)
        except BrokenProcessPool:
            self._broken(executor)
            executor = self._ensure()
            future = executor.submit(fn, *args)
        waited = 0.0
        while True:
            if cancel is not None and cancel.cancelled:
                future.cancel()  # a queued job never runs; a running one is left to end alone
                _raise_cancelled()
            try:
                return future.result(timeout=_POLL)
            except FutureTimeout:
                waited += _POLL
                if timeout is not None and waited >= timeout:
                    future.cancel()
                    raise TimeoutError("The worker process took too long.") from None
            except BrokenProcessPool:
                self._broken(executor)
                raise WorkerCrashed(
                    "The helper process that reads big answers stopped unexpectedly "
                    "(out of memory, or killed); send the request again."
                ) from None


def _kill(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    with contextlib.suppress(Exception):
        executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(1.0)


def _raise_cancelled() -> None:
    from shipexplorer.api.errors import Cancelled

    raise Cancelled("Cancelled.")


_shared: ProcessPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ProcessPool:
    """The process's one pool (made on first use; started by :meth:`ProcessPool.start` or by
    its first job)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ProcessPool()
        return _shared


def start_shared_pool() -> None:
    """Warm the shared pool (the app calls it after its first paint)."""
    shared_pool().start()


def shutdown_shared_pool() -> None:
    """Kill the shared pool's processes (the app calls it on exit)."""
    with _shared_lock:
        pool = _shared
    if pool is not None:
        pool.shutdown()


__all__ = [
    "POOL_THRESHOLD",
    "ProcessPool",
    "WorkerCrashed",
    "default_size",
    "shared_pool",
    "shutdown_shared_pool",
    "start_shared_pool",
]
