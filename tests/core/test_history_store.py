"""The history database alone: round trip, redaction, body cap and spill budget, search and
filters, damaged files quarantined, and two processes writing at once."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.core import history_store
from shipexplorer.core.history_records import redact_chunks
from shipexplorer.core.history_store import (
    SCHEMA_VERSION,
    HistoryQuery,
    HistoryRecord,
    HistoryStore,
)
from tests.canary import assert_not_in_files

KEY = "sk-history-canary-7f3a9c1e"
ROOT = Path(__file__).resolve().parents[2]


def record(n: int = 0, **changes) -> HistoryRecord:
    values = dict(
        time=1_700_000_000.0 + n,
        verb="POST",
        url=f"http://127.0.0.1:1/e/echo?n={n}",
        request_headers=[("Authorization", f"Bearer {KEY}"), ("Content-Type", "application/json")],
        request_body=b'{"x": %d}' % n,
        status=200,
        response_headers=[("Content-Type", "application/json")],
        response_body=b'{"data": {"x": %d}}' % n,
        elapsed=0.012,
        profile="emu",
        workspace="ws",
        instance="e",
        method="echo",
        kind="data",
        secrets=(KEY,),
    )
    values.update(changes)
    return HistoryRecord(**values)


@pytest.fixture
def store(tmp_path):
    made = HistoryStore(tmp_path / "history.sqlite3")
    assert made.open() is None
    yield made
    made.close()


def test_round_trip_keeps_everything_but_the_key(store, tmp_path):
    body = b'{"echo": "%s", "ok": true}' % KEY.encode()
    entry_id = store.add(record(url=f"http://h/x?key={KEY}", response_body=body, task_id="t-1"))
    entry = store.get(entry_id)
    assert (entry.profile, entry.workspace, entry.instance, entry.method) == (
        "emu",
        "ws",
        "e",
        "echo",
    )
    assert entry.verb == "POST" and entry.status == 200 and entry.status_class == "2xx"
    assert entry.url == "http://h/x?key=***"
    assert ("Authorization", "Bearer ***") in entry.request_headers
    assert entry.body_text == '{"x": 0}'
    assert entry.response_body == b'{"echo": "***", "ok": true}' and entry.body_complete
    assert entry.response_size == len(body) and entry.task_id == "t-1"
    assert abs(entry.elapsed - 0.012) < 1e-9
    assert store.get(entry_id + 100) is None
    store.close()
    assert assert_not_in_files(KEY, [tmp_path]) >= 1


def test_a_get_gives_its_query_arguments_back_as_the_body(store):
    url = "http://h/api/e/lookup?name=ada&tag=a&tag=b&empty="
    entry = store.get(store.add(record(verb="GET", url=url, request_body=None)))
    assert json.loads(entry.body_text) == {"name": "ada", "tag": ["a", "b"], "empty": ""}
    assert (
        store.get(store.add(record(verb="GET", url="http://h/x", request_body=None))).body_text
        == ""
    )


def test_schema_is_versioned_and_in_wal_mode(store):
    with store.reading() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_big_bodies_spill_to_compressed_files_within_the_budget(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3", body_cap=1000, budget=25_000)
    assert store.open() is None
    noise = [os.urandom(9000) + KEY.encode() for _ in range(4)]  # incompressible
    ids = [store.add(record(n, response_body=body)) for n, body in enumerate(noise)]
    entries = {i: store.get(i) for i in ids}
    # the newest two fit the budget; older ones were pruned first, keeping their first 1000 bytes
    assert entries[ids[3]].body_complete and entries[ids[2]].body_complete
    assert entries[ids[3]].response_body == noise[3].replace(KEY.encode(), b"***")
    for old in ids[:2]:
        assert not entries[old].body_complete and "pruned" in entries[old].body_note
        assert len(entries[old].response_body) == 1000
    assert store.spilled_total() <= 25_000
    assert len(list(store.bodies.glob("*.gz"))) == 2
    # a body over the whole budget is dropped with a note
    huge = store.add(record(9, response_body=os.urandom(40_000)))
    entry = store.get(huge)
    assert "over the history budget" in entry.body_note and len(entry.response_body) == 1000
    assert len(list(store.bodies.glob("*.gz"))) == 2
    store.set_budget(12_000)
    assert len(list(store.bodies.glob("*.gz"))) == 1 and store.spilled_total() <= 12_000
    store.close()
    assert_not_in_files(KEY, [tmp_path])


def test_redaction_in_chunks_never_cuts_through_a_key():
    data = (b"a" * 97 + KEY.encode()) * 300
    for size in (1, 7, 50, 101, 4096):
        assert b"".join(redact_chunks(data, (KEY,), chunk=size)) == data.replace(
            KEY.encode(), b"***"
        )


def test_search_filters_and_paging(store):
    store.add(record(1, instance="e", method="echo", response_body=b'{"greeting": "bonjour"}'))
    store.add(record(2, instance="g", method="greet", status=404, response_body=b"nope"))
    store.add(record(3, instance="g", method="greet", status=503))
    store.add(record(4, instance="g", method="slow", status=None, error="ReadTimeout: too slow"))

    def ids(**kw) -> list[int]:
        return [e.id for e in store.query(HistoryQuery(**kw))]

    assert ids() == [4, 3, 2, 1]
    assert ids(text="bonj") == [1] and ids(text="BONJOUR") == [1]
    assert ids(text="on") == [1]  # shorter than a trigram: a scan
    assert ids(text="too slow") == [4] and ids(text="nothing-like-it") == []
    assert ids(instance="g") == [4, 3, 2] and ids(method="greet") == [3, 2]
    assert ids(status_class="2xx") == [1] and ids(status_class="4xx") == [2]
    assert ids(status_class="5xx") == [3] and ids(status_class="error") == [4]
    assert ids(limit=2) == [4, 3] and ids(limit=2, offset=2) == [2, 1]
    assert ids(after_id=2) == [4, 3]
    assert store.distinct("instance") == ["e", "g"]
    summary = store.query(HistoryQuery(limit=1))[0]
    assert summary.response_body is None and not summary.full


def test_search_without_fts5_falls_back(tmp_path, monkeypatch):
    monkeypatch.setattr(history_store, "fts5_available", lambda: False)
    store = HistoryStore(tmp_path / "plain.sqlite3")
    assert store.open() is None and not store.fts
    store.add(record(1, response_body=b"hello world"))
    store.add(record(2, response_body=b"other"))
    assert [e.id for e in store.query(HistoryQuery(text="WORLD"))] == [1]


def test_delete_clear_and_task_timelines(store):
    first = store.add(record(1, task_id="task-1", response_body=os.urandom(1_200_000)))
    second = store.add(record(2))
    assert list(store.bodies.glob("*.gz"))
    assert store.attach_task("task-1", {"state": "succeeded", "note": KEY}, (KEY,)) == 1
    assert store.get(first).task_timeline == {"state": "succeeded", "note": "***"}
    assert store.delete([first]) == 1 and store.get(first) is None
    assert not list(store.bodies.glob("*.gz"))
    assert store.query(HistoryQuery(text="echo"))[0].id == second
    store.clear()
    assert store.count() == 0 and store.query(HistoryQuery(text="echo")) == []


def _open_bytes(data: bytes) -> tuple[HistoryStore, str | None, Path]:
    folder = Path(tempfile.mkdtemp())
    path = folder / "history.sqlite3"
    path.write_bytes(data)
    store = HistoryStore(path)
    return store, store.open(), folder


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=4096),
        st.binary(min_size=100, max_size=8192).map(lambda b: b"SQLite format 3\x00" + b),
    )
)
def test_a_file_of_arbitrary_bytes_is_quarantined_or_used_never_raised(data):
    store, message, folder = _open_bytes(data)
    try:
        if store.read_only:  # bytes that happen to say "a newer schema": kept, not written
            assert message and "newer shipexplorer" in message
            return
        if message is not None:
            assert "moved aside" in message
            assert list(folder.glob("history.sqlite3.corrupt-*"))
        entry_id = store.add(record(1))  # history works either way
        assert store.get(entry_id).url.endswith("n=1")
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_damaged_database_is_moved_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    store.open()
    for n in range(50):
        store.add(record(n, response_body=b"x" * 5000))
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    raw[4096 * 2 : 4096 * 3] = b"\xff" * 4096  # trash a page
    path.write_bytes(bytes(raw))
    again = HistoryStore(path)
    message = again.open()
    assert message and "damaged" in message and "moved aside" in message
    assert again.count() == 0 and list(tmp_path.glob("history.sqlite3.corrupt-*"))
    assert again.add(record(1)) == 1


def test_another_programs_database_is_not_taken_over(tmp_path):
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes(text)")
    store = HistoryStore(path)
    assert "moved aside" in store.open()
    assert store.add(record(1)) == 1


def test_a_newer_schema_is_read_but_not_written(tmp_path):
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    store.open()
    store.add(record(1))
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer = HistoryStore(path)
    assert "newer shipexplorer" in newer.open()
    assert newer.read_only and newer.add(record(2)) is None
    assert [e.id for e in newer.query(HistoryQuery())] == [1]


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, sys.argv[3])
    from shipexplorer.core.history_store import HistoryRecord, HistoryStore
    store = HistoryStore(sys.argv[1], body_cap=500, budget=10**9)
    assert store.open() is None
    go = float(sys.argv[4])
    while time.time() < go:
        time.sleep(0.001)
    for n in range(int(sys.argv[2])):
        body = os.urandom(600) if n % 10 == 0 else b"small"
        store.add(HistoryRecord(time=time.time(), verb="POST", url=f"u/{os.getpid()}/{n}",
                                response_body=body, status=200))
    store.close()
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).open()  # created first, as the first copy of the app would
    go = time.time() + 1.5
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), "300", str(ROOT), str(go)],
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
    store = HistoryStore(path)
    assert store.open() is None
    assert store.count() == 600
    urls = {e.url for e in store.query(HistoryQuery(limit=1000))}
    assert len(urls) == 600
    assert len(list(store.bodies.glob("*.gz"))) == 60
    with store.reading() as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_whose_call_is_stored_and_is_a_filter(store):
    store.add(record(1, origin="user"))
    store.add(record(2, method="__dir__", origin="app"))
    store.add(
        record(3, instance=None, method="workspace/list", url="http://h/api/v1/workspace/list")
    )
    assert [e.origin for e in store.query(HistoryQuery())] == ["app", "app", "user"]
    assert [e.id for e in store.query(HistoryQuery(origin="user"))] == [1]
    assert [e.id for e in store.query(HistoryQuery(origin="app"))] == [3, 2]
    assert store.distinct("method", "user") == ["echo"]
    assert store.distinct("method") == ["__dir__", "echo", "workspace/list"]


def test_a_schema_1_database_is_migrated_and_its_rows_classified_by_url(tmp_path):
    path = tmp_path / "history.sqlite3"
    rows = [  # (url, instance, method): what schema 1 stored
        ("http://127.0.0.1:9/_apps/ws/e/echo", "e", "echo"),
        ("http://127.0.0.1:9/_apps/ws/e/__dir__", "e", "__dir__"),
        ("http://127.0.0.1:9/api/v1/workspace/list", None, "workspace/list"),
        ("http://127.0.0.1:9/api/v1/package/instance/list", None, "package/instance/list"),
        ("http://127.0.0.1:9/api/v1/package/instance/create", None, "package/instance/create"),
    ]
    with sqlite3.connect(path) as db:
        db.executescript(history_store._SCHEMA_V1)
        db.execute("CREATE TABLE search(doc TEXT)")
        for n, (url, instance, method) in enumerate(rows):
            db.execute(
                "INSERT INTO entries(time, verb, url, instance, method, status, status_class) "
                "VALUES (?, 'POST', ?, ?, ?, 200, '2xx')",
                (1_700_000_000.0 + n, url, instance, method),
            )
            db.execute("INSERT INTO search(rowid, doc) VALUES (last_insert_rowid(), ?)", (url,))
        db.execute("PRAGMA user_version=1")
    db.close()
    migrated = HistoryStore(path)
    assert migrated.open() is None
    try:
        with migrated.reading() as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        origins = {e.method: e.origin for e in migrated.query(HistoryQuery())}
        assert origins == {
            "echo": "user",
            "__dir__": "app",
            "workspace/list": "app",
            "package/instance/list": "app",
            "package/instance/create": "user",
        }
        mine = migrated.query(HistoryQuery(origin="user"))
        assert [e.method for e in mine] == ["package/instance/create", "echo"]
        assert migrated.add(record(9, origin="user")) == len(rows) + 1
    finally:
        migrated.close()


def test_a_spooled_body_keeps_its_true_size_and_says_what_was_kept(store):
    entry_id = store.add(
        record(response_body=b'{"data": "abc', response_size=52_428_800, body_note="only the start")
    )
    entry = store.get(entry_id)
    assert entry.response_size == 52_428_800 and entry.body_note == "only the start"
    assert entry.response_body == b'{"data": "abc' and not entry.body_complete
