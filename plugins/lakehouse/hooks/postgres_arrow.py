"""Stream Arrow record batches out of Postgres inside one REPEATABLE READ snapshot.

Why ADBC (adbc-driver-postgresql): it runs `COPY (SELECT ...) TO STDOUT
(FORMAT binary)` and decodes the binary rows into Arrow columns in C++, with
the GIL released, in batches of a bounded size, where psycopg's COPY hands
Python every row (bench/export.py compares the two); and it keeps arrays as
Arrow lists with no text parsing of our own. The driver is held at 1.8.0 in
requirements.txt: the Linux wheels of the later releases are compiled without
optimisation and spend several times the CPU decoding the same rows (the
README's Figures).

Why one snapshot: the row count we reconcile against and the rows we export
must see the same data even while the shop keeps writing, so both run in a
REPEATABLE READ, READ ONLY transaction's snapshot. The count runs on a
connection of its own and a large full export reads on more than one: each
imports the first transaction's snapshot (`pg_export_snapshot` / `SET
TRANSACTION SNAPSHOT`), and the readers each read their own range of heap
pages, so together they read exactly the rows that were counted.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lakehouse.hooks.pg_types import (
    CATALOG_SQL,
    ExportColumn,
    catalog_columns,
    plan_column,
)
from lakehouse.sql import quote_ident, sql_string

# libpq connection parameters that an Airflow connection's extra may carry.
_LIBPQ_EXTRAS = (
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "connect_timeout",
    "application_name",
    "options",
    "keepalives",
    "keepalives_idle",
    "target_session_attrs",
)


def libpq_conninfo(params: dict[str, Any]) -> str:
    """`key='value' ...` as libpq reads it: every value quoted, `\\` and `'` escaped; empty ones left out.

    Why not psycopg's `make_conninfo`: importing psycopg just for it would sit
    at the start of every export, on the path to its first row.
    """

    def quoted(value: Any) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quoted(value)}" for key, value in params.items() if value not in (None, ""))


class SourceError(ValueError):
    """The export's source (table, columns, window) is not what the request says it is."""


# Postgres answers `ctid` range conditions with a TID range scan from version 14 on;
# before that each range would scan the whole table.
_TID_RANGE_SCAN_VERSION = 140000


class Snapshot:
    """A REPEATABLE READ, READ ONLY transaction on one ADBC connection.

    Uses the driver manager's low-level API rather than its DB-API module, which
    imports pandas and pyarrow.dataset, import time every task would pay.
    """

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    def _reader(self, sql: str, options: dict[str, str] | None = None) -> Any:
        import adbc_driver_manager
        import pyarrow as pa

        statement = adbc_driver_manager.AdbcStatement(self._conn)
        try:
            if options:
                statement.set_options(**options)
            statement.set_sql_query(sql)
            stream, _ = statement.execute_query()
            return pa.RecordBatchReader._import_from_c(stream.address), statement
        except BaseException:
            statement.close()
            raise

    def execute(self, sql: str) -> None:
        import adbc_driver_manager

        statement = adbc_driver_manager.AdbcStatement(self._conn)
        try:
            statement.set_sql_query(sql)
            statement.execute_update()
        finally:
            statement.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        reader, statement = self._reader(sql)
        try:
            table = reader.read_all()
        finally:
            statement.close()
        columns = [column.to_pylist() for column in table.columns]
        return list(zip(*columns, strict=True))

    @property
    def backend_pid(self) -> int:
        return self.rows("select pg_backend_pid()")[0][0]

    def columns(self, schema: str, table: str) -> list[ExportColumn]:
        """The table's columns with their export plan, from the catalog; clear error if it is absent."""
        qualified = f"{quote_ident(schema)}.{quote_ident(table)}"
        found = self.rows(f"select to_regclass({sql_string(qualified)}) is not null")[0][0]
        if not found:
            raise SourceError(f"source table {schema}.{table} does not exist (or is not visible to us)")
        rows = self.rows(CATALOG_SQL.format(regclass=sql_string(qualified)))
        if not rows:
            raise SourceError(f"source table {schema}.{table} has no columns")
        return [plan_column(column) for column in catalog_columns(rows)]

    def count(self, from_where_sql: str) -> int:
        return int(self.rows(f"select count(*) from {from_where_sql}")[0][0])

    def export_snapshot(self) -> str:
        """This transaction's snapshot id, for other connections to import while it stays open.

        Postgres exports from any top-level transaction, on a standby too (10+).
        """
        return str(self.rows("select pg_export_snapshot()")[0][0])

    def heap_size(self, schema: str, table: str) -> tuple[int, int] | None:
        """(pages, bytes) of a plain table on Postgres 14+, where page ranges are cheap to read; else None."""
        qualified = sql_string(f"{quote_ident(schema)}.{quote_ident(table)}")
        version, kind, size, block = self.rows(
            "select current_setting('server_version_num')::int, c.relkind::text,"
            " pg_relation_size(c.oid), current_setting('block_size')::int8"
            f" from pg_class c where c.oid = {qualified}::regclass"
        )[0]
        if version < _TID_RANGE_SCAN_VERSION or kind != "r":
            return None
        return int(size) // int(block), int(size)

    def cancel(self) -> None:
        """Ask the server to stop this connection's running statement (safe from another thread).

        Why: closing a half-read COPY makes the driver drain the rest of it on
        rollback, which for a large table takes as long as the export.
        """
        with contextlib.suppress(Exception):
            self._conn.cancel()

    def batches(self, select_sql: str, batch_bytes: int) -> Iterator[Any]:
        """Record batches of `select_sql` as the driver decodes them (about `batch_bytes` each)."""
        reader, statement = self._reader(
            select_sql, {"adbc.postgresql.batch_size_hint_bytes": str(batch_bytes)}
        )
        try:
            yield from reader
        finally:
            reader.close()
            statement.close()


