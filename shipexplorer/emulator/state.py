"""The emulator's state on disk: workspaces, package instances and tasks in one SQLite file.

:class:`StateFile` is write-through: each change of the :class:`~.store.Store` (a workspace made or
deleted, an instance made or deleted, a task made or seen ending) commits at once, in a
transaction of its own, so a killed emulator loses nothing that was answered. The file is in WAL
mode with ``synchronous=NORMAL`` (a commit costs tens of microseconds, no fsync); its schema
version is SQLite's ``user_version``.

It never raises: a damaged file, one from a newer version (never written to) or one of another
program is moved aside (``<name>.corrupt-<stamp>`` or ``<name>.newer-<stamp>``, with its ``-wal``
and ``-shm``) and a new one started; a file that cannot be opened at all leaves the emulator in
memory. :attr:`StateFile.problem` says what happened, in one sentence for the user. A write that
fails later is reported there too, and the emulator goes on in memory.

Tasks: a task's state is a function of the clock (:mod:`.tasks`), so a row holds its schedule and
result, plus ``ended`` once it was seen in its final state (or was, when the emulator stopped). A
task of a previous run without ``ended`` had not finished when that run stopped: it comes back
failed ("The local emulator stopped before this task ended.").

Blocks (content packages answered, served by ``block/raw``) are rows with their bytes. Schema 2
added them; a schema-1 file is upgraded in place when it is opened.

Records (schema 3) keep what the engine APIs make (files, their blocks and tags, task updates,
signed-URL objects; see :mod:`.files`): one row per ``(kind, id)`` with a JSON body and optional
bytes, read by kind with :meth:`StateFile.read_records`. Older files are upgraded in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipexplorer.emulator.tasks import Failure, Schedule, Task

if TYPE_CHECKING:
    from shipexplorer.emulator.store import Block, Instance, Workspace

SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 5.0
STOPPED_FAILURE = Failure(
    "The local emulator stopped before this task ended.",
    "Run it again.",
    "EmulatorStopped",
)

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE workspaces(
    id TEXT PRIMARY KEY, handle TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE instances(
    id TEXT PRIMARY KEY, handle TEXT NOT NULL, package_handle TEXT NOT NULL,
    config TEXT NOT NULL, workspace_id TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE tasks(
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
    wait REAL NOT NULL, run REAL NOT NULL, steps INTEGER NOT NULL,
    output TEXT, failure TEXT, input TEXT, task_type TEXT NOT NULL,
    created_wall REAL NOT NULL, cut_at REAL, ended INTEGER NOT NULL DEFAULT 0
);
"""
# Schema 2: what schema 1 lacked (run on a new file after _SCHEMA, on a schema-1 file alone).
_SCHEMA_2 = """
CREATE TABLE blocks(
    id TEXT PRIMARY KEY, file_id TEXT NOT NULL, workspace_id TEXT NOT NULL,
    idx INTEGER NOT NULL, text TEXT NOT NULL, mime_type TEXT NOT NULL, data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
"""
# Schema 3: records of the engine APIs (files, blocks, tags, task updates, stored objects).
_SCHEMA_3 = """
CREATE TABLE IF NOT EXISTS records(
    kind TEXT NOT NULL, id TEXT NOT NULL, workspace_id TEXT, body TEXT NOT NULL, data BLOB,
    PRIMARY KEY(kind, id)
);
"""
_TABLES_1 = {"meta", "workspaces", "instances", "tasks"}
_TABLES_2 = _TABLES_1 | {"blocks"}
_TABLES = _TABLES_2 | {"records"}


@dataclass
class LoadedState:
    """What a state file held: rows as dicts (oldest first) and the meta values."""

    meta: dict[str, str] = field(default_factory=dict)
    workspaces: list[dict[str, Any]] = field(default_factory=list)
    instances: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)


