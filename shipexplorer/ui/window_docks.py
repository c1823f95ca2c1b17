"""The main window's docks (Tasks, History, Saved requests) and what ties them to the request tabs.

Each dock is toggled from the View menu and talks to the tabs through their request-level
methods: a task opens the tab that started it, a history entry or a saved request opens in a tab
(or is sent again), the current tab is saved as a request (Ctrl+S), and every tab's request is
kept as a draft that the next start brings back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabBar

from shipexplorer.core.history_records import HistoryEntry
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.drafts import DraftStore
from shipexplorer.services.history import HistoryService
from shipexplorer.services.preferences import PreferenceService
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.request.request_actions import RequestActions
from shipexplorer.ui.request.request_tabs import RequestTab, RequestTabs


@dataclass
class DockServices:
    """The services behind the docks."""

    tracker: TaskTracker
    history: HistoryService
    saved: SavedRequests
    drafts: DraftStore
    queries: DocumentQueries  # the task output viewer
    preferences: PreferenceService  # File > Preferences…, task notifications


class WindowDocks(QObject):
    """Builds the docks into ``window`` and its View menu, and wires them to ``tabs``."""

    def __init__(
        self,
        window: QMainWindow,
        tabs: RequestTabs,
        services: DockServices,
        view_menu: QMenu,
        file_menu: QMenu,
        actions: RequestActions,
        show_status: Callable[[str, int], None],
        show_problem: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        self._services = services
        self._actions = actions
        self._status = show_status
        self._problem = show_problem
        docks = [
            (self._build_tasks(services), "Ctrl+Shift+1"),
            (self._build_history(services), "Ctrl+Shift+2"),
            (self._build_saved(services, file_menu), "Ctrl+Shift+3"),
        ]
        for dock, keys in docks:
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(keys))
            view_menu.addAction(toggle)
        first = docks[0][0]  # one tabbed area at the bottom rather than three slivers
        for dock, _ in docks[1:]:
            window.tabifyDockWidget(first, dock)
        first.raise_()
        self._name_dock_tabs()
        window.tabifiedDockWidgetActivated.connect(lambda _dock: self._name_dock_tabs())
        self._wire_drafts(services.drafts)
        self._wire_preferences(services.preferences, file_menu)

    def _name_dock_tabs(self) -> None:
        """The tab bars QMainWindow makes for tabbed docks get a name (it gives them none)."""
        for bar in self._window.findChildren(
            QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            if not bar.accessibleName():
                bar.setAccessibleName("Dock tabs")

    # -- tasks ------------------------------------------------------------------------------------

    def _build_tasks(self, services: DockServices) -> QDockWidget:
        from shipexplorer.ui.tasks.task_notifier import TaskNotifier
        from shipexplorer.ui.tasks.task_panel import TaskPanel

        tracker = services.tracker
        panel = TaskPanel(tracker, parent=self._window)
        panel.set_queries(services.queries)
        panel.statusMessage.connect(lambda text: self._status(text, 5000))
        panel.openOriginRequested.connect(self.open_task_origin)
        self.notifier = TaskNotifier(tracker, self._window, enabled=True)
        self.notifier.statusMessage.connect(lambda text: self._status(text, 8000))
        tracker.problem.connect(self._problem)
        self.task_panel = panel
        return panel

    @Slot(object)
    def open_task_origin(self, task: TrackedTask) -> None:
        """The tab that started ``task`` if it is still open, else a new tab for its method."""
        origin = task.origin
        tab = self._tabs.tab_for_request(origin.request_id)
        if tab is None:
            if not origin.instance or not origin.method:
                self._status("This task was not started from a request tab.", 5000)
                return
            spec = RequestSpec(
                instance=origin.instance, workspace=origin.workspace, method=origin.method
            )
            tab = self._tabs.open_request(spec)
        self._tabs.setCurrentWidget(tab)

    # -- history ----------------------------------------------------------------------------------

    def _build_history(self, services: DockServices) -> QDockWidget:
        from shipexplorer.ui.library.history_panel import HistoryPanel

        panel = HistoryPanel(services.history, self._window)
        panel.reopenRequested.connect(lambda entry: self.open_entry(entry))
        panel.resendRequested.connect(lambda entry: self.open_entry(entry, send=True))
        panel.exportRequested.connect(self._actions.copy_entry)
        services.history.problem.connect(self._problem)
        self.history_panel = panel
        return panel

    def open_entry(self, entry: HistoryEntry, *, send: bool = False) -> RequestTab | None:
        """A history entry in a new tab; sent again at once when ``send``."""
        spec = RequestSpec(
            instance=entry.instance,
            workspace=entry.workspace,
            method=entry.method or "",
            verb=entry.verb or "POST",
            body=entry.body_text or "",
        )
        tab = self._tabs.open_request(spec, reuse_blank=False)
        if send:
            if tab.instance is None:
                self._status(
                    f"Instance {entry.instance} is not listed in this workspace: select it, "
                    "then send.",
                    8000,
                )
                return tab
            self._tabs.send(tab)
        return tab

    # -- saved requests ---------------------------------------------------------------------------

    def _build_saved(self, services: DockServices, file_menu: QMenu) -> QDockWidget:
        from shipexplorer.ui.library.saved_panel import SavedRequestsPanel

        panel = SavedRequestsPanel(services.saved, self._window)
        panel.openRequested.connect(lambda spec: self._tabs.open_request(spec))
        services.saved.problem.connect(self._problem)
        self.save_action = QAction("&Save request…", self._window)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setToolTip("Save the current tab's request to the saved requests (Ctrl+S)")
        self.save_action.triggered.connect(self.save_current)
        file_menu.addAction(self.save_action)
        self.saved_panel = panel
        return panel

    @Slot()
    def save_current(self) -> None:
        self.saved_panel.show()
        self.saved_panel.raise_()
        self.saved_panel.save_request(self._tabs.current().to_spec())

    # -- preferences ------------------------------------------------------------------------------

    def _wire_preferences(self, preferences: PreferenceService, file_menu: QMenu) -> None:
        self.preferences_action = QAction("Pre&ferences…", self._window)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        if self.preferences_action.shortcut().isEmpty():  # no standard key on this desktop
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences_action.triggered.connect(self.open_preferences)
        file_menu.addAction(self.preferences_action)
        preferences.problem.connect(self._problem)
        self.notifier.set_enabled(preferences.current.notify_tasks)
        preferences.changed.connect(lambda chosen: self.notifier.set_enabled(chosen.notify_tasks))

    @Slot()
    def open_preferences(self) -> None:
        from shipexplorer.ui.profiles.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self._services.preferences, self._window)
        dialog.setModal(True)
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        self.preferences_dialog = dialog

    # -- drafts -----------------------------------------------------------------------------------

    def _wire_drafts(self, drafts: DraftStore) -> None:
        for tab in self._tabs.tabs():
            self._watch(tab)
        self._tabs.tabOpened.connect(self._watch)
        self._tabs.tabClosed.connect(drafts.discard)
        drafts.problem.connect(self._problem)

    def restore_drafts(self) -> int:
        """Open the drafts a crash, a kill or an earlier run left; returns how many."""
        drafts = self._services.drafts
        specs = [s for s in drafts.load() if s.method or s.body.strip()]
        for spec in specs:
            tab = self._tabs.open_request(spec)
            drafts.update(tab.key, tab.to_spec())
        if specs:
            self._status(f"Restored {len(specs)} unsaved request(s) from the last session.", 8000)
        return len(specs)

    @Slot(object)
    def _watch(self, tab: RequestTab) -> None:
        drafts = self._services.drafts
        tab.edited.connect(lambda: drafts.update_later(tab.key, tab.to_spec))
