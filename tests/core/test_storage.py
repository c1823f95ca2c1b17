"""Atomic writes, versioned JSON reads, corrupt files moved aside (services.storage)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shipexplorer.core import storage
from shipexplorer.core.storage import (
    ReadStatus,
    atomic_write_bytes,
    atomic_write_json,
    copy_aside,
    move_aside,
    read_versioned_json,
)

KIND = "shipexplorer-things"


def _read(path: Path, current: int = 2):
    return read_versioned_json(path, kind=KIND, current_version=current)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_creates_parents_and_a_private_file(tmp_path):
    target = tmp_path / "a" / "b" / "file.bin"
    atomic_write_bytes(target, b"hello")
    assert target.read_bytes() == b"hello"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(target.parent) == []


def test_atomic_write_replaces_and_keeps_an_existing_mode(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "file.json"
    target.write_bytes(b"old contents")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "replace":
        monkeypatch.setattr(storage.os, "replace", boom)
    elif failing == "fsync":
        monkeypatch.setattr(storage.os, "fsync", boom)
    else:
        real_fdopen = os.fdopen

        class Half:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                self.handle.write(data[: len(data) // 2])
                boom()

        monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: Half(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new contents, much longer than the old ones")
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.json"]


def test_keyboard_interrupt_mid_write_also_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setattr(storage.os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "f", b"x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_symlinked_file_is_written_through_and_the_link_kept(tmp_path):
    real = tmp_path / "dotfiles" / "profiles.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / "profiles.json"
    link.symlink_to(real)
    atomic_write_bytes(link, b"[1]")
    assert link.is_symlink()
    assert real.read_bytes() == b"[1]"


def test_atomic_write_json_is_readable_sorted_and_ends_in_a_newline(tmp_path):
    target = tmp_path / "x.json"
    atomic_write_json(target, {"b": 1, "a": "é", "c": [1, 2]})
    text = target.read_text(encoding="utf-8")
    assert text == '{\n  "a": "é",\n  "b": 1,\n  "c": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.parametrize("bad", [{"x": float("nan")}, {"x": float("inf")}, {"x": "\ud800"}])
def test_atomic_write_json_refuses_what_json_cannot_hold_before_touching_the_file(tmp_path, bad):
    target = tmp_path / "x.json"
    target.write_text("old")
    with pytest.raises(ValueError):
        atomic_write_json(target, bad)
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_move_aside_names_the_copy_and_counts_when_taken(tmp_path, monkeypatch):
    first = tmp_path / "p.json"
    first.write_text("one")
    moved1 = move_aside(first)
    assert re.fullmatch(r"p\.json\.corrupt-\d{8}-\d{6}", moved1.name), moved1.name
    assert not first.exists() and moved1.read_text() == "one"
    first.write_text("two")
    monkeypatch.setattr(storage, "datetime", _FrozenDatetime(moved1.name[-15:]))
    moved2 = move_aside(first)
    assert moved2.name == moved1.name + "-2"
    assert moved1.read_text() == "one" and moved2.read_text() == "two"


def test_copy_aside_keeps_the_original(tmp_path):
    original = tmp_path / "p.json"
    original.write_text("data")
    copy = copy_aside(original)
    assert original.read_text() == "data" and copy.read_text() == "data"
    assert copy.name.startswith("p.json.corrupt-")


class _FrozenDatetime:
    def __init__(self, stamp: str):
        self.stamp = stamp

    def now(self, tz=None):
        stamp = self.stamp

        class _Now:
            def strftime(self, fmt):
                return stamp

        return _Now()


def test_missing_file(tmp_path):
    result = _read(tmp_path / "nope.json")
    assert result.status is ReadStatus.MISSING
    assert result.data is None and result.message is None


def test_current_and_older_versions_read_ok(tmp_path):
    path = tmp_path / "t.json"
    for version in (1, 2):
        atomic_write_json(path, {"kind": KIND, "schemaVersion": version, "items": [1]})
        result = _read(path)
        assert result.status is ReadStatus.OK and result.ok
        assert result.version == version and result.data["items"] == [1]
        assert result.message is None


def test_newer_version_is_read_but_flagged(tmp_path):
    path = tmp_path / "t.json"
    atomic_write_json(path, {"kind": KIND, "schemaVersion": 7, "items": []})
    result = _read(path)
    assert result.status is ReadStatus.NEWER
    assert result.data["schemaVersion"] == 7
    assert "newer shipexplorer" in result.message and "read-only" in result.message
    assert path.exists()  # never moved


CORRUPT = [
    (b'{\n  "kind": "x",\n  "a": 1\n  "b": 2\n}', "line 4, column 3: Expecting ',' delimiter"),
    (b"", "line 1, column 1: Expecting value"),
    (b"\xff\xfe{}", "not UTF-8 text (byte 0xff at offset 0)"),
    (b"[1, 2]", "not a shipexplorer things file"),
    (b'{"kind": "other", "schemaVersion": 1}', "not a shipexplorer things file"),
    (b'{"kind": "shipexplorer-things"}', "schemaVersion is missing"),
    (b'{"kind": "shipexplorer-things", "schemaVersion": "1"}', "not text"),
    (b'{"kind": "shipexplorer-things", "schemaVersion": true}', "not true/false"),
    (b'{"kind": "shipexplorer-things", "schemaVersion": 0}', "from 1 up, not 0"),
    (b'{"kind": "shipexplorer-things", "schemaVersion": 1.5}', "not a number"),
    (b'{"kind": "shipexplorer-things", "schemaVersion": 1, "x": NaN}', "NaN is not a number"),
    (b"[" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("raw", "reason"), CORRUPT, ids=range(len(CORRUPT)))
def test_corrupt_files_are_moved_aside_with_a_one_line_message(tmp_path, raw, reason):
    path = tmp_path / "t.json"
    path.write_bytes(raw)
    result = _read(path)
    assert result.status is ReadStatus.CORRUPT
    assert reason in result.reason
    assert result.moved_to is not None and result.moved_to.read_bytes() == raw
    assert not path.exists()
    assert str(path) in result.message and reason in result.message
    assert result.moved_to.name in result.message
    assert "\n" not in result.message


def test_a_file_too_big_is_corrupt_without_being_read_whole(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b" " * 2048)
    result = read_versioned_json(path, kind=KIND, current_version=1, max_bytes=1024)
    assert result.status is ReadStatus.CORRUPT and "larger than" in result.reason


def test_a_folder_in_the_way_is_unreadable_and_left_alone(tmp_path):
    path = tmp_path / "t.json"
    path.mkdir()
    result = _read(path)
    assert result.status is ReadStatus.UNREADABLE
    assert str(path) in result.message and "folder" in result.message
    assert path.is_dir()


def test_permission_error_is_reported_not_raised(tmp_path, monkeypatch):
    path = tmp_path / "t.json"
    path.write_text("{}")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage, "open", denied, raising=False)
    result = _read(path)
    assert result.status is ReadStatus.UNREADABLE
    assert "Permission denied" in result.message
    assert path.exists()


def test_corrupt_file_that_cannot_be_moved_says_so(tmp_path, monkeypatch):
    path = tmp_path / "t.json"
    path.write_text("nope")

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage.os, "rename", refuse)
    result = _read(path)
    assert result.status is ReadStatus.CORRUPT and result.moved_to is None
    assert "could not be moved aside" in result.message
    assert path.read_text() == "nope"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_does_not_hang_the_reader(tmp_path):
    path = tmp_path / "t.json"
    os.mkfifo(path)
    result = _read(path)
    assert result.status is ReadStatus.UNREADABLE
    assert "not a regular file" in result.message


def test_a_bom_is_tolerated(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"kind": KIND, "schemaVersion": 1}).encode())
    assert _read(path).status is ReadStatus.OK


def test_storage_profiles_and_import_modules_never_load_qt():
    probe = (
        "import sys, json\n"
        "import shipexplorer.core.storage, shipexplorer.core.profiles\n"
        "import shipexplorer.core.steamship_import\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == []
