"""Pure translation functions: Athena SQL to DuckDB SQL with Trino's semantics kept."""

from __future__ import annotations

import duckdb
import pytest

from local.aws import translate, trino_dates
from local.aws.catalog import hive_escape, hive_unescape
from local.aws.coltypes import TypeParseError, hive_to_duckdb, java_double
from local.aws.errors import AthenaError


@pytest.mark.parametrize(
    ("joda", "strftime"),
    [
        ("yyyy-MM-dd", "%Y-%m-%d"),
        ("yyyyMMdd'T'HHmmss", "%Y%m%dT%H%M%S"),
        ("dd/MM/yy hh:mm a", "%d/%m/%y %I:%M %p"),
        ("EEE, d MMM yyyy", "%a, %-d %b %Y"),
        ("HH:mm:ss.SSS", "%H:%M:%S.%g"),
        ("'it''s' yyyy", "it's %Y"),
    ],
)
def test_joda_patterns_convert_to_strftime(joda: str, strftime: str) -> None:
    assert trino_dates.joda_to_strftime(joda) == strftime


def test_table_refs_report_athena_positions_and_skip_ctes() -> None:
    sql = "WITH c AS (SELECT 1)\nSELECT *\nFROM   db.orders o JOIN items i ON 1 = 1 JOIN c ON 1 = 1"
    refs = translate.table_refs(translate.parse(sql), sql, "default")
    assert [(r.database, r.name, r.line, r.column) for r in refs] == [
        ("db", "orders", 3, 8),
        ("default", "items", 3, 25),
    ]


def test_syntax_error_carries_line_and_column() -> None:
    with pytest.raises(AthenaError) as err:
        translate.parse("SELECT 1 +")
    assert err.value.name == "SYNTAX_ERROR"
    assert err.value.message.startswith("line 1:")


def _run(sql: str, schema: translate.Schema | None = None) -> tuple[object, str]:
    tree = translate.parse(sql)
    translate.normalize_tables(tree, "db")
    con = duckdb.connect()
    con.execute("SET integer_division = true")
    con.execute("CREATE SCHEMA db")
    con.execute("CREATE VIEW db.t AS SELECT 7 AS a, DATE '2024-01-31' AS d, CAST(10 AS DECIMAL(10,2)) AS p")
    rel = con.sql(translate.to_duckdb(tree, schema))
    return rel.fetchall()[0][0], str(rel.types[0])


SCHEMA: translate.Schema = {"db": {"t": {"a": "int", "d": "date", "p": "decimal(10,2)"}}}


def test_integer_column_division_truncates() -> None:
    assert _run("SELECT a / 2 FROM t", SCHEMA) == (3, "INTEGER")


def test_decimal_division_keeps_decimal_with_trino_scale() -> None:
    value, dtype = _run("SELECT p / 4 FROM t", SCHEMA)
    assert (str(value), dtype) == ("2.50", "DECIMAL(10,2)")


def test_date_arithmetic_on_date_column_stays_date() -> None:
    assert _run("SELECT date_add('month', 1, d) FROM t", SCHEMA)[1] == "DATE"
    assert _run("SELECT date_trunc('month', d) FROM t", SCHEMA)[1] == "DATE"


def test_unnamed_columns_get_positional_names() -> None:
    tree = translate.parse("SELECT 1, a AS x, a + 1 FROM t")
    translate.name_unnamed_columns(tree)
    assert tree.named_selects == ["_col0", "x", "_col2"]


def test_hive_types_translate_to_duckdb_types() -> None:
    nested = hive_to_duckdb("array<struct<a:int,b:decimal(10,2)>>")
    assert nested == 'STRUCT("a" INTEGER, "b" DECIMAL(10,2))[]'
    assert hive_to_duckdb("map<string,bigint>") == "MAP(VARCHAR, BIGINT)"


@pytest.mark.parametrize(
    ("hive", "duckdb_type"),
    [
        ("decimal", "DECIMAL(10,0)"),
        ("decimal(12)", "DECIMAL(12,0)"),
        ("timestamp(3)", "TIMESTAMP"),
        ("char(3)", "VARCHAR"),
        ("row<a:int>", 'STRUCT("a" INTEGER)'),
        ("struct<select:int,not:string>", 'STRUCT("select" INTEGER, "not" VARCHAR)'),
        ("struct<`a b`:int, C : real>", 'STRUCT("a b" INTEGER, "C" FLOAT)'),
    ],
)
def test_glue_type_spellings_translate(hive: str, duckdb_type: str) -> None:
    """Forms Glue and CTAS write: bare decimals, precisions, Trino's row, keywords as field names."""
    assert hive_to_duckdb(hive) == duckdb_type


@pytest.mark.parametrize(
    "hive", ["foo", "int garbage", "array<int", "array", "map<string>", "struct<a:int not null>", ""]
)
def test_unreadable_glue_types_are_rejected(hive: str) -> None:
    with pytest.raises(TypeParseError):
        hive_to_duckdb(hive)


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.5, "3.5"), (1e10, "1.0E10"), (0.0001, "1.0E-4"), (100.0, "100.0"), (-2.25, "-2.25")],
)
def test_doubles_render_like_java(value: float, text: str) -> None:
    assert java_double(value) == text


def test_partition_values_escape_like_hive_and_round_trip() -> None:
    assert hive_escape("a/b=c") == "a%2Fb%3Dc"
    assert hive_unescape(hive_escape("x:y%z")) == "x:y%z"
