""" "Test connection": who the key belongs to, and which workspace the settings select."""

from __future__ import annotations

from dataclasses import dataclass

from .client import SteamshipClient
from .settings import ConnectionSettings
from .transport import CancelToken


@dataclass(frozen=True)
class ConnectionReport:
    """What a successful connection test found."""

    user_handle: str | None
    workspace_handle: str | None
    workspace_id: str | None

    def summary(self) -> str:
        user = self.user_handle or "an unnamed user"
        workspace = self.workspace_handle or "(unnamed)"
        return f"Connected as {user}; workspace {workspace}"


def check_connection(
    settings: ConnectionSettings, *, cancel: CancelToken | None = None
) -> ConnectionReport:
    """``account/current`` then ``workspace/get`` for the settings' workspace (the default one
    when none is set). Raises the API layer's typed errors."""
    with SteamshipClient(settings) as client:
        user = client.account_current(cancel=cancel).value
        workspace = client.workspace_get(
            id=settings.workspace_id,
            handle=None if settings.workspace_id else settings.workspace_handle,
            cancel=cancel,
        ).value
    return ConnectionReport(
        user_handle=user.handle if user else None,
        workspace_handle=workspace.handle if workspace else None,
        workspace_id=workspace.id if workspace else None,
    )
