"""What the demo mode tests share: a demo mode over its own workspace of a running emulator."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.exports import ExportService
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.presentation.presentation_mode import PresentationMode
from tests.service_support import profile_services


@dataclass
class DemoRig:
    """A shown demo mode and the services under it; ``close()`` stops them."""

    mode: PresentationMode
    saved: SavedRequests
    runner: RequestRunner
    tracker: TaskTracker
    clients: ClientProvider

    def close(self, qtbot, worker_pool) -> None:
        self.tracker.shutdown()
        self.runner.cancel_all()
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        self.clients.close()


def demo_rig(qtbot, worker_pool, tmp_path, emu, key: str, made, size) -> DemoRig:
    """A demo mode over a fresh workspace of ``emu`` holding the ``(package, handle)`` instances
    in ``made``, with ``key`` as the built-in profile's key, shown at ``size``."""
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emu.api_base, app_base=emu.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key=key)) as api:
        api.workspace_create(workspace)
        for package, handle in made:
            api.instance_create(package, handle)
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool)
    tracker = TaskTracker(
        clients, worker_pool, tmp_path / "tasks.json", min_interval=0.1, max_interval=0.3
    )
    tracker.start()
    saved = SavedRequests(folder=tmp_path / "saved")
    saved.rescan()
    profiles.add_builtin(Profile("emu", settings, builtin=True), key)
    mode = PresentationMode(
        explorer,
        runner,
        tracker,
        saved,
        DocumentQueries(worker_pool),
        exports=ExportService(clients),
    )
    qtbot.addWidget(mode)
    mode.resize(*size)
    mode.show()
    qtbot.waitUntil(lambda: len(explorer.instances()) == len(made), timeout=5000)
    return DemoRig(mode, saved, runner, tracker, clients)
