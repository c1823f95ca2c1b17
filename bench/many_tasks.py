"""Watching 1,000 tasks at once: polls sent, end-to-display delay, GUI stalls, memory.

The full window as ``shipexplorer --local`` builds it (``bench/_full_window.py``: its tracker,
history and docks, the Tasks dock raised) watches ``--tasks`` slow jobs of random lengths
(``--min-seconds`` to ``--max-seconds``, 1 to 3 steps) against the emulator in a process of its own
(``--local``: the window started as ``shipexplorer --local`` starts it). The jobs are started one
after the other from a plain thread through the window's clients, so the tracker picks each up from
its answer, as in the app. A 16 ms frame probe on the GUI thread runs while the tasks are started (a
thread sending 1,000 calls, the tracker and the dock adding 1,000 rows) and then while they are
watched until the last end. The poll schedule is the app's own unless ``--rate``, ``--concurrent``
or ``--ceiling`` is given. Budget (issue 17): at most 16 ms watching 1,000 tasks.

The emulator computes a task's state from its clock, so a task ends on the server exactly at
``taskCreatedOn + seconds``; the delay is from then to the tracker's ``taskEnded``. The polls are
counted as they are sent; the official client's fixed loop (sleep 1 s, poll) sends
``ceil(duration)`` polls per task. Figures only: nothing passes or fails on time.

    python bench/many_tasks.py [--tasks N] [--rate R] [--concurrent C] [--ceiling S]
                               [--gc-freeze] [--switch-interval MS] [--local] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _full_window import (
    Heartbeat,
    add_common_arguments,
    machine,
    open_full_window,
    spin_until,
    write_json,
)

WATCHING_BUDGET_MS = 16.0


def rss_mb() -> float:
    """Resident memory now (Linux /proc; else the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class GcPauses:
    """The full (generation 2) collections and the longest one, on any thread."""

    def __init__(self) -> None:
        self.count, self.longest, self._began = 0, 0.0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.count += 1
            self.longest = max(self.longest, time.perf_counter() - self._began)

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)


class CpuProbe(Heartbeat):
    """The frame probe, also noting at each tick the GUI thread's CPU time and the whole
    process's: a gap in which the GUI thread itself ran is our GUI code (or a collection); one
    in which the process ran but not the GUI thread is a worker holding the interpreter lock;
    one in which neither ran is the machine, busy with other processes."""

    def __init__(self) -> None:
        super().__init__()
        self.both: list[tuple[float, float]] = []  # (GUI thread, process) CPU time at each tick

    def beat(self) -> None:
        super().beat()
        self.both.append((time.thread_time(), time.process_time()))

    def busiest(self) -> tuple[float, float, float, float]:
        """(GUI-thread CPU, process CPU) inside the longest gap, and the most GUI-thread CPU
        and process CPU inside any one gap (seconds)."""
        rows = [
            (b - a, gb - ga, pb - pa)
            for a, b, (ga, pa), (gb, pb) in zip(
                self.ticks, self.ticks[1:], self.both, self.both[1:], strict=False
            )
        ]
        if not rows:
            return 0.0, 0.0, 0.0, 0.0
        _, gui, process = max(rows)
        return gui, process, max(r[1] for r in rows), max(r[2] for r in rows)


