"""Fixtures for the services tests: a worker pool that fails a test leaving jobs running."""

from __future__ import annotations

import pytest

from shipexplorer.services.workers import WorkerPool


@pytest.fixture
def worker_pool(qtbot):
    """A fresh :class:`WorkerPool`; the test fails if jobs are still running at teardown (after
    a bounded wait that keeps the event loop turning)."""
    pool = WorkerPool(max_threads=8)
    yield pool
    try:
        qtbot.waitUntil(lambda: pool.active_jobs() == 0, timeout=3000)
    except qtbot.TimeoutError:
        left = pool.active_jobs()
        pool.shutdown(timeout_ms=3000)
        pytest.fail(f"{left} worker job(s) still running at teardown")
    finally:
        pool.shutdown(timeout_ms=3000)
        pool.deleteLater()
