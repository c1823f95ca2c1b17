"""The package catalogue: list packages, read one's config template (of the latest version or of
the version asked for), create instances.

:class:`PackageCatalog` runs ``package/list``, ``package/get``, ``package/version/list``,
``package/instance/list`` and ``package/instance/create`` on the worker pool and reports through
signals. A create answered with a task and no instance (the server creates it in the background)
is waited for as the official client waits for tasks (``task/status`` every second, up to 180 s);
the task tracker sees it like every task answer. The pure helpers
below it (no Qt) suggest an instance handle, check a config against a package's
``configTemplate`` before it is sent, and find which config key a server's refusal names.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from shipexplorer.api import ConfigField, PackageInstance
from shipexplorer.api.cancel import CancelToken
from shipexplorer.api.errors import ApiError, HttpError, TaskFailed
from shipexplorer.api.models import Package, PackageVersion
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.workers import JobHandle, Op, WorkerPool

__all__ = [
    "NoConnection",
    "PackageCatalog",
    "field_named_in",
    "is_valid_handle",
    "suggest_instance_handle",
    "validate_config",
]

#: HTTP statuses meaning "this server has no such operation" (a real server has no package/list)
_NOT_SERVED = {404, 405, 501}
log = logging.getLogger(__name__)
_HANDLE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_HANDLE_LENGTH = 64
_MAX_PAGES = 50


class NoConnection(ApiError):
    """No profile is selected, or its key is not loaded: nothing was sent."""

    title = "not connected"


class PackageCatalog(QObject):
    """Packages and instance creation for the current connection, run on the worker pool.

    Signals:
        packagesLoading(): a ``package/list`` started.
        packagesLoaded(object): a ``list[Package]``; empty, with :attr:`list_available` False,
            when the server has no ``package/list`` (the real service): the user types a handle.
        packagesFailed(object): the ``ApiError`` of a failed list (network, key, ...).
        packageLoading(str): ``package/get`` of that handle started.
        packageLoaded(str, object): the handle and its ``Package``, or None when the get failed
            (then ``packageFailed`` came just before with the error). Ends every load_package.
        packageFailed(str, object): the handle and the error of a failed ``package/get``.
        instanceHandlesLoaded(object): the ``set[str]`` of instance handles in the workspace.
        versionLoaded(str, str, object): a package handle, a version handle and that
            version's ``PackageVersion`` (its ``configTemplate``), or None when it cannot be
            read (no ``package/version/list`` on this server, or no such version: then
            :attr:`version_note` says why). Ends every load_version.
        creating(): a ``package/instance/create`` was sent.
        created(object): the new (or fetched) ``PackageInstance``.
        createFailed(object): the error of a failed create (``HttpError`` carries ``status``).
        createQueued(object): the create was answered with a ``Task`` and no instance: the
            server creates it in the background; ``queuedCreated`` or ``queuedFailed`` follows.
        queuedCreated(str, object): that task's id and the ``PackageInstance`` once it ended.
        queuedFailed(str, object): that task's id and why it failed (or the wait gave up).
        connectionChanged(): the profile, key or workspace changed: what was loaded is stale.
    """

    packagesLoading = Signal()
    packagesLoaded = Signal(object)
    packagesFailed = Signal(object)
    packageLoading = Signal(str)
    packageLoaded = Signal(str, object)
    packageFailed = Signal(str, object)
    instanceHandlesLoaded = Signal(object)
    versionLoaded = Signal(str, str, object)
    creating = Signal()
    created = Signal(object)
    createFailed = Signal(object)
    createQueued = Signal(object)
    queuedCreated = Signal(str, object)
    queuedFailed = Signal(str, object)
    connectionChanged = Signal()

    def __init__(
        self, clients: ClientProvider, pool: WorkerPool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self._pool = pool
        self._loads: list[JobHandle] = []
        #: False once the server said it has no ``package/list``
        self.list_available = True
        #: why the last load_version gave None ("" when it gave a version)
        self.version_note = ""
        #: how a queued create is waited for: the official client's task cadence and limit
        self.task_interval, self.task_timeout = 1.0, 180.0
        clients.changed.connect(self.connectionChanged)

    # -- requests (GUI thread) -------------------------------------------------------------------
    def load_packages(self) -> JobHandle:
        """List the server's packages (the emulator's catalogue; absent on the real service)."""
        settings = self._clients.settings()

        def job(token: CancelToken, _progress: object) -> tuple[bool, list[Any]]:
            client = self._client(settings)
            items: list[Any] = []
            page_token = None
            for _ in range(_MAX_PAGES):
                try:
                    page = client.package_list(page_token=page_token, cancel=token).value
                except HttpError as exc:
                    if exc.status in _NOT_SERVED:
                        return False, []  # not served: free entry
                    raise
                items.extend(page.items if page else [])
                page_token = page.next_page_token if page else None
                if not page_token:
                    break
            return True, items

        self.packagesLoading.emit()
        return self._load(
            Op(self._pool, job)
            .on_success(self._packages_done)
            .on_failure(self.packagesFailed.emit)
            .with_key("catalog:packages")
        )

    def load_package(self, handle: str) -> JobHandle:
        """``package/get`` of ``handle``; a newer call cancels an older one still running."""
        settings = self._clients.settings()

        def job(token: CancelToken, _progress: object) -> Any:
            return self._client(settings).package_get(handle, cancel=token).value

        def failed(error: BaseException) -> None:
            self.packageFailed.emit(handle, error)
            self.packageLoaded.emit(handle, None)

        self.packageLoading.emit(handle)
        return self._load(
            Op(self._pool, job)
            .on_success(lambda package: self.packageLoaded.emit(handle, package))
            .on_failure(failed)
            .with_key("catalog:package")
        )

    def load_instance_handles(self) -> JobHandle:
        """The handles of the workspace's instances (so a suggested handle is new); on failure
        nothing is reported but a log line: suggestions then only avoid what is known."""
        settings = self._clients.settings()

        def job(token: CancelToken, _progress: object) -> set[str]:
            client = self._client(settings)
            handles: set[str] = set()
            page_token = None
            for _ in range(_MAX_PAGES):
                page = client.instance_list(page_token=page_token, cancel=token).value
                handles.update(i.handle for i in (page.items if page else []) if i.handle)
                page_token = page.next_page_token if page else None
                if not page_token:
                    break
            return handles

        return self._load(
            Op(self._pool, job)
            .on_success(self.instanceHandlesLoaded.emit)
            .on_failure(lambda error: log.info("instance handles not listed: %s", error))
            .with_key("catalog:instances")
        )

    def load_version(self, package: Package | str, version: str) -> JobHandle:
        """The record of ``version`` of ``package`` with its ``configTemplate``: from what the
        package record carries, else ``package/version/list``; ``versionLoaded`` follows (a
        newer call cancels an older one still running)."""
        settings = self._clients.settings()
        handle = package if isinstance(package, str) else (package.handle or "")

        def job(token: CancelToken, _progress: object) -> tuple[PackageVersion | None, str]:
            record = package
            if isinstance(record, str):
                record = self._client(settings).package_get(handle, cancel=token).value
            if record is None:
                return None, f"Package '{handle}' could not be read."
            carried = _version_named(record.versions, version)
            if carried is not None and carried.has_template:
                return carried, ""
            if record.version == version:  # the manifest read is that version's
                return PackageVersion(None, version, record.id, _template_of(record)), ""
            return self._listed_version(settings, record, version, token)

        def done(answer: tuple[PackageVersion | None, str]) -> None:
            found, self.version_note = answer
            self.versionLoaded.emit(handle, version, found)

        def failed(error: BaseException) -> None:
            self.version_note = f"The versions of '{handle}' could not be read: {error}"
            self.versionLoaded.emit(handle, version, None)

        return self._load(
            Op(self._pool, job).on_success(done).on_failure(failed).with_key("catalog:version")
        )

    def create_instance(
        self,
        package_handle: str,
        instance_handle: str,
        version: str | None = None,
        fetch_if_exists: bool = True,
        config: dict[str, Any] | None = None,
    ) -> JobHandle:
        """``package/instance/create``; ``created`` or ``createFailed`` follows, or, when the
        server answers a task and no instance, ``createQueued`` and then ``queuedCreated`` or
        ``queuedFailed``. Never cancelled by :meth:`cancel_loads` (once sent, the server may
        create it: the answer is reported)."""
        settings = self._clients.settings()
        interval, timeout = self.task_interval, self.task_timeout
        queued: list[str] = []  # the task's id, once the answer was a task

        def job(token: CancelToken, progress: Any) -> PackageInstance:
            client = self._client(settings)
            result = client.instance_create(
                package_handle,
                instance_handle,
                version=version or None,
                fetch_if_exists=fetch_if_exists,
                config=config,
                cancel=token,
            )
            if result.value is not None or result.task is None or not result.task.task_id:
                if result.value is None:
                    raise ApiError("The server answered the create with no instance and no task.")
                return result.value
            task = result.task
            progress(task)
            if not task.is_finished:
                try:
                    task = client.wait_task(
                        str(task.task_id), interval=interval, timeout=timeout, cancel=token
                    )
                except TimeoutError:
                    raise ApiError(
                        f"The task {task.task_id} that creates '{instance_handle}' is still "
                        f"running after {timeout:g} s; the instance appears once it ends (F5 "
                        "reloads the list)."
                    ) from None
            if task.failed:
                raise TaskFailed(
                    task.status_message or "The task that creates it failed.",
                    steamship_message=task.status_message,
                    suggestion=task.status_suggestion,
                    code=task.status_code,
                    task=task,
                )
            made = _instance_in(task.output_value())
            workspace = settings.workspace_handle if settings is not None else None
            return made or PackageInstance(
                id=None,
                handle=instance_handle,
                package_handle=package_handle,
                workspace_handle=workspace,
            )

        def started_task(task: Any) -> None:
            queued.append(str(task.task_id))
            self.createQueued.emit(task)

        def done(instance: PackageInstance) -> None:
            if queued:
                self.queuedCreated.emit(queued[0], instance)
            else:
                self.created.emit(instance)

        def failed(error: BaseException) -> None:
            if queued:
                self.queuedFailed.emit(queued[0], error)
            else:
                self.createFailed.emit(error)

        self.creating.emit()
        return (
            Op(self._pool, job).on_progress(started_task).on_success(done).on_failure(failed).run()
        )

    def cancel_loads(self) -> None:
        """Cancel the list and get calls still running (a closing dialog no longer needs them)."""
        for handle in self._loads:
            handle.cancel()
        self._loads = []

    # -- internals -------------------------------------------------------------------------------
    def _load(self, op: Op[Any]) -> JobHandle:
        handle = op.run()
        self._loads = [h for h in self._loads if not h.done] + [handle]
        return handle

    def _client(self, settings: Any) -> Any:
        """Runs inside jobs: the settings were read on the GUI thread when the call was made."""
        if settings is None:
            raise NoConnection("No connection profile is selected.")
        if not settings.api_key:
            raise NoConnection("The API key of this profile is not loaded yet.")
        return self._clients.client_for(settings)

    def _listed_version(
        self, settings: Any, package: Package, version: str, token: CancelToken
    ) -> tuple[PackageVersion | None, str]:
        """``version`` from ``package/version/list`` (runs inside jobs)."""
        client = self._client(settings)
        items: list[PackageVersion] = []
        page_token = None
        for _ in range(_MAX_PAGES):
            try:
                page = client.package_version_list(
                    package.id, page_token=page_token, cancel=token
                ).value
            except HttpError as exc:
                if exc.status in _NOT_SERVED:
                    return None, (
                        "This server does not list package versions, so the form shows the "
                        "latest version's config; the server checks it."
                    )
                raise
            items.extend(page.items if page else [])
            page_token = page.next_page_token if page else None
            if not page_token:
                break
        found = _version_named(items, version)
        if found is None:
            listed = ", ".join(v.handle for v in items if v.handle) or "none"
            return None, (
                f"'{package.handle}' has no version '{version}' (listed: {listed}); the server "
                "will say whether it takes it."
            )
        if not found.has_template:
            return None, (
                f"Version '{version}' does not say what config it takes; the server checks it."
            )
        return found, ""

    def _packages_done(self, answer: tuple[bool, list[Any]]) -> None:
        self.list_available, items = answer
        self.packagesLoaded.emit(items)


# -- pure helpers (no Qt) ------------------------------------------------------------------------
def _version_named(versions: Iterable[PackageVersion], version: str) -> PackageVersion | None:
    return next((v for v in versions if version in (v.handle, v.id)), None)


def _template_of(package: Package) -> Any:
    profile = package.profile if isinstance(package.profile, dict) else {}
    template = profile.get("configTemplate")
    return template if template is not None else package.raw.get("configTemplate", {})


def _instance_in(output: Any) -> PackageInstance | None:
    """The instance a creating task's output describes (None when it names none)."""
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            return None
    if isinstance(output, dict) and isinstance(output.get("data"), dict):
        output = output["data"]
    if not isinstance(output, dict):
        return None
    instance = PackageInstance.from_data(output)
    return instance if instance.handle else None


