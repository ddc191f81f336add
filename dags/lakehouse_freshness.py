"""
### lakehouse_freshness

Daily at `schedule.publish_by` (pipeline.yaml, UTC; 06:00 by default): has
every gold dataset been published for the business day that `lakehouse_daily`
should have finished by then (the previous UTC day)? When one has not, a
message to the pipeline topic names this DAG, the day, the missing datasets
and the deadline; either way the stalest gold's `DataFreshnessSeconds` goes to
CloudWatch, so the freshness alarm rises even when no run published at all.

A DAG of its own rather than a deadline alert on `lakehouse_daily`: Airflow
3.3.1's `DeadlineAlert` breaks `dag.test`, which the end-to-end scenario runs
on. How "published for the day" is decided: `plugins/lakehouse/freshness.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pendulum
from airflow.sdk import DAG, task
from airflow.timetables.trigger import CronTriggerTimetable

from lakehouse.config import pipeline_config
from lakehouse.freshness import check_freshness

config = pipeline_config()

with DAG(
    dag_id="lakehouse_freshness",
    description="Notify when a day's gold is not published by schedule.publish_by (UTC)",
    doc_md=__doc__,
    schedule=CronTriggerTimetable(config.schedule.publish_cron, timezone="UTC"),
    start_date=pendulum.instance(datetime.combine(config.schedule.start_date, time(), tzinfo=UTC)),
    catchup=False,
    max_active_runs=1,
    tags=["lakehouse", "gold", "alerts"],
    default_args={"owner": "data-platform", "retries": 2, "retry_delay": timedelta(minutes=2)},
) as dag:
    task(check_freshness, task_id="check_gold_published", multiple_outputs=False)()
