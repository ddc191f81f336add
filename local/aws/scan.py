"""Turn a Glue table into a DuckDB ``SELECT`` over local copies of its Parquet files.

The scan has exactly the Glue schema: data columns cast to their Glue types (matched to
Parquet columns by name, case-insensitively, NULL where a file lacks the column, which is
how Athena reads Parquet after a column was added) followed by the partition keys, whose
values come from the Glue partitions, not from the S3 paths.

All files are read by one ``read_parquet`` (one scan is several times cheaper for DuckDB to
bind and run than a ``UNION ALL`` of one read per partition). For a partitioned table the
local copies are hard-linked into a Hive-style folder tree whose ``key=value`` names are
written from the Glue partition values, so DuckDB's ``hive_partitioning`` supplies the key
columns and prunes files on filters over them, wherever the partitions live in S3. Values
that cannot be named that way fall back to one ``read_parquet`` branch per partition.

``TableScans`` caches the scan of each table until the catalog changes or an S3 write lands
under one of its locations (see ``changes.py``); files are immutable copies named by ETag.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from lakehouse.sql import quote_ident, sql_string

from .access import check_list, check_read
from .catalog import Catalog, Table
from .changes import CHANGES
from .coltypes import TypeParseError, hive_to_duckdb
from .errors import AthenaError
from .scan_bytes import RowGroup
from .storage import S3Object, S3Store, as_prefix, split_uri

HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"


class ParquetSchemas:
    """Column names (and schema) of local Parquet copies; copies are immutable (named by ETag)."""

    def __init__(self, limit: int = 20000) -> None:
        self._cache: OrderedDict[Path, tuple[list[str], str]] = OrderedDict()
        self._groups: OrderedDict[Path, list[RowGroup]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def columns(self, path: Path, uri: str) -> list[str]:
        return self.schema(path, uri)[0]

    def row_groups(self, path: Path) -> list[RowGroup]:
        """Each row group's compressed bytes per top-level column (what reading that column costs:
        Athena's DataScannedInBytes counts these chunks) and the min/max its statistics give."""
        with self._lock:
            groups = self._groups.get(path)
            if groups is not None:
                return groups
        metadata = pq.ParquetFile(path).metadata
        groups = []
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            sizes: dict[str, int] = {}
            bounds: dict[str, tuple[str, str]] = {}
            for index in range(row_group.num_columns):
                chunk = row_group.column(index)
                name = chunk.path_in_schema.split(".")[0].lower()
                sizes[name] = sizes.get(name, 0) + chunk.total_compressed_size
                found = _bounds(chunk.statistics) if "." not in chunk.path_in_schema else None
                if found is not None:
                    bounds[name] = found
            groups.append(RowGroup(sizes, bounds))
        with self._lock:
            self._groups[path] = groups
            while len(self._groups) > self._limit:
                self._groups.popitem(last=False)
        return groups

    def schema(self, path: Path, uri: str) -> tuple[list[str], str]:
        """(lower-cased column names, a signature equal for files with identical schemas)."""
        with self._lock:
            if path in self._cache:
                return self._cache[path]
        try:
            arrow = pq.read_schema(path)
        except Exception as err:
            raise AthenaError("HIVE_BAD_DATA", f"Error reading Parquet file {uri}: {err}") from None
        entry = ([name.lower() for name in arrow.names], str(arrow.remove_metadata()))
        with self._lock:
            self._cache[path] = entry
            while len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        return entry


# numbers only: strings' min/max may be truncated by the writer, and a timestamp's text does not
# compare with every literal form of one as Athena compares the values
_ORDERED_STATISTICS = (int, float, Decimal)


def _bounds(statistics: Any) -> tuple[str, str] | None:
    """(min, max) of a column chunk as text, when its statistics have them and they order safely."""
    if statistics is None or not statistics.has_min_max:
        return None
    least, most = statistics.min, statistics.max
    if isinstance(least, bool) or not isinstance(least, _ORDERED_STATISTICS):
        return None
    if isinstance(least, float) and (math.isnan(least) or math.isnan(most)):
        return None
    return str(least), str(most)


