"""The Glue Data Catalog as Athena sees it, read and written through moto's Glue backend.

Athena keeps no catalog of its own: databases, tables, partitions and views all live in
Glue, so a table created by a CTAS is visible to ``glue.get_table`` and a partition added by
the crawler is visible to the next query. This module is the only place that knows the shape
of moto's Glue objects.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from moto.glue.models import glue_backends

from .access import check, glue_table_arns
from .changes import CHANGES, GlueTable
from .errors import AthenaError
from .locking import BACKEND_LOCK

_F = TypeVar("_F", bound=Callable[..., Any])

PARQUET_STORAGE = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"serialization.format": "1"},
    },
}
PRESTO_VIEW_PREFIX = "/* Presto View: "


def _mutates(written: Callable[..., GlueTable] | None = None) -> Callable[[_F], _F]:
    """Report a catalog write to the change log once it is done (or failed half-way).

    As a write to the table `written(*args, **kwargs)` names (database, table) where the method
    writes one table, so that table alone is compared with the lake's files; else to anything.
    """

    def decorate(method: _F) -> _F:
        @functools.wraps(method)
        def wrapper(self: Catalog, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            finally:
                CHANGES.glue_changed(None if written is None else written(*args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return decorate


def _authorized(action: str, names: Callable[..., tuple[str, str | None]]) -> Callable[[_F], _F]:
    """Check `glue:<action>` for the acting principal first, as Athena and the crawler call Glue
    with their caller's (or their role's) permissions: on the catalog, the database `names`
    gives and, when it gives one, the table."""

    def decorate(method: _F) -> _F:
        @functools.wraps(method)
        def wrapper(self: Catalog, *args: Any, **kwargs: Any) -> Any:
            database, table = names(*args, **kwargs)
            check(f"glue:{action}", glue_table_arns(self.account_id, self.region, database, table))
            return method(self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _the_database(name: str, *_args: Any, **_kwargs: Any) -> tuple[str, None]:
    return name, None


def _the_database_and_its_tables(name: str, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
    return name, "*"


def _any_database(*_args: Any, **_kwargs: Any) -> tuple[str, None]:
    return "*", None


def _its_tables(database: str, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
    return database, "*"


def _the_table(table: Table, *_args: Any, **_kwargs: Any) -> GlueTable:
    return table.database, table.name


def _the_named_table(database: str, name: str, *_args: Any, **_kwargs: Any) -> GlueTable:
    return database, name


@dataclass
class Column:
    name: str
    type: str
    comment: str | None = None


@dataclass
class Partition:
    values: list[str]
    location: str
    # the partition's own schema, as a crawler records it from its files (None: the table's)
    columns: list[Column] | None = None


@dataclass
class Table:
    database: str
    name: str
    columns: list[Column]
    partition_keys: list[Column]
    location: str
    table_type: str = "EXTERNAL_TABLE"
    parameters: dict[str, str] = field(default_factory=dict)
    view_sql: str | None = None
    input_format: str | None = None

    @property
    def is_view(self) -> bool:
        return self.table_type == "VIRTUAL_VIEW"

    @property
    def qualified(self) -> str:
        return f"awsdatacatalog.{self.database}.{self.name}"


def partition_path(keys: list[Column], values: list[str]) -> str:
    """Hive folder suffix for a partition: 'k1=v1/k2=v2/' with Hive's escaping."""
    return "".join(f"{k.name}={hive_escape(v)}/" for k, v in zip(keys, values, strict=True))


_HIVE_UNSAFE = set("\"#%'*/:=?\\\x7f{[]^")


def hive_escape(value: str) -> str:
    """Escape a partition value for a path the way Hive's FileUtils.escapePathName does."""
    return "".join(f"%{ord(c):02X}" if c in _HIVE_UNSAFE or ord(c) < 0x20 else c for c in value)


def hive_unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "%" and _is_hex(value[i + 1 : i + 3]):
            out.append(chr(int(value[i + 1 : i + 3], 16)))
            i += 3
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _is_hex(text: str) -> bool:
    return len(text) == 2 and all(c in "0123456789abcdefABCDEF" for c in text)


