"""Strings and regular expressions: where DuckDB's functions differ from Trino's.

Trino's regular expressions are Java's: replacements name groups ``$1``/``${name}`` (RE2 wants
``\\1``), a failed ``regexp_extract`` is NULL (DuckDB's is ``''``), and positions count code
points. Trino's string functions fail or answer NULL at the edges where DuckDB answers something
(``split_part`` past the end, ``substr`` from before the start, ``split`` with a limit, ``strpos``
with an instance), and ``format`` is Java's Formatter, not C's printf. Each rewrite below touches
only the calls whose DuckDB meaning differs; DuckDB macros do the work where SQL can (they are
inlined and vectorized), Python functions where the semantics are Java's own (regular expression
positions, Soundex, Unicode normalization).
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from collections.abc import Callable

from duckdb import sqltypes
from sqlglot import exp

from .errors import AthenaError
from .trino_rewrites import (
    BAD_ARGUMENT,
    INTEGER_TYPES,
    TEXT_TYPES,
    Family,
    PythonFunction,
    call,
    cast,
    error_sql,
    fail_when,
    function_installer,
    function_not_supported,
    integer_literal,
    is_type,
    macro_installer,
    python_error,
    renamed,
    string_literal,
    trino_error,
)

_T = exp.DataType.Type
_INSTANCE = "'instance' must be a positive or negative number."
_PAD_LENGTH = "Target length must be in the range [0..2147483647]"


# -- regular expressions -------------------------------------------------------------------
_JAVA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z])")


def _pattern(node: exp.Expression) -> exp.Expression:
    """A literal Java pattern in RE2's spelling: named groups ``(?<n>...)`` become ``(?P<n>...)``."""
    text = string_literal(node)
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
    return trino_error(BAD_ARGUMENT, f"Illegal replacement sequence: {message}")


def _group_reference(text: str, i: int, groups: tuple[int, dict[str, int]] | None) -> tuple[int | str, int]:
    """The group a ``$`` at ``text[i - 1]`` names and where the reference ends, or Trino's complaint."""
    if i == len(text):
        return text, i
    if text[i] == "{":
        end = text.find("}", i)
        name = text[i + 1 : end if end >= 0 else len(text)]
        if groups is None:
            raise function_not_supported(
                "regexp_replace", "a named group in a pattern not known before running"
            )
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
                raise function_not_supported("regexp_replace", "group references past $9")
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
        return call("regexp_replace", source, pattern, exp.Literal.string(""), exp.Literal.string("g"))
    text = string_literal(replacement)
    if text is None:
        if isinstance(replacement, exp.Lambda):
            raise function_not_supported("regexp_replace", "a lambda replacement")
        return call("trino_regexp_replace", source, pattern, replacement)
    rewritten = _re2_replacement(text, _groups(string_literal(node.expression)))
    if isinstance(rewritten, exp.Expression):  # Trino fails on the first match only
        return fail_when(call("regexp_matches", source, pattern), rewritten, source)
    return call("regexp_replace", source, pattern, exp.Literal.string(rewritten), exp.Literal.string("g"))


def _checked_group(node: exp.Expression, value: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
    """Trino rejects a group the pattern does not have, for every row, match or not."""
    source, group = node.this, node.args.get("group")
    groups = _groups(string_literal(node.expression))
    number = integer_literal(group) if group is not None else 0
    if groups is not None and number is not None and not 0 <= number <= groups[0]:
        message = (
            "Group cannot be negative"
            if number < 0
            else f"Pattern has {groups[0]} groups. Cannot access group {number}"
        )
        return fail_when(source.is_(exp.null()).not_(), trino_error(BAD_ARGUMENT, message), exp.null())
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
                    this=call("regexp_matches", source, pattern),
                    true=call("regexp_extract", source, pattern, group),
                )
            ]
        ),
    )


def _regexp_extract_all(node: exp.RegexpExtractAll) -> exp.Expression:
    """Only the group check and the pattern's spelling differ."""
    if node.args.get("position") or node.args.get("occurrence") or node.args.get("parameters"):
        return node
    source, pattern = node.this, _pattern(node.expression)
    return _checked_group(node, lambda group: call("regexp_extract_all", source, pattern, group))


def _regexp_count(node: exp.RegexpCount) -> exp.Expression:
    """An empty pattern matches between every character, as in Trino (sqlglot makes it 0)."""
    return exp.Length(this=call("regexp_extract_all", node.this, _pattern(node.expression)))


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
    return call("trino_regexp_position", *args)


