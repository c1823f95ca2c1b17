"""Saved requests: one readable JSON file per request in a folder the user chooses (fit for git).

Sub-folders are groups. A file is ``{"kind": "saved-request", "schemaVersion": 1, "name",
"instance", "workspace", "method", "verb", "body", "notes", "presentation"}`` written atomically
with sorted keys, indent 2 and a final newline, so a diff shows what changed. A file from a newer
schema version is listed read-only and never written; a broken file is listed with its error and
never touched (this folder may be a git checkout: nothing is moved aside here). Hidden files and
folders (``.git``, the temporary files of atomic writes) are skipped.

Changes on disk (a ``git pull``, an editor) are picked up: a ``QFileSystemWatcher`` on every folder
and file, debounced (300 ms), triggers a rescan. The rescan runs on the worker pool when one is
given (it reads every file, which is slow for big folders on a slow disk), yielding the GIL between
files; without a pool it runs inline (tests, tiny folders). Edits (save, rename…) are small
single-file writes made on the calling thread.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from shipexplorer.core import storage
from shipexplorer.services.paths import app_paths

log = logging.getLogger(__name__)

KIND = "saved-request"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024
SETTINGS_KIND = "saved-requests-settings"
SETTINGS_FILE = "saved-requests.json"
DEBOUNCE_MS = 300
_MAX_WATCHED_FILES = 4000  # inotify watches are a shared, limited resource
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
    """

    name: str = ""
    instance: str | None = None
    workspace: str | None = None
    method: str = ""
    verb: str = "POST"
    body: str = ""
    notes: str = ""
    presentation: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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


def scan(root: Path, cancelled=lambda: False) -> Snapshot:
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


def file_name(name: str) -> str:
    """A safe, readable file name for a request name (``Get user`` -> ``Get user.json``)."""
    cleaned = _UNSAFE.sub("-", name).strip(" .-")[:100] or "request"
    return cleaned + ".json"


def default_folder() -> Path:
    return app_paths().data / "saved-requests"


