"""The audit's verdicts: what fails a staged dataset, and what the failure message says."""

from __future__ import annotations

from lakehouse.wap.audit import audit
from lakehouse.wap.plan import StagePlan


class CannedCounts:
    """Answers the audit's three queries by their file name (unit scope; the SQL itself runs in e2e tests)."""

    def __init__(
        self, rows_by_partition: dict[str, int], null_keys: int = 0, duplicate_keys: int = 0
    ) -> None:
        self.rows_by_partition = rows_by_partition
        self.null_keys = null_keys
        self.duplicate_keys = duplicate_keys

    def rows(self, sql: str, database: str) -> list[list[str]]:
        if "having count(*) > 1" in sql:
            return [[str(self.duplicate_keys)]]
        if "is null" in sql:
            return [[str(self.null_keys)]]
        return [[k, str(v)] for k, v in self.rows_by_partition.items()]


def _plan(**changes) -> StagePlan:
    base = {
        "layer": "silver",
        "name": "orders",
        "live_database": "silver",
        "live_location": "s3://lake/silver/orders/",
        "staging_database": "staging",
        "temp_table": "silver_orders_x",
        "location": "s3://lake/silver/orders/_runs/x/",
        "partition_column": "order_date",
        "key_columns": ["order_id"],
        "partitions": ["2026-11-01"],
    }
    return StagePlan(**{**base, **changes})


def test_clean_staged_data_passes() -> None:
    result = audit(_plan(), CannedCounts({"2026-11-01": 40}))
    assert result.passed and result.rows == 40


def test_duplicate_and_null_keys_fail_with_counts_named() -> None:
    plan = _plan()
    result = audit(plan, CannedCounts({"2026-11-01": 40}, null_keys=2, duplicate_keys=3))
    assert not result.passed
    message = result.message(plan)
    assert "audit of silver.orders failed (40 staged rows; partitions 2026-11-01)" in message
    assert "null_keys: 2 rows with a null key (order_id)" in message
    assert "duplicate_keys: 3 duplicated keys (order_id)" in message


def test_change_records_without_a_business_date_fail_the_audit() -> None:
    plan = _plan(records_without_business_date=5)
    result = audit(plan, CannedCounts({"2026-11-01": 40}))
    assert result.failures == [
        "business_date: 5 change records have no business date and cannot be placed in a partition"
    ]


def test_an_empty_whole_table_dataset_fails_but_an_empty_partition_does_not() -> None:
    assert not audit(_plan(partition_column=None, partitions=[]), CannedCounts({})).passed
    assert audit(_plan(), CannedCounts({})).passed