# -- strings -------------------------------------------------------------------------------
def _substring(node: exp.Substring) -> exp.Expression:
    """A start of 0, or before the string's beginning, or a negative length, gives ''."""
    start, length = node.args.get("start"), node.args.get("length")
    start_value = integer_literal(start)
    length_value = integer_literal(length) if length is not None else 0
    if start is None or (
        start_value is not None and start_value > 0 and length_value is not None and length_value >= 0
    ):
        return node
    if length is None:
        return call("trino_substr", node.this, node.args["start"])
    return call("trino_substr", node.this, node.args["start"], node.args["length"])


def _split(node: exp.Split) -> exp.Expression:
    """The limit keeps the rest of the string in the last element; an empty delimiter fails."""
    limit = node.args.get("limit")
    delimiter = string_literal(node.expression)
    if limit is None and delimiter:
        return node
    limit = node.args.get("limit")
    if limit is None:
        return call("trino_split", node.this, node.expression)
    return call("trino_split", node.this, node.expression, limit)


def _split_part(node: exp.SplitPart) -> exp.Expression:
    """Past the last field is NULL (DuckDB: ''), an index below 1 fails."""
    return call("trino_split_part", node.this, node.args["delimiter"], node.args["part_index"])


def _strpos(node: exp.StrPosition) -> exp.Expression:
    """strpos's third argument is the instance (sqlglot drops it), negative counting from the end."""
    occurrence = node.args.get("occurrence")
    if occurrence is None or node.args.get("position") is not None:
        return node
    return call("trino_strpos", node.this, node.args["substr"], node.args["occurrence"])


def _split_to_map(node: exp.StrToMap) -> exp.Expression:
    return call("trino_split_to_map", node.this, node.args["pair_delim"], node.args["key_value_delim"])


