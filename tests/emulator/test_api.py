"""The ``/api/v1/`` operations: envelopes, auth, workspaces, instances, packages, pagination."""

from __future__ import annotations

import httpx
import pytest

from shipexplorer.emulator import Emulator
from tests.emulator.helpers import create_instance, make_client, poll_until, unique

FAILED_KEYS = {"state", "statusMessage", "statusCode", "statusSuggestion"}


def assert_failed(response: httpx.Response, http_status: int, *words: str) -> dict:
    assert response.status_code == http_status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status"}
    status = body["status"]
    assert set(status) == FAILED_KEYS
    assert status["state"] == "failed"
    for word in words:
        assert word in status["statusMessage"]
    return status


def test_account_current_get_and_post(client: httpx.Client, emulator: Emulator) -> None:
    for response in (client.get("api/v1/account/current"), client.post("api/v1/account/current")):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        user = response.json()
        assert list(user) == ["data"]
        assert set(user["data"]["user"]) == {"id", "handle"}
        assert user["data"]["user"]["handle"] == emulator.user_handle == "demo-user"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "demo-key"}, {"Authorization": ""}],
)
@pytest.mark.parametrize("path", ["api/v1/account/current", "default/any/echo", "_apps/a/b/c"])
def test_bad_or_missing_key_is_401_everywhere(emulator: Emulator, headers: dict, path: str) -> None:
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:
        status = assert_failed(http.post(path, json={}), 401, "API key")
    assert status["statusCode"] == "Unauthorized"


def test_custom_keys_replace_the_demo_key() -> None:
    with Emulator(port=0, api_keys=("k1", "k2"), user_handle="someone") as emu:
        for key, expected in (("k1", 200), ("k2", 200), ("demo-key", 401)):
            response = httpx.get(
                f"{emu.api_base}account/current", headers={"Authorization": f"Bearer {key}"}
            )
            assert response.status_code == expected
        ok = httpx.get(f"{emu.api_base}account/current", headers={"Authorization": "Bearer k1"})
        assert ok.json()["data"]["user"]["handle"] == "someone"


def test_workspace_create_get_list_delete(fresh_client: httpx.Client) -> None:
    created = fresh_client.post(
        "api/v1/workspace/create", json={"handle": "alpha", "fetchIfExists": True}
    )
    assert created.status_code == 200
    body = created.json()
    assert list(body) == ["data"]
    ws = body["data"]["workspace"]
    assert ws["handle"] == "alpha" and ws["id"]

    again = fresh_client.post(
        "api/v1/workspace/create", json={"handle": "alpha", "fetchIfExists": True}
    )
    assert again.json()["data"]["workspace"]["id"] == ws["id"]
    conflict = fresh_client.post(
        "api/v1/workspace/create", json={"handle": "alpha", "fetchIfExists": False}
    )
    assert_failed(conflict, 409, "alpha")

    by_id = fresh_client.post("api/v1/workspace/get", json={"id": ws["id"], "handle": None})
    assert by_id.json() == {"data": {"workspace": ws}}
    by_handle = fresh_client.post("api/v1/workspace/get", json={"id": None, "handle": "alpha"})
    assert by_handle.json()["data"]["workspace"]["id"] == ws["id"]
    from_header = fresh_client.post(
        "api/v1/workspace/get",
        json={"id": None, "handle": None},
        headers={"X-Workspace-Id": ws["id"]},
    )
    assert from_header.json()["data"]["workspace"]["handle"] == "alpha"
    default = fresh_client.post("api/v1/workspace/get", json={})
    assert default.json()["data"]["workspace"]["handle"] == "default"
    assert_failed(fresh_client.post("api/v1/workspace/get", json={"handle": "nope"}), 404, "nope")

    listed = fresh_client.post(
        "api/v1/workspace/list", json={"pageSize": None, "pageToken": None, "sortOrder": "DESC"}
    ).json()["data"]
    assert [w["handle"] for w in listed["workspaces"]] == ["alpha", "default"]
    assert listed["nextPageToken"] is None

    deleted = fresh_client.post("api/v1/workspace/delete", json={"id": ws["id"]})
    assert deleted.json()["data"]["workspace"]["id"] == ws["id"]
    assert_failed(fresh_client.post("api/v1/workspace/get", json={"id": ws["id"]}), 404)
    assert_failed(fresh_client.post("api/v1/workspace/delete", json={"id": ws["id"]}), 404)