@dataclass
class PostgresArrowHook:
    """Reads a Postgres table as Arrow batches through ADBC, given an Airflow Postgres connection id.

    :param postgres_conn_id: Airflow connection of type postgres; its extra may set libpq
        parameters such as sslmode.
    """

    postgres_conn_id: str = "postgres_oltp"

    def conninfo(self, settings: dict[str, str] | None = None) -> str:
        """A libpq conninfo string built from the Airflow connection.

        :param settings: session settings every connection starts with (libpq's
            `options`, `-c name=value`): given at connection start-up, they appear
            in no statement text, so neither pg_stat_activity nor a statement log
            shows them. Values must be free of spaces and backslashes.
        """
        from airflow.providers.common.compat.sdk import BaseHook

        conn = BaseHook.get_connection(self.postgres_conn_id)
        extra = conn.extra_dejson
        params: dict[str, Any] = {
            "host": conn.host or "localhost",
            "port": conn.port or 5432,
            "user": conn.login,
            "password": conn.password,
            "dbname": conn.schema or extra.get("dbname"),
            "application_name": "lakehouse-bronze-export",
        }
        params.update({key: extra[key] for key in _LIBPQ_EXTRAS if key in extra})
        if settings:
            for name, value in settings.items():
                if not re.fullmatch(r"[A-Za-z0-9_.]+", name) or not re.fullmatch(r"[A-Za-z0-9_.:+-]*", value):
                    raise ValueError(f"session setting {name!r} cannot be passed as a connection option")
            given = " ".join(f"-c {name}={value}" for name, value in settings.items())
            params["options"] = f"{params['options']} {given}" if params.get("options") else given
        return libpq_conninfo(params)

    @contextmanager
    def snapshot(self, conninfo: str | None = None, *, snapshot_id: str | None = None) -> Iterator[Snapshot]:
        """Open a connection and a REPEATABLE READ, READ ONLY transaction; roll back on exit.

        :param snapshot_id: import this snapshot (from `Snapshot.export_snapshot` of a transaction
            still open) instead of taking a new one.
        """
        import adbc_driver_manager
        import adbc_driver_postgresql

        database = adbc_driver_postgresql.connect(conninfo or self.conninfo())
        conn = adbc_driver_manager.AdbcConnection(database)
        try:
            conn.set_autocommit(False)
            snapshot = Snapshot(conn)
            # autocommit is off, so the driver has issued BEGIN: this is the first statement.
            snapshot.execute("set transaction isolation level repeatable read, read only")
            if snapshot_id is not None:
                snapshot.execute(f"set transaction snapshot {sql_string(snapshot_id)}")
            # Timestamps without a zone are compared with the UTC data interval as UTC.
            snapshot.execute("set local time zone 'UTC'")
            yield snapshot
        finally:
            # A killed connection cannot roll back; closing is all that is left.
            with contextlib.suppress(Exception):
                conn.rollback()
            conn.close()
            database.close()
