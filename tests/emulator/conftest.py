"""Fixtures for the emulator tests: fresh emulators, httpx clients, the official client's Python."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shipexplorer.emulator import Emulator
from tests.emulator.helpers import make_client

STEAMSHIP_VERSION = "2.17.34"


@pytest.fixture
def fresh_emulator(start_emulator) -> Emulator:
    """An emulator of its own, for tests that need a known, empty state."""
    return start_emulator()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    """An httpx client on the session emulator, with the demo key."""
    with make_client(emulator) as http:
        yield http


@pytest.fixture
def fresh_client(fresh_emulator: Emulator) -> Iterator[httpx.Client]:
    with make_client(fresh_emulator) as http:
        yield http
