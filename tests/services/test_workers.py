"""The worker bridge: outcomes on the GUI thread, cancellation, keys, shutdown, timeouts."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from shipexplorer.services.workers import (
    CallCancelled,
    CallTimedOut,
    Op,
    WorkerPool,
    run_with_timeout,
)
from tests.conftest import leftover_jobs


def _gui_thread() -> QThread:
    return QCoreApplication.instance().thread()


class Recorder:
    """Collects callback calls with the thread each ran on."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.threads: list[QThread] = []

    def __getattr__(self, name: str):
        def callback(*args):
            self.calls.append((name, args[0] if args else None))
            self.threads.append(QThread.currentThread())

        return callback

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def test_result_and_progress_arrive_on_the_gui_thread(qtbot, worker_pool):
    rec = Recorder()
    worker_threads = []

    def job(token, progress):
        worker_threads.append(QThread.currentThread())
        progress(1)
        progress(2)
        return "answer"

    worker_pool.submit(job, on_result=rec.result, on_progress=rec.progress, on_started=rec.started)
    qtbot.waitUntil(lambda: "result" in rec.names(), timeout=3000)
    assert rec.calls == [("started", None), ("progress", 1), ("progress", 2), ("result", "answer")]
    assert all(thread is _gui_thread() for thread in rec.threads)
    assert worker_threads and worker_threads[0] is not _gui_thread()


def test_an_error_reaches_on_error_on_the_gui_thread(qtbot, worker_pool):
    rec = Recorder()

    def job(token, progress):
        raise ValueError("boom")

    worker_pool.submit(job, on_result=rec.result, on_error=rec.error)
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=3000)
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=3000)
    [(name, exc)] = rec.calls
    assert name == "error" and isinstance(exc, ValueError) and str(exc) == "boom"
    assert rec.threads[0] is _gui_thread()


def test_an_unhandled_error_is_logged(qtbot, worker_pool, caplog):
    def job(token, progress):
        raise KeyError("nobody listens")

    worker_pool.submit(job)
    qtbot.waitUntil(lambda: "nobody handles it" in caplog.text, timeout=3000)


def test_cancel_drops_the_late_result_and_calls_on_cancelled_once(qtbot, worker_pool):
    rec = Recorder()
    release = threading.Event()
    running = threading.Event()

    def job(token, progress):
        running.set()
        release.wait(5)
        progress("late")
        return "late result"

    handle = worker_pool.submit(
        job, on_result=rec.result, on_progress=rec.progress, on_cancelled=rec.cancelled
    )
    qtbot.waitUntil(running.is_set, timeout=3000)
    assert handle.cancel() is True
    assert handle.cancelled
    assert handle.cancel() is False  # a second cancel changes nothing
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=3000)
    qtbot.wait(50)  # let any late (wrongly delivered) event through
    assert rec.calls == [("cancelled", None)]
    assert rec.threads == [_gui_thread()]
    assert handle.done


def test_cancelling_sets_the_token_the_job_sees(qtbot, worker_pool):
    rec = Recorder()
    seen = []

    def job(token, progress):
        seen.append(token.wait(5))  # returns True as soon as cancelled
        return "ignored"

    handle = worker_pool.submit(job, on_result=rec.result, on_cancelled=rec.cancelled)
    handle.cancel()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=3000)
    assert seen in ([], [True])  # it may be dropped before it even starts
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=3000)
    assert rec.names() == ["cancelled"]


def test_a_job_with_the_same_key_supersedes_the_older_one(qtbot, worker_pool):
    first, second = Recorder(), Recorder()
    started = threading.Event()

    def slow(token, progress):
        started.set()
        token.wait(5)
        return "first"

    def fast(token, progress):
        return "second"

    older = worker_pool.submit(
        slow, key="dir", on_result=first.result, on_cancelled=first.cancelled
    )
    qtbot.waitUntil(started.is_set, timeout=3000)
    worker_pool.submit(fast, key="dir", on_result=second.result)
    qtbot.waitUntil(lambda: bool(second.calls and first.calls), timeout=3000)
    assert older.cancelled
    assert first.calls == [("cancelled", None)]
    assert second.calls == [("result", "second")]


def test_other_keys_do_not_interfere(qtbot, worker_pool):
    a, b = Recorder(), Recorder()
    gate = threading.Barrier(2, timeout=5)

    def job(name):
        def run(token, progress):
            gate.wait()  # both run at once
            return name

        return run

    worker_pool.submit(job("a"), key="a", on_result=a.result)
    worker_pool.submit(job("b"), key="b", on_result=b.result)
    qtbot.waitUntil(lambda: bool(a.calls and b.calls), timeout=3000)
    assert (a.calls, b.calls) == ([("result", "a")], [("result", "b")])


