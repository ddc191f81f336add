"""Dates and times: where DuckDB's date functions differ from Trino's.

- ``date_add``/``date_trunc``/``DATE +- INTERVAL`` on a DATE stay DATE (DuckDB yields TIMESTAMP);
- ``date_diff`` counts whole units elapsed (DuckDB's ``date_diff`` counts boundaries);
- ``format_datetime``/``parse_datetime`` take Joda patterns, converted to strftime.
"""

from __future__ import annotations

from sqlglot import exp

from .errors import AthenaError
from .trino_rewrites import Family, cast, is_type

_JODA = [
    ("yyyy", "%Y"),
    ("YYYY", "%Y"),
    ("yy", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("M", "%-m"),
    ("dd", "%d"),
    ("d", "%-d"),
    ("DDD", "%j"),
    ("HH", "%H"),
    ("H", "%-H"),
    ("hh", "%I"),
    ("h", "%-I"),
    ("mm", "%M"),
    ("m", "%-M"),
    ("ss", "%S"),
    ("s", "%-S"),
    ("SSSSSS", "%f"),
    ("SSS", "%g"),
    ("a", "%p"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("ZZ", "%z"),
    ("Z", "%z"),
    ("z", "%Z"),
]


def joda_to_strftime(pattern: str) -> str:
    """Convert a Joda-Time pattern (format_datetime/parse_datetime) to strftime/strptime."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            if pattern.startswith("''", i):
                out.append("'")
                i += 2
                continue
            i += 1
            while i < len(pattern):
                if pattern.startswith("''", i):
                    out.append("'")
                    i += 2
                elif pattern[i] == "'":
                    i += 1
                    break
                else:
                    out.append("%%" if pattern[i] == "%" else pattern[i])
                    i += 1
            continue
        for token, directive in _JODA:
            if pattern.startswith(token, i):
                out.append(directive)
                i += len(token)
                break
        else:
            if char.isalpha():
                raise AthenaError("INVALID_FUNCTION_ARGUMENT", f"Unsupported Joda pattern letter '{char}'")
            out.append("%%" if char == "%" else char)
            i += 1
    return "".join(out)


_DATE = exp.DataType.Type.DATE
_DATE_UNITS = {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}


def _date_add_stays_date(node: exp.DateAdd) -> exp.Expression:
    """Adding whole days or more to a DATE gives a DATE in Trino (DuckDB gives a TIMESTAMP)."""
    unit = (node.text("unit") or "DAY").upper()
    if is_type(node.this.type, _DATE) and unit in _DATE_UNITS:
        return cast(node, "DATE")
    return node


def _date_trunc_stays_date(node: exp.DateTrunc | exp.TimestampTrunc) -> exp.Expression:
    return cast(node, "DATE") if is_type(node.this.type, _DATE) else node


def _date_interval_stays_date(node: exp.Add | exp.Sub) -> exp.Expression:
    """``DATE +- INTERVAL`` of whole days or more stays a DATE, as ``date_add`` does."""
    left, right = node.this, node.expression
    whole_days = isinstance(right, exp.Interval) and right.text("unit").upper().rstrip("S") in _DATE_UNITS
    return cast(node, "DATE") if is_type(left.type, _DATE) and whole_days else node


def _elapsed_date_diff(node: exp.DateDiff) -> exp.Expression:
    """Trino's date_diff counts whole units elapsed, which is DuckDB's date_sub, not its date_diff."""
    unit = (node.text("unit") or "DAY").lower()
    return exp.Anonymous(this="DATE_SUB", expressions=[exp.Literal.string(unit), node.expression, node.this])


def _joda_parse_datetime(node: exp.ParseDatetime) -> exp.Expression:
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return node
    parsed = exp.Anonymous(
        this="STRPTIME", expressions=[node.this, exp.Literal.string(joda_to_strftime(fmt.this))]
    )
    return cast(parsed, "TIMESTAMPTZ")


def _format_datetime(node: exp.Anonymous) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 2 or not isinstance(args[1], exp.Literal):
        return None
    return exp.Anonymous(
        this="STRFTIME", expressions=[args[0], exp.Literal.string(joda_to_strftime(args[1].this))]
    )


def _to_iso8601(node: exp.Anonymous) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 1:
        return None
    pattern = "%Y-%m-%d" if is_type(args[0].type, _DATE) else "%Y-%m-%dT%H:%M:%S.%g"
    return exp.Anonymous(this="STRFTIME", expressions=[args[0], exp.Literal.string(pattern)])


FAMILY = Family(
    name="dates and times",
    nodes={
        exp.DateAdd: _date_add_stays_date,
        exp.DateTrunc: _date_trunc_stays_date,
        exp.TimestampTrunc: _date_trunc_stays_date,
        exp.Add: _date_interval_stays_date,
        exp.Sub: _date_interval_stays_date,
        exp.DateDiff: _elapsed_date_diff,
        exp.ParseDatetime: _joda_parse_datetime,
    },
    calls={"format_datetime": _format_datetime, "to_iso8601": _to_iso8601},
)
