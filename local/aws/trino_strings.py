"""Strings, regular expressions, JSON and URLs: where DuckDB's functions differ from Trino's.

- ``codepoint`` is DuckDB's ``unicode``.
"""

from __future__ import annotations

from sqlglot import exp

from .trino_rewrites import Family


def _codepoint(node: exp.Anonymous) -> exp.Expression | None:
    return exp.Anonymous(this="UNICODE", expressions=node.expressions) if len(node.expressions) == 1 else None


FAMILY = Family(
    name="strings, regular expressions, JSON and URLs",
    calls={"codepoint": _codepoint},
)
