"""Decimals, casts, math, aggregates and windows: where DuckDB's arithmetic differs from Trino's.

Trino types every arithmetic result by fixed rules (a decimal literal ``0.1`` is decimal(1,1), a
product adds precisions and scales, ``avg`` of a decimal keeps its type) and clients type
results from the column metadata, so the rewrites here make DuckDB compute in, or cast to,
the type Trino reports. Types come from ``_trino_type``, which follows Trino's rules through
the expression because sqlglot's annotator loses decimal parameters on arithmetic.

- integer division truncates (the engine's DuckDB runs with ``integer_division=true``);
- decimal division, and ``avg`` of decimals, are exact and round half up, as Trino's are;
- double arithmetic is IEEE: a double divided by zero is Infinity or NaN (``ieee_floating_point_ops``);
- double to integer casts round half away from zero; double to varchar is scientific (``1.0E0``);
- varchar to integer or boolean accepts only what Java's parsers accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import duckdb
from duckdb import sqltypes
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from .trino_rewrites import (
    BAD_ARGUMENT,
    Family,
    call,
    cast,
    decimal_params,
    duck,
    error_sql,
    fail_when,
    function_installer,
    renamed,
    sql_string,
    string_literal,
    trino_error,
)

_T = exp.DataType.Type
# A Trino type as the rewrites reason about it: ("decimal", p, s) or (name, 0, 0).
TrinoType = tuple[str, int, int]

_INTEGERS = {"tinyint": 3, "smallint": 5, "integer": 10, "bigint": 19}
_NAMES = {
    _T.TINYINT: "tinyint",
    _T.SMALLINT: "smallint",
    _T.INT: "integer",
    _T.BIGINT: "bigint",
    _T.INT128: "bigint",
    _T.DOUBLE: "double",
    _T.FLOAT: "real",
    _T.BOOLEAN: "boolean",
    _T.VARCHAR: "varchar",
    _T.TEXT: "varchar",
    _T.CHAR: "varchar",
}
_DUCK_INTEGERS = {"tinyint": "TINYINT", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT"}


# -- Trino's typing -------------------------------------------------------------------------
def literal_decimal(text: str) -> tuple[int, int]:
    """(precision, scale) Trino gives a decimal literal: leading zeros do not count, ``0.1`` is (1,1)."""
    integral, _, fraction = text.partition(".")
    digits = len(integral.lstrip("0")) + len(fraction)
    return max(1, digits), len(fraction)


# -- literals as Trino reads them ---------------------------------------------------------------
_DIGIT_GROUPS = re.compile(r"\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?(?:[eE][+-]?\d+)?")


def join_digit_groups(tokens: list[Token], text: str) -> list[Token]:
    """``10_000_000`` is one number in Trino; sqlglot's Athena tokenizer reads ``10`` and then a
    name, which would alias it (``10 AS _000_000``)."""
    if "_" not in text:
        return tokens
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        match = _DIGIT_GROUPS.match(text, token.start) if token.token_type == TokenType.NUMBER else None
        if match and "_" in match.group() and match.end() - 1 > token.end:
            j = i
            while j + 1 < len(tokens) and tokens[j + 1].end < match.end():
                j += 1
            last = tokens[j]
            if last.end == match.end() - 1:
                number = match.group().replace("_", "")
                joined.append(Token(TokenType.NUMBER, number, token.line, last.col, token.start, last.end))
                i = j + 1
                continue
        joined.append(token)
        i += 1
    return joined


_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?")
_BEFORE_DECIMAL_LITERAL = re.compile(r"\bdecimal\s*$", re.IGNORECASE)


def type_decimal_literals(ast: exp.Expression, text: str) -> None:
    """``DECIMAL '1.50'`` is typed by its digits, decimal(3,2); sqlglot reads it as a cast to a
    bare DECIMAL, which is decimal(38,0), so each such literal gets its precision and scale here,
    where the text tells it from ``CAST('1.50' AS DECIMAL)``."""
    if not re.search(r"\bdecimal\s*'", text, re.IGNORECASE):
        return
    for node in list(ast.find_all(exp.Cast)):
        to, literal = node.args.get("to"), node.this
        if not (
            isinstance(to, exp.DataType)
            and to.this == _T.DECIMAL
            and not to.expressions
            and isinstance(literal, exp.Literal)
            and literal.is_string
            and _DECIMAL_TEXT.fullmatch(literal.this)
            and any(c.isdigit() for c in literal.this)
        ):
            continue
        start = literal.meta.get("start")
        if start is None or not _BEFORE_DECIMAL_LITERAL.search(text, 0, start):
            continue
        value = literal.this.replace("_", "")
        precision, scale = literal_decimal(value.lstrip("+-"))
        if precision <= 38:
            node.set("this", exp.Literal.string(value))
            node.set("to", exp.DataType.build(f"DECIMAL({precision},{scale})"))


def _type_of_datatype(dtype: exp.DataType | None) -> TrinoType | None:
    if dtype is None:
        return None
    if dtype.this == _T.DECIMAL:
        params = decimal_params(dtype)
        return ("decimal", *params) if params else ("decimal", 38, 0)
    name = _NAMES.get(dtype.this)
    return (name, 0, 0) if name else None


def _unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _trino_type(node: exp.Expression) -> TrinoType | None:
    """The type Trino gives ``node``, following its rules where DuckDB's or sqlglot's differ."""
    node = _unwrap(node)
    if isinstance(node, exp.Literal):
        return _literal_type(node)
    if isinstance(node, exp.Neg):
        return _trino_type(node.this)
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return _type_of_datatype(node.args.get("to"))
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        return _arithmetic_type(node)
    if isinstance(node, (exp.Sum, exp.Avg)):
        return _aggregate_type(node)
    column = _values_column_type(node) if isinstance(node, exp.Column) else None
    return column or _type_of_datatype(node.type)


def _literal_type(node: exp.Literal) -> TrinoType:
    text = node.this.lower()
    if node.is_string:
        return ("varchar", 0, 0)
    if "e" in text:
        return ("double", 0, 0)
    if "." in text:
        return ("decimal", *literal_decimal(text))
    return ("integer", 0, 0) if int(text) <= 2**31 - 1 else ("bigint", 0, 0)


def _aggregate_type(node: exp.Sum | exp.Avg) -> TrinoType | None:
    """sum of a decimal is decimal(38, s) and of integers bigint; avg keeps decimal and real."""
    inner = _trino_type(node.this)
    if isinstance(node, exp.Avg):
        return inner if _is(inner, "decimal", "real") else ("double", 0, 0)
    if _is(inner, "decimal"):
        assert inner is not None
        return ("decimal", 38, inner[2])
    return ("bigint", 0, 0) if _is(inner, *_INTEGERS) else inner


def _values_column_type(column: exp.Column) -> TrinoType | None:
    """The type of a column of an inline ``VALUES`` table: the common type of its rows.

    sqlglot's annotator leaves these untyped; Trino gives the common super type of the rows.
    """
    select = column.find_ancestor(exp.Select)
    if select is None or not column.table:
        return None
    for source in select.find_all(exp.Values):
        alias = source.args.get("alias")
        if source.find_ancestor(exp.Select) is not select or alias is None or alias.name != column.table:
            continue
        names = [c.name for c in alias.columns]
        if column.name not in names:
            return None
        index = names.index(column.name)
        rows = [row.expressions[index] for row in source.expressions if isinstance(row, exp.Tuple)]
        types = [_trino_type(value) for value in rows if not isinstance(_unwrap(value), exp.Null)]
        return _common_type(types)
    return None


def _common_type(types: list[TrinoType | None]) -> TrinoType | None:
    if not types or any(t is None for t in types):
        return None
    kinds = {t[0] for t in types if t}
    if len(kinds) == 1 and "decimal" not in kinds:
        return types[0]
    decimals = [_as_decimal(t) for t in types]
    if any(d is None for d in decimals):
        return ("double", 0, 0) if kinds <= {"double", "real", "decimal", *_INTEGERS} else None
    scale = max(d[1] for d in decimals if d)
    whole = max(d[0] - d[1] for d in decimals if d)
    return ("decimal", min(38, whole + scale), scale)


def _as_decimal(t: TrinoType | None) -> tuple[int, int] | None:
    if t is None:
        return None
    if t[0] == "decimal":
        return t[1], t[2]
    if t[0] in _INTEGERS:
        return _INTEGERS[t[0]], 0
    return None


def _arithmetic_type(node: exp.Expression) -> TrinoType | None:
    left, right = _trino_type(node.this), _trino_type(node.expression)
    if left is None or right is None:
        return None
    kinds = {left[0], right[0]}
    if not kinds <= {"double", "real", "decimal", *_INTEGERS}:
        return None
    if kinds & {"double", "real"}:
        return ("real", 0, 0) if kinds <= {"real", *_INTEGERS} else ("double", 0, 0)
    if kinds <= set(_INTEGERS):
        return (max(kinds, key=lambda k: _INTEGERS[k]), 0, 0)
    a, b = _as_decimal(left), _as_decimal(right)
    return _decimal_arithmetic(node, a, b) if a and b else None


def _decimal_arithmetic(node: exp.Expression, a: tuple[int, int], b: tuple[int, int]) -> TrinoType:
    """Trino's result type of a decimal operation (see functions/decimal in its reference)."""
    (p1, s1), (p2, s2) = a, b
    if isinstance(node, (exp.Add, exp.Sub)):
        return ("decimal", min(38, 1 + max(s1, s2) + max(p1 - s1, p2 - s2)), max(s1, s2))
    if isinstance(node, exp.Mul):
        return ("decimal", min(38, p1 + p2), s1 + s2)
    if isinstance(node, exp.Div):
        return ("decimal", min(38, p1 + s2 + max(0, s2 - s1)), max(s1, s2))
    return ("decimal", min(p1 - s1, p2 - s2) + max(s1, s2), max(s1, s2))


