"""Tasks whose state is a pure function of the clock.

No thread runs per task and nothing polls: a task stores when it was created and its schedule
(waiting for a while, then running ``steps`` equal steps, then succeeded or failed), and its state,
messages, ``startedAt`` and ``taskLastModifiedOn`` are computed when somebody asks. A thousand
concurrent tasks cost a thousand small objects.

Messages, as the real engine reports them: a package's task (any ``taskType`` but
``internalApi``) reports its progress ("step i of n") in ``remoteStatusMessage``, and
``statusMessage`` stays empty until the task fails (then it carries the failure). The seed dialect
keeps the public page's single ``taskMessage``, progress included.

Schedule math uses :func:`time.monotonic`; timestamps are wall-clock ISO-8601 UTC strings.
A task restored from a previous run's state that had not ended is *cut*: ``cut_at`` (seconds
into its schedule) is when it stopped, and from there on it reads as failed with its failure.
The JSON comes in two dialects: ``real`` (``state``/``statusMessage``, what the service and the
official client use) and ``seed`` (the public page's ``taskState``/``taskMessage``, with a
``creating`` state during the first half of the waiting time).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

WAITING = "waiting"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
CREATING = "creating"

DIALECTS = ("real", "seed")


def iso_utc(epoch_seconds: float) -> str:
    """``2026-11-28T09:10:40.123Z``."""
    moment = datetime.fromtimestamp(epoch_seconds, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Failure:
    """How a task fails at the end of its schedule."""

    message: str
    suggestion: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Schedule:
    """``wait`` seconds waiting, then ``run`` seconds split into ``steps`` running steps;
    ``notes`` (optional, one per step) say what each step does ("Reading the question")."""

    wait: float
    run: float
    steps: int = 1
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return self.wait + self.run


@dataclass(frozen=True)
class Snapshot:
    """A task's state at one moment: state, the seed dialect's message, the offset its state began
    at, and the progress a package reports (``remoteStatusMessage``)."""

    state: str
    message: str | None
    since: float
    started: bool
    progress: str | None = None


@dataclass
class Task:
    """One task; everything that changes is derived from ``created_mono`` and the schedule."""

    task_id: str
    user_id: str
    workspace_id: str
    schedule: Schedule
    output: Any = None
    failure: Failure | None = None
    input: str | None = None
    task_type: str = "internalApi"
    task_executor: str = "emulator"
    created_mono: float = field(default_factory=time.monotonic)
    created_wall: float = field(default_factory=time.time)
    cut_at: float | None = None  # the schedule offset it was cut short at (then failed)
    #: fields set by ``task/update`` (camelCase), answered over the computed ones
    overrides: dict[str, Any] = field(default_factory=dict)

    def snapshot(self, dialect: str = "real", now: float | None = None) -> Snapshot:
        elapsed = (time.monotonic() if now is None else now) - self.created_mono
        sched = self.schedule
        if self.cut_at is not None and elapsed >= self.cut_at:
            message = self.failure.message if self.failure is not None else None
            started = self.cut_at >= sched.wait
            progress = self._progress(self.cut_at) if started else None
            return Snapshot(FAILED, message, self.cut_at, started, progress)
        if elapsed < sched.wait:
            if dialect == "seed" and elapsed < sched.wait / 2:
                return Snapshot(CREATING, "creating the task", 0.0, False)
            since = sched.wait / 2 if dialect == "seed" else 0.0
            return Snapshot(WAITING, "waiting to start", since, False)
        if elapsed < sched.total:
            steps = max(1, sched.steps)
            step_length = sched.run / steps
            step = min(steps, int((elapsed - sched.wait) / step_length) + 1)
            since = sched.wait + (step - 1) * step_length
            progress = self._progress(elapsed)
            return Snapshot(RUNNING, progress, since, True, progress)
        last = self._progress(sched.total)
        if self.failure is not None:
            return Snapshot(FAILED, self.failure.message, sched.total, True, last)
        return Snapshot(SUCCEEDED, None, sched.total, True, last)

    def _progress(self, elapsed: float) -> str:
        """The progress ("step i of n", after the step's note when it has one) ``elapsed``
        seconds into the schedule."""
        sched = self.schedule
        steps = max(1, sched.steps)
        if sched.run <= 0:
            step = steps
        else:
            step = max(1, min(steps, int((elapsed - sched.wait) / (sched.run / steps)) + 1))
        if len(sched.notes) >= step:
            return f"{sched.notes[step - 1]} (step {step} of {steps})"
        return f"step {step} of {steps}"

    @property
    def reports_progress(self) -> bool:
        """Whether its progress goes to ``remoteStatusMessage``: a package's task does, an API
        operation run in the background does not."""
        return self.task_type != "internalApi"

    def state(self, dialect: str = "real") -> str:
        return self.snapshot(dialect).state

    def ended(self, now: float | None = None) -> bool:
        """Whether the task is in its final state (succeeded or failed) at ``now``."""
        return self.snapshot("real", now).state in (SUCCEEDED, FAILED)

    def to_json(self, dialect: str = "real", now: float | None = None) -> dict[str, Any]:
        """The task object in the given dialect (camelCase keys, every field present)."""
        snap = self.snapshot(dialect, now)
        failed = snap.state == FAILED
        # The real engine: statusMessage only says why a task failed; the seed dialect's
        # taskMessage says everything.
        message = snap.message if dialect == "seed" or failed else None
        modified = iso_utc(self.created_wall + snap.since)
        body: dict[str, Any] = {
            "taskId": self.task_id,
            "userId": self.user_id,
            "workspaceId": self.workspace_id,
            "requestId": request_id_for(self.task_id),
            "input": self.input,
            "output": json.dumps(self.output) if snap.state == SUCCEEDED else None,
            "state": snap.state,
            "statusMessage": message,
            "statusSuggestion": self.failure.suggestion if failed and self.failure else None,
            "statusCode": self.failure.code if failed and self.failure else None,
            "statusCreatedOn": modified,
            "taskType": self.task_type,
            "taskExecutor": self.task_executor,
            "taskCreatedOn": iso_utc(self.created_wall),
            "taskLastModifiedOn": modified,
            "remoteStatusInput": None,
            "remoteStatusOutput": None,
            "remoteStatusMessage": snap.progress if self.reports_progress else None,
            "assignedWorker": "emulator" if snap.started else None,
            "startedAt": iso_utc(self.created_wall + self.schedule.wait) if snap.started else None,
            "maxRetries": 0,
            "retries": 0,
        }
        body.update(self.overrides)
        if dialect == "seed":
            body = {_SEED_KEYS.get(key, key): value for key, value in body.items()}
        return body


def request_id_for(key: str) -> str:
    """The id of the request that made the object with id ``key`` (stable, so it survives a
    restart without being stored)."""
    return str(uuid.uuid5(_REQUESTS, key)).upper()


_REQUESTS = uuid.UUID("0b6f3a52-8d4e-4f1c-a7b9-5e2d1c0f9a83")
_SEED_KEYS = {"state": "taskState", "statusMessage": "taskMessage"}
