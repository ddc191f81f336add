"""Athena (Trino) SQL to DuckDB SQL, keeping Trino's semantics where the two engines differ.

sqlglot does the dialect translation. On top of it, the Trino function families
(``trino_numbers``, ``trino_dates``, ``trino_strings``, ``trino_json``, ``trino_urls``,
``trino_arrays``...) rewrite what a plain transpile gets wrong, on a tree typed by sqlglot's
annotator fed with the Glue schema of the referenced tables, and ``trino_functions`` refuses
calls Athena does not know. This module parses, resolves names as Trino does, names unnamed
result columns ``_col0``, ``_col1``... as Athena does, and applies the families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import Dialect, exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from . import sandbox, trino_functions, trino_numbers, trino_temporal
from .errors import AthenaError
from .trino_rewrites import Family, NodeRewrite

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
    tokens = trino_numbers.join_digit_groups(tokens, text)
    sandbox.check_tokens(tokens, text)
    try:
        statements = [s for s in dialect.parser().parse(tokens, text) if s is not None]
    except ParseError as err:
        sandbox.check_unparsed(tokens, text)
        trino_functions.check_sql_json(text)
        detail = err.errors[0] if err.errors else {}
        line, col = detail.get("line", 1), detail.get("col", 1)
        description = str(detail.get("description") or err).split("\n")[0]
        raise AthenaError("SYNTAX_ERROR", f"line {line}:{col}: {description}") from None
    if len(statements) != 1:
        raise AthenaError("SYNTAX_ERROR", "Only one sql statement is allowed")
    if _SQL_JSON_WORD.search(text):
        trino_functions.check_sql_json(text)
    sandbox.check_tree(statements[0], text)
    trino_numbers.type_decimal_literals(statements[0], text)
    if _ALL_VALUES.search(text):
        _quantify_values(statements[0])
    trino_functions.check_calls(statements[0], text)
    return statements[0]


_SQL_JSON_WORD = re.compile(r"json_(?:array|exists|object|query|table|value)\b", re.IGNORECASE)
_ALL_VALUES = re.compile(r"\bALL\s*\(\s*VALUES\b", re.IGNORECASE)


def _quantify_values(ast: exp.Expression) -> None:
    """``x < ALL (VALUES ...)``: sqlglot reads ``ANY (VALUES ...)`` as a quantifier, ``ALL`` as a call."""
    for node in list(ast.find_all(exp.Anonymous)):
        operands = node.expressions
        if node.name.upper() == "ALL" and len(operands) == 1 and isinstance(operands[0], exp.Values):
            node.replace(exp.All(this=exp.Subquery(this=operands[0])))


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


def _families() -> tuple[Family, ...]:
    from . import (
        trino_arrays,
        trino_binary,
        trino_dates,
        trino_json,
        trino_numbers,
        trino_statistics,
        trino_strings,
        trino_urls,
    )

    # binary before strings: both rewrite substr and lpad/rpad, binary only on varbinary operands
    return (
        trino_numbers.FAMILY,
        trino_dates.FAMILY,
        trino_binary.FAMILY,
        trino_strings.FAMILY,
        trino_json.FAMILY,
        trino_urls.FAMILY,
        trino_arrays.FAMILY,
        trino_statistics.FAMILY,
    )


FAMILIES = _families()
_NODE_REWRITES: dict[type[exp.Expression], list[NodeRewrite]] = {}
for _family in FAMILIES:
    for _node_class, _rewrite in _family.nodes.items():
        _NODE_REWRITES.setdefault(_node_class, []).append(_rewrite)
_CALL_REWRITES = {name: rewrite for family in FAMILIES for name, rewrite in family.calls.items()}


def _rewrite(node: exp.Expression) -> exp.Expression:
    """The first family rewrite that replaces ``node``, or ``node`` as it is."""
    if isinstance(node, exp.Anonymous):
        call = _CALL_REWRITES.get(node.name.lower())
        replacement = call(node) if call else None
        return node if replacement is None else replacement
    for rewrite in _NODE_REWRITES.get(type(node), ()):
        replaced = rewrite(node)
        if replaced is not node:
            return replaced
    return node


def _fix_semantics(ast: exp.Expression) -> exp.Expression:
    """Rewrite nodes whose DuckDB meaning differs from Trino's (see the family modules).

    Children before parents, so a rewrite that renders its operands sees them already
    rewritten and a replaced node's subtree is never skipped. A replacement keeps the Trino
    type (and the metadata, such as a time zone) of the node it stands for, for the rewrites
    of its parents.
    """
    root = ast
    for node in reversed(list(ast.walk(bfs=False))):
        parent, arg_key, index = node.parent, node.arg_key, node.index
        trino_type, meta = node.type, dict(node.meta)
        replacement = _rewrite(node)  # may adopt the node as its own operand
        if replacement is node:
            continue
        if replacement.type is None or replacement.is_type(exp.DataType.Type.UNKNOWN):
            replacement.type = trino_type
        for key, value in meta.items():
            replacement.meta.setdefault(key, value)
        if node is root:
            root = replacement
        elif parent is not None and arg_key:
            parent.set(arg_key, replacement, index)
    return root


def _annotate(ast: exp.Expression, schema: Schema) -> exp.Expression:
    """Qualify and type the tree so the semantic fixes know operand types.

    Falls back to typing the unqualified tree (literals, casts, functions) when qualification
    fails, e.g. on constructs sqlglot's qualifier does not model, and to no types when that
    fails too (a call missing its arguments), leaving DuckDB to reject what is wrong.
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
        try:
            return annotate_types(ast, dialect=DIALECT)
        except Exception:
            return ast


@dataclass(frozen=True)
class Translation:
    """A query in DuckDB SQL, and how its result columns' timestamps print (see trino_temporal)."""

    sql: str
    shapes: tuple[trino_temporal.Shape | None, ...] = ()


def to_duckdb(
    ast: exp.Expression, schema: Schema | None = None, rename: dict[tuple[str, str], str] | None = None
) -> str:
    """DuckDB SQL for a query whose catalog tables are named ``"db"."table"`` (see normalize_tables)."""
    return translate_query(ast, schema, rename).sql


def translate_query(
    ast: exp.Expression, schema: Schema | None = None, rename: dict[tuple[str, str], str] | None = None
) -> Translation:
    """DuckDB SQL and result shapes for a query whose catalog tables are named ``"db"."table"``.

    ``rename`` maps (database, table) to a placeholder name written instead of ``"db"."table"``
    (the alias stays the table name), for the caller to substitute a subquery for.
    """
    tree = ast.copy()
    name_unnamed_columns(tree)
    tree = _annotate(tree, schema or {})
    trino_temporal.retype(tree)
    shapes = tuple(trino_temporal.result_shapes(tree))
    trino_temporal.mark_zones(tree)
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
    return Translation(tree.sql(dialect="duckdb"), shapes)


_COMMAND_RE = re.compile(r"\s+")


def squash(sql: str) -> str:
    """Collapse whitespace, for regex matching of statements sqlglot keeps as commands."""
    return _COMMAND_RE.sub(" ", sql.strip().rstrip(";")).strip()
