"""Customer-level gold read through the settled history equals the same gold computed from every
order date, as days pass, as the history's edge moves a month on, and after a change reaches a
settled month.

Runs against the local AWS endpoint over HTTP: Athena really stages and reads the tables, Glue
holds the partitions and the build parameters the publish writes.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_helpers import Lake

from lakehouse.config import pipeline_config
from lakehouse.sql import render
from lakehouse.wap.plan import StagePlan, plan_gold
from lakehouse.wap.publish import publish
from lakehouse.wap.relations import Pending
from lakehouse.wap.settled import month_fingerprints, settled_before, unchanged_before

CUSTOMER_LEVEL = ["customer_history", "customer_ltv", "monthly_retention"]
ORDER_DAYS = {  # order date -> (customer, counted orders, revenue)
    "2026-07-10": [(1, 1, "10.00"), (2, 1, "5.00")],
    "2026-08-15": [(1, 2, "20.00"), (4, 1, "7.00")],
    "2026-09-03": [(3, 1, "3.00"), (2, 1, "4.00")],
    "2026-10-20": [(1, 1, "1.00"), (3, 1, "2.00")],
    "2026-11-19": [(4, 1, "2.50"), (2, 1, "6.00")],
}
SCHEMA = pa.schema([("customer_id", pa.int64()), ("orders", pa.int64()), ("revenue", pa.decimal128(18, 2))])
versions = itertools.count(1)


def test_the_settled_edge_is_the_first_of_a_month_far_enough_back() -> None:
    assert settled_before(date(2026, 11, 20), 62) == "2026-09-01"
    assert settled_before(date(2026, 12, 5), 62) == "2026-10-01"
    assert settled_before(date(2027, 1, 1), 62) == "2026-10-01"


def test_a_month_changed_before_the_edge_is_seen_and_one_after_it_is_not() -> None:
    built = month_fingerprints({"2026-07-10": "s3://l/a/", "2026-10-20": "s3://l/b/"})
    recent_change = month_fingerprints({"2026-07-10": "s3://l/a/", "2026-10-20": "s3://l/c/"})
    settled_change = month_fingerprints({"2026-07-10": "s3://l/d/", "2026-10-20": "s3://l/b/"})
    dropped = month_fingerprints({"2026-10-20": "s3://l/b/"})
    assert unchanged_before(built, recent_change, "2026-09-01")
    assert not unchanged_before(built, settled_change, "2026-09-01")
    assert not unchanged_before(built, dropped, "2026-09-01")


@pytest.fixture
def config(lake: Lake):
    base = pipeline_config()
    databases = base.lake.databases.model_copy(
        update={"gold": lake.database, "silver": lake.database, "staging": lake.database}
    )
    return base.model_copy(
        update={"lake": base.lake.model_copy(update={"bucket": lake.bucket, "databases": databases})}
    )


def _put_day(lake: Lake, day: str, rows: list[tuple[int, int, str]]) -> None:
    """Write one order date of customer_orders to a new location and point its partition there."""
    location = f"s3://{lake.bucket}/gold/customer_orders/_runs/v{next(versions)}/order_date={day}/"
    columns = list(zip(*rows, strict=True))
    table = pa.table([list(columns[0]), list(columns[1]), [Decimal(v) for v in columns[2]]], schema=SCHEMA)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    key = location.removeprefix(f"s3://{lake.bucket}/") + "part-0.parquet"
    lake.s3.put_object(Bucket=lake.bucket, Key=key, Body=buffer.getvalue().to_pybytes())
    lake.ok(
        f"ALTER TABLE customer_orders ADD IF NOT EXISTS PARTITION (order_date = '{day}')"
        f" LOCATION '{location}'"
    )
    lake.ok(f"ALTER TABLE customer_orders PARTITION (order_date = '{day}') SET LOCATION '{location}'")


def _shop(lake: Lake) -> None:
    lake.ok(
        "CREATE EXTERNAL TABLE customer_orders (customer_id bigint, orders bigint, revenue decimal(18,2))"
        f" PARTITIONED BY (order_date string) STORED AS PARQUET"
        f" LOCATION 's3://{lake.bucket}/gold/customer_orders/'"
    )
    for day, rows in ORDER_DAYS.items():
        _put_day(lake, day, rows)
    # customer 4 was deleted: silver no longer has them (customer_ltv leaves them out, retention not)
    lake.put_parquet(
        "silver/customers/v1/part-0.parquet",
        {"customer_id": [1, 2, 3], "segment": ["consumer", "corporate", "home_office"]},
    )
    lake.ok(
        "CREATE EXTERNAL TABLE customers (customer_id bigint, segment string) STORED AS PARQUET"
        f" LOCATION 's3://{lake.bucket}/silver/customers/v1/'"
    )


def _stage(lake: Lake, config, name: str, day: str, staged: dict | None = None) -> StagePlan:
    """One run's plan and staging of `name` (`staged`: the plans of what it reads not published yet)."""
    plan = plan_gold(
        config,
        config.gold_dataset(name),
        run_id=f"{name}_{day}",
        athena=None,
        glue=lake.glue,
        day=date.fromisoformat(day),
        staged=staged,
    )
    for sql in [plan.create_sql, *plan.insert_sqls] if plan.has_work else ():
        lake.ok(sql)
    return plan


