"""Athena (Trino) SQL to DuckDB SQL, keeping Trino's semantics where the two engines differ.

sqlglot does the dialect translation. On top of it this module fixes what a plain
transpile gets wrong for pipeline SQL:

- integer division truncates in Trino (DuckDB runs with ``integer_division=true``), and
  decimal division stays DECIMAL with Trino's precision rule instead of becoming DOUBLE;
- ``date_add``/``date_trunc``/``DATE +- INTERVAL`` on a DATE stay DATE (DuckDB yields TIMESTAMP);
- ``date_diff`` counts whole units elapsed (DuckDB's ``date_diff`` counts boundaries);
- ``format_datetime``/``parse_datetime`` take Joda patterns, converted to strftime;
- unnamed result columns are called ``_col0``, ``_col1``... as in Athena.

Types come from sqlglot's annotator, fed with the Glue schema of the referenced tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot import Dialect, exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from . import sandbox
from .errors import AthenaError

DIALECT = "athena"
Schema = dict[str, dict[str, dict[str, str]]]


@dataclass(frozen=True)
class TableRef:
    """A table named in a statement, with where it was written (for Athena-style errors)."""

    database: str
    name: str
    line: int
    column: int


def parse(sql: str) -> exp.Expression:
    """Parse one Athena statement; syntax errors become SYNTAX_ERROR with Athena's position.

    Every statement the engine runs, and every view body it reads from Glue, comes through
    here, so this is where ``sandbox`` refuses what would reach beyond the lake.
    """
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise AthenaError("SYNTAX_ERROR", "line 1:1: mismatched input '<EOF>'. Expecting a statement")
    dialect = Dialect.get_or_raise(DIALECT)
    try:
        tokens = dialect.tokenize(text)
    except TokenError as err:
        raise AthenaError("SYNTAX_ERROR", f"line 1:1: {str(err).splitlines()[0]}") from None
    sandbox.check_tokens(tokens, text)
    try:
        statements = [s for s in dialect.parser().parse(tokens, text) if s is not None]
    except ParseError as err:
        sandbox.check_unparsed(tokens, text)
        detail = err.errors[0] if err.errors else {}
        line, col = detail.get("line", 1), detail.get("col", 1)
        description = str(detail.get("description") or err).split("\n")[0]
        raise AthenaError("SYNTAX_ERROR", f"line {line}:{col}: {description}") from None
    if len(statements) != 1:
        raise AthenaError("SYNTAX_ERROR", "Only one sql statement is allowed")
    sandbox.check_tree(statements[0], text)
    return statements[0]


def _position(sql: str, node: exp.Expression) -> tuple[int, int]:
    """(line, column) of a node's first character, 1-based as Trino reports it."""
    ident = node if isinstance(node, exp.Identifier) else node.find(exp.Identifier)
    meta = getattr(ident, "meta", None) or {}
    start = meta.get("start")
    if start is None:
        return 1, 1
    line = sql.count("\n", 0, start) + 1
    col = start - (sql.rfind("\n", 0, start) + 1) + 1
    return line, col


def names_cte_in_scope(table: exp.Table) -> bool:
    """Whether an unqualified table name means a CTE declared where the name is written.

    As in Trino, a CTE is visible in the query that declares it and that query's subqueries,
    and to the CTEs declared after it in the same WITH (to itself too under WITH RECURSIVE),
    not beside the query nor to earlier CTEs. A name matched any more loosely reaches DuckDB
    unresolved, and DuckDB reads an unknown relation named like a file from that file.
    """
    if table.args.get("db"):
        return False
    name = table.name.lower()
    child: exp.Expression | None = None
    node: exp.Expression | None = table
    while node is not None:
        if isinstance(node, exp.With):
            visible = _ctes_visible_from(node, child)
        else:
            with_ = node.args.get("with_")
            visible = with_.expressions if isinstance(with_, exp.With) and with_ is not child else []
        if any(cte.alias_or_name.lower() == name for cte in visible):
            return True
        child, node = node, node.parent
    return False


