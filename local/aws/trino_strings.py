"""Strings, regular expressions, JSON and URLs: where DuckDB's functions differ from Trino's.

Trino's regular expressions are Java's: replacements name groups ``$1``/``${name}`` (RE2 wants
``\\1``), a failed ``regexp_extract`` is NULL (DuckDB's is ``''``), and positions count code
points. Trino's string functions fail or answer NULL at the edges where DuckDB answers something
(``split_part`` past the end, ``substr`` from before the start, ``split`` with a limit, ``strpos``
with an instance). Its JSON type is canonical text (keys sorted), its legacy JSON functions give
NULL on malformed input, and its URL functions follow ``java.net.URI``. Each rewrite below
touches only the calls whose DuckDB meaning differs; DuckDB macros do the work where SQL can
(they are inlined and vectorized), Python functions where the semantics are Java's own
(URI parsing, form encoding, Soundex, Unicode normalization).
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
import urllib.parse
from collections.abc import Callable
from typing import Any

import duckdb
from duckdb import sqltypes
from sqlglot import exp

from .coltypes import java_double
from .errors import AthenaError
from .trino_functions import not_supported
from .trino_rewrites import ERROR_MARK, Family, cast, fail_when, is_type, trino_error

_T = exp.DataType.Type
_TEXT = (_T.VARCHAR, _T.CHAR, _T.TEXT, _T.NCHAR, _T.NVARCHAR)
_INTEGERS = (_T.TINYINT, _T.SMALLINT, _T.INT, _T.BIGINT)
_BAD_ARGUMENT = "INVALID_FUNCTION_ARGUMENT"
_INSTANCE = "'instance' must be a positive or negative number."


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _string(node: exp.Expression | None) -> str | None:
    """The text of a string literal argument, None for anything computed."""
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def _integer(node: exp.Expression | None) -> int | None:
    """The value of an integer literal argument (negative too), None for anything computed."""
    if isinstance(node, exp.Neg):
        inner = _integer(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string and re.fullmatch(r"\d+", node.this):
        return int(node.this)
    return None


def _not_supported(name: str, why: str) -> AthenaError:
    return AthenaError(
        "NOT_SUPPORTED", f"Function '{name}' is not supported by the local Athena endpoint ({why})"
    )


# -- regular expressions -------------------------------------------------------------------
_JAVA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z])")


def _pattern(node: exp.Expression) -> exp.Expression:
    """A literal Java pattern in RE2's spelling: named groups ``(?<n>...)`` become ``(?P<n>...)``."""
    text = _string(node)
    if text is None or "(?<" not in text:
        return node
    return exp.Literal.string(_JAVA_NAMED_GROUP.sub("(?P<", text))


def _groups(pattern: str | None) -> tuple[int, dict[str, int]] | None:
    """(group count, named groups) of a literal pattern, None when it cannot be known here."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(_JAVA_NAMED_GROUP.sub("(?P<", pattern))
    except re.error:
        return None
    return compiled.groups, dict(compiled.groupindex)


def _replacement_error(message: str) -> exp.Expression:
    return trino_error(_BAD_ARGUMENT, f"Illegal replacement sequence: {message}")


def _group_reference(text: str, i: int, groups: tuple[int, dict[str, int]] | None) -> tuple[int | str, int]:
    """The group a ``$`` at ``text[i - 1]`` names and where the reference ends, or Trino's complaint."""
    if i == len(text):
        return text, i
    if text[i] == "{":
        end = text.find("}", i)
        name = text[i + 1 : end if end >= 0 else len(text)]
        if groups is None:
            raise _not_supported("regexp_replace", "a named group in a pattern not known before running")
        after = len(text) if end < 0 else end + 1
        return (groups[1][name], after) if name in groups[1] else (f"unknown group {{ {name} }}", after)
    if not "0" <= text[i] <= "9":
        return text, i
    count = groups[0] if groups else None
    number, i = int(text[i]), i + 1
    if count is not None and number > count:
        return f"unknown group {number}", i
    # Java takes the longest group number the pattern has: with two groups, $12 is $1 then '2'
    while (
        count is not None and i < len(text) and "0" <= text[i] <= "9" and number * 10 + int(text[i]) <= count
    ):
        number, i = number * 10 + int(text[i]), i + 1
    return number, i


