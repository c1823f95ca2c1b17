"""The engine APIs' state survives a restart with a state file; older state files still load."""

from __future__ import annotations

import contextlib
import sqlite3

import httpx

from shipexplorer.emulator import Emulator
from shipexplorer.emulator.state import SCHEMA_VERSION
from tests.emulator.helpers import make_client, poll_until

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
WS = {"X-Workspace-Handle": "keep"}


def _data(answer: httpx.Response) -> dict:
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_files_blocks_tags_tasks_and_objects_survive_a_restart(tmp_path) -> None:
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu, make_client(emu, headers=WS) as http:
        http.post("api/v1/workspace/create", json={"handle": "keep"})
        made = _data(
            http.post(
                "api/v1/file/create",
                json={
                    "type": "blocks",
                    "handle": "doc",
                    "blocks": [{"text": "A", "tags": [{"kind": "BlockTag"}]}],
                    "tags": [{"kind": "kv-store-s", "name": "k", "value": {"v": 1}}],
                },
            )
        )["file"]
        image = _data(
            http.post(
                "api/v1/block/create",
                files={
                    "fileId": ("fileId", made["id"], None),
                    "mimeType": ("mimeType", "image/png", None),
                    "file": ("file-part", PNG, "multipart/form-data"),
                },
            )
        )["block"]
        gone = _data(http.post("api/v1/tag/create", json={"fileId": made["id"], "kind": "x"}))
        http.post("api/v1/tag/delete", json={"id": gone["tag"]["id"]})
        task = http.post("api/v1/task/noop", json={}, headers={"X-Task-Background": "true"})
        task_id = task.json()["status"]["taskId"]
        poll_until(
            lambda: (
                http.post("api/v1/task/status", json={"taskId": task_id}).json()["status"]["state"]
                == "succeeded"
            )
        )
        http.post("api/v1/task/update", json={"taskId": task_id, "statusMessage": "noted"})
        write = _data(
            http.post(
                "api/v1/workspace/createSignedUrl",
                json={"bucket": "appData", "filepath": "a.bin", "operation": "Write"},
            )
        )["signedUrl"]
        assert httpx.put(write, content=b"kept").status_code == 200
        read = _data(
            http.post(
                "api/v1/workspace/createSignedUrl",
                json={"bucket": "appData", "filepath": "a.bin", "operation": "Read"},
            )
        )["signedUrl"]
    with Emulator(state=state) as emu, make_client(emu, headers=WS) as http:
        again = _data(http.post("api/v1/file/get", json={"handle": "doc"}))["file"]
        assert again["id"] == made["id"]
        assert [b["text"] for b in again["blocks"]] == ["A", ""]
        assert again["blocks"][0]["tags"][0]["kind"] == "BlockTag"
        assert [(t["kind"], t["value"]) for t in again["tags"]] == [("kv-store-s", {"v": 1})]
        raw = http.post("api/v1/block/raw", json={"id": image["id"]})
        assert raw.content == PNG and raw.headers["content-type"] == "image/png"
        query = {"tagFilterQuery": 'filetag and kind "kv-store-s"'}
        assert [f["id"] for f in _data(http.post("api/v1/file/query", json=query))["files"]] == [
            made["id"]
        ]
        status = http.post("api/v1/task/status", json={"taskId": task_id}).json()["status"]
        assert status["state"] == "succeeded" and status["statusMessage"] == "noted"
        # The port changed with the restart: the old URL's token still reads the object.
        token = read.rsplit("/", 1)[1]
        assert httpx.get(f"{emu.base_url}_signed/{token}").content == b"kept"
        # Deleting the workspace forgets its records in the file too.
        http.post("api/v1/workspace/delete", json={"id": again["workspaceId"]})
    with Emulator(state=state) as emu, make_client(emu) as http:
        assert emu.store.extension("files").files == {}
        assert emu.store.extension("signed-objects").objects == {}


def test_a_schema_2_state_file_is_upgraded(tmp_path) -> None:
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu, make_client(emu) as http:
        http.post("api/v1/workspace/create", json={"handle": "old"})
    with contextlib.closing(sqlite3.connect(state)) as db:  # as schema 2 left it
        db.execute("DROP TABLE records")
        db.execute("PRAGMA user_version=2")
        db.commit()
    with (
        Emulator(state=state) as emu,
        make_client(emu, headers={"X-Workspace-Handle": "old"}) as http,
    ):
        assert emu.state_problem is None
        made = _data(http.post("api/v1/file/create", json={"type": "none", "handle": "new"}))
    with (
        Emulator(state=state) as emu,
        make_client(emu, headers={"X-Workspace-Handle": "old"}) as http,
    ):
        got = _data(http.post("api/v1/file/get", json={"handle": "new"}))
        assert got["file"]["id"] == made["file"]["id"]
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
