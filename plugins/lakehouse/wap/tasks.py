"""Task callables of the daily DAG's write-audit-publish steps.

They live here, not in the DAG file, so the DAG stays wiring only and these
can be tested on their own. AWS clients come from the provider's hooks on the
configured connection, so the same code talks to AWS on MWAA and to the local
endpoint on a laptop.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from lakehouse import names
from lakehouse.config import pipeline_config
from lakehouse.names import business_day
from lakehouse.operators.lake_lease import LakeLeaseSensor

log = logging.getLogger(__name__)


def _client(aws_conn_id: str, service: str) -> Any:
    from lakehouse.hooks.aws import LakeAwsHook

    return LakeAwsHook(aws_conn_id=aws_conn_id, client_type=service).get_conn()


def _clients(aws_conn_id: str) -> tuple[Any, Any]:
    return _client(aws_conn_id, "glue"), _client(aws_conn_id, "s3")


def _athena():
    from lakehouse.wap.athena import runner_for

    config = pipeline_config()
    lake = config.lake
    return runner_for(lake.aws_conn_id, lake.athena_output, lake.workgroup, config.athena.query_timeout_s)


LEASE_NAME = "lake"  # one lease for every run that writes the lake's silver and gold


def acquire_lake(run_timeout: timedelta, poke_interval: int = 30) -> LakeLeaseSensor:
    """The `acquire_lake` task every DAG that writes the lake starts with: one writer at a time.

    The lease lasts the DAG's run timeout, so a run that died holding it frees the lake then;
    rescheduled between pokes, a run waiting its turn holds no worker slot.
    """
    lake = pipeline_config().lake
    return LakeLeaseSensor(
        task_id="acquire_lake",
        bucket=lake.bucket,
        lease=LEASE_NAME,
        ttl=run_timeout,
        aws_conn_id=lake.aws_conn_id,
        mode="reschedule",
        poke_interval=poke_interval,
        timeout=run_timeout.total_seconds(),
    )


def release_lake(**context: Any) -> None:
    """Teardown: give the lake's lease back, whatever the run's outcome."""
    from lakehouse.lease import release

    config = pipeline_config()
    s3 = _client(config.lake.aws_conn_id, "s3")
    release(s3, config.lake.bucket, LEASE_NAME, dag_id=context["dag"].dag_id, run_id=context["run_id"])


def selected_exports(params: dict[str, Any], **context: Any) -> list[dict[str, Any]]:
    """Export arguments for each source table this run covers (all, or the `tables` param).

    An incremental export reads from the table's watermark when that is earlier
    than this run's window (a day was skipped or failed), or everything when
    silver holds nothing of the table yet; its window still ends with the run's.
    """
    from lakehouse.batches import export_start, read_watermark

    config = pipeline_config()
    wanted = set(params.get("tables") or [t.name for t in config.source.tables])
    full = bool(params.get("full_refresh"))
    s3 = _client(config.lake.aws_conn_id, "s3")
    window_start, _ = names.window(context)
    exports = []
    for t in config.source.tables:
        if t.name not in wanted:
            continue
        mode = "full" if full else t.mode
        start = None
        if mode == "incremental":
            start = export_start(read_watermark(s3, config.lake.bucket, t.name), window_start)
        arguments = {
            "table": t.name,
            "mode": mode,
            "cursor_column": t.cursor_column,
            "data_interval_start": None if start is None else start.isoformat(),
            "delete_column": t.delete_column,
            "key_columns": t.primary_key if t.hard_deletes else [],
            "pii_columns": t.pii_columns,
            "pii_method": t.pii_method,
            "lookback": t.lookback_minutes,
            "key_slice": None,
        }
        slices = _slices(config, t) if mode == "full" else None
        exports += [{**arguments, "key_slice": key_slice} for key_slice in slices or [None]]
    return exports


def _slices(config: Any, table: Any) -> list[dict] | None:
    """A big table's full export as slices over its key (lakehouse.export.slices); None: one task."""
    if len(table.primary_key) != 1:
        return None  # only a single integer key has ranges every row falls in exactly once
    from lakehouse.export.slices import table_slices
    from lakehouse.hooks.postgres_arrow import PostgresArrowHook

    split = config.source.split_exports
    return table_slices(
        PostgresArrowHook(config.source.conn_id),
        config.source.schema_name,
        table.name,
        table.primary_key[0],
        above_bytes=split.above_mb * 2**20,
        slice_bytes=split.slice_mb * 2**20,
        max_slices=split.max_slices,
    )


