"""The history database: every exchange, redacted, in SQLite (WAL) beside spilled bodies.

No Qt. :class:`HistoryStore` owns one file (``history.sqlite3`` in the data folder) and a folder of
gzip files beside it (``history-bodies/``, :mod:`~shipexplorer.core.history_bodies`) for response
bodies over the in-row cap (1 MB); those files share a size budget the user sets; the oldest
spilled bodies are pruned first, and a body bigger than the whole budget is dropped with a note
(its first megabyte stays in the row).

Secrets: :meth:`HistoryStore.add` takes a :class:`HistoryRecord` with the secrets to mask and
redacts the URL, headers, bodies and error text before anything is written; no key is stored.

Two running copies of the app: SQLite in WAL mode with a ``busy_timeout`` is safe for two writers
in separate processes (writes take ``BEGIN IMMEDIATE``, so a writer waits for the other instead of
failing on a lock upgrade); spilled files have unique names. ``tests/core/test_history_store``
runs two processes writing at once and checks that nothing is lost.

Whose call: each entry has an ``origin`` (``"user"`` or ``"app"``, see
:mod:`~shipexplorer.core.history_records`), a column with an index, so "only the user's calls" is
part of the query. Schema 2 added it; the migration from schema 1 classifies the rows already
there from their URL and names (:func:`~shipexplorer.core.history_records.origin_from_url`).

A damaged database (not a database, or ``PRAGMA integrity_check`` fails at open) is moved aside
with a timestamp and a new one started; :meth:`HistoryStore.open` returns the sentence for the user.
Connections are short-lived per call, so any thread may query; writes are meant for one thread.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from shipexplorer.api.redact import redact
from shipexplorer.core.history_bodies import (
    prune_bodies,
    read_spilled,
    spill_body,
    unlink_bodies,
)
from shipexplorer.core.history_records import (
    SUMMARY_COLUMNS,
    HistoryEntry,
    HistoryQuery,
    HistoryRecord,
    entry_from_row,
    origin_from_url,
    record_from_exchange,
    search_text,
)
from shipexplorer.core.storage import make_private_dirs, move_aside, private_database

__all__ = [
    "DEFAULT_BODY_CAP",
    "DEFAULT_BUDGET",
    "SCHEMA_VERSION",
    "HistoryEntry",
    "HistoryQuery",
    "HistoryRecord",
    "HistoryStore",
    "record_from_exchange",
]

SCHEMA_VERSION = 2
DEFAULT_BODY_CAP = 1_000_000
DEFAULT_BUDGET = 200 * 1024 * 1024
BUSY_TIMEOUT_MS = 10_000
_REQUIRED = {"id", "time", "url", "verb", "response_body", "body_file", "task_id", "origin"}

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS entries(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    profile TEXT, workspace TEXT, instance TEXT, method TEXT,
    verb TEXT NOT NULL, url TEXT NOT NULL,
    request_headers TEXT NOT NULL DEFAULT '[]', request_body BLOB, request_size INTEGER,
    status INTEGER, status_class TEXT NOT NULL, kind TEXT,
    response_headers TEXT NOT NULL DEFAULT '[]', response_body BLOB,
    response_size INTEGER NOT NULL DEFAULT 0, content_type TEXT,
    body_file TEXT, body_file_size INTEGER NOT NULL DEFAULT 0, body_note TEXT,
    elapsed REAL, error TEXT, task_id TEXT, task_timeline TEXT
);
CREATE INDEX IF NOT EXISTS entries_time ON entries(time DESC, id DESC);
CREATE INDEX IF NOT EXISTS entries_task ON entries(task_id) WHERE task_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_instance ON entries(instance, time DESC);
CREATE INDEX IF NOT EXISTS entries_status ON entries(status_class, time DESC);
CREATE INDEX IF NOT EXISTS entries_spilled ON entries(time) WHERE body_file IS NOT NULL;
"""
#: schema 2: whose call each entry was; the rows already there are classified from their URL
_ORIGIN_V2 = """
ALTER TABLE entries ADD COLUMN origin TEXT NOT NULL DEFAULT 'user';
UPDATE entries SET origin = history_origin(url, instance, method);
CREATE INDEX IF NOT EXISTS entries_origin ON entries(origin, time DESC, id DESC);
"""
#: migrations[n] takes a database at version n to n + 1.
_MIGRATIONS: dict[int, str] = {0: _SCHEMA_V1, 1: _ORIGIN_V2}


