"""Planning splits work into Athena-sized statements with run-scoped, never reused locations."""

from __future__ import annotations

import functools
import operator

from lakehouse.config import pipeline_config
from lakehouse.wap.plan import MAX_PARTITIONS_PER_STATEMENT, StagePlan, chunks, plan_gold, stage_id


class FakeGlue:
    """The two Glue reads planning makes, answered from a dict (unit scope only)."""

    class exceptions:
        class EntityNotFoundException(Exception):
            pass

    def __init__(self, tables: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
        self.tables = tables

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
        ingest_date="2026-11-01",
        run_id="scheduled__x",
        athena=athena,
        glue=FakeGlue({}),  # no live gold table yet: rebuild every date silver has
    )
    assert len(plan.partitions) == len(dates)
    assert plan.create_sql.startswith("create table staging.gold_daily_revenue_scheduled_x_")
    assert len(plan.insert_sqls) == 3
    assert plan.location.startswith("s3://airflow-lakehouse-lake/gold/daily_revenue/_runs/scheduled_x_")
    assert "select distinct order_date\nfrom silver.orders" in athena.sql[0]
    assert StagePlan.from_xcom(plan.to_xcom()) == plan


def test_a_day_without_changes_has_no_work() -> None:
    config = pipeline_config()
    glue = FakeGlue({("gold", "daily_revenue"): [("orders", "bigint")]})
    plan = plan_gold(
        config,
        config.gold_dataset("daily_revenue"),
        ingest_date="2026-11-01",
        run_id="r",
        athena=Rows([]),
        glue=glue,
    )
    assert plan.has_work is False and plan.create_sql == ""