def _is(t: TrinoType | None, *names: str) -> bool:
    return t is not None and t[0] in names


def _decimal_sql(t: TrinoType) -> str:
    return f"DECIMAL({t[1]},{t[2]})"


# -- literals and arithmetic ----------------------------------------------------------------
def _decimal_literal(node: exp.Literal) -> exp.Expression:
    """``0.1`` is decimal(1,1) in Trino (DuckDB counts the leading zero: DECIMAL(2,1))."""
    text = node.this
    if node.is_string or "." not in text or "e" in text.lower() or not text.startswith("0"):
        return node
    precision, scale = literal_decimal(text)
    if precision > 38:
        return node
    return cast(node.copy(), f"DECIMAL({precision},{scale})")


def _decimal_product(node: exp.Mul) -> exp.Expression:
    """Precisions and scales add, as Trino types a product; DuckDB would keep a product of short
    decimals short, and overflow it, so a wide product is computed in the wide type."""
    result = _arithmetic_type(node)
    if not _is(result, "decimal"):
        return node
    assert result is not None
    left, right = _as_decimal(_trino_type(node.this)), _as_decimal(_trino_type(node.expression))
    assert left is not None and right is not None
    operand = node.this
    if left[0] + right[0] > 18:
        operand = cast(operand, f"DECIMAL({result[1]},{left[1]})")
    product = exp.Mul(this=operand, expression=node.expression)
    return cast(product, _decimal_sql(result))


