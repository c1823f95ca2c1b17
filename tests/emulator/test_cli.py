"""``shipexplorer-emulator``: starts, prints its bases and key, serves, stops on a signal."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from shipexplorer.emulator.cli import build_parser


def start_cli(*args: str) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "shipexplorer.emulator.cli", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C" in line:
            return process, lines
    process.kill()
    pytest.fail(f"the emulator did not start: {lines} {process.stderr.read()}")


def port_of(lines: list[str]) -> int:
    match = re.search(r"http://127\.0\.0\.1:(\d+)/api/v1/", "".join(lines))
    assert match, lines
    return int(match.group(1))


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops_on_a_signal(stop_signal: signal.Signals) -> None:
    process, lines = start_cli("--quiet")
    try:
        port = port_of(lines)
        text = "".join(lines)
        assert "demo-key" in text
        assert f"http://127.0.0.1:{port}/_apps/" in text
        response = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/account/current",
            headers={"Authorization": "Bearer demo-key"},
        )
        assert response.json()["data"]["user"]["handle"] == "demo-user"
    finally:
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out


def test_cli_options() -> None:
    process, lines = start_cli(
        "--api-key", "k1", "--api-key", "k2", "--user-handle", "alice", "--dialect", "seed"
    )
    try:
        port = port_of(lines)
        assert "k1, k2" in "".join(lines)
        base = f"http://127.0.0.1:{port}/api/v1/"
        assert (
            httpx.get(
                f"{base}account/current", headers={"Authorization": "Bearer demo-key"}
            ).status_code
            == 401
        )
        user = httpx.get(f"{base}account/current", headers={"Authorization": "Bearer k2"}).json()
        assert user["data"]["user"]["handle"] == "alice"
        background = httpx.post(
            f"{base}workspace/list",
            json={},
            headers={"Authorization": "Bearer k1", "X-Task-Background": "true"},
        ).json()
        assert list(background) == ["task"]  # the seed dialect
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "POST /api/v1/workspace/list" in err  # requests are logged unless --quiet


def test_cli_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.port, args.api_keys, args.user_handle, args.dialect) == (
        8765,
        None,
        "demo-user",
        "real",
    )


def test_cli_reports_a_busy_port() -> None:
    process, lines = start_cli("--quiet")
    try:
        port = port_of(lines)
        busy = subprocess.run(
            [sys.executable, "-m", "shipexplorer.emulator.cli", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert busy.returncode == 1
        assert "cannot listen" in busy.stderr
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_python_dash_m_package_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shipexplorer.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert "--dialect" in result.stdout and "--api-key" in result.stdout
