"""The "Workspace" combo box of the toolbar: lists ``workspace/list``, selects the current one,
and offers "All workspaces" (the instances of every workspace, each tagged with its own)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import QComboBox, QInputDialog, QWidget

from shipexplorer.services.explorer import WORKSPACES, Explorer

#: the item data of "All workspaces" (no workspace handle can be this: handles are a-z, 0-9, -)
ALL_WORKSPACES = "*"
ALL_TEXT = "All workspaces"


class WorkspaceSelector(QComboBox):
    """Shows the workspaces (or "Loading workspaces…" / the error) and switches between them;
    "All workspaces" lists the instances of every one."""

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
            self.insertSeparator(self.count())
            self.addItem(ALL_TEXT, ALL_WORKSPACES)
            self.setItemData(
                self.count() - 1,
                "List the instances of every workspace; each is called in its own",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.setToolTip("The workspace whose package instances are listed and called")
        self._show_current(self._explorer.current_workspace())

    @Slot(str)
    def _show_current(self, handle: str) -> None:
        across = self._explorer.across_workspaces()
        index = self.findData(ALL_WORKSPACES if across else handle or "default")
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
        if handle == ALL_WORKSPACES:
            self._explorer.show_all_workspaces(True)
        elif handle:
            self._explorer.select_workspace(handle)

    def ask_new_workspace(self) -> None:
        """Ask for a handle, then create (or fetch) that workspace and switch to it."""
        handle, ok = QInputDialog.getText(self, "New workspace", "Workspace handle:")
        if ok and handle.strip():
            self._explorer.create_workspace(handle.strip())
