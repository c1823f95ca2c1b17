"""A fresh workspace with an instance of the emulator's ``agent`` package (no Qt): shared by the
emulator's and the services' tests of agent answers."""

from __future__ import annotations

import uuid

from shipexplorer.api import ConnectionSettings, SteamshipClient


def agent_client(emulator) -> tuple[ConnectionSettings, SteamshipClient]:
    """Settings for a new workspace holding agent instance ``a``, and an open client on it (the
    caller closes it)."""
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = emulator.settings(workspace, api_key="demo-key")
    client = SteamshipClient(settings)
    client.workspace_create(workspace)
    client.instance_create("agent", "a")
    return settings, client