class Catalog:
    """Glue catalog of one account and region."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region

    @property
    def _glue(self):  # type: ignore[no-untyped-def]
        return glue_backends[self.account_id][self.region]

    # -- databases -------------------------------------------------------------------------
    @_authorized("GetDatabase", _the_database)
    def database_exists(self, name: str) -> bool:
        with BACKEND_LOCK:
            return name in self._glue.databases

    @_authorized("GetDatabases", _any_database)
    def list_databases(self) -> list[str]:
        with BACKEND_LOCK:
            return sorted(self._glue.databases)

    @_authorized("CreateDatabase", _the_database)
    @_mutates()
    def create_database(self, name: str, location: str | None, comment: str | None, exists_ok: bool) -> None:
        with BACKEND_LOCK:
            if name in self._glue.databases:
                if exists_ok:
                    return
                raise AthenaError("SCHEMA_ALREADY_EXISTS", f"Schema '{name}' already exists")
            database_input: dict[str, Any] = {"Name": name, "Parameters": {}}
            if location:
                database_input["LocationUri"] = location
            if comment:
                database_input["Description"] = comment
            self._glue.create_database(name, database_input)

    @_authorized("DeleteDatabase", _the_database_and_its_tables)
    @_mutates()
    def drop_database(self, name: str, missing_ok: bool, cascade: bool) -> None:
        with BACKEND_LOCK:
            database = self._glue.databases.get(name)
            if database is None:
                if missing_ok:
                    return
                raise AthenaError("SCHEMA_NOT_FOUND", f"Schema '{name}' does not exist")
            if database.tables and not cascade:
                raise AthenaError("SCHEMA_NOT_EMPTY", f"Cannot drop non-empty schema '{name}'")
            self._glue.delete_database(name)

    def require_database(self, name: str) -> None:
        if not self.database_exists(name):
            raise AthenaError("SCHEMA_NOT_FOUND", f"Schema '{name}' does not exist")

    # -- tables ----------------------------------------------------------------------------
    @_authorized("GetTables", _its_tables)
    def list_tables(self, database: str) -> list[str]:
        self.require_database(database)
        with BACKEND_LOCK:
            return sorted(self._glue.databases[database].tables)

    @_authorized("GetTable", _the_named_table)
    def get_table(self, database: str, name: str) -> Table | None:
        with BACKEND_LOCK:
            db = self._glue.databases.get(database)
            if db is None or name not in db.tables:
                return None
            raw = db.tables[name].as_dict()
        return _table_from_glue(database, name, raw)

    @_authorized("GetTable", _the_named_table)
    def raw_table(self, database: str, name: str) -> dict[str, Any]:
        with BACKEND_LOCK:
            return dict(self._glue.databases[database].tables[name].as_dict())

    @_authorized("CreateTable", _the_table)
    @_mutates(_the_table)
    def create_table(self, table: Table, exists_ok: bool = False, replace: bool = False) -> None:
        table_input = _table_input(table)
        with BACKEND_LOCK:
            self.require_database(table.database)
            tables = self._glue.databases[table.database].tables
            if table.name in tables:
                if replace:
                    check(
                        "glue:UpdateTable", glue_table_arns(self.account_id, self.region, *_the_table(table))
                    )
                    self._glue.update_table(table.database, table.name, table_input)
                    return
                if exists_ok:
                    return
                raise AthenaError("ALREADY_EXISTS", f"Table '{table.qualified}' already exists", category=2)
            self._glue.create_table(table.database, table.name, table_input)

    @_authorized("UpdateTable", _the_table)
    @_mutates(_the_table)
    def update_table(self, table: Table) -> None:
        """Replace a table's definition, keeping the Glue fields this module does not model."""
        with BACKEND_LOCK:
            current = self.raw_table(table.database, table.name)
            table_input = {
                k: v
                for k, v in current.items()
                if k
                not in (
                    "DatabaseName",
                    "CreateTime",
                    "UpdateTime",
                    "VersionId",
                    "CatalogId",
                    "CreatedBy",
                    "IsRegisteredWithLakeFormation",
                )
            }
            table_input.update(_table_input(table))
            self._glue.update_table(table.database, table.name, table_input)

    @_authorized("DeleteTable", _the_named_table)
    @_mutates(_the_named_table)
    def drop_table(self, database: str, name: str, missing_ok: bool, view: bool = False) -> None:
        with BACKEND_LOCK:
            table = self.get_table(database, name)
            if table is None or table.is_view != view:
                if missing_ok:
                    return
                kind = "View" if view else "Table"
                raise AthenaError(
                    "TABLE_NOT_FOUND", f"{kind} 'awsdatacatalog.{database}.{name}' does not exist"
                )
            if table.partition_keys and self._glue.databases[database].tables[name].partitions:
                # Athena deletes a partitioned table's partitions with the caller's permissions
                arns = glue_table_arns(self.account_id, self.region, database, name)
                check("glue:GetPartitions", arns)
                check("glue:BatchDeletePartition", arns)
            self._glue.delete_table(database, name)

    # -- partitions ------------------------------------------------------------------------
    @_authorized("GetPartitions", _the_table)
    def list_partitions(self, table: Table) -> list[Partition]:
        with BACKEND_LOCK:
            raw = self._glue.databases[table.database].tables[table.name]
            items = [p.as_dict() for p in raw.partitions.values()]
        return [
            Partition(
                list(p["Values"]),
                p.get("StorageDescriptor", {}).get("Location") or "",
                [
                    Column(c["Name"], c.get("Type", "string"))
                    for c in p.get("StorageDescriptor", {}).get("Columns", [])
                ],
            )
            for p in items
        ]

    @_authorized("BatchCreatePartition", _the_table)
    @_mutates(_the_table)
    def add_partitions(self, table: Table, partitions: list[Partition], exists_ok: bool) -> list[Partition]:
        """Register partitions; returns the ones that were new."""
        added = []
        with BACKEND_LOCK:
            existing = {tuple(p.values) for p in self.list_partitions(table)}
            for part in partitions:
                if tuple(part.values) in existing:
                    if exists_ok:
                        continue
                    spec = ", ".join(
                        f"{k.name}={v}" for k, v in zip(table.partition_keys, part.values, strict=True)
                    )
                    raise AthenaError(
                        "ALREADY_EXISTS", f"Partition already exists: {table.qualified} [{spec}]"
                    )
                self._glue.create_partition(table.database, table.name, _partition_input(table, part))
                existing.add(tuple(part.values))
                added.append(part)
        return added

    @_authorized("DeletePartition", _the_table)
    @_mutates(_the_table)
    def drop_partition(self, table: Table, values: list[str], missing_ok: bool) -> None:
        with BACKEND_LOCK:
            partitions = self._glue.databases[table.database].tables[table.name].partitions
            if str(values) not in partitions:
                if missing_ok:
                    return
                raise AthenaError("PARTITION_NOT_FOUND", f"Partition not found: {values}")
            self._glue.delete_partition(table.database, table.name, values)

    @_authorized("BatchUpdatePartition", _the_table)
    @_mutates(_the_table)
    def update_partitions(self, table: Table, partitions: list[Partition]) -> None:
        """Rewrite existing partitions' storage (a recrawl that found a new schema or location)."""
        with BACKEND_LOCK:
            for part in partitions:
                self._glue.update_partition(
                    table.database, table.name, _partition_input(table, part), part.values
                )

    @_authorized("UpdatePartition", _the_table)
    @_mutates(_the_table)
    def set_partition_location(self, table: Table, values: list[str], location: str) -> None:
        with BACKEND_LOCK:
            partitions = self._glue.databases[table.database].tables[table.name].partitions
            if str(values) not in partitions:
                raise AthenaError("PARTITION_NOT_FOUND", f"Partition not found: {values}")
            self._glue.update_partition(
                table.database, table.name, _partition_input(table, Partition(values, location)), values
            )


