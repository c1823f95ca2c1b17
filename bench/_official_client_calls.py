"""Runs inside the official client's own environment (steamship==2.17.34), started by
api_overhead.py: times the same echo invocations and task polls, prints JSON seconds per call."""

import json
import sys
import time

from steamship import Steamship


def main() -> None:
    port, calls, warmup = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    client = Steamship(
        api_key="demo-key",
        api_base=f"http://127.0.0.1:{port}/api/v1/",
        app_base=f"http://127.0.0.1:{port}/",
        workspace="bench-official",
    )
    echo = client.use("echo", "bench-echo")
    job = client.use("slow-job", "bench-job")
    task = job.task_from_invoke("start", seconds=3600, steps=1)
    invoke, poll = [], []
    for i in range(warmup + calls):
        start = time.perf_counter()
        echo.invoke("echo", hello="world", i=i)
        if i >= warmup:
            invoke.append(time.perf_counter() - start)
    for i in range(warmup + calls):
        start = time.perf_counter()
        task.refresh()
        if i >= warmup:
            poll.append(time.perf_counter() - start)
    print(json.dumps({"invoke": invoke, "poll": poll}))


if __name__ == "__main__":
    main()
