"""Our requests equal the official client's, byte for byte, as the emulator received them.

Needs the official client's own environment (the ``steamship_python`` fixture finds or makes it).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

from shipexplorer.api import SteamshipClient

from .conftest import settings_for

SCENARIO = pathlib.Path(__file__).with_name("official_parity_scenario.py")
IGNORED = {"user-agent", "host"}

pytestmark = pytest.mark.official_client


def _shape(record, task_id: str) -> tuple:  # type: ignore[no-untyped-def]
    headers = sorted((k.lower(), v) for k, v in record.headers.items() if k.lower() not in IGNORED)
    body = record.body.replace(task_id.encode(), b"<task>")
    path = record.path.replace(task_id, "<task>")
    return record.method, path, headers, body


def test_requests_equal_the_official_clients(emulator, steamship_python):
    emulator.clear_requests()
    out = subprocess.run(
        [steamship_python, str(SCENARIO), emulator.api_base, emulator.base_url, "demo-key"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    theirs_task = json.loads(out.stdout.strip().splitlines()[-1])["taskId"]
    theirs = emulator.requests[1:]  # the first is the constructor's workspace switch

    with SteamshipClient(settings_for(emulator, app_base=emulator.base_url)) as client:
        ws = client.workspace_create("parity").value
        client.set_workspace(handle=ws.handle, id=ws.id)
        emulator.clear_requests()
        client.workspace_create("parity-2")
        client.workspace_get(handle="parity")
        client.workspace_list()
        client.account_current()
        client.package_get("greeter")
        greeter = client.instance_create("greeter", "parity-g", config={"greeting": "Hi"}).value
        client.instance_get("parity-g")
        client.instance_list()
        client.invoke(greeter, "greet", {"name": "Ada"})
        client.invoke(greeter, "greet", {"name": "Ada Lovelace"}, verb="GET")
        client.describe(greeter)
        job = client.instance_create("slow-job", "parity-job").value
        task = client.invoke(job, "start", {"seconds": 0.1, "steps": 1}).task
        client.task_status(task.task_id)
        client.task_get(task.task_id)
    ours = emulator.requests
    assert len(ours) == len(theirs) == 15
    for mine, official in zip(ours, theirs, strict=True):
        assert _shape(mine, task.task_id) == _shape(official, theirs_task)


def test_python_export_runs_with_the_official_client(emulator, demo, steamship_python):
    import ast

    from shipexplorer.api import to_python

    settings = settings_for(emulator, app_base=emulator.base_url, workspace_handle="api-tests")
    env = {**os.environ, "STEAMSHIP_API_KEY": "demo-key"}
    with SteamshipClient(settings) as client:
        cases = [
            (client.invoke_request(demo["echo"], "echo", {"a": [1, None], "b": "x'y"}), None),
            (client.invoke_request(demo["greeter"], "greet", {"name": "Ada"}, verb="GET"), None),
            (client.api_request("account/current", verb="GET"), None),
        ]
        for request, _ in cases:
            code = to_python(request, settings)
            assert "demo-key" not in code
            out = subprocess.run(
                [steamship_python, "-c", code], env=env, capture_output=True, text=True, timeout=120
            )
            assert out.returncode == 0, out.stderr[-3000:]
            expected = client.send(request).data
            printed = out.stdout.strip()
            value = printed if isinstance(expected, str) else ast.literal_eval(printed)
            assert value == expected
