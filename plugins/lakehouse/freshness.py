"""Whether a day's gold was published in time: what lakehouse_freshness checks, and what it says.

"Published for the day" is read from the publish records (lakehouse.wap.records), not from the
Glue partitions. A whole-table gold dataset has no partition to look for, and a date-partitioned
one can hold a partition for a day without any run having published that day: a later order
date's partition, or one a backfill rebuilt, says nothing about which run put it there. Every
publish of lakehouse_daily writes a record naming its run's business day, whatever the dataset's
layout, so "a publish record for the day" means the same for both.

A record is written before the catalog is repointed, so that a publish retried after dying
half-way never loses what it replaced. A record alone therefore only says a publish started;
the day counts as published once each location the record made live is still live in the
catalog, or was changed since by a later record (a later publish or a deliberate rollback).

A gold dataset lakehouse_daily skipped for the day (no changed dates, so nothing staged) has no
record and is reported missing: the source activity check already treats a fact table that did
not change during a day as a fault, and a quiet day is worth a look rather than silence.

Sending never raises (lakehouse.alerts): the check's own outcome is in its return value and log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse import alerts
from lakehouse.wap.records import PUBLISH, TABLE, Record, read_history

GOLD = "gold"


def _live_locations(glue: Any, database: str, name: str) -> dict[str, str]:
    """{partition value (TABLE for the table itself): location} of the live dataset; empty if none."""
    try:
        table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        return {}
    live = {TABLE: table["StorageDescriptor"]["Location"]}
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=name)
    for page in pages:
        for partition in page["Partitions"]:
            live[partition["Values"][0]] = partition["StorageDescriptor"]["Location"]
    return live


def published_days(history: list[Record], live: dict[str, str]) -> set[str]:
    """The business days whose publish took effect: each location it made live still is, or a later
    change to the dataset touched it since."""
    days = set()
    for index, record in enumerate(history):
        if record.kind != PUBLISH or not record.day:
            continue
        later = set().union(*(r.touched for r in history[index + 1 :]))
        if all(live.get(part) == location or part in later for part, location in record.published.items()):
            days.add(record.day)
    return days


def gold_status(glue: Any, s3: Any, bucket: str, database: str, datasets: list[str]) -> dict[str, set[str]]:
    """{gold dataset: the business days it was published for}."""
    return {
        name: published_days(read_history(s3, bucket, GOLD, name), _live_locations(glue, database, name))
        for name in datasets
    }


def due_day(moment: datetime) -> str:
    """The business day that should be published by `moment`: the UTC day before it, as lakehouse_daily
    processes the day before the one it runs on."""
    return (moment.astimezone(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")


def lateness_message(*, dag_id: str, day: str, missing: list[str], publish_by: str) -> tuple[str, str]:
    """(subject, body) of a day whose gold was not published by the deadline."""
    body = "\n".join(
        [
            f"{dag_id}: gold for {day} not published by {publish_by} UTC",
            f"business day: {day}",
            f"missing: {', '.join(missing)}",
            f"deadline: {publish_by} UTC, the day after (pipeline.yaml schedule.publish_by)",
        ]
    )
    return f"LATE gold for {day}: {', '.join(missing)}", body


def check_gold(
    glue: Any,
    s3: Any,
    *,
    aws_conn_id: str,
    bucket: str,
    database: str,
    datasets: list[str],
    day: str,
    publish_by: str,
    dag_id: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Notify the pipeline topic when a gold dataset lacks its publish for `day`; put freshness.

    DataFreshnessSeconds is the stalest dataset's age, as lakehouse_daily's report computes it for
    a run that published; put here too, so the alarm on it rises when no run publishes at all.
    A dataset never published counts from the checked day.
    """
    from lakehouse.metrics_names import DATA_FRESHNESS, PIPELINE_TOPIC

    status = gold_status(glue, s3, bucket, database, datasets)
    missing = sorted(name for name, days in status.items() if day not in days)
    newest = [max(days) if days else day for days in status.values()]
    freshness = max((alerts.freshness_seconds(d, now) for d in newest), default=0.0)
    measured = alerts.put_metrics(aws_conn_id, [alerts.datum(DATA_FRESHNESS, freshness)])
    sent = False
    if missing:
        title, body = lateness_message(dag_id=dag_id, day=day, missing=missing, publish_by=publish_by)
        alerts.log.warning("%s", body)
        sent = alerts.notify(aws_conn_id, PIPELINE_TOPIC, title, body)
    return {
        "day": day,
        "missing": missing,
        "freshness_seconds": freshness,
        "metric_put": measured,
        "notified": sent,
    }


def checked_datasets(config: Any) -> list[str]:
    """The gold datasets a run publishes every day: not a settled history (settles_after_days),
    which publishes only when its edge moves a month on, and is skipped on the other days."""
    return [dataset.name for dataset in config.gold if dataset.settles_after_days is None]


def check_freshness(**context: Any) -> dict[str, Any]:
    """The DAG's task: check the day due by this run's time, on the lake's connection."""
    from lakehouse.config import pipeline_config
    from lakehouse.hooks.aws import LakeAwsHook

    config = pipeline_config()
    conn = config.lake.aws_conn_id
    moment = context.get("logical_date") or context.get("run_after") or datetime.now(UTC)
    return check_gold(
        LakeAwsHook(aws_conn_id=conn, client_type="glue").get_conn(),
        LakeAwsHook(aws_conn_id=conn, client_type="s3").get_conn(),
        aws_conn_id=conn,
        bucket=config.lake.bucket,
        database=config.lake.databases.gold,
        datasets=checked_datasets(config),
        day=due_day(moment),
        publish_by=config.schedule.publish_by,
        dag_id=context["dag"].dag_id,
    )
