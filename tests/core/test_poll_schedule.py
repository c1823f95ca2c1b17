"""The poll schedule with a fake clock: back-off, reset on change, errors, Retry-After, caps."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.core.poll_schedule import MAX_RETRY_AFTER, PollSchedule


def schedule(**kw) -> PollSchedule:
    kw.setdefault("jitter", 0.0)
    kw.setdefault("max_per_second", 1000.0)
    return PollSchedule(**kw)


def test_first_poll_after_min_interval() -> None:
    s = schedule()
    s.add("a", now=0.0)
    assert s.take_due(0.4) == []
    assert s.next_wake(0.4) == pytest.approx(0.1)
    assert s.take_due(0.5) == ["a"]
    assert s.in_flight == 1
    assert s.next_wake(0.5) is None  # only an answer can make anything due


def test_interval_grows_while_nothing_changes_and_resets_on_change() -> None:
    s = schedule(growth=2.0, max_interval=5.0)
    s.add("a", now=0.0, delay=0.0)
    now, delays = 0.0, []
    for _ in range(5):
        assert s.take_due(now) == ["a"]
        delay = s.answered("a", now, changed=False)
        delays.append(delay)
        now += delay
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert s.take_due(now) == ["a"]
    assert s.answered("a", now, changed=True) == 0.5
    assert s.interval("a") == 0.5


def test_jitter_stays_between_min_and_the_ceiling() -> None:
    s = PollSchedule(jitter=0.3, rng=random.Random(1), max_per_second=1000.0)
    s.add("a", now=0.0, delay=0.0)
    now, seen = 0.0, []
    for _ in range(40):
        assert s.take_due(now) == ["a"]
        delay = s.answered("a", now, changed=False)
        seen.append(delay)
        now += delay
    assert all(0.5 <= d <= 5.0 for d in seen)
    assert len(set(seen[-10:])) > 1  # jittered, not lock-step
    assert max(seen[-10:]) > 3.5


def test_errors_back_off_exponentially_then_success_resets() -> None:
    s = schedule(max_error_delay=3.0)
    s.add("a", now=0.0, delay=0.0)
    now, delays = 0.0, []
    for _ in range(4):
        assert s.take_due(now) == ["a"]
        delay = s.failed("a", now)
        delays.append(delay)
        now += delay
    assert delays == [1.0, 2.0, 3.0, 3.0]
    assert s.errors("a") == 4
    s.take_due(now)
    s.answered("a", now, changed=True)
    assert s.errors("a") == 0


def test_retry_after_is_honoured_and_capped() -> None:
    s = schedule()
    s.add("a", now=0.0, delay=0.0)
    s.take_due(0.0)
    assert s.failed("a", 0.0, retry_after=7.0) == 7.0
    assert s.take_due(6.9) == []
    assert s.take_due(7.0) == ["a"]
    assert s.failed("a", 7.0, retry_after=10_000.0) == MAX_RETRY_AFTER


def test_concurrency_cap() -> None:
    s = schedule(max_concurrent=3)
    for k in range(10):
        s.add(k, now=0.0, delay=0.0)
    assert len(s.take_due(0.0)) == 3
    assert s.take_due(0.0) == []
    assert s.next_wake(0.0) is None
    s.answered(0, 0.0, changed=False)
    assert len(s.take_due(0.01)) == 1  # one slot free (and tokens refilled)


def test_rate_cap_spreads_polls_over_time() -> None:
    s = schedule(max_concurrent=5, max_per_second=10.0)
    for k in range(100):
        s.add(k, now=0.0, delay=0.0)
    started, now = 0, 0.0
    while now < 2.0:
        for key in s.take_due(now):
            started += 1
            s.answered(key, now, changed=False)  # answered at once, next poll later
        wake = s.next_wake(now)
        assert wake is not None and wake > 0
        now += wake
    # 5 at once (the burst), then 10 per second
    assert 20 <= started <= 26


def test_poll_now_and_discard() -> None:
    s = schedule()
    s.add("a", now=0.0)
    s.add("a", now=0.0, delay=0.0)  # already there: keeps its place
    assert s.take_due(0.0) == []
    s.poll_now("a", 0.1)
    assert s.take_due(0.1) == ["a"]
    s.poll_now("a", 0.2)  # in flight: nothing to do
    s.discard("a")
    assert s.in_flight == 0 and "a" not in s and len(s) == 0
    assert s.answered("a", 0.3, changed=True) == 0.0  # a late answer of a removed key
    assert s.next_wake(0.3) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.sampled_from(["add", "now", "ok", "same", "err"])),
        max_size=60,
    )
)
def test_in_flight_count_never_drifts(ops) -> None:
    s = PollSchedule(max_concurrent=2, max_per_second=5.0, rng=random.Random(0))
    now = 0.0
    for key, op in ops:
        now += 0.1
        if op == "add":
            s.add(key, now, delay=0.0)
        elif op == "now":
            s.poll_now(key, now)
        else:
            for taken in s.take_due(now):
                if op == "ok":
                    s.answered(taken, now, changed=True)
                elif op == "same":
                    s.answered(taken, now, changed=False)
                else:
                    s.failed(taken, now)
        flying = sum(1 for k in "abcde" if k in s and s.due(k) is None)
        assert s.in_flight == flying <= 2
        for k in "abcde":
            if k in s:
                assert s.min_interval <= s.interval(k) <= s.max_interval
