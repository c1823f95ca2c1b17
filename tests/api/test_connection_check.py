"""check_connection and describe: what "Test connection" and every error message show."""

from __future__ import annotations

import pytest

from shipexplorer.api import (
    ApiError,
    ConnectionSettings,
    HttpError,
    SteamshipClient,
    check_connection,
    describe,
)


def _settings(emu, **changes) -> ConnectionSettings:
    base = {"api_base": emu.api_base, "app_base": emu.app_base, "api_key": "demo-key"}
    return ConnectionSettings(**{**base, **changes})


def test_default_workspace_and_user(emulator):
    report = check_connection(_settings(emulator))
    assert report.user_handle == emulator.user_handle
    assert report.workspace_handle == "default"
    assert report.workspace_id
    assert report.summary() == f"Connected as {emulator.user_handle}; workspace default"


def test_a_named_workspace_by_handle_and_by_id(emulator):
    with SteamshipClient(_settings(emulator)) as client:
        made = client.workspace_create("connection-check").value
    by_handle = check_connection(_settings(emulator, workspace_handle="connection-check"))
    assert (by_handle.workspace_handle, by_handle.workspace_id) == (made.handle, made.id)
    by_id = check_connection(_settings(emulator, workspace_id=made.id))
    assert by_id.workspace_handle == "connection-check"


def test_an_unknown_workspace_is_a_readable_error(emulator):
    with pytest.raises(HttpError) as caught:
        check_connection(_settings(emulator, workspace_handle="no-such-workspace"))
    assert caught.value.status == 404
    assert "no-such-workspace" in describe(caught.value)


def test_a_wrong_key_names_the_problem(emulator):
    with pytest.raises(HttpError) as caught:
        check_connection(_settings(emulator, api_key="not-the-key"))
    assert caught.value.status == 401
    text = describe(caught.value)
    assert "not-the-key" not in text
    assert text.strip()


def test_describe_adds_suggestion_and_code_and_names_foreign_errors():
    error = HttpError("It broke.", status=400, suggestion="Try again.", code="Broken")
    assert describe(error) == "It broke.\nSuggestion: Try again.\nCode: Broken"
    assert describe(ApiError("Plain.")) == "Plain."
    assert describe(KeyError("x")).startswith("Unexpected error (KeyError)")


def test_describe_says_suggestion_and_code_once(emulator):
    with SteamshipClient(_settings(emulator, workspace_handle="default")) as client:
        instance = client.instance_create("faults", "describe-once").value
        with pytest.raises(HttpError) as caught:
            client.invoke(
                instance,
                "fail",
                {
                    "code": "Broke",
                    "message": "It broke.",
                    "suggestion": "Mend it.",
                    "http_status": 400,
                },
            )
    text = describe(caught.value)
    assert text.count("Mend it.") == 1 and text.count("Broke") == 1
