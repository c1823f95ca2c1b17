"""The "Workspace" combo box of the toolbar: lists ``workspace/list``, selects the current one."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import QComboBox, QInputDialog, QWidget

from shipexplorer.services.explorer import WORKSPACES, Explorer


class WorkspaceSelector(QComboBox):
    """Shows the workspaces (or "Loading workspaces…" / the error) and switches between them."""

    def __init__(self, explorer: Explorer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explorer = explorer
        self.setAccessibleName("Workspace")
        self.setToolTip("The workspace whose package instances are listed and called")
        self.setMinimumContentsLength(14)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        explorer.workspacesChanged.connect(self._refill)
        explorer.currentWorkspaceChanged.connect(self._show_current)
        explorer.loadingChanged.connect(self._loading)
        explorer.errorChanged.connect(self._error)
        self.activated.connect(self._chosen)
        self._placeholder("Loading workspaces…")

    def _placeholder(self, text: str, tip: str = "") -> None:
        with QSignalBlocker(self):
            self.clear()
            self.addItem(text, None)
        self.setToolTip(tip or "The workspace whose package instances are listed and called")

    @Slot(object)
    def _refill(self, workspaces: list) -> None:
        if not workspaces:
            if self._explorer.is_loading(WORKSPACES):
                self._placeholder("Loading workspaces…")
            return
        with QSignalBlocker(self):
            self.clear()
            for ws in workspaces:
                self.addItem(ws.handle or ws.id or "?", ws.handle)
        self.setToolTip("The workspace whose package instances are listed and called")
        self._show_current(self._explorer.current_workspace())

    @Slot(str)
    def _show_current(self, handle: str) -> None:
        index = self.findData(handle or "default")
        if index >= 0:
            with QSignalBlocker(self):
                self.setCurrentIndex(index)

    @Slot(str, bool)
    def _loading(self, area: str, loading: bool) -> None:
        if area == WORKSPACES and loading and not self._explorer.workspaces():
            self._placeholder("Loading workspaces…")

    @Slot(str, str)
    def _error(self, area: str, message: str) -> None:
        if area == WORKSPACES and message and not self._explorer.workspaces():
            self._placeholder("Workspaces: error", message)

    @Slot(int)
    def _chosen(self, index: int) -> None:
        handle = self.itemData(index)
        if handle:
            self._explorer.select_workspace(handle)

    def ask_new_workspace(self) -> None:
        """Ask for a handle, then create (or fetch) that workspace and switch to it."""
        handle, ok = QInputDialog.getText(self, "New workspace", "Workspace handle:")
        if ok and handle.strip():
            self._explorer.create_workspace(handle.strip())
