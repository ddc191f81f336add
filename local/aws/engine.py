"""Execute one Athena statement: queries in DuckDB, DDL against the Glue catalog, data in S3.

Each statement gets its own in-memory DuckDB connection holding one view per catalog table it
reads (see ``scan.py``), so concurrent queries share nothing but moto's stores and the local
file mirror. The DuckDB database can touch no file outside the engine's own directories
(``sandbox.py``). This module dispatches a statement to its family and runs queries; the families
live beside it: ``ddl.py`` (catalog changes), ``writes.py`` (CTAS, INSERT INTO),
``metadata.py`` (SHOW, DESCRIBE), and ``statement.py`` holds what they share.

Statements are classified by sqlglot's parse tree, except MSCK, SHOW, EXPLAIN, UNLOAD, VACUUM
and OPTIMIZE, recognised by their first word with a regex because sqlglot's Athena dialect
yields only an unparsed ``exp.Command`` for them, and ALTER TABLE, whose partition forms
``ddl.py`` reads as text for the same reason.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import duckdb
from sqlglot import exp

from lakehouse.sql import sql_string

from . import arrow_text, sandbox, translate
from .access import check, glue_table_arns, s3_bucket_arn
from .catalog import Catalog, Table
from .changes import CHANGES
from .coltypes import athena_type, format_rows
from .ddl import CatalogStatements
from .errors import AthenaError
from .metadata import MetadataStatements
from .result_rows import SpilledRows, TextTable
from .scan import ParquetSchemas, TableScans
from .scan_bytes import Read, read_bytes, table_reads
from .statement import (
    QueryContext,
    ResultColumn,
    StatementResult,
    ddl_result,
    duckdb_error,
    run_sql,
    split_name,
)
from .storage import S3Store, split_uri
from .trino_temporal import Shape
from .writes import WriteStatements

__all__ = ["Engine", "QueryContext", "StatementResult", "duckdb_error"]


def _columns_of(
    bound: dict[tuple[str, str], Table],
) -> Callable[[tuple[str, str]], tuple[list[str], list[str]] | None]:
    """(data columns, partition keys) of each base table the statement reads, by (database, name)."""
    tables = {
        (database.lower(), name.lower()): (
            [c.name.lower() for c in table.columns],
            [c.name.lower() for c in table.partition_keys],
        )
        for (database, name), table in bound.items()
        if not table.is_view
    }
    return tables.get


@dataclass(frozen=True)
class _Template:
    """A query's DuckDB SQL with a quoted placeholder per base table, valid at Glue generation ``glue``."""

    sql: str
    tables: tuple[tuple[str, Table], ...]
    glue: int
    read: tuple[Table, ...]  # every table and view it reads, for authorizing each run of it
    shapes: tuple[Shape | None, ...] = ()  # how each result column's timestamps print
    reads: tuple[Read, ...] | None = None  # what each table reference reads (None: all of it)


_TextStatement = Callable[["Engine", str, QueryContext], StatementResult]

# Athena statements sqlglot keeps as exp.Command that the local endpoint does not run.
_UNSUPPORTED_COMMANDS = re.compile(r"^(EXPLAIN|UNLOAD|VACUUM|OPTIMIZE)\b", re.IGNORECASE)
# Athena statements sqlglot parses that the local endpoint does not run (Iceberg-only writes).
_UNSUPPORTED_TREES: dict[type[exp.Expression], str] = {
    exp.Merge: "MERGE",
    exp.Update: "UPDATE",
    exp.Delete: "DELETE",
}


def _reject_unsupported_tree(ast: exp.Expression) -> None:
    if word := _UNSUPPORTED_TREES.get(type(ast)):
        raise AthenaError("NOT_SUPPORTED", f"{word} is not supported by the local Athena endpoint")
    if isinstance(ast, exp.Insert) and ast.args.get("overwrite"):
        raise AthenaError("NOT_SUPPORTED", "INSERT OVERWRITE is not supported on Hive tables in Athena")


