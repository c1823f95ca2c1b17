"""Saved requests as a service: the chosen folder's listing, edits and watching (fit for git).

The files themselves (their format, reading, scanning) are :mod:`shipexplorer.core.saved_files`:
sub-folders are groups, a file from a newer schema version is listed read-only and never written,
a broken file is listed with its error and never touched (this folder may be a git checkout:
nothing is moved aside here), hidden files and folders (``.git``, the temporary files of atomic
writes) are skipped.

Changes on disk (a ``git pull``, an editor) are picked up: a ``QFileSystemWatcher`` on every folder
and file, debounced (300 ms), triggers a rescan. The rescan runs on the worker pool when one is
given (it reads every file, which is slow for big folders on a slow disk), yielding the GIL between
files; without a pool it runs inline (tests, tiny folders). Edits (save, rename…) are small
single-file writes made on the calling thread.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from shipexplorer.core import recipes, storage
from shipexplorer.core.saved_files import (
    NameTakenError,
    RequestSpec,
    SavedEntry,
    SavedRequestError,
    Snapshot,
    file_name,
    folder_rel,
    scan,
    to_bytes,
)
from shipexplorer.services import paths

if TYPE_CHECKING:
    from shipexplorer.services.workers import WorkerPool


log = logging.getLogger(__name__)

SETTINGS_KIND = "saved-requests-settings"
DEBOUNCE_MS = 300
_MAX_WATCHED_FILES = 4000  # inotify watches are a shared, limited resource


class SavedRequests(QObject):
    """The saved-requests folder: listing, edits and watching.

    Signals:
        changed(): the snapshot (:meth:`snapshot`) was replaced by a new scan.
        problem(str): something the user should know (a refused edit is raised instead). What
            the constructor found (a damaged folder choice, moved aside) is emitted with the
            first :meth:`rescan`, when someone can hear it.
    """

    changed = Signal()
    problem = Signal(str)

    def __init__(
        self,
        pool: WorkerPool | None = None,
        folder: Path | None = None,
        *,
        settings_file: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._settings_file = settings_file or paths.saved_requests_settings_file()
        self._held: list[str] = []  # problems found before anyone could hear them
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
        if isinstance(folder, str) and folder:
            if read.message:  # a newer version's file: its folder is what the user chose
                log.warning("%s", read.message)
            return Path(folder)
        default = paths.saved_requests_folder()
        if read.status is storage.ReadStatus.CORRUPT and read.moved_to is not None:
            self._hold(
                f"The saved-requests folder choice {read.path} was damaged ({read.reason}); it "
                f"was kept as {read.moved_to}. The default folder {default} is used until you "
                "choose the saved-requests folder again."
            )
        elif read.message:
            self._hold(
                f"{read.message} The default saved-requests folder {default} is used until you "
                "choose the folder again."
            )
        return default

    def _hold(self, message: str) -> None:
        log.warning("%s", message)
        self._held.append(message)

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
        held, self._held = self._held, []
        for message in held:
            self.problem.emit(message)
        root = self._root
        try:
            storage.make_private_dirs(root)
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
        try:
            path = storage.resolve_path(self._root / rel)
            root = storage.resolve_path(self._root)
        except OSError as exc:
            raise SavedRequestError(f"“{rel}” cannot be reached: {exc.strerror}.") from None
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
            storage.make_private_dirs(target.parent)
            os.rename(source, target)
        except OSError as exc:
            raise SavedRequestError(f"“{rel}” could not be moved: {exc.strerror}.") from None
        return self._done(new_rel)

    def make_folder(self, folder: str) -> str:
        """Create a group folder (nested with ``/``); returns its ``rel``."""
        rel = folder_rel(folder)
        if not rel:
            raise SavedRequestError("A folder needs a name.")
        try:
            storage.make_private_dirs(self._path(rel))
        except OSError as exc:
            message = f"The folder “{rel}” could not be made: {exc.strerror}."
            raise SavedRequestError(message) from None
        return self._done(rel)

    # -- presentation -------------------------------------------------------------------------

    def mark_recipe(
        self, spec: RequestSpec, title: str, description: str = "", *, rel: str | None = None
    ) -> str:
        """Mark a request for presentation mode (a recipe; a blank title means its name): the
        file at ``rel`` is rewritten, or ``spec`` saved as a new request. Returns its ``rel``."""
        return recipes.mark_as_recipe(self, spec, title, description, rel=rel)

    def unmark_recipe(self, rel: str, spec: RequestSpec) -> str:
        """Take the request at ``rel`` out of presentation mode (the request itself stays)."""
        return recipes.unmark_recipe(self, rel, spec)
