"""Start-up housekeeping: private folders, modes repaired, left-overs of killed runs swept.

:class:`Housekeeping` is built with the services (in :func:`~shipexplorer.app.build_services`):
it creates the config, data and cache folders and the app's own sub-folders with mode 0o700
before any store writes there, takes group and other bits off the few files the stores rewrite
(the config folder, the drafts, the files directly in the data and cache folders: an atomic
rewrite keeps a file's mode, so they must be right first), and gives this running copy its spool
folder
(``<cache>/spool/session-<id>/``) holding a ``QLockFile`` for as long as the process lives.
:meth:`Housekeeping.start` then does, on the worker pool:

- takes group and other bits off every folder and file the app keeps
  (:func:`~shipexplorer.core.storage.repair_modes`); a saved-requests folder the user chose is
  never changed (it may be a checkout shared with a team);
- removes the temporary files of killed atomic writes older than a minute
  (:func:`~shipexplorer.core.storage.sweep_temp_files`; a younger one may be a running copy's
  write in progress);
- removes the spool folders of copies that are not running any more: a session whose lock can be
  taken (its process ended, cleanly or not), and a folder without a lock file that is older than a
  minute. Spool folders of running copies are never touched.

At a clean quit, :meth:`Housekeeping.close` removes this copy's spool folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

from shipexplorer.core import storage
from shipexplorer.services import paths

if TYPE_CHECKING:
    from shipexplorer.services.paths import AppPaths
    from shipexplorer.services.workers import WorkerPool

log = logging.getLogger(__name__)

SPOOL_LOCK = "session.lock"
SPOOL_SESSION_PREFIX = "session-"
#: spooled bodies loose in the spool folder (an older layout), or a session folder without its
#: lock file, are removed once this old (a copy starting right now makes its folder first)
LEFTOVER_AGE_S = storage.TEMP_LEFTOVER_AGE_S


@dataclass(frozen=True)
class Tidied:
    """What :meth:`Housekeeping.start` did."""

    repaired: int = 0  # files and folders whose group/other bits were taken off
    temp_files: int = 0  # temporary files of killed writes removed
    spool_sessions: int = 0  # spool folders of copies no longer running removed
    spool_files: int = 0  # loose spooled bodies (older layout) removed


def _lock(folder: Path) -> QLockFile:
    lock = QLockFile(str(folder / SPOOL_LOCK))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    return lock


def _age(path: Path) -> float:
    return time.time() - os.lstat(path).st_mtime


def _remove_session(folder: Path) -> bool:
    """Remove a spool session of a copy that is not running; whether it was removed."""
    lock_file = folder / SPOOL_LOCK
    if not lock_file.exists():
        if _age(folder) < LEFTOVER_AGE_S:
            return False  # a copy starting now: its lock comes next
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    lock = _lock(folder)
    if not lock.tryLock(0):
        return False  # a running copy's
    try:
        for entry in os.scandir(folder):
            if entry.name == SPOOL_LOCK:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    finally:
        lock.unlock()  # removes the lock file
    with contextlib.suppress(OSError):
        os.rmdir(folder)
    return not folder.exists()


def sweep_spool_sessions(root: Path, own: Path | None = None) -> tuple[int, int]:
    """Remove the spool folders under ``root`` of copies that are not running (never ``own``), and
    loose spooled bodies older than :data:`LEFTOVER_AGE_S`. Never raises; returns
    ``(folders, files)`` removed."""
    folders = files = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0, 0
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(SPOOL_SESSION_PREFIX) and path != own:
                    folders += _remove_session(path)
            elif entry.name.startswith("body-") and _age(path) >= LEFTOVER_AGE_S:
                os.unlink(path)
                files += 1
        except OSError as exc:
            log.debug("spool left-over %s not removed: %s", path, exc)
    return folders, files


class SpoolSession:
    """This copy's spool folder, ``<root>/session-<id>/``, locked while the process lives.

    When it cannot be made (a read-only cache), :attr:`folder` is ``root`` itself and nothing is
    locked: the spool then works as before, and its files are swept once old."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / f"{SPOOL_SESSION_PREFIX}{uuid.uuid4().hex[:16]}"
        self._lock: QLockFile | None = None
        try:
            storage.make_private_dirs(self.folder)
            lock = _lock(self.folder)
            if lock.tryLock(0):
                self._lock = lock
                with contextlib.suppress(OSError):  # Qt makes it 0o666 less the umask
                    os.chmod(self.folder / SPOOL_LOCK, storage.NEW_FILE_MODE)
            else:
                log.warning("the spool folder %s could not be locked", self.folder)
        except OSError as exc:
            log.warning("the spool folder %s cannot be made: %s", self.folder, exc)
            self.folder = self.root

    def close(self) -> None:
        """Remove the folder, with the bodies still in it (the window is closing)."""
        if self._lock is None:
            return
        lock, self._lock = self._lock, None
        for entry in list(os.scandir(self.folder)):
            if entry.name != SPOOL_LOCK:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        lock.unlock()
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)


