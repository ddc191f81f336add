"""
### lakehouse_daily

The shop's operational Postgres into the lakehouse, once a day (02:00 UTC by
default) for the previous UTC day. Everything is generated from
`include/pipeline.yaml`, including the schedule and whether to catch up.

0. **acquire_lake**: the run takes the lake's lease (`LakeLeaseSensor`, a
   conditional S3 write) before it exports anything, and `release_lake` (a
   teardown) gives it back: a backfill beside the schedule, or a second
   trigger, waits its turn instead of interleaving its publishes;
1. **export**: each source table's changed rows since silver's watermark (the
   day's, unless a day was skipped or failed; or a full snapshot) to
   `s3://<lake>/bronze/<table>/ingest_date=<day>/` as Parquet, with a batch
   manifest (`PostgresToBronzeOperator`, mapped over the tables of this run;
   a full export of a table above `source.split_exports.above_mb` runs as
   slices over its key, one task each, and `record_batches` records their
   batch once all are in);
2. **crawl**: the bronze Glue crawler (`GlueCrawlerRunOperator`; a crawl still running after
   a few seconds is deferred, a denied start fails at once), defined once in pipeline.yaml
   for Terraform and the local stack;
3. **silver_<table>**: the current state of every record, partitioned by
   business date, merging every bronze batch not merged yet and rewriting only
   the partitions their changes touch;
4. **gold_<dataset>**: daily_revenue, product_revenue and customer_orders
   (the order dates silver's plans rewrote in this run), staged from silver's
   staged rows beside silver's audits and published after silver; then
   customer_ltv and monthly_retention, staged from customer_orders' staged rows
   (its recent dates) beside its audit, and customer_history (each customer's
   settled months, folded a month at a time beside export and silver, skipped
   on the other days; published once silver's audits pass; read as folded by
   what is built from it once the fold passed its audit); monthly_retention
   keeps its settled months' rows as published.

Every silver and gold write is **write-audit-publish**, three tasks a dataset:
`stage` picks the partitions and a run-scoped staging location and writes them
to a temp table (a CTAS, then one INSERT per further chunk of at most 100
partitions, through the provider's Athena hook with a time-bounded wait that
cancels what it gives up on; a retry stages afresh elsewhere);
`audit` validates the staged data against the dataset's expectation suite
(Great Expectations; `include/sql/<layer>/<dataset>.suite.yaml`): a critical
failure fails it without retrying and publishes nothing, warnings are recorded;
the JSON result and Data Docs go to `s3://<lake>/reports/<dag_id>/<dataset>/<day>/<run_id>/`.
Silver audits wait for all of silver to be staged, so that cross-table checks
(every order item's order exists) see this run's data, and silver publishes
only when every silver audit passed (all or nothing). What reads a dataset
before its publish (gold's stages, audits' lookups) reads it as it will be
published: the staged rows of the partitions this run rewrites, the published
rows of the rest. `publish` repoints the Glue catalog at the staged files,
partition by partition, and lists the superseded locations; the `drop_staged`
teardown drops the published datasets' temp tables once nothing reads them.
Gold publishes emit Airflow Assets.

**Alerts**: a task that fails after its retries notifies the pipeline topic (its
cause and log URL), an audit with findings the data-quality topic, and the
`report_run` teardown puts the run's figures to CloudWatch and, when the run
published, sends a one-line summary (README, "Operating it").

**Reports**: [gold tables and the latest audit reports](/lakehouse/report)
(served by the api-server from the lake; `plugins/lakehouse_plugin.py`).

**Params** (manual runs): `full_refresh` re-exports whole tables and rebuilds
every partition; `tables` limits the run to some source tables.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Asset, Param, TaskGroup, task
from airflow.timetables.interval import CronDataIntervalTimetable

from lakehouse import names, run_report, stages
from lakehouse.config import pipeline_config
from lakehouse.operators.expectation_audit import ExpectationSuiteAuditOperator
from lakehouse.operators.glue_crawler import BronzeCrawlerOperator
from lakehouse.operators.postgres_to_bronze import PostgresToBronzeOperator
from lakehouse.wap import tasks

config = pipeline_config()
lake = config.lake
TABLE_NAMES = [table.name for table in config.source.tables]
SILVER_DATASETS = [f"silver.{name}" for name in TABLE_NAMES]
QUERY_TIMEOUT = timedelta(minutes=config.athena.query_timeout_minutes)


def write_audit_publish(
    layer: str,
    name: str,
    upstream,
    *,
    layer_datasets=(),
    reads_staged=(),
    outlets=(),
    publish_rule="none_failed_min_one_success",
):
    """The task group that stages, audits and publishes one dataset: three tasks, one per step.

    Returns the group, its stage, its audit and its publish, so that a layer's
    audits can wait for all of its staging (their lookups read each other's
    staged data), silver's publishes for all of silver's audits, and gold's
    publishes for silver's. `publish_rule`: the publish's trigger rule.
    """
    with TaskGroup(group_id=names.group_id(layer, name)) as group:
        stage = task(
            tasks.stage_dataset, task_id="stage", trigger_rule="none_failed", multiple_outputs=False
        )(layer, name)
        # skipped when this run staged nothing for the dataset; a failed audit is about
        # the data, so it does not retry
        audit = ExpectationSuiteAuditOperator(
            task_id="audit",
            layer=layer,
            dataset=name,
            layer_datasets=layer_datasets,
            reads_staged=reads_staged,
            day=names.BUSINESS_DAY_TEMPLATE,
            aws_conn_id=lake.aws_conn_id,
            query_timeout=QUERY_TIMEOUT,
            retries=0,
            trigger_rule="none_failed_min_one_success",
        )
        publish = task(
            tasks.publish_dataset,
            task_id="publish",
            outlets=list(outlets),
            multiple_outputs=False,
            trigger_rule=publish_rule,
        )(layer, name)
        upstream >> stage >> audit >> publish
    return group, stage, audit, publish


with DAG(
    dag_id=names.DAG_ID,
    description="Postgres -> S3 bronze -> Glue -> Athena silver and gold, write-audit-publish",
    doc_md=__doc__,
    schedule=CronDataIntervalTimetable(config.schedule.cron, timezone="UTC"),
    start_date=pendulum.instance(datetime.combine(config.schedule.start_date, time(), tzinfo=UTC)),
    catchup=config.schedule.catchup,
    max_active_runs=1,
    dagrun_timeout=config.schedule.run_timeout,
    tags=["lakehouse", "bronze", "silver", "gold"],
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": tasks.report_failure,
        # each task's start and end, for the report's seconds per stage
        "post_execute": stages.record_clock,
    },
    params={
        "full_refresh": Param(
            False, type="boolean", description="export whole tables, rebuild all partitions"
        ),
        "tables": Param(
            [],
            type="array",
            items={"type": "string", "enum": TABLE_NAMES},
            uniqueItems=True,
            description="limit the run to these source tables (empty: all)",
        ),
    },
) as dag:
    # one writer at a time: a backfill beside the schedule, or a second trigger, waits here
    acquire = tasks.acquire_lake(config.schedule.run_timeout)
    select = task(tasks.selected_exports, task_id="select_tables")()
    acquire >> select
    exports = PostgresToBronzeOperator.partial(
        task_id="export",
        bucket=lake.bucket,
        ingest_date=names.BUSINESS_DAY_TEMPLATE,
        # the window's start is per table (from its watermark): select_tables sets it
        data_interval_end=names.WINDOW_END_TEMPLATE,
        record_batch=True,
        schema=config.source.schema_name,
        postgres_conn_id=config.source.conn_id,
        pii_secret="{{ var.value.get('lakehouse_pii_secret', '') }}",
        aws_conn_id=lake.aws_conn_id,
        map_index_template="{{ task.table }}{% if task.key_slice %} {{ task.key_slice.index + 1 }}"
        "/{{ task.key_slice.count }}{% endif %}",
    ).expand_kwargs(select)
    # a big table's full export runs as slices over its key; their batch is recorded once all are in
    record = task(tasks.record_sliced_batches, task_id="record_batches")()
    exports >> record

    crawl = BronzeCrawlerOperator(
        task_id="crawl_bronze",
        crawler_name=lake.crawler,
        aws_conn_id=lake.aws_conn_id,
        deferrable=True,
        poll_interval=5,
    )
    exports >> crawl

    silver = [
        write_audit_publish("silver", name, [crawl, record], layer_datasets=TABLE_NAMES)
        for name in TABLE_NAMES
    ]
    # silver is audited as it will be once published, and published all or nothing:
    # every audit sees every staged table, every publish waits for every audit
    for _, _, audit, publish in silver:
        for _, staging, other_audit, _ in silver:
            staging >> audit
            other_audit >> publish
    # what gold built from a dataset waits for before it stages (that dataset's stage: its staged
    # rows are read; a settled history's audit, whatever it found), and before it publishes (that
    # dataset's publish; a settled history's, whatever it did)
    gold_ready, gold_publishes = {}, {}
    for dataset in config.gold:
        asset = Asset(name=f"gold.{dataset.name}", uri=f"s3://{lake.bucket}/gold/{dataset.name}/")
        if dataset.settles_after_days is not None:
            # a settled history reads months this run's changes do not reach, as published before
            # the run: it is staged and audited beside export and silver, off the run's path (what is
            # built from it checks that it still holds), and published only if silver's audits pass
            # (on most days it has nothing to fold: its skipped audit skips the publish at once,
            # so what is built from it does not wait for silver's audits to learn that)
            group, _, audit, publish = write_audit_publish(
                "gold", dataset.name, select, outlets=[asset], publish_rule="all_success"
            )
            with group:
                # every silver audit passed or was skipped (none_failed): the join fails otherwise
                silver_audited = EmptyOperator(task_id="silver_audited", trigger_rule="none_failed")
                # whatever its audit found (passed, failed, nothing to fold), what is built from it
                # plans then: from the fold once it passed, else from the live history where it
                # still holds (a fold that did not pass is not published) or from every date,
                # so a failed fold does not leave them unbuilt
                audited = EmptyOperator(task_id="audited", trigger_rule="all_done")
                # and whatever its publish did, they publish after it
                finished = EmptyOperator(task_id="finished", trigger_rule="all_done")
            for _, _, silver_audit, _ in silver:
                silver_audit >> silver_audited
            audit >> audited
            silver_audited >> publish >> finished
            gold_ready[dataset.name], gold_publishes[dataset.name] = audited, finished
            continue
        # gold is staged from silver as this run will publish it (silver's staged rows), beside
        # silver's audits, and published after silver: a failed silver audit publishes neither.
        # Gold built from other gold is staged likewise from that gold's staged rows, beside its
        # audit, and published after it.
        upstream = [stage for _, stage, _, _ in silver] + [gold_ready[n] for n in dataset.built_from]
        _, stage, _, publish = write_audit_publish(
            "gold", dataset.name, upstream, reads_staged=SILVER_DATASETS, outlets=[asset]
        )
        for *_, silver_publish in silver:
            silver_publish >> publish
        for other in dataset.built_from:
            gold_publishes[other] >> publish
        gold_ready[dataset.name], gold_publishes[dataset.name] = stage, publish

    release = task(tasks.release_lake, task_id="release_lake")().as_teardown(setups=acquire)
    # teardowns too: they run whatever the outcome, and their own never decides the run's
    report = task(run_report.report_run, task_id="report_run")().as_teardown(setups=acquire)
    # staged tables are read until the last stage and audit, so no publish drops its own
    drop = task(tasks.drop_staged, task_id="drop_staged")().as_teardown(setups=acquire)
    teardowns = ("release_lake", "report_run", "drop_staged")
    for leaf in [t for t in dag.tasks if not t.downstream_list and t.task_id not in teardowns]:
        leaf >> [report, drop]
    [report, drop] >> release
