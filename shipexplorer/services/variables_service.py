"""The variables a request tab sees, as one Qt object over :mod:`~shipexplorer.core.variables`.

:class:`VariablesService` holds the layers below a tab's own variables: what captures of this
session set, the saved-request folder's ``variables.json`` (read and written on the pool, read
again when the folder changes) and the profiles' variables (through the profile service). A tab
asks :meth:`VariablesService.scope` for its :class:`~shipexplorer.core.variables.VariableScope`;
the key is taken from the loaded credentials and only ever shown masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from shipexplorer.core import checks, key_reference, variables
from shipexplorer.core.checks import Capture, Check, Observed, Verdict
from shipexplorer.core.variables import VariableScope

if TYPE_CHECKING:
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.workers import WorkerPool


@dataclass(frozen=True)
class Judgement:
    """What a send's answer made of a tab's checks and captures."""

    verdicts: list[Verdict] = field(default_factory=list)
    captured: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # captures that found nothing, and such


def check_from_fields(kind: str, path: str, value: str, within: str) -> Check:
    """A check from the texts of an editor's row: a status as a number, an expected value as
    JSON when it is JSON (else as text), a pattern or a state as text, the time in seconds."""
    parsed: object = value
    if kind in (checks.STATUS_IS, checks.STATUS_IS_NOT):
        parsed = int(value) if value.strip().isdigit() else value
    elif kind == checks.EQUALS:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
    elif kind == checks.TASK_ENDS:
        parsed = value.strip() or "succeeded"
    seconds: float | None = None
    if kind == checks.TASK_ENDS:
        try:
            seconds = float(within) if within.strip() else None
        except ValueError:
            seconds = None
    if kind == checks.TASK_ENDS and seconds is None:
        seconds = checks.DEFAULT_WITHIN
    path = path.strip() if kind in checks.PATH_KINDS else ""
    return Check(kind, None if kind == checks.EXISTS else parsed, path, seconds)


def value_text(check: Check) -> str:
    """The editor's text for a check's value (the reverse of :func:`check_from_fields`)."""
    if check.value is None:
        return ""
    if check.kind == checks.EQUALS:
        if not isinstance(check.value, str):
            return json.dumps(check.value, ensure_ascii=False)
        try:
            json.loads(check.value)  # text that reads as JSON ("3", "true") is quoted
        except ValueError:
            return check.value
        return json.dumps(check.value, ensure_ascii=False)
    return str(check.value)


def judge(
    items: Iterable[Check],
    captures: Iterable[Capture],
    status: int | None,
    raw: bytes | None,
    mime: str | None,
    task_state: str | None,
    had_task: bool,
    keys: Iterable[str | None] = (),
) -> Judgement:
    """The checks' verdicts and the captures' values for an answer shown in a tab."""
    items, captures = list(items), list(captures)
    body = checks.parse_body(raw, mime) if raw is not None else None
    seen = Observed(
        status,
        body,
        task_state=task_state if task_state in checks.TASK_STATES else None,
        had_task=had_task,
        error=None if status is not None else "no answer came",
    )
    verdicts = checks.evaluate(items, seen)
    notes: list[str] = []
    if had_task and task_state not in checks.TASK_STATES:
        pending = "the task had not ended when the answer came (shipexplorer run waits for it)"
        verdicts = [
            Verdict(v.check, False, pending) if v.check.kind == checks.TASK_ENDS else v
            for v in verdicts
        ]
    captured, missed = checks.capture(captures, body) if status is not None else ({}, [])
    keys = key_reference.usable_keys(keys)
    if keys:
        verdicts = [Verdict(v.check, v.held, _masked(v.why, keys)) for v in verdicts]
        missed = [_masked(text, keys) for text in missed]
    return Judgement(verdicts, captured, notes + missed)


def task_verdict(check: Check, state: str, seconds: float) -> Verdict:
    """A task check's verdict once the task ended in ``state`` after ``seconds``."""
    seen = Observed(200, None, task_state=state, task_seconds=seconds, had_task=True)
    return checks.evaluate([check], seen)[0]


def _masked(text: str, keys: tuple[str, ...]) -> str:
    for hit in reversed(key_reference.find_keys(text, keys)):
        text = text[: hit.start] + variables.SECRET_MASK + text[hit.end :]
    return text


