"""``bench/startup.py``'s probe: one app run reports its first paint, when the window was
complete, its memory and counts at rest, and its child processes (the ``--local`` emulator among
them, outside the app's own RSS). Figures are never checked, only that they are there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import _startup_probe as probe  # noqa: E402
import startup  # noqa: E402

pytestmark = [pytest.mark.bench_smoke, pytest.mark.timeout(180)]


def test_children_are_told_apart_by_their_command_line():
    assert probe.child_kind(["python", "-m", "shipexplorer.emulator", "--child"]) == "emulator"
    assert probe.child_kind(["/opt/app/shipexplorer", "emulator", "--child"]) == "emulator"
    tracker = ["python", "-c", "from multiprocessing.resource_tracker import main;main(3)"]
    assert probe.child_kind(tracker) == "resource tracker"
    worker = ["python", "-c", "from multiprocessing.spawn import spawn_main; spawn_main()"]
    assert probe.child_kind(worker) == "json worker"
    assert probe.child_kind(["sh"]) == "other"


def test_children_are_summed_per_kind_and_run():
    runs = [
        {"children": [{"kind": "json worker", "rss_mb": 20, "pss_mb": 10}] * 2},
        {"children": [{"kind": "json worker", "rss_mb": 30, "pss_mb": 12}] * 2},
        {"children": []},
    ]
    by_kind = startup.children_by_kind(runs)
    assert by_kind == {"json worker": {"count": 2, "rss_mb": 40, "pss_mb": 20}}
    assert startup.median_of([{"a": 1}, {"a": 3}, {}], "a") == 2
    assert startup.median_of([{}], "a") != startup.median_of([{}], "a")  # nan: no figure


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_an_app_run_reports_completion_memory_and_its_children(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHIPEXPLORER_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_startup_probe.py"), "app"],
        capture_output=True,
        text=True,
        env=env,
        timeout=150,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["at_rest"] is True
    assert 0 < result["painted"] <= result["complete"]
    assert result["rss_mb"] > 0 and result["pss_mb"] > 0
    assert result["threads"] >= 1 and result["gc_objects"] > 0
    assert result["modules_at_rest"] >= len(result["modules"])
    kinds = [child["kind"] for child in result["children"]]
    assert kinds.count("emulator") == 1  # --local's emulator, in a process of its own
    assert result["emulator_in_process"] is False
    assert all(child["rss_mb"] > 0 for child in result["children"])
