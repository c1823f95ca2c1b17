"""The app's folders and the default file of each store (SHIPEXPLORER_HOME honoured)."""

from __future__ import annotations

from shipexplorer.services import paths
from shipexplorer.services.paths import app_paths


def test_every_default_file_is_in_its_folder(app_home):
    config, data, cache = app_home / "config", app_home / "data", app_home / "cache"
    assert paths.profiles_file() == config / "profiles.json"
    assert paths.window_state_file() == config / "window-state.json"
    assert paths.preferences_file() == config / "preferences.json"
    assert paths.saved_requests_settings_file() == config / "saved-requests.json"
    assert paths.saved_requests_folder() == data / "saved-requests"
    assert paths.history_file() == data / "history.sqlite3"
    assert paths.tasks_file() == data / "tasks.json"
    assert paths.drafts_folder() == data / "drafts"
    assert paths.spool_folder() == cache / "spool"


def test_the_app_hands_each_store_its_default_file(app_home, memory_keyring):
    from shipexplorer.app import AppContext, build_services

    services = build_services(AppContext(), home=app_home, environ={})
    try:
        assert services.tracker.store_path == paths.tasks_file()
        assert services.history.store.path == paths.history_file()
        assert services.preferences.path == paths.preferences_file()
        assert services.drafts.folder == paths.drafts_folder()
        assert services.runner.spool_dir.parent == paths.spool_folder()  # this copy's session
        assert services.saved.root == paths.saved_requests_folder()
    finally:
        services.shutdown()


def test_the_override_places_all_three_folders(app_home):
    paths = app_paths()
    assert (paths.config, paths.data, paths.cache) == (
        app_home / "config",
        app_home / "data",
        app_home / "cache",
    )
