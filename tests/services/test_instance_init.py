"""Waiting for instances to initialise (InitWatcher, Explorer) and creates answered with a task
(PackageCatalog), against an in-process emulator whose answers a test scripts."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from shipexplorer.api import PackageInstance, SteamshipClient
from shipexplorer.core.profiles import local_profile
from shipexplorer.emulator import operations as emulator_operations
from shipexplorer.services.catalog import PackageCatalog
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.instance_init import (
    FAILED,
    INITIALISING,
    POLL_SECONDS,
    READY,
    TIMEOUT_SECONDS,
    InitProgress,
    InitWatcher,
    init_message,
    init_state,
)
from tests.service_support import profile_services

FAST = 0.05  # seconds between polls in these tests (the app waits 1 s, as the official client)


@pytest.fixture
def setup(start_emulator, worker_pool, qtbot, tmp_path):
    emu = start_emulator()
    credentials, profiles = profile_services(worker_pool, tmp_path)
    profiles.add_builtin(local_profile(emu.api_base, emu.app_base), "demo-key")
    clients = ClientProvider(profiles, credentials)
    api = SteamshipClient(clients.settings())

    class Setup:
        emulator, pool, provider, client = emu, worker_pool, clients, api

    yield Setup
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()
    api.close()


def script_gets(monkeypatch, answers: list[dict]) -> list[dict]:
    """``package/instance/get`` answers with ``answers`` merged into the record, one per call
    (the last one repeats); returns the bodies received."""
    original = emulator_operations.OPERATIONS["package/instance/get"]
    bodies: list[dict] = []

    def get(ctx, body):
        record = dict(original(ctx, body)["packageInstance"])
        record.update(answers[min(len(bodies), len(answers) - 1)])
        bodies.append(dict(body))
        return {"packageInstance": record}

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/instance/get", get)
    return bodies


def paths(emu) -> list[str]:
    return [r.path for r in emu.requests]


INITIALIZING = {"initStatus": "initializing"}


# -- the pure readers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("notNeeded", READY),
        ("complete", READY),
        ("initializing", INITIALISING),
        ("failed", FAILED),
        (None, ""),
        ("somethingNew", ""),
    ],
)
def test_init_status_reads_as_a_state(status, state):
    assert init_state(PackageInstance(id="i", handle="h", init_status=status)) == state


def test_a_failure_message_is_found_where_a_record_may_carry_it():
    def record(raw):
        return PackageInstance.from_data({"handle": "h", "initStatus": "failed", **raw})

    assert init_message(record({"initStatusMessage": "no model"})) == "no model"
    assert init_message(record({"initTask": {"statusMessage": "boom"}})) == "boom"
    assert init_message(record({})) == ""
    failed = InitProgress(FAILED, 3.0, "no model")
    assert failed.words() == "failed"
    assert failed.sentence() == "This instance failed to initialise: no model."
    assert "no reason" in InitProgress(FAILED).sentence()
    assert InitProgress(INITIALISING, 12.4).words() == "initialising… 12 s"
    assert InitProgress(READY).sentence() == ""


def test_the_official_cadence_and_limit():
    assert (POLL_SECONDS, TIMEOUT_SECONDS) == (1.0, 180.0)


# -- the watcher ------------------------------------------------------------------------------
def test_the_watcher_polls_instance_get_until_complete(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "slow").value
    bodies = script_gets(monkeypatch, [INITIALIZING, INITIALIZING, {"initStatus": "complete"}])
    watcher = InitWatcher(setup.provider, setup.pool, interval=FAST)
    changes = []
    watcher.changed.connect(changes.append)
    key = ("k", "slow")
    with qtbot.waitSignal(watcher.ended, timeout=5000) as blocker:
        watcher.watch(key, replace(record, init_status="initializing"), setup.provider.settings())
        assert watcher.watching(key) and watcher.progress(key).state == INITIALISING
        assert bodies == []  # sleeps first, then polls: as the official client
    assert blocker.args[0] == key and blocker.args[1].init_status == "complete"
    assert len(bodies) == 3
    assert bodies[0] == {"id": None, "handle": "slow"}  # the body the official client sends
    progress = watcher.progress(key)
    assert progress.state == READY and progress.elapsed >= 3 * FAST
    assert not watcher.watching(key) and key in changes


def test_a_failed_init_ends_with_its_message(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "broken").value
    script_gets(monkeypatch, [{"initStatus": "failed", "initStatusMessage": "No model here."}])
    watcher = InitWatcher(setup.provider, setup.pool, interval=FAST)
    with qtbot.waitSignal(watcher.ended, timeout=5000):
        watcher.watch("k", replace(record, init_status="initializing"), setup.provider.settings())
    progress = watcher.progress("k")
    assert progress.state == FAILED and progress.message == "No model here."


def test_the_wait_gives_up_after_its_limit_and_can_start_again(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "stuck").value
    bodies = script_gets(monkeypatch, [INITIALIZING])
    watcher = InitWatcher(setup.provider, setup.pool, interval=FAST, timeout=4 * FAST)
    stuck = replace(record, init_status="initializing")
    with qtbot.waitSignal(watcher.ended, timeout=5000):
        watcher.watch("k", stuck, setup.provider.settings())
    progress = watcher.progress("k")
    assert progress.timed_out and progress.state == INITIALISING and not progress.waiting
    assert "still initialising after" in progress.sentence()
    polls = len(bodies)
    assert polls >= 3
    with qtbot.waitSignal(watcher.ended, timeout=5000):
        watcher.watch("k", stuck, setup.provider.settings())  # a new wait
    assert len(bodies) > polls


def test_stopping_a_wait_stops_its_polls(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "stop").value
    bodies = script_gets(monkeypatch, [INITIALIZING])
    watcher = InitWatcher(setup.provider, setup.pool, interval=FAST)
    watcher.watch("k", replace(record, init_status="initializing"), setup.provider.settings())
    qtbot.waitUntil(lambda: len(bodies) >= 2, timeout=5000)
    watcher.stop_all()
    assert watcher.progress("k") is None and not watcher.watching("k")
    polled = len(bodies)
    with qtbot.assertNotEmitted(watcher.ended, wait=10 * int(FAST * 1000)):
        pass
    assert len(bodies) <= polled + 1  # at most the poll that was in flight


# -- the explorer -----------------------------------------------------------------------------
def _explorer(setup) -> Explorer:
    explorer = Explorer(setup.provider, setup.pool)
    explorer.init_watcher.interval = FAST
    return explorer


def test_dir_of_an_initialising_instance_waits_until_it_is_ready(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "later").value
    script_gets(monkeypatch, [INITIALIZING, INITIALIZING, {"initStatus": "complete"}])
    explorer = _explorer(setup)
    failures = []
    explorer.methodsFailed.connect(lambda handle, message: failures.append(message))
    seen = []
    explorer.initChanged.connect(seen.append)
    initialising = replace(record, init_status="initializing")
    with qtbot.waitSignal(explorer.methodsChanged, timeout=5000) as blocker:
        explorer.load_methods(initialising)
        assert explorer.init_progress(initialising).waiting
    assert blocker.args[0] == "later"
    assert "echo" in {m.path for m in blocker.args[1].methods}
    assert failures == [] and "later" in seen
    requested = paths(setup.emulator)
    gets = [i for i, p in enumerate(requested) if p.endswith("package/instance/get")]
    dirs = [i for i, p in enumerate(requested) if "__dir__" in p]
    assert len(gets) == 3 and dirs and dirs[0] > gets[-1]  # __dir__ only once ready
    assert explorer.init_progress(initialising).state == READY


def test_a_failed_init_fails_the_methods_with_its_reason(setup, qtbot, monkeypatch):
    record = setup.client.instance_create("echo", "broken").value
    script_gets(monkeypatch, [{"initStatus": "failed", "initStatusMessage": "No model here."}])
    explorer = _explorer(setup)
    with qtbot.waitSignal(explorer.methodsFailed, timeout=5000) as blocker:
        explorer.load_methods(replace(record, init_status="initializing"))
    assert blocker.args == ["broken", "This instance failed to initialise: No model here."]
    assert not any("__dir__" in p for p in paths(setup.emulator))


def test_listed_instances_that_initialise_are_waited_for(setup, qtbot, monkeypatch):
    setup.client.instance_create("echo", "listed")
    original = emulator_operations.OPERATIONS["package/instance/list"]

    def initialising_list(ctx, body):
        answer = original(ctx, body)
        for record in answer.get("packageInstances", []):
            record["initStatus"] = "initializing"
        return answer

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/instance/list", initialising_list)
    script_gets(monkeypatch, [INITIALIZING, {"initStatus": "complete"}])
    explorer = _explorer(setup)
    lists = []
    explorer.instancesChanged.connect(lists.append)
    explorer.start()
    qtbot.waitUntil(lambda: any(items for items in lists), timeout=5000)
    listed = explorer.instances()[0]
    assert explorer.init_progress(listed).waiting
    # the wait ends: the listed record takes the new state (the sidebar and tabs follow it)
    qtbot.waitUntil(lambda: explorer.instances()[0].init_status == "complete", timeout=5000)
    assert lists[-1][0].init_status == "complete"
    assert explorer.init_progress(listed).state == READY


# -- a create answered with a task --------------------------------------------------------------
def _background_creates(monkeypatch) -> None:
    """``package/instance/create`` answers ``{"status": task}`` with no ``data``, as a server that
    creates instances in the background does; the task's output is the instance."""
    original = emulator_operations.OPERATIONS["package/instance/create"]

    def create(ctx, body):
        return emulator_operations._in_background(ctx, "package/instance/create", original, body)

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/instance/create", create)


