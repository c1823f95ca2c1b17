"""The shared pool of worker processes: start, reuse, a crash survived, shutdown, cancel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from shipexplorer.api.cancel import CancelToken
from shipexplorer.api.errors import Cancelled
from shipexplorer.core.documents import pool_jobs
from shipexplorer.core.documents.pooled_document import open_pooled
from shipexplorer.core.documents.process_pool import ProcessPool, WorkerCrashed

HANG = 60  # seconds: a "did not hang" bound, never a timing assertion

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pool():
    made = ProcessPool(size=2)
    yield made
    made.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is not alive
        return stat.read().split(")")[1].split()[0] != "Z"


def test_start_is_lazy_and_start_warms_the_processes(pool):
    assert not pool.started and pool.pids() == []
    pool.start()
    assert pool.started
    pids = {pool.call(pool_jobs.worker_pid, timeout=HANG) for _ in range(6)}
    assert pids and os.getpid() not in pids
    assert set(pool.pids()) >= pids
    assert len(pool.pids()) <= 2


def test_the_first_job_starts_the_pool_and_later_jobs_reuse_its_processes(pool):
    first = pool.call(pool_jobs.worker_pid, timeout=HANG)
    again = {pool.call(pool_jobs.worker_pid, timeout=HANG) for _ in range(10)}
    assert first != os.getpid()
    assert again <= set(pool.pids())
    assert pool.generation == 1


def test_a_big_body_is_parsed_in_another_process(pool, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"items": [{"n": i, "text": "x" * 60} for i in range(3000)]}))
    assert path.stat().st_size > 64_000
    document, text = open_pooled(path, 1000, pool=pool)
    assert document.root().preview == "{1 key}"
    assert text.startswith('{\n  "items": [') and len(text) == 1000
    rows = document.children(("items",), 2, 2)
    assert [row.path for row in rows] == [("items", 2), ("items", 3)]
    assert document.query("$.items[?@.n == 7].n") == [("items", 7, "n")]
    # the parsed body is cached in a worker, never in this process
    assert pool.call(pool_jobs.worker_pid) != os.getpid()
    assert "simdjson" not in {type(row).__module__ for row in rows}


def test_a_body_that_is_not_json_is_said_in_words(pool, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"a": ' + "1" * 70_000)
    with pytest.raises(ValueError, match="not valid JSON"):
        open_pooled(path, 1000, pool=pool)


def test_a_crashed_worker_is_reported_in_words_and_the_pool_goes_on(pool):
    pool.start()
    before = pool.pids()
    with pytest.raises(WorkerCrashed) as caught:
        pool.call(pool_jobs.crash, timeout=HANG)
    message = str(caught.value)
    assert "stopped unexpectedly" in message and "Broken" not in message
    assert pool.call(pool_jobs.worker_pid, timeout=HANG) not in before
    assert pool.generation == 2


def test_shutdown_kills_the_processes(pool):
    pool.start()
    pool.call(pool_jobs.worker_pid, timeout=HANG)
    pids = pool.pids()
    assert pids
    pool.shutdown()
    assert not any(_alive(pid) for pid in pids)
    assert pool.pids() == []


def test_after_close_no_job_runs(pool):
    pool.close()
    with pytest.raises(RuntimeError):
        pool.call(pool_jobs.worker_pid)


def test_a_cancelled_job_raises_cancelled_and_its_result_is_dropped(pool):
    token = CancelToken()
    outcome: list[object] = []

    def wait() -> None:
        try:
            outcome.append(pool.call(pool_jobs.nap, 2.0, cancel=token, timeout=HANG))
        except Cancelled as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    token.cancel()
    waiter.join(HANG)
    assert not waiter.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


_KILLED_APP = """
import os, sys, time
from shipexplorer.core.documents.process_pool import ProcessPool
pool = ProcessPool(2)
pool.start()
pool.submit(os.getpid).result(timeout=60)
print(" ".join(map(str, pool.pids())), flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_workers_end_when_the_app_is_killed(qtbot):
    """A SIGKILLed app cannot stop its workers: they watch it, and multiprocessing's resource
    tracker (which waits for them) ends after them."""
    app = subprocess.Popen(
        [sys.executable, "-c", _KILLED_APP], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        workers = [int(pid) for pid in app.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    finally:
        app.kill()
        app.wait(10)
    qtbot.waitUntil(lambda: not any(_alive(pid) for pid in workers), timeout=10_000)
