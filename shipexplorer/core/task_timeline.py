"""What the task tracker knows about one watched task: its states over time, its messages, its end.

Pure Python (no Qt), shared by the tracker (which fills it in) and the task panel (which shows it).
:meth:`TrackedTask.to_dict` is what is persisted: ids, profile and workspace names, origin and
timeline, never a key or any connection setting beyond names. :func:`save_tasks` and
:func:`load_tasks` write and read the list (a versioned JSON file; a corrupt one is moved aside).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shipexplorer.core.storage import ReadStatus, atomic_write_json, read_versioned_json

WATCHING, RECONNECTING, STOPPED, ENDED, UNKNOWN = (
    "watching",
    "reconnecting",
    "stopped",
    "ended",
    "unknown",
)
WATCH_STATES = (WATCHING, RECONNECTING, STOPPED, ENDED, UNKNOWN)
FINISHED_SERVER_STATES = frozenset({"succeeded", "failed"})
UNKNOWN_TEXT = "unknown to the server"
STOPPED_TEXT = "stopped (still running on the server)"
ORIGIN_SOURCES = ("method", "api", "pasted")

#: Outputs larger than this (as JSON text) are not persisted; they stay in memory only (1,000
#: tasks must still make a small file, written in the background every few seconds).
MAX_PERSISTED_OUTPUT = 4 * 1024


@dataclass
class StateSpan:
    """One server state and when the tracker first saw it (epoch seconds)."""

    state: str
    first_seen: float


@dataclass
class TaskOrigin:
    """Where a task came from: the profile and workspace (names) and the request that started it."""

    profile: str | None = None
    workspace: str | None = None
    instance: str | None = None
    method: str | None = None
    source: str = "method"  # "method" | "api" | "pasted"
    request_id: int | None = None  # RequestRunner id (in memory only)

    def describe(self) -> str:
        """``instance.method`` for a method call, the operation for an API call, else the source."""
        if self.instance and self.method:
            return f"{self.instance}.{self.method.lstrip('/')}"
        if self.method:
            return self.method
        return self.source

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "workspace": self.workspace,
            "instance": self.instance,
            "method": self.method,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Any) -> TaskOrigin:
        if not isinstance(data, dict):
            return cls(source="pasted")
        source = data.get("source")
        return cls(
            profile=_text(data.get("profile")),
            workspace=_text(data.get("workspace")),
            instance=_text(data.get("instance")),
            method=_text(data.get("method")),
            source=source if source in ORIGIN_SOURCES else "method",
        )


@dataclass
class TrackedTask:
    """One watched task: the last server answer, the watch state and the timeline."""

    task_id: str
    origin: TaskOrigin = field(default_factory=TaskOrigin)
    state: str | None = None
    watch: str = WATCHING
    spans: list[StateSpan] = field(default_factory=list)
    messages: list[tuple[float, str]] = field(default_factory=list)
    created_on: str | None = None
    started_at: str | None = None
    last_modified_on: str | None = None
    added_at: float = field(default_factory=time.time)
    last_change: float = field(default_factory=time.time)
    ended_at: float | None = None
    polls: int = 0
    retries: int = 0
    last_error: str | None = None
    status_message: str | None = None
    status_suggestion: str | None = None
    status_code: str | None = None
    #: the progress the package itself reports (``remoteStatusMessage``), as last seen
    remote_status_message: str | None = None
    output: Any = None
    interval: float = 0.5
    #: whether ``output`` is small enough to persist, when known (the tracker learns it on a
    #: worker from the answer's size, so saving never encodes a big output on the GUI thread)
    output_fits: bool | None = field(default=None, repr=False, compare=False)

    @property
    def finished(self) -> bool:
        """Succeeded or failed on the server, or unknown to it: nothing more to watch."""
        return self.state in FINISHED_SERVER_STATES or self.watch == UNKNOWN

    @property
    def display_state(self) -> str:
        """The state as the panel shows it, in words."""
        if self.watch == UNKNOWN:
            return UNKNOWN_TEXT
        if self.state in FINISHED_SERVER_STATES:
            return self.state or ""
        if self.watch == RECONNECTING:
            return "reconnecting"
        if self.watch == STOPPED:
            return STOPPED_TEXT if self.state is not None else "stopped"
        return self.state or "waiting for the first answer"

    def durations(self, now: float) -> list[tuple[str, float]]:
        """``(state, seconds)`` per span; the last span runs to ``ended_at`` or ``now``."""
        out: list[tuple[str, float]] = []
        end = self.ended_at if self.ended_at is not None else now
        for index, span in enumerate(self.spans):
            if index + 1 < len(self.spans):
                stop = self.spans[index + 1].first_seen
            elif self.state in FINISHED_SERVER_STATES or self.watch == UNKNOWN:
                stop = span.first_seen  # a final state has no length of its own
            else:
                stop = end
            out.append((span.state, max(0.0, stop - span.first_seen)))
        return out

    def elapsed(self, now: float) -> float:
        """Seconds from when the tracker first knew the task to its end (or ``now``)."""
        start = self.added_at
        if self.spans:
            start = min(start, self.spans[0].first_seen)
        end = self.ended_at if self.ended_at is not None else now
        return max(0.0, end - start)

    def observe_state(self, state: str | None, when: float) -> bool:
        """Record a server state; a new span when it differs from the last. True when it changed."""
        if state is None or state == self.state:
            return False
        self.state = state
        self.spans.append(StateSpan(state, when))
        return True

    def observe_message(self, message: str | None, when: float) -> bool:
        """Record a progress message (the engine's ``statusMessage`` or the package's
        ``remoteStatusMessage``) when it was not seen before. True when it is new."""
        if not message or any(text == message for _, text in self.messages):
            return False
        self.messages.append((when, message))
        return True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (never any key: connection settings are not part of it)."""
        return {
            "taskId": self.task_id,
            "origin": self.origin.to_dict(),
            "state": self.state,
            "watch": self.watch,
            "spans": [[span.state, span.first_seen] for span in self.spans],
            "messages": [[when, text] for when, text in self.messages],
            "createdOn": self.created_on,
            "startedAt": self.started_at,
            "lastModifiedOn": self.last_modified_on,
            "addedAt": self.added_at,
            "lastChange": self.last_change,
            "endedAt": self.ended_at,
            "polls": self.polls,
            "retries": self.retries,
            "lastError": self.last_error,
            "statusMessage": self.status_message,
            "statusSuggestion": self.status_suggestion,
            "statusCode": self.status_code,
            "remoteStatusMessage": self.remote_status_message,
            "output": None if self.output_fits is False else _persistable_output(self.output),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackedTask:
        """Rebuild a task from :meth:`to_dict`'s form, tolerating missing or wrong-typed fields.

        Raises ``ValueError`` when there is no usable task id.
        """
        if not isinstance(data, dict):
            raise ValueError("a tracked task should be an object")
        task_id = data.get("taskId")
        if not isinstance(task_id, str) or not task_id.strip():
            raise ValueError("a tracked task has no task id")
        now = time.time()
        added_at = _number(data.get("addedAt"), now)
        watch = data.get("watch")
        task = cls(
            task_id=task_id,
            origin=TaskOrigin.from_dict(data.get("origin")),
            state=_text(data.get("state")),
            watch=watch if watch in WATCH_STATES else WATCHING,
            spans=_spans(data.get("spans")),
            messages=_messages(data.get("messages")),
            created_on=_text(data.get("createdOn")),
            started_at=_text(data.get("startedAt")),
            last_modified_on=_text(data.get("lastModifiedOn")),
            added_at=added_at,
            last_change=_number(data.get("lastChange"), added_at),
            ended_at=_number(data.get("endedAt"), None),
            polls=int(_number(data.get("polls"), 0) or 0),
            retries=int(_number(data.get("retries"), 0) or 0),
            last_error=_text(data.get("lastError")),
            status_message=_text(data.get("statusMessage")),
            status_suggestion=_text(data.get("statusSuggestion")),
            status_code=_text(data.get("statusCode")),
            remote_status_message=_text(data.get("remoteStatusMessage")),
            output=data.get("output"),
        )
        return task


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any, default: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if not math.isfinite(value):
        return default
    return float(value)


def _spans(value: Any) -> list[StateSpan]:
    spans: list[StateSpan] = []
    if not isinstance(value, list):
        return spans
    for item in value:
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            when = _number(item[1], None)
            if when is not None:
                spans.append(StateSpan(item[0], when))
    return spans


def _messages(value: Any) -> list[tuple[float, str]]:
    messages: list[tuple[float, str]] = []
    if not isinstance(value, list):
        return messages
    for item in value:
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[1], str):
            when = _number(item[0], None)
            if when is not None:
                messages.append((when, item[1]))
    return messages