def _unsupported_statement(squashed: str) -> AthenaError:
    return AthenaError(
        "NOT_SUPPORTED", f"Statement not supported by the local Athena endpoint: {squashed[:60]}"
    )


ENGINE_MEMORY = os.environ.get("LAKEHOUSE_ENGINE_MEMORY", "2GB")
RESULT_CHUNK = 10_000  # rows: a result this large is fetched in chunks and kept on disk


class Engine(CatalogStatements, WriteStatements, MetadataStatements):
    """Runs statements for one account/region against its Glue catalog and S3 store."""

    def __init__(
        self,
        catalog: Catalog,
        store: S3Store,
        schemas: ParquetSchemas,
        scratch_dir: Path,
        layout_dir: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.schemas = schemas
        self.scratch_dir = scratch_dir
        self.scans = TableScans(catalog, store, schemas, layout_dir or scratch_dir.parent / "layout")
        self._nonce = uuid.uuid4().hex[:12]
        self._db = duckdb.connect(config={"threads": 2})
        # DuckDB would take up to 80% of the machine's memory for its buffers; bounded, it spills
        # joins and aggregates to the sandbox's temp directory instead, so the endpoint's memory
        # does not grow with the lake (LAKEHOUSE_ENGINE_MEMORY overrides).
        self._db.execute(f"SET GLOBAL memory_limit = {sql_string(ENGINE_MEMORY)}")
        self._db.execute("SET GLOBAL integer_division = true")
        self._db.execute("SET GLOBAL TimeZone = 'UTC'")
        for family in translate.FAMILIES:
            for install in family.install:
                install(self._db)
        # DuckDB reads the mirrored objects (and the layout's links to them) and writes CTAS and
        # INSERT output to the scratch directory; nothing else (see sandbox.py).
        sandbox.lock_down(
            self._db,
            allowed=(store.mirror_dir, self.scans.layout_dir, scratch_dir),
            spill_dir=scratch_dir.parent / "spill" / self._nonce,
        )
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], str] = {}
        self._templates: OrderedDict[tuple[str, str], _Template] = OrderedDict()

    # -- entry point -----------------------------------------------------------------------
    def execute(self, sql: str, ctx: QueryContext) -> StatementResult:
        if self._cached_template(sql, ctx.database) is not None:
            return self._select(None, sql, ctx)  # a SELECT seen before, catalog unchanged
        squashed = translate.squash(sql)
        for pattern, run in self._TEXT_STATEMENTS:
            if pattern.match(squashed):
                return run(self, squashed, ctx)
        if m := _UNSUPPORTED_COMMANDS.match(squashed):
            raise AthenaError(
                "NOT_SUPPORTED", f"{m[1].upper()} is not supported by the local Athena endpoint"
            )
        return self._execute_tree(translate.parse(sql), sql, squashed, ctx)

    def _execute_tree(
        self, ast: exp.Expression, sql: str, squashed: str, ctx: QueryContext
    ) -> StatementResult:
        _reject_unsupported_tree(ast)
        if isinstance(ast, exp.Query):
            return self._select(ast, sql, ctx)
        if isinstance(ast, exp.Create):
            return self._create(ast, sql, squashed, ctx)
        if isinstance(ast, exp.Insert):
            return self._insert(ast, sql, ctx)
        if isinstance(ast, exp.Drop):
            return self._drop(ast, ctx)
        if isinstance(ast, exp.Describe):
            return self._describe(ast, ctx)
        if isinstance(ast, exp.Use):
            return ddl_result("USE")
        raise _unsupported_statement(squashed)

    def _create(self, ast: exp.Create, sql: str, squashed: str, ctx: QueryContext) -> StatementResult:
        kind = (ast.args.get("kind") or "").upper()
        if kind in ("DATABASE", "SCHEMA"):
            return self._create_database(ast)
        if kind == "VIEW":
            return self._create_view(ast, sql, ctx)
        if kind == "TABLE" and isinstance(ast.expression, exp.Query):
            return self._ctas(ast, sql, ctx)
        if kind == "TABLE":
            return self._create_external(ast, ctx)
        raise _unsupported_statement(squashed)

    # -- DuckDB plumbing -------------------------------------------------------------------
    def _connect(self, ctx: QueryContext) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one statement (a cursor on the shared database).

        Statements share no named objects: catalog tables are inlined into the SQL as
        subqueries (see ``_template``) and CTAS/INSERT stage results in TEMP tables, which are
        private to the connection. Session settings come from the database (SET GLOBAL).
        """
        con = self._db.cursor()
        ctx.register_connection(con)
        return con

    def _close(self, con: duckdb.DuckDBPyConnection, ctx: QueryContext) -> None:
        ctx.register_connection(None)
        con.close()

    def _token(self, key: tuple[str, str]) -> str:
        with self._lock:
            token = self._tokens.get(key)
            if token is None:
                token = self._tokens[key] = f"__lakehouse_{self._nonce}_{len(self._tokens)}__"
            return token

    def _bind(
        self,
        ast: exp.Expression,
        sql: str,
        default_db: str,
        bound: dict[tuple[str, str], Table],
        views: dict[str, str],
        *,
        depth: int = 0,
    ) -> None:
        """Resolve every catalog table the statement reads; views get translated bodies."""
        if depth > 10:
            raise AthenaError("VIEW_IS_RECURSIVE", "View is recursive or nested too deeply")
        for ref in translate.table_refs(ast, sql, default_db):
            key = (ref.database, ref.name)
            if key in bound:
                continue
            table = self.catalog.get_table(ref.database, ref.name)
            if table is None:
                if not self.catalog.database_exists(ref.database):
                    raise AthenaError(
                        "SCHEMA_NOT_FOUND",
                        f"line {ref.line}:{ref.column}: Schema '{ref.database}' does not exist",
                    )
                raise AthenaError(
                    "TABLE_NOT_FOUND",
                    f"line {ref.line}:{ref.column}: "
                    f"Table 'awsdatacatalog.{ref.database}.{ref.name}' does not exist",
                )
            bound[key] = table
            if table.is_view:
                view_ast = translate.parse(table.view_sql or "")
                self._bind(view_ast, table.view_sql or "", table.database, bound, views, depth=depth + 1)
                translate.normalize_tables(view_ast, table.database)
                views[self._token(key)] = translate.to_duckdb(
                    view_ast, self._schema(bound), self._renames(bound)
                )

    @staticmethod
    def _schema(bound: dict[tuple[str, str], Table]) -> translate.Schema:
        schema: translate.Schema = {}
        for (database, name), table in bound.items():
            cols = {c.name: c.type for c in table.columns + table.partition_keys}
            schema.setdefault(database, {})[name] = cols
        return schema

    def _renames(self, bound: dict[tuple[str, str], Table]) -> dict[tuple[str, str], str]:
        return {key: self._token(key) for key in bound}

    def _template(self, query: exp.Expression, sql: str, database: str) -> _Template:
        """DuckDB SQL for a query, with a placeholder per base table and views inlined.

        Depends on the catalog only, so it is cached per (SQL, database) until Glue changes.
        """
        glue = CHANGES.glue
        bound: dict[tuple[str, str], Table] = {}
        views: dict[str, str] = {}
        self._bind(query, sql, database, bound, views)
        tree = query.copy()
        translate.normalize_tables(tree, database)
        reads = table_reads(tree, _columns_of(bound))
        translation = translate.translate_query(tree, self._schema(bound), self._renames(bound))
        text = translation.sql
        for _ in range(12):
            present = [token for token in views if f'"{token}"' in text]
            if not present:
                break
            for token in present:
                text = text.replace(f'"{token}"', f"({views[token]})")
        else:
            raise AthenaError("VIEW_IS_RECURSIVE", "View is recursive or nested too deeply")
        tables = tuple((self._token(key), table) for key, table in bound.items() if not table.is_view)
        return _Template(
            text,
            tables,
            glue,
            tuple(bound.values()),
            translation.shapes,
            None if reads is None else tuple(reads),
        )

    def _render(self, template: _Template) -> tuple[str, int]:
        """The template with each base table's current scan substituted; the bytes Athena would
        scan: each reference's columns in the partitions its filters keep (scan_bytes.py), or
        every file of a table whose references could not be followed."""
        text, scanned = template.sql, 0
        for token, table in template.tables:
            scan = self.scans.scan(table, template.glue)
            placeholder = f'"{token}"'
            if placeholder in text:
                text = text.replace(placeholder, f"({scan.sql})")
            key = (table.database.lower(), table.name.lower())
            own = [read for read in template.reads or () if read.key == key]
            if own:
                scanned += sum(read_bytes(read, scan.files, self.schemas.row_groups) for read in own)
            else:
                scanned += scan.scanned
        return text, scanned

    def _compile(self, query: exp.Expression, sql: str, ctx: QueryContext) -> tuple[str, int]:
        return self._render(self._template(query, sql, ctx.database))

    def _cached_template(self, sql: str, database: str) -> _Template | None:
        with self._lock:
            template = self._templates.get((sql, database))
            if template is None or template.glue != CHANGES.glue:
                return None
            self._templates.move_to_end((sql, database))
            return template

    def _remember_template(self, sql: str, database: str, template: _Template) -> None:
        with self._lock:
            self._templates[(sql, database)] = template
            while len(self._templates) > 512:
                self._templates.popitem(last=False)

    # -- queries ---------------------------------------------------------------------------
    def _select(self, ast: exp.Expression | None, sql: str, ctx: QueryContext) -> StatementResult:
        template = self._cached_template(sql, ctx.database)
        if template is None:
            if ast is None:
                ast = translate.parse(sql)
            template = self._template(ast, sql, ctx.database)
            self._remember_template(sql, ctx.database, template)
        self._authorize_reads(template)
        duck_sql, scanned = self._render(template)
        con = self._connect(ctx)
        try:
            rel = run_sql(con, duck_sql)
            names, types = rel.columns, rel.types
            shapes = template.shapes if len(template.shapes) == len(types) else (None,) * len(types)
            renders = arrow_text.formatters(types, shapes)
            if renders is not None:
                rows: Sequence[list[str | None]] = self._fetch_text(rel, renders, ctx)
            else:
                rows = self._fetch(con, duck_sql, types, shapes, ctx)
        finally:
            self._close(con, ctx)
        columns = []
        for name, dtype, shape in zip(names, types, shapes, strict=True):
            athena, precision, scale = athena_type(dtype, shape)
            columns.append(ResultColumn(name, athena, precision, scale))
        return StatementResult(
            "DML", "SELECT", columns, rows, header=True, data_scanned=scanned, output_suffix=".csv"
        )

    def _fetch(
        self, con: duckdb.DuckDBPyConnection, duck_sql: str, types: list[Any], shapes: Any, ctx: QueryContext
    ) -> Sequence[list[str | None]]:
        """The result's rows: in memory when small, on disk (result_rows.py) when larger than a chunk,
        fetched and formatted a chunk at a time so no more than one chunk is held.

        Run on the connection, not the relation that typed it: a relation keeps no result to fetch
        from in chunks.
        """
        try:
            cursor = con.execute(duck_sql)
            chunk = cursor.fetchmany(RESULT_CHUNK)
            if len(chunk) < RESULT_CHUNK:
                return format_rows(chunk, types, shapes)
            spilled = SpilledRows(self._spill_path(ctx, ".jsonl"))
            while chunk:
                spilled.extend(format_rows(chunk, types, shapes))
                chunk = cursor.fetchmany(RESULT_CHUNK)
            return spilled.finish()
        except duckdb.Error as err:
            raise duckdb_error(err) from None

    def _fetch_text(
        self, rel: duckdb.DuckDBPyRelation, renders: list[arrow_text.Formatter], ctx: QueryContext
    ) -> TextTable:
        """The result's rows rendered by Arrow a chunk at a time (arrow_text.py), the same text
        as _fetch gives, for a result whose every column's type Arrow renders."""
        try:
            chunks = (
                [render(column) for render, column in zip(renders, batch.columns, strict=True)]
                for batch in rel.to_arrow_reader(RESULT_CHUNK)
            )
            return TextTable.build(chunks, self._spill_path(ctx, ".arrow"), spill_over=RESULT_CHUNK)
        except duckdb.Error as err:
            raise duckdb_error(err) from None

    def _spill_path(self, ctx: QueryContext, suffix: str) -> Path:
        return self.scratch_dir / "results" / f"{ctx.query_id}-{uuid.uuid4().hex[:8]}{suffix}"

    def _authorize_reads(self, template: _Template) -> None:
        """The catalog reads a query makes, and the buckets it locates, asked of its caller on every
        run: a template or scan cached from another caller's run must not read for this one."""
        catalog = self.catalog
        for table in template.read:
            arns = glue_table_arns(catalog.account_id, catalog.region, table.database, table.name)
            check("glue:GetTable", arns)
            if table.partition_keys:
                check("glue:GetPartitions", arns)
            if table.location and not table.is_view:
                # Athena locates each bucket it reads, as the caller
                bucket, _ = split_uri(table.location)
                check("s3:GetBucketLocation", [s3_bucket_arn(bucket)], path=f"s3://{bucket}/")

    def _target(self, table_node: exp.Expression, ctx: QueryContext) -> tuple[str, str]:
        table = table_node.this if isinstance(table_node, exp.Schema) else table_node
        database = table.args.get("db").name.lower() if table.args.get("db") else ctx.database
        return database, table.name.lower()

    # -- names ---------------------------------------------------------------------------
    def _statement_table(self, pattern: str, text: str, ctx: QueryContext, usage: str) -> Table:
        """The table a one-table statement names (group `name` of `pattern`); SYNTAX_ERROR citing `usage`."""
        m = re.match(pattern, text, re.IGNORECASE)
        if not m:
            raise AthenaError("SYNTAX_ERROR", f"Expected {usage}")
        return self._require_table(m["name"], ctx)

    def _require_table(self, name_text: str, ctx: QueryContext) -> Table:
        """The table a statement read as text names (``db.t``, quoted or not)."""
        return self._existing_table(*split_name(name_text, ctx.database))

    def _require_named_table(self, table_node: exp.Expression, ctx: QueryContext) -> Table:
        """The table a parsed statement names."""
        return self._existing_table(*self._target(table_node, ctx))

    def _existing_table(self, database: str, name: str) -> Table:
        table = self.catalog.get_table(database, name)
        if table is None:
            raise AthenaError("TABLE_NOT_FOUND", f"Table 'awsdatacatalog.{database}.{name}' does not exist")
        return table

    # Statements sqlglot's Athena dialect only keeps as text (exp.Command), recognised by their
    # first words; ALTER TABLE is partly parsed (see ddl.py) and reaches sqlglot from there.
    _TEXT_STATEMENTS: ClassVar[tuple[tuple[re.Pattern[str], _TextStatement], ...]] = (
        (re.compile(r"^MSCK\b", re.IGNORECASE), CatalogStatements._msck),
        (re.compile(r"^ALTER\s+TABLE\b", re.IGNORECASE), CatalogStatements._alter),
        (re.compile(r"^SHOW\b", re.IGNORECASE), MetadataStatements._show),
    )
