"""Test-wide settings: offscreen Qt, an in-memory keyring, a running emulator."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True, scope="session")
def gui_thread_collection(qapp):
    """Garbage cycles are collected on the GUI thread only, as the app does (see
    shipexplorer/services/gui_collector.py): a cycle holding a QObject, collected on a worker,
    tears Qt objects down from the wrong thread."""
    from shipexplorer.services.gui_collector import GuiCollector

    collector = GuiCollector()
    collector.start()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True, scope="session")
def app_look(qapp):
    """The app's theme (Fusion, its palette and its style sheet) for every test, as the window
    has it: a widget that looks right only without the style sheet fails here, not on screen."""
    from shipexplorer.ui.style import theme

    theme.install(qapp)


@pytest.fixture(autouse=True)
def collect_between_tests(gui_thread_collection):
    """What a test left behind is collected after it, on this (the GUI) thread."""
    yield
    import gc

    gc.collect()


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory, monkeypatch):
    """Every test writes config, data and cache under a fresh folder, never the real home."""
    home = tmp_path_factory.mktemp("shipexplorer-home")
    monkeypatch.setenv("SHIPEXPLORER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring():
    """Most tests use an in-memory keyring; the Secret Service suite swaps in the real one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


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
def start_emulator():
    """Start emulators of the test's own (any Emulator arguments); all stopped after the test."""
    from shipexplorer.emulator import Emulator

    started = []

    def start(**kwargs):
        emu = Emulator(port=0, **kwargs).start()
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def seed_emulator(start_emulator):
    """An emulator that speaks the public page's spelling (task/taskState/creating)."""
    return start_emulator(dialect="seed")


@pytest.fixture(scope="session")
def steamship_python() -> str:
    """A Python with the official client: $SHIPEXPLORER_STEAMSHIP_PYTHON, else a cached venv
    (made on first use); skips with the reason only when it cannot be made, fails instead
    under SHIPEXPLORER_REQUIRE_OFFICIAL_CLIENT=1 (CI)."""
    from tests.official_client import steamship_python as find

    return find()


def leftover_jobs(pool, qtbot, wait_ms: int = 3000) -> int:
    """Wait (event loop turning) up to ``wait_ms`` for the pool's jobs to end, then shut it down;
    returns how many jobs were still running when the wait ended."""
    try:
        qtbot.waitUntil(lambda: pool.active_jobs() == 0, timeout=wait_ms)
        left = 0
    except qtbot.TimeoutError:
        left = pool.active_jobs()
    pool.shutdown(timeout_ms=3000)
    return left


@pytest.fixture
def worker_pool(qtbot):
    """A fresh :class:`WorkerPool`; the test fails if jobs are still running at teardown."""
    from shipexplorer.services.workers import WorkerPool

    pool = WorkerPool(max_threads=8)
    yield pool
    left = leftover_jobs(pool, qtbot)
    if left:
        pytest.fail(f"{left} worker job(s) still running at teardown")
