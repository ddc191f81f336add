"""
### Source activity check

Before the nightly export (`lakehouse_daily`, 02:00 UTC), confirm that every
source table declared in `include/pipeline.yaml` is reachable and not empty,
and that every fact table (one with a business date, unless `changes_daily:
false`) changed during the day being processed. A shop whose `orders` table stopped
changing is a broken application or a broken replica, and it is cheaper to
learn that at 01:30 than from an empty gold partition.

One task per source table (generated from the config), each a
`SQLCheckOperator` on the `postgres_oltp` connection running
`include/sql/source/activity_check.sql`, rendered here from pipeline.yaml with
its identifiers validated and quoted. The tasks take no params: a run's conf
cannot reach the SQL.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.common.sql.operators.sql import SQLCheckOperator
from airflow.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

from lakehouse.config import pipeline_config
from lakehouse.sql import render

config = pipeline_config()

with DAG(
    dag_id="source_activity_check",
    description="Source tables are reachable, non-empty and changed in the data interval",
    doc_md=__doc__,
    # A data interval (yesterday 01:30 to today 01:30), not Airflow 3's default
    # point-in-time cron trigger: the check is about what changed in between.
    schedule=CronDataIntervalTimetable("30 1 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["lakehouse", "source", "quality"],
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
    },
) as dag:
    for table in config.source.tables:
        SQLCheckOperator(
            task_id=f"check_{table.name}",
            conn_id=config.source.conn_id,
            sql=render(
                "source/activity_check.sql",
                schema=config.source.schema_name,
                table=table.name,
                cursor_column=table.cursor_column,
                require_change=table.requires_daily_change,
                # left for Airflow to render at run time: the run's own data interval
                interval_start="{{ data_interval_start.isoformat() }}",
            ),
        )
