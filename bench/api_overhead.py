"""Per-call overhead of shipexplorer's API layer against bare httpx and the official client.

One in-process emulator; N invocations of ``echo`` and N ``task/status`` polls through
(a) ``shipexplorer.api.SteamshipClient``, (b) a bare ``httpx.Client`` sending the same requests,
(c) the official ``steamship`` client in its own environment (when ``SHIPEXPLORER_STEAMSHIP_PYTHON``
or the test suite's cached environment exists). Prints medians per call and the ratios a/b, a/c.
Figures only: nothing here passes or fails on time.

    python bench/api_overhead.py [--calls N] [--warmup W]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from shipexplorer.api import SteamshipClient
from shipexplorer.emulator import DEMO_API_KEY, Emulator

HERE = Path(__file__).resolve().parent
BODY = {"hello": "world"}


def timed(fn: Callable[[int], object], calls: int, warmup: int) -> list[float]:
    out = []
    for i in range(warmup + calls):
        start = time.perf_counter()
        fn(i)
        if i >= warmup:
            out.append(time.perf_counter() - start)
    return out


def through_api_layer(emu: Emulator, calls: int, warmup: int) -> dict[str, list[float]]:
    settings = emu.settings("bench-api", api_key=DEMO_API_KEY)
    client = SteamshipClient(settings)
    try:
        client.workspace_create("bench-api")
        echo = client.instance_create("echo", "bench-echo").value
        job = client.instance_create("slow-job", "bench-job").value
        task = client.invoke(job, "start", {"seconds": 3600, "steps": 1}).task
        return {
            "invoke": timed(lambda i: client.invoke(echo, "echo", {**BODY, "i": i}), calls, warmup),
            "poll": timed(lambda i: client.task_status(task.task_id), calls, warmup),
        }
    finally:
        client.close()


def through_bare_httpx(emu: Emulator, calls: int, warmup: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {DEMO_API_KEY}", "X-Workspace-Handle": "bench-httpx"}
    with httpx.Client(headers=headers) as http:
        http.post(f"{emu.api_base}workspace/create", json={"handle": "bench-httpx"})
        for package, handle in (("echo", "bench-echo"), ("slow-job", "bench-job")):
            body = {"packageHandle": package, "handle": handle, "fetchIfExists": True}
            http.post(f"{emu.api_base}package/instance/create", json=body).raise_for_status()
        app = f"{emu.app_base}bench-httpx/"
        task_id = http.post(f"{app}bench-job/start", json={"seconds": 3600}).json()["taskId"]

        def invoke(i: int) -> object:
            return http.post(f"{app}bench-echo/echo", json={**BODY, "i": i}).json()

        def poll(_: int) -> object:
            return http.post(f"{emu.api_base}task/status", json={"taskId": task_id}).json()

        return {"invoke": timed(invoke, calls, warmup), "poll": timed(poll, calls, warmup)}


def official_python() -> str | None:
    explicit = os.environ.get("SHIPEXPLORER_STEAMSHIP_PYTHON")
    if explicit:
        return explicit
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidate = cache / "shipexplorer-tests" / "steamship-2.17.34" / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def through_official_client(emu: Emulator, calls: int, warmup: int) -> dict | None:
    python = official_python()
    if python is None:
        return None
    script = HERE / "_official_client_calls.py"
    out = subprocess.run(
        [python, str(script), str(emu.port), str(calls), str(warmup)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode != 0:
        print(f"(official client run failed: {out.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    cores, python = os.cpu_count(), platform.python_version()
    print(f"machine: {platform.machine()}, {cores} cores, Python {python}")
    print(f"{args.calls} calls each after {args.warmup} warm-up calls; medians in milliseconds")
    with Emulator(port=0) as emu:
        runs = {
            "a: shipexplorer.api": through_api_layer(emu, args.calls, args.warmup),
            "b: bare httpx": through_bare_httpx(emu, args.calls, args.warmup),
        }
        official = through_official_client(emu, args.calls, args.warmup)
        if official is not None:
            runs["c: official client"] = official
        else:
            print("(c) skipped: no environment with steamship==2.17.34 found")
    medians = {
        name: {op: statistics.median(values) for op, values in result.items()}
        for name, result in runs.items()
    }
    print(f"{'client':24} {'invoke echo':>12} {'task/status':>12}")
    for name, m in medians.items():
        print(f"{name:24} {m['invoke'] * 1e3:12.3f} {m['poll'] * 1e3:12.3f}")
    a = medians["a: shipexplorer.api"]
    for label, key in (("a/b", "b: bare httpx"), ("a/c", "c: official client")):
        if key in medians:
            other = medians[key]
            print(
                f"ratio {label}: invoke {a['invoke'] / other['invoke']:.2f}, "
                f"task/status {a['poll'] / other['poll']:.2f}"
            )


if __name__ == "__main__":
    main()