def _ctes_visible_from(with_: exp.With, child: exp.Expression | None) -> list[exp.Expression]:
    """The CTEs of ``with_`` that the body of its CTE ``child`` may name."""
    ctes = list(with_.expressions)
    position = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
    return ctes[: position + 1] if with_.args.get("recursive") else ctes[:position]


def table_refs(ast: exp.Expression, sql: str, default_db: str) -> list[TableRef]:
    """Catalog tables a statement reads, in order of appearance (CTE names excluded)."""
    refs: list[TableRef] = []
    for table in ast.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # UNNEST (sandbox.check_tree refuses table functions)
        name = table.name.lower()
        if names_cte_in_scope(table):
            continue
        database = (table.args.get("db").name if table.args.get("db") else default_db).lower()
        first = table.args.get("catalog") or table.args.get("db") or table.this
        line, col = _position(sql, first)
        refs.append(TableRef(database, name, line, col))
    return refs


def normalize_tables(ast: exp.Expression, default_db: str) -> None:
    """Drop the awsdatacatalog prefix and qualify catalog tables with their database."""
    for table in ast.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue
        catalog = table.args.get("catalog")
        if catalog is not None:
            if catalog.name.lower() != "awsdatacatalog":
                raise AthenaError("CATALOG_NOT_FOUND", f"Catalog '{catalog.name.lower()}' does not exist")
            table.set("catalog", None)
        if names_cte_in_scope(table):
            continue
        database = table.args.get("db").name if table.args.get("db") else default_db
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name.lower())))
        table.set("db", exp.to_identifier(database.lower(), quoted=True))
        table.set("this", exp.to_identifier(table.name.lower(), quoted=True))


def name_unnamed_columns(query: exp.Expression) -> None:
    """Give expressions without a name Athena's default names ``_col<i>``."""
    select = query
    while isinstance(select, exp.Subquery):
        select = select.this
    if isinstance(select, exp.SetOperation):
        name_unnamed_columns(select.left)
        return
    if not isinstance(select, exp.Select):
        return
    for i, projection in enumerate(select.expressions):
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            continue
        if isinstance(projection, exp.Dot) or projection.find(exp.Star) is projection:
            continue
        projection.replace(exp.alias_(projection.copy(), f"_col{i}"))


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


def _is(dtype: exp.DataType | None, *kinds: exp.DataType.Type) -> bool:
    return dtype is not None and dtype.this in kinds


def _decimal_params(dtype: exp.DataType | None) -> tuple[int, int] | None:
    """(precision, scale) of a decimal type, or of an integer type coerced to decimal by Trino."""
    if dtype is None:
        return None
    if dtype.this == exp.DataType.Type.DECIMAL:
        params = [int(p.this.this) for p in dtype.expressions if isinstance(p.this, exp.Literal)]
        if len(params) == 2:
            return params[0], params[1]
        if len(params) == 1:
            return params[0], 0
        return None
    integers = {
        exp.DataType.Type.TINYINT: 3,
        exp.DataType.Type.SMALLINT: 5,
        exp.DataType.Type.INT: 10,
        exp.DataType.Type.BIGINT: 19,
    }
    if dtype.this in integers:
        return integers[dtype.this], 0
    return None


def _cast(node: exp.Expression, to: str) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build(to, dialect="duckdb"))


_DATE = exp.DataType.Type.DATE
_DATE_UNITS = {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}


def _exact_decimal_div(left: exp.Expression, right: exp.Expression, s1: int, s2: int, scale: int) -> str:
    """Trino's decimal division in DuckDB SQL: exact, rounded half up at the result scale.

    DuckDB divides decimals in DOUBLE, where 297.90 / 4 is 74.474999... and rounds to 74.47;
    Trino says 74.48. Here both operands become scaled integers
    (HUGEINT), the quotient is rounded half away from zero in integer
    arithmetic, and the result is scaled back with an exact decimal multiply.
    Operands beyond HUGEINT's range (about 1.7e38 once scaled) overflow.
    """
    a, b = left.sql(dialect="duckdb"), right.sql(dialect="duckdb")
    numerator = f"(CAST(({a}) * {10**s1} AS HUGEINT) * {10 ** (s2 + scale)})"
    denominator = f"(CAST(({b}) * {10**s2} AS HUGEINT) * {10**s1})"
    quotient = (
        f"(CASE WHEN ({numerator} < 0) = ({denominator} < 0) THEN 1 ELSE -1 END)"
        f" * ((2 * abs({numerator}) + abs({denominator})) // (2 * abs({denominator})))"
    )
    unit = "1" if scale == 0 else f"0.{'0' * (scale - 1)}1"
    return f"(CAST({quotient} AS DECIMAL(38,0)) * CAST({unit} AS DECIMAL({scale + 1},{scale})))"


