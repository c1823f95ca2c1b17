"""The key never shows: not in reprs, serialisations, logs, errors or exports (raw, base64, URL)."""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
from urllib.parse import quote, quote_plus

import pytest

from shipexplorer.api import (
    ApiError,
    ConnectionSettings,
    PackageInstance,
    SteamshipClient,
    to_curl,
    to_python,
)
from shipexplorer.emulator import Emulator

from .conftest import settings_for

CANARY = "sk-CANARY/zq+7=x!"
FORMS = {
    "raw": CANARY,
    "url": quote(CANARY, safe=""),
    "url+": quote_plus(CANARY, safe=""),
    "base64": base64.b64encode(CANARY.encode()).decode(),
    "base64url": base64.urlsafe_b64encode(CANARY.encode()).decode(),
}


def assert_clean(text: str, where: str) -> None:
    for name, form in FORMS.items():
        assert form not in text, f"the key ({name}) leaked into {where}"


@pytest.fixture(scope="module")
def canary_emulator():  # type: ignore[no-untyped-def]
    emu = Emulator(port=0, api_keys=(CANARY,)).start()
    yield emu
    emu.stop()


def test_canary_never_leaks(canary_emulator, emulator, caplog):
    caplog.set_level(logging.DEBUG, logger="shipexplorer")
    texts: list[tuple[str, str]] = []
    settings = settings_for(canary_emulator, api_key=CANARY)
    assert_clean(repr(settings), "settings repr")
    assert_clean(json.dumps(settings.to_dict()), "settings.to_dict")
    with SteamshipClient(settings) as client:
        ws = client.workspace_create("canary").value
        client.set_workspace(handle=ws.handle, id=ws.id)
        echo = client.instance_create("echo", "canary-echo").value
        faults = client.instance_create("faults", "canary-faults").value
        results = [
            client.invoke(echo, "echo", {"secret": CANARY, "b64": FORMS["base64"]}),
            client.invoke(echo, "echo", {"secret": CANARY}, verb="GET"),
            client.account_current(),
        ]
        for result in results:
            ex = result.exchange
            texts += [("repr", repr(ex)), ("to_dict", json.dumps(ex.to_dict()))]
            texts += [("headers", repr(ex.request_headers)), ("result repr", repr(result))]
            texts += [("curl", to_curl(ex, settings)), ("python", to_python(ex, settings))]
            texts += [("curl(request)", to_curl(ex.request, settings, client=client))]
        for method, args in [("fail", {"message": f"bad {CANARY}"}), ("bad_json", {})]:
            with pytest.raises(ApiError) as info:
                client.invoke(faults, method, args)
            texts += [("error", str(info.value)), ("error repr", repr(info.value))]
            texts += [("error exchange", json.dumps(info.value.exchange.to_dict()))]
    # a key the server does not accept: a 401 whose message must not echo it
    with SteamshipClient(settings_for(emulator, api_key=CANARY)) as wrong:
        with pytest.raises(ApiError) as info:
            wrong.account_current()
        assert info.value.status == 401
        texts += [("401", str(info.value)), ("401 dict", json.dumps(info.value.exchange.to_dict()))]
    # insecure refusal
    remote = ConnectionSettings(api_base="http://api.example.test/", api_key=CANARY)
    with SteamshipClient(remote) as refused, pytest.raises(ApiError) as info:
        refused.account_current()
    texts += [
        ("refusal", str(info.value)),
        ("refusal dict", json.dumps(info.value.exchange.to_dict())),
    ]
    texts += [("logs", caplog.text)]
    for where, text in texts:
        assert_clean(text, where)
    assert "$STEAMSHIP_API_KEY" in to_curl(results[0].exchange, settings)


INSTANCE = PackageInstance(
    id="I-1",
    handle="t-greeter",
    package_id="P",
    package_handle="greeter",
    user_handle="demo-user",
    workspace_handle="api-tests",
)


def test_python_export_shape(emulator):
    settings = settings_for(emulator, workspace_handle="api-tests")
    with SteamshipClient(settings) as client:
        request = client.invoke_request(INSTANCE, "greet", {"name": "Ada"}, verb="GET")
        code = to_python(request, settings)
    compile(code, "<export>", "exec")
    assert 'api_key=os.environ["STEAMSHIP_API_KEY"]' in code
    assert "client.use('greeter', 't-greeter')" in code
    assert "instance.invoke('greet', verb='GET', **{'name': 'Ada'})" in code
    assert "demo-key" not in code
    api = to_python(client.api_request("workspace/list", {"pageSize": 2}), settings)
    assert "client.post('workspace/list', {'pageSize': 2})" in api


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_export_runs_against_the_emulator(emulator, demo):
    settings = settings_for(emulator, workspace_handle="api-tests")
    odd = {"name": 'O\'Brien "the" $HOME `x` é', "n": [1, None]}
    with SteamshipClient(settings) as client:
        for verb in ("POST", "GET"):
            request = client.invoke_request(demo["echo"], "echo", odd, verb=verb)
            command = to_curl(request, settings, client=client)
            assert "demo-key" not in command
            env = {**os.environ, "STEAMSHIP_API_KEY": "demo-key"}
            out = subprocess.run(
                ["bash", "-c", command], env=env, capture_output=True, timeout=30, check=True
            )
            expected = client.send(request).data
            assert json.loads(out.stdout) == expected


def test_holds_secret_sees_every_spelling_redact_masks():
    import base64
    from urllib.parse import quote

    from shipexplorer.api.redact import holds_secret

    key = "ss-key/with+odd=chars"
    for form in (key, quote(key, safe=""), base64.b64encode(key.encode()).decode()):
        assert holds_secret(f"curl -H 'X: {form}'", key)
    assert not holds_secret("curl -H 'Authorization: Bearer $STEAMSHIP_API_KEY'", key)
    assert not holds_secret("anything", None) and not holds_secret("anything", "")
