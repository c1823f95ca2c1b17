"""The window-state file: round trip, missing, damaged (moved aside), odd values ignored."""

from __future__ import annotations

import json

from shipexplorer.core.window_state import WindowState, WindowStateStore


def test_round_trip(tmp_path):
    store = WindowStateStore(tmp_path / "state.json")
    state = WindowState(
        geometry=WindowState.encode(b"\x01\x02"),
        splitters={"main": WindowState.encode(b"abc")},
        profile="p",
        workspace="ws",
        instance="i",
        method="m",
    )
    store.save(state)
    again = store.load()
    assert again == state
    assert WindowState.decode(again.geometry) == b"\x01\x02"


def test_missing_and_damaged_files_give_defaults(tmp_path):
    path = tmp_path / "state.json"
    assert WindowStateStore(path).load() == WindowState()
    path.write_text("{not json", "utf-8")
    assert WindowStateStore(path).load() == WindowState()
    assert not path.exists()
    assert list(tmp_path.glob("state.json.corrupt-*"))


def test_odd_values_are_ignored(tmp_path):
    path = tmp_path / "state.json"
    state = {
        "geometry": 5,
        "splitters": {"main": 3, "ok": "AA=="},
        "method": ["x"],
        "instance": "i",
    }
    path.write_text(json.dumps({"version": 1, "state": state}), "utf-8")
    loaded = WindowStateStore(path).load()
    assert loaded == WindowState(splitters={"ok": "AA=="}, instance="i")
    assert WindowState.decode("not base64!") is None
