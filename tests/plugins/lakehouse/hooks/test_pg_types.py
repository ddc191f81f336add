"""The Postgres-to-Arrow type map: each mapped type, the casts it sends, and clear refusals."""

from __future__ import annotations

import pyarrow as pa
import pytest

from lakehouse.hooks.pg_types import CatalogColumn, UnsupportedColumnType, plan_column


def column(typname: str, typmod: int = -1, typtype: str = "b", **kwargs: str) -> CatalogColumn:
    return CatalogColumn("c", typname, typtype, typmod, kwargs.pop("declared", typname), **kwargs)


def numeric_typmod(precision: int, scale: int) -> int:
    return ((precision << 16) | scale) + 4


@pytest.mark.parametrize(
    ("catalog", "arrow", "select_sql"),
    [
        (column("int2"), pa.int16(), '"c"'),
        (column("int4"), pa.int32(), '"c"'),
        (column("int8"), pa.int64(), '"c"'),
        (column("numeric", numeric_typmod(12, 2)), pa.decimal128(12, 2), '"c"'),
        (column("numeric", numeric_typmod(60, 10)), pa.decimal256(60, 10), '"c"'),
        (column("timestamptz"), pa.timestamp("us", tz="UTC"), '"c"'),
        (column("timestamp"), pa.timestamp("us"), '"c"'),
        (column("uuid"), pa.string(), '"c"::text'),
        (column("jsonb"), pa.string(), '"c"::text'),
        (column("mood", typtype="e"), pa.string(), '"c"::text'),
        (column("_int4", elem_typname="int4", elem_typtype="b"), pa.list_(pa.int32()), '"c"'),
        (column("_mood", elem_typname="mood", elem_typtype="e"), pa.list_(pa.string()), '"c"::text[]'),
        (
            column("_numeric", numeric_typmod(10, 2), elem_typname="numeric", elem_typtype="b"),
            pa.list_(pa.decimal128(10, 2)),
            '"c"::text[]',
        ),
    ],
)
def test_each_mapped_type_gets_its_arrow_type_and_cast(
    catalog: CatalogColumn, arrow, select_sql: str
) -> None:
    planned = plan_column(catalog)
    assert planned.arrow_type() == arrow
    assert planned.select_sql == select_sql


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        (column("interval", declared="interval"), "column 'c' has type interval"),
        (column("numeric", declared="numeric"), "column 'c' is numeric without a declared precision"),
        (column("point", declared="point"), "column 'c' has type point"),
        (column("_interval", elem_typname="interval", elem_typtype="b", declared="interval[]"), "interval[]"),
    ],
)
def test_unsupported_types_fail_naming_the_column(catalog: CatalogColumn, message: str) -> None:
    with pytest.raises(UnsupportedColumnType, match=message.replace("[", r"\[").replace("]", r"\]")):
        plan_column(catalog)


def test_identifiers_are_quoted_so_odd_column_names_cannot_inject_sql() -> None:
    planned = plan_column(CatalogColumn('a"; drop table x; --', "int4", "b", -1, "integer"))
    assert planned.select_sql == '"a""; drop table x; --"'
