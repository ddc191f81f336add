"""How the Trino function families plug into the translation: rewrites, DuckDB helpers, known gaps.

Each family module (``trino_numbers``, ``trino_dates``, ``trino_strings``, ``trino_json``,
``trino_urls``, ``trino_arrays``...) exports one ``Family``. ``translate`` applies their
rewrites to the typed tree, the engine installs their DuckDB macros and functions in its
database, and ``trino_functions`` fails a call to a known gap with NOT_SUPPORTED before DuckDB
could answer it differently from Athena.

The helpers here are what the families share, so that each rule is written once: operand types
as sqlglot's annotator left them, literal arguments read the one way, calls and casts written in
DuckDB's grammar, the NOT_SUPPORTED refusal with its reason, Trino-named runtime errors raised
from DuckDB (from a rewritten tree, a macro's text or a Python function), and the installers of
macros and Python functions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import duckdb
from sqlglot import exp

from .errors import AthenaError

# A rewrite of one typed node (operands annotated), returning the node itself when it does not apply.
NodeRewrite = Callable[[Any], exp.Expression]
# A rewrite of a call sqlglot keeps as ``exp.Anonymous``; None when the call's arguments do not fit.
CallRewrite = Callable[[exp.Anonymous], exp.Expression | None]
Installer = Callable[[duckdb.DuckDBPyConnection], None]

_EMPTY: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Family:
    """One family of Trino functions, as the endpoint makes DuckDB answer them.

    ``nodes``: rewrites by sqlglot node class, applied to the typed tree (several families may
    rewrite one class; the first that replaces the node wins). ``calls``: rewrites of calls
    sqlglot does not model, by lowercase Trino name. ``install``: what the engine's DuckDB
    database needs for the rewrites (macros, Python functions), run once per database.
    ``unsupported``: Trino functions the endpoint cannot make answer as Trino does, each with
    why; a call to one fails with NOT_SUPPORTED naming it.
    """

    name: str
    nodes: Mapping[type[exp.Expression], NodeRewrite] = field(default_factory=lambda: _EMPTY)
    calls: Mapping[str, CallRewrite] = field(default_factory=lambda: _EMPTY)
    install: tuple[Installer, ...] = ()
    unsupported: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


# -- what the families share ---------------------------------------------------------------
def is_type(dtype: exp.DataType | None, *kinds: exp.DataType.Type) -> bool:
    """Whether sqlglot's annotator typed a node as one of ``kinds``."""
    return dtype is not None and dtype.this in kinds


_INTEGER_PRECISION = {
    exp.DataType.Type.TINYINT: 3,
    exp.DataType.Type.SMALLINT: 5,
    exp.DataType.Type.INT: 10,
    exp.DataType.Type.BIGINT: 19,
}
INTEGER_TYPES = tuple(_INTEGER_PRECISION)
TEXT_TYPES = (
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.CHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.NCHAR,
    exp.DataType.Type.NVARCHAR,
)


def decimal_params(dtype: exp.DataType | None) -> tuple[int, int] | None:
    """(precision, scale) of a decimal type, or of an integer type coerced to decimal by Trino."""
    if dtype is None:
        return None
    if dtype.this == exp.DataType.Type.DECIMAL:
        params = [int(p.this.this) for p in dtype.expressions if isinstance(p.this, exp.Literal)]
        if len(params) == 2:
            return params[0], params[1]
        if len(params) == 1:
            return params[0], 0
        return None
    if dtype.this in _INTEGER_PRECISION:
        return _INTEGER_PRECISION[dtype.this], 0
    return None


def string_literal(node: exp.Expression | None) -> str | None:
    """The text of a string literal argument, None for anything computed."""
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def integer_literal(node: exp.Expression | None) -> int | None:
    """The value of an integer literal argument (negative too), None for anything computed.

    ``-3`` is read whether it stands as a negation of the literal ``3`` or as one literal.
    """
    if isinstance(node, exp.Neg):
        inner = integer_literal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string and re.fullmatch(r"-?\d+", node.this):
        return int(node.this)
    return None


def call(name: str, *args: exp.Expression) -> exp.Expression:
    """``name(args...)``, for a DuckDB function or a helper the families install."""
    return exp.Anonymous(this=name, expressions=list(args))


def renamed(name: str, arity: int) -> CallRewrite:
    """A Trino call answered by the DuckDB function or helper ``name`` with the same arguments.

    Another number of arguments is left as written, for DuckDB to refuse as Trino would.
    """

    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != arity:
            return None
        return call(name, *node.expressions)

    return rewrite


