"""The daily run's report to its operators: its figures to CloudWatch, its outcome to SNS.

`report_run` is a teardown (ahead of `release_lake`), so it runs whatever happened and its own
outcome never decides the run's. A failed task has already sent its own message (the failure
callback); this one counts the run (RunsFailed or RunsPublished) and, when the run published,
sends the one-line summary.
"""

from __future__ import annotations

from typing import Any

from lakehouse import alerts, names, stages

FAILED_STATES = {"failed", "upstream_failed"}
TEARDOWNS = ("report_run", "release_lake")
EXECUTIONS_PER_CALL = 50  # BatchGetQueryExecution's most


def run_figures(
    *,
    states: dict[str, str],
    selected: list[dict[str, Any]],
    exports: list[dict[str, Any] | None],
    published: list[dict[str, Any] | None],
    audits: list[dict[str, Any] | None],
) -> dict[str, Any]:
    """What a run did, from its task states and the XComs of its exports, publishes and audits."""
    failed = sorted(t for t, s in states.items() if s in FAILED_STATES and not t.startswith(TEARDOWNS))
    rows = {}
    exported_bytes = {}
    for args, summary in zip(selected, exports, strict=False):
        if summary:
            rows[args["table"]] = int(summary.get("rows", 0))
            exported_bytes[args["table"]] = int(summary.get("bytes", 0))
    partitions = 0
    for result in published:
        if result:
            value = result.get("published_partitions") or []
            partitions += value if isinstance(value, int) else len(value)
    verdicts = [v for v in audits if v]
    return {
        "failed_tasks": failed,
        "published": not failed and any(published),
        "rows": rows,
        "bytes": exported_bytes,
        "partitions": partitions,
        "audit_warnings": sum(len(v["warnings"]) for v in verdicts),
    }


def metric_data(
    figures: dict[str, Any], day: str, stage_bytes: dict[str, int], stage_seconds: dict[str, float]
) -> list[dict[str, Any]]:
    from lakehouse.metrics_names import (
        ATHENA_BYTES_SCANNED,
        BYTES_EXPORTED,
        DATA_FRESHNESS,
        ROWS_EXPORTED,
        RUNS_FAILED,
        RUNS_PUBLISHED,
        STAGE_SECONDS,
    )

    data = [alerts.datum(ROWS_EXPORTED, n, Table=t) for t, n in figures["rows"].items()]
    data += [alerts.datum(BYTES_EXPORTED, n, Table=t) for t, n in figures["bytes"].items()]
    data += [alerts.datum(ATHENA_BYTES_SCANNED, n, Stage=s) for s, n in stage_bytes.items()]
    data += [alerts.datum(STAGE_SECONDS, n, Stage=s) for s, n in stage_seconds.items()]
    data.append(alerts.datum(RUNS_FAILED, 1 if figures["failed_tasks"] else 0))
    data.append(alerts.datum(RUNS_PUBLISHED, 1 if figures["published"] else 0))
    if figures["published"]:
        data.append(alerts.datum(DATA_FRESHNESS, alerts.freshness_seconds(day)))
    return data


def _pull_all(ti: Any, task_ids: list[str]) -> list[Any]:
    pulled = []
    for task_id in task_ids:
        value = ti.xcom_pull(task_ids=task_id)
        if isinstance(value, list | tuple) and task_id == "export":
            pulled += list(value)
        else:
            pulled.append(value)
    return pulled


def _stage_bytes(aws_conn_id: str, ti: Any, layers: dict[str, list[str]]) -> dict[str, int]:
    """Bytes Athena scanned for each layer's staging statements (the CTAS and INSERTs' query ids),
    read a batch of executions a call: the report is on the run's way to releasing the lake."""
    athena = alerts._hook(aws_conn_id, "athena").get_conn()
    ids = {
        layer: [
            query_id
            for name in datasets
            # a stage task returns its statements' query execution ids
            for query_id in ti.xcom_pull(task_ids=names.wap_task_id(layer, name, "stage")) or []
            if query_id
        ]
        for layer, datasets in layers.items()
    }
    every = sorted({query_id for found in ids.values() for query_id in found})
    scanned: dict[str, int] = {}
    for start in range(0, len(every), EXECUTIONS_PER_CALL):
        batch = every[start : start + EXECUTIONS_PER_CALL]
        response = athena.batch_get_query_execution(QueryExecutionIds=batch)
        for execution in response["QueryExecutions"]:
            statistics = execution.get("Statistics") or {}
            scanned[execution["QueryExecutionId"]] = int(statistics.get("DataScannedInBytes", 0))
        if response.get("UnprocessedQueryExecutionIds"):
            missing = [item["QueryExecutionId"] for item in response["UnprocessedQueryExecutionIds"]]
            raise LookupError(f"Athena did not return the executions {', '.join(missing)}")
    return {layer: sum(scanned[query_id] for query_id in found) for layer, found in ids.items()}


def report_run(**context: Any) -> dict[str, Any]:
    """Teardown: count the run, put its figures and, when it published, send its summary.

    Whatever goes wrong here is logged: the report must not make a run look failed.
    """
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    from lakehouse.config import pipeline_config
    from lakehouse.metrics_names import PIPELINE_TOPIC

    config = pipeline_config()
    conn = config.lake.aws_conn_id
    ti = context["ti"]
    day = names.business_day(context)
    layers = {layer: [name for _, name in config.datasets(layer)] for layer in names.LAYERS}
    try:
        by_run = RuntimeTaskInstance.get_task_states(dag_id=ti.dag_id, run_ids=[ti.run_id])
        states = {task: str(state) for task, state in by_run.get(ti.run_id, {}).items()}
        wap = config.datasets()
        figures = run_figures(
            states=states,
            selected=ti.xcom_pull(task_ids="select_tables") or [],
            exports=_pull_all(ti, ["export"]),
            published=[ti.xcom_pull(task_ids=names.wap_task_id(lay, n, "publish")) for lay, n in wap],
            audits=[ti.xcom_pull(task_ids=names.wap_task_id(lay, n, "audit")) for lay, n in wap],
        )
    except Exception:
        alerts.log.warning("could not gather the run's figures", exc_info=True)
        return {}
    try:
        stage_bytes = _stage_bytes(conn, ti, layers)
    except Exception:
        alerts.log.warning("could not read what Athena scanned", exc_info=True)
        stage_bytes = {}
    try:
        seconds = stages.stage_seconds(stages.pull_clocks(ti, context["dag"].task_ids))
    except Exception:
        alerts.log.warning("could not read the stages' clocks", exc_info=True)
        seconds = {}
    alerts.put_metrics(conn, metric_data(figures, day, stage_bytes, seconds))
    if figures["published"]:
        title, line = alerts.published_summary(
            dag_id=ti.dag_id,
            run_id=ti.run_id,
            day=day,
            rows_exported=sum(figures["rows"].values()),
            partitions=figures["partitions"],
            audit_warnings=figures["audit_warnings"],
        )
        alerts.notify(conn, PIPELINE_TOPIC, title, line)
    return {**figures, "athena_bytes_scanned": stage_bytes, "stage_seconds": seconds}
