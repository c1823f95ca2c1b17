"""Damaged or newer files are never lost: a broken saved-requests folder choice is moved aside and
said so, unreadable task records are kept in a copy before the list is written again, a newer
version's draft is left as it is, a spilled history body cut short reads back as incomplete."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from shipexplorer.core import storage
from shipexplorer.core.history_bodies import (
    INCOMPLETE,
    IncompleteBody,
    is_incomplete_note,
    read_spilled,
)
from shipexplorer.core.history_store import HistoryRecord, HistoryStore
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.services import paths
from shipexplorer.services import task_store as task_store_module
from shipexplorer.services.drafts import KIND, DraftStore
from shipexplorer.services.history import HistoryService
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.services.task_store import TaskStore

# -- saved-requests.json ------------------------------------------------------------------------


def test_a_damaged_folder_choice_is_moved_aside_and_said_so(qtbot, tmp_path):
    settings = tmp_path / "saved-requests.json"
    settings.write_text('{"kind": "saved-requests-settings", "schemaVersion": 1, "folder": ')
    saved = SavedRequests(None, settings_file=settings)
    assert saved.root == paths.saved_requests_folder()
    kept = list(tmp_path.glob("saved-requests.json.corrupt-*"))
    assert len(kept) == 1 and not settings.exists()
    with qtbot.waitSignal(saved.problem, timeout=1000) as said:
        saved.rescan()  # the first scan: someone may listen by now
    assert str(kept[0]) in said.args[0]
    assert "default folder" in said.args[0] and "choose" in said.args[0]
    heard: list[str] = []
    saved.problem.connect(heard.append)
    saved.rescan()
    assert heard == []  # said once


def test_a_readable_folder_choice_says_nothing(qtbot, tmp_path):
    settings = tmp_path / "saved-requests.json"
    first = SavedRequests(None, settings_file=settings)
    first.set_folder(tmp_path / "team")
    again = SavedRequests(None, settings_file=settings)
    heard: list[str] = []
    again.problem.connect(heard.append)
    again.rescan()
    assert again.root == tmp_path / "team" and heard == []


# -- tasks.json ---------------------------------------------------------------------------------


def _load(qtbot, store: TaskStore) -> list[TrackedTask]:
    got: list[TrackedTask] = []
    store.load(got.extend, lambda: None)
    qtbot.waitUntil(lambda: store.loaded, timeout=5000)
    return got


def _tasks_file(path: Path) -> bytes:
    good = TrackedTask("t-good").to_dict()
    path.write_text(
        json.dumps({"kind": "tracked-tasks", "schemaVersion": 1, "tasks": [good, {"taskId": 7}]}),
        "utf-8",
    )
    return path.read_bytes()


def test_unreadable_task_records_are_kept_in_a_copy(qtbot, tmp_path, worker_pool):
    path = tmp_path / "tasks.json"
    original = _tasks_file(path)
    tasks: dict[str, TrackedTask] = {}
    problems: list[str] = []
    store = TaskStore(path, worker_pool, tasks, problems.append)
    loaded = _load(qtbot, store)
    assert [t.task_id for t in loaded] == ["t-good"]
    copies = list(tmp_path.glob("tasks.json.corrupt-*"))
    assert len(copies) == 1 and copies[0].read_bytes() == original
    assert len(problems) == 1 and "1 unreadable" in problems[0] and str(copies[0]) in problems[0]
    tasks.update({t.task_id: t for t in loaded})
    store.changed("t-good")
    store.close()  # written again: the good record stays, the copy keeps the rest
    saved = json.loads(path.read_text("utf-8"))["tasks"]
    assert [r["taskId"] for r in saved] == ["t-good"]
    assert copies[0].read_bytes() == original


def test_without_a_copy_the_list_is_never_overwritten(qtbot, tmp_path, worker_pool, monkeypatch):
    def refuse(_path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(task_store_module.storage, "copy_aside", refuse)
    path = tmp_path / "tasks.json"
    original = _tasks_file(path)
    tasks: dict[str, TrackedTask] = {}
    problems: list[str] = []
    store = TaskStore(path, worker_pool, tasks, problems.append)
    loaded = _load(qtbot, store)
    assert "not overwritten" in problems[0] and "Permission denied" in problems[0]
    tasks.update({t.task_id: t for t in loaded})
    store.changed("t-good")
    store.close()
    assert path.read_bytes() == original


def test_a_clean_list_is_not_copied(qtbot, tmp_path, worker_pool):
    path = tmp_path / "tasks.json"
    storage.atomic_write_json(
        path,
        {"kind": "tracked-tasks", "schemaVersion": 1, "tasks": [TrackedTask("t-1").to_dict()]},
    )
    problems: list[str] = []
    store = TaskStore(path, worker_pool, {}, problems.append)
    assert [t.task_id for t in _load(qtbot, store)] == ["t-1"]
    assert problems == [] and not list(tmp_path.glob("tasks.json.*"))


# -- drafts -------------------------------------------------------------------------------------


def _draft(session: Path, name: str, version: int, body: str) -> Path:
    session.mkdir(parents=True, exist_ok=True)
    path = session / f"draft-{name}.json"
    spec = {"instance": "e", "method": "echo", "body": body}
    record = {"kind": KIND, "schemaVersion": version, "tabKey": name, "spec": spec}
    if version > 1:
        record["somethingNew"] = {"only": "the newer version knows this"}
    path.write_text(json.dumps(record), "utf-8")
    return path


def test_a_newer_draft_is_left_untouched_and_the_user_told_once(qtbot, tmp_path):
    newer = [_draft(tmp_path / "session-newer", n, 2, f"new {n}") for n in ("a", "b")]
    before = {p: p.read_bytes() for p in newer}
    _draft(tmp_path / "session-older", "c", 1, "old c")
    store = DraftStore(None, tmp_path)
    heard: list[str] = []
    store.problem.connect(heard.append)
    restored = store.load()
    assert [s.body for s in restored] == ["old c"]  # nothing of the newer session restored
    for n, spec in enumerate(restored):
        store.update(f"tab-{n}", spec)
    store.close()  # the adopted older session is removed; the newer one stays as it was
    assert {p: p.read_bytes() for p in newer} == before
    assert not (tmp_path / "session-older").exists()
    assert len(heard) == 1
    assert "2 drafts" in heard[0] and "newer shipexplorer" in heard[0]
    assert str(tmp_path / "session-newer") in heard[0]
    assert not list(tmp_path.rglob("*.corrupt-*"))


# -- a spilled history body cut short -----------------------------------------------------------


def test_read_spilled_marks_a_body_cut_short(tmp_path):
    body = json.dumps({"data": ["x" * 64] * 4000}).encode()
    whole = gzip.compress(body)
    path = tmp_path / "b.gz"
    path.write_bytes(whole)
    assert read_spilled(path) == body
    assert read_spilled(path, size=len(whole)) == body
    for cut in (len(whole) - 1, len(whole) - 8, len(whole) // 2, 0):
        path.write_bytes(whole[:cut])
        with pytest.raises(IncompleteBody) as raised:
            read_spilled(path)
        assert is_incomplete_note(str(raised.value))
        assert body.startswith(bytes(raised.value.partial))
    path.write_bytes(whole)
    with pytest.raises(IncompleteBody):
        read_spilled(path, size=len(whole) + 1)  # shorter than it was written


def spilled_history(tmp_path: Path, count: int = 1) -> tuple[Path, list[int]]:
    """A history database whose ``count`` entries each have a body spilled to a file; the last
    one's file is cut short."""
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path, body_cap=1024)
    assert store.open() is None
    ids = []
    for n in range(count):
        body = json.dumps({"data": {"n": n, "rows": ["r" * 50] * 2000}}).encode()
        record = HistoryRecord(
            time=1_700_000_000.0 + n,
            verb="POST",
            url=f"http://127.0.0.1:1/api/e/echo?n={n}",
            status=200,
            response_body=body,
            instance="e",
            method="echo",
        )
        ids.append(store.add(record))
    store.close()
    files = {p.name: p for p in store.bodies.glob("*.gz")}
    assert len(files) == count
    with store.reading() as db:
        name = db.execute("SELECT body_file FROM entries WHERE id=?", (ids[-1],)).fetchone()[0]
    data = files[name].read_bytes()
    files[name].write_bytes(data[: len(data) // 2])
    return path, ids


def test_the_history_service_marks_a_body_cut_short_incomplete(qtbot, tmp_path, worker_pool):
    path, (entry_id,) = spilled_history(tmp_path)
    history = HistoryService(worker_pool, None, path)
    history.start()
    try:
        got: list = []
        history.get(entry_id, got.append, whole_body=True)
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        entry = got[0]
        assert entry.body_complete is False
        assert INCOMPLETE in entry.body_note and is_incomplete_note(entry.body_note)
        assert entry.response_body is not None and len(entry.response_body) == 1024
    finally:
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        history.shutdown()
