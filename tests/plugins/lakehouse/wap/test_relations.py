"""A dataset as it will be once the run publishes, read over HTTP from the local Athena: the staged
rows of the partitions the run rewrites, the published rows of the others, each side pruned."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aws_helpers import Lake

from lakehouse.wap.plan import StagePlan
from lakehouse.wap.relations import Pending

D1, D2, D3 = "2024-01-01", "2024-01-02", "2024-01-03"


def _staged(lake: Lake, *, complete: bool = False) -> Pending:
    """Published `orders`: D1 (ids 1, 2) and D2 (id 3); staged: D2 rewritten (id 30), D3 new (id 4)."""
    lake.orders_by_day()
    lake.ok(
        f"CREATE TABLE orders_staged WITH (format = 'PARQUET', external_location = "
        f"'s3://{lake.bucket}/staged/orders/', partitioned_by = ARRAY['dt']) AS "
        f"SELECT * FROM (VALUES (30, 45.0, '{D2}'), (4, 6.0, '{D3}')) AS t(id, amount, dt)"
    )
    plan = StagePlan(
        layer="silver",
        name="orders",
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/raw/orders/",
        staging_database=lake.database,
        temp_table="orders_staged",
        location=f"s3://{lake.bucket}/staged/orders/",
        partition_column="dt",
        key_columns=["id"],
        partitions=[D2, D3],
        complete=complete,
    )
    return Pending(SimpleNamespace(silver=lake.database), {("silver", "orders"): plan})


def _ids(lake: Lake, sql: str) -> list[tuple[int, str]]:
    return sorted((int(row[0]), row[1]) for row in lake.ok(f"select id, dt from ({sql}) as r").rows)


def _scanned(lake: Lake, sql: str) -> int:
    return int(lake.ok(sql).execution["Statistics"]["DataScannedInBytes"])


def test_the_rewritten_partitions_come_from_the_staged_rows_and_the_rest_from_the_published(
    lake: Lake,
) -> None:
    relation = _staged(lake)
    sql = relation("silver", "orders", ["id", "dt"], [D1, D2, D3], "dt")
    assert _ids(lake, sql) == [(1, D1), (2, D1), (4, D3), (30, D2)]  # D2's published id 3 is replaced
    assert _ids(lake, relation("silver", "orders", ["id", "dt"])) == [(1, D1), (2, D1), (4, D3), (30, D2)]


def test_each_side_reads_only_the_partitions_asked_of_it(lake: Lake) -> None:
    relation = _staged(lake)
    published_only = relation("silver", "orders", ["id", "dt"], [D1], "dt")
    assert "orders_staged" not in published_only
    assert _ids(lake, published_only) == [(1, D1), (2, D1)]
    staged_only = relation("silver", "orders", ["id", "dt"], [D3], "dt")
    assert f"{lake.database}.orders " not in staged_only + " "
    assert _ids(lake, staged_only) == [(4, D3)]
    # billed as Athena bills it: the staged side's one partition, nothing of the published table
    alone = f"select id, dt from {lake.database}.orders_staged where dt in ('{D3}')"
    assert _scanned(lake, f"select id, dt from ({staged_only}) as r") == _scanned(lake, alone)
    both = relation("silver", "orders", ["id", "dt"], [D1, D3], "dt")
    published_d1 = f"select id, dt from {lake.database}.orders where dt in ('{D1}')"
    assert _scanned(lake, f"select id, dt from ({both}) as r") == _scanned(lake, alone) + _scanned(
        lake, published_d1
    )


def test_a_complete_staging_is_the_whole_dataset_and_nothing_published_is_read(lake: Lake) -> None:
    relation = _staged(lake, complete=True)
    assert _ids(lake, relation("silver", "orders", ["id", "dt"], [D1, D2, D3], "dt")) == [(4, D3), (30, D2)]


def test_a_dataset_the_run_does_not_stage_is_read_as_published(lake: Lake) -> None:
    lake.orders_by_day()
    relation = Pending(SimpleNamespace(silver=lake.database))
    assert _ids(lake, relation("silver", "orders", ["id", "dt"], [D2], "dt")) == [(3, D2)]


def test_partitions_without_their_column_or_none_at_all_are_refused() -> None:
    relation = Pending(SimpleNamespace(silver="silver"))
    with pytest.raises(ValueError, match=r"silver\.orders"):
        relation("silver", "orders", ["id"], ["2024-01-01"])
    with pytest.raises(ValueError, match=r"silver\.orders"):
        relation("silver", "orders", ["id"], [], "dt")
