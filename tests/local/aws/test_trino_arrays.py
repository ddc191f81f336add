"""Arrays, maps and lambdas: Trino's error messages, and subscripts whose index type only the schema knows.

The conformance suite checks error names over HTTP; here the messages are checked too (they
name the bad value as Trino's do), and subscripts over Glue-typed columns, where sqlglot's
parser and the typed tree disagree on whether the index was made 0-based.
"""

from __future__ import annotations

import duckdb
import pytest

from local.aws import statement, translate, trino_arrays
from local.aws.errors import AthenaError

SCHEMA: translate.Schema = {
    "db": {
        "t": {"a": "array<int>", "m": "map<string,int>", "im": "map<int,string>", "i": "int", "s": "string"}
    }
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("SET integer_division = true")
    for install in trino_arrays.FAMILY.install:
        install(db)
    db.execute("CREATE SCHEMA db")
    db.execute(
        "CREATE VIEW db.t AS SELECT [10, 20, 30] AS a, MAP(['k'], [5]) AS m,"
        " MAP([1, 2], ['x', 'y']) AS im, 2 AS i, 'p,q' AS s"
    )
    return db


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[object, ...]:
    tree = translate.parse(sql)
    translate.normalize_tables(tree, "db")
    try:
        return con.sql(translate.to_duckdb(tree, SCHEMA)).fetchall()[0]
    except duckdb.Error as err:
        raise statement.duckdb_error(err) from None


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT ARRAY[1, 2][3]", "Array subscript must be less than or equal to array length: 3 > 2"),
        ("SELECT ARRAY[1, 2][0]", "SQL array indices start at 1"),
        ("SELECT ARRAY[1, 2][-1]", "Array subscript is negative: -1"),
        ("SELECT a[i + 2] FROM t", "Array subscript must be less than or equal to array length: 4 > 3"),
        ("SELECT element_at(ARRAY[1, 2], 0)", "SQL array indices start at 1"),
        ("SELECT m['z'] FROM t", "Key not present in map: z"),
        ("SELECT map(ARRAY[1, 2, 3, 2], ARRAY[4, 5, 6, 7])", "Duplicate map keys (2) are not allowed"),
        ("SELECT map(ARRAY[1], ARRAY[2, 4])", "Key and value arrays must be the same length"),
        ("SELECT sequence(1, 5, 0)", "step must not be zero"),
        ("SELECT trim_array(ARRAY[1, 2], 3)", "size must not exceed array cardinality 2: 3"),
        ("SELECT slice(ARRAY[1, 2], 1, -1)", "length must be greater than or equal to 0"),
    ],
)
def test_invalid_arguments_fail_with_trinos_message(
    con: duckdb.DuckDBPyConnection, sql: str, message: str
) -> None:
    with pytest.raises(AthenaError) as err:
        _run(con, sql)
    assert (err.value.name, err.value.message) == ("INVALID_FUNCTION_ARGUMENT", message)


def test_subscripts_over_typed_columns_use_the_index_as_written(con: duckdb.DuckDBPyConnection) -> None:
    """``a[i]`` with an INT column, an integer-keyed map and split()'s array: all 1-based as written."""
    assert _run(con, "SELECT a[1], a[i], a[i + 1], im[2], m['k'], split(s, ',')[2] FROM t") == (
        10,
        20,
        30,
        "y",
        5,
        "q",
    )


def test_a_rewritten_calls_arguments_are_rewritten_too(con: duckdb.DuckDBPyConnection) -> None:
    """The tree walk skips what a rewrite returns, so the arguments are rewritten beforehand."""
    with pytest.raises(AthenaError) as err:
        _run(con, "SELECT array_distinct(ARRAY[ARRAY[1][2]])")
    assert err.value.name == "INVALID_FUNCTION_ARGUMENT"


def test_pipeline_sql_without_arrays_is_left_alone() -> None:
    tree = translate.parse("SELECT i + 1, s || 'x' FROM t")
    translate.normalize_tables(tree, "db")
    assert "TRINO_" not in translate.to_duckdb(tree, SCHEMA)
