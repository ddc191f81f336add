"""Execute one Athena statement: queries in DuckDB, DDL against the Glue catalog, data in S3.

Each statement gets its own in-memory DuckDB connection holding one view per catalog table it
reads (see ``scan.py``), so concurrent queries share nothing but moto's stores and the local
file mirror. Writes (CTAS, INSERT INTO) materialise the result once, enforce Athena's rules
(empty target location, partition columns last, at most 100 partitions), then write one
Parquet file per partition and register the table and partitions in Glue.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlglot import exp

from lakehouse.sql import quote_ident, sql_string

from . import translate
from .catalog import Catalog, Column, Partition, Table, hive_unescape, partition_path
from .changes import CHANGES
from .coltypes import athena_type, duckdb_to_hive, format_rows, storable_duckdb_type
from .errors import AthenaError
from .scan import HIVE_DEFAULT_PARTITION, ParquetSchemas, TableScans
from .storage import S3Store, as_prefix

MAX_PARTITIONS = 100
COMPRESSIONS = {
    "SNAPPY": "snappy",
    "GZIP": "gzip",
    "ZSTD": "zstd",
    "LZ4": "lz4_raw",
    "NONE": "uncompressed",
    "UNCOMPRESSED": "uncompressed",
}


@dataclass
class ResultColumn:
    name: str
    type: str
    precision: int = 0
    scale: int = 0


@dataclass
class StatementResult:
    """What a statement produced, shaped for GetQueryResults and the output file."""

    statement_type: str
    substatement_type: str
    columns: list[ResultColumn] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    header: bool = False
    data_scanned: int = 0
    output_suffix: str = ".txt"


@dataclass(frozen=True)
class _Template:
    """A query's DuckDB SQL with a quoted placeholder per base table, valid at Glue generation ``glue``."""

    sql: str
    tables: tuple[tuple[str, Table], ...]
    glue: int


@dataclass
class QueryContext:
    query_id: str
    database: str
    output_location: str | None
    register_connection: Callable[[duckdb.DuckDBPyConnection | None], None] = lambda _c: None


def _text_result(sub: str, column: str, lines: list[str], statement_type: str = "DDL") -> StatementResult:
    return StatementResult(statement_type, sub, [ResultColumn(column, "string")], [[line] for line in lines])


def _ddl(sub: str) -> StatementResult:
    return StatementResult("DDL", sub)


_NAME = r"(?P<name>(?:[`\"]?[\w-]+[`\"]?\.){0,2}[`\"]?[\w-]+[`\"]?)"
_SPEC = r"\((?P<spec>[^)]*)\)"
_LOCATION = r"(?:\s+LOCATION\s+'(?P<loc>(?:[^']|'')*)')?"


def _split_name(text: str, default_db: str) -> tuple[str, str]:
    parts = [p.strip('`"').lower() for p in text.split(".")]
    if parts[0] == "awsdatacatalog" and len(parts) == 3:
        parts = parts[1:]
    if len(parts) == 1:
        return default_db, parts[0]
    return parts[-2], parts[-1]


def _parse_spec(spec: str) -> list[tuple[str, str]]:
    pairs = re.findall(r"([\w`\"]+)\s*=\s*('(?:[^']|'')*'|[^,\s)]+)", spec)
    if not pairs:
        raise AthenaError("SYNTAX_ERROR", f"Invalid partition specification ({spec})")
    out = []
    for key, raw in pairs:
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        out.append((key.strip('`"').lower(), value))
    return out


