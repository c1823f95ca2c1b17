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


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _into_the_oldest(count: int) -> list[list[int]]:
    """``count`` new container objects, moved into the oldest generation."""
    made = [[i] for i in range(count)]
    gc.collect(1)  # the young generations' survivors reach the oldest
    return made


def test_a_full_collection_waits_until_the_oldest_generation_grew_by_a_quarter(qtbot):
    clock = _Clock()
    collector = GuiCollector(interval_ms=10_000, clock=clock)
    clock.now += collector.min_full_interval
    collector.collect(2)
    base = collector.long_lived
    assert base is not None and collector.full_collections == 1
    assert not collector.full_due()  # too soon after the last one, whatever grew
    clock.now += collector.min_full_interval
    assert not collector.full_due()  # nothing much reached the oldest generation since
    clock.now += collector.min_full_interval
    kept = _into_the_oldest(base // 4 + 1000)
    assert collector.full_due()
    collector.collect(2)
    assert collector.long_lived is not None and collector.long_lived >= base + len(kept)
    clock.now += collector.min_full_interval
    assert not collector.full_due()
    del kept


def test_a_slow_growth_is_collected_within_the_longest_interval(qtbot):
    clock = _Clock()
    collector = GuiCollector(interval_ms=10_000, clock=clock)
    collector.collect(2)
    kept = _into_the_oldest(100)
    clock.now += collector.min_full_interval
    assert not collector.full_due()
    clock.now += collector.max_full_interval
    assert collector.full_due()
    del kept


def test_collect_due_runs_a_full_collection_only_when_it_is_due(qtbot, monkeypatch):
    collector = GuiCollector(interval_ms=10_000)
    threshold = gc.get_threshold()
    monkeypatch.setattr(gc, "get_count", lambda: (threshold[0], threshold[1], threshold[2]))
    monkeypatch.setattr(collector, "full_due", lambda: False)
    assert collector.collect_due() == 1 and collector.full_collections == 0
    monkeypatch.setattr(collector, "full_due", lambda: True)
    assert collector.collect_due() == 2 and collector.full_collections == 1


def test_freeze_keeps_what_exists_out_of_later_collections(qtbot):
    collector = GuiCollector(interval_ms=10_000)
    try:
        collector.freeze()
        assert gc.get_freeze_count() > 0 and collector.long_lived == 0
        assert len(gc.get_objects(2)) < gc.get_freeze_count()
    finally:
        gc.unfreeze()
