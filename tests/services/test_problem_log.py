"""The problem log keeps what the stores said before the window existed, once per sentence."""

from __future__ import annotations

from shipexplorer.services.problem_log import ProblemLog


def test_problems_before_the_window_are_kept_once_then_drained(qtbot):
    log = ProblemLog()
    heard: list[str] = []
    log.problem.connect(heard.append)
    log.report("preferences.json is damaged.")
    log.report("  preferences.json is damaged.  ")  # the same sentence again
    log.report("")
    log.report("saved-requests.json is damaged.")
    assert log.pending() == ["preferences.json is damaged.", "saved-requests.json is damaged."]
    assert heard == log.pending()
    assert log.drain() == ["preferences.json is damaged.", "saved-requests.json is damaged."]
    assert log.pending() == [] and log.drain() == []


def test_after_the_drain_problems_pass_through_and_are_not_kept(qtbot):
    log = ProblemLog()
    log.drain()
    heard: list[str] = []
    log.problem.connect(heard.append)
    log.report("Drafts could not be saved.")
    log.report("Drafts could not be saved.")
    assert heard == ["Drafts could not be saved."] * 2
    assert log.pending() == []