class SlotTimer:
    """How long the tracker's own code holds the GUI thread, per call (wall and CPU time)."""

    NAMES = ("_tick", "_polled", "_on_seen", "_restored", "_key_ready")

    def __init__(self, cls: type) -> None:
        self.longest: dict[str, tuple[float, float]] = {}
        self.total = 0.0
        for name in self.NAMES:  # those the tracker still has
            if callable(getattr(cls, name, None)):
                setattr(cls, name, self._wrap(name, getattr(cls, name)))

    def _wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                self.total += wall
                if wall > self.longest.get(name, (0.0, 0.0))[0]:
                    self.longest[name] = (wall, cpu)

        timed.__name__ = fn.__name__
        return timed

    def worst(self) -> tuple[str, float, float]:
        if not self.longest:
            return "none", 0.0, 0.0
        name, (wall, cpu) = max(self.longest.items(), key=lambda item: item[1][0])
        return name, wall, cpu


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--max-seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, help="max polls per second (the app's: 20)")
    parser.add_argument("--concurrent", type=int, help="max polls in flight (the app's: 4)")
    parser.add_argument("--ceiling", type=float, help="max poll interval in s (the app's: 5)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after set-up, so full collections skip the start-up objects",
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        help="sys.setswitchinterval in ms (Python's default: 5): how long a busy worker may hold "
        "the interpreter lock while the GUI thread waits",
    )
    add_common_arguments(parser)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="shipexplorer-bench-"))
    os.environ["SHIPEXPLORER_HOME"] = str(home)

    from shipexplorer.services.task_tracker import TaskTracker

    slots = SlotTimer(TaskTracker)  # before the window builds its tracker
    full = open_full_window(args.in_process)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval / 1000)
    services, window = full.services, full.window
    clients, tracker = services.clients, services.tracker
    schedule = retune(tracker, args.rate, args.concurrent, args.ceiling)
    settings = clients.settings()
    assert settings is not None
    client = clients.client_for(settings)
    client.workspace_create("bench")
    settings = settings.replace(workspace_handle="bench")
    client = clients.client_for(settings)
    client.instance_create("slow-job", "bench-slow")
    clients.profile_name_for(settings)

    polls: list[float] = []
    clients.add_exchange_listener(
        lambda ex, s, n: (
            polls.append(time.time())
            if ex.request is not None and ex.request.operation == "task/status"
            else None
        )
    )
    spin_until(lambda: getattr(tracker, "_loaded", True))
    panel_note = raise_tasks_dock(window)

    rng = random.Random(args.seed)
    jobs = [
        (round(rng.uniform(args.min_seconds, args.max_seconds), 2), rng.randint(1, 3))
        for _ in range(args.tasks)
    ]
    ends: dict[str, float] = {}  # task id -> when it ends on the server (epoch seconds)
    lengths: dict[str, float] = {}
    shown: dict[str, float] = {}
    tracker.taskEnded.connect(lambda tid: shown.setdefault(tid, time.time()))
    failures: list[str] = []

    def start_all() -> None:
        starter = clients.client_for(settings)
        for seconds, steps in jobs:
            try:
                task = starter.invoke(
                    "bench-slow", "start", {"seconds": seconds, "steps": steps}
                ).task
            except Exception as exc:  # report, go on
                failures.append(str(exc))
                continue
            ends[task.task_id] = epoch(task.task_created_on) + seconds
            lengths[task.task_id] = seconds

    idle = Heartbeat()  # the same heartbeat with nothing of ours running: the machine's own noise
    idle.start()
    settle = time.perf_counter() + 3.0
    spin_until(lambda: time.perf_counter() > settle)
    idle_stall, idle_p99, _ = idle.stop()
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    gc_pauses = GcPauses()
    rss_before = rss_mb()
    heartbeat = CpuProbe()
    begun_wall, begun = time.time(), heartbeat.start()
    starter = threading.Thread(target=start_all, name="bench-starter")
    starter.start()
    spin_until(lambda: not starter.is_alive(), timeout=300)
    started_in = time.perf_counter() - begun
    start_stall, start_p99, _ = heartbeat.stop()
    start_cpu = heartbeat.busiest()
    heartbeat = CpuProbe()  # from here on: watching, no more starts
    heartbeat.start()
    rss_peak = rss_mb()

    sampled = time.perf_counter()

    def all_shown() -> bool:
        nonlocal rss_peak, sampled
        if time.perf_counter() - sampled > 0.5:  # reading /proc costs: twice a second
            rss_peak, sampled = max(rss_peak, rss_mb()), time.perf_counter()
        return len(shown) >= len(ends)

    spin_until(all_shown, timeout=args.max_seconds + 120)
    watch_cpu = heartbeat.busiest()
    stall, p99, beats = heartbeat.stop()
    gc_pauses.stop()
    tracked_objects = len(gc.get_objects())
    elapsed = time.perf_counter() - begun
    counts = tracker.counts()
    full.close()
    shutil.rmtree(home, ignore_errors=True)  # profiles and the saved task list of this run

    delays = sorted(shown[t] - ends[t] for t in ends if t in shown)
    sent = len(polls)
    fixed = sum(math.ceil(lengths[t]) for t in ends)
    per_second = Counter(int(t - begun_wall) for t in polls)
    cores, python = os.cpu_count(), platform.python_version()
    info = machine()
    load = info["load_average"][0]
    print(
        f"machine: {platform.machine()}, {cores} cores, Python {python}, load average {load:.1f}; "
        f"{full.where}"
    )
    print(
        f"{len(ends)} tasks of {args.min_seconds:g}-{args.max_seconds:g} s (1-3 steps), started in "
        f"{started_in:.1f} s; poll schedule: {schedule}"
    )
    if failures:
        print(f"{len(failures)} starts failed, e.g. {failures[0]}")
    print(f"view: {panel_note}")
    print(f"all ended and shown after {elapsed:.1f} s; states: {dict(counts)}")
    print(
        f"polls sent: {sent} ({sent / elapsed:.0f}/s on average, peak {max(per_second.values())}/s)"
        f"; the fixed 1 s loop: {fixed} ({sent / fixed:.2f}x)"
    )
    print(
        f"end-to-display delay: median {statistics.median(delays):.2f} s, "
        f"p95 {percentile(delays, 95):.2f} s, max {delays[-1]:.2f} s"
    )
    print(
        f"GUI while watching: longest stall {stall * 1e3:.1f} ms, p99 gap {p99 * 1e3:.1f} ms "
        f"({beats} beats); while starting the tasks: {start_stall * 1e3:.1f} ms, p99 "
        f"{start_p99 * 1e3:.1f} ms; idle for 3 s before: {idle_stall * 1e3:.1f} ms, p99 "
        f"{idle_p99 * 1e3:.1f} ms"
    )
    for phase, (gui, process, gui_most, process_most) in (
        ("watching", watch_cpu),
        ("starting", start_cpu),
    ):
        print(
            f"CPU inside the frame gaps {phase}: the longest gap had {gui * 1e3:.1f} ms of the "
            f"GUI thread and {process * 1e3:.1f} ms of the process; at most {gui_most * 1e3:.1f} "
            f"ms of the GUI thread and {process_most * 1e3:.1f} ms of the process in one gap"
        )
    name, wall, cpu = slots.worst()
    print(
        f"tracker callbacks on the GUI thread (what they trigger included): {slots.total:.2f} s; "
        f"longest {name} "
        f"{wall * 1e3:.1f} ms ({cpu * 1e3:.1f} ms of CPU)"
    )
    print(
        f"garbage collector: {gc_pauses.count} full collections, longest "
        f"{gc_pauses.longest * 1e3:.1f} ms (holding the interpreter lock)"
        + ("; gc.freeze() after set-up" if args.gc_freeze else "")
        + f"; switch interval {sys.getswitchinterval() * 1e3:g} ms; "
        f"{tracked_objects} objects tracked (not frozen) at the end"
    )
    print(f"memory: RSS {rss_before:.0f} MB before the tasks, {rss_peak:.0f} MB at the peak")
    write_json(
        args.json,
        {
            "bench": "many_tasks",
            "machine": info,
            "where": full.where,
            "tasks": len(ends),
            "failed_starts": len(failures),
            "min_seconds": args.min_seconds,
            "max_seconds": args.max_seconds,
            "schedule": schedule,
            "started_in_s": started_in,
            "elapsed_s": elapsed,
            "watching_stall_ms": stall * 1e3,
            "watching_p99_ms": p99 * 1e3,
            "watching_gui_cpu_max_ms": watch_cpu[2] * 1e3,
            "watching_process_cpu_max_ms": watch_cpu[3] * 1e3,
            "starting_gui_cpu_max_ms": start_cpu[2] * 1e3,
            "starting_stall_ms": start_stall * 1e3,
            "starting_p99_ms": start_p99 * 1e3,
            "idle_stall_ms": idle_stall * 1e3,
            "budget_stall_ms": WATCHING_BUDGET_MS,
            "polls": sent,
            "fixed_loop_polls": fixed,
            "delay_median_s": statistics.median(delays) if delays else None,
            "delay_p95_s": percentile(delays, 95) if delays else None,
            "delay_max_s": delays[-1] if delays else None,
            "rss_before_mb": rss_before,
            "rss_peak_mb": rss_peak,
            "full_collections": gc_pauses.count,
            "longest_full_collection_ms": gc_pauses.longest * 1e3,
            "tracked_objects": tracked_objects,
        },
    )