def is_valid_handle(handle: str) -> bool:
    """Lowercase letters and digits in groups joined by single dashes, at most 64 characters."""
    return len(handle) <= MAX_HANDLE_LENGTH and _HANDLE.fullmatch(handle) is not None


def suggest_instance_handle(package_handle: str, known: Iterable[str] = ()) -> str:
    """``greeter`` -> ``greeter-1`` (``-2``, ... when taken): a valid handle not in ``known``."""
    base = re.sub(r"[^a-z0-9]+", "-", package_handle.strip().lower()).strip("-") or "instance"
    taken = set(known)
    number = 1
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_HANDLE_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}
_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "object": "a JSON object",
    "array": "a JSON list",
}


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def check_value(spec: ConfigField, value: Any) -> str | None:
    """The problem with one value of ``spec`` (None when fine; null means "the default")."""
    if value is None:
        return None
    kind = spec.type or "string"
    types = _TYPES.get(kind)
    if types is not None and (
        not isinstance(value, types) or (kind == "number" and isinstance(value, bool))
    ):
        return f"'{spec.name}' must be {_TYPE_WORDS[kind]}, not {_shown(value)}."
    if spec.options and value not in spec.options:
        allowed = ", ".join(_shown(option) for option in spec.options)
        return f"'{spec.name}' must be one of {allowed}, not {_shown(value)}."
    return None


def validate_config(fields: Iterable[ConfigField], config: Any) -> dict[str | None, str]:
    """Problems of ``config`` against template ``fields``: key -> message naming the key; the
    key None holds a problem of the whole config. Without fields anything goes (no template)."""
    specs = {spec.name: spec for spec in fields}
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        return {None: "The config must be a JSON object."}
    if not specs:
        return {}
    problems: dict[str | None, str] = {}
    unknown = [key for key in config if key not in specs]
    if unknown:
        names = ", ".join(f"'{key}'" for key in unknown)
        known = ", ".join(f"'{key}'" for key in specs)
        problems[None] = f"Unknown config key {names} (this package takes {known})."
    for key, value in config.items():
        if key in specs and (problem := check_value(specs[key], value)):
            problems[key] = problem
    return problems


def field_named_in(message: str, names: Iterable[str]) -> str | None:
    """Which of ``names`` a server message names: a quoted name first, then a whole word."""
    names = [name for name in names if name]
    for match in re.finditer(r"""['"`]([^'"`]+)['"`]""", message):
        if match.group(1) in names:
            return match.group(1)
    for name in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message):
            return name
    return None
