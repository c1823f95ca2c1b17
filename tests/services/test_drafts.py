"""Drafts survive a kill: a child process edits a tab and is SIGKILLed; a new store restores it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.drafts import DraftStore, draft_path
from tests.canary import assert_not_in_files

CHILD = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from shipexplorer.services.drafts import DraftStore
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.workers import WorkerPool

app = QCoreApplication([])
pool = WorkerPool(max_threads=2)
store = DraftStore(pool, Path(sys.argv[1]))
n = 0

def type_more():
    global n
    n += 1
    store.update("tab-1", RequestSpec(instance="t-echo", method="echo", body=f'{{"n": {n}}}'))
    store.update("tab-2", RequestSpec(instance="t-greeter", method="greet", body="{}"))
    print(n, flush=True)
    if n == int(sys.argv[2]):
        timer.stop()  # the user stops typing; the process keeps running until killed

timer = QTimer()
timer.timeout.connect(type_more)
timer.start(int(sys.argv[3]))
app.exec()
"""


def run_child(folder: Path, last: int, every_ms: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(last), str(every_ms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def wait_for_line(child: subprocess.Popen, value: int) -> float:
    for line in child.stdout:
        if int(line) == value:
            return time.monotonic()
    raise AssertionError(f"the child ended early: {child.stderr.read()[-2000:]}")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_a_draft_survives_a_kill(tmp_path, qtbot):
    folder = tmp_path / "drafts"
    child = run_child(folder, last=5, every_ms=50)
    try:
        typed = wait_for_line(child, 5)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - typed)))  # the promise: within 2 s
        # a second copy of the app, started while the child runs, leaves its drafts alone
        assert DraftStore(None, folder).load() == []
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        child.kill()
    assert child.returncode == -signal.SIGKILL
    restored = DraftStore(None, folder).load_keyed()
    assert dict(restored) == {
        "tab-1": RequestSpec(instance="t-echo", method="echo", body='{"n": 5}'),
        "tab-2": RequestSpec(instance="t-greeter", method="greet", body="{}"),
    }


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_a_kill_while_typing_leaves_a_whole_draft(tmp_path):
    folder = tmp_path / "drafts"
    for round_ in range(3):
        child = run_child(folder, last=10_000, every_ms=5)
        try:
            wait_for_line(child, 150 + 37 * round_)
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        finally:
            child.kill()
        store = DraftStore(None, folder)
        specs = store.load()
        store.close()  # the restored session is removed; this one ends (empty)
        bodies = [json.loads(s.body) for s in specs if s.method == "echo"]
        assert len(bodies) == 1 and bodies[0]["n"] > 0, specs
    assert not list(folder.rglob("*.corrupt-*"))


def test_update_discard_flush_and_restore(qtbot, tmp_path, worker_pool):
    canary = "ss-CANARY-draft-0001"
    store = DraftStore(worker_pool, tmp_path)
    spec = RequestSpec(instance="i", method="m", body='{"a": 1}', verb="GET")
    with qtbot.waitSignal(store.written, timeout=3000):
        store.update("a", spec)
        store.update("b", spec)
    assert draft_path(store.session, "a").exists() and draft_path(store.session, "b").exists()
    with qtbot.waitSignal(store.written, timeout=3000):
        store.discard("b")
    assert not draft_path(store.session, "b").exists()
    store.update("a", RequestSpec(body="newest"))
    store.close()  # at shutdown: written now, on this thread
    assert [s.body for s in DraftStore(None, tmp_path).load()] == ["newest"]
    assert_not_in_files(canary, [tmp_path])


def test_restored_drafts_are_replaced_by_the_new_tabs(qtbot, tmp_path):
    old = DraftStore(None, tmp_path)
    old.update("old-1", RequestSpec(body="one"))
    old.update("old-2", RequestSpec(body="two"))
    old.flush()
    assert DraftStore(None, tmp_path).load() == []  # a running copy's drafts are left alone
    old.close()
    new = DraftStore(None, tmp_path)
    restored = new.load()
    assert [s.body for s in restored] == ["one", "two"]
    for n, spec in enumerate(restored):  # the integrator opens tabs with keys of its own
        new.update(f"tab-{n}", spec)
    new.close()
    assert not old.session.exists()
    assert sorted(k for k, _ in DraftStore(None, tmp_path).load_keyed()) == ["tab-0", "tab-1"]


def test_a_corrupt_draft_is_moved_aside(qtbot, tmp_path):
    session = tmp_path / "session-ended"
    session.mkdir()
    session.joinpath("draft-0123.json").write_bytes(b"\x00garbage")
    session.joinpath("draft-4567.json").write_text(
        json.dumps({"kind": "request-draft", "schemaVersion": 1, "tabKey": 3, "spec": {}})
    )
    store = DraftStore(None, tmp_path)
    with qtbot.waitSignals([store.problem, store.problem], timeout=1000):
        assert store.load() == []
        store.flush()  # the ended session is removed, the damaged drafts are kept
    assert len(list(tmp_path.glob("draft-*.corrupt-*"))) == 2
    assert not session.exists()


def test_update_later_reads_the_editor_only_when_writing(qtbot, tmp_path, worker_pool):
    store = DraftStore(worker_pool, tmp_path)
    calls = []

    def spec_of() -> RequestSpec:
        calls.append(1)
        return RequestSpec(body=f"typed {len(calls)}")

    with qtbot.waitSignal(store.written, timeout=3000):
        for _ in range(50):  # fifty keystrokes
            store.update_later("tab", spec_of)
    assert len(calls) == 1
    store.close()
    assert [s.body for s in DraftStore(None, tmp_path).load()] == ["typed 1"]


def test_a_tab_deleted_before_the_write_is_skipped(qtbot, tmp_path):
    store = DraftStore(None, tmp_path)

    def gone() -> RequestSpec:
        raise RuntimeError("Internal C++ object (RequestTab) already deleted.")

    store.update_later("closed", gone)
    store.update("open", RequestSpec(body="kept"))
    store.close()
    assert [s.body for s in DraftStore(None, tmp_path).load()] == ["kept"]
