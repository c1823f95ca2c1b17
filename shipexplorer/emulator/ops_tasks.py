"""Task operations of the engine API, task scheduling headers, and method calls run as tasks.

What the official client (2.17.34, ``base/client.py`` and ``base/tasks.py``) sends and expects:

- ``task/noop`` answers ``{"data": {}}``; with ``X-Task-Background: true`` it answers a task
  (``{"status": {..., "state": "waiting", "requestId": ...}}``) whose output is ``{}``.
  ``task/alwaysfail`` fails (as a task, when in the background).
- ``wait_on_tasks=[...]`` sends ``X-Task-Dependency: id1,id2`` (and implies the background):
  the new task waits until they all ended; if one of them already failed the call is refused
  ("At least one dependent already failed"), if one fails later the new task fails too.
- ``task_delay_ms=N`` sends ``X-Task-Run-After: 2026-12-06T22:00:00+00:00`` (no microseconds):
  the task waits until then.
- ``Task.post_update(fields)`` posts ``task/update`` with ``taskId`` and the named fields in
  camelCase (``statusMessage``, ``input``, ``output``, ``state``...); the answer is the task, and
  the fields stay set on it (later ``task/status`` answers show them). Updates are kept in the
  state file (records of kind ``task-update``).
- ``task/list`` (the emulator's own: the client has none): ``{"pageSize", "pageToken",
  "sortOrder", "state"?, "taskType"?}`` -> ``{"tasks": [...], "nextPageToken"}`` for the header's
  workspace, newest first by default.
- ``PackageService.invoke_later`` posts ``package/instance/invoke`` in the background with
  ``{"instanceHandle", "payload": {"httpVerb", "invocationPath", "arguments"}}`` and reads the
  task's output as a ``Task`` (``expect=Task[Task]``), so the output must be an object: it is the
  invocation's response as a package answers the engine, ``{"data": <the method's answer>,
  "http": {"status": 200}}``.
- A **method call** (``/{workspace}/{instance}/{method}``) with ``X-Task-Background: true`` is
  answered with ``{"status": task}``; the task's output is the method's answer (JSON as it is,
  text as a string, bytes as base64 text).

Everything here is computed when the request comes: a task's later states follow its schedule
(see :mod:`.tasks`), so dependencies become a longer wait, fixed at creation.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from shipexplorer.emulator import envelopes
from shipexplorer.emulator.envelopes import ApiError, json_reply
from shipexplorer.emulator.operations import (
    BACKGROUND_SCHEDULE,
    ApiContext,
    Operation,
    _descending,
    _page,
    operation,
)
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import DEFAULT_WORKSPACE, EXTENSIONS, Store
from shipexplorer.emulator.tasks import FAILED, Failure, Schedule, Task

#: the task fields ``task/update`` may set (camelCase, as the client sends them)
UPDATABLE = {
    "input",
    "output",
    "state",
    "statusMessage",
    "statusSuggestion",
    "statusCode",
    "remoteStatusInput",
    "remoteStatusOutput",
    "remoteStatusMessage",
}
DEPENDENCY_FAILED = Failure(
    "A task this one waited on failed.", "Look at the tasks it depended on.", "DependencyFailed"
)


def _bad(message: str) -> ApiError:
    return ApiError(400, message, code="BadRequest", suggestion="Check the request.")


@operation("task/noop")
def task_noop(ctx: ApiContext, body: dict[str, Any]) -> Any:
    return {}


@operation("task/alwaysfail")
def task_alwaysfail(ctx: ApiContext, body: dict[str, Any]) -> Any:
    raise ApiError(500, "This task always fails (task/alwaysfail).", code="AlwaysFail")


@operation("task/update")
def task_update(ctx: ApiContext, body: dict[str, Any]) -> Any:
    task = ctx.store.get_task(body.get("taskId") or body.get("id"))
    changes = {k: v for k, v in body.items() if k in UPDATABLE}
    for key, value in changes.items():
        if key == "output" and not isinstance(value, str) and value is not None:
            changes[key] = json.dumps(value)
    with ctx.store.lock:
        task.overrides.update(changes)
        if ctx.store.state is not None:
            ctx.store.state.put_record(
                "task-update", task.task_id, task.workspace_id, task.overrides, None
            )
    return task.to_json(ctx.dialect)


@operation("task/list")
def task_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    ws_id = ctx.workspace().id
    state, task_type = body.get("state"), body.get("taskType")
    with ctx.store.lock:
        items = [t for t in ctx.store.tasks.values() if t.workspace_id == ws_id]
    if task_type:
        items = [t for t in items if t.task_type == task_type]
    if state:
        items = [t for t in items if t.state(ctx.dialect) == state]
    if _descending(body):
        items = items[::-1]
    return _page(body, items, "tasks", lambda t: t.to_json(ctx.dialect))


@operation("package/instance/invoke")
def instance_invoke(ctx: ApiContext, body: dict[str, Any]) -> Any:
    from shipexplorer.emulator import apps

    handle = body.get("instanceHandle") or body.get("handle")
    inst_id = body.get("instanceId") or body.get("id")
    if not handle and not inst_id:
        raise _bad("package/instance/invoke needs an 'instanceHandle'.")
    inst = ctx.store.get_instance(None if inst_id else ctx.workspace(), inst_id, handle)
    payload = body.get("payload") or {}
    if not isinstance(payload, dict):
        raise _bad("'payload' must be an object.")
    verb = str(payload.get("httpVerb") or "POST").upper()
    path = str(payload.get("invocationPath") or "").strip("/")
    arguments = payload.get("arguments") or {}
    if not path:
        raise _bad("'payload.invocationPath' names no method.")
    segments = [inst.workspace.handle, inst.handle, *path.split("/")]
    # the caller's headers go along (a served package needs them), never as a background call
    headers = {k: v for k, v in ctx.headers.items() if k.lower() != "x-task-background"}
    if verb == "GET":
        query = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in arguments.items()]
        reply = apps.handle(
            ctx.store, ctx.dialect, threading.Event(), "GET", segments, query, b"", headers=headers
        )
    else:
        raw = json.dumps(arguments).encode("utf-8")
        reply = apps.handle(
            ctx.store, ctx.dialect, threading.Event(), verb, segments, [], raw, headers=headers
        )
    return {"data": answer_value(reply), "http": {"status": reply.status}}


def answer_value(reply: Reply) -> Any:
    """A method's answer as a task output: JSON as it is, text as a string, bytes as base64."""
    body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
    mime = (reply.content_type or "").split(";")[0].strip()
    if mime == "application/json":
        return json.loads(body) if body else None
    if mime.startswith("text/"):
        return body.decode("utf-8", errors="replace")
    return base64.b64encode(body).decode("ascii")


