"""Keep the local Athena inside the lake: what user SQL may reach DuckDB, and what DuckDB may touch.

Athena reads S3 through the Glue catalog and nothing else. DuckDB, which runs the queries here,
can read and write any file the endpoint's user can (``read_text('.local/env')``, ``COPY ... TO``,
``ATTACH``, extensions). Two independent fences keep a statement to the lake:

1. Before DuckDB sees it (``check_tokens``, ``check_tree``, ``check_unparsed``, which
   ``translate.parse`` applies to every statement and every view body read from Glue):
   DuckDB-only statements (COPY, ATTACH, INSTALL, LOAD, PRAGMA, EXPORT DATABASE...) fail the
   way Athena's parser fails on them; a function in FROM fails as an unregistered table
   function, a DuckDB table function or host-state function called anywhere as an unregistered
   function, and a string literal in FROM as the syntax error it is in Trino. Every other
   relation is a catalog table, which the engine replaces by its own scan, or a CTE in scope
   (``translate`` resolves CTE names by scope for that reason), so the only file names DuckDB
   is given are the engine's own.
2. In DuckDB itself (``lock_down``): no external access except the directories the engine reads
   and writes (its mirror of S3 objects, its Hive-layout links, its scratch directory for
   CTAS/INSERT output), spill files in a directory of its own, no extension installed or loaded
   on demand, and the configuration locked, so no statement can turn any of it back on. What
   the first fence misses still cannot read or write a file elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import duckdb
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from lakehouse.sql import sql_string

from .errors import AthenaError

# Statements DuckDB runs that Athena's grammar does not have (the first word decides, as it does
# for Trino's parser, and before sqlglot, which does not parse all of them).
DUCKDB_STATEMENTS = frozenset(
    {
        "ATTACH",
        "CHECKPOINT",
        "COPY",
        "DETACH",
        "EXPORT",
        "FORCE",
        "FROM",
        "IMPORT",
        "INSTALL",
        "LOAD",
        "PIVOT",
        "PRAGMA",
        "SUMMARIZE",
        "UNPIVOT",
    }
)
# The same statements as sqlglot trees, for one that reaches the parser under another first word.
_DUCKDB_STATEMENT_TREES: tuple[type[exp.Expression], ...] = (
    exp.Attach,
    exp.Copy,
    exp.Detach,
    exp.Export,
    exp.Install,
    exp.Pivot,
    exp.Pragma,
    exp.Summarize,
)
# What Trino's parser expects where a statement starts.
_STATEMENT_STARTS = (
    "'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', 'DELETE', 'DENY', "
    "'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'GRANT', 'INSERT', 'MERGE', 'PREPARE', "
    "'REFRESH', 'RESET', 'REVOKE', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', "
    "<query>"
)
# What Trino's parser expects where a relation starts (after FROM, JOIN or a comma).
_RELATION_STARTS = "'(', 'LATERAL', 'TABLE', 'UNNEST', <identifier>"

# DuckDB scalar functions that read the host's state rather than their arguments.
_HOST_STATE_FUNCTIONS = frozenset({"getenv", "current_setting", "getvariable"})
# Names DuckDB gives table functions that Trino also defines, as syntax or as a scalar or
# aggregate function; sqlglot reads them from Athena SQL as the classes below.
_TRINO_NAMES = frozenset({"unnest", "repeat", "histogram", "sequence"})
_TRINO_CLASSES: tuple[type[exp.Func], ...] = (exp.GenerateSeries, exp.Repeat, exp.Unnest)
_STRING_TOKENS = frozenset(t for t in TokenType if t.name.endswith("STRING")) | {TokenType.NUMBER}


@functools.cache
def denied_functions() -> frozenset[str]:
    """Names an Athena statement may not call: DuckDB's table functions and host-state functions.

    Read from DuckDB's own catalog, so file readers a newer DuckDB adds are refused too; the
    names Trino also defines stay callable.
    """
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT DISTINCT lower(function_name) FROM duckdb_functions() "
            "WHERE function_type IN ('table', 'table_macro')"
        ).fetchall()
    finally:
        con.close()
    return (frozenset(name for (name,) in rows) | _HOST_STATE_FUNCTIONS) - _TRINO_NAMES


# -- before DuckDB -------------------------------------------------------------------------
def check_tokens(tokens: list[Token], sql: str) -> None:
    """Refuse a DuckDB-only statement by its first word, before sqlglot parses it."""
    words = _words(tokens)
    if words and words[0].text.upper() in DUCKDB_STATEMENTS:
        raise _not_a_statement(words[0].text, _line_col(sql, words[0].start))


def check_unparsed(tokens: list[Token], sql: str) -> None:
    """For a statement sqlglot could not parse: a denied function called in it is the error.

    sqlglot fails on some DuckDB calls (``glob('/x')`` reads as the GLOB operator), where
    Athena reports the function, not the syntax.
    """
    words = _words(tokens)
    for before, token, after in zip([None, *words[:-1]], words, [*words[1:], None], strict=True):
        if after is None or after.token_type != TokenType.L_PAREN or token.token_type in _STRING_TOKENS:
            continue
        if token.text.lower() not in denied_functions():
            continue
        if before is not None and before.token_type in (TokenType.INTO, TokenType.TABLE, TokenType.DOT):
            continue  # a table named like a function, followed by its column list
        in_from = before is not None and before.token_type in (
            TokenType.FROM,
            TokenType.JOIN,
            TokenType.LATERAL,
        )
        raise _not_registered(token.text.lower(), _line_col(sql, token.start), table=in_from)


def _words(tokens: list[Token]) -> list[Token]:
    """The statement's tokens without the marker sqlglot's Athena dialect puts before Hive DDL."""
    return [t for t in tokens if t.token_type != TokenType.HIVE_TOKEN_STREAM]


def check_tree(ast: exp.Expression, sql: str) -> None:
    """Refuse what in a parsed statement would make DuckDB touch anything but the engine's scans.

    Walked depth first, in the order the text reads, so the error names the first offending
    call, as Trino's would.
    """
    if isinstance(ast, _DUCKDB_STATEMENT_TREES):
        raise _not_a_statement(ast.key.upper(), (1, 1))
    for node in ast.walk(bfs=False):
        if isinstance(node, exp.Table):
            _check_relation(node, sql)
        elif isinstance(node, exp.Lateral) and not isinstance(node.this, (exp.Subquery, exp.Query)):
            raise _not_registered(_function_name(node.this), _node_line_col(sql, node.this), table=True)
        elif isinstance(node, exp.Func) and _denied_call(node):
            raise _not_registered(_function_name(node), _node_line_col(sql, node), table=False)


def _check_relation(table: exp.Table, sql: str) -> None:
    relation = table.this
    if isinstance(relation, exp.Identifier):
        start = relation.meta.get("start")
        if start is not None and sql[start : start + 1] == "'":
            line, col = _line_col(sql, start)
            literal = sql[start : relation.meta["end"] + 1]
            raise AthenaError(
                "SYNTAX_ERROR",
                f"line {line}:{col}: mismatched input '{literal}'. Expecting: {_RELATION_STARTS}",
            )
        return
    if isinstance(relation, exp.Unnest):
        return
    if isinstance(relation, exp.Dot):  # a.b.c.d: a name, not a call, and one part too many
        line, col = _node_line_col(sql, table)
        name = table.sql(dialect="athena")
        raise AthenaError("SYNTAX_ERROR", f"line {line}:{col}: Too many dots in table name: {name}")
    raise _not_registered(_function_name(relation), _node_line_col(sql, relation), table=True)


def _denied_call(node: exp.Func) -> bool:
    if isinstance(node, exp.Anonymous):
        return node.name.lower() in denied_functions()
    if isinstance(node, _TRINO_CLASSES):
        return False
    try:
        names = type(node).sql_names()
    except NotImplementedError:
        return False
    return any(name.lower() in denied_functions() for name in names)


def _function_name(node: exp.Expression) -> str:
    """The name a call was written with (inside Trino's ``TABLE(...)`` wrapper, the inner call)."""
    if isinstance(node, exp.Anonymous) and node.name.upper() == "TABLE" and node.expressions:
        return _function_name(node.expressions[0])
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return node.sql(dialect="athena")


def _not_registered(name: str, where: tuple[int, int], *, table: bool) -> AthenaError:
    kind = "Table function" if table else "Function"
    return AthenaError("FUNCTION_NOT_FOUND", f"line {where[0]}:{where[1]}: {kind} '{name}' not registered")


def _not_a_statement(word: str, where: tuple[int, int]) -> AthenaError:
    return AthenaError(
        "SYNTAX_ERROR",
        f"line {where[0]}:{where[1]}: mismatched input '{word}'. Expecting: {_STATEMENT_STARTS}",
    )


def _line_col(sql: str, start: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, as Trino reports positions."""
    return sql.count("\n", 0, start) + 1, start - (sql.rfind("\n", 0, start) + 1) + 1


def _node_line_col(sql: str, node: exp.Expression) -> tuple[int, int]:
    """Where a node's text starts: its earliest token that sqlglot kept a position for."""
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    return _line_col(sql, min(starts)) if starts else (1, 1)


# -- in DuckDB -----------------------------------------------------------------------------
def lock_down(db: duckdb.DuckDBPyConnection, allowed: Iterable[Path], spill_dir: Path) -> None:
    """Confine a fresh DuckDB database to ``allowed`` directories, then lock its configuration.

    Settings the engine wants must be made before this: afterwards no SET, RESET or PRAGMA
    succeeds. Spill files go to ``spill_dir``, which DuckDB writes without it being allowed to
    queries. A directory is allowed under both its absolute and its resolved spelling, because
    DuckDB compares path strings and the engine writes the absolute one into its SQL.
    """
    directories = sorted({form for path in allowed for form in _directory_forms(path)})
    listed = ", ".join(sql_string(d) for d in directories)
    for statement in (
        f"SET GLOBAL temp_directory = {sql_string(str(spill_dir.absolute()))}",
        "SET GLOBAL autoinstall_known_extensions = false",
        "SET GLOBAL autoload_known_extensions = false",
        "SET GLOBAL allow_community_extensions = false",
        f"SET GLOBAL allowed_directories = [{listed}]",
        "SET GLOBAL enable_external_access = false",
        "SET GLOBAL lock_configuration = true",
    ):
        db.execute(statement)


def _directory_forms(path: Path) -> set[str]:
    """The directory as a prefix that matches only inside it (``/a/mirror/``, never ``/a/mirror2``)."""
    return {str(form).rstrip("/") + "/" for form in (path.absolute(), path.resolve())}
