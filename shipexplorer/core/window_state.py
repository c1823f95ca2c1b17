"""The window's state between runs: geometry, splitters, last profile/workspace/instance/method.

Kept in a file the app names (``window-state.json`` in the config folder), written atomically with
a schema version. The file is tiny, so it is read at start and written at close on the GUI
thread. A damaged file is moved aside and the window starts with defaults.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from shipexplorer.core import storage

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1


@dataclass
class WindowState:
    """What is restored at start; byte blobs (Qt's saveGeometry/saveState) as base64 text."""

    geometry: str | None = None
    splitters: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    workspace: str | None = None
    instance: str | None = None
    method: str | None = None

    @staticmethod
    def encode(blob: bytes) -> str:
        return base64.b64encode(bytes(blob)).decode("ascii")

    @staticmethod
    def decode(text: str | None) -> bytes | None:
        if not text:
            return None
        try:
            return base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, UnicodeError):
            return None

    @classmethod
    def from_dict(cls, data: Any) -> WindowState:
        state = cls()
        if not isinstance(data, dict):
            return state
        for f in fields(cls):
            value = data.get(f.name)
            if f.name == "splitters":
                if isinstance(value, dict):
                    state.splitters = {str(k): v for k, v in value.items() if isinstance(v, str)}
            elif isinstance(value, str):
                setattr(state, f.name, value)
        return state


class WindowStateStore:
    """Reads and writes :class:`WindowState` (never raises on a bad file)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> WindowState:
        if not self.path.exists():
            return WindowState()
        try:
            raw = storage.read_limited(self.path, 1_000_000)
        except OSError as exc:
            log.warning("could not read %s: %s", self.path, exc)
            return WindowState()
        if raw is None:
            return WindowState()
        data, problem = storage.decode_json_bytes(raw)
        if problem or not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
            log.warning("window state %s not usable (%s); starting afresh", self.path, problem)
            with contextlib.suppress(OSError):
                storage.move_aside(self.path)
            return WindowState()
        return WindowState.from_dict(data.get("state"))

    def save(self, state: WindowState) -> str | None:
        """Write ``state``; never raises (it runs on quit). Returns None, or one sentence saying
        why it was not saved (also logged): any filesystem failure, a symlink loop included."""
        try:
            storage.atomic_write_json(
                self.path, {"version": SCHEMA_VERSION, "state": asdict(state)}
            )
        except (OSError, ValueError) as exc:
            why = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            message = f"The window state could not be saved to {self.path} ({why})."
            log.warning("%s", message)
            return message
        return None
