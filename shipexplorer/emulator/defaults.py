"""What the emulator's users need without loading the server: the demo key, the default port,
and how a running emulator is addressed and used in a ``with`` block (:class:`Served`, shared by
the in-process :class:`~.emulator.Emulator` and the child process :class:`~.child.EmulatorProcess`).

A module of its own, importing next to nothing, so that the window's process (which runs the
``--local`` emulator in a child process) can name the demo key without loading the server.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from shipexplorer.api.settings import ConnectionSettings

DEMO_API_KEY = "demo-key"
DEFAULT_PORT = 8765


class Served:
    """An emulator on 127.0.0.1: its addresses from ``port``, and ``with`` starting and
    stopping it (subclasses give ``port``, ``start`` and ``stop``)."""

    port: int

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}api/v1/"

    @property
    def app_base(self) -> str:
        return f"{self.base_url}_apps/"

    def settings(self, workspace: str | None = None, **changes: Any) -> ConnectionSettings:
        """Connection settings for this emulator and ``workspace`` (no key unless ``api_key``
        is among ``changes``, which override any field)."""
        from shipexplorer.api.settings import ConnectionSettings

        values = {"api_base": self.api_base, "app_base": self.app_base}
        return ConnectionSettings(**{**values, "workspace_handle": workspace, **changes})


__all__ = ["DEFAULT_PORT", "DEMO_API_KEY", "Served"]
