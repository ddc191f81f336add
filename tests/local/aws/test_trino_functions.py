"""Which calls the local Athena accepts: Trino's functions, each answered or a named known gap."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from local.aws import translate
from local.aws.errors import AthenaError
from local.aws.trino_functions import KNOWN_GAPS, TRINO_FUNCTIONS, is_gap, unsupported

README = Path(__file__).resolve().parents[3] / "README.md"

# Argument lists to call a function with until one binds: Trino functions take these shapes.
_ARGUMENTS = (
    "",
    "1",
    "1, 1",
    "1, 1, 1",
    "1, 1, 1, 1",
    "1e0",
    "1e0, 1e0, 1e0",
    "'a'",
    "'a', 'b'",
    "'a', 1",
    "'a', 'b', 'c'",
    "1, 'a'",
    "to_utf8('a')",
    "to_utf8('a'), to_utf8('a')",
    "TIMESTAMP '2024-01-01 00:00:00'",
    "TIMESTAMP '2024-01-01 00:00:00', 'UTC'",
    "ARRAY[1]",
    "ARRAY[1], x -> x",
    "ARRAY[1], ARRAY[1], (x, y) -> x",
    "MAP(ARRAY[1], ARRAY[1]), (k, v) -> v",
    "MAP(ARRAY[1], ARRAY[1]), MAP(ARRAY[1], ARRAY[1]), (k, a, b) -> a",
    "1, ARRAY[1]",
)
# Syntax more than functions: CAST(x AS t) and TRY_CAST(x AS t) take no argument list.
_SYNTAX = {"cast", "try_cast"}


@pytest.fixture(scope="module")
def engine_database() -> duckdb.DuckDBPyConnection:
    """A DuckDB database set up as the engine's is: the families' macros and functions installed."""
    con = duckdb.connect()
    con.execute("SET integer_division = true")
    for family in translate.FAMILIES:
        for install in family.install:
            install(con)
    return con


def _binds(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether some argument list makes DuckDB find a function for the call, after translation."""
    for arguments in _ARGUMENTS:
        try:
            sql = translate.to_duckdb(translate.parse(f"SELECT {name}({arguments}) FROM (VALUES 1) t(x)"))
        except Exception:  # arguments this function does not take: the rewrite cannot read them
            continue
        try:
            con.sql(sql)
        except duckdb.Error as err:
            if re.search(r"Function with name \w+ does not exist", str(err)):
                continue
        return True  # found: it ran, or failed on its argument types
    return False


def test_every_trino_function_is_answered_or_a_known_gap(engine_database: duckdb.DuckDBPyConnection) -> None:
    """No Trino function reaches DuckDB only to fail there as an unknown function."""
    unanswered = [
        name
        for name in sorted(TRINO_FUNCTIONS - _SYNTAX)
        if not is_gap(name) and not _binds(engine_database, name)
    ]
    assert unanswered == []


def test_the_known_gaps_are_trino_functions() -> None:
    strays = {name for names in KNOWN_GAPS.values() for name in names} - TRINO_FUNCTIONS
    assert strays == set()


def test_a_known_gap_fails_not_supported_naming_the_function() -> None:
    with pytest.raises(AthenaError) as err:
        translate.parse("SELECT 1,\n  great_circle_distance(0, 0, 1, 1)")
    assert err.value.name == "NOT_SUPPORTED"
    assert err.value.message.startswith("line 2:3: Function 'great_circle_distance' is not supported")


def test_a_function_trino_does_not_have_fails_function_not_found() -> None:
    with pytest.raises(AthenaError) as err:
        translate.parse("SELECT list_distinct(ARRAY[1])")
    assert err.value.name == "FUNCTION_NOT_FOUND"
    assert "'list_distinct' not registered" in err.value.message


def test_the_readme_lists_every_known_gap() -> None:
    """README's "Known gaps" is how users learn what fails here and runs on Athena."""
    text = README.read_text()
    section = text[text.index("#### Known gaps") :]
    names = {name for names in KNOWN_GAPS.values() for name in names} | set(unsupported())
    missing = sorted(name for name in names if f"`{name}`" not in section)
    assert missing == []
