"""Trino's timestamp precision and time zones, worked out from the statement (trino_temporal)."""

from __future__ import annotations

import datetime as dt

import pytest

from local.aws import translate
from local.aws.coltypes import format_timestamp
from local.aws.errors import AthenaError
from local.aws.trino_temporal import Shape, canonical_zone


def _shapes(sql: str, schema: translate.Schema | None = None) -> list[Shape | None]:
    tree = translate.parse(sql)
    translate.normalize_tables(tree, "db")
    return list(translate.translate_query(tree, schema).shapes)


SCHEMA: translate.Schema = {"db": {"t": {"ts": "timestamp", "n": "int"}}}


@pytest.mark.parametrize(
    ("sql", "precision"),
    [
        ("SELECT TIMESTAMP '2024-01-02 03:04:05'", 0),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.12'", 2),
        ("SELECT CAST('2024-01-02' AS timestamp)", 3),
        ("SELECT CAST(ts AS timestamp(6)) FROM t", 6),
        ("SELECT ts FROM t", 3),
        ("SELECT date_add('day', 1, TIMESTAMP '2024-01-02 03:04:05.1')", 1),
        ("SELECT max(TIMESTAMP '2024-01-02 03:04:05')", 0),
        ("SELECT date_parse('2024', '%Y')", 3),
        ("WITH c AS (SELECT TIMESTAMP '2024-01-02 03:04:05.1234' AS x) SELECT x FROM c", 4),
        ("SELECT x FROM (VALUES TIMESTAMP '2024-01-02 03:04:05') v(x)", 0),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05' UNION ALL SELECT TIMESTAMP '2024-01-02 03:04:05.12'", 2),
    ],
)
def test_a_timestamp_column_has_the_precision_trino_types_its_expression_with(
    sql: str, precision: int
) -> None:
    (shape,) = _shapes(sql, SCHEMA)
    assert shape is not None and shape.precision == precision


def test_columns_of_other_types_and_star_selects_have_no_shape() -> None:
    assert _shapes("SELECT n, 'x' FROM t", SCHEMA) == [None, None]
    assert _shapes("SELECT * FROM t", SCHEMA) == []


@pytest.mark.parametrize(
    ("sql", "zone"),
    [
        ("SELECT at_timezone(ts, 'america/new_york') FROM t", "America/New_York"),
        ("SELECT ts AT TIME ZONE '+05:30' FROM t", "+05:30"),
        ("SELECT with_timezone(ts, 'Etc/UTC') FROM t", "UTC"),
        ("SELECT from_unixtime(0, -3, 30)", "-03:30"),
        ("SELECT date_trunc('day', at_timezone(ts, 'Asia/Tokyo')) FROM t", "Asia/Tokyo"),
        ("SELECT from_iso8601_timestamp('2020-05-11T11:15:05-07:00')", "-07:00"),
        ("SELECT current_timestamp", "UTC"),
    ],
)
def test_a_zoned_column_prints_in_the_zone_its_expression_names(sql: str, zone: str) -> None:
    (shape,) = _shapes(sql, SCHEMA)
    assert shape is not None and shape.zone == zone


def test_a_zone_trino_does_not_know_fails_as_trino_fails_it() -> None:
    with pytest.raises(AthenaError) as err:
        canonical_zone("Mars/Olympus_Mons")
    assert err.value.name == "INVALID_FUNCTION_ARGUMENT"


def test_a_zone_computed_per_row_fails_not_supported_rather_than_printing_utc() -> None:
    with pytest.raises(AthenaError) as err:
        _shapes("SELECT at_timezone(ts, CAST(n AS varchar)) FROM t", SCHEMA)
    assert err.value.name == "NOT_SUPPORTED" and "at_timezone" in err.value.message


@pytest.mark.parametrize(
    ("value", "shape", "text"),
    [
        (dt.datetime(2024, 1, 2, 3, 4, 5, 123456), Shape(3), "2024-01-02 03:04:05.123"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, 999600), Shape(3), "2024-01-02 03:04:06.000"),
        (dt.datetime(2024, 12, 31, 23, 59, 59, 999999), Shape(0), "2025-01-01 00:00:00"),
        (dt.datetime(2024, 1, 2, 3, 4, 5), Shape(6), "2024-01-02 03:04:05.000000"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, 100000), Shape(1), "2024-01-02 03:04:05.1"),
        (dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC), Shape(3, "UTC"), "2024-01-01 12:00:00.000 UTC"),
        (
            dt.datetime(2024, 7, 1, 12, tzinfo=dt.UTC),
            Shape(0, "America/New_York"),
            "2024-07-01 08:00:00 America/New_York",
        ),
        (dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC), Shape(3, "+05:30"), "2024-01-01 17:30:00.000 +05:30"),
    ],
)
def test_timestamps_print_rounded_half_up_to_their_precision_in_their_zone(
    value: dt.datetime, shape: Shape, text: str
) -> None:
    assert format_timestamp(value, shape) == text
