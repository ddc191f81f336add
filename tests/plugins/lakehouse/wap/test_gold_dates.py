"""A date-partitioned gold dataset rebuilds every date silver changed since its own last change
took effect: a failed gold run or a silver rollback is caught up, not left stale."""

from __future__ import annotations

import time

from aws_helpers import Lake

from lakehouse.wap.gold_dates import last_applied, owed_dates
from lakehouse.wap.records import PUBLISH, Record, record_key, write_record

D0, D1, D2, D3 = "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"


def record(key: str, at: str, published: dict[str, str], superseded: dict[str, str] | None = None) -> Record:
    return Record(key, "gold.x", PUBLISH, "r", "r", at, superseded or {}, published)


def test_the_newest_record_whose_partitions_are_live_is_the_one_applied() -> None:
    first = record("a", "2026-01-01T00:00:00", {D1: "s3://l/1/"})
    second = record("b", "2026-01-02T00:00:00", {D1: "s3://l/2/", D2: "s3://l/2/"})
    assert last_applied([first, second], {D1: "s3://l/2/", D2: "s3://l/2/"}) is second
    # the second wrote its record and died before repointing: the first is what gold holds
    assert last_applied([first, second], {D1: "s3://l/1/"}) is first
    assert last_applied([first], {D1: "s3://l/9/"}) is None  # repointed by hand since


def _gold_table(lake: Lake, live: dict[str, str]) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE x (n bigint) PARTITIONED BY (order_date string) STORED AS PARQUET"
        f" LOCATION 's3://{lake.bucket}/gold/x/'"
    )
    for day, location in live.items():
        lake.ok(f"ALTER TABLE x ADD PARTITION (order_date = '{day}') LOCATION '{location}'")


def _silver_change(lake: Lake, stem: str, touched: list[str]) -> None:
    write_record(
        lake.s3,
        lake.bucket,
        record_key("silver", "orders", stem),
        dataset="silver.orders",
        superseded_by=stem,
        superseded={},
        published={
            day: f"s3://{lake.bucket}/silver/orders/_runs/{stem}/order_date={day}/" for day in touched
        },
        kind=PUBLISH,
        run_id=stem,
    )
    time.sleep(0.01)  # records are ordered by the time they were written


def test_dates_silver_changed_after_gold_last_took_effect_are_owed(lake: Lake) -> None:
    live = f"s3://{lake.bucket}/gold/x/_runs/g1/order_date={D1}/"
    _gold_table(lake, {D1: live})
    _silver_change(lake, "before", [D0])
    write_record(
        lake.s3,
        lake.bucket,
        record_key("gold", "x", "g1"),
        dataset="gold.x",
        superseded_by="g1",
        superseded={},
        published={D1: live},
        kind=PUBLISH,
        run_id="g1",
    )
    time.sleep(0.01)
    _silver_change(lake, "failed_gold_run", [D1, D2])  # gold's audit failed that run
    _silver_change(lake, "today", [D3])
    owed = owed_dates(
        lake.s3, lake.bucket, lake.glue, gold_database=lake.database, dataset="x", silver_tables=["orders"]
    )
    assert owed == {D1, D2, D3}


def test_a_dataset_without_an_applied_record_owes_every_date(lake: Lake) -> None:
    _gold_table(lake, {D1: f"s3://{lake.bucket}/gold/x/hand-made/"})
    kwargs = {"gold_database": lake.database, "dataset": "x", "silver_tables": ["orders"]}
    assert owed_dates(lake.s3, lake.bucket, lake.glue, **kwargs) is None
    assert owed_dates(lake.s3, lake.bucket, lake.glue, **{**kwargs, "dataset": "no_such_table"}) is None
