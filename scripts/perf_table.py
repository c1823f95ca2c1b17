"""The README's performance table, from the benchmarks' own output: never typed by hand.

Runs ``bench/startup.py``, ``bench/responsiveness.py``, ``bench/many_tasks.py`` and
``bench/big_response.py`` with ``--json`` (or reads the JSON files they wrote, ``--from DIR``),
builds a Markdown table (each figure, its budget from issue 17 and design.md, met or not) and
rewrites the README between the ``<!-- perf table -->`` and ``<!-- /perf table -->`` lines.

    python scripts/perf_table.py                 # full runs (about 7 minutes), README rewritten
    python scripts/perf_table.py --quick --print  # small sizes, the table printed only
    python scripts/perf_table.py --from DIR       # the JSON files in DIR, no run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- perf table -->", "<!-- /perf table -->"

#: each benchmark: its JSON file, its arguments for a full run and for a quick (smoke) run
BENCHES = {
    "startup": (["--runs", "5"], ["--runs", "1"]),
    "responsiveness": (
        ["--repeat", "3"],
        ["--requests", "3", "--single", "0.1,1", "--no-mixed", "--give-up", "60"],
    ),
    "many_tasks": (
        ["--tasks", "1000"],
        ["--tasks", "30", "--min-seconds", "1", "--max-seconds", "2"],
    ),
    "big_response": (["--sizes", "10,50,100"], ["--sizes", "1", "--no-warm-up", "--give-up", "60"]),
}


def run_benches(folder: Path, quick: bool, python: str = sys.executable) -> None:
    """Run each benchmark, its JSON into ``folder``; a failing one stops with its status."""
    for name, (full, small) in BENCHES.items():
        command = [python, str(ROOT / "bench" / f"{name}.py"), *(small if quick else full)]
        command += ["--json", str(folder / f"{name}.json")]
        print(f"== {' '.join(command[1:])}", flush=True)
        status = subprocess.run(command, check=False).returncode
        if status != 0:
            raise SystemExit(f"{name} failed (exit status {status})")


def load(folder: Path) -> dict[str, Any]:
    """The JSON of each benchmark found in ``folder``."""
    found = {}
    for name in BENCHES:
        path = folder / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def ms(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def verdict(value: float | None, budget: float | None, gave_up: bool = False) -> str:
    if budget is None or value is None:
        return "—"
    return "**no**" if gave_up or value > budget else "yes"


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, figure, budget, met) for every figure found."""
    out: list[tuple[str, str, str, str]] = []
    start = results.get("startup")
    if start:
        budget = start["budget"]
        runs = f"median of {start['runs']} runs" if start["runs"] > 1 else "one run"
        out.append(
            (
                "first paint, app vs a bare PySide6 window (`startup.py`)",
                f"{ms(start['app_paint_ms'])} vs {ms(start['bare_paint_ms'])}, "
                f"{start['paint_ratio']:.2f}x; the window complete at "
                f"{ms(start.get('app_complete_ms'))} ({runs})",
                f"{budget['paint_ratio']:g}x",
                verdict(start["paint_ratio"], budget["paint_ratio"]),
            )
        )
        children = ", ".join(
            f"{kind} {c['rss_mb']:.0f} MB"
            + (f" ({c['count']:g} processes)" if c["count"] > 1 else "")
            for kind, c in start.get("app_children", {}).items()
        )
        out.append(
            (
                "idle memory (RSS) of the app's process (`startup.py`)",
                f"{start['app_rss_mb']:.0f} MB (bare window {start['bare_rss_mb']:.0f} MB)"
                + (f"; its child processes, apart: {children}" if children else ""),
                f"{budget['idle_rss_mb']:g} MB",
                verdict(start["app_rss_mb"], budget["idle_rss_mb"]),
            )
        )
    resp = results.get("responsiveness")
    if resp:
        runs = resp.get("repeat", 1)
        median = f", median of {runs} runs" if runs > 1 else ""
        for case in resp["cases"]:
            figure = f"{ms(case['stall_ms'])} (p99 gap {ms(case['p99_ms'])}{median})"
            late = sum(1 for run in case.get("runs", []) if run.get("gave_up"))
            if late:
                figure += f"; {late} of {runs} runs not all shown within the give-up time"
            budget = case.get("budget_ms")
            out.append(
                (
                    f"longest GUI stall, {case['name']} (`responsiveness.py`)",
                    figure,
                    f"{budget:g} ms" if budget is not None else "—",
                    verdict(case["stall_ms"], budget, case.get("gave_up", False)),
                )
            )
    tasks = results.get("many_tasks")
    if tasks:
        budget = tasks.get("budget_stall_ms", 16.0)
        count = f"{tasks['tasks']:,} tasks"
        out.append(
            (
                f"longest GUI stall watching {count} (`many_tasks.py`)",
                f"{ms(tasks['watching_stall_ms'])} (p99 gap {ms(tasks['watching_p99_ms'])}); "
                f"polls {tasks['polls']:,} vs {tasks['fixed_loop_polls']:,} for a 1 s loop; "
                f"an end shown after {tasks['delay_median_s'] or 0:.1f} s (median)",
                f"{budget:g} ms",
                verdict(tasks["watching_stall_ms"], budget),
            )
        )
        out.append(
            (
                f"longest GUI stall while the {count} start",
                f"{ms(tasks['starting_stall_ms'])} (p99 gap {ms(tasks['starting_p99_ms'])})",
                "—",
                "—",
            )
        )
    big = results.get("big_response")
    if big:
        for path, label in (
            ("full", "in the full window, as a user sends it"),
            ("narrow", "on the narrow path (services, no window)"),
        ):
            part = big.get(path) or {}
            budget = part.get("budget_stall_ms", 16.0)
            for size in part.get("sizes", []):
                usable = f"usable in {size['usable']:.2f} s"
                if size.get("gave_up"):
                    usable = f"not shown within {part.get('give_up_s', 0):g} s"
                naive = ""
                if "naive_seconds" in size:
                    naive = f" (`json.loads`: {size['naive_seconds']:.2f} s)"
                out.append(
                    (
                        f"{size['megabytes']:g} MB answer {label} (`big_response.py`)",
                        f"stall {ms(size['stall_ms'])}, {usable}{naive}; memory "
                        f"{size['memory_mb']:.0f} MB",
                        f"{budget:g} ms",
                        verdict(size["stall_ms"], budget, size.get("gave_up", False)),
                    )
                )
    return out