def _glue_columns(columns: list[Column]) -> list[dict[str, Any]]:
    out = []
    for col in columns:
        item: dict[str, Any] = {"Name": col.name, "Type": col.type}
        if col.comment:
            item["Comment"] = col.comment
        out.append(item)
    return out


def _table_input(table: Table) -> dict[str, Any]:
    storage: dict[str, Any] = {
        "Columns": _glue_columns(table.columns),
        "Location": table.location,
        "Compressed": False,
        "NumberOfBuckets": -1,
        "StoredAsSubDirectories": False,
        **({} if table.is_view else PARQUET_STORAGE),
    }
    table_input: dict[str, Any] = {
        "Name": table.name,
        "TableType": table.table_type,
        "Parameters": dict(table.parameters),
        "StorageDescriptor": storage,
        "PartitionKeys": _glue_columns(table.partition_keys),
    }
    if table.is_view and table.view_sql is not None:
        payload = {
            "originalSql": table.view_sql,
            "catalog": "awsdatacatalog",
            "schema": table.database,
            "columns": [{"name": c.name, "type": c.type} for c in table.columns],
        }
        encoded = base64.b64encode(json.dumps(payload).encode()).decode()
        table_input["ViewOriginalText"] = f"{PRESTO_VIEW_PREFIX}{encoded} */"
        table_input["ViewExpandedText"] = "/* Presto View */"
        table_input["Parameters"]["presto_view"] = "true"
        table_input["Parameters"]["comment"] = "Presto View"
        storage["Location"] = ""
    return table_input


def _partition_input(table: Table, part: Partition) -> dict[str, Any]:
    return {
        "Values": list(part.values),
        "StorageDescriptor": {
            "Columns": _glue_columns(part.columns if part.columns is not None else table.columns),
            "Location": part.location,
            **PARQUET_STORAGE,
        },
        "Parameters": {},
    }


def _table_from_glue(database: str, name: str, raw: dict[str, Any]) -> Table:
    storage = raw.get("StorageDescriptor") or {}
    columns = [
        Column(c["Name"].lower(), c.get("Type", "string"), c.get("Comment"))
        for c in storage.get("Columns", [])
    ]
    keys = [
        Column(c["Name"].lower(), c.get("Type", "string"), c.get("Comment"))
        for c in raw.get("PartitionKeys") or []
    ]
    view_sql = None
    table_type = raw.get("TableType") or "EXTERNAL_TABLE"
    original = raw.get("ViewOriginalText") or ""
    if table_type == "VIRTUAL_VIEW" and original.startswith(PRESTO_VIEW_PREFIX):
        encoded = original[len(PRESTO_VIEW_PREFIX) :].rsplit("*/", 1)[0].strip()
        payload = json.loads(base64.b64decode(encoded))
        view_sql = payload["originalSql"]
        columns = [Column(c["name"], c["type"]) for c in payload.get("columns", [])]
    elif table_type == "VIRTUAL_VIEW":
        view_sql = original or raw.get("ViewExpandedText")
    return Table(
        database=database,
        name=name,
        columns=columns,
        partition_keys=keys,
        location=storage.get("Location") or "",
        table_type=table_type,
        parameters=dict(raw.get("Parameters") or {}),
        view_sql=view_sql,
        input_format=storage.get("InputFormat"),
    )