class StateError(Exception):
    """The file cannot be used as it is (damaged, newer, foreign); ``kind`` names the case."""

    def __init__(self, message: str, kind: str = "corrupt") -> None:
        super().__init__(message)
        self.kind = kind


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0o600 (whatever the umask) when it is missing: the state
    is the user's alone. An existing file is left as it is."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600))


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def move_aside(path: Path, kind: str) -> Path:
    """Rename ``path`` (and its ``-wal``, ``-shm``) to ``<name>.<kind>-<stamp>``; raises
    ``OSError``."""
    base = f"{path.name}.{kind}-{_stamp()}"
    target = path.with_name(base)
    counter = 2
    while target.exists():
        target = path.with_name(f"{base}-{counter}")
        counter += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            with contextlib.suppress(OSError):
                side.rename(target.with_name(target.name + suffix))
    return target


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements one by one (``executescript`` would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _failure_json(failure: Failure | None) -> str | None:
    if failure is None:
        return None
    return _dumps(
        {"message": failure.message, "suggestion": failure.suggestion, "code": failure.code}
    )


def _failure_from(text: str | None) -> Failure | None:
    if not text:
        return None
    data = json.loads(text)
    return Failure(str(data.get("message") or ""), data.get("suggestion"), data.get("code"))


class StateFile:
    """One state file, open for the emulator's life (see the module docstring).

    All methods are thread-safe (one lock around the one connection) and never raise.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.problem: str | None = None
        self.fresh = True  # no earlier state was found (or it was moved aside): a new file
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._stop_time: float | None = None  # when the previous run stopped cleanly

    # -- opening --------------------------------------------------------------------------------
    @property
    def usable(self) -> bool:
        return self._db is not None

    def open(self) -> LoadedState:
        """Open (or create) the file and read it; a file that cannot be used is moved aside and
        a new one started. Returns what it held (empty when new)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            return self._open_checked()
        except (sqlite3.Error, OSError, ValueError, TypeError, KeyError, StateError) as exc:
            self._close_db()
            kind = exc.kind if isinstance(exc, StateError) else "corrupt"
            reason = str(exc) or type(exc).__name__
            # Nothing to move when the folder or the file cannot be made; and a file that is
            # busy (another copy holds it) or cannot be opened is not damaged: it stays.
            if not self.path.exists() or isinstance(exc, (sqlite3.OperationalError, OSError)):
                self.problem = (
                    f"The local emulator's state file {self.path} could not be opened ({reason}); "
                    "it runs in memory this time and forgets its instances when it stops."
                )
                return LoadedState()
            try:
                moved = move_aside(self.path, kind)
            except OSError as move_error:
                self.problem = (
                    f"The local emulator's state file {self.path} could not be used ({reason}) "
                    f"nor moved aside ({move_error.strerror or move_error}); it runs in memory "
                    "this time and forgets its instances when it stops."
                )
                return LoadedState()
            what = (
                "was written by a newer shipexplorer"
                if kind == "newer"
                else f"was damaged ({reason})"
            )
            self.problem = (
                f"The local emulator's saved state {what}; it was kept as {moved.name} and the "
                "emulator started afresh."
            )
            try:
                return self._open_checked()
            except (sqlite3.Error, OSError, ValueError, TypeError, KeyError, StateError) as again:
                self._close_db()
                self.problem += (
                    f" A new state file could not be started ({again}); it runs in memory."
                )
                return LoadedState()

    def _open_checked(self) -> LoadedState:
        _create_private(self.path)  # SQLite gives its -wal and -shm the file's mode
        db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        self._db = db
        # Read the version before anything writes: a newer file is never changed.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(f"schema {version}, this one knows {SCHEMA_VERSION}", "newer")
        checked = db.execute("PRAGMA quick_check").fetchall()
        if checked != [("ok",)]:
            raise StateError(f"integrity check: {checked[0][0]}")
        if db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
            raise StateError("the file refused WAL mode")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            self.fresh = version == 0
            if version == 0:
                if tables:
                    raise StateError("it holds the tables of another program")
                _run_script(db, _SCHEMA + _SCHEMA_2 + _SCHEMA_3)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version == 1:
                if not tables >= _TABLES_1:
                    raise StateError("tables are missing")
                _run_script(db, _SCHEMA_2 + _SCHEMA_3)  # the upgrade to schema 3
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version == 2:
                if not tables >= _TABLES_2:
                    raise StateError("tables are missing")
                _run_script(db, _SCHEMA_3)  # the upgrade to schema 3
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif not tables >= _TABLES:
                raise StateError("tables are missing")
            loaded = self._read(db)
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES('openedAt', ?)",
                (repr(time.time()),),
            )
            db.execute("DELETE FROM meta WHERE key='stoppedAt'")
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        return loaded

    def _read(self, db: sqlite3.Connection) -> LoadedState:
        loaded = LoadedState()
        loaded.meta = dict(db.execute("SELECT key, value FROM meta"))
        stopped = loaded.meta.get("stoppedAt")
        try:
            self._stop_time = float(stopped) if stopped is not None else None
        except ValueError:
            self._stop_time = None
        columns = ("id", "handle", "created_at")
        for row in db.execute(f"SELECT {', '.join(columns)} FROM workspaces ORDER BY rowid"):
            loaded.workspaces.append(dict(zip(columns, row, strict=True)))
        columns = ("id", "handle", "package_handle", "config", "workspace_id", "created_at")
        for row in db.execute(f"SELECT {', '.join(columns)} FROM instances ORDER BY rowid"):
            item = dict(zip(columns, row, strict=True))
            config = json.loads(item["config"])
            item["config"] = config if isinstance(config, dict) else {}
            loaded.instances.append(item)
        columns = ("id", "file_id", "workspace_id", "idx", "text", "mime_type", "data")
        columns += ("created_at",)
        for row in db.execute(f"SELECT {', '.join(columns)} FROM blocks ORDER BY rowid"):
            item = dict(zip(columns, row, strict=True))
            item["data"] = bytes(item["data"])
            loaded.blocks.append(item)
        now_wall, now_mono = time.time(), time.monotonic()
        rows = db.execute(
            "SELECT id, user_id, workspace_id, wait, run, steps, output, failure, input, "
            "task_type, created_wall, cut_at, ended FROM tasks ORDER BY rowid"
        ).fetchall()
        cut: list[tuple[float, str]] = []
        for (task_id, user_id, ws_id, wait, run, steps, output, failure, input_, task_type,
             created_wall, cut_at, ended) in rows:  # fmt: skip
            task = Task(
                task_id,
                user_id,
                ws_id,
                Schedule(float(wait), float(run), int(steps)),
                json.loads(output) if output is not None else None,
                _failure_from(failure),
                input_,
                task_type,
                created_wall=float(created_wall),
                cut_at=None if cut_at is None else float(cut_at),
            )
            if not ended:
                # It had not ended when the previous run stopped: it fails there.
                stop = self._stop_time if self._stop_time is not None else now_wall
                task.cut_at = min(task.schedule.total, max(0.0, stop - task.created_wall))
                task.failure = STOPPED_FAILURE
                cut.append((task.cut_at, task_id))
            reached = task.schedule.total if task.cut_at is None else task.cut_at
            task.created_mono = now_mono - max(now_wall - task.created_wall, reached)
            loaded.tasks.append(task)
        failure = _failure_json(STOPPED_FAILURE)
        db.executemany(
            "UPDATE tasks SET cut_at=?, failure=?, ended=1 WHERE id=?",
            [(at, failure, task_id) for at, task_id in cut],
        )
        return loaded

    # -- writing --------------------------------------------------------------------------------
    def _write(self, *steps: tuple[str, tuple | list]) -> None:
        """Run ``steps`` in one transaction: ``(sql, params)``, where a list of params means one
        row each. Nothing happens when the file is not usable; a failure is reported, not
        raised."""
        with self._lock:
            db = self._db
            if db is None:
                return
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in steps:
                        if isinstance(params, list):
                            db.executemany(sql, params)
                        else:
                            db.execute(sql, params)
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except (sqlite3.Error, ValueError, TypeError) as exc:
                if self.problem is None:
                    self.problem = (
                        f"The local emulator could not save its state to {self.path} ({exc}); "
                        "what changes now may be lost when it stops."
                    )

    def put_meta(self, key: str, value: str) -> None:
        self._write(("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value)))

    def put_workspace(self, ws: Workspace) -> None:
        self._write(
            (
                "INSERT OR REPLACE INTO workspaces(id, handle, created_at) VALUES(?, ?, ?)",
                (ws.id, ws.handle, ws.created_at),
            )
        )

    def delete_workspace(self, ws_id: str) -> None:
        self._write(
            ("DELETE FROM instances WHERE workspace_id=?", (ws_id,)),
            ("DELETE FROM blocks WHERE workspace_id=?", (ws_id,)),
            ("DELETE FROM workspaces WHERE id=?", (ws_id,)),
        )

    def put_blocks(self, blocks: Iterable[Block], dropped: Iterable[str] = ()) -> None:
        """Record new blocks (and forget ``dropped``, the blocks the store let go of)."""
        rows = [
            (b.id, b.file_id, b.workspace_id, b.index, b.text, b.mime_type, b.data, b.created_at)
            for b in blocks
        ]
        self._write(
            (
                "INSERT OR REPLACE INTO blocks(id, file_id, workspace_id, idx, text, mime_type, "
                "data, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            ),
            ("DELETE FROM blocks WHERE id=?", [(block_id,) for block_id in dropped]),
        )

    def put_instance(self, inst: Instance) -> None:
        self._write(
            (
                "INSERT OR REPLACE INTO instances(id, handle, package_handle, config, "
                "workspace_id, created_at) VALUES(?, ?, ?, ?, ?, ?)",
                (
                    inst.id,
                    inst.handle,
                    inst.package.handle,
                    _dumps(inst.config),
                    inst.workspace.id,
                    inst.created_at,
                ),
            )
        )

    def delete_instance(self, inst_id: str) -> None:
        self._write(("DELETE FROM instances WHERE id=?", (inst_id,)))

    def put_task(self, task: Task, dropped: Iterable[str] = ()) -> None:
        """Record a new task (and forget ``dropped``, the tasks the store let go of)."""
        sched = task.schedule
        row = (
            task.task_id,
            task.user_id,
            task.workspace_id,
            sched.wait,
            sched.run,
            sched.steps,
            None if task.output is None else _dumps(task.output),
            _failure_json(task.failure),
            task.input,
            task.task_type,
            task.created_wall,
            task.cut_at,
            int(task.ended()),
        )
        self._write(
            (
                "INSERT OR REPLACE INTO tasks(id, user_id, workspace_id, wait, run, steps, "
                "output, failure, input, task_type, created_wall, cut_at, ended) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            ),
            ("DELETE FROM tasks WHERE id=?", [(task_id,) for task_id in dropped]),
        )

    def forget_tasks(self, task_ids: Iterable[str]) -> None:
        """Delete tasks (the oldest, beyond what the store keeps)."""
        ids = [(task_id,) for task_id in task_ids]
        if ids:
            self._write(("DELETE FROM tasks WHERE id=?", ids))

    def end_tasks(self, task_ids: Iterable[str]) -> None:
        """Mark tasks as ended (they reached their final state)."""
        ids = [(task_id,) for task_id in task_ids]
        if ids:
            self._write(("UPDATE tasks SET ended=1 WHERE id=?", ids))

    # -- records of the engine APIs (schema 3) ---------------------------------------------------
    def put_record(
        self, kind: str, record_id: str, workspace_id: str | None, body: Any, data: bytes | None
    ) -> None:
        """Keep one record (replacing the one of the same kind and id)."""
        self._write(
            (
                "INSERT OR REPLACE INTO records(kind, id, workspace_id, body, data) "
                "VALUES(?, ?, ?, ?, ?)",
                (kind, record_id, workspace_id, _dumps(body), data),
            )
        )

    def delete_records(self, kind: str, record_ids: Iterable[str]) -> None:
        ids = [(kind, record_id) for record_id in record_ids]
        if ids:
            self._write(("DELETE FROM records WHERE kind=? AND id=?", ids))

    def delete_workspace_records(self, workspace_id: str) -> None:
        self._write(("DELETE FROM records WHERE workspace_id=?", (workspace_id,)))

    def read_records(self, kind: str) -> list[tuple[str, str | None, Any, bytes | None]]:
        """``(id, workspace id, body, data)`` of every record of ``kind``, oldest first (none
        when the file is not usable or cannot be read)."""
        with self._lock:
            db = self._db
            if db is None:
                return []
            try:
                rows = db.execute(
                    "SELECT id, workspace_id, body, data FROM records WHERE kind=? ORDER BY rowid",
                    (kind,),
                ).fetchall()
            except sqlite3.Error:
                return []
        out = []
        for record_id, ws_id, body, data in rows:
            try:
                out.append(
                    (record_id, ws_id, json.loads(body), None if data is None else bytes(data))
                )
            except ValueError:
                continue
        return out

    def close(self, ended: Iterable[str] = ()) -> None:
        """Mark ``ended`` tasks, note the clean stop, and close the file (idempotent)."""
        self.end_tasks(ended)
        self.put_meta("stoppedAt", repr(time.time()))
        with self._lock:
            self._close_db()

    def _close_db(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
