"""Saved requests as files: one readable JSON file per request, no Qt.

A file is ``{"kind": "saved-request", "schemaVersion": 1, "name", "instance", "workspace",
"method", "verb", "body", "notes", "presentation"}`` with sorted keys, indent 2 and a final
newline, so a diff shows what changed. :class:`RequestSpec` is the request, :class:`SavedEntry`
one file as read (broken and newer files included, never changed), :func:`scan` a whole folder
(hidden names skipped, sub-folders are groups) into a :class:`Snapshot`. The folder and its
watching live in :class:`~shipexplorer.services.saved_requests.SavedRequests`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any

from shipexplorer.core import storage, variables
from shipexplorer.core.checks import Capture, Check, captures_from, checks_from

KIND = "saved-request"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024
_TEXT_FIELDS = ("name", "method", "verb", "body", "notes")
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
# The temporary files of storage.atomic_write_bytes (".<name>.<random>.tmp"); one older than this
# was left by a killed write and is removed by the next scan.
_LEFTOVER = re.compile(r"^\..+\.json\.[A-Za-z0-9_]+\.tmp$")
LEFTOVER_AGE_S = 600


class SavedRequestError(Exception):
    """An edit was refused or failed; the message is one sentence for the user."""


class NameTakenError(SavedRequestError):
    """A request of that name is already in that folder; ``rel`` is its file."""

    def __init__(self, message: str, rel: str) -> None:
        super().__init__(message)
        self.rel = rel


@dataclass(frozen=True)
class RequestSpec:
    """A request as the user wrote it: what the saved files, drafts and tabs hold.

    ``instance`` and ``workspace`` are handles; ``body`` is the editor's text (JSON, unparsed);
    ``presentation`` is ``{"title", "description"}`` for presentation mode, or None.
    ``variables`` are the request's own (a tab's), ``checks`` and ``captures`` what a send checks
    and takes from the answer (:mod:`~shipexplorer.core.checks`): all three optional, written
    only when not empty, so a file without them reads and writes as before.
    """

    name: str = ""
    instance: str | None = None
    workspace: str | None = None
    method: str = ""
    verb: str = "POST"
    body: str = ""
    notes: str = ""
    presentation: dict[str, str] | None = None
    variables: dict[str, str] = field(default_factory=dict, compare=True)
    checks: tuple[Check, ...] = ()
    captures: tuple[Capture, ...] = ()

    def __post_init__(self) -> None:
        # RequestSpec(**spec.to_dict()) round-trips: the lists of dicts become checks again
        if not isinstance(self.checks, tuple) or any(not isinstance(c, Check) for c in self.checks):
            object.__setattr__(self, "checks", _checks_from(self.checks))
        if not isinstance(self.captures, tuple) or any(
            not isinstance(c, Capture) for c in self.captures
        ):
            object.__setattr__(self, "captures", _captures_from(self.captures))
        if self.variables is None:
            object.__setattr__(self, "variables", {})

    def __hash__(self) -> int:
        return hash((self.name, self.instance, self.workspace, self.method, self.body))

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["presentation"] = dict(self.presentation) if self.presentation else None
        for name in ("variables", "checks", "captures"):
            data.pop(name)
        if self.variables:
            data["variables"] = dict(sorted(self.variables.items()))
        if self.checks:
            data["checks"] = [c.to_dict() for c in self.checks]
        if self.captures:
            data["captures"] = [c.to_dict() for c in self.captures]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestSpec:
        """Build from a dict; raises ``ValueError`` naming the first field of the wrong type."""
        values: dict[str, Any] = {}
        for name in _TEXT_FIELDS:
            value = data.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ValueError(f"{name} should be text, not {storage.type_name(value)}")
            values[name] = value
        for name in ("instance", "workspace"):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} should be text or null, not {storage.type_name(value)}")
            values[name] = value or None
        shown = data.get("presentation")
        if shown is not None:
            if not isinstance(shown, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in shown.items()
            ):
                raise ValueError("presentation should be an object of texts or null")
            values["presentation"] = dict(shown)
        values["verb"] = (values["verb"] or "POST").upper()
        own = data.get("variables")
        if own is not None:
            if not isinstance(own, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in own.items()
            ):
                raise ValueError("variables should be an object of texts")
            values["variables"] = variables.clean(own)
        values["checks"] = checks_from(data.get("checks"))
        values["captures"] = captures_from(data.get("captures"))
        return cls(**values)


@dataclass(frozen=True)
class SavedEntry:
    """One file in the folder. ``rel`` is its path from the root, with ``/``.

    ``spec`` is None when the file is broken (``error`` says why); ``read_only`` is True for a file
    of a newer schema version (and for a broken one).
    """

    rel: str
    spec: RequestSpec | None
    error: str | None = None
    read_only: bool = False
    version: int | None = None

    @property
    def folder(self) -> str:
        parent = str(PurePosixPath(self.rel).parent)
        return "" if parent == "." else parent

    @property
    def display_name(self) -> str:
        if self.spec is not None and self.spec.name:
            return self.spec.name
        return PurePosixPath(self.rel).stem


@dataclass(frozen=True)
class Snapshot:
    """What a scan found: folders (``""`` is the root) and entries, both sorted."""

    root: Path
    folders: tuple[str, ...] = ("",)
    entries: tuple[SavedEntry, ...] = ()
    problems: tuple[str, ...] = field(default=())
    inodes: dict[str, tuple[int, int]] = field(default_factory=dict)  # rel -> (device, inode)


def to_bytes(spec: RequestSpec) -> bytes:
    """The file's bytes for ``spec`` (sorted keys, indent 2, final newline)."""
    data = spec.to_dict()
    data.update(kind=KIND, schemaVersion=SCHEMA_VERSION)
    return storage.dump_json(data)


