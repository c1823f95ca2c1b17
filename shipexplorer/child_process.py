"""How the app starts a helper process of its own (the ``--local`` emulator, the keyring): the
command, ``python -m <module>`` from an installed or checked-out package or the frozen bundle's
own executable with a hidden command (PyInstaller has no ``python -m``), and the environment.

Qt-free and light: the emulator and the core layer both use it.
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path


def child_command(module: str, frozen_command: str) -> list[str]:
    """``python -m module``, or ``<bundle> frozen_command`` in a frozen bundle."""
    if getattr(sys, "frozen", False):
        return [sys.executable, frozen_command]
    return [sys.executable, "-m", module]


def child_env() -> dict[str, str]:
    """The parent's environment; outside a bundle, the folder this package was imported from
    comes first on the child's path when it is not an installed one (a checkout run as is)."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        return env
    root = str(Path(__file__).resolve().parents[1])
    installed = {str(Path(p).resolve()) for p in site.getsitepackages()}
    if root not in installed:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


__all__ = ["child_command", "child_env"]
