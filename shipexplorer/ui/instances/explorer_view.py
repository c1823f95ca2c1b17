"""The explorer's central area: the "Package instances" sidebar beside the request tabs.

A pick in the sidebar focuses the tab bound to that instance or opens one (it never retargets
another tab); the sidebar follows the current tab. A blank first tab takes the first instance
listed, and the last workspace (and, without restored tabs, instance and method) come back from
the saved window state as the explorer lists them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QSplitter, QWidget

from shipexplorer.api import PackageInstance, PackageSpec
from shipexplorer.core.window_state import WindowState
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.instances.instance_sidebar import InstanceSidebar
from shipexplorer.ui.request.request_tabs import RequestTab, RequestTabs


class ExplorerView(QSplitter):
    """Sidebar and request tabs: a sidebar pick focuses (or opens) the tab of that instance, the
    sidebar follows the current tab, and what was selected last comes back."""

    def __init__(
        self,
        explorer: Explorer,
        runner: RequestRunner,
        parent: QWidget | None = None,
        queries: DocumentQueries | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._explorer = explorer
        self.pending = WindowState()  # workspace, instance, method still to bring back
        self._created: str | None = None  # a new instance to open once listed
        self.setObjectName("main-splitter")
        self.setChildrenCollapsible(False)
        self.sidebar = InstanceSidebar(explorer, self)
        self.tabs = RequestTabs(explorer, runner, self, queries)
        self.addWidget(self.sidebar)
        self.addWidget(self.tabs)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setSizes([260, 1000])
        self.sidebar.instanceSelected.connect(self.tabs.open_instance)
        self.tabs.currentTabChanged.connect(self.follow)
        explorer.workspacesChanged.connect(self._workspaces_arrived)
        explorer.instancesChanged.connect(self._instances_arrived)
        explorer.methodsChanged.connect(self._methods_arrived)
        explorer.initChanged.connect(self._init_changed)

    def restore(self, state: WindowState) -> None:
        """Splitters now; workspace, instance and method when the explorer lists them (the
        instance and method only for a window whose tabs did not come back from drafts)."""
        self.pending = WindowState(
            workspace=state.workspace, instance=state.instance, method=state.method
        )
        if blob := WindowState.decode(state.splitters.get("main")):
            self.restoreState(blob)
        if blob := WindowState.decode(state.splitters.get("request")):
            self.tabs.current().splitter.restoreState(blob)

    def save(self, state: WindowState) -> None:
        state.splitters["main"] = WindowState.encode(self.saveState().data())
        tab = self.tabs.current()
        state.splitters["request"] = WindowState.encode(tab.splitter.saveState().data())
        state.workspace = self._explorer.current_workspace() or None
        state.instance = tab.handle
        state.method = tab.method() or None

    def select_when_listed(self, handle: str | None) -> None:
        """Open (or focus) the tab of instance ``handle`` once the next list has it (a new
        instance): no other tab changes its target."""
        self._created = handle
        self._explorer.load_instances()

    @Slot(object)
    def follow(self, tab: RequestTab | None) -> None:
        """Select the current tab's instance in the sidebar (nothing when the tab belongs to
        another profile, or its instance is not listed here)."""
        if tab is None:
            return
        current = self._explorer.clients.current_profile()
        mine = tab.profile is None or tab.profile == current
        self.sidebar.show_instance(tab.workspace, tab.handle if mine else None)

    @Slot(object)
    def _workspaces_arrived(self, workspaces: list) -> None:
        wanted = self.pending.workspace
        if wanted and any(ws.handle == wanted for ws in workspaces):
            self.pending.workspace = None
            self._explorer.select_workspace(wanted)

    @Slot(object)
    def _instances_arrived(self, instances: list[PackageInstance]) -> None:
        created = next((i for i in instances if self._created and i.handle == self._created), None)
        blank = self.tabs.current().is_blank()
        wanted = self.pending.instance if blank else None  # restored tabs win over the state
        record = next((i for i in instances if wanted and i.handle == wanted), None)
        if created is not None:
            self._created = None
            self.tabs.open_instance(created)
        elif record is not None:
            self.pending.instance = None
            self.tabs.open_instance(record)
        elif instances and blank:
            self.tabs.open_instance(instances[0])  # a first start: something to try at once
        self.follow(self.tabs.current())

    @Slot(str)
    def _init_changed(self, handle: str) -> None:
        """An instance's initialisation moved on: its tabs say so in their instance line."""
        for tab in self.tabs.tabs():
            if tab.handle == handle:
                tab.profile_switched()  # draws the target line again

    @Slot(str, object)
    def _methods_arrived(self, handle: str, _spec: PackageSpec) -> None:
        wanted = self.pending.method
        tab = self.tabs.current()
        if wanted and tab.handle == handle and not tab.method():
            self.pending.method = None
            tab.set_method(wanted)
