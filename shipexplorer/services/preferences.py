"""The user's preferences: the size above which answers are spooled to disk, the history's budget
for big bodies, desktop notifications when tasks end, the limits on answer bodies (held in
memory, and spooled to disk; see :mod:`shipexplorer.api.limits`) and the theme (follow the
system, light or dark; see :mod:`shipexplorer.core.theme_choice`).

Kept in ``preferences.json`` in the config folder (versioned, written atomically on the worker pool;
a corrupt file is moved aside and the defaults used; a newer one is read but never written back).
:class:`PreferenceService` applies them to the services that use them and says when they change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from shipexplorer.core import storage
from shipexplorer.core.theme_choice import SYSTEM, parse_theme
from shipexplorer.services import paths

if TYPE_CHECKING:
    from shipexplorer.services.workers import WorkerPool


KIND = "preferences"
SCHEMA_VERSION = 1
MB = 1_000_000


@dataclass(frozen=True)
class Preferences:
    """What the Preferences dialog edits; sizes in MB."""

    spool_threshold_mb: float = 2.0
    history_budget_mb: int = 200
    notify_tasks: bool = True
    #: the most of an answer held in memory; over it a call's answer is spooled or refused
    memory_body_limit_mb: int = 16
    #: the most of an answer spooled to disk; over it the call stops and the file is deleted
    spool_limit_mb: int = 1000
    #: "system" (follow the desktop), "light" or "dark"
    theme: str = SYSTEM

    LIMITS = {
        "spool_threshold_mb": (0.1, 1000.0),
        "history_budget_mb": (0, 100_000),
        "memory_body_limit_mb": (1, 1000),
        "spool_limit_mb": (1, 100_000),
    }

    def checked(self) -> Preferences:
        """The same, with every number brought into its range."""
        values = asdict(self)
        for name, (low, high) in self.LIMITS.items():
            values[name] = type(values[name])(min(max(values[name], low), high))
        return Preferences(**values)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preferences:
        """Known fields of the right type; anything else is left at its default."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            value = data.get(spec.name)
            default = spec.default
            if spec.name == "theme":
                values[spec.name] = parse_theme(value)
            elif isinstance(default, bool):
                if isinstance(value, bool):
                    values[spec.name] = value
            elif (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(value)  # "1e400" in JSON reads as infinity
            ):
                values[spec.name] = type(default)(value)
        return cls(**values).checked()


def saved_theme(path: Path | None = None) -> str:
    """The theme the preferences file chose (System when it is missing or unreadable), read
    before the services exist so that the window's first frame is painted in it. It only
    looks: a damaged file is reported and moved aside when the service loads it."""
    try:
        raw = storage.read_limited(path or paths.preferences_file(), 64 * 1024)
    except OSError:
        return SYSTEM
    data, _reason = storage.decode_json_bytes(raw) if raw is not None else (None, None)
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return SYSTEM
    return parse_theme(data.get("theme", SYSTEM))


class PreferenceService(QObject):
    """Loads, saves and hands out the preferences.

    Signals:
        changed(object): the new :class:`Preferences` (after :meth:`load` and :meth:`update`).
        problem(str): the file could not be read or written (one sentence).
    """

    changed = Signal(object)
    problem = Signal(str)

    def __init__(
        self, pool: WorkerPool, path: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self.path = Path(path) if path is not None else paths.preferences_file()
        self.current = Preferences()
        self.read_only = False

    def load(self) -> Preferences:
        """Read the file (a few hundred bytes: done here, at start); defaults when missing."""
        read = storage.read_versioned_json(self.path, kind=KIND, current_version=SCHEMA_VERSION)
        if read.message:
            self.problem.emit(read.message)
        self.read_only = read.status is storage.ReadStatus.NEWER
        if read.data is not None:
            self.current = Preferences.from_dict(read.data)
        self.changed.emit(self.current)
        return self.current

    def update(self, preferences: Preferences) -> None:
        """Use ``preferences`` now and write them (on the pool)."""
        self.current = preferences.checked()
        self.changed.emit(self.current)
        if self.read_only:
            self.problem.emit(
                f"{self.path} was written by a newer shipexplorer: these preferences apply to "
                "this session only."
            )
            return
        record = {"kind": KIND, "schemaVersion": SCHEMA_VERSION, **asdict(self.current)}
        path = self.path
        self._pool.submit(
            lambda _token, _progress: storage.atomic_write_json(path, record),
            on_error=lambda exc: self.problem.emit(f"The preferences could not be saved: {exc}"),
        )
