"""What every statement family of the local engine shares: results, context, errors, name parsing."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
from sqlglot import exp

from .catalog import Column
from .errors import AthenaError
from .trino_functions import TRINO_FUNCTIONS, not_supported
from .trino_rewrites import ERROR_MARK


@dataclass
class ResultColumn:
    name: str
    type: str
    precision: int = 0
    scale: int = 0


@dataclass
class StatementResult:
    """What a statement produced, shaped for GetQueryResults and the output file."""

    statement_type: str
    substatement_type: str
    columns: list[ResultColumn] = field(default_factory=list)
    rows: Sequence[list[str | None]] = field(default_factory=list)  # a large SELECT's on disk
    header: bool = False
    data_scanned: int = 0
    output_suffix: str = ".txt"


@dataclass
class QueryContext:
    query_id: str
    database: str
    output_location: str | None
    register_connection: Callable[[duckdb.DuckDBPyConnection | None], None] = lambda _c: None


def text_result(sub: str, column: str, lines: list[str], statement_type: str = "DDL") -> StatementResult:
    return StatementResult(statement_type, sub, [ResultColumn(column, "string")], [[line] for line in lines])


def ddl_result(sub: str) -> StatementResult:
    return StatementResult("DDL", sub)


# Regular-expression pieces of the statements read as text (ALTER TABLE's partition and location
# forms, MSCK, SHOW): a possibly qualified, possibly quoted table name; a partition spec
# `(k = 'v', ...)`; a LOCATION.
NAME_RE = r"(?P<name>(?:[`\"]?[\w-]+[`\"]?\.){0,2}[`\"]?[\w-]+[`\"]?)"
SPEC_RE = r"\((?P<spec>[^)]*)\)"
LOCATION_RE = r"(?:\s+LOCATION\s+'(?P<loc>(?:[^']|'')*)')?"


def split_name(text: str, default_db: str) -> tuple[str, str]:
    parts = [p.strip('`"').lower() for p in text.split(".")]
    if parts[0] == "awsdatacatalog" and len(parts) == 3:
        parts = parts[1:]
    if len(parts) == 1:
        return default_db, parts[0]
    return parts[-2], parts[-1]


def parse_spec(spec: str) -> list[tuple[str, str]]:
    pairs = re.findall(r"([\w`\"]+)\s*=\s*('(?:[^']|'')*'|[^,\s)]+)", spec)
    if not pairs:
        raise AthenaError("SYNTAX_ERROR", f"Invalid partition specification ({spec})")
    out = []
    for key, raw in pairs:
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        out.append((key.strip('`"').lower(), value))
    return out


def column_def(node: exp.Expression) -> Column:
    kind = node.args.get("kind")
    hive = kind.sql(dialect="hive").lower().replace(" ", "") if kind is not None else "string"
    comment = None
    for constraint in node.args.get("constraints") or []:
        if isinstance(constraint.args.get("kind"), exp.CommentColumnConstraint):
            comment = constraint.args["kind"].name
    return Column(node.name.lower(), hive, comment)


def first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation:
    """Bind a query in DuckDB, turning DuckDB's errors into Trino-named Athena errors."""
    try:
        return con.sql(sql)
    except duckdb.Error as err:
        raise duckdb_error(err) from None


def duckdb_error(err: Exception) -> AthenaError:
    """Map a DuckDB error to the Trino error name Athena would report for the same mistake.

    DuckDB reports different mistakes under one broad class (an unknown column is a binder
    error like any other), so the message is recognised first and DuckDB's class decides the rest.
    """
    if isinstance(err, duckdb.InterruptException):
        return AthenaError("USER_CANCELLED", "Query was cancelled by user")
    text = re.sub(r"^\w+ Error: ", "", first_line(err))
    return _error_from_message(text) or _error_from_class(err, text)


_COLUMN_NOT_FOUND = re.compile(
    r'Referenced column "([^"]+)" not found|Column "([^"]+)" referenced that exists'
)
_FUNCTION_NOT_FOUND = re.compile(r"(?:Scalar|Aggregate|Table) Function with name (\w+) does not exist")
# A numeric cast out of the target's range: Trino names it NUMERIC_VALUE_OUT_OF_RANGE, except a
# NaN, and a double too large for a bigint, which it reports as INVALID_CAST_ARGUMENT.
_CAST_OUT_OF_RANGE = re.compile(
    r"Type (?P<source>\w+) with value (?P<value>\S+) can't be cast because the value is out of range"
    r" for the destination type (?P<target>\w+)"
)


