"""DataScannedInBytes is what Athena bills: the Parquet column chunks a query reads, in the
partitions its filters keep; never whole files of whole tables."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_helpers import Lake

DAYS = ("2026-01-01", "2026-01-02", "2026-01-03")


@pytest.fixture
def sales(lake: Lake) -> dict[str, dict[str, int]]:
    """`sales` (id, note, amount) by dt, three days; each day's column-chunk bytes, by column."""
    sizes: dict[str, dict[str, int]] = {}
    for n, day in enumerate(DAYS):
        table = pa.table(
            {
                "id": list(range(n * 500, n * 500 + 500)),
                "note": [f"a longer note of some length {i}" * 3 for i in range(500)],
                "amount": [i * 1.25 for i in range(500)],
            }
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        lake.s3.put_object(Bucket=lake.bucket, Key=f"sales/dt={day}/part-0.parquet", Body=buffer.getvalue())
        metadata = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
        row_group = metadata.row_group(0)
        sizes[day] = {
            row_group.column(i).path_in_schema: row_group.column(i).total_compressed_size
            for i in range(row_group.num_columns)
        }
    lake.ok(
        "CREATE EXTERNAL TABLE sales (id bigint, note string, amount double) PARTITIONED BY (dt string) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/sales/'"
    )
    lake.ok("MSCK REPAIR TABLE sales")
    return sizes


def scanned(lake: Lake, sql: str) -> int:
    return int(lake.ok(sql).execution["Statistics"]["DataScannedInBytes"])


def chunks(sizes: dict[str, dict[str, int]], columns: tuple[str, ...], days: tuple[str, ...] = DAYS) -> int:
    return sum(sizes[day][column] for day in days for column in columns)


def test_a_query_is_charged_the_columns_it_names_not_the_whole_files(lake: Lake, sales) -> None:
    assert scanned(lake, "select sum(amount) from sales") == chunks(sales, ("amount",))
    assert scanned(lake, "select id, amount from sales where amount > 3") == chunks(sales, ("id", "amount"))
    assert scanned(lake, "select * from sales") == chunks(sales, ("id", "note", "amount"))


def test_partition_filters_leave_out_the_partitions_they_exclude(lake: Lake, sales) -> None:
    one = ("2026-01-02",)
    assert scanned(lake, "select sum(amount) from sales where dt = '2026-01-02'") == chunks(
        sales, ("amount",), one
    )
    two = ("2026-01-01", "2026-01-03")
    assert scanned(
        lake, "select sum(amount) from sales where dt in ('2026-01-01', '2026-01-03') and amount > 0"
    ) == chunks(sales, ("amount",), two)
    later = ("2026-01-02", "2026-01-03")
    assert scanned(lake, "select count(id) from sales where dt >= '2026-01-02'") == chunks(
        sales, ("id",), later
    )
    assert scanned(
        lake, "select count(id) from sales where dt between '2026-01-01' and '2026-01-02'"
    ) == chunks(sales, ("id",), DAYS[:2])


def test_a_filter_on_a_partition_inside_a_cte_prunes_that_reference(lake: Lake, sales) -> None:
    sql = """
        with day as (select id, amount from sales where dt = '2026-01-03'),
             everything as (select id from sales)
        select count(*) from day join everything using (id)
    """
    assert scanned(lake, sql) == chunks(sales, ("id", "amount"), ("2026-01-03",)) + chunks(sales, ("id",))


def test_a_cte_after_another_prunes_by_its_own_unqualified_filter(lake: Lake, sales) -> None:
    sql = """
        with everything as (select id from sales),
             day as (select id, amount from sales where dt in ('2026-01-02'))
        select count(*) from everything join day using (id)
    """
    assert scanned(lake, sql) == chunks(sales, ("id",)) + chunks(sales, ("id", "amount"), ("2026-01-02",))


def test_a_filter_it_cannot_read_prunes_nothing(lake: Lake, sales) -> None:
    assert scanned(lake, "select sum(amount) from sales where substr(dt, 9, 2) = '02'") == chunks(
        sales, ("amount",)
    )


def test_a_partition_key_alone_reads_no_column(lake: Lake, sales) -> None:
    assert scanned(lake, "select distinct dt from sales") == 0


@pytest.fixture
def events(lake: Lake) -> list[dict[str, int]]:
    """`events` (id, note): one file of 4 row groups of 250 rows, ids 0-999 in order; each row
    group's column-chunk bytes, by column."""
    table = pa.table(
        {"id": list(range(1000)), "note": [f"a note that takes some room {i}" * 2 for i in range(1000)]}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=250)
    lake.s3.put_object(Bucket=lake.bucket, Key="events/part-0.parquet", Body=buffer.getvalue())
    lake.ok(
        "CREATE EXTERNAL TABLE events (id bigint, note string) STORED AS PARQUET"
        f" LOCATION 's3://{lake.bucket}/events/'"
    )
    metadata = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
    return [
        {
            metadata.row_group(g).column(i).path_in_schema: metadata.row_group(g)
            .column(i)
            .total_compressed_size
            for i in range(2)
        }
        for g in range(metadata.num_row_groups)
    ]


def test_a_range_on_a_numeric_column_skips_the_row_groups_its_statistics_rule_out(lake: Lake, events) -> None:
    def groups(*indexes: int) -> int:
        return sum(events[g]["id"] + events[g]["note"] for g in indexes)

    assert len(events) == 4
    assert scanned(lake, "select note from events where id between 600 and 700") == groups(2)
    assert scanned(lake, "select note from events where id >= 499") == groups(1, 2, 3)
    assert scanned(lake, "select note from events where id in (10, 900)") == groups(0, 3)
    assert scanned(lake, "select note from events where id > 2000") == 0
    # what statistics cannot decide reads every row group
    assert scanned(lake, "select note from events where id + 1 = 700") == groups(0, 1, 2, 3)
    assert scanned(lake, "select note from events where note = 'x'") == sum(g["note"] for g in events)