def fts5_available() -> bool:
    """Whether this sqlite3 has FTS5 with the trigram tokenizer (substring search on an index)."""
    try:
        with contextlib.closing(sqlite3.connect(":memory:")) as db:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(doc, tokenize='trigram')")
        return True
    except sqlite3.Error:
        return False


class HistoryStore:
    """One history database and its spilled bodies. Call :meth:`open` first (on the writer)."""

    def __init__(
        self,
        path: Path,
        *,
        budget: int = DEFAULT_BUDGET,
        body_cap: int = DEFAULT_BODY_CAP,
    ) -> None:
        self.path = Path(path)
        self.bodies = self.path.with_name("history-bodies")
        self.budget = max(0, int(budget))
        self.body_cap = body_cap
        self.read_only = False
        self.fts = False
        self._writer: sqlite3.Connection | None = None

    # -- opening ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        private_database(self.path)  # 0o600, and so its -wal and -shm, whatever the umask
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return db

    def open(self) -> str | None:
        """Open (create, migrate) the database. Never raises: returns None, or one sentence for
        the user (a damaged file moved aside, a newer version, a folder that cannot be written)."""
        try:
            make_private_dirs(self.path.parent)
            return self._open_checked()
        except (sqlite3.Error, OSError, ValueError) as exc:
            self.close()
            try:
                moved = self._move_aside()
            except OSError as move_error:
                self.read_only = True
                return (
                    f"The history database {self.path} could not be opened ({exc}) nor moved "
                    f"aside ({move_error.strerror or move_error}); history is off this session."
                )
            try:
                self._open_checked()
            except (sqlite3.Error, OSError, ValueError) as again:
                self.close()
                self.read_only = True
                return f"A new history database could not be started ({again}); history is off."
            return (
                f"The history database was damaged ({exc}); it was moved aside to "
                f"{moved.name} and a new one started."
            )

    def _open_checked(self) -> str | None:
        db = self._writer = self._connect()
        checked = db.execute("PRAGMA integrity_check").fetchall()
        if checked != [("ok",)]:
            raise sqlite3.DatabaseError(f"integrity check: {checked[0][0]}")
        if db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
            raise sqlite3.DatabaseError("the database refused WAL mode")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN")  # one snapshot: another copy of the app may be creating the schema
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        db.execute("COMMIT")
        if version > SCHEMA_VERSION:
            self.read_only = True
            self.fts = self._has_fts(db)
            return (
                f"The history in {self.path} was written by a newer shipexplorer (schema "
                f"{version}); it is shown, but nothing new is recorded this session."
            )
        if version == 0 and tables:
            raise sqlite3.DatabaseError("it holds tables of another program")
        self._migrate(db, version)
        columns = {row[1] for row in db.execute("PRAGMA table_info(entries)")}
        if not columns >= _REQUIRED:
            raise sqlite3.DatabaseError("the entries table lacks columns")
        self.fts = self._has_fts(db)
        return None

    @staticmethod
    def _has_fts(db: sqlite3.Connection) -> bool:
        row = db.execute("SELECT sql FROM sqlite_master WHERE name='search'").fetchone()
        return bool(row and "fts5" in (row[0] or "").lower())

    def _migrate(self, db: sqlite3.Connection, version: int) -> None:
        db.create_function("history_origin", 3, origin_from_url, deterministic=True)
        while version < SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            try:
                now = db.execute("PRAGMA user_version").fetchone()[0]
                if now == version:  # the other copy of the app may have migrated meanwhile
                    for statement in _MIGRATIONS[version].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    if version == 0:
                        db.execute(
                            "CREATE VIRTUAL TABLE search USING fts5(doc, tokenize='trigram')"
                            if fts5_available()
                            else "CREATE TABLE search(doc TEXT)"
                        )
                    db.execute(f"PRAGMA user_version={version + 1}")
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            version = db.execute("PRAGMA user_version").fetchone()[0]

    def _move_aside(self) -> Path:
        moved = move_aside(self.path)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                with contextlib.suppress(OSError):
                    side.rename(moved.with_name(moved.name + suffix))
        return moved

    def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
            self._writer = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self._writer is None:
            raise RuntimeError("the history store is not open")
        db = self._writer
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection for queries (any thread)."""
        db = self._connect()
        try:
            yield db
        finally:
            db.close()

    # -- writing ------------------------------------------------------------------------------
    def add(self, record: HistoryRecord) -> int | None:
        """Redact and store ``record``; returns its id (None when history is read-only)."""
        if self.read_only:
            return None
        secrets = tuple(s for s in record.secrets if s)
        request_body, request_size = None, None
        if record.request_body is not None:
            request_size = len(record.request_body)
            request_body = redact(record.request_body[: self.body_cap], secrets)
        preview, spill_name, spill_size, note = spill_body(
            record.response_body,
            secrets,
            folder=self.bodies,
            body_cap=self.body_cap,
            budget=self.budget,
        )
        row = {
            "time": record.time,
            "profile": record.profile,
            "workspace": record.workspace,
            "instance": record.instance,
            "method": record.method,
            "verb": record.verb,
            "url": redact(record.url, secrets),
            "request_headers": json.dumps(redact(record.request_headers, secrets)),
            "request_body": request_body,
            "request_size": request_size,
            "status": record.status,
            "status_class": record.status_class,
            "kind": record.kind,
            "response_headers": json.dumps(redact(record.response_headers, secrets)),
            "response_body": preview,
            "response_size": (
                len(record.response_body) if record.response_size is None else record.response_size
            ),
            "content_type": record.content_type,
            "body_file": spill_name,
            "body_file_size": spill_size,
            "body_note": note or record.body_note,
            "elapsed": record.elapsed,
            "error": redact(record.error, secrets) if record.error else None,
            "task_id": record.task_id,
            "origin": record.origin or origin_from_url(record.url, record.instance, record.method),
        }
        pruned: list[str] = []
        try:
            with self._write() as db:
                names = ", ".join(row)
                marks = ", ".join(f":{k}" for k in row)
                entry_id = db.execute(
                    f"INSERT INTO entries({names}) VALUES ({marks})", row
                ).lastrowid
                doc = search_text(row, request_body, preview)
                db.execute("INSERT INTO search(rowid, doc) VALUES (?, ?)", (entry_id, doc))
                if spill_name is not None:
                    pruned = prune_bodies(db, self.budget, keep=entry_id)
        except BaseException:
            if spill_name is not None:
                with contextlib.suppress(OSError):
                    (self.bodies / spill_name).unlink()
            raise
        unlink_bodies(self.bodies, pruned)
        return int(entry_id)

    def set_budget(self, budget: int) -> None:
        """Change the spill budget and prune to it now."""
        self.budget = max(0, int(budget))
        if self.read_only or self._writer is None:
            return
        with self._write() as db:
            pruned = prune_bodies(db, self.budget, keep=-1)
        unlink_bodies(self.bodies, pruned)

    def attach_task(self, task_id: str, timeline: dict[str, Any], secrets: Sequence[str] = ()):
        """Store a task's final timeline (JSON) on the entries that started it; returns how many."""
        if self.read_only or not task_id:
            return 0
        text = redact(json.dumps(timeline, default=str), tuple(s for s in secrets if s))
        with self._write() as db:
            cursor = db.execute(
                "UPDATE entries SET task_timeline=? WHERE task_id=?", (text, task_id)
            )
        return cursor.rowcount

    def delete(self, ids: Sequence[int]) -> int:
        """Delete entries (and their spilled bodies); returns how many went."""
        if self.read_only or not ids:
            return 0
        ids = [int(i) for i in ids]
        marks = ", ".join("?" * len(ids))
        with self._write() as db:
            names = [
                row[0]
                for row in db.execute(
                    f"SELECT body_file FROM entries WHERE id IN ({marks}) "
                    "AND body_file IS NOT NULL",
                    ids,
                )
            ]
            count = db.execute(f"DELETE FROM entries WHERE id IN ({marks})", ids).rowcount
            db.execute(f"DELETE FROM search WHERE rowid IN ({marks})", ids)
        unlink_bodies(self.bodies, names)
        return count

    def clear(self) -> None:
        """Delete every entry and spilled body."""
        if self.read_only:
            return
        with self._write() as db:
            db.execute("DELETE FROM entries")
            db.execute("DELETE FROM search")
        if self.bodies.is_dir():
            unlink_bodies(self.bodies, [p.name for p in self.bodies.glob("*.gz")])
        with contextlib.suppress(sqlite3.Error):
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- reading ------------------------------------------------------------------------------
    def query(self, query: HistoryQuery) -> list[HistoryEntry]:
        """One page of entries (no bodies), newest first."""
        where, args = [], []
        if query.text:
            if self.fts and len(query.text) >= 3:
                where.append("id IN (SELECT rowid FROM search WHERE search MATCH ?)")
                args.append('"' + query.text.replace('"', '""') + '"')
            else:
                where.append("id IN (SELECT rowid FROM search WHERE instr(lower(doc), ?) > 0)")
                args.append(query.text.lower())
        for column in ("instance", "method", "profile", "workspace", "origin"):
            value = getattr(query, column)
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if query.status_class == "error":
            where.append("(status IS NULL OR error IS NOT NULL)")
        elif query.status_class:
            where.append("status_class = ?")
            args.append(query.status_class)
        if query.after_id is not None:
            where.append("id > ?")
            args.append(query.after_id)
        sql = f"SELECT {SUMMARY_COLUMNS} FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY time DESC, id DESC LIMIT ? OFFSET ?"
        with self.reading() as db:
            rows = db.execute(sql, [*args, query.limit, query.offset]).fetchall()
        return [entry_from_row(row) for row in rows]

    def distinct(self, column: str, origin: str | None = None) -> list[str]:
        """The values a filter offers (instance, method, profile or workspace), of the entries of
        one ``origin`` (None: all)."""
        if column not in ("instance", "method", "profile", "workspace"):
            raise ValueError(column)
        sql = f"SELECT DISTINCT {column} FROM entries WHERE {column} IS NOT NULL"
        args: list[str] = []
        if origin:
            sql += " AND origin = ?"
            args.append(origin)
        with self.reading() as db:
            return [row[0] for row in db.execute(sql + " ORDER BY 1", args)]

    def get(self, entry_id: int, *, whole_body: bool = True) -> HistoryEntry | None:
        """One entry with its bodies; the spilled body is read back when ``whole_body``."""
        with self.reading() as db:
            row = db.execute(
                f"SELECT {SUMMARY_COLUMNS}, request_headers, request_body, response_headers, "
                "response_body, task_timeline FROM entries WHERE id = ?",
                (entry_id,),
            ).fetchone()
        if row is None:
            return None
        entry = entry_from_row(row, full=True)
        if whole_body and entry.body_file:
            try:
                entry.response_body = read_spilled(self.bodies / entry.body_file)
                entry.body_complete = True
            except (OSError, zlib.error) as exc:
                entry.body_note = f"the whole body could not be read back ({exc})"
        return entry

    def count(self) -> int:
        with self.reading() as db:
            return db.execute("SELECT count(*) FROM entries").fetchone()[0]

    def spilled_total(self) -> int:
        with self.reading() as db:
            return db.execute("SELECT coalesce(sum(body_file_size),0) FROM entries").fetchone()[0]
