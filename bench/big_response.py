"""Big JSON answers: how soon is the first view usable, does the GUI thread stall, what memory?

For each size (default 10, 50 and 100 MB) a ``faults.big`` answer comes from the emulator running
in its own process, through the app's services (RequestRunner: streamed, spooled to a file above
2 MB, the JSON parsed and served by a child process), with a 60 Hz heartbeat on the GUI thread. No
window is built: this measures the data side of the response viewer.

Figures per size:
- first usable view: from the send until the answer is delivered (document and text source
  open) AND the root's first 100 children have arrived; also the part after the body was complete
  ("open", which excludes the download both approaches share);
- longest GUI stall: the longest gap between heartbeats minus the 16.7 ms period;
- peak memory: the app process's growth (Linux ``VmHWM`` after, reset with ``/proc/self/clear_refs``
  before, minus ``VmRSS`` before) plus the child's whole peak (its ``VmHWM``);
- the naive baseline, in the same run: a fresh process reads the same bytes and runs ``json.loads``
  on them: its parse time, and its growth (``VmHWM`` after minus ``VmRSS`` before reading: the body
  bytes plus the objects, which is what holding and parsing the body in the app costs).
Goals (issue 5): no stall over 16 ms; open at most half the naive parse time; peak memory no higher
than the naive's. Figures only: nothing passes or fails.

    python bench/big_response.py [--sizes 10,50,100]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from responsiveness import Heartbeat, spin_until, start_emulator_process

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NAIVE = r"""
import json, sys, time
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
before = status("VmRSS")
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
value = json.loads(data)
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "growth": status("VmHWM") - before, "items": len(value)}))
"""


def status(key: str, pid: int | str = "self") -> int:
    """A ``/proc/<pid>/status`` figure in bytes (0 when unknown: not Linux)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
    except OSError:
        pass


def mb(size: float) -> str:
    return f"{size / 1e6:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100", help="megabytes, comma-separated")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    os.environ.setdefault("SHIPEXPLORER_HOME", tempfile.mkdtemp(prefix="shipexplorer-bench-"))

    from PySide6.QtWidgets import QApplication

    from shipexplorer.api import ConnectionSettings, SteamshipClient
    from shipexplorer.app import AppContext, build_services, tune_runtime
    from shipexplorer.core.profiles import local_profile
    from shipexplorer.emulator import DEMO_API_KEY
    from shipexplorer.services.document_queries import DocumentQueries

    app = QApplication([])
    tune_runtime(app)  # as the app runs: GC on the GUI thread, 1 ms switch interval
    server, api_base, app_base = start_emulator_process()
    services = build_services(AppContext())
    services.profiles.add_builtin(local_profile(api_base, app_base), DEMO_API_KEY)
    services.start()
    spin_until(services.clients.has_key)
    settings = ConnectionSettings(api_base=api_base, app_base=app_base, api_key=DEMO_API_KEY)
    with SteamshipClient(settings) as client:
        faults = client.instance_create("faults", "bench-faults").value
    runner, queries = services.runner, DocumentQueries(services.pool)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; emulator in its own process; spool threshold "
        f"{mb(runner.spool_threshold)}"
    )
    header = (
        f"{'size':>6} {'usable':>8} {'open':>7} {'stall':>8} {'app+child mem':>14} | "
        f"{'naive parse':>11} {'naive mem':>10} | {'open/naive':>10} {'mem/naive':>9}"
    )
    heartbeat = Heartbeat()
    heartbeat.start()
    settle = time.perf_counter() + 1.0
    spin_until(lambda: time.perf_counter() > settle)
    idle = heartbeat.stop()[0]
    print(f"idle heartbeat (nothing running): longest stall {idle * 1e3:.1f} ms")
    print(header)
    try:
        for number, size in enumerate([3.0, *sizes]):
            row = measure(size, runner, queries, faults)
            if number == 0:
                print(
                    f"warm-up, 3 MB (first big answer: imports, the JSON process starts): usable "
                    f"{row['usable']:.2f}s, stall {row['stall'] * 1e3:.1f}ms"
                )
                continue
            print(
                f"{mb(row['bytes']):>6} {row['usable']:7.2f}s {row['open']:6.2f}s "
                f"{row['stall'] * 1e3:6.1f}ms {mb(row['memory']):>14} | "
                f"{row['naive_seconds']:10.2f}s {mb(row['naive_growth']):>10} | "
                f"{row['open'] / row['naive_seconds']:10.2f} "
                f"{row['memory'] / row['naive_growth']:9.2f}"
            )
            print(
                f"       (app +{mb(row['app_growth'])}, child peak {mb(row['child_peak'])}, "
                f"download {row['download']:.2f}s, delivered at {row['delivered']:.2f}s, "
                f"longest stall at {row['stall_at']:.2f}s, {row['beats']} heartbeats)"
            )
    finally:
        services.shutdown()
        server.terminate()
        server.wait(10)


def measure(size: float, runner, queries, faults) -> dict:
    """One answer of ``size`` MB: see the module docstring for what is measured."""
    answers: list = []
    complete: list[float] = []
    got_children: list[float] = []

    def on_progress(_rid: int, received: int, total: int) -> None:
        if received == total and not complete:
            complete.append(time.perf_counter())

    def on_finished(_rid: int, answer) -> None:
        answers.append((time.perf_counter(), answer))
        if answer.document is not None:
            queries.children(
                answer.document,
                (),
                0,
                100,
                lambda nodes: got_children.append(time.perf_counter()),
            )

    runner.progress.connect(on_progress)
    runner.finished.connect(on_finished)
    runner.failed.connect(lambda _rid, p: answers.append((time.perf_counter(), p)))
    rss_before = status("VmRSS")
    reset_peak()
    heartbeat = Heartbeat()
    begun = heartbeat.start()
    runner.send(faults, "big", json.dumps({"megabytes": size}))
    spin_until(lambda: bool(got_children) or (answers and answers[0][1].kind == "error"), 600)
    settle = time.perf_counter() + 0.3
    spin_until(lambda: time.perf_counter() > settle)
    stall, _p99, beats = heartbeat.stop()
    gaps = [(b - a, a) for a, b in itertools.pairwise(heartbeat.ticks)]
    stall_at = max(gaps)[1] - begun if gaps else 0.0
    runner.progress.disconnect(on_progress)
    runner.finished.disconnect(on_finished)
    delivered, answer = answers[0]
    if answer.kind == "error":
        raise SystemExit(f"the request failed: {answer.body_text}")
    app_growth = max(0, status("VmHWM") - rss_before)
    child_peak = answer.document.peak_memory() or 0
    naive = json.loads(
        subprocess.run(
            [sys.executable, "-c", NAIVE, answer.body_file],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    row = {
        "bytes": answer.size,
        "usable": got_children[0] - begun,
        "open": got_children[0] - (complete[0] if complete else begun),
        "download": (complete[0] if complete else delivered) - begun,
        "delivered": delivered - begun,
        "stall": stall,
        "stall_at": stall_at,
        "beats": beats,
        "app_growth": app_growth,
        "child_peak": child_peak,
        "memory": app_growth + child_peak,
        "naive_seconds": naive["seconds"],
        "naive_growth": naive["growth"],
    }
    answer.close()
    return row


if __name__ == "__main__":
    main()