def test_a_create_answered_with_a_task_is_waited_for(setup, qtbot, monkeypatch):
    _background_creates(monkeypatch)
    catalog = PackageCatalog(setup.provider, setup.pool)
    catalog.task_interval = FAST
    created, failed, queued, ended = [], [], [], []
    catalog.created.connect(created.append)
    catalog.createFailed.connect(failed.append)
    catalog.createQueued.connect(queued.append)
    catalog.queuedCreated.connect(lambda *args: ended.append(args))
    catalog.create_instance("greeter", "later-1", config={"greeting": "Hey"})
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    (task,) = queued
    assert task.task_id and not task.is_finished
    ((task_id, instance),) = ended
    assert task_id == task.task_id
    assert isinstance(instance, PackageInstance) and instance.handle == "later-1"
    assert instance.config == {"greeting": "Hey"}
    assert created == [] and failed == []  # never a created(None)
    statuses = [r for r in setup.emulator.requests if r.path.endswith("task/status")]
    assert statuses and json.loads(statuses[0].body) == {"taskId": task.task_id}


def test_a_create_task_that_fails_is_reported_with_its_task(setup, qtbot, monkeypatch):
    _background_creates(monkeypatch)
    catalog = PackageCatalog(setup.provider, setup.pool)
    catalog.task_interval = FAST
    queued, failed = [], []
    catalog.createQueued.connect(queued.append)
    catalog.queuedFailed.connect(lambda *args: failed.append(args))
    catalog.create_instance("greeter", "bad-1", config={"punctuation": ";"})
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    ((task_id, error),) = failed
    assert task_id == queued[0].task_id
    assert "punctuation" in str(error)
