"""What DuckDB's timestamps do not carry: Trino's timestamp precision and a value's time zone.

Trino types every timestamp with a precision (``TIMESTAMP '2024-01-02 03:04:05'`` is
``timestamp(0)`` and prints no fraction; a Hive column is ``timestamp(3)``) and every
``timestamp with time zone`` value with its zone (``at_timezone(ts, 'America/New_York')``
prints ``... America/New_York`` and its hour is New York's). DuckDB keeps microseconds and
stores a zoned value as an instant printed in the session zone. So the engine runs instants,
this module works out each value's precision and zone from the statement, statically, the
way Trino's analyzer types it, and:

- ``result_shapes`` gives each result column's (precision, zone), for the text of its cells
  and the metadata GetQueryResults reports;
- ``mark_zones`` labels the nodes whose value is in a zone other than UTC, so the dates family
  reads local fields (hour, day, date_trunc, format_datetime, CAST to date) in that zone;
- a zone that is not a literal, which no static label can follow, fails NOT_SUPPORTED.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, build_scope

from .errors import AthenaError
from .trino_rewrites import BAD_ARGUMENT, integer_literal, not_supported_error, string_literal

UTC = "UTC"
ZONE = "trino_zone"  # node meta: the zone of a timestamp-with-time-zone value other than UTC
DEFAULT_PRECISION = 3  # a Hive column, CAST(x AS timestamp), current_timestamp, date_parse...

_TS = exp.DataType.Type.TIMESTAMP
_TSTZ = (exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMPLTZ)
_TEMPORAL = (_TS, *_TSTZ)
_OFFSET = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")


@dataclass(frozen=True)
class Shape:
    """How a result column's temporal values print: fractional digits and, if zoned, the zone.

    ``kind`` is the Trino type the column has where DuckDB's value does not tell it: a ``time``
    has digits of its own, and a year-to-month interval comes back from DuckDB as days.
    """

    precision: int = DEFAULT_PRECISION
    zone: str | None = None
    kind: str = "timestamp"


TIME_KIND = "time"
YEAR_MONTH_KIND = "interval year to month"
_YEAR_MONTH_UNITS = frozenset({"YEAR", "YEARS", "MONTH", "MONTHS"})


def is_temporal(node: exp.Expression) -> bool:
    return node.type is not None and node.type.this in _TEMPORAL


def is_zoned(node: exp.Expression) -> bool:
    return node.type is not None and node.type.this in _TSTZ


# -- zones ---------------------------------------------------------------------------------
@functools.cache
def _zone_ids() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def canonical_zone(text: str) -> str:
    """Trino's spelling of a zone: a region id as the tz database writes it, or ``+hh:mm``.

    An unknown zone fails as Trino fails it.
    """
    stripped = text.strip()
    if stripped.upper() in ("UTC", "Z", "GMT", "UT", "+00:00", "-00:00"):
        return UTC
    if m := _OFFSET.match(stripped):
        hours, minutes = int(m[2]), int(m[3] or 0)
        if hours > 14 or minutes > 59:
            raise AthenaError(BAD_ARGUMENT, f"Invalid offset minutes {hours * 60 + minutes}")
        return f"{m[1]}{hours:02d}:{minutes:02d}"
    zone = _zone_ids().get(stripped.lower())
    if zone is None:
        raise AthenaError(BAD_ARGUMENT, f"Time zone not supported: {stripped}")
    return UTC if zone in ("Etc/UTC", "UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu") else zone


def offset_minutes(zone: str) -> int | None:
    """The fixed offset of a ``+hh:mm`` zone in minutes, None for a region."""
    m = _OFFSET.match(zone)
    if not m:
        return None
    minutes = int(m[2]) * 60 + int(m[3] or 0)
    return -minutes if m[1] == "-" else minutes


def literal_zone(node: exp.Expression, function: str) -> str:
    """The zone a zone argument names; a zone computed per row cannot be followed statically."""
    zone = string_literal(node)
    if zone is None:
        raise not_supported_error(f"{function} with a time zone that is not a string literal")
    return canonical_zone(zone)


_ZONED_LITERAL = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}[ T][\d:.]+\s*(?P<zone>[A-Za-z][\w/+-]*|[+-]\d{1,2}(?::?\d{2})?)$"
)


def zone_of_literal(text: str) -> str:
    """The zone written in a timestamp literal or ISO 8601 string (UTC when none is written)."""
    m = _ZONED_LITERAL.match(text)
    return canonical_zone(m["zone"]) if m else UTC


# -- typing what sqlglot's annotator leaves unknown ------------------------------------------
_ZONING_CALLS = frozenset({"at_timezone", "with_timezone"})
_ZONED_RESULTS: tuple[type[exp.Expression], ...] = (
    exp.AtTimeZone,
    exp.UnixToTime,
    exp.FromISO8601Timestamp,
    exp.ParseDatetime,
    exp.CurrentTimestamp,
)


def written_zone(node: exp.Expression) -> str | None:
    """The zone a zone-setting call names (at_timezone, with_timezone, AT TIME ZONE, from_unixtime)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() in _ZONING_CALLS and len(node.expressions) == 2:
        return literal_zone(node.expressions[1], node.name.lower())
    if isinstance(node, exp.AtTimeZone):
        return literal_zone(node.args["zone"], "AT TIME ZONE")
    if isinstance(node, exp.UnixToTime):
        if node.args.get("zone") is not None:
            return literal_zone(node.args["zone"], "from_unixtime")
        hours, minutes = node.args.get("hours"), node.args.get("minutes")
        if hours is not None and minutes is not None:
            return _offset_zone(hours, minutes)
    if isinstance(node, exp.FromISO8601Timestamp) and isinstance(node.this, exp.Literal):
        return zone_of_literal(node.this.this)
    return None