class VariablesService(QObject):
    """The captured, folder and profile layers of every tab's variables.

    Signals:
        changed(): a layer changed (tabs re-check their bodies and hints).
        problem(str): the folder's file was damaged (moved aside) or could not be written.
        taskEnded(str, str): a watched task ended: its id and state (a tab's task check waits
            for it).
    """

    changed = Signal()
    problem = Signal(str)
    taskEnded = Signal(str, str)

    def __init__(
        self,
        pool: WorkerPool | None = None,
        clients: ClientProvider | None = None,
        saved: SavedRequests | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._clients = clients
        self._saved = saved
        self._folder: dict[str, str] = {}
        self._captured: dict[str, str] = {}
        self._tracker: QObject | None = None
        if saved is not None:
            saved.changed.connect(self.reload_folder)

    # -- layers -----------------------------------------------------------------------------
    def folder_values(self) -> dict[str, str]:
        return dict(self._folder)

    def captured_values(self) -> dict[str, str]:
        return dict(self._captured)

    def profile_values(self, profile: str | None) -> dict[str, str]:
        profiles = getattr(self._clients, "profiles", None)
        if profiles is None:
            return {}
        found = profiles.profile(profile) if profile else profiles.current()
        return dict(found.variables) if found is not None else {}

    def _key(self, profile: str | None) -> str | None:
        if self._clients is None:
            return None
        settings = self._clients.settings_for(profile)
        return settings.api_key if settings is not None else None

    def scope(self, profile: str | None, own: Mapping[str, str] | None = None) -> VariableScope:
        """The scope of a tab of ``profile`` whose own variables are ``own``."""
        return VariableScope(
            tab=dict(own or {}),
            folder=self.folder_values(),
            profile=self.profile_values(profile),
            key=self._key(profile),
            captured=self.captured_values(),
        )

    def watch_tasks(self, tracker: QObject) -> None:
        """Pass on the ends of the tasks ``tracker`` watches (a TaskTracker)."""
        self._tracker = tracker
        tracker.taskEnded.connect(self._task_ended)

    def _task_ended(self, task_id: str) -> None:
        tracked = self._tracker.task(task_id) if self._tracker is not None else None
        if tracked is not None and tracked.state:
            self.taskEnded.emit(task_id, tracked.state)

    # -- changes ----------------------------------------------------------------------------
    def capture(self, values: Mapping[str, str]) -> None:
        """Values a capture took from an answer: later sends of any tab see them."""
        clean = {k: v for k, v in values.items() if k not in variables.SECRET_NAMES}
        if clean:
            self._captured.update(clean)
            self.changed.emit()

    def set_captured(self, values: Mapping[str, str]) -> None:
        self._captured = variables.clean(dict(values))
        self.changed.emit()

    def reload_folder(self) -> None:
        """Read the saved-request folder's ``variables.json`` (on the pool)."""
        if self._saved is None:
            return
        root = self._saved.root
        if self._pool is None:
            self._folder_read(root, variables.read_folder_file(root))
            return
        self._pool.submit(
            lambda token, progress: variables.read_folder_file(root),
            on_result=lambda read: self._folder_read(root, read),
        )

    def _folder_read(self, root: Path, read: variables.VariablesRead) -> None:
        if self._saved is not None and root != self._saved.root:
            return  # the folder changed meanwhile
        if read.problem:
            self.problem.emit(read.problem)
        if read.values != self._folder:
            self._folder = read.values
            self.changed.emit()

    def key_problems(self, values: Mapping[str, str]) -> list[str]:
        """A value that holds a key the app knows is refused (keys stay in the keyring)."""
        from shipexplorer.services.key_guard import KeyGuard

        guard = KeyGuard(self._clients)
        return [
            f"The value of {{{{{name}}}}} holds an API key: keys stay in the keyring. Write "
            "{{STEAMSHIP_API_KEY}} where the key goes."
            for name, value in values.items()
            if guard.holds_key(value)
        ]

    def set_folder_values(self, values: Mapping[str, str]) -> list[str]:
        """Write the folder's file (on the pool); the problems that stopped it, if any."""
        problems = variables.problems(values) + self.key_problems(values)
        if problems or self._saved is None:
            return problems or ["There is no saved requests' folder."]
        root, values = self._saved.root, dict(values)
        self._folder = values
        self.changed.emit()
        write = lambda token, progress: variables.write_folder_file(root, values)  # noqa: E731
        if self._pool is None:
            write(None, None)
        else:
            self._pool.submit(
                write,
                on_error=lambda exc: self.problem.emit(
                    f"The folder's variables could not be saved: {exc}"
                ),
            )
        return []

    def set_profile_values(self, profile: str | None, values: Mapping[str, str]) -> list[str]:
        problems = variables.problems(values) + self.key_problems(values)
        profiles = getattr(self._clients, "profiles", None)
        if problems or profiles is None:
            return problems or ["There is no profile."]
        current = profiles.profile(profile) if profile else profiles.current()
        if current is None:
            return ["There is no profile."]
        refused = profiles.set_variables(current.name, dict(values))
        if refused:
            return [refused]
        self.changed.emit()
        return []
