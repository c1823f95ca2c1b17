"""Big answers through the RequestRunner over the emulator's faults.big: streamed with progress,
spooled to a file (never held whole), browsable through the child-process document, saved
exactly, cancelled quickly; small answers stay in memory."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.documents.answer import JSON, TEXT, answer_from_value
from shipexplorer.core.profiles import Profile
from shipexplorer.emulator.packages.faults import big_body
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from tests.service_support import profile_services


@pytest.fixture
def big_services(qtbot, worker_pool, emulator, tmp_path):
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, workspace_handle=workspace
    )
    with SteamshipClient(settings.replace(api_key="demo-key")) as api:
        api.workspace_create(workspace)
        api.instance_create("faults", "f")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool, spool_dir=tmp_path / "spool")
    profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")
    qtbot.waitUntil(lambda: explorer.instance("f") is not None, timeout=5000)
    yield runner, explorer.instance("f"), tmp_path / "spool"
    runner.cancel_all()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=10000)
    clients.close()


def run(qtbot, runner, instance, args, timeout=60_000):
    answers: list = []
    progress: list[tuple[int, int]] = []
    runner.finished.connect(lambda rid, p: answers.append(p))
    runner.failed.connect(lambda rid, p: answers.append(p))
    runner.progress.connect(lambda rid, got, total: progress.append((got, total)))
    runner.send(instance, "big", json.dumps(args))
    qtbot.waitUntil(lambda: bool(answers), timeout=timeout)
    return answers[0], progress


def test_big_answer_is_spooled_browsable_and_saved(qtbot, worker_pool, big_services, tmp_path):
    runner, instance, spool = big_services
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(16)
    p, progress = run(qtbot, runner, instance, {"megabytes": 20})
    heartbeat.stop()
    expected = b"".join(big_body(20)[1])
    try:
        assert p.kind == JSON and p.ok, p.body_text
        assert p.raw is None and p.body_file and Path(p.body_file).parent == spool
        assert Path(p.body_file).stat().st_size == len(expected) == p.size
        assert len(progress) >= 2 and progress[-1] == (len(expected), len(expected))
        assert len(progress) < 20 * 60  # throttled
        # the window kept answering: the heartbeat fired all along
        assert len(ticks) > 5
        # views opened on the worker before `finished`
        assert not p.document.synchronous
        root = p.document.root()
        assert root.kind == "array" and root.size == expected.count(b'"index"')
        assert p.text_source.size == len(expected)
        assert p.shown_note.startswith("Showing the first") and p.truncated
        assert p.body_text.startswith('[\n  {\n    "index": "000000000"')
        queries = DocumentQueries(worker_pool)
        got: list = []
        queries.children(p.document, (), root.size - 2, 10, got.append)
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
        assert [n.key for n in got[0]] == [root.size - 2, root.size - 1]
        last = f"{root.size - 1:09d}"
        found: list = []
        queries.search(p.document, last, found.append)
        qtbot.waitUntil(lambda: bool(found), timeout=30_000)
        assert found[0] == [(root.size - 1, "index")]
        # save writes the exact bytes
        target = tmp_path / "saved.json"
        with qtbot.waitSignal(runner.saved, timeout=30_000) as saved:
            runner.save_answer(p, str(target))
        assert saved.args == [str(target), ""]
        assert target.read_bytes() == expected
    finally:
        p.close()
    assert not Path(p.body_file).exists() and list(spool.iterdir()) == []


def test_cancel_during_a_big_download_is_quick_and_leaves_no_file(qtbot, big_services):
    runner, instance, spool = big_services
    ended: list[float] = []
    runner.cancelled.connect(lambda rid: ended.append(time.perf_counter()))
    runner.finished.connect(lambda rid, p: pytest.fail("the download finished"))
    seen: list[int] = []
    rid = runner.send(instance, "big", json.dumps({"megabytes": 1000}))
    runner.progress.connect(lambda r, got, total: seen.append(got))
    qtbot.waitUntil(lambda: sum(1 for g in seen if g > 3_000_000) > 0, timeout=30_000)
    asked = time.perf_counter()
    assert runner.cancel(rid)
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert ended[0] - asked < 1.0
    qtbot.waitUntil(lambda: spool.exists() and list(spool.iterdir()) == [], timeout=5000)


def test_small_answer_stays_in_memory(qtbot, big_services):
    runner, instance, spool = big_services
    p, _ = run(qtbot, runner, instance, {"megabytes": 0.03})
    assert p.kind == JSON and p.body_file is None and p.raw == b"".join(big_body(0.03)[1])
    assert p.document.synchronous and p.document.root().size == len(json.loads(p.raw))
    assert p.text_source.size == len(p.raw) and p.shown_note == ""
    assert not spool.exists() or list(spool.iterdir()) == []


def test_a_mid_size_answer_is_parsed_in_the_worker_processes(qtbot, big_services):
    """Above 64 kB the body is spooled and the shared worker processes parse and pretty-print
    it: this process holds the first part of the pretty text and a document over the file."""
    from shipexplorer.core.documents import pool_jobs
    from shipexplorer.core.documents.pooled_document import PooledDocument

    runner, instance, spool = big_services
    p, _ = run(qtbot, runner, instance, {"megabytes": 0.5})
    try:
        assert p.kind == JSON and p.raw is None and Path(p.body_file).parent == spool
        assert isinstance(p.document, PooledDocument) and not p.document.synchronous
        expected = json.loads(b"".join(big_body(0.5)[1]))
        assert p.document.root().size == len(expected)
        assert p.body_text.startswith("{\n") or p.body_text.startswith("[\n")
        assert p.text_source.size == Path(p.body_file).stat().st_size
        worker = p.document._pool.call(pool_jobs.worker_pid)
        assert worker != os.getpid()
    finally:
        p.close()
    assert not Path(p.body_file).exists()


def test_answer_from_value():
    p = answer_from_value({"a": [1, 2]}, title="Task output")
    assert p.kind == JSON and p.status_line == "Task output"
    assert json.loads(p.raw) == {"a": [1, 2]} and p.document.root().size == 1
    assert p.text_source.line(0) == "{"
    text = answer_from_value("hello\nworld")
    assert text.kind == TEXT and text.text_source.line(1) == "world"
    assert answer_from_value(b"\x00\x01").kind == "bytes"


def test_open_spooled_broken_json_is_shown_as_text(tmp_path):
    from shipexplorer.core.documents.answer import Answer
    from shipexplorer.core.documents.spooled_body import open_spooled

    path = tmp_path / "body-x.part"
    path.write_bytes(b'{"a": [1, 2' + b" " * 500)
    p = Answer(JSON, "200 OK", size=511, body_file=str(path))
    shown = open_spooled(p, threshold=100)
    assert shown.kind == TEXT and shown.document is None
    assert "not valid JSON" in shown.shown_note and shown.body_text.startswith('{"a": [1, 2')
    assert shown.text_source.size == 511
    shown.close()
    assert not path.exists()


def test_open_spooled_text_shows_its_first_part(tmp_path):
    from shipexplorer.core.documents.answer import MAX_SHOWN_CHARS, Answer
    from shipexplorer.core.documents.spooled_body import open_spooled

    path = tmp_path / "body-t.part"
    text = "line\n" * 100_000
    path.write_text(text)
    p = open_spooled(Answer(TEXT, "200 OK", size=len(text), body_file=str(path)))
    assert len(p.body_text) <= MAX_SHOWN_CHARS and p.body_text.startswith("line\nline")
    assert p.shown_note.startswith("Showing the first") and p.text_source.line_count() == 100_001
    copy = dataclasses.replace(p, status_line="copy")
    del p

    gc.collect()
    assert path.exists()  # the copy still holds the file
    copy.close()
    assert not path.exists()
