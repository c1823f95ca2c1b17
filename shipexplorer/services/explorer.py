"""What the explorer browses: workspaces, the current workspace, its package instances (or those
of every workspace), and the methods (``__dir__``) of each instance, all loaded on the worker pool.

Each area ("workspaces", "instances", "methods") has its own loading and error state, reported by
``loadingChanged`` and ``errorChanged``. ``__dir__`` answers are cached per connection, workspace
and instance, and reloaded on demand. Everything reloads when the :class:`ClientProvider` changes
(another profile, its key, another workspace).

An instance that is still initialising is waited for (an :class:`InitWatcher`, as the official
client waits: ``package/instance/get`` every second, up to 180 s) before its ``__dir__`` is
asked for; ``initChanged`` reports the wait, and ``methodsChanged`` (or ``methodsFailed`` with
the reason) follows once it ends.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.api import (
    ApiError,
    ConnectionSettings,
    PackageInstance,
    PackageSpec,
    Workspace,
    describe,
)
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.instance_init import (
    FAILED,
    INITIALISING,
    InitProgress,
    InitWatcher,
    init_message,
    init_state,
)
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
        instancesChanged(object): a list of :class:`PackageInstance` of the current workspace
            (of every workspace while :meth:`across_workspaces`).
        methodsChanged(str, object): an instance handle and its :class:`PackageSpec`.
        methodsFailed(str, str): an instance handle and why its ``__dir__`` could not be loaded.
        workspaceCreated(object): a :class:`Workspace` made by :meth:`create_workspace`.
        initChanged(str): an instance handle whose initialisation (:meth:`init_progress`)
            changed: once a second while it initialises, and when the wait ends.
    """

    loadingChanged = Signal(str, bool)
    errorChanged = Signal(str, str)
    workspacesChanged = Signal(object)
    currentWorkspaceChanged = Signal(str)
    instancesChanged = Signal(object)
    methodsChanged = Signal(str, object)
    methodsFailed = Signal(str, str)
    workspaceCreated = Signal(object)
    initChanged = Signal(str)

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
        self._across = False  # list the instances of every workspace
        #: loads of ``__dir__`` waiting for an initialisation: watch key -> (instance, profile)
        self._deferred: dict[tuple, list[tuple[PackageInstance, str | None]]] = {}
        self.init_watcher = InitWatcher(clients, pool, self)
        self.init_watcher.changed.connect(self._init_changed)
        self.init_watcher.ended.connect(self._init_ended)
        clients.changed.connect(self._clients_changed)

    # -- reading ------------------------------------------------------------------------------

    @property
    def clients(self) -> ClientProvider:
        return self._clients

    @property
    def pool(self) -> WorkerPool:
        return self._pool

    def workspaces(self) -> list[Workspace]:
        return list(self._workspaces)

    def instances(self) -> list[PackageInstance]:
        return list(self._instances)

    def instance(self, handle: str) -> PackageInstance | None:
        return next((i for i in self._instances if i.handle == handle), None)

    def current_workspace(self) -> str:
        """The workspace handle in use ("" means the profile's default)."""
        return self._clients.workspace_handle or ""

    def across_workspaces(self) -> bool:
        """True while the instances of every workspace are listed ("All workspaces")."""
        return self._across

    def init_progress(self, instance: PackageInstance, profile: str | None = None) -> InitProgress:
        """What is known of the initialisation of ``instance`` (through ``profile``): the
        wait's progress when it is (or was) waited for, else what its listed record says."""
        settings = self._clients.settings_for(profile, instance.workspace_handle)
        watched = self.init_watcher.progress(self._init_key(instance, settings))
        if watched is not None:
            return watched
        record = self._listed(instance) or instance
        state = init_state(record)
        return InitProgress(state, message=init_message(record) if state == FAILED else "")

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
        """Reload workspaces and instances, and forget cached ``__dir__`` answers (and the
        initialisations that ended: an instance still initialising is waited for again)."""
        self._methods.clear()
        self.init_watcher.forget_finished()
        self.load_workspaces()
        self.load_instances()

    def select_workspace(self, handle: str) -> None:
        """Make requests go to workspace ``handle`` and list its instances (leaving "All
        workspaces")."""
        if not handle:
            return
        if handle != self.current_workspace():
            self._across = False
            self._clients.set_workspace(handle)
        elif self._across:
            self._across = False
            self.currentWorkspaceChanged.emit(self.current_workspace())
            self.load_instances()

    def show_all_workspaces(self, on: bool = True) -> None:
        """List the instances of every workspace (``acrossWorkspaces``), each with its own
        workspace; requests still go to each instance's workspace, new instances to the
        current one."""
        if on != self._across:
            self._across = on
            self.currentWorkspaceChanged.emit(self.current_workspace())
            self.load_instances()

    def load_workspaces(self) -> None:
        settings = self._ready(WORKSPACES)
        if settings is None:
            return
        clients = self._clients

        cut: list[int] = []  # the job notes here how many were listed when pages remained

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
            else:
                cut.append(len(items))
            return items

        def done(items: list[Workspace]) -> None:
            self._workspaces = items
            self.workspacesChanged.emit(list(items))
            self.currentWorkspaceChanged.emit(self.current_workspace())
            self._note_cut(WORKSPACES, cut)

        self._run(WORKSPACES, job, done)

    def load_instances(self) -> None:
        settings = self._ready(INSTANCES)
        if settings is None:
            return
        clients, across = self._clients, self._across
        known = {ws.id: ws.handle for ws in self._workspaces if ws.id and ws.handle}
        cut: list[int] = []  # the job notes here how many were listed when pages remained

        def job(token, _progress) -> list[PackageInstance]:
            client = clients.client_for(settings)
            items: list[PackageInstance] = []
            token_ = None
            for _ in range(MAX_PAGES):
                page = client.instance_list(
                    page_token=token_,
                    across_workspaces=True if across else None,
                    include_workspace=True if across else None,
                    cancel=token,
                ).value
                items.extend(page.items if page else [])
                token_ = page.next_page_token if page else None
                if not token_:
                    break
            else:
                cut.append(len(items))
            return [_with_workspace(client, i, across, known, token) for i in items]

        def done(items: list[PackageInstance]) -> None:
            self._instances = items
            self.instancesChanged.emit(list(items))
            self._note_cut(INSTANCES, cut)
            for item in items:
                if init_state(item) == INITIALISING:
                    self._watch_init(item, None)

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
        init_key = self._init_key(instance, settings)
        progress = self.init_progress(instance, profile)
        if progress.state == INITIALISING and (refresh or not progress.timed_out):
            # ``__dir__`` of an initialising instance fails: ask once it is ready
            self._deferred.setdefault(init_key, []).append((instance, profile))
            self._watch_init(self._listed(instance) or instance, profile)
            return
        if progress.state == INITIALISING or (progress.state == FAILED and not refresh):
            self.methodsFailed.emit(handle, progress.sentence())
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

    # -- initialisation -----------------------------------------------------------------------

    def _init_key(
        self, instance: PackageInstance, settings: ConnectionSettings | None
    ) -> tuple | None:
        if settings is None:
            return None
        workspace = instance.workspace_handle or settings.workspace_handle or ""
        return (settings.api_base, workspace, instance.handle or instance.id)

    def _watch_init(self, instance: PackageInstance, profile: str | None) -> None:
        settings = self._clients.settings_for(profile, instance.workspace_handle)
        if settings is None or not settings.api_key:
            return
        key = self._init_key(instance, settings)
        if not self.init_watcher.watching(key):
            self.init_watcher.watch(key, instance, settings)

    def _listed(self, instance: PackageInstance) -> PackageInstance | None:
        """The listed record of ``instance`` (same handle and workspace), if any."""
        return next(
            (
                i
                for i in self._instances
                if i.handle == instance.handle
                and (
                    instance.workspace_handle is None
                    or i.workspace_handle in (None, instance.workspace_handle)
                )
            ),
            None,
        )

    @Slot(object)
    def _init_changed(self, key: tuple) -> None:
        self.initChanged.emit(str(key[2] or ""))

    @Slot(object, object)
    def _init_ended(self, key: tuple, record: PackageInstance) -> None:
        """An initialisation ended: the listed record takes its state, and the ``__dir__``
        loads that waited for it go on (or fail with its reason)."""
        listed = self._listed(record)
        if listed is not None and listed.init_status != record.init_status:
            updated = replace(listed, init_status=record.init_status, raw=record.raw)
            self._instances = [updated if i is listed else i for i in self._instances]
            self.instancesChanged.emit(list(self._instances))
        for instance, profile in self._deferred.pop(key, []):
            self.load_methods(replace(instance, init_status=record.init_status), profile=profile)

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

    def _note_cut(self, area: str, cut: list[int]) -> None:
        """Say (as the area's error text) that a list stopped at :data:`MAX_PAGES` pages."""
        if cut:
            what = "instances" if area == INSTANCES else area
            self._set_error(area, f"Only the first {cut[0]:,} {what} are listed.")

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
            self._across = False  # another server: its own workspaces
            self._workspaces = []
            self._methods.clear()
            self.workspacesChanged.emit([])
            self.load_workspaces()
        self.load_instances()


def _with_workspace(
    client, instance: PackageInstance, across: bool, known: dict[str, str], token
) -> PackageInstance:
    """``instance`` with its workspace handle: from the workspaces listed, else looked up by id
    (``resolve_instance``, cached by the client); one workspace's list names its own (runs in
    the job)."""
    if instance.workspace_handle:
        return instance
    if instance.workspace_id and instance.workspace_id in known:
        return replace(instance, workspace_handle=known[instance.workspace_id])
    if not across:
        handle = client.settings.workspace_handle
        return replace(instance, workspace_handle=handle) if handle else instance
    try:
        return client.resolve_instance(instance, cancel=token)
    except ApiError:  # the list still shows it; invoking looks it up again
        return instance
