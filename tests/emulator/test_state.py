"""The emulator's state file: what survives a stop and a start, what a new state seeds, and what
happens to a file that cannot be used (moved aside, reported, never overwritten, never a crash)."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import time

import httpx
import pytest

from shipexplorer.emulator import Emulator
from shipexplorer.emulator.demo import DEMO_INSTANCES
from shipexplorer.emulator.state import SCHEMA_VERSION, STOPPED_FAILURE
from tests.emulator.test_cli import port_of, start_cli

KEY = {"Authorization": "Bearer demo-key"}


def api(emu: Emulator, operation: str, body: dict, workspace: str | None = None) -> dict:
    headers = dict(KEY)
    if workspace:
        headers["X-Workspace-Handle"] = workspace
    answer = httpx.post(f"{emu.api_base}{operation}", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def instances(emu: Emulator, workspace: str | None = None) -> dict[str, dict]:
    found = api(emu, "package/instance/list", {"pageSize": 100}, workspace)["packageInstances"]
    return {inst["handle"]: inst for inst in found}


def workspaces(emu: Emulator) -> set[str]:
    return {ws["handle"] for ws in api(emu, "workspace/list", {"pageSize": 100})["workspaces"]}


def task(emu: Emulator, task_id: str) -> dict:
    answer = httpx.post(f"{emu.api_base}task/status", json={"taskId": task_id}, headers=KEY)
    return answer.json()["status"]


def start_job(emu: Emulator, handle: str, **args) -> dict:
    answer = httpx.post(f"{emu.app_base}default/{handle}/start", json=args, headers=KEY)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_without_a_state_file_nothing_is_written_or_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Emulator() as emu:
        assert emu.state_file is None and emu.state_problem is None
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "e"})
        assert emu.seeded == []  # no demo instances unless asked
    assert list(tmp_path.iterdir()) == []
    with Emulator() as again:
        assert instances(again) == {}


def test_state_survives_a_stop_and_a_start(tmp_path):
    state = tmp_path / "state" / "emulator.sqlite3"
    with Emulator(state=state) as emu:
        api(emu, "workspace/create", {"handle": "team", "fetchIfExists": True})
        api(emu, "workspace/create", {"handle": "gone", "fetchIfExists": True})
        made = api(
            emu,
            "package/instance/create",
            {"packageHandle": "greeter", "handle": "g", "config": {"greeting": "Hi"}},
            "team",
        )["packageInstance"]
        api(emu, "package/instance/create", {"packageHandle": "slow-job", "handle": "job"})
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "dropped"})
        api(emu, "package/instance/delete", {"handle": "dropped"})
        api(emu, "workspace/delete", {"handle": "gone"})
        done = start_job(emu, "job", seconds=0.05, steps=1)
        failed = start_job(emu, "job", seconds=0.05, steps=1, fail=True)
        wait_until(lambda: task(emu, done["taskId"])["state"] == "succeeded")
        wait_until(lambda: task(emu, failed["taskId"])["state"] == "failed")
        finished = task(emu, done["taskId"])
        unwatched = start_job(emu, "job", seconds=0.05, steps=1)  # ends unseen before the stop
        time.sleep(0.1)
        running = start_job(emu, "job", seconds=600, steps=3)
    assert state.is_file()

    with Emulator(state=state) as emu:
        assert emu.state_problem is None
        assert workspaces(emu) == {"default", "team"}
        team = instances(emu, "team")
        assert team["g"]["id"] == made["id"] and team["g"]["config"] == {"greeting": "Hi"}
        assert set(instances(emu)) == {"job"}
        greeting = httpx.post(f"{emu.app_base}team/g/greet", json={"name": "Ada"}, headers=KEY)
        assert greeting.text == "Hi, Ada!"
        again = task(emu, done["taskId"])
        assert again["state"] == "succeeded"
        assert json.loads(again["output"]) == json.loads(finished["output"])
        assert again["taskCreatedOn"] == finished["taskCreatedOn"]
        assert task(emu, failed["taskId"])["statusMessage"].startswith("The slow job failed")
        assert task(emu, unwatched["taskId"])["state"] == "succeeded"
        cut = task(emu, running["taskId"])
        assert cut["state"] == "failed"
        assert cut["statusMessage"] == STOPPED_FAILURE.message
        assert cut["statusCode"] == STOPPED_FAILURE.code
        # new tasks of this run are kept as well
        later = start_job(emu, "job", seconds=0, steps=1)
        # ended before the stop (a task still running at a stop is failed, as above)
        wait_until(lambda: task(emu, later["taskId"])["state"] == "succeeded")
    with Emulator(state=state) as emu:
        assert task(emu, later["taskId"])["state"] == "succeeded"
        assert task(emu, running["taskId"])["statusMessage"] == STOPPED_FAILURE.message


def test_a_task_of_a_run_that_was_killed_comes_back_failed(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    emu = Emulator(state=state).start()
    api(emu, "package/instance/create", {"packageHandle": "slow-job", "handle": "job"})
    running = start_job(emu, "job", seconds=600, steps=2)
    # killed: no clean stop reaches the file (a copy of the file as it was while running)
    killed = tmp_path / "killed.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(state)) as source,
        contextlib.closing(sqlite3.connect(killed)) as target,
    ):
        source.backup(target)
    emu.stop()
    with Emulator(state=killed) as again:
        assert set(instances(again)) == {"job"}
        status = task(again, running["taskId"])
        assert status["state"] == "failed" and status["statusMessage"] == STOPPED_FAILURE.message


def test_demo_instances_are_made_once_per_state(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state, seed_demo=True) as emu:
        assert [i.handle for i in emu.seeded] == [handle for _, handle in DEMO_INSTANCES]
        listed = instances(emu, "default")
        assert {h: listed[h]["packageHandle"] for _, h in DEMO_INSTANCES} == {
            h: p for p, h in DEMO_INSTANCES
        }
        # the wire: only the slow-init instance has an initialisation (for its first 3 s)
        assert {h: inst["initStatus"] for h, inst in listed.items() if h != "slow-init-1"} == {
            h: "notNeeded" for _, h in DEMO_INSTANCES if h != "slow-init-1"
        }
        assert listed["slow-init-1"]["initStatus"] in ("initializing", "complete")
        answer = httpx.post(
            f"{emu.app_base}default/greeter-1/greet", json={"name": "Ada"}, headers=KEY
        )
        assert answer.text == "Hello, Ada!"
        api(emu, "package/instance/delete", {"handle": "faults-1"})
    with Emulator(state=state, seed_demo=True) as emu:
        assert emu.seeded == []
        assert "faults-1" not in instances(emu)  # deleted by the user: it stays deleted
        assert "greeter-1" in instances(emu)


def test_seeding_in_memory_makes_the_demo_instances_each_time():
    for _ in range(2):
        with Emulator(seed_demo=True) as emu:
            assert len(emu.seeded) == len(DEMO_INSTANCES)


def test_a_damaged_state_file_is_moved_aside_and_reported(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    state.write_bytes(b"this is not a database\n" * 200)
    with Emulator(state=state, seed_demo=True) as emu:
        problem = emu.state_problem
        assert problem and "damaged" in problem and "started afresh" in problem
        assert len(emu.seeded) == len(DEMO_INSTANCES)  # a new state gets the demo again
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "kept"})
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].name in problem
    assert aside[0].read_bytes() == b"this is not a database\n" * 200
    with Emulator(state=state) as emu:  # the new file works
        assert emu.state_problem is None
        assert "kept" in instances(emu)


def test_a_state_file_of_a_newer_version_is_kept_and_never_written(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu:
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "old"})
    with contextlib.closing(sqlite3.connect(state)) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    before = state.read_bytes()
    with Emulator(state=state) as emu:
        assert emu.state_problem and "newer" in emu.state_problem
        assert instances(emu) == {}
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "new"})
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("emulator.sqlite3.newer-")]
    assert aside.name in emu.state_problem
    assert aside.read_bytes() == before
    with contextlib.closing(sqlite3.connect(aside)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert [r[0] for r in db.execute("SELECT handle FROM instances")] == ["old"]


def test_a_database_of_another_program_is_moved_aside(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    with contextlib.closing(sqlite3.connect(state)) as db:
        db.execute("CREATE TABLE notes(text TEXT)")
    with Emulator(state=state) as emu:
        assert emu.state_problem and "another program" in emu.state_problem
        assert workspaces(emu) == {"default"}


def test_a_state_file_that_cannot_be_opened_leaves_the_emulator_in_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with Emulator(state=blocker / "emulator.sqlite3", seed_demo=True) as emu:
        assert emu.state_problem and "in memory" in emu.state_problem
        assert len(instances(emu)) == len(DEMO_INSTANCES)
    assert blocker.read_text() == "in the way"


def test_a_failed_write_is_reported_and_requests_go_on(tmp_path):
    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu:
        with emu._state._lock:  # the file goes away under it (a disk gone, say)
            emu._state._db.close()
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "e"})
        assert "e" in instances(emu)
        assert emu.state_problem and "could not save" in emu.state_problem


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM])
def test_cli_state_option_keeps_instances_across_runs(tmp_path, stop_signal):
    state = tmp_path / "cli.sqlite3"
    process, lines = start_cli("--quiet", "--state", str(state), "--demo")
    try:
        assert str(state) in "".join(lines)
        port = port_of(lines)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/package/instance/create",
            json={"packageHandle": "echo", "handle": "from-cli"},
            headers=KEY,
        )
        assert answer.status_code == 200
    finally:
        process.send_signal(stop_signal)
        process.communicate(timeout=10)
    assert process.returncode == 0
    process, lines = start_cli("--quiet", "--state", str(state))
    try:
        port = port_of(lines)
        listed = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/package/instance/list", json={}, headers=KEY
        ).json()["data"]["packageInstances"]
        assert {"from-cli", "greeter-1"} <= {inst["handle"] for inst in listed}
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_cli_reports_a_damaged_state_file(tmp_path):
    state = tmp_path / "cli.sqlite3"
    state.write_bytes(b"\x00garbage" * 100)
    process, _lines = start_cli("--quiet", "--state", str(state))
    process.terminate()
    _out, err = process.communicate(timeout=10)
    assert "damaged" in err and "started afresh" in err


def test_state_writes_keep_requests_fast(tmp_path):
    """Write-through costs little: 200 tasks started on a persistent state take at most a few
    times as long as on memory (and well under a second here)."""

    def starts(emu: Emulator) -> float:
        api(emu, "package/instance/create", {"packageHandle": "slow-job", "handle": "job"})
        with httpx.Client(headers=KEY) as client:
            url = f"{emu.app_base}default/job/start"
            client.post(url, json={"seconds": 1})
            began = time.perf_counter()
            for _ in range(200):
                client.post(url, json={"seconds": 1})
            return time.perf_counter() - began

    with Emulator() as emu:
        memory = starts(emu)
    with Emulator(state=tmp_path / "emulator.sqlite3") as emu:
        persistent = starts(emu)
    assert persistent < max(3 * memory, memory + 1.0), (memory, persistent)


def test_only_the_newest_tasks_are_kept(tmp_path, monkeypatch):
    from shipexplorer.emulator import store

    state = tmp_path / "emulator.sqlite3"
    monkeypatch.setattr(store, "MAX_TASKS", 3)
    with Emulator(state=state) as emu:
        api(emu, "package/instance/create", {"packageHandle": "slow-job", "handle": "job"})
        made = [start_job(emu, "job", seconds=0)["taskId"] for _ in range(5)]
    with contextlib.closing(sqlite3.connect(state)) as db:
        kept = [row[0] for row in db.execute("SELECT id FROM tasks ORDER BY rowid")]
    assert kept == made[-3:]
    monkeypatch.setattr(store, "MAX_TASKS", 2)
    with Emulator(state=state) as emu:
        assert list(emu.store.tasks) == made[-2:]
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert [row[0] for row in db.execute("SELECT id FROM tasks ORDER BY rowid")] == made[-2:]


def test_a_busy_state_file_is_left_alone(tmp_path, monkeypatch):
    from shipexplorer.emulator import state as state_module

    state = tmp_path / "emulator.sqlite3"
    with Emulator(state=state) as emu:
        api(emu, "package/instance/create", {"packageHandle": "echo", "handle": "kept"})
    monkeypatch.setattr(state_module, "BUSY_TIMEOUT_S", 0.1)
    with contextlib.closing(sqlite3.connect(state, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another program holds it
        with Emulator(state=state) as emu:
            assert emu.state_problem and "in memory" in emu.state_problem
            assert instances(emu) == {}
        other.execute("ROLLBACK")
    assert not [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    with Emulator(state=state) as emu:
        assert emu.state_problem is None and "kept" in instances(emu)
