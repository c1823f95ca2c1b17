"""The View menu's "Demo mode" (F11, ``--demo`` or ``--present``): shows and hides its window.

Demo mode (formerly presentation mode) gets a full-screen window of its own rather than taking
the main window's place: it can be moved to the projector, and the explorer, its docks and its
saved geometry stay as they are. The first time, the mode opens the first demo (as soon as the
demos are read); later it
opens on the list of demos, and keeps its current demo and type size between toggles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.exports import ExportService
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.task_tracker import TaskTracker

if TYPE_CHECKING:  # the mode's module loads when the mode is first asked for
    from shipexplorer.ui.presentation.presentation_mode import PresentationMode


class PresentationSwitch(QObject):
    """Owns the toggle action and, once first asked for, the demo window."""

    def __init__(
        self,
        window: QMainWindow,
        menu: QMenu,
        explorer: Explorer,
        runner: RequestRunner,
        *,
        tracker: TaskTracker | None = None,
        saved: SavedRequests | None = None,
        queries: DocumentQueries | None = None,
        exports: ExportService | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._services = (explorer, runner, tracker, saved, queries)
        self._exports = exports
        self.mode: PresentationMode | None = None
        self.action = QAction("&Demo mode", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        # F11 also leaves the mode from its own window
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setToolTip("Large type, one demo at a time, for an audience (F11)")
        self.action.toggled.connect(self.set_presenting)
        menu.addAction(self.action)

    @Slot(bool)
    def set_presenting(self, on: bool) -> None:
        if not on:
            if self.mode is not None:
                self.mode.hide()
            self._window.activateWindow()
            return
        first = self.mode is None
        if self.mode is None:
            from shipexplorer.ui.presentation.presentation_mode import PresentationMode

            explorer, runner, tracker, saved, queries = self._services
            self.mode = PresentationMode(
                explorer, runner, tracker, saved, queries, exports=self._exports
            )
            self.mode.setWindowIcon(self._window.windowIcon())
            self.mode.exitRequested.connect(lambda: self.action.setChecked(False))
        if first:
            self.mode.open_first_recipe()
        else:
            self.mode.show_recipes()
        self.mode.showFullScreen()
        self.mode.activateWindow()

    def close(self) -> None:
        """The main window closes: the mode's window goes with it."""
        if self.mode is not None:
            self.mode.close()
            self.mode.deleteLater()
            self.mode = None
