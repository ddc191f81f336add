"""JSON: Trino's JSON type and functions, where DuckDB's differ.

Trino holds a JSON value as canonical text (no whitespace, object keys sorted, numbers as Java
prints them), so ``json_parse``, ``JSON '...'`` and the casts to JSON canonicalize; DuckDB keeps
the text as written. Trino's legacy JSON functions (``json_extract``, ``json_size``,
``json_array_get``...) answer NULL on malformed input where DuckDB fails, take a JSONPath whose
spelling DuckDB reads differently, and ``json_array_contains`` matches only elements of the
value's own JSON kind. ``CAST(json AS varchar)`` unquotes a scalar and fails on a container, and
``CAST(varchar AS JSON)`` makes a JSON string where DuckDB parses the text. The SQL/JSON path
language (``json_query``, ``json_value``...) has no DuckDB counterpart and fails NOT_SUPPORTED.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from duckdb import sqltypes
from sqlglot import exp

from .coltypes import java_double
from .errors import AthenaError
from .trino_functions import not_supported
from .trino_rewrites import (
    BAD_ARGUMENT,
    INTEGER_TYPES,
    TEXT_TYPES,
    CallRewrite,
    Family,
    NodeRewrite,
    PythonFunction,
    call,
    cast,
    error_sql,
    function_installer,
    function_not_supported,
    is_type,
    macro_installer,
    python_error,
    renamed,
    string_literal,
    trino_error,
)

_T = exp.DataType.Type


def _json_path(node: exp.Expression) -> exp.Expression:
    """Trino's JSONPath (``$.a``, ``$[0]``, ``$["a b"]``, ``$.a[b]``) in DuckDB's spelling."""
    if isinstance(node, exp.JSONPath):
        parts = ["$"]
        for part in node.expressions:
            if isinstance(part, exp.JSONPathRoot):
                continue
            if isinstance(part, exp.JSONPathKey) and isinstance(part.this, str):
                parts.append('."' + part.this.replace('"', '\\"') + '"')
            elif isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, int):
                parts.append(f"[{part.this}]")
            else:
                raise AthenaError(BAD_ARGUMENT, f"Invalid JSON path: '{node.sql()}'")
        return exp.Literal.string("".join(parts))
    text = string_literal(node)
    if text is None:
        return node
    return exp.Literal.string(_convert_path(text))


_PATH_TOKEN = re.compile(r'\.([^.\[\]"]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\[([^\]"]+)\]')


def _convert_path(text: str) -> str:
    if not text.startswith("$"):
        raise AthenaError(BAD_ARGUMENT, f"Invalid JSON path: '{text}'")
    parts, position = ["$"], 1
    while position < len(text):
        match = _PATH_TOKEN.match(text, position)
        if match is None or match.group(1) == "*" or match.group(4) == "*":
            raise AthenaError(BAD_ARGUMENT, f"Invalid JSON path: '{text}'")
        key = match.group(1) or match.group(2) or match.group(4)
        parts.append(f"[{match.group(3)}]" if key is None else '."' + key.replace('"', '\\"') + '"')
        position = match.end()
    return "".join(parts)


def _sql_json(name: str) -> NodeRewrite:
    """sqlglot builds these calls without their source position, so the name check passes them."""

    def rewrite(_node: exp.Expression) -> exp.Expression:
        raise not_supported(name)

    return rewrite


def _json_extract(node: exp.JSONExtract) -> exp.Expression:
    """Malformed JSON is NULL (DuckDB fails), and the path is spelled for DuckDB."""
    if node.args.get("json_query"):
        raise not_supported("json_query")
    return call("trino_json_extract", node.this, _json_path(node.expression))


def _json_extract_scalar(node: exp.JSONExtractScalar) -> exp.Expression:
    return call("trino_json_extract_scalar", node.this, _json_path(node.expression))


def _json_path_call(name: str) -> CallRewrite:
    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 2:
            return None
        return call(name, node.expressions[0], _json_path(node.expressions[1]))

    return rewrite


def _json_array_get(node: exp.Anonymous) -> exp.Expression | None:
    """Trino's json_array_get is JSON, even where its text is not (a string element unquoted)."""
    if len(node.expressions) != 2:
        return None
    return call("trino_as_json", call("trino_json_array_get", *node.expressions))


