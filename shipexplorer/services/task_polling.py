"""How the task tracker reaches the server about one task.

:func:`poll_task` (worker thread) sends one ``task/status`` without the client's own retries (the
tracker schedules its own, without holding a worker) and sorts the answer into a
:class:`PollOutcome`; :func:`seen_task` picks task answers out of other exchanges, and
:func:`observe` copies an answer into the task's record. :class:`ConnectionResolver` (GUI thread)
finds the connection for a task restored after a restart from its profile's name, since keys are
never persisted: the profile's settings and its key from the key service, loaded on demand.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.api import ConnectionSettings
from shipexplorer.api.tasks import Task
from shipexplorer.core.task_timeline import MAX_PERSISTED_OUTPUT, TaskOrigin, TrackedTask

if TYPE_CHECKING:
    from shipexplorer.api import Exchange
    from shipexplorer.api.cancel import CancelToken
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.credentials import CredentialService
    from shipexplorer.services.profile_service import ProfileService

TASK = "task"  # an answer about the task (any state, failed included)
UNKNOWN = "unknown"  # 404: the server does not know the task
TRANSIENT = "transient"  # connection trouble, 429, 5xx, a garbled answer: try again later
REFUSED = "refused"  # 401, 403, other 4xx: trying again will not help

#: Set while the tracker's own poll is being sent, so its exchange listener skips it.
polling = threading.local()


@dataclass(frozen=True)
class PollOutcome:
    kind: str
    task: Task | None = None
    output: Any = None
    output_fits: bool | None = None  # small enough to persist (None: not known)
    error: str | None = None
    retry_after: float | None = None


def poll_task(
    clients: ClientProvider, settings: ConnectionSettings, task_id: str, token: CancelToken
) -> PollOutcome:
    """One ``task/status`` for ``task_id``, classified (worker thread). Raises only on a bug."""
    client = clients.client_for(settings)
    request = client.api_request("task/status", {"taskId": task_id})
    request = dataclasses.replace(request, idempotent=False)  # no sleeping retries on a worker
    polling.active = True
    try:
        exchange = client.send(request, cancel=token)
    finally:
        polling.active = False
    return classify(exchange, task_id)


def classify(exchange: Exchange, task_id: str) -> PollOutcome:
    """Sort a ``task/status`` exchange into a :class:`PollOutcome`."""
    from shipexplorer.api.errors import Cancelled, NetworkError, RateLimited, describe

    error = exchange.error
    if isinstance(error, Cancelled):
        raise error
    task = exchange.task
    if task is None and error is None and isinstance(exchange.data, dict):
        data = exchange.data
        inner = data.get("task") if isinstance(data.get("task"), dict) else data
        task = Task.from_dict(inner)
    if task is not None and task.state:
        # A status without its id counts on a 2xx only: error bodies are failed statuses too.
        answered = exchange.status is not None and 200 <= exchange.status < 300
        if task.task_id == task_id or (task.task_id is None and answered):
            return PollOutcome(TASK, task, *output_of(exchange, task))
    text = " ".join(describe(error).split()) if error is not None else "The answer held no task."
    status = exchange.status
    if status == 404:
        return PollOutcome(UNKNOWN, error=text)
    if isinstance(error, RateLimited):
        return PollOutcome(TRANSIENT, error=text, retry_after=error.retry_after)
    if isinstance(error, NetworkError) or status is None or status >= 500 or status == 429:
        return PollOutcome(TRANSIENT, error=text)
    if 400 <= status < 500:
        return PollOutcome(REFUSED, error=f"HTTP {status}: {text}")
    return PollOutcome(TRANSIENT, error=text)  # a 2xx that made no sense: maybe a proxy hiccup


def seen_task(
    exchange: Exchange, settings: ConnectionSettings, profile: str | None
) -> tuple[PollOutcome, TaskOrigin, ConnectionSettings] | None:
    """A finished exchange that answered with a task, as the tracker takes it in (worker thread);
    None for other answers and for the tracker's own polls."""
    if getattr(polling, "active", False):
        return None
    outcome = exchange.outcome
    task = outcome.task if outcome is not None else None
    if task is None or not task.task_id or not task.state:
        return None
    seen = PollOutcome(TASK, task, *output_of(exchange, task))
    return seen, origin_of(exchange, settings, profile), settings