def _run(lake: Lake, config, name: str, day: str) -> StagePlan:
    """One run's stage and publish of `name` (the audit is the DAG's business, not this test's)."""
    plan = _stage(lake, config, name, day)
    if plan.has_work:
        publish(lake.glue, lake.s3, plan, lake.bucket)
        lake.glue.delete_table(DatabaseName=plan.staging_database, Name=plan.temp_table)
    return plan


def _rows(lake: Lake, sql: str) -> list[tuple]:
    return sorted(tuple(row) for row in lake.ok(sql).rows)


def _from_every_date(lake: Lake, name: str, edge: str = "") -> list[tuple]:
    """The dataset as its template computes it from every order date (or, for the history, every
    date before `edge`), nothing published read."""
    relation = Pending(SimpleNamespace(gold=lake.database, silver=lake.database))
    context = {"gold_db": lake.database, "relation": relation, "settled_since": "", "merge": False}
    return _rows(lake, render(f"gold/{name}.sql", **context, settled_before=edge))


def _day(lake: Lake, config, day: str) -> dict[str, StagePlan]:
    plans = {name: _run(lake, config, name, day) for name in CUSTOMER_LEVEL}
    edge = plans["customer_ltv"].settled_before
    assert _rows(lake, "select * from customer_history") == _from_every_date(lake, "customer_history", edge)
    for name in ("customer_ltv", "monthly_retention"):
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), (name, day)
    return plans


def test_customer_level_gold_through_the_history_equals_it_from_every_date(
    lake: Lake, config, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shop(lake)
    first = _day(lake, config, "2026-11-20")
    assert first["customer_history"].settled_before == "2026-09-01"
    assert "order_date >= '2026-09-01'" in first["customer_ltv"].create_sql
    assert "monthly_retention" not in first["monthly_retention"].create_sql.split(" as\n", 1)[1]

    # a new day, a new customer (not in silver yet): the history holds, retention keeps its settled months
    _put_day(lake, "2026-11-20", [(3, 1, "9.00"), (5, 1, "1.00")])
    second = _day(lake, config, "2026-11-21")
    assert second["customer_history"].has_work is False
    assert f"from {lake.database}.monthly_retention" in second["monthly_retention"].create_sql
    assert "where order_date >= '2026-09-01'" in second["monthly_retention"].create_sql

    # a month on: September settles and is folded into the history's own rows
    third = _day(lake, config, "2026-12-05")
    history = third["customer_history"].create_sql
    assert "order_date < '2026-10-01'" in history and "order_date >= '2026-09-01'" in history
    assert third["customer_ltv"].settled_before == "2026-10-01"

    # a run whose customer_orders publish reaches a settled month (a correction older than the
    # settled edge): the history, staged before that publish, no longer holds, so customer_ltv and
    # monthly_retention are computed from every date; the next run folds the history again
    assert _run(lake, config, "customer_history", "2026-12-06").has_work is False
    _put_day(lake, "2026-08-15", [(1, 1, "20.00")])
    for name in ("customer_ltv", "monthly_retention"):
        plan = _run(lake, config, name, "2026-12-06")
        assert plan.settled_before == "" and "customer_history" not in plan.create_sql, name
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), name
    fifth = _day(lake, config, "2026-12-07")
    assert "order_date >= " not in fifth["customer_history"].create_sql
    # counted from every date after the correction, monthly_retention's settled rows hold again
    assert f"from {lake.database}.monthly_retention" in fifth["monthly_retention"].create_sql
    assert _rows(lake, "select customer_id, orders from customer_history where customer_id = 4") == []

    # a new version of a template: nothing its old version built is merged with what the new computes
    from lakehouse.wap import settled

    digest = settled.template_digest
    monkeypatch.setattr(settled, "template_digest", lambda name: f"new {digest(name)}")
    ltv, retention = (
        _run(lake, config, name, "2026-12-08") for name in ("customer_ltv", "monthly_retention")
    )
    assert ltv.settled_before == "" and f"from {lake.database}.monthly_retention" not in retention.create_sql
    assert _run(lake, config, "customer_history", "2026-12-08").create_sql.count("order_date >= ") == 0