def _json_array_contains(node: exp.JSONArrayContains) -> exp.Expression:
    """Trino matches elements of the value's own JSON kind only (2 is not "2")."""
    value = node.expression
    if is_type(value.type, *INTEGER_TYPES):
        name = "trino_json_array_contains_bigint"
    elif is_type(value.type, _T.DOUBLE, _T.FLOAT, _T.DECIMAL):
        name = "trino_json_array_contains_double"
    elif is_type(value.type, _T.BOOLEAN):
        name = "trino_json_array_contains_boolean"
    elif is_type(value.type, *TEXT_TYPES):
        name = "trino_json_array_contains_varchar"
    else:
        raise function_not_supported("json_array_contains", "a value whose type is not known before running")
    return call(name, node.this, value)


def _parse_json(node: exp.ParseJSON) -> exp.Expression:
    """Trino's JSON values are canonical: no whitespace, object keys sorted."""
    text = string_literal(node.this)
    if text is not None:
        try:
            return cast(exp.Literal.string(canonical_json(text)), "JSON")
        except ValueError:
            return trino_error(BAD_ARGUMENT, f"Cannot convert value to JSON: '{text}'")
    return cast(call("trino_json_parse", node.this), "JSON")


def _is_json(node: exp.Expression) -> bool:
    return isinstance(node, exp.ParseJSON) or is_type(node.type, _T.JSON)


def _cast(node: exp.Cast) -> exp.Expression:
    """``CAST(json AS varchar)`` unquotes scalars and rejects containers; ``CAST(varchar AS JSON)``
    makes a JSON string (DuckDB parses the text instead)."""
    target = node.args.get("to")
    if target is None:
        return node
    if target.is_type(*TEXT_TYPES) and _is_json(node.this):
        return call("trino_json_to_varchar", node.this)
    if target.is_type(_T.JSON) and is_type(node.this.type, *TEXT_TYPES):
        return call("to_json", node.this)
    if target.is_type(_T.STRUCT) and _is_json(node.this):
        return _json_to_row(node, target)
    return node


def _json_to_row(node: exp.Cast, target: exp.DataType) -> exp.Expression:
    """A JSON array casts to a row field by field in order, as an object does by name (DuckDB
    casts objects only)."""
    names = [field.name for field in target.expressions if isinstance(field, exp.ColumnDef)]
    if len(names) != len(target.expressions):
        return node
    value = node.this
    pairs: list[exp.Expression] = []
    for index, name in enumerate(names):
        element = call("json_extract", value.copy(), exp.Literal.string(f"$[{index}]"))
        pairs += [exp.Literal.string(name), element]
    by_position = exp.Cast(this=call("json_object", *pairs), to=target.copy())
    is_array = exp.EQ(this=call("json_type", value.copy()), expression=exp.Literal.string("ARRAY"))
    return exp.If(this=is_array, true=by_position, false=node)


