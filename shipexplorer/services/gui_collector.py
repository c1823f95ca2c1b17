"""Python's cyclic garbage collection, run on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold is
crossed, often a worker. A reference cycle that holds a QObject (a panel and the lambdas connected
to it, a store and its job's callbacks) is then destroyed on that worker: its socket notifiers and
timers are torn down from the wrong thread, which Qt answers with an endless "QSocketNotifier:
Invalid socket" loop or a corrupted heap. :class:`GuiCollector` turns automatic collection off and
collects from a timer on the GUI thread instead, one generation at a time as Python itself would.

A full (generation 2) collection walks every object not frozen and holds the GUI thread all that
time, so it runs as CPython's own collector decides (the counts say so *and* the objects that
reached the oldest generation since the last full collection are at least a quarter of those
that survived it: the rule this timer used to skip), never twice within ``min_full_interval``
seconds, and at least every ``max_full_interval`` seconds while the oldest generation grew, so
cycles that reached it are freed and memory stays bounded. :meth:`GuiCollector.freeze` moves the
objects made so far out of every later collection.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot

#: the oldest generation
FULL = 2


class GuiCollector(QObject):
    """Collects garbage cycles on the GUI thread, every ``interval_ms`` when the counts say so.

    ``full_collections`` counts the full collections it ran; ``long_lived`` is the size of the
    oldest generation after the last one (None before the first).
    """

    def __init__(
        self,
        interval_ms: int = 100,
        parent: QObject | None = None,
        *,
        min_full_interval: float = 10.0,
        max_full_interval: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self.min_full_interval = min_full_interval
        self.max_full_interval = max_full_interval
        self._clock = clock
        self._last_full = clock()
        self._next_look = 0.0  # when the oldest generation's size may be counted again
        self.long_lived: int | None = None
        self.collections = 0
        self.full_collections = 0

    def start(self) -> None:
        """Turn automatic collection off; collect from the timer from now on."""
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Back to Python's automatic collection."""
        self._timer.stop()
        gc.enable()

    @Slot()
    def collect_due(self) -> int:
        """Collect the generation the thresholds call for (none when below them; a full
        collection only when :meth:`full_due`); returns the generation collected, or -1."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return -1
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 1
        if counts[2] >= thresholds[2] and self.full_due():
            generation = FULL
        self.collect(generation)
        return generation

    def collect(self, generation: int = FULL) -> int:
        """Collect ``generation`` now (GUI thread); returns what :func:`gc.collect` found."""
        found = gc.collect(generation)
        self.collections += 1
        if generation == FULL:
            self.full_collections += 1
            self._last_full = self._clock()
            self.long_lived = len(gc.get_objects(FULL))
        return found

    def full_due(self) -> bool:
        """Whether a full collection is worth its pause now (see the module docstring)."""
        now = self._clock()
        since = now - self._last_full
        if since < self.min_full_interval or now < self._next_look:
            return False
        oldest = len(gc.get_objects(FULL))  # a list of pointers: far cheaper than collecting
        base = self.long_lived if self.long_lived is not None and self.long_lived <= oldest else 0
        pending = oldest - base
        if pending * 4 >= base or (since >= self.max_full_interval and pending > 0):
            return True
        self._next_look = now + self.min_full_interval / 4  # not every timer tick
        return False

    def freeze(self) -> None:
        """Collect the young generations, then freeze every object there is: later full
        collections skip them (the objects of start-up, which live as long as the app). The
        full collection before freezing is left out: on the GUI thread it paused the window
        80-400 ms two seconds after start, and found next to nothing (0-50 objects)."""
        self.collect(1)
        gc.freeze()
        self.long_lived = 0
