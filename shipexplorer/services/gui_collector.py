"""Python's cyclic garbage collection, run on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold is
crossed, often a worker. A reference cycle that holds a QObject (a panel and the lambdas connected
to it, a store and its job's callbacks) is then destroyed on that worker: its socket notifiers and
timers are torn down from the wrong thread, which Qt answers with an endless "QSocketNotifier:
Invalid socket" loop or a corrupted heap. :class:`GuiCollector` turns automatic collection off and
collects from a timer on the GUI thread instead, one generation at a time as Python itself would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot


class GuiCollector(QObject):
    """Collects garbage cycles on the GUI thread, every ``interval_ms`` when the counts say so."""

    def __init__(self, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self.collections = 0

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
        """Collect the generation Python's thresholds call for (none when below them); returns
        the generation collected, or -1."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return -1
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 1
        if counts[2] >= thresholds[2]:
            generation = 2
        gc.collect(generation)
        self.collections += 1
        return generation
