"""
### lakehouse_rollback

Serve an earlier version of a silver or gold dataset again, or roll forward
after a rollback. Manual only: trigger it from the UI with

- **dataset**: one dataset (`silver.products`, `gold.daily_revenue`) or all
  of a layer (`gold.*`), from `include/pipeline.yaml`;
- **to**: `previous` (the version before the live one) or the run id of the
  `lakehouse_daily` (or `lakehouse_rollback`) run whose published version to
  restore. Rolling forward after a rollback is a rollback to the run that was
  live before it.

0. **acquire_lake**: the lake's lease, as `lakehouse_daily` takes it: a
   rollback never interleaves with a publish (`release_lake` gives it back);
1. **stage**: finds each dataset's version in the publish records
   (`s3://<lake>/_superseded/<layer>/<dataset>/`), checks its files are still
   there, and stages it as a temp table over those locations; a request that
   cannot be met fails here, naming each dataset, and changes nothing;
2. **audit**: the dataset's expectation suite on what is restored
   (`ExpectationSuiteAuditOperator`, as the daily audits): a critical failure
   restores nothing; the report goes to
   `s3://<lake>/reports/lakehouse_rollback/<dataset>/<day>/<run_id>/`;
3. **publish**: records the rollback (so it can itself be undone), then
   repoints the Glue catalog, partition by partition or the table's location,
   and emits each changed dataset's Asset event;
4. **drop_stage**: drops the temp table.

A silver rollback does not move the table's watermark: the next daily run
merges only newer batches onto the restored version. Roll forward, or run
`lakehouse_daily` with `full_refresh`, to bring the rolled-back changes back.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG, AssetAlias, Param, task

from lakehouse.config import pipeline_config
from lakehouse.operators.expectation_audit import ExpectationSuiteAuditOperator
from lakehouse.wap import rollback, rollback_tasks, tasks

config = pipeline_config()
lake = config.lake

with DAG(
    dag_id="lakehouse_rollback",
    description="Serve an earlier published version of silver or gold datasets, audited first",
    doc_md=__doc__,
    schedule=None,
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=config.schedule.run_timeout,
    tags=["lakehouse", "silver", "gold", "rollback"],
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
    },
    params={
        "dataset": Param(
            type="string",
            enum=rollback.dataset_choices(config),
            description="the dataset to roll back, or all of a layer (silver.*, gold.*)",
        ),
        "to": Param(
            rollback.PREVIOUS,
            type="string",
            pattern=rollback.TO_PATTERN,
            description="previous (the version before the live one), or the run id whose version to restore",
        ),
    },
) as dag:
    acquire = tasks.acquire_lake(config.schedule.run_timeout)
    staged = task(rollback_tasks.stage_restores, task_id="stage")()
    audit = ExpectationSuiteAuditOperator.partial(
        task_id="audit",
        aws_conn_id=lake.aws_conn_id,
        query_timeout=timedelta(minutes=config.athena.query_timeout_minutes),
        map_index_template="{{ task.layer }}.{{ task.dataset }}",
    ).expand_kwargs(staged.map(rollback_tasks.audit_arguments))
    publish = task(
        rollback_tasks.publish_restore, task_id="publish", outlets=[AssetAlias(rollback_tasks.ASSET_ALIAS)]
    ).expand(staged=staged)
    drop = task(rollback_tasks.drop_restore_stage, task_id="drop_stage").expand(staged=staged)
    release = task(tasks.release_lake, task_id="release_lake")().as_teardown(setups=acquire)
    acquire >> staged >> audit >> publish >> drop >> release
