"""The saved task list: only changed records are encoded again, and nothing is lost on the way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from shipexplorer.core import storage
from shipexplorer.core.task_timeline import StateSpan, TaskOrigin, TrackedTask, load_tasks
from shipexplorer.services import task_store as task_store_module
from shipexplorer.services.task_store import TaskStore, encode_record, tasks_file


class HeldPool:
    """Keeps each submitted job until the test runs it (as a worker would, later)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[..., Any], dict[str, Any]]] = []

    def submit(self, fn: Callable[..., Any], **callbacks: Any) -> None:
        self.jobs.append((fn, callbacks))

    def run_next(self) -> None:
        fn, callbacks = self.jobs.pop(0)
        try:
            result = fn(None, None)
        except (OSError, ValueError) as exc:
            callbacks["on_error"](exc)
        else:
            callbacks["on_result"](result)


def _task(number: int) -> TrackedTask:
    task = TrackedTask(f"t-{number}", TaskOrigin("local", "ws", "inst", "start"))
    task.state = "running"
    task.spans = [StateSpan("running", 1000.0 + number)]
    task.messages = [(1000.5, f"step {number} \u2013 \u00abü\u00bb")]
    task.output, task.output_fits = {"n": number, "text": "ok"}, True
    return task


def _loaded_store(path, tasks: dict[str, TrackedTask]) -> tuple[TaskStore, HeldPool]:
    pool = HeldPool()
    store = TaskStore(path, pool, tasks, pytest.fail)  # type: ignore[arg-type]
    store.load(lambda _chunk: None, lambda: None)
    pool.jobs.pop(0)[1]["on_result"](([], None, False))  # the missing file read: no tasks
    assert store.loaded
    return store, pool


def _saved(path) -> list[dict[str, Any]]:
    tasks, message, read_only = load_tasks(path)
    assert message is None and not read_only
    return [task.to_dict() for task in tasks]


def test_the_file_reads_back_as_the_versioned_list(tmp_path) -> None:
    records = [_task(n).to_dict() for n in range(3)]
    path = tmp_path / "tasks.json"
    storage.atomic_write_bytes(path, tasks_file(encode_record(r) for r in records))
    data = json.loads(path.read_text("utf-8"))
    assert data == {"kind": "tracked-tasks", "schemaVersion": 1, "tasks": records}
    assert _saved(path) == records
    assert path.read_text("utf-8").count("\n") == 6 + len(records)  # a task per line
    assert json.loads(tasks_file([])) == {"kind": "tracked-tasks", "schemaVersion": 1, "tasks": []}
    with pytest.raises(ValueError):
        encode_record({"taskId": "t", "addedAt": float("nan")})


def test_a_save_encodes_only_the_records_that_changed(qtbot, tmp_path, monkeypatch) -> None:
    encoded: list[str] = []

    def counting(record: dict[str, Any]) -> bytes:
        encoded.append(record["taskId"])
        return encode_record(record)

    monkeypatch.setattr(task_store_module, "encode_record", counting)
    tasks = {t.task_id: t for t in map(_task, range(50))}
    path = tmp_path / "tasks.json"
    store, pool = _loaded_store(path, tasks)
    for task_id in tasks:
        store.changed(task_id)
    store.save()
    pool.run_next()
    assert len(encoded) == 50 and len(_saved(path)) == 50
    encoded.clear()
    tasks["t-7"].state = "succeeded"
    store.changed("t-7")
    store.forget("t-9")
    del tasks["t-9"]
    store.save()
    pool.run_next()
    assert encoded == ["t-7"]
    saved = _saved(path)
    assert [r["taskId"] for r in saved] == [f"t-{n}" for n in range(50) if n != 9]
    assert saved == [tasks[r["taskId"]].to_dict() for r in saved]


def test_closing_with_a_save_out_writes_its_changes_too(qtbot, tmp_path) -> None:
    tasks = {t.task_id: t for t in map(_task, range(3))}
    path = tmp_path / "tasks.json"
    store, pool = _loaded_store(path, tasks)
    store.changed("t-0")
    store.changed("t-1")
    store.save()  # out on the pool, not run yet
    tasks["t-2"].polls = 5
    store.changed("t-2")
    store.close()
    assert _saved(path) == [t.to_dict() for t in tasks.values()]
    pool.run_next()  # the late save: skipped, the newer list stays
    assert _saved(path) == [t.to_dict() for t in tasks.values()]


def test_a_failed_save_is_written_again_with_the_next(qtbot, tmp_path, monkeypatch) -> None:
    tasks = {t.task_id: t for t in map(_task, range(3))}
    path = tmp_path / "tasks.json"
    problems: list[str] = []
    store, pool = _loaded_store(path, tasks)
    store._problem = problems.append
    real_write = storage.atomic_write_bytes

    def full_disk(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(task_store_module.storage, "atomic_write_bytes", full_disk)
    for task_id in tasks:
        store.changed(task_id)
    store.save()
    pool.run_next()
    assert len(problems) == 1 and "No space left" in problems[0] and not path.exists()
    monkeypatch.setattr(task_store_module.storage, "atomic_write_bytes", real_write)
    store.changed("t-1")
    store.save()
    pool.run_next()
    assert _saved(path) == [t.to_dict() for t in tasks.values()]