def test_workspace_create_ignores_the_workspace_header(fresh_client: httpx.Client) -> None:
    first = fresh_client.post(
        "api/v1/workspace/create", json={"handle": "one", "fetchIfExists": True}
    )
    first_id = first.json()["data"]["workspace"]["id"]
    # The official client sends the previous workspace's id when it switches.
    second = fresh_client.post(
        "api/v1/workspace/create",
        json={"handle": "two", "fetchIfExists": True},
        headers={"X-Workspace-Id": first_id},
    )
    assert second.status_code == 200
    assert second.json()["data"]["workspace"]["handle"] == "two"
    assert second.json()["data"]["workspace"]["id"] != first_id


def test_unknown_workspace_header_is_404(client: httpx.Client) -> None:
    response = client.post(
        "api/v1/package/instance/list", json={}, headers={"X-Workspace-Handle": unique("missing")}
    )
    assert_failed(response, 404, "missing")


def test_pagination(fresh_client: httpx.Client) -> None:
    handles = [f"page-{i}" for i in range(5)]
    for handle in handles:
        fresh_client.post("api/v1/workspace/create", json={"handle": handle, "fetchIfExists": True})
    seen, token, pages = [], None, 0
    while True:
        page = fresh_client.post(
            "api/v1/workspace/list", json={"pageSize": 2, "pageToken": token, "sortOrder": "ASC"}
        ).json()["data"]
        assert len(page["workspaces"]) <= 2
        seen += [w["handle"] for w in page["workspaces"]]
        token = page["nextPageToken"]
        pages += 1
        if token is None:
            break
    assert seen == ["default", *handles]
    assert pages == 3
    descending = fresh_client.post("api/v1/workspace/list", json={"pageSize": 3}).json()["data"]
    assert [w["handle"] for w in descending["workspaces"]] == ["page-4", "page-3", "page-2"]
    assert descending["nextPageToken"]

    assert_failed(
        fresh_client.post("api/v1/workspace/list", json={"pageSize": -1}), 400, "pageSize"
    )
    assert_failed(fresh_client.post("api/v1/workspace/list", json={"pageSize": 0}), 400, "pageSize")
    bad_token = fresh_client.post("api/v1/workspace/list", json={"pageToken": "garbage!"})
    assert_failed(bad_token, 400, "pageToken")
    bad_order = fresh_client.post("api/v1/workspace/list", json={"sortOrder": "SIDEWAYS"})
    assert_failed(bad_order, 400, "sortOrder")


def test_instance_create_as_the_official_client_sends_it(client: httpx.Client, emulator) -> None:
    ws = unique("ws")
    ws_id = client.post(
        "api/v1/workspace/create", json={"handle": ws, "fetchIfExists": True}
    ).json()["data"]["workspace"]["id"]
    body = {
        "id": None,
        "packageId": None,
        "packageHandle": "greeter",
        "packageVersionId": None,
        "packageVersionHandle": None,
        "handle": "g1",
        "fetchIfExists": True,
        "config": {"greeting": "Hi"},
        "workspaceId": None,
        "localDevelopmentURL": None,
    }
    response = client.post(
        "api/v1/package/instance/create", json=body, headers={"X-Workspace-Id": ws_id}
    )
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert list(envelope) == ["data"]
    inst = envelope["data"]["packageInstance"]
    assert set(inst) >= {
        "id", "handle", "packageId", "packageHandle", "packageVersionId", "packageVersionHandle",
        "userHandle", "userId", "invocationURL", "config", "workspaceId", "workspaceHandle",
        "initStatus", "createdAt",
    }  # fmt: skip
    assert inst["handle"] == "g1"
    assert inst["packageHandle"] == "greeter"
    assert inst["userHandle"] == "demo-user"
    assert inst["workspaceHandle"] == ws and inst["workspaceId"] == ws_id
    assert inst["config"] == {"greeting": "Hi"}
    assert inst["initStatus"] == "notNeeded"
    assert inst["invocationURL"] == f"{emulator.base_url}{ws}/g1/"

    same = client.post(
        "api/v1/package/instance/create", json=body, headers={"X-Workspace-Handle": ws}
    )
    assert same.json()["data"]["packageInstance"]["id"] == inst["id"]
    conflict = client.post(
        "api/v1/package/instance/create",
        json={**body, "fetchIfExists": False},
        headers={"X-Workspace-Handle": ws},
    )
    assert_failed(conflict, 409, "g1")

    got = client.post(
        "api/v1/package/instance/get",
        json={"id": None, "handle": "g1"},
        headers={"X-Workspace-Id": ws_id},
    )
    assert got.json() == {"data": {"packageInstance": inst}}
    # Instances are scoped by the workspace header: not visible from the default workspace.
    assert_failed(client.post("api/v1/package/instance/get", json={"handle": "g1"}), 404, "g1")


