"""Athena conformance statements for dates, times and time zones.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {
    "dates and times": [
        ("SELECT date_add('day', 1, DATE '2024-02-28')", [["2024-02-29"]], ["date"]),
        ("SELECT date_add('month', 1, DATE '2024-01-31')", [["2024-02-29"]], ["date"]),
        (
            "SELECT date_add('hour', 2, TIMESTAMP '2024-01-01 23:00:00')",
            [["2024-01-02 01:00:00.000"]],
            ["timestamp"],
        ),
        ("SELECT DATE '2024-01-31' + INTERVAL '1' DAY", [["2024-02-01"]], ["date"]),
        ("SELECT DATE '2024-03-01' - INTERVAL '1' MONTH", [["2024-02-01"]], ["date"]),
        ("SELECT date_trunc('month', DATE '2024-03-15')", [["2024-03-01"]], ["date"]),
        (
            "SELECT date_trunc('hour', TIMESTAMP '2024-03-15 10:42:00')",
            [["2024-03-15 10:00:00.000"]],
            ["timestamp"],
        ),
        ("SELECT date_diff('day', DATE '2024-01-01', DATE '2024-03-01')", [["60"]], ["bigint"]),
        ("SELECT date_diff('month', DATE '2024-01-15', DATE '2024-03-14')", [["1"]], None),
        ("SELECT date_diff('year', DATE '2020-06-01', DATE '2024-05-31')", [["3"]], None),
        (
            "SELECT date_diff('hour', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 05:59:00')",
            [["5"]],
            None,
        ),
        (
            "SELECT format_datetime(TIMESTAMP '2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')",
            [["2024-01-02 03:04:05"]],
            None,
        ),
        ("SELECT format_datetime(DATE '2024-07-04', 'yyyyMMdd')", [["20240704"]], None),
        (
            "SELECT format_datetime(TIMESTAMP '2024-01-02 15:04:05', 'dd/MM/yy hh:mm a')",
            [["02/01/24 03:04 PM"]],
            None,
        ),
        (
            "SELECT parse_datetime('2024-01-02 03:04', 'yyyy-MM-dd HH:mm')",
            [["2024-01-02 03:04:00.000 UTC"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT date_format(TIMESTAMP '2024-01-02 03:04:05', '%Y-%m-%d %H:%i:%s')",
            [["2024-01-02 03:04:05"]],
            None,
        ),
        ("SELECT date_parse('20240102', '%Y%m%d')", [["2024-01-02 00:00:00.000"]], ["timestamp"]),
        (
            "SELECT year(DATE '2024-03-17'), month(DATE '2024-03-17'), day(DATE '2024-03-17')",
            [["2024", "3", "17"]],
            None,
        ),
        ("SELECT day_of_week(DATE '2024-03-17'), day_of_year(DATE '2024-02-01')", [["7", "32"]], None),
        ("SELECT quarter(DATE '2024-05-01'), week(DATE '2024-01-10')", [["2", "2"]], None),
        ("SELECT last_day_of_month(DATE '2024-02-10')", [["2024-02-29"]], ["date"]),
        ("SELECT from_unixtime(86400)", [["1970-01-02 00:00:00.000 UTC"]], None),
        ("SELECT to_unixtime(TIMESTAMP '1970-01-02 00:00:00')", [["86400.0"]], ["double"]),
        ("SELECT from_iso8601_date('2024-01-02')", [["2024-01-02"]], ["date"]),
        ("SELECT CAST('2024-01-02' AS date)", [["2024-01-02"]], ["date"]),
        ("SELECT CAST(TIMESTAMP '2024-01-02 10:00:00' AS date)", [["2024-01-02"]], ["date"]),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.123'", [["2024-01-02 03:04:05.123"]], ["timestamp"]),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "dates and times": [],
}
