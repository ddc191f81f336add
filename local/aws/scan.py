"""Turn a Glue table into a DuckDB view over local copies of its Parquet files.

The view has exactly the Glue schema: data columns cast to their Glue types (matched to
Parquet columns by name, case-insensitively, NULL where a file lacks the column, which is
how Athena reads Parquet after a column was added) followed by the partition keys, whose
values come from the Glue partitions, not from the paths. One ``read_parquet`` branch per
partition keeps partition pruning cheap: DuckDB folds a filter on the constant column.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import pyarrow.parquet as pq

from .catalog import Catalog, Table
from .coltypes import TypeParseError, hive_to_duckdb
from .errors import AthenaError
from .storage import S3Object, S3Store

HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class ParquetSchemas:
    """Column names of local Parquet copies; copies are immutable (named by ETag), so cache forever."""

    def __init__(self, limit: int = 20000) -> None:
        self._cache: OrderedDict[Path, list[str]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def columns(self, path: Path, uri: str) -> list[str]:
        with self._lock:
            if path in self._cache:
                return self._cache[path]
        try:
            names = [name.lower() for name in pq.read_schema(path).names]
        except Exception as err:
            raise AthenaError("HIVE_BAD_DATA", f"Error reading Parquet file {uri}: {err}") from None
        with self._lock:
            self._cache[path] = names
            while len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        return names


def duck_type(table: Table, hive_type: str, column: str) -> str:
    try:
        return hive_to_duckdb(hive_type)
    except TypeParseError as err:
        raise AthenaError(
            "NOT_SUPPORTED", f"Column '{column}' of table {table.qualified} has unsupported type: {err}"
        ) from None


def table_scan_sql(
    table: Table, catalog: Catalog, store: S3Store, schemas: ParquetSchemas
) -> tuple[str, int]:
    """SELECT statement producing the table's rows, and the bytes of data it covers."""
    if table.input_format and "parquet" not in table.input_format.lower():
        raise AthenaError(
            "NOT_SUPPORTED",
            f"Table {table.qualified} is stored as {table.input_format}; "
            "the local endpoint reads Parquet only",
        )
    data_cols = [(c.name, duck_type(table, c.type, c.name)) for c in table.columns]
    key_cols = [(c.name, duck_type(table, c.type, c.name)) for c in table.partition_keys]
    groups: list[tuple[list[str | None], list[S3Object]]] = []
    if key_cols:
        for part in catalog.list_partitions(table):
            if not part.location:
                continue
            values: list[str | None] = [None if v == HIVE_DEFAULT_PARTITION else v for v in part.values]
            groups.append((values, store.list(part.location)))
    elif table.location:
        groups.append(([], store.list(table.location)))

    branches: list[str] = []
    scanned = 0
    for values, objects in groups:
        files = [o for o in objects if o.size > 0]
        if not files:
            continue
        paths = [store.local_copy(o) for o in files]
        scanned += sum(o.size for o in files)
        present: set[str] = set()
        for path, obj in zip(paths, files, strict=True):
            present.update(schemas.columns(path, obj.uri))
        projection = []
        for name, dtype in data_cols:
            source = quote_ident(name) if name.lower() in present else "NULL"
            projection.append(f"CAST({source} AS {dtype}) AS {quote_ident(name)}")
        for (name, dtype), value in zip(key_cols, values, strict=True):
            literal = "NULL" if value is None else quote_str(value)
            projection.append(f"CAST({literal} AS {dtype}) AS {quote_ident(name)}")
        file_list = ", ".join(quote_str(str(p)) for p in paths)
        branches.append(
            f"SELECT {', '.join(projection)} FROM read_parquet([{file_list}], union_by_name = true)"
        )
    if not branches:
        projection = [f"CAST(NULL AS {dtype}) AS {quote_ident(name)}" for name, dtype in data_cols + key_cols]
        return f"SELECT {', '.join(projection)} WHERE false", 0
    return "\nUNION ALL\n".join(branches), scanned