def test_instance_list_and_delete(fresh_client: httpx.Client) -> None:
    ws = "listing"
    a = create_instance(fresh_client, "echo", workspace=ws)
    b = create_instance(fresh_client, "greeter", workspace=ws)
    create_instance(fresh_client, "echo", workspace="elsewhere")
    header = {"X-Workspace-Handle": ws}
    listed = fresh_client.post(
        "api/v1/package/instance/list",
        json={"pageSize": None, "pageToken": None, "sortOrder": "DESC", "packageId": None,
              "packageVersionId": None, "includeWorkspace": None, "acrossWorkspaces": None},
        headers=header,
    ).json()["data"]  # fmt: skip
    assert [i["handle"] for i in listed["packageInstances"]] == [b["handle"], a["handle"]]
    assert listed["nextPageToken"] is None
    across = fresh_client.post(
        "api/v1/package/instance/list", json={"acrossWorkspaces": True}, headers=header
    ).json()["data"]["packageInstances"]
    assert len(across) == 3
    only_echo = fresh_client.post(
        "api/v1/package/instance/list", json={"packageId": a["packageId"]}, headers=header
    ).json()["data"]["packageInstances"]
    assert [i["handle"] for i in only_echo] == [a["handle"]]

    deleted = fresh_client.post(
        "api/v1/package/instance/delete", json={"id": a["id"]}, headers=header
    )
    assert deleted.json()["data"]["packageInstance"]["id"] == a["id"]
    assert_failed(
        fresh_client.post("api/v1/package/instance/get", json={"id": a["id"]}, headers=header), 404
    )
    assert fresh_client.post(f"{ws}/{a['handle']}/echo", json={}).status_code == 404


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"colour": "red"}, "colour"),
        ({"greeting": 5}, "greeting"),
        ({"shout": "yes"}, "shout"),
        ({"punctuation": ";"}, "punctuation"),
    ],
)
def test_instance_config_is_validated(client: httpx.Client, config: dict, key: str) -> None:
    response = client.post(
        "api/v1/package/instance/create",
        json={
            "packageHandle": "greeter",
            "handle": unique("g"),
            "config": config,
            "fetchIfExists": True,
        },
    )
    status = assert_failed(response, 400, key)
    assert status["statusCode"] == "InvalidConfig"
    assert status["statusSuggestion"]


def test_instance_create_errors(client: httpx.Client) -> None:
    assert_failed(
        client.post(
            "api/v1/package/instance/create", json={"packageHandle": "nope", "handle": "x"}
        ),
        404,
        "nope",
    )
    assert_failed(client.post("api/v1/package/instance/create", json={"handle": "x"}), 400)
    assert_failed(
        client.post(
            "api/v1/package/instance/create",
            json={"packageHandle": "echo", "packageVersionHandle": "9.9.9", "handle": "x"},
        ),
        404,
        "9.9.9",
    )


