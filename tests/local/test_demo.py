"""The demo's arithmetic: how long audits held the run when they overlap."""

from __future__ import annotations

from local.demo import busy_seconds


def _task(start: str | None, end: str | None) -> dict:
    stamp = "2026-11-02T02:00:{:02d}+00:00".format
    return {"start_date": start and stamp(int(start)), "end_date": end and stamp(int(end))}


def test_overlapping_audits_count_once_and_gaps_not_at_all() -> None:
    tasks = [_task("0", "10"), _task("5", "12"), _task("20", "21"), _task("20", "20")]
    assert busy_seconds(tasks) == 13.0


def test_tasks_that_never_ran_add_nothing() -> None:
    assert busy_seconds([_task(None, None), _task("3", None)]) == 0.0
    assert busy_seconds([]) == 0.0
