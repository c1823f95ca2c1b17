"""What the explorer browses: workspaces, the current workspace, its package instances, and the
methods (``__dir__``) of each instance, all loaded on the worker pool.

Each area ("workspaces", "instances", "methods") has its own loading and error state, reported by
``loadingChanged`` and ``errorChanged``. ``__dir__`` answers are cached per connection, workspace
and instance, and reloaded on demand. Everything reloads when the :class:`ClientProvider` changes
(another profile, its key, another workspace).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.api import (
    ConnectionSettings,
    PackageInstance,
    PackageSpec,
    Workspace,
    describe,
)
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.workers import WorkerPool

WORKSPACES, INSTANCES, METHODS = "workspaces", "instances", "methods"
MAX_PAGES = 50


class Explorer(QObject):
    """Workspaces, instances and methods of the current connection.

    Signals:
        loadingChanged(str, bool): an area ("workspaces", "instances", "methods") started or
            stopped loading.
        errorChanged(str, str): an area's error text ("" when it recovered).
        workspacesChanged(object): a list of :class:`Workspace`.
        currentWorkspaceChanged(str): the workspace handle requests use ("" = the profile's).
        instancesChanged(object): a list of :class:`PackageInstance` of the current workspace.
        methodsChanged(str, object): an instance handle and its :class:`PackageSpec`.
        methodsFailed(str, str): an instance handle and why its ``__dir__`` could not be loaded.
        workspaceCreated(object): a :class:`Workspace` made by :meth:`create_workspace`.
    """

    loadingChanged = Signal(str, bool)
    errorChanged = Signal(str, str)
    workspacesChanged = Signal(object)
    currentWorkspaceChanged = Signal(str)
    instancesChanged = Signal(object)
    methodsChanged = Signal(str, object)
    methodsFailed = Signal(str, str)
    workspaceCreated = Signal(object)

    def __init__(
        self, clients: ClientProvider, pool: WorkerPool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self._pool = pool
        self._workspaces: list[Workspace] = []
        self._instances: list[PackageInstance] = []
        self._methods: dict[tuple, PackageSpec] = {}
        self._loading: dict[str, int] = {}
        self._errors: dict[str, str] = {}
        self._connection: ConnectionSettings | None = None
        self._started = False
        clients.changed.connect(self._clients_changed)

    # -- reading ------------------------------------------------------------------------------

    @property
    def clients(self) -> ClientProvider:
        return self._clients

    def workspaces(self) -> list[Workspace]:
        return list(self._workspaces)

    def instances(self) -> list[PackageInstance]:
        return list(self._instances)

    def instance(self, handle: str) -> PackageInstance | None:
        return next((i for i in self._instances if i.handle == handle), None)

    def current_workspace(self) -> str:
        """The workspace handle in use ("" means the profile's default)."""
        return self._clients.workspace_handle or ""

    def is_loading(self, area: str) -> bool:
        return self._loading.get(area, 0) > 0

    def error(self, area: str) -> str:
        return self._errors.get(area, "")

    def cached_methods(
        self, instance: PackageInstance, profile: str | None = None
    ) -> PackageSpec | None:
        """``__dir__`` of ``instance`` as last loaded (through ``profile``: None = the current)."""
        settings = self._clients.settings_for(profile, instance.workspace_handle)
        return self._methods.get(self._method_key(instance, settings))

    # -- actions ------------------------------------------------------------------------------

    def start(self) -> None:
        """Load what the current connection shows, unless a change of it already did."""
        if not self._started:
            self._clients_changed()

    def refresh(self) -> None:
        """Reload workspaces and instances, and forget cached ``__dir__`` answers."""
        self._methods.clear()
        self.load_workspaces()
        self.load_instances()

    def select_workspace(self, handle: str) -> None:
        """Make requests go to workspace ``handle`` (reloads the instances)."""
        if handle and handle != self.current_workspace():
            self._clients.set_workspace(handle)

    def load_workspaces(self) -> None:
        settings = self._ready(WORKSPACES)
        if settings is None:
            return
        clients = self._clients

        def job(token, _progress) -> list[Workspace]:
            client = clients.client_for(settings)
            items: list[Workspace] = []
            token_ = None
            for _ in range(MAX_PAGES):
                page = client.workspace_list(page_token=token_, cancel=token).value
                items.extend(page.items if page else [])
                token_ = page.next_page_token if page else None
                if not token_:
                    break
            return items

        def done(items: list[Workspace]) -> None:
            self._workspaces = items
            self.workspacesChanged.emit(list(items))
            self.currentWorkspaceChanged.emit(self.current_workspace())

        self._run(WORKSPACES, job, done)

    def load_instances(self) -> None:
        settings = self._ready(INSTANCES)
        if settings is None:
            return
        clients = self._clients

        def job(token, _progress) -> list[PackageInstance]:
            client = clients.client_for(settings)
            items: list[PackageInstance] = []
            token_ = None
            for _ in range(MAX_PAGES):
                page = client.instance_list(page_token=token_, cancel=token).value
                items.extend(page.items if page else [])
                token_ = page.next_page_token if page else None
                if not token_:
                    break
            return items

        def done(items: list[PackageInstance]) -> None:
            self._instances = items
            self.instancesChanged.emit(list(items))

        self._run(INSTANCES, job, done)

    def load_methods(
        self, instance: PackageInstance, *, refresh: bool = False, profile: str | None = None
    ) -> None:
        """``__dir__`` of ``instance`` through ``profile`` (None: the current one): from the cache
        unless ``refresh``; ``methodsChanged`` tells the handle (receivers read
        :meth:`cached_methods` for their own profile)."""
        handle = instance.handle or ""
        settings = self._ready(METHODS, profile, instance.workspace_handle)
        if settings is None:
            self.methodsFailed.emit(handle, self.error(METHODS))
            return
        key = self._method_key(instance, settings)
        if not refresh and key in self._methods:
            self._set_error(METHODS, "")
            self.methodsChanged.emit(handle, self._methods[key])
            return
        clients = self._clients

        def job(token, _progress) -> PackageSpec:
            spec = clients.client_for(settings).describe(instance, cancel=token).value
            return spec if spec is not None else PackageSpec()

        def done(spec: PackageSpec) -> None:
            self._methods[key] = spec
            self.methodsChanged.emit(handle, spec)

        # one job per instance: loading another instance's methods must not cancel this one
        self._run(
            METHODS,
            job,
            done,
            key=f"explorer-methods-{key!r}",
            what=f"the methods of {handle}",
            failed_with=lambda message: self.methodsFailed.emit(handle, message),
        )

    def create_workspace(self, handle: str) -> None:
        """``workspace/create`` (fetch if it exists); then select it and reload."""
        settings = self._ready(WORKSPACES)
        if settings is None:
            return
        clients = self._clients

        def job(token, _progress) -> Workspace:
            return clients.client_for(settings).workspace_create(handle, cancel=token).value

        def done(workspace: Workspace) -> None:
            if all(ws.handle != workspace.handle for ws in self._workspaces):
                self._workspaces.insert(0, workspace)
                self.workspacesChanged.emit(list(self._workspaces))
            self.workspaceCreated.emit(workspace)
            if workspace.handle:
                self.select_workspace(workspace.handle)

        self._run(WORKSPACES, job, done, key="explorer-create-workspace", what="the workspace")

    # -- plumbing -------------------------------------------------------------------------------

    @staticmethod
    def _method_key(instance: PackageInstance, settings: ConnectionSettings | None) -> tuple:
        if settings is None:
            return (None, None, None, instance.workspace_handle, instance.handle)
        return (
            settings.api_base,
            settings.app_base,
            settings.workspace_handle,
            instance.workspace_handle,
            instance.handle,
        )

    def _ready(
        self, area: str, profile: str | None = None, workspace: str | None = None
    ) -> ConnectionSettings | None:
        settings = self._clients.settings_for(profile, workspace)
        if settings is None and profile is not None:
            self._set_error(area, f"There is no profile named “{profile}” (yet).")
            return None
        if settings is None:
            self._set_error(area, "No connection profile: add one with Profiles… (Ctrl+Shift+P).")
            return None
        if not settings.api_key:
            self._clients.ensure_key(profile)
            self._set_error(
                area,
                "No API key for this profile yet (still loading from the keyring, or none "
                "stored: add one with Profiles…).",
            )
            return None
        return settings

    def _run(
        self,
        area,
        job,
        done,
        *,
        key: str | None = None,
        what: str | None = None,
        failed_with=None,
    ) -> None:
        self._set_loading(area, +1)

        def ok(value) -> None:
            self._set_loading(area, -1)
            self._set_error(area, "")
            done(value)

        def failed(exc: BaseException) -> None:
            self._set_loading(area, -1)
            message = f"Could not load {what or area}: {describe(exc)}"
            self._set_error(area, message)
            if failed_with is not None:
                failed_with(message)

        self._pool.submit(
            job,
            on_result=ok,
            on_error=failed,
            on_cancelled=lambda: self._set_loading(area, -1),
            key=key or f"explorer-{area}",
        )

    def _set_loading(self, area: str, delta: int) -> None:
        before = self.is_loading(area)
        self._loading[area] = max(0, self._loading.get(area, 0) + delta)
        if self.is_loading(area) != before:
            self.loadingChanged.emit(area, self.is_loading(area))

    def _set_error(self, area: str, message: str) -> None:
        if self._errors.get(area, "") != message:
            self._errors[area] = message
            self.errorChanged.emit(area, message)

    @Slot()
    def _clients_changed(self) -> None:
        self._started = True
        settings = self._clients.settings()
        connection = (
            settings.replace(workspace_handle=None, workspace_id=None) if settings else None
        )
        same_connection = connection == self._connection and connection is not None
        self._connection = connection
        self._instances = []
        self.instancesChanged.emit([])
        if same_connection:
            self.currentWorkspaceChanged.emit(self.current_workspace())
        else:
            self._workspaces = []
            self._methods.clear()
            self.workspacesChanged.emit([])
            self.load_workspaces()
        self.load_instances()
