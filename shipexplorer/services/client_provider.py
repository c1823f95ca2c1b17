"""The API client for the selected profile and workspace, made on first use on a worker thread.

Building an ``httpx.Client`` loads the TLS trust store (tens of milliseconds), so :meth:`client` is
meant to be called inside pool jobs, never on the GUI thread. Clients are cached per settings and
all closed at shutdown, so a job still using an older one is never cut off by a profile switch.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.api import ConnectionSettings
from shipexplorer.services.credentials import CredentialService
from shipexplorer.services.profile_service import ProfileService

if TYPE_CHECKING:
    from shipexplorer.api import SteamshipClient


class ClientProvider(QObject):
    """Which Steamship connection requests use now.

    Signals:
        changed(): the profile, its key or the workspace changed; views reload what they show.
    """

    changed = Signal()

    def __init__(
        self,
        profiles: ProfileService,
        credentials: CredentialService,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._profiles = profiles
        self._credentials = credentials
        self._workspace: tuple[str | None, str | None] | None = None  # (handle, id) override
        self._lock = threading.Lock()
        self._clients: dict[ConnectionSettings, SteamshipClient] = {}
        profiles.currentChanged.connect(self._profile_changed)
        credentials.keyLoaded.connect(self._key_changed)
        credentials.keySaved.connect(self._key_changed)
        credentials.keyForgotten.connect(self._key_changed)

    def settings(self) -> ConnectionSettings | None:
        """The current profile's settings with its key and the chosen workspace (GUI thread)."""
        settings = self._profiles.current_settings()
        if settings is None:
            return None
        if self._workspace is not None:
            handle, id_ = self._workspace
            settings = settings.replace(workspace_handle=handle, workspace_id=id_)
        return settings

    def has_key(self) -> bool:
        settings = self.settings()
        return bool(settings and settings.api_key)

    def set_workspace(self, handle: str | None, id: str | None = None) -> None:
        """Use another workspace than the profile's (until the profile changes)."""
        if self._workspace != (handle, id):
            self._workspace = (handle, id)
            self.changed.emit()

    @property
    def workspace_handle(self) -> str | None:
        settings = self.settings()
        return settings.workspace_handle if settings else None

    def client_for(self, settings: ConnectionSettings) -> SteamshipClient:
        """A client for ``settings`` (any thread; meant for pool jobs)."""
        from shipexplorer.api import SteamshipClient  # httpx loads here, on a worker

        with self._lock:
            client = self._clients.get(settings)
            if client is None:
                client = SteamshipClient(settings)
                self._clients[settings] = client
            return client

    def close(self) -> None:
        """Close every client made (at shutdown, after the pool stopped)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    @Slot(str)
    def _profile_changed(self, _name: str) -> None:
        self._workspace = None
        self.changed.emit()

    @Slot(str)
    def _key_changed(self, name: str, *_: object) -> None:
        current = self._profiles.current()
        if current is not None and current.name == name:
            self.changed.emit()