def parse_bytes(raw: bytes) -> tuple[RequestSpec | None, int | None, str | None]:
    """``(spec, version, None)`` or ``(None, None, reason)``; never raises on any bytes."""
    value, reason = storage.decode_json_bytes(raw)
    if reason is not None:
        return None, None, reason
    if not isinstance(value, dict) or value.get("kind") != KIND:
        return None, None, "not a saved request file (its kind is not “saved-request”)"
    version = value.get("schemaVersion")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return None, None, "schemaVersion should be a whole number from 1 up"
    try:
        spec = RequestSpec.from_dict(value)
    except ValueError as exc:
        return None, version, str(exc)
    return spec, version, None


def load_entry(path: Path, rel: str) -> SavedEntry:
    """Read one file into an entry; never raises, never moves or changes the file."""
    try:
        raw = storage.read_limited(path, MAX_FILE_BYTES)
    except OSError as exc:
        return SavedEntry(rel, None, f"could not be read ({exc.strerror or exc})", True)
    if raw is None:
        return SavedEntry(rel, None, f"larger than {MAX_FILE_BYTES // 2**20} MB", True)
    spec, version, reason = parse_bytes(raw)
    if spec is None:
        return SavedEntry(rel, None, reason, True, version)
    newer = version is not None and version > SCHEMA_VERSION
    return SavedEntry(rel, spec, None, newer, version)


def scan(root: Path, cancelled: Callable[[], bool] = lambda: False) -> Snapshot:
    """Walk ``root`` (hidden names skipped); yields the GIL between files."""
    folders: list[str] = [""]
    entries: list[SavedEntry] = []
    problems: list[str] = []
    inodes: dict[str, tuple[int, int]] = {}
    if not root.is_dir():
        return Snapshot(root)
    for current, dirs, files in os.walk(root, onerror=lambda e: problems.append(str(e))):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(current)
        rel_dir = base.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        folders.extend(f"{rel_dir}/{d}" if rel_dir else d for d in dirs)
        for name in sorted(files):
            if _LEFTOVER.match(name):
                _remove_leftover(base / name)
            if name.startswith(".") or not name.endswith(".json"):
                continue
            if name == variables.FILE_NAME:  # the folder's variables, not a request
                continue
            if cancelled():
                return Snapshot(root)
            rel = f"{rel_dir}/{name}" if rel_dir else name
            entries.append(load_entry(base / name, rel))
            try:
                info = os.stat(base / name)
                inodes[rel] = (info.st_dev, info.st_ino)
            except OSError:
                pass
            time.sleep(0)
    return Snapshot(root, tuple(sorted(folders)), tuple(entries), tuple(problems), inodes)


def _remove_leftover(path: Path) -> None:
    try:
        if time.time() - path.stat().st_mtime > LEFTOVER_AGE_S:
            path.unlink()
    except OSError:
        pass


def _checks_from(data: Any) -> tuple[Check, ...]:
    items = list(data or ())
    return tuple(c if isinstance(c, Check) else Check.from_dict(c) for c in items)


def _captures_from(data: Any) -> tuple[Capture, ...]:
    items = list(data or ())
    return tuple(c if isinstance(c, Capture) else Capture.from_dict(c) for c in items)


def file_name(name: str) -> str:
    """A safe, readable file name for a request name (``Get user`` -> ``Get user.json``)."""
    cleaned = _UNSAFE.sub("-", name).strip(" .-")[:100] or "request"
    return cleaned + ".json"


def folder_rel(folder: str) -> str:
    """A group folder's safe ``rel`` path (``/`` nests; unsafe characters become ``-``; empty
    parts are dropped): ``""`` when nothing is left."""
    rel = "/".join(_UNSAFE.sub("-", part).strip(" .") for part in folder.split("/"))
    return "/".join(p for p in rel.split("/") if p)
