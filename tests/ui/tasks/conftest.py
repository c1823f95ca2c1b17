"""Fixtures of the task widgets' tests: a panel over a real tracker and the emulator."""

from __future__ import annotations

import uuid

import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.tasks.task_panel import TaskPanel
from tests.service_support import profile_services


@pytest.fixture
def live(qtbot, worker_pool, emulator, tmp_path):
    """A panel over a real TaskTracker, a RequestRunner and a slow-job instance "job"."""
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key="demo-key")) as api:
        api.workspace_create(workspace)
        api.instance_create("slow-job", "job")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    runner = RequestRunner(clients, worker_pool)
    profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")
    tracker = TaskTracker(
        clients, worker_pool, tmp_path / "tasks.json", min_interval=0.1, max_interval=0.3
    )
    tracker.start()
    panel = TaskPanel(tracker, lambda _task: clients.settings())
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    yield panel, tracker, runner
    tracker.shutdown()
    runner.cancel_all()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()
