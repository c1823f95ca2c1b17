"""Serving a package folder in the window: the File menu action, the "Package log" dock, and
the served instance selected (its methods asked again) each time it is ready.

:func:`install` adds all of it to a main window given a :class:`PackageServer`; the window's
own modules are not changed beyond the one call.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from shipexplorer.api import PackageInstance
from shipexplorer.core.package_serve import ServeSettings
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.package_server import PackageServer
from shipexplorer.ui.packages.package_log_panel import PackageLogPanel
from shipexplorer.ui.packages.serve_dialog import ServeDialog


class PackageServing(QObject):
    """What the window has for a served package (see the module docstring)."""

    def __init__(self, window: QMainWindow, server: PackageServer, explorer: Explorer) -> None:
        super().__init__(window)
        self._window = window
        self._server = server
        self._explorer = explorer
        self._pending: str | None = None  # the served instance, until the explorer lists it
        self.dialog: ServeDialog | None = None
        self.panel = PackageLogPanel(server, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.panel)
        docks = getattr(getattr(window, "docks", None), "docks", None) or []
        if docks:
            window.tabifyDockWidget(docks[-1], self.panel)
            docks[0].raise_()
        self.panel.hide()
        toggle = self.panel.toggleViewAction()
        toggle.setShortcut(QKeySequence("Ctrl+Shift+4"))
        view_menu = getattr(window, "view_menu", None)
        if isinstance(view_menu, QMenu):
            view_menu.addAction(toggle)
        self.serve_action = QAction("Ser&ve a package folder…", window)
        self.serve_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.serve_action.setToolTip(
            "Run your own package from its folder against the local emulator (Ctrl+Shift+E)"
        )
        self.serve_action.triggered.connect(self.open_dialog)
        window.addAction(self.serve_action)
        file_menu = _file_menu(window)
        if file_menu is not None:
            before = _before_quit(file_menu)
            file_menu.insertAction(before, self.serve_action)
            file_menu.insertAction(before, self.panel.restart_action)
        server.instanceReady.connect(self._ready)
        server.stateChanged.connect(self._state_changed)
        explorer.instancesChanged.connect(self._listed)

    @Slot()
    def open_dialog(self) -> ServeDialog:
        """The small dialog; the user's choice is served."""
        if not self._server.available:
            self._window.statusBar().showMessage(
                "Serving a package needs the local emulator: start shipexplorer with --local.",
                8000,
            )
        dialog = ServeDialog(self._server.remembered(), self._window)
        dialog.chosen.connect(self.serve)
        dialog.finished.connect(dialog.deleteLater)
        dialog.setModal(True)
        dialog.show()
        self.dialog = dialog
        return dialog

    @Slot(object)
    def serve(self, settings: ServeSettings) -> None:
        self.show_log()
        self._server.serve(settings)

    def show_log(self) -> None:
        self.panel.show()
        self.panel.raise_()

    @Slot(str, str)
    def _state_changed(self, state: str, _sentence: str) -> None:
        if state == "failed":
            self.show_log()

    @Slot(str, str)
    def _ready(self, workspace: str, handle: str) -> None:
        """Select the served instance (a tab bound to it, or a new one) and ask its methods
        again: the code may have changed."""
        self._pending = handle
        self._explorer.select_workspace(workspace)
        view = getattr(self._window, "view", None)
        if view is not None:
            view.select_when_listed(handle)
        else:
            self._explorer.load_instances()

    @Slot(object)
    def _listed(self, instances: list[PackageInstance]) -> None:
        if self._pending is None:
            return
        found = next((i for i in instances if i.handle == self._pending), None)
        if found is not None:
            self._pending = None
            self._explorer.load_methods(found, refresh=True)


def _file_menu(window: QMainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == "File":
            return action.menu()
    return None


def _before_quit(menu: QMenu) -> QAction | None:
    """The separator above Quit (the action goes before it), else None (at the end)."""
    actions = menu.actions()
    for index, action in enumerate(actions):
        if action.text().replace("&", "") == "Quit":
            return actions[index - 1] if index and actions[index - 1].isSeparator() else action
    return None


def install(window: QMainWindow, server: PackageServer, explorer: Explorer) -> PackageServing:
    """Add package serving to ``window``."""
    serving = PackageServing(window, server, explorer)
    window.package_serving = serving  # type: ignore[attr-defined]
    return serving
