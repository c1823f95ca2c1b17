"""Test-wide settings: offscreen Qt, an in-memory keyring, a running emulator."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def emulator():
    """One in-process emulator over loopback for the whole session (default dialect)."""
    from shipexplorer.emulator import Emulator

    emu = Emulator(port=0).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def seed_emulator():
    """An emulator that speaks the public page's spelling (task/taskState/creating)."""
    from shipexplorer.emulator import Emulator

    emu = Emulator(port=0, dialect="seed").start()
    try:
        yield emu
    finally:
        emu.stop()