# (text in DuckDB's message, Trino error name, Trino's message)
_FIXED_MESSAGE_ERRORS = (
    ("Division by zero", "DIVISION_BY_ZERO", "Division by zero"),
    # map_from_entries, transform_keys, map_agg over duplicate or NULL keys
    ("Map keys must be unique", "INVALID_FUNCTION_ARGUMENT", "Duplicate map keys are not allowed"),
    ("Map keys can not be NULL", "INVALID_FUNCTION_ARGUMENT", "map key cannot be null"),
)
_RAISED = re.compile(re.escape(ERROR_MARK) + r"(?P<name>[A-Z_]+):(?P<message>.*)")


def _error_from_message(text: str) -> AthenaError | None:
    """Errors DuckDB raises under a generic class, told apart by their message."""
    if m := _RAISED.search(text):
        return AthenaError(m["name"], m["message"])  # raised by a Trino rewrite (trino_error)
    if m := _COLUMN_NOT_FOUND.search(text):
        return AthenaError("COLUMN_NOT_FOUND", f"Column '{m[1] or m[2]}' cannot be resolved")
    if m := _FUNCTION_NOT_FOUND.search(text):
        name = m[1].lower()
        if name in TRINO_FUNCTIONS:
            return not_supported(name)  # a Trino function DuckDB has no counterpart for
        return AthenaError("FUNCTION_NOT_FOUND", f"Function '{name}' not registered")
    for needle, name, message in _FIXED_MESSAGE_ERRORS:
        if needle in text:
            return AthenaError(name, message)
    return _regex_error(text) or _cast_out_of_range(text)


# RE2 (DuckDB's regular expressions) refusing a pattern: lookaround, backreferences and
# possessive quantifiers are Java's and run on Athena, so they are not supported here; any other
# refusal is a malformed pattern, which Java refuses too.
_RE2_LACKS = re.compile(r"(invalid perl operator|invalid escape sequence|bad repetition operator): (.*)")
_RE2_REFUSES = re.compile(
    r"(missing \)|unexpected \)|missing \]|trailing \\|invalid character class(?: range)?"
    r"|no argument for repetition operator|invalid repetition size|invalid named capture group): (.*)"
)


def _regex_error(text: str) -> AthenaError | None:
    if m := _RE2_LACKS.search(text):
        return AthenaError(
            "NOT_SUPPORTED",
            f"Regular expression feature not supported by the local Athena endpoint: {m[1]}: {m[2]}",
        )
    if m := _RE2_REFUSES.search(text):
        return AthenaError("INVALID_FUNCTION_ARGUMENT", f"Invalid regular expression: {m[1]}: {m[2]}")
    return None


def _cast_out_of_range(text: str) -> AthenaError | None:
    if m := _CAST_OUT_OF_RANGE.search(text):
        floating = m["source"] in ("DOUBLE", "FLOAT")
        invalid = floating and (m["value"] == "nan" or m["target"] == "INT64")
        return AthenaError("INVALID_CAST_ARGUMENT" if invalid else "NUMERIC_VALUE_OUT_OF_RANGE", text)
    return None


_ERROR_NAMES_BY_CLASS: tuple[tuple[type[duckdb.Error], str], ...] = (
    (duckdb.ConversionException, "INVALID_CAST_ARGUMENT"),
    (duckdb.OutOfRangeException, "NUMERIC_VALUE_OUT_OF_RANGE"),
    (duckdb.BinderException, "SYNTAX_ERROR"),
    (duckdb.ParserException, "SYNTAX_ERROR"),
)


def _error_from_class(err: Exception, text: str) -> AthenaError:
    if isinstance(err, duckdb.PermissionException):
        # a file outside the engine's directories (see sandbox.py), reached past the SQL checks
        return AthenaError("PERMISSION_DENIED", f"Access Denied: {text}")
    for error_class, name in _ERROR_NAMES_BY_CLASS:
        if isinstance(err, error_class):
            return AthenaError(name, text)
    if isinstance(err, duckdb.InvalidInputException) and "parquet" in text.lower():
        return AthenaError("HIVE_BAD_DATA", text)
    return AthenaError("GENERIC_USER_ERROR", text)