def observe(tracked: TrackedTask, outcome: PollOutcome, now: float) -> bool:
    """Copy a task answer into the record; True when anything the user sees changed."""
    task = outcome.task
    assert task is not None
    changed = tracked.observe_state(task.state, now)
    changed = tracked.observe_message(task.remote_status_message, now) or changed
    changed = tracked.observe_message(task.status_message, now) or changed
    for attr, value, keep in (
        ("created_on", task.task_created_on, True),
        ("started_at", task.started_at, True),
        ("last_modified_on", task.task_last_modified_on, True),
        ("status_message", task.status_message, False),
        ("status_suggestion", task.status_suggestion, False),
        ("status_code", task.status_code, False),
        ("remote_status_message", task.remote_status_message, False),
    ):
        if (value is not None or not keep) and getattr(tracked, attr) != value:
            setattr(tracked, attr, value)
            changed = True
    if outcome.output is not None:
        tracked.output, tracked.output_fits = outcome.output, outcome.output_fits
    return changed


def output_of(exchange: Exchange, task: Task) -> tuple[Any, bool | None]:
    """The task's output (parsed) and whether it is small enough to persist (worker thread): the
    answer's size bounds it, so nothing big is encoded again to find out."""
    output = exchange.data if exchange.data is not None else task.output_value()
    if output is None:
        return None, None
    return output, len(exchange.response_body or b"") <= MAX_PERSISTED_OUTPUT


def origin_of(exchange: Exchange, settings: ConnectionSettings, profile: str | None) -> TaskOrigin:
    """Where a task answer came from: the profile, workspace, and instance and method."""
    request = exchange.request
    workspace = settings.workspace_handle
    if request is not None and request.package_call:
        instance = request.instance
        if instance is not None and instance.workspace_handle:
            workspace = instance.workspace_handle
        return TaskOrigin(
            profile=profile,
            workspace=workspace,
            instance=instance.instance_handle if instance is not None else None,
            method=request.method_path,
            source="method",
        )
    operation = request.operation if request is not None else None
    return TaskOrigin(profile=profile, workspace=workspace, method=operation, source="api")


class ConnectionResolver(QObject):
    """Settings for a task restored from disk: its profile's, by name, with the key loaded.

    Signals:
        keyReady(str profile): a key load asked by :meth:`resolve` finished; ask again.
    """

    keyReady = Signal(str)

    def __init__(
        self,
        profiles: ProfileService,
        credentials: CredentialService,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._profiles = profiles
        self._credentials = credentials
        self._loading: set[str] = set()
        self._tried: set[str] = set()
        credentials.keyLoaded.connect(self._key_loaded)

    def resolve(self, origin: TaskOrigin) -> ConnectionSettings | str | None:
        """The settings; or a sentence saying why there are none; or None while a key loads
        (:attr:`keyReady` follows)."""
        name = origin.profile
        profile = self._profiles.profile(name) if name else None
        if profile is None:
            return (
                f"The profile “{name}” is gone, so this task cannot be watched."
                if name
                else "The task has no connection profile, so it cannot be watched."
            )
        key = self._credentials.key_for(profile.name)
        if not key:
            if profile.name in self._loading:
                return None
            if profile.builtin or profile.name in self._tried:
                return f"The profile “{profile.name}” has no API key."
            self._loading.add(profile.name)
            self._credentials.load_key(profile.name)
            return None
        settings = profile.connection(key)
        if origin.workspace:
            settings = settings.replace(workspace_handle=origin.workspace, workspace_id=None)
        return settings

    def forget_attempts(self) -> None:
        """Let :meth:`resolve` try to load keys again (the user resumed a task)."""
        self._tried.clear()

    @Slot(str, bool)
    def _key_loaded(self, name: str, _present: bool) -> None:
        if name in self._loading:
            self._loading.discard(name)
            self._tried.add(name)
            self.keyReady.emit(name)
