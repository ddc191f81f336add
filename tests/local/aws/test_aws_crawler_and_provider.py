"""The Glue crawler really crawls, and the Amazon provider's operators work against the endpoint unchanged."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aws_helpers import Lake

CONN_ID = "local_aws_test"


def _crawler(lake: Lake, name: str, path: str, role: str | None = None, **extra: Any) -> str:
    lake.glue.create_crawler(
        Name=name,
        Role=role or lake.crawler_role(),
        DatabaseName=lake.database,
        Targets={"S3Targets": [{"Path": path}]},
        **extra,
    )
    return name


def _wait_ready(lake: Lake, name: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        crawler = lake.glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.05)
    raise TimeoutError(name)


def _seed_orders(lake: Lake) -> None:
    for day in ("2024-01-01", "2024-01-02"):
        lake.put_parquet(f"raw/orders/dt={day}/part-0.parquet", {"id": [1, 2], "amount": [1.5, 2.5]})


def test_crawl_creates_partitioned_table_from_parquet_footers(lake: Lake) -> None:
    _seed_orders(lake)
    name = _crawler(lake, f"c_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/")
    lake.glue.start_crawler(Name=name)
    assert lake.glue.get_crawler(Name=name)["Crawler"]["State"] in ("RUNNING", "STOPPING", "READY")
    crawler = _wait_ready(lake, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    table = lake.glue.get_table(DatabaseName=lake.database, Name="orders")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"),
        ("amount", "double"),
    ]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
    parts = lake.glue.get_partitions(DatabaseName=lake.database, TableName="orders")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["2024-01-01", "2024-01-02"]
    assert lake.ok("SELECT dt, sum(amount) FROM orders GROUP BY dt ORDER BY dt").rows == [
        ["2024-01-01", "4.0"],
        ["2024-01-02", "4.0"],
    ]


def test_crawl_makes_one_table_per_dataset_folder_and_applies_table_prefix(lake: Lake) -> None:
    lake.put_parquet("silver/customers/part-0.parquet", {"customer_id": [1]})
    lake.put_parquet("silver/products/part-0.parquet", {"sku": ["a"]})
    name = _crawler(lake, f"c2_{lake.bucket}", f"s3://{lake.bucket}/silver/", TablePrefix="s_")
    lake.glue.start_crawler(Name=name)
    _wait_ready(lake, name)
    tables = sorted(t["Name"] for t in lake.glue.get_tables(DatabaseName=lake.database)["TableList"])
    assert tables == ["s_customers", "s_products"]
    metrics = lake.glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    assert metrics["TablesCreated"] == 2


def test_recrawl_adds_new_columns_and_new_partitions(lake: Lake) -> None:
    _seed_orders(lake)
    name = _crawler(
        lake,
        f"c3_{lake.bucket}",
        f"s3://{lake.bucket}/raw/orders/",
        Configuration=json.dumps(
            {"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "MergeNewColumns"}}}
        ),
    )
    lake.glue.start_crawler(Name=name)
    _wait_ready(lake, name)
    lake.put_parquet(
        "raw/orders/dt=2024-01-03/part-0.parquet", {"id": [3], "amount": [1.0], "channel": ["web"]}
    )
    lake.glue.start_crawler(Name=name)
    _wait_ready(lake, name)
    assert (
        lake.glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]["TablesUpdated"] == 1
    )
    table = lake.glue.get_table(DatabaseName=lake.database, Name="orders")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "amount", "channel"]
    parts = lake.glue.get_partitions(DatabaseName=lake.database, TableName="orders")["Partitions"]
    assert len(parts) == 3
    assert lake.ok("SELECT count(channel), count(*) FROM orders").rows == [["1", "5"]]


def test_each_partition_keeps_the_schema_of_its_own_files_and_a_recrawl_updates_it(lake: Lake) -> None:
    _seed_orders(lake)
    # a column dropped at the source: the new day's files lack it, the table keeps it
    lake.put_parquet("raw/orders/dt=2024-01-03/part-0.parquet", {"id": [3]})
    name = _crawler(lake, f"c5_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/")
    lake.glue.start_crawler(Name=name)
    _wait_ready(lake, name)

    def partition_columns(day: str) -> list[str]:
        found = lake.glue.get_partition(DatabaseName=lake.database, TableName="orders", PartitionValues=[day])
        return [c["Name"] for c in found["Partition"]["StorageDescriptor"]["Columns"]]

    table = lake.glue.get_table(DatabaseName=lake.database, Name="orders")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "amount"]
    assert partition_columns("2024-01-02") == ["id", "amount"]
    assert partition_columns("2024-01-03") == ["id"]
    # the day is re-exported with the column back: the recrawl updates that partition
    lake.put_parquet("raw/orders/dt=2024-01-03/part-0.parquet", {"id": [3], "amount": [1.0]})
    lake.glue.start_crawler(Name=name)
    _wait_ready(lake, name)
    assert partition_columns("2024-01-03") == ["id", "amount"]


def test_unreadable_target_fails_the_crawl_with_a_message(lake: Lake) -> None:
    lake.s3.put_object(Bucket=lake.bucket, Key="bad/data.parquet", Body=b"not parquet at all")
    name = _crawler(lake, f"c4_{lake.bucket}", f"s3://{lake.bucket}/bad/")
    lake.glue.start_crawler(Name=name)
    crawler = _wait_ready(lake, name)
    assert crawler["LastCrawl"]["Status"] == "FAILED"
    assert "bad/data.parquet" in crawler["LastCrawl"]["ErrorMessage"]


def test_a_crawl_runs_as_its_role_and_fails_on_what_the_role_may_not_read(lake: Lake) -> None:
    lake.put_parquet("raw/orders/dt=2024-01-01/part-0.parquet", {"id": [1]})
    role = lake.crawler_role(read_s3=False)
    name = _crawler(lake, f"c6_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/", role=role)
    lake.glue.start_crawler(Name=name)
    crawler = _wait_ready(lake, name)
    assert crawler["LastCrawl"]["Status"] == "FAILED"
    session = role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/AWS-Crawler"
    assert crawler["LastCrawl"]["ErrorMessage"].startswith(
        f"User: {session} is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::{lake.bucket}"
    )
    assert lake.glue.get_tables(DatabaseName=lake.database)["TableList"] == []


def test_a_crawler_whose_role_does_not_exist_cannot_crawl(lake: Lake) -> None:
    lake.put_parquet("raw/orders/dt=2024-01-01/part-0.parquet", {"id": [1]})
    missing = "arn:aws:iam::123456789012:role/no-such-role"
    name = _crawler(lake, f"c7_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/", role=missing)
    lake.glue.start_crawler(Name=name)
    crawler = _wait_ready(lake, name)
    assert crawler["LastCrawl"]["Status"] == "FAILED"
    assert "unable to assume provided role" in crawler["LastCrawl"]["ErrorMessage"]


def test_update_crawler_changes_the_definition_and_refuses_while_running(lake: Lake) -> None:
    name = _crawler(lake, f"c5_{lake.bucket}", f"s3://{lake.bucket}/a/")
    lake.glue.update_crawler(
        Name=name, Targets={"S3Targets": [{"Path": f"s3://{lake.bucket}/b/"}]}, TablePrefix="x_"
    )
    crawler = lake.glue.get_crawler(Name=name)["Crawler"]
    assert crawler["Targets"]["S3Targets"][0]["Path"] == f"s3://{lake.bucket}/b/"
    assert crawler["TablePrefix"] == "x_"
    assert crawler["Version"] == 2


@pytest.fixture
def aws_conn(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An Airflow connection pointing the Amazon provider at the endpoint, as AWS_NOTES.md describes."""
    conn = {
        "conn_type": "aws",
        "login": "test",
        "password": "test",
        "extra": {
            "region_name": "us-east-1",
            "endpoint_url": lake.url,
            "config_kwargs": {"s3": {"addressing_style": "path"}},
        },
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
    yield CONN_ID


def test_glue_crawler_run_operator_sync_and_sensor_succeed(lake: Lake, aws_conn: str) -> None:
    from airflow.providers.amazon.aws.operators.glue_crawler import GlueCrawlerRunOperator
    from airflow.providers.amazon.aws.sensors.glue_crawler import GlueCrawlerSensor

    _seed_orders(lake)
    name = _crawler(lake, f"op_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/")
    operator = GlueCrawlerRunOperator(
        task_id="crawl", crawler_name=name, aws_conn_id=aws_conn, poll_interval=1, wait_for_completion=True
    )
    assert operator.execute({}) == name
    sensor = GlueCrawlerSensor(task_id="sense", crawler_name=name, aws_conn_id=aws_conn, poke_interval=1)
    assert sensor.poke({}) is True
    assert lake.glue.get_table(DatabaseName=lake.database, Name="orders")["Table"]["PartitionKeys"]


def test_glue_crawler_run_operator_fails_when_the_crawl_fails(lake: Lake, aws_conn: str) -> None:
    from airflow.providers.amazon.aws.operators.glue_crawler import GlueCrawlerRunOperator

    lake.s3.put_object(Bucket=lake.bucket, Key="bad/x.parquet", Body=b"garbage")
    name = _crawler(lake, f"opf_{lake.bucket}", f"s3://{lake.bucket}/bad/")
    operator = GlueCrawlerRunOperator(
        task_id="crawl", crawler_name=name, aws_conn_id=aws_conn, poll_interval=1
    )
    with pytest.raises(Exception, match=r"(?i)fail"):
        operator.execute({})


def test_deferrable_crawler_trigger_reports_success(lake: Lake, aws_conn: str) -> None:
    from airflow.providers.amazon.aws.operators.glue_crawler import GlueCrawlerRunOperator
    from airflow.sdk.exceptions import TaskDeferred

    _seed_orders(lake)
    name = _crawler(lake, f"opd_{lake.bucket}", f"s3://{lake.bucket}/raw/orders/")
    operator = GlueCrawlerRunOperator(
        task_id="crawl", crawler_name=name, aws_conn_id=aws_conn, poll_interval=1, deferrable=True
    )
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    trigger = deferred.value.trigger

    async def first_event() -> Any:
        async for event in trigger.run():
            return event
        return None

    event = asyncio.run(first_event())
    assert event.payload["status"] == "success"
    assert operator.execute_complete({}, event.payload) == name
    assert lake.glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"


def test_athena_operator_and_sensor_run_sql_against_the_endpoint(lake: Lake, aws_conn: str) -> None:
    from airflow.providers.amazon.aws.operators.athena import AthenaOperator
    from airflow.providers.amazon.aws.sensors.athena import AthenaSensor

    _seed_orders(lake)
    operator = AthenaOperator(
        task_id="ctas",
        query=(
            f"CREATE EXTERNAL TABLE orders (id bigint, amount double) PARTITIONED BY (dt string) "
            f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/raw/orders/'"
        ),
        database=lake.database,
        output_location=lake.output,
        aws_conn_id=aws_conn,
        sleep_time=0,
    )
    operator.execute({})
    repair = AthenaOperator(
        task_id="msck",
        query="MSCK REPAIR TABLE orders",
        database=lake.database,
        output_location=lake.output,
        aws_conn_id=aws_conn,
        sleep_time=0,
    )
    repair.execute({})
    select = AthenaOperator(
        task_id="select",
        query="SELECT sum(amount) FROM orders",
        database=lake.database,
        output_location=lake.output,
        aws_conn_id=aws_conn,
        sleep_time=0,
    )
    query_id = select.execute({})
    sensor = AthenaSensor(task_id="sense", query_execution_id=query_id, aws_conn_id=aws_conn, sleep_time=0)
    assert sensor.poke({}) is True
    rows = lake.athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    assert rows[1]["Data"][0]["VarCharValue"] == "8.0"
    failing = AthenaOperator(
        task_id="bad",
        query="SELECT * FROM missing_table",
        database=lake.database,
        output_location=lake.output,
        aws_conn_id=aws_conn,
        sleep_time=0,
    )
    with pytest.raises(Exception, match="TABLE_NOT_FOUND"):
        failing.execute({})
