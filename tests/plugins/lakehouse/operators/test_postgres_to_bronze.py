"""PostgresToBronzeOperator against the embedded Postgres and the local AWS endpoint (over HTTP)."""

from __future__ import annotations

import hmac
import io
import json
import logging
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import monotonic, sleep
from typing import Any

import boto3
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_helpers import Lake

from lakehouse.config import load_config
from lakehouse.export.query import ExportRequest, ExportRequestError
from lakehouse.export.run import EmptyExportError, ReconciliationError, Target, export_partition
from lakehouse.hooks.pg_types import UnsupportedColumnType
from lakehouse.hooks.postgres_arrow import PostgresArrowHook, Snapshot, SourceError
from lakehouse.operators.postgres_to_bronze import PostgresToBronzeOperator

DAY = datetime(2024, 3, 1, tzinfo=UTC)
PREFIX = "bronze/{table}/ingest_date=2024-03-01/"


def operator(source: Any, lake: Lake, table: str, **kwargs: Any) -> PostgresToBronzeOperator:
    defaults = {
        "task_id": f"export_{table}",
        "table": table,
        "bucket": lake.bucket,
        "ingest_date": "2024-03-01",
        "postgres_conn_id": source.conn_id,
        "data_interval_start": DAY.isoformat(),
        "data_interval_end": (DAY + timedelta(days=1)).isoformat(),
    }
    return PostgresToBronzeOperator(**{**defaults, **kwargs})


def parquet_file(lake: Lake, key: str) -> pq.ParquetFile:
    return pq.ParquetFile(io.BytesIO(lake.s3.get_object(Bucket=lake.bucket, Key=key)["Body"].read()))


def read_partition(lake: Lake, table: str) -> pa.Table:
    keys = sorted(lake.keys(PREFIX.format(table=table)))
    assert keys, f"nothing under {PREFIX.format(table=table)}"
    return pa.concat_tables([parquet_file(lake, key).read() for key in keys])


def make_events(source: Any, rows: int) -> None:
    source.execute(
        "create table events (id bigint primary key, payload text not null, updated_at timestamptz not null)"
    )
    source.execute(
        "insert into events select g, repeat(md5(g::text), 4), %s::timestamptz + g * interval '1 second'"
        " from generate_series(1, %s) g",
        (DAY, rows),
    )


# --------------------------------------------------------------------------- types


ALL_TYPES_DDL = """
create type mood as enum ('sad', 'ok', 'happy');
create table all_types (
    id bigint primary key, small smallint, medium integer, real4 real, double8 double precision,
    price numeric(12,2), huge numeric(50,10), label text, code varchar(8), iso char(3),
    ident uuid, doc json, docb jsonb, feeling mood, day date, local_ts timestamp, ts timestamptz,
    clock time, raw bytea, flag boolean,
    ints integer[], tags text[], prices numeric(10,2)[], moods mood[],
    updated_at timestamptz not null
)
"""
ALL_TYPES_ROW = (
    1, -32768, 2147483647, 1.5, -2.25, Decimal("1234567890.12"),
    Decimal("1234567890123456789012345.0123456789"),
    "snowman \u2603", "abc", "EU", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", '{"a": [1, 2]}', '{"b": null}',
    "happy", date(2024, 2, 29), datetime(2024, 3, 1, 12, 30, 0, 123456),
    datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=UTC), time(7, 8, 9, 10), b"\x00\xff",
    True, [1, None, 3], ["a b", None, ""], [Decimal("1.50"), None], ["sad", "ok"],
    datetime(2024, 3, 1, 1, tzinfo=UTC),
)  # fmt: skip


