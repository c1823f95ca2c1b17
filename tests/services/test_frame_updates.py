"""Updates coalesced per frame: N requests within a frame give one call."""

from __future__ import annotations

from shipexplorer.services.frame_updates import FrameCoalescer


def test_many_requests_in_a_frame_give_one_call(qtbot):
    calls: list[int] = []
    coalescer = FrameCoalescer(lambda: calls.append(1))
    for _ in range(50):
        coalescer.request()
    assert calls == [] and coalescer.pending()
    qtbot.waitUntil(lambda: calls == [1], timeout=5000)
    assert coalescer.calls == 1 and not coalescer.pending()


def test_a_request_after_the_frame_gives_another_call(qtbot):
    calls: list[int] = []
    coalescer = FrameCoalescer(lambda: calls.append(1))
    coalescer.request()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
    coalescer.request("a signal's argument")
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=5000)


def test_flush_runs_now_and_stops_the_pending_frame(qtbot):
    calls: list[int] = []
    coalescer = FrameCoalescer(lambda: calls.append(1))
    coalescer.request()
    coalescer.flush()
    assert calls == [1] and not coalescer.pending()
