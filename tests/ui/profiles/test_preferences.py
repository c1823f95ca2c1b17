"""Preferences: the dialog applies them (spool threshold, history budget, notifications), they are
saved without any key and read back, and a damaged file falls back to the defaults with a word."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QDialog

from shipexplorer.services.preferences import MB, Preferences, PreferenceService


def test_the_dialog_applies_and_saves(qtbot, make_explorer):
    setup = make_explorer(docks=True)
    docks = setup.window.docks
    docks.preferences_action.trigger()
    dialog = docks.preferences_dialog
    assert dialog.spool.value() == 2.0 and dialog.notify.isChecked()
    dialog.spool.setValue(5.5)
    dialog.budget.setValue(50)
    dialog.notify.setChecked(False)
    saved = setup.docks.preferences.path
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert setup.runner.spool_threshold == int(5.5 * MB)
    assert not docks.notifier._enabled
    qtbot.waitUntil(saved.exists, timeout=5000)
    on_disk = json.loads(saved.read_text())
    assert on_disk["spool_threshold_mb"] == 5.5 and on_disk["history_budget_mb"] == 50
    assert "demo-key" not in saved.read_text()
    again = PreferenceService(None, saved)
    assert again.load() == Preferences(5.5, 50, False)


def test_out_of_range_and_wrong_types_fall_back(tmp_path):
    chosen = Preferences.from_dict(
        {"spool_threshold_mb": -3, "history_budget_mb": "many", "notify_tasks": 1}
    )
    assert chosen == Preferences(spool_threshold_mb=0.1)


def test_a_damaged_file_means_defaults_and_a_message(qtbot, tmp_path):
    path = tmp_path / "preferences.json"
    path.write_text("{not json")
    service = PreferenceService(None, path)
    problems: list[str] = []
    service.problem.connect(problems.append)
    assert service.load() == Preferences()
    assert problems and not path.exists()  # moved aside


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["spool_threshold_mb", "history_budget_mb", "notify_tasks", "other"]),
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    )
)
def test_any_file_content_gives_preferences_in_range(data):
    chosen = Preferences.from_dict(data)
    for name, (low, high) in Preferences.LIMITS.items():
        assert low <= getattr(chosen, name) <= high
    assert isinstance(chosen.notify_tasks, bool)


def test_the_dialog_sets_the_body_limits(qtbot, make_explorer):
    from shipexplorer.api.limits import BodyLimits, body_limits, set_body_limits

    before = body_limits()
    try:
        setup = make_explorer(docks=True)
        docks = setup.window.docks
        docks.preferences_action.trigger()
        dialog = docks.preferences_dialog
        assert (dialog.memory_limit.value(), dialog.spool_limit.value()) == (16, 1000)
        assert dialog.memory_limit.accessibleName() == "In-memory body limit"
        assert dialog.spool_limit.accessibleName() == "Spooled body limit"
        dialog.memory_limit.setValue(8)
        dialog.spool_limit.setValue(2000)
        dialog.accept()
        assert body_limits() == BodyLimits(memory=8 * MB, spool=2000 * MB)
        assert setup.runner.spool_limit == 2000 * MB
        chosen = setup.docks.preferences.current
        assert (chosen.memory_body_limit_mb, chosen.spool_limit_mb) == (8, 2000)
    finally:
        set_body_limits(before)