def test_every_mapped_column_type_round_trips_through_parquet(source: Any, lake: Lake) -> None:
    source.execute(ALL_TYPES_DDL)
    placeholders = ", ".join(["%s"] * len(ALL_TYPES_ROW))
    with psycopg.connect(source.dsn, autocommit=True) as conn:
        conn.execute(f"insert into all_types values ({placeholders})", ALL_TYPES_ROW)
        conn.execute("insert into all_types (id, updated_at) values (2, %s)", (DAY,))  # NULLs everywhere
    summary = operator(source, lake, "all_types", cursor_column="updated_at").execute({})
    assert summary["rows"] == 2 and summary["files"] == 1

    table = read_partition(lake, "all_types").sort_by("id")
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["price"] == pa.decimal128(12, 2) and types["huge"] == pa.decimal256(50, 10)
    assert types["ts"] == pa.timestamp("us", tz="UTC") and types["local_ts"] == pa.timestamp("us")
    assert types["small"] == pa.int16() and types["medium"] == pa.int32() and types["id"] == pa.int64()
    assert types["prices"] == pa.list_(pa.decimal128(10, 2)) and types["moods"] == pa.list_(pa.string())
    full, empty = table.to_pylist()
    expected = dict(zip(table.schema.names, ALL_TYPES_ROW, strict=True))
    # Postgres renders json as written and jsonb normalised; uuid as its canonical text.
    expected["docb"] = '{"b": null}'
    expected["iso"] = "EU "  # char(n) is blank-padded in Postgres, and psycopg returns it so too
    assert full == expected
    assert all(value is None for name, value in empty.items() if name not in ("id", "updated_at"))


def test_numeric_values_keep_their_sign_scale_and_every_digit(source: Any, lake: Lake) -> None:
    """Numerics travel in Postgres's binary form and are rebuilt as decimals: no digit may move."""
    amounts = ["-0.05", "0.00", "0.10", "-0.50", "10000.00", "-1234567890.12", "9999999999.99"]
    wide = ["12345678901234567890123456.0123456789", "-0.0000000001", "100000000000000000000.0000000000"]
    source.execute("create table ledger (id int primary key, amount numeric(12,2), wide numeric(38,10))")
    with psycopg.connect(source.dsn, autocommit=True) as conn:
        for number, amount in enumerate(amounts):
            conn.execute(
                "insert into ledger values (%s, %s, %s)",
                (number, Decimal(amount), Decimal(wide[number]) if number < len(wide) else None),
            )
    operator(source, lake, "ledger", mode="full").execute({})
    table = read_partition(lake, "ledger").sort_by("id")
    assert table.schema.field("amount").type == pa.decimal128(12, 2)
    assert table.column("amount").to_pylist() == [Decimal(amount) for amount in amounts]
    assert table.column("wide").to_pylist()[: len(wide)] == [Decimal(value) for value in wide]


def test_an_unsupported_column_type_fails_before_anything_is_written(source: Any, lake: Lake) -> None:
    source.execute("create table odd (id int, span interval, updated_at timestamptz)")
    with pytest.raises(UnsupportedColumnType, match="column 'span' has type interval"):
        operator(source, lake, "odd", mode="full").execute({})
    assert lake.keys("bronze/") == []


# --------------------------------------------------------------------------- windows


def test_incremental_window_is_half_open_and_exact_at_the_boundaries(source: Any, lake: Lake) -> None:
    source.execute("create table ticks (id int primary key, updated_at timestamptz not null)")
    end = DAY + timedelta(days=1)
    micro = timedelta(microseconds=1)
    moments = {1: DAY - micro, 2: DAY, 3: end - micro, 4: end, 5: DAY - timedelta(minutes=30)}
    for key, moment in moments.items():
        source.execute("insert into ticks values (%s, %s)", (key, moment))

    operator(source, lake, "ticks", cursor_column="updated_at").execute({})
    assert sorted(read_partition(lake, "ticks")["id"].to_pylist()) == [2, 3]

    # A lookback reaches back before the interval's start, and only that far.
    operator(source, lake, "ticks", cursor_column="updated_at", lookback=30).execute({})
    assert sorted(read_partition(lake, "ticks")["id"].to_pylist()) == [1, 2, 3, 5]


