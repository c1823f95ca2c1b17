"""The main window's docks (Tasks, History, Saved requests) and what ties them to the request tabs.

Each dock is toggled from the View menu and talks to the tabs through their request-level
methods: a task opens the tab that started it, a history entry or a saved request opens in a tab
(or is sent again), the current tab is saved as a request (Ctrl+S), and every tab's request is
kept as a draft that the next start brings back.

The docks start tabbed together in the bottom area at a quarter of the window's height
(:meth:`WindowDocks.start_small`); each dock's body scrolls when the dock is shorter than it, so a
dock never forces the window taller, and the Tasks dock puts its table beside the detail while it
is wide and short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QSplitter, QTabBar

from shipexplorer.core.history_records import HistoryEntry
from shipexplorer.core.saved_files import RequestSpec, SavedEntry
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.drafts import DraftStore
from shipexplorer.services.history import HistoryService
from shipexplorer.services.key_guard import KeyGuard
from shipexplorer.services.preferences import PreferenceService
from shipexplorer.services.saved_requests import SavedRequestError, SavedRequests
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.request.request_actions import RequestActions
from shipexplorer.ui.request.request_tabs import RequestTab, RequestTabs
from shipexplorer.ui.widgets.scroll_wrap import scrollable

#: the part of the window's height the tabbed docks start with
DOCK_SHARE = 0.25


class _SideBySide(QObject):
    """Lays a dock's splitter out side by side while the dock is wide and short (docked at the
    bottom), one pane above the other otherwise (floating, or docked at a side): both panes keep
    room to move the splitter, and neither forces the dock taller."""

    def __init__(self, dock: QDockWidget, splitter: QSplitter) -> None:
        super().__init__(dock)
        self._splitter = splitter
        dock.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            size = event.size()
            wide = size.width() >= 2 * size.height()
            wanted = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
            if self._splitter.orientation() != wanted:
                self._splitter.setOrientation(wanted)
                self._splitter.setSizes([3000, 2000])  # the table a little bigger, in proportion
        return False


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
    """Builds the docks into ``window`` and its View menu, and wires them to ``tabs``. With
    ``defer``, nothing is built yet: :meth:`steps` hands out the building steps (one dock each,
    then the wiring), for the window to run one per event-loop turn."""

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
        *,
        defer: bool = False,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        self._services = services
        self._actions = actions
        self._status = show_status
        self._problem = show_problem
        self._view_menu = view_menu
        self._file_menu = file_menu
        self.docks: list[QDockWidget] = []
        self._steps: list[Callable[[], None]] = [
            lambda: self._add(self._build_tasks(services), "Ctrl+Shift+1"),
            lambda: self._add(self._build_history(services), "Ctrl+Shift+2"),
            lambda: self._add(self._build_saved(services, file_menu), "Ctrl+Shift+3"),
            self._wire,
        ]
        if not defer:
            for step in self.steps():
                step()

    def steps(self) -> list[Callable[[], None]]:
        """The building steps not handed out yet (each to be run once, in order)."""
        steps, self._steps = self._steps, []
        return steps

    def _add(self, dock: QDockWidget, keys: str) -> None:
        """One dock into the bottom area, tabbed with the first, toggled from the View menu."""
        dock.setWidget(scrollable(dock.widget(), dock))  # a short dock scrolls, never grows
        self._window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(keys))
        self._view_menu.addAction(toggle)
        self.docks.append(dock)
        if len(self.docks) > 1:  # one tabbed area at the bottom rather than three slivers
            self._window.tabifyDockWidget(self.docks[0], dock)
            self.docks[0].raise_()

    def _wire(self) -> None:
        """Once the docks are in: their share of the height, names, drafts and preferences."""
        self.start_small()
        self._name_dock_tabs()
        self._window.tabifiedDockWidgetActivated.connect(lambda _dock: self._name_dock_tabs())
        self._wire_drafts(self._services.drafts)
        self._wire_preferences(self._services.preferences, self._file_menu)

    def start_small(self, share: float = DOCK_SHARE) -> None:
        """Give the docks' bottom area ``share`` of the window's height (the rest is the
        editor's and the answer's); when shown again, a floating or closed dock keeps its place."""
        height = max(1, int(self._window.height() * share))
        docked = [
            dock
            for dock in self.docks
            if not dock.isFloating()
            and self._window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        ]
        if docked:
            self._window.resizeDocks(docked, [height] * len(docked), Qt.Orientation.Vertical)

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
        _SideBySide(panel, panel.splitter)
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
            tab = self._tabs.open_request(spec, profile=self._tabs.known_profile(origin.profile))
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
        profile = self._tabs.known_profile(entry.profile)
        tab = self._tabs.open_request(spec, reuse_blank=False, profile=profile)
        if send:
            if tab.instance is None:
                self._status("This history entry names no instance: pick one, then send.", 8000)
                return tab
            self._tabs.send(tab)
        return tab

    # -- saved requests ---------------------------------------------------------------------------

    def _build_saved(self, services: DockServices, file_menu: QMenu) -> QDockWidget:
        from shipexplorer.ui.library.saved_panel import SavedRequestsPanel

        panel = SavedRequestsPanel(services.saved, self._window, key_guard=self._key_guard())
        panel.entryOpened.connect(self.open_saved)
        services.saved.problem.connect(self._problem)
        self.save_action = QAction("&Save request…", self._window)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setToolTip("Save the current tab's request to the saved requests (Ctrl+S)")
        self.save_action.triggered.connect(self.save_current)
        file_menu.addAction(self.save_action)
        self.saved_panel = panel
        return panel

    @Slot(object)
    def open_saved(self, entry: SavedEntry) -> RequestTab | None:
        """The tab showing saved request ``entry`` (focused), or a new one for it."""
        if entry.spec is None:
            return None
        shown = next((t for t in self._tabs.tabs() if t.saved_rel == entry.rel), None)
        if shown is not None:
            self._tabs.setCurrentWidget(shown)
            return shown
        return self._tabs.open_request(entry.spec, saved_rel=entry.rel)

    @Slot()
    def save_current(self) -> None:
        """Ctrl+S: a tab of a saved request writes it back; any other asks for a name first. A
        key in the request is never written: the user replaces it with the reference (in the
        tab too, as one undoable edit) or nothing is saved."""
        tab = self._tabs.current()
        saved = self._services.saved
        spec = self.saved_panel.without_keys(tab.to_spec())
        if spec is None:
            self._status("Not saved: the request holds an API key.", 5000)
            return
        self._show_without_keys(tab, spec)
        entry = saved.entry(tab.saved_rel) if tab.saved_rel else None
        if entry is not None and entry.spec is not None and not entry.read_only:
            try:
                rel = saved.overwrite(entry.rel, spec)
            except SavedRequestError as exc:
                self._problem(str(exc))
                return
            self._status(f"Saved “{entry.display_name}”.", 5000)
        else:
            self.saved_panel.show()
            self.saved_panel.raise_()
            rel = self.saved_panel.save_request(spec)
            spec = self.saved_panel.last_saved
            if not rel or spec is None:
                return
        tab.mark_saved(rel, spec)

    @staticmethod
    def _show_without_keys(tab: RequestTab, spec: RequestSpec) -> None:
        """Make ``tab`` hold ``spec``'s body and method (the reference where a key was), so the
        tab and the file agree; the body changes as one undoable edit."""
        from shipexplorer.ui.request.text_edits import replace_all

        if spec.body != tab.body_text():
            replace_all(tab.panel.body_edit, spec.body)
        if spec.method != tab.method():
            tab.panel.set_method(spec.method)

    def _key_guard(self) -> KeyGuard | None:
        """Which keys a file must not hold: the export service's guard (None: no service)."""
        exports = getattr(self._actions, "exports", None)
        return exports.key_guard if exports is not None else None

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
        from shipexplorer.ui.profiles.theme_menu import theme_menu

        self.theme_menu = theme_menu(preferences, self._view_menu, self._window)

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
        from shipexplorer.ui.request.tab_session import TabSession

        self.tab_session = TabSession(self._tabs, drafts, key_guard=self._key_guard())
        drafts.problem.connect(self._problem)

    def restore_drafts(self) -> int:
        """Open the tabs an earlier run (or a crash, or a kill) left; returns how many."""
        count = self.tab_session.restore(self._services.drafts)
        if count:
            self._status(f"Restored {count} request tab(s) from the last session.", 8000)
        return count