def test_busy_changed_counts_jobs_in_flight(qtbot, worker_pool):
    counts = []
    worker_pool.busyChanged.connect(counts.append)
    release = threading.Event()
    for _ in range(3):
        worker_pool.submit(lambda token, progress: release.wait(5))
    assert worker_pool.active_jobs() == 3
    assert counts[-1] == 3
    release.set()
    qtbot.waitUntil(lambda: counts[-1] == 0, timeout=3000)
    assert worker_pool.active_jobs() == 0


def test_a_callback_exception_is_reported_not_swallowed(qtbot, worker_pool, caplog):
    after = Recorder()

    def bad_callback(value):
        raise RuntimeError("callback bug")

    with qtbot.captureExceptions() as exceptions:
        worker_pool.submit(lambda token, progress: 1, on_result=bad_callback)
        qtbot.waitUntil(lambda: bool(exceptions), timeout=3000)
        # The app goes on: the pool still runs and delivers.
        worker_pool.submit(lambda token, progress: 2, on_result=after.result)
        qtbot.waitUntil(lambda: bool(after.calls), timeout=3000)
    assert [str(exc[1]) for exc in exceptions] == ["callback bug"]
    assert "callback bug" in caplog.text
    assert after.calls == [("result", 2)]


def test_submit_from_another_thread_is_refused(worker_pool):
    errors = []

    def other():
        try:
            worker_pool.submit(lambda token, progress: None)
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(5)
    assert errors and "own thread" in str(errors[0])


def test_op_builder_is_sugar_over_submit(qtbot, worker_pool):
    ok, failed = Recorder(), Recorder()
    Op(worker_pool, lambda token, progress: 41 + 1).on_success(ok.result).run()
    Op(worker_pool, lambda token, progress: 1 / 0).on_failure(failed.error).with_key("x").run()
    qtbot.waitUntil(lambda: bool(ok.calls and failed.calls), timeout=3000)
    assert ok.calls == [("result", 42)]
    assert isinstance(failed.calls[0][1], ZeroDivisionError)


def test_shutdown_cancels_everything_and_is_bounded(qtbot):
    pool = WorkerPool(max_threads=2)
    rec = Recorder()
    for _ in range(5):  # two run, three wait in the queue
        pool.submit(
            lambda token, progress: token.wait(30),
            on_result=rec.result,
            on_cancelled=rec.cancelled,
        )
    began = time.monotonic()
    assert pool.shutdown(timeout_ms=3000) is True
    assert time.monotonic() - began < 1.0
    assert pool.active_jobs() == 0
    qtbot.wait(50)
    assert rec.calls == []  # nothing is delivered after shutdown
    handle = pool.submit(lambda token, progress: 1, on_result=rec.result)
    assert handle.cancelled and handle.done


def test_shutdown_reports_a_job_that_ignores_its_token(qtbot):
    pool = WorkerPool()
    release = threading.Event()
    started = threading.Event()

    def stubborn(token, progress):
        started.set()
        release.wait(10)

    pool.submit(stubborn)
    qtbot.waitUntil(started.is_set, timeout=3000)
    began = time.monotonic()
    try:
        assert pool.shutdown(timeout_ms=200) is False
        assert time.monotonic() - began < 1.5
        assert pool.active_jobs() == 1
    finally:
        release.set()
        assert pool.shutdown(timeout_ms=3000) is True


def test_run_with_timeout_returns_and_raises_what_fn_did():
    assert run_with_timeout(lambda: 7, 1.0, "adding") == 7
    with pytest.raises(LookupError, match="missing"):
        run_with_timeout(lambda: (_ for _ in ()).throw(LookupError("missing")), 1.0, "looking")


def test_run_with_timeout_times_out_with_a_clear_message():
    stuck = threading.Event()
    began = time.monotonic()
    try:
        with pytest.raises(CallTimedOut) as info:
            run_with_timeout(lambda: stuck.wait(30), 0.2, "reading the key")
    finally:
        stuck.set()
    assert time.monotonic() - began < 2
    assert str(info.value) == "reading the key did not finish within 0.2 s"
    assert (info.value.what, info.value.timeout) == ("reading the key", 0.2)
    assert isinstance(info.value, TimeoutError)


def test_run_with_timeout_stops_waiting_when_cancelled():
    from shipexplorer.api.transport import CancelToken

    token = CancelToken()
    stuck = threading.Event()
    threading.Timer(0.1, token.cancel).start()
    try:
        with pytest.raises(CallCancelled):
            run_with_timeout(lambda: stuck.wait(30), 10, "waiting", token=token)
    finally:
        stuck.set()


