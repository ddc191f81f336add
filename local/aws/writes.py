"""Writes: CREATE TABLE AS SELECT and INSERT INTO, with Athena's rules enforced.

A mixin of ``Engine``: the result is materialised once in a TEMP table, checked (empty
target location, partition columns last, at most 100 partitions), written as one Parquet
file per partition, and the table and its partitions registered in Glue.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlglot import exp

from lakehouse.sql import quote_ident, sql_string

from . import translate
from .catalog import Column, Partition, Table, partition_path
from .coltypes import duckdb_to_hive, hive_to_duckdb, storable_duckdb_type
from .errors import AthenaError
from .scan import HIVE_DEFAULT_PARTITION
from .statement import QueryContext, StatementResult, duckdb_error, first_line, run_sql
from .storage import as_prefix

MAX_PARTITIONS = 100
COMPRESSIONS = {
    "SNAPPY": "snappy",
    "GZIP": "gzip",
    "ZSTD": "zstd",
    "LZ4": "lz4_raw",
    "NONE": "uncompressed",
    "UNCOMPRESSED": "uncompressed",
}


@dataclass(frozen=True)
class CtasSettings:
    """A CTAS's WITH (...) properties, checked against what Athena (and this endpoint) accept."""

    with_data: bool  # `... AS SELECT ... WITH NO DATA` creates the table and writes nothing
    compression: str
    partitioned_by: list[str]
    properties: dict[str, exp.Expression]

    @classmethod
    def read(cls, ast: exp.Create) -> CtasSettings:
        props: dict[str, exp.Expression] = {}
        with_data = True
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
        compression = (
            props.get("write_compression") or props.get("parquet_compression") or exp.Literal.string("GZIP")
        ).name.upper()
        if compression not in COMPRESSIONS:
            raise AthenaError("INVALID_TABLE_PROPERTY", f"Unsupported compression {compression}")
        partitioned_by: list[str] = []
        if "partitioned_by" in props:
            node = props["partitioned_by"]
            items = node.expressions if isinstance(node, (exp.Array, exp.Tuple, exp.Schema)) else [node]
            partitioned_by = [i.name.lower() for i in items]
        return cls(with_data, compression, partitioned_by, props)


def _check_ctas_columns(lowered: list[str], partitioned_by: list[str]) -> None:
    """Athena's rules for a CTAS's output: unique names, partition columns present and last, data besides."""
    if len(set(lowered)) != len(lowered):
        dup = next(n for n in lowered if lowered.count(n) > 1)
        raise AthenaError("DUPLICATE_COLUMN_NAME", f"Column name '{dup}' specified more than once")
    if not partitioned_by:
        return
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


