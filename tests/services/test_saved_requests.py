"""Saved requests: readable files, edits, newer and broken files left alone, disk changes seen."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.core.saved_files import (
    RequestSpec,
    SavedRequestError,
    file_name,
    folder_rel,
    parse_bytes,
    to_bytes,
)
from shipexplorer.services.saved_requests import SavedRequests
from tests.canary import assert_not_in_files

SPEC = RequestSpec(
    name="Greet Ada",
    instance="t-greeter",
    workspace="ws",
    method="greet",
    verb="POST",
    body='{\n  "name": "Ada é"\n}',
    notes="says hi",
    presentation={"title": "Hello", "description": "A greeting"},
)


@pytest.fixture
def store(qtbot, tmp_path, worker_pool):
    saved = SavedRequests(worker_pool, tmp_path / "saved", settings_file=tmp_path / "cfg.json")
    with qtbot.waitSignal(saved.changed, timeout=5000):
        saved.rescan()
    return saved


def edit(qtbot, store, fn, *args):
    with qtbot.waitSignal(store.changed, timeout=5000):
        result = fn(*args)
    return result


def test_round_trip_and_readable_file(qtbot, store):
    rel = edit(qtbot, store, store.save, SPEC, "team/users")
    assert rel == "team/users/Greet Ada.json"
    text = (store.root / rel).read_text("utf-8")
    assert text.endswith("}\n") and '\n  "body": ' in text
    data = json.loads(text)
    assert data["kind"] == "saved-request" and data["schemaVersion"] == 1
    assert list(data) == sorted(data)
    entry = store.entry(rel)
    assert entry.spec == SPEC and not entry.read_only and entry.error is None
    assert set(store.snapshot().folders) >= {"", "team", "team/users"}
    with pytest.raises(SavedRequestError, match="already exists"):
        store.save(SPEC, "team/users")


def test_rename_duplicate_move_delete(qtbot, store):
    rel = edit(qtbot, store, store.save, SPEC, "")
    renamed = edit(qtbot, store, store.rename, rel, "Greet Bob")
    assert renamed == "Greet Bob.json" and not (store.root / rel).exists()
    assert store.entry(renamed).spec.name == "Greet Bob"
    assert store.entry(renamed).spec.body == SPEC.body
    copy = edit(qtbot, store, store.duplicate, renamed)
    copy2 = edit(qtbot, store, store.duplicate, renamed)
    assert (copy, copy2) == ("Greet Bob copy.json", "Greet Bob copy 2.json")
    edit(qtbot, store, store.make_folder, "archive")
    moved = edit(qtbot, store, store.move, copy, "archive")
    assert moved == "archive/Greet Bob copy.json"
    assert store.entry(moved).spec.name == "Greet Bob copy"
    edit(qtbot, store, store.delete, copy2)
    assert sorted(e.rel for e in store.snapshot().entries) == sorted([moved, renamed])
    with pytest.raises(SavedRequestError, match="outside"):
        store.move(renamed, "../elsewhere")


def test_newer_version_is_read_only_and_never_written(qtbot, store):
    path = store.root / "future.json"
    data = {**SPEC.to_dict(), "kind": "saved-request", "schemaVersion": 99, "extra": [1]}
    original = json.dumps(data).encode()
    path.write_bytes(original)
    edit(qtbot, store, store.rescan)
    entry = store.entry("future.json")
    assert entry.read_only and entry.spec.name == "Greet Ada" and entry.version == 99
    for action in (
        lambda: store.overwrite("future.json", SPEC),
        lambda: store.rename("future.json", "x"),
        lambda: store.duplicate("future.json"),
    ):
        with pytest.raises(SavedRequestError, match="newer shipexplorer"):
            action()
    assert path.read_bytes() == original


def test_broken_file_is_listed_and_untouched(qtbot, store):
    store.root.mkdir(parents=True, exist_ok=True)
    broken = store.root / "broken.json"
    broken.write_bytes(b'{"kind": "saved-request", "schemaVersion": 1, "name": ')
    wrong = store.root / "wrong.json"
    wrong.write_bytes(b'{"kind": "saved-request", "schemaVersion": 1, "body": 3}')
    (store.root / ".hidden.json.123.tmp").write_bytes(b"x")
    old_temp = store.root / ".killed.json.abc_123.tmp"  # a write killed long ago
    old_temp.write_bytes(b"half")
    os.utime(old_temp, (time.time() - 3600, time.time() - 3600))
    edit(qtbot, store, store.rescan)
    assert not old_temp.exists()
    entries = {e.rel: e for e in store.snapshot().entries}
    assert set(entries) == {"broken.json", "wrong.json"}
    assert "line 1" in entries["broken.json"].error and entries["broken.json"].spec is None
    assert entries["wrong.json"].error == "body should be text, not a number"
    with pytest.raises(SavedRequestError, match="broken"):
        store.overwrite("broken.json", SPEC)
    assert broken.read_bytes().endswith(b'"name": ')
    assert sorted(p.name for p in store.root.iterdir()) == [
        ".hidden.json.123.tmp",
        "broken.json",
        "wrong.json",
    ]


def test_a_change_on_disk_is_picked_up(qtbot, store):
    rel = edit(qtbot, store, store.save, SPEC, "team")
    # a `git pull`: a new file in a sub-folder, and an edit of an existing file in place
    other = RequestSpec(name="Pulled", instance="i", method="m")
    with qtbot.waitSignal(store.changed, timeout=5000):
        (store.root / "team" / "Pulled.json").write_bytes(to_bytes(other))
    qtbot.waitUntil(lambda: store.entry("team/Pulled.json") is not None, timeout=5000)
    changed = RequestSpec(**{**SPEC.to_dict(), "body": "{}"})
    with open(store.root / rel, "wb") as handle:  # edited in place, as some editors do
        handle.write(to_bytes(changed))
    qtbot.waitUntil(lambda: store.entry(rel).spec.body == "{}", timeout=5000)
    (store.root / "team" / "Pulled.json").unlink()
    qtbot.waitUntil(lambda: store.entry("team/Pulled.json") is None, timeout=5000)
    # after our own atomic replace (a new inode), an in-place edit is still seen
    edit(qtbot, store, store.overwrite, rel, RequestSpec(**{**SPEC.to_dict(), "body": "[1]"}))
    with open(store.root / rel, "wb") as handle:
        handle.write(to_bytes(RequestSpec(**{**SPEC.to_dict(), "body": "[2]"})))
    qtbot.waitUntil(lambda: store.entry(rel).spec.body == "[2]", timeout=5000)


def test_chosen_folder_is_remembered(qtbot, tmp_path):
    cfg = tmp_path / "cfg.json"
    first = SavedRequests(None, None, settings_file=cfg)
    assert first.root.name == "saved-requests"
    first.set_folder(tmp_path / "team-repo")
    again = SavedRequests(None, None, settings_file=cfg)
    assert again.root == tmp_path / "team-repo"


def test_no_key_in_saved_files(qtbot, store):
    canary = "ss-CANARY-saved-1234"
    edit(qtbot, store, store.save, SPEC, "x")
    edit(qtbot, store, store.duplicate, "x/Greet Ada.json")
    assert assert_not_in_files(canary, [store.root]) == 2


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_the_loader_never_raises_on_arbitrary_bytes(raw):
    spec, _version, reason = parse_bytes(raw)
    assert (spec is None) != (reason is None)
    if reason is not None:
        assert isinstance(reason, str) and reason


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "body", "instance", "verb", "presentation", "schemaVersion"]),
        st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.lists(st.integers()),
    )
)
def test_the_loader_reports_any_field_shape(fields):
    raw = json.dumps({"kind": "saved-request", "schemaVersion": 1, **fields}).encode()
    spec, _version, reason = parse_bytes(raw)
    assert (spec is None) != (reason is None)


@given(st.builds(RequestSpec, name=st.text(min_size=1), body=st.text(), notes=st.text()))
@settings(max_examples=100, deadline=None)
def test_any_spec_round_trips(spec):
    try:
        raw = to_bytes(spec)
    except ValueError:  # lone surrogates cannot be UTF-8: refused before writing
        return
    assert parse_bytes(raw)[0] == spec


def test_an_imported_curl_with_a_key_leaves_it_nowhere(qtbot, store, tmp_path):
    from shipexplorer.api.curl_import import parse_curl
    from shipexplorer.services.drafts import DraftStore

    canary = "ss-CANARY-curl-77"
    command = (
        f"curl -X POST http://127.0.0.1:1/ws/t-echo/echo -H 'Authorization: Bearer {canary}' "
        """-H 'Content-Type: application/json' --data-raw '{"a": 1}'"""
    )
    spec = RequestSpec(**parse_curl(command))
    assert (spec.instance, spec.method) == ("t-echo", "echo")
    edit(qtbot, store, store.save, spec, "imported")
    drafts = DraftStore(None, tmp_path / "drafts")
    drafts.update("tab", spec)
    drafts.flush()
    assert assert_not_in_files(canary, [store.root, tmp_path / "drafts"]) >= 2


def test_the_store_marks_and_unmarks_recipes(qtbot, store):
    rel = edit(qtbot, store, store.save, replace(SPEC, presentation=None), "")
    spec = store.entry(rel).spec
    assert edit(qtbot, store, lambda: store.mark_recipe(spec, " Hi ", rel=rel)) == rel
    assert store.entry(rel).spec.presentation == {"title": "Hi", "description": ""}
    new = edit(qtbot, store, store.mark_recipe, replace(SPEC, name="Other"), "", "About it")
    assert store.entry(new).spec.presentation == {"title": "Other", "description": "About it"}
    assert edit(qtbot, store, store.unmark_recipe, rel, store.entry(rel).spec) == rel
    assert store.entry(rel).spec.presentation is None
    assert store.entry(rel).spec == replace(SPEC, presentation=None)


def test_folder_names_are_made_safe():
    assert folder_rel("team/users") == "team/users"
    assert folder_rel(' a:b / "c" //') == "a-b/-c-"
    assert folder_rel(" / . /") == ""
    assert file_name("Get: user?") == "Get- user.json" and file_name("..") == "request.json"


def test_a_symlink_loop_in_the_folder_is_a_message_not_a_crash(qtbot, store):
    loop = store.root / "loop"
    os.symlink(loop, loop)  # a link to itself: resolve() raised RuntimeError
    with pytest.raises(SavedRequestError, match="cannot be reached"):
        store.save(SPEC, "loop")
    with pytest.raises(SavedRequestError):
        store.make_folder("loop/inner")


def test_groups_are_made_for_the_user_only(qtbot, store):
    old = os.umask(0o022)
    try:
        rel = edit(qtbot, store, store.make_folder, "team/users")
    finally:
        os.umask(old)
    assert (store.root / rel).stat().st_mode & 0o077 == 0