def test_package_get_and_list(client: httpx.Client) -> None:
    listed = client.post("api/v1/package/list", json={}).json()["data"]
    handles = {p["handle"] for p in listed["packages"]}
    assert handles == {
        "echo", "greeter", "slow-job", "faults", "media", "agent", "slow-init", "broken-init"
    }  # fmt: skip
    for handle in handles:
        package = client.post("api/v1/package/get", json={"handle": handle}).json()["data"][
            "package"
        ]
        assert set(package) >= {
            "id",
            "handle",
            "userId",
            "description",
            "readme",
            "isPublic",
            "profile",
        }
        assert package["handle"] == handle
        assert package["readme"].startswith(f"# {handle}")
        assert isinstance(package["profile"]["configTemplate"], dict)
        by_id = client.post("api/v1/package/get", json={"id": package["id"]}).json()
        assert by_id["data"]["package"]["handle"] == handle
    greeter = client.post("api/v1/package/get", json={"handle": "greeter"}).json()["data"][
        "package"
    ]
    template = greeter["profile"]["configTemplate"]
    assert template["greeting"]["type"] == "string" and template["greeting"]["default"] == "Hello"
    assert template["punctuation"]["options"] == ["!", ".", "?"]
    assert template["punctuation"]["default"] == "!"
    assert template["shout"] == {
        "type": "boolean",
        "default": False,
        "description": template["shout"]["description"],
    }
    assert_failed(client.post("api/v1/package/get", json={"handle": "nope"}), 404, "nope")
    page = client.post("api/v1/package/list", json={"pageSize": 2}).json()["data"]
    assert len(page["packages"]) == 2 and page["nextPageToken"]


def test_protocol_errors(client: httpx.Client) -> None:
    # Routes the server does not have: Vapor's form, as the real service answers them.
    unknown = client.post("api/v1/nothing/here", json={})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/json"
    assert unknown.json() == {"error": True, "reason": "Not Found"}
    not_allowed = client.get("api/v1/workspace/list")
    assert not_allowed.status_code == 405
    assert not_allowed.json() == {"error": True, "reason": "Method Not Allowed"}
    assert not_allowed.headers["allow"] == "POST"
    # Known operations keep Steamship's failed status.
    bad_json = client.post(
        "api/v1/workspace/list", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_failed(bad_json, 400, "JSON")
    assert_failed(client.post("api/v1/workspace/list", json=[1, 2]), 400, "object")
    assert_failed(client.post("api/v1/workspace/get", json={"handle": 5}), 400, "handle")


def test_task_errors(client: httpx.Client) -> None:
    assert_failed(
        client.post("api/v1/task/status", json={"taskId": "no-such-task"}), 404, "no-such-task"
    )
    assert_failed(client.post("api/v1/task/get", json={"id": "no-such-task"}), 404)
    assert_failed(client.post("api/v1/task/status", json={}), 404)


def test_background_operation_becomes_a_task(client: httpx.Client) -> None:
    handle = unique("bg")
    response = client.post(
        "api/v1/workspace/create",
        json={"handle": handle, "fetchIfExists": True},
        headers={"X-Task-Background": "true"},
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["status"]
    task = body["status"]
    assert task["state"] in ("waiting", "running")
    assert task["taskId"]

    def done() -> dict | None:
        status = client.post("api/v1/task/status", json={"taskId": task["taskId"]}).json()
        return status if status["status"]["state"] == "succeeded" else None

    final = poll_until(done)
    assert final["data"]["workspace"]["handle"] == handle
    assert final["status"]["output"]  # a JSON string of the same data
    import json

    assert json.loads(final["status"]["output"]) == final["data"]
    got = client.post("api/v1/task/get", json={"id": task["taskId"]}).json()
    assert got["data"]["task"]["taskId"] == task["taskId"]
    assert got["data"]["task"]["state"] == "succeeded"


def test_background_operation_failure_fails_the_task(client: httpx.Client) -> None:
    response = client.post(
        "api/v1/package/get", json={"handle": "missing-pkg"}, headers={"X-Task-Background": "true"}
    )
    task_id = response.json()["status"]["taskId"]

    def finished() -> dict | None:
        status = client.post("api/v1/task/status", json={"taskId": task_id}).json()["status"]
        return status if status["state"] not in ("waiting", "running") else None

    status = poll_until(finished)
    assert status["state"] == "failed"
    assert "missing-pkg" in status["statusMessage"]
    assert status["statusCode"] == "ObjectNotFound"


def test_every_response_has_a_content_type(emulator: Emulator) -> None:
    paths = [
        ("GET", "api/v1/account/current"),
        ("POST", "api/v1/nothing"),
        ("GET", "api/v1/workspace/list"),
        ("POST", "no/such/thing"),
        ("GET", ""),
    ]
    with make_client(emulator) as http:
        for verb, path in paths:
            response = http.request(verb, path)
            assert response.headers.get("content-type"), (verb, path, response.status_code)
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        assert anonymous.get("api/v1/account/current").headers["content-type"] == "application/json"
