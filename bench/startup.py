"""Start-up time and idle memory: shipexplorer's main window against a bare PySide6 window.

Each run is a fresh process (interpreter start included) that shows its window offscreen and
reports when the window was first painted, then its resident memory after 1.5 s idle. The two
kinds alternate, and medians are printed with the ratio app/bare (goal: within 3x; idle memory
under 150 MB). Figures only: nothing here passes or fails.

    python bench/startup.py [--runs N]
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
from pathlib import Path

PROBE = Path(__file__).resolve().with_name("_startup_probe.py")


def run(kind: str, home: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHIPEXPLORER_HOME=home)
    out = subprocess.run(
        [sys.executable, str(PROBE), kind], capture_output=True, text=True, env=env, timeout=120
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} probe failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cores, python = os.cpu_count(), platform.python_version()
    print(f"machine: {platform.machine()}, {cores} cores, Python {python}; {args.runs} runs each")
    results: dict[str, list[dict[str, float]]] = {"bare": [], "app": []}
    with tempfile.TemporaryDirectory() as home:
        run("app", home)  # warm the disk cache and write the first profile file
        for _ in range(args.runs):
            for kind in ("bare", "app"):
                results[kind].append(run(kind, home))
    medians = {
        kind: {key: statistics.median(r[key] for r in runs) for key in ("painted", "rss_mb")}
        for kind, runs in results.items()
    }
    print(f"{'window':10} {'first paint':>12} {'idle RSS':>10}")
    for kind, m in medians.items():
        print(f"{kind:10} {m['painted'] * 1e3:10.0f} ms {m['rss_mb']:7.0f} MB")
    ratio = medians["app"]["painted"] / medians["bare"]["painted"]
    print(f"ratio app/bare, first paint: {ratio:.2f} (goal: within 3x)")
    print(f"app idle RSS: {medians['app']['rss_mb']:.0f} MB (goal: under 150 MB)")


if __name__ == "__main__":
    main()
