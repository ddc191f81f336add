from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from lakehouse import stages
from lakehouse.stages import stage_of_task, stage_seconds


@pytest.mark.parametrize(
    ("task_id", "stage"),
    [
        ("select_tables", "export"),
        ("export", "export"),
        ("crawl_bronze", "crawl"),
        ("silver_orders.stage", "silver"),
        ("silver_orders.audit", "audit"),
        ("silver_orders.publish", "publish"),
        ("gold_daily_revenue.stage", "gold"),
        ("gold_daily_revenue.audit", "audit"),
        ("acquire_lake", None),
        ("report_run", None),
        ("release_lake", None),
    ],
)
def test_every_daily_task_is_timed_under_the_stage_an_operator_knows_it_by(task_id, stage) -> None:
    assert stage_of_task(task_id) == stage


def clock(start_s: float, end_s: float) -> list[str]:
    t0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    return [(t0 + timedelta(seconds=start_s)).isoformat(), (t0 + timedelta(seconds=end_s)).isoformat()]


def test_a_stage_lasts_from_its_first_task_starting_to_its_last_ending_not_the_sum_of_its_tasks() -> None:
    spans = stage_seconds(
        [
            ("silver_orders.stage", clock(0, 2)),
            ("silver_customers.stage", clock(1, 3)),  # in parallel with the first
            ("silver_payments.stage", clock(3, 10)),
            ("export", clock(-20, -5)),
            ("export", clock(-19, -4)),  # another map index
            ("report_run", clock(50, 51)),
        ]
    )
    assert spans == {"silver": 10.0, "export": 16.0}


def test_a_stage_whose_tasks_left_no_clock_is_not_reported_as_zero_seconds() -> None:
    assert stage_seconds([("crawl_bronze", None), ("gold_x.stage", [])]) == {}


class RecordingTi:
    def __init__(self, start_date):
        self.task_id = "crawl_bronze"
        self.start_date = start_date
        self.pushed = {}

    def xcom_push(self, key, value):
        self.pushed[key] = value


def test_the_hook_records_the_tries_start_and_its_end() -> None:
    started = datetime.now(UTC) - timedelta(seconds=30)
    ti = RecordingTi(started)
    stages.record_clock({"ti": ti})
    start, end = (datetime.fromisoformat(c) for c in ti.pushed[stages.CLOCK_KEY])
    assert start == started and 29 <= (end - start).total_seconds() < 60


def test_a_clock_that_cannot_be_recorded_never_fails_the_task() -> None:
    def refuse(key, value):
        raise RuntimeError("the execution API is away")

    ti = SimpleNamespace(task_id="export", start_date=datetime.now(UTC), xcom_push=refuse)
    stages.record_clock({"ti": ti})  # logs, does not raise
    stages.record_clock({"ti": SimpleNamespace(task_id="export", start_date=None)})