# -- scheduling ---------------------------------------------------------------------------------
def wants_scheduling(ctx: ApiContext) -> bool:
    return bool(ctx.headers.get("X-Task-Dependency") or ctx.headers.get("X-Task-Run-After"))


def _run_after(headers: Mapping[str, str]) -> float:
    """Seconds from now until ``X-Task-Run-After`` (0 when absent or past)."""
    text = headers.get("X-Task-Run-After")
    if not text:
        return 0.0
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad(f"X-Task-Run-After is not an ISO-8601 time: {text!r}.") from exc
    if when.tzinfo is None:
        raise _bad("X-Task-Run-After needs a time zone (such as +00:00).")
    return max(0.0, when.timestamp() - time.time())


def _dependencies(store: Store, headers: Mapping[str, str]) -> list[Task]:
    ids = [part.strip() for part in (headers.get("X-Task-Dependency") or "").split(",")]
    return [store.get_task(task_id) for task_id in ids if task_id]


def schedule_for(store: Store, headers: Mapping[str, str], dialect: str) -> tuple[Schedule, bool]:
    """The schedule of a new background task, and whether a dependency will make it fail."""
    deps = _dependencies(store, headers)
    now = time.monotonic()
    if any(dep.state(dialect) == FAILED for dep in deps):
        raise ApiError(
            400,
            "At least one dependent already failed.",
            code="DependencyFailed",
            suggestion="Schedule it again without the failed task.",
        )
    remaining = [dep.schedule.total - (now - dep.created_mono) for dep in deps]
    delay = max([_run_after(headers), *remaining, 0.0])
    doomed = any(dep.failure is not None for dep in deps)
    base = BACKGROUND_SCHEDULE
    return Schedule(base.wait + delay, base.run, base.steps), doomed


def _workspace_id(ctx: ApiContext) -> str:
    try:
        return ctx.workspace().id
    except ApiError:
        return ctx.store.get_workspace(handle=DEFAULT_WORKSPACE).id


def run_in_background(ctx: ApiContext, name: str, func: Operation, body: dict[str, Any]) -> Reply:
    """An API operation as a task that waits on ``X-Task-Dependency`` / ``X-Task-Run-After``."""
    schedule, doomed = schedule_for(ctx.store, ctx.headers, ctx.dialect)
    output, failure = None, DEPENDENCY_FAILED if doomed else None
    if not doomed:
        try:
            output = func(ctx, body)
        except ApiError as exc:
            failure = Failure(exc.message, exc.suggestion, exc.code)
    task = ctx.store.create_task(
        _workspace_id(ctx), schedule, output=output, failure=failure, input=json.dumps(body)
    )
    return json_reply({envelopes.task_key(ctx.dialect): task.to_json(ctx.dialect)})


def is_background(headers: Mapping[str, str] | None) -> bool:
    return headers is not None and headers.get("X-Task-Background", "").lower() == "true"


def app_call_in_background(
    store: Store,
    dialect: str,
    headers: Mapping[str, str],
    workspace_handle: str,
    call: Callable[[], Reply],
) -> Reply:
    """A package method call answered as a task whose output is the method's answer."""
    schedule, doomed = schedule_for(store, headers, dialect)
    output, failure = None, DEPENDENCY_FAILED if doomed else None
    if not doomed:
        try:
            output = answer_value(call())
        except ApiError as exc:
            failure = Failure(exc.message, exc.suggestion, exc.code)
    ws = store.find_workspace(handle=workspace_handle)
    ws_id = ws.id if ws is not None else store.get_workspace(handle=DEFAULT_WORKSPACE).id
    task = store.create_task(ws_id, schedule, output=output, failure=failure, task_type="infer")
    return json_reply({envelopes.task_key(dialect): task.to_json(dialect)})


def apply_saved_updates(store: Store) -> int:
    """Put the ``task/update`` changes kept in the state file back on their tasks (how many)."""
    if store.state is None:
        return 0
    count = 0
    for task_id, _ws, body, _data in store.state.read_records("task-update"):
        task = store.tasks.get(task_id)
        if task is not None and isinstance(body, dict):
            task.overrides.update(body)
            count += 1
    return count


EXTENSIONS["task-updates"] = apply_saved_updates