def test_timestamp_without_zone_cursors_are_compared_in_utc(source: Any, lake: Lake) -> None:
    source.execute("create table naive (id int, changed timestamp not null)")
    source.execute("insert into naive values (1, '2024-03-01 00:00:00'), (2, '2024-02-29 23:59:59.999999')")
    with psycopg.connect(source.dsn, autocommit=True) as conn:  # a source whose default zone is not UTC
        conn.execute("alter database " + conn.info.dbname + " set timezone = 'America/New_York'")
    operator(source, lake, "naive", cursor_column="changed").execute({})
    assert read_partition(lake, "naive")["id"].to_pylist() == [1]


# --------------------------------------------------------------------------- idempotence


def test_a_rerun_replaces_the_partition_and_leaves_no_stale_files(source: Any, lake: Lake) -> None:
    make_events(source, 20_000)
    small_files = Target(
        bucket=lake.bucket,
        prefix=PREFIX.format(table="events"),
        target_file_bytes=128 * 1024,
        row_group_bytes=64 * 1024,
        batch_bytes=32 * 1024,
    )
    client = boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1")
    hook = PostgresArrowHook(source.conn_id)
    request = ExportRequest("public", "events", mode="full")
    first = export_partition(hook, lambda: client, request, small_files, allow_empty=False)
    assert first["files"] > 2, "the test needs several files to prove stale ones are removed"
    first_keys = lake.keys(PREFIX.format(table="events"))
    assert first_keys[0].endswith("part-00000.parquet") and len(first_keys) == first["files"]

    source.execute("delete from events where id > 5000")
    second = operator(source, lake, "events", mode="full").execute({})
    assert second["files"] == 1
    assert lake.keys(PREFIX.format(table="events")) == [PREFIX.format(table="events") + "part-00000.parquet"]
    ids = read_partition(lake, "events")["id"].to_pylist()
    assert sorted(ids) == list(range(1, 5001))


KILLED = r"(?i)terminat|connection|server closed|I/O"


def backend_killer(source: Any, where: str = "true") -> tuple[threading.Event, Callable[[Any], None]]:
    """An on_batch callback that terminates the export's backends matching `where`, once."""
    killed = threading.Event()

    def kill_once(_batch: Any) -> None:
        if not killed.is_set():
            killed.set()
            source.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where application_name = 'lakehouse-bronze-export' and datname = current_database()"
                f" and {where}"
            )

    return killed, kill_once


def assert_nothing_visible(lake: Lake, client: Any) -> None:
    assert lake.keys("bronze/") == [], "a failed try must leave nothing visible"
    assert client.list_multipart_uploads(Bucket=lake.bucket).get("Uploads", []) == []


# More rows than the sockets between Postgres and the export can hold: a smaller table can sit
# whole in their buffers before the kill, and the try then ends without noticing it.
KILLED_EXPORT_ROWS = 200_000


def test_a_connection_killed_mid_export_fails_the_try_and_the_retry_converges(
    source: Any, lake: Lake
) -> None:
    make_events(source, KILLED_EXPORT_ROWS)
    hook = PostgresArrowHook(source.conn_id)
    request = ExportRequest("public", "events", mode="full")
    target = Target(bucket=lake.bucket, prefix=PREFIX.format(table="events"), batch_bytes=64 * 1024)
    client = boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1")
    killed, kill_at_first_batch = backend_killer(source)

    with pytest.raises(Exception, match=KILLED):
        export_partition(
            hook, lambda: client, request, target, allow_empty=False, on_batch=kill_at_first_batch
        )
    assert killed.is_set()
    assert_nothing_visible(lake, client)

    summary = operator(source, lake, "events", mode="full").execute({})
    ids = read_partition(lake, "events")["id"].to_pylist()
    assert summary["rows"] == KILLED_EXPORT_ROWS == len(ids) == len(set(ids))


