"""Decimals, casts, math, aggregates and windows: where DuckDB's arithmetic differs from Trino's.

- integer division truncates (the engine's DuckDB runs with ``integer_division=true``);
- decimal division stays DECIMAL with Trino's precision rule and rounds half up, exactly;
- ``avg`` of a decimal keeps the decimal type (DuckDB's is a DOUBLE).
"""

from __future__ import annotations

from sqlglot import exp

from .trino_rewrites import Family, cast, decimal_params, duck, is_type

_DECIMAL = exp.DataType.Type.DECIMAL


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
    quotient = (
        f"(CASE WHEN ({numerator} < 0) = ({denominator} < 0) THEN 1 ELSE -1 END)"
        f" * ((2 * abs({numerator}) + abs({denominator})) // (2 * abs({denominator})))"
    )
    unit = "1" if scale == 0 else f"0.{'0' * (scale - 1)}1"
    return f"(CAST({quotient} AS DECIMAL(38,0)) * CAST({unit} AS DECIMAL({scale + 1},{scale})))"


def _trino_division(node: exp.Div) -> exp.Expression:
    """Integer division truncates (DuckDB runs with integer_division); decimals divide exactly."""
    left, right = node.this, node.expression
    node.set("typed", False)
    node.set("safe", False)
    left_params, right_params = decimal_params(left.type), decimal_params(right.type)
    decimal_involved = is_type(left.type, _DECIMAL) or is_type(right.type, _DECIMAL)
    if not (decimal_involved and left_params and right_params):
        return node
    (p1, s1), (_p2, s2) = left_params, right_params
    precision = min(38, p1 + s2 + max(0, s2 - s1))
    scale = max(s1, s2)
    return cast(duck(_exact_decimal_div(left, right, s1, s2, scale)), f"DECIMAL({precision},{scale})")


def _decimal_avg(node: exp.Avg) -> exp.Expression:
    """Trino's avg of a decimal keeps the decimal type (DuckDB's is a DOUBLE)."""
    params = decimal_params(node.this.type) if is_type(node.this.type, _DECIMAL) else None
    return cast(node, f"DECIMAL({params[0]},{params[1]})") if params else node


FAMILY = Family(
    name="decimals, casts, math, aggregates and windows",
    nodes={exp.Div: _trino_division, exp.Avg: _decimal_avg},
)