def _decimal_remainder(node: exp.Mod) -> exp.Expression:
    """DuckDB's remainder of decimals is exact but keeps the wider operand's precision."""
    result = _arithmetic_type(node)
    if not _is(result, "decimal"):
        return node
    assert result is not None
    remainder = exp.Mod(this=node.this, expression=node.expression)
    return cast(remainder, _decimal_sql(result))


def _exact_decimal_div(left: exp.Expression, right: exp.Expression, s1: int, s2: int, scale: int) -> str:
    """Trino's decimal division in DuckDB SQL: exact, rounded half up at the result scale.

    DuckDB divides decimals in DOUBLE, where 297.90 / 4 is 74.474999... and rounds to 74.47;
    Trino says 74.48. Here both operands become scaled integers
    (HUGEINT), the quotient is rounded half away from zero in integer
    arithmetic, and the result is scaled back with an exact decimal multiply.
    Operands beyond HUGEINT's range (about 1.7e38 once scaled) overflow.
    """
    a, b = left.sql(dialect="duckdb"), right.sql(dialect="duckdb")
    numerator = f"(CAST(({a}) * {10**s1} AS HUGEINT) * {10 ** (s2 + scale)})"
    denominator = f"(CAST(({b}) * {10**s2} AS HUGEINT) * {10**s1})"
    return _rounded_quotient(numerator, denominator, scale)


def _rounded_quotient(numerator: str, denominator: str, scale: int) -> str:
    """``numerator / denominator`` (integers) rounded half away from zero, as a decimal of ``scale``."""
    quotient = (
        f"(CASE WHEN ({numerator} < 0) = ({denominator} < 0) THEN 1 ELSE -1 END)"
        f" * ((2 * abs({numerator}) + abs({denominator})) // (2 * abs({denominator})))"
    )
    unit = "1" if scale == 0 else f"0.{'0' * (scale - 1)}1"
    return f"(CAST({quotient} AS DECIMAL(38,0)) * CAST({unit} AS DECIMAL({scale + 1},{scale})))"


def _trino_division(node: exp.Div) -> exp.Expression:
    """Integer division truncates (DuckDB runs with integer_division); decimals divide exactly."""
    node.set("typed", False)
    node.set("safe", False)
    result = _arithmetic_type(node)
    if _is(result, "double", "real"):
        # IEEE: a double divided by zero is Infinity or NaN (DuckDB's integer_division fails it)
        quotient = call("trino_fdiv", node.this, node.expression)
        return cast(quotient, "FLOAT") if _is(result, "real") else quotient
    if not _is(result, "decimal"):
        return node
    assert result is not None
    left, right = _as_decimal(_trino_type(node.this)), _as_decimal(_trino_type(node.expression))
    assert left is not None and right is not None
    sql = _exact_decimal_div(node.this, node.expression, left[1], right[1], result[2])
    return cast(duck(sql), _decimal_sql(result))


# -- rounding functions ---------------------------------------------------------------------
def _round(node: exp.Round) -> exp.Expression:
    """round(decimal(p,s), d) is decimal(p+1, s) in Trino; round(decimal(p,s)) is decimal(p-s+1, 0)."""
    t = _trino_type(node.this)
    if not _is(t, "decimal"):
        return node
    assert t is not None
    p, s = t[1], t[2]
    target = (
        f"DECIMAL({min(38, p + 1)},{s})"
        if node.args.get("decimals")
        else f"DECIMAL({min(38, p - s + min(1, s))},0)"
    )
    return cast(node, target)