def _re2_replacement(text: str, groups: tuple[int, dict[str, int]] | None) -> str | exp.Expression:
    """Java's replacement syntax as RE2 writes it, or the error Trino raises on a match.

    Java: ``$n`` (the longest group number that exists), ``${name}``, ``\\x`` is a literal x.
    RE2: ``\\n`` (one digit), ``\\\\`` is a backslash, everything else literal.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "$":
            number, i = _group_reference(text, i + 1, groups)
            if isinstance(number, str):
                return _replacement_error(number)
            if number > 9:
                raise _not_supported("regexp_replace", "group references past $9")
            out.append(f"\\{number}")
        elif char == "\\":
            if i + 1 == len(text):
                return _replacement_error(text)
            out.append("\\\\" if text[i + 1] == "\\" else text[i + 1])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _regexp_replace(node: exp.RegexpReplace) -> exp.Expression:
    """Every match replaced, with Java's ``$1``/``${name}``/``\\$`` replacement syntax."""
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("modifiers"):
        return node
    source, pattern = node.this, _pattern(node.expression)
    replacement = node.args.get("replacement")
    if replacement is None:
        return _call("regexp_replace", source, pattern, exp.Literal.string(""), exp.Literal.string("g"))
    text = _string(replacement)
    if text is None:
        if isinstance(replacement, exp.Lambda):
            raise _not_supported("regexp_replace", "a lambda replacement")
        return _call("trino_regexp_replace", source, pattern, replacement)
    rewritten = _re2_replacement(text, _groups(_string(node.expression)))
    if isinstance(rewritten, exp.Expression):  # Trino fails on the first match only
        return fail_when(_call("regexp_matches", source, pattern), rewritten, source)
    return _call("regexp_replace", source, pattern, exp.Literal.string(rewritten), exp.Literal.string("g"))


