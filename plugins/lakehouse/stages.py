"""The daily run's stages, and how long each took: for the StageSeconds metric and the bench.

A stage is a set of tasks, named by what the run is doing (export, crawl, silver, audit, gold,
publish), not by one task: silver is some ten tasks across the tables' groups. Its seconds
are the wall-clock span from the first of its tasks starting to the last one ending, which is
what an operator waits for, whatever ran in parallel inside it.

Each task records its own clock (`record_clock`, the DAG's post_execute hook) in XCom, since a
task on MWAA reaches the metadata database only through the execution API, which does not
serve other task instances' start and end times; the report teardown reads the clocks back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from lakehouse import names

STAGES = ("export", "crawl", "silver", "audit", "gold", "publish")
CLOCK_KEY = "clock"


def stage_of_task(task_id: str) -> str | None:
    """The stage a daily task belongs to; None for the run's own bookkeeping (lease, report)."""
    if task_id in ("select_tables", "export", "record_batches"):
        return "export"
    if task_id.startswith("crawl"):
        return "crawl"
    dataset = names.dataset_of_task(task_id)
    if dataset is None:
        return None
    step = task_id.partition(".")[2]
    if step == "audit":
        return "audit"
    if step == "publish":  # makes the staged data live
        return "publish"
    return dataset.partition(".")[0]


def record_clock(context: dict[str, Any], result: Any = None) -> None:
    """post_execute hook: leave this try's start and end in XCom for the run's report.

    Never fails the task: a clock is a figure, not the task's work.
    """
    ti = context["ti"]
    started = getattr(ti, "start_date", None)
    if started is None:
        return
    try:
        ti.xcom_push(key=CLOCK_KEY, value=[started.isoformat(), datetime.now(UTC).isoformat()])
    except Exception:  # the report then lacks this task's span; the data run is unaffected
        import logging

        logging.getLogger("lakehouse").warning("could not record %s's clock", ti.task_id, exc_info=True)


def stage_seconds(clocks: Iterable[tuple[str, Any]]) -> dict[str, float]:
    """Each stage's wall-clock span from (task id, [start, end]) pairs; stages without a clock
    (skipped, or not run) are left out rather than reported as zero seconds."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for task_id, clock in clocks:
        stage = stage_of_task(task_id)
        if stage is None or not clock:
            continue
        start, end = (datetime.fromisoformat(c) for c in clock)
        first, last = spans.get(stage, (start, end))
        spans[stage] = (min(first, start), max(last, end))
    return {stage: (end - start).total_seconds() for stage, (start, end) in spans.items()}


def pull_clocks(ti: Any, task_ids: Iterable[str]) -> list[tuple[str, Any]]:
    """Every recorded clock of these tasks in this run, a mapped task's once per map index."""
    pulled = []
    for task_id in task_ids:
        if stage_of_task(task_id) is None:
            continue
        values = ti.xcom_pull(task_ids=[task_id], key=CLOCK_KEY)
        pulled += [(task_id, clock) for clock in values or [] if clock]
    return pulled
