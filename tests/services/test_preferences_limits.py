"""The body limits as preferences: read and written in range, applied to every client and to the
runner's spool limit; a request whose answer goes past the spool limit fails in words, with the
part written to disk deleted."""

from __future__ import annotations

import json
import socket
import uuid
from types import SimpleNamespace

import pytest

from shipexplorer.api import ConnectionSettings
from shipexplorer.api.limits import MB, BodyLimits, body_limits, set_body_limits
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.preferences import Preferences, PreferenceService
from shipexplorer.services.request_runner import RequestRunner
from tests.api.conftest import RawServer, read_request
from tests.service_support import profile_services


@pytest.fixture
def process_limits():
    """The process-wide limits are put back after the test."""
    before = body_limits()
    yield
    set_body_limits(before)


def test_defaults_and_ranges():
    chosen = Preferences()
    assert (chosen.memory_body_limit_mb, chosen.spool_limit_mb) == (16, 1000)
    assert Preferences.from_dict({"memory_body_limit_mb": 0, "spool_limit_mb": 10**12}) == (
        Preferences(memory_body_limit_mb=1, spool_limit_mb=100_000)
    )
    odd = Preferences.from_dict({"memory_body_limit_mb": "big", "spool_limit_mb": True, "other": 1})
    assert (odd.memory_body_limit_mb, odd.spool_limit_mb) == (16, 1000)
    assert Preferences.from_dict({"memory_body_limit_mb": 24.7}).memory_body_limit_mb == 24
    assert Preferences(memory_body_limit_mb=-5, spool_limit_mb=0).checked() == Preferences(
        memory_body_limit_mb=1, spool_limit_mb=1
    )


def test_saved_and_read_back(qtbot, worker_pool, tmp_path):
    path = tmp_path / "preferences.json"
    service = PreferenceService(worker_pool, path)
    service.load()
    service.update(Preferences(memory_body_limit_mb=32, spool_limit_mb=5000))
    qtbot.waitUntil(path.exists, timeout=5000)
    on_disk = json.loads(path.read_text())
    assert (on_disk["memory_body_limit_mb"], on_disk["spool_limit_mb"]) == (32, 5000)
    again = PreferenceService(None, path).load()
    assert (again.memory_body_limit_mb, again.spool_limit_mb) == (32, 5000)


def test_applied_to_every_client_and_the_runner(qtbot, worker_pool, tmp_path, process_limits):
    from shipexplorer.app import _apply_preferences

    service = PreferenceService(worker_pool, tmp_path / "preferences.json")
    runner = SimpleNamespace(spool_threshold=0, spool_limit=None)
    budgets: list[int] = []
    _apply_preferences(service, runner, SimpleNamespace(set_budget=budgets.append))
    assert body_limits() == BodyLimits(memory=16 * MB, spool=1000 * MB)
    assert runner.spool_limit == 1000 * MB
    service.update(Preferences(memory_body_limit_mb=4, spool_limit_mb=8))
    assert body_limits() == BodyLimits(memory=4 * MB, spool=8 * MB)
    assert runner.spool_limit == 8 * MB and budgets[-1] == 200 * MB


def _endless(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    block = b"[" + b"1," * 32_000
    chunk = b"%x\r\n%s\r\n" % (len(block), block)
    while True:
        conn.sendall(chunk)


def test_a_request_past_the_spool_limit_fails_in_words(qtbot, worker_pool, tmp_path):
    server = RawServer(_endless)
    base = f"http://127.0.0.1:{server.port}/"
    settings = ConnectionSettings(api_base=base + "api/v1/", app_base=base, workspace_handle="w")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    profiles.add_builtin(Profile(f"raw-{uuid.uuid4().hex[:6]}", settings, builtin=True), "k")
    spool = tmp_path / "spool"
    runner = RequestRunner(clients, worker_pool, spool_threshold=MB, spool_dir=spool)
    runner.spool_limit = 3 * MB
    failed: list[object] = []
    runner.failed.connect(lambda _rid, answer: failed.append(answer))
    try:
        runner.send("inst", "endless", "{}")
        qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    finally:
        server.close()
        clients.close()
    answer = failed[0]
    assert answer.status_line == "Stopped — answer over 3 MB (after 200 OK)"
    assert answer.body_text.splitlines()[0] == (
        "The server sent more than 3 MB for this call, so it was stopped and the part saved to "
        "disk deleted (limit: File ▸ Preferences ▸ Spooled body limit)."
    )
    assert answer.error_body is None
    assert not spool.exists() or list(spool.iterdir()) == []
