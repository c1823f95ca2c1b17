"""Safe files for every store: atomic writes, versioned JSON, corrupt files moved aside.

Pure Python (no Qt). A reader never raises on bad content: it reports what was wrong, in one line
that names the file, and moves a corrupt file aside so the user keeps it and the app goes on.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
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
    the folder is fsynced. Parent folders are created (mode 0o700). A new file gets mode 0o600; a
    replaced file keeps its mode. A symlink is followed (its target is replaced, the link kept). On
    any failure the temporary file is removed and the old file is left as it was.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=NEW_FOLDER_MODE)
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
