"""The app's config and data folders without Qt, as QStandardPaths names them for shipexplorer.

``SHIPEXPLORER_HOME`` overrides both, as in :mod:`shipexplorer.services.paths` (which the window
uses; a test checks that the two agree on this platform).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from shipexplorer import APP_NAME

HOME_OVERRIDE_ENV = "SHIPEXPLORER_HOME"


def _base(environ: Mapping[str, str], xdg: str, default: str) -> Path:
    value = environ.get(xdg)
    return Path(value) if value and os.path.isabs(value) else Path.home() / default


def config_folder(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get(HOME_OVERRIDE_ENV)
    if override:
        return Path(override) / "config"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / APP_NAME
    if os.name == "nt":
        return Path(environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP_NAME
    return _base(environ, "XDG_CONFIG_HOME", ".config") / APP_NAME


def data_folder(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get(HOME_OVERRIDE_ENV)
    if override:
        return Path(override) / "data"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    if os.name == "nt":
        return Path(environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP_NAME
    return _base(environ, "XDG_DATA_HOME", os.path.join(".local", "share")) / APP_NAME


def profiles_file(environ: Mapping[str, str] | None = None) -> Path:
    return config_folder(environ) / "profiles.json"


def emulator_state_file(environ: Mapping[str, str] | None = None) -> Path:
    """The ``--local`` emulator's state, the same file the window's ``--local`` uses."""
    return data_folder(environ) / "local-emulator.sqlite3"
