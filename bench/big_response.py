"""Big JSON answers: how soon is the first view usable, does the GUI thread stall, what memory?

Two paths, each in a fresh process of its own (``--path both``, the default, runs one then the
other and prints both):

- **full**: the full window as ``shipexplorer --local`` builds it (``bench/_full_window.py``:
  docks, history writing, the answer's tab), the request sent as a user sends it (its tab's
  Send action), a 16 ms frame probe on the GUI thread; "usable" is from the send until the
  answer's tab shows it (the Tree's first rows).
- **narrow**: the data side alone, as this benchmark measured before the full window: the app's
  services without a window (RequestRunner: streamed, spooled to a file above 2 MB, the JSON
  parsed and served by a child process); "usable" is until the root's first 100 children arrived.

For each size (default 10, 50 and 100 MB) a ``faults.big`` answer comes from the emulator running
in its own process (``--local``: the full path's window started as ``shipexplorer --local``).
Figures per size:
- first usable view (see above); for the narrow path also the part after the body was complete
  ("open", which excludes the download both approaches share);
- longest GUI stall: the longest gap between frame-probe ticks minus the 16.7 ms period, and the
  99th percentile gap;
- peak memory: the app process's growth (Linux ``VmHWM`` after, reset with ``/proc/self/clear_refs``
  before, minus ``VmRSS`` before) plus the JSON child's whole peak (its ``VmHWM``);
- the naive baseline (narrow path), in the same run: a fresh process reads the same bytes and runs
  ``json.loads`` on them: its parse time, and its growth.
Goals (issues 5 and 17): no stall over 16 ms; open at most half the naive parse time; peak memory
no higher than the naive's; the 100 MB figures no worse than before. Figures only: nothing passes
or fails.

    python bench/big_response.py [--sizes 10,50,100] [--path both|full|narrow] [--local]
                                 [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _full_window import (
    FrameProbe,
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
from _proc import reset_peak, status

Heartbeat = FrameProbe
STALL_BUDGET_MS = 16.0

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


def mb(size: float) -> str:
    return f"{size / 1e6:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100", help="megabytes, comma-separated")
    parser.add_argument("--path", choices=("both", "full", "narrow"), default="both")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the 3 MB warm-up answer")
    parser.add_argument(
        "--give-up",
        type=float,
        default=120.0,
        metavar="S",
        help="full path: stop waiting for an answer to be shown after S seconds (its figures "
        "are those up to then)",
    )
    add_common_arguments(parser)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    warm_up = [] if args.no_warm_up else [3.0]
    if args.path == "both":
        both(args)
    elif args.path == "full":
        full_main(sizes, warm_up, args.in_process, args.json, args.give_up)
    else:
        narrow_main(sizes, warm_up, args.json)


def both(args: argparse.Namespace) -> None:
    """Each path in a fresh process of its own, one after the other; one JSON of both."""
    parts = {}
    with tempfile.TemporaryDirectory(prefix="shipexplorer-bench-") as folder:
        for path in ("full", "narrow"):
            out = Path(folder) / f"{path}.json"
            command = [sys.executable, __file__, "--path", path, "--sizes", args.sizes]
            command += ["--json", str(out)]
            command += ["--no-warm-up"] if args.no_warm_up else []
            command += ["--give-up", str(args.give_up)] if path == "full" else []
            command += ["--local"] if args.in_process and path == "full" else []
            print(f"-- {path} path", flush=True)
            status = subprocess.run(command, check=False).returncode
            if status != 0:
                raise SystemExit(f"the {path} path failed (exit status {status})")
            parts[path] = json.loads(out.read_text(encoding="utf-8"))
    write_json(
        args.json,
        {
            "bench": "big_response",
            "machine": parts["full"]["machine"],
            "full": parts["full"],
            "narrow": parts["narrow"],
        },
    )


def full_main(
    sizes: list[float], warm_up: list[float], in_process: bool, json_path, give_up: float
) -> None:
    """The full window: each answer sent from a tab, until that tab shows it."""
    full = open_full_window(in_process)
    full.create_instances("faults")
    info = machine()
    print(machine_line(info, f"{full.where}; the full window, sent with the Send action"))
    probe = FrameProbe()
    probe.start()
    spin_for(1.0)
    idle = probe.gaps()
    print(f"idle frame probe (nothing running): longest stall {idle.stall * 1e3:.1f} ms")
    print(f"{'size':>6} {'usable':>8} {'stall':>8} {'p99 gap':>8} {'app+child mem':>14}")
    rows = []
    try:
        for number, size in enumerate([*warm_up, *sizes]):
            row = measure_full(full, size, give_up)
            if number < len(warm_up):
                print(
                    f"warm-up, {size:g} MB: usable {row['usable']:.2f}s, "
                    f"stall {row['stall'] * 1e3:.1f}ms"
                )
                continue
            rows.append(row)
            late = ">" if row["gave_up"] else " "
            print(
                f"{mb(row['bytes']):>6}{late}{row['usable']:7.2f}s {row['stall'] * 1e3:6.1f}ms "
                f"{row['p99'] * 1e3:6.1f}ms {mb(row['memory']):>14}"
            )
            print(
                f"       (app +{mb(row['app_growth'])}, child peak {mb(row['child_peak'])}, "
                f"delivered at {row['delivered']:.2f}s, longest stall at {row['stall_at']:.2f}s, "
                f"{row['beats']} ticks)"
            )
            if row["gave_up"]:
                print(f"       not shown within {give_up:g} s (figures up to then)")
    finally:
        full.close()
    info["load_average_after"] = machine()["load_average"]
    write_json(
        json_path,
        {
            "bench": "big_response",
            "path": "full",
            "machine": info,
            "where": full.where,
            "idle_stall_ms": idle.stall * 1e3,
            "budget_stall_ms": STALL_BUDGET_MS,
            "give_up_s": give_up,
            "sizes": [json_row(row, size) for row, size in zip(rows, sizes, strict=True)],
        },
    )


def json_row(row: dict, size: float) -> dict:
    """A row in milliseconds and megabytes, for the README's table."""
    out = {"megabytes": size, "stall_ms": row["stall"] * 1e3, "p99_ms": row["p99"] * 1e3}
    for key, value in row.items():
        if key in ("stall", "p99"):
            continue
        if key in ("memory", "app_growth", "child_peak", "naive_growth", "bytes"):
            out[f"{key}_mb"] = value / 1e6
        else:
            out[key] = value
    return out


