"""When to poll each watched task next, and how many polls may go out at once.

Pure Python (no Qt, no clock of its own: every call takes ``now``), so tests drive it with a fake
clock. Per task, the interval starts at ``min_interval``, grows by ``growth`` (with jitter) after
each answer that changed nothing, up to ``max_interval``, and drops back to ``min_interval`` on any
change. Errors back off exponentially (or for exactly ``Retry-After``). Globally, at most
``max_concurrent`` polls are in flight and at most ``max_per_second`` start per second (a token
bucket), so a thousand tasks stay light. The tracker asks :meth:`PollSchedule.take_due` when its
one timer fires and re-arms the timer with :meth:`PollSchedule.next_wake`.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Hashable
from dataclasses import dataclass

#: ``Retry-After`` values above this are capped (a server asking for an hour is not waited for).
MAX_RETRY_AFTER = 600.0
_EPSILON = 1e-6


@dataclass
class _Entry:
    interval: float
    due: float
    errors: int = 0
    in_flight: bool = False
    version: int = 0


class PollSchedule:
    """Per-key poll times with adaptive intervals, under global concurrency and rate caps."""

    def __init__(
        self,
        *,
        min_interval: float = 0.5,
        max_interval: float = 5.0,
        growth: float = 1.5,
        jitter: float = 0.2,
        max_error_delay: float = 60.0,
        max_concurrent: int = 4,
        max_per_second: float = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        if min_interval <= 0 or max_interval < min_interval:
            raise ValueError("need 0 < min_interval <= max_interval")
        if max_concurrent < 1 or max_per_second <= 0:
            raise ValueError("need max_concurrent >= 1 and max_per_second > 0")
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.growth = growth
        self.jitter = min(max(jitter, 0.0), 0.9)
        self.max_error_delay = max(max_error_delay, min_interval)
        self.max_concurrent = max_concurrent
        self.max_per_second = max_per_second
        self._rng = rng or random.Random()
        self._entries: dict[Hashable, _Entry] = {}
        self._heap: list[tuple[float, int, Hashable, int]] = []
        self._seq = itertools.count()
        self._in_flight = 0
        self._burst = float(max(1, max_concurrent))
        self._tokens = self._burst
        self._refilled: float | None = None

    # -- membership ---------------------------------------------------------------------------
    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def interval(self, key: Hashable) -> float:
        """The key's current interval (what the panel shows), ``min_interval`` when unknown."""
        entry = self._entries.get(key)
        return entry.interval if entry else self.min_interval

    def due(self, key: Hashable) -> float | None:
        entry = self._entries.get(key)
        return None if entry is None or entry.in_flight else entry.due

    def add(self, key: Hashable, now: float, delay: float | None = None) -> None:
        """Schedule ``key`` (first poll after ``delay``, default ``min_interval``); a key already
        there keeps its place."""
        if key in self._entries:
            return
        entry = _Entry(self.min_interval, now + (self.min_interval if delay is None else delay))
        self._entries[key] = entry
        self._push(key, entry)

    def discard(self, key: Hashable) -> None:
        """Stop scheduling ``key`` (a poll in flight still counts until :meth:`release`)."""
        entry = self._entries.pop(key, None)
        if entry is not None and entry.in_flight:
            self._in_flight -= 1

    def poll_now(self, key: Hashable, now: float) -> None:
        """Make ``key`` due at once (no effect while a poll of it is in flight)."""
        entry = self._entries.get(key)
        if entry is not None and not entry.in_flight:
            entry.due = now
            self._push(key, entry)

    # -- the timer's side ---------------------------------------------------------------------
    def take_due(self, now: float) -> list[Hashable]:
        """The keys to poll now, each marked in flight, within the concurrency and rate caps."""
        self._refill(now)
        taken: list[Hashable] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            if self._in_flight >= self.max_concurrent or self._tokens < 1.0 - _EPSILON:
                break
            _, _, key, version = heapq.heappop(heap)
            entry = self._entries.get(key)
            if entry is None or entry.version != version or entry.in_flight:
                continue
            entry.in_flight = True
            self._in_flight += 1
            self._tokens -= 1.0
            taken.append(key)
        return taken

    def next_wake(self, now: float) -> float | None:
        """Seconds until :meth:`take_due` may return something; None when only an answer (or a
        new key) can make anything due."""
        self._drop_stale()
        if not self._heap:
            return None
        wait = max(0.0, self._heap[0][0] - now)
        if self._in_flight >= self.max_concurrent:
            return None
        self._refill(now)
        if self._tokens < 1.0 - _EPSILON:
            wait = max(wait, (1.0 - self._tokens) / self.max_per_second + _EPSILON)
        return wait

    # -- answers ------------------------------------------------------------------------------
    def answered(self, key: Hashable, now: float, *, changed: bool) -> float:
        """A poll answered: back to fast when something changed, else slower. Returns the delay."""
        entry = self._release(key)
        if entry is None:
            return 0.0
        entry.errors = 0
        if changed:
            entry.interval = self.min_interval
        else:
            entry.interval = min(self.max_interval, entry.interval * self.growth)
        delay = max(self.min_interval, entry.interval * (1.0 - self.jitter * self._rng.random()))
        return self._reschedule(key, entry, now, delay)

    def failed(self, key: Hashable, now: float, retry_after: float | None = None) -> float:
        """A poll failed transiently: wait ``retry_after`` when the server said, else back off
        exponentially from ``min_interval`` up to ``max_error_delay``. Returns the delay."""
        entry = self._release(key)
        if entry is None:
            return 0.0
        entry.errors += 1
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), MAX_RETRY_AFTER)
        else:
            backoff = min(self.max_error_delay, self.min_interval * 2.0**entry.errors)
            delay = max(self.min_interval, backoff * (1.0 - self.jitter * self._rng.random()))
        return self._reschedule(key, entry, now, delay)

    def release(self, key: Hashable) -> None:
        """A poll ended and ``key`` is not to be polled again (ended, stopped): forget it."""
        self.discard(key)

    def errors(self, key: Hashable) -> int:
        entry = self._entries.get(key)
        return entry.errors if entry else 0

    # -- internals ----------------------------------------------------------------------------
    def _release(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.in_flight:
            entry.in_flight = False
            self._in_flight -= 1
        return entry

    def _reschedule(self, key: Hashable, entry: _Entry, now: float, delay: float) -> float:
        entry.due = now + delay
        self._push(key, entry)
        return delay

    def _push(self, key: Hashable, entry: _Entry) -> None:
        entry.version += 1
        heapq.heappush(self._heap, (entry.due, next(self._seq), key, entry.version))

    def _drop_stale(self) -> None:
        heap = self._heap
        while heap:
            _, _, key, version = heap[0]
            entry = self._entries.get(key)
            if entry is not None and entry.version == version and not entry.in_flight:
                return
            heapq.heappop(heap)

    def _refill(self, now: float) -> None:
        if self._refilled is not None and now > self._refilled:
            gained = (now - self._refilled) * self.max_per_second
            self._tokens = min(self._burst, self._tokens + gained)
        if self._refilled is None or now > self._refilled:
            self._refilled = now
