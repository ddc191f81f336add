"""A wait is bounded by time, polls quickly at first and less often later, and says what it last saw."""

from __future__ import annotations

import itertools

import pytest

from lakehouse.polling import Backoff, WaitTimedOut, poll


class FakeClock:
    """Time that moves only when the wait sleeps, so the schedule of polls is exact."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_poll_intervals_grow_from_the_first_to_the_ceiling() -> None:
    delays = list(itertools.islice(Backoff(first=0.1, factor=2, ceiling=1).delays(), 6))
    assert delays == [0.1, 0.2, 0.4, 0.8, 1, 1]


def test_the_result_is_returned_as_soon_as_the_work_is_done() -> None:
    clock = FakeClock()
    answers = iter(["RUNNING", "RUNNING", "DONE"])
    seen = poll(lambda: next(answers), lambda state: state == "DONE", 60, clock=clock, sleep=clock.sleep)
    assert seen == "DONE"
    assert clock.sleeps == [0.1, 0.15000000000000002]


def test_a_wait_lasts_its_time_limit_however_many_polls_that_takes() -> None:
    clock = FakeClock()
    polls = itertools.count(1)
    with pytest.raises(WaitTimedOut) as raised:
        poll(lambda: f"RUNNING (poll {next(polls)})", lambda _: False, 600, clock=clock, sleep=clock.sleep)
    assert clock.now == 600  # the last sleep is cut to end exactly at the limit, and one last poll follows
    assert max(clock.sleeps) == 5.0  # never more than the ceiling between two polls
    assert len(clock.sleeps) < 150  # light on the API over ten minutes (a fixed 0.2 s would be 3,000)
    assert raised.value.limit == 600 and raised.value.elapsed == 600
    assert str(raised.value).startswith(f"still RUNNING (poll {len(clock.sleeps) + 1}) after 600.0 s")
