"""Arrays, maps and lambdas: where DuckDB's list and map functions differ from Trino's.

- ``slice(array, start, length)`` takes a length, DuckDB's ``list_slice`` an end;
- ``map_agg`` builds a map from two aggregated lists.
"""

from __future__ import annotations

from sqlglot import exp

from .trino_rewrites import Family


def _trino_slice(node: exp.ArraySlice) -> exp.Expression:
    """Trino's slice(array, start, length); sqlglot keeps the length in ``end``."""
    if node.args.get("end") is None:
        return node
    start, length = node.args["start"], node.args["end"]
    end = exp.Sub(this=exp.Add(this=start.copy(), expression=length.copy()), expression=exp.Literal.number(1))
    return exp.Anonymous(this="LIST_SLICE", expressions=[node.this, start, end])


def _map_agg(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 2:
        return None
    lists = [exp.Anonymous(this="LIST", expressions=[arg]) for arg in node.expressions]
    return exp.Anonymous(this="MAP", expressions=lists)


FAMILY = Family(
    name="arrays, maps and lambdas",
    nodes={exp.ArraySlice: _trino_slice},
    calls={"map_agg": _map_agg},
)
