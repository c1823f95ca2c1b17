"""The app's worker processes: warmed after the first paint, killed with the app."""

from __future__ import annotations

import os

from shipexplorer import app
from shipexplorer.core.documents import pool_jobs
from shipexplorer.core.documents.process_pool import shared_pool


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[1].split()[0] != "Z"


def test_the_shared_worker_processes_start_warm_and_die_with_the_app():
    app._warm_processes()
    pool = shared_pool()
    pid = pool.call(pool_jobs.worker_pid, timeout=60)
    assert pid != os.getpid() and pid in pool.pids()
    app._stop_processes()
    assert not _alive(pid) and pool.pids() == []
    assert pool.call(pool_jobs.worker_pid, timeout=60) != pid  # a later answer starts them again
    app._stop_processes()
