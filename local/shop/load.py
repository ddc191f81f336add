"""Create the shop's schema and bulk-load Arrow tables into it with COPY."""

from __future__ import annotations

import io

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from local.paths import INCLUDE_DIR
from local.shop.model import ID_COLUMNS, TABLES

SCHEMA_FILE = INCLUDE_DIR / "source" / "schema.sql"
COPY_BATCH_ROWS = 200_000


def apply_schema(conn: psycopg.Connection) -> None:
    conn.execute(SCHEMA_FILE.read_text())


def copy_table(conn: psycopg.Connection, name: str, table: pa.Table) -> None:
    """Stream `table` into `name` as CSV through COPY, a batch at a time."""
    columns = ", ".join(table.column_names)
    with conn.cursor() as cur, cur.copy(f"copy {name} ({columns}) from stdin (format csv)") as copy:
        for batch in table.to_batches(max_chunksize=COPY_BATCH_ROWS):
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
            copy.write(buffer.getvalue())


def advance_sequences(conn: psycopg.Connection) -> None:
    """Move each identity past the ids we supplied, so ordinary inserts keep working."""
    for table, column in ID_COLUMNS.items():
        conn.execute(
            f"select setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" coalesce((select max({column}) from {table}), 0) + 1, false)"
        )


def replace_shop(conn: psycopg.Connection, tables: dict[str, pa.Table]) -> None:
    """Empty the shop and load `tables` in one transaction.

    Triggers (foreign-key checks and the updated_at trigger) are off during
    the load: the generator's rows are consistent by construction, the tests
    prove it with queries, and per-row checks would dominate the load time
    at benchmark scale. Needs a superuser, which the embedded server's is.
    """
    with conn.transaction():
        apply_schema(conn)
        conn.execute(f"truncate {', '.join(TABLES)} restart identity")
        conn.execute("set local session_replication_role = replica")
        for name in TABLES:
            copy_table(conn, name, tables[name])
        advance_sequences(conn)
    conn.execute(f"analyze {', '.join(TABLES)}")


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    return {name: conn.execute(f"select count(*) from {name}").fetchone()[0] for name in TABLES}
