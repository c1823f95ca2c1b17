"""HistoryService over the emulator: calls are recorded off the GUI thread with their names and
whose call they were (the user's or the app's own), task polls are not, timelines attach, a
spooled answer keeps its true size, a damaged database is reported, and no key reaches any file."""

from __future__ import annotations

import json
import uuid

import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.history_records import APP, USER
from shipexplorer.core.history_store import HistoryQuery
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.history import HistoryService
from shipexplorer.services.request_runner import RequestRunner
from tests.canary import assert_not_in_files, assert_not_in_text
from tests.service_support import profile_services

CANARY = "sk-canary-history-4b1d9e77c2"


@pytest.fixture
def make(qtbot, worker_pool, emulator, tmp_path):
    """``make(key=..., emu=...)`` -> (history, runner, explorer, clients, settings)."""
    made = []

    def build(*, emu=None, key="demo-key", path=None, on_problem=None):
        emu = emu or emulator
        workspace = f"ws-{uuid.uuid4().hex[:8]}"
        settings = ConnectionSettings(
            api_base=emu.api_base, app_base=emu.app_base, workspace_handle=workspace
        )
        with SteamshipClient(settings.replace(api_key=key)) as api:
            api.workspace_create(workspace)
            api.instance_create("echo", "e")
            api.instance_create("slow-job", "s")
        credentials, profiles = profile_services(worker_pool, tmp_path / "profiles")
        clients = ClientProvider(profiles, credentials)
        history = HistoryService(worker_pool, clients, path or tmp_path / "data" / "h.sqlite3")
        if on_problem is not None:
            history.problem.connect(on_problem)
        history.start()
        explorer = Explorer(clients, worker_pool)
        runner = RequestRunner(clients, worker_pool)
        profiles.add_builtin(Profile("emu", settings, builtin=True), key)
        made.append((history, runner, clients))
        return history, runner, explorer, clients, settings

    yield build
    for history, runner, clients in made:
        runner.cancel_all()
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        history.shutdown()
        clients.close()


