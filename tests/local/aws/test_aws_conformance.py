"""Athena engine v3 conformance: statements with results as the Athena/Trino documentation defines them.

Each case runs over HTTP against the endpoint and compares Athena's text rendering of the result
(what GetQueryResults returns) and, where the type is the point, the reported column type.
Expected values are written from the Trino function reference, not from running DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_helpers import Lake

# (sql, expected rows, expected column types or None)
CASES: list[tuple[str, list[list[str | None]], list[str] | None]] = [
    # -- arithmetic and numeric types -------------------------------------------------------
    ("SELECT 7 / 2", [["3"]], ["integer"]),
    ("SELECT -7 / 2", [["-3"]], ["integer"]),
    ("SELECT 7 % 3, -7 % 3", [["1", "-1"]], None),
    ("SELECT 7.0 / 2", [["3.5"]], None),
    ("SELECT CAST(7 AS double) / 2", [["3.5"]], ["double"]),
    ("SELECT 3000000000", [["3000000000"]], ["bigint"]),
    ("SELECT 1.5", [["1.5"]], ["decimal"]),
    ("SELECT CAST(1.5 AS DECIMAL(10,2)) * CAST(2 AS DECIMAL(10,2))", [["3.0000"]], ["decimal"]),
    ("SELECT CAST(10 AS DECIMAL(10,2)) / CAST(4 AS DECIMAL(10,2))", [["2.50"]], ["decimal"]),
    ("SELECT CAST(1 AS DECIMAL(10,2)) / 3", [["0.33"]], ["decimal"]),
    # decimal division is exact and rounds half up (a DOUBLE detour gave 74.47)
    ("SELECT CAST(297.90 AS DECIMAL(38,2)) / 4", [["74.48"]], ["decimal"]),
    ("SELECT CAST(-297.90 AS DECIMAL(10,2)) / 4", [["-74.48"]], ["decimal"]),
    ("SELECT CAST(2 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(10,2))", [["0.67"]], ["decimal"]),
    ("SELECT CAST(2.5 AS DECIMAL(3,1)) + CAST(1.25 AS DECIMAL(4,2))", [["3.75"]], ["decimal"]),
    ("SELECT round(2.5), round(-2.5)", [["3", "-3"]], None),
    ("SELECT round(CAST(1.2345 AS double), 2)", [["1.23"]], ["double"]),
    ("SELECT truncate(CAST(3.7 AS double))", [["3.0"]], ["double"]),
    ("SELECT CAST(3.5 AS integer), CAST(-3.5 AS integer)", [["4", "-4"]], ["integer", "integer"]),
    ("SELECT abs(-5), sign(-2), ceil(1.2), floor(1.8)", [["5", "-1", "2", "1"]], None),
    ("SELECT power(2, 10)", [["1024.0"]], ["double"]),
    ("SELECT sqrt(16)", [["4.0"]], ["double"]),
    ("SELECT mod(10, 3)", [["1"]], None),
    ("SELECT 1e10", [["1.0E10"]], ["double"]),
    ("SELECT CAST(0.1 AS double) + CAST(0.2 AS double)", [["0.30000000000000004"]], ["double"]),
    ("SELECT greatest(1, 5, 3), least(4, 2, 8)", [["5", "2"]], None),
    ("SELECT CAST(12345678901 AS bigint) * 2", [["24691357802"]], ["bigint"]),
    ("SELECT sum(x) FROM (VALUES 1, 2) t(x)", [["3"]], ["bigint"]),
    # -- strings ------------------------------------------------------------------------------
    ("SELECT substr('hello', 2, 3)", [["ell"]], ["varchar"]),
    ("SELECT substr('hello', -3)", [["llo"]], None),
    ("SELECT strpos('hello', 'l')", [["3"]], None),
    ("SELECT length('hello')", [["5"]], ["bigint"]),
    ("SELECT upper('ab'), lower('AB')", [["AB", "ab"]], None),
    ("SELECT concat('a', 'b', 'c'), 'a' || 'b'", [["abc", "ab"]], None),
    ("SELECT replace('banana', 'a', 'o')", [["bonono"]], None),
    ("SELECT trim('  x  '), ltrim('  x'), rtrim('x  ')", [["x", "x", "x"]], None),
    ("SELECT lpad('7', 3, '0'), rpad('7', 3, '0')", [["007", "700"]], None),
    ("SELECT split_part('a,b,c', ',', 2)", [["b"]], None),
    ("SELECT split('a,b,c', ',')", [["[a, b, c]"]], ["array"]),
    ("SELECT reverse('abc')", [["cba"]], None),
    ("SELECT regexp_extract('order-123-x', '[0-9]+')", [["123"]], None),
    ("SELECT regexp_extract('a1b22', '([a-z])([0-9]+)', 2)", [["1"]], None),
    ("SELECT regexp_like('abc', '^a')", [["true"]], ["boolean"]),
    ("SELECT regexp_replace('a1b2', '[0-9]', '#')", [["a#b#"]], None),
    ("SELECT starts_with('lakehouse', 'lake')", [["true"]], None),
    ("SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_'", [["true", "true"]], None),
    ("SELECT codepoint('A'), chr(66)", [["65", "B"]], None),
    ("SELECT to_hex(md5(to_utf8('a')))", [["0CC175B9C0F1B6A831C399E269772661"]], None),
    ("SELECT levenshtein_distance('kitten', 'sitting')", [["3"]], None),
    ("SELECT CAST(42 AS varchar)", [["42"]], ["varchar"]),
    ("SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b')", [["7"]], None),
    # -- dates and times ----------------------------------------------------------------------
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
    # -- conditionals and nulls ---------------------------------------------------------------
    ("SELECT if(1 > 2, 'a', 'b')", [["b"]], None),
    ("SELECT coalesce(NULL, 2, 3), nullif(1, 1)", [["2", None]], None),
    ("SELECT CASE WHEN 1 = 1 THEN 'yes' ELSE 'no' END", [["yes"]], None),
    ("SELECT try_cast('x' AS integer), try_cast('12' AS integer)", [[None, "12"]], None),
    ("SELECT NULL IS NULL, 1 IN (1, 2), 3 BETWEEN 1 AND 5", [["true", "true", "true"]], None),
    # -- arrays, maps, rows -------------------------------------------------------------------
    ("SELECT ARRAY[1, 2, 3]", [["[1, 2, 3]"]], ["array"]),
    ("SELECT cardinality(ARRAY[1, 2, 3])", [["3"]], ["bigint"]),
    ("SELECT element_at(ARRAY['a', 'b'], 2), ARRAY['a', 'b'][1]", [["b", "a"]], None),
    ("SELECT contains(ARRAY[1, 2], 2)", [["true"]], None),
    ("SELECT array_join(ARRAY['a', 'b', 'c'], '-')", [["a-b-c"]], None),
    ("SELECT array_position(ARRAY[5, 6, 7], 6)", [["2"]], None),
    ("SELECT sequence(1, 5)", [["[1, 2, 3, 4, 5]"]], None),
    ("SELECT transform(ARRAY[1, 2], x -> x * 10)", [["[10, 20]"]], None),
    ("SELECT filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0)", [["[2, 4]"]], None),
    ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)", [["6"]], None),
    ("SELECT slice(ARRAY[1, 2, 3, 4], 2, 2)", [["[2, 3]"]], None),
    ("SELECT map(ARRAY['a', 'b'], ARRAY[1, 2])", [["{a=1, b=2}"]], ["map"]),
    ("SELECT element_at(map(ARRAY['a'], ARRAY[1]), 'a')", [["1"]], None),
    ("SELECT CAST(ROW(1, 'x') AS ROW(n integer, s varchar))", [["{n=1, s=x}"]], ["row"]),
    # -- aggregates, windows, set operations, joins, unnest ---------------------------------------
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
    ("SELECT map_agg(k, v) FROM (VALUES ('a', 1)) t(k, v)", [["{a=1}"]], None),
    ("SELECT stddev_samp(x), var_samp(x) FROM (VALUES 1, 2, 3) t(x)", [["1.0", "1.0"]], None),
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
    ("WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT y FROM b", [["2"]], None),
    ("SELECT x FROM (VALUES 1, 2) t(x) UNION ALL SELECT 3 ORDER BY 1", [["1"], ["2"], ["3"]], None),
    ("SELECT x FROM (VALUES 1, 2, 2) t(x) INTERSECT SELECT 2", [["2"]], None),
    ("SELECT x FROM (VALUES 1, 2) t(x) EXCEPT SELECT 2", [["1"]], None),
    ("SELECT x, n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, n)", [["a", "1"], ["b", "2"]], None),
    (
        "SELECT id, tag"
        " FROM (VALUES (1, ARRAY['x', 'y'])) t(id, tags) CROSS JOIN UNNEST(tags) AS u(tag) ORDER BY tag",
        [["1", "x"], ["1", "y"]],
        None,
    ),
    (
        "SELECT a.k, b.v"
        " FROM (VALUES 1, 2) a(k) LEFT JOIN (VALUES (1, 'one')) b(k, v) ON a.k = b.k ORDER BY a.k",
        [["1", "one"], ["2", None]],
        None,
    ),
    (
        "SELECT k, count(*) FROM (VALUES 'a', 'a', 'b') t(k) GROUP BY k HAVING count(*) > 1",
        [["a", "2"]],
        None,
    ),
    ("SELECT x FROM (VALUES 3, 1, 2) t(x) ORDER BY x LIMIT 2", [["1"], ["2"]], None),
    ("SELECT x FROM (VALUES 3, 1, 2) t(x) ORDER BY x OFFSET 1 ROWS FETCH NEXT 1 ROWS ONLY", [["2"]], None),
    ("SELECT 1 + 1, 'x'", [["2", "x"]], None),
]

# Column names Athena gives unnamed expressions.
NAMING = ("SELECT 1, 'a' AS named, 2 + 3", ["_col0", "named", "_col2"])

# (sql, error name the query must fail with)
ERRORS: list[tuple[str, str]] = [
    ("SELECT * FROM no_such_table", "TABLE_NOT_FOUND"),
    ("SELECT * FROM no_such_db.t", "SCHEMA_NOT_FOUND"),
    ("SELECT nope FROM (VALUES 1) t(x)", "COLUMN_NOT_FOUND"),
    ("SELECT no_such_function(1)", "FUNCTION_NOT_FOUND"),
    ("SELECT 1 / 0", "DIVISION_BY_ZERO"),
    ("SELECT CAST('abc' AS integer)", "INVALID_CAST_ARGUMENT"),
    ("SELEKT 1", "SYNTAX_ERROR"),
    ("SELECT 1; SELECT 2", "SYNTAX_ERROR"),
    ("UPDATE t SET x = 1", "NOT_SUPPORTED"),
    ("DELETE FROM t WHERE x = 1", "NOT_SUPPORTED"),
    ("MERGE INTO t USING s ON t.x = s.x WHEN MATCHED THEN DELETE", "NOT_SUPPORTED"),
    ("EXPLAIN SELECT 1", "NOT_SUPPORTED"),
    ("INSERT OVERWRITE TABLE t SELECT 1", "NOT_SUPPORTED"),
    ("ALTER TABLE t RENAME PARTITION (p = '1') TO PARTITION (p = '2')", "NOT_SUPPORTED"),
    ("ALTER TABLE t ADD COLUMNS (c int) CASCADE", "NOT_SUPPORTED"),
    ("DESCRIBE SELECT 1", "SYNTAX_ERROR"),
    ("CREATE TABLE managed (a int)", "NOT_SUPPORTED"),
    ("DROP TABLE no_such_table", "TABLE_NOT_FOUND"),
    ("MSCK REPAIR TABLE no_such_table", "TABLE_NOT_FOUND"),
    ("SHOW PARTITIONS no_such_table", "TABLE_NOT_FOUND"),
    ("DESCRIBE no_such_table", "TABLE_NOT_FOUND"),
]


@pytest.fixture(scope="module")
def shared_lake(endpoint_url: str) -> Iterator[Lake]:
    yield Lake.create(endpoint_url, "conf", "conf")


@pytest.mark.parametrize(("sql", "rows", "types"), CASES, ids=[c[0][:70] for c in CASES])
def test_statement_result_matches_trino_semantics(
    shared_lake: Lake, sql: str, rows: list[list[str | None]], types: list[str] | None
) -> None:
    outcome = shared_lake.query(sql)
    assert outcome.state == "SUCCEEDED", outcome.reason
    assert outcome.rows == rows
    if types is not None:
        assert outcome.types == types


def test_unnamed_columns_are_named_like_athena(shared_lake: Lake) -> None:
    sql, names = NAMING
    assert shared_lake.ok(sql).header == names


@pytest.mark.parametrize(("sql", "error"), ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_invalid_statement_fails_with_athena_error_name(shared_lake: Lake, sql: str, error: str) -> None:
    outcome = shared_lake.query(sql)
    assert outcome.state == "FAILED"
    assert outcome.reason is not None and outcome.reason.startswith(f"{error}:"), outcome.reason


def test_conformance_suite_has_at_least_80_statements() -> None:
    assert len(CASES) + len(ERRORS) + 1 >= 80
