"""Typed Steamship operations: account, workspaces, packages, instances, invoke, tasks.

:class:`Operations` holds them; :class:`~shipexplorer.api.client.SteamshipClient` supplies the three
primitives they build on (``api_request``, ``invoke_request``, ``send``). Each returns a
:class:`Result` and raises the exchange's typed error, except where its docstring says otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Generic, TypeVar

from .decode import Data
from .errors import Cancelled
from .exchange import Exchange
from .methods import PackageSpec, parse_methods
from .models import Package, PackageInstance, PackageVersion, Page, User, Workspace, page_of
from .redact import redact
from .request import ApiRequest, InstanceRef
from .tasks import Task
from .transport import CancelToken

T = TypeVar("T")
_LOOKUP_LOCK = threading.Lock()


class Result(Generic[T]):
    """A typed answer: ``value`` (``None`` when only a task came), ``task`` and ``exchange``."""

    __slots__ = ("exchange", "value")

    def __init__(self, value: T | None, exchange: Exchange) -> None:
        self.value = value
        self.exchange = exchange

    @property
    def task(self) -> Task | None:
        return self.exchange.task

    @property
    def is_task(self) -> bool:
        return self.exchange.task is not None

    def __repr__(self) -> str:
        text = f"Result(value={self.value!r}, task={self.task!r}, exchange={self.exchange!r})"
        return redact(text, self.exchange.secrets)


class Operations:
    """The typed operations, over three primitives that a subclass provides."""

    def api_request(
        self, operation: str, body: Any = None, *, verb: str = "POST", background: bool = False
    ) -> ApiRequest:
        raise NotImplementedError

    def invoke_request(
        self,
        target: PackageInstance | InstanceRef | str,
        method: str,
        args: Any = None,
        *,
        verb: str = "POST",
    ) -> ApiRequest:
        raise NotImplementedError

    def send(
        self,
        request: ApiRequest,
        *,
        cancel: CancelToken | None = None,
        deadline: float | None = None,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> Exchange:
        raise NotImplementedError

    def _run(
        self,
        request: ApiRequest,
        parse: Callable[[Any], T],
        cancel: CancelToken | None,
        deadline: float | None = None,
    ) -> Result[T]:
        exchange = self.send(request, cancel=cancel, deadline=deadline)
        if exchange.error is not None:
            raise exchange.error
        data = exchange.data
        if exchange.task is not None and data is None:
            return Result(None, exchange)
        return Result(parse(data), exchange)

    def call(
        self,
        operation: str,
        body: Any = None,
        *,
        verb: str = "POST",
        background: bool = False,
        cancel: CancelToken | None = None,
    ) -> Result[Any]:
        """Any API operation; the value is the answer's ``data`` (or the body) as decoded JSON."""
        return self._run(
            self.api_request(operation, body, verb=verb, background=background), lambda d: d, cancel
        )

    def account_current(self, *, cancel: CancelToken | None = None) -> Result[User]:
        """``GET account/current``: who the key belongs to (a good connection test)."""
        return self._run(self.api_request("account/current", verb="GET"), User.from_data, cancel)

    def workspace_create(
        self,
        handle: str | None,
        *,
        fetch_if_exists: bool = True,
        background: bool = False,
        cancel: CancelToken | None = None,
    ) -> Result[Workspace]:
        """``workspace/create``, body as ``Workspace.create`` sends it (nulls included)."""
        body = {
            "id": None,
            "handle": handle,
            "fetchIfExists": fetch_if_exists,
            "externalId": None,
            "externalType": None,
            "metadata": None,
        }
        return self._run(
            self.api_request("workspace/create", body, background=background),
            Workspace.from_data,
            cancel,
        )

    def workspace_get(
        self, id: str | None = None, handle: str | None = None, *, cancel: CancelToken | None = None
    ) -> Result[Workspace]:
        return self._run(
            self.api_request("workspace/get", {"id": id, "handle": handle}),
            Workspace.from_data,
            cancel,
        )

    def workspace_list(
        self,
        page_size: int | None = None,
        page_token: str | None = None,
        *,
        sort_order: str = "DESC",
        cancel: CancelToken | None = None,
    ) -> Result[Page[Workspace]]:
        body = {"pageSize": page_size, "pageToken": page_token, "sortOrder": sort_order}
        return self._run(
            self.api_request("workspace/list", body),
            lambda d: page_of(d, "workspaces", Workspace.from_data),
            cancel,
        )

    def workspace_delete(self, id: str, *, cancel: CancelToken | None = None) -> Result[Workspace]:
        return self._run(
            self.api_request("workspace/delete", {"id": id}), Workspace.from_data, cancel
        )

    def package_get(self, handle: str, *, cancel: CancelToken | None = None) -> Result[Package]:
        return self._run(
            self.api_request("package/get", {"id": None, "handle": handle}),
            Package.from_data,
            cancel,
        )

    def package_list(
        self,
        page_size: int | None = None,
        page_token: str | None = None,
        *,
        cancel: CancelToken | None = None,
    ) -> Result[Page[Package]]:
        """The emulator's catalogue (the real service has no ``package/list``)."""
        body = {"pageSize": page_size, "pageToken": page_token, "sortOrder": "DESC"}
        return self._run(
            self.api_request("package/list", body),
            lambda d: page_of(d, "packages", Package.from_data),
            cancel,
        )

    def package_version_list(
        self,
        package_id: str | None,
        page_size: int | None = None,
        page_token: str | None = None,
        *,
        cancel: CancelToken | None = None,
    ) -> Result[Page[PackageVersion]]:
        """``package/version/list`` of a package (each version with its ``configTemplate``).
        Inferred: the official client has no such call; servers without it answer 404."""
        body = {
            "packageId": package_id,
            "pageSize": page_size,
            "pageToken": page_token,
            "sortOrder": "DESC",
        }
        return self._run(
            self.api_request("package/version/list", body),
            lambda d: page_of(d, "packageVersions", PackageVersion.from_data),
            cancel,
        )

    def instance_create(
        self,
        package_handle: str,
        instance_handle: str | None = None,
        *,
        version: str | None = None,
        fetch_if_exists: bool = True,
        config: dict[str, Any] | None = None,
        package_id: str | None = None,
        background: bool = False,
        cancel: CancelToken | None = None,
    ) -> Result[PackageInstance]:
        body = {
            "id": None,
            "packageId": package_id,
            "packageHandle": package_handle,
            "packageVersionId": None,
            "packageVersionHandle": version,
            "handle": instance_handle,
            "fetchIfExists": fetch_if_exists,
            "config": config,
            "workspaceId": None,
            "localDevelopmentURL": None,
        }
        return self._run(
            self.api_request("package/instance/create", body, background=background),
            PackageInstance.from_data,
            cancel,
        )

    def instance_get(
        self, handle: str | None = None, id: str | None = None, *, cancel: CancelToken | None = None
    ) -> Result[PackageInstance]:
        return self._run(
            self.api_request("package/instance/get", {"id": id, "handle": handle}),
            PackageInstance.from_data,
            cancel,
        )

    def instance_list(
        self,
        page_size: int | None = None,
        page_token: str | None = None,
        *,
        package_id: str | None = None,
        package_version_id: str | None = None,
        include_workspace: bool | None = None,
        across_workspaces: bool | None = None,
        sort_order: str = "DESC",
        cancel: CancelToken | None = None,
    ) -> Result[Page[PackageInstance]]:
        body = {
            "pageSize": page_size,
            "pageToken": page_token,
            "sortOrder": sort_order,
            "packageId": package_id,
            "packageVersionId": package_version_id,
            "includeWorkspace": include_workspace,
            "acrossWorkspaces": across_workspaces,
        }
        return self._run(
            self.api_request("package/instance/list", body),
            lambda d: page_of(d, "packageInstances", PackageInstance.from_data),
            cancel,
        )

    def instance_delete(
        self, id: str, *, cancel: CancelToken | None = None
    ) -> Result[PackageInstance]:
        return self._run(
            self.api_request("package/instance/delete", {"id": id}),
            PackageInstance.from_data,
            cancel,
        )

    def invoke(
        self,
        target: PackageInstance | InstanceRef | str,
        method: str,
        args: Any = None,
        *,
        verb: str = "POST",
        cancel: CancelToken | None = None,
        deadline: float | None = None,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> Result[Data]:
        """Call a package method. ``result.value`` is a :class:`Data`; when the method answered a
        task (plain or wrapped, even succeeded) ``result.task`` is set. Error answers raise. Never
        retried.
        """
        target = self.resolve_instance(target, cancel=cancel)
        exchange = self.send(
            self.invoke_request(target, method, args, verb=verb),
            cancel=cancel,
            deadline=deadline,
            on_progress=on_progress,
        )
        if exchange.error is not None:
            raise exchange.error
        return Result(exchange.outcome.data if exchange.outcome else None, exchange)

    def resolve_instance(
        self, target: PackageInstance | InstanceRef | str, *, cancel: CancelToken | None = None
    ) -> PackageInstance | InstanceRef | str:
        """``target`` with its workspace handle, looked up by id when the record lacks it (a
        record without ``workspaceHandle`` would be sent to ``_``): ``workspace/get`` by its
        ``workspaceId``, as the official client does before invoking, else
        ``package/instance/get`` by its ``id``. Each answer is kept per id (workspace ids and
        instance ids never change hands). Anything else is returned as it is; a failed lookup
        raises its error (nothing is sent to a guessed workspace)."""
        if not isinstance(target, PackageInstance) or target.workspace_handle:
            return target
        if not (target.workspace_id or target.id):
            return target
        known = self._known_workspaces()
        handle = known.get(("workspace", target.workspace_id)) if target.workspace_id else None
        handle = handle or (known.get(("instance", target.id)) if target.id else None)
        workspace_id = target.workspace_id
        if handle is None and target.workspace_id:
            handle = self._workspace_handle(target.workspace_id, cancel)
        elif handle is None:
            record = self.instance_get(id=target.id, cancel=cancel).value
            handle = record.workspace_handle if record is not None else None
            workspace_id = record.workspace_id if record is not None else None
            if handle is None and workspace_id:
                handle = self._workspace_handle(workspace_id, cancel)
        if not handle:
            return target
        if workspace_id:
            known[("workspace", workspace_id)] = handle
        if target.id:
            known[("instance", target.id)] = handle
        return replace(target, workspace_handle=handle, workspace_id=workspace_id)

    def _workspace_handle(self, workspace_id: str, cancel: CancelToken | None) -> str | None:
        workspace = self.workspace_get(id=workspace_id, cancel=cancel).value
        return workspace.handle if workspace is not None else None

    def _known_workspaces(self) -> dict[tuple[str, str], str]:
        """The workspace handles looked up so far, per workspace id and instance id."""
        known = self.__dict__.get("_workspace_handles")
        if known is None:
            with _LOOKUP_LOCK:
                known = self.__dict__.setdefault("_workspace_handles", {})
        return known

    def describe(
        self,
        target: PackageInstance | InstanceRef | str,
        *,
        verb: str = "GET",
        cancel: CancelToken | None = None,
    ) -> Result[PackageSpec]:
        """``__dir__`` of an instance, parsed into method specs."""
        result = self.invoke(target, "__dir__", verb=verb, cancel=cancel)
        return Result(parse_methods(result.value.value if result.value else None), result.exchange)

    def task_status(self, task_id: str, *, cancel: CancelToken | None = None) -> Result[Task]:
        """Poll a task. A failed task is returned (``value.failed``), not raised; other errors
        raise.
        """
        exchange = self.send(self.api_request("task/status", {"taskId": task_id}), cancel=cancel)
        return self._task_result(exchange)

    def task_get(self, task_id: str, *, cancel: CancelToken | None = None) -> Result[Task]:
        exchange = self.send(
            self.api_request("task/get", {"id": task_id, "handle": None}), cancel=cancel
        )
        return self._task_result(exchange)

    @staticmethod
    def _task_result(exchange: Exchange) -> Result[Task]:
        task = exchange.task
        if task is None and exchange.error is None:
            data = exchange.data
            if isinstance(data, dict) and isinstance(data.get("task"), dict):
                task = Task.from_dict(data["task"])
            elif isinstance(data, dict):
                task = Task.from_dict(data)
        if exchange.error is not None and (task is None or task.task_id is None):
            raise exchange.error
        if exchange.task is not None and task is not None and exchange.data is not None:
            task = _with_output(task, exchange.data)
        return Result(task, exchange)

    def wait_task(
        self,
        task_id: str,
        *,
        interval: float = 1.0,
        timeout: float | None = 180.0,
        cancel: CancelToken | None = None,
        on_update: Callable[[Task], None] | None = None,
    ) -> Task:
        """Poll ``task/status`` until the task finishes (as the official client: sleep, then poll).

        Raises :class:`Cancelled` when ``cancel`` fires, :class:`TimeoutError` after ``timeout``.
        """
        token = cancel or CancelToken()
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            if token.wait(interval):
                raise Cancelled("Stopped waiting for the task (it goes on running on the server).")
            task = self.task_status(task_id, cancel=token).value
            assert task is not None
            if on_update is not None:
                on_update(task)
            if task.is_finished:
                return task
            if end is not None and time.monotonic() >= end:
                raise TimeoutError(f"Task {task_id} is still {task.state} after {timeout} s.")

    def block_raw(
        self,
        block_id: str,
        *,
        cancel: CancelToken | None = None,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> Result[Data]:
        """``POST block/raw {"id"}``: a block's content. ``result.value`` is a :class:`Data` whose
        ``value`` is the bytes as received and ``mime_type`` the answer's type (the body is not
        decoded: a JSON block stays bytes). Error answers raise. ``on_progress(received, total)``
        sees the body arrive (an exception it raises stops the download and reaches the caller).
        """
        exchange = self.send(
            self.api_request("block/raw", {"id": block_id}), cancel=cancel, on_progress=on_progress
        )
        status = exchange.status
        if exchange.transport_error is not None or status is None or not 200 <= status < 300:
            assert exchange.error is not None  # a failed exchange always carries its error
            raise exchange.error
        mime = (exchange.content_type or "").split(";")[0].strip().lower() or None
        return Result(Data(bytes(exchange.response_body), "bytes", mime), exchange)


def _with_output(task: Task, data: Any) -> Task:
    return replace(task, output=data)
