"""Fixtures for the explorer window: a window on the session emulator, in a workspace of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from shipexplorer.api import ConnectionSettings, PackageInstance, SteamshipClient
from shipexplorer.core.profiles import Profile
from shipexplorer.core.window_state import WindowStateStore
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.exports import ExportService
from shipexplorer.services.profile_service import ProfileService
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.main_window import MainWindow
from tests.service_support import profile_services


@dataclass
class ExplorerSetup:
    window: MainWindow
    explorer: Explorer
    runner: RequestRunner
    clients: ClientProvider
    profiles: ProfileService
    api: SteamshipClient
    workspace: str
    state_path: object
    docks: object = None  # DockServices when built with docks=True

    def instance(self, package: str, handle: str | None = None, **config) -> PackageInstance:
        """Create an instance in the test's workspace through the API."""
        return self.api.instance_create(package, handle or package, config=config or None).value


@pytest.fixture
def app_theme(qapp, tmp_path):
    """The app's theme (palette and style sheet) installed over a preference service, as the
    window has it; the app's look restored afterwards. Yields (theme, preferences)."""
    from PySide6.QtWidgets import QApplication

    from shipexplorer.services.preferences import PreferenceService
    from shipexplorer.ui.style import icons, theme

    palette, sheet = QApplication.palette(), qapp.styleSheet()
    prefs = PreferenceService(None, tmp_path / "preferences.json")
    prefs.load()
    prefs.update = lambda chosen: (setattr(prefs, "current", chosen), prefs.changed.emit(chosen))
    installed = theme.install(qapp, prefs)
    yield installed, prefs
    installed.setParent(None)
    installed.deleteLater()
    theme._theme = None
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    icons.clear_cache()


def settings_for(emu, workspace: str | None = None, **changes) -> ConnectionSettings:
    return emu.settings(workspace, **changes)


@pytest.fixture
def make_explorer(qtbot, worker_pool, emulator, tmp_path):
    """``make(**settings_changes)``: a shown explorer window over a fresh workspace."""
    made: list[ExplorerSetup] = []
    apis: list[SteamshipClient] = []

    def make(
        *,
        state_path=None,
        instances=(),
        catalog=False,
        emu=None,
        key="demo-key",
        docks=False,
        **changes,
    ) -> ExplorerSetup:
        emu = emu or emulator
        workspace = f"ws-{uuid.uuid4().hex[:8]}"
        api = SteamshipClient(settings_for(emu, workspace, api_key=key))
        if "api_base" in changes:  # a server of the test's own: no workspace made here
            instances = ()
        else:
            api.workspace_create(workspace)
        apis.append(api)
        for package, handle, config in instances:
            api.instance_create(package, handle, config=config)
        credentials, profiles = profile_services(
            worker_pool, tmp_path, file=f"profiles-{len(made)}.json"
        )
        clients = ClientProvider(profiles, credentials)
        explorer = Explorer(clients, worker_pool)
        runner = RequestRunner(clients, worker_pool)
        state_path = state_path or tmp_path / "window-state.json"
        if catalog:
            from shipexplorer.services.catalog import PackageCatalog

            catalog = PackageCatalog(clients, worker_pool)
        queries = DocumentQueries(worker_pool)
        dock_services = (
            _dock_services(clients, runner, worker_pool, queries, tmp_path, len(made))
            if docks
            else None
        )
        window = MainWindow(
            profiles,
            credentials,
            explorer=explorer,
            runner=runner,
            catalog=catalog or None,
            state_store=WindowStateStore(state_path),
            queries=queries,
            docks=dock_services,
            exports=ExportService(clients),
        )
        if docks:
            dock_services.history.start()
            dock_services.tracker.start()
        qtbot.addWidget(window)
        window.show()
        profile = Profile("Emulator", settings_for(emu, workspace, **changes), builtin=True)
        profiles.add_builtin(profile, key)
        setup = ExplorerSetup(
            window,
            explorer,
            runner,
            clients,
            profiles,
            api,
            workspace,
            state_path,
            dock_services,
        )
        made.append(setup)
        return setup

    yield make
    for setup in made:
        setup.runner.cancel_all()
        if setup.docks is not None:
            setup.docks.tracker.shutdown()
            setup.docks.drafts.close()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    for setup in made:
        if setup.docks is not None:
            setup.docks.history.shutdown()
        setup.clients.close()
    for api in apis:
        api.close()


def _dock_services(clients, runner, pool, queries, folder, n: int):
    """Tracker, history, saved requests and drafts in the test's folder (``n`` keeps windows of
    one test apart)."""
    from shipexplorer.app import _apply_preferences
    from shipexplorer.services.drafts import DraftStore
    from shipexplorer.services.history import HistoryService
    from shipexplorer.services.preferences import PreferenceService
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.task_tracker import TaskTracker
    from shipexplorer.ui.window_docks import DockServices

    tracker = TaskTracker(clients, pool, folder / f"tasks-{n}.json")
    runner.finished.connect(tracker.link_request)
    history = HistoryService(pool, clients, folder / f"history-{n}.sqlite3")
    preferences = PreferenceService(pool, folder / f"preferences-{n}.json")
    _apply_preferences(preferences, runner, history)
    return DockServices(
        tracker=tracker,
        history=history,
        saved=SavedRequests(pool, folder / f"saved-{n}", settings_file=folder / f"saved-{n}.json"),
        drafts=DraftStore(pool, folder / f"drafts-{n}"),
        queries=queries,
        preferences=preferences,
    )
