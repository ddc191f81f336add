"""Waiting on remote work whose length nobody knows in advance: bounded by time, polled with backoff.

A wait counted in polls at a fixed interval is either too short for the long
case or too chatty for it; a wait bounded by a time limit, polling quickly at
first and less often as it goes on, is quick for short work and light on the
API for long work, and gives up exactly when the limit says.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Poll intervals: `first`, then each `factor` times the one before, never above `ceiling`."""

    first: float = 0.1
    factor: float = 1.5
    ceiling: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(delay * self.factor, self.ceiling)


class WaitTimedOut(TimeoutError):
    """A wait reached its limit; `last` is what the final poll saw, `elapsed` how long it waited."""

    def __init__(self, last: object, elapsed: float, limit: float) -> None:
        super().__init__(f"still {last} after {elapsed:.1f} s (limit {limit:g} s)")
        self.last = last
        self.elapsed = elapsed
        self.limit = limit


def poll(
    check: Callable[[], T],
    done: Callable[[T], bool],
    limit_s: float,
    *,
    backoff: Backoff = Backoff(),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `check` until `done` holds for its result, and return that result.

    Raises WaitTimedOut, carrying the last result, once `limit_s` has passed;
    the last poll happens at the limit, so work finishing just in time counts.
    """
    started = clock()
    for delay in backoff.delays():
        seen = check()
        if done(seen):
            return seen
        elapsed = clock() - started
        if elapsed >= limit_s:
            raise WaitTimedOut(seen, elapsed, limit_s)
        sleep(min(delay, limit_s - elapsed))
    raise AssertionError("unreachable: backoff delays never end")