def cast(node: exp.Expression, to: str) -> exp.Expression:
    """``CAST(node AS to)`` with ``to`` in DuckDB's type grammar."""
    return exp.Cast(this=node, to=exp.DataType.build(to, dialect="duckdb"))


def duck(sql: str) -> exp.Expression:
    """A DuckDB SQL fragment as a node, for rewrites easier written as text."""
    return exp.maybe_parse(sql, dialect="duckdb")


def not_supported_error(what: str, why: str | None = None) -> AthenaError:
    """Athena's NOT_SUPPORTED for what the endpoint cannot answer as Trino does, failing rather
    than answering differently; ``why`` tells the user which part of the call is the gap."""
    detail = f" ({why})" if why else ""
    return AthenaError("NOT_SUPPORTED", f"{what} is not supported by the local Athena endpoint{detail}")


def function_not_supported(name: str, why: str) -> AthenaError:
    """NOT_SUPPORTED for a call to a function the endpoint answers only for some arguments."""
    return not_supported_error(f"Function '{name}'", why)


# Marks the message of an error a rewrite raises in DuckDB, so ``statement.duckdb_error`` can
# report it under the Trino error name it carries.
ERROR_MARK = "TRINO_ERROR:"
BAD_ARGUMENT = "INVALID_FUNCTION_ARGUMENT"


def trino_error(name: str, message: exp.Expression | str) -> exp.Expression:
    """A DuckDB expression that fails the query with Trino's error ``name`` and ``message``.

    ``message`` is literal text or an expression evaluated at run time (to name the bad value).
    """
    text = exp.Literal.string(message) if isinstance(message, str) else message
    prefix = exp.Literal.string(f"{ERROR_MARK}{name}:")
    return exp.Anonymous(this="error", expressions=[exp.DPipe(this=prefix, expression=text, safe=True)])


def sql_string(text: str) -> str:
    """``text`` as a DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def error_sql(name: str, message: str, *values: str) -> str:
    """The text of a DuckDB expression failing the query with Trino's error ``name``, for macros.

    ``message`` is literal text; ``values`` are SQL expressions appended to it at run time (to
    name the bad value).
    """
    return "error(" + " || ".join([sql_string(f"{ERROR_MARK}{name}:{message}"), *values]) + ")"


def python_error(name: str, message: str) -> ValueError:
    """The error a Python function installed in DuckDB raises to fail the query with Trino's ``name``."""
    return ValueError(f"{ERROR_MARK}{name}:{message}")


def fail_when(condition: exp.Expression, error: exp.Expression, value: exp.Expression) -> exp.Expression:
    """``CASE WHEN condition THEN error ELSE value END``: the value, unless the input is invalid."""
    return exp.Case(ifs=[exp.If(this=condition, true=error)], default=value)


# -- installing helpers ---------------------------------------------------------------------
def macro_installer(macros: Mapping[str, str]) -> Installer:
    """Installs macros given by signature (``name(params)``) and body; DuckDB inlines a macro,
    so each stays a vectorized expression. Overloads of one name are created together, since
    creating a macro replaces every earlier overload of its name."""

    def install(db: duckdb.DuckDBPyConnection) -> None:
        bodies: dict[str, list[str]] = {}
        for signature, body in macros.items():
            name, params = signature.split("(", 1)
            bodies.setdefault(name, []).append(f"({params} AS {body}")
        for name, overloads in bodies.items():
            db.execute(f"CREATE OR REPLACE MACRO {name} " + ", ".join(overloads))

    return install


# A Python function installed in DuckDB: its name there, the function, its parameter types and
# its result type (``duckdb.sqltypes``).
PythonFunction = tuple[str, Callable[..., Any], list[Any], Any]


def _null_in_null_out(function: Callable[..., Any]) -> Callable[..., Any]:
    """A NULL argument gives NULL (as in Trino) without calling ``function``, which may return NULL."""

    @functools.wraps(function)
    def call_function(*args: Any) -> Any:
        return None if any(arg is None for arg in args) else function(*args)

    return call_function


def function_installer(functions: tuple[PythonFunction, ...]) -> Installer:
    """Installs Python functions, for semantics that are Java's own rather than expressible in SQL.

    They run row by row, so a family uses one only where a macro cannot follow Trino.
    """

    def install(db: duckdb.DuckDBPyConnection) -> None:
        for name, function, parameters, result in functions:
            db.create_function(
                name,
                _null_in_null_out(function),
                parameters,
                result,
                null_handling="special",
                side_effects=False,
            )

    return install
