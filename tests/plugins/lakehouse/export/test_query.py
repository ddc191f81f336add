"""The export's SELECT: windows, and the page ranges that parallel readers split a table into."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lakehouse.export.query import ExportRequest, build_query
from lakehouse.hooks.pg_types import ExportColumn

COLUMNS = [
    ExportColumn("id", '"id"', ("int64",), "bigint"),
    ExportColumn("updated_at", '"updated_at"', ("timestamptz",), "timestamp with time zone"),
]
DAY = datetime(2024, 3, 1, tzinfo=UTC)


def test_page_ranges_add_tid_bounds_and_the_last_range_runs_to_the_end_of_the_table() -> None:
    query = build_query(ExportRequest("public", "events", mode="full"), COLUMNS)

    assert query.page_range_sql(0, 100) == (
        'select "id", "updated_at" from "public"."events"'
        " where ctid >= '(0,0)'::tid and ctid < '(100,0)'::tid"
    )
    assert query.page_range_sql(100, None) == (
        'select "id", "updated_at" from "public"."events" where ctid >= \'(100,0)\'::tid'
    )
    assert query.select_sql == 'select "id", "updated_at" from "public"."events"', "unchanged"


def test_page_ranges_keep_the_window_of_an_incremental_query() -> None:
    request = ExportRequest(
        "public", "events", cursor_column="updated_at", window_start=DAY, window_end=DAY + timedelta(days=1)
    )
    query = build_query(request, COLUMNS)

    ranged = query.page_range_sql(5, 9)
    assert ranged.startswith(query.select_sql + " and ")
    assert ranged.endswith("ctid >= '(5,0)'::tid and ctid < '(9,0)'::tid")
    assert query.from_where_sql == (
        '"public"."events" where "updated_at" >= \'2024-03-01T00:00:00+00:00\'::timestamptz'
        " and \"updated_at\" < '2024-03-02T00:00:00+00:00'::timestamptz"
    )


@pytest.mark.parametrize(("first", "end"), [(-1, 5), (5, 5), (9, 5)])
def test_an_empty_or_negative_page_range_is_refused(first: int, end: int) -> None:
    query = build_query(ExportRequest("public", "events", mode="full"), COLUMNS)
    with pytest.raises(ValueError, match=rf"bad page range \[{first}, {end}\)"):
        query.page_range_sql(first, end)
