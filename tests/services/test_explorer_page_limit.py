"""Lists that go on past the explorer's page limit say that only the first ones are listed."""

from __future__ import annotations

import json

import httpx
import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.profiles import Profile
from shipexplorer.services import explorer as explorer_module
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.explorer import INSTANCES, WORKSPACES, Explorer
from tests.service_support import profile_services

SETTINGS = ConnectionSettings(
    api_base="https://api.example.test/api/v1/",
    app_base="https://example.run/",
    workspace_handle="ws",
    max_retries=0,
)


def endless(request: httpx.Request) -> httpx.Response:
    """A server whose workspace and instance lists never end: two items a page, always a next."""
    body = json.loads(request.content or b"{}")
    page = int(body.get("pageToken") or 0)
    if request.url.path.endswith("workspace/list"):
        items = [{"id": f"w{page}-{i}", "handle": f"ws-{page}-{i}"} for i in range(2)]
        data = {"workspaces": items, "nextPageToken": str(page + 1)}
    else:
        items = [
            {"id": f"i{page}-{i}", "handle": f"inst-{page}-{i}", "workspaceHandle": "ws"}
            for i in range(2)
        ]
        data = {"packageInstances": items, "nextPageToken": str(page + 1)}
    return httpx.Response(
        200,
        headers={"Content-Type": "application/json"},
        content=iter([json.dumps({"data": data}).encode()]),
    )


class MockClients(ClientProvider):
    def client_for(self, settings: ConnectionSettings) -> SteamshipClient:
        return SteamshipClient(settings, transport=httpx.MockTransport(endless))


@pytest.fixture
def explorer(qtbot, worker_pool, tmp_path, monkeypatch):
    monkeypatch.setattr(explorer_module, "MAX_PAGES", 3)
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = MockClients(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    errors: dict[str, str] = {}
    explorer.errorChanged.connect(errors.__setitem__)
    profiles.add_builtin(Profile("mock", SETTINGS, builtin=True), "k")
    explorer.start()
    yield explorer, errors
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)


def test_lists_past_the_page_limit_say_so(qtbot, explorer):
    explorer, errors = explorer
    qtbot.waitUntil(lambda: len(explorer.instances()) == 6, timeout=5000)
    qtbot.waitUntil(lambda: len(explorer.workspaces()) == 6, timeout=5000)
    qtbot.waitUntil(
        lambda: bool(errors.get(INSTANCES)) and bool(errors.get(WORKSPACES)), timeout=5000
    )
    assert explorer.error(INSTANCES) == "Only the first 6 instances are listed."
    assert explorer.error(WORKSPACES) == "Only the first 6 workspaces are listed."