def duck_type(table: Table, hive_type: str, column: str) -> str:
    try:
        return hive_to_duckdb(hive_type)
    except TypeParseError as err:
        raise AthenaError(
            "NOT_SUPPORTED", f"Column '{column}' of table {table.qualified} has unsupported type: {err}"
        ) from None


ScanFiles = tuple[tuple[dict[str, str | None], Path], ...]


@dataclass(frozen=True)
class Scan:
    """A table's rows as a DuckDB SELECT, the bytes of data it covers, and its files with their
    partition values (what a query's columns and filters are charged against: scan_bytes.py)."""

    sql: str
    scanned: int
    files: ScanFiles = ()


@dataclass
class _Group:
    values: list[str | None]
    files: list[S3Object]
    paths: list[Path]


_SAFE_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def hive_folder_value(value: str | None) -> str | None:
    """A ``key=value`` folder value that DuckDB's hive_partitioning decodes back to ``value``.

    DuckDB percent-decodes folder values and reads ``__HIVE_DEFAULT_PARTITION__`` as NULL.
    None when the value cannot be named that way (too long for a file name).
    """
    if value is None:
        return HIVE_DEFAULT_PARTITION
    encoded = "".join(c if c in _UNRESERVED else "".join(f"%{b:02X}" for b in c.encode()) for c in value)
    return encoded if len(encoded) <= 200 else None


def _read_options(hive: list[str] | None, union_by_name: bool) -> str:
    options = []
    if hive is None:
        options.append("hive_partitioning = false")
    else:
        types = ", ".join(f"{sql_string(k)}: 'VARCHAR'" for k in hive)
        options.append(f"hive_partitioning = true, hive_types = {{{types}}}, hive_types_autocast = false")
    options.append(f"union_by_name = {'true' if union_by_name else 'false'}")
    return ", ".join(options)


def table_scan_sql(
    table: Table, catalog: Catalog, store: S3Store, schemas: ParquetSchemas, layout_dir: Path | None = None
) -> tuple[str, int, tuple[tuple[str, str], ...], tuple[S3Object, ...], ScanFiles]:
    """SELECT statement producing the table's rows, bytes of data it covers, S3 prefixes it read,
    the objects it reads, and their local copies with the partition values of each.

    With ``layout_dir`` a partitioned table is read by one ``read_parquet`` over a Hive-style
    tree of hard links; without it (or when a value cannot be a folder name) by one branch per
    partition.
    """
    _require_parquet(table)
    data_cols = [(c.name, duck_type(table, c.type, c.name)) for c in table.columns]
    key_cols = [(c.name, duck_type(table, c.type, c.name)) for c in table.partition_keys]
    partitions = _partition_locations(table, catalog)
    listing = store.list_many([location for _, location in partitions])
    prefixes = _read_prefixes(table, partitions)
    groups = [
        _Group(values, files, [store.local_copy(o) for o in files])
        for values, location in partitions
        if (files := [o for o in listing[location] if o.size > 0])
    ]
    if not groups:
        return _empty_scan_sql(data_cols + key_cols), 0, prefixes, (), ()
    objects = tuple(o for g in groups for o in g.files)
    scanned = sum(o.size for o in objects)
    keys = [name.lower() for name, _ in key_cols]
    files = tuple((dict(zip(keys, g.values, strict=True)), path) for g in groups for path in g.paths)
    folders = _hive_folders(groups, key_cols, layout_dir)
    if folders is None:
        return _union_scan_sql(groups, data_cols, key_cols, schemas), scanned, prefixes, objects, files
    sql = _single_read_sql(groups, folders, data_cols, key_cols, schemas=schemas, layout_dir=layout_dir)
    return sql, scanned, prefixes, objects, files


