"""Does the GUI thread keep up while requests run? A 16 ms frame probe on the GUI thread of the
full window (``bench/_full_window.py``: built as ``shipexplorer --local`` builds it, offscreen,
docks and history on) while requests are sent as a user sends them (each from its own tab, the
Send action), against the emulator in a process of its own (``--local``: the window started
through the app's own launch, its emulator then the app's child process, as ``--local`` runs it).

Cases: single requests (1 x echo of 100 KB, 1 x ``faults.big`` of 1 MB and of 10 MB: a body
under 1 MB is an echo, from 1 MB a ``faults.big`` answer), then ``--requests`` (20) at once: echo
with 100 KB bodies, ``faults.big`` of 1 MB each, and a mix (echo, image, task, fault). Each send
is an event-loop turn of its own, as clicks are (the frame probe can tick between two). The clock
starts before the sends, so the time the sends take on the GUI thread counts, and runs until the
answer is shown (in the current tab: its Tree's first rows) and 0.3 s more (at least 1 s). Each
case runs ``--repeat`` times, the cases interleaved; the medians are printed, with the GUI
thread's own CPU time (the most within one gap, "busy", and in all: figures that depend less on
the load). Budget (issue 17): a single request of any size at most 16 ms, 20 at once at most 33 ms
(two frames). Figures only: nothing passes or fails on time.

    python bench/responsiveness.py [--requests N] [--single 0.1,1,10] [--repeat R]
                                   [--no-mixed] [--local] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _full_window import (
    PERIOD,
    FrameProbe,
    Heartbeat,
    add_common_arguments,
    machine,
    machine_line,
    open_full_window,
    shown,
    spin_for,
    spin_until,
    start_emulator_process,
    write_json,
)

__all__ = ["PERIOD", "Heartbeat", "spin_until", "start_emulator_process"]  # older benches' imports

SINGLE_BUDGET_MS = 16.0
MANY_BUDGET_MS = 33.0


def echo_body(size_bytes: float) -> str:
    """A JSON body of about ``size_bytes`` for ``echo``."""
    items = max(1, int(size_bytes) // 92)
    return json.dumps({"items": ["x" * 90 for _ in range(items)]})


def size_text(megabytes: float) -> str:
    return f"{megabytes * 1000:g} KB" if megabytes < 1 else f"{megabytes:g} MB"


def single_call(megabytes: float) -> tuple[str, str, str]:
    if megabytes < 1:
        return ("echo", "echo", echo_body(megabytes * 1e6))
    return ("faults", "big", json.dumps({"megabytes": megabytes}))


def cases(singles: list[float], n: int, mixed: bool) -> list[dict]:
    """Each case: a key (stable, for the README's table), a name, the calls and the budget."""
    found = []
    for mb in singles:
        package = "echo" if mb < 1 else "faults.big"
        found.append(
            {
                "key": f"single_{size_text(mb).replace(' ', '').lower()}",
                "name": f"1 x {package}, {size_text(mb)}",
                "calls": [single_call(mb)],
                "budget_ms": SINGLE_BUDGET_MS,
            }
        )
    if n > 0:
        hundred = echo_body(1e5)
        found.append(
            {
                "key": "many_1mb",
                "name": f"{n} x faults.big, 1 MB",
                "calls": [("faults", "big", '{"megabytes": 1}')] * n,
                "budget_ms": MANY_BUDGET_MS,
            }
        )
        found.append(
            {
                "key": "many_100kb",
                "name": f"{n} x echo, 100 KB",
                "calls": [("echo", "echo", hundred)] * n,
                "budget_ms": MANY_BUDGET_MS,
            }
        )
        if mixed:
            mix = [
                ("echo", "echo", hundred),
                ("media", "image", "{}"),
                ("slow-job", "start", '{"seconds": 30}'),
                ("faults", "fail", '{"message": "no", "http_status": 500}'),
            ]
            found.append(
                {
                    "key": "mixed",
                    "name": f"{n} mixed: echo, image, task, fault",
                    "calls": [mix[i % 4] for i in range(n)],
                    "budget_ms": None,
                }
            )
    return found


def run_case(full, calls: list[tuple[str, str, str]], timeout: float = 120) -> dict:
    """Fill one tab per call, then (the probe running) send them all; until all are shown."""
    made = [full.new_tab(package, method, body) for package, method, body in calls]
    spin_until(full.idle)
    spin_for(0.2)
    probe = FrameProbe()
    begun = probe.start()
    full.send_each(made)
    gave_up = False
    try:
        spin_until(lambda: full.idle() and all(shown(tab) for tab in made), timeout=timeout)
    except SystemExit:
        gave_up = True  # recorded: "not all shown within timeout"
        waiting = sum(1 for tab in made if not shown(tab))
        print(f"  {waiting} answer(s) not shown within {timeout:g} s", flush=True)
    finished = time.perf_counter() - begun
    settle = max(time.perf_counter() + 0.3, begun + 1.0)
    spin_until(lambda: time.perf_counter() > settle)
    gaps = probe.gaps()
    full.close_tabs(made)
    return {**gaps.as_ms(), "stall_at_s": gaps.stall_at, "done_s": finished, "gave_up": gave_up}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="how many at once (0: none)")
    parser.add_argument(
        "--single", default="0.1,1,10", help="single-request sizes in MB, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case (medians)")
    parser.add_argument("--no-mixed", action="store_true", help="leave the mixed case out")
    parser.add_argument(
        "--give-up", type=float, default=120.0, metavar="S", help="give a case up after S s"
    )
    add_common_arguments(parser)
    args = parser.parse_args()
    singles = [float(s) for s in args.single.split(",") if s.strip()]

    full = open_full_window(args.in_process)
    full.create_instances("echo", "faults", "media", "slow-job")
    chosen = cases(singles, args.requests, not args.no_mixed)
    info = machine()
    print(machine_line(info, full.where))
    size = full.window.size()
    print(f"full window {size.width()}x{size.height()} (offscreen), sent with the Send action")
    # warm-up: the first answer of each kind imports and starts what later ones reuse
    run_case(full, [single_call(0.1), single_call(1)], timeout=60)
    print("warm-up done", flush=True)
    runs: dict[str, list[dict]] = {case["key"]: [] for case in chosen}
    for _ in range(max(1, args.repeat)):
        for case in chosen:
            done = run_case(full, case["calls"], args.give_up)
            runs[case["key"]].append(done)
            print(
                f"  {case['name']}: {done['stall_ms']:.1f} ms, p99 {done['p99_ms']:.1f} ms; "
                f"GUI thread CPU: {done['busy_ms']:.1f} ms at most in one gap, "
                f"{done['gui_cpu_ms']:.0f} ms in all",
                flush=True,
            )
    print(
        f"{'case':36} {'longest stall':>14} {'p99 gap':>9} {'all shown':>10} {'busy':>8} "
        f"{'GUI CPU':>8}  budget"
    )
    results = []
    for case in chosen:
        done = runs[case["key"]]
        stall = statistics.median(r["stall_ms"] for r in done)
        p99 = statistics.median(r["p99_ms"] for r in done)
        took = statistics.median(r["done_s"] for r in done)
        busy = statistics.median(r["busy_ms"] for r in done)
        cpu = statistics.median(r["gui_cpu_ms"] for r in done)
        budget = case["budget_ms"]
        verdict = ""
        if budget is not None:
            verdict = f"{budget:g} ms: {'met' if stall <= budget else 'NOT met'}"
        each = ", ".join(f"{r['stall_ms']:.0f}" for r in done)
        spread = f" (runs: {each} ms)" if len(done) > 1 else ""
        print(
            f"{case['name']:36} {stall:11.1f} ms {p99:6.1f} ms {took:8.2f} s {busy:5.1f} ms "
            f"{cpu:5.0f} ms  {verdict}{spread}"
        )
        results.append(
            {
                "key": case["key"],
                "name": case["name"],
                "requests": len(case["calls"]),
                "stall_ms": stall,
                "p99_ms": p99,
                "done_s": took,
                "busy_ms": busy,
                "gui_cpu_ms": cpu,
                "gave_up": any(r["gave_up"] for r in done),
                "budget_ms": budget,
                "runs": done,
            }
        )
    info["load_average_after"] = machine()["load_average"]
    write_json(
        args.json,
        {
            "bench": "responsiveness",
            "machine": info,
            "where": full.where,
            "repeat": max(1, args.repeat),
            "cases": results,
        },
    )
    full.close()


if __name__ == "__main__":
    main()
