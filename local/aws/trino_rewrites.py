"""How the Trino function families plug into the translation: rewrites, DuckDB helpers, known gaps.

Each family module (``trino_numbers``, ``trino_dates``, ``trino_strings``, ``trino_arrays``)
exports one ``Family``. ``translate`` applies their rewrites to the typed tree, the engine
installs their DuckDB macros and functions in its database, and ``trino_functions`` fails a
call to a known gap with NOT_SUPPORTED before DuckDB could answer it differently from Athena.

The helpers here are what the families share: operand types as sqlglot's annotator left them,
casts written in DuckDB's type grammar, and Trino-named runtime errors raised from DuckDB.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import duckdb
from sqlglot import exp

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


def cast(node: exp.Expression, to: str) -> exp.Expression:
    """``CAST(node AS to)`` with ``to`` in DuckDB's type grammar."""
    return exp.Cast(this=node, to=exp.DataType.build(to, dialect="duckdb"))


def duck(sql: str) -> exp.Expression:
    """A DuckDB SQL fragment as a node, for rewrites easier written as text."""
    return exp.maybe_parse(sql, dialect="duckdb")


# Marks the message of an error a rewrite raises in DuckDB, so ``statement.duckdb_error`` can
# report it under the Trino error name it carries.
ERROR_MARK = "TRINO_ERROR:"


def trino_error(name: str, message: exp.Expression | str) -> exp.Expression:
    """A DuckDB expression that fails the query with Trino's error ``name`` and ``message``.

    ``message`` is literal text or an expression evaluated at run time (to name the bad value).
    """
    text = exp.Literal.string(message) if isinstance(message, str) else message
    prefix = exp.Literal.string(f"{ERROR_MARK}{name}:")
    return exp.Anonymous(this="error", expressions=[exp.DPipe(this=prefix, expression=text, safe=True)])


def fail_when(condition: exp.Expression, error: exp.Expression, value: exp.Expression) -> exp.Expression:
    """``CASE WHEN condition THEN error ELSE value END``: the value, unless the input is invalid."""
    return exp.Case(ifs=[exp.If(this=condition, true=error)], default=value)
