"""Fixtures for the services tests: a worker pool that fails a test leaving jobs running."""

from __future__ import annotations

import pytest

from shipexplorer.services.workers import WorkerPool


def leftover_jobs(pool: WorkerPool, qtbot, wait_ms: int = 3000) -> int:
    """Wait (event loop turning) up to ``wait_ms`` for the pool's jobs to end, then shut it down;
    returns how many jobs were still running when the wait ended."""
    try:
        qtbot.waitUntil(lambda: pool.active_jobs() == 0, timeout=wait_ms)
        left = 0
    except qtbot.TimeoutError:
        left = pool.active_jobs()
    pool.shutdown(timeout_ms=3000)
    return left


@pytest.fixture
def worker_pool(qtbot):
    """A fresh :class:`WorkerPool`; the test fails if jobs are still running at teardown."""
    pool = WorkerPool(max_threads=8)
    yield pool
    left = leftover_jobs(pool, qtbot)
    if left:
        pytest.fail(f"{left} worker job(s) still running at teardown")
