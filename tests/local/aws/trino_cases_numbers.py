"""Athena conformance statements for decimals and casts, math, conditionals, aggregates and windows.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {
    "decimals and casts": [
        ("SELECT 7 / 2", [["3"]], ["integer"]),
        ("SELECT -7 / 2", [["-3"]], ["integer"]),
        ("SELECT 7.0 / 2", [["3.5"]], None),
        ("SELECT CAST(7 AS double) / 2", [["3.5"]], ["double"]),
        ("SELECT 3000000000", [["3000000000"]], ["bigint"]),
        ("SELECT 1.5", [["1.5"]], ["decimal"]),
        ("SELECT CAST(1.5 AS DECIMAL(10,2)) * CAST(2 AS DECIMAL(10,2))", [["3.0000"]], ["decimal"]),
        ("SELECT CAST(10 AS DECIMAL(10,2)) / CAST(4 AS DECIMAL(10,2))", [["2.50"]], ["decimal"]),
        ("SELECT CAST(1 AS DECIMAL(10,2)) / 3", [["0.33"]], ["decimal"]),
        ("SELECT CAST(297.90 AS DECIMAL(38,2)) / 4", [["74.48"]], ["decimal"]),
        ("SELECT CAST(-297.90 AS DECIMAL(10,2)) / 4", [["-74.48"]], ["decimal"]),
        ("SELECT CAST(2 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(10,2))", [["0.67"]], ["decimal"]),
        ("SELECT CAST(2.5 AS DECIMAL(3,1)) + CAST(1.25 AS DECIMAL(4,2))", [["3.75"]], ["decimal"]),
        ("SELECT CAST(3.5 AS integer), CAST(-3.5 AS integer)", [["4", "-4"]], ["integer", "integer"]),
        ("SELECT CAST(12345678901 AS bigint) * 2", [["24691357802"]], ["bigint"]),
        ("SELECT sum(x) FROM (VALUES 1, 2) t(x)", [["3"]], ["bigint"]),
    ],
    "math": [
        ("SELECT 7 % 3, -7 % 3", [["1", "-1"]], None),
        ("SELECT round(2.5), round(-2.5)", [["3", "-3"]], None),
        ("SELECT round(CAST(1.2345 AS double), 2)", [["1.23"]], ["double"]),
        ("SELECT truncate(CAST(3.7 AS double))", [["3.0"]], ["double"]),
        ("SELECT abs(-5), sign(-2), ceil(1.2), floor(1.8)", [["5", "-1", "2", "1"]], None),
        ("SELECT power(2, 10)", [["1024.0"]], ["double"]),
        ("SELECT sqrt(16)", [["4.0"]], ["double"]),
        ("SELECT mod(10, 3)", [["1"]], None),
        ("SELECT 1e10", [["1.0E10"]], ["double"]),
        ("SELECT CAST(0.1 AS double) + CAST(0.2 AS double)", [["0.30000000000000004"]], ["double"]),
        ("SELECT greatest(1, 5, 3), least(4, 2, 8)", [["5", "2"]], None),
    ],
    "conditionals": [
        ("SELECT if(1 > 2, 'a', 'b')", [["b"]], None),
        ("SELECT coalesce(NULL, 2, 3), nullif(1, 1)", [["2", None]], None),
        ("SELECT CASE WHEN 1 = 1 THEN 'yes' ELSE 'no' END", [["yes"]], None),
        ("SELECT try_cast('x' AS integer), try_cast('12' AS integer)", [[None, "12"]], None),
        ("SELECT NULL IS NULL, 1 IN (1, 2), 3 BETWEEN 1 AND 5", [["true", "true", "true"]], None),
    ],
    "aggregates": [
        (
            "SELECT count(*), count(x), sum(x), avg(x) FROM (VALUES 1, 2, NULL) t(x)",
            [["3", "2", "3", "1.5"]],
            None,
        ),
        ("SELECT min(x), max(x) FROM (VALUES 'b', 'a', 'c') t(x)", [["a", "c"]], None),
        (
            "SELECT count_if(x > 1), bool_and(x > 0), bool_or(x > 2) FROM (VALUES 1, 2, 3) t(x)",
            [["2", "true", "true"]],
            None,
        ),
        ("SELECT approx_distinct(x) FROM (VALUES 1, 2, 2, 3) t(x)", [["3"]], ["bigint"]),
        ("SELECT max_by(k, v), min_by(k, v) FROM (VALUES ('a', 1), ('b', 2)) t(k, v)", [["b", "a"]], None),
        ("SELECT array_agg(x ORDER BY x DESC) FROM (VALUES 1, 3, 2) t(x)", [["[3, 2, 1]"]], None),
        ("SELECT stddev_samp(x), var_samp(x) FROM (VALUES 1, 2, 3) t(x)", [["1.0", "1.0"]], None),
    ],
    "windows": [
        (
            "SELECT x, row_number() OVER (ORDER BY x DESC), sum(x) OVER (ORDER BY x)"
            " FROM (VALUES 1, 2, 3) t(x) ORDER BY x",
            [["1", "3", "1"], ["2", "2", "3"], ["3", "1", "6"]],
            None,
        ),
        (
            "SELECT x, lag(x) OVER (ORDER BY x), lead(x, 1, 0) OVER (ORDER BY x)"
            " FROM (VALUES 1, 2) t(x) ORDER BY x",
            [["1", None, "2"], ["2", "1", "0"]],
            None,
        ),
        (
            "SELECT g, rank() OVER (PARTITION BY g ORDER BY v)"
            " FROM (VALUES ('a', 1), ('a', 1), ('a', 2)) t(g, v) ORDER BY 2",
            [["a", "1"], ["a", "1"], ["a", "3"]],
            None,
        ),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "decimals and casts": [],
    "math": [],
    "conditionals": [],
    "aggregates": [],
    "windows": [],
}
