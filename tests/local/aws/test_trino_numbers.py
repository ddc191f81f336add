"""The numbers family's rewrites: result types DuckDB reports, and the SQL the pipeline keeps.

The conformance suite checks answers over HTTP; these check what it cannot see cheaply: the
decimal precision and scale of DuckDB's result (what ResultSetMetadata reports), that the
rewrites leave common SQL as plain DuckDB SQL, and double formatting over many values.
"""

from __future__ import annotations

import decimal
import random

import duckdb
import pytest

from local.aws import translate, trino_numbers


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("SET integer_division = true")
    for install in trino_numbers.FAMILY.install:
        install(db)
    db.execute("CREATE SCHEMA db")
    db.execute(
        "CREATE TABLE db.t AS"
        " SELECT CAST(10.25 AS DECIMAL(10,2)) AS price, 3 AS qty, CAST(2.5 AS DOUBLE) AS ratio"
    )
    return db


SCHEMA: translate.Schema = {"db": {"t": {"price": "decimal(10,2)", "qty": "int", "ratio": "double"}}}


def _sql(sql: str) -> str:
    tree = translate.parse(sql)
    translate.normalize_tables(tree, "db")
    return translate.to_duckdb(tree, SCHEMA)


def _type(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    return str(con.sql(_sql(sql)).types[0])


@pytest.mark.parametrize(
    ("sql", "duck_type"),
    [
        ("SELECT price * qty FROM t", "DECIMAL(20,2)"),
        ("SELECT price * price FROM t", "DECIMAL(20,4)"),
        ("SELECT price + qty FROM t", "DECIMAL(13,2)"),
        ("SELECT price / qty FROM t", "DECIMAL(10,2)"),
        ("SELECT price % qty FROM t", "DECIMAL(10,2)"),
        ("SELECT sum(price) FROM t", "DECIMAL(38,2)"),
        ("SELECT avg(price) FROM t", "DECIMAL(10,2)"),
        ("SELECT avg(price) OVER () FROM t", "DECIMAL(10,2)"),
        ("SELECT round(price, 1) FROM t", "DECIMAL(11,2)"),
        ("SELECT round(price) FROM t", "DECIMAL(9,0)"),
        ("SELECT price + ratio FROM t", "DOUBLE"),
        ("SELECT 0.1 FROM t", "DECIMAL(1,1)"),
        ("SELECT sign(qty) FROM t", "INTEGER"),
    ],
)
def test_result_types_follow_trino(con: duckdb.DuckDBPyConnection, sql: str, duck_type: str) -> None:
    assert _type(con, sql) == duck_type


def test_pipeline_aggregates_stay_plain_duckdb() -> None:
    """A decimal sum, an integer average and a double division are not rewritten into slower SQL."""
    assert _sql("SELECT sum(price) FROM t").startswith("SELECT SUM(t.price) ")
    assert "AVG(" in _sql("SELECT avg(qty) FROM t")
    assert "CAST" not in _sql("SELECT sum(price), count(*), min(qty) FROM t")


def test_decimal_avg_rounds_half_up_exactly(con: duckdb.DuckDBPyConnection) -> None:
    """The average's exact half is rounded up, where averaging through a double falls short of it."""
    sql = "SELECT avg(x) FROM (VALUES CAST(0.10 AS DECIMAL(10,2)), CAST(0.25 AS DECIMAL(10,2))) t(x)"
    assert con.sql(_sql(sql)).fetchall() == [(decimal.Decimal("0.18"),)]


def _trino_double_text(value: float) -> str:
    """Trino's CAST(double AS varchar): DecimalFormat("0.0###...E0") over the shortest digits."""
    if value == 0:
        return "-0E0" if str(value).startswith("-") else "0E0"
    digits, exponent = decimal.Decimal(repr(abs(value))).normalize().as_tuple()[1:]
    text = "".join(map(str, digits))
    power = len(text) - 1 + int(exponent)
    mantissa = text[0] + "." + (text[1:] or "0")
    return ("-" if value < 0 else "") + f"{mantissa}E{power}"


def test_double_to_varchar_matches_trino_over_many_values(con: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(7)
    values = [0.0, -0.0, 1.0, 0.1, 123.456, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, -2.5]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30) for _ in range(300)]
    texts = con.execute(
        "SELECT trino_double_varchar(v) FROM (SELECT unnest(?::DOUBLE[]) AS v)", [values]
    ).fetchall()
    assert [t for (t,) in texts] == [_trino_double_text(v) for v in values]
