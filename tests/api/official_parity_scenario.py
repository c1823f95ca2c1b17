"""Make a fixed series of calls with the official client (run in its own virtual environment).

``python official_parity_scenario.py API_BASE APP_BASE KEY`` prints the slow-job task id as JSON;
``test_official_parity.py`` makes the same calls with :class:`SteamshipClient` and compares what the
emulator received from each.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    api_base, app_base, key = sys.argv[1:4]
    from steamship import Steamship
    from steamship.base.tasks import Task
    from steamship.data.package.package import Package
    from steamship.data.package.package_instance import PackageInstance
    from steamship.data.user import User
    from steamship.data.workspace import Workspace
    from steamship.utils.url import Verb

    client = Steamship(api_key=key, api_base=api_base, app_base=app_base, workspace="parity")
    print("--- compared from here ---", file=sys.stderr)
    Workspace.create(client, handle="parity-2")
    Workspace.get(client, handle="parity")
    Workspace.list(client)
    User.current(client)
    Package.get(client, "greeter")
    greeter = client.use("greeter", "parity-g", config={"greeting": "Hi"})
    PackageInstance.get(client, "parity-g")
    PackageInstance.list(client)
    greeter.invoke("greet", name="Ada")
    greeter.invoke("greet", verb=Verb.GET, name="Ada Lovelace")
    greeter.invoke("__dir__", verb=Verb.GET)
    job = client.use("slow-job", "parity-job")
    task = Task(client=client, **job.invoke("start", seconds=0.1, steps=1))
    task.refresh()
    Task.get(client, _id=task.task_id)
    print(json.dumps({"taskId": task.task_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
