"""One saved request sent without a window: variables filled in, the task it starts waited for
with the app's adaptive polling (:class:`~shipexplorer.core.poll_schedule.PollSchedule`), then
its checks judged and its captures taken."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shipexplorer.api.client import SteamshipClient
from shipexplorer.api.errors import ApiError
from shipexplorer.api.request import InstanceRef
from shipexplorer.api.tasks import Task
from shipexplorer.core import checks, variables
from shipexplorer.core.checks import Observed, Verdict
from shipexplorer.core.documents.json_body import BodyError, parse_body
from shipexplorer.core.poll_schedule import PollSchedule
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.variables import VariableScope

#: the longest a task is waited for when no task check and no --timeout says otherwise
DEFAULT_TASK_WAIT = 120.0


@dataclass
class Outcome:
    """What running one request gave."""

    name: str
    status: int | None = None
    seconds: float = 0.0
    verdicts: list[Verdict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures that are not checks
    captured: dict[str, str] = field(default_factory=dict)
    task_state: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems and all(v.held for v in self.verdicts)

    def failures(self) -> list[str]:
        """One sentence per failure: the problems, then the checks that did not hold."""
        return self.problems + [
            f"check “{v.check.describe()}” failed: {v.why}" for v in self.verdicts if not v.held
        ]


def _error_sentence(exchange: Any) -> str:
    error = exchange.error
    first = str(error).strip().splitlines()[0] if error is not None and str(error) else ""
    return first or "the request failed"


class Sender:
    """Sends requests over one client; remembers the workspace of each instance it looked up."""

    def __init__(self, client: SteamshipClient, *, timeout: float | None = None) -> None:
        self.client = client
        self.timeout = timeout
        self._workspaces: dict[str, str | None] = {}
        self.schedule_factory: Callable[[], PollSchedule] = PollSchedule

    def _workspace(self, instance: str) -> str | None:
        if instance not in self._workspaces:
            try:
                record = self.client.instance_get(handle=instance).value
            except Exception:  # not found: the invocation then says so itself
                record = None
            self._workspaces[instance] = record.workspace_handle if record else None
        return self._workspaces[instance]

    def run(
        self,
        spec: RequestSpec,
        scope: VariableScope,
        *,
        on_wait: Callable[[str], None] | None = None,
    ) -> Outcome:
        outcome = Outcome(spec.name or spec.method or "request")
        scope = scope.with_tab({**spec.variables})
        unknown = scope.unknown(spec.instance, spec.workspace, spec.method, spec.body)
        if unknown:
            names = ", ".join(f"{{{{{n}}}}}" for n in unknown)
            word = "variable" if len(unknown) == 1 else "variables"
            verb_ = "has" if len(unknown) == 1 else "have"
            outcome.problems.append(f"not sent: the {word} {names} {verb_} no value")
            return outcome
        instance = scope.fill(spec.instance or "", with_key=False).strip()
        workspace = scope.fill(spec.workspace or "", with_key=False).strip() or None
        method = scope.fill(spec.method, with_key=False).strip()
        body_text = scope.fill(spec.body, json_body=True)
        verb = (spec.verb or "POST").upper()
        if not method:
            outcome.problems.append("not sent: it has no method")
            return outcome
        try:
            args = parse_body(body_text, verb)
        except BodyError as exc:
            outcome.problems.append(f"not sent: the body is not JSON ({exc})")
            return outcome
        started = time.monotonic()
        try:
            if instance:
                workspace = workspace or self._workspace(instance)
                ref = InstanceRef(instance_handle=instance, workspace_handle=workspace)
                request = self.client.invoke_request(ref, method, args, verb=verb)
            else:  # no instance: an engine operation such as package/instance/create
                request = self.client.api_request(method, args, verb=verb)
        except ValueError as exc:
            outcome.problems.append(f"not sent: {exc}")
            return outcome
        exchange = self.client.send(request, deadline=self.timeout)
        outcome.status = exchange.status
        body = checks.parse_body(exchange.response_body, exchange.content_type)
        seen = Observed(exchange.status, body, error=None)
        if exchange.status is None:
            seen = Observed(None, None, error=_error_sentence(exchange))
            outcome.problems.append(f"no answer: {seen.error}")
        task = exchange.task
        if task is not None and task.task_id and exchange.status is not None:
            wait = checks.task_timeout(spec.checks) or self.timeout or DEFAULT_TASK_WAIT
            ended = task if task.is_finished else self._wait(task, started, wait, on_wait)
            outcome.task_state = ended.state if ended is not None else task.state
            seen = Observed(
                exchange.status,
                body,
                task_state=ended.state if ended is not None else None,
                task_seconds=time.monotonic() - started if ended is not None else None,
                had_task=True,
            )
        outcome.seconds = time.monotonic() - started
        outcome.verdicts = checks.evaluate(spec.checks, seen)
        has_status_check = any(
            c.kind in (checks.STATUS_IS, checks.STATUS_IS_NOT) for c in spec.checks
        )
        if exchange.status is not None and exchange.status >= 400 and not has_status_check:
            outcome.problems.append(
                f"the answer was HTTP {exchange.status}: {_error_sentence(exchange)}"
            )
        if exchange.status is not None:
            outcome.captured, missed = checks.capture(spec.captures, body)
            outcome.problems += missed
        return outcome

    def _wait(
        self,
        task: Task,
        started: float,
        limit: float,
        on_wait: Callable[[str], None] | None,
    ) -> Task | None:
        """Poll ``task/status`` as the app's tracker does (fast after a change, slower while
        nothing changes) until the task ends or ``limit`` seconds from ``started`` pass."""
        schedule = self.schedule_factory()
        key = task.task_id
        schedule.add(key, time.monotonic())
        last = (task.state, task.status_message, task.remote_status_message)
        while True:
            now = time.monotonic()
            left = started + limit - now
            if left <= 0:
                return None
            wake = schedule.next_wake(now)
            if wake:
                time.sleep(min(wake, left))
                continue
            if not schedule.take_due(time.monotonic()):
                time.sleep(0.01)
                continue
            try:
                seen = self.client.task_status(key).value
            except ApiError as exc:  # a poll that failed is tried again, later; the user is told
                if on_wait is not None:
                    on_wait(f"a status poll failed ({exc}); trying again")
                retry = getattr(exc, "retry_after", None)
                schedule.failed(key, time.monotonic(), retry_after=retry)
                continue
            if seen is None:
                schedule.failed(key, time.monotonic())
                continue
            if seen.is_finished:
                return seen
            now_state = (seen.state, seen.status_message, seen.remote_status_message)
            schedule.answered(key, time.monotonic(), changed=now_state != last)
            if on_wait is not None:
                on_wait(seen.remote_status_message or seen.state or "waiting")
            last = now_state


def scope_for(
    profile_values: dict[str, str],
    folder_values: dict[str, str],
    captured: dict[str, str],
    overrides: dict[str, str],
    key: str | None,
) -> VariableScope:
    return variables.VariableScope(
        folder=folder_values,
        profile=profile_values,
        key=key,
        captured=captured,
        overrides=overrides,
    )