def _persistable_output(output: Any) -> Any:
    if output is None:
        return None
    if isinstance(output, str):
        return output if len(output) <= MAX_PERSISTED_OUTPUT else None
    try:
        text = json.dumps(output, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return output if len(text) <= MAX_PERSISTED_OUTPUT else None


# -- the saved list -----------------------------------------------------------------------------
STORE_KIND = "tracked-tasks"
STORE_VERSION = 1


def save_tasks(path: Path, records: list[dict[str, Any]]) -> None:
    """Write :meth:`TrackedTask.to_dict` records to ``path`` atomically (a worker's job)."""
    atomic_write_json(
        path, {"kind": STORE_KIND, "schemaVersion": STORE_VERSION, "tasks": list(records)}
    )


def load_tasks(path: Path) -> tuple[list[TrackedTask], str | None, bool]:
    """The saved tasks, a sentence about any problem (or None), and whether the file is read-only
    (written by a newer version). A corrupt file is moved aside; unusable records are skipped."""
    read = read_versioned_json(path, kind=STORE_KIND, current_version=STORE_VERSION)
    if read.status in (ReadStatus.MISSING, ReadStatus.CORRUPT, ReadStatus.UNREADABLE):
        return [], read.message, False
    data = read.data or {}
    items = data.get("tasks")
    if not isinstance(items, list):
        items = []
    tasks: list[TrackedTask] = []
    seen: set[str] = set()
    skipped = 0
    for item in items:
        try:
            task = TrackedTask.from_dict(item)
        except ValueError:
            skipped += 1
            continue
        if task.task_id not in seen:
            seen.add(task.task_id)
            tasks.append(task)
    message = read.message
    if skipped:
        note = f"{skipped} unreadable tracked task(s) in {path} were skipped."
        message = f"{message} {note}" if message else note
    return tasks, message, read.status is ReadStatus.NEWER
