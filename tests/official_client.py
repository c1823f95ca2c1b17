"""The official Steamship client as a test peer: a Python with ``steamship==2.17.34`` in a virtual
environment of its own (it pins pydantic 1, so it never shares ours).

Where that environment cannot be made its tests skip with the reason, unless
``SHIPEXPLORER_REQUIRE_OFFICIAL_CLIENT=1`` (set by ``.ci/run``): then they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

STEAMSHIP_VERSION = "2.17.34"
REQUIRE_ENV = "SHIPEXPLORER_REQUIRE_OFFICIAL_CLIENT"


def _unavailable(reason: str) -> None:
    """Skip with ``reason``; fail instead where the client is required (CI)."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: the official client's tests must run)")
    pytest.skip(reason)


def _has_steamship(python: str) -> bool:
    try:
        probe = subprocess.run(
            [python, "-c", "import steamship; print(steamship.__version__)"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0 and probe.stdout.strip() == STEAMSHIP_VERSION


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def steamship_python() -> str:
    """A Python with ``steamship==2.17.34``: $SHIPEXPLORER_STEAMSHIP_PYTHON, else a cached venv."""
    configured = os.environ.get("SHIPEXPLORER_STEAMSHIP_PYTHON")
    if configured:
        if not _has_steamship(configured):
            pytest.fail(
                f"SHIPEXPLORER_STEAMSHIP_PYTHON={configured} has no steamship=={STEAMSHIP_VERSION}"
            )
        return configured
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    venv = cache / "shipexplorer-tests" / f"steamship-{STEAMSHIP_VERSION}"
    python = _venv_python(venv)
    if python.exists() and _has_steamship(str(python)):
        return str(python)
    try:
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"steamship=={STEAMSHIP_VERSION}"],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        if isinstance(detail, bytes):
            detail = detail.decode(errors="replace")
        _unavailable(
            f"cannot make a virtual environment with steamship=={STEAMSHIP_VERSION} at {venv}: "
            f"{exc} {detail[-500:]}".strip()
        )
    if not _has_steamship(str(python)):
        _unavailable(f"steamship=={STEAMSHIP_VERSION} did not import in {venv}")
    return str(python)


def run_scenario(steamship_python: str, script: Path) -> tuple[dict, list]:
    """Run a scenario script against a fresh emulator: its JSON results and the requests sent."""
    import json

    from shipexplorer.emulator import Emulator

    with Emulator(port=0) as emu:
        run = subprocess.run(
            [steamship_python, str(script), str(emu.port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        requests = emu.requests
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout), requests


def ok(results: dict, step: str):
    """The value a scenario step gave (the test fails on its error)."""
    assert "ok" in results[step], results[step]
    return results[step]["ok"]


def error(results: dict, step: str) -> dict:
    """The error a scenario step ended in (the test fails when it did not)."""
    assert "error" in results[step], results[step]
    return results[step]["error"]
