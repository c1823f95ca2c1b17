"""SIGTERM and SIGINT end the app as closing its window does: the window state is written, the
drafts are flushed, and the exit status is 0 (not 143 or 130)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

BODY = '{"left": "by a session that ended"}'


def _seed_draft(home: Path) -> Path:
    """A draft an ended session left: the app restores it as a tab at start."""
    session = home / "data" / "drafts" / "session-ended"
    session.mkdir(parents=True)
    spec = {"instance": "e", "method": "echo", "body": BODY}
    record = {"kind": "request-draft", "schemaVersion": 1, "tabKey": "old", "spec": spec}
    (session / "draft-old.json").write_text(json.dumps(record), "utf-8")
    return session


def _start(home: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEAMSHIP_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        SHIPEXPLORER_HOME=str(home),
        HOME=str(home),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "shipexplorer"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_until_up(child: subprocess.Popen, home: Path, timeout: float = 60.0) -> None:
    """The services start after the first paint, from the event loop; their first scan makes
    the saved-requests folder: once it is there the app is up and its signal handlers set."""
    ready = home / "data" / "saved-requests"
    deadline = time.monotonic() + timeout
    while not ready.is_dir():
        if child.poll() is not None:
            raise AssertionError(f"the app ended early: {child.communicate()[1].decode()}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("the app did not come up")
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_window_and_exits_0(tmp_path, signum):
    ended = _seed_draft(tmp_path)
    child = _start(tmp_path)
    try:
        _wait_until_up(child, tmp_path)
        child.send_signal(signum)
        _out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err.decode()
    assert (tmp_path / "config" / "window-state.json").is_file()
    # The restored tab's draft was written by this session, so the ended session was removed.
    assert not ended.exists()
    drafts = list((tmp_path / "data" / "drafts").glob("session-*/draft-*.json"))
    bodies = [json.loads(p.read_text("utf-8"))["spec"]["body"] for p in drafts]
    assert BODY in bodies
