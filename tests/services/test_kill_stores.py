"""The real stores survive SIGKILL mid-save: a file loads as its last confirmed or next version.

A driver process (``sys.executable``) forks writer processes that save, in turn and through each
store's own write path, five files of an app folder: the profiles (``ProfileStore.save``), the
window state (``WindowStateStore.save``), a saved request (``SavedRequests._write``, the service's
write helper), the tracked tasks (``TaskStore._write``, i.e. ``task_timeline.save_tasks``) and the
preferences (``PreferenceService.update`` with a pool that runs the job at once). No event loop is
needed: the Qt objects are only constructed. The writer tells the driver through a pipe, before and
after each save, which version it writes; a ``done`` line is written only once the save returned,
so it is the last confirmed version. The driver kills the writer after a random delay, then loads
every file through its store's real loader (``ProfileStore.load``, ``WindowStateStore.load``,
``saved_files.load_entry``, ``task_store.load_keeping_a_copy``, ``PreferenceService.load``) and
requires it to equal, field for field, the last confirmed version or the one being written: never
torn, never older. Sizes vary (a few hundred bytes to a few hundred KB), so kills land in every
phase.

After the kills, the start-up sweep (``housekeeping.tidy``, the function ``Housekeeping.start`` runs
on the pool) must remove every temporary file the kills left (they are aged past its one-minute
limit first), and the stores must load the same content again. The same driver with the stores'
``storage.atomic_write_bytes`` replaced by a plain ``open(…, "wb")`` write must find torn files, or
the kills would prove nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shipexplorer.core import storage

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
    reason="needs fork and SIGKILL (POSIX)",
)

ROOT = Path(__file__).resolve().parents[2]

DRIVER = r"""
import json, os, random, signal, sys, time
from pathlib import Path
from shipexplorer.api import ConnectionSettings
from shipexplorer.core import storage
from shipexplorer.core.profiles import Profile, ProfilesFile, ProfileStore
from shipexplorer.core.saved_files import RequestSpec, load_entry
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.core.window_state import WindowState, WindowStateStore
from shipexplorer.services.preferences import PreferenceService, Preferences
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.task_store import TaskStore, load_keeping_a_copy

root, kills, mode, seed = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rng = random.Random(seed)
config, data = root / "config", root / "data"
saved_root = data / "saved-requests"
PATHS = {
    "profiles": config / "profiles.json",
    "window": config / "window-state.json",
    "saved": saved_root / "group" / "request.json",
    "tasks": data / "tasks.json",
    "prefs": config / "preferences.json",
}
STORES = list(PATHS)

def plain_write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for i in range(0, len(data), 65536):
            handle.write(data[i:i + 65536])

if mode == "plain":  # every store writes through storage's module global
    storage.atomic_write_bytes = plain_write

def size(k, most):
    return (k * 7919) % most if k % 3 else k % 40

