"""The variables service and the request runner's use of it: layers, refusal before sending,
variables in the instance, the folder's file (a damaged one said), a capture for later sends."""

from __future__ import annotations

import json
import uuid

import pytest

from shipexplorer.api import ConnectionSettings, InstanceRef, SteamshipClient
from shipexplorer.api.models import PackageInstance
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.variables_service import VariablesService, check_from_fields, value_text
from tests.service_support import profile_services


@pytest.fixture
def wired(qtbot, worker_pool, emulator, tmp_path):
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key="demo-key")) as api:
        api.workspace_create(workspace)
        api.instance_create("greeter", "g")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    saved = SavedRequests(worker_pool, tmp_path / "saved", settings_file=tmp_path / "s.json")
    (tmp_path / "saved").mkdir()
    runner = RequestRunner(clients, worker_pool)
    runner.variables = VariablesService(worker_pool, clients, saved)
    profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")
    yield runner, saved, workspace
    runner.cancel_all()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()


def test_an_unknown_variable_is_refused_before_anything_is_sent(wired):
    runner, _saved, _ws = wired
    with pytest.raises(ValueError, match=r"\{\{who\}\}"):
        runner.send("g", "greet", '{"name": "{{who}}"}')
    with pytest.raises(ValueError, match=r"\{\{where\}\}"):
        runner.send(InstanceRef(instance_handle="{{where}}"), "greet", "{}")
    assert runner.in_flight() == 0


def test_values_fill_the_instance_method_and_body(qtbot, wired):
    runner, saved, workspace = wired
    runner.variables.capture({"inst": "g"})
    (saved.root / "variables.json").write_text(
        json.dumps(
            {
                "kind": "saved-request-variables",
                "schemaVersion": 1,
                "variables": {"who": "Folder", "verb_path": "greet"},
            }
        )
    )
    saved.rescan()
    qtbot.waitUntil(lambda: runner.variables.folder_values().get("who") == "Folder", timeout=5000)
    answers = []
    runner.finished.connect(lambda _rid, answer: answers.append(answer))
    target = PackageInstance(id=None, handle="{{inst}}", workspace_handle=workspace)
    runner.send(target, "{{verb_path}}", '{"name": "{{who}}"}', own_variables={"who": "Tab"})
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers[0].body_text == "Hello, Tab!"


def test_a_damaged_folder_file_is_moved_aside_and_said(qtbot, wired):
    runner, saved, _ws = wired
    problems = []
    runner.variables.problem.connect(problems.append)
    (saved.root / "variables.json").write_text("{broken")
    runner.variables.reload_folder()
    qtbot.waitUntil(lambda: bool(problems), timeout=5000)
    assert "moved aside" in problems[0]
    assert not (saved.root / "variables.json").exists()


def test_editor_rows_become_checks_and_back() -> None:
    for kind, value in (
        ("status is", "200"),
        ("equals", '"3"'),
        ("equals", "g-1"),
        ("equals", "3"),
        ("matches", "^a"),
        ("task ends", "failed"),
    ):
        check = check_from_fields(kind, "$.a", value, "")
        assert check_from_fields(kind, "$.a", value_text(check), "") == check
    assert check_from_fields("status is", "", "200", "").value == 200
    assert check_from_fields("equals", "$.a", '"3"', "").value == "3"
    assert check_from_fields("task ends", "", "succeeded", "").within == 30.0


def test_a_key_in_a_requests_own_variables_is_found_and_replaced() -> None:
    from shipexplorer.core.saved_files import RequestSpec
    from shipexplorer.services.key_guard import spec_findings, spec_with_reference

    key = "sk-canary-guard-9a8b7c"
    spec = RequestSpec(name="x", variables={"token": key, "who": "Ada"})
    findings = spec_findings(spec, [key])
    assert [f.label for f in findings] == ["the variable token"]
    cleaned = spec_with_reference(spec, [key])
    assert cleaned.variables == {"token": "{{STEAMSHIP_API_KEY}}", "who": "Ada"}
