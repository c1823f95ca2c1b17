"""Start-up time and idle memory: shipexplorer's main window against a bare PySide6 window.

Each run is a fresh process (interpreter start included) that shows its window offscreen and
reports when the window was first painted and when it was complete (the main window's ``built``:
everything its first frame did not show built after it), then its resident memory once idle
(see _startup_probe.py). The two kinds alternate, and medians are printed with the ratio
app/bare. The app's child processes at rest (the ``--local`` emulator, the JSON worker
processes, multiprocessing's resource tracker) are printed on a line of their own: their RSS
is not in the app's figure, and each counts the shared libraries it maps once more; their PSS
shares those out.
Budget (docs: design.md): first paint within 2x of the bare window, idle RSS under 100 MB.
Then one more app run under ``python -X importtime`` lists the modules imported before the first
paint: how many, and the heaviest packages by import time. Figures only: nothing here passes or
fails.

The children use a bytecode cache of their own (a temporary PYTHONPYCACHEPREFIX, filled by a
warm-up run), as an installed app has its .pyc files, even where PYTHONDONTWRITEBYTECODE is set.

    python bench/startup.py [--runs N] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from _full_window import machine  # Qt-free: where the figures come from

PROBE = Path(__file__).resolve().with_name("_startup_probe.py")
FIRST_PAINT = "--- first paint ---"
PAINT_RATIO_BUDGET = 2.0
IDLE_RSS_BUDGET_MB = 100.0


def child_env(home: str, pycache: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHIPEXPLORER_HOME=home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def run(kind: str, env: dict[str, str], *flags: str) -> tuple[dict, str]:
    out = subprocess.run(
        [sys.executable, *flags, str(PROBE), kind],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} probe failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


def imports_before_paint(stderr: str) -> dict[str, float]:
    """Self time (ms) of each module imported before the first paint, from -X importtime."""
    times: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith(FIRST_PAINT):
            break
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = line[len("import time:") :].split("|")
        try:
            self_us = int(fields[0])
        except ValueError:  # the header line
            continue
        times[fields[2].strip()] = max(self_us, 0) / 1000
    return times


def heaviest_packages(times: dict[str, float], count: int = 10) -> list[tuple[str, float, int]]:
    """(package, summed self time in ms, modules) for the top-level packages costing most."""
    total: dict[str, float] = defaultdict(float)
    modules: dict[str, int] = defaultdict(int)
    for name, ms in times.items():
        top = name.split(".")[0]
        if top == "shipexplorer":  # the app's own layers, one line each
            top = ".".join(name.split(".")[:2])
        total[top] += ms
        modules[top] += 1
    ranked = sorted(total.items(), key=lambda item: -item[1])[:count]
    return [(name, ms, modules[name]) for name, ms in ranked]


def children_by_kind(runs: list[dict]) -> dict[str, dict[str, float]]:
    """Per kind of child process: how many (median), and the median summed RSS and PSS (MB)."""
    kinds = sorted({child["kind"] for run in runs for child in run.get("children", [])})
    result = {}
    for kind in kinds:
        counts, rss, pss = [], [], []
        for run in runs:
            mine = [c for c in run.get("children", []) if c["kind"] == kind]
            counts.append(len(mine))
            rss.append(sum(c["rss_mb"] for c in mine))
            pss.append(sum(c["pss_mb"] for c in mine))
        result[kind] = {
            "count": statistics.median(counts),
            "rss_mb": statistics.median(rss),
            "pss_mb": statistics.median(pss),
        }
    return result


def median_of(runs: list[dict], key: str) -> float:
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="also write the figures as JSON to FILE (printed when no FILE is given)",
    )
    args = parser.parse_args()
    info = machine()
    cores, python = os.cpu_count(), platform.python_version()
    print(f"machine: {platform.machine()}, {cores} cores, Python {python}; {args.runs} runs each")
    results: dict[str, list[dict]] = {"bare": [], "app": []}
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as pycache:
        env = child_env(home, pycache)
        for kind in ("bare", "app"):  # warm the disk and bytecode caches, write the first files
            run(kind, env)
        for _ in range(args.runs):
            for kind in ("bare", "app"):
                results[kind].append(run(kind, env)[0])
        traced, stderr = run("app", env, "-X", "importtime")
    keys = ("painted", "complete", "rss_mb", "pss_mb", "threads", "modules_at_rest", "gc_objects")
    medians = {kind: {key: median_of(runs, key) for key in keys} for kind, runs in results.items()}
    print(
        f"{'window':10} {'first paint':>12} {'complete':>10} {'idle RSS':>10} {'PSS':>8} "
        f"{'modules at paint':>17}"
    )
    for kind, m in medians.items():
        modules = len(results[kind][-1]["modules"])
        print(
            f"{kind:10} {m['painted'] * 1e3:10.0f} ms {m['complete'] * 1e3:7.0f} ms "
            f"{m['rss_mb']:7.0f} MB {m['pss_mb']:5.0f} MB {modules:17d}"
        )
    ratio = medians["app"]["painted"] / medians["bare"]["painted"]
    print(f"ratio app/bare, first paint: {ratio:.2f} (budget: within {PAINT_RATIO_BUDGET:g}x)")
    rss = medians["app"]["rss_mb"]
    print(f"app idle RSS: {rss:.0f} MB (budget: under {IDLE_RSS_BUDGET_MB:g} MB)")
    app_rest = medians["app"]
    print(
        f"app at rest: {app_rest['threads']:.0f} threads, {app_rest['modules_at_rest']:.0f} "
        f"modules, {app_rest['gc_objects']:,.0f} gc-tracked objects"
    )
    children = children_by_kind(results["app"])
    if children:
        parts = [
            f"{kind} {c['count']:g} x, {c['rss_mb']:.0f} MB RSS ({c['pss_mb']:.0f} MB PSS)"
            for kind, c in children.items()
        ]
        total_pss = sum(c["pss_mb"] for c in children.values()) + app_rest["pss_mb"]
        print("app's child processes at rest (not in its RSS): " + "; ".join(parts))
        print(f"app and its children together: {total_pss:.0f} MB PSS")
    else:
        print("app's child processes at rest: none")
    bare_modules = set(results["bare"][-1]["modules"])
    app_modules = traced["modules"]
    times = imports_before_paint(stderr)
    extra = [name for name in app_modules if name not in bare_modules]
    print(
        f"modules imported before the app's first paint: {len(app_modules)} "
        f"({len(extra)} more than the bare window; {sum(times.values()):.0f} ms of imports "
        "under -X importtime, which slows them)"
    )
    print("heaviest before the first paint (self time summed by package):")
    for name, ms, count in heaviest_packages(times):
        print(f"  {ms:7.1f} ms  {name} ({count} modules)")
    single = sorted(times.items(), key=lambda item: -item[1])[:8]
    print("heaviest single modules: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in single))
    if args.json:
        info["load_average_after"] = machine()["load_average"]
        figures = {
            "bench": "startup",
            "machine": info,
            "runs": args.runs,
            "bare_paint_ms": medians["bare"]["painted"] * 1e3,
            "app_paint_ms": medians["app"]["painted"] * 1e3,
            "paint_ratio": ratio,
            "bare_rss_mb": medians["bare"]["rss_mb"],
            "app_rss_mb": rss,
            "bare_complete_ms": medians["bare"]["complete"] * 1e3,
            "app_complete_ms": medians["app"]["complete"] * 1e3,
            "app_pss_mb": medians["app"]["pss_mb"],
            "app_threads": medians["app"]["threads"],
            "app_modules_at_rest": medians["app"]["modules_at_rest"],
            "app_gc_objects": medians["app"]["gc_objects"],
            "app_children": children,
            "modules_at_paint": len(app_modules),
            "budget": {"paint_ratio": PAINT_RATIO_BUDGET, "idle_rss_mb": IDLE_RSS_BUDGET_MB},
        }
        if args.json == "-":
            print(json.dumps(figures))
        else:
            Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