def record_sliced_batches(**context: Any) -> list[str]:
    """Write the batch manifest of each export that ran as slices, once every slice published.

    One batch: the rows of all slices, the earliest slice's export time (taken before its
    snapshot, so before every slice's), the run's window end. Beside the crawl, not before it:
    silver's plans wait for both.
    """
    from lakehouse.batches import new_batch, write_batch

    # a list of task ids pulls every map index as a list, even when the export mapped over one
    summaries = context["ti"].xcom_pull(task_ids=["export"]) or []
    by_table: dict[str, list[dict[str, Any]]] = {}
    for summary in summaries:
        if isinstance(summary, dict) and summary.get("slice"):
            by_table.setdefault(summary["slice"]["table"], []).append(summary)
    if not by_table:
        return []
    config = pipeline_config()
    s3 = _client(config.lake.aws_conn_id, "s3")
    _, window_end = names.window(context)
    for table, parts in by_table.items():
        count = parts[0]["slice"]["count"]
        if len(parts) != count:
            raise RuntimeError(f"{table}: {len(parts)} of {count} slices exported; no batch recorded")
        exported_at = min(datetime.fromisoformat(p["slice"]["exported_at"]) for p in parts)
        batch = new_batch(
            table,
            business_day(context),
            mode="full",
            read_from=None,
            read_to=window_end,
            rows=sum(p["rows"] for p in parts),
            exported_at=exported_at,
        )
        write_batch(s3, config.lake.bucket, batch)
    return sorted(by_table)


def stage_dataset(layer: str, name: str, **context: Any) -> list[str]:
    """Plan one silver or gold dataset and write its staged copy; skip it when this run has nothing for it.

    One task from the plan to the staged data: the CTAS with the first chunk of
    partitions, then one INSERT per further chunk, each waited on as every Athena
    query of the run is (bounded, cancelled past its limit). It may retry: a try
    plans again into a fresh run-scoped location and temp table, so nothing a
    failed try half wrote is written into again (the maintenance DAG clears it).
    The plan goes to XCom for the audit and the publish; the statements' query
    execution ids are returned, for the bytes each layer's staging scanned.
    """
    plan = _plan_dataset(layer, name, context)
    athena = _athena()
    statements = [plan.create_sql, *plan.insert_sqls]
    query_ids = []
    for number, sql in enumerate(statements, start=1):
        log.info("%s: staging statement %d of %d:\n%s", plan.dataset, number, len(statements), sql)
        query_ids.append(athena.execute(sql, plan.staging_database))
    context["ti"].xcom_push(key=names.PLAN_KEY, value=plan.to_xcom())
    return query_ids


