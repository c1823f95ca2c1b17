"""The key guard: which keys the app knows (every profile's loaded key, the local emulator's demo
key), where a request holds one, and requests and drafts with the reference in its place; exports
of a body with the reference read ``$STEAMSHIP_API_KEY``; the runner fills it in at send time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from types import SimpleNamespace

import pytest

from shipexplorer.api import ConnectionSettings
from shipexplorer.core.profiles import Profile
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.tab_draft import TabDraft
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.exports import CallExport, ExportService, export_text
from shipexplorer.services.key_guard import (
    KEY_REFERENCE,
    KeyGuard,
    spec_findings,
    spec_with_reference,
)
from tests.canary import key_forms
from tests.service_support import profile_services

KEY = f"ss-CANARY-{uuid.uuid4()}"
OTHER = f"ss-OTHER-{uuid.uuid4()}"
SETTINGS = ConnectionSettings(
    api_base="http://127.0.0.1:9/api/v1/",
    app_base="http://127.0.0.1:9/app/",
    api_key=KEY,
    workspace_handle="ws",
)


def _no_key(text: str, key: str = KEY) -> bool:
    return not any(form in text for form in key_forms(key))


@pytest.fixture
def clients(worker_pool, tmp_path):
    """A provider with the local emulator's profile (current) and another with its key loaded."""
    credentials, profiles = profile_services(worker_pool, tmp_path)
    profiles.add_builtin(Profile("emu", SETTINGS.replace(api_key=None), builtin=True), KEY)
    profiles.add_builtin(
        Profile("other", SETTINGS.replace(api_key=None), builtin=True), OTHER, select=False
    )
    provider = ClientProvider(profiles, credentials)
    yield provider
    provider.close()


def test_every_loaded_key_is_known(clients):
    assert clients.current_profile() == "emu"
    assert set(KeyGuard(clients).known_keys()) == {KEY, OTHER}
    assert KeyGuard(None).known_keys() == ()
    assert ExportService(clients).known_keys() == KeyGuard(clients).known_keys()


def test_findings_name_the_field_line_and_column():
    spec = RequestSpec(name="n", method="echo", body='{\n  "k": "' + KEY + '"}', notes=OTHER)
    findings = spec_findings(spec, [KEY, OTHER])
    assert [f.where() for f in findings] == [
        "the body, line 2, column 9",
        "the notes, line 1, column 1",
    ]
    assert all(f.replaceable for f in findings)
    assert spec_findings(spec, []) == [] and spec_findings(spec, ["ab"]) == []


def test_a_spec_and_a_draft_get_the_reference(clients):
    guard = KeyGuard(clients)
    spec = RequestSpec(name="n", instance="e", method="echo", body=json.dumps({"k": KEY}))
    fixed = guard.with_reference(spec)
    assert json.loads(fixed.body) == {"k": KEY_REFERENCE} and guard.findings(fixed) == []
    plain = RequestSpec(name="n", body='{"k": 1}')
    assert guard.with_reference(plain) is plain
    draft = TabDraft(spec, saved_rel="a.json", saved_spec=spec)
    clean = guard.draft_without_keys(draft)
    assert clean.spec == fixed and clean.saved_spec == fixed and not clean.modified
    assert guard.draft_without_keys(TabDraft(plain)).spec is plain
    # an encoded key cannot become the reference: a draft masks it
    encoded = key_forms(OTHER)[1]
    masked = guard.draft_without_keys(TabDraft(RequestSpec(body=json.dumps({"b": encoded}))))
    assert _no_key(masked.spec.body, OTHER) and json.loads(masked.spec.body) == {"b": "***"}
    assert spec_with_reference(spec, []) is spec


@pytest.mark.parametrize("kind", ["curl", "python", "httpie"])
def test_an_export_writes_the_reference_as_the_variable(kind):
    call = CallExport(instance="e", method="echo", body=json.dumps({"k": KEY_REFERENCE}))
    text = export_text(kind, call, SETTINGS)
    assert KEY_REFERENCE not in text and _no_key(text)
    expected = {
        "curl": "'\"$STEAMSHIP_API_KEY\"'",
        "httpie": "'\"$STEAMSHIP_API_KEY\"'",
        "python": "**{'k': os.environ[\"STEAMSHIP_API_KEY\"]}",
    }[kind]
    assert expected in text
    # the connection's key typed raw is written the same way
    raw = CallExport(instance="e", method="echo", body=json.dumps({"k": KEY}))
    assert export_text(kind, raw, SETTINGS) == text


def test_an_export_of_another_profiles_key_is_refused(clients):
    call = CallExport(instance="e", method="echo", body=json.dumps({"k": OTHER}))
    with pytest.raises(ValueError, match="another profile"):
        ExportService(clients).export("curl", call)


def test_a_python_export_builds_the_text_around_the_variable():
    body = {"h": f"Bearer {KEY_REFERENCE}!", "n": [1, KEY_REFERENCE]}
    call = CallExport(instance="e", method="echo", body=json.dumps(body))
    text = export_text("python", call, SETTINGS)
    compile(text, "export.py", "exec")
    line = next(x for x in text.splitlines() if "invoke(" in x)
    args = line.partition("**")[2].removesuffix(")")
    fake_os = SimpleNamespace(environ={"STEAMSHIP_API_KEY": "K"})
    assert eval(args, {"os": fake_os}) == {"h": "Bearer K!", "n": [1, "K"]}


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
@pytest.mark.parametrize("kind", ["curl", "httpie"])
def test_the_shell_reads_the_variable_between_the_quotes(kind, tmp_path):
    body = {"k": KEY_REFERENCE, "quote": "it's", "both": f"x{KEY_REFERENCE}y{KEY_REFERENCE}"}
    call = CallExport(instance="e", method="echo", body=json.dumps(body))
    command = export_text(kind, call, SETTINGS)
    program = "curl" if kind == "curl" else "http"
    stub = tmp_path / program  # prints each argument it gets on a line of its own
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done\n')
    stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "STEAMSHIP_API_KEY": KEY}
    run = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=30)
    assert run.returncode == 0, run.stderr
    args = run.stdout.splitlines()
    sent = json.loads(args[args.index("--data-raw" if kind == "curl" else "--raw") + 1])
    assert sent == {"k": KEY, "quote": "it's", "both": f"x{KEY}y{KEY}"}


def test_the_runner_fills_the_reference_at_send_time(qtbot, worker_pool, start_emulator, tmp_path):
    from shipexplorer.api import SteamshipClient
    from shipexplorer.services.request_runner import RequestRunner

    emu = start_emulator(api_keys=(KEY,))
    settings = ConnectionSettings(
        api_base=emu.api_base, app_base=emu.app_base, workspace_handle="keys"
    )
    with SteamshipClient(settings.replace(api_key=KEY)) as api:
        api.workspace_create("keys")
        api.instance_create("echo", "e")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    profiles.add_builtin(Profile("emu", settings, builtin=True), KEY)
    clients = ClientProvider(profiles, credentials)
    runner = RequestRunner(clients, worker_pool)
    try:
        done: list = []
        runner.finished.connect(lambda _rid, answer: done.append(answer))
        mark = emu.request_mark()
        body = '{"k": "' + KEY_REFERENCE + '", "q": "a\\"b"}'
        runner.send("e", "echo", body, workspace="keys")
        qtbot.waitUntil(lambda: bool(done), timeout=5000)
        [sent] = [r for r in emu.requests_since(mark) if r.path.endswith("/echo")]
        assert json.loads(sent.body) == {"k": KEY, "q": 'a"b'}
    finally:
        runner.cancel_all()
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        clients.close()
