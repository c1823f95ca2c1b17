"""Exports checked by running them: curl (with /usr/bin/curl) and Python (with the official client)
against the emulator give the answers our client gets; HTTPie is not installed here, so only the
shape of its command is checked. No export ever holds the key.
"""

from __future__ import annotations

import ast
import json
import os
import shlex
import shutil
import subprocess

import pytest

from shipexplorer.api import SteamshipClient
from shipexplorer.api.curl_import import parse_curl
from shipexplorer.api.export import (
    EXPORT_KINDS,
    CallExport,
    curl_task_poll,
    export_call,
    to_curl,
    to_httpie,
)
from shipexplorer.emulator import Emulator

from .conftest import settings_for

CANARY = "ss-CANARY-export-9f3a/+="
ODD = {"name": 'O\'Brien "the" $HOME `x` é', "n": [1, None]}
needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


@pytest.fixture(scope="module")
def canary_emu():
    """An emulator that accepts only the canary key: the exports must work with it, from the
    environment, while never holding it."""
    emu = Emulator(port=0, api_keys=(CANARY,)).start()
    with SteamshipClient(settings_for(emu, api_key=CANARY)) as client:
        ws = client.workspace_create("export").value
        client.set_workspace(handle=ws.handle, id=ws.id)
        for package in ("echo", "greeter", "slow-job"):
            client.instance_create(package, f"x-{package}")
    yield emu
    emu.stop()


@pytest.fixture
def setup(canary_emu):
    settings = settings_for(canary_emu, api_key=CANARY, workspace_handle="export")
    with SteamshipClient(settings) as client:
        yield settings, client


def run_shell(script: str, timeout: float = 30) -> str:
    env = {**os.environ, "STEAMSHIP_API_KEY": CANARY}
    out = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def assert_no_key(text: str) -> None:
    assert CANARY not in text and "CANARY" not in text
    assert "$STEAMSHIP_API_KEY" in text or 'os.environ["STEAMSHIP_API_KEY"]' in text


@needs_curl
@pytest.mark.parametrize("verb", ["POST", "GET"])
def test_exported_curl_gives_our_clients_answer(setup, verb):
    settings, client = setup
    for call in (
        CallExport("x-echo", "echo", json.dumps(ODD), verb=verb),
        CallExport("x-greeter", "greet", '{"name": "Ada"}', verb=verb, workspace="export"),
    ):
        command = export_call("curl", call, settings)
        assert_no_key(command)
        printed = run_shell(command)
        expected = client.invoke(call.instance, call.method, call.args(), verb=verb).value.value
        if isinstance(expected, str):
            assert printed == expected
        else:
            assert json.loads(printed) == expected


@needs_curl
def test_exported_curl_of_a_task_polls_to_the_end(setup):
    settings, client = setup
    call = CallExport("x-slow-job", "start", '{"seconds": 0.3, "steps": 2}', task=True)
    script = export_call("curl", call, settings)
    assert_no_key(script)
    assert "task/status" in script and "sleep 1" in script
    final = json.loads(run_shell(script))
    assert final["status"]["state"] == "succeeded"
    # the same call through our client, followed to its end
    started = client.invoke("x-slow-job", "start", call.args())
    ours = client.wait_task(started.task.task_id, interval=0.1)
    assert ours.state == "succeeded"
    assert final["data"] == ours.output


@needs_curl
def test_curl_of_a_history_exchange_and_the_task_poll(setup):
    settings, client = setup
    result = client.invoke("x-slow-job", "start", {"seconds": 0.2, "steps": 1, "fail": True})
    task_id = result.task.task_id
    poll = curl_task_poll(settings, task_id)
    assert_no_key(poll)
    final = json.loads(run_shell(poll))
    assert final["status"]["state"] == "failed"
    assert client.task_status(task_id).value.status_message in json.dumps(final)
    # a recorded exchange (what history keeps), exported with its polling loop
    script = to_curl(result.exchange, settings, task=True)
    assert_no_key(script)
    assert json.loads(run_shell(script))["status"]["state"] == "failed"
    # an exchange that was not a task: the plain answer
    plain = client.invoke("x-echo", "echo", ODD)
    assert json.loads(run_shell(to_curl(plain.exchange, settings, task=True))) == ODD


