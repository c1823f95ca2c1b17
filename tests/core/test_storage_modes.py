"""Private modes and failures of the stores' files (issue 15 items 2, 6, 7).

What the app creates is its user's alone whatever the umask (folders 0o700, files 0o600, SQLite
files and their WAL and SHM included); wider modes are repaired; a symlink loop is an OSError
with a message, never a RuntimeError; temporary files of killed writes are swept once old.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from shipexplorer.core import storage
from shipexplorer.core.history_records import HistoryRecord
from shipexplorer.core.history_store import HistoryStore
from shipexplorer.core.profiles import ProfilesFile, ProfileStore
from shipexplorer.core.task_timeline import save_tasks
from shipexplorer.core.window_state import WindowState, WindowStateStore
from shipexplorer.emulator.state import StateFile
from tests.file_modes import mode, shared, umask

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def test_atomic_writes_make_private_folders_and_files_whatever_the_umask(tmp_path):
    for mask in (0o022, 0o000):
        with umask(mask):
            target = tmp_path / f"m{mask}" / "a" / "b" / "file.json"
            storage.atomic_write_json(target, {"x": 1})
        assert mode(target) == 0o600
        for folder in (target.parent, target.parent.parent, target.parent.parent.parent):
            assert mode(folder) == 0o700, folder


def test_make_private_dirs_sets_0700_even_under_a_narrow_umask(tmp_path):
    with umask(0o277):
        made = storage.make_private_dirs(tmp_path / "x" / "y")
    assert mode(made) == mode(made.parent) == 0o700
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    storage.make_private_dirs(existing / "inner")
    assert mode(existing) == 0o755  # a folder that was there is not changed
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        storage.make_private_dirs(tmp_path / "file" / "sub")


def test_the_history_database_its_wal_shm_and_bodies_are_private(tmp_path):
    with umask(0o022):
        store = HistoryStore(tmp_path / "data" / "history.sqlite3", body_cap=1000)
        assert store.open() is None
        big = b'{"x": "' + b"y" * 50_000 + b'"}'
        record = HistoryRecord(
            time=time.time(), verb="POST", url="http://127.0.0.1/x", response_body=big
        )
        assert store.add(record) is not None
        names = sorted(p.name for p in (tmp_path / "data").rglob("*"))
        assert {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"} <= set(names)
        assert any(name.endswith(".gz") for name in names), names
        assert shared(tmp_path / "data") == []
        store.close()


def test_a_wider_database_is_tightened_when_opened(tmp_path):
    db = tmp_path / "history.sqlite3"
    with umask(0o022):
        HistoryStore(db).open()
        for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            if name.exists():
                os.chmod(name, 0o644)
        store = HistoryStore(db)
        assert store.open() is None
    assert shared(tmp_path) == []
    store.close()


def test_the_emulator_state_file_is_private(tmp_path):
    with umask(0o022):
        state = StateFile(tmp_path / "local-emulator.sqlite3")
        state.open()
        assert state.usable
        state.close()
    files = list(tmp_path.iterdir())
    assert files and shared(tmp_path) == []


def test_repair_modes_tightens_the_tree_but_not_links_nor_skipped_folders(tmp_path):
    root = tmp_path / "data"
    (root / "drafts" / "session-1").mkdir(parents=True)
    (root / "history.sqlite3").write_bytes(b"")
    (root / "drafts" / "session-1" / "draft.json").write_text("{}")
    chosen = root / "team-requests"
    chosen.mkdir()
    (chosen / "shared.json").write_text("{}")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (root / "link").symlink_to(outside)
    for path in (root, *root.rglob("*"), outside):
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    changed = storage.repair_modes(root, skip=(chosen,))
    assert changed == 5
    assert mode(root) == mode(root / "drafts") == mode(root / "drafts" / "session-1") == 0o700
    assert mode(root / "history.sqlite3") == mode(root / "drafts/session-1/draft.json") == 0o600
    assert mode(chosen) == 0o755 and mode(chosen / "shared.json") == 0o644  # the user's
    assert mode(outside) == 0o644  # a symlink is not followed
    assert storage.repair_modes(root, skip=(chosen,)) == 0
    assert storage.repair_modes(tmp_path / "missing") == 0


def test_sweep_removes_old_temporary_files_only(tmp_path):
    old = time.time() - 3600
    config, nested = tmp_path / "config", tmp_path / "data" / "saved-requests" / "group"
    nested.mkdir(parents=True)
    config.mkdir()
    killed = config / ".profiles.json.k2x_9abc.tmp"
    killed_deep = nested / ".Get user.json.abcdefgh.tmp"
    fresh = config / ".preferences.json.zz00yy11.tmp"  # a running copy's write
    others = [config / ".hidden.tmp", config / "notes.tmp", config / "profiles.json"]
    for path in (killed, killed_deep, fresh, *others):
        path.write_bytes(b"x" * 10)
    for path in (killed, killed_deep, *others):
        os.utime(path, (old, old))
    assert storage.sweep_temp_files(tmp_path) == 2
    assert not killed.exists() and not killed_deep.exists()
    assert fresh.exists() and all(p.exists() for p in others)
    assert storage.sweep_temp_files(tmp_path, max_age=0) == 1
    assert not fresh.exists()


def test_every_atomic_temporary_name_matches_the_sweep(tmp_path, monkeypatch):
    seen: list[str] = []
    real = storage.tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(os.path.basename(name))
        return fd, name

    monkeypatch.setattr(storage.tempfile, "mkstemp", spy)
    for name in ("profiles.json", "Get user.json", "a.b.c", "x"):
        storage.atomic_write_bytes(tmp_path / name, b"{}")
    assert len(seen) == 4
    assert all(storage.TEMP_NAME.match(name) for name in seen), seen


@pytest.fixture
def loop(tmp_path) -> Path:
    """``loop.json`` -> ``other.json`` -> ``loop.json``."""
    (tmp_path / "loop.json").symlink_to(tmp_path / "other.json")
    (tmp_path / "other.json").symlink_to(tmp_path / "loop.json")
    return tmp_path / "loop.json"


def test_a_symlink_loop_is_an_oserror_not_a_runtimeerror(loop):
    with pytest.raises(OSError) as raised:
        storage.atomic_write_bytes(loop, b"{}")
    assert isinstance(raised.value, storage.SymlinkLoopError)
    assert "loops" in str(raised.value)
    with pytest.raises(OSError):
        storage.resolve_path(loop)
    with pytest.raises(OSError):
        storage.make_private_dirs(loop / "sub")


def test_a_symlink_loop_as_the_window_state_gives_a_message(loop):
    store = WindowStateStore(loop)
    message = store.save(WindowState(profile="p"))
    assert message and str(loop) in message and "could not be saved" in message
    assert store.load() == WindowState()
    assert store.save(WindowState()) is not None


def test_a_symlink_loop_fails_the_other_stores_with_an_oserror(loop):
    with pytest.raises(OSError):
        ProfileStore(loop).save(ProfilesFile())
    with pytest.raises(OSError):
        save_tasks(loop, [])


def test_repair_files_only_leaves_sub_folders_alone(tmp_path):
    (tmp_path / "sub").mkdir()
    for path in (tmp_path / "tasks.json", tmp_path / "sub" / "inner.json"):
        path.write_text("{}")
        os.chmod(path, 0o644)
    os.chmod(tmp_path / "sub", 0o755)
    assert storage.repair_modes(tmp_path, files_only=True) == 1
    assert mode(tmp_path / "tasks.json") == 0o600
    assert mode(tmp_path / "sub") == 0o755 and mode(tmp_path / "sub" / "inner.json") == 0o644