def _stage_customer_orders(lake: Lake, config, days: dict[str, list[tuple[int, int, str]]]) -> StagePlan:
    """customer_orders' staging of a run that rewrites `days`, not published yet."""
    version = next(versions)
    location = f"s3://{lake.bucket}/gold/customer_orders/_runs/v{version}/"
    values = ", ".join(
        f"(CAST({c} AS bigint), CAST({n} AS bigint), CAST({r} AS decimal(18, 2)), '{day}')"
        for day, rows in days.items()
        for c, n, r in rows
    )
    temp_table = f"customer_orders_staged_{version}"
    lake.ok(
        f"CREATE TABLE {temp_table} WITH (format = 'PARQUET', external_location = '{location}',"
        " partitioned_by = ARRAY['order_date']) AS SELECT * FROM"
        f" (VALUES {values}) AS t(customer_id, orders, revenue, order_date)"
    )
    return StagePlan(
        layer="gold",
        name="customer_orders",
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/gold/customer_orders/",
        staging_database=lake.database,
        temp_table=temp_table,
        location=location,
        partition_column="order_date",
        key_columns=["order_date", "customer_id"],
        partitions=sorted(days),
    )


def _built_from_staged(lake: Lake, config, staged: StagePlan, day: str) -> dict[str, StagePlan]:
    """customer_ltv and monthly_retention staged from customer_orders' staged rows, then all three
    published in the DAG's order: customer_orders first."""
    reads = {("gold", "customer_orders"): staged}
    plans = {name: _stage(lake, config, name, day, reads) for name in ("customer_ltv", "monthly_retention")}
    for plan in (staged, *plans.values()):
        publish(lake.glue, lake.s3, plan, lake.bucket)
    return plans


def test_built_from_customer_orders_staged_rows_it_equals_the_same_built_after_that_publish(
    lake: Lake, config
) -> None:
    from lakehouse.wap import settled
    from lakehouse.wap.gold_dates import live_partitions

    _shop(lake)
    _day(lake, config, "2026-11-20")
    # a run's customer_orders rewrites a recent date and adds one: the history still holds
    recent = _stage_customer_orders(
        lake, config, {"2026-10-20": [(1, 3, "4.00")], "2026-11-21": [(2, 1, "8.00"), (6, 1, "1.50")]}
    )
    plans = _built_from_staged(lake, config, recent, "2026-11-21")
    assert plans["customer_ltv"].settled_before == "2026-09-01"
    assert recent.temp_table in plans["customer_ltv"].create_sql
    now = settled.month_fingerprints(live_partitions(lake.glue, lake.database, "customer_orders"))
    for name in ("customer_ltv", "monthly_retention"):
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), name
        assert settled.built(lake.glue, lake.database, name).built_from == now, "recorded as published"

    # one that reaches a settled month (a correction older than the edge): computed from every date
    correction = _stage_customer_orders(lake, config, {"2026-08-15": [(1, 1, "20.00")]})
    plans = _built_from_staged(lake, config, correction, "2026-11-22")
    assert (
        plans["customer_ltv"].settled_before == ""
        and "customer_history" not in plans["customer_ltv"].create_sql
    )
    for name in ("customer_ltv", "monthly_retention"):
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), name


def test_built_beside_the_fold_they_read_it_staged_once_it_passed_else_the_live_history(
    lake: Lake, config
) -> None:
    _shop(lake)
    _day(lake, config, "2026-11-20")
    # a month on, the history folds September; staged, not published yet
    fold = _stage(lake, config, "customer_history", "2026-12-05")
    assert fold.has_work and fold.settled_before == "2026-10-01"
    built_from = ("customer_ltv", "monthly_retention")

    # the fold did not pass its audit (not among the staged reads): the live history, at its own
    # edge, which no publish replaces meanwhile
    plans = {name: _stage(lake, config, name, "2026-12-05") for name in built_from}
    for name, plan in plans.items():
        assert plan.settled_before == "2026-09-01" and fold.temp_table not in plan.create_sql, name
        publish(lake.glue, lake.s3, plan, lake.bucket)
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), name

    # it passed: read as staged, at its new edge, and published after them all the same
    reads = {("gold", "customer_history"): fold}
    plans = {name: _stage(lake, config, name, "2026-12-05", reads) for name in built_from}
    for name, plan in plans.items():
        assert plan.settled_before == "2026-10-01" and fold.temp_table in plan.create_sql, name
        assert f"from {lake.database}.customer_history" not in plan.create_sql, name
    for plan in (*plans.values(), fold):
        publish(lake.glue, lake.s3, plan, lake.bucket)
    for name in built_from:
        assert _rows(lake, f"select * from {name}") == _from_every_date(lake, name), name


def test_a_shop_younger_than_its_settled_months_has_an_empty_history_and_the_same_gold(
    lake: Lake, config
) -> None:
    _shop(lake)
    plans = _day(lake, config, "2026-08-01")
    assert plans["customer_history"].settled_before == "2026-05-01"
    assert _rows(lake, "select count(*) from customer_history") == [("0",)]