def retune(tracker, rate, concurrent, ceiling) -> str:
    """The tracker's poll schedule: the app's own, or the one asked for (a bench-only change
    of the tracker's private schedule). Returns it in words."""
    schedule = getattr(tracker, "_schedule", None)
    if schedule is not None and (rate or concurrent or ceiling):
        from shipexplorer.core.poll_schedule import PollSchedule

        tracker._schedule = schedule = PollSchedule(
            min_interval=getattr(schedule, "min_interval", 0.5),
            max_interval=ceiling or getattr(schedule, "max_interval", 5.0),
            max_concurrent=concurrent or getattr(schedule, "max_concurrent", 4),
            max_per_second=rate or getattr(schedule, "max_per_second", 20.0),
        )
    if schedule is None:
        return "the app's"
    return (
        f"ceiling {getattr(schedule, 'max_interval', '?')} s, at most "
        f"{getattr(schedule, 'max_concurrent', '?')} polls in flight and "
        f"{getattr(schedule, 'max_per_second', '?')} per second"
    )


def raise_tasks_dock(window) -> str:
    """The Tasks dock in front (the docks start tabbed together), so its rows paint."""
    docks = getattr(window, "docks", None)
    panel = getattr(docks, "task_panel", None) if docks is not None else None
    if panel is None:
        return "no Tasks dock found"
    widget = panel
    from PySide6.QtWidgets import QDockWidget

    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    if widget is None:
        return "the Tasks panel, outside a dock"
    widget.show()
    widget.raise_()
    return "the Tasks dock raised in the full window (offscreen)"


if __name__ == "__main__":
    main()
