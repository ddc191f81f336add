"""What Athena would bill a query for: the bytes of the Parquet columns it reads, in the
partitions its filters leave.

Athena reports (and bills) DataScannedInBytes as the data it reads from S3: for Parquet, only
the column chunks of the columns a query names, and only in the partitions that survive its
partition-key filters. Counting whole files of whole tables instead would make a query that
reads one day of one column cost as much as one reading a year of all of them, and every
comparison of an incremental day with a full refresh would come out wrong.

The analysis is static, on the statement as written (sqlglot's scopes): for each reference to a
catalog table, the columns its scope names (a star names them all) and the conjuncts of its
WHERE that compare a column with literals (=, IN, <, <=, >, >=, BETWEEN). Anything it
cannot follow errs towards reading more: a column it cannot place is charged to every table
that has one so named, a filter it cannot read prunes nothing, a statement it cannot analyse is
charged every file of every table (what the endpoint counted before). Filters comparing a data
column with literals skip the row groups whose min/max statistics rule them out, as Athena's
Parquet reader does; the footer is not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

ALL = None  # a Read's columns: every column of the table

PartitionValues = dict[str, str | None]


@dataclass(frozen=True)
class RowGroup:
    """One Parquet row group: its columns' compressed bytes, and (min, max) of those with statistics."""

    sizes: dict[str, int]
    bounds: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Read:
    """One reference to a catalog table: what it reads of it."""

    key: tuple[str, str]  # (database, table)
    columns: frozenset[str] | None  # lower-cased; ALL for every column
    partition_filters: tuple[ColumnFilter, ...] = ()  # on partition keys: whole partitions skipped
    column_filters: tuple[ColumnFilter, ...] = ()  # on data columns: row groups skipped by statistics

    def keeps(self, values: PartitionValues) -> bool:
        """Whether a partition survives the reference's filters on partition keys."""
        return all(
            any(i.meets(values.get(key), values.get(key)) for i in allowed)
            for key, allowed in self.partition_filters
        )

    def keeps_row_group(self, group: RowGroup) -> bool:
        """Whether a row group's statistics leave room for a row its filters let through; a column
        without statistics keeps it (Athena reads what it cannot rule out)."""
        for column, allowed in self.column_filters:
            bounds = group.bounds.get(column)
            if bounds is not None and not any(i.meets(*bounds) for i in allowed):
                return False
        return True


def _literal(node: exp.Expression) -> str | None:
    """The text of a literal operand (`'2026-11-01'`, `42`, `DATE '2026-11-01'`), None otherwise."""
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal):
        return str(node.this)
    return None


def _compare(left: str | None, right: str) -> int | None:
    """-1, 0 or 1 as Athena compares a value with a literal; None for NULL."""
    if left is None:
        return None
    try:
        a, b = float(left), float(right)
    except ValueError:
        a, b = left, right  # type: ignore[assignment]
    return (a > b) - (a < b)


@dataclass(frozen=True)
class Interval:
    """Values a filter lets through: between `low` and `high` (None: unbounded on that side)."""

    low: str | None = None
    high: str | None = None
    low_closed: bool = True
    high_closed: bool = True

    def meets(self, least: str | None, most: str | None) -> bool:
        """Whether some value from `least` to `most` (a partition's value, a row group's range) passes."""
        if least is None or most is None:
            return False  # NULL passes no comparison
        if self.high is not None:
            c = _compare(least, self.high)
            if c is None or c > 0 or (c == 0 and not self.high_closed):
                return False
        if self.low is not None:
            c = _compare(most, self.low)
            if c is None or c < 0 or (c == 0 and not self.low_closed):
                return False
        return True


ColumnFilter = tuple[str, tuple[Interval, ...]]  # a column, and the values its conjunct lets through
ColumnKey = Callable[[exp.Column], str | None]

_RANGES: dict[type, Callable[[str], Interval]] = {
    exp.EQ: lambda v: Interval(v, v),
    exp.GT: lambda v: Interval(low=v, low_closed=False),
    exp.GTE: lambda v: Interval(low=v),
    exp.LT: lambda v: Interval(high=v, high_closed=False),
    exp.LTE: lambda v: Interval(high=v),
}
_FLIPPED = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


def _in_filter(condition: exp.In, column_key: ColumnKey) -> ColumnFilter | None:
    if not isinstance(condition.this, exp.Column) or condition.args.get("query"):
        return None
    key = column_key(condition.this)
    values = [_literal(v) for v in condition.expressions]
    if key is None or any(v is None for v in values):
        return None
    return key, tuple(Interval(str(v), str(v)) for v in values)


def _between_filter(condition: exp.Between, column_key: ColumnKey) -> ColumnFilter | None:
    low, high = _literal(condition.args["low"]), _literal(condition.args["high"])
    key = column_key(condition.this) if isinstance(condition.this, exp.Column) else None
    if key is None or low is None or high is None:
        return None
    return key, (Interval(low, high),)


