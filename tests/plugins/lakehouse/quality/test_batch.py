"""The audit's SQL: a lookup with a key range reads only the live rows its staged keys can match."""

from __future__ import annotations

from lakehouse.config import pipeline_config
from lakehouse.quality.batch import AuditScope
from lakehouse.quality.suite import load_suite
from lakehouse.wap.plan import StagePlan


def _plan(name: str, partitions: list[str]) -> StagePlan:
    return StagePlan(
        layer="silver",
        name=name,
        live_database="silver",
        live_location=f"s3://lake/silver/{name}/",
        staging_database="staging",
        temp_table=f"silver_{name}_run1",
        location=f"s3://lake/silver/{name}/_runs/run1/",
        partition_column="created_date",
        key_columns=[f"{name}_id"],
        partitions=partitions,
    )


def _scope() -> AuditScope:
    payments = _plan("payments", ["2026-11-01"])
    items = _plan("order_items", ["2026-11-01", "2026-11-02"])
    return AuditScope(
        pipeline_config(),
        payments,
        {("silver", "payments"): payments, ("silver", "order_items"): items},
        published=lambda layer: {"orders", "order_items", "payments", "customers", "products"},
    )


def test_the_staged_key_range_bounds_the_live_rows_a_lookup_reads_not_the_staged_ones() -> None:
    scope = _scope()
    scope.set_key_ranges(["order_id"], ["1200", "4500"])
    sql = scope.relation("silver", "order_items", ["order_id", "quantity"], within="order_id")
    staged, live = sql.split("union all")
    assert "between" not in staged
    assert "created_date not in ('2026-11-01', '2026-11-02') and order_id between 1200 and 4500" in live
    unstaged = scope.relation("silver", "orders", ["order_id"], within="order_id")
    assert unstaged.rstrip().endswith("where order_id between 1200 and 4500")


def test_no_staged_rows_read_no_live_rows_and_an_unasked_range_filters_nothing() -> None:
    scope = _scope()
    scope.set_key_ranges(["order_id"], [None, None])
    assert scope.in_staged_range("order_id") == "false"
    assert scope.in_staged_range("customer_id") == "true"
    assert "where" not in scope.relation("silver", "customers", ["customer_id"], within="customer_id")


def test_the_payments_audit_asks_the_range_of_the_order_keys_its_lookups_read() -> None:
    suite = load_suite("silver", "payments")
    ranged = sorted({lookup.key_range for lookup in suite.lookups if lookup.key_range})
    assert ranged == ["order_id"]
    scope = _scope()
    assert "min(order_id), max(order_id)" in scope.key_range_sql(ranged)
    scope.set_key_ranges(ranged, ["7", "9"])
    batch = scope.batch_sql(suite)
    assert batch.count("order_id between 7 and 9") == 3  # silver orders, bronze's deleted ones, the items


def test_a_complete_staging_is_read_alone_not_beside_a_published_table_in_another_layout() -> None:
    scope = _scope()
    scope.plans[("silver", "order_items")].complete = True  # a snapshot rebuilt it whole
    sql = scope.relation("silver", "order_items", ["order_id"])
    assert "union all" not in sql and "silver.order_items" not in sql
    assert "staging.silver_order_items_run1" in sql