class Housekeeping(QObject):
    """Private folders and this copy's spool at once; the start-up sweep on the pool.

    Signals:
        tidied(object): the start-up sweep ended; a :class:`Tidied`.
    """

    tidied = Signal(object)

    def __init__(
        self,
        pool: WorkerPool,
        folders: AppPaths | None = None,
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self.paths = folders or paths.app_paths()
        self._spool_root = self.paths.cache / "spool"
        config, data, cache = self.paths.config, self.paths.data, self.paths.cache
        drafts = data / "drafts"
        for folder in (config, data, cache, drafts, self._spool_root):
            try:
                storage.make_private_dirs(folder)
            except OSError as exc:
                log.warning("the folder %s cannot be made: %s", folder, exc)
        # Now, before any store reads or rewrites them (an atomic rewrite keeps the old file's
        # mode): the few files the stores rewrite. The bulk (history bodies, saved requests, the
        # spool) is repaired on the pool by start().
        for folder in (config, drafts):
            storage.repair_modes(folder)
        for folder in (data, cache):
            storage.repair_modes(folder, files_only=True)
        self.spool = SpoolSession(self._spool_root)

    @property
    def spool_dir(self) -> Path:
        """Where this copy's request runner spools big answers."""
        return self.spool.folder

    def start(self, saved_folder: Path | None = None) -> None:
        """Repair modes and sweep left-overs on the pool; ``tidied`` reports. ``saved_folder`` is
        the saved requests' folder: when the user chose it, its files' modes are not changed."""
        default_saved = self.paths.data / "saved-requests"
        skip: tuple[Path, ...] = ()
        if saved_folder is not None and Path(saved_folder) != default_saved:
            skip = (Path(saved_folder),)
        roots = (self.paths.config, self.paths.data, self.paths.cache)
        spool_root, own = self._spool_root, self.spool.folder
        # No handle kept: self -> job -> bound callback -> self would be a reference cycle.
        self._pool.submit(
            lambda _token, _progress: tidy(roots, spool_root, own, skip),
            on_result=self.tidied.emit,
            on_error=lambda exc: log.warning("start-up housekeeping failed: %s", exc),
        )

    def close(self) -> None:
        """At a clean quit: this copy's spool folder goes."""
        self.spool.close()


def tidy(
    roots: tuple[Path, ...], spool_root: Path, own: Path | None, skip: tuple[Path, ...] = ()
) -> Tidied:
    """The start-up sweep (a worker's job): spool folders of ended copies, temporary files of
    killed writes, then modes. Never raises."""
    sessions, loose = sweep_spool_sessions(spool_root, own)
    temps = sum(storage.sweep_temp_files(root) for root in roots)
    repaired = sum(storage.repair_modes(root, skip=skip) for root in roots)
    done = Tidied(repaired, temps, sessions, loose)
    if repaired or temps or sessions or loose:
        log.info("start-up housekeeping: %s", done)
    return done


__all__ = ["Housekeeping", "SpoolSession", "Tidied", "sweep_spool_sessions", "tidy"]
