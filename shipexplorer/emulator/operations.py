"""The API operations under ``/api/v1/``: workspaces, package instances, packages, tasks, account.

The engine APIs (files, blocks, tags, more tasks, signed URLs) are in ``ops_*`` modules that
register here through :func:`operation` and :func:`operation_pattern`.

Each operation takes the request's context and its JSON body (null-valued keys are treated as
absent) and returns the value that goes under ``data``, or a ready :class:`Reply` for answers
that are not data (``task/status``). ``X-Task-Background: true`` turns any operation into a task
that succeeds shortly after with the operation's result as its output.

An unknown operation, or a verb an operation does not take, is answered in the web framework's
form (``{"error": true, "reason": "Not Found"}``, 404; ``"Method Not Allowed"``, 405); errors of
known operations keep Steamship's failed status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shipexplorer.emulator import envelopes
from shipexplorer.emulator.envelopes import ApiError, json_reply
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import (
    DEFAULT_WORKSPACE,
    Store,
    Workspace,
    package_version_id,
    paginate,
)
from shipexplorer.emulator.store import package_id as store_package_id
from shipexplorer.emulator.tasks import Failure, Schedule

BACKGROUND_SCHEDULE = Schedule(wait=0.1, run=0.2, steps=1)

Operation = Callable[["ApiContext", dict[str, Any]], Any]
OPERATIONS: dict[str, Operation] = {}
GET_ALLOWED = {"account/current"}
NOT_BACKGROUND = {"task/status", "block/raw"}
#: Operations whose path carries an id (``block/{id}/raw``): pattern, operation, GET allowed.
PATTERNS: list[tuple[re.Pattern[str], Operation, bool]] = []
#: Operations that read the raw body themselves (multipart uploads, byte streams).
RAW_BODY: set[str] = set()


@dataclass
class ApiContext:
    """What an operation may use: the store, the dialect, the request headers, the app base."""

    store: Store
    dialect: str
    headers: Mapping[str, str]
    app_base: str
    raw_body: bytes = b""
    #: the ids a path pattern matched (see :func:`operation_pattern`)
    params: dict[str, str] = field(default_factory=dict)
    #: whether the request carried a valid key (only public routes are served without one)
    authorized: bool = True

    def workspace(self) -> Workspace:
        """The workspace named by ``X-Workspace-Id`` / ``X-Workspace-Handle`` (else ``default``)."""
        ws_id = self.headers.get("X-Workspace-Id")
        handle = self.headers.get("X-Workspace-Handle")
        if ws_id:
            return self.store.get_workspace(id=ws_id)
        return self.store.get_workspace(handle=handle or DEFAULT_WORKSPACE)


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(func: Operation) -> Operation:
        OPERATIONS[name] = func
        return func

    return register


def operation_pattern(
    pattern: str, get: bool = False, raw_body: bool = False
) -> Callable[[Operation], Operation]:
    """Register an operation whose path has ids: ``block/(?P<id>[^/]+)/raw``."""

    def register(func: Operation) -> Operation:
        PATTERNS.append((re.compile(pattern), func, get))
        if raw_body:
            RAW_BODY.add(pattern)
        return func

    return register


def _resolve(ctx: ApiContext, name: str) -> tuple[Operation | None, bool, str]:
    """The operation for ``name``: (function, GET allowed, its key in RAW_BODY)."""
    func = OPERATIONS.get(name)
    if func is not None:
        return func, name in GET_ALLOWED, name
    for pattern, func, get in PATTERNS:
        match = pattern.fullmatch(name)
        if match is not None:
            ctx.params = match.groupdict()
            return func, get, pattern.pattern
    return None, False, name


def _bad(message: str) -> ApiError:
    return ApiError(400, message, code="BadRequest", suggestion="Check the request body.")


def _str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(f"'{key}' must be a string, got {type(value).__name__}.")
    return value or None


def _bool(body: dict[str, Any], key: str, default: bool = False) -> bool:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(f"'{key}' must be a boolean, got {type(value).__name__}.")
    return value


def _descending(body: dict[str, Any]) -> bool:
    order = body.get("sortOrder") or "DESC"
    if order not in ("ASC", "DESC"):
        raise _bad(f"'sortOrder' must be ASC or DESC, got {order!r}.")
    return order == "DESC"


def _page(body: dict[str, Any], items: list[Any], key: str, to_json: Callable[[Any], Any]) -> Any:
    page, token = paginate(items, body.get("pageSize"), body.get("pageToken"))
    return {key: [to_json(item) for item in page], "nextPageToken": token}


# Workspaces
@operation("workspace/create")
def workspace_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    # Never scoped by the workspace header: the official client sends the previous one there.
    ws = ctx.store.create_workspace(_str(body, "handle"), _bool(body, "fetchIfExists"))
    return {"workspace": ws.to_json()}


@operation("workspace/get")
def workspace_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    ws_id, handle = _str(body, "id"), _str(body, "handle")
    ws = ctx.store.get_workspace(ws_id, handle) if ws_id or handle else ctx.workspace()
    return {"workspace": ws.to_json()}


@operation("workspace/list")
def workspace_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    items = ctx.store.list_workspaces(_descending(body))
    return _page(body, items, "workspaces", lambda ws: ws.to_json())


@operation("workspace/delete")
def workspace_delete(ctx: ApiContext, body: dict[str, Any]) -> Any:
    ws_id, handle = _str(body, "id"), _str(body, "handle")
    if not ws_id and not handle:
        raise _bad("workspace/delete needs an 'id'.")
    return {"workspace": ctx.store.delete_workspace(ws_id, handle).to_json()}


# Package instances
@operation("package/instance/create")
def instance_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    package_id, package_handle = _str(body, "packageId"), _str(body, "packageHandle")
    if not package_id and not package_handle:
        raise _bad("package/instance/create needs a 'packageHandle' or a 'packageId'.")
    package = ctx.store.get_package(package_id, package_handle)
    version = _str(body, "packageVersionHandle")
    if version not in (None, "1.0.0", "latest"):
        raise ApiError(
            404,
            f"Package {package.handle!r} has no version {version!r}.",
            code="ObjectNotFound",
            suggestion="Omit the version to use the latest (1.0.0).",
        )
    ws_id = _str(body, "workspaceId")
    ws = ctx.store.get_workspace(id=ws_id) if ws_id else ctx.workspace()
    inst = ctx.store.create_instance(
        ws, package, _str(body, "handle"), body.get("config"), _bool(body, "fetchIfExists")
    )
    return {"packageInstance": inst.to_json(ctx.app_base)}


@operation("package/instance/get")
def instance_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    inst_id, handle = _str(body, "id"), _str(body, "handle")
    if not inst_id and not handle:
        raise _bad("package/instance/get needs an 'id' or a 'handle'.")
    # An id names one instance in any workspace; a handle is looked up in the header's workspace.
    inst = ctx.store.get_instance(None if inst_id else ctx.workspace(), inst_id, handle)
    return {"packageInstance": inst.to_json(ctx.app_base)}


@operation("package/instance/list")
def instance_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    workspace = None if _bool(body, "acrossWorkspaces") else ctx.workspace()
    items = ctx.store.list_instances(workspace, _descending(body))
    package_id, version_id = _str(body, "packageId"), _str(body, "packageVersionId")
    if package_id:
        items = [i for i in items if store_package_id(i.package.handle) == package_id]
    if version_id:
        items = [i for i in items if package_version_id(i.package.handle) == version_id]
    return _page(body, items, "packageInstances", lambda inst: inst.to_json(ctx.app_base))


@operation("package/instance/delete")
def instance_delete(ctx: ApiContext, body: dict[str, Any]) -> Any:
    inst_id, handle = _str(body, "id"), _str(body, "handle")
    if not inst_id and not handle:
        raise _bad("package/instance/delete needs an 'id'.")
    inst = ctx.store.delete_instance(ctx.workspace(), inst_id, handle)
    return {"packageInstance": inst.to_json(ctx.app_base)}


# Packages
@operation("package/get")
def package_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    package_id, handle = _str(body, "id"), _str(body, "handle")
    if not package_id and not handle:
        raise _bad("package/get needs a 'handle' or an 'id'.")
    return {"package": ctx.store.package_json(ctx.store.get_package(package_id, handle))}


@operation("package/list")
def package_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    from shipexplorer.emulator.packages import CATALOGUE

    items = list(CATALOGUE.values())
    return _page(body, items, "packages", ctx.store.package_json)


# Tasks
@operation("task/status")
def task_status(ctx: ApiContext, body: dict[str, Any]) -> Any:
    fault = ctx.store.task_poll_faults.take()
    if fault is not None:
        return fault
    task = ctx.store.get_task(body.get("taskId") or body.get("id"))
    return json_reply(envelopes.task_envelope(task, ctx.dialect))


@operation("task/get")
def task_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    task = ctx.store.get_task(body.get("id") or body.get("taskId"))
    return {"task": task.to_json(ctx.dialect)}


# Account
@operation("account/current")
def account_current(ctx: ApiContext, body: dict[str, Any]) -> Any:
    return {"user": ctx.store.user_json()}


def handle(ctx: ApiContext, verb: str, name: str, raw_body: bytes) -> Reply:
    """Run one API operation and answer it (errors raise :class:`ApiError`)."""
    func, get_allowed, key = _resolve(ctx, name)
    if func is None:
        raise ApiError.not_found()
    if verb != "POST" and not (verb == "GET" and get_allowed):
        raise ApiError.method_not_allowed("GET, POST" if get_allowed else "POST")
    ctx.raw_body = raw_body
    body = {} if key in RAW_BODY else parse_body(raw_body)
    if ctx.headers.get("X-Task-Background", "").lower() == "true" and name not in NOT_BACKGROUND:
        return _in_background(ctx, name, func, body)
    result = func(ctx, body)
    return result if isinstance(result, Reply) else json_reply(envelopes.data(result))


def parse_body(raw_body: bytes) -> dict[str, Any]:
    try:
        return envelopes.json_object(raw_body)
    except ValueError as exc:
        raise _bad(str(exc)) from exc


def _in_background(ctx: ApiContext, name: str, func: Operation, body: dict[str, Any]) -> Reply:
    if ops_tasks.wants_scheduling(ctx):  # X-Task-Dependency, X-Task-Run-After
        return ops_tasks.run_in_background(ctx, name, func, body)
    try:
        ws_id = ctx.workspace().id
    except ApiError:
        ws_id = ctx.store.get_workspace(handle=DEFAULT_WORKSPACE).id
    output, failure = None, None
    try:
        result = func(ctx, body)
        output = result
    except ApiError as exc:
        failure = Failure(exc.message, exc.suggestion, exc.code)
    task = ctx.store.create_task(
        ws_id, BACKGROUND_SCHEDULE, output=output, failure=failure, input=json.dumps(body)
    )
    return json_reply({envelopes.task_key(ctx.dialect): task.to_json(ctx.dialect)})


# The engine APIs and the packages served from a folder (package/create, package/update,
# localDevelopmentURL), in modules of their own that register with the decorators above; they
# come after package/instance/create, which ops_packages wraps. block/get and block/raw are in
# ops_files (with the blocks of files).
from shipexplorer.emulator import (  # noqa: E402, F401
    ops_files,
    ops_packages,
    ops_signed_urls,
    ops_tags,
    ops_tasks,
)
