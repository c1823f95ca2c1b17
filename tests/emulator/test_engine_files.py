"""Files, blocks and tags over loopback: JSON and multipart uploads, raw content with exact MIME
types, public and private raw URLs, streams, queries, paging."""

from __future__ import annotations

import httpx
import pytest

from shipexplorer.emulator import Emulator
from tests.emulator.helpers import make_client, unique

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture
def ws_client(fresh_emulator: Emulator):
    """A client whose requests name a workspace of their own."""
    ws = unique("files")
    with make_client(fresh_emulator, headers={"X-Workspace-Handle": ws}) as http:
        assert http.post("api/v1/workspace/create", json={"handle": ws}).status_code == 200
        yield http


def post(http: httpx.Client, op: str, body: dict | None = None, **kwargs) -> dict:
    answer = http.post(f"api/v1/{op}", json=body if body is not None else {}, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def upload(http: httpx.Client, content: bytes, **fields: str) -> dict:
    """``file/create`` the way the official client sends content: multipart/form-data."""
    parts = {name: (name, value, None) for name, value in fields.items()}
    parts["file"] = ("file-part", content, "multipart/form-data")
    answer = http.post("api/v1/file/create", files=parts)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["file"]


def test_file_from_blocks_with_tags(ws_client: httpx.Client) -> None:
    made = post(
        ws_client,
        "file/create",
        {
            "type": "blocks",
            "handle": "doc",
            "blocks": [{"text": "A", "tags": [{"kind": "BlockTag"}]}, {"text": "B"}],
            "tags": [{"kind": "FileTag", "value": {"n": 1}}],
        },
    )["file"]
    assert made["handle"] == "doc" and made["workspaceId"]
    assert [b["text"] for b in made["blocks"]] == ["A", "B"]
    assert [b["index"] for b in made["blocks"]] == [0, 1]
    assert made["blocks"][0]["tags"][0]["kind"] == "BlockTag"
    assert made["blocks"][0]["mimeType"] == "text/plain" and made["blocks"][0]["requestId"]
    assert [t["kind"] for t in made["tags"]] == ["FileTag"]  # block tags stay on blocks
    assert made["tags"][0]["fileId"] == made["id"] and made["tags"][0]["value"] == {"n": 1}
    got = post(ws_client, "file/get", {"id": made["id"]})["file"]
    assert got == made
    assert post(ws_client, "file/get", {"handle": "doc"})["file"]["id"] == made["id"]
    raw = ws_client.post("api/v1/file/raw", json={"id": made["id"]})
    assert raw.content == b"A\nB" and raw.headers["content-type"] == "text/plain"
    again = ws_client.post("api/v1/file/create", json={"type": "none", "handle": "doc"})
    assert again.status_code == 409


def test_multipart_upload_keeps_the_bytes_and_the_fields(ws_client: httpx.Client) -> None:
    made = upload(
        ws_client,
        b"# Title",
        handle="md",
        mimeType="text/markdown",
        publicData="false",
        type="file",
        **{"tags[0][kind]": "created_at", "tags[0][value][date-value]": "2026-12-06"},
    )
    assert made["mimeType"] == "text/markdown" and made["handle"] == "md"
    assert made["publicData"] is False
    assert made["tags"][0]["kind"] == "created_at"
    assert made["tags"][0]["value"] == {"date-value": "2026-12-06"}
    raw = ws_client.post("api/v1/file/raw", json={"id": made["id"]})
    assert raw.content == b"# Title" and raw.headers["content-type"] == "text/markdown"
    image = upload(ws_client, PNG, type="file")  # no MIME type: sniffed
    assert image["mimeType"] == "image/png"
    assert ws_client.post("api/v1/file/raw", json={"id": image["id"]}).content == PNG


def test_raw_urls_are_public_only_with_public_data(
    fresh_emulator: Emulator, ws_client: httpx.Client
) -> None:
    private = upload(ws_client, b"secret", type="file")
    public = upload(ws_client, b"hello", type="file", publicData="true")
    with httpx.Client(base_url=fresh_emulator.base_url) as anonymous:
        assert anonymous.get(f"api/v1/file/{private['id']}/raw").status_code == 403
        shown = anonymous.get(f"api/v1/file/{public['id']}/raw")
        assert shown.text == "hello" and shown.headers["content-type"] == "text/plain"
        # Anything else still needs the key.
        assert anonymous.post(f"api/v1/file/{public['id']}/raw").status_code == 401
        assert anonymous.post("api/v1/file/get", json={"id": public["id"]}).status_code == 401
        post(ws_client, "file/update", {"id": private["id"], "publicData": True})
        assert anonymous.get(f"api/v1/file/{private['id']}/raw").text == "secret"
    assert ws_client.get(f"api/v1/file/{public['id']}/raw").text == "hello"


def test_blocks_json_multipart_and_streams(
    fresh_emulator: Emulator, ws_client: httpx.Client
) -> None:
    file_id = post(ws_client, "file/create", {"type": "blocks", "blocks": []})["file"]["id"]
    text = post(ws_client, "block/create", {"fileId": file_id, "text": "first", "tags": []})
    assert text["block"]["index"] == 0 and text["block"]["mimeType"] == "text/plain"
    parts = {
        "fileId": ("fileId", file_id, None),
        "mimeType": ("mimeType", "image/png", None),
        "uploadType": ("uploadType", "file", None),
        "publicData": ("publicData", "true", None),
        "file": ("file-part", PNG, "multipart/form-data"),
    }
    image = ws_client.post("api/v1/block/create", files=parts).json()["data"]["block"]
    assert image["index"] == 1 and image["text"] == "" and image["publicData"] is True
    raw = ws_client.post("api/v1/block/raw", json={"id": image["id"]})
    assert raw.content == PNG and raw.headers["content-type"] == "image/png"
    with httpx.Client(base_url=fresh_emulator.base_url) as anonymous:
        assert anonymous.get(f"api/v1/block/{image['id']}/raw").content == PNG
        assert anonymous.get(f"api/v1/block/{text['block']['id']}/raw").status_code == 403
    stream = post(ws_client, "block/create", {"fileId": file_id, "streaming": True})["block"]
    assert stream["streamState"] == "started"
    for chunk in (b"happy ", b"birthday"):
        answer = ws_client.post(f"api/v1/block/{stream['id']}/appendStream", content=chunk)
        assert answer.status_code == 200, answer.text
    post(ws_client, f"block/{stream['id']}/finishStream")
    assert ws_client.post("api/v1/block/raw", json={"id": stream["id"]}).text == "happy birthday"
    got = post(ws_client, "block/get", {"id": stream["id"]})["block"]
    assert got["streamState"] == "complete" and got["text"] == "happy birthday"
    closed = ws_client.post(f"api/v1/block/{stream['id']}/appendStream", content=b"!")
    assert closed.status_code == 400
    listed = post(ws_client, "block/list", {"fileId": file_id})["blocks"]
    assert [b["index"] for b in listed] == [0, 1, 2]
    post(ws_client, "block/delete", {"id": image["id"]})
    assert ws_client.post("api/v1/block/get", json={"id": image["id"]}).status_code == 404
    assert len(post(ws_client, "file/get", {"id": file_id})["file"]["blocks"]) == 2


def test_block_urls_are_refused_offline(ws_client: httpx.Client) -> None:
    file_id = post(ws_client, "file/create", {"type": "none"})["file"]["id"]
    refused = ws_client.post(
        "api/v1/block/create",
        json={"fileId": file_id, "url": "https://example.com/a.png", "uploadType": "url"},
    )
    assert refused.status_code == 400 and refused.json()["status"]["statusCode"] == "NoNetwork"


def test_queries_find_files_blocks_and_tags(ws_client: httpx.Client) -> None:
    a = post(
        ws_client,
        "file/create",
        {"type": "blocks", "blocks": [{"text": "A", "tags": [{"kind": "BlockTag"}]}]},
    )["file"]
    b = post(
        ws_client,
        "file/create",
        {
            "type": "none",
            "tags": [
                {"kind": "kv-store-x", "name": "__init__"},
                {"kind": "chat", "name": "context-keys", "value": {"id": "42", "n": 3}},
            ],
        },
    )["file"]

    def files(query: str) -> list[str]:
        return [f["id"] for f in post(ws_client, "file/query", {"tagFilterQuery": query})["files"]]

    assert files('blocktag and kind "BlockTag"') == [a["id"]]
    assert files('filetag and kind "BlockTag"') == []
    assert files('filetag and kind "kv-store-x"') == [b["id"]]
    assert files('kind "chat" and name "context-keys" and value("id") = "42"') == [b["id"]]
    assert files('kind "chat" and value("id") = "41"') == []
    assert files('value("n") >= 3 and not kind "x"') == [b["id"]]
    assert sorted(files('kind "BlockTag" or (filetag and name "__init__")')) == sorted(
        [a["id"], b["id"]]
    )
    blocks = post(ws_client, "block/query", {"tagFilterQuery": f'file_id "{a["id"]}"'})["blocks"]
    assert [blk["text"] for blk in blocks] == ["A"]
    tags = post(ws_client, "tag/query", {"tagFilterQuery": f'filetag and file_id "{b["id"]}"'})
    assert {t["kind"] for t in tags["tags"]} == {"kv-store-x", "chat"}
    bad = ws_client.post("api/v1/file/query", json={"tagFilterQuery": 'kind "x" and'})
    assert bad.status_code == 400 and "query" in bad.json()["status"]["statusMessage"]


def test_tags_are_made_listed_and_deleted(ws_client: httpx.Client) -> None:
    made = post(ws_client, "file/create", {"type": "blocks", "blocks": [{"text": "x"}]})["file"]
    block_id = made["blocks"][0]["id"]
    on_file = post(ws_client, "tag/create", {"fileId": made["id"], "kind": "k", "name": "n"})
    on_block = post(
        ws_client, "tag/create", {"blockId": block_id, "kind": "b", "startIdx": 0, "endIdx": 1}
    )["tag"]
    assert on_file["tag"]["fileId"] == made["id"] and on_file["tag"]["blockId"] is None
    assert on_block["fileId"] == made["id"] and on_block["endIdx"] == 1
    everything = post(ws_client, "tag/list", {"fileId": made["id"]})["tags"]
    assert {t["kind"] for t in everything} == {"k", "b"}
    assert [t["kind"] for t in post(ws_client, "tag/list", {"blockId": block_id})["tags"]] == ["b"]
    post(ws_client, "tag/delete", {"id": on_file["tag"]["id"]})
    assert [t["kind"] for t in post(ws_client, "tag/list", {"fileId": made["id"]})["tags"]] == ["b"]
    assert ws_client.post("api/v1/tag/delete", json={"id": on_file["tag"]["id"]}).status_code == 404
    orphan = ws_client.post("api/v1/tag/create", json={"kind": "k"})
    assert orphan.status_code == 400
    assert ws_client.post("api/v1/tag/create", json={"fileId": "NOPE"}).status_code == 404


def test_file_list_pages_and_delete_cascades(ws_client: httpx.Client) -> None:
    ids = [post(ws_client, "file/create", {"type": "none"})["file"]["id"] for _ in range(3)]
    first = post(ws_client, "file/list", {"pageSize": 1})
    assert [f["id"] for f in first["files"]] == [ids[2]] and first["nextPageToken"]
    second = post(ws_client, "file/list", {"pageSize": 2, "pageToken": first["nextPageToken"]})
    assert [f["id"] for f in second["files"]] == [ids[1], ids[0]]
    assert second["nextPageToken"] is None
    ascending = post(ws_client, "file/list", {"sortOrder": "ASC"})["files"]
    assert [f["id"] for f in ascending] == ids
    assert len(post(ws_client, "file/list", {"pageToken": "not-found-foo"})["files"]) == 3
    assert ws_client.post("api/v1/file/list", json={"pageSize": -1}).status_code == 400
    made = post(
        ws_client,
        "file/create",
        {"type": "blocks", "blocks": [{"text": "x", "tags": [{"kind": "t"}]}]},
    )["file"]
    post(ws_client, "file/delete", {"id": made["id"]})
    assert ws_client.post("api/v1/file/get", json={"id": made["id"]}).status_code == 404
    gone = ws_client.post("api/v1/block/get", json={"id": made["blocks"][0]["id"]})
    assert gone.status_code == 404
    assert post(ws_client, "tag/query", {"tagFilterQuery": 'kind "t"'})["tags"] == []


def test_files_stay_in_their_workspace(fresh_emulator: Emulator, ws_client: httpx.Client) -> None:
    made = post(ws_client, "file/create", {"type": "none", "tags": [{"kind": "mine"}]})["file"]
    with make_client(fresh_emulator) as other:  # the default workspace
        assert other.post("api/v1/file/get", json={"id": made["id"]}).status_code == 404
        listed = other.post("api/v1/file/list", json={}).json()["data"]["files"]
        assert made["id"] not in [f["id"] for f in listed]
        found = other.post("api/v1/file/query", json={"tagFilterQuery": 'kind "mine"'})
        assert found.json()["data"]["files"] == []


def test_deleting_a_workspace_drops_its_files(
    fresh_emulator: Emulator, fresh_client: httpx.Client
) -> None:
    fresh_client.post("api/v1/workspace/create", json={"handle": "gone"})
    headers = {"X-Workspace-Handle": "gone"}
    made = fresh_client.post("api/v1/file/create", json={"type": "none"}, headers=headers)
    ws_id = made.json()["data"]["file"]["workspaceId"]
    fresh_client.post("api/v1/workspace/delete", json={"id": ws_id})
    assert fresh_emulator.store.extension("files").files == {}
