"""Start-up housekeeping (issue 15 items 2, 6, 7): a whole run of the services leaves nothing that
group or others may read; wider modes found at start are repaired (a folder the user chose is
not); temporary files of killed writes and the spool folders of copies no longer running are
swept at start, while a running copy's are kept; a symlink loop gives a message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from shipexplorer.app import AppContext, _start_emulator, add_local_profile, build_services
from shipexplorer.core import storage
from shipexplorer.core.profiles import LOCAL_PROFILE_NAME as LOCAL
from shipexplorer.core.profiles import ProfilesFile, ProfileStore
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.window_state import WindowState, WindowStateStore
from shipexplorer.services import paths
from shipexplorer.services.housekeeping import (
    SPOOL_LOCK,
    Housekeeping,
    SpoolSession,
    sweep_spool_sessions,
)
from tests.file_modes import mode, shared, umask

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and signals")

OLD = time.time() - 3600


def wait_tidied(qtbot, services) -> object:
    done: list = []
    services.housekeeping.tidied.connect(done.append)
    services.start()
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    return done[0]


def test_a_whole_run_leaves_nothing_others_may_read(qtbot, app_home, memory_keyring, tmp_path):
    home = tmp_path  # the user's home (~/.steamship.json), not the app's
    answers: list = []
    emulator = None
    with umask(0o022):
        services = build_services(AppContext(), home=home, environ={})
        try:
            wait_tidied(qtbot, services)
            # --local: the emulator's state file and the demo recipes in the data folder
            emulator, problems = _start_emulator(0, services.saved.root)
            assert problems == []
            add_local_profile(services.profiles, emulator)
            services.runner.finished.connect(lambda _rid, p: answers.append(p))
            services.runner.failed.connect(lambda _rid, p: answers.append(p))
            qtbot.waitUntil(services.clients.has_key, timeout=5000)
            for instance, method, body, threshold in (
                ("faults-1", "big", {"megabytes": 2}, 100_000),  # spooled
                ("faults-1", "big", {"megabytes": 2}, 10**8),  # held, spilled to history
                ("slow-job-1", "start", {"seconds": 0.1}, 10**8),  # a task: tasks.json
            ):
                services.runner.spool_threshold = threshold
                send = services.runner.send
                send(instance, method, json.dumps(body), profile=LOCAL, workspace="default")
            services.preferences.update(replace(services.preferences.current, spool_threshold_mb=1))
            services.saved.save(RequestSpec(name="Get user", method="greet"), "group/inner")
            services.drafts.update("tab-1", RequestSpec(method="echo", body="{}"))
            services.drafts.flush()
            WindowStateStore(paths.window_state_file()).save(WindowState(profile="x"))
            qtbot.waitUntil(lambda: len(answers) == 3, timeout=30_000)
            spooled = [p.body_file for p in answers if p.body_file]
            assert spooled and Path(spooled[0]).parent == services.housekeeping.spool_dir
            qtbot.waitUntil(lambda: paths.tasks_file().exists(), timeout=10_000)
            qtbot.waitUntil(services.history.idle, timeout=10_000)
            qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=10_000)
            data = paths.app_paths().data
            made = {p.name for p in data.rglob("*")}
            assert {"history.sqlite3-wal", "local-emulator.sqlite3", "Get user.json"} <= made
            assert list((data / "history-bodies").glob("*.gz"))  # the 2 MB answer, spilled
            assert shared(app_home, itself=False) == []
        finally:
            for answer in answers:
                answer.close()
            services.shutdown()
            if emulator is not None:
                emulator.stop()
    assert shared(app_home, itself=False) == []
    assert not services.housekeeping.spool_dir.exists()  # a clean quit takes its spool along


def test_wider_modes_found_at_start_are_repaired_but_not_a_chosen_folder(qtbot, app_home):
    config, data = app_home / "config", app_home / "data"
    chosen = data / "team-requests"  # chosen by the user (a shared checkout, say)
    for folder in (config, data / "history-bodies", data / "drafts" / "session-x", chosen):
        folder.mkdir(parents=True, exist_ok=True)
    files = [
        config / "profiles.json",
        data / "history.sqlite3",
        data / "history.sqlite3-wal",
        data / "history-bodies" / "a.gz",
        data / "drafts" / "session-x" / "draft-1.json",
    ]
    for path in files:
        path.write_bytes(b"")
    ProfileStore(config / "profiles.json").save(ProfilesFile())  # read at start: a valid one
    (chosen / "Shared.json").write_text("{}")
    storage.atomic_write_json(
        config / "saved-requests.json",
        {"kind": "saved-requests-settings", "schemaVersion": 1, "folder": str(chosen)},
    )
    for path in (app_home, *app_home.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.unlink(data / "history.sqlite3")  # an empty one would be refused; the store makes it
    files.remove(data / "history.sqlite3")
    services = build_services(AppContext(), home=app_home, environ={})
    try:
        assert services.saved.root == chosen
        # the files the stores rewrite are repaired before any store touches them (a rewrite
        # keeps the old file's mode)
        for path in (config / "profiles.json", data / "drafts" / "session-x" / "draft-1.json"):
            assert mode(path) == 0o600, path
        tidied = wait_tidied(qtbot, services)
        assert tidied.repaired >= len(files)
        for path in (config, data, data / "history-bodies", data / "drafts", *files):
            assert mode(path) & 0o077 == 0, path
        assert mode(chosen) == 0o755 and mode(chosen / "Shared.json") == 0o644
    finally:
        services.shutdown()


def test_temporary_files_of_killed_writes_are_swept_at_start(qtbot, app_home):
    config, saved = app_home / "config", app_home / "data" / "saved-requests" / "group"
    saved.mkdir(parents=True)
    config.mkdir(parents=True, exist_ok=True)
    (app_home / "data" / "drafts" / "session-1").mkdir(parents=True)
    killed = [
        config / ".profiles.json.k2x_9abc.tmp",
        app_home / "data" / ".tasks.json.0123abcd.tmp",
        app_home / "data" / "drafts" / "session-1" / ".draft-1.json.a1b2c3d4.tmp",
        saved / ".Get user.json.zzzzzzzz.tmp",  # the saved requests' scan may take it first
    ]
    running = config / ".preferences.json.abcdefgh.tmp"  # another copy writing right now
    for path in (*killed, running):
        path.write_bytes(b"x" * 590_000)
    for path in killed:
        os.utime(path, (OLD, OLD))
    services = build_services(AppContext(), home=app_home, environ={})
    try:
        tidied = wait_tidied(qtbot, services)
        assert tidied.temp_files >= 3
        assert not any(p.exists() for p in killed)
        assert running.exists()
    finally:
        services.shutdown()


LOCKER = r"""
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("locked", flush=True)
time.sleep(60)
"""


def hold_lock(folder: Path) -> subprocess.Popen:
    """A process that holds ``folder``'s spool lock (as a running copy does) until killed."""
    folder.mkdir(parents=True, mode=0o700)
    (folder / "body-abc.part").write_bytes(b"x" * 1000)
    child = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(folder / SPOOL_LOCK)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "locked"
    return child


