"""Safe files for every store: atomic writes, versioned JSON, corrupt files moved aside.

Pure Python (no Qt). A reader never raises on bad content: it reports what was wrong, in one line
that names the file, and moves a corrupt file aside so the user keeps it and the app goes on.

Private modes: what the app creates is readable by its user only, whatever the umask: folders
0o700 (:func:`make_private_dirs`), files 0o600 (atomic writes, :func:`private_database` for SQLite
files and their ``-wal``/``-shm``). :func:`repair_modes` takes group and other bits off an app
folder's existing files at start, and :func:`sweep_temp_files` removes the temporary files of
writes that were killed. Every filesystem failure of a write is an ``OSError`` (a symlink loop
too: :class:`SymlinkLoopError`), so a store turns it into its message.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import json
import os
import re
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

#: Our own files are small; anything bigger is not one of them (and is not read into memory).
MAX_JSON_BYTES = 16 * 1024 * 1024
NEW_FILE_MODE = 0o600
NEW_FOLDER_MODE = 0o700
#: The group and other bits that :func:`repair_modes` takes off.
SHARED_BITS = 0o077
#: The temporary file of :func:`atomic_write_bytes` (and of copies made the same way):
#: ``.<name>.<8 random characters of mkstemp>.tmp``.
TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
#: A temporary file older than this was left by a killed write (a running write touches its file
#: all the time; a running copy of the app may be writing one right now, so younger ones stay).
TEMP_LEFTOVER_AGE_S = 60.0


class SymlinkLoopError(OSError):
    """A path runs into a loop of symbolic links (``Path.resolve`` says so with a RuntimeError,
    which no store expects): an ``OSError`` like any other filesystem failure."""


def resolve_path(path: Path) -> Path:
    """``path.resolve()``, with a symlink loop raised as :class:`SymlinkLoopError` (an OSError)."""
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python < 3.13: "Symlink loop from ..."
        raise SymlinkLoopError(
            errno.ELOOP, "a symbolic link loops back on itself", str(path)
        ) from None


def make_private_dirs(folder: Path) -> Path:
    """Create ``folder`` and its missing parents with mode 0o700, whatever the umask (folders that
    exist are left as they are). Returns ``folder``; raises ``OSError`` (a file in the way, a
    symlink loop, no permission)."""
    folder = Path(folder)
    missing: list[Path] = []
    current = folder
    while not os.path.isdir(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, NEW_FOLDER_MODE)
        except FileExistsError:
            if os.path.isdir(part):
                continue  # made by another thread or process meanwhile
            raise
        if sys.platform != "win32":
            os.chmod(part, NEW_FOLDER_MODE)  # the umask may have taken the owner's bits
    return folder


def _tighten(path: str | Path, info: os.stat_result | None = None) -> bool:
    """Take the group and other bits off ``path`` (not followed when a symlink); whether it was
    changed. Failures (not ours, gone) are ignored."""
    try:
        info = info or os.lstat(path)
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode) or not mode & SHARED_BITS:
            return False
        os.chmod(path, mode & ~SHARED_BITS)
        return True
    except OSError:
        return False


def private_database(path: Path) -> Path:
    """Before ``sqlite3.connect(path)``: create the file (empty, mode 0o600) when it is missing,
    and tighten it and its ``-wal``, ``-shm`` and ``-journal`` when they are wider. SQLite gives
    the files it adds the database's mode, so they are private too. Raises ``OSError``."""
    path = Path(path)
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), NEW_FILE_MODE)
    os.close(fd)
    if sys.platform != "win32":
        for name in (path, *(f"{path}{suffix}" for suffix in ("-wal", "-shm", "-journal"))):
            _tighten(name)
    return path