# -- DuckDB helpers ------------------------------------------------------------------------
_MACROS = {
    "trino_json_extract(j, p)": "CASE WHEN json_valid(j) THEN json_extract(j, p) END",
    "trino_json_extract_scalar(j, p)": (
        "CASE WHEN json_valid(j) AND json_type(j, p) NOT IN ('OBJECT', 'ARRAY') THEN "
        "json_extract_string(j, p) END"
    ),
    "trino_json_size(j, p)": (
        "CASE WHEN json_valid(j) AND json_type(j, p) IS NOT NULL THEN CASE json_type(j, p) WHEN "
        "'OBJECT' THEN CAST(len(json_keys(j, p)) AS BIGINT)"
        " WHEN 'ARRAY' THEN CAST(json_array_length(j, p) AS BIGINT) ELSE CAST(0 AS BIGINT) END END"
    ),
    "trino_json_array_length(j)": (
        "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN CAST(json_array_length(j) AS BIGINT) END"
    ),
    "trino_json_array_get(j, i)": (
        "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN"
        " CASE WHEN json_type(json_extract(j, '$[' || i || ']')) = 'VARCHAR'"
        " THEN json_extract_string(j, '$[' || i || ']') ELSE CAST(json_extract(j, '$[' || i || ']') "
        "AS VARCHAR) END END"
    ),
    "trino_json_elements(j, kinds)": (
        "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY'"
        " THEN list_filter(json_extract(j, '$[*]'), lambda e: list_contains(kinds, json_type(e))) END"
    ),
    "trino_json_array_contains_bigint(j, v)": (
        "list_contains(list_transform(trino_json_elements(j, ['UBIGINT', 'BIGINT']), lambda e: "
        "CAST(e AS HUGEINT)), v)"
    ),
    "trino_json_array_contains_double(j, v)": (
        "list_contains(list_transform(trino_json_elements(j, ['UBIGINT', 'BIGINT', 'DOUBLE']),"
        " lambda e: CAST(e AS DOUBLE)), CAST(v AS DOUBLE))"
    ),
    "trino_json_array_contains_boolean(j, v)": (
        "list_contains(list_transform(trino_json_elements(j, ['BOOLEAN']), lambda e: CAST(e AS BOOLEAN)), v)"
    ),
    "trino_json_array_contains_varchar(j, v)": (
        "list_contains(list_transform(trino_json_elements(j, ['VARCHAR']), lambda e: "
        "json_extract_string(e, '$')), v)"
    ),
    "trino_is_json_scalar(j)": (
        "CASE WHEN json_valid(j) THEN json_type(j) NOT IN ('OBJECT', 'ARRAY')"
        f" ELSE {error_sql(BAD_ARGUMENT, 'Invalid JSON value')} END"
    ),
    "trino_json_to_varchar(j)": (
        "CASE json_type(j) WHEN 'NULL' THEN NULL WHEN 'VARCHAR' THEN json_extract_string(j, '$')"
        f" WHEN 'OBJECT' THEN {error_sql('INVALID_CAST_ARGUMENT', 'Cannot cast JSON object to varchar')}"
        f" WHEN 'ARRAY' THEN {error_sql('INVALID_CAST_ARGUMENT', 'Cannot cast JSON array to varchar')}"
        " ELSE CAST(j AS VARCHAR) END"
    ),
}


# -- Python helpers: Java's own semantics --------------------------------------------------
def _java_json_string(text: str) -> str:
    """A string as Jackson writes it: short escapes, other controls as upper-case \\uXXXX."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _java_json(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, str):
        return _java_json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(_java_json(v) for v in value) + "]"
    return "{" + ",".join(f"{_java_json_string(k)}:{_java_json(value[k])}" for k in sorted(value)) + "}"


def _reject_constant(name: str) -> float:
    raise ValueError(f"not JSON: {name}")


def canonical_json(text: str) -> str:
    """JSON text as Trino's JSON type holds it: minified, keys sorted, doubles as Java prints them."""
    value = json.loads(text, parse_constant=_reject_constant)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not JSON")
    return _java_json(value)


def json_parse(text: str) -> str:
    try:
        return canonical_json(text)
    except ValueError:
        raise python_error(BAD_ARGUMENT, f"Cannot convert value to JSON: '{text}'") from None


_PYTHON_FUNCTIONS: tuple[PythonFunction, ...] = (
    ("trino_json_parse", json_parse, [sqltypes.VARCHAR], sqltypes.VARCHAR),
    # DuckDB's cast to JSON validates the text, which json_array_get's need not be
    ("trino_as_json", lambda text: text, [sqltypes.VARCHAR], sqltypes.DuckDBPyType("JSON")),
)

_SQL_JSON = (
    "the SQL/JSON path language (lax and strict modes, wrappers, ON EMPTY/ON ERROR) has no DuckDB counterpart"
)

FAMILY = Family(
    name="JSON",
    nodes={
        exp.JSONExtract: _json_extract,
        exp.JSONExtractScalar: _json_extract_scalar,
        exp.JSONValue: _sql_json("json_value"),
        exp.JSONObject: _sql_json("json_object"),
        exp.JSONArrayContains: _json_array_contains,
        exp.ParseJSON: _parse_json,
        exp.Cast: _cast,
    },
    calls={
        "json_array_length": renamed("trino_json_array_length", 1),
        "json_array_get": _json_array_get,
        "json_size": _json_path_call("trino_json_size"),
        "is_json_scalar": renamed("trino_is_json_scalar", 1),
    },
    install=(macro_installer(_MACROS), function_installer(_PYTHON_FUNCTIONS)),
    unsupported={
        "json_query": _SQL_JSON,
        "json_value": _SQL_JSON,
        "json_exists": _SQL_JSON,
        "json_object": _SQL_JSON,
        "json_array": _SQL_JSON,
        "json_table": _SQL_JSON,
    },
)