def _comparison_filter(condition: exp.Expression, column_key: ColumnKey) -> ColumnFilter | None:
    kind: type = type(condition)
    left, right = condition.this, condition.expression
    if not isinstance(left, exp.Column):
        left, right, kind = right, left, _FLIPPED[kind]
    literal = _literal(right) if right is not None else None
    key = column_key(left) if isinstance(left, exp.Column) else None
    if key is None or literal is None:
        return None
    return key, (_RANGES[kind](literal),)


def _column_filter(condition: exp.Expression, column_key: ColumnKey) -> ColumnFilter | None:
    """(column, the values it may take) for a conjunct that filters one column by literals."""
    if isinstance(condition, exp.In):
        return _in_filter(condition, column_key)
    if isinstance(condition, exp.Between):
        return _between_filter(condition, column_key)
    if type(condition) in _FLIPPED:
        return _comparison_filter(condition, column_key)
    return None


def _conjuncts(where: exp.Expression | None) -> list[exp.Expression]:
    if where is None:
        return []
    condition = where.this if isinstance(where, exp.Where) else where
    return list(condition.flatten()) if isinstance(condition, exp.And) else [condition]


def _table_key(table: exp.Table) -> tuple[str, str]:
    return (table.db.lower(), table.name.lower())


def table_reads(
    query: exp.Expression, columns_of: Callable[[tuple[str, str]], tuple[list[str], list[str]] | None]
) -> list[Read] | None:
    """Every catalog-table reference of `query` and what it reads; None when it cannot be analysed.

    `columns_of((database, table))` gives (data columns, partition keys), lower-cased, or None for
    a name that is not a catalog table (a CTE).
    """
    try:
        scopes = traverse_scope(query)
    except Exception:
        return None
    reads = []
    for scope in scopes:
        tables = {
            alias: source
            for alias, source in scope.sources.items()
            if isinstance(source, exp.Table) and columns_of(_table_key(source)) is not None
        }
        for alias, table in tables.items():
            key = _table_key(table)
            data, keys = columns_of(key) or ([], [])
            named = _columns_named(scope, alias, set(data) | set(keys))
            reads.append(
                Read(
                    key,
                    named,
                    partition_filters=_filters(scope, alias, keys),
                    column_filters=_filters(scope, alias, data),
                )
            )
    return reads


def _filters(scope: Scope, alias: str, columns: list[str]) -> tuple[ColumnFilter, ...]:
    """The filters on `columns` of source `alias` among its scope's WHERE conjuncts."""
    found = []
    for condition in _conjuncts(scope.expression.args.get("where")):
        one = _column_filter(condition, lambda column: _own_column(column, alias, columns, scope))
        if one is not None:
            found.append(one)
    return tuple(found)


def _own_column(column: exp.Column, alias: str, columns: list[str], scope: Scope) -> str | None:
    """The column of the source `alias` that `column` names, if it does."""
    name = column.name.lower()
    if name not in columns:
        return None
    if column.table:
        return name if column.table.lower() == alias.lower() else None
    # the sources its FROM and JOINs select: the CTEs declared before it are visible, not read
    return name if len(scope.selected_sources) == 1 else None


def _columns_named(scope: Scope, alias: str, table_columns: set[str]) -> frozenset[str] | None:
    """The columns of the source `alias` its scope names; ALL when a star covers it."""
    for select in scope.expression.selects if isinstance(scope.expression, exp.Select) else []:
        if isinstance(select, exp.Star):
            return ALL
        star = isinstance(select, exp.Column) and isinstance(select.this, exp.Star)
        if star and (not select.table or select.table.lower() == alias.lower()):
            return ALL
    named = {
        column.name.lower()
        for column in scope.expression.find_all(exp.Column)  # a correlated subquery's too
        if column.table and column.table.lower() == alias.lower()
    }
    # unqualified: this table's when it has such a column (charged to each that has one)
    named |= {c.name.lower() for c in scope.columns if not c.table and c.name.lower() in table_columns}
    return frozenset(named)


def read_bytes(
    read: Read, files: Iterable[tuple[PartitionValues, Path]], row_groups: Callable[[Path], list[RowGroup]]
) -> int:
    """The bytes `read` scans of a table's files: its columns' chunks, in the partitions it keeps,
    in the row groups whose statistics its filters cannot rule out."""
    total = 0
    for values, path in files:
        if not read.keeps(values):
            continue
        for group in row_groups(path):
            if not read.keeps_row_group(group):
                continue
            chunks = group.sizes
            total += (
                sum(chunks.values()) if read.columns is ALL else sum(chunks.get(c, 0) for c in read.columns)
            )
    return total
