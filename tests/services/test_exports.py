"""The export service: exports of a call and a task's curl loop never hold the key (and are refused
if they would), curl import gives a request or one clear sentence, key masking."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from shipexplorer.api import ConnectionSettings
from shipexplorer.api import export as api_export
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.exports import (
    EXPORT_KINDS,
    CallExport,
    CurlImportError,
    ExportService,
    holds_secret,
    import_curl,
    mask_secrets,
    task_curl_loop,
)
from tests.canary import key_forms

KEY = f"ss-CANARY-{uuid.uuid4()}"
SETTINGS = ConnectionSettings(
    api_base="http://127.0.0.1:9/api/v1/",
    app_base="http://127.0.0.1:9/app/",
    api_key=KEY,
    workspace_handle="ws",
)
CALL = CallExport(instance="e", method="echo", body='{"say": "hi"}', workspace="ws")


class Clients:
    """The two questions the service asks a ClientProvider."""

    def __init__(self, settings: ConnectionSettings | None = SETTINGS) -> None:
        self._settings = settings

    def settings(self) -> ConnectionSettings | None:
        return self._settings


def assert_no_key(text: str) -> None:
    assert not any(form in text for form in key_forms(KEY)), text
    assert "STEAMSHIP_API_KEY" in text


@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_an_export_never_holds_the_key(kind: str) -> None:
    text = ExportService(Clients()).export(kind, CALL)
    assert_no_key(text)
    assert "echo" in text and "hi" in text


def test_a_task_call_exports_with_its_polling() -> None:
    task_call = CallExport(instance="e", method="start", workspace="ws", task=True)
    service = ExportService(Clients())
    assert "task/status" in service.export("curl", task_call)
    assert "task.wait()" in service.export("python", task_call)


def test_an_export_that_would_hold_the_key_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(api_export, "export_call", lambda kind, call, settings: f"x {KEY}")
    with pytest.raises(ValueError, match="would have held the API key"):
        ExportService(Clients()).export("curl", CALL)
    encoded = base64.b64encode(KEY.encode()).decode()  # any spelling of it
    monkeypatch.setattr(api_export, "export_call", lambda kind, call, settings: encoded)
    with pytest.raises(ValueError, match="would have held the API key"):
        ExportService(Clients()).export("curl", CALL)


def test_without_a_profile_or_with_a_bad_body_the_export_says_why() -> None:
    with pytest.raises(ValueError, match="no connection profile"):
        ExportService(Clients(None)).export("curl", CALL)
    with pytest.raises(ValueError, match="no connection profile"):
        ExportService(None).export("python", CALL)
    with pytest.raises(ValueError, match="line 1, column"):
        ExportService(Clients()).export("curl", CallExport(instance="e", method="m", body="{"))


def test_a_curl_export_imports_back_as_a_request() -> None:
    service = ExportService(Clients())
    spec = service.import_curl(service.export("curl", CALL))
    assert isinstance(spec, RequestSpec)
    assert (spec.instance, spec.workspace, spec.method, spec.verb) == ("e", "ws", "echo", "POST")
    assert json.loads(spec.body) == {"say": "hi"}
    assert import_curl("curl http://127.0.0.1:9/app/ws/e/echo", SETTINGS.app_base).method == "echo"
    assert ExportService(None).import_curl("curl -d '{}' http://h/ws/e/run").instance == "e"


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("curl -X", "needs a value"),
        ("wget http://127.0.0.1:9/app/ws/e/echo", "not a curl command"),
        ("curl 'unclosed", "shell words"),
        ("curl -sS", "no URL"),
    ],
)
def test_a_bad_curl_command_becomes_one_clear_sentence(command: str, says: str) -> None:
    with pytest.raises(CurlImportError) as caught:
        ExportService(Clients()).import_curl(command)
    message = str(caught.value)
    assert says in message and message.endswith(".") and "\n" not in message
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError see it too


def test_the_curl_loop_for_a_task() -> None:
    text = task_curl_loop(SETTINGS, "task-42")
    assert_no_key(text)
    assert "task_id=task-42" in text and "task/status" in text
    assert "X-Workspace-Handle: ws" in text and text.startswith("task_id=")


def test_a_curl_loop_that_would_hold_the_key_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(api_export, "curl_task_poll", lambda settings, task_id: settings.api_key)
    with pytest.raises(ValueError, match="would hold the API key"):
        task_curl_loop(SETTINGS, "task-42")


def test_masking_and_the_guard_see_the_same_spellings() -> None:
    for form in key_forms(KEY):
        text = f"before {form} after"
        assert holds_secret(text, KEY)
        masked = mask_secrets(text, [KEY, None])
        assert not holds_secret(masked, KEY) and masked.startswith("before ")
    assert not holds_secret("nothing here", KEY) and not holds_secret("anything", None)