def pad(k, n, char="x"):
    return (char * 61 + "\n") * (n // 62) + char * (n % 62)

class NowPool:  # runs a job at once, like the pool would (later, on a worker)
    def submit(self, fn, **callbacks):
        fn(None, None)

# -- what version k of each file holds, how it is written, and which version a file holds
def profiles_of(k):
    count = 1 + size(k, 200)
    profiles = [
        Profile(f"p{k}-{i}", ConnectionSettings(workspace_handle=f"ws-{k}-{i}", max_retries=i % 9))
        for i in range(count)
    ]
    return ProfilesFile(profiles, selected=f"p{k}-0", import_offered=k % 2 == 1)

def window_of(k):
    blob = bytes([k % 251]) * size(k, 200_000)
    return WindowState(
        geometry=WindowState.encode(blob), splitters={"main": WindowState.encode(b"%d" % k)},
        profile=f"v{k}", method=f"method-{k}",
    )

def request_of(k):
    return RequestSpec(
        name=f"request {k}", instance="inst", method="generate",
        body=json.dumps({"k": k, "text": pad(k, size(k, 250_000))}), notes=f"version {k}",
    )

def tasks_of(k):
    count = 1 + size(k, 60_000) // 1000
    return [
        TrackedTask(
            f"t{k}-{i}", state="running", added_at=float(k), last_change=float(k + i),
            polls=i, output=pad(k + i, (k * 31 + i * 17) % 4000, "o"),
        ).to_dict()
        for i in range(count)
    ]

def prefs_of(k):
    return Preferences(
        history_budget_mb=1000 + k, notify_tasks=k % 2 == 0, spool_limit_mb=1 + k % 90
    )

def write(store, k):
    path = PATHS[store]
    if store == "profiles":
        ProfileStore(path).save(profiles_of(k))
    elif store == "window":
        problem = WindowStateStore(path).save(window_of(k))
        if problem:
            raise OSError(problem)
    elif store == "saved":
        saved._write(path, request_of(k))
    elif store == "tasks":
        TaskStore(path, None, {}, print)._write(tasks_of(k))
    else:
        PreferenceService(NowPool(), path).update(prefs_of(k))

def read(store):
    # The version the store's own loader finds (None: torn, missing, or not any version's content).
    path = PATHS[store]
    if store == "profiles":
        result = ProfileStore(path).load()
        names = result.file.names
        if result.problem or not names:
            return None
        k = int(names[0][1:].split("-")[0])
        return k if result.file == profiles_of(k) else None
    if store == "window":
        state = WindowStateStore(path).load()
        if not (state.profile or "").startswith("v"):
            return None
        k = int(state.profile[1:])
        return k if state == window_of(k) else None
    if store == "saved":
        entry = load_entry(path, "group/request.json")
        if entry.spec is None or entry.error:
            return None
        k = int(entry.spec.name.split()[1])
        return k if entry.spec == request_of(k) else None
    if store == "tasks":
        tasks, message, read_only = load_keeping_a_copy(path)
        if message or read_only or not tasks:
            return None
        k = int(tasks[0].task_id[1:].split("-")[0])
        return k if [t.to_dict() for t in tasks] == tasks_of(k) else None
    service = PreferenceService(NowPool(), path)
    problems = []
    service.problem.connect(problems.append)
    prefs = service.load()
    k = prefs.history_budget_mb - 1000
    return k if not problems and k >= 0 and prefs == prefs_of(k) else None

def restore(store, k):
    # Put back version k after a bad find (moving the bad file aside is the loader's job).
    for leftover in PATHS[store].parent.glob(PATHS[store].name + ".corrupt-*"):
        leftover.unlink()
    write(store, k)

if mode == "read":  # what each store loads now (after the next start's sweep)
    print(json.dumps({store: read(store) for store in STORES}))
    sys.exit(0)

saved = SavedRequests(None, saved_root, settings_file=config / "saved-requests.json")
current = {store: 0 for store in STORES}
for store in STORES:
    write(store, 0)

bad, errors, mid_write, events = [], [], 0, 0
for round_ in range(kills):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer: saves the stores in turn until killed (never returns)
        try:
            os.close(read_fd)
            next_ = {store: current[store] + 1 for store in STORES}
            j = round_ % len(STORES)
            while True:
                store = STORES[j]
                os.write(write_fd, f"s {store} {next_[store]}\n".encode())
                write(store, next_[store])
                os.write(write_fd, f"d {store} {next_[store]}\n".encode())
                next_[store] += 1
                j = (j + 1) % len(STORES)
        except BaseException as exc:
            os.write(write_fd, f"e {type(exc).__name__} 0\n".encode())
        finally:
            os._exit(3)
    os.close(write_fd)
    time.sleep(rng.uniform(0.001, 0.03))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with os.fdopen(read_fd, "rb") as pipe:
        log = pipe.read().decode().split()
    events += len(log) // 3
    if log and log[-3] == "s":
        mid_write += 1
    done = dict(current)
    for i in range(0, len(log) - 2, 3):
        if log[i] == "d":
            done[log[i + 1]] = int(log[i + 2])
        elif log[i] == "e":
            errors.append({"round": round_, "error": log[i + 1]})
    for store in STORES:
        try:
            found = read(store)
        except Exception as exc:  # a loader must never raise
            found = f"raised {exc!r}"
        allowed = (done[store], done[store] + 1)
        if found not in allowed:
            bad.append({"round": round_, "store": store, "found": found, "allowed": allowed})
            restore(store, done[store])
            found = done[store]
        current[store] = found

temps = sorted(
    str(p.relative_to(root)) for p in root.rglob("*") if storage.TEMP_NAME.match(p.name)
)
print(json.dumps({"kills": kills, "bad": bad[:20], "badCount": len(bad), "errors": errors[:5],
                  "midWrite": mid_write, "events": events, "temps": temps, "current": current}))
"""


def run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_driver(folder: Path, kills: int, mode: str, seed: int) -> dict:
    folder.mkdir()
    return run(DRIVER, str(folder), str(kills), mode, str(seed))


def test_killed_saves_leave_the_confirmed_or_the_next_version(tmp_path, record_property):
    from shipexplorer.services.housekeeping import tidy

    root = tmp_path / "app"
    started = time.monotonic()
    report = run_driver(root, kills=80, mode="atomic", seed=5)
    record_property("kill_report", {**report, "seconds": round(time.monotonic() - started, 1)})
    assert not report["errors"], report["errors"]
    assert report["badCount"] == 0, report["bad"]
    # the kills really landed inside saves, and every store was saved many times over
    assert report["midWrite"] >= 40, report
    assert min(report["current"].values()) >= 5, report
    # the next start: temporary files of the killed saves (older than a minute) are swept
    assert report["temps"], report
    old = time.time() - 2 * storage.TEMP_LEFTOVER_AGE_S
    for rel in report["temps"]:
        os.utime(root / rel, (old, old))
    roots = (root / "config", root / "data", root / "cache")
    tidied = tidy(roots, root / "cache" / "spool", None)
    assert tidied.temp_files == len(report["temps"]), (tidied, report["temps"])
    assert not [p for p in root.rglob("*") if storage.TEMP_NAME.match(p.name)]
    assert not [p for p in root.rglob("*") if p.name.startswith(".")]
    # …and every store still loads the last version the driver found
    again = run(DRIVER, str(root), "0", "read", "0")
    assert again == report["current"]


def test_the_check_finds_torn_files_when_saves_are_not_atomic(tmp_path):
    report = run_driver(tmp_path / "plain", kills=60, mode="plain", seed=11)
    assert not report["errors"], report["errors"]
    assert report["badCount"] > 0, report
