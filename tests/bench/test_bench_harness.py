"""The benchmark harness works: a tiny run of each benchmark in a subprocess (the full window,
minimal sizes) exits 0 and writes the JSON that ``scripts/perf_table.py`` reads, and the table
script rewrites the README's block from it. Figures are never checked: only "it ran, it did not
hang" (generous bounds), so these stay correct on a loaded machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import perf_table  # noqa: E402

pytestmark = [pytest.mark.bench_smoke, pytest.mark.timeout(420)]

TINY = {
    "startup": ["--runs", "1"],
    "responsiveness": ["--requests", "2", "--single", "0.05", "--no-mixed", "--give-up", "60"],
    "many_tasks": ["--tasks", "3", "--min-seconds", "0.5", "--max-seconds", "1", "--rate", "50"],
    "big_response": ["--sizes", "0.5", "--no-warm-up", "--give-up", "60"],
}


def run_bench(name: str, folder: Path, home: Path) -> dict:
    out = folder / f"{name}.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHIPEXPLORER_HOME=str(home))
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *TINY[name], "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    folder = tmp_path_factory.mktemp("bench-json")
    home = tmp_path_factory.mktemp("bench-home")
    return folder, {name: run_bench(name, folder, home) for name in TINY}


def test_startup_reports_paint_memory_and_children(outputs):
    data = outputs[1]["startup"]
    assert data["bench"] == "startup" and data["runs"] == 1
    assert data["bare_paint_ms"] > 0 and 0 < data["app_paint_ms"] <= data["app_complete_ms"]
    assert data["paint_ratio"] == pytest.approx(data["app_paint_ms"] / data["bare_paint_ms"])
    assert data["app_rss_mb"] > data["bare_rss_mb"] > 0
    assert "emulator" in data["app_children"]  # --local's emulator runs apart
    assert data["machine"]["cores"] >= 1


def test_responsiveness_reports_each_case(outputs):
    data = outputs[1]["responsiveness"]
    assert data["bench"] == "responsiveness"
    keys = [case["key"] for case in data["cases"]]
    assert keys == ["single_50kb", "many_1mb", "many_100kb"]
    for case in data["cases"]:
        assert {"name", "stall_ms", "p99_ms", "done_s", "budget_ms", "runs"} <= set(case)
        assert case["stall_ms"] >= 0 and case["p99_ms"] > 0
        assert not case["gave_up"]
    assert data["machine"]["cores"] >= 1


def test_many_tasks_reports_watching_and_starting(outputs):
    data = outputs[1]["many_tasks"]
    assert data["tasks"] == 3 and data["failed_starts"] == 0
    for key in ("watching_stall_ms", "watching_p99_ms", "starting_stall_ms", "polls"):
        assert data[key] is not None
    assert "50.0 per second" in data["schedule"]  # --rate reached the tracker


def test_big_response_reports_both_paths(outputs):
    data = outputs[1]["big_response"]
    for path in ("full", "narrow"):
        sizes = data[path]["sizes"]
        assert [size["megabytes"] for size in sizes] == [0.5]
        assert {"stall_ms", "p99_ms", "usable", "memory_mb"} <= set(sizes[0])
    assert not data["full"]["sizes"][0]["gave_up"]
    assert "naive_seconds" in data["narrow"]["sizes"][0]


def test_perf_table_rewrites_only_the_block(outputs, tmp_path):
    folder, _ = outputs
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Title\n\nbefore\n{perf_table.BEGIN}\nold figures\n{perf_table.END}\nafter\n",
        encoding="utf-8",
    )
    assert perf_table.main(["--from", str(folder), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{perf_table.END}\nafter\n")
    block = text.split(perf_table.BEGIN)[1].split(perf_table.END)[0]
    assert "| measure | figure | budget | met |" in block
    assert "first paint, app vs a bare PySide6 window" in block and "idle memory" in block
    assert "1 x echo, 50 KB" in block and "watching 3 tasks" in block
    assert "0.5 MB answer in the full window" in block
    assert "scripts/perf_table.py" in block


def test_perf_table_refuses_a_readme_without_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        perf_table.rewrite(readme, "| a |")
    assert readme.read_text(encoding="utf-8") == "# no markers\n"
