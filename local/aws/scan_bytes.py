"""What Athena would bill a query for: the bytes of the Parquet columns it reads, in the
partitions its filters leave.

Athena reports (and bills) DataScannedInBytes as the data it reads from S3: for Parquet, only
the column chunks of the columns a query names, and only in the partitions that survive its
partition-key filters. Counting whole files of whole tables instead would make a query that
reads one day of one column cost as much as one reading a year of all of them, and every
comparison of an incremental day with a full refresh would come out wrong.

The analysis is static, on the statement as written (sqlglot's scopes): for each reference to a
catalog table, the columns its scope names (a star names them all) and the conjuncts of its
WHERE that compare a partition key with literals (=, IN, <, <=, >, >=, BETWEEN). Anything it
cannot follow errs towards reading more: a column it cannot place is charged to every table
that has one so named, a filter it cannot read prunes nothing, a statement it cannot analyse is
charged every file of every table (what the endpoint counted before). Row groups are not
skipped by statistics; the footer is not counted.
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
class Read:
    """One reference to a catalog table: what it reads of it."""

    key: tuple[str, str]  # (database, table)
    columns: frozenset[str] | None  # lower-cased; ALL for every column
    keeps: Callable[[PartitionValues], bool]  # whether a partition survives the reference's filters


def _keep_all(_values: PartitionValues) -> bool:
    return True


def _literal(node: exp.Expression) -> str | None:
    """The text of a literal operand (`'2026-11-01'`, `42`, `DATE '2026-11-01'`), None otherwise."""
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal):
        return str(node.this)
    return None


def _compare(left: str | None, right: str) -> int | None:
    """-1, 0 or 1 as Athena compares a partition value with a literal; None for NULL."""
    if left is None:
        return None
    try:
        a, b = float(left), float(right)
    except ValueError:
        a, b = left, right  # type: ignore[assignment]
    return (a > b) - (a < b)


_RANGE_TESTS: dict[type, Callable[[int], bool]] = {
    exp.GT: lambda c: c > 0,
    exp.GTE: lambda c: c >= 0,
    exp.LT: lambda c: c < 0,
    exp.LTE: lambda c: c <= 0,
}
_FLIPPED = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


KeyTest = tuple[str, Callable[[str | None], bool]]
ColumnKey = Callable[[exp.Column], str | None]


def _in_test(condition: exp.In, column_key: ColumnKey) -> KeyTest | None:
    if not isinstance(condition.this, exp.Column) or condition.args.get("query"):
        return None
    key = column_key(condition.this)
    values = [_literal(v) for v in condition.expressions]
    if key is None or any(v is None for v in values):
        return None
    allowed = [str(v) for v in values]
    return key, lambda value: any(_compare(value, v) == 0 for v in allowed)


def _between_test(condition: exp.Between, column_key: ColumnKey) -> KeyTest | None:
    low, high = _literal(condition.args["low"]), _literal(condition.args["high"])
    key = column_key(condition.this) if isinstance(condition.this, exp.Column) else None
    if key is None or low is None or high is None:
        return None

    def inside(value: str | None) -> bool:
        above, below = _compare(value, low), _compare(value, high)
        return above is not None and below is not None and above >= 0 and below <= 0

    return key, inside


def _comparison_test(condition: exp.Expression, column_key: ColumnKey) -> KeyTest | None:
    kind: type = type(condition)
    left, right = condition.this, condition.expression
    if not isinstance(left, exp.Column):
        left, right, kind = right, left, _FLIPPED[kind]
    literal = _literal(right) if right is not None else None
    key = column_key(left) if isinstance(left, exp.Column) else None
    if key is None or literal is None:
        return None
    if kind is exp.EQ:
        return key, lambda value: _compare(value, literal) == 0
    test = _RANGE_TESTS[kind]
    return key, lambda value: (c := _compare(value, literal)) is not None and test(c)


def _key_test(condition: exp.Expression, column_key: ColumnKey) -> KeyTest | None:
    """(partition key, test of its value) for a conjunct that filters one key by literals."""
    if isinstance(condition, exp.In):
        return _in_test(condition, column_key)
    if isinstance(condition, exp.Between):
        return _between_test(condition, column_key)
    if type(condition) in _FLIPPED:
        return _comparison_test(condition, column_key)
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
            tests = _key_tests(scope, alias, keys)
            reads.append(Read(key, named, _all_of(tests) if tests else _keep_all))
    return reads


def _key_tests(scope: Scope, alias: str, keys: list[str]) -> list[KeyTest]:
    """The tests of the partition keys of source `alias` among its scope's WHERE conjuncts."""
    tests = []
    for condition in _conjuncts(scope.expression.args.get("where")):
        found = _key_test(condition, lambda column: _own_key(column, alias, keys, scope))
        if found is not None:
            tests.append(found)
    return tests


def _own_key(column: exp.Column, alias: str, keys: list[str], scope: Scope) -> str | None:
    """The partition key `column` names on the source `alias`, if it does."""
    name = column.name.lower()
    if name not in keys:
        return None
    if column.table:
        return name if column.table.lower() == alias.lower() else None
    # the sources its FROM and JOINs select: the CTEs declared before it are visible, not read
    return name if len(scope.selected_sources) == 1 else None


def _all_of(tests: list[KeyTest]) -> Callable[[PartitionValues], bool]:
    def keeps(values: PartitionValues) -> bool:
        return all(test(values.get(key)) for key, test in tests)

    return keeps


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
    read: Read, files: Iterable[tuple[PartitionValues, Path]], sizes: Callable[[Path], dict[str, int]]
) -> int:
    """The bytes `read` scans of a table's files: its columns' chunks in the partitions it keeps."""
    total = 0
    for values, path in files:
        if not read.keeps(values):
            continue
        chunks = sizes(path)
        total += sum(chunks.values()) if read.columns is ALL else sum(chunks.get(c, 0) for c in read.columns)
    return total
