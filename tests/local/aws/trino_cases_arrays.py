"""Athena conformance statements for arrays, maps and lambdas.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {
    "arrays": [
        ("SELECT ARRAY[1, 2, 3]", [["[1, 2, 3]"]], ["array"]),
        ("SELECT cardinality(ARRAY[1, 2, 3])", [["3"]], ["bigint"]),
        ("SELECT element_at(ARRAY['a', 'b'], 2), ARRAY['a', 'b'][1]", [["b", "a"]], None),
        ("SELECT contains(ARRAY[1, 2], 2)", [["true"]], None),
        ("SELECT array_join(ARRAY['a', 'b', 'c'], '-')", [["a-b-c"]], None),
        ("SELECT array_position(ARRAY[5, 6, 7], 6)", [["2"]], None),
        ("SELECT sequence(1, 5)", [["[1, 2, 3, 4, 5]"]], None),
        ("SELECT slice(ARRAY[1, 2, 3, 4], 2, 2)", [["[2, 3]"]], None),
        ("SELECT CAST(ROW(1, 'x') AS ROW(n integer, s varchar))", [["{n=1, s=x}"]], ["row"]),
    ],
    "maps and lambdas": [
        ("SELECT transform(ARRAY[1, 2], x -> x * 10)", [["[10, 20]"]], None),
        ("SELECT filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0)", [["[2, 4]"]], None),
        ("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)", [["6"]], None),
        ("SELECT map(ARRAY['a', 'b'], ARRAY[1, 2])", [["{a=1, b=2}"]], ["map"]),
        ("SELECT element_at(map(ARRAY['a'], ARRAY[1]), 'a')", [["1"]], None),
        ("SELECT map_agg(k, v) FROM (VALUES ('a', 1)) t(k, v)", [["{a=1}"]], None),
    ],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "arrays": [],
    "maps and lambdas": [],
}
