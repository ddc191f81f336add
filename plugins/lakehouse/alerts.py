"""What the daily DAG tells its operators: SNS notifications and CloudWatch metrics.

The messages are built by pure functions (tested on their own); sending goes through the Amazon
provider (its SnsNotifier, and a CloudWatch client from AwsBaseHook) on the lake's connection, so
it is the execution role that publishes on MWAA and on the local endpoint alike. Sending never
fails a data run: a lost alert is logged, a lost day of data would be worse.

Topic ARNs are derived from the environment's name, the connection's region and its account,
never written down: the name comes from the Airflow option ``[lakehouse] environment`` (MWAA's
``airflow_configuration_options``, set by terraform/; the local stack's default otherwise).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse.metrics_names import NAMESPACE, Metric

log = logging.getLogger("lakehouse")

ENVIRONMENT_OPTION = "AIRFLOW__LAKEHOUSE__ENVIRONMENT"
LOCAL_ENVIRONMENT = "airflow-lakehouse-local"
SUBJECT_LIMIT = 100  # SNS refuses a longer subject


def environment_name() -> str:
    return os.environ.get(ENVIRONMENT_OPTION) or LOCAL_ENVIRONMENT


def _hook(aws_conn_id: str, service: str) -> Any:
    from lakehouse.hooks.aws import LakeAwsHook

    return LakeAwsHook(aws_conn_id=aws_conn_id, client_type=service)


def topic(aws_conn_id: str, kind: str) -> str:
    """The ARN of the environment's topic of `kind`, in the connection's region and account."""
    from lakehouse.metrics_names import topic_arn

    hook = _hook(aws_conn_id, "sns")
    return topic_arn(environment_name(), kind, hook.region_name or "us-east-1", hook.account_id)


def subject(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUBJECT_LIMIT else flat[: SUBJECT_LIMIT - 3] + "..."


def notify(aws_conn_id: str, kind: str, title: str, message: str) -> bool:
    """Publish through the provider's SnsNotifier; False (logged) when it could not be sent.

    `notify` is called directly rather than the notifier itself, which would render the message
    as a Jinja template: a finding's sample value may hold braces.
    """
    try:
        from airflow.providers.amazon.aws.notifications.sns import SnsNotifier

        notifier = SnsNotifier(
            aws_conn_id=aws_conn_id,
            target_arn=topic(aws_conn_id, kind),
            subject=subject(title),
            message=message,
        )
        notifier.notify({})
        return True
    except Exception:
        log.warning("could not send the %s notification %r", kind, title, exc_info=True)
        return False


def datum(metric: Metric, value: float, **dimensions: str) -> dict[str, Any]:
    return {
        "MetricName": metric.name,
        "Dimensions": metric.dimensions_for(Environment=environment_name(), **dimensions),
        "Value": float(value),
        "Unit": metric.unit,
        "Timestamp": datetime.now(UTC),
    }


def put_metrics(aws_conn_id: str, data: Iterable[dict[str, Any]]) -> bool:
    """PutMetricData in the role's namespace, in batches CloudWatch accepts; False (logged) on failure."""
    data = list(data)
    try:
        client = _hook(aws_conn_id, "cloudwatch").get_conn()
        for start in range(0, len(data), 500):
            client.put_metric_data(Namespace=NAMESPACE, MetricData=data[start : start + 500])
        return True
    except Exception:
        log.warning("could not put %d metrics", len(data), exc_info=True)
        return False


def failure_message(
    *, dag_id: str, run_id: str, task_id: str, dataset: str, day: str, cause: str, log_url: str
) -> tuple[str, str]:
    """(subject, body) of a task that failed after its retries."""
    body = "\n".join(
        [
            f"{dag_id}: task {task_id} failed (after its retries)",
            f"run: {run_id}",
            f"dataset: {dataset}",
            f"business day: {day}",
            f"cause: {cause}",
            f"log: {log_url}",
        ]
    )
    return f"FAILED {dag_id} {task_id} for {day}", body


def audit_message(
    verdict: dict[str, Any], *, dag_id: str, run_id: str, task_id: str, log_url: str
) -> tuple[str, str]:
    """(subject, body) of an audit with findings: each failed expectation with its count."""
    state = "FAILED" if verdict["critical"] else "WARNINGS"
    lines = [
        f"{dag_id}: audit of {verdict['dataset']} for {verdict['day']}:"
        f" {len(verdict['critical'])} critical, {len(verdict['warnings'])} warnings"
        + (" (nothing published)" if verdict["critical"] else " (published anyway)"),
        f"run: {run_id}",
        f"task: {task_id}",
        f"dataset: {verdict['dataset']}",
        f"business day: {verdict['day']}",
        f"staged rows: {verdict['rows']}",
    ]
    for severity in ("critical", "warnings"):
        for finding in verdict[severity]:
            count = finding.get("unexpected")
            counted = f" ({count} rows)" if count is not None else ""
            sample = f"; e.g. {', '.join(finding['sample'])}" if finding.get("sample") else ""
            lines.append(
                f"- [{finding['severity']}] {finding['check']}: {finding['detail']}{counted}{sample}"
            )
    if verdict.get("report"):
        lines.append(f"report: {verdict['report']}")
    lines.append(f"log: {log_url}")
    return f"AUDIT {state} {verdict['dataset']} for {verdict['day']}", "\n".join(lines)


def published_summary(
    *, dag_id: str, run_id: str, day: str, rows_exported: int, partitions: int, audit_warnings: int
) -> tuple[str, str]:
    """(subject, body) of a run that published: one line."""
    line = (
        f"{dag_id} {run_id} published {day}: {rows_exported} rows exported,"
        f" {partitions} partitions published, {audit_warnings} audit warnings"
    )
    return f"PUBLISHED {dag_id} for {day}", line


def freshness_seconds(day: str, now: datetime | None = None) -> float:
    """How old the newest published gold is: now minus the end of its business day."""
    end = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1)
    return max(0.0, ((now or datetime.now(UTC)) - end).total_seconds())
