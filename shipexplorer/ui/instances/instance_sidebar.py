"""The "Package instances" sidebar: a filterable list with package, version and init status
("initialising… 12 s" while the explorer waits for it, "failed" with the reason in the tooltip),
and each instance's workspace while all workspaces are listed.

Context actions: copy handle, copy invocation URL, refresh ``__dir__``.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QMenu, QVBoxLayout, QWidget

from shipexplorer.api import PackageInstance
from shipexplorer.services.explorer import INSTANCES, Explorer
from shipexplorer.services.instance_init import FAILED, InitProgress, init_state
from shipexplorer.ui.instances.instance_delegate import STATE_ROLE, InstanceDelegate
from shipexplorer.ui.style import sheets
from shipexplorer.ui.style.metrics import space

ROLE = Qt.ItemDataRole.UserRole + 1
NO_INSTANCES = "No package instances here yet: create one with Create package instance (Ctrl+N)."


def instance_state(instance: PackageInstance) -> str:
    """ "ready", "initialising" or "failed" ("" when the service does not say)."""
    return init_state(instance)


def describe_instance(
    instance: PackageInstance,
    progress: InitProgress | None = None,
    *,
    workspace: bool = False,
) -> str:
    """Two lines: the handle; package, version, (workspace) and the init state in words."""
    version = instance.package_version_handle or "latest version"
    line = f"{instance.package_handle or 'unknown package'} {version}"
    if workspace:
        line += f" · in {instance.workspace_handle or 'an unknown workspace'}"
    words = progress.words() if progress is not None else instance_state(instance)
    if words:
        line += f" · {words}"
    return f"{instance.handle}\n{line}"


class InstanceSidebar(QWidget):
    """Lists the instances of the current workspace (or of every workspace).

    Signals:
        instanceSelected(object): the :class:`PackageInstance` the user picked (None: none).
    """

    instanceSelected = Signal(object)

    def __init__(self, explorer: Explorer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explorer = explorer
        self._quiet = False
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter instances")
        self.filter_edit.setAccessibleName("Filter instances")
        self.filter_edit.setClearButtonEnabled(True)
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName("Instances state")
        self.state_label.setContentsMargins(space(1), space(2), space(1), space(2))
        sheets.muted(self.state_label)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView(self)
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Package instances")
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setItemDelegate(InstanceDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(space(1))
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.state_label)
        layout.addWidget(self.list, 1)
        self.copy_handle_action = QAction("Copy handle", self)
        self.copy_handle_action.triggered.connect(self.copy_handle)
        self.copy_url_action = QAction("Copy invocation URL", self)
        self.copy_url_action.triggered.connect(self.copy_invocation_url)
        self.refresh_dir_action = QAction("Reload methods", self)
        self.refresh_dir_action.triggered.connect(self.refresh_methods)
        explorer.instancesChanged.connect(self._refill)
        explorer.initChanged.connect(self._init_changed)
        explorer.loadingChanged.connect(self._loading)
        explorer.errorChanged.connect(self._error)
        self._set_state("Loading instances…")

    def _set_state(self, text: str) -> None:
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))

    # -- selection ----------------------------------------------------------------------------

    def current(self) -> PackageInstance | None:
        index = self.list.currentIndex()
        return index.data(ROLE) if index.isValid() else None

    def select_handle(self, handle: str) -> bool:
        """Select ``handle`` as a click does (``instanceSelected``); False when not listed."""
        index = self._index_of(handle, None)
        if index is None:
            return False
        self.list.setCurrentIndex(index)
        return True

    def show_instance(self, workspace: str | None, handle: str | None) -> bool:
        """Follow the current tab: select its instance without ``instanceSelected`` (or clear
        the selection when it is not listed here); True when it is listed."""
        index = self._index_of(handle, workspace) if handle else None
        self._quiet = True
        try:
            if index is None:
                self.list.selectionModel().clearCurrentIndex()
                self.list.clearSelection()
            else:
                self.list.setCurrentIndex(index)
        finally:
            self._quiet = False
        return index is not None

    def _index_of(self, handle: str | None, workspace: str | None):
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            instance = index.data(ROLE)
            if (
                instance is not None
                and instance.handle == handle
                and (workspace is None or instance.workspace_handle in (None, workspace))
            ):
                return index
        return None

    @Slot(object, object)
    def _current_changed(self, current, _previous) -> None:
        if not self._quiet:
            self.instanceSelected.emit(current.data(ROLE) if current.isValid() else None)

    # -- explorer -----------------------------------------------------------------------------

    @Slot(object)
    def _refill(self, instances: list) -> None:
        wanted = self.current()
        self._quiet = True  # a new list is not a click: no tab changes
        self.model.clear()
        self._quiet = False
        for instance in instances:
            item = QStandardItem()
            item.setData(instance, ROLE)
            self._describe(item)
            self.model.appendRow(item)
        if instances:
            self._set_state("")
        elif not self._explorer.is_loading(INSTANCES) and not self._explorer.error(INSTANCES):
            self._set_state(NO_INSTANCES)
        if wanted is not None:
            self.show_instance(wanted.workspace_handle, wanted.handle)

    def _describe(self, item: QStandardItem) -> None:
        """The row's text and tooltip from its instance and what the explorer knows of it."""
        instance: PackageInstance = item.data(ROLE)
        progress = self._explorer.init_progress(instance)
        text = describe_instance(instance, progress, workspace=self._explorer.across_workspaces())
        if item.text() != text:
            item.setText(text)
        state = progress.state if progress is not None else instance_state(instance)
        if item.data(STATE_ROLE) != state:
            item.setData(state, STATE_ROLE)
        tip = instance.invocation_url or instance.handle or ""
        if progress.state == FAILED or progress.timed_out:
            tip = progress.sentence()
        item.setToolTip(tip)

    @Slot(str)
    def _init_changed(self, handle: str) -> None:
        """An instance's initialisation moved on (a second passed, or it ended)."""
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            instance = item.data(ROLE) if item is not None else None
            if instance is not None and instance.handle == handle:
                self._describe(item)

    @Slot(str, bool)
    def _loading(self, area: str, loading: bool) -> None:
        if area != INSTANCES:
            return
        if loading:
            self._set_state("Loading instances…")
        elif not self._explorer.error(INSTANCES):
            self._refill_state()

    def _refill_state(self) -> None:
        if self.model.rowCount():
            self._set_state("")
        else:
            self._set_state(NO_INSTANCES)

    @Slot(str, str)
    def _error(self, area: str, message: str) -> None:
        if area == INSTANCES and message:
            self._set_state(message)

    # -- context actions ----------------------------------------------------------------------

    @Slot(object)
    def _menu(self, pos) -> None:
        if self.current() is None:
            return
        menu = QMenu(self)
        menu.addAction(self.copy_handle_action)
        menu.addAction(self.copy_url_action)
        menu.addAction(self.refresh_dir_action)
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def copy_handle(self) -> None:
        if instance := self.current():
            QGuiApplication.clipboard().setText(instance.handle or "")

    def copy_invocation_url(self) -> None:
        if instance := self.current():
            QGuiApplication.clipboard().setText(instance.invocation_url or "")

    def refresh_methods(self) -> None:
        if instance := self.current():
            self._explorer.load_methods(instance, refresh=True)
