"""DDL and catalog statements: databases, external tables, views, DROP, ALTER TABLE, MSCK REPAIR.

A mixin of ``Engine``: these statements change the Glue catalog and read S3 listings;
only CREATE VIEW runs its query in DuckDB (to learn the view's columns).

Most statements are read from sqlglot's tree. ALTER TABLE's partition and location forms and
MSCK REPAIR TABLE are read with regular expressions instead, because sqlglot's Athena dialect
keeps MSCK and a multi-partition ADD PARTITION as an unparsed ``exp.Command`` and reads their
string literals with Hive's rules, where ``''`` is not a quote (``p='it''s'`` would lose it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from sqlglot import exp

from . import translate
from .catalog import Column, Partition, Table, hive_unescape, partition_path
from .coltypes import duckdb_to_hive
from .errors import AthenaError
from .statement import (
    LOCATION_RE,
    NAME_RE,
    SPEC_RE,
    QueryContext,
    StatementResult,
    column_def,
    ddl_result,
    parse_spec,
    run_sql,
    text_result,
)
from .storage import as_prefix

_ADD_PARTITIONS = re.compile(
    rf"^ALTER TABLE {NAME_RE} ADD (?P<if_not_exists>IF NOT EXISTS )?(?P<rest>PARTITION.*)$", re.IGNORECASE
)
_DROP_PARTITIONS = re.compile(
    rf"^ALTER TABLE {NAME_RE} DROP (?P<if_exists>IF EXISTS )?(?P<rest>PARTITION.*)$", re.IGNORECASE
)
_SET_PARTITION_LOCATION = re.compile(
    rf"^ALTER TABLE {NAME_RE} PARTITION\s*{SPEC_RE} SET LOCATION '(?P<loc>(?:[^']|'')*)'$", re.IGNORECASE
)
_SET_TABLE_LOCATION = re.compile(
    rf"^ALTER TABLE {NAME_RE} SET LOCATION '(?P<loc>(?:[^']|'')*)'$", re.IGNORECASE
)
_PARTITION = re.compile(rf"PARTITION\s*{SPEC_RE}", re.IGNORECASE)
_PARTITION_WITH_LOCATION = re.compile(rf"PARTITION\s*{SPEC_RE}{LOCATION_RE}", re.IGNORECASE)
_MSCK_REPAIR = rf"^MSCK REPAIR TABLE {NAME_RE}$"

# An ALTER TABLE form read by regex: (engine, match of its pattern, context) -> result.
_AlterForm = Callable[["CatalogStatements", re.Match[str], QueryContext], StatementResult]


def _unescape(literal_body: str) -> str:
    """The text of a single-quoted SQL literal's body, where ``''`` stands for one quote."""
    return literal_body.replace("''", "'")


