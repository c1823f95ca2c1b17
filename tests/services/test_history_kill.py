"""History survives a kill: every entry the service said it recorded is there, whole, after SIGKILL.

A child process runs the real :class:`~shipexplorer.services.history.HistoryService` (its writer
thread, in a ``QCoreApplication``) and keeps it busy: a few exchanges always queued, one in three
with a body over the in-row cap (spilled to a gzip file). Each ``entryAdded`` the service emits is
printed (the entry id) and answered with the next exchange. The parent SIGKILLs the child after a
number of confirmations, while writes are still going on, then opens the database as the next start
of the app would: it must open without being moved aside, pass ``PRAGMA integrity_check``, and hold
every confirmed entry with its whole body. Three rounds on the same database, killed at different
points; no key reaches any file.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from shipexplorer.core.history_store import HistoryStore
from tests.canary import assert_not_in_files

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-history-kill-canary-51c0e2"
BIG = 1_100_000  # over the store's in-row cap (1 MB): the body goes to a gzip file
IN_FLIGHT = 4

CHILD = r"""
import random, sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from shipexplorer.api import ConnectionSettings, Exchange
from shipexplorer.services.history import HistoryService
from shipexplorer.services.workers import WorkerPool

path, n, key = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
big, in_flight = int(sys.argv[4]), int(sys.argv[5])

def body(n):
    return random.Random(n).randbytes(big) if n % 3 == 0 else b'{"n": %d}' % n

app = QCoreApplication([])
pool = WorkerPool(max_threads=1)
history = HistoryService(pool, None, path)
settings = ConnectionSettings(api_key=key, workspace_handle="ws-kill")

def send_one():
    global n
    exchange = Exchange(
        "POST", f"https://api.example.org/api/v1/kill/{n}",
        [("Authorization", f"Bearer {key}")], request_body=b'{"n": %d}' % n,
        status=200, response_body=body(n), started_at=time.time(), elapsed=0.01,
    )
    history.record(exchange, settings, "kill")
    n += 1

def confirmed(entry_id):
    print(entry_id, flush=True)  # the service said it is written: it must survive a kill
    send_one()

history.entryAdded.connect(confirmed)
history.problem.connect(lambda text: print("problem:", text, file=sys.stderr, flush=True))
history.start()
for _ in range(in_flight):
    send_one()
app.exec()
"""


def body(n: int) -> bytes:
    """The response body of exchange ``n`` (the child makes the same)."""
    return random.Random(n).randbytes(BIG) if n % 3 == 0 else b'{"n": %d}' % n


class Child:
    """The writing child; its stdout lines (confirmed entry ids) are read on a thread."""

    def __init__(self, path: Path, first: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(first), KEY, str(BIG), str(IN_FLIGHT)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.confirmed: list[int] = []

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)  # end of output: the child is gone

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        """Wait until ``count`` entries were confirmed (fails with the child's stderr)."""
        deadline = time.monotonic() + timeout
        while len(self.confirmed) < count:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"only {len(self.confirmed)} confirmed in {timeout} s"
                ) from None
            if line is None:
                raise AssertionError(f"the child ended early: {self.stderr()[-3000:]}")
            self.confirmed.append(int(line))

    def kill(self) -> str:
        """SIGKILL the child; the ids it printed before dying are added; returns its stderr."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.reader.join(10)
        while (line := self.lines.get_nowait()) is not None:
            self.confirmed.append(int(line))
        return self.stderr()

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read() if self.process.poll() is not None else ""


def check_database(path: Path, confirmed: list[int]) -> int:
    """Open as the next start would; every confirmed entry is there with its whole body. Returns
    how many of them had a spilled body."""
    store = HistoryStore(path)
    try:
        assert store.open() is None  # not damaged: nothing moved aside, nothing read-only
        with store.reading() as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        spilled = 0
        for entry_id in confirmed:
            entry = store.get(entry_id, whole_body=True)
            assert entry is not None, f"confirmed entry {entry_id} is missing"
            n = int(entry.url.rsplit("/", 1)[1])
            assert entry.body_complete and bytes(entry.response_body or b"") == body(n), entry_id
            spilled += entry.body_file is not None
        assert store.count() >= len(confirmed)
        return spilled
    finally:
        store.close()


def test_confirmed_entries_survive_a_kill_of_the_history_writer(tmp_path):
    path = tmp_path / "data" / "history.sqlite3"
    confirmed: list[int] = []
    spilled = 0
    for round_, count in enumerate((7, 19, 31)):
        child = Child(path, first=round_ * 100_000)
        try:
            child.wait_for(count)
            assert len(child.confirmed) >= count > 0
            stderr = child.kill()
        finally:
            if child.process.poll() is None:
                child.process.kill()
                child.process.wait(10)
        assert child.process.returncode == -signal.SIGKILL, stderr[-3000:]
        assert "problem:" not in stderr, stderr[-3000:]
        assert len(set(child.confirmed)) == len(child.confirmed)
        confirmed += child.confirmed
        spilled += check_database(path, child.confirmed)
    assert len(set(confirmed)) == len(confirmed) >= 57
    assert spilled > 0  # big bodies were among the confirmed writes
    check_database(path, confirmed)  # the later rounds lost nothing of the earlier ones
    assert not [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert_not_in_files(KEY, [tmp_path])