def _ceil_floor(node: exp.Ceil | exp.Floor) -> exp.Expression:
    t = _trino_type(node.this)
    if not _is(t, "decimal") or node.args.get("decimals"):
        return node
    assert t is not None
    return cast(node, f"DECIMAL({t[1] - t[2] + min(t[2], 1)},0)")


def _truncate(node: exp.Trunc) -> exp.Expression:
    """truncate(decimal(p,s)) is decimal(max(1,p-s), 0); with a digit count it keeps the type."""
    t = _trino_type(node.this)
    if not _is(t, "decimal"):
        return node
    assert t is not None
    digits = node.args.get("decimals")
    target = f"DECIMAL({t[1]},{t[2]})" if digits else f"DECIMAL({max(1, t[1] - t[2])},0)"
    return cast(node, target)


def _sign(node: exp.Sign) -> exp.Expression:
    """sign keeps an integer or double type, and is decimal(1,0) for decimals (DuckDB: TINYINT)."""
    t = _trino_type(node.this)
    if t is None:
        return node
    if t[0] == "decimal":
        return cast(node, "DECIMAL(1,0)")
    target = {**_DUCK_INTEGERS, "double": "DOUBLE", "real": "FLOAT"}.get(t[0])
    return cast(node, target) if target else node


def _bitwise(node: exp.Expression) -> exp.Expression:
    """Trino's bitwise functions take and return bigint (DuckDB keeps the operands' type)."""
    return cast(node, "BIGINT")


_SHIFT_BITS = {"tinyint": 8, "smallint": 16, "integer": 32}


def _shift(macro: str) -> Callable[[exp.Anonymous], exp.Expression | None]:
    """The shifts keep their value's type, shifting within its width (Trino has one per integer
    type); a bigint, or a value whose type is unknown here, shifts as a bigint."""

    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 2:
            return None
        value, shift = node.expressions
        t = _trino_type(value)
        bits = _SHIFT_BITS.get(t[0]) if t else None
        if bits is None:
            return call(macro, value, shift)
        return cast(call(f"{macro}_narrow", value, shift, exp.Literal.number(bits)), _DUCK_INTEGERS[t[0]])

    return rewrite


# -- aggregates -----------------------------------------------------------------------------
def _aggregate_wrappers(
    node: exp.Expression,
) -> tuple[exp.Expression, Callable[[exp.Expression], exp.Expression]]:
    """(aggregate, rewrap) for an aggregate possibly under FILTER and OVER.

    ``rewrap(agg)`` puts another aggregate under the same FILTER and window, so a rewrite
    that combines several aggregates (sum and count for an exact average) keeps both.
    """
    chain: list[exp.Expression] = []
    inner = node
    while isinstance(inner, (exp.Window, exp.Filter)):
        chain.append(inner)
        inner = inner.this

    def rewrap(agg: exp.Expression) -> exp.Expression:
        out = agg
        for wrapper in reversed(chain):
            copy = wrapper.copy()
            copy.set("this", out)
            out = copy
        return out

    return inner, rewrap


_AGGREGATES = (exp.Avg, exp.Sum, exp.Skewness, exp.BitwiseAndAgg, exp.BitwiseOrAgg)


def _fix_aggregate(node: exp.Expression) -> exp.Expression:
    """Aggregates whose DuckDB result type or value differs from Trino's.

    Applied at the outermost of the aggregate, its FILTER and its OVER, so the window and
    filter stay attached to the aggregates the rewrite builds.
    """
    if isinstance(node, _AGGREGATES) and isinstance(node.parent, (exp.Filter, exp.Window)):
        return node  # rewritten from its FILTER or window
    agg, rewrap = _aggregate_wrappers(node)
    fixed = _aggregate_fix(agg, node, rewrap)
    return node if fixed is None else fixed


def _aggregate_fix(
    agg: exp.Expression, outer: exp.Expression, rewrap: Callable[[exp.Expression], exp.Expression]
) -> exp.Expression | None:
    operand = agg.this
    if isinstance(operand, exp.Distinct) and len(operand.expressions) == 1:
        operand = operand.expressions[0]  # avg(DISTINCT x) has x's type too
    t = _trino_type(operand) if isinstance(agg, (exp.Avg, exp.Sum)) else None
    if isinstance(agg, exp.Avg) and t and t[0] == "decimal":
        return _exact_decimal_avg(agg, rewrap, t)
    if isinstance(agg, (exp.Avg, exp.Sum)) and _is(t, "real"):
        return cast(outer, "FLOAT")  # DuckDB sums and averages a REAL as a DOUBLE
    if isinstance(agg, exp.Skewness):
        return _population_skewness(agg, rewrap)
    if isinstance(agg, (exp.BitwiseAndAgg, exp.BitwiseOrAgg)):
        return cast(outer, "BIGINT")  # Trino's are bigint; DuckDB's keep the argument's type
    return None


