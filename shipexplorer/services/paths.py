"""Where shipexplorer keeps its configuration, data and cache, and the default file of each store.

The platform's folders come from QStandardPaths; ``SHIPEXPLORER_HOME`` overrides all three (tests
use it so nothing touches the real home directory). The stores in ``core/`` never look paths up:
``app.py`` hands them the files named here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

from shipexplorer import APP_NAME
from shipexplorer.core import storage

HOME_OVERRIDE_ENV = "SHIPEXPLORER_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The three folders the app writes to. Nothing is created until asked."""

    config: Path
    data: Path
    cache: Path

    def ensure(self) -> AppPaths:
        """Create the three folders (and missing parents) with mode 0o700, whatever the umask.
        Raises ``OSError``."""
        for folder in (self.config, self.data, self.cache):
            storage.make_private_dirs(folder)
        return self


def app_paths() -> AppPaths:
    """The folders in force: the override when set, else the platform's."""
    override = os.environ.get(HOME_OVERRIDE_ENV)
    if override:
        root = Path(override)
        return AppPaths(root / "config", root / "data", root / "cache")
    if not QCoreApplication.applicationName() or QCoreApplication.instance() is None:
        QCoreApplication.setApplicationName(APP_NAME)
    sp = QStandardPaths.StandardLocation
    return AppPaths(
        Path(QStandardPaths.writableLocation(sp.AppConfigLocation)),
        Path(QStandardPaths.writableLocation(sp.AppDataLocation)),
        Path(QStandardPaths.writableLocation(sp.CacheLocation)),
    )


def profiles_file() -> Path:
    """``profiles.json`` in the config folder."""
    return app_paths().config / "profiles.json"


def window_state_file() -> Path:
    """``window-state.json`` in the config folder."""
    return app_paths().config / "window-state.json"


def preferences_file() -> Path:
    """``preferences.json`` in the config folder."""
    return app_paths().config / "preferences.json"


def saved_requests_settings_file() -> Path:
    """``saved-requests.json`` in the config folder: which folder holds the saved requests."""
    return app_paths().config / "saved-requests.json"


def saved_requests_folder() -> Path:
    """The saved requests' folder until the user chooses another."""
    return app_paths().data / "saved-requests"


def history_file() -> Path:
    """The history database in the data folder (its spilled bodies go beside it)."""
    return app_paths().data / "history.sqlite3"


def tasks_file() -> Path:
    """``tasks.json`` in the data folder: the tasks being watched."""
    return app_paths().data / "tasks.json"


def drafts_folder() -> Path:
    """The drafts of unsaved requests, one folder per running copy, in the data folder."""
    return app_paths().data / "drafts"


def spool_folder() -> Path:
    """Where big answers are spooled while they are shown, in the cache folder."""
    return app_paths().cache / "spool"


def emulator_state_file() -> Path:
    """The ``--local`` emulator's state (workspaces, instances, tasks) in the data folder."""
    return app_paths().data / "local-emulator.sqlite3"


def playground_file() -> Path:
    """``playground.json`` in the data folder: what the ``--local`` playground set up once (the
    demo recipes), so that it is not done again."""
    return app_paths().data / "playground.json"
