"""Drive the official client's engine APIs (files, blocks, tags, key-value store, tasks, signed
URLs, background method calls) against an emulator; print the results as JSON.

Run by ``test_official_client_engine.py`` in the client's own virtual environment:
``python official_client_engine_scenario.py PORT``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from official_client_steps import recorder


def main() -> int:
    port = int(sys.argv[1])
    from pydantic import BaseModel
    from steamship import Block, File, MimeTypes, Steamship, Tag, Task
    from steamship.data.workspace import SignedUrl
    from steamship.utils.kv_store import KeyValueStore
    from steamship.utils.signed_urls import download_from_signed_url, upload_to_signed_url
    from steamship.utils.url import Verb

    results: dict[str, Any] = {}
    step = recorder(results)
    base = f"http://127.0.0.1:{port}/"
    client = Steamship(
        api_key="demo-key", api_base=f"{base}api/v1/", app_base=base, workspace="engine"
    )

    def files() -> dict[str, Any]:
        a = File.create(client, content="ABC", mime_type=MimeTypes.MKD, tags=[Tag(kind="K")])
        b = File.create(client, blocks=[Block(text="x", tags=[Tag(kind="BT")]), Block(text="y")])
        appended = b.append_block(text="z")
        image = Block.create(
            client, file_id=b.id, content=b"\x89PNG\r\n\x1a\n", mime_type="image/png"
        )
        b.refresh()
        return {
            "raw": a.raw().decode(),
            "mime": a.mime_type,
            "tags": [(t.kind, t.file_id == a.id) for t in a.tags],
            "texts": [blk.text for blk in b.blocks],
            "indices": [blk.index_in_file for blk in b.blocks],
            "appended": appended.index_in_file,
            "image_raw": image.raw().hex(),
            "query": [f.id == b.id for f in File.query(client, 'blocktag and kind "BT"').files],
            "listed": len(File.list(client).files),
        }

    step("files", files)

    def kv() -> dict[str, Any]:
        store = KeyValueStore(client, "settings")
        store.set("a", {"v": 1})
        store.set("b", {"v": 2})
        store.set("a", {"v": 3})
        first = {"a": store.get("a"), "items": sorted(store.items())}
        deleted = store.delete("b")
        store.reset()
        return {**first, "deleted": deleted, "after_reset": store.get("a")}

    step("kv", kv)

    class Empty(BaseModel):
        pass

    def tasks() -> dict[str, Any]:
        one = client.post("task/noop", expect=Empty, as_background_task=True)
        waiting = one.state
        two = client.post("task/noop", payload={}, expect=Task[BaseModel], wait_on_tasks=[one])
        two.wait()
        one.status_message = "updated"
        one.post_update(fields={"status_message"})
        one.refresh()
        return {"first": waiting, "second": two.state, "message": one.status_message}

    step("tasks", tasks)

    def failing_dependency() -> Any:
        bad = client.post("task/alwaysfail", expect=Empty, as_background_task=True)
        later = client.post("task/noop", payload={}, expect=Task[BaseModel], wait_on_tasks=[bad])
        later.wait()
        return later.state

    step("failing_dependency", failing_dependency)

    def signed() -> bool:
        workspace = client.get_workspace()
        folder = Path(tempfile.mkdtemp())
        (folder / "up.bin").write_bytes(b"\x00\x01payload")
        write = workspace.create_signed_url(
            SignedUrl.Request(bucket="pluginData", filepath="p/up.bin", operation="Write")
        )
        upload_to_signed_url(write.signed_url, filepath=folder / "up.bin")
        read = workspace.create_signed_url(
            SignedUrl.Request(bucket="pluginData", filepath="p/up.bin", operation="Read")
        )
        down = download_from_signed_url(read.signed_url, to_file=folder / "down.bin")
        return down.read_bytes() == b"\x00\x01payload"

    step("signed", signed)

    greeter = step("use", lambda: client.use("greeter", "engine-greeter"))
    results["use"] = {"ok": greeter is not None}
    if greeter is not None:

        def background_call() -> Any:
            task = client.call(
                verb=Verb.POST,
                operation=f"/{greeter.workspace_handle}/{greeter.handle}/greet",
                payload={"name": "Ada"},
                is_package_call=True,
                package_owner=greeter.user_handle,
                package_id=greeter.package_id,
                package_instance_id=greeter.id,
                as_background_task=True,
            )
            return {"type": type(task).__name__, "output": task.wait()}

        step("background_call", background_call)

        def invoke_later() -> Any:
            payload = {
                "instanceHandle": greeter.handle,
                "payload": {
                    "httpVerb": "POST",
                    "invocationPath": "greet",
                    "arguments": {"name": "Bo"},
                },
            }
            task = client.post(
                "package/instance/invoke", payload, expect=Task[Task], as_background_task=True
            )
            task.wait()
            return {"state": task.state, "output": type(task.output).__name__}

        step("invoke_later", invoke_later)

    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