def _require_parquet(table: Table) -> None:
    if table.input_format and "parquet" not in table.input_format.lower():
        raise AthenaError(
            "NOT_SUPPORTED",
            f"Table {table.qualified} is stored as {table.input_format}; "
            "the local endpoint reads Parquet only",
        )


def _partition_locations(table: Table, catalog: Catalog) -> list[tuple[list[str | None], str]]:
    """(key values, S3 location) of every partition, or of the table itself when unpartitioned.

    Glue's ``__HIVE_DEFAULT_PARTITION__`` is the NULL key value, so it becomes None here.
    """
    if not table.partition_keys:
        return [([], table.location)] if table.location else []
    return [
        ([None if v == HIVE_DEFAULT_PARTITION else v for v in part.values], part.location)
        for part in catalog.list_partitions(table)
        if part.location
    ]


def _read_prefixes(
    table: Table, partitions: list[tuple[list[str | None], str]]
) -> tuple[tuple[str, str], ...]:
    """(bucket, key prefix) of every location the scan depends on, so an S3 write there invalidates it."""
    prefixes = []
    for location in [table.location, *(location for _, location in partitions)]:
        if location:
            bucket, key = split_uri(location)
            prefixes.append((bucket, as_prefix(key) if key else ""))
    return tuple(prefixes)


def _cast_column(source: str, dtype: str, name: str) -> str:
    return f"CAST({source} AS {dtype}) AS {quote_ident(name)}"


def _data_projection(data_cols: list[tuple[str, str]], present: set[str]) -> list[str]:
    """Data columns by name, NULL where no file has the column (Athena's reading of an added column)."""
    return [
        _cast_column(quote_ident(name) if name.lower() in present else "NULL", dtype, name)
        for name, dtype in data_cols
    ]


def _empty_scan_sql(columns: list[tuple[str, str]]) -> str:
    """No files: the table's columns with their types and no rows, so queries still bind."""
    projection = [_cast_column("NULL", dtype, name) for name, dtype in columns]
    return f"SELECT {', '.join(projection)} WHERE false"


def _hive_folders(
    groups: list[_Group], key_cols: list[tuple[str, str]], layout_dir: Path | None
) -> list[str] | None:
    """The ``key=value/`` folder of each group for one ``read_parquet``; None to read per partition.

    An unpartitioned table needs no folder. A partitioned one needs a ``layout_dir`` to link
    into, keys DuckDB reads back unchanged, and values that fit in a folder name.
    """
    if not key_cols:
        return [""]
    if layout_dir is None or not all(_SAFE_KEY.match(name) for name, _ in key_cols):
        return None
    folders = []
    for group in groups:
        encoded = [hive_folder_value(v) for v in group.values]
        if any(e is None for e in encoded):
            return None
        folders.append("".join(f"{k}={e}/" for (k, _), e in zip(key_cols, encoded, strict=True)))
    return folders


def _single_read_sql(
    groups: list[_Group],
    folders: list[str],
    data_cols: list[tuple[str, str]],
    key_cols: list[tuple[str, str]],
    *,
    schemas: ParquetSchemas,
    layout_dir: Path | None,
) -> str:
    """One ``read_parquet`` over all files; DuckDB's hive_partitioning supplies the key columns."""
    present: set[str] = set()
    signatures: set[str] = set()
    for group in groups:
        for path, obj in zip(group.paths, group.files, strict=True):
            names, signature = schemas.schema(path, obj.uri)
            present.update(names)
            signatures.add(signature)
    if key_cols:
        assert layout_dir is not None  # _hive_folders gives no folders for keys without one
        paths = _hive_layout(layout_dir, groups, folders)
    else:
        paths = groups[0].paths
    projection = _data_projection(data_cols, present)
    projection += [_cast_column(quote_ident(name), dtype, name) for name, dtype in key_cols]
    file_list = ", ".join(sql_string(str(p)) for p in paths)
    hive = [name for name, _ in key_cols] if key_cols else None
    options = _read_options(hive, union_by_name=len(signatures) > 1)
    return f"SELECT {', '.join(projection)} FROM read_parquet([{file_list}], {options})"