def test_a_stuck_call_holds_no_pool_thread(qtbot, worker_pool):
    stuck = threading.Event()
    rec = Recorder()

    def job(token, progress):
        return run_with_timeout(lambda: stuck.wait(30), 0.2, "unlocking")

    try:
        worker_pool.submit(job, on_error=rec.error)
        qtbot.waitUntil(lambda: bool(rec.calls), timeout=3000)
        assert isinstance(rec.calls[0][1], CallTimedOut)
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=3000)
        assert any(t.name == "run_with_timeout: unlocking" for t in threading.enumerate())
    finally:
        stuck.set()


def test_a_stuck_call_does_not_block_interpreter_exit():
    code = (
        "import threading\n"
        "from shipexplorer.services.workers import run_with_timeout, CallTimedOut\n"
        "try:\n"
        "    run_with_timeout(threading.Event().wait, 0.1, 'for ever')\n"
        "except CallTimedOut as exc:\n"
        "    print(exc)\n"
    )
    began = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "for ever did not finish within 0.1 s"
    assert time.monotonic() - began < 20


def test_many_jobs_all_deliver(qtbot, worker_pool):
    results = []
    for i in range(100):
        worker_pool.submit(lambda token, progress, i=i: i * 2, on_result=results.append)
    qtbot.waitUntil(lambda: len(results) == 100, timeout=5000)
    assert sorted(results) == [i * 2 for i in range(100)]


def test_the_fixture_reports_leftover_jobs(qtbot):
    pool = WorkerPool()
    release = threading.Event()
    pool.submit(lambda token, progress: release.wait(5))
    threading.Timer(0.5, release.set).start()  # ends it after the fixture's wait gave up
    assert leftover_jobs(pool, qtbot, wait_ms=100) == 1
    assert pool.active_jobs() == 0  # the shutdown that followed waited for it

    calm = WorkerPool()
    calm.submit(lambda token, progress: None)
    assert leftover_jobs(calm, qtbot, wait_ms=3000) == 0


def test_cancel_aborts_an_http_call_at_once(qtbot, worker_pool, emulator):
    from shipexplorer.api import Cancelled, ConnectionSettings, SteamshipClient
    from shipexplorer.emulator import DEMO_API_KEY

    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, api_key=DEMO_API_KEY
    )
    with SteamshipClient(settings) as client:
        ws = client.workspace_create(f"workers-{time.monotonic_ns()}").value
        client.set_workspace(handle=ws.handle, id=ws.id)
        faults = client.instance_create("faults", f"f-{time.monotonic_ns()}").value
        rec = Recorder()
        raised: list[BaseException] = []

        def call(token, progress):
            progress("sent")
            try:
                return client.invoke(faults, "slow", {"seconds": 30}, cancel=token)
            except Cancelled as exc:
                raised.append(exc)
                raise

        handle = worker_pool.submit(
            call,
            on_result=rec.result,
            on_error=rec.error,
            on_cancelled=rec.cancelled,
            on_progress=rec.progress,
        )
        qtbot.waitUntil(lambda: bool(rec.calls), timeout=5000)  # the request is on its way
        qtbot.waitUntil(  # and the server is holding it
            lambda: any("/slow" in r.path for r in emulator.requests), timeout=5000
        )
        began = time.monotonic()
        handle.cancel()
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        assert time.monotonic() - began < 1.0
        # on_cancelled is delivered on a later turn of the event loop than the job's end.
        qtbot.waitUntil(lambda: rec.names() == ["progress", "cancelled"], timeout=5000)
        assert raised and isinstance(raised[0], Cancelled)
        assert client.invoke(faults, "slow", {"seconds": 0}).value is not None  # still usable


def test_a_deleted_widgets_method_is_not_called(qtbot, worker_pool):
    """A panel closed while its query ran: its bound method is skipped, nothing raises."""
    import shiboken6
    from PySide6.QtWidgets import QComboBox

    class Panel(QComboBox):
        called = 0

        def loaded(self, _value) -> None:
            Panel.called += 1
            self.currentData()  # raises RuntimeError on a deleted widget

    release = threading.Event()
    gone, kept = Panel(), Panel()
    for panel in (gone, kept):
        worker_pool.submit(lambda token, progress: release.wait(5), on_result=panel.loaded)
    shiboken6.delete(gone)
    release.set()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    qtbot.waitUntil(lambda: Panel.called == 1, timeout=5000)
    kept.deleteLater()
