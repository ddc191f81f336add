"""The Glue Data Catalog (databases, tables, partitions) kept in files, read back into moto on start.

One file per database and one per table, the table's file holding its partitions (a JSON line for
the table, then one per partition): a table and its partitions are what a query plans from, so
they are replaced together by one rename and are never seen half-updated. A whole-catalog
snapshot would be simpler, but the pipeline publishes one partition per Glue call, and rewriting
every table for each of those would grow with the lake; within a table, the lines of partitions
that did not change are reused from the last write rather than serialised again.

After every catalog write (changes.py) the catalog in moto is compared with what was last written,
by identity: moto replaces a database's input, appends a table version and builds a new partition
object on every change, so a walk of the catalog finds what changed without reading its contents.
A write that names its table (most of the pipeline's: a partition published, a table created) is
compared for that table alone, in every account and region, so a write does not cost a walk of
every table and partition the lake has; a write that names none (a database created or dropped)
walks the whole catalog, as does one whose database is not the one last written.
Only the current version of a table is kept (with its version number). Crawlers, workgroups and
other Glue resources are not kept: bootstrap.py re-creates the lake's on start.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import operator
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.glue.models import FakeDatabase, FakePartition, FakeTable, glue_backends

from .changes import GlueTable
from .locking import BACKEND_LOCK
from .state_files import (
    empty_trash,
    entry_name,
    is_temporary,
    remove_folder,
    remove_temporaries,
    write_bytes_atomically,
)

LOG = logging.getLogger(__name__)
DATABASE_FILE = "database.json"
TABLES = "tables"
TABLE_SUFFIX = ".jsonl"
_DATETIME = "$datetime"

_DatabaseKey = tuple[str, str, str]  # account, region, database
_TableKey = tuple[str, str, str, str]  # account, region, database, table


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not kept in the catalog's files")


def _decode(item: dict[str, Any]) -> Any:
    if len(item) == 1 and _DATETIME in item:
        return dt.datetime.fromisoformat(item[_DATETIME])
    return item


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, default=_encode).encode()


def _load(line: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(line, object_hook=_decode)
    return document


@dataclass
class _Written:
    """The moto objects a file was written from."""

    table: FakeTable
    version: int
    definition: dict[str, Any]
    partitions: list[FakePartition]
    lines: list[bytes] = field(default_factory=list)  # each partition's line in the file

    def matches(self, table: FakeTable, definition: dict[str, Any], partitions: list[FakePartition]) -> bool:
        return (
            self.table is table
            and self.version == table._current_version
            and self.definition is definition
            and len(self.partitions) == len(partitions)
            and _same(self.partitions, partitions)
        )


def _same(written: Sequence[Any], live: Sequence[Any]) -> bool:
    return all(map(operator.is_, written, live))


@dataclass
class _Scan:
    databases: list[tuple[_DatabaseKey, FakeDatabase, dict[str, Any]]] = field(default_factory=list)
    tables: list[tuple[_TableKey, _Written]] = field(default_factory=list)
    live_databases: set[_DatabaseKey] = field(default_factory=set)
    live_tables: set[_TableKey] = field(default_factory=set)


def _backends() -> Iterator[tuple[str, str, Any]]:
    """(account, region, backend) for every Glue backend moto has created (under BACKEND_LOCK)."""
    for account in list(glue_backends.keys()):
        for region, backend in list(dict.items(glue_backends[account])):
            yield account, region, backend


def _table_file(written: _Written, previous: _Written | None) -> bytes:
    """The table's line, then its partitions' (those of partitions written before, as they were)."""
    table = written.table
    head = {
        "name": table.name,
        "created": table.created_time,
        "updated": table.updated_time,
        "version": written.version,
        "definition": written.definition,
    }
    # ids are safe keys: `previous` holds its partitions, so no new object can reuse their ids.
    # A table restored on start has no lines yet: its first write serialises every partition.
    known: dict[int, bytes] = {}
    if previous is not None and len(previous.lines) == len(previous.partitions):
        known = dict(zip(map(id, previous.partitions), previous.lines, strict=True))
    written.lines = [
        known.get(id(p)) or _dump({"input": p.partition_input, "created": p.creation_time})
        for p in written.partitions
    ]
    return b"\n".join([_dump(head), *written.lines]) + b"\n"


class GlueFiles:
    """Every account's and region's Glue databases, tables and partitions, mirrored under `root`."""

    def __init__(self, root: Path, trash: Path) -> None:
        self.root = root
        self.trash = trash
        self._lock = threading.Lock()
        self._databases: dict[_DatabaseKey, tuple[FakeDatabase, dict[str, Any]]] = {}
        self._tables: dict[_TableKey, _Written] = {}

    def _database_dir(self, key: _DatabaseKey) -> Path:
        account, region, name = key
        return self.root / entry_name(account) / entry_name(region) / entry_name(name)

    def _table_path(self, key: _TableKey) -> Path:
        return self._database_dir(key[:3]) / TABLES / f"{entry_name(key[3])}{TABLE_SUFFIX}"

    # -- writing ---------------------------------------------------------------------------
    def changed(self, table: GlueTable | None = None) -> None:
        """Bring the files in line with moto's catalog after a write to `table` (None: to anything)."""
        with self._lock:
            if table is None or not self._sync_table(*table):
                self._sync_catalog()

    def _sync_table(self, database: str, name: str) -> bool:
        """Write or delete the files of table `database`.`name`; False if only a full walk can tell."""
        with BACKEND_LOCK:
            changes = self._scan_table(database, name)
        if changes is None:
            return False
        for table_key, written in changes:
            if written is None:
                self._table_path(table_key).unlink(missing_ok=True)
                del self._tables[table_key]
            else:
                data = _table_file(written, self._tables.get(table_key))
                write_bytes_atomically(self._table_path(table_key), data)
                self._tables[table_key] = written
        return True

    def _scan_table(self, db_name: str, table_name: str) -> list[tuple[_TableKey, _Written | None]] | None:
        """How one table differs from its files in each account and region: its new state, or None
        where it is gone (under BACKEND_LOCK). None as a whole when a database around it is not the
        one last written (created, dropped or changed since): a walk of the catalog must see to it.
        """
        changes: list[tuple[_TableKey, _Written | None]] = []
        seen: set[_DatabaseKey] = set()
        for account, region, backend in _backends():
            db_key = (account, region, db_name)
            database = backend.databases.get(db_name)
            written_db = self._databases.get(db_key)
            if database is None and written_db is None:
                continue
            if database is None or written_db is None or not _same(written_db, (database, database.input)):
                return None
            seen.add(db_key)
            table_key = (*db_key, table_name)
            table = database.tables.get(table_name)
            written = self._tables.get(table_key)
            if table is None:
                if written is not None:
                    changes.append((table_key, None))
                continue
            version = table._current_version
            definition = table.versions[str(version)]
            partitions = list(table.partitions.values())
            if written is None or not written.matches(table, definition, partitions):
                changes.append((table_key, _Written(table, version, definition, partitions)))
        if any(key[2] == db_name and key not in seen for key in self._databases):
            return None  # written for a backend moto no longer has
        return changes

    def _sync_catalog(self) -> None:
        """Bring every file in line with moto's catalog (under the files' lock)."""
        with BACKEND_LOCK:
            scan = self._scan()
        for table_key in set(self._tables) - scan.live_tables:
            self._table_path(table_key).unlink(missing_ok=True)
            del self._tables[table_key]
        for db_key in set(self._databases) - scan.live_databases:
            remove_folder(self._database_dir(db_key), self.trash)
            del self._databases[db_key]
        for db_key, database, database_input in scan.databases:
            self._write_database(db_key, database, database_input)
        for table_key, written in scan.tables:
            data = _table_file(written, self._tables.get(table_key))
            write_bytes_atomically(self._table_path(table_key), data)
            self._tables[table_key] = written

    def _scan(self) -> _Scan:
        """What moto holds and how it differs from the files (under BACKEND_LOCK: a walk, no copies)."""
        scan = _Scan()
        for account, region, backend in _backends():
            for db_name, database in backend.databases.items():
                db_key = (account, region, db_name)
                scan.live_databases.add(db_key)
                written_db = self._databases.get(db_key)
                if written_db is None or not _same(written_db, (database, database.input)):
                    scan.databases.append((db_key, database, database.input))
                for table_name, table in database.tables.items():
                    table_key = (*db_key, table_name)
                    scan.live_tables.add(table_key)
                    version = table._current_version
                    definition = table.versions[str(version)]
                    partitions = list(table.partitions.values())
                    written = self._tables.get(table_key)
                    if written is None or not written.matches(table, definition, partitions):
                        scan.tables.append((table_key, _Written(table, version, definition, partitions)))
        return scan

    def _write_database(self, key: _DatabaseKey, database: FakeDatabase, database_input: dict) -> None:
        written = self._databases.get(key)
        if written is not None and written[0] is not database:
            # dropped and created again under the same name: none of the old tables survive
            remove_folder(self._database_dir(key), self.trash)
            for table_key in [k for k in self._tables if k[:3] == key]:
                del self._tables[table_key]
        document = {
            "account": key[0],
            "region": key[1],
            "name": database.name,
            "input": database_input,
            "created": database.created_time,
        }
        write_bytes_atomically(self._database_dir(key) / DATABASE_FILE, _dump(document))
        self._databases[key] = (database, database_input)

    # -- reading back ----------------------------------------------------------------------
    def restore(self) -> int:
        """Load every database, table and partition into moto (before serving); returns the tables."""
        empty_trash(self.trash)
        if not self.root.is_dir():
            return 0
        with self._lock, BACKEND_LOCK:
            for account_dir in sorted(p for p in self.root.iterdir() if p.is_dir()):
                for region_dir in sorted(p for p in account_dir.iterdir() if p.is_dir()):
                    for db_dir in sorted(p for p in region_dir.iterdir() if p.is_dir()):
                        if is_temporary(db_dir) or not (db_dir / DATABASE_FILE).is_file():
                            remove_folder(db_dir, self.trash)  # a crash before the database was recorded
                            continue
                        self._restore_database(db_dir)
        return len(self._tables)

    def _restore_database(self, folder: Path) -> None:
        remove_temporaries(folder)
        documents = _readable(folder / DATABASE_FILE)
        if documents is None:
            return
        document = documents[0]
        account, region, name = document["account"], document["region"], document["name"]
        backend = glue_backends[account][region]
        database = backend.create_database(name, document["input"])
        database.created_time = document["created"]
        self._databases[(account, region, name)] = (database, database.input)
        tables = folder / TABLES
        if not tables.is_dir():
            return
        remove_temporaries(tables)
        for path in sorted(tables.glob(f"*{TABLE_SUFFIX}")):
            documents = _readable(path)
            if documents is None:
                continue
            table = _restore_table(backend, name, documents[0], documents[1:])
            self._tables[(account, region, name, table.name)] = _Written(
                table,
                table._current_version,
                table.versions[str(table._current_version)],
                list(table.partitions.values()),
            )


def _readable(path: Path) -> list[dict[str, Any]] | None:
    """The documents of a file, one per line; None (and a warning) when it cannot be read whole."""
    try:
        documents = [_load(line) for line in path.read_bytes().splitlines()]
    except (OSError, ValueError) as err:
        documents = []
        LOG.warning("skipped %s: %s", path, err)
    if not documents:
        # damaged by something other than the endpoint, which renames files whole: left for a person to see
        LOG.warning("skipped %s: not a whole file", path)
        return None
    return documents


def _restore_table(
    backend: Any, database: str, head: dict[str, Any], items: list[dict[str, Any]]
) -> FakeTable:
    version = int(head["version"])
    table: FakeTable = backend.create_table(database, head["name"], head["definition"])
    table.created_time = head["created"]
    table.updated_time = head["updated"]
    table._current_version = version
    table.versions = {str(version): head["definition"]}
    for item in items:
        partition = FakePartition(database, table.name, item["input"])
        partition.creation_time = item["created"]
        table.partitions[str(partition.values)] = partition
    return table
