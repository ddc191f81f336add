"""Athena conformance statements for strings and regular expressions, JSON and URLs.

Each case is (statement, rows as GetQueryResults renders them, column types or None), with the
results Trino's function reference gives, never what DuckDB answers; ERRORS are statements
Athena rejects, with the error name it fails them with.
"""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {
    "strings and regexes": [
        ("SELECT substr('hello', 2, 3)", [["ell"]], ["varchar"]),
        ("SELECT substr('hello', -3)", [["llo"]], None),
        ("SELECT strpos('hello', 'l')", [["3"]], None),
        ("SELECT length('hello')", [["5"]], ["bigint"]),
        ("SELECT upper('ab'), lower('AB')", [["AB", "ab"]], None),
        ("SELECT concat('a', 'b', 'c'), 'a' || 'b'", [["abc", "ab"]], None),
        ("SELECT replace('banana', 'a', 'o')", [["bonono"]], None),
        ("SELECT trim('  x  '), ltrim('  x'), rtrim('x  ')", [["x", "x", "x"]], None),
        ("SELECT lpad('7', 3, '0'), rpad('7', 3, '0')", [["007", "700"]], None),
        ("SELECT split_part('a,b,c', ',', 2)", [["b"]], None),
        ("SELECT split('a,b,c', ',')", [["[a, b, c]"]], ["array"]),
        ("SELECT reverse('abc')", [["cba"]], None),
        ("SELECT regexp_extract('order-123-x', '[0-9]+')", [["123"]], None),
        ("SELECT regexp_extract('a1b22', '([a-z])([0-9]+)', 2)", [["1"]], None),
        ("SELECT regexp_like('abc', '^a')", [["true"]], ["boolean"]),
        ("SELECT regexp_replace('a1b2', '[0-9]', '#')", [["a#b#"]], None),
        ("SELECT starts_with('lakehouse', 'lake')", [["true"]], None),
        ("SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_'", [["true", "true"]], None),
        ("SELECT codepoint('A'), chr(66)", [["65", "B"]], None),
        ("SELECT to_hex(md5(to_utf8('a')))", [["0CC175B9C0F1B6A831C399E269772661"]], None),
        ("SELECT levenshtein_distance('kitten', 'sitting')", [["3"]], None),
        ("SELECT CAST(42 AS varchar)", [["42"]], ["varchar"]),
    ],
    "JSON": [
        ("SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b')", [["7"]], None),
    ],
    "URL": [],
}

ERRORS: dict[str, list[tuple[str, str]]] = {
    "strings and regexes": [],
    "JSON": [],
    "URL": [],
}
