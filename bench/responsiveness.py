"""Does the GUI thread keep up while requests run? A 60 Hz heartbeat on the GUI thread of the real
window (offscreen) while 20 requests run at once, each in its own tab, against the emulator in a
process of its own, as a real server would be (``--in-process`` runs it inside, as ``--local``
does, where its threads compete with the window's for the interpreter).

Scenarios: 20 ``echo`` calls with 100 KB bodies; 20 ``faults.big`` answers of 1 MB of JSON; a mix
(echo, images, tasks, faults). The clock starts before the 20 sends, so the time the sends take on
the GUI thread counts. It prints the longest gap between heartbeats beyond the 16.7 ms period
("stall") and the 99th percentile gap (goal: no stall over 16 ms from our code).
Figures only: nothing passes or fails on time.

    python bench/responsiveness.py [--requests N] [--in-process]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PERIOD = 1 / 60


class Heartbeat:
    """Records when a 60 Hz timer on the GUI thread actually fires."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.beat)

    def beat(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> float:
        self.timer.start(int(PERIOD * 1000))
        self.beat()
        return self.ticks[-1]

    def stop(self) -> tuple[float, float, int]:
        """Longest stall beyond the period, 99th percentile gap, number of gaps (seconds)."""
        self.timer.stop()
        gaps = [b - a for a, b in itertools.pairwise(self.ticks)]
        longest = max(gaps)
        p99 = (
            statistics.quantiles(gaps, n=100, method="inclusive")[98] if len(gaps) > 2 else longest
        )
        return max(0.0, longest - PERIOD), p99, len(gaps)


def spin_until(condition, timeout: float = 30.0) -> None:
    """Run the event loop (idle-waiting, as ``app.exec()`` does) until ``condition()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    end = time.monotonic() + timeout
    check = QTimer()

    def poll() -> None:
        if condition() or time.monotonic() > end:
            loop.quit()

    check.timeout.connect(poll)
    check.start(5)
    loop.exec()
    check.stop()
    if not condition():
        raise SystemExit("timed out")


def start_emulator_process() -> tuple[subprocess.Popen, str, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "shipexplorer.emulator", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(server.stdout.readline().split("(port ")[1].split(")")[0])
    base = f"http://127.0.0.1:{port}/"
    return server, f"{base}api/v1/", f"{base}_apps/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--in-process", action="store_true", help="run the emulator inside")
    args = parser.parse_args()
    os.environ.setdefault("SHIPEXPLORER_HOME", tempfile.mkdtemp(prefix="shipexplorer-bench-"))

    from PySide6.QtWidgets import QApplication

    from shipexplorer.api import ConnectionSettings, SteamshipClient
    from shipexplorer.app import (
        AppContext,
        build_context,
        build_services,
        build_window,
        parse_args,
        tune_runtime,
    )
    from shipexplorer.core.profiles import local_profile
    from shipexplorer.emulator import DEMO_API_KEY

    app = QApplication([])
    tune_runtime(app)  # as the app runs: GC on the GUI thread, 1 ms switch interval
    server = None
    if args.in_process:
        context = build_context(parse_args(["--local"]))
        api_base, app_base = context.emulator.api_base, context.emulator.app_base
    else:
        context = AppContext()
        server, api_base, app_base = start_emulator_process()
    services = build_services(context)
    if server is not None:
        services.profiles.add_builtin(local_profile(api_base, app_base), DEMO_API_KEY)
    window = build_window(context, services)
    window.show()
    services.start()
    spin_until(services.clients.has_key)
    settings = ConnectionSettings(api_base=api_base, app_base=app_base, api_key=DEMO_API_KEY)
    with SteamshipClient(settings) as client:  # set-up, before any measuring
        instances = {
            name: client.instance_create(name, f"bench-{name}").value
            for name in ("echo", "faults", "media", "slow-job")
        }
    payload = json.dumps({"items": ["x" * 90 for _ in range(1000)]})
    mix = [
        ("echo", "echo", payload),
        ("media", "image", "{}"),
        ("slow-job", "start", '{"seconds": 30}'),
        ("faults", "fail", '{"message": "no", "http_status": 500}'),
    ]
    n = args.requests
    scenarios = {
        f"{n} x echo, 100 KB bodies": [("echo", "echo", payload)] * n,
        f"{n} x faults.big, 1 MB JSON": [("faults", "big", '{"megabytes": 1}')] * n,
        f"{n} mixed: echo, image, task, fault": [mix[i % 4] for i in range(n)],
    }
    tabs, runner = window.view.tabs, services.runner
    cores, python = os.cpu_count(), platform.python_version()
    where = "in this process" if args.in_process else "in its own process"
    print(f"machine: {platform.machine()}, {cores} cores, Python {python}; emulator {where}")
    print(f"{'scenario':34} {'longest stall':>14} {'p99 gap':>9} {'all done':>9}")
    for name, calls in scenarios.items():
        made = []
        for package, method, body in calls:
            tab = tabs.new_tab(blank=True)
            tab.bind(instances[package], tabs.current_profile(), listed=True)
            tab.panel.set_method(method)
            tab.panel.body_edit.setPlainText(body)
            made.append(tab)
        spin_until(lambda: runner.in_flight() == 0)
        heartbeat = Heartbeat()
        begun = heartbeat.start()
        for tab in made:
            tabs.send(tab)
        spin_until(lambda: runner.in_flight() == 0, timeout=120)
        finished = time.perf_counter() - begun
        settle = max(time.perf_counter() + 0.3, begun + 1.0)
        spin_until(lambda settle=settle: time.perf_counter() > settle)
        stall, p99, beats = heartbeat.stop()
        print(f"{name:34} {stall * 1e3:11.1f} ms {p99 * 1e3:6.1f} ms {finished:7.2f} s ({beats})")
        for tab in made:
            tabs.close_tab(tabs.indexOf(tab))
    services.shutdown()
    context.shutdown()
    if server is not None:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
