"""Dates and times: where DuckDB's date functions differ from Trino's.

- ``date_add``/``date_trunc``/``DATE +- INTERVAL`` on a DATE stay DATE (DuckDB yields TIMESTAMP);
- ``date_diff`` counts whole units elapsed (DuckDB's ``date_diff`` counts boundaries);
- ``format_datetime``/``parse_datetime`` take Joda patterns, converted to strftime;
- days of the week are ISO (Monday 1, Sunday 7) through ``extract(DOW ...)`` too, and the
  week-based year is ISO's; ``millisecond`` is the milliseconds of the second;
- ``sequence`` over dates yields dates, one day apart by default, counting down when the
  start is later, as over timestamps with a step;
- a timestamp with time zone is an instant in DuckDB and its zone a label ``trino_temporal``
  follows statically: ``at_timezone``, ``with_timezone``, ``AT TIME ZONE`` and
  ``from_unixtime(x, zone)`` label it, and the functions that read its local fields (hour,
  day, ``date_trunc``, ``format_datetime``, a CAST to date or timestamp) read them in that zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from .errors import AthenaError
from .trino_rewrites import (
    BAD_ARGUMENT,
    Family,
    call,
    cast,
    duck,
    fail_when,
    is_type,
    macro_installer,
    not_supported_error,
    string_literal,
    trino_error,
)
from .trino_temporal import UTC, ZONE, is_zoned, literal_zone, offset_minutes, written_zone

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
                raise AthenaError(BAD_ARGUMENT, f"Unsupported Joda pattern letter '{char}'")
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
    return call("DATE_SUB", exp.Literal.string(unit), node.expression, node.this)


def _joda_parse_datetime(node: exp.ParseDatetime) -> exp.Expression:
    fmt = string_literal(node.args.get("format"))
    if fmt is None:
        return node
    parsed = call("STRPTIME", node.this, exp.Literal.string(joda_to_strftime(fmt)))
    return cast(parsed, "TIMESTAMPTZ")


def _format_datetime(node: exp.Anonymous) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 2 or not isinstance(args[1], exp.Literal):
        return None
    return call("STRFTIME", args[0], exp.Literal.string(joda_to_strftime(args[1].this)))


def _to_iso8601(node: exp.Anonymous) -> exp.Expression | None:
    args = node.expressions
    if len(args) != 1:
        return None
    pattern = "%Y-%m-%d" if is_type(args[0].type, _DATE) else "%Y-%m-%dT%H:%M:%S.%g"
    return call("STRFTIME", args[0], exp.Literal.string(pattern))


def _from_iso8601_date(node: exp.FromISO8601Date) -> exp.Expression:
    """ISO 8601's week dates (``2020-W10-3``), ordinal dates (``2020-123``) and reduced dates
    (``2020``, ``2020-05``) too, which a cast to date (sqlglot's translation) refuses."""
    return call("trino_from_iso8601_date", node.this)


def _localtimestamp(node: exp.Localtimestamp) -> exp.Expression:
    """``localtimestamp(p)``: DuckDB's takes no precision; the digits printed follow ``p``."""
    return exp.Localtimestamp() if node.this is not None else node


_MACROS = {
    # the digits of an ISO 8601 date at 1-based ``position`` (NULL where there are none)
    "trino_iso_part(s, position, width)": "TRY_CAST(substr(s, position, width) AS INTEGER)",
    # Monday of ISO week 1: the week holding January 4th
    "trino_iso_week1(y)": "make_date(y, 1, 4) - CAST(isodow(make_date(y, 1, 4)) - 1 AS INTEGER)",
    "trino_from_iso8601_date(s)": (
        "CASE WHEN regexp_full_match(s, '\\d{4}-W\\d{2}(-[1-7])?')"
        " AND trino_iso_part(s, 7, 2) BETWEEN 1 AND week(make_date(trino_iso_part(s, 1, 4), 12, 28))"
        " THEN trino_iso_week1(trino_iso_part(s, 1, 4)) + (trino_iso_part(s, 7, 2) - 1) * 7"
        " + COALESCE(trino_iso_part(s, 10, 1) - 1, 0)"
        " WHEN regexp_full_match(s, '\\d{4}-\\d{3}')"
        " AND trino_iso_part(s, 6, 3) BETWEEN 1 AND dayofyear(make_date(trino_iso_part(s, 1, 4), 12, 31))"
        " THEN make_date(trino_iso_part(s, 1, 4), 1, 1) + (trino_iso_part(s, 6, 3) - 1)"
        " WHEN regexp_full_match(s, '\\d{4}') THEN make_date(trino_iso_part(s, 1, 4), 1, 1)"
        " WHEN regexp_full_match(s, '\\d{4}-\\d{2}') THEN CAST(s || '-01' AS DATE)"
        " ELSE CAST(s AS DATE) END"
    ),
}


# -- days of the week and ISO years ------------------------------------------------------------
_ISO_FIELDS = {"DOW": "ISODOW", "DAY_OF_WEEK": "ISODOW", "DAYOFWEEK": "ISODOW", "YOW": "ISOYEAR"}
_ISO_FIELDS |= {"YEAR_OF_WEEK": "ISOYEAR", "DAYOFWEEKISO": "ISODOW"}


def _iso_extract(node: exp.Extract) -> exp.Expression:
    """``extract(DOW ...)`` is ISO's day of the week in Trino (Sunday 7), DuckDB's counts from Sunday 0."""
    field = _ISO_FIELDS.get(node.name.upper())
    if field is None:
        return node
    return exp.Extract(this=exp.var(field), expression=node.expression)


def _iso_year(node: exp.Anonymous) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    return exp.Extract(this=exp.var("ISOYEAR"), expression=node.expressions[0])


def _millisecond(node: exp.Anonymous) -> exp.Expression | None:
    """Trino's millisecond is of the second (0-999); DuckDB's counts from the minute."""
    if len(node.expressions) != 1:
        return None
    return exp.Mod(
        this=call("MILLISECOND", *node.expressions),
        expression=exp.Literal.number(1000),
    )


# -- sequence over dates and timestamps --------------------------------------------------------
def _temporal_sequence(node: exp.GenerateSeries) -> exp.Expression:
    """Trino's ``sequence`` over dates (step one day either way by default) and timestamps.

    DuckDB's generate_series takes timestamps only, needs a step, and yields an empty list
    where Trino fails on a step of the wrong sign.
    """
    start, stop, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
    if start is None or stop is None:
        return node
    dated = is_type(start.type, _DATE) and is_type(stop.type, _DATE)
    if not dated and not (_timestamp(start) and _timestamp(stop)):
        return node
    first, last = cast(start.copy(), "TIMESTAMP"), cast(stop.copy(), "TIMESTAMP")
    a, z = first.sql("duckdb"), last.sql("duckdb")
    if step is None:
        if not dated:
            return node
        step = duck(f"CASE WHEN {a} <= {z} THEN INTERVAL 1 DAY ELSE INTERVAL -1 DAY END")
    months = _literal_months(step)
    if months:
        # start + i * step, as Trino steps months: Jan 31 + 2 months is Mar 31, not Mar 29
        within = "<=" if months > 0 else ">="
        series = duck(
            f"list_filter(list_transform(range(0, abs(date_diff('month', {a}, {z})) // {abs(months)} + 1),"
            f" lambda i: {a} + to_months(CAST(i * {months} AS INTEGER))), lambda d: d {within} {z})"
        )
    else:
        series = call("GENERATE_SERIES", first, last, step)
    by = step.sql("duckdb")
    wrong_sign = duck(f"({a} + {by} <= {a} AND {a} < {z}) OR ({a} + {by} >= {a} AND {a} > {z})")
    error = trino_error(
        BAD_ARGUMENT,
        "sequence stop value should be greater than or equal to start value if step is greater than zero"
        " otherwise stop should be less than or equal to start",
    )
    checked = fail_when(wrong_sign, error, series)
    return cast(checked, "DATE[]") if dated else checked


def _literal_months(step: exp.Expression) -> int | None:
    """The months of a literal year-to-month step (``INTERVAL '1' MONTH``), None for other steps."""
    if not isinstance(step, exp.Interval) or not isinstance(step.this, exp.Literal):
        return None
    unit = step.text("unit").upper().rstrip("S")
    if unit not in ("MONTH", "YEAR"):
        return None
    try:
        count = int(step.this.this)
    except ValueError:
        return None
    return count * (12 if unit == "YEAR" else 1)


def _timestamp(node: exp.Expression) -> bool:
    return is_type(node.type, exp.DataType.Type.TIMESTAMP)


# -- time zones ----------------------------------------------------------------------------------
def _labelled(node: exp.Expression, zone: str) -> exp.Expression:
    if zone != UTC:
        node.meta[ZONE] = zone
    return node


def _instant(node: exp.Expression) -> exp.Expression:
    """A zoned value as DuckDB's instant; a timestamp without zone is in the session zone, UTC."""
    return node if is_zoned(node) else cast(node, "TIMESTAMPTZ")


def _at_timezone(node: exp.Anonymous) -> exp.Expression | None:
    """``at_timezone(ts, zone)``: the same instant, shown in ``zone``."""
    if len(node.expressions) != 2:
        return None
    value, zone = node.expressions
    return _labelled(_instant(value), literal_zone(zone, "at_timezone"))


def _at_time_zone(node: exp.AtTimeZone) -> exp.Expression:
    """``ts AT TIME ZONE zone`` converts like at_timezone (DuckDB would read ``ts`` as local to ``zone``)."""
    return _labelled(_instant(node.this), literal_zone(node.args["zone"], "AT TIME ZONE"))


def _with_timezone(node: exp.Anonymous) -> exp.Expression | None:
    """``with_timezone(ts, zone)``: the wall-clock time ``ts`` in ``zone``."""
    if len(node.expressions) != 2:
        return None
    value, zone_arg = node.expressions
    zone = literal_zone(zone_arg, "with_timezone")
    return _labelled(from_local(cast(value, "TIMESTAMP"), zone), zone)


def _from_unixtime(node: exp.UnixToTime) -> exp.Expression:
    """``from_unixtime(x[, zone | hours, minutes])``: the instant, to the millisecond, in its zone."""
    seconds = node.this.sql("duckdb")
    instant = duck(f"make_timestamptz(CAST(round(({seconds}) * 1000) AS BIGINT) * 1000)")
    return _labelled(instant, written_zone(node) or UTC)


def _zone_offset(node: exp.Anonymous, unit: int) -> exp.Expression | None:
    if len(node.expressions) != 1:
        return None
    value = node.expressions[0]
    zone = value.meta.get(ZONE, UTC)
    offset = f"(epoch({to_local(value, zone).sql('duckdb')}) - epoch({_instant(value).sql('duckdb')}))"
    if unit == 3600:
        return duck(f"CAST(trunc({offset} / 3600) AS BIGINT)")
    return duck(f"CAST(trunc({offset} / 60) AS BIGINT) % 60")


def _timezone_hour(node: exp.Anonymous) -> exp.Expression | None:
    return _zone_offset(node, 3600)


def _timezone_minute(node: exp.Anonymous) -> exp.Expression | None:
    return _zone_offset(node, 60)


def to_local(instant: exp.Expression, zone: str) -> exp.Expression:
    """The wall-clock TIMESTAMP of an instant in ``zone``."""
    minutes = offset_minutes(zone)
    if zone == UTC or minutes is not None:
        utc = cast(instant, "TIMESTAMP")
        return utc if not minutes else exp.Add(this=utc, expression=duck(f"INTERVAL {minutes} MINUTE"))
    return call("timezone", exp.Literal.string(zone), instant)


def from_local(local: exp.Expression, zone: str) -> exp.Expression:
    """The instant a wall-clock TIMESTAMP in ``zone`` stands for."""
    minutes = offset_minutes(zone)
    if zone == UTC or minutes is not None:
        shifted = local if not minutes else exp.Sub(this=local, expression=duck(f"INTERVAL {minutes} MINUTE"))
        return cast(shifted, "TIMESTAMPTZ")
    return call("timezone", exp.Literal.string(zone), local)


def _in_local_time(rewrite: Callable[[Any], exp.Expression] | None = None) -> Callable[[Any], exp.Expression]:
    """A rewrite for a function of local fields: zoned operands are read in their zone.

    A zoned result (``date_trunc`` of a zoned value) is the instant of the local result, in
    the same zone.
    """

    def local_fields(node: exp.Expression) -> exp.Expression:
        zones = {child.meta[ZONE] for child in node.iter_expressions() if child.meta.get(ZONE)}
        if not zones:
            return rewrite(node) if rewrite else node
        zone = zones.pop()
        for child in list(node.iter_expressions()):
            if child.meta.get(ZONE):
                key, index = child.arg_key, child.index
                node.set(key, to_local(child, zone), index)  # the operand moves into to_local's call
        result = rewrite(node) if rewrite else node
        if is_zoned(node):
            return _labelled(from_local(cast(result, "TIMESTAMP"), zone), zone)
        return result

    return local_fields


def _max_precision(node: exp.Cast) -> exp.Expression:
    """DuckDB keeps microseconds: a timestamp of more digits fails rather than losing them."""
    if is_type(node.to, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ):
        params = [p for p in node.to.expressions if isinstance(p.this, exp.Literal)]
        if params and int(params[0].this.this) > 6:
            raise not_supported_error(f"timestamp({params[0].this.this})", "microseconds at most")
    return node


_LOCAL_FIELD_NODES: tuple[type[exp.Expression], ...] = (
    exp.Year,
    exp.Month,
    exp.Day,
    exp.DayOfMonth,
    exp.DayOfWeek,
    exp.DayOfWeekIso,
    exp.DayOfYear,
    exp.Hour,
    exp.Minute,
    exp.Second,
    exp.Quarter,
    exp.Week,
    exp.WeekOfYear,
    exp.YearOfWeek,
    exp.TimeToStr,
    exp.Date,
    exp.TsOrDsToDate,
    exp.LastDay,
)

_NODES: dict[type[exp.Expression], Callable[[Any], exp.Expression]] = {
    node_class: _in_local_time() for node_class in _LOCAL_FIELD_NODES
}
_NODES |= {
    exp.DateAdd: _in_local_time(_date_add_stays_date),
    exp.DateTrunc: _in_local_time(_date_trunc_stays_date),
    exp.TimestampTrunc: _in_local_time(_date_trunc_stays_date),
    exp.Add: _in_local_time(_date_interval_stays_date),
    exp.Sub: _in_local_time(_date_interval_stays_date),
    exp.Cast: _in_local_time(_max_precision),
    exp.Extract: _in_local_time(_iso_extract),
    exp.DateDiff: _elapsed_date_diff,
    exp.ParseDatetime: _joda_parse_datetime,
    exp.GenerateSeries: _temporal_sequence,
    exp.AtTimeZone: _at_time_zone,
    exp.UnixToTime: _from_unixtime,
    exp.CurrentTimezone: lambda _node: exp.Literal.string(UTC),
    exp.FromISO8601Date: _from_iso8601_date,
    exp.Localtimestamp: _localtimestamp,
}

FAMILY = Family(
    name="dates and times",
    nodes=_NODES,
    calls={
        "format_datetime": _in_local_time(_format_datetime),
        "to_iso8601": _in_local_time(_to_iso8601),
        "at_timezone": _at_timezone,
        "with_timezone": _with_timezone,
        "timezone_hour": _timezone_hour,
        "timezone_minute": _timezone_minute,
        "millisecond": _in_local_time(_millisecond),
        "yow": _in_local_time(_iso_year),
        "year_of_week": _in_local_time(_iso_year),
    },
    install=(macro_installer(_MACROS),),
    unsupported={
        "from_iso8601_timestamp_nanos": "a timestamp holds microseconds, not timestamp(9)'s nanoseconds",
    },
)