class Engine:
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
        self._db = duckdb.connect(config={"threads": 2})
        self._db.execute("SET GLOBAL integer_division = true")
        self._db.execute("SET GLOBAL TimeZone = 'UTC'")
        self._lock = threading.Lock()
        self._nonce = uuid.uuid4().hex[:12]
        self._tokens: dict[tuple[str, str], str] = {}
        self._templates: OrderedDict[tuple[str, str], _Template] = OrderedDict()

    # -- entry point -----------------------------------------------------------------------
    def execute(self, sql: str, ctx: QueryContext) -> StatementResult:
        if self._cached_template(sql, ctx.database) is not None:
            return self._select(None, sql, ctx)  # a SELECT seen before, catalog unchanged
        squashed = translate.squash(sql)
        upper = squashed.upper()
        if upper.startswith("MSCK"):
            return self._msck(squashed, ctx)
        if upper.startswith("ALTER TABLE"):
            return self._alter(squashed, ctx)
        if upper.startswith("SHOW"):
            return self._show(squashed, ctx)
        if re.match(r"^(DESCRIBE|DESC)\s", upper):
            return self._describe(squashed, ctx)
        if re.match(r"^(EXPLAIN|UNLOAD|MERGE|UPDATE|DELETE|VACUUM|OPTIMIZE)\b", upper):
            word = upper.split()[0]
            raise AthenaError("NOT_SUPPORTED", f"{word} is not supported by the local Athena endpoint")
        if re.match(r"^INSERT\s+OVERWRITE", upper):
            raise AthenaError("NOT_SUPPORTED", "INSERT OVERWRITE is not supported on Hive tables in Athena")
        ast = translate.parse(sql)
        if isinstance(ast, exp.Query):
            return self._select(ast, sql, ctx)
        if isinstance(ast, exp.Create):
            kind = (ast.args.get("kind") or "").upper()
            if kind in ("DATABASE", "SCHEMA"):
                return self._create_database(ast)
            if kind == "VIEW":
                return self._create_view(ast, sql, ctx)
            if kind == "TABLE" and isinstance(ast.expression, exp.Query):
                return self._ctas(ast, sql, ctx)
            if kind == "TABLE":
                return self._create_external(ast, ctx)
        if isinstance(ast, exp.Insert):
            return self._insert(ast, sql, ctx)
        if isinstance(ast, exp.Drop):
            return self._drop(ast, ctx)
        if isinstance(ast, exp.Use):
            return _ddl("USE")
        raise AthenaError(
            "NOT_SUPPORTED", f"Statement not supported by the local Athena endpoint: {squashed[:60]}"
        )

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
        text = translate.to_duckdb(tree, self._schema(bound), self._renames(bound))
        for _ in range(12):
            present = [token for token in views if f'"{token}"' in text]
            if not present:
                break
            for token in present:
                text = text.replace(f'"{token}"', f"({views[token]})")
        else:
            raise AthenaError("VIEW_IS_RECURSIVE", "View is recursive or nested too deeply")
        tables = tuple((self._token(key), table) for key, table in bound.items() if not table.is_view)
        return _Template(text, tables, glue)

    def _render(self, template: _Template) -> tuple[str, int]:
        """The template with each base table's current scan substituted; bytes the scans cover."""
        text, scanned = template.sql, 0
        for token, table in template.tables:
            scan = self.scans.scan(table, template.glue)
            placeholder = f'"{token}"'
            if placeholder in text:
                text = text.replace(placeholder, f"({scan.sql})")
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
        duck_sql, scanned = self._render(template)
        con = self._connect(ctx)
        try:
            rel = run_sql(con, duck_sql)
            names, types = rel.columns, rel.types
            raw_rows = rel.fetchall()
        finally:
            self._close(con, ctx)
        columns = []
        for name, dtype in zip(names, types, strict=True):
            athena, precision, scale = athena_type(dtype)
            columns.append(ResultColumn(name, athena, precision, scale))
        rows = format_rows(raw_rows, types)
        return StatementResult(
            "DML", "SELECT", columns, rows, header=True, data_scanned=scanned, output_suffix=".csv"
        )

    # -- databases, tables, views ----------------------------------------------------------
    def _create_database(self, ast: exp.Create) -> StatementResult:
        name = ast.this.name.lower()
        location = comment = None
        for prop in (ast.args.get("properties") or exp.Properties(expressions=[])).expressions:
            if isinstance(prop, exp.LocationProperty):
                location = prop.this.name
            elif isinstance(prop, exp.SchemaCommentProperty):
                comment = prop.this.name
        self.catalog.create_database(name, location, comment, exists_ok=bool(ast.args.get("exists")))
        return _ddl("CREATE_DATABASE")

    def _target(self, table_node: exp.Expression, ctx: QueryContext) -> tuple[str, str]:
        table = table_node.this if isinstance(table_node, exp.Schema) else table_node
        database = table.args.get("db").name.lower() if table.args.get("db") else ctx.database
        return database, table.name.lower()

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
                keys = [_column_def(c) for c in prop.this.expressions]
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
        columns = [_column_def(c) for c in schema.expressions] if isinstance(schema, exp.Schema) else []
        self.catalog.require_database(database)
        params.setdefault("classification", fmt.lower())
        table = Table(database, name, columns, keys, as_prefix(location), parameters=params)
        if fmt != "PARQUET":
            table.input_format = f"{fmt} (not readable locally)"
        self.catalog.create_table(table, exists_ok=bool(ast.args.get("exists")))
        return _ddl("CREATE_TABLE")

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
        return _ddl("CREATE_VIEW")

    def _drop(self, ast: exp.Drop, ctx: QueryContext) -> StatementResult:
        kind = (ast.args.get("kind") or "").upper()
        exists = bool(ast.args.get("exists"))
        for node in ast.args.get("tables") or [ast.this]:
            if kind in ("DATABASE", "SCHEMA"):
                self.catalog.drop_database(node.name.lower(), exists, bool(ast.args.get("cascade")))
                continue
            database, name = self._target(node, ctx)
            self.catalog.drop_table(database, name, exists, view=kind == "VIEW")
        return _ddl(f"DROP_{'DATABASE' if kind == 'SCHEMA' else kind}")

    # -- writes ----------------------------------------------------------------------------
    def _ctas(self, ast: exp.Create, sql: str, ctx: QueryContext) -> StatementResult:
        database, name = self._target(ast.this, ctx)
        self.catalog.require_database(database)
        props: dict[str, exp.Expression] = {}
        with_data = True  # `... AS SELECT ... WITH NO DATA` creates the table and writes nothing
        for prop in (ast.args.get("properties") or exp.Properties(expressions=[])).expressions:
            if isinstance(prop, exp.WithDataProperty):
                with_data = not prop.args.get("no")
            elif isinstance(prop, exp.FileFormatProperty):
                props["format"] = prop.this
            elif isinstance(prop, exp.PartitionedByProperty):
                props["partitioned_by"] = prop.this
            elif isinstance(prop, exp.LocationProperty):
                props["external_location"] = prop.this
            elif type(prop) is exp.Property and prop.args.get("value") is not None:
                props[prop.name.lower()] = prop.args["value"]
        fmt = props["format"].name.upper() if "format" in props else "PARQUET"
        if fmt != "PARQUET":
            raise AthenaError("NOT_SUPPORTED", f"format '{fmt}': the local endpoint writes Parquet only")
        if "bucketed_by" in props or "bucket_count" in props:
            raise AthenaError("NOT_SUPPORTED", "bucketed_by is not supported by the local endpoint")
        compression_name = (
            props.get("write_compression") or props.get("parquet_compression") or exp.Literal.string("GZIP")
        ).name.upper()
        if compression_name not in COMPRESSIONS:
            raise AthenaError("INVALID_TABLE_PROPERTY", f"Unsupported compression {compression_name}")
        partitioned_by: list[str] = []
        if "partitioned_by" in props:
            node = props["partitioned_by"]
            items = node.expressions if isinstance(node, (exp.Array, exp.Tuple, exp.Schema)) else [node]
            partitioned_by = [i.name.lower() for i in items]
        existing = self.catalog.get_table(database, name)
        if existing is not None:
            if ast.args.get("exists"):
                return StatementResult("DML", "CREATE_TABLE_AS_SELECT", output_suffix=".csv")
            raise AthenaError("ALREADY_EXISTS", f"Table '{existing.qualified}' already exists")
        if "external_location" in props:
            location = as_prefix(props["external_location"].name)
        elif ctx.output_location:
            location = as_prefix(ctx.output_location) + f"tables/{ctx.query_id}/"
        else:
            raise AthenaError("INVALID_TABLE_PROPERTY", "No external_location and no query output location")
        if self.store.list(location, include_hidden=True):
            raise AthenaError(
                "HIVE_PATH_ALREADY_EXISTS",
                f"Target directory for table '{database}.{name}' already exists: {location.rstrip('/')}. "
                "You may need to manually clean the data at location "
                f"'{location}' before retrying. Athena will not delete data in your account.",
            )
        con = self._connect(ctx)
        try:
            duck_sql, scanned = self._compile(ast.expression, sql, ctx)
            names, types = _materialize(con, duck_sql)
            lowered = [n.lower() for n in names]
            if len(set(lowered)) != len(lowered):
                dup = next(n for n in lowered if lowered.count(n) > 1)
                raise AthenaError("DUPLICATE_COLUMN_NAME", f"Column name '{dup}' specified more than once")
            if partitioned_by:
                missing = [p for p in partitioned_by if p not in lowered]
                if missing:
                    raise AthenaError(
                        "COLUMN_NOT_FOUND", f"Partition column {missing[0]} not present in the query output"
                    )
                if lowered[-len(partitioned_by) :] != partitioned_by:
                    raise AthenaError(
                        "HIVE_COLUMN_ORDER_MISMATCH",
                        "Partition keys must be the last columns in the table and in the same order as the "
                        f"table properties: [{', '.join(partitioned_by)}]",
                    )
                if len(partitioned_by) == len(lowered):
                    raise AthenaError("INVALID_TABLE_PROPERTY", "Table contains only partition columns")
            n_data = len(lowered) - len(partitioned_by)
            data_cols = [Column(lowered[i], duckdb_to_hive(types[i])) for i in range(n_data)]
            key_cols = [Column(lowered[i], duckdb_to_hive(types[i])) for i in range(n_data, len(lowered))]
            table = Table(
                database,
                name,
                data_cols,
                key_cols,
                location,
                parameters={
                    "EXTERNAL": "TRUE",
                    "classification": "parquet",
                    "has_encrypted_data": "false",
                    "parquet.compression": compression_name,
                },
            )
            partitions = (
                self._write(con, table, {}, compression=COMPRESSIONS[compression_name], ctx=ctx)
                if with_data
                else {}
            )
        finally:
            self._close(con, ctx)
        self.catalog.create_table(table)
        if partitions:
            self.catalog.add_partitions(table, partitions, exists_ok=True)
        return StatementResult("DML", "CREATE_TABLE_AS_SELECT", data_scanned=scanned, output_suffix=".csv")

    def _insert(self, ast: exp.Insert, sql: str, ctx: QueryContext) -> StatementResult:
        database, name = self._target(ast.this, ctx)
        table = self.catalog.get_table(database, name)
        if table is None:
            ref = translate.table_refs(ast, sql, ctx.database)[0]
            raise AthenaError(
                "TABLE_NOT_FOUND",
                f"line {ref.line}:{ref.column}: Table 'awsdatacatalog.{database}.{name}' does not exist",
            )
        if table.is_view:
            raise AthenaError("NOT_SUPPORTED", f"Inserting into views is not supported: {table.qualified}")
        target_cols = table.columns + table.partition_keys
        if isinstance(ast.this, exp.Schema) and ast.this.expressions:
            listed = [c.name.lower() for c in ast.this.expressions]
            unknown = [c for c in listed if c not in {t.name for t in target_cols}]
            if unknown:
                raise AthenaError(
                    "COLUMN_NOT_FOUND", f"Insert column name does not exist in target table: {unknown[0]}"
                )
        else:
            listed = [c.name for c in target_cols]
        source = ast.expression
        if isinstance(source, exp.Values):
            source = exp.select("*").from_(source.copy())
        con = self._connect(ctx)
        try:
            duck_sql, scanned = self._compile(source, sql, ctx)
            names, _types = _materialize(con, duck_sql)
            if len(names) != len(listed):
                raise AthenaError(
                    "TYPE_MISMATCH",
                    f"Insert query has {len(names)} columns but table {table.qualified} "
                    f"expects {len(listed)}",
                )
            position = {n: i for i, n in enumerate(listed)}
            projection = []
            for col in target_cols:
                dtype = storable_type_for(col.type)
                source_col = f"c{position[col.name]}" if col.name in position else "NULL"
                projection.append(f"CAST({source_col} AS {dtype}) AS {quote_ident(col.name)}")
            try:
                con.execute(f"CREATE TEMP TABLE __insert AS SELECT {', '.join(projection)} FROM __result")
            except duckdb.Error as err:
                raise AthenaError(
                    "TYPE_MISMATCH", f"Insert query has mismatched column types: {_first_line(err)}"
                ) from None
            con.execute("DROP TABLE __result")
            con.execute("ALTER TABLE __insert RENAME TO __result")
            existing = (
                {tuple(p.values): p.location for p in self.catalog.list_partitions(table)}
                if table.partition_keys
                else {}
            )
            compression = COMPRESSIONS.get(
                (
                    table.parameters.get("write_compression")
                    or table.parameters.get("parquet.compression")
                    or "GZIP"
                ).upper(),
                "gzip",
            )
            partitions = self._write(con, table, existing, compression=compression, ctx=ctx, named=True)
        finally:
            self._close(con, ctx)
        new = [p for p in partitions if tuple(p.values) not in existing]
        if new:
            self.catalog.add_partitions(table, new, exists_ok=True)
        return StatementResult("DML", "INSERT", data_scanned=scanned, output_suffix=".csv")

    def _write(
        self,
        con: duckdb.DuckDBPyConnection,
        table: Table,
        existing: dict[tuple[str, ...], str],
        *,
        compression: str,
        ctx: QueryContext,
        named: bool = False,
    ) -> list[Partition]:
        """Write ``__result`` as Parquet under the table's location; returns partitions written.

        Columns of ``__result`` are ``c0..cN`` (CTAS) or the table's column names (INSERT).
        Files carry only the data columns, as Hive/Athena lay them out.
        """
        all_cols = table.columns + table.partition_keys
        refs = [quote_ident(c.name) if named else f"c{i}" for i, c in enumerate(all_cols)]
        data_proj = ", ".join(
            f"CAST({ref} AS {storable_type_for(col.type)}) AS {quote_ident(col.name)}"
            for ref, col in zip(refs, table.columns, strict=False)
        )
        key_refs = refs[len(table.columns) :]
        workdir = Path(tempfile.mkdtemp(dir=self.scratch_dir, prefix=f"{ctx.query_id}-"))
        try:
            if not key_refs:
                count = con.execute("SELECT count(*) FROM __result").fetchone()[0]  # type: ignore[index]
                if count == 0:
                    return []
                path = workdir / "part-0"
                _copy(con, f"SELECT {data_proj} FROM __result", path, compression)
                self.store.write(f"{table.location}{ctx.query_id}_00000", path.read_bytes())
                return []
            text_keys = ", ".join(f"CAST({r} AS VARCHAR)" for r in key_refs)
            groups = con.execute(f"SELECT DISTINCT {text_keys} FROM __result").fetchall()
            if len(groups) > MAX_PARTITIONS:
                raise AthenaError(
                    "HIVE_TOO_MANY_OPEN_PARTITIONS",
                    f"Exceeded limit of {MAX_PARTITIONS} open writers for partitions/buckets "
                    f"(query would write {len(groups)} partitions)",
                )
            written = []
            for n, group in enumerate(sorted(groups, key=lambda g: [str(v) for v in g])):
                values = [HIVE_DEFAULT_PARTITION if v is None else str(v) for v in group]
                cond = " AND ".join(
                    f"CAST({r} AS VARCHAR) IS NULL"
                    if v is None
                    else f"CAST({r} AS VARCHAR) = {sql_string(str(v))}"
                    for r, v in zip(key_refs, group, strict=True)
                )
                location = existing.get(tuple(values)) or table.location + partition_path(
                    table.partition_keys, values
                )
                path = workdir / f"part-{n}"
                _copy(con, f"SELECT {data_proj} FROM __result WHERE {cond}", path, compression)
                written.append((as_prefix(location), path, values))
            for location, path, _values in written:
                self.store.write(f"{location}{ctx.query_id}_{uuid.uuid4().hex[:8]}", path.read_bytes())
            return [Partition(values, location) for location, _path, values in written]
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # -- partitions ------------------------------------------------------------------------
    def _require_table(self, name_text: str, ctx: QueryContext) -> Table:
        database, name = _split_name(name_text, ctx.database)
        table = self.catalog.get_table(database, name)
        if table is None:
            raise AthenaError("TABLE_NOT_FOUND", f"Table 'awsdatacatalog.{database}.{name}' does not exist")
        return table

    def _spec_values(self, table: Table, spec: str) -> list[str]:
        given = dict(_parse_spec(spec))
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
        flags = re.IGNORECASE
        if m := re.match(
            rf"^ALTER TABLE {_NAME} ADD (?P<ine>IF NOT EXISTS )?(?P<rest>PARTITION.*)$", text, flags
        ):
            table = self._require_table(m["name"], ctx)
            parts = []
            for pm in re.finditer(rf"PARTITION\s*{_SPEC}{_LOCATION}", m["rest"], flags):
                values = self._spec_values(table, pm["spec"])
                location = (pm["loc"] or "").replace("''", "'") or table.location + partition_path(
                    table.partition_keys, values
                )
                parts.append(Partition(values, as_prefix(location)))
            if not parts:
                raise AthenaError(
                    "SYNTAX_ERROR", "ALTER TABLE ADD PARTITION needs at least one PARTITION (...)"
                )
            self.catalog.add_partitions(table, parts, exists_ok=bool(m["ine"]))
            return _ddl("ALTER_TABLE_ADD_PARTITION")
        if m := re.match(
            rf"^ALTER TABLE {_NAME} DROP (?P<ie>IF EXISTS )?(?P<rest>PARTITION.*)$", text, flags
        ):
            table = self._require_table(m["name"], ctx)
            for pm in re.finditer(rf"PARTITION\s*{_SPEC}", m["rest"], flags):
                self.catalog.drop_partition(
                    table, self._spec_values(table, pm["spec"]), missing_ok=bool(m["ie"])
                )
            return _ddl("ALTER_TABLE_DROP_PARTITION")
        if m := re.match(
            rf"^ALTER TABLE {_NAME} PARTITION\s*{_SPEC} SET LOCATION '(?P<loc>(?:[^']|'')*)'$", text, flags
        ):
            table = self._require_table(m["name"], ctx)
            values = self._spec_values(table, m["spec"])
            self.catalog.set_partition_location(table, values, as_prefix(m["loc"].replace("''", "'")))
            return _ddl("ALTER_TABLE_SET_LOCATION")
        if m := re.match(rf"^ALTER TABLE {_NAME} SET LOCATION '(?P<loc>(?:[^']|'')*)'$", text, flags):
            table = self._require_table(m["name"], ctx)
            table.location = as_prefix(m["loc"].replace("''", "'"))
            self.catalog.update_table(table)
            return _ddl("ALTER_TABLE_SET_LOCATION")
        if m := re.match(rf"^ALTER TABLE {_NAME} (?:ADD|REPLACE) COLUMNS\s*\((?P<cols>.*)\)$", text, flags):
            table = self._require_table(m["name"], ctx)
            ddl = translate.parse(f"CREATE EXTERNAL TABLE x ({m['cols']}) LOCATION 's3://x/'")
            new_cols = [_column_def(c) for c in ddl.this.expressions]
            if "REPLACE COLUMNS" in text.upper():
                table.columns = new_cols
            else:
                known = {c.name for c in table.columns + table.partition_keys}
                dup = [c.name for c in new_cols if c.name in known]
                if dup:
                    raise AthenaError("ALREADY_EXISTS", f"Column '{dup[0]}' already exists")
                table.columns = table.columns + new_cols
            self.catalog.update_table(table)
            return _ddl("ALTER_TABLE_ADD_COLUMNS")
        raise AthenaError("NOT_SUPPORTED", f"ALTER TABLE form not supported locally: {text[:80]}")

    def _msck(self, text: str, ctx: QueryContext) -> StatementResult:
        m = re.match(rf"^MSCK REPAIR TABLE {_NAME}$", text, re.IGNORECASE)
        if not m:
            raise AthenaError("SYNTAX_ERROR", "Expected MSCK REPAIR TABLE <table>")
        table = self._require_table(m["name"], ctx)
        keys = [k.name for k in table.partition_keys]
        if not keys:
            return _text_result("MSCK_REPAIR_TABLE", "result", [])
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
        return _text_result("MSCK_REPAIR_TABLE", "result", lines)

    # -- SHOW / DESCRIBE -------------------------------------------------------------------
    def _show(self, text: str, ctx: QueryContext) -> StatementResult:
        flags = re.IGNORECASE
        if m := re.match(
            r"^SHOW TABLES(?: (?:IN|FROM) (?P<db>[`\"]?[\w-]+[`\"]?))?(?: (?:LIKE )?'(?P<pat>[^']*)')?$",
            text,
            flags,
        ):
            database = (m["db"] or ctx.database).strip('`"').lower()
            names = [
                n for n in self.catalog.list_tables(database) if m["pat"] is None or _hive_like(n, m["pat"])
            ]
            return _text_result("SHOW_TABLES", "tab_name", names)
        if m := re.match(r"^SHOW (?:DATABASES|SCHEMAS)(?: (?:LIKE )?'(?P<pat>[^']*)')?$", text, flags):
            names = [n for n in self.catalog.list_databases() if m["pat"] is None or _hive_like(n, m["pat"])]
            return _text_result("SHOW_DATABASES", "database_name", names)
        if m := re.match(rf"^SHOW PARTITIONS {_NAME}$", text, flags):
            table = self._require_table(m["name"], ctx)
            keys = [k.name for k in table.partition_keys]
            if not keys:
                raise AthenaError("NOT_SUPPORTED", f"Table {table.qualified} is not partitioned")
            lines = sorted(
                "/".join(f"{k}={v}" for k, v in zip(keys, p.values, strict=True))
                for p in self.catalog.list_partitions(table)
            )
            return _text_result("SHOW_PARTITIONS", "partition", lines)
        if m := re.match(rf"^SHOW COLUMNS (?:IN|FROM) {_NAME}$", text, flags):
            table = self._require_table(m["name"], ctx)
            return _text_result(
                "SHOW_COLUMNS", "field", [c.name for c in table.columns + table.partition_keys]
            )
        if m := re.match(r"^SHOW VIEWS(?: (?:IN|FROM) (?P<db>[`\"]?[\w-]+[`\"]?))?$", text, flags):
            database = (m["db"] or ctx.database).strip('`"').lower()
            views = [
                n
                for n in self.catalog.list_tables(database)
                if (t := self.catalog.get_table(database, n)) and t.is_view
            ]
            return _text_result("SHOW_VIEWS", "views", views)
        raise AthenaError("NOT_SUPPORTED", f"SHOW form not supported locally: {text[:80]}")

    def _describe(self, text: str, ctx: QueryContext) -> StatementResult:
        m = re.match(rf"^(?:DESCRIBE|DESC)(?: (?:EXTENDED|FORMATTED))? {_NAME}$", text, re.IGNORECASE)
        if not m:
            raise AthenaError("SYNTAX_ERROR", "Expected DESCRIBE <table>")
        table = self._require_table(m["name"], ctx)

        def line(c: Column) -> str:
            return f"{c.name:<20}\t{c.type:<20}\t{(c.comment or ''):<20}"

        lines = [line(c) for c in table.columns + table.partition_keys]
        if table.partition_keys:
            lines += [
                "\t \t ",
                "# Partition Information\t \t ",
                f"{'# col_name':<20}\t{'data_type':<20}\t{'comment':<20}",
                "\t \t ",
            ]
            lines += [line(c) for c in table.partition_keys]
        return _text_result("DESCRIBE", "col_name", lines, statement_type="UTILITY")


