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
            [["2024-01-02 01:00:00"]],
            ["timestamp"],
        ),
        ("SELECT DATE '2024-01-31' + INTERVAL '1' DAY", [["2024-02-01"]], ["date"]),
        ("SELECT DATE '2024-03-01' - INTERVAL '1' MONTH", [["2024-02-01"]], ["date"]),
        ("SELECT date_trunc('month', DATE '2024-03-15')", [["2024-03-01"]], ["date"]),
        (
            "SELECT date_trunc('hour', TIMESTAMP '2024-03-15 10:42:00.000')",
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
        # -- ISO days and weeks (extract(DOW) is ISO in Trino: Sunday is 7) --
        ("SELECT extract(DOW FROM DATE '2024-03-17')", [["7"]], ["bigint"]),
        ("SELECT extract(DAY_OF_WEEK FROM DATE '2024-03-18')", [["1"]], None),
        ("SELECT dow(DATE '2024-03-16'), doy(DATE '2024-12-31')", [["6", "366"]], None),
        ("SELECT extract(DOY FROM DATE '2024-02-01')", [["32"]], None),
        ("SELECT week_of_year(DATE '2021-01-01'), year_of_week(DATE '2021-01-01')", [["53", "2020"]], None),
        ("SELECT yow(DATE '2024-12-30'), week(DATE '2024-12-30')", [["2025", "1"]], None),
        (
            "SELECT extract(YEAR FROM DATE '2024-03-17'), extract(QUARTER FROM DATE '2024-03-17')",
            [["2024", "1"]],
            None,
        ),
        ("SELECT day_of_month(DATE '2024-03-17'), extract(DAY FROM DATE '2024-03-17')", [["17", "17"]], None),
        (
            "SELECT hour(TIMESTAMP '2024-01-02 03:04:05.678'), minute(TIMESTAMP '2024-01-02 03:04:05.678'),"
            " second(TIMESTAMP '2024-01-02 03:04:05.678'), millisecond(TIMESTAMP '2024-01-02 03:04:05.678')",
            [["3", "4", "5", "678"]],
            None,
        ),
        ("SELECT extract(SECOND FROM TIMESTAMP '2024-01-02 03:04:05.678')", [["5"]], ["bigint"]),
        # -- timestamp precision follows the expression (Trino prints as many digits as the type has) --
        ("SELECT TIMESTAMP '2024-01-02 03:04:05'", [["2024-01-02 03:04:05"]], ["timestamp"]),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.1'", [["2024-01-02 03:04:05.1"]], None),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.123456'", [["2024-01-02 03:04:05.123456"]], None),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.12' + INTERVAL '1' HOUR", [["2024-01-02 04:04:05.12"]], None),
        ("SELECT CAST('2024-01-02 03:04:05' AS timestamp)", [["2024-01-02 03:04:05.000"]], None),
        (
            "SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.123456' AS timestamp(3))",
            [["2024-01-02 03:04:05.123"]],
            None,
        ),
        (
            "SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.9999' AS timestamp(3))",
            [["2024-01-02 03:04:06.000"]],
            None,
        ),
        (
            "SELECT CAST(TIMESTAMP '2024-01-02 03:04:05' AS timestamp(6))",
            [["2024-01-02 03:04:05.000000"]],
            None,
        ),
        (
            "SELECT t FROM (VALUES TIMESTAMP '2024-01-02 03:04:05',"
            " TIMESTAMP '2024-01-03 00:00:00') v(t) ORDER BY t",
            [["2024-01-02 03:04:05"], ["2024-01-03 00:00:00"]],
            None,
        ),
        (
            "WITH c AS (SELECT TIMESTAMP '2024-01-02 03:04:05.12' AS t) SELECT max(t) FROM c",
            [["2024-01-02 03:04:05.12"]],
            None,
        ),
        (
            "SELECT TIMESTAMP '2024-01-02 03:04:05' UNION ALL SELECT TIMESTAMP '2024-01-02 03:04:05.123'",
            [["2024-01-02 03:04:05.000"], ["2024-01-02 03:04:05.123"]],
            None,
        ),
        # -- sequence over dates yields dates, a day apart either way by default --
        (
            "SELECT sequence(DATE '2024-01-01', DATE '2024-01-03')",
            [["[2024-01-01, 2024-01-02, 2024-01-03]"]],
            ["array"],
        ),
        (
            "SELECT sequence(DATE '2024-01-03', DATE '2024-01-01')",
            [["[2024-01-03, 2024-01-02, 2024-01-01]"]],
            None,
        ),
        (
            "SELECT sequence(DATE '2024-01-31', DATE '2024-04-30', INTERVAL '1' MONTH)",
            [["[2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30]"]],
            None,
        ),
        ("SELECT cardinality(sequence(DATE '2024-01-01', DATE '2024-12-31'))", [["366"]], None),
        (
            "SELECT sequence(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 02:00:00',"
            " INTERVAL '1' HOUR)",
            [["[2024-01-01 00:00:00.000, 2024-01-01 01:00:00.000, 2024-01-01 02:00:00.000]"]],
            None,
        ),
        # -- time zones: at_timezone and friends --
        (
            "SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'America/New_York')",
            [["2024-01-01 07:00:00.000 America/New_York"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT TIMESTAMP '2024-01-01 12:00:00.000 UTC' AT TIME ZONE 'Asia/Tokyo'",
            [["2024-01-01 21:00:00.000 Asia/Tokyo"]],
            None,
        ),
        (
            "SELECT with_timezone(TIMESTAMP '2024-01-01 12:00:00.000', 'Europe/Berlin')",
            [["2024-01-01 12:00:00.000 Europe/Berlin"]],
            None,
        ),
        (
            "SELECT to_unixtime(with_timezone(TIMESTAMP '1970-01-01 01:00:00', 'Europe/Berlin'))",
            [["0.0"]],
            None,
        ),
        ("SELECT hour(at_timezone(TIMESTAMP '2024-01-01 02:00:00 UTC', 'America/New_York'))", [["21"]], None),
        (
            "SELECT CAST(at_timezone(TIMESTAMP '2024-01-01 02:00:00 UTC', 'America/New_York') AS date)",
            [["2023-12-31"]],
            None,
        ),
        (
            "SELECT format_datetime(TIMESTAMP '2024-01-01 02:00:00 UTC' AT TIME ZONE "
            "'America/New_York', 'yyyy-MM-dd HH:mm')",
            [["2023-12-31 21:00"]],
            None,
        ),
        (
            "SELECT date_trunc('day', at_timezone(TIMESTAMP '2024-01-01 02:00:00.000 UTC',"
            " 'America/New_York'))",
            [["2023-12-31 00:00:00.000 America/New_York"]],
            None,
        ),
        (
            "SELECT date_add('day', 1, at_timezone(TIMESTAMP '2024-03-09 12:00:00.000 UTC',"
            " 'America/New_York'))",
            [["2024-03-10 07:00:00.000 America/New_York"]],
            None,
        ),
        (
            "SELECT at_timezone(TIMESTAMP '2024-01-01 02:00:00.000 UTC',"
            " 'Asia/Tokyo') = TIMESTAMP '2024-01-01 02:00:00 UTC'",
            [["true"]],
            None,
        ),
        (
            "SELECT from_unixtime(0, 'Asia/Kolkata'), from_unixtime(0, 5, 30)",
            [["1970-01-01 05:30:00.000 Asia/Kolkata", "1970-01-01 05:30:00.000 +05:30"]],
            None,
        ),
        (
            "SELECT timezone_hour(from_unixtime(0, 'Asia/Kolkata')), timezone_minute(from_unixtime(0,"
            " 'Asia/Kolkata'))",
            [["5", "30"]],
            None,
        ),
        (
            "SELECT timezone_hour(at_timezone(TIMESTAMP '2024-07-01 00:00:00 UTC', 'America/New_York'))",
            [["-4"]],
            None,
        ),
        ("SELECT current_timezone()", [["UTC"]], ["varchar"]),
        (
            "SELECT from_iso8601_timestamp('2020-05-11T11:15:05+02:00')",
            [["2020-05-11 11:15:05.000 +02:00"]],
            ["timestamp with time zone"],
        ),
        ("SELECT from_iso8601_timestamp('2020-05-11T11:15:05')", [["2020-05-11 11:15:05.000 UTC"]], None),
        (
            "SELECT TIMESTAMP '2024-01-02 03:04:05 America/New_York'",
            [["2024-01-02 03:04:05 America/New_York"]],
            None,
        ),
        # -- more of the reference --
        (
            "SELECT date_format(TIMESTAMP '2024-01-02 15:04:05', '%W %M %e, %Y %r')",
            [["Tuesday January 2, 2024 03:04:05 PM"]],
            None,
        ),
        (
            "SELECT date_parse('2024-01-02 15:04', '%Y-%m-%d %H:%i')",
            [["2024-01-02 15:04:00.000"]],
            ["timestamp"],
        ),
        ("SELECT to_iso8601(DATE '2024-01-02')", [["2024-01-02"]], None),
        (
            "SELECT last_day_of_month(DATE '2023-02-10'), last_day_of_month(DATE '2024-12-01')",
            [["2023-02-28", "2024-12-31"]],
            None,
        ),
        ("SELECT date_diff('week', DATE '2024-01-01', DATE '2024-01-15')", [["2"]], None),
        ("SELECT date_diff('day', DATE '2024-03-01', DATE '2024-01-01')", [["-60"]], None),
        (
            "SELECT date_diff('second', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:01:30')",
            [["90"]],
            None,
        ),
        ("SELECT date_add('quarter', 1, DATE '2024-11-30')", [["2025-02-28"]], ["date"]),
        ("SELECT date_add('week', -1, DATE '2024-01-03')", [["2023-12-27"]], None),
        ("SELECT date_trunc('week', DATE '2024-03-17')", [["2024-03-11"]], ["date"]),
        (
            "SELECT date_trunc('quarter', DATE '2024-05-17'), date_trunc('year', DATE '2024-05-17')",
            [["2024-04-01", "2024-01-01"]],
            None,
        ),
        ("SELECT date(TIMESTAMP '2024-01-02 23:59:59')", [["2024-01-02"]], ["date"]),
        ("SELECT from_unixtime(1.5)", [["1970-01-01 00:00:01.500 UTC"]], None),
        ("SELECT to_unixtime(TIMESTAMP '2024-01-01 00:00:00.500')", [["1.7040672005E9"]], None),
        (
            "SELECT DATE '2024-02-28' + INTERVAL '2' DAY, DATE '2024-03-31' - INTERVAL '1' MONTH",
            [["2024-03-01", "2024-02-29"]],
            None,
        ),
        (
            "SELECT DATE '2024-01-02' < DATE '2024-01-10',"
            " DATE '2024-01-02' BETWEEN DATE '2024-01-01' AND DATE '2024-01-31'",
            [["true", "true"]],
            None,
        ),
        ("SELECT CAST(DATE '2024-01-02' AS timestamp)", [["2024-01-02 00:00:00.000"]], ["timestamp"]),
        ("SELECT CAST(DATE '2024-01-02' AS varchar)", [["2024-01-02"]], ["varchar"]),
        ("SELECT date '2012-08-08' + interval '2' day", [["2012-08-10"]], ["date"]),
        ("SELECT time '01:00' + interval '3' hour", [["04:00:00"]], ["time"]),
        (
            "SELECT timestamp '2012-08-08 01:00' + interval '29' hour",
            [["2012-08-09 06:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT timestamp '2012-10-31 01:00' + interval '1' month",
            [["2012-11-30 01:00:00"]],
            ["timestamp"],
        ),
        ("SELECT interval '2' day + interval '3' hour", [["2 03:00:00.000"]], ["interval day to second"]),
        ("SELECT interval '3' year + interval '5' month", [["3-5"]], ["interval year to month"]),
        ("SELECT date '2012-08-08' - interval '2' day", [["2012-08-06"]], ["date"]),
        ("SELECT time '01:00' - interval '3' hour", [["22:00:00"]], ["time"]),
        (
            "SELECT timestamp '2012-08-08 01:00' - interval '29' hour",
            [["2012-08-06 20:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT timestamp '2012-10-31 01:00' - interval '1' month",
            [["2012-09-30 01:00:00"]],
            ["timestamp"],
        ),
        ("SELECT interval '2' day - interval '3' hour", [["1 21:00:00.000"]], ["interval day to second"]),
        ("SELECT interval '3' year - interval '5' month", [["2-7"]], ["interval year to month"]),
        (
            "SELECT timestamp '2012-10-31 01:00 UTC'",
            [["2012-10-31 01:00:00 UTC"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT timestamp '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles'",
            [["2012-10-30 18:00:00 America/Los_Angeles"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT from_iso8601_timestamp('2020-05-11')",
            [["2020-05-11 00:00:00.000 UTC"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')",
            [["2020-05-11 11:15:05.055 +01:00"]],
            ["timestamp with time zone"],
        ),
        ("SELECT from_iso8601_date('2020-05-11')", [["2020-05-11"]], ["date"]),
        ("SELECT from_iso8601_date('2020-W10')", [["2020-03-02"]], ["date"]),
        ("SELECT from_iso8601_date('2020-123')", [["2020-05-02"]], ["date"]),
        (
            "SELECT at_timezone(TIMESTAMP '2022-11-01 09:08:07.321', 'America/Los_Angeles')",
            [["2022-11-01 02:08:07.321 America/Los_Angeles"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT with_timezone(TIMESTAMP '2022-11-01 09:08:07.321', 'America/Los_Angeles')",
            [["2022-11-01 09:08:07.321 America/Los_Angeles"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT date_trunc('millisecond', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-22 03:04:05.321"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('second', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-22 03:04:05.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('minute', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-22 03:04:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('hour', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-22 03:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('day', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-22 00:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('week', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-20 00:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('month', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-08-01 00:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('quarter', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-07-01 00:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('year', TIMESTAMP '2001-08-22 03:04:05.321')",
            [["2001-01-01 00:00:00.000"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('day' , TIMESTAMP '2022-10-20 05:10:00')",
            [["2022-10-20 00:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('month' , TIMESTAMP '2022-10-20 05:10:00')",
            [["2022-10-01 00:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT date_trunc('year', TIMESTAMP '2022-10-20 05:10:00')",
            [["2022-01-01 00:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00')",
            [["2020-03-01 00:01:26"]],
            ["timestamp"],
        ),
        (
            "SELECT date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')",
            [["2020-03-01 09:00:00"]],
            ["timestamp"],
        ),
        (
            "SELECT date_add('day', -1, TIMESTAMP '2020-03-01 00:00:00 UTC')",
            [["2020-02-29 00:00:00 UTC"]],
            ["timestamp with time zone"],
        ),
        (
            "SELECT date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00')",
            [["86400"]],
            ["bigint"],
        ),
        (
            "SELECT date_diff('hour', TIMESTAMP '2020-03-01 00:00:00 UTC', TIMESTAMP '2020-03-02"
            " 00:00:00 UTC')",
            [["24"]],
            ["bigint"],
        ),
        ("SELECT date_diff('day', DATE '2020-03-01', DATE '2020-03-02')", [["1"]], ["bigint"]),
        (
            "SELECT date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H')",
            [["10-20-2022 05"]],
            ["varchar"],
        ),
        ("SELECT date_parse('2022/10/20/05', '%Y/%m/%d/%H')", [["2022-10-20 05:00:00.000"]], ["timestamp"]),
        ("SELECT extract(YEAR FROM TIMESTAMP '2022-10-20 05:10:00')", [["2022"]], ["bigint"]),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "dates and times": [
        (
            "SELECT sequence(DATE '2024-01-01', DATE '2024-01-03', INTERVAL '-1' DAY)",
            "INVALID_FUNCTION_ARGUMENT",
        ),
        ("SELECT at_timezone(TIMESTAMP '2024-01-01 00:00:00', 'Mars/Olympus')", "INVALID_FUNCTION_ARGUMENT"),
        (
            "SELECT at_timezone(TIMESTAMP '2024-01-01 00:00:00', zone) FROM (VALUES 'UTC') t(zone)",
            "NOT_SUPPORTED",
        ),
        ("SELECT TIMESTAMP '2024-01-02 03:04:05.123456789'", "NOT_SUPPORTED"),
        ("SELECT strftime(DATE '2024-01-01', '%Y')", "FUNCTION_NOT_FOUND"),
        ("SELECT epoch(TIMESTAMP '2024-01-01 00:00:00')", "FUNCTION_NOT_FOUND"),
        ("SELECT make_date(2024, 1, 1)", "FUNCTION_NOT_FOUND"),
        ("SELECT isodow(DATE '2024-01-01')", "FUNCTION_NOT_FOUND"),
        ("SELECT from_iso8601_timestamp_nanos('2020-05-11T11:15:05')", "NOT_SUPPORTED"),
        ("SELECT from_iso8601_timestamp_nanos('2020-05-11T11:15:05.123456789+01:00')", "NOT_SUPPORTED"),
        ("SELECT from_unixtime_nanos(100)", "NOT_SUPPORTED"),
        ("SELECT from_unixtime_nanos(DECIMAL '1234')", "NOT_SUPPORTED"),
        ("SELECT from_unixtime_nanos(DECIMAL '1234.499')", "NOT_SUPPORTED"),
        ("SELECT from_unixtime_nanos(DECIMAL '-1234')", "NOT_SUPPORTED"),
        (
            "SELECT date_diff('second', TIMESTAMP '2020-06-01 12:30:45.000000000', TIMESTAMP"
            " '2020-06-02 12:30:45.123456789')",
            "NOT_SUPPORTED",
        ),
        (
            "SELECT date_diff('millisecond', TIMESTAMP '2020-06-01 12:30:45.000000000', TIMESTAMP"
            " '2020-06-02 12:30:45.123456789')",
            "NOT_SUPPORTED",
        ),
        ("SELECT timezone(TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo')", "FUNCTION_NOT_FOUND"),
        ("SELECT timezone(TIMESTAMP '2024-01-01 12:00:00 +01:00')", "FUNCTION_NOT_FOUND"),
        ("SELECT timezone(TIMESTAMP '2024-02-29 12:00:00 UTC')", "FUNCTION_NOT_FOUND"),
        ("SELECT timezone(TIME '12:00:00+09:00')", "FUNCTION_NOT_FOUND"),
    ],
}
