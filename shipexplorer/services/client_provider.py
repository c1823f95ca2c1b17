"""The API client for the selected profile and workspace, made on first use on a worker thread.

Building an ``httpx.Client`` loads the TLS trust store (tens of milliseconds), so :meth:`client` is
meant to be called inside pool jobs, never on the GUI thread. Clients are cached per settings and
all closed at shutdown, so a job still using an older one is never cut off by a profile switch.

Listeners added with :meth:`ClientProvider.add_exchange_listener` see every finished exchange of
every client made here (history, the task tracker), on the worker thread that made it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from shipexplorer.api import ConnectionSettings
from shipexplorer.services.credentials import CredentialService
from shipexplorer.services.profile_service import ProfileService

if TYPE_CHECKING:
    from shipexplorer.api import Exchange, SteamshipClient

log = logging.getLogger(__name__)

#: ``fn(exchange, settings, profile_name)``, called on the worker thread that sent the exchange.
ExchangeListener = Callable[["Exchange", ConnectionSettings, "str | None"], None]


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
        self._listeners: list[ExchangeListener] = []
        self._names: dict[ConnectionSettings, str] = {}
        self._keys_asked: set[str] = set()
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
        profile = self._profiles.current()
        if profile is not None:
            self._names[settings] = profile.name
        return settings

    def settings_for(
        self, profile: str | None, workspace: str | None = None
    ) -> ConnectionSettings | None:
        """The settings of profile ``profile`` (None: the current one) with its key (when loaded)
        and workspace ``workspace`` (None: the one the profile or the explorer uses). A request
        tab sends with these, so it keeps its own target whatever the window has selected now."""
        current = self._profiles.current()
        if profile is None or (current is not None and current.name == profile):
            settings = self.settings()
            if settings is None or not workspace or workspace == settings.workspace_handle:
                return settings
            settings = settings.replace(workspace_handle=workspace, workspace_id=None)
            self._names[settings] = current.name if current else ""
            return settings
        chosen = self._profiles.profile(profile)
        if chosen is None:
            return None
        settings = chosen.connection(self._credentials.key_for(profile))
        if workspace and workspace != settings.workspace_handle:
            settings = settings.replace(workspace_handle=workspace, workspace_id=None)
        self._names[settings] = profile
        return settings

    def current_profile(self) -> str | None:
        """The name of the selected profile (None: none yet)."""
        profile = self._profiles.current()
        return profile.name if profile else None

    def ensure_key(self, profile: str | None) -> None:
        """Start loading ``profile``'s key from the keyring unless it is there already."""
        if not profile or profile in self._keys_asked or self._profiles.profile(profile) is None:
            return
        if not self._credentials.has_key(profile):
            self._keys_asked.add(profile)  # once: a missing key is not asked for again
            self._credentials.load_key(profile)

    @property
    def profiles(self) -> ProfileService:
        return self._profiles

    @property
    def credentials(self) -> CredentialService:
        return self._credentials

    def profile_name_for(self, settings: ConnectionSettings) -> str | None:
        """The name of the profile ``settings`` came from (any thread)."""
        return self._names.get(settings)

    def add_exchange_listener(self, listener: ExchangeListener) -> None:
        """Call ``listener`` with every finished exchange (on the worker that sent it)."""
        self._listeners.append(listener)

    def _exchanged(self, exchange: Exchange, settings: ConnectionSettings) -> None:
        name = self._names.get(settings)
        for listener in list(self._listeners):
            try:
                listener(exchange, settings, name)
            except Exception:  # a listener's bug must not fail the request
                log.exception("exchange listener %r failed", listener)

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
                client = SteamshipClient(
                    settings, on_exchange=lambda ex, s=settings: self._exchanged(ex, s)
                )
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
