"""The notifications' content and the metric data, without AWS; the scenario proves they are sent."""

from __future__ import annotations

from datetime import UTC, datetime

from lakehouse import alerts
from lakehouse.run_report import metric_data, run_figures

RUN = "scheduled__2026-11-20T02:00:00+00:00"
LOG = "http://localhost:8080/dags/lakehouse_daily/runs/x/tasks/silver_orders.audit"


def test_a_failure_message_names_the_dag_run_task_dataset_day_cause_and_log() -> None:
    title, body = alerts.failure_message(
        dag_id="lakehouse_daily",
        run_id=RUN,
        task_id="silver_orders.publish",
        dataset="silver.orders",
        day="2026-11-20",
        cause="KeyError: 'StateChangeReason'",
        log_url=LOG,
    )
    assert title == "FAILED lakehouse_daily silver_orders.publish for 2026-11-20"
    assert body.splitlines() == [
        "lakehouse_daily: task silver_orders.publish failed (after its retries)",
        f"run: {RUN}",
        "dataset: silver.orders",
        "business day: 2026-11-20",
        "cause: KeyError: 'StateChangeReason'",
        f"log: {LOG}",
    ]


VERDICT = {
    "dataset": "silver.orders",
    "day": "2026-11-20",
    "rows": 120,
    "critical": [
        {
            "check": "expect_column_values_to_be_in_set(status)",
            "severity": "critical",
            "detail": "1 of 120 values unexpected",
            "unexpected": 1,
            "sample": ["'teleported'"],
        }
    ],
    "warnings": [
        {"check": "volume", "severity": "warning", "detail": "rows moved 80 %", "sample": []},
    ],
    "report": "s3://lake/reports/x/result.json",
}


def test_an_audit_message_lists_each_failed_expectation_with_its_count() -> None:
    title, body = alerts.audit_message(
        VERDICT, dag_id="lakehouse_daily", run_id=RUN, task_id="silver_orders.audit", log_url=LOG
    )
    assert title == "AUDIT FAILED silver.orders for 2026-11-20"
    lines = body.splitlines()
    assert lines[0] == (
        "lakehouse_daily: audit of silver.orders for 2026-11-20: 1 critical, 1 warnings (nothing published)"
    )
    assert f"run: {RUN}" in lines and "task: silver_orders.audit" in lines
    assert "dataset: silver.orders" in lines and "business day: 2026-11-20" in lines
    assert (
        "- [critical] expect_column_values_to_be_in_set(status): 1 of 120 values unexpected (1 rows);"
        " e.g. 'teleported'"
    ) in lines
    assert "- [warning] volume: rows moved 80 %" in lines
    assert lines[-1] == f"log: {LOG}"


def test_a_warning_only_audit_says_it_published_anyway() -> None:
    title, body = alerts.audit_message(
        {**VERDICT, "critical": []}, dag_id="d", run_id=RUN, task_id="t", log_url=LOG
    )
    assert title.startswith("AUDIT WARNINGS ") and "0 critical, 1 warnings (published anyway)" in body


def test_a_subject_is_one_line_sns_accepts() -> None:
    assert alerts.subject("a\nb  c") == "a b c"
    assert len(alerts.subject("x" * 300)) == alerts.SUBJECT_LIMIT


def test_the_published_summary_is_one_line() -> None:
    _, line = alerts.published_summary(
        dag_id="lakehouse_daily",
        run_id=RUN,
        day="2026-11-20",
        rows_exported=10,
        partitions=3,
        audit_warnings=1,
    )
    assert line == (
        f"lakehouse_daily {RUN} published 2026-11-20: 10 rows exported, 3 partitions published,"
        " 1 audit warnings"
    )


def figures(states: dict[str, str], published: list) -> dict:
    return run_figures(
        states=states,
        selected=[{"table": "orders"}, {"table": "customers"}],
        exports=[{"rows": 7, "bytes": 700}, {"rows": 2, "bytes": 200}],
        published=published,
        audits=[{"warnings": [{}]}, None, {"warnings": []}],
    )


def test_a_run_that_published_is_counted_with_its_rows_bytes_and_freshness(monkeypatch) -> None:
    monkeypatch.setenv(alerts.ENVIRONMENT_OPTION, "airflow-lakehouse-dev")
    done = figures({"export_0": "success", "release_lake": "running"}, [{"published_partitions": ["a", "b"]}])
    assert done["published"] and done["partitions"] == 2 and done["audit_warnings"] == 1
    data = {
        (d["MetricName"], tuple(x["Value"] for x in d["Dimensions"])): d["Value"]
        for d in metric_data(done, "2026-11-20", {"silver": 1024}, {"export": 2.5})
    }
    env = "airflow-lakehouse-dev"
    assert data[("RowsExported", (env, "orders"))] == 7
    assert data[("BytesExported", (env, "customers"))] == 200
    assert data[("AthenaBytesScanned", (env, "silver"))] == 1024
    assert data[("StageSeconds", (env, "export"))] == 2.5
    assert data[("RunsPublished", (env,))] == 1 and data[("RunsFailed", (env,))] == 0
    assert data[("DataFreshnessSeconds", (env,))] > 0


def test_a_run_with_a_failed_task_is_counted_failed_and_not_published() -> None:
    failed = figures({"silver_orders.audit": "failed", "gold_x.plan": "upstream_failed"}, [None])
    assert failed["failed_tasks"] == ["gold_x.plan", "silver_orders.audit"] and not failed["published"]
    data = {d["MetricName"]: d["Value"] for d in metric_data(failed, "2026-11-20", {}, {})}
    assert data["RunsFailed"] == 1 and data["RunsPublished"] == 0 and "DataFreshnessSeconds" not in data


def test_freshness_counts_from_the_end_of_the_business_day() -> None:
    now = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
    assert alerts.freshness_seconds("2026-11-20", now) == 6 * 3600


def test_sending_never_raises_it_logs(caplog, monkeypatch) -> None:
    def unreachable(aws_conn_id: str, service: str) -> None:
        raise ConnectionError(f"{service} unreachable")

    monkeypatch.setattr(alerts, "_hook", unreachable)
    monkeypatch.setattr(alerts.log, "handlers", [*alerts.log.handlers, caplog.handler])
    assert alerts.notify("no_such_connection", "pipeline", "t", "b") is False
    assert alerts.put_metrics("no_such_connection", [{"MetricName": "x", "Value": 1.0}]) is False
    assert "could not send the pipeline notification" in caplog.text