def table(results: dict[str, Any]) -> str:
    """The Markdown block that goes between the markers."""
    lines = ["| measure | figure | budget | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(results)]
    machines = [r["machine"] for r in results.values() if "machine" in r]
    if machines:
        first = machines[0]
        loads = [m["load_average"][0] for m in machines]
        loads += [m["load_average_after"][0] for m in machines if "load_average_after" in m]
        where = sorted(
            {
                (r.get(p) or {}).get("where", "")
                for r in results.values()
                for p in ("full", "narrow")
                if (r.get(p) or {}).get("where")
            }
            | {r["where"] for r in results.values() if r.get("where")}
        )
        lines += [
            "",
            f"Measured {first['when']} on {first['machine']}, {first['cores']} cores, Python "
            f"{first['python']}; load average {min(loads):.1f} to {max(loads):.1f} during the "
            f"runs{'; ' + '; '.join(where) if where else ''}. Generated by `scripts/perf_table.py` "
            "from the benchmarks' `--json` output; regenerate it with "
            "`.venv/bin/python scripts/perf_table.py` (about 7 minutes).",
        ]
    return "\n".join(lines)


def rewrite(readme: Path, block: str) -> None:
    """Put ``block`` between the markers of ``readme`` (the markers stay)."""
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{readme.name} has no '{BEGIN}' ... '{END}' block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", metavar="DIR", help="read the JSON in DIR")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--keep", metavar="DIR", help="write the benchmarks' JSON into DIR")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--print", action="store_true", help="print the table, leave the README")
    args = parser.parse_args(argv)
    if args.source:
        results = load(Path(args.source))
    else:
        with tempfile.TemporaryDirectory(prefix="shipexplorer-perf-") as scratch:
            folder = Path(args.keep) if args.keep else Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            run_benches(folder, args.quick)
            results = load(folder)
    if not results:
        raise SystemExit("no benchmark output found")
    block = table(results)
    print(block)
    if not args.print:
        rewrite(Path(args.readme), block)
        print(f"rewrote the table in {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