def _trino_division(node: exp.Div) -> exp.Expression:
    """Integer division truncates (DuckDB runs with integer_division); decimals divide exactly."""
    left, right = node.this, node.expression
    node.set("typed", False)
    node.set("safe", False)
    left_params, right_params = _decimal_params(left.type), _decimal_params(right.type)
    decimal_involved = _is(left.type, exp.DataType.Type.DECIMAL) or _is(right.type, exp.DataType.Type.DECIMAL)
    if not (decimal_involved and left_params and right_params):
        return node
    (p1, s1), (_p2, s2) = left_params, right_params
    precision = min(38, p1 + s2 + max(0, s2 - s1))
    scale = max(s1, s2)
    exact = exp.maybe_parse(_exact_decimal_div(left, right, s1, s2, scale), dialect="duckdb")
    return _cast(exact, f"DECIMAL({precision},{scale})")


def _date_add_stays_date(node: exp.DateAdd) -> exp.Expression:
    """Adding whole days or more to a DATE gives a DATE in Trino (DuckDB gives a TIMESTAMP)."""
    unit = (node.text("unit") or "DAY").upper()
    if _is(node.this.type, _DATE) and unit in _DATE_UNITS:
        return _cast(node, "DATE")
    return node


def _date_trunc_stays_date(node: exp.DateTrunc | exp.TimestampTrunc) -> exp.Expression:
    return _cast(node, "DATE") if _is(node.this.type, _DATE) else node


def _date_interval_stays_date(node: exp.Add | exp.Sub) -> exp.Expression:
    """``DATE +- INTERVAL`` of whole days or more stays a DATE, as ``date_add`` does."""
    left, right = node.this, node.expression
    whole_days = isinstance(right, exp.Interval) and right.text("unit").upper().rstrip("S") in _DATE_UNITS
    return _cast(node, "DATE") if _is(left.type, _DATE) and whole_days else node


def _trino_slice(node: exp.ArraySlice) -> exp.Expression:
    """Trino's slice(array, start, length); sqlglot keeps the length in ``end``."""
    if node.args.get("end") is None:
        return node
    start, length = node.args["start"], node.args["end"]
    end = exp.Sub(this=exp.Add(this=start.copy(), expression=length.copy()), expression=exp.Literal.number(1))
    return exp.Anonymous(this="LIST_SLICE", expressions=[node.this, start, end])


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
    return _cast(parsed, "TIMESTAMPTZ")


def _format_datetime(args: list[exp.Expression]) -> exp.Expression | None:
    if len(args) != 2 or not isinstance(args[1], exp.Literal):
        return None
    return exp.Anonymous(
        this="STRFTIME", expressions=[args[0], exp.Literal.string(joda_to_strftime(args[1].this))]
    )


def _map_agg(args: list[exp.Expression]) -> exp.Expression | None:
    if len(args) != 2:
        return None
    lists = [exp.Anonymous(this="LIST", expressions=[arg]) for arg in args]
    return exp.Anonymous(this="MAP", expressions=lists)


def _codepoint(args: list[exp.Expression]) -> exp.Expression | None:
    return exp.Anonymous(this="UNICODE", expressions=args) if len(args) == 1 else None


def _to_iso8601(args: list[exp.Expression]) -> exp.Expression | None:
    if len(args) != 1:
        return None
    pattern = "%Y-%m-%d" if _is(args[0].type, _DATE) else "%Y-%m-%dT%H:%M:%S.%g"
    return exp.Anonymous(this="STRFTIME", expressions=[args[0], exp.Literal.string(pattern)])