# -- helpers ------------------------------------------------------------------------------
def _column_def(node: exp.Expression) -> Column:
    kind = node.args.get("kind")
    hive = kind.sql(dialect="hive").lower().replace(" ", "") if kind is not None else "string"
    comment = None
    for constraint in node.args.get("constraints") or []:
        if isinstance(constraint.args.get("kind"), exp.CommentColumnConstraint):
            comment = constraint.args["kind"].name
    return Column(node.name.lower(), hive, comment)


def storable_type_for(hive_type: str) -> str:
    from .coltypes import hive_to_duckdb

    return hive_to_duckdb(hive_type)


def _hive_like(name: str, pattern: str) -> bool:
    alternatives = pattern.lower().split("|")
    return any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), name) for p in alternatives)


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation:
    """Bind a query in DuckDB, turning DuckDB's errors into Trino-named Athena errors."""
    try:
        return con.sql(sql)
    except duckdb.Error as err:
        raise duckdb_error(err) from None


def duckdb_error(err: Exception) -> AthenaError:
    """Map a DuckDB error to the Trino error name Athena would report for the same mistake."""
    message = _first_line(err)
    text = re.sub(r"^\w+ Error: ", "", message)
    if isinstance(err, duckdb.InterruptException):
        return AthenaError("USER_CANCELLED", "Query was cancelled by user")
    if m := re.search(r'Referenced column "([^"]+)" not found|Column "([^"]+)" referenced that exists', text):
        return AthenaError("COLUMN_NOT_FOUND", f"Column '{m[1] or m[2]}' cannot be resolved")
    if m := re.search(r'Referenced column "([^"]+)" not found', text):
        return AthenaError("COLUMN_NOT_FOUND", f"Column '{m[1]}' cannot be resolved")
    if m := re.search(r"(?:Scalar|Aggregate|Table) Function with name (\w+) does not exist", text):
        return AthenaError("FUNCTION_NOT_FOUND", f"Function '{m[1]}' not registered")
    if "Division by zero" in text:
        return AthenaError("DIVISION_BY_ZERO", "Division by zero")
    if isinstance(err, duckdb.ConversionException):
        return AthenaError("INVALID_CAST_ARGUMENT", text)
    if isinstance(err, duckdb.OutOfRangeException):
        return AthenaError("NUMERIC_VALUE_OUT_OF_RANGE", text)
    if isinstance(err, duckdb.BinderException):
        return AthenaError("SYNTAX_ERROR", text)
    if isinstance(err, duckdb.ParserException):
        return AthenaError("SYNTAX_ERROR", text)
    if isinstance(err, duckdb.InvalidInputException) and "parquet" in text.lower():
        return AthenaError("HIVE_BAD_DATA", text)
    return AthenaError("GENERIC_USER_ERROR", text)


def _materialize(
    con: duckdb.DuckDBPyConnection, duck_sql: str
) -> tuple[list[str], list[duckdb.DuckDBPyType]]:
    """Run a query into temp table ``__result`` with columns c0..cN; returns names and types.

    Types are folded to what Glue/Athena can store (HUGEINT sums become BIGINT).
    """
    rel = run_sql(con, duck_sql)
    names, types = list(rel.columns), list(rel.types)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    casts = ", ".join(f"CAST(c{i} AS {storable_duckdb_type(t)}) AS c{i}" for i, t in enumerate(types))
    try:
        con.execute(f"CREATE TEMP TABLE __result AS SELECT {casts} FROM ({duck_sql}) AS __q({aliases})")
    except duckdb.Error as err:
        raise duckdb_error(err) from None
    rel = con.sql("SELECT * FROM __result")
    return names, list(rel.types)


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, compression: str) -> None:
    try:
        con.execute(f"COPY ({query}) TO {sql_string(str(path))} (FORMAT PARQUET, COMPRESSION {compression})")
    except duckdb.Error as err:
        raise duckdb_error(err) from None
