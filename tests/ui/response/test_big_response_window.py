"""A big answer in the real window: the window keeps answering, the tree is lazy, cancel cleans up.

The window is driven as a user would (pick ``faults.big``, Send); a 60 Hz heartbeat timer in the
GUI thread records how long the event loop went without turning. The bound asserted is a generous
"it did not hang" one; ``bench/big_response.py`` measures the stalls themselves.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer

from tests.ui.test_explorer_window import _fill, _ready


class Heartbeat:
    """Counts event-loop turns of a 16 ms timer and the longest gap between two of them."""

    def __init__(self) -> None:
        self.beats = 0
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self._beat)
        self.timer.start(16)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.beats += 1

    def stop(self) -> None:
        self.timer.stop()


def test_a_50_mb_answer_opens_lazily_while_the_window_answers(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None)])
    tab = _ready(qtbot, setup, "f")
    _fill(tab, "big", '{"megabytes": 50}')
    progress: list[tuple[int, int]] = []
    setup.runner.progress.connect(lambda _rid, got, total: progress.append((got, total)))
    heartbeat = Heartbeat()
    assert setup.window.tabs.send() is tab
    qtbot.waitUntil(lambda: not tab.running, timeout=60_000)
    answer = tab.response.answer
    assert answer is not None and answer.kind == "json", tab.response.status_text()
    assert answer.raw is None and answer.body_file  # spooled, never held whole
    model = tab.response.tree_view.tree_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=30_000)
    heartbeat.stop()
    total = answer.document.root().size
    assert total > 100_000
    assert model.rowCount() < total  # only the first batch is there
    first = model.index(0, 0)
    assert model.hasChildren(first) and model.rowCount(first) == 0  # children come on expand
    tab.response.tree_view.expand(first)
    qtbot.waitUntil(lambda: model.rowCount(first) > 0, timeout=10_000)
    assert progress and progress[-1][0] == progress[-1][1] > 50_000_000 - 1_000_000
    # The window kept turning: many beats, and never a gap anywhere near a hang.
    print(f"beats {heartbeat.beats}, longest gap {heartbeat.longest * 1000:.0f} ms")
    assert heartbeat.beats > 10
    assert heartbeat.longest < 2.0, f"the GUI thread stalled {heartbeat.longest:.2f} s"
    # closing the tab releases the answer: its spooled file goes, its JSON process ends
    body_file = Path(answer.body_file)
    assert body_file.exists()
    setup.window.tabs.close_tab(setup.window.tabs.indexOf(tab))
    qtbot.waitUntil(lambda: not body_file.exists(), timeout=5_000)


def test_cancel_during_a_big_download_aborts_and_removes_the_spooled_file(qtbot, make_explorer):
    setup = make_explorer(instances=[("faults", "f", None)])
    spool = setup.runner.spool_dir
    before = set(spool.glob("*")) if spool.exists() else set()
    tab = _ready(qtbot, setup, "f")
    _fill(tab, "big", '{"megabytes": 200}')
    started: list[int] = []
    setup.runner.progress.connect(lambda _rid, got, _total: started.append(got))
    assert setup.window.tabs.send() is tab
    qtbot.waitUntil(lambda: bool(started), timeout=10_000)
    assert tab.response.progress_bar.isVisible()
    cancelled_at = time.perf_counter()
    tab.response.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=5_000)
    assert time.perf_counter() - cancelled_at < 5.0
    assert tab.response.status_text() == "Cancelled"
    assert max(started) < 200_000_000
    qtbot.waitUntil(
        lambda: (set(spool.glob("*")) if spool.exists() else set()) <= before, timeout=5_000
    )