# Trino functions sqlglot leaves as Anonymous calls that DuckDB names or shapes differently;
# each returns None when the call does not have the arguments it rewrites.
_TRINO_FUNCTIONS: dict[str, Callable[[list[exp.Expression]], exp.Expression | None]] = {
    "format_datetime": _format_datetime,
    "map_agg": _map_agg,
    "codepoint": _codepoint,
    "to_iso8601": _to_iso8601,
}


def _trino_function(node: exp.Anonymous) -> exp.Expression:
    rewrite = _TRINO_FUNCTIONS.get(node.name.lower())
    replacement = rewrite(node.expressions) if rewrite else None
    return node if replacement is None else replacement


def _decimal_avg(node: exp.Avg) -> exp.Expression:
    """Trino's avg of a decimal keeps the decimal type (DuckDB's is a DOUBLE)."""
    params = _decimal_params(node.this.type) if _is(node.this.type, exp.DataType.Type.DECIMAL) else None
    return _cast(node, f"DECIMAL({params[0]},{params[1]})") if params else node


# One rewrite per node class whose DuckDB meaning differs from Trino's.
_SEMANTIC_FIXES: dict[type[exp.Expression], Callable[[Any], exp.Expression]] = {
    exp.Div: _trino_division,
    exp.DateAdd: _date_add_stays_date,
    exp.DateTrunc: _date_trunc_stays_date,
    exp.TimestampTrunc: _date_trunc_stays_date,
    exp.Add: _date_interval_stays_date,
    exp.Sub: _date_interval_stays_date,
    exp.ArraySlice: _trino_slice,
    exp.DateDiff: _elapsed_date_diff,
    exp.ParseDatetime: _joda_parse_datetime,
    exp.Anonymous: _trino_function,
    exp.Avg: _decimal_avg,
}


def _fix_semantics(ast: exp.Expression) -> exp.Expression:
    """Rewrite nodes whose DuckDB meaning differs from Trino's (see module docstring)."""

    def fix(node: exp.Expression) -> exp.Expression:
        rewrite = _SEMANTIC_FIXES.get(type(node))
        return rewrite(node) if rewrite else node

    return ast.transform(fix, copy=False)


def _annotate(ast: exp.Expression, schema: Schema) -> exp.Expression:
    """Qualify and type the tree so the semantic fixes know operand types.

    Falls back to typing the unqualified tree (literals, casts, functions) when qualification
    fails, e.g. on constructs sqlglot's qualifier does not model.
    """
    try:
        qualified = qualify(
            ast.copy(),
            schema=schema or None,
            dialect=DIALECT,
            validate_qualify_columns=False,
            quote_identifiers=True,
            identify=False,
            expand_stars=False,
        )
        return annotate_types(qualified, schema=schema or None, dialect=DIALECT)
    except Exception:
        return annotate_types(ast, dialect=DIALECT)


def to_duckdb(
    ast: exp.Expression, schema: Schema | None = None, rename: dict[tuple[str, str], str] | None = None
) -> str:
    """DuckDB SQL for a query whose catalog tables are named ``"db"."table"`` (see normalize_tables).

    ``rename`` maps (database, table) to a placeholder name written instead of ``"db"."table"``
    (the alias stays the table name), for the caller to substitute a subquery for.
    """
    tree = ast.copy()
    name_unnamed_columns(tree)
    tree = _annotate(tree, schema or {})
    tree = _fix_semantics(tree)
    if rename:
        for table in tree.find_all(exp.Table):
            db = table.args.get("db")
            if not isinstance(table.this, exp.Identifier) or db is None:
                continue
            token = rename.get((db.name.lower(), table.name.lower()))
            if token is None:
                continue
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name.lower(), quoted=True)))
            table.set("catalog", None)
            table.set("db", None)
            table.set("this", exp.to_identifier(token, quoted=True))
    return tree.sql(dialect="duckdb")


_COMMAND_RE = re.compile(r"\s+")


def squash(sql: str) -> str:
    """Collapse whitespace, for regex matching of statements sqlglot keeps as commands."""
    return _COMMAND_RE.sub(" ", sql.strip().rstrip(";")).strip()
