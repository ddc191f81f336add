"""The freshness check against the local endpoint: published gold is silent, a missing dataset is named.

The gold datasets are published by the real publish step (lakehouse.wap.publish, from staging
tables made in Glue), so the check reads the records and the catalog as a run leaves them; the
message goes out as the MWAA execution role, to the pipeline topic Terraform creates, and is read
back from a queue subscribed to it.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import UTC, datetime

import pytest
from aws_helpers import Lake, client

from lakehouse import freshness
from lakehouse.metrics_names import PIPELINE_TOPIC, topic_arn
from lakehouse.wap.plan import StagePlan
from lakehouse.wap.publish import publish
from local.airflow_home import aws_connection
from local.aws.iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION

DAY = "2026-11-20"
NOW = datetime(2026, 11, 21, 6, tzinfo=UTC)
ROLE_CONN = "freshness_role"
COLUMNS = [{"Name": "amount", "Type": "bigint"}]


@pytest.fixture(scope="module")
def endpoint(endpoint_url: str) -> str:
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)  # the execution role and the topics, as Terraform creates them
    return endpoint_url


@pytest.fixture
def role_conn(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The execution role's connection: what sends on MWAA sends here."""
    monkeypatch.setenv(f"AIRFLOW_CONN_{ROLE_CONN.upper()}", json.dumps(aws_connection(endpoint)))
    return ROLE_CONN


@pytest.fixture
def queue(endpoint: str) -> str:
    sqs, sns = client("sqs", endpoint), client("sns", endpoint)
    queue_url = sqs.create_queue(QueueName=f"late-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = topic_arn("airflow-lakehouse-local", PIPELINE_TOPIC, LOCAL_REGION, LOCAL_ACCOUNT_ID)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return queue_url


def received(endpoint: str, queue_url: str) -> list[str]:
    found = client("sqs", endpoint).receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
    )
    return [m["Body"] for m in found.get("Messages", [])]


def _publish(lake: Lake, name: str, day: str, *, partition_column: str | None) -> None:
    """Publish a gold dataset for `day` through the publish step, from a staging table made in Glue."""
    staging = f"{lake.database}_staging"
    with contextlib.suppress(lake.glue.exceptions.AlreadyExistsException):
        lake.glue.create_database(DatabaseInput={"Name": staging})
    run = f"run_{day.replace('-', '_')}"
    temp = f"{name}_{run}"
    location = f"s3://{lake.bucket}/gold/{name}/_runs/{run}/"
    descriptor = {
        "Columns": COLUMNS,
        "Location": location,
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    }
    keys = [{"Name": partition_column, "Type": "string"}] if partition_column else []
    lake.glue.create_table(
        DatabaseName=staging,
        TableInput={"Name": temp, "StorageDescriptor": descriptor, "PartitionKeys": keys},
    )
    if partition_column:
        lake.glue.create_partition(
            DatabaseName=staging,
            TableName=temp,
            PartitionInput={
                "Values": [day],
                "StorageDescriptor": {**descriptor, "Location": f"{location}{partition_column}={day}/"},
            },
        )
    plan = StagePlan(
        layer="gold",
        name=name,
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/gold/{name}/",
        staging_database=staging,
        temp_table=temp,
        location=location,
        partition_column=partition_column,
        key_columns=["amount"],
        partitions=[day] if partition_column else [],
    )
    publish(lake.glue, lake.s3, plan, lake.bucket, run_id=run, dag_id="lakehouse_daily", day=day)


def _check(lake: Lake, conn: str) -> dict:
    return freshness.check_gold(
        lake.glue,
        lake.s3,
        aws_conn_id=conn,
        bucket=lake.bucket,
        database=lake.database,
        datasets=["daily_revenue", "customer_ltv"],
        day=DAY,
        publish_by="06:00",
        dag_id="lakehouse_freshness",
        now=NOW,
    )


def test_a_day_whose_gold_was_published_sends_nothing(lake: Lake, role_conn: str, queue: str) -> None:
    _publish(lake, "daily_revenue", DAY, partition_column="order_date")
    _publish(lake, "customer_ltv", DAY, partition_column=None)

    result = _check(lake, role_conn)

    assert result["missing"] == [] and not result["notified"] and result["metric_put"]
    assert result["freshness_seconds"] == 6 * 3600, "six hours past the end of the business day"
    assert received(lake.url, queue) == []


def test_a_day_missing_a_gold_dataset_sends_one_message_naming_it(
    lake: Lake, role_conn: str, queue: str
) -> None:
    _publish(lake, "daily_revenue", DAY, partition_column="order_date")
    _publish(lake, "customer_ltv", "2026-11-19", partition_column=None)  # the day before only

    result = _check(lake, role_conn)

    assert result["missing"] == ["customer_ltv"] and result["notified"] and result["metric_put"]
    assert result["freshness_seconds"] == 30 * 3600, "the stalest dataset's age"
    [message] = received(lake.url, queue)
    assert "lakehouse_freshness" in message and DAY in message and "06:00 UTC" in message
    assert "missing: customer_ltv" in message and "daily_revenue" not in message


def test_a_publish_that_died_before_repointing_the_catalog_does_not_count(lake: Lake) -> None:
    """The record is written first; a partition it lists but the catalog does not serve is not published."""
    _publish(lake, "daily_revenue", DAY, partition_column="order_date")
    lake.glue.delete_partition(DatabaseName=lake.database, TableName="daily_revenue", PartitionValues=[DAY])

    status = freshness.gold_status(lake.glue, lake.s3, lake.bucket, lake.database, ["daily_revenue"])

    assert status == {"daily_revenue": set()}


def test_the_day_due_is_the_utc_day_before_the_check() -> None:
    assert freshness.due_day(NOW) == DAY


def test_every_gold_dataset_is_checked_but_the_history_that_publishes_when_its_edge_moves() -> None:
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    checked = freshness.checked_datasets(config)
    assert "customer_history" not in checked
    assert set(checked) == {d.name for d in config.gold} - {"customer_history"}