def _plan_dataset(layer: str, name: str, context: dict[str, Any]) -> Any:
    """This run's plan for one silver or gold dataset; AirflowSkipException when it has nothing to do."""
    from airflow.sdk.exceptions import AirflowSkipException

    from lakehouse.wap.gold_dates import owed_dates
    from lakehouse.wap.plan import StagePlan, plan_gold

    config = pipeline_config()
    params = context["params"]
    if layer == "silver" and params.get("tables") and name not in params["tables"]:
        raise AirflowSkipException(f"silver.{name} not among this run's tables {params['tables']}")
    glue, s3 = _clients(config.lake.aws_conn_id)
    if layer == "silver":
        plan = _plan_silver(config, name, glue, s3, context)
    else:
        dataset = config.gold_dataset(name)
        # silver as this run will publish it: gold is staged beside silver's audits, from
        # silver's staged rows (a silver table with no changes was skipped and planned nothing);
        # gold built from other gold, from that gold's staged rows: dated gold's beside its
        # audit, a settled history's fold once its audit passed (else the history as published,
        # which no publish replaces meanwhile: a fold that did not pass is not published)
        ti = context["ti"]
        reads = config.datasets("silver") + [
            ("gold", other)
            for other in dataset.built_from
            if config.gold_dataset(other).settles_after_days is None
            or ti.xcom_pull(task_ids=names.wap_task_id("gold", other, "audit"))  # its passed verdict
        ]
        staged = {}
        for read in reads:
            planned = ti.xcom_pull(task_ids=names.wap_task_id(*read, "stage"), key=names.PLAN_KEY)
            if planned:
                staged[read] = StagePlan.from_xcom(planned)
        silver_partitions = {
            table: staged[("silver", table)].partitions
            for table in config.affecting(dataset)
            if ("silver", table) in staged
        }
        # gold's dates come from silver, not from bronze: this run's plans, and what silver
        # changed since this dataset last took effect (a failed gold run, a silver rollback)
        rebuild_all, owed = bool(params.get("full_refresh")), set()
        if dataset.partition_column and not rebuild_all:
            owed = owed_dates(
                s3,
                config.lake.bucket,
                glue,
                gold_database=config.lake.databases.gold,
                dataset=name,
                silver_tables=config.affecting(dataset),
            )
            if owed is None:
                log.warning("gold.%s has no applied publish record: rebuilding every date", name)
                rebuild_all, owed = True, set()
        plan = plan_gold(
            config,
            dataset,
            run_id=context["run_id"],
            athena=_athena(),
            glue=glue,
            full_refresh=rebuild_all,
            silver_partitions=silver_partitions,
            owed=owed,
            day=date.fromisoformat(business_day(context)),
            staged=staged,
        )
    if not plan.has_work and plan.records_without_business_date:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(
            f"{plan.dataset}: {plan.records_without_business_date} change records in the batches of"
            f" {_batch_days(plan)} have no business date and cannot be placed in a partition"
        )
    if not plan.has_work:
        raise AirflowSkipException(f"{plan.dataset}: no changes in {_batch_days(plan) or 'this run'}")
    return plan


def _batch_days(plan: Any) -> str:
    days = sorted({batch["ingest_date"] for batch in plan.batches})
    return ("bronze batches of " + ", ".join(days)) if days else ""


def _plan_silver(config: Any, name: str, glue: Any, s3: Any, context: dict[str, Any]) -> Any:
    """Plan silver.<name> from the batches not merged yet; with no rows to merge, advance the watermark.

    Why advance it here: a batch of zero rows (a quiet day) is merged by doing
    nothing, and no publish will run to record it.
    """
    from lakehouse.batches import (
        Batch,
        advanced,
        list_batches,
        read_watermark,
        select_batches,
        write_watermark,
    )
    from lakehouse.wap.plan import check_silver_present, plan_silver

    bucket = config.lake.bucket
    watermark = read_watermark(s3, bucket, name)
    selection = select_batches(list_batches(s3, bucket, name, since=watermark.merged_through), watermark)
    if not selection.rebuild:
        check_silver_present(glue, config.lake.databases.silver, name, watermark)
    plan = plan_silver(
        config, config.table(name), selection, run_id=context["run_id"], athena=_athena(), glue=glue
    )
    if not plan.has_work and not plan.records_without_business_date and selection.batches:
        merged = [Batch(**batch) for batch in plan.batches]
        write_watermark(s3, bucket, advanced(watermark, merged, context["run_id"]))
    return plan