def test_exported_python_runs_with_the_official_client(setup, steamship_python):
    settings, client = setup
    env = {**os.environ, "STEAMSHIP_API_KEY": CANARY}
    cases = [
        (CallExport("x-echo", "echo", json.dumps(ODD), package="echo"), ODD),
        (CallExport("x-greeter", "greet", '{"name": "Ada"}', verb="GET"), None),
        (CallExport("x-slow-job", "start", '{"seconds": 0.2, "steps": 1}', task=True), None),
    ]
    for call, expected in cases:
        code = export_call("python", call, settings)
        assert_no_key(code)
        compile(code, "<export>", "exec")
        out = subprocess.run(
            [steamship_python, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr[-3000:]
        printed = out.stdout.strip()
        if call.task:
            assert "task.wait()" in code
            started = client.invoke(call.instance, call.method, call.args())
            ours = client.wait_task(started.task.task_id, interval=0.1)
            value = printed if isinstance(ours.output, str) else ast.literal_eval(printed)
            assert value == ours.output
            continue
        ours = client.invoke(call.instance, call.method, call.args(), verb=call.verb).value.value
        value = printed if isinstance(ours, str) else ast.literal_eval(printed)
        assert value == ours == (expected if expected is not None else ours)


def test_httpie_command_shape(setup):
    """``http`` (HTTPie) is not installed here: the command's shape is checked, not run."""
    settings, _ = setup
    command = export_call("httpie", CallExport("x-echo", "echo", json.dumps(ODD)), settings)
    assert_no_key(command)
    words = shlex.split(command)
    assert words[:2] == ["http", "--ignore-stdin"]
    raw = words[words.index("--raw") + 1]
    assert json.loads(raw) == ODD
    verb, url = words[4], words[5]
    assert verb == "POST" and url == f"{settings.app_base}export/x-echo/echo"
    assert "Authorization:Bearer $STEAMSHIP_API_KEY" in words
    assert "Content-Type:application/json" in words
    assert "X-Workspace-Handle:export" in words
    get = to_httpie(
        CallExport("x-echo", "echo", '{"a": "b c"}', verb="GET").request(settings), settings
    )
    assert "--raw" not in get and "echo?a=b+c" in get


def test_no_export_holds_the_key(setup):
    settings, _ = setup
    for kind in EXPORT_KINDS:
        for task in (False, True):
            call = CallExport("x-echo", "echo", json.dumps({"k": CANARY}), task=task)
            text = export_call(kind, call, settings)
            assert CANARY not in text and "CANARY" not in text, (kind, text)
    assert "CANARY" not in curl_task_poll(settings, f"T-{CANARY}")


def test_exported_curl_imports_back(setup):
    settings, _ = setup
    for verb in ("POST", "GET"):
        call = CallExport("x-echo", "echo", json.dumps({"a": "1", "b": "two"}), verb=verb)
        spec = parse_curl(export_call("curl", call, settings), settings.app_base)
        assert (spec["instance"], spec["method"], spec["verb"]) == ("x-echo", "echo", verb)
        assert spec["workspace"] == "export"
        assert json.loads(spec["body"]) == {"a": "1", "b": "two"}


def test_bad_body_is_a_clear_error(setup):
    settings, _ = setup
    with pytest.raises(ValueError, match="line 1, column 2"):
        export_call("curl", CallExport("x-echo", "echo", "{oops"), settings)
    with pytest.raises(ValueError, match="GET request needs a JSON object"):
        export_call("curl", CallExport("x-echo", "echo", "[1]", verb="GET"), settings)