class WriteStatements:
    """CTAS and INSERT INTO, for ``Engine``.

    It runs on ``Engine``'s catalog and store and through its DuckDB plumbing
    (``_connect``, ``_close``, ``_compile``, ``_target``, ``_require_table``).
    """

    def _ctas(self, ast: exp.Create, sql: str, ctx: QueryContext) -> StatementResult:
        database, name = self._target(ast.this, ctx)
        self.catalog.require_database(database)
        settings = CtasSettings.read(ast)
        partitioned_by = settings.partitioned_by
        existing = self.catalog.get_table(database, name)
        if existing is not None:
            if ast.args.get("exists"):
                return StatementResult("DML", "CREATE_TABLE_AS_SELECT", output_suffix=".csv")
            raise AthenaError("ALREADY_EXISTS", f"Table '{existing.qualified}' already exists")
        if "external_location" in settings.properties:
            location = as_prefix(settings.properties["external_location"].name)
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
            names, types = materialize(con, duck_sql)
            lowered = [n.lower() for n in names]
            _check_ctas_columns(lowered, partitioned_by)
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
                    "parquet.compression": settings.compression,
                },
            )
            partitions = (
                self._write(con, table, {}, compression=COMPRESSIONS[settings.compression], ctx=ctx)
                if settings.with_data
                else {}
            )
        finally:
            self._close(con, ctx)
        self.catalog.create_table(table)
        if partitions:
            self.catalog.add_partitions(table, partitions, exists_ok=True)
        return StatementResult("DML", "CREATE_TABLE_AS_SELECT", data_scanned=scanned, output_suffix=".csv")

    def _insert(self, ast: exp.Insert, sql: str, ctx: QueryContext) -> StatementResult:
        table = self._insert_target(ast, sql, ctx)
        listed = _insert_column_names(ast, table)
        source = ast.expression
        if isinstance(source, exp.Values):
            source = exp.select("*").from_(source.copy())
        con = self._connect(ctx)
        try:
            duck_sql, scanned = self._compile(source, sql, ctx)
            names, _types = materialize(con, duck_sql)
            _conform_to_table(con, table, listed, produced=len(names))
            existing = (
                {tuple(p.values): p.location for p in self.catalog.list_partitions(table)}
                if table.partition_keys
                else {}
            )
            partitions = self._write(
                con, table, existing, compression=_table_compression(table), ctx=ctx, named=True
            )
        finally:
            self._close(con, ctx)
        new = [p for p in partitions if tuple(p.values) not in existing]
        if new:
            self.catalog.add_partitions(table, new, exists_ok=True)
        return StatementResult("DML", "INSERT", data_scanned=scanned, output_suffix=".csv")

    def _insert_target(self, ast: exp.Insert, sql: str, ctx: QueryContext) -> Table:
        """The table an INSERT writes to; a missing one is reported where the statement names it."""
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
        return table

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
                copy_parquet(con, f"SELECT {data_proj} FROM __result", path, compression)
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
                copy_parquet(con, f"SELECT {data_proj} FROM __result WHERE {cond}", path, compression)
                written.append((as_prefix(location), path, values))
            for location, path, _values in written:
                self.store.write(f"{location}{ctx.query_id}_{uuid.uuid4().hex[:8]}", path.read_bytes())
            return [Partition(values, location) for location, _path, values in written]
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _insert_column_names(ast: exp.Insert, table: Table) -> list[str]:
    """The columns an INSERT fills, in the order its query produces them: as listed, or all."""
    target_cols = table.columns + table.partition_keys
    if not (isinstance(ast.this, exp.Schema) and ast.this.expressions):
        return [c.name for c in target_cols]
    listed = [c.name.lower() for c in ast.this.expressions]
    unknown = [c for c in listed if c not in {t.name for t in target_cols}]
    if unknown:
        raise AthenaError(
            "COLUMN_NOT_FOUND", f"Insert column name does not exist in target table: {unknown[0]}"
        )
    return listed


def _conform_to_table(
    con: duckdb.DuckDBPyConnection, table: Table, listed: list[str], *, produced: int
) -> None:
    """Rebuild ``__result`` with the table's columns, in order, cast to their Glue types.

    Columns the INSERT does not list are NULL, as in Athena; values that do not cast fail the
    INSERT with TYPE_MISMATCH rather than a DuckDB conversion error.
    """
    if produced != len(listed):
        raise AthenaError(
            "TYPE_MISMATCH",
            f"Insert query has {produced} columns but table {table.qualified} expects {len(listed)}",
        )
    position = {n: i for i, n in enumerate(listed)}
    projection = []
    for col in table.columns + table.partition_keys:
        source = f"c{position[col.name]}" if col.name in position else "NULL"
        projection.append(f"CAST({source} AS {storable_type_for(col.type)}) AS {quote_ident(col.name)}")
    try:
        con.execute(f"CREATE TEMP TABLE __insert AS SELECT {', '.join(projection)} FROM __result")
    except duckdb.Error as err:
        raise AthenaError(
            "TYPE_MISMATCH", f"Insert query has mismatched column types: {first_line(err)}"
        ) from None
    con.execute("DROP TABLE __result")
    con.execute("ALTER TABLE __insert RENAME TO __result")


def _table_compression(table: Table) -> str:
    """DuckDB's name for the codec the table was created with; Athena's default is GZIP."""
    codec = table.parameters.get("write_compression") or table.parameters.get("parquet.compression") or "GZIP"
    return COMPRESSIONS.get(codec.upper(), "gzip")


def storable_type_for(hive_type: str) -> str:
    """DuckDB type a value is cast to before it is written to a column of this Glue type."""
    return hive_to_duckdb(hive_type)


def materialize(con: duckdb.DuckDBPyConnection, duck_sql: str) -> tuple[list[str], list[duckdb.DuckDBPyType]]:
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


def copy_parquet(con: duckdb.DuckDBPyConnection, query: str, path: Path, compression: str) -> None:
    try:
        con.execute(f"COPY ({query}) TO {sql_string(str(path))} (FORMAT PARQUET, COMPRESSION {compression})")
    except duckdb.Error as err:
        raise duckdb_error(err) from None
