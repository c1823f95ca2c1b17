"""Drive the official Steamship client (2.17.34) through what the real service models: instances
that initialise, tasks that report remote progress, blocks, a workspace per ``Steamship.use()``.

Run by ``test_official_client_real_service.py`` in the client's own virtual environment:
``python official_client_real_service.py PORT``. Each step is recorded as ``{"ok": value}`` or
``{"error": {"type", "message", "code", "suggestion"}}``; JSON on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from official_client_steps import recorder


def main() -> int:
    port = int(sys.argv[1])
    key = "demo-key"

    from steamship import Steamship
    from steamship.data.package.package_instance import PackageInstance

    results: dict[str, Any] = {}

    step = recorder(results)

    base = f"http://127.0.0.1:{port}/"
    connection = {"api_key": key, "api_base": f"{base}api/v1/", "app_base": base}

    # Steamship.use (the static form): a workspace named after the instance, then the instance
    # there; use() waits while initStatus is "initializing", then the instance answers.
    def use_slow() -> dict[str, Any]:
        started = time.monotonic()
        inst = Steamship.use("slow-init", "init-one", config={"seconds": 2}, **connection)
        waited = time.monotonic() - started
        answer = inst.invoke("ask", question="ready?")
        return {
            "waited": waited,
            "initStatus": inst.init_status,
            "workspaceHandle": inst.workspace_handle,
            "handle": inst.handle,
            "id": inst.id,
            "answer": answer,
        }

    step("use_slow_init", use_slow)

    def invoke_too_early() -> Any:
        inst = Steamship.use(
            "slow-init", "init-early", config={"seconds": 30}, wait_for_init=False, **connection
        )
        return {"initStatus": inst.init_status, "answer": inst.invoke("ask", question="now?")}

    step("invoke_while_initializing", invoke_too_early)

    broken = step(
        "use_broken_init", lambda: Steamship.use("broken-init", "broken-one", **connection)
    )
    if broken is not None:
        results["use_broken_init"] = {
            "ok": {"initStatus": broken.init_status, "workspaceHandle": broken.workspace_handle}
        }
        step("invoke_broken", lambda: broken.invoke("ask", question="hello?"))

    # A task of a package reports its progress in remoteStatusMessage.
    def remote_progress() -> dict[str, Any]:
        job = Steamship.use("slow-job", "job-remote", **connection)
        task = job.task_from_invoke("start", seconds=1.2, steps=3)
        seen: list[list[Any]] = []

        def refreshed(count: int, elapsed: float, current: Any) -> None:
            seen.append([current.state, current.remote_status_message, current.status_message])

        output = task.wait(max_timeout_s=30, retry_delay_s=0.1, on_each_refresh=refreshed)
        return {"seen": seen, "output": output, "state": task.state}

    step("remote_progress", remote_progress)

    # Blocks: an agent's prompt answers blocks; block/raw serves each one's bytes.
    def blocks() -> list[dict[str, Any]]:
        agent = Steamship.use("agent", "agent-one", **connection)
        found = agent.blocks_from_invoke("prompt", prompt="Show me everything")
        out = []
        for block in found:
            raw = block.raw()
            out.append(
                {
                    "id": block.id,
                    "mimeType": block.mime_type,
                    "text": block.text,
                    "isImage": block.is_image(),
                    "isAudio": block.is_audio(),
                    "rawType": type(raw).__name__,
                    "rawHead": raw[:12].hex(),
                    "rawLength": len(raw),
                }
            )
        return out

    step("blocks", blocks)

    # Instances across the workspaces use() made; get by id from another workspace.
    def across() -> dict[str, Any]:
        client = Steamship(workspace="elsewhere", **connection)
        listed = PackageInstance.list(client, across_workspaces=True, page_size=100)
        here = PackageInstance.list(client, page_size=100)
        first = results["use_slow_init"]["ok"]["id"]
        got = client.post("package/instance/get", {"id": first}, expect=PackageInstance)
        return {
            "across": sorted([i.handle, i.workspace_handle] for i in listed.package_instances),
            "here": [i.handle for i in here.package_instances],
            "byId": [got.handle, got.workspace_handle],
        }

    if "ok" in results.get("use_slow_init", {}):
        step("across_workspaces", across)

    print(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