def test_spool_folders_of_ended_copies_go_and_of_running_ones_stay(qtbot, app_home):
    spool = app_home / "cache" / "spool"
    dead = spool / "session-dead"
    live = spool / "session-live"
    killed = hold_lock(dead)
    killed.send_signal(signal.SIGKILL)  # a crash: its lock file stays behind
    killed.wait()
    assert (dead / SPOOL_LOCK).exists()
    running = hold_lock(live)
    unlocked = spool / "session-nolock"  # its lock file gone, left for long
    unlocked.mkdir()
    (unlocked / "body-x.part").write_bytes(b"x")
    os.utime(unlocked, (OLD, OLD))
    starting = spool / "session-starting"  # a copy making its folder right now
    starting.mkdir()
    loose_old, loose_new = spool / "body-old.part", spool / "body-new.part"
    for path in (loose_old, loose_new):
        path.write_bytes(b"x")
    os.utime(loose_old, (OLD, OLD))
    services = build_services(AppContext(), home=app_home, environ={})
    try:
        own = services.housekeeping.spool_dir
        assert own.parent == spool and (own / SPOOL_LOCK).exists()
        tidied = wait_tidied(qtbot, services)
        assert (tidied.spool_sessions, tidied.spool_files) == (2, 1)
        assert not dead.exists() and not unlocked.exists() and not loose_old.exists()
        assert (live / "body-abc.part").exists() and starting.exists() and loose_new.exists()
        assert own.exists() and mode(own / SPOOL_LOCK) == 0o600
    finally:
        services.shutdown()
        running.kill()
        running.wait()
    # the next start finds the live copy ended
    assert sweep_spool_sessions(spool) == (1, 0)
    assert not live.exists()


def test_the_sweep_never_takes_a_running_copys_spool(tmp_path, worker_pool):
    first = SpoolSession(tmp_path)
    second = SpoolSession(tmp_path)
    try:
        (second.folder / "body-1.part").write_bytes(b"x")
        assert sweep_spool_sessions(tmp_path, first.folder) == (0, 0)
        assert (second.folder / "body-1.part").exists()
    finally:
        second.close()
        first.close()
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_cache_falls_back_to_the_spool_root(tmp_path, worker_pool):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    folders = paths.AppPaths(tmp_path / "config", tmp_path / "data", blocked)
    keeping = Housekeeping(worker_pool, folders)
    assert keeping.spool_dir == blocked / "spool"
    keeping.close()


def test_a_symlink_loop_as_the_saved_requests_choice_gives_a_message(qtbot, app_home):
    settings = paths.saved_requests_settings_file()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.symlink_to(settings.with_name("other.json"))
    settings.with_name("other.json").symlink_to(settings)
    services = build_services(AppContext(), home=app_home, environ={})
    try:
        problems: list[str] = []
        services.saved.problem.connect(problems.append)
        services.saved.set_folder(app_home / "elsewhere")  # used, but not remembered
        assert any("could not be remembered" in p for p in problems), problems
        assert services.saved.root == app_home / "elsewhere"
    finally:
        services.shutdown()
