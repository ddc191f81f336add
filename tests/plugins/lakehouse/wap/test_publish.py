"""Publishing repoints Glue at staged files, drops emptied partitions, and survives a retry.

Runs against the local AWS endpoint over HTTP: Athena really stages the data,
Glue really holds the partitions.
"""

from __future__ import annotations

import json

import pytest
from aws_helpers import Lake

from lakehouse.wap.plan import StagePlan
from lakehouse.wap.publish import publish

DAYS = ["2026-01-01", "2026-01-02", "2026-01-03"]


def _live_table(lake: Lake) -> None:
    for day in DAYS[:2]:
        lake.put_parquet(f"live/sales/v1/day={day}/part-0.parquet", {"id": [1, 2], "amount": [10, 20]})
    lake.ok(
        "CREATE EXTERNAL TABLE sales (id bigint, amount bigint) PARTITIONED BY (day string)"
        f" STORED AS PARQUET LOCATION 's3://{lake.bucket}/live/sales/'"
    )
    for day in DAYS[:2]:
        lake.ok(
            f"ALTER TABLE sales ADD PARTITION (day = '{day}')"
            f" LOCATION 's3://{lake.bucket}/live/sales/v1/day={day}/'"
        )


def _staged(lake: Lake) -> StagePlan:
    staging = f"{lake.database}_staging"
    lake.glue.create_database(DatabaseInput={"Name": staging})
    lake.put_parquet("raw/sales/part-0.parquet", {"id": [3, 4], "amount": [30, 40], "day": DAYS[1:]})
    lake.ok(
        f"CREATE EXTERNAL TABLE raw_sales (id bigint, amount bigint, day string)"
        f" STORED AS PARQUET LOCATION 's3://{lake.bucket}/raw/sales/'"
    )
    location = f"s3://{lake.bucket}/live/sales/_runs/r1/"
    lake.ok(
        f"CREATE TABLE {staging}.sales_r1 WITH (format = 'PARQUET', external_location = '{location}',"
        f" partitioned_by = ARRAY['day']) AS SELECT id, amount, day FROM {lake.database}.raw_sales"
    )
    return StagePlan(
        layer="gold",
        name="sales",
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/live/sales/",
        staging_database=staging,
        temp_table="sales_r1",
        location=location,
        partition_column="day",
        key_columns=["id"],
        partitions=DAYS,  # the first day was affected and came out empty
    )


def test_publish_repoints_creates_and_drops_partitions_and_records_what_it_replaced(lake: Lake) -> None:
    _live_table(lake)
    plan = _staged(lake)

    summary = publish(lake.glue, lake.s3, plan, lake.bucket)

    assert summary["published_partitions"] == DAYS[1:]
    assert summary["dropped_partitions"] == [DAYS[0]]
    assert lake.ok("SELECT day, id, amount FROM sales ORDER BY day").rows == [
        [DAYS[1], "3", "30"],
        [DAYS[2], "4", "40"],
    ]
    manifest = json.loads(
        lake.s3.get_object(Bucket=lake.bucket, Key=summary["superseded_manifest"].split("/", 3)[3])[
            "Body"
        ].read()
    )
    assert sorted(entry["location"] for entry in manifest["locations"]) == [
        f"s3://{lake.bucket}/live/sales/v1/day={DAYS[0]}/",
        f"s3://{lake.bucket}/live/sales/v1/day={DAYS[1]}/",
    ]


def test_a_retried_publish_changes_nothing_and_keeps_the_first_manifest(lake: Lake) -> None:
    _live_table(lake)
    plan = _staged(lake)
    first = publish(lake.glue, lake.s3, plan, lake.bucket)
    key = first["superseded_manifest"].split("/", 3)[3]
    recorded = json.loads(lake.s3.get_object(Bucket=lake.bucket, Key=key)["Body"].read())["locations"]

    again = publish(lake.glue, lake.s3, plan, lake.bucket)

    assert again["published_partitions"] == DAYS[1:] and again["dropped_partitions"] == []
    assert again["superseded"] == 0, "live locations are never listed as superseded"
    assert json.loads(lake.s3.get_object(Bucket=lake.bucket, Key=key)["Body"].read())["locations"] == recorded
    assert lake.ok("SELECT count(*) FROM sales").rows == [["2"]]


def test_a_publish_retried_after_its_temp_table_was_dropped_finds_it_done(lake: Lake) -> None:
    _live_table(lake)
    plan = _staged(lake)
    first = publish(lake.glue, lake.s3, plan, lake.bucket)
    lake.glue.delete_table(DatabaseName=plan.staging_database, Name=plan.temp_table)  # its last step

    again = publish(lake.glue, lake.s3, plan, lake.bucket)

    assert again["published_partitions"] == first["published_partitions"] == DAYS[1:]
    assert again["record"] == first["record"]
    assert lake.ok("SELECT count(*) FROM sales").rows == [["2"]]
    # a staging dropped before it was ever made live is still an error, naming the table
    lake.glue.update_partition(
        DatabaseName=lake.database,
        TableName="sales",
        PartitionValueList=[DAYS[1]],
        PartitionInput={
            "Values": [DAYS[1]],
            "StorageDescriptor": {"Location": f"s3://{lake.bucket}/live/sales/v1/day={DAYS[1]}/"},
        },
    )
    with pytest.raises(LookupError, match=f"staged table {plan.staging_database}.sales_r1 not found"):
        publish(lake.glue, lake.s3, plan, lake.bucket)


def test_a_staging_in_another_layout_replaces_the_table_and_supersedes_all_it_served(lake: Lake) -> None:
    # live: unpartitioned (as silver.customers was); staged: partitioned by day
    lake.put_parquet("live/sales/v0/part-0.parquet", {"id": [1], "amount": [10], "day": [DAYS[0]]})
    lake.ok(
        "CREATE EXTERNAL TABLE sales (id bigint, amount bigint, day string)"
        f" STORED AS PARQUET LOCATION 's3://{lake.bucket}/live/sales/v0/'"
    )
    plan = _staged(lake)
    plan.partitions = DAYS[1:]

    summary = publish(lake.glue, lake.s3, plan, lake.bucket)

    table = lake.glue.get_table(DatabaseName=lake.database, Name="sales")["Table"]
    assert [key["Name"] for key in table["PartitionKeys"]] == ["day"]
    assert lake.ok("SELECT day, id FROM sales ORDER BY day").rows == [[DAYS[1], "3"], [DAYS[2], "4"]]
    record = json.loads(
        lake.s3.get_object(Bucket=lake.bucket, Key=summary["record"].split("/", 3)[3])["Body"].read()
    )
    assert record["locations"] == [{"location": f"s3://{lake.bucket}/live/sales/v0/"}]
    assert sorted(entry["partition"] for entry in record["published"]) == DAYS[1:]