def repair_modes(folder: Path, *, skip: tuple[Path, ...] = (), files_only: bool = False) -> int:
    """Take the group and other bits off ``folder``, every folder and file under it (symlinks are
    neither changed nor followed; folders in ``skip``, such as a saved-requests folder the user
    chose, are not entered). With ``files_only``: the files directly in ``folder`` only. Never
    raises; returns how many were changed. A no-op on Windows."""
    if sys.platform == "win32" or not os.path.isdir(folder):
        return 0
    if files_only:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            return sum(_tighten(e.path) for e in entries if e.is_file(follow_symlinks=False))
        return 0
    skipped = {os.path.normcase(os.path.abspath(p)) for p in skip}
    try:
        changed = int(_tighten(folder, os.stat(folder)))  # the app's folder, even as a symlink
    except OSError:
        changed = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = [
            d
            for d in dirs
            if os.path.normcase(os.path.abspath(os.path.join(current, d))) not in skipped
        ]
        for name in (*dirs, *files):
            changed += _tighten(os.path.join(current, name))
    return changed


def sweep_temp_files(folder: Path, max_age: float = TEMP_LEFTOVER_AGE_S) -> int:
    """Remove the temporary files of killed atomic writes (:data:`TEMP_NAME`) under ``folder``,
    recursively (symlinks not followed), when not modified for ``max_age`` seconds. Never raises;
    returns how many were removed."""
    removed = 0
    cutoff = time.time() - max_age
    for current, _dirs, files in os.walk(folder):
        for name in files:
            if not TEMP_NAME.match(name):
                continue
            path = os.path.join(current, name)
            try:
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode) and info.st_mtime <= cutoff:
                    os.unlink(path)
                    removed += 1
            except OSError:
                pass
    return removed


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable where the OS allows it (not on Windows; ignored when refused)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(src: str, dst: Path) -> None:
    """``os.replace``; on Windows retried briefly while a scanner holds the target open."""
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once: readers see the old file or the new, never half.

    A temporary file in the same folder is written, flushed, fsynced and renamed over ``path``; then
    the folder is fsynced. Missing parent folders are created with mode 0o700 (whatever the umask).
    A new file gets mode 0o600; a replaced file keeps its mode. A symlink is followed (its target is
    replaced, the link kept). On any failure the temporary file is removed and the old file is left
    as it was. Every failure is an ``OSError`` (a symlink loop: :class:`SymlinkLoopError`).
    """
    path = Path(path)
    if path.is_symlink():
        path = resolve_path(path)
    folder = path.parent
    make_private_dirs(folder)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode != NEW_FILE_MODE:
            os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def dump_json(obj: Any) -> bytes:
    """The bytes :func:`atomic_write_json` writes: UTF-8, indent 2, sorted keys, final newline.

    Raises ``ValueError`` (before anything is written) for NaN/infinity or unencodable text.
    """
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"cannot be written as UTF-8: {exc.reason}") from None


def atomic_write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as readable JSON (see :func:`dump_json`), atomically."""
    atomic_write_bytes(path, dump_json(obj))


def _aside_names(path: Path):
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}.corrupt-{stamp}"
    yield path.with_name(base)
    for counter in range(2, 10_000):
        yield path.with_name(f"{base}-{counter}")


def move_aside(path: Path) -> Path:
    """Rename ``path`` to ``<name>.corrupt-<YYYYmmdd-HHMMSS>`` (UTC; ``-2``, ``-3``… when taken).

    Returns the new path. Raises ``OSError`` when the rename fails.
    """
    path = Path(path)
    for target in _aside_names(path):
        if target.exists() or target.is_symlink():
            continue
        try:
            os.rename(path, target)  # Windows refuses to overwrite; POSIX checked above
        except FileExistsError:
            continue
        _fsync_folder(path.parent)
        return target
    raise FileExistsError(f"no free name to move {path} aside")


def copy_aside(path: Path) -> Path:
    """Copy ``path`` to a free ``<name>.corrupt-<stamp>`` name (as :func:`move_aside` names it),
    mode 0o600, and return it: the original stays. Raises ``OSError`` on failure."""
    path = Path(path)
    data = path.read_bytes()
    for target in _aside_names(path):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return target
    raise FileExistsError(f"no free name to copy {path} aside")


class ReadStatus(enum.Enum):
    MISSING = "missing"
    OK = "ok"
    NEWER = "newer"  # written by a newer version: read it, but do not write it back
    CORRUPT = "corrupt"  # moved aside (see ``moved_to``), or could not be (``moved_to`` None)
    UNREADABLE = "unreadable"  # an OSError (permissions, a folder in the way): left where it is


