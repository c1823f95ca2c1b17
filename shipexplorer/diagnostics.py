"""``shipexplorer --diagnose``: versions, Qt platform, keyring verdict, TLS trust store, proxy
variables (credentials masked) and folders, as text.

Runs without a display and without creating a QApplication, so it works over SSH and in CI.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from shipexplorer import __version__


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _qt_platform() -> str:
    from PySide6.QtCore import QLibraryInfo

    chosen = os.environ.get("QT_QPA_PLATFORM")
    plugins_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = sorted(
        p.name.split(".")[0].removeprefix("libq") for p in plugins_dir.glob("*") if p.is_file()
    )
    display = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY")
    first = f"QT_QPA_PLATFORM={chosen}" if chosen else "Qt's default (QT_QPA_PLATFORM unset)"
    shown = f"display {display}" if display else "no display"
    return f"{first}; {shown}; plugins: {', '.join(names) or 'none found'}"


def _network() -> list[str]:
    """The trust store in use, the CA variables and the proxy variables seen (never a password)."""
    from shipexplorer.api.transport import describe_proxies, describe_trust

    return [f"{label:<13} {text}" for label, text in describe_trust() + describe_proxies()]


def report() -> str:
    """The whole diagnosis as printable text. Never contains a key."""
    from PySide6 import QtCore

    from shipexplorer.core.keyring_status import current_verdict, how_to_enable
    from shipexplorer.services.paths import app_paths

    verdict = current_verdict()
    paths = app_paths()
    storage = "secure" if verdict.secure else "NOT secure, keys are kept in memory for the session"
    lines = [
        f"shipexplorer {__version__}",
        f"Python        {platform.python_version()} ({sys.executable})",
        f"Qt            {QtCore.qVersion()} (PySide6 {_version('PySide6-Essentials')})",
        f"httpx         {_version('httpx')}",
        f"keyring       {_version('keyring')}",
        f"Qt platform   {_qt_platform()}",
        f"Keyring       {verdict.backend}",
        f"Key storage   {storage}: {verdict.reason}",
    ]
    if not verdict.secure:
        lines.append(f"              {how_to_enable(sys.platform)}")
    lines += _network()
    lines += [
        f"Config folder {paths.config}",
        f"Data folder   {paths.data}",
        f"Cache folder  {paths.cache}",
    ]
    return "\n".join(lines)