def _hive_layout(layout_dir: Path, groups: list[_Group], folders: list[str]) -> list[Path]:
    """Hard links to the local copies under ``key=value/`` folders named from the Glue values.

    Content-addressed (by the folder names and the ETag-named copies), so an unchanged table
    reuses its tree and a changed one gets a new tree; trees are built aside and renamed in.
    """
    plan = [(folder, path) for group, folder in zip(groups, folders, strict=True) for path in group.paths]
    digest = hashlib.sha1(json.dumps([(f, str(p)) for f, p in plan]).encode()).hexdigest()
    root = layout_dir / digest[:2] / digest
    names = []
    counters: dict[str, int] = {}
    for folder, path in plan:
        n = counters[folder] = counters.get(folder, -1) + 1
        names.append((folder, f"{n}.parquet", path))
    if not root.exists():
        staging = layout_dir / f"tmp-{uuid.uuid4().hex}"
        try:
            for folder, name, source in names:
                target = staging / folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    target.symlink_to(source)
            root.parent.mkdir(parents=True, exist_ok=True)
            try:
                staging.rename(root)
            except OSError:
                if not root.exists():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [root / folder / name for folder, name, _ in names]


def _union_scan_sql(
    groups: list[_Group],
    data_cols: list[tuple[str, str]],
    key_cols: list[tuple[str, str]],
    schemas: ParquetSchemas,
) -> str:
    """One ``read_parquet`` branch per partition, key values as literals (the general fallback)."""
    branches: list[str] = []
    for group in groups:
        present: set[str] = set()
        for path, obj in zip(group.paths, group.files, strict=True):
            present.update(schemas.columns(path, obj.uri))
        projection = _data_projection(data_cols, present)
        projection += [
            _cast_column("NULL" if value is None else sql_string(value), dtype, name)
            for (name, dtype), value in zip(key_cols, group.values, strict=True)
        ]
        file_list = ", ".join(sql_string(str(p)) for p in group.paths)
        branches.append(
            f"SELECT {', '.join(projection)} FROM read_parquet([{file_list}], "
            "hive_partitioning = false, union_by_name = true)"
        )
    return "\nUNION ALL\n".join(branches)


@dataclass
class _Cached:
    scan: Scan
    glue: int
    s3: int
    prefixes: tuple[tuple[str, str], ...]
    objects: tuple[S3Object, ...]

    def authorize(self) -> None:
        """What reading the table again asks of S3: a scan reused is still the caller's read."""
        for bucket, prefix in self.prefixes:
            check_list(bucket, prefix)
        for obj in self.objects:
            check_read(obj.bucket, obj.key)


class TableScans:
    """The scan of each table, reused until the catalog or an S3 object under it changes."""

    def __init__(
        self, catalog: Catalog, store: S3Store, schemas: ParquetSchemas, layout_dir: Path, limit: int = 1024
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.schemas = schemas
        self.layout_dir = layout_dir
        self._cache: OrderedDict[tuple[str, str], _Cached] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def scan(self, table: Table, glue_generation: int) -> Scan:
        """The scan of ``table`` as read from the catalog at ``glue_generation``."""
        key = (table.database, table.name)
        s3_now = CHANGES.s3
        with self._lock:
            cached = self._cache.get(key)
        if (
            cached is not None
            and cached.glue == glue_generation == CHANGES.glue
            and not CHANGES.s3_touched(cached.s3, cached.prefixes)
        ):
            cached.authorize()
            with self._lock:
                cached.s3 = max(cached.s3, s3_now)
                self._cache.move_to_end(key)
            return cached.scan
        sql, scanned, prefixes, objects, files = table_scan_sql(
            table, self.catalog, self.store, self.schemas, self.layout_dir
        )
        result = Scan(sql, scanned, files)
        with self._lock:
            self._cache[key] = _Cached(result, glue_generation, s3_now, prefixes, objects)
            self._cache.move_to_end(key)
            while len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        return result