@dataclass(frozen=True)
class VersionedRead:
    """What :func:`read_versioned_json` found. ``message`` is one line for the user."""

    status: ReadStatus
    path: Path
    data: dict[str, Any] | None = None
    version: int | None = None
    reason: str | None = None
    moved_to: Path | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is ReadStatus.OK


def json_error_reason(exc: json.JSONDecodeError) -> str:
    """``line 3, column 5: Expecting ',' delimiter``."""
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"


def decode_json_bytes(raw: bytes) -> tuple[Any, str | None]:
    """Parse UTF-8 JSON bytes (a BOM is allowed). Returns (value, None) or (None, reason)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
    try:
        return json.loads(text, parse_constant=_reject_constant), None
    except json.JSONDecodeError as exc:
        return None, json_error_reason(exc)
    except ValueError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "nested too deeply"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_limited(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit``. Only regular files are opened
    (a FIFO would block for ever); anything else raises ``OSError``."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(0, "it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, "it is not a regular file")
    with open(path, "rb") as handle:
        raw = handle.read(limit + 1)
    return None if len(raw) > limit else raw


def type_name(value: Any) -> str:
    """How a message names a JSON value's type: text, a number, a list…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def read_versioned_json(
    path: Path, *, kind: str, current_version: int, max_bytes: int = MAX_JSON_BYTES
) -> VersionedRead:
    """Read ``{"kind": kind, "schemaVersion": n, ...}`` from ``path``. Never raises.

    Older or current versions come back OK (migrating is the caller's job); a newer one comes back
    NEWER, to be shown read-only. Bad JSON, bad UTF-8, a file too big, a top level that is not an
    object, another ``kind`` or a missing/invalid ``schemaVersion`` make it CORRUPT: it is moved
    aside. An OSError (unreadable file, a folder in the way) gives UNREADABLE and moves nothing.
    """
    path = Path(path)
    try:
        raw = read_limited(path, max_bytes)
    except FileNotFoundError:
        return VersionedRead(ReadStatus.MISSING, path)
    except OSError as exc:
        why = exc.strerror or str(exc)
        return VersionedRead(
            ReadStatus.UNREADABLE,
            path,
            reason=why,
            message=f"{path} could not be read ({why}); it was left as it is.",
        )
    if raw is None:
        return corrupt(path, f"larger than {max_bytes // (1024 * 1024)} MB")
    value, reason = decode_json_bytes(raw)
    if reason is not None:
        return corrupt(path, reason)
    described = kind.replace("-", " ")
    if not isinstance(value, dict) or value.get("kind") != kind:
        return corrupt(path, f"not a {described} file")
    version = value.get("schemaVersion")
    if "schemaVersion" not in value:
        return corrupt(path, "schemaVersion is missing")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        found = str(version) if type(version) is int else type_name(version)
        return corrupt(path, f"schemaVersion should be a whole number from 1 up, not {found}")
    if version > current_version:
        return VersionedRead(
            ReadStatus.NEWER,
            path,
            data=value,
            version=version,
            message=(
                f"{path} was written by a newer shipexplorer (schema version {version}; this "
                f"version knows {current_version}). It is shown read-only: changes are not saved."
            ),
        )
    return VersionedRead(ReadStatus.OK, path, data=value, version=version)


def corrupt(path: Path, reason: str) -> VersionedRead:
    """Move a corrupt ``path`` aside and say so (or say that it could not be moved)."""
    try:
        moved = move_aside(path)
    except OSError as exc:
        return VersionedRead(
            ReadStatus.CORRUPT,
            path,
            reason=reason,
            message=(
                f"{path} is damaged ({reason}) and could not be moved aside "
                f"({exc.strerror or exc}); it was left as it is."
            ),
        )
    return VersionedRead(
        ReadStatus.CORRUPT,
        path,
        reason=reason,
        moved_to=moved,
        message=f"{path} is damaged ({reason}); it was moved aside to {moved.name}.",
    )