def _offset_zone(hours: exp.Expression, minutes: exp.Expression) -> str:
    """``from_unixtime(x, hours, minutes)``'s zone, ``+hh:mm``; the minutes take the hours' sign."""
    h, m = integer_literal(hours), integer_literal(minutes)
    if h is None or m is None:
        literal_zone(hours, "from_unixtime")  # fails: not a literal
        raise AssertionError("unreachable")
    total = h * 60 + (m if h >= 0 else -m)
    sign = "-" if total < 0 else "+"
    return canonical_zone(f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}")


def retype(tree: exp.Expression) -> None:
    """Type the zoned values sqlglot's annotator leaves UNKNOWN, and what carries them up.

    ``at_timezone`` and ``with_timezone`` are calls sqlglot does not model, so neither they nor
    a ``date_trunc`` or ``max`` over them get a type; Trino types them all as timestamps with
    time zone.
    """
    for node in reversed(list(tree.walk(bfs=False))):
        if isinstance(node, exp.Localtimestamp) and not is_temporal(node):
            node.type = exp.DataType.build("TIMESTAMP")  # sqlglot leaves localtimestamp(p) untyped
            continue
        if written_zone(node) is not None or (isinstance(node, _ZONED_RESULTS) and not is_zoned(node)):
            if isinstance(node, (exp.Anonymous, *_ZONED_RESULTS)):
                node.type = exp.DataType.build("TIMESTAMPTZ")
            continue
        if node.type is not None and node.type.this != exp.DataType.Type.UNKNOWN:
            continue
        if isinstance(node, (*_PRECISION_KEEPING, exp.Alias, exp.Paren, exp.Window)):
            zoned = [child for child in node.iter_expressions() if is_zoned(child)]
            if zoned and not isinstance(node, exp.Anonymous):
                node.type = zoned[0].type.copy()
            elif isinstance(node, _TRUNCATING) and is_temporal(node.this):
                # date_trunc of a timestamp is a timestamp of its precision, typed or not by sqlglot
                node.type = node.this.type.copy()


