"""Garbage cycles are collected on the GUI thread, never on a worker that happens to allocate."""

from __future__ import annotations

import gc
import threading

from shipexplorer.services.gui_collector import GuiCollector


class _Cycle:
    """Half of a reference cycle that notes the thread that freed it."""

    freed_on: list[str] = []

    def __init__(self) -> None:
        self.other = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_die_on_the_gui_thread_while_a_worker_allocates(qtbot, gui_thread_collection):
    assert not gc.isenabled()  # the session's collector owns collection
    _Cycle.freed_on.clear()
    for _ in range(50):
        _Cycle()

    kept: list[list[list[int]]] = []

    def allocate() -> None:  # far past every threshold: an automatic collection would run here
        kept.append([[i] for i in range(200_000)])

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert _Cycle.freed_on == []
    qtbot.waitUntil(lambda: len(_Cycle.freed_on) == 50, timeout=3000)
    assert set(_Cycle.freed_on) == {threading.main_thread().name}
    kept.clear()


def test_collect_due_follows_the_thresholds(qtbot):
    collector = GuiCollector(interval_ms=10_000)
    gc.collect()
    assert collector.collect_due() == -1  # nothing allocated since
    threshold = gc.get_threshold()[0]
    keep = [[] for _ in range(threshold + 10)]
    assert collector.collect_due() >= 0 and collector.collections == 1
    del keep
