"""The explorer's central area: the "Package instances" sidebar beside the request tabs.

It wires the sidebar's selection to the current tab, selects the first instance when none is, and
brings back the last workspace, instance and method (from the saved window state) as the explorer
lists them.
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
from shipexplorer.ui.request.request_tabs import RequestTabs


class ExplorerView(QSplitter):
    """Sidebar and request tabs; restores what was selected last."""

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
        self.setObjectName("main-splitter")
        self.sidebar = InstanceSidebar(explorer, self)
        self.tabs = RequestTabs(explorer, runner, self, queries)
        self.addWidget(self.sidebar)
        self.addWidget(self.tabs)
        self.setStretchFactor(1, 3)
        self.setSizes([280, 820])
        self.sidebar.instanceSelected.connect(self.tabs.set_instance)
        explorer.workspacesChanged.connect(self._workspaces_arrived)
        explorer.instancesChanged.connect(self._instances_arrived)
        explorer.methodsChanged.connect(self._methods_arrived)

    def restore(self, state: WindowState) -> None:
        """Splitters now; workspace, instance and method when the explorer lists them."""
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
        state.instance = tab.instance.handle if tab.instance else None
        state.method = tab.method() or None

    def select_when_listed(self, handle: str | None) -> None:
        """Select instance ``handle`` once the next instance list has it (a new instance)."""
        self.pending.instance = handle
        self._explorer.load_instances()

    @Slot(object)
    def _workspaces_arrived(self, workspaces: list) -> None:
        wanted = self.pending.workspace
        if wanted and any(ws.handle == wanted for ws in workspaces):
            self.pending.workspace = None
            self._explorer.select_workspace(wanted)

    @Slot(object)
    def _instances_arrived(self, instances: list[PackageInstance]) -> None:
        wanted = self.pending.instance
        if wanted and self.sidebar.select_handle(wanted):
            self.pending.instance = None
        elif self.sidebar.current() is None and instances:
            self.sidebar.select_handle(instances[0].handle or "")

    @Slot(str, object)
    def _methods_arrived(self, handle: str, _spec: PackageSpec) -> None:
        wanted = self.pending.method
        tab = self.tabs.current()
        if wanted and tab.instance is not None and tab.instance.handle == handle:
            self.pending.method = None
            tab.set_method(wanted)