class SavedRequests(QObject):
    """The saved-requests folder: listing, edits and watching.

    Signals:
        changed(): the snapshot (:meth:`snapshot`) was replaced by a new scan.
        problem(str): something the user should know (a refused edit is raised instead).
    """

    changed = Signal()
    problem = Signal(str)

    def __init__(
        self,
        pool: Any = None,
        folder: Path | None = None,
        *,
        settings_file: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._settings_file = settings_file or app_paths().config / SETTINGS_FILE
        self._root = Path(folder) if folder is not None else self._chosen_folder()
        self._snapshot = Snapshot(self._root)
        self._scanned = False
        self._watcher = QFileSystemWatcher(self)
        self._inodes: dict[str, tuple[int, int] | None] = {}
        self._watcher.directoryChanged.connect(self._on_disk_change)
        self._watcher.fileChanged.connect(self._on_disk_change)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.rescan)

    # -- the folder -----------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self._root

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def entry(self, rel: str) -> SavedEntry | None:
        return next((e for e in self._snapshot.entries if e.rel == rel), None)

    def _chosen_folder(self) -> Path:
        read = storage.read_versioned_json(
            self._settings_file, kind=SETTINGS_KIND, current_version=1
        )
        folder = (read.data or {}).get("folder")
        if read.message:
            log.warning("%s", read.message)
        return Path(folder) if isinstance(folder, str) and folder else default_folder()

    def set_folder(self, folder: Path) -> None:
        """Use ``folder`` from now on (remembered for the next start) and scan it."""
        self._root = Path(folder)
        try:
            storage.atomic_write_json(
                self._settings_file,
                {"kind": SETTINGS_KIND, "schemaVersion": 1, "folder": str(self._root)},
            )
        except (OSError, ValueError) as exc:
            self.problem.emit(f"The chosen folder could not be remembered: {exc}.")
        self.rescan()

    # -- scanning -------------------------------------------------------------------------------

    @Slot()
    def rescan(self) -> None:
        """Scan the folder again (on the pool when there is one); ``changed`` follows."""
        root = self._root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.problem.emit(f"The saved-requests folder {root} cannot be made: {exc.strerror}.")
        if self._pool is None:
            self._apply(scan(root))
            return
        # No handle is kept: store -> job -> bound callbacks -> store would be a reference cycle,
        # and the cyclic GC may then destroy this QObject from a worker thread.
        self._pool.submit(
            lambda token, _progress: scan(root, lambda: token.cancelled),
            on_result=self._apply,
            on_error=lambda exc: self.problem.emit(f"The saved requests could not be read: {exc}"),
            key=f"saved-requests-scan-{id(self)}",
        )

    def _apply(self, snapshot: Snapshot) -> None:
        if snapshot.root != self._root:
            return  # a scan of the previous folder
        same = self._scanned and (snapshot.folders, snapshot.entries) == (
            self._snapshot.folders,
            self._snapshot.entries,
        )
        self._snapshot = snapshot
        self._scanned = True
        self._watch(snapshot)
        for message in snapshot.problems:
            self.problem.emit(message)
        if not same:  # a spurious watcher event (our own writes echo) rebuilds no tree
            self.changed.emit()

    def _watch(self, snapshot: Snapshot) -> None:
        """Watch every folder and file of ``snapshot``, changing only what changed (removing and
        re-adding every path on each scan is slow for big folders, and aborted Qt's inotify
        engine now and then). A file replaced by a rename (an atomic write, a git checkout) is a
        new inode, which the old watch no longer sees: it is watched again."""
        wanted: dict[str, tuple[int, int] | None] = {}
        for rel in snapshot.folders:
            wanted[str(snapshot.root / rel) if rel else str(snapshot.root)] = None
        for entry in snapshot.entries[:_MAX_WATCHED_FILES]:
            if entry.rel in snapshot.inodes:  # measured by the scan, off this thread
                wanted[str(snapshot.root / entry.rel)] = snapshot.inodes[entry.rel]
        have = self._inodes  # what was added (Qt drops a deleted path itself; removing it again
        # is harmless)
        stale = [p for p, inode in have.items() if p not in wanted or wanted[p] != inode]
        if stale:
            self._watcher.removePaths(stale)
        new = [p for p, inode in wanted.items() if p not in have or have[p] != inode]
        if new:
            self._watcher.addPaths(new)
        self._inodes = wanted

    @Slot(str)
    def _on_disk_change(self, _path: str) -> None:
        self._debounce.start()

    # -- edits ----------------------------------------------------------------------------------

    def _path(self, rel: str) -> Path:
        path = (self._root / rel).resolve()
        root = self._root.resolve()
        if path != root and root not in path.parents:
            raise SavedRequestError(f"“{rel}” is outside the saved-requests folder.")
        return path

    def _writable(self, rel: str) -> SavedEntry:
        entry = self.entry(rel)
        if entry is None:
            raise SavedRequestError(f"“{rel}” is no longer in the folder.")
        if entry.spec is None:
            raise SavedRequestError(f"“{rel}” is broken ({entry.error}); it is left untouched.")
        if entry.read_only:
            raise SavedRequestError(
                f"“{entry.display_name}” was written by a newer shipexplorer; it is read-only."
            )
        return entry

    def _write_new(self, folder: str, spec: RequestSpec) -> str:
        rel = f"{folder.strip('/')}/{file_name(spec.name)}".lstrip("/")
        path = self._path(rel)
        if path.exists():
            where = f"folder “{folder}”" if folder else "the top folder"
            raise NameTakenError(
                f"A saved request named “{spec.name}” already exists in {where}.", rel
            )
        self._write(path, spec)
        return rel

    def _write(self, path: Path, spec: RequestSpec) -> None:
        try:
            storage.atomic_write_bytes(path, to_bytes(spec))
        except (OSError, ValueError) as exc:
            raise SavedRequestError(f"“{spec.name}” could not be saved: {exc}.") from None

    def _done(self, rel: str) -> str:
        self.rescan()
        return rel

    def save(self, spec: RequestSpec, folder: str = "") -> str:
        """Save a new request in ``folder`` (made when missing); returns its ``rel`` path."""
        if not spec.name.strip():
            raise SavedRequestError("A saved request needs a name.")
        return self._done(self._write_new(folder, spec))

    def overwrite(self, rel: str, spec: RequestSpec) -> str:
        """Replace the request at ``rel`` (refused for read-only and broken files)."""
        entry = self._writable(rel)
        self._write(self._path(entry.rel), spec)
        return self._done(rel)

    def rename(self, rel: str, new_name: str) -> str:
        """Give a request a new name (and file name); returns the new ``rel``."""
        entry = self._writable(rel)
        if not new_name.strip():
            raise SavedRequestError("A saved request needs a name.")
        assert entry.spec is not None
        spec = RequestSpec(**{**entry.spec.to_dict(), "name": new_name.strip()})
        if file_name(spec.name) == PurePosixPath(rel).name:
            self._write(self._path(rel), spec)
            return self._done(rel)
        new_rel = self._write_new(entry.folder, spec)
        self._unlink(rel)
        return self._done(new_rel)

    def duplicate(self, rel: str) -> str:
        """A copy named "<name> copy" (then "copy 2"…) in the same folder; returns its ``rel``."""
        entry = self._writable(rel)
        assert entry.spec is not None
        for n in range(1, 1000):
            name = f"{entry.spec.name} copy" + (f" {n}" if n > 1 else "")
            if not self._path(f"{entry.folder}/{file_name(name)}".lstrip("/")).exists():
                spec = RequestSpec(**{**entry.spec.to_dict(), "name": name})
                return self._done(self._write_new(entry.folder, spec))
        raise SavedRequestError("Too many copies of this request already exist.")

    def delete(self, rel: str) -> None:
        """Delete a request's file (any file, broken or read-only too: the user asked)."""
        self._unlink(rel)
        self._done(rel)

    def _unlink(self, rel: str) -> None:
        try:
            self._path(rel).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise SavedRequestError(f"“{rel}” could not be deleted: {exc.strerror}.") from None

    def move(self, rel: str, folder: str) -> str:
        """Move a file, unchanged, into ``folder`` (``""``: the top); returns its new ``rel``."""
        source = self._path(rel)
        new_rel = f"{folder.strip('/')}/{PurePosixPath(rel).name}".lstrip("/")
        target = self._path(new_rel)
        if target == source:
            return rel
        if target.exists():
            raise SavedRequestError(f"“{new_rel}” already exists; nothing was moved.")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
        except OSError as exc:
            raise SavedRequestError(f"“{rel}” could not be moved: {exc.strerror}.") from None
        return self._done(new_rel)

    def make_folder(self, folder: str) -> str:
        """Create a group folder (nested with ``/``); returns its ``rel``."""
        rel = "/".join(_UNSAFE.sub("-", part).strip(" .") for part in folder.split("/"))
        rel = "/".join(p for p in rel.split("/") if p)
        if not rel:
            raise SavedRequestError("A folder needs a name.")
        try:
            self._path(rel).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"The folder “{rel}” could not be made: {exc.strerror}."
            raise SavedRequestError(message) from None
        return self._done(rel)
