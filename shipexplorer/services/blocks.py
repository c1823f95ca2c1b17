"""Block contents for the response viewer: fetched with ``block/raw`` on the worker pool.

:class:`BlockFetcher` brings one block's bytes through the client of the connection it is given
(the answer's own profile and workspace), at most :data:`MAX_BLOCK_BYTES` of them: a bigger body
is cut off as it arrives, never held. A newer fetch for the same view cancels the older one (the
pool's job key), and a cancelled fetch aborts its HTTP exchange at once. An image is decoded on the
worker. The fetcher also saves a content to a file and writes a temporary copy for the system's
player (in the cache folder's ``blocks/``; the copies are deleted when the fetcher goes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage

from shipexplorer.core.documents.answer import format_size
from shipexplorer.core.documents.blocks import (
    IMAGE,
    Block,
    BlockContent,
    block_content,
    inline_content,
    suffix_for,
)
from shipexplorer.core.storage import atomic_write_bytes, make_private_dirs
from shipexplorer.services import paths

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.api.cancel import CancelToken
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.workers import JobHandle, WorkerPool

#: The largest block content fetched (bytes); a bigger one is refused as it arrives.
MAX_BLOCK_BYTES = 50 * 1024 * 1024

ErrorCallback = Callable[[str], None]


class BlockTooLarge(Exception):
    """The block's content is larger than the fetcher's limit (the download was stopped)."""


def _sentence(exc: BaseException) -> str:
    from shipexplorer.api.errors import ApiError, describe

    if isinstance(exc, BlockTooLarge):
        return str(exc)
    if isinstance(exc, ApiError):
        return f"Could not fetch the block: {' '.join(describe(exc).split())}"
    return f"Could not fetch the block: {exc or type(exc).__name__}."


def _delete(files: list[str]) -> None:
    for name in files:
        with contextlib.suppress(OSError):
            os.unlink(name)
    files.clear()


class BlockFetcher(QObject):
    """Fetches, saves and opens block contents on the pool (see the module docstring)."""

    def __init__(
        self,
        clients: ClientProvider,
        pool: WorkerPool,
        parent: QObject | None = None,
        *,
        max_bytes: int = MAX_BLOCK_BYTES,
        temp_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self._pool = pool
        self.max_bytes = max_bytes
        self._temp_folder = temp_folder
        self._copies: list[str] = []
        self._finalizer = weakref.finalize(self, _delete, self._copies)

    def fetch(
        self,
        settings: ConnectionSettings | None,
        block: Block,
        on_done: Callable[[BlockContent], None],
        on_error: ErrorCallback,
        *,
        key: str | None = None,
    ) -> JobHandle | None:
        """Bring ``block``'s content: its own text at once (None returned), else ``block/raw``
        on the pool through ``settings``. ``key`` names the asker: its older fetch is cancelled."""
        inline = inline_content(block)
        if inline is not None:
            on_done(inline)
            return None
        if not block.block_id:
            on_error(
                "This block has no id, so its content cannot be fetched with block/raw"
                + (" (its content is at the address in contentURL)." if block.content_url else ".")
            )
            return None
        if settings is None or not settings.api_key:
            on_error("No connection with an API key to fetch the block with: check the profile.")
            return None
        clients, limit, block_id = self._clients, self.max_bytes, str(block.block_id)

        def job(token: CancelToken, _progress: Any) -> BlockContent:
            def bounded(received: int, total: int | None) -> None:
                if received > limit or (total is not None and total > limit):
                    raise BlockTooLarge(
                        f"The block's content is over {format_size(limit)}, more than is "
                        "fetched to show here: it was not fetched."
                    )

            result = clients.client_for(settings).block_raw(
                block_id, cancel=token, on_progress=bounded
            )
            data = result.value
            content = block_content(
                data.value if data else b"", data.mime_type if data else None, block
            )
            if content.kind == IMAGE:
                image = QImage.fromData(content.data)
                content = dataclasses.replace(content, image=None if image.isNull() else image)
            return content

        return self._pool.submit(
            job,
            on_result=on_done,
            on_error=lambda exc: on_error(_sentence(exc)),
            key=key,
        )

    def save(
        self,
        content: BlockContent,
        path: str,
        on_done: Callable[[str], None],
        on_error: ErrorCallback,
    ) -> JobHandle:
        """Write the content's bytes to ``path`` atomically, on the pool."""
        data = content.data
        return self._pool.submit(
            lambda token, _progress: atomic_write_bytes(Path(path), data),
            on_result=lambda _: on_done(path),
            on_error=lambda exc: on_error(f"Could not save {path}: {exc}"),
        )

    def temporary_copy(
        self,
        content: BlockContent,
        name: str,
        on_done: Callable[[str], None],
        on_error: ErrorCallback,
    ) -> JobHandle:
        """Write the content to a private temporary file named after ``name`` (with the suffix
        of its type), on the pool; ``on_done`` gets its path (for the system's player)."""
        folder = self._temp_folder or paths.app_paths().cache / "blocks"
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:60] or "block"
        target = folder / f"{safe}{suffix_for(content.mime_type)}"
        data = content.data

        def write(token: CancelToken, _progress: Any) -> str:
            make_private_dirs(folder)
            atomic_write_bytes(target, data)
            return str(target)

        def written(path: str) -> None:
            if path not in self._copies:
                self._copies.append(path)
            on_done(path)

        return self._pool.submit(
            write,
            on_result=written,
            on_error=lambda exc: on_error(f"Could not write a copy to play: {exc}"),
        )

    def close(self) -> None:
        """Delete the temporary copies written so far."""
        _delete(self._copies)


__all__ = ["MAX_BLOCK_BYTES", "BlockFetcher", "BlockTooLarge"]