def measure_full(full, size: float, give_up: float) -> dict:
    """One ``faults.big`` answer of ``size`` MB sent from a tab of the full window."""
    tab = full.new_tab("faults", "big", json.dumps({"megabytes": size}))
    delivered: list[float] = []

    def on_finished(_rid: int, _answer) -> None:
        delivered.append(time.perf_counter())

    runner = full.services.runner
    spin_until(full.idle)
    spin_for(0.2)
    runner.finished.connect(on_finished)
    rss_before = status("VmRSS")
    reset_peak()
    probe = FrameProbe()
    begun = probe.start()
    full.send(tab)
    gave_up = False
    try:
        spin_until(lambda: shown(tab), give_up)
    except SystemExit:
        gave_up = True  # the figure is "not usable within give_up seconds"
    usable = time.perf_counter() - begun
    spin_for(0.3)
    gaps = probe.gaps()
    runner.finished.disconnect(on_finished)
    answer = tab.response.answer
    if answer is None and gave_up:
        raise SystemExit(f"no answer within {give_up:g} s")
    if answer is None or answer.kind == "error":
        raise SystemExit("the request failed")
    document = getattr(answer, "document", None)
    peak = getattr(document, "peak_memory", None)
    app_growth = max(0, status("VmHWM") - rss_before)
    child_peak = (peak() if callable(peak) else 0) or 0
    row = {
        "bytes": answer.size,
        "usable": usable,
        "gave_up": gave_up,
        "delivered": (delivered[0] - begun) if delivered else usable,
        "stall": gaps.stall,
        "p99": gaps.p99,
        "stall_at": gaps.stall_at,
        "beats": gaps.beats,
        "app_growth": app_growth,
        "child_peak": child_peak,
        "memory": app_growth + child_peak,
    }
    full.close_tabs([tab])
    spin_for(0.2)
    return row


