"""The app's folders and the default file of each store (SHIPEXPLORER_HOME honoured)."""

from __future__ import annotations

from shipexplorer.services.paths import app_paths, profiles_file, window_state_file


def test_default_files_are_in_the_config_folder(app_home):
    assert profiles_file() == app_home / "config" / "profiles.json"
    assert window_state_file() == app_home / "config" / "window-state.json"


def test_the_override_places_all_three_folders(app_home):
    paths = app_paths()
    assert (paths.config, paths.data, paths.cache) == (
        app_home / "config",
        app_home / "data",
        app_home / "cache",
    )
