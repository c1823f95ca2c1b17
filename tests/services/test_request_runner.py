"""RequestRunner and Explorer without the window: body parsing, ids, cancel, cache, states."""

from __future__ import annotations

import json
import uuid

import pytest

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.documents.json_body import BodyError, parse_body
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.explorer import INSTANCES, METHODS, Explorer
from shipexplorer.services.request_runner import RequestRunner
from tests.service_support import profile_services


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"a": 1,}', "line 1, column 9: "),
        ('{\n  "a": tru\n}', "line 2, column 8: "),
        ("[1, 2", "line 1, column 6: "),
    ],
)
def test_invalid_json_names_line_and_column(text, where):
    with pytest.raises(BodyError) as caught:
        parse_body(text)
    assert str(caught.value).startswith(where)


def test_bodies_that_parse():
    assert parse_body("") == {} and parse_body("  \n") == {}
    assert parse_body('{"a": [1]}') == {"a": [1]}
    assert parse_body("[1, 2]") == [1, 2]
    with pytest.raises(BodyError, match="GET request needs a JSON object"):
        parse_body("[1]", "GET")


def test_the_runner_refuses_with_the_editors_problem():
    """One parser: Send refuses a body with the very problem the editor's check shows."""
    from shipexplorer.services.body_check import check_body

    for text, verb in (('{\n  "a": tru\n}', "POST"), ("[1]", "GET"), ("[" * 100_000, "POST")):
        _, problem = check_body(text, verb)
        with pytest.raises(BodyError) as caught:
            parse_body(text, verb)
        assert problem is not None and caught.value.problem == problem
        assert str(caught.value) == problem.message


@pytest.fixture
def services(qtbot, worker_pool, emulator, tmp_path):
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key="demo-key")) as api:
        api.workspace_create(workspace)
        api.instance_create("echo", "e")
        api.instance_create("greeter", "g")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool)
    profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")
    yield explorer, runner, clients
    runner.cancel_all()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
    clients.close()


def test_many_requests_each_with_its_id_all_answer(qtbot, services):
    explorer, runner, _ = services
    qtbot.waitUntil(lambda: len(explorer.instances()) == 2, timeout=5000)
    echo = explorer.instance("e")
    answers: dict[int, object] = {}
    runner.finished.connect(lambda rid, p: answers.__setitem__(rid, p))
    counts: list[int] = []
    runner.inFlightChanged.connect(counts.append)
    ids = [runner.send(echo, "echo", json.dumps({"n": n})) for n in range(8)]
    assert len(set(ids)) == 8 and runner.in_flight() == 8
    assert counts == []  # eight sends in one frame: the status is told once, at its end
    qtbot.waitUntil(lambda: len(answers) == 8, timeout=5000)
    for n, rid in enumerate(ids):
        assert json.loads(answers[rid].body_text) == {"n": n}
    qtbot.waitUntil(lambda: bool(counts) and counts[-1] == 0, timeout=5000)
    assert all(0 <= c <= 8 for c in counts) and len(counts) <= 9


def test_cancel_hits_only_its_own_request(qtbot, services):
    explorer, runner, _ = services
    qtbot.waitUntil(lambda: len(explorer.instances()) == 2, timeout=5000)
    echo = explorer.instance("e")
    ended: list[tuple[str, int]] = []
    runner.finished.connect(lambda rid, _p: ended.append(("finished", rid)))
    runner.cancelled.connect(lambda rid: ended.append(("cancelled", rid)))
    first = runner.send(echo, "echo", '{"x": 1}')
    second = runner.send(echo, "echo", '{"x": 2}')
    assert runner.cancel(first)
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=5000)
    assert ("cancelled", first) in ended and ("finished", second) in ended
    assert not runner.cancel(first)


def test_refused_before_sending(qtbot, services):
    _, runner, _ = services
    with pytest.raises(ValueError, match="Pick or type a method"):
        runner.send("e", "  ", "{}")
    with pytest.raises(BodyError):
        runner.send("e", "echo", "{")
    assert runner.in_flight() == 0


def test_dir_is_cached_and_refreshed_on_demand(qtbot, services, emulator):
    explorer, _, _ = services
    qtbot.waitUntil(lambda: len(explorer.instances()) == 2, timeout=5000)
    greeter = explorer.instance("g")
    with qtbot.waitSignal(explorer.methodsChanged, timeout=5000) as got:
        explorer.load_methods(greeter)
    assert got.args[0] == "g" and got.args[1].method("greet") is not None
    before = emulator.request_mark()
    with qtbot.waitSignal(explorer.methodsChanged, timeout=100):
        explorer.load_methods(greeter)  # from the cache: at once, no request
    assert not [r for r in emulator.requests_since(before) if "__dir__" in r.path]
    with qtbot.waitSignal(explorer.loadingChanged, timeout=5000):
        explorer.load_methods(greeter, refresh=True)
    qtbot.waitUntil(lambda: not explorer.is_loading(METHODS), timeout=5000)
    assert [r for r in emulator.requests_since(before) if "__dir__" in r.path]


def test_each_area_has_its_own_error_state(qtbot, services):
    explorer, _, _ = services
    qtbot.waitUntil(lambda: len(explorer.instances()) == 2, timeout=5000)
    ghost = explorer.instance("g").__class__(id="nope", handle="ghost")
    with qtbot.waitSignal(explorer.errorChanged, timeout=5000) as got:
        explorer.load_methods(ghost)
    assert got.args[0] == METHODS and "Could not load the methods of ghost" in got.args[1]
    assert explorer.error(INSTANCES) == ""


def test_save_body_writes_on_the_pool(qtbot, services, tmp_path):
    _, runner, _ = services
    path = tmp_path / "out" / "body.bin"
    with qtbot.waitSignal(runner.saved, timeout=5000) as got:
        runner.save_body(b"\x00\x01png", str(path))
    assert got.args == [str(path), ""]
    assert path.read_bytes() == b"\x00\x01png"
    (tmp_path / "dir").mkdir()
    with qtbot.waitSignal(runner.saved, timeout=5000) as got:
        runner.save_body(b"x", str(tmp_path / "dir"))
    assert got.args[1].startswith("Could not save")


def test_exchange_listeners_see_every_call_with_its_profile(qtbot, services):
    explorer, runner, clients = services
    seen: list[tuple[str, str | None, str | None]] = []
    clients.add_exchange_listener(
        lambda exchange, settings, name: seen.append((exchange.url, name, settings.api_key))
    )
    clients.add_exchange_listener(lambda *_: 1 / 0)  # a broken listener fails nothing
    qtbot.waitUntil(lambda: len(explorer.instances()) == 2, timeout=5000)
    done: list[int] = []
    runner.finished.connect(lambda rid, _p: done.append(rid))
    runner.send(explorer.instance("e"), "echo", '{"x": 1}')
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    qtbot.waitUntil(lambda: any(url.endswith("/echo") for url, _, _ in seen), timeout=5000)
    assert all(name == "emu" and key == "demo-key" for _, name, key in seen)
