"""Planning splits work into Athena-sized statements with run-scoped, never reused locations."""

from __future__ import annotations

import functools
import operator

import pytest
from aws_helpers import Lake

from lakehouse.config import pipeline_config
from lakehouse.wap.plan import MAX_PARTITIONS_PER_STATEMENT, StagePlan, chunks, plan_gold, stage_id


class FakeGlue:
    """The Glue reads planning makes, answered from a dict (unit scope only)."""

    class exceptions:
        class EntityNotFoundException(Exception):
            pass

    def __init__(self, tables: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
        self.tables = tables

    def get_paginator(self, operation: str) -> FakeGlue:
        assert operation == "get_partitions"
        return self

    def paginate(self, DatabaseName: str, TableName: str) -> list[dict]:
        if (DatabaseName, TableName) not in self.tables:
            raise self.exceptions.EntityNotFoundException(TableName)
        return [{"Partitions": []}]

    def get_table(self, DatabaseName: str, Name: str) -> dict:
        if (DatabaseName, Name) not in self.tables:
            raise self.exceptions.EntityNotFoundException(Name)
        columns = [{"Name": n, "Type": t} for n, t in self.tables[(DatabaseName, Name)]]
        return {"Table": {"StorageDescriptor": {"Columns": columns}}}


class Rows:
    def __init__(self, rows: list[list[str]]) -> None:
        self.result = rows
        self.sql: list[str] = []

    def rows(self, sql: str, database: str) -> list[list[str]]:
        self.sql.append(sql)
        return self.result


def test_chunks_hold_at_most_one_hundred_partitions() -> None:
    values = [f"2026-01-{i:03d}" for i in range(365)]
    parts = chunks(values)
    assert [len(p) for p in parts] == [100, 100, 100, 65]
    assert functools.reduce(operator.iadd, parts, []) == values
    assert MAX_PARTITIONS_PER_STATEMENT == 100


def test_stage_ids_are_identifier_safe_and_unique_per_attempt() -> None:
    first, second = (
        stage_id("manual__2026-11-02T02:00:00+00:00"),
        stage_id("manual__2026-11-02T02:00:00+00:00"),
    )
    assert first != second
    assert first.startswith("manual_2026_11_02t02_00_00_00_00_")
    assert first.replace("_", "").isalnum() and first == first.lower()


def test_a_backfill_of_a_year_is_one_ctas_and_three_inserts() -> None:
    config = pipeline_config()
    dates = [[f"2025-{m:02d}-{d:02d}"] for m in range(1, 13) for d in range(1, 31)][:365]
    athena = Rows(dates)
    plan = plan_gold(
        config,
        config.gold_dataset("daily_revenue"),
        run_id="scheduled__x",
        athena=athena,
        glue=FakeGlue({}),  # no live gold table yet: rebuild every date silver has
    )
    assert len(plan.partitions) == len(dates)
    assert plan.create_sql.startswith("create table staging.gold_daily_revenue_scheduled_x_")
    assert len(plan.insert_sqls) == 3
    assert plan.location.startswith("s3://airflow-lakehouse-lake/gold/daily_revenue/_runs/scheduled_x_")
    assert "from (select order_date from silver.orders) as orders" in athena.sql[0]
    assert StagePlan.from_xcom(plan.to_xcom()) == plan


@pytest.mark.parametrize("dataset", ["customer_ltv", "monthly_retention"])
def test_customer_level_gold_reads_customer_orders_not_silvers_orders_and_items(dataset: str) -> None:
    config = pipeline_config()
    plan = plan_gold(config, config.gold_dataset(dataset), run_id="r", athena=Rows([]), glue=FakeGlue({}))
    assert "from gold.customer_orders" in plan.create_sql
    assert "silver.orders" not in plan.create_sql and "silver.order_items" not in plan.create_sql


def test_a_day_without_changes_has_no_work() -> None:
    config = pipeline_config()
    glue = FakeGlue({("gold", "daily_revenue"): [("orders", "bigint")]})
    plan = plan_gold(
        config,
        config.gold_dataset("daily_revenue"),
        run_id="r",
        athena=Rows([]),
        glue=glue,
        silver_partitions={},
    )
    assert plan.has_work is False and plan.create_sql == ""


def _bronze_orders(lake: Lake, rows: list[tuple[str, str]]) -> None:
    values = ", ".join(f"(1, {stamp}, TIMESTAMP '2026-11-20 09:00:00', '{day}')" for stamp, day in rows)
    lake.ok(
        f"CREATE TABLE orders WITH (format = 'PARQUET', external_location = 's3://{lake.bucket}/bronze/orders/',"
        " partitioned_by = ARRAY['ingest_date'])"
        f" AS SELECT * FROM (VALUES {values}) AS t(order_id, ordered_at, updated_at, ingest_date)"
    )


def _plan_orders(lake: Lake, batches: list, silver: str | None = None):
    from lakehouse.batches import Watermark, select_batches
    from lakehouse.config import Databases
    from lakehouse.hooks.athena import BoundedAthenaHook
    from lakehouse.wap.athena import AthenaRunner
    from lakehouse.wap.plan import plan_silver

    config = pipeline_config()
    databases = Databases(bronze=lake.database, silver=silver or f"{lake.database}_none")
    config = config.model_copy(update={"lake": config.lake.model_copy(update={"databases": databases})})
    table = config.table("orders").model_copy(update={"delete_column": None})
    hook = BoundedAthenaHook(aws_conn_id="aws_default", log_query=False, query_timeout_s=60)
    runner = AthenaRunner(hook, lake.output, "primary")
    selection = select_batches(batches, Watermark("orders"))
    return plan_silver(config, table, selection, run_id="r", athena=runner, glue=lake.glue)


def _batch(day: str, rows: int, hour: int = 2, mode: str = "incremental"):
    from datetime import UTC, datetime

    from lakehouse.batches import new_batch

    start = datetime.fromisoformat(f"{day}T00:00:00+00:00")
    exported = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").astimezone(UTC)
    return new_batch(
        "orders",
        day,
        mode=mode,
        read_from=None if mode == "full" else start,
        read_to=start,
        rows=rows,
        exported_at=exported,
    )


def test_one_planning_query_finds_the_batches_business_dates_and_records_without_one(lake: Lake) -> None:
    _bronze_orders(
        lake,
        [
            ("TIMESTAMP '2026-11-19 23:59:59'", "2026-11-20"),  # a late change to the day before
            ("TIMESTAMP '2026-11-20 00:00:00'", "2026-11-20"),
            ("TIMESTAMP '2026-11-20 08:00:00'", "2026-11-20"),
            ("CAST(NULL AS timestamp)", "2026-11-20"),
            ("CAST(NULL AS timestamp)", "2026-11-20"),
            ("CAST(NULL AS timestamp)", "2026-11-19"),  # another ingest day, already merged
        ],
    )
    plan = _plan_orders(lake, [_batch("2026-11-20", rows=5)])

    assert plan.partitions == ["2026-11-19", "2026-11-20"]
    assert plan.records_without_business_date == 2
    assert "ingest_date in ('2026-11-20')" in plan.create_sql


def test_a_table_published_in_another_layout_is_not_merged_but_rebuilt_by_a_full_refresh(lake: Lake) -> None:
    from lakehouse.wap.plan import LayoutChangedError

    _bronze_orders(lake, [("TIMESTAMP '2026-11-20 10:00:00'", "2026-11-20")])
    silver = f"{lake.database}_silver"
    lake.glue.create_database(DatabaseInput={"Name": silver})
    lake.put_parquet("silver/orders/v0/part-0.parquet", {"order_id": [1]})
    lake.ok(
        f"CREATE EXTERNAL TABLE {silver}.orders (order_id bigint) STORED AS PARQUET"
        f" LOCATION 's3://{lake.bucket}/silver/orders/v0/'"
    )
    with pytest.raises(LayoutChangedError, match=r"silver.orders is published without partitions but"):
        _plan_orders(lake, [_batch("2026-11-20", rows=1)], silver=silver)
    plan = _plan_orders(lake, [_batch("2026-11-20", rows=1, mode="full")], silver=silver)
    assert plan.partitions == ["2026-11-20"]
    assert f"{silver}.orders" not in plan.create_sql  # nothing published is merged


def test_a_skipped_days_batch_is_merged_with_the_next_ones(lake: Lake) -> None:
    _bronze_orders(
        lake,
        [
            ("TIMESTAMP '2026-11-18 10:00:00'", "2026-11-19"),
            ("TIMESTAMP '2026-11-20 10:00:00'", "2026-11-20"),
        ],
    )
    plan = _plan_orders(lake, [_batch("2026-11-19", rows=1), _batch("2026-11-20", rows=1)])
    assert plan.partitions == ["2026-11-18", "2026-11-20"]
    assert "ingest_date in ('2026-11-19', '2026-11-20')" in plan.create_sql


def test_rows_the_export_wrote_but_the_catalog_lacks_fail_the_plan_naming_table_and_day(lake: Lake) -> None:
    from lakehouse.wap.plan import BronzeCatalogError

    _bronze_orders(lake, [("TIMESTAMP '2026-11-20 10:00:00'", "2026-11-20")])
    missing = r"bronze.orders ingest_date=2026-11-21: the export wrote 7 rows"
    with pytest.raises(BronzeCatalogError, match=missing):
        _plan_orders(lake, [_batch("2026-11-20", rows=1), _batch("2026-11-21", rows=7)])
    with pytest.raises(BronzeCatalogError, match=r"ingest_date=2026-11-20: .* wrote 3 rows, .* reads 1"):
        _plan_orders(lake, [_batch("2026-11-20", rows=3)])


def test_a_configured_delete_column_missing_from_bronze_fails_with_its_name(lake: Lake) -> None:
    from lakehouse.batches import Watermark, select_batches
    from lakehouse.config import Databases
    from lakehouse.wap.plan import BronzeCatalogError, plan_silver

    _bronze_orders(lake, [("TIMESTAMP '2026-11-20 10:00:00'", "2026-11-20")])
    config = pipeline_config()
    databases = Databases(bronze=lake.database, silver=f"{lake.database}_none")
    config = config.model_copy(update={"lake": config.lake.model_copy(update={"databases": databases})})
    table = config.table("orders").model_copy(update={"delete_column": "deleted_att"})
    selection = select_batches([_batch("2026-11-20", rows=1)], Watermark("orders"))
    with pytest.raises(BronzeCatalogError, match="delete_column 'deleted_att' is not a column of"):
        plan_silver(config, table, selection, run_id="r", athena=Rows([]), glue=lake.glue)


def test_gold_rebuilds_the_dates_its_silver_tables_rewrote_in_this_run_without_a_query() -> None:
    config = pipeline_config()
    athena = Rows([])
    plan = plan_gold(
        config,
        config.gold_dataset("daily_revenue"),
        run_id="r",
        athena=athena,
        glue=FakeGlue({("gold", "daily_revenue"): [("orders", "bigint")]}),
        silver_partitions={
            "orders": ["2026-11-01", "2026-10-12"],
            "order_items": ["2026-11-01", "2026-11-02"],
            "payments": ["2026-09-30"],  # not among daily_revenue's affected_by
        },
    )
    assert plan.partitions == ["2026-10-12", "2026-11-01", "2026-11-02"]
    assert athena.sql == []  # read from silver's plans, not from bronze


def test_keys_gone_from_the_source_leave_silver_with_the_partitions_they_were_in(lake: Lake) -> None:
    """deletes: hard. Payment 2 is purged at the source, payment 4 is new: silver rewrites the
    partition 2 was in (nothing else changed there) and the new one, and leaves 3's alone.
    A change record without a key is kept for the audit to fail on, not dropped as deleted."""
    from lakehouse.batches import Watermark, select_batches
    from lakehouse.config import Databases
    from lakehouse.hooks.athena import BoundedAthenaHook
    from lakehouse.wap.athena import AthenaRunner
    from lakehouse.wap.plan import plan_silver

    silver = f"{lake.database}_silver"
    lake.glue.create_database(DatabaseInput={"Name": silver})
    stamp = "TIMESTAMP '2026-11-{:02d} 10:00:00'"
    published = ", ".join(
        f"({key}, {stamp.format(day)}, {stamp.format(day)})" for key, day in [(1, 18), (2, 18), (3, 19)]
    )
    lake.ok(
        f"CREATE TABLE payments WITH (format = 'PARQUET', external_location = 's3://{lake.bucket}/silver/payments/',"
        " partitioned_by = ARRAY['created_date'])"
        f" AS SELECT *, date_format(created_at, '%Y-%m-%d') AS created_date FROM (VALUES {published})"
        " AS t(payment_id, created_at, updated_at)",
        database=silver,
    )
    lake.ok(
        f"CREATE TABLE payments WITH (format = 'PARQUET', external_location = 's3://{lake.bucket}/bronze/payments/',"
        " partitioned_by = ARRAY['ingest_date'])"
        f" AS SELECT * FROM (VALUES (4, {stamp.format(20)}, {stamp.format(20)}, '2026-11-20'),"
        f" (NULL, {stamp.format(20)}, {stamp.format(20)}, '2026-11-20'))"
        " AS t(payment_id, created_at, updated_at, ingest_date)"
    )
    lake.ok(
        "CREATE TABLE payments__keys WITH (format = 'PARQUET',"
        f" external_location = 's3://{lake.bucket}/bronze/payments__keys/',"
        " partitioned_by = ARRAY['ingest_date'])"
        " AS SELECT * FROM (VALUES (1, '2026-11-20'), (3, '2026-11-20'), (4, '2026-11-20'))"
        " AS t(payment_id, ingest_date)"
    )
    config = pipeline_config()
    databases = Databases(bronze=lake.database, silver=silver, staging=lake.database)
    lake_config = config.lake.model_copy(update={"databases": databases, "bucket": lake.bucket})
    config = config.model_copy(update={"lake": lake_config})
    batch = _batch("2026-11-20", rows=2)
    batch = type(batch)(**{**batch.__dict__, "table": "payments", "key_rows": 3})
    runner = AthenaRunner(
        BoundedAthenaHook(aws_conn_id="aws_default", query_timeout_s=60), lake.output, "primary"
    )

    plan = plan_silver(
        config,
        config.table("payments"),
        select_batches([batch], Watermark("payments")),
        run_id="r",
        athena=runner,
        glue=lake.glue,
    )
    assert plan.partitions == ["2026-11-18", "2026-11-20"]
    lake.ok(plan.create_sql)
    staged = lake.ok(f"SELECT payment_id, created_date FROM {plan.temp_table} ORDER BY 1").rows
    assert staged == [["1", "2026-11-18"], ["4", "2026-11-20"], [None, "2026-11-20"]], (
        "a null key is for the audit"
    )


def test_a_lake_that_lost_silver_but_kept_its_watermark_says_to_run_a_full_refresh() -> None:
    from lakehouse.batches import Watermark
    from lakehouse.wap.plan import LakeLostError, check_silver_present

    kept = Watermark("orders", merged_through="2026-11-20T02:00:00+00:00", published_by="scheduled__x")
    with pytest.raises(LakeLostError, match=r"silver.orders is not in the catalog .* full_refresh on"):
        check_silver_present(FakeGlue({}), "silver", "orders", kept)
    check_silver_present(FakeGlue({("silver", "orders"): [("order_id", "bigint")]}), "silver", "orders", kept)
    check_silver_present(FakeGlue({}), "silver", "orders", Watermark("orders"))  # a new lake: nothing lost


def test_the_settled_history_has_nothing_to_fold_before_customer_orders_or_in_a_full_refresh() -> None:
    from datetime import date

    config = pipeline_config()
    history = config.gold_dataset("customer_history")
    kwargs = {"run_id": "r", "athena": Rows([]), "day": date(2026, 11, 20)}
    assert plan_gold(config, history, glue=FakeGlue({}), **kwargs).has_work is False
    published = FakeGlue({("gold", "customer_orders"): [("customer_id", "bigint")]})
    assert plan_gold(config, history, glue=published, full_refresh=True, **kwargs).has_work is False
    folded = plan_gold(config, history, glue=published, **kwargs)
    assert folded.has_work and folded.settled_before == "2026-09-01"
    assert "where order_date < '2026-09-01'" in folded.create_sql