def _exact_decimal_avg(
    agg: exp.Avg, rewrap: Callable[[exp.Expression], exp.Expression], t: TrinoType
) -> exp.Expression:
    """avg of decimal(p,s) is decimal(p,s), the exact quotient rounded half up (DuckDB: a DOUBLE).

    DuckDB's sum stays a plain decimal sum; its unscaled value is read back through its text.
    """
    argument = agg.this
    total = rewrap(exp.Sum(this=argument.copy())).sql(dialect="duckdb")
    count = rewrap(exp.Count(this=argument.copy())).sql(dialect="duckdb")
    unscaled = f"CAST(replace(CAST({total} AS VARCHAR), '.', '') AS HUGEINT)"
    quotient = _rounded_quotient(unscaled, f"CAST({count} AS HUGEINT)", t[2])
    return cast(duck(f"CASE WHEN {count} = 0 THEN NULL ELSE {quotient} END"), _decimal_sql(t))


def _population_skewness(
    agg: exp.Skewness, rewrap: Callable[[exp.Expression], exp.Expression]
) -> exp.Expression:
    """Trino's skewness is the population moment coefficient; DuckDB's is bias-corrected."""
    argument = agg.this
    sample = rewrap(exp.Skewness(this=argument)).sql(dialect="duckdb")
    n = f"CAST({rewrap(exp.Count(this=argument.copy())).sql(dialect='duckdb')} AS DOUBLE)"
    return duck(f"({sample} * ({n} - 2) / sqrt({n} * ({n} - 1)))")


# -- casts ----------------------------------------------------------------------------------
_INTEGER_TARGETS = {_T.TINYINT: "TINYINT", _T.SMALLINT: "SMALLINT", _T.INT: "INTEGER", _T.BIGINT: "BIGINT"}
_TEXT_TARGETS = {_T.VARCHAR, _T.TEXT, _T.CHAR}


def _trino_cast(node: exp.Cast) -> exp.Expression:
    """Casts from and to numbers and booleans where DuckDB converts differently from Trino."""
    to = node.args.get("to")
    source = _trino_type(node.this)
    if not isinstance(to, exp.DataType) or source is None:
        return node
    value = _unwrap(node.this)
    if to.this == _T.DECIMAL and not to.expressions:
        # a bare DECIMAL is decimal(38,0) in Trino (DuckDB: DECIMAL(18,3))
        node, to = node.copy(), exp.DataType.build("DECIMAL(38,0)")
        node.set("to", to)
    if source[0] in ("double", "real"):
        return _cast_floating(node, to, source[0], value)
    if source[0] == "varchar":
        safe = isinstance(node, exp.TryCast) or bool(node.args.get("safe"))
        if to.this in _INTEGER_TARGETS:
            return _checked_text(node, value, r"[+-]?[0-9]+", safe)
        if to.this == _T.BOOLEAN:
            return _text_boolean(value, safe)
    return node


def _cast_floating(node: exp.Cast, to: exp.DataType, source: str, value: exp.Expression) -> exp.Expression:
    if to.this in _INTEGER_TARGETS:
        # Trino rounds half away from zero (DuckDB: half to even); DuckDB's round does too
        return _recast(node, call("round", value))
    if to.this in _TEXT_TARGETS:
        macro = "trino_double_varchar" if source == "double" else "trino_real_varchar"
        return call(macro, value)
    if to.this == _T.DECIMAL:
        # Trino rounds the shortest decimal text of the double half up (BigDecimal.valueOf)
        return _recast(node, cast(value, "VARCHAR"))
    return node


def _recast(node: exp.Cast, value: exp.Expression) -> exp.Expression:
    copy = node.copy()
    copy.set("this", value)
    return copy


def _checked_text(node: exp.Cast, value: exp.Expression, pattern: str, safe: bool) -> exp.Expression:
    """Java's parsers take no spaces, exponents, hex or digit separators (DuckDB's casts do)."""
    text = value
    valid = call("regexp_full_match", text, exp.Literal.string(pattern))
    converted = _recast(node, text.copy())
    if safe:
        return exp.Case(ifs=[exp.If(this=valid, true=converted)])
    to = node.args["to"].sql(dialect="duckdb")
    message = exp.DPipe(
        this=exp.Literal.string("Cannot cast '"),
        expression=exp.DPipe(this=text.copy(), expression=exp.Literal.string(f"' to {to}")),
    )
    return fail_when(exp.Not(this=valid), trino_error("INVALID_CAST_ARGUMENT", message), converted)


def _text_boolean(value: exp.Expression, safe: bool) -> exp.Expression:
    """Trino reads true/false in any case, and t, f, 1, 0; nothing else (DuckDB also yes/no)."""
    text = value
    name = "trino_try_varchar_boolean" if safe else "trino_varchar_boolean"
    return call(name, text)


def _try(node: exp.Try) -> exp.Expression:
    """TRY turns the errors the rewrites raise into NULL (DuckDB's TRY refuses ``error()``)."""
    for function in list(node.find_all(exp.Anonymous)):
        if function.name.lower() == "error":
            function.replace(exp.Null())
    return node


