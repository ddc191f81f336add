"""Athena engine v3 conformance: statements with results as the Athena/Trino documentation defines them.

Each case runs over HTTP against the endpoint and compares Athena's text rendering of the result
(what GetQueryResults returns) and, where the type is the point, the reported column type.
Expected values are written from the Trino function reference, not from running DuckDB. The
statements live beside this file by function family (``trino_cases_*.py``); the queries'
own grammar (CTEs, set operations, joins, UNNEST) and the statements Athena rejects are here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trino_cases_arrays
import trino_cases_binary
import trino_cases_dates
import trino_cases_numbers
import trino_cases_statistics
import trino_cases_strings
from aws_helpers import Lake

Case = tuple[str, list[list[str | None]], list[str] | None]

SHIPPING = (
    "(VALUES ('California', '94131', 25, 100), ('California', 'P332a', 5, 72),"
    " ('California', '94025', 0, 155), ('New Jersey', '08544', 225, 490))"
    " AS shipping(origin_state, origin_zip, packages, total_cost)"
)

QUERIES: list[Case] = [
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
    # comparison operators and conditional expressions, as Trino's reference shows them
    ("SELECT 3 BETWEEN 2 AND 6, 3 >= 2 AND 3 <= 6", [["true", "true"]], ["boolean", "boolean"]),
    ("SELECT 3 NOT BETWEEN 2 AND 6, 3 < 2 OR 3 > 6", [["false", "false"]], None),
    ("SELECT NULL BETWEEN 2 AND 4, 2 BETWEEN NULL AND 6", [[None, None]], ["boolean", "boolean"]),
    ("SELECT 2 BETWEEN 3 AND NULL, 8 BETWEEN NULL AND 6", [["false", "false"]], None),
    ("SELECT 'Paul' BETWEEN 'John' AND 'Ringo'", [["true"]], ["boolean"]),
    ("SELECT NULL IS NULL, 3.0 IS NULL", [["true", "false"]], None),
    ("SELECT NULL IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL", [["false", "true"]], None),
    *[
        (
            "SELECT a = b, a <> b, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b"
            f" FROM (VALUES {pair}) t(a, b)",
            [truth],
            None,
        )
        for pair, truth in (
            ("(1, 1)", ["true", "false", "false", "true"]),
            ("(1, 2)", ["false", "true", "true", "false"]),
            ("(1, NULL)", [None, None, "true", "false"]),
            ("(CAST(NULL AS integer), CAST(NULL AS integer))", [None, None, "false", "true"]),
        )
    ],
    ("SELECT 'hello' = ANY (VALUES 'hello', 'world')", [["true"]], ["boolean"]),
    ("SELECT 21 < ALL (VALUES 19, 20, 21)", [["false"]], ["boolean"]),
    ("SELECT 42 >= SOME (SELECT 41 UNION ALL SELECT 42 UNION ALL SELECT 43)", [["true"]], ["boolean"]),
    # the reference prints the zip code 08544 and 490 / 225 as 19; a bigint has no leading zero and
    # integer division truncates
    (
        f"SELECT TRY(CAST(origin_zip AS BIGINT)) FROM {SHIPPING}",
        [["94131"], [None], ["94025"], ["8544"]],
        None,
    ),
    (
        f"SELECT COALESCE(TRY(total_cost / packages), 0) AS per_package FROM {SHIPPING}",
        [["4"], ["14"], ["0"], ["2"]],
        ["integer"],
    ),
]

FAMILY_MODULES = (
    trino_cases_numbers,
    trino_cases_dates,
    trino_cases_strings,
    trino_cases_arrays,
    trino_cases_binary,
    trino_cases_statistics,
)
FAMILIES: dict[str, list[Case]] = {"queries": QUERIES}
for _module in FAMILY_MODULES:
    FAMILIES.update(_module.CASES)
CASES = [(family, case) for family, cases in FAMILIES.items() for case in cases]

# Column names Athena gives unnamed expressions.
NAMING = ("SELECT 1, 'a' AS named, 2 + 3", ["_col0", "named", "_col2"])

# (sql, error name the query must fail with)
STATEMENT_ERRORS: list[tuple[str, str]] = [
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
    (f"SELECT CAST(origin_zip AS BIGINT) FROM {SHIPPING}", "INVALID_CAST_ARGUMENT"),
    (f"SELECT total_cost / packages AS per_package FROM {SHIPPING}", "DIVISION_BY_ZERO"),
]
FAMILY_ERRORS: dict[str, list[tuple[str, str]]] = {"queries": STATEMENT_ERRORS}
for _module in FAMILY_MODULES:
    for _family, _errors in _module.ERRORS.items():
        FAMILY_ERRORS.setdefault(_family, []).extend(_errors)
ERRORS = [(family, error) for family, errors in FAMILY_ERRORS.items() for error in errors]

# The families of Trino's function reference the suite must cover (issue: Athena answers like Trino).
REQUIRED_FAMILIES = (
    "dates and times",
    "strings and regexes",
    "decimals and casts",
    "arrays",
    "maps and lambdas",
    "JSON",
    "URL",
    "aggregates",
    "windows",
)


@pytest.fixture(scope="module")
def shared_lake(endpoint_url: str) -> Iterator[Lake]:
    yield Lake.create(endpoint_url, "conf", "conf")


@pytest.mark.parametrize(("family", "case"), CASES, ids=[f"{f}: {c[0][:70]}" for f, c in CASES])
def test_statement_result_matches_trino_semantics(shared_lake: Lake, family: str, case: Case) -> None:
    sql, rows, types = case
    outcome = shared_lake.query(sql)
    assert outcome.state == "SUCCEEDED", outcome.reason
    assert outcome.rows == rows
    if types is not None:
        assert outcome.types == types


def test_unnamed_columns_are_named_like_athena(shared_lake: Lake) -> None:
    sql, names = NAMING
    assert shared_lake.ok(sql).header == names


@pytest.mark.parametrize(("family", "error"), ERRORS, ids=[f"{f}: {e[0][:60]}" for f, e in ERRORS])
def test_invalid_statement_fails_with_athena_error_name(
    shared_lake: Lake, family: str, error: tuple[str, str]
) -> None:
    sql, name = error
    outcome = shared_lake.query(sql)
    assert outcome.state == "FAILED"
    assert outcome.reason is not None and outcome.reason.startswith(f"{name}:"), outcome.reason


@pytest.mark.parametrize("family", REQUIRED_FAMILIES)
def test_every_function_family_is_covered(family: str) -> None:
    """Each family of Trino's reference has statements of its own, not only the named classes."""
    assert len(FAMILIES.get(family, [])) >= 10, f"{family}: {len(FAMILIES.get(family, []))} statements"
