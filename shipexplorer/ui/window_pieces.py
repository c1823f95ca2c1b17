"""What a window builds after its first paint: a queue of named pieces, built one per event-loop
turn (the window paints in between, so no turn holds the GUI thread for long), or all at once
(:meth:`PieceQueue.finish`), or one name at once when something asks for it
(:meth:`PieceQueue.build_now`). A queue that is not deferred builds each piece as it is added.

:class:`placed` keeps a late piece's menu actions where they belong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

Piece = Callable[[], None]


class PieceQueue(QObject):
    """Named pieces waiting to be built. Signals: ``built`` once the queue has run dry after
    :meth:`build_soon` or :meth:`finish` (from then on, added pieces are built at once)."""

    built = Signal()

    def __init__(self, parent: QObject, *, deferred: bool) -> None:
        super().__init__(parent)
        self.deferred = deferred
        self._pieces: list[tuple[str, Piece]] = []
        self._running = False

    def add(self, piece: Piece, name: str = "") -> None:
        """Queue ``piece`` (build it now if the queue is not deferred)."""
        if self.deferred:
            self._pieces.append((name, piece))
        else:
            piece()

    def add_next(self, pieces: Sequence[Piece], name: str = "") -> None:
        """``pieces`` go first in line, in order (built now if the queue is not deferred)."""
        if self.deferred:
            self._pieces[0:0] = [(name, piece) for piece in pieces]
        else:
            for piece in pieces:
                piece()

    def build_now(self, name: str) -> None:
        """Build every waiting piece called ``name`` now (those they queue included)."""
        while True:
            index = next((i for i, (n, _p) in enumerate(self._pieces) if n == name), None)
            if index is None:
                return
            self._pieces.pop(index)[1]()

    def build_soon(self) -> None:
        """Build the waiting pieces, one per event-loop turn."""
        if not self._running:
            self._running = True
            QTimer.singleShot(0, self, self._next)

    @Slot()
    def _next(self) -> None:
        if self._pieces:
            self._pieces.pop(0)[1]()
        if self._pieces:
            QTimer.singleShot(0, self, self._next)
        else:
            self._done()

    def finish(self) -> None:
        """Build everything that waits, now."""
        while self._pieces:
            self._pieces.pop(0)[1]()
        self._done()

    def is_empty(self) -> bool:
        return not self._pieces

    def _done(self) -> None:
        if self.deferred:
            self.deferred = False
            self.built.emit()


class placed:
    """Moves the actions a block adds to ``menu`` above ``before`` (nothing moves when
    ``before`` is None): a piece built late keeps its place in the menus."""

    def __init__(self, menu: QMenu, before: QAction | None) -> None:
        self._menu, self._before = menu, before
        self._had: set[QAction] = set()

    def __enter__(self) -> None:
        self._had = set(self._menu.actions())

    def __exit__(self, *_exc: object) -> None:
        if self._before is None:
            return
        for action in [a for a in self._menu.actions() if a not in self._had]:
            self._menu.removeAction(action)
            self._menu.insertAction(self._before, action)


__all__ = ["Piece", "PieceQueue", "placed"]