def _approx_percentile(node: exp.ApproxQuantile) -> exp.Expression:
    """approx_percentile(x, p) has the type of ``x``; the percentage stays a plain literal."""
    quantile = node.args.get("quantile")
    if isinstance(quantile, exp.Cast) and isinstance(quantile.this, exp.Literal):
        node.set("quantile", quantile.this)
    # Trino's result has the argument's type; sqlglot would cast DuckDB's to DOUBLE
    node.type = node.this.type or exp.DataType.build("unknown")
    return node


def _typeof(node: exp.Typeof) -> exp.Expression:
    """typeof names Trino's types; a string literal is varchar(n), as in Trino."""
    value = _unwrap(node.this)
    text = string_literal(value)
    if text is not None:
        return exp.Literal.string(f"varchar({len(text)})")
    return call("trino_typeof", node.this)


# -- calls DuckDB lacks ---------------------------------------------------------------------
def _constant(sql: str) -> Callable[[exp.Anonymous], exp.Expression | None]:
    return lambda node: duck(sql) if not node.expressions else None


def _width_bucket(node: exp.WidthBucket) -> exp.Expression:
    args = [node.this, node.args.get("min_value"), node.args.get("max_value"), node.args.get("num_buckets")]
    if any(a is None for a in args):
        return node
    return call("trino_width_bucket", *args)


def _from_base(node: exp.FromBase) -> exp.Expression:
    return call("trino_from_base", node.this, node.expression)


