"""
### lakehouse_maintenance

Deletes what the lake no longer serves once its retention has passed, daily,
after `lakehouse_daily`'s window; retention and schedule are in
`include/pipeline.yaml` (`maintenance:`):

- **superseded versions** (what a publish replaced, recorded under
  `s3://<lake>/_superseded/`) older than the rollback window, then their records;
- **abandoned staging**: `_runs/` locations no table, partition or record points
  at, and tables left in the staging database by failed runs;
- **Athena query results** under the configured output location.

It never deletes what a live table or partition of the lake's databases points
at (read from the Glue catalog at the start of the run), nor a version still
inside the rollback window. Data goes before its record, so a run killed
half-way loses nothing live and the next run finishes the job.

0. **acquire_lake**: the lake's lease, as `lakehouse_daily` takes it: no publish
   or rollback moves the catalog while this run decides and deletes;
1. **clean**: lists each thing it deletes with its size, and returns the bytes
   reclaimed per kind (its XCom);
2. **release_lake** (teardown) gives the lease back.

**Params**: `dry_run` lists what would be deleted, with sizes, and deletes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pendulum
from airflow.sdk import DAG, Param, task
from airflow.timetables.trigger import CronTriggerTimetable

from lakehouse.config import pipeline_config
from lakehouse.maintenance import maintain_lake
from lakehouse.wap import tasks

config = pipeline_config()
lake = config.lake
maintenance = config.maintenance

with DAG(
    dag_id="lakehouse_maintenance",
    description="Delete superseded versions, abandoned staging and Athena results past their retention",
    doc_md=__doc__,
    # a point in time, not a data interval: what it deletes depends on the clock, not on a day's data
    schedule=CronTriggerTimetable(maintenance.cron, timezone="UTC"),
    start_date=pendulum.instance(datetime.combine(config.schedule.start_date, time(), tzinfo=UTC)),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=maintenance.run_timeout,
    tags=["lakehouse", "maintenance"],
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    },
    params={
        "dry_run": Param(
            False, type="boolean", description="list what would be deleted, with sizes; delete nothing"
        ),
    },
) as dag:
    # one writer at a time: a publish or a rollback waits while this run deletes, and this one waits for them
    acquire = tasks.acquire_lake(maintenance.run_timeout, poke_interval=60)
    clean = task(maintain_lake, task_id="clean", multiple_outputs=False)()
    release = task(tasks.release_lake, task_id="release_lake")().as_teardown(setups=acquire)
    acquire >> clean >> release
