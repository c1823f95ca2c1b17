"""An instance record without ``workspaceHandle`` is looked up by id before it is invoked (the
official client looks its workspace up too), once per id; and ``package/version/list``."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from shipexplorer.api import ConnectionSettings, HttpError, SteamshipClient
from shipexplorer.emulator import operations as emulator_operations

KEY = "demo-key"


@pytest.fixture
def emu(start_emulator):
    return start_emulator()


def _client(emu, workspace: str | None) -> SteamshipClient:
    return SteamshipClient(
        ConnectionSettings(
            api_base=emu.api_base, app_base=emu.app_base, api_key=KEY, workspace_handle=workspace
        )
    )


def _posted(emu, mark: int, operation: str) -> list[dict]:
    return [
        json.loads(r.body)
        for r in emu.requests_since(mark)
        if r.method == "POST" and r.path.endswith(operation)
    ]


def _invoked(emu, mark: int) -> list[str]:
    """The app paths called (without the app base's prefix)."""
    return [r.path.split("/_apps", 1)[-1] for r in emu.requests_since(mark) if "/greet" in r.path]


def test_a_record_with_only_its_workspace_id_is_looked_up_before_invoking(emu):
    with _client(emu, "home") as home, _client(emu, None) as default:
        home.workspace_create("home")
        made = home.instance_create("greeter", "g", config={"greeting": "Home"}).value
        bare = replace(made, workspace_handle=None)  # as some listings give it
        mark = emu.request_mark()
        result = default.invoke(bare, "greet", {"name": "Ada"})
        assert result.value.value == "Home, Ada!"  # not sent to "_" or to the default workspace
        assert _posted(emu, mark, "workspace/get") == [{"id": made.workspace_id, "handle": None}]
        assert _invoked(emu, mark) == ["/home/g/greet"]
        mark = emu.request_mark()
        default.invoke(bare, "greet", {"name": "Bo"})
        assert _posted(emu, mark, "workspace/get") == []  # kept per id
        assert _invoked(emu, mark) == ["/home/g/greet"]


def test_a_record_with_only_its_id_is_looked_up_by_instance_get(emu):
    with _client(emu, "home") as home:
        home.workspace_create("home")
        made = home.instance_create("greeter", "g2").value
        bare = replace(made, workspace_handle=None, workspace_id=None)
        mark = emu.request_mark()
        resolved = home.resolve_instance(bare)
        assert resolved.workspace_handle == "home"
        assert _posted(emu, mark, "package/instance/get") == [{"id": made.id, "handle": None}]
        mark = emu.request_mark()
        assert home.describe(bare).value.method("greet") is not None
        assert _posted(emu, mark, "package/instance/get") == []
        assert any("/home/g2/__dir__" in r.path for r in emu.requests_since(mark))


def test_a_record_that_names_its_workspace_is_not_looked_up(emu):
    with _client(emu, "home") as home:
        home.workspace_create("home")
        made = home.instance_create("greeter", "g3").value
        mark = emu.request_mark()
        assert home.resolve_instance(made) is made
        assert home.resolve_instance("g3") == "g3"
        home.invoke(made, "greet", {"name": "Ada"})
        assert _posted(emu, mark, "workspace/get") == []
        assert _posted(emu, mark, "package/instance/get") == []


def test_a_failed_lookup_raises_rather_than_guessing(emu):
    with _client(emu, "home") as home:
        home.workspace_create("home")
        made = home.instance_create("greeter", "g4").value
        bare = replace(made, workspace_handle=None, workspace_id="no-such-workspace")
        mark = emu.request_mark()
        with pytest.raises(HttpError):
            home.invoke(bare, "greet", {"name": "Ada"})
        assert _invoked(emu, mark) == []


def test_package_version_list_reads_each_version_template(emu, monkeypatch):
    def versions(ctx, body):
        assert body["packageId"] == "p-1"
        return {
            "packageVersions": [
                {"id": "v2", "handle": "2.0.0", "configTemplate": {"a": {"type": "string"}}},
                {"id": "v1", "handle": "1.0.0", "configTemplate": json.dumps({"b": {}})},
            ]
        }

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/version/list", versions)
    with _client(emu, None) as client:
        page = client.package_version_list("p-1").value
    assert [v.handle for v in page] == ["2.0.0", "1.0.0"]
    assert [f.name for f in page.items[0].config_template] == ["a"]
    assert [f.name for f in page.items[1].config_template] == ["b"]  # a JSON string is read too