_TRUNCATING = (exp.TimestampTrunc, exp.DateTrunc, exp.Alias, exp.Paren)


# -- static inference ------------------------------------------------------------------------
class _Inference:
    """Precision and zone of the nodes of one typed, qualified statement, through its scopes."""

    def __init__(self, tree: exp.Expression) -> None:
        self.tree = tree
        self.root = build_scope(tree) if isinstance(tree, exp.Query) else None
        self._zones: dict[int, str] = {}
        self._precisions: dict[int, int] = {}

    def _source_projection(self, column: exp.Column) -> exp.Expression | None:
        """The expression a column of a CTE or subquery stands for, if the column names one."""
        select = column.find_ancestor(exp.Select)
        scope = self._scope_of(select)
        if scope is None:
            return None
        source = scope.sources.get(column.table)
        if not isinstance(source, Scope):
            return None
        query = source.expression
        if isinstance(query, exp.Values):
            return _values_column(query, column.name)
        while isinstance(query, exp.SetOperation):
            query = query.left
        if not isinstance(query, exp.Select):
            return None
        for projection in query.selects:
            if projection.alias_or_name == column.name:
                return projection.unalias() if isinstance(projection, exp.Alias) else projection
        return None

    def _scope_of(self, select: exp.Select | None) -> Scope | None:
        if select is None or self.root is None:
            return None
        for scope in self.root.traverse():
            if scope.expression is select:
                return scope
        return None

    def zone(self, node: exp.Expression) -> str:
        """The zone a zoned value prints in (UTC unless written otherwise)."""
        known = self._zones.get(id(node))
        if known is None:
            known = self._zones[id(node)] = self._zone(node)
        return known

    def _zone(self, node: exp.Expression) -> str:
        if isinstance(node, exp.Column):
            source = self._source_projection(node)
            return self.zone(source) if source is not None else UTC
        explicit = node.meta.get(ZONE) or written_zone(node)
        if explicit:
            return explicit
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
            return zone_of_literal(node.this.this) if is_zoned(node) else UTC
        for child in node.iter_expressions():
            if is_zoned(child) or child.meta.get(ZONE):
                zone = self.zone(child)
                if zone != UTC:
                    return zone
        return UTC

    def precision(self, node: exp.Expression) -> int:
        """Trino's precision of a timestamp-valued node."""
        known = self._precisions.get(id(node))
        if known is None:
            known = self._precisions[id(node)] = self._precision(node)
        return known

    def _precision(self, node: exp.Expression) -> int:
        if isinstance(node, exp.Column):
            source = self._source_projection(node)
            return self.precision(source) if source is not None else DEFAULT_PRECISION
        if isinstance(node, (exp.Alias, exp.Paren)):
            return self.precision(node.this)
        if isinstance(node, exp.Cast):
            params = [p for p in node.to.expressions if isinstance(p.this, exp.Literal)]
            if params:
                return int(params[0].this.this)
            return DEFAULT_PRECISION
        if isinstance(node, exp.Func) and not isinstance(node, _PRECISION_KEEPING):
            return _function_precision(node)
        children = [child for child in node.iter_expressions() if is_temporal(child)]
        return max((self.precision(child) for child in children), default=DEFAULT_PRECISION)


def _function_precision(node: exp.Func) -> int:
    """``current_timestamp(p)`` and ``localtimestamp(p)`` have ``p`` digits; date_parse,
    from_unixtime and the rest Trino's default."""
    if isinstance(node, (exp.CurrentTimestamp, exp.Localtimestamp)) and node.this is not None:
        return integer_literal(node.this) or 0
    return DEFAULT_PRECISION


