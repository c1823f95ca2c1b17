"""The history's spilled bodies: response bodies over the in-row cap, kept as gzip files in a
folder beside the database under a size budget. No Qt.

:func:`spill_body` redacts and compresses one body (the row keeps its first ``body_cap`` bytes),
:func:`prune_bodies` drops the oldest spilled bodies until the total fits the budget (inside the
caller's write transaction), :func:`read_spilled` inflates one back and :func:`unlink_bodies`
deletes files once their rows are committed. :func:`read_head` reads the start of an answer that
was spooled to a file while it arrived (what history keeps of it). Work is done in chunks with a
pause between them, so a big body never holds the GIL for long.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import uuid
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from shipexplorer.api.redact import redact
from shipexplorer.core.history_records import redact_chunks
from shipexplorer.core.storage import NEW_FILE_MODE, make_private_dirs

PRUNED_NOTE = "only the first megabyte kept: the whole body was pruned to fit the budget"
#: what :class:`IncompleteBody` says; a note holding it marks a body read back incomplete
INCOMPLETE = "its stored copy is incomplete: the file was cut short"


class IncompleteBody(zlib.error):
    """A spilled file ends before its gzip stream does (cut short by a crash, a full disk, a
    copy): what it holds is not the whole body. ``partial`` is what could be inflated."""

    def __init__(self, partial: bytearray) -> None:
        super().__init__(INCOMPLETE)
        self.partial = partial


def is_incomplete_note(note: str | None) -> bool:
    """True when a history entry's body note says its spilled body was read back incomplete."""
    return bool(note) and INCOMPLETE in note


class StoredBody(NamedTuple):
    """What a row keeps of a response body: its (redacted) first bytes, and the spilled file."""

    preview: bytes
    file: str | None = None  # the gzip file's name in the bodies folder
    file_size: int = 0
    note: str | None = None  # why the whole body was not kept, in words


def spill_body(
    body: bytes, secrets: tuple[str, ...], *, folder: Path, body_cap: int, budget: int
) -> StoredBody:
    """``body`` redacted: whole in the row up to ``body_cap`` bytes, else compressed into a new
    file in ``folder`` (dropped with a note when it alone is over ``budget``). Big bodies are
    compressed in chunks (zlib releases the GIL; a pause between chunks lets the GUI thread run)."""
    if len(body) <= body_cap:
        return StoredBody(redact(body, secrets))
    preview = bytearray()
    name = f"{uuid.uuid4().hex}.gz"
    target = folder / name
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing
    try:
        make_private_dirs(folder)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(target, flags, NEW_FILE_MODE), "wb") as out:  # 0o600
            for chunk in redact_chunks(body, secrets):
                if len(preview) < body_cap:
                    preview += chunk[: body_cap - len(preview)]
                out.write(packer.compress(chunk))
                if out.tell() > budget:
                    break
                time.sleep(0)
            else:
                out.write(packer.flush())
            size = out.tell()
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        return StoredBody(bytes(preview), note=f"the whole body could not be kept ({exc})")
    if size > budget:
        target.unlink()
        megabytes = budget / (1024 * 1024)
        note = f"only the first {body_cap:,} bytes kept: the whole body is over the "
        return StoredBody(bytes(preview), note=note + f"history budget ({megabytes:.0f} MB)")
    return StoredBody(bytes(preview), name, size)


def prune_bodies(db: sqlite3.Connection, budget: int, keep: int) -> list[str]:
    """Drop the oldest spilled bodies (never entry ``keep``) until the total fits ``budget``;
    returns their files, to delete once the transaction is committed."""
    total = db.execute("SELECT coalesce(sum(body_file_size), 0) FROM entries").fetchone()[0]
    pruned: list[str] = []
    if total <= budget:
        return pruned
    rows = db.execute(
        "SELECT id, body_file, body_file_size FROM entries WHERE body_file IS NOT NULL "
        "AND id != ? ORDER BY time, id",
        (keep,),
    )
    for entry_id, name, size in rows.fetchall():
        if total <= budget:
            break
        db.execute(
            "UPDATE entries SET body_file=NULL, body_file_size=0, body_note=? WHERE id=?",
            (PRUNED_NOTE, entry_id),
        )
        pruned.append(name)
        total -= size
    return pruned


def unlink_bodies(folder: Path, names: Sequence[str]) -> None:
    """Delete spilled files (one already gone is no error)."""
    for name in names:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def read_head(path: str | Path, limit: int) -> bytes:
    """The first ``limit`` bytes of a file (``b""`` when it cannot be read: it may be gone)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(max(0, limit))
    except OSError:
        return b""


def read_spilled(path: Path, size: int | None = None) -> bytearray:
    """The whole body, inflated a megabyte at a time (each step short work for the GIL).

    Raises :class:`IncompleteBody` (a ``zlib.error``) when the file is not all there: it ends
    before the gzip stream's end (whose trailer zlib checks against the data), or it is shorter
    than ``size``, the file size recorded when it was written. Other damage raises
    ``zlib.error``; a missing file ``OSError``."""
    unpacker = zlib.decompressobj(31)
    out = bytearray()
    read = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 16):
            read += len(chunk)
            while chunk:
                out += unpacker.decompress(chunk, 1 << 20)
                chunk = unpacker.unconsumed_tail
                time.sleep(0)
    out += unpacker.flush()
    if not unpacker.eof or (size is not None and read < size):
        raise IncompleteBody(out)
    return out  # a bytearray: copying 100 MB into bytes would hold the GIL for long
