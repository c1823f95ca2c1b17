"""Signed URLs served by the emulator itself: upload with PUT and download with GET, no key."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from shipexplorer.emulator import Emulator


def sign(http: httpx.Client, path: str, operation: str, **extra) -> httpx.Response:
    body = {"bucket": "pluginData", "filepath": path, "operation": operation, **extra}
    return http.post("api/v1/workspace/createSignedUrl", json=body)


def test_upload_then_download_without_a_key(
    fresh_emulator: Emulator, fresh_client: httpx.Client
) -> None:
    write = sign(fresh_client, "models/a.zip", "Write").json()["data"]
    assert write["bucket"] == "pluginData" and write["operation"] == "Write"
    assert write["expiresInMinutes"] == 60
    url = urlsplit(write["signedUrl"])
    assert (url.hostname, url.port) == ("127.0.0.1", fresh_emulator.port)
    with httpx.Client() as anonymous:
        put = anonymous.put(
            write["signedUrl"],
            content=b"\x00zip bytes",
            headers={"Content-Type": "application/octet-stream"},
        )
        assert put.status_code == 200
        read = sign(fresh_client, "models/a.zip", "Read").json()["data"]["signedUrl"]
        assert anonymous.get(read).content == b"\x00zip bytes"
        assert anonymous.get(write["signedUrl"]).status_code == 403  # a write URL cannot read
        assert anonymous.put(read, content=b"x").status_code == 403  # and the other way round
        unknown = anonymous.get(f"{fresh_emulator.base_url}_signed/not-a-token")
        assert unknown.status_code == 403
        missing = sign(fresh_client, "models/none.zip", "Read").json()["data"]["signedUrl"]
        nothing = anonymous.get(missing)
        assert nothing.status_code == 404 and "<Code>NoSuchKey</Code>" in nothing.text


def test_objects_are_per_workspace_and_requests_are_checked(
    fresh_client: httpx.Client,
) -> None:
    fresh_client.post("api/v1/workspace/create", json={"handle": "other"})
    write = sign(fresh_client, "f.txt", "Write").json()["data"]["signedUrl"]
    httpx.put(write, content=b"mine")
    other = fresh_client.post(
        "api/v1/workspace/createSignedUrl",
        json={"bucket": "pluginData", "filepath": "f.txt", "operation": "Read"},
        headers={"X-Workspace-Handle": "other"},
    ).json()["data"]["signedUrl"]
    assert httpx.get(other).status_code == 404
    assert sign(fresh_client, "f.txt", "Delete").status_code == 400
    assert sign(fresh_client, "../escape", "Read").status_code == 400
    assert sign(fresh_client, "f.txt", "Read", expiresInMinutes=0).status_code == 400
    bad_bucket = fresh_client.post(
        "api/v1/workspace/createSignedUrl",
        json={"bucket": "nope", "filepath": "f.txt", "operation": "Read"},
    )
    assert bad_bucket.status_code == 400
    # Creating a signed URL needs the key.
    assert (
        httpx.post(str(fresh_client.base_url) + "api/v1/workspace/createSignedUrl").status_code
        == 401
    )