def format_number(count: int) -> str:
    """Java's DecimalFormat rounds the double half up by its exact binary value, to three
    significant digits, after Trino divides by a thousand per unit symbol."""
    fractional, unit = float(count), ""
    for symbol in "KMBTQ":
        if fractional >= 1000 or fractional <= -1000:
            fractional /= 1000
            unit = symbol
    places = 2 if fractional < 10 else 1 if fractional < 100 else 0
    text = str(Decimal(fractional).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + unit


def _format_number(node: exp.Anonymous) -> exp.Expression | None:
    """A double is truncated to a long first, as Java's ``(long)`` cast does (NaN is 0, and an
    out-of-range value the nearest long)."""
    if len(node.expressions) != 1:
        return None
    value = node.expressions[0]
    t = _trino_type(value)
    if t is not None and t[0] in _INTEGERS:
        return call("trino_format_number", cast(value, "BIGINT"))
    return call("trino_format_number", call("trino_java_long", cast(value, "DOUBLE")))


_BITS_RANGE = "Bits specified in bit_count must be between 2 and 64, got "
_MACROS = rf"""
CREATE OR REPLACE MACRO trino_sci(neg, digits, exponent) AS
    (CASE WHEN neg THEN '-' ELSE '' END) || left(digits, 1) || '.'
    || (CASE WHEN length(digits) > 1 THEN substr(digits, 2) ELSE '0' END) || 'E' || exponent::VARCHAR;
CREATE OR REPLACE MACRO trino_fixed_sci(neg, whole, frac) AS
    CASE WHEN whole <> '0' THEN trino_sci(neg, rtrim(whole || frac, '0'), length(whole) - 1)
         ELSE trino_sci(neg, rtrim(ltrim(frac, '0'), '0'),
                        -(length(frac) - length(ltrim(frac, '0')) + 1)) END;
CREATE OR REPLACE MACRO trino_text_sci(neg, t) AS
    CASE WHEN contains(t, 'e')
         THEN trino_sci(neg, rtrim(replace(split_part(t, 'e', 1), '.', ''), '0'),
                        split_part(t, 'e', 2)::INTEGER)
         ELSE trino_fixed_sci(neg, split_part(t, '.', 1), split_part(t, '.', 2)) END;
CREATE OR REPLACE MACRO trino_double_varchar(x) AS
    CASE WHEN isnan(x) THEN 'NaN'
         WHEN isinf(x) THEN CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END
         WHEN x = 0 THEN CASE WHEN starts_with(x::VARCHAR, '-') THEN '-0E0' ELSE '0E0' END
         ELSE trino_text_sci(x < 0, abs(x)::DOUBLE::VARCHAR) END;
CREATE OR REPLACE MACRO trino_real_varchar(x) AS
    CASE WHEN isnan(x) OR isinf(x) OR x = 0 THEN trino_double_varchar(x::DOUBLE)
         ELSE trino_text_sci(x < 0, printf('%.6e', abs(x)::DOUBLE)) END;
CREATE OR REPLACE MACRO trino_fdiv(x, y) AS
    CASE WHEN y = 0 THEN
        CASE WHEN isnan(x::DOUBLE) OR x = 0 THEN 'NaN'::DOUBLE
             WHEN (x > 0) = NOT starts_with(y::DOUBLE::VARCHAR, '-') THEN 'Infinity'::DOUBLE
             ELSE '-Infinity'::DOUBLE END
         ELSE x::DOUBLE / y::DOUBLE END;
CREATE OR REPLACE MACRO trino_cbrt(x) AS
    CASE WHEN x = 0 OR NOT isfinite(x::DOUBLE) THEN cbrt(x::DOUBLE)
         ELSE cbrt(x::DOUBLE) - (cbrt(x::DOUBLE) ^ 3 - x::DOUBLE) / (3 * cbrt(x::DOUBLE) ^ 2) END;
CREATE OR REPLACE MACRO trino_try_varchar_boolean(s) AS
    CASE WHEN lower(s) IN ('true', 't', '1') THEN true WHEN lower(s) IN ('false', 'f', '0') THEN false END;
CREATE OR REPLACE MACRO trino_varchar_boolean(s) AS
    CASE WHEN s IS NULL THEN NULL
         WHEN trino_try_varchar_boolean(s) IS NULL
         THEN {error_sql("INVALID_CAST_ARGUMENT", "Cannot cast '", "s", sql_string("' to BOOLEAN"))}
         ELSE trino_try_varchar_boolean(s) END;
CREATE OR REPLACE MACRO trino_typeof(x) AS
    CASE WHEN typeof(x) = 'HUGEINT' THEN 'bigint'
         WHEN typeof(x) = 'FLOAT' THEN 'real'
         WHEN typeof(x) = 'TIMESTAMP' THEN 'timestamp(3)'
         WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp(3) with time zone'
         WHEN typeof(x) = '"NULL"' THEN 'unknown'
         ELSE regexp_replace(lower(typeof(x)), '^(.*)\[\]$', 'array(\1)') END;
CREATE OR REPLACE MACRO trino_width_bucket(x, bound1, bound2, n) AS
    CASE WHEN n <= 0 THEN {error_sql(BAD_ARGUMENT, "bucketCount must be greater than 0")}
         WHEN isnan(x::DOUBLE) THEN {error_sql(BAD_ARGUMENT, "operand must not be NaN")}
         WHEN NOT isfinite(bound1::DOUBLE) OR NOT isfinite(bound2::DOUBLE)
         THEN {error_sql(BAD_ARGUMENT, "bounds must be finite")}
         WHEN bound1 = bound2
         THEN {error_sql(BAD_ARGUMENT, "bounds cannot equal each other")}
         WHEN bound1 < bound2 THEN
             CASE WHEN x < bound1 THEN 0::BIGINT WHEN x >= bound2 THEN n::BIGINT + 1
                  ELSE trunc(n::DOUBLE * (x::DOUBLE - bound1) / (bound2::DOUBLE - bound1) + 1)::BIGINT END
         ELSE n::BIGINT + 1 - (
             CASE WHEN x < bound2 THEN 0::BIGINT WHEN x >= bound1 THEN n::BIGINT + 1
                  ELSE trunc(n::DOUBLE * (x::DOUBLE - bound2) / (bound1::DOUBLE - bound2) + 1)::BIGINT END)
    END;
CREATE OR REPLACE MACRO trino_radix(radix) AS
    CASE WHEN radix BETWEEN 2 AND 36 THEN radix::BIGINT
         ELSE {error_sql(BAD_ARGUMENT, "Radix must be between 2 and 36")} END;
CREATE OR REPLACE MACRO trino_to_base(x, radix) AS
    CASE WHEN x < 0 THEN '-' || lower(to_base(-(x::BIGINT), trino_radix(radix)::INTEGER))
         ELSE lower(to_base(x::BIGINT, trino_radix(radix)::INTEGER)) END;
CREATE OR REPLACE MACRO trino_base_digits(s, radix) AS
    list_transform(string_split(lower(ltrim(s, '+-')), ''),
                   lambda c: CASE WHEN strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) BETWEEN 1 AND radix
                                  THEN strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) - 1 END);
CREATE OR REPLACE MACRO trino_from_base(s, radix) AS
    CASE WHEN s IS NULL OR radix IS NULL THEN NULL
         WHEN ltrim(s, '+-') = '' OR length(s) - length(ltrim(s, '+-')) > 1
              OR list_count(trino_base_digits(s, trino_radix(radix))) < length(ltrim(s, '+-'))
         THEN {error_sql(BAD_ARGUMENT, "Not a valid base-", "radix::VARCHAR", "' number: '", "s")}
         ELSE (CASE WHEN starts_with(s, '-') THEN -1 ELSE 1 END)
              * list_reduce(trino_base_digits(s, radix), lambda acc, d: acc * radix::HUGEINT + d,
                            0::HUGEINT)::BIGINT
    END;
CREATE OR REPLACE MACRO trino_bit_count(x, bits) AS
    CASE WHEN bits < 2 OR bits > 64
         THEN {error_sql(BAD_ARGUMENT, _BITS_RANGE, "bits::VARCHAR")}
         WHEN bits = 64 THEN bit_count(x::BIGINT)::BIGINT
         ELSE bit_count(x::BIGINT & ((1::BIGINT << bits::INTEGER) - 1))::BIGINT END;
CREATE OR REPLACE MACRO trino_wrap64(v) AS
    (CASE WHEN v >= (1::HUGEINT << 63) THEN v - (1::HUGEINT << 64) ELSE v END)::BIGINT;
CREATE OR REPLACE MACRO trino_shift_left(x, s) AS
    CASE WHEN s >= 64 THEN 0::BIGINT
         ELSE trino_wrap64((x::HUGEINT & ((1::HUGEINT << (64 - s::INTEGER)) - 1)) << s::INTEGER) END;
CREATE OR REPLACE MACRO trino_shift_right(x, s) AS
    CASE WHEN s >= 64 THEN 0::BIGINT WHEN s = 0 THEN x::BIGINT
         ELSE trino_wrap64((x::HUGEINT & ((1::HUGEINT << 64) - 1)) >> s::INTEGER) END;
CREATE OR REPLACE MACRO trino_shift_right_arithmetic(x, s) AS
    CASE WHEN s >= 64 THEN CASE WHEN x < 0 THEN -1::BIGINT ELSE 0::BIGINT END
         ELSE x::BIGINT >> s::INTEGER END;
CREATE OR REPLACE MACRO trino_java_long(d) AS
    CASE WHEN isnan(d) THEN 0::BIGINT
         WHEN d >= 9223372036854775807::DOUBLE THEN 9223372036854775807::BIGINT
         WHEN d <= -9223372036854775808::DOUBLE THEN (-9223372036854775807 - 1)::BIGINT
         ELSE trunc(d)::BIGINT END;
CREATE OR REPLACE MACRO trino_signed_low_bits(v, bits) AS
    CASE WHEN v >= (1::HUGEINT << (bits - 1)) THEN v - (1::HUGEINT << bits) ELSE v END::BIGINT;
CREATE OR REPLACE MACRO trino_shift_left_narrow(x, s, bits) AS
    CASE WHEN s >= 64 THEN 0::BIGINT
         ELSE trino_signed_low_bits(((x::HUGEINT & ((1::HUGEINT << bits) - 1)) << s::INTEGER)
                                    & ((1::HUGEINT << bits) - 1), bits) END;
CREATE OR REPLACE MACRO trino_shift_right_narrow(x, s, bits) AS
    CASE WHEN s >= 64 THEN 0::BIGINT WHEN s = 0 THEN x::BIGINT
         ELSE ((x::HUGEINT & ((1::HUGEINT << bits) - 1)) >> s::INTEGER)::BIGINT END;
CREATE OR REPLACE MACRO trino_shift_right_arithmetic_narrow(x, s, bits) AS
    trino_shift_right_arithmetic(x, s);
"""


def _install(con: duckdb.DuckDBPyConnection) -> None:
    """Trino's doubles are IEEE (a division by zero is Infinity or NaN, sqrt of a negative NaN), and
    the rewrites call the macros above."""
    con.execute("SET GLOBAL ieee_floating_point_ops = true")
    for statement in _MACROS.split(";"):
        if statement.strip():
            con.execute(statement)


FAMILY = Family(
    name="decimals, casts, math, aggregates and windows",
    nodes={
        exp.Literal: _decimal_literal,
        exp.Div: _trino_division,
        exp.Mul: _decimal_product,
        exp.Mod: _decimal_remainder,
        exp.Round: _round,
        exp.Ceil: _ceil_floor,
        exp.Floor: _ceil_floor,
        exp.Trunc: _truncate,
        exp.Sign: _sign,
        exp.BitwiseAnd: _bitwise,
        exp.BitwiseOr: _bitwise,
        exp.BitwiseXor: _bitwise,
        exp.BitwiseNot: _bitwise,
        exp.Avg: _fix_aggregate,
        exp.Sum: _fix_aggregate,
        exp.Skewness: _fix_aggregate,
        exp.BitwiseAndAgg: _fix_aggregate,
        exp.BitwiseOrAgg: _fix_aggregate,
        exp.Cbrt: lambda node: call("trino_cbrt", node.this),
        exp.Try: _try,
        exp.ApproxQuantile: _approx_percentile,
        exp.Filter: _fix_aggregate,
        exp.Window: _fix_aggregate,
        exp.Cast: _trino_cast,
        exp.TryCast: _trino_cast,
        exp.Typeof: _typeof,
        exp.WidthBucket: _width_bucket,
        exp.FromBase: _from_base,
    },
    calls={
        "nan": _constant("CAST('NaN' AS DOUBLE)"),
        "infinity": _constant("CAST('Infinity' AS DOUBLE)"),
        "e": _constant("exp(CAST(1 AS DOUBLE))"),
        "is_finite": renamed("isfinite", 1),
        "every": renamed("bool_and", 1),
        "is_infinite": renamed("isinf", 1),
        "to_base": renamed("trino_to_base", 2),
        "bit_count": renamed("trino_bit_count", 2),
        "bitwise_left_shift": _shift("trino_shift_left"),
        "bitwise_right_shift": _shift("trino_shift_right"),
        "bitwise_right_shift_arithmetic": _shift("trino_shift_right_arithmetic"),
        "format_number": _format_number,
    },
    install=(
        _install,
        function_installer((("trino_format_number", format_number, [sqltypes.BIGINT], sqltypes.VARCHAR),)),
    ),
    unsupported={
        "checksum": "Trino's order-insensitive xxhash64 checksum has no DuckDB counterpart",
    },
)