def publish_dataset(layer: str, name: str, **context: Any) -> dict[str, Any]:
    """Repoint the catalog at the audited staging; skip when this run staged nothing for the dataset.

    The plan is pulled here rather than passed in: a silver publish also waits on
    the other silver audits and can run when its own dataset had no changes.
    A silver publish then advances the table's watermark past the batches it
    merged (after the catalog points at them, so a failure in between merges
    them again, which converges). The temp table stays: what is staged from
    this dataset in the same run (gold from silver) may still be reading it, and
    the run's `drop_staged` teardown drops it. A retry finds the partitions
    already live, repoints nothing, and advances the watermark to where it already is.
    """
    from airflow.sdk.exceptions import AirflowSkipException

    from lakehouse.batches import Batch, advanced, read_watermark, write_watermark
    from lakehouse.wap.plan import StagePlan
    from lakehouse.wap.publish import publish

    plan = context["ti"].xcom_pull(task_ids=names.wap_task_id(layer, name, "stage"), key=names.PLAN_KEY)
    if not plan:
        raise AirflowSkipException(f"{layer}.{name}: nothing staged in this run")
    config = pipeline_config()
    glue, s3 = _clients(config.lake.aws_conn_id)
    staged = StagePlan.from_xcom(plan)
    published = publish(
        glue,
        s3,
        staged,
        config.lake.bucket,
        run_id=context["run_id"],
        dag_id=context["dag"].dag_id,
        day=names.business_day(context),
    )
    if staged.batches:
        bucket = config.lake.bucket
        merged = [Batch(**batch) for batch in staged.batches]
        write_watermark(s3, bucket, advanced(read_watermark(s3, bucket, name), merged, context["run_id"]))
    return published


def drop_staged(**context: Any) -> list[str]:
    """Teardown: drop the temp tables of the datasets this run published; return their names.

    A staged table is read until the run's last stage and audit (relations.py), so
    no publish drops its own. One that did not publish (its audit failed, a stage
    failed after it) is kept for a look at what was refused; the maintenance DAG
    drops it with its files once it is older than a run can be. Its files stay:
    published partitions point at them.
    """
    from lakehouse.wap.rollback import drop_stage

    config = pipeline_config()
    ti = context["ti"]
    glue = _client(config.lake.aws_conn_id, "glue")
    dropped = []
    for layer, name in config.datasets():
        if not ti.xcom_pull(task_ids=names.wap_task_id(layer, name, "publish")):
            continue
        plan = ti.xcom_pull(task_ids=names.wap_task_id(layer, name, "stage"), key=names.PLAN_KEY)
        if plan:
            drop_stage(glue, plan["staging_database"], plan["temp_table"])
            dropped.append(f"{plan['staging_database']}.{plan['temp_table']}")
    log.info("dropped %d staged tables of published datasets: %s", len(dropped), ", ".join(dropped))
    return dropped


def failure_cause(context: dict[str, Any]) -> str:
    """The cause of a task's failure in one line: the exception's type and the first line of its message.

    Airflow hands the callback no exception when the task process never
    reported one (killed, out of memory, heartbeat lost); then the log is the
    only witness, so the line says so and points at it.
    """
    error = context.get("exception")
    if error is None:
        ti = context["ti"]
        return (
            "the task ended without raising an exception (killed, out of memory or its heartbeat"
            f" lost); see its log: {getattr(ti, 'log_url', ti.task_id)}"
        )
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else f"{type(error).__name__} (no message)"


def report_failure(context: dict[str, Any]) -> None:
    """on_failure_callback: say which table or dataset failed, for which day, and why."""
    import logging

    ti = context["ti"]
    dataset = names.dataset_of_task(ti.task_id)
    if ti.task_id in ("acquire_lake", "release_lake"):
        dataset = "the lake's lease"
    elif dataset is None and ti.task_id == "export":
        dataset = f"bronze.{getattr(ti, 'rendered_map_index', None) or ti.map_index}"
    elif dataset is None:
        dataset = "bronze (all tables)"
    day, cause = business_day(context), failure_cause(context)
    logging.getLogger("lakehouse").error(
        "%s failed: %s (task %s) for %s: %s", ti.dag_id, dataset, ti.task_id, day, cause
    )
    from lakehouse import alerts
    from lakehouse.metrics_names import PIPELINE_TOPIC

    title, body = alerts.failure_message(
        dag_id=ti.dag_id,
        run_id=ti.run_id,
        task_id=ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]",
        dataset=dataset,
        day=day,
        cause=cause,
        log_url=getattr(ti, "log_url", ""),
    )
    alerts.notify(pipeline_config().lake.aws_conn_id, PIPELINE_TOPIC, title, body)
