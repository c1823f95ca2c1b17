"""Drive the official Steamship client (2.17.34) against an emulator; print the results as JSON.

Run by ``test_official_client.py`` in the client's own virtual environment:
``python official_client_scenario.py PORT``. Each step is recorded as ``{"ok": value}`` or
``{"error": {"type", "message", "code", "suggestion"}}``, so the test asserts on real values.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from official_client_steps import recorder


def main() -> int:
    port = int(sys.argv[1])
    key = sys.argv[2] if len(sys.argv) > 2 else "demo-key"

    import steamship
    from steamship import Steamship
    from steamship.base.tasks import Task
    from steamship.utils.url import Verb

    results: dict[str, Any] = {"version": steamship.__version__}

    step = recorder(results)

    def task_json(task: Task) -> dict[str, Any]:
        return {
            "taskId": task.task_id,
            "state": task.state,
            "output": task.output,
            "statusMessage": task.status_message,
        }

    base = f"http://127.0.0.1:{port}/"
    client = Steamship(
        api_key=key,
        api_base=f"{base}api/v1/",
        app_base=base,
        workspace="scenario-one",
    )
    results["workspace_one"] = {
        "ok": {"handle": client.config.workspace_handle, "id": client.config.workspace_id}
    }

    def switch() -> dict[str, Any]:
        client.switch_workspace(workspace_handle="scenario-two")
        return {"handle": client.config.workspace_handle, "id": client.config.workspace_id}

    step("workspace_two", switch)

    greeter = step(
        "use_greeter",
        lambda: client.use(
            "greeter", "greeter-one", config={"greeting": "Howdy", "punctuation": "?"}
        ),
    )
    if greeter is not None:
        results["use_greeter"] = {
            "ok": {
                "handle": greeter.handle,
                "workspaceHandle": greeter.workspace_handle,
                "userHandle": greeter.user_handle,
                "config": greeter.config,
                "initStatus": greeter.init_status,
            }
        }
        step("greet_post", lambda: greeter.invoke("greet", name="Ada"))
        step("greet_get", lambda: greeter.invoke("greet", verb=Verb.GET, name="Bob"))
        step("unknown_method", lambda: greeter.invoke("nope"))
        step("dir_get", lambda: greeter.invoke("__dir__", verb=Verb.GET))
        step("dir_post", lambda: greeter.invoke("__dir__"))
        step("greet_bad_type", lambda: greeter.invoke("greet", name=42))

    step(
        "use_bad_config",
        lambda: client.use("greeter", "greeter-bad", config={"punctuation": ";"}),
    )

    echo = step("use_echo", lambda: client.use("echo", "echo-one"))
    if echo is not None:
        results["use_echo"] = {"ok": {"handle": echo.handle}}
        step("echo_post", lambda: echo.invoke("echo", a=1, b=[1, 2], c={"d": True}, s="x"))
        step("echo_get", lambda: echo.invoke("echo", verb=Verb.GET, x="1", flag=True))

    job = step("use_slow_job", lambda: client.use("slow-job", "job-one"))
    if job is not None:
        results["use_slow_job"] = {"ok": {"handle": job.handle}}

        def succeed() -> dict[str, Any]:
            task = job.task_from_invoke("start", seconds=0.5, steps=2)
            first = task.state
            output = task.wait(max_timeout_s=30, retry_delay_s=0.1)
            return {"first": first, "output": output, **task_json(task)}

        def fail() -> dict[str, Any]:
            task = job.task_from_invoke("start", seconds=0.3, steps=1, fail=True)
            task.wait(max_timeout_s=30, retry_delay_s=0.1)
            return task_json(task)

        def wrapped() -> dict[str, Any]:
            task = job.invoke("start_wrapped", seconds=0.3, steps=1)
            kind = type(task).__name__
            output = task.wait(max_timeout_s=30, retry_delay_s=0.1)
            return {"kind": kind, "output": output, **task_json(task)}

        def get_task() -> dict[str, Any]:
            task = job.task_from_invoke("start", seconds=0.2, steps=1)
            return task_json(Task.get(client, _id=task.task_id))

        step("task_success", succeed)
        step("task_failure", fail)
        step("task_wrapped", wrapped)
        step("task_get", get_task)

    media = step("use_media", lambda: client.use("media", "media-one"))
    if media is not None:
        results["use_media"] = {"ok": {"handle": media.handle}}

        def image() -> dict[str, Any]:
            data = media.invoke("image")
            return {"type": type(data).__name__, "length": len(data), "head": data[:8].hex()}

        step("media_image", image)
        step("media_markdown", lambda: media.invoke("markdown"))

    def background() -> dict[str, Any]:
        task = client.post(
            "workspace/create",
            {"handle": "scenario-background", "fetchIfExists": True},
            as_background_task=True,
        )
        kind = type(task).__name__
        output = task.wait(max_timeout_s=30, retry_delay_s=0.1)
        return {"kind": kind, "output": output, "state": task.state}

    step("background", background)

    print(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
