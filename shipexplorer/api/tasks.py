"""Steamship tasks: the :class:`Task` record, parsed from every spelling the protocol file lists.

Real service: ``state`` / ``statusMessage``; public page ("seed"): ``taskState`` / ``taskMessage``
and a ``creating`` state. ``remoteStatusMessage`` is the progress a package reports while it works
(the engine leaves ``statusMessage`` empty until a failure); it is read in camelCase and in the
official client's snake_case (``remote_status_message``). A task may come plain
(``{"taskId", "state", ...}``) or wrapped (``{"status": {...}}``, ``{"task": {...}}``,
``{"status": {"task": {...}}}``). Unknown states are kept as they are and count as not finished.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CREATING = "creating"
WAITING = "waiting"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
KNOWN_STATES = (CREATING, WAITING, RUNNING, SUCCEEDED, FAILED)
FINISHED_STATES = frozenset({SUCCEEDED, FAILED})

# dataclass field -> the camelCase keys that may carry it (first found wins)
_FIELDS: dict[str, tuple[str, ...]] = {
    "task_id": ("taskId", "id"),
    "state": ("state", "taskState"),
    "status_message": ("statusMessage", "taskMessage"),
    "status_suggestion": ("statusSuggestion", "taskSuggestion"),
    "status_code": ("statusCode", "taskCode"),
    "status_created_on": ("statusCreatedOn",),
    "user_id": ("userId",),
    "workspace_id": ("workspaceId",),
    "request_id": ("requestId",),
    "input": ("input",),
    "output": ("output",),
    "task_type": ("taskType",),
    "task_executor": ("taskExecutor",),
    "task_created_on": ("taskCreatedOn",),
    "task_last_modified_on": ("taskLastModifiedOn",),
    "remote_status_input": ("remoteStatusInput",),
    "remote_status_output": ("remoteStatusOutput",),
    "remote_status_message": ("remoteStatusMessage", "remote_status_message"),
    "assigned_worker": ("assignedWorker",),
    "started_at": ("startedAt",),
    "max_retries": ("maxRetries",),
    "retries": ("retries",),
}
_TASK_MARKERS = ("taskId", "state", "taskState")


@dataclass(frozen=True)
class Task:
    """One Steamship task, as last seen. ``raw`` keeps the object it was parsed from."""

    task_id: str | None = None
    state: str | None = None
    status_message: str | None = None
    status_suggestion: str | None = None
    status_code: str | None = None
    status_created_on: str | None = None
    user_id: str | None = None
    workspace_id: str | None = None
    request_id: str | None = None
    input: Any = None
    output: Any = None
    task_type: str | None = None
    task_executor: str | None = None
    task_created_on: str | None = None
    task_last_modified_on: str | None = None
    remote_status_input: Any = None
    remote_status_output: Any = None
    remote_status_message: str | None = None
    assigned_worker: str | None = None
    started_at: str | None = None
    max_retries: Any = None
    retries: Any = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        """True only for ``succeeded`` and ``failed``; unknown states are not finished."""
        return self.state in FINISHED_STATES

    @property
    def succeeded(self) -> bool:
        return self.state == SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.state == FAILED

    @property
    def is_known_state(self) -> bool:
        return self.state in KNOWN_STATES

    def output_value(self) -> Any:
        """The output, parsed from its JSON string form when it is one (else as it is)."""
        if isinstance(self.output, str):
            try:
                return json.loads(self.output)
            except ValueError:
                return self.output
        return self.output

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Task:
        """Parse a task object in either spelling; unwraps ``{"task": {...}}``. Never raises."""
        inner = obj.get("task")
        if isinstance(inner, dict) and looks_like_task(inner):
            obj = inner
        values: dict[str, Any] = {}
        for name, keys in _FIELDS.items():
            for key in keys:
                if key in obj and obj[key] is not None:
                    values[name] = obj[key]
                    break
        for name in (
            "task_id",
            "state",
            "status_message",
            "status_suggestion",
            "status_code",
            "remote_status_message",
        ):
            if name in values and not isinstance(values[name], str):
                values[name] = json.dumps(values[name])
        return cls(raw=dict(obj), **values)


def looks_like_task(obj: Any) -> bool:
    """True for a dict that carries a task id or a task state in either spelling."""
    return isinstance(obj, dict) and any(key in obj for key in _TASK_MARKERS)


def find_task(body: Any, *, plain: bool = True) -> Task | None:
    """The task in a decoded JSON body, if any.

    Looks at ``{"status": {...}}`` (a dict; a string status such as ``"ok"`` is not a task),
    ``{"task": {...}}`` (the public page's envelope) and, when ``plain``, the body itself
    (``{"taskId", "state", ...}`` as a method answers).
    """
    if not isinstance(body, dict):
        return None
    status = body.get("status")
    if isinstance(status, dict) and (
        looks_like_task(status)
        or looks_like_task(status.get("task"))
        or "statusMessage" in status
        or "taskMessage" in status
        or "remoteStatusMessage" in status
    ):
        return Task.from_dict(status)
    task = body.get("task")
    if isinstance(task, dict) and looks_like_task(task):
        return Task.from_dict(task)
    if plain and "taskId" in body and ("state" in body or "taskState" in body):
        return Task.from_dict(body)
    return None