# Functions whose timestamp result has the precision of their timestamp operands.
_PRECISION_KEEPING: tuple[type[exp.Expression], ...] = (
    exp.DateAdd,
    exp.DateSub,
    exp.DateTrunc,
    exp.TimestampTrunc,
    exp.Coalesce,
    exp.Case,
    exp.If,
    exp.Max,
    exp.Min,
    exp.Greatest,
    exp.Least,
    exp.AnyValue,
    exp.FirstValue,
    exp.LastValue,
    exp.NthValue,
    exp.Lag,
    exp.Lead,
    exp.ArgMax,
    exp.ArgMin,
    exp.AtTimeZone,
    exp.Anonymous,  # at_timezone, with_timezone
    exp.Nullif,
)


def _values_column(values: exp.Values, name: str) -> exp.Expression | None:
    """The first row's value of a VALUES column (every row has its type)."""
    alias = values.args.get("alias")
    names = [c.name for c in alias.columns] if alias is not None else []
    rows = values.expressions
    if name not in names or not rows:
        return None
    row = rows[0]
    cells = row.expressions if isinstance(row, exp.Tuple) else [row]
    index = names.index(name)
    return cells[index] if index < len(cells) else None


def _branches(tree: exp.Expression) -> list[exp.Select]:
    """The SELECTs whose projections make a query's result columns (each side of a UNION)."""
    while isinstance(tree, exp.Subquery):
        tree = tree.this
    if isinstance(tree, exp.SetOperation):
        return _branches(tree.left) + _branches(tree.right)
    return [tree] if isinstance(tree, exp.Select) else []


def mark_zones(tree: exp.Expression) -> _Inference | None:
    """Label every value in a zone other than UTC with it (node meta ``ZONE``), for the rewrites.

    None when the statement has no zoned value, the common case, which costs one walk.
    """
    zoned = [node for node in tree.walk() if is_zoned(node) or node.meta.get(ZONE)]
    if not zoned:
        return None
    inference = _Inference(tree)
    for node in zoned:
        zone = inference.zone(node)
        if zone != UTC:
            node.meta[ZONE] = zone
    return inference


def result_shapes(tree: exp.Expression) -> list[Shape | None]:
    """Per result column of a query: how its timestamps print (None for other types).

    Empty when the columns are not known from the statement (``SELECT *``): each timestamp
    column then prints as a Hive column does, ``timestamp(3)`` in UTC.
    """
    branches = _branches(tree)
    if not branches or any(node.is_star for branch in branches for node in branch.selects):
        return []
    columns = list(zip(*(branch.selects for branch in branches), strict=False))
    if not any(_shaped(node) for nodes in columns for node in nodes):
        return [None] * len(columns)
    inference = _Inference(tree)
    shapes: list[Shape | None] = []
    for nodes in columns:
        values = [node.unalias() if isinstance(node, exp.Alias) else node for node in nodes]
        if not any(is_temporal(value) for value in values):
            shapes.append(_time_or_interval_shape(values[0]))
            continue
        precision = max(inference.precision(value) for value in values if is_temporal(value))
        zoned = any(is_zoned(value) for value in values)
        shapes.append(Shape(precision, inference.zone(values[0]) if zoned else None))
    return shapes


def _shaped(node: exp.Expression) -> bool:
    return node.type is not None and node.type.this in (*_TEMPORAL, *_TIMES, _INTERVAL)


_INTERVAL = exp.DataType.Type.INTERVAL
_TIMES = (exp.DataType.Type.TIME, exp.DataType.Type.TIMETZ)


def _time_or_interval_shape(node: exp.Expression) -> Shape | None:
    """A ``time(p)`` column's digits, or a year-to-month interval, which DuckDB returns as days."""
    if node.type is None:
        return None
    if node.type.this in _TIMES:
        params = [p for p in node.type.expressions if isinstance(p.this, exp.Literal)]
        return Shape(int(params[0].this.this) if params else DEFAULT_PRECISION, kind=TIME_KIND)
    if node.type.this == _INTERVAL:
        units = [i.text("unit").upper() for i in node.find_all(exp.Interval)]
        if units and all(unit in _YEAR_MONTH_UNITS for unit in units):
            return Shape(0, kind=YEAR_MONTH_KIND)
    return None