def fetch(qtbot, history: HistoryService, query: HistoryQuery | None = None):
    got: list = []
    history.query(query or HistoryQuery(limit=500), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    return got[0]


def get(qtbot, history: HistoryService, entry_id: int):
    got: list = []
    history.get(entry_id, got.append, whole_body=True)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    return got[0]


def send(qtbot, runner, explorer, handle: str, method: str, body: str) -> None:
    qtbot.waitUntil(lambda: explorer.instance(handle) is not None, timeout=5000)
    done: list = []
    runner.finished.connect(lambda rid, _p: done.append(rid))
    runner.failed.connect(lambda rid, _p: done.append(rid))
    runner.send(explorer.instance(handle), method, body)
    qtbot.waitUntil(lambda: bool(done), timeout=10000)


def test_runner_calls_are_recorded_with_their_names(qtbot, make):
    history, runner, explorer, _, settings = make()
    with qtbot.waitSignal(history.entryAdded, timeout=10000):
        send(qtbot, runner, explorer, "e", "echo", '{"hello": "history"}')
    qtbot.waitUntil(history.idle, timeout=5000)
    entries = [e for e in fetch(qtbot, history) if e.method == "echo"]
    assert len(entries) == 1
    entry = get(qtbot, history, entries[0].id)
    assert entry.profile == "emu" and entry.workspace == settings.workspace_handle
    assert entry.instance == "e" and entry.verb == "POST" and entry.status == 200
    assert json.loads(entry.body_text) == {"hello": "history"}
    assert "history" in entry.response_text
    # the listing of instances made by the explorer is recorded too (an API operation)
    assert any(e.method and "instance" in e.method for e in fetch(qtbot, history))
    found = fetch(qtbot, history, HistoryQuery(text="hello", instance="e"))
    assert [e.id for e in found] == [entry.id]


def test_task_polls_are_skipped_and_the_timeline_attaches(qtbot, make):
    history, runner, explorer, clients, settings = make()
    send(qtbot, runner, explorer, "s", "start", '{"seconds": 0.2, "steps": 1}')
    qtbot.waitUntil(history.idle, timeout=5000)
    started = [e for e in fetch(qtbot, history) if e.method == "start"]
    assert len(started) == 1 and started[0].task_id
    task_id = started[0].task_id
    client = clients.client_for(settings.replace(api_key="demo-key"))
    assert client.task_status(task_id).value.task_id == task_id
    qtbot.waitUntil(history.idle, timeout=5000)
    assert not [e for e in fetch(qtbot, history) if e.method == "task/status"]
    with qtbot.waitSignal(history.taskAttached, timeout=5000) as got:
        history.attach_task(task_id, {"taskId": task_id, "state": "succeeded"})
    assert got.args == [task_id]
    assert get(qtbot, history, started[0].id).task_timeline["state"] == "succeeded"


def test_delete_clear_and_compare(qtbot, make):
    history, runner, explorer, _, _ = make()
    send(qtbot, runner, explorer, "e", "echo", '{"n": 1, "same": true}')
    send(qtbot, runner, explorer, "e", "echo", '{"n": 2, "same": true, "new": [1]}')
    qtbot.waitUntil(history.idle, timeout=5000)
    first, second = sorted(e.id for e in fetch(qtbot, history) if e.method == "echo")
    got: list = []
    history.compare(second, first, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    older, newer, diff = got[0]
    assert (older.id, newer.id) == (first, second) and diff.is_json
    assert {(c.marker, c.path_text) for c in diff.changes} >= {("~", "$.n"), ("+", "$.new")}
    with qtbot.waitSignal(history.changed, timeout=5000):
        history.delete([first])
    assert first not in {e.id for e in fetch(qtbot, history)}
    with qtbot.waitSignal(history.changed, timeout=5000):
        history.clear()
    assert fetch(qtbot, history) == []


def test_a_damaged_database_is_reported_and_replaced(qtbot, make, tmp_path):
    path = tmp_path / "data" / "h.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is no database " * 100)
    messages: list[str] = []
    history, runner, explorer, _, _ = make(path=path, on_problem=messages.append)
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert "damaged" in messages[0] and "moved aside" in messages[0]
    send(qtbot, runner, explorer, "e", "echo", "{}")
    qtbot.waitUntil(history.idle, timeout=5000)
    assert [e for e in fetch(qtbot, history) if e.method == "echo"]
    assert list(path.parent.glob("h.sqlite3.corrupt-*"))


def test_the_canary_key_is_nowhere_in_history(qtbot, make, start_emulator, tmp_path):
    emu = start_emulator(api_keys=[CANARY])
    history, runner, explorer, _, _ = make(emu=emu, key=CANARY)
    padding = "p" * 1_200_000  # over the in-row cap: the body spills to a file
    send(qtbot, runner, explorer, "e", "echo", json.dumps({"key": CANARY, "pad": padding}))
    send(qtbot, runner, explorer, "e", "echo", json.dumps({"again": CANARY}))
    send(qtbot, runner, explorer, "e", "nope-no-such-method", json.dumps({"k": CANARY}))
    send(qtbot, runner, explorer, "s", "start", json.dumps({"seconds": 0.1}))
    qtbot.waitUntil(history.idle, timeout=10000)
    entries = fetch(qtbot, history)
    tasks = [e.task_id for e in entries if e.task_id]
    assert tasks
    with qtbot.waitSignal(history.taskAttached, timeout=5000):
        history.attach_task(tasks[0], {"taskId": tasks[0], "messages": [[0, f"k={CANARY}"]]})
    full = [get(qtbot, history, e.id) for e in entries]
    assert any(e.body_complete and len(e.response_body) > 1_000_000 for e in full)
    assert list(history.store.bodies.glob("*.gz"))
    for entry in full:
        assert_not_in_text(CANARY, repr(entry), f"history entry {entry.id}")
        assert_not_in_text(CANARY, entry.body_text + entry.response_text, "a body")
    assert any("***" in e.body_text for e in full)
    history.shutdown()
    assert assert_not_in_files(CANARY, [tmp_path / "data"]) >= 2


def test_each_entry_records_whose_call_it_was(qtbot, make):
    """The user's method calls and instance creations are the user's; the listings and
    ``__dir__`` the app makes to show things are the app's own, and a query can leave them out."""
    history, runner, explorer, clients, _ = make()
    qtbot.waitUntil(lambda: explorer.instance("e") is not None, timeout=5000)
    with qtbot.waitSignal(explorer.methodsChanged, timeout=5000):
        explorer.load_methods(explorer.instance("e"))
    send(qtbot, runner, explorer, "e", "echo", '{"mine": 1}')
    client = clients.client_for(clients.settings())
    client.instance_create("echo", "made-by-the-user")
    qtbot.waitUntil(history.idle, timeout=5000)
    everything = fetch(qtbot, history)
    by_origin = {(e.method, e.origin) for e in everything}
    assert {
        ("workspace/list", APP),
        ("package/instance/list", APP),
        ("__dir__", APP),
        ("echo", USER),
        ("package/instance/create", USER),
    } <= by_origin
    mine = fetch(qtbot, history, HistoryQuery(origin=USER, limit=500))
    assert sorted(e.method for e in mine) == ["echo", "package/instance/create"]
    own = fetch(qtbot, history, HistoryQuery(origin=APP, limit=500))
    assert {e.method for e in own} >= {"workspace/list", "package/instance/list", "__dir__"}
    assert len(mine) + len(own) == len(everything)
    values: list = []
    history.filter_values(values.append, origin=USER)
    qtbot.waitUntil(lambda: bool(values), timeout=5000)
    assert values[0]["method"] == ["echo", "package/instance/create"]


def test_a_spooled_answer_is_recorded_with_its_true_size(qtbot, make, worker_pool, tmp_path):
    history, _, explorer, clients, _ = make()
    history.store.body_cap = 4096  # what the row keeps of a body
    history.whole_spooled_up_to = 10_000  # bigger spooled answers: only their start
    runner = RequestRunner(clients, worker_pool, spool_threshold=10_000, spool_dir=tmp_path / "sp")
    qtbot.waitUntil(lambda: explorer.instance("e") is not None, timeout=5000)
    body = json.dumps({"pad": "q" * 300_000})
    answers: list = []
    runner.finished.connect(lambda _rid, answer: answers.append(answer))
    runner.send(explorer.instance("e"), "echo", body)
    qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    answer = answers[0]
    try:
        assert answer.body_file is not None  # it was spooled: not held in memory
    finally:
        answer.close()
    qtbot.waitUntil(history.idle, timeout=5000)
    direct = clients.client_for(clients.settings()).invoke(
        explorer.instance("e"), "echo", json.loads(body)
    )
    whole = bytes(direct.exchange.response_body)
    assert len(whole) > 300_000
    spooled = [e for e in fetch(qtbot, history) if e.method == "echo"][-1]  # the older one
    assert spooled.response_size == len(whole) == answer.size
    entry = get(qtbot, history, spooled.id)
    assert entry.response_body == whole[:4096] and not entry.body_complete
    assert "on disk" in entry.body_note