def _checked_group(node: exp.Expression, value: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
    """Trino rejects a group the pattern does not have, for every row, match or not."""
    source, group = node.this, node.args.get("group")
    groups = _groups(_string(node.expression))
    number = _integer(group) if group is not None else 0
    if groups is not None and number is not None and not 0 <= number <= groups[0]:
        message = (
            "Group cannot be negative"
            if number < 0
            else f"Pattern has {groups[0]} groups. Cannot access group {number}"
        )
        return fail_when(source.is_(exp.null()).not_(), trino_error(_BAD_ARGUMENT, message), exp.null())
    return value(group if group is not None else exp.Literal.number(0))


def _regexp_extract(node: exp.RegexpExtract) -> exp.Expression:
    """No match is NULL (DuckDB's regexp_extract gives the empty string)."""
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("parameters"):
        return node
    source, pattern = node.this, _pattern(node.expression)
    return _checked_group(
        node,
        lambda group: exp.Case(
            ifs=[
                exp.If(
                    this=_call("regexp_matches", source, pattern),
                    true=_call("regexp_extract", source, pattern, group),
                )
            ]
        ),
    )


def _regexp_extract_all(node: exp.RegexpExtractAll) -> exp.Expression:
    """Only the group check and the pattern's spelling differ."""
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("parameters"):
        return node
    source, pattern = node.this, _pattern(node.expression)
    return _checked_group(node, lambda group: _call("regexp_extract_all", source, pattern, group))


def _regexp_count(node: exp.RegexpCount) -> exp.Expression:
    """An empty pattern matches between every character, as in Trino (sqlglot makes it 0)."""
    return exp.Length(this=_call("regexp_extract_all", node.this, _pattern(node.expression)))


def _regexp_pattern_only(node: exp.Expression) -> exp.Expression:
    """regexp_like and regexp_split agree with Trino once the pattern is spelled for RE2."""
    pattern = node.expression
    if _pattern(pattern) is pattern:
        return node
    node.set("expression", _pattern(node.expression))
    return node


def _regexp_position(node: exp.Anonymous) -> exp.Expression | None:
    args = node.expressions
    if not 2 <= len(args) <= 4:
        return None
    args = list(node.expressions) + [exp.Literal.number(1)] * (4 - len(node.expressions))
    return _call("trino_regexp_position", *args)


# -- strings -------------------------------------------------------------------------------
def _substring(node: exp.Substring) -> exp.Expression:
    """A start of 0, or before the string's beginning, or a negative length, gives ''."""
    start, length = node.args.get("start"), node.args.get("length")
    start_value = _integer(start)
    length_value = _integer(length) if length is not None else 0
    if start is None or (
        start_value is not None and start_value > 0 and length_value is not None and length_value >= 0
    ):
        return node
    if length is None:
        return _call("trino_substr", node.this, node.args["start"])
    return _call("trino_substr", node.this, node.args["start"], node.args["length"])


def _split(node: exp.Split) -> exp.Expression:
    """The limit keeps the rest of the string in the last element; an empty delimiter fails."""
    limit = node.args.get("limit")
    delimiter = _string(node.expression)
    if limit is None and delimiter:
        return node
    limit = node.args.get("limit")
    if limit is None:
        return _call("trino_split", node.this, node.expression)
    return _call("trino_split", node.this, node.expression, limit)


def _split_part(node: exp.SplitPart) -> exp.Expression:
    """Past the last field is NULL (DuckDB: ''), an index below 1 fails."""
    return _call("trino_split_part", node.this, node.args["delimiter"], node.args["part_index"])


def _strpos(node: exp.StrPosition) -> exp.Expression:
    """strpos's third argument is the instance (sqlglot drops it), negative counting from the end."""
    occurrence = node.args.get("occurrence")
    if occurrence is None or node.args.get("position") is not None:
        return node
    return _call("trino_strpos", node.this, node.args["substr"], node.args["occurrence"])


def _split_to_map(node: exp.StrToMap) -> exp.Expression:
    return _call("trino_split_to_map", node.this, node.args["pair_delim"], node.args["key_value_delim"])


def _split_to_multimap(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 3:
        return None
    return _call("trino_split_to_multimap", *node.expressions)


def _pad(node: exp.Pad) -> exp.Expression:
    """An empty pad string or a negative size fails in Trino; DuckDB pads or errors otherwise."""
    fill = node.args.get("fill_pattern")
    if fill is None:
        return node
    size, fill_text = _integer(node.expression), _string(fill)
    if size is not None and size >= 0 and fill_text:
        return node
    name = "trino_lpad" if node.args.get("is_left") else "trino_rpad"
    return _call(name, node.this, node.expression, node.args["fill_pattern"])


def _normalize(node: exp.Normalize) -> exp.Expression:
    form = node.args.get("form")
    name = form.name.upper() if isinstance(form, exp.Expression) else "NFC"
    if name not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise AthenaError(_BAD_ARGUMENT, "Normalization form must be one of [NFD, NFC, NFKD, NFKC]")
    return _call("trino_normalize", node.this, exp.Literal.string(name))


def _from_utf8(node: exp.Decode) -> exp.Expression:
    """Invalid UTF-8 is replaced (U+FFFD or the given character), never an error."""
    charset = _string(node.args.get("charset"))
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        return node
    replace = node.args.get("replace")
    return _call(
        "trino_from_utf8", node.this, replace if replace is not None else exp.Literal.string("\ufffd")
    )


def _codepoint(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    return _call("trino_codepoint", node.expressions[0])


def _soundex(node: exp.Soundex) -> exp.Expression:
    return _call("trino_soundex", node.this)


def _simple(name: str, arity: int) -> Callable[[exp.Anonymous], exp.Expression | None]:
    """A Trino call answered by the helper ``name`` with the same arguments."""

    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != arity:
            return None
        return _call(name, *node.expressions)

    return rewrite


_JAVA_FORMAT = re.compile(r"%(?:(\d+)\$)?([-#+ 0,(<]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def _format_argument(arg: exp.Expression, conversion: str, flags: str, spec: str) -> exp.Expression:
    """An argument of ``format`` as printf renders it the way Java's Formatter does."""
    if conversion == "s":
        if not is_type(arg.type, *_TEXT, *_INTEGERS, _T.BOOLEAN):
            raise _not_supported("format", "%s of a value that is not a string, integer or boolean")
        if "0" in flags:
            raise _not_supported("format", f"the conversion {spec}")
        return exp.Coalesce(this=cast(arg, "VARCHAR"), expressions=[exp.Literal.string("null")])
    if not is_type(arg.type, *_INTEGERS):
        raise _not_supported("format", "%d of a value that is not an integer")
    null = trino_error("NOT_SUPPORTED", "Function 'format' is not supported for a NULL %d argument")
    return fail_when(arg.copy().is_(exp.null()), null, arg)


def _format(node: exp.Format) -> exp.Expression:
    """Java's Formatter for the conversions printf spells alike: %s, %d, %%, %n.

    Java rounds %f half up and groups with ``,``; C's printf does neither, so those (and the
    date conversions) fail rather than answer differently.
    """
    text = _string(node.this)
    if text is None:
        raise _not_supported("format", "a format string computed at run time")
    args = list(node.expressions)
    out: list[str] = []
    used: list[exp.Expression] = []
    position, ordinary = 0, 0
    for match in _JAVA_FORMAT.finditer(text):
        out.append(text[position : match.start()].replace("%", "%%"))
        position = match.end()
        index, flags, width, precision, conversion = match.groups()
        if conversion == "%":
            out.append("%%")
            continue
        if conversion == "n":
            out.append("\n")
            continue
        if conversion not in "sd" or set(flags) - set("-0") or (conversion == "d" and precision):
            raise _not_supported("format", f"the conversion {match.group(0)}")
        if index is not None:
            number = int(index) - 1
        else:
            number, ordinary = ordinary, ordinary + 1
        if not 0 <= number < len(args):
            raise AthenaError(_BAD_ARGUMENT, f"Format specifier '{match.group(0)}' has no argument")
        used.append(_format_argument(args[number].copy(), conversion, flags, match.group(0)))
        out.append(f"%{flags}{width or ''}{'.' + precision if precision else ''}{conversion}")
    out.append(text[position:].replace("%", "%%"))
    return _call("printf", exp.Literal.string("".join(out)), *used)


# -- JSON ----------------------------------------------------------------------------------
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
                raise AthenaError(_BAD_ARGUMENT, f"Invalid JSON path: '{node.sql()}'")
        return exp.Literal.string("".join(parts))
    text = _string(node)
    if text is None:
        return node
    return exp.Literal.string(_convert_path(text))


_PATH_TOKEN = re.compile(r'\.([^.\[\]"]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\[([^\]"]+)\]')


def _convert_path(text: str) -> str:
    if not text.startswith("$"):
        raise AthenaError(_BAD_ARGUMENT, f"Invalid JSON path: '{text}'")
    parts, position = ["$"], 1
    while position < len(text):
        match = _PATH_TOKEN.match(text, position)
        if match is None or match.group(1) == "*" or match.group(4) == "*":
            raise AthenaError(_BAD_ARGUMENT, f"Invalid JSON path: '{text}'")
        key = match.group(1) or match.group(2) or match.group(4)
        parts.append(f"[{match.group(3)}]" if key is None else '."' + key.replace('"', '\\"') + '"')
        position = match.end()
    return "".join(parts)


def _sql_json(name: str) -> Callable[[exp.Expression], exp.Expression]:
    """sqlglot builds these calls without their source position, so the name check passes them."""

    def rewrite(_node: exp.Expression) -> exp.Expression:
        raise not_supported(name)

    return rewrite


def _json_extract(node: exp.JSONExtract) -> exp.Expression:
    """Malformed JSON is NULL (DuckDB fails), and the path is spelled for DuckDB."""
    if node.args.get("json_query"):
        raise not_supported("json_query")
    return _call("trino_json_extract", node.this, _json_path(node.expression))


def _json_extract_scalar(node: exp.JSONExtractScalar) -> exp.Expression:
    return _call("trino_json_extract_scalar", node.this, _json_path(node.expression))


def _json_path_call(name: str) -> Callable[[exp.Anonymous], exp.Expression | None]:
    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 2:
            return None
        return _call(name, node.expressions[0], _json_path(node.expressions[1]))

    return rewrite


def _json_array_contains(node: exp.JSONArrayContains) -> exp.Expression:
    """Trino matches elements of the value's own JSON kind only (2 is not "2")."""
    value = node.expression
    if is_type(value.type, *_INTEGERS):
        name = "trino_json_array_contains_bigint"
    elif is_type(value.type, _T.DOUBLE, _T.FLOAT, _T.DECIMAL):
        name = "trino_json_array_contains_double"
    elif is_type(value.type, _T.BOOLEAN):
        name = "trino_json_array_contains_boolean"
    elif is_type(value.type, *_TEXT):
        name = "trino_json_array_contains_varchar"
    else:
        raise _not_supported("json_array_contains", "a value whose type is not known before running")
    return _call(name, node.this, value)


def _parse_json(node: exp.ParseJSON) -> exp.Expression:
    """Trino's JSON values are canonical: no whitespace, object keys sorted."""
    text = _string(node.this)
    if text is not None:
        try:
            return cast(exp.Literal.string(canonical_json(text)), "JSON")
        except ValueError:
            return trino_error(_BAD_ARGUMENT, f"Cannot convert value to JSON: '{text}'")
    return cast(_call("trino_json_parse", node.this), "JSON")


def _is_json(node: exp.Expression) -> bool:
    return isinstance(node, exp.ParseJSON) or is_type(node.type, _T.JSON)


def _cast(node: exp.Cast) -> exp.Expression:
    """``CAST(json AS varchar)`` unquotes scalars and rejects containers; ``CAST(varchar AS JSON)``
    makes a JSON string (DuckDB parses the text instead)."""
    target = node.args.get("to")
    if target is None:
        return node
    if target.is_type(*_TEXT) and _is_json(node.this):
        return _call("trino_json_to_varchar", node.this)
    if target.is_type(_T.JSON) and is_type(node.this.type, *_TEXT):
        return _call("to_json", node.this)
    return node


# -- DuckDB helpers ------------------------------------------------------------------------
def _error(name: str, message: str) -> str:
    text = f"{ERROR_MARK}{name}:{message}".replace("'", "''")
    return f"error('{text}')"


_MACROS = {
    "trino_regexp_replace(s, p, r)": (
        "regexp_replace(s, p, array_to_string(list_transform("
        r"regexp_extract_all(r, '(?s)\\.|\$[0-9]|\$\{[^}]*\}|[^\\$]+|.'),"
        " lambda t: CASE WHEN t = '\\\\' THEN '\\\\'"
        " WHEN t[1] = '\\' AND length(t) = 2 THEN t[2]"
        " WHEN t[1] = '$' AND length(t) = 2 AND t[2] BETWEEN '0' AND '9' THEN '\\' || t[2]"
        " WHEN t[1] = '$' AND t[2] = "
        f"'{{' THEN {_error('NOT_SUPPORTED', 'a named group in a computed replacement')}"
        f" WHEN t IN ('$', '\\') THEN {_error(_BAD_ARGUMENT, 'Illegal replacement sequence')}"
        " ELSE t END), ''), 'g')"
    ),
    "trino_substr(s, st)": "CASE WHEN st = 0 OR -st > length(s) THEN '' ELSE substring(s, st) END",
    "trino_substr(s, st, n)": (
        "CASE WHEN st = 0 OR n <= 0 OR -st > length(s) THEN '' ELSE substring(s, st, n) END"
    ),
    "trino_split(s, d)": (
        f"CASE WHEN d = '' THEN {_error(_BAD_ARGUMENT, 'The delimiter may not be the empty string')}"
        " ELSE string_split(s, d) END"
    ),
    "trino_split(s, d, lim)": (
        f"CASE WHEN lim <= 0 THEN {_error(_BAD_ARGUMENT, 'Limit must be positive')}"
        f" WHEN d = '' THEN {_error(_BAD_ARGUMENT, 'The delimiter may not be the empty string')}"
        " WHEN len(string_split(s, d)) <= lim THEN string_split(s, d)"
        " ELSE list_append(string_split(s, d)[1:lim - 1], array_to_string(string_split(s, d)[lim:], d)) END"
    ),
    "trino_split_part(s, d, i)": (
        f"CASE WHEN i <= 0 THEN {_error(_BAD_ARGUMENT, 'Index must be greater than zero')}"
        " WHEN d = '' THEN CASE WHEN i <= length(s) THEN substring(s, i, 1) END"
        " ELSE string_split(s, d)[i] END"
    ),
    "trino_strpos(s, sub, n)": (
        f"CASE WHEN n = 0 THEN {_error(_BAD_ARGUMENT, _INSTANCE)}"
        " WHEN sub = '' THEN CAST(1 AS BIGINT)"
        " ELSE coalesce(list_filter(range(1, length(s) + 1), lambda i: substring(s, i, length(sub)) "
        "= sub)[n], 0) END"
    ),
    "trino_split_to_map(s, ed, kd)": (
        "CASE WHEN s IS NOT NULL AND ed IS NOT NULL AND kd IS NOT NULL THEN"
        f" CASE WHEN ed = '' THEN {_error(_BAD_ARGUMENT, 'entryDelimiter is empty')}"
        f" WHEN kd = '' THEN {_error(_BAD_ARGUMENT, 'keyValueDelimiter is empty')}"
        " WHEN ed = kd THEN "
        f"{_error(_BAD_ARGUMENT, 'entryDelimiter and keyValueDelimiter must not be the same')}"
        " WHEN list_bool_or(list_transform(trino_entries(s, ed), lambda e: len(string_split(e, kd)) "
        "<> 2)) THEN "
        + _error(_BAD_ARGUMENT, "Key-value delimiter must appear exactly once in each entry")
        + " WHEN len(list_distinct(list_transform(trino_entries(s, ed), lambda e: string_split(e, kd)[1])))"
        " <> len(trino_entries(s, ed)) THEN "
        + _error(_BAD_ARGUMENT, "Duplicate keys are not allowed")
        + " ELSE map_from_entries(list_transform(trino_entries(s, ed),"
        " lambda e: {'k': string_split(e, kd)[1], 'v': string_split(e, kd)[2]})) END END"
    ),
    "trino_split_to_multimap(s, ed, kd)": (
        "CASE WHEN s IS NOT NULL AND ed IS NOT NULL AND kd IS NOT NULL THEN"
        f" CASE WHEN ed = '' THEN {_error(_BAD_ARGUMENT, 'entryDelimiter is empty')}"
        f" WHEN kd = '' THEN {_error(_BAD_ARGUMENT, 'keyValueDelimiter is empty')}"
        " WHEN ed = kd THEN "
        f"{_error(_BAD_ARGUMENT, 'entryDelimiter and keyValueDelimiter must not be the same')}"
        " WHEN list_bool_or(list_transform(trino_entries(s, ed), lambda e: len(string_split(e, kd)) "
        "<> 2)) THEN "
        + _error(_BAD_ARGUMENT, "Key-value delimiter must appear exactly once in each entry")
        + " ELSE map_from_entries(list_transform("
        "list_distinct(list_transform(trino_entries(s, ed), lambda e: string_split(e, kd)[1])),"
        " lambda k: {'k': k, 'v': list_transform(list_filter(trino_entries(s, ed),"
        " lambda e: string_split(e, kd)[1] = k), lambda e: string_split(e, kd)[2])})) END END"
    ),
    # Trino drops one trailing entry delimiter: 'a=1,' has one entry
    "trino_entries(s, ed)": (
        "CASE WHEN s = '' THEN [] WHEN suffix(s, ed) THEN string_split(s[1:length(s) - length(ed)], ed)"
        " ELSE string_split(s, ed) END"
    ),
    "trino_lpad(s, n, p)": (
        f"CASE WHEN n < 0 THEN {_error(_BAD_ARGUMENT, 'Target length must be in the range [0..2147483647]')}"
        f" WHEN p = '' THEN {_error(_BAD_ARGUMENT, 'Padding string must not be empty')} ELSE lpad(s, "
        "n, p) END"
    ),
    "trino_rpad(s, n, p)": (
        f"CASE WHEN n < 0 THEN {_error(_BAD_ARGUMENT, 'Target length must be in the range [0..2147483647]')}"
        f" WHEN p = '' THEN {_error(_BAD_ARGUMENT, 'Padding string must not be empty')} ELSE rpad(s, "
        "n, p) END"
    ),
    "trino_codepoint(s)": (
        "CASE WHEN length(s) <> 1 THEN "
        f"{_error(_BAD_ARGUMENT, 'Input string must be a single character string')}"
        " ELSE unicode(s) END"
    ),
    "trino_hamming_distance(a, b)": (
        "CASE WHEN length(a) <> length(b) THEN "
        + _error(_BAD_ARGUMENT, "The input strings to hamming_distance function must have the same length")
        + " ELSE CAST(len(list_filter(range(1, length(a) + 1), lambda i: substring(a, i, 1) <> "
        "substring(b, i, 1)))"
        " AS BIGINT) END"
    ),
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
        f" ELSE {_error(_BAD_ARGUMENT, 'Invalid JSON value')} END"
    ),
    "trino_json_to_varchar(j)": (
        "CASE json_type(j) WHEN 'NULL' THEN NULL WHEN 'VARCHAR' THEN json_extract_string(j, '$')"
        f" WHEN 'OBJECT' THEN {_error('INVALID_CAST_ARGUMENT', 'Cannot cast JSON object to varchar')}"
        f" WHEN 'ARRAY' THEN {_error('INVALID_CAST_ARGUMENT', 'Cannot cast JSON array to varchar')}"
        " ELSE CAST(j AS VARCHAR) END"
    ),
}


def _install_macros(db: duckdb.DuckDBPyConnection) -> None:
    """The macros above, overloads of one name created together."""
    bodies: dict[str, list[str]] = {}
    for signature, body in _MACROS.items():
        name, params = signature.split("(", 1)
        bodies.setdefault(name, []).append(f"({params} AS {body}")
    for name, overloads in bodies.items():
        db.execute(f"CREATE OR REPLACE MACRO {name} " + ", ".join(overloads))


# -- Python helpers: Java's own semantics --------------------------------------------------
def _fail(name: str, message: str) -> ValueError:
    return ValueError(f"{ERROR_MARK}{name}:{message}")


def _java_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_JAVA_NAMED_GROUP.sub("(?P<", pattern))
    except re.error as err:
        raise _fail(_BAD_ARGUMENT, f"Invalid regular expression: {err}") from None


def regexp_position(source: str, pattern: str, start: int, occurrence: int) -> int:
    """Code-point index of the n-th match at or after ``start``, -1 when there is none."""
    if start < 1:
        raise _fail(_BAD_ARGUMENT, "start position cannot be smaller than 1")
    if occurrence < 1:
        raise _fail(_BAD_ARGUMENT, "occurrence cannot be smaller than 1")
    if start > len(source):
        return -1
    for count, match in enumerate(_java_regex(pattern).finditer(source, start - 1), 1):
        if count == occurrence:
            return match.start() + 1
    return -1


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
        raise _fail(_BAD_ARGUMENT, f"Cannot convert value to JSON: '{text}'") from None


def normalize(text: str, form: str) -> str:
    return unicodedata.normalize(form, text)


def from_utf8(data: bytes, replacement: str) -> str:
    """Invalid sequences become ``replacement`` (one character or none)."""
    if len(replacement) > 1:
        raise _fail(_BAD_ARGUMENT, "Replacement character string must empty or a single character")
    return bytes(data).decode("utf-8", errors="replace").replace("\ufffd", replacement)


_SOUNDEX = "01230120022455012623010202"


def soundex(text: str) -> str:
    """Apache Commons Codec's US English Soundex, the one Trino calls (H and W are skipped)."""
    letters = [c.upper() for c in text if c.isalpha()]
    if not letters:
        return ""
    for char in letters:
        if not "A" <= char <= "Z":
            raise _fail(_BAD_ARGUMENT, f"The character is not mapped: {char}")
    out, last = [letters[0]], _SOUNDEX[ord(letters[0]) - 65]
    for char in letters[1:]:
        if len(out) == 4:
            break
        if char in "HW":
            continue
        digit = _SOUNDEX[ord(char) - 65]
        if digit not in ("0", last):
            out.append(digit)
        last = digit
    return "".join(out).ljust(4, "0")


def luhn_check(text: str) -> bool:
    if not text or not text.isascii() or not text.isdigit():
        raise _fail("NOT_SUPPORTED", "luhn_check of a string that is not all digits")
    total = 0
    for position, char in enumerate(reversed(text)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


# java.net.URI, after RFC 2396 with Java's deviations: an invalid URI is NULL, a missing part ''.
_ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _ALPHA + "0123456789"
_UNRESERVED = _ALNUM + "-_.!~*'()"
_URIC = _UNRESERVED + ";/?:@&=+$,[]"
_PATH = _UNRESERVED + ":@&=+$,;/"
_USERINFO = _UNRESERVED + ";:&=+$,"
_REG_NAME = _UNRESERVED + "$,;:@&=+"
_SERVER = _USERINFO + _ALNUM + "-.:@[]"
_HEX = "0123456789abcdefABCDEF"


class _BadUri(Exception):
    pass


def _scan(text: str, allowed: str, escapes: bool = True) -> int:
    """Length of the prefix made of ``allowed`` characters (and escapes, and non-ASCII)."""
    i = 0
    while i < len(text):
        char = text[i]
        if char in allowed:
            i += 1
        elif escapes and char == "%":
            if i + 2 < len(text) + 0 and text[i + 1] in _HEX and text[i + 2] in _HEX:
                i += 3
            else:
                raise _BadUri
        elif escapes and ord(char) > 128 and not char.isspace() and unicodedata.category(char) != "Cc":
            i += 1
        else:
            break
    return i


def _check(text: str, allowed: str, escapes: bool = True) -> str:
    if _scan(text, allowed, escapes) != len(text):
        raise _BadUri
    return text


def _server(authority: str) -> tuple[str | None, int]:
    """(host, port) of a server-based authority; _BadUri when it is not one."""
    rest = authority
    if "@" in rest:
        userinfo, rest = rest.split("@", 1)
        _check(userinfo, _USERINFO)
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0 or not re.fullmatch(r"[0-9A-Fa-f:.]+(%[\w.]+)?", rest[1:end]):
            raise _BadUri
        host, rest = rest[: end + 1], rest[end + 1 :]
    else:
        ipv4 = re.match(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?=:|$)", rest)
        if ipv4 and all(int(g) <= 255 for g in ipv4.groups()):
            host = ipv4.group(0)
        else:
            labels = re.match(
                r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?",
                rest,
            )
            if labels is None:
                raise _BadUri
            host = labels.group(0)
            last = host.rstrip(".").rsplit(".", 1)
            if len(last) == 2 and not last[1][0].isalpha():
                raise _BadUri
        rest = rest[len(host) :]
    port = -1
    if rest.startswith(":"):
        digits = rest[1:]
        if digits:
            if not digits.isascii() or not digits.isdigit() or int(digits) > 2**31 - 1:
                raise _BadUri
            port = int(digits)
        rest = ""
    if rest:
        raise _BadUri
    return host, port


def _authority(authority: str) -> tuple[str | None, int]:
    """(host, port) of a server-based authority; a registry-based one (``my_host``) has neither."""
    server = _scan(authority, _SERVER + ("%" if "]" in authority else ""), escapes=False) == len(authority)
    registry = _scan(authority, _REG_NAME) == len(authority)
    if server:
        try:
            return _server(authority)
        except (_BadUri, ValueError):
            if not registry:
                raise _BadUri from None
    elif not registry:
        raise _BadUri
    return None, -1


def _parse_uri(url: str) -> dict[str, Any] | None:
    parts: dict[str, Any] = {
        "scheme": None,
        "host": None,
        "port": -1,
        "path": None,
        "query": None,
        "fragment": None,
    }
    try:
        text, _, fragment = url.partition("#")
        if "#" not in url:
            fragment = None
        if fragment is not None:
            parts["fragment"] = _check(fragment, _URIC)
        scheme = re.match(r"([^/?#:]*):", text)
        if scheme:
            if not scheme.group(1) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme.group(1)):
                raise _BadUri
            parts["scheme"] = scheme.group(1)
            text = text[scheme.end() :]
            if not text.startswith("/"):
                if not text:
                    raise _BadUri
                _check(text, _URIC)  # opaque: no host, path or query
                return parts
        if text.startswith("//"):
            end = min([i for i in (text.find("/", 2), text.find("?", 2)) if i >= 0], default=len(text))
            authority = text[2:end]
            if not authority and end == len(text):
                raise _BadUri
            if authority:
                parts["host"], parts["port"] = _authority(authority)
            text = text[end:]
        path, query = text.split("?", 1) if "?" in text else (text, None)
        parts["path"] = _check(path, _PATH)
        if query is not None:
            parts["query"] = _check(query, _URIC)
    except _BadUri:
        return None
    return parts


def _decode(text: str | None) -> str:
    return urllib.parse.unquote(text, errors="replace") if text else ""


def url_extract(url: str, part: str) -> str | None:
    parts = _parse_uri(url)
    if parts is None:
        return None
    if part in ("path", "query", "fragment"):
        return _decode(parts[part])
    return parts[part] or ""


def url_extract_port(url: str) -> int | None:
    parts = _parse_uri(url)
    return None if parts is None or parts["port"] < 0 else parts["port"]


def _form_decode(text: str) -> str:
    """java.net.URLDecoder: '+' is a space, %XX bytes are UTF-8, a bad escape fails."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        raise _fail(_BAD_ARGUMENT, "URLDecoder: Illegal hex characters in escape (%) pattern")
    return urllib.parse.unquote_plus(text, errors="replace")


def url_extract_parameter(url: str, name: str) -> str | None:
    parts = _parse_uri(url)
    if parts is None or parts["query"] is None:
        return None
    for argument in parts["query"].split("&"):
        key, _, value = argument.partition("=")
        if key == name:
            return _form_decode(value) if "=" in argument else ""
    return None


def url_encode(text: str) -> str:
    """Guava's form-parameter escaper: alphanumerics and ``.-*_`` kept, space as ``+``."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in "-_.*"):
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def url_decode(text: str) -> str:
    return _form_decode(text)


_VARCHAR, _BIGINT, _INTEGER = sqltypes.VARCHAR, sqltypes.BIGINT, sqltypes.INTEGER
_PYTHON_FUNCTIONS: tuple[tuple[str, Callable[..., Any], list[Any], Any], ...] = (
    ("trino_regexp_position", regexp_position, [_VARCHAR, _VARCHAR, _BIGINT, _BIGINT], _INTEGER),
    ("trino_json_parse", json_parse, [_VARCHAR], _VARCHAR),
    ("trino_normalize", normalize, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_from_utf8", from_utf8, [sqltypes.BLOB, _VARCHAR], _VARCHAR),
    ("trino_soundex", soundex, [_VARCHAR], _VARCHAR),
    ("trino_luhn_check", luhn_check, [_VARCHAR], sqltypes.BOOLEAN),
    ("trino_url_extract", url_extract, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_url_extract_port", url_extract_port, [_VARCHAR], _BIGINT),
    ("trino_url_extract_parameter", url_extract_parameter, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_url_encode", url_encode, [_VARCHAR], _VARCHAR),
    ("trino_url_decode", url_decode, [_VARCHAR], _VARCHAR),
)


def _null_in_null_out(function: Callable[..., Any]) -> Callable[..., Any]:
    """A NULL argument gives NULL (as in Trino) without calling ``function``, which may return NULL."""

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        return None if any(arg is None for arg in args) else function(*args)

    return call


def _install_functions(db: duckdb.DuckDBPyConnection) -> None:
    for name, function, parameters, result in _PYTHON_FUNCTIONS:
        db.create_function(
            name, _null_in_null_out(function), parameters, result, null_handling="special", side_effects=False
        )


def _url_part(part: str) -> Callable[[exp.Anonymous], exp.Expression | None]:
    def rewrite(node: exp.Anonymous) -> exp.Expression | None:
        if len(node.expressions) != 1:
            return None
        return _call("trino_url_extract", node.expressions[0], exp.Literal.string(part))

    return rewrite


_SQL_JSON = (
    "the SQL/JSON path language (lax and strict modes, wrappers, ON EMPTY/ON ERROR) has no DuckDB counterpart"
)

FAMILY = Family(
    name="strings, regular expressions, JSON and URLs",
    nodes={
        exp.RegexpReplace: _regexp_replace,
        exp.RegexpExtract: _regexp_extract,
        exp.RegexpExtractAll: _regexp_extract_all,
        exp.RegexpCount: _regexp_count,
        exp.RegexpLike: _regexp_pattern_only,
        exp.RegexpSplit: _regexp_pattern_only,
        exp.Substring: _substring,
        exp.Split: _split,
        exp.SplitPart: _split_part,
        exp.StrPosition: _strpos,
        exp.StrToMap: _split_to_map,
        exp.Pad: _pad,
        exp.Normalize: _normalize,
        exp.Decode: _from_utf8,
        exp.Soundex: _soundex,
        exp.Format: _format,
        exp.JSONExtract: _json_extract,
        exp.JSONExtractScalar: _json_extract_scalar,
        exp.JSONValue: _sql_json("json_value"),
        exp.JSONObject: _sql_json("json_object"),
        exp.JSONArrayContains: _json_array_contains,
        exp.ParseJSON: _parse_json,
        exp.Cast: _cast,
    },
    calls={
        "codepoint": _codepoint,
        "regexp_position": _regexp_position,
        "split_to_multimap": _split_to_multimap,
        "hamming_distance": _simple("trino_hamming_distance", 2),
        "luhn_check": _simple("trino_luhn_check", 1),
        "json_array_length": _simple("trino_json_array_length", 1),
        "json_array_get": _simple("trino_json_array_get", 2),
        "json_size": _json_path_call("trino_json_size"),
        "is_json_scalar": _simple("trino_is_json_scalar", 1),
        "url_extract_host": _url_part("host"),
        "url_extract_path": _url_part("path"),
        "url_extract_protocol": _url_part("scheme"),
        "url_extract_query": _url_part("query"),
        "url_extract_fragment": _url_part("fragment"),
        "url_extract_port": _simple("trino_url_extract_port", 1),
        "url_extract_parameter": _simple("trino_url_extract_parameter", 2),
        "url_encode": _simple("trino_url_encode", 1),
        "url_decode": _simple("trino_url_decode", 1),
    },
    install=(_install_macros, _install_functions),
    unsupported={
        "word_stem": "Trino's Snowball stemmers have no DuckDB counterpart here",
        "json_query": _SQL_JSON,
        "json_value": _SQL_JSON,
        "json_exists": _SQL_JSON,
        "json_object": _SQL_JSON,
        "json_array": _SQL_JSON,
    },
)