def _split_to_multimap(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 3:
        return None
    return call("trino_split_to_multimap", *node.expressions)


def _pad(node: exp.Pad) -> exp.Expression:
    """An empty pad string or a negative size fails in Trino; DuckDB pads or errors otherwise."""
    fill = node.args.get("fill_pattern")
    if fill is None:
        return node
    size, fill_text = integer_literal(node.expression), string_literal(fill)
    if size is not None and size >= 0 and fill_text:
        return node
    name = "trino_lpad" if node.args.get("is_left") else "trino_rpad"
    return call(name, node.this, node.expression, node.args["fill_pattern"])


def _normalize(node: exp.Normalize) -> exp.Expression:
    form = node.args.get("form")
    name = form.name.upper() if isinstance(form, exp.Expression) else "NFC"
    if name not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise AthenaError(BAD_ARGUMENT, "Normalization form must be one of [NFD, NFC, NFKD, NFKC]")
    return call("trino_normalize", node.this, exp.Literal.string(name))


def _from_utf8(node: exp.Decode) -> exp.Expression:
    """Invalid UTF-8 is replaced (U+FFFD or the given character), never an error."""
    charset = string_literal(node.args.get("charset"))
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        return node
    replace = node.args.get("replace")
    return call(
        "trino_from_utf8", node.this, replace if replace is not None else exp.Literal.string("\ufffd")
    )


def _codepoint(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    return call("trino_codepoint", node.expressions[0])


def _soundex(node: exp.Soundex) -> exp.Expression:
    return call("trino_soundex", node.this)


_JAVA_FORMAT = re.compile(r"%(?:(\d+)\$)?([-#+ 0,(<]*)(\d+)?(?:\.(\d+))?([tT][a-zA-Z]|[a-zA-Z%])")


# Java's date-time conversions (``%tA``...) as strftime writes them in the English locale.
_JAVA_DATE_CONVERSIONS = {
    "A": "%A",
    "a": "%a",
    "B": "%B",
    "b": "%b",
    "h": "%b",
    "d": "%d",
    "e": "%-d",
    "m": "%m",
    "Y": "%Y",
    "y": "%y",
    "j": "%j",
    "H": "%H",
    "M": "%M",
    "S": "%S",
    "F": "%Y-%m-%d",
    "T": "%H:%M:%S",
}
_JAVA_TIME_CONVERSIONS = frozenset("HMST")  # a date has no time of day: Java fails them
_FRACTIONAL = (_T.DOUBLE, _T.FLOAT, _T.DECIMAL)


def _format_argument(arg: exp.Expression, conversion: str, flags: str, spec: str) -> exp.Expression:
    """An argument of ``format`` as printf renders it the way Java's Formatter does."""
    if conversion == "f":
        if not is_type(arg.type, *_FRACTIONAL):
            raise function_not_supported("format", "%f of a value that is not a double or decimal")
        # Java widens a real to double before formatting it: 0.1 is 0.10000000149011612
        value = cast(arg, "DOUBLE") if is_type(arg.type, _T.FLOAT) else arg
        fixed = call("trino_java_fixed", cast(value, "VARCHAR"), exp.Literal.string(spec))
        return exp.Coalesce(this=fixed, expressions=[exp.Literal.string("null")])
    if conversion in "tT":
        timed = spec[-1] in _JAVA_TIME_CONVERSIONS
        if not is_type(arg.type, _T.TIMESTAMP) and not (is_type(arg.type, _T.DATE) and not timed):
            raise function_not_supported("format", f"{spec} of a value without that field")
        pattern = _JAVA_DATE_CONVERSIONS[spec[-1]]
        text = call("strftime", arg, exp.Literal.string(pattern))
        if conversion == "T":
            text = exp.Upper(this=text)
        return exp.Coalesce(this=text, expressions=[exp.Literal.string("null")])
    if conversion == "s":
        if not is_type(arg.type, *TEXT_TYPES, *INTEGER_TYPES, _T.BOOLEAN):
            raise function_not_supported("format", "%s of a value that is not a string, integer or boolean")
        if "0" in flags:
            raise function_not_supported("format", f"the conversion {spec}")
        return exp.Coalesce(this=cast(arg, "VARCHAR"), expressions=[exp.Literal.string("null")])
    if not is_type(arg.type, *INTEGER_TYPES):
        raise function_not_supported("format", "%d of a value that is not an integer")
    null = trino_error("NOT_SUPPORTED", "Function 'format' is not supported for a NULL %d argument")
    return fail_when(arg.copy().is_(exp.null()), null, arg)


def _reproduced(conversion: str, flags: str, precision: str | None, dated: bool) -> bool:
    """Whether a conversion and its flags are ones this module writes as Java's Formatter does."""
    if dated:
        return not set(flags) - set("-") and not precision
    if conversion == "f":
        return not set(flags) - set("-,")
    return conversion in "sd" and not set(flags) - set("-0") and not (conversion == "d" and precision)


def _format(node: exp.Format) -> exp.Expression:
    """Java's Formatter for %s, %d, %%, %n, %f and the common date conversions (``%tA``, ``%tY``...).

    Java rounds %f half up from the value's shortest decimal text and groups with ``,``, where C's
    printf rounds the binary value half even, so %f goes through ``java_fixed``; a conversion or
    flag not listed fails rather than answer differently.
    """
    text = string_literal(node.this)
    if text is None:
        raise function_not_supported("format", "a format string computed at run time")
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
        dated = conversion[0] in "tT" and conversion[1:] in _JAVA_DATE_CONVERSIONS
        if not _reproduced(conversion, flags, precision, dated):
            raise function_not_supported("format", f"the conversion {match.group(0)}")
        if index is not None:
            number = int(index) - 1
        else:
            number, ordinary = ordinary, ordinary + 1
        if not 0 <= number < len(args):
            raise AthenaError(BAD_ARGUMENT, f"Format specifier '{match.group(0)}' has no argument")
        used.append(_format_argument(args[number].copy(), conversion[0], flags, match.group(0)))
        if conversion == "f" or dated:  # the helper wrote the digits; printf only pads them
            out.append(f"%{flags.replace(',', '')}{width or ''}s")
        else:
            out.append(f"%{flags}{width or ''}{'.' + precision if precision else ''}{conversion}")
    out.append(text[position:].replace("%", "%%"))
    return call("printf", exp.Literal.string("".join(out)), *used)


# -- DuckDB helpers ------------------------------------------------------------------------
# What split_to_map and split_to_multimap refuse, in Trino's words: the opening WHEN branches.
_SPLIT_TO_MAP_CHECKS = (
    f"CASE WHEN ed = '' THEN {error_sql(BAD_ARGUMENT, 'entryDelimiter is empty')}"
    f" WHEN kd = '' THEN {error_sql(BAD_ARGUMENT, 'keyValueDelimiter is empty')}"
    " WHEN ed = kd THEN "
    f"{error_sql(BAD_ARGUMENT, 'entryDelimiter and keyValueDelimiter must not be the same')}"
    " WHEN list_bool_or(list_transform(trino_entries(s, ed), lambda e: len(string_split(e, kd)) <> 2))"
    " THEN " + error_sql(BAD_ARGUMENT, "Key-value delimiter must appear exactly once in each entry")
)


_MACROS = {
    "trino_regexp_replace(s, p, r)": (
        "regexp_replace(s, p, array_to_string(list_transform("
        r"regexp_extract_all(r, '(?s)\\.|\$[0-9]|\$\{[^}]*\}|[^\\$]+|.'),"
        " lambda t: CASE WHEN t = '\\\\' THEN '\\\\'"
        " WHEN t[1] = '\\' AND length(t) = 2 THEN t[2]"
        " WHEN t[1] = '$' AND length(t) = 2 AND t[2] BETWEEN '0' AND '9' THEN '\\' || t[2]"
        " WHEN t[1] = '$' AND t[2] = "
        f"'{{' THEN {error_sql('NOT_SUPPORTED', 'a named group in a computed replacement')}"
        f" WHEN t IN ('$', '\\') THEN {error_sql(BAD_ARGUMENT, 'Illegal replacement sequence')}"
        " ELSE t END), ''), 'g')"
    ),
    "trino_substr(s, st)": "CASE WHEN st = 0 OR -st > length(s) THEN '' ELSE substring(s, st) END",
    "trino_substr(s, st, n)": (
        "CASE WHEN st = 0 OR n <= 0 OR -st > length(s) THEN '' ELSE substring(s, st, n) END"
    ),
    "trino_split(s, d)": (
        f"CASE WHEN d = '' THEN {error_sql(BAD_ARGUMENT, 'The delimiter may not be the empty string')}"
        " ELSE string_split(s, d) END"
    ),
    "trino_split(s, d, lim)": (
        f"CASE WHEN lim <= 0 THEN {error_sql(BAD_ARGUMENT, 'Limit must be positive')}"
        f" WHEN d = '' THEN {error_sql(BAD_ARGUMENT, 'The delimiter may not be the empty string')}"
        " WHEN len(string_split(s, d)) <= lim THEN string_split(s, d)"
        " ELSE list_append(string_split(s, d)[1:lim - 1], array_to_string(string_split(s, d)[lim:], d)) END"
    ),
    "trino_split_part(s, d, i)": (
        f"CASE WHEN i <= 0 THEN {error_sql(BAD_ARGUMENT, 'Index must be greater than zero')}"
        " WHEN d = '' THEN CASE WHEN i <= length(s) THEN substring(s, i, 1) END"
        " ELSE string_split(s, d)[i] END"
    ),
    "trino_strpos(s, sub, n)": (
        f"CASE WHEN n = 0 THEN {error_sql(BAD_ARGUMENT, _INSTANCE)}"
        " WHEN sub = '' THEN CAST(1 AS BIGINT)"
        " ELSE coalesce(list_filter(range(1, length(s) + 1), lambda i: substring(s, i, length(sub)) "
        "= sub)[n], 0) END"
    ),
    "trino_split_to_map(s, ed, kd)": (
        f"CASE WHEN s IS NOT NULL AND ed IS NOT NULL AND kd IS NOT NULL THEN {_SPLIT_TO_MAP_CHECKS}"
        " WHEN len(list_distinct(list_transform(trino_entries(s, ed), lambda e: string_split(e, kd)[1])))"
        " <> len(trino_entries(s, ed)) THEN "
        + error_sql(BAD_ARGUMENT, "Duplicate keys are not allowed")
        + " ELSE map_from_entries(list_transform(trino_entries(s, ed),"
        " lambda e: {'k': string_split(e, kd)[1], 'v': string_split(e, kd)[2]})) END END"
    ),
    "trino_split_to_multimap(s, ed, kd)": (
        f"CASE WHEN s IS NOT NULL AND ed IS NOT NULL AND kd IS NOT NULL THEN {_SPLIT_TO_MAP_CHECKS}"
        " ELSE map_from_entries(list_transform("
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
        f"CASE WHEN n < 0 THEN {error_sql(BAD_ARGUMENT, _PAD_LENGTH)}"
        f" WHEN p = '' THEN {error_sql(BAD_ARGUMENT, 'Padding string must not be empty')}"
        " ELSE lpad(s, n, p) END"
    ),
    "trino_rpad(s, n, p)": (
        f"CASE WHEN n < 0 THEN {error_sql(BAD_ARGUMENT, _PAD_LENGTH)}"
        f" WHEN p = '' THEN {error_sql(BAD_ARGUMENT, 'Padding string must not be empty')}"
        " ELSE rpad(s, n, p) END"
    ),
    "trino_codepoint(s)": (
        "CASE WHEN length(s) <> 1 THEN "
        f"{error_sql(BAD_ARGUMENT, 'Input string must be a single character string')}"
        " ELSE unicode(s) END"
    ),
    "trino_hamming_distance(a, b)": (
        "CASE WHEN length(a) <> length(b) THEN "
        + error_sql(BAD_ARGUMENT, "The input strings to hamming_distance function must have the same length")
        + " ELSE CAST(len(list_filter(range(1, length(a) + 1), lambda i: substring(a, i, 1) <> "
        "substring(b, i, 1)))"
        " AS BIGINT) END"
    ),
}


# -- Python helpers: Java's own semantics --------------------------------------------------
def _java_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_JAVA_NAMED_GROUP.sub("(?P<", pattern))
    except re.error as err:
        raise python_error(BAD_ARGUMENT, f"Invalid regular expression: {err}") from None


def regexp_position(source: str, pattern: str, start: int, occurrence: int) -> int:
    """Code-point index of the n-th match at or after ``start``, -1 when there is none."""
    if start < 1:
        raise python_error(BAD_ARGUMENT, "start position cannot be smaller than 1")
    if occurrence < 1:
        raise python_error(BAD_ARGUMENT, "occurrence cannot be smaller than 1")
    if start > len(source):
        return -1
    for count, match in enumerate(_java_regex(pattern).finditer(source, start - 1), 1):
        if count == occurrence:
            return match.start() + 1
    return -1


def normalize(text: str, form: str) -> str:
    return unicodedata.normalize(form, text)


def from_utf8(data: bytes, replacement: str) -> str:
    """Invalid sequences become ``replacement`` (one character or none)."""
    if len(replacement) > 1:
        raise python_error(BAD_ARGUMENT, "Replacement character string must empty or a single character")
    return bytes(data).decode("utf-8", errors="replace").replace("\ufffd", replacement)


_SOUNDEX = "01230120022455012623010202"


def soundex(text: str) -> str:
    """Apache Commons Codec's US English Soundex, the one Trino calls (H and W are skipped)."""
    letters = [c.upper() for c in text if c.isalpha()]
    if not letters:
        return ""
    for char in letters:
        if not "A" <= char <= "Z":
            raise python_error(BAD_ARGUMENT, f"The character is not mapped: {char}")
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


_FIXED_SPEC = re.compile(r"%(?:\d+\$)?([-,]*)\d*(?:\.(\d+))?f")


def java_fixed(text: str, spec: str) -> str:
    """``%.Nf`` of a double's or decimal's text as Java's Formatter writes it: half up, ``,`` groups."""
    if text in ("nan", "NaN"):
        return "NaN"
    if text.lstrip("-").lower() in ("inf", "infinity"):
        return "-Infinity" if text.startswith("-") else "Infinity"
    m = _FIXED_SPEC.fullmatch(spec)
    digits = int(m[2]) if m and m[2] is not None else 6
    value = decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return format(value, ",f" if m and "," in m[1] else "f")


def luhn_check(text: str) -> bool:
    if not text or not text.isascii() or not text.isdigit():
        raise python_error("NOT_SUPPORTED", "luhn_check of a string that is not all digits")
    total = 0
    for position, char in enumerate(reversed(text)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


_VARCHAR = sqltypes.VARCHAR
_PYTHON_FUNCTIONS: tuple[PythonFunction, ...] = (
    (
        "trino_regexp_position",
        regexp_position,
        [_VARCHAR, _VARCHAR, sqltypes.BIGINT, sqltypes.BIGINT],
        sqltypes.INTEGER,
    ),
    ("trino_normalize", normalize, [_VARCHAR, _VARCHAR], _VARCHAR),
    ("trino_from_utf8", from_utf8, [sqltypes.BLOB, _VARCHAR], _VARCHAR),
    ("trino_soundex", soundex, [_VARCHAR], _VARCHAR),
    ("trino_luhn_check", luhn_check, [_VARCHAR], sqltypes.BOOLEAN),
    ("trino_java_fixed", java_fixed, [_VARCHAR, _VARCHAR], _VARCHAR),
)

FAMILY = Family(
    name="strings and regular expressions",
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
    },
    calls={
        "codepoint": _codepoint,
        "regexp_position": _regexp_position,
        "split_to_multimap": _split_to_multimap,
        "hamming_distance": renamed("trino_hamming_distance", 2),
        "luhn_check": renamed("trino_luhn_check", 1),
    },
    install=(macro_installer(_MACROS), function_installer(_PYTHON_FUNCTIONS)),
    unsupported={
        "word_stem": "Trino's Snowball stemmers have no DuckDB counterpart here",
    },
)
