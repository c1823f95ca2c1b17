"""File-mode helpers of the storage tests: a umask for a block, modes, what others may use."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def shared(root: Path, *, itself: bool = True) -> list[str]:
    """Every folder and file under ``root`` (and ``root`` itself, unless not ``itself``) that
    group or others may use, as "path mode" lines."""
    paths = (root, *root.rglob("*")) if itself else tuple(root.rglob("*"))
    found = [p for p in paths if not p.is_symlink() and mode(p) & 0o077]
    return [f"{p.relative_to(root)} {oct(mode(p))}" for p in found]
