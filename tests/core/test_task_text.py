"""How a tracked task reads in words: categories, durations, times, origin and progress."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.core.task_text import (
    CATEGORIES,
    created_epoch,
    format_duration,
    origin_text,
    parse_server_time,
    progress_text,
    state_category,
    time_of_day,
)
from shipexplorer.core.task_timeline import STOPPED, TaskOrigin, TrackedTask

NOW = 1_800_000_000.0


def task(state: str | None, **fields) -> TrackedTask:
    made = TrackedTask("t", TaskOrigin("emu", "ws", "job", "start"), added_at=NOW, **fields)
    made.state = state
    return made


def test_categories_and_durations():
    assert state_category(task("creating")) == "creating"
    assert state_category(task(None)) == "waiting"
    assert state_category(task("paused-ish")) == "running"
    done = task("succeeded")
    done.watch = STOPPED
    assert state_category(done) == "succeeded"  # a final state wins, as in display_state
    lost = task("running")
    lost.watch = "unknown"
    assert state_category(lost) == "unknown"
    assert format_duration(0.42) == "0.4 s"
    assert format_duration(125) == "2 min 05 s"
    assert format_duration(7300) == "2 h 01 min"


@given(st.sampled_from([None, "waiting", "running", "succeeded", "failed", "odd"]))
def test_every_state_falls_in_a_known_category(state):
    assert state_category(task(state)) in CATEGORIES


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_a_duration_is_never_negative_and_always_has_a_unit(seconds):
    text = format_duration(seconds)
    assert not text.startswith("-")
    assert text.endswith((" s", " min"))


def test_server_times_and_times_of_day():
    assert (
        parse_server_time("2027-01-15T08:00:00Z")
        == datetime.fromisoformat("2027-01-15T08:00:00+00:00").timestamp()
    )
    assert parse_server_time("not a time") is None and parse_server_time(None) is None
    assert time_of_day(None) == ""
    today = datetime.now().replace(hour=9, minute=5, second=7, microsecond=0).timestamp()
    assert time_of_day(today) == "09:05:07"
    assert time_of_day(NOW).count("-") == 2  # another day: with its date
    dated = task("running", created_on="2027-01-15T08:00:00Z")
    assert created_epoch(dated) == parse_server_time("2027-01-15T08:00:00Z")
    assert created_epoch(task("running")) == NOW


def test_origin_and_progress_in_words():
    assert origin_text(task("running")) == "job · start"
    pasted = TrackedTask("t", TaskOrigin(source="pasted"))
    assert origin_text(pasted) == "added by id"
    moving = task("running", messages=[(NOW, "step 2 of 3")])
    assert progress_text(moving) == "step 2 of 3"
    failed = task("failed", messages=[(NOW, "step 2 of 3")], status_message="It broke.")
    assert progress_text(failed) == "It broke."