def narrow_main(sizes: list[float], warm_up: list[float], json_path) -> None:
    """The services without a window, as this benchmark measured before the full window."""
    os.environ.setdefault("SHIPEXPLORER_HOME", tempfile.mkdtemp(prefix="shipexplorer-bench-"))

    from PySide6.QtWidgets import QApplication

    from shipexplorer.api import ConnectionSettings, SteamshipClient
    from shipexplorer.app import AppContext, build_services, tune_runtime
    from shipexplorer.core.profiles import local_profile
    from shipexplorer.emulator import DEMO_API_KEY
    from shipexplorer.services.document_queries import DocumentQueries

    app = QApplication([])
    tune_runtime(app)  # as the app runs: GC on the GUI thread
    server, api_base, app_base = start_emulator_process()
    services = build_services(AppContext())
    services.profiles.add_builtin(local_profile(api_base, app_base), DEMO_API_KEY)
    services.start()
    spin_until(services.clients.has_key)
    settings = ConnectionSettings(api_base=api_base, app_base=app_base, api_key=DEMO_API_KEY)
    with SteamshipClient(settings) as client:
        faults = client.instance_create("faults", "bench-faults").value
    runner, queries = services.runner, DocumentQueries(services.pool)
    info = machine()
    where = f"emulator in its own process; no window; spool threshold {mb(runner.spool_threshold)}"
    print(machine_line(info, where))
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
    rows = []
    try:
        for number, size in enumerate([*warm_up, *sizes]):
            row = measure(size, runner, queries, faults)
            if number < len(warm_up):
                print(
                    f"warm-up, {size:g} MB (first big answer: imports, the JSON process starts): "
                    f"usable {row['usable']:.2f}s, stall {row['stall'] * 1e3:.1f}ms"
                )
                continue
            rows.append(row)
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
    info["load_average_after"] = machine()["load_average"]
    write_json(
        json_path,
        {
            "bench": "big_response",
            "path": "narrow",
            "machine": info,
            "where": "no window (narrow path)",
            "idle_stall_ms": idle * 1e3,
            "budget_stall_ms": STALL_BUDGET_MS,
            "sizes": [json_row(row, size) for row, size in zip(rows, sizes, strict=True)],
        },
    )


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
    gaps = heartbeat.gaps()
    stall, p99, beats, stall_at = gaps.stall, gaps.p99, gaps.beats, gaps.stall_at
    runner.progress.disconnect(on_progress)
    runner.finished.disconnect(on_finished)
    delivered, answer = answers[0]
    if answer.kind == "error":
        raise SystemExit(f"the request failed: {answer.body_text}")
    app_growth = max(0, status("VmHWM") - rss_before)
    peak = getattr(answer.document, "peak_memory", None)  # a child process's (above 2 MB)
    child_peak = (peak() if callable(peak) else 0) or 0
    body_file, scratch = answer.body_file, None
    if not body_file:  # held in memory (under the spool threshold): the naive run reads a copy
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as scratch:
            scratch.write(answer.content().raw or b"")
        body_file = scratch.name
    try:
        naive = json.loads(
            subprocess.run(
                [sys.executable, "-c", NAIVE, body_file],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    finally:
        if scratch is not None:
            os.unlink(scratch.name)
    row = {
        "bytes": answer.size,
        "usable": got_children[0] - begun,
        "open": got_children[0] - (complete[0] if complete else begun),
        "download": (complete[0] if complete else delivered) - begun,
        "delivered": delivered - begun,
        "stall": stall,
        "p99": p99,
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