def test_a_count_mismatch_fails_and_publishes_nothing(
    source: Any, lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_events(source, 100)
    real_count = Snapshot.count
    monkeypatch.setattr(Snapshot, "count", lambda self, sql: real_count(self, sql) + 1)
    with pytest.raises(ReconciliationError, match="wrote 100 rows but the snapshot counted 101"):
        operator(source, lake, "events", mode="full").execute({})
    assert lake.keys("bronze/") == []


# --------------------------------------------------------------------------- parallel reads


def export_events_in_parallel(
    source: Any, lake: Lake, connections: int, on_batch: Any = None
) -> dict[str, Any]:
    """A full export of `events` split across `connections` readers, even though the table is small."""
    target = Target(
        bucket=lake.bucket,
        prefix=PREFIX.format(table="events"),
        batch_bytes=64 * 1024,
        read_connections=connections,
        parallel_min_bytes=0,
    )
    return export_partition(
        PostgresArrowHook(source.conn_id),
        lambda: boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1"),
        ExportRequest("public", "events", mode="full"),
        target,
        allow_empty=False,
        on_batch=on_batch,
    )


def export_backends_gone(source: Any, timeout_s: float = 10) -> bool:
    """Whether no export connection is left (a closed backend leaves pg_stat_activity a moment later)."""
    deadline = monotonic() + timeout_s
    while monotonic() < deadline:
        left = source.rows(
            "select count(*) from pg_stat_activity where application_name = 'lakehouse-bronze-export'"
        )
        if left == [(0,)]:
            return True
        sleep(0.1)
    return False


def test_a_full_export_on_several_connections_writes_every_row_once(source: Any, lake: Lake) -> None:
    make_events(source, 30_000)

    summary = export_events_in_parallel(source, lake, 3)

    assert summary["read_connections"] == 3 and summary["rows"] == 30_000
    ids = read_partition(lake, "events")["id"].to_pylist()
    assert sorted(ids) == list(range(1, 30_001))


def test_parallel_readers_export_the_counted_snapshot_not_later_writes(
    source: Any, lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_events(source, 20_000)
    real_export = Snapshot.export_snapshot

    def export_then_write(self: Snapshot) -> str:
        snapshot_id = real_export(self)
        # Committed after the count and before the other connections start: they must not see it.
        source.execute("delete from events where id > 15000")
        source.execute("insert into events select g, 'late', now() from generate_series(100001, 100500) g")
        return snapshot_id

    monkeypatch.setattr(Snapshot, "export_snapshot", export_then_write)
    summary = export_events_in_parallel(source, lake, 2)

    assert summary["read_connections"] == 2 and summary["rows"] == 20_000
    assert sorted(read_partition(lake, "events")["id"].to_pylist()) == list(range(1, 20_001))


def test_a_killed_parallel_reader_fails_the_try_and_the_retry_converges(source: Any, lake: Lake) -> None:
    # Each page range must outgrow the socket buffers (a few MB), or its backend may have
    # sent every row before it is killed and the kill would go unnoticed.
    make_events(source, 150_000)
    # Only the reader of a later page range: the first connection, which holds the
    # exported snapshot, keeps reading.
    killed, kill_a_second_reader = backend_killer(
        source, "query like '%ctid >= ''(%' and query not like '%ctid >= ''(0,0)''%'"
    )

    with pytest.raises(Exception, match=KILLED):
        export_events_in_parallel(source, lake, 2, on_batch=kill_a_second_reader)
    assert killed.is_set()
    assert_nothing_visible(lake, boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1"))
    assert export_backends_gone(source), "every reader's connection is closed after a failed try"

    summary = export_events_in_parallel(source, lake, 2)
    ids = read_partition(lake, "events")["id"].to_pylist()
    assert summary["rows"] == 150_000 and len(ids) == 150_000 and len(set(ids)) == 150_000


def test_incremental_and_small_exports_read_on_one_connection(source: Any, lake: Lake) -> None:
    make_events(source, 2_000)
    window = {"cursor_column": "updated_at"}
    assert operator(source, lake, "events", **window).execute({})["read_connections"] == 1
    assert operator(source, lake, "events", mode="full").execute({})["read_connections"] == 1, (
        "a table far below 64 MiB is not worth a second connection"
    )
    with pytest.raises(ValueError, match="read_connections must be at least 1, got 0"):
        operator(source, lake, "events", mode="full", read_connections=0)


# --------------------------------------------------------------------------- streaming


def test_batches_stay_bounded_and_files_roll_at_the_target_size(source: Any, lake: Lake) -> None:
    make_events(source, 30_000)
    seen: list[int] = []
    target = Target(
        bucket=lake.bucket,
        prefix=PREFIX.format(table="events"),
        target_file_bytes=256 * 1024,
        row_group_bytes=128 * 1024,
        batch_bytes=64 * 1024,
    )
    client = boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1")
    summary = export_partition(
        PostgresArrowHook(source.conn_id),
        lambda: client,
        ExportRequest("public", "events", mode="full"),
        target,
        allow_empty=False,
        on_batch=lambda batch: seen.append(batch.nbytes),
    )
    assert len(seen) > 10 and max(seen) <= 4 * target.batch_bytes, "batches must follow the size hint"
    assert summary["files"] >= 3
    sizes = [o["Size"] for o in lake.s3.list_objects_v2(Bucket=lake.bucket)["Contents"]]
    assert max(sizes) < 2 * target.target_file_bytes
    assert read_partition(lake, "events").num_rows == 30_000


def test_low_cardinality_columns_get_dictionaries_and_keys_and_times_get_deltas(
    source: Any, lake: Lake
) -> None:
    source.execute(
        "create table shipments (id bigint primary key, carrier text not null, weight numeric(12,3) not null,"
        " note text, shipped_at timestamptz not null, boxes integer not null)"
    )
    source.execute(
        "insert into shipments select g, (array['ups','dhl','fedex'])[1 + g %% 3], g / 1000.0,"
        " md5(g::text), %s::timestamptz + g * interval '1 second', (g * 7919) %% 100003"
        " from generate_series(1, 20000) g",
        (DAY,),
    )
    operator(source, lake, "shipments", mode="full").execute({})
    key = lake.keys(PREFIX.format(table="shipments"))[0]
    row_group = parquet_file(lake, key).metadata.row_group(0)
    columns = [row_group.column(i) for i in range(row_group.num_columns)]
    encoding = {
        column.path_in_schema: "dictionary"
        if "RLE_DICTIONARY" in column.encodings
        else "delta"
        if "DELTA_BINARY_PACKED" in column.encodings
        else "plain"
        for column in columns
    }
    assert encoding == {
        "id": "delta",
        "carrier": "dictionary",
        "weight": "plain",
        "note": "plain",
        "shipped_at": "delta",
        "boxes": "delta",
    }
    serial = next(column for column in columns if column.path_in_schema == "id")
    assert serial.total_compressed_size < 20_000 * 8 / 20  # a serial key packs to almost nothing
    assert read_partition(lake, "shipments").sort_by("id")["boxes"].to_pylist()[:3] == [7919, 15838, 23757]


# --------------------------------------------------------------------------- PII


def test_pii_columns_are_a_keyed_hmac_or_masked(source: Any, lake: Lake) -> None:
    source.execute("create table people (id int, email text, name text, updated_at timestamptz)")
    source.execute(
        "insert into people values (1, 'a@x.io', 'Ann', %s), (2, null, 'Bo', %s), (3, 'ü@é.io', 'Cy', %s)",
        (DAY, DAY, DAY),
    )
    long_key = "k" * 100  # longer than SHA-256's block: HMAC hashes it first
    for key in ("pepper", long_key):
        operator(
            source, lake, "people", cursor_column="updated_at", pii_columns=["email"], pii_secret=key
        ).execute({})
        rows = read_partition(lake, "people").sort_by("id").to_pylist()
        expected = [hmac.new(key.encode(), v.encode(), "sha256").hexdigest() for v in ("a@x.io", "ü@é.io")]
        assert [rows[0]["email"], rows[2]["email"]] == expected and rows[1]["email"] is None
        assert rows[0]["name"] == "Ann"

    operator(
        source, lake, "people", cursor_column="updated_at", pii_columns=["name"], pii_method="mask"
    ).execute({})
    assert read_partition(lake, "people")["name"].to_pylist() == ["****", "****", "****"]


# --------------------------------------------------------------------------- malformed inputs


def test_the_pii_key_is_in_no_statement_the_server_shows_nor_in_the_tasks_log(
    source: Any, lake: Lake, caplog: pytest.LogCaptureFixture
) -> None:
    from lakehouse.export.query import hmac_pads

    key = "k3y-" + uuid.uuid4().hex
    secrets = [key, *hmac_pads(key).values()]
    make_events(source, 3)
    source.execute("alter table events add column email text default 'a@x.io'")
    seen: list[str] = []

    def watch(_batch: Any) -> None:  # while the export's statements run
        with psycopg.connect(source.dsn, autocommit=True) as conn:
            seen.extend(row[0] or "" for row in conn.execute("select query from pg_stat_activity"))

    request = ExportRequest("public", "events", mode="full", pii_columns=("email",), pii_secret=key)
    client = boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1")
    target = Target(bucket=lake.bucket, prefix=PREFIX.format(table="events"))
    export_partition(
        PostgresArrowHook(source.conn_id), lambda: client, request, target, allow_empty=False, on_batch=watch
    )
    assert [query for query in seen if '"public"."events"' in query], f"the export was not seen: {seen}"
    assert not [text for text in seen if any(secret in text for secret in secrets)]

    with caplog.at_level(logging.DEBUG):
        operator(source, lake, "events", mode="full", pii_columns=["email"], pii_secret=key).execute({})
    assert "sha256" in caplog.text, "the export's SQL is logged"
    assert not any(secret in caplog.text for secret in secrets)
    hashed = read_partition(lake, "events")["email"].to_pylist()[0]
    assert hashed == hmac.new(key.encode(), b"a@x.io", "sha256").hexdigest()


def test_an_unknown_table_is_named_in_the_error(source: Any, lake: Lake) -> None:
    with pytest.raises(SourceError, match=r"source table public\.nope does not exist"):
        operator(source, lake, "nope", mode="full").execute({})


def test_a_bad_cursor_column_is_named_with_the_columns_that_exist(source: Any, lake: Lake) -> None:
    make_events(source, 3)
    with pytest.raises(ExportRequestError, match="cursor column 'changed' does not exist; columns are id"):
        operator(source, lake, "events", cursor_column="changed").execute({})
    with pytest.raises(ExportRequestError, match="cursor column 'payload' is text"):
        operator(source, lake, "events", cursor_column="payload").execute({})


def test_an_empty_table_exports_an_empty_snapshot_unless_told_to_fail(source: Any, lake: Lake) -> None:
    make_events(source, 0)
    summary = operator(source, lake, "events", mode="full").execute({})
    assert summary["rows"] == 0 and summary["files"] == 1
    table = read_partition(lake, "events")
    assert table.num_rows == 0 and table.schema.names == ["id", "payload", "updated_at"]

    lake.s3.delete_object(Bucket=lake.bucket, Key=sorted(lake.keys("bronze/"))[0])
    with pytest.raises(EmptyExportError, match="no rows to export"):
        operator(source, lake, "events", mode="full", allow_empty=False).execute({})
    # The count now ends after the stream has opened a file: its upload must be aborted.
    assert_nothing_visible(lake, boto3.client("s3", endpoint_url=lake.url, region_name="us-east-1"))

    summary = operator(source, lake, "events", cursor_column="updated_at").execute({})
    assert summary["rows"] == 0 and summary["files"] == 1


def test_a_configured_delete_column_the_table_lacks_fails_naming_it(source: Any, lake: Lake) -> None:
    make_events(source, 3)
    with pytest.raises(ExportRequestError, match="delete column 'deleted_at' does not exist; columns are id"):
        operator(source, lake, "events", cursor_column="updated_at", delete_column="deleted_at").execute({})
    assert lake.keys("bronze/") == []


def test_an_incremental_export_without_a_start_reads_every_row_before_its_end(
    source: Any, lake: Lake
) -> None:
    make_events(source, 3)
    source.execute("update events set updated_at = %s where id = 1", (DAY - timedelta(days=400),))
    source.execute("update events set updated_at = %s where id = 2", (DAY + timedelta(days=1),))
    operator(source, lake, "events", cursor_column="updated_at", data_interval_start=None).execute({})
    assert sorted(read_partition(lake, "events")["id"].to_pylist()) == [1, 3], "the end stays exclusive"


def test_a_hard_delete_table_exports_its_whole_key_set_after_the_changes(source: Any, lake: Lake) -> None:
    from lakehouse.batches import list_batches

    make_events(source, 5)
    source.execute("update events set updated_at = %s where id <= 3", (DAY - timedelta(days=30),))
    source.execute("delete from events where id = 2")
    task = operator(source, lake, "events", cursor_column="updated_at", key_columns=["id"], record_batch=True)
    summary = task.execute({})
    assert sorted(read_partition(lake, "events")["id"].to_pylist()) == [4, 5], "the day's changes"
    keys = read_partition(lake, "events__keys")
    assert keys.schema.names == ["id"] and sorted(keys["id"].to_pylist()) == [1, 3, 4, 5]
    assert summary["key_set_rows"] == 4
    assert list_batches(lake.s3, lake.bucket, "events")[0].key_rows == 4


def test_a_recorded_batch_says_what_the_export_read_and_when(source: Any, lake: Lake) -> None:
    from lakehouse.batches import list_batches

    make_events(source, 3)
    before = datetime.now(UTC)
    operator(source, lake, "events", cursor_column="updated_at", lookback=60, record_batch=True).execute({})
    (batch,) = list_batches(lake.s3, lake.bucket, "events")
    assert (batch.table, batch.ingest_date, batch.mode) == ("events", "2024-03-01", "incremental")
    assert batch.read_from == (DAY - timedelta(hours=1)).isoformat()
    assert batch.read_to == (DAY + timedelta(days=1)).isoformat()
    assert batch.rows == len(read_partition(lake, "events")) and batch.exported() >= before


def test_a_malformed_interval_or_date_is_rejected_clearly(source: Any, lake: Lake) -> None:
    make_events(source, 3)
    with pytest.raises(ValueError, match="data_interval_start must be an ISO-8601 timestamp"):
        operator(source, lake, "events", cursor_column="updated_at", data_interval_start="yesterday").execute(
            {}
        )
    with pytest.raises(ExportRequestError, match="empty data interval"):
        operator(
            source, lake, "events", cursor_column="updated_at", data_interval_end=DAY.isoformat()
        ).execute({})
    with pytest.raises(ValueError, match="does not match format"):
        operator(source, lake, "events", mode="full", ingest_date="03/01/2024").execute({})


# --------------------------------------------------------------------------- operator shape


def test_the_operator_is_built_from_pipeline_config_with_run_dependent_fields_templated(
    tmp_path: Path,
) -> None:
    config_file = tmp_path / "pipeline.yaml"
    config_file.write_text(
        json.dumps(
            {
                "source": {
                    "conn_id": "oltp",
                    "tables": [
                        {
                            "name": "customers",
                            "primary_key": ["customer_id"],
                            "cursor_column": "updated_at",
                            "deletes": "none",
                            "pii_columns": ["email"],
                            "pii_method": "mask",
                            "lookback_minutes": 45,
                        }
                    ],
                }
            }
        )
    )
    config = load_config(config_file)
    task = PostgresToBronzeOperator.for_table(config.source, config.table("customers"), bucket="lake")
    assert task.task_id == "export_customers" and task.postgres_conn_id == "oltp"
    assert task.pii_columns == ["email"] and task.pii_method == "mask"
    assert task.lookback == timedelta(minutes=45)
    for field in ("bucket", "ingest_date", "data_interval_start", "data_interval_end", "table", "mode"):
        assert field in task.template_fields
    assert task.ingest_date == "{{ ds }}"


def test_importing_the_operator_does_not_import_pyarrow_or_drivers() -> None:
    code = (
        "import sys; import lakehouse.operators.postgres_to_bronze;"
        " heavy = [m for m in ('pyarrow', 'psycopg', 'adbc_driver_manager', 'pandas') if m in sys.modules];"
        " print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
