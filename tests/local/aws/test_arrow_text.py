"""A result rendered by Arrow reads exactly as the row-by-row renderer writes it, rows and CSV."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from aws_helpers import Lake

from local.aws import arrow_text
from local.aws.athena_api import _csv_line
from local.aws.coltypes import format_rows
from local.aws.result_rows import TextTable
from local.aws.trino_temporal import TIME_KIND, Shape

# every type arrow_text renders, with nulls, signs, rounding edges and text CSV must quote
VALUES = """
select * from (values
    (1::tinyint, -2::smallint, 3::integer, (-9223372036854775807 - 1)::bigint,
     170141183460469231731687303715884105727::hugeint,
     255::utinyint, 'plain', true, date '2026-11-02', 12.30::decimal(12,2), -0.5::decimal(5,3),
     timestamp '2026-11-02 10:11:12.345678', timestamp '2026-12-31 23:59:59.9996', 1.5::double, 0.1::real),
    (null, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
    (0::tinyint, 0::smallint, 0::integer, 9223372036854775807::bigint, -1::hugeint,
     0::utinyint, 'a "quoted", comma' || chr(10) || 'line', false, date '1970-01-01', 0.00::decimal(12,2),
     99.999::decimal(5,3), timestamp '1969-12-31 23:59:59.9995', timestamp '2026-01-01 00:00:00.0005',
     1e300::double, 3.4e38::real),
    (-1::tinyint, 1::smallint, -1::integer, 0::bigint, 0::hugeint, 1::utinyint, '', true, date '2000-02-29',
     -1234567890.12::decimal(12,2), 0.001::decimal(5,3), timestamp '2026-11-02 10:11:12',
     timestamp '2026-11-02 10:11:12.0004999', -0.0::double, 1e-7::real)
) as t(ti, si, i, bi, hi, ut, s, b, d, dec, dec3, ts, ts_edge, db, rl)
"""


def _both(sql: str, shapes: list[Shape | None]) -> tuple[list[list[str | None]], TextTable]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rel = con.sql(sql)
    renders = arrow_text.formatters(rel.types, shapes)
    assert renders is not None, "every column here is one Arrow renders"
    expected = format_rows(con.execute(sql).fetchall(), rel.types, shapes)
    chunks = (
        [render(column) for render, column in zip(renders, batch.columns, strict=True)]
        for batch in rel.to_arrow_reader(2)
    )
    return expected, TextTable.build(chunks, Path("/nonexistent/never-spilled.arrow"), spill_over=10**9)


def test_arrow_renders_every_supported_type_as_the_row_renderer_does() -> None:
    width = len(duckdb.connect().sql(VALUES).columns)
    expected, table = _both(VALUES, [None] * width)
    assert list(table) == expected
    assert expected[0][11] == "2026-11-02 10:11:12.346"  # rounded half up to timestamp(3)
    assert expected[0][12] == "2027-01-01 00:00:00.000"  # rounding carries into the next year


@pytest.mark.parametrize("precision", range(10))
def test_a_timestamp_of_each_precision_rounds_and_pads_as_trino_prints_it(precision: int) -> None:
    sql = (
        "select * from (values (timestamp '2026-11-02 10:11:12.123456'),"
        " (timestamp '2026-11-02 10:11:12.999999'),"
        " (timestamp '1960-05-06 07:08:09.5'), (timestamp '2026-11-02 23:59:59.950001'), (null)) as t(ts)"
    )
    expected, table = _both(sql, [Shape(precision)])
    assert list(table) == expected


def test_a_column_only_the_row_renderer_knows_sends_the_whole_result_there() -> None:
    con = duckdb.connect()
    nested = con.sql("select 1 as n, [1, 2] as xs")
    zoned = con.sql("select 1 as n, timestamptz '2026-11-02 10:11:12+00' as ts")
    assert arrow_text.formatters(nested.types, [None, None]) is None
    assert arrow_text.formatters(zoned.types, [None, None]) is None
    time_shaped = con.sql("select time '10:11:12' as t")
    assert arrow_text.formatters(time_shaped.types, [Shape(3, kind=TIME_KIND)]) is None


def test_a_spilled_table_reads_back_as_it_was_written_and_its_csv_is_athenas(tmp_path: Path) -> None:
    import pyarrow as pa

    rows = [[str(n), None if n % 7 == 0 else f'v"{n}', ""] for n in range(2500)]
    chunks = (
        [pa.array([row[i] for row in rows[start : start + 300]], pa.string()) for i in range(3)]
        for start in range(0, len(rows), 300)
    )
    table = TextTable.build(chunks, tmp_path / "r.arrow", spill_over=1000)
    assert (tmp_path / "r.arrow").exists()
    assert len(table) == 2500 and list(table) == rows
    assert table[299:901] == rows[299:901] and table[2400:9999] == rows[2400:] and table[5:5] == []
    assert table[-1] == rows[-1] and table[300] == rows[300]
    names = ["n", "value", "empty"]
    expected = "\n".join([_csv_line(names), *(_csv_line(row) for row in rows)]) + "\n"
    assert table.csv(names) == expected.encode()


def test_a_large_result_of_timestamps_and_decimals_pages_and_writes_as_athena_does(lake: Lake) -> None:
    outcome = lake.ok(
        "select n, cast(n as decimal(12,2)) / 100 as amount,"
        " timestamp '2026-01-01 00:00:00.000' + n * interval '1' second as at"
        " from (select a * 1000 + b as n from unnest(sequence(0, 11)) as x(a)"
        " cross join unnest(sequence(1, 1000)) as y(b)) order by n"
    )
    assert len(outcome.rows) == 12000
    assert outcome.rows[0] == ["1", "0.01", "2026-01-01 00:00:01.000"]
    assert outcome.rows[-1] == ["12000", "120.00", "2026-01-01 03:20:00.000"]
    location = outcome.execution["ResultConfiguration"]["OutputLocation"]
    bucket, key = location.removeprefix("s3://").split("/", 1)
    lines = lake.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    assert lines[:2] == ['"n","amount","at"', '"1","0.01","2026-01-01 00:00:01.000"']
    assert len(lines) == 12001 and lines[-1] == '"12000","120.00","2026-01-01 03:20:00.000"'
