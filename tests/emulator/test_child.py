"""The ``--local`` emulator in a child process (:mod:`shipexplorer.emulator.child`): it starts on
127.0.0.1 with a free port, keeps its state where it is told, says in words why it could not
start, stops with ``stop()``, and dies with the app even when the app is killed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from shipexplorer.emulator import DEMO_API_KEY
from shipexplorer.emulator.child import (
    FROZEN_COMMAND,
    EmulatorProcess,
    EmulatorStartError,
    child_command,
)
from shipexplorer.emulator.demo import DEMO_INSTANCES

pytestmark = pytest.mark.timeout(120)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap it counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _user(emulator: EmulatorProcess) -> str:
    answer = httpx.get(
        f"{emulator.api_base}account/current",
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        timeout=10,
    )
    return answer.json()["data"]["user"]["handle"]


def test_it_serves_on_a_free_port_with_its_state_and_stops(tmp_path):
    state = tmp_path / "local.sqlite3"
    emulator = EmulatorProcess(0, state=state, seed_demo=True).start()
    try:
        assert emulator.running and emulator.pid != os.getpid()
        assert emulator.port > 0
        assert emulator.base_url == f"http://127.0.0.1:{emulator.port}/"
        assert emulator.api_base == f"{emulator.base_url}api/v1/"
        assert emulator.app_base == f"{emulator.base_url}_apps/"
        assert _user(emulator) == "demo-user"
        assert [(i.package_handle, i.handle) for i in emulator.seeded] == list(DEMO_INSTANCES)
        assert emulator.state_file == state and emulator.state_problem is None
        assert state.exists()
    finally:
        emulator.stop()
    assert not emulator.running and emulator._process.returncode == 0  # it ended by itself
    emulator.stop()  # idempotent

    again = EmulatorProcess(0, state=state, seed_demo=True).start()
    try:
        assert again.seeded == []  # the state remembered the demo instances
    finally:
        again.stop()


def test_a_taken_port_is_said_in_words_and_leaves_no_process():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        emulator = EmulatorProcess(port)
        with pytest.raises(EmulatorStartError, match=f"port {port} on 127.0.0.1 is already in use"):
            emulator.start()
    assert emulator._process is not None and emulator._process.returncode == 1
    assert not emulator.running


def test_a_child_that_crashes_at_start_is_said_in_words():
    crash = [sys.executable, "-c", "import sys; sys.exit(3)"]
    with pytest.raises(EmulatorStartError, match=r"ended before it was ready \(status 3\)"):
        EmulatorProcess(0, command=crash).start()
    garbled = [sys.executable, "-c", "print('hello')"]
    with pytest.raises(EmulatorStartError, match="unexpected"):
        EmulatorProcess(0, command=garbled).start()


def test_a_child_that_never_answers_is_killed():
    mute = [sys.executable, "-c", "import time; time.sleep(60)"]
    emulator = EmulatorProcess(0, command=mute, start_timeout=0.5)
    with pytest.raises(EmulatorStartError, match=r"did not answer within 0\.5 s"):
        emulator.start()
    assert emulator._process.returncode is not None


def test_the_shipexplorer_command_runs_it_as_the_bundle_does(monkeypatch):
    """A frozen bundle has no ``python -m``: its own executable runs ``shipexplorer emulator``
    (here ``python -m shipexplorer emulator``, through the same ``app.main``)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child_command() == [sys.executable, FROZEN_COMMAND]
    monkeypatch.delattr(sys, "frozen")
    assert child_command()[1:] == ["-m", "shipexplorer.emulator"]
    command = [sys.executable, "-m", "shipexplorer", FROZEN_COMMAND]
    with EmulatorProcess(0, command=command) as emulator:
        assert _user(emulator) == "demo-user"
    assert emulator._process.returncode == 0


def test_sigterm_stops_the_child_cleanly():
    emulator = EmulatorProcess(0).start()
    try:
        os.kill(emulator.pid, signal.SIGTERM)
        assert emulator._process.wait(10) == 0
    finally:
        emulator.stop()


PARENT = r"""
import json, sys
from shipexplorer.emulator.child import EmulatorProcess

emulator = EmulatorProcess(0).start()
print(json.dumps({"pid": emulator.pid, "api": emulator.api_base}), flush=True)
sys.stdin.read()  # until the test kills this process
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_child_dies_with_its_parent_even_when_the_parent_is_killed(qtbot):
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        started = json.loads(parent.stdout.readline())
        child = started["pid"]
        assert _alive(child)
        assert httpx.get(started["api"] + "account/current", timeout=10).status_code == 401
        parent.kill()
        parent.wait(10)
        qtbot.waitUntil(lambda: not _alive(child), timeout=10_000)
    finally:
        parent.kill()
        parent.wait(10)
