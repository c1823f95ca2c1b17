"""One place every store's problem goes through, so none is lost before the window exists.

The composition root connects each store's ``problem`` signal to :meth:`ProblemLog.report` as it
builds the services, before anything is read. What is reported before the window is there (a
damaged ``preferences.json`` read at start, the saved-requests folder choice moved aside) is kept,
once per sentence, until the window takes it with :meth:`ProblemLog.drain`; from then on the window
hears the stores itself and nothing more is kept. Every problem is also logged.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class ProblemLog(QObject):
    """The problems of every store, kept until the window drains them.

    Signals:
        problem(str): a sentence for the user, emitted once per distinct sentence while nothing
            has drained the log, and for every report after that.
    """

    problem = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[str] = []
        self._drained = False

    @Slot(str)
    def report(self, text: str) -> None:
        """A store's problem: logged, emitted, and kept until :meth:`drain` (once per text)."""
        text = text.strip()
        if not text:
            return
        if not self._drained:
            if text in self._pending:
                return
            self._pending.append(text)
        log.warning("%s", text)
        self.problem.emit(text)

    def pending(self) -> list[str]:
        """What was reported and not drained yet, oldest first (a copy)."""
        return list(self._pending)

    def drain(self) -> list[str]:
        """Hand over what was reported until now (oldest first) and stop keeping problems: the
        window, which calls this once it exists, hears the stores from then on."""
        pending, self._pending = self._pending, []
        self._drained = True
        return pending