class CatalogStatements:
    """CREATE DATABASE/TABLE/VIEW, DROP, ALTER TABLE and MSCK REPAIR TABLE, for ``Engine``.

    It runs on ``Engine``'s catalog and store and through its DuckDB plumbing
    (``_connect``, ``_close``, ``_compile``, ``_target``, ``_require_table``).
    """

    def _create_database(self, ast: exp.Create) -> StatementResult:
        name = ast.this.name.lower()
        location = comment = None
        for prop in (ast.args.get("properties") or exp.Properties(expressions=[])).expressions:
            if isinstance(prop, exp.LocationProperty):
                location = prop.this.name
            elif isinstance(prop, exp.SchemaCommentProperty):
                comment = prop.this.name
        self.catalog.create_database(name, location, comment, exists_ok=bool(ast.args.get("exists")))
        return ddl_result("CREATE_DATABASE")

    def _create_external(self, ast: exp.Create, ctx: QueryContext) -> StatementResult:
        database, name = self._target(ast.this, ctx)
        props = (ast.args.get("properties") or exp.Properties(expressions=[])).expressions
        external = any(isinstance(p, exp.ExternalProperty) for p in props)
        location = None
        keys: list[Column] = []
        params: dict[str, str] = {"EXTERNAL": "TRUE"}
        fmt = "PARQUET"
        for prop in props:
            if isinstance(prop, exp.LocationProperty):
                location = prop.this.name
            elif isinstance(prop, exp.PartitionedByProperty) and isinstance(prop.this, exp.Schema):
                keys = [column_def(c) for c in prop.this.expressions]
            elif isinstance(prop, exp.FileFormatProperty):
                fmt = prop.this.name.upper()
            elif type(prop) is exp.Property and prop.args.get("value") is not None:
                key = prop.this.name if isinstance(prop.this, exp.Literal) else prop.name.lower()
                params[key] = prop.args["value"].name
        if not external:
            raise AthenaError(
                "NOT_SUPPORTED",
                "Only external table creation is supported. "
                "(Use CREATE EXTERNAL TABLE, or CREATE TABLE ... AS SELECT)",
            )
        if not location:
            raise AthenaError("SYNTAX_ERROR", "External tables require a LOCATION")
        schema = ast.this
        columns = [column_def(c) for c in schema.expressions] if isinstance(schema, exp.Schema) else []
        self.catalog.require_database(database)
        params.setdefault("classification", fmt.lower())
        table = Table(database, name, columns, keys, as_prefix(location), parameters=params)
        if fmt != "PARQUET":
            table.input_format = f"{fmt} (not readable locally)"
        self.catalog.create_table(table, exists_ok=bool(ast.args.get("exists")))
        return ddl_result("CREATE_TABLE")

    def _create_view(self, ast: exp.Create, sql: str, ctx: QueryContext) -> StatementResult:
        database, name = self._target(ast.this, ctx)
        query = ast.expression
        original = query.sql(dialect=translate.DIALECT)
        con = self._connect(ctx)
        try:
            duck_sql, _ = self._compile(query, sql, ctx)
            rel = run_sql(con, duck_sql)
            columns = [Column(n, duckdb_to_hive(t)) for n, t in zip(rel.columns, rel.types, strict=True)]
        finally:
            self._close(con, ctx)
        existing = self.catalog.get_table(database, name)
        replace = bool(ast.args.get("replace"))
        if existing is not None and not existing.is_view:
            raise AthenaError(
                "ALREADY_EXISTS", f"Table '{existing.qualified}' already exists and is not a view"
            )
        if existing is not None and not replace:
            raise AthenaError("ALREADY_EXISTS", f"View '{existing.qualified}' already exists")
        self.catalog.require_database(database)
        view = Table(database, name, columns, [], "", table_type="VIRTUAL_VIEW", view_sql=original)
        self.catalog.create_table(view, replace=replace)
        return ddl_result("CREATE_VIEW")

    def _drop(self, ast: exp.Drop, ctx: QueryContext) -> StatementResult:
        kind = (ast.args.get("kind") or "").upper()
        exists = bool(ast.args.get("exists"))
        for node in ast.args.get("tables") or [ast.this]:
            if kind in ("DATABASE", "SCHEMA"):
                self.catalog.drop_database(node.name.lower(), exists, bool(ast.args.get("cascade")))
                continue
            database, name = self._target(node, ctx)
            self.catalog.drop_table(database, name, exists, view=kind == "VIEW")
        return ddl_result(f"DROP_{'DATABASE' if kind == 'SCHEMA' else kind}")

    def _spec_values(self, table: Table, spec: str) -> list[str]:
        given = dict(parse_spec(spec))
        keys = [k.name for k in table.partition_keys]
        if not keys:
            raise AthenaError("NOT_SUPPORTED", f"Table {table.qualified} is not partitioned")
        if set(given) != set(keys):
            raise AthenaError(
                "INVALID_PARTITION_VALUE" if set(given) - set(keys) else "SYNTAX_ERROR",
                f"Partition spec {sorted(given)} does not match partition keys {keys} of {table.qualified}",
            )
        return [given[k] for k in keys]

    def _alter(self, text: str, ctx: QueryContext) -> StatementResult:
        """ALTER TABLE: partition and location forms by regex (see module docstring), columns by sqlglot."""
        for pattern, run in self._ALTER_TEXT_FORMS:
            if m := pattern.match(text):
                return run(self, m, ctx)
        return self._alter_columns(text, ctx)

    def _add_partitions(self, m: re.Match[str], ctx: QueryContext) -> StatementResult:
        table = self._require_table(m["name"], ctx)
        parts = []
        for clause in _PARTITION_WITH_LOCATION.finditer(m["rest"]):
            values = self._spec_values(table, clause["spec"])
            location = _unescape(clause["loc"] or "") or table.location + partition_path(
                table.partition_keys, values
            )
            parts.append(Partition(values, as_prefix(location)))
        if not parts:
            raise AthenaError("SYNTAX_ERROR", "ALTER TABLE ADD PARTITION needs at least one PARTITION (...)")
        self.catalog.add_partitions(table, parts, exists_ok=bool(m["if_not_exists"]))
        return ddl_result("ALTER_TABLE_ADD_PARTITION")

    def _drop_partitions(self, m: re.Match[str], ctx: QueryContext) -> StatementResult:
        table = self._require_table(m["name"], ctx)
        for clause in _PARTITION.finditer(m["rest"]):
            values = self._spec_values(table, clause["spec"])
            self.catalog.drop_partition(table, values, missing_ok=bool(m["if_exists"]))
        return ddl_result("ALTER_TABLE_DROP_PARTITION")

    def _set_partition_location(self, m: re.Match[str], ctx: QueryContext) -> StatementResult:
        table = self._require_table(m["name"], ctx)
        values = self._spec_values(table, m["spec"])
        self.catalog.set_partition_location(table, values, as_prefix(_unescape(m["loc"])))
        return ddl_result("ALTER_TABLE_SET_LOCATION")

    def _set_table_location(self, m: re.Match[str], ctx: QueryContext) -> StatementResult:
        table = self._require_table(m["name"], ctx)
        table.location = as_prefix(_unescape(m["loc"]))
        self.catalog.update_table(table)
        return ddl_result("ALTER_TABLE_SET_LOCATION")

    _ALTER_TEXT_FORMS: ClassVar[tuple[tuple[re.Pattern[str], _AlterForm], ...]] = (
        (_ADD_PARTITIONS, _add_partitions),
        (_DROP_PARTITIONS, _drop_partitions),
        (_SET_PARTITION_LOCATION, _set_partition_location),
        (_SET_TABLE_LOCATION, _set_table_location),
    )

    def _alter_columns(self, text: str, ctx: QueryContext) -> StatementResult:
        """ADD COLUMNS and REPLACE COLUMNS, from sqlglot's tree of the statement.

        Any other ALTER TABLE, including forms sqlglot cannot read (RENAME PARTITION), is
        reported as not supported locally rather than as a syntax error: Athena accepts them.
        So are the column changes with options (IF EXISTS, CASCADE) the endpoint does not model.
        """
        ast = _parse_column_change(text)
        if ast is None:
            raise AthenaError("NOT_SUPPORTED", f"ALTER TABLE form not supported locally: {text[:80]}")
        change = ast.args["actions"][0]
        table = self._require_named_table(ast.this, ctx)
        new_cols = [column_def(c) for c in change.expressions]
        if isinstance(change, exp.ReplaceColumns):
            table.columns = new_cols
        else:
            known = {c.name for c in table.columns + table.partition_keys}
            duplicates = [c.name for c in new_cols if c.name in known]
            if duplicates:
                raise AthenaError("ALREADY_EXISTS", f"Column '{duplicates[0]}' already exists")
            table.columns = table.columns + new_cols
        self.catalog.update_table(table)
        return ddl_result("ALTER_TABLE_ADD_COLUMNS")

    def _msck(self, text: str, ctx: QueryContext) -> StatementResult:
        table = self._statement_table(_MSCK_REPAIR, text, ctx, "MSCK REPAIR TABLE <table>")
        keys = [k.name for k in table.partition_keys]
        if not keys:
            return text_result("MSCK_REPAIR_TABLE", "result", [])
        known = {tuple(p.values) for p in self.catalog.list_partitions(table)}
        found: dict[tuple[str, ...], str] = {}
        prefix_len = len(table.location.split("/", 3)[3]) if table.location.count("/") >= 3 else 0
        for obj in self.store.list(table.location):
            folders = obj.key[prefix_len:].split("/")[:-1]
            if len(folders) < len(keys):
                continue
            values = []
            for folder, key in zip(folders, keys, strict=False):
                k, sep, v = folder.partition("=")
                if not sep or k.lower() != key:
                    break
                values.append(hive_unescape(v))
            else:
                found.setdefault(tuple(values), table.location + "/".join(folders[: len(keys)]) + "/")
        missing = sorted(set(found) - known)
        self.catalog.add_partitions(table, [Partition(list(v), found[v]) for v in missing], exists_ok=True)
        lines = []
        if missing:
            names = [
                f"{table.name}:" + "/".join(f"{k}={v}" for k, v in zip(keys, vals, strict=True))
                for vals in missing
            ]
            lines.append("Partitions not in metastore:\t" + "\t".join(names))
            lines.extend(f"Repair: Added partition to metastore {n}" for n in names)
        return text_result("MSCK_REPAIR_TABLE", "result", lines)


def _parse_column_change(text: str) -> exp.Alter | None:
    """sqlglot's tree of ``ALTER TABLE t ADD|REPLACE COLUMNS (...)``, or None for any other form."""
    try:
        ast = translate.parse(text)
    except AthenaError:
        return None
    if not isinstance(ast, exp.Alter):
        return None
    actions = ast.args.get("actions") or []
    options = [key for key, value in ast.args.items() if value and key not in ("this", "kind", "actions")]
    if options or len(actions) != 1 or not isinstance(actions[0], (exp.Schema, exp.ReplaceColumns)):
        return None
    return ast
