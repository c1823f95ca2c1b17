"""How a tracked task reads in words: its state category, durations, times of day, where it came
from and its last progress message. No Qt; the task panel, its detail and the notifier use these."""

from __future__ import annotations

from datetime import datetime

from shipexplorer.core.task_timeline import TrackedTask

# State categories: what the state filter and the counts in the panel's title use.
CATEGORIES = (
    "creating",
    "waiting",
    "running",
    "reconnecting",
    "stopped",
    "succeeded",
    "failed",
    "unknown",
)


def state_category(task: TrackedTask) -> str:
    """One word for a task's state as the panel groups it (as ``display_state`` decides: unknown
    to the server, then a final server state, then reconnecting or stopped, then the state)."""
    watch, state = task.watch, task.state
    if watch == "unknown":
        return "unknown"
    if state in ("succeeded", "failed"):
        return str(state)
    if watch in ("reconnecting", "stopped"):
        return str(watch)
    if state in CATEGORIES:
        return str(state)
    return "waiting" if state is None else "running"


def format_duration(seconds: float) -> str:
    """``"0.4 s"``, ``"12 s"``, ``"3 min 05 s"``, ``"2 h 03 min"``."""
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def time_of_day(epoch: float | None) -> str:
    """Local time of day (with the date when it is not today); empty for None."""
    if not epoch:
        return ""
    moment = datetime.fromtimestamp(epoch)
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_server_time(text: str | None) -> float | None:
    """Epoch seconds of a server timestamp (ISO 8601, with ``Z`` or an offset), or None."""
    if not text:
        return None
    try:
        value = text.strip()
        if value.endswith("Z"):
            value = value[:-1] + "+00:00"
        return datetime.fromisoformat(value).timestamp()
    except (ValueError, TypeError, OverflowError):
        return None


def origin_text(task: TrackedTask) -> str:
    """``"instance · method"``, or where the task came from when no method started it."""
    origin = task.origin
    instance, method = origin.instance, origin.method
    if instance or method:
        return " · ".join(part for part in (instance, method) if part)
    return {"pasted": "added by id", "api": "API call"}.get(origin.source, origin.source or "")


def progress_text(task: TrackedTask) -> str:
    """The progress now: the package's own (``remoteStatusMessage``) and the engine's status
    message, both when both are set and differ; a failed task's failure message alone; else the
    last progress message seen."""
    remote, status = task.remote_status_message, task.status_message
    if task.state == "failed" and status:
        return str(status)
    parts = [str(text) for text in (remote, status) if text]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts.pop()
    if parts:
        return " · ".join(parts)
    return task.messages[-1][1] if task.messages else ""


def created_epoch(task: TrackedTask) -> float:
    """When the task was created: the server's own time when known, else when it was added."""
    return parse_server_time(task.created_on) or task.added_at
