"""One bronze export from start to publish: snapshot, count, stream, reconcile, publish or abort."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lakehouse.export.multipart import PartitionWriter
from lakehouse.export.query import ExportQuery, ExportRequest, build_query
from lakehouse.export.stream import BatchSource, write_files
from lakehouse.hooks.postgres_arrow import PostgresArrowHook, Snapshot

log = logging.getLogger(__name__)


class ReconciliationError(RuntimeError):
    """The rows written differ from the count taken in the same snapshot; nothing was published."""


class EmptyExportError(RuntimeError):
    """The export found no rows where rows were required; nothing was published."""


@dataclass(frozen=True)
class Target:
    """Where and how the Parquet files go."""

    bucket: str
    prefix: str  # the partition, e.g. "bronze/orders/ingest_date=2024-01-01/"
    target_file_bytes: int = 128 * 1024 * 1024
    row_group_bytes: int = 24 * 1024 * 1024
    part_bytes: int = 8 * 1024 * 1024
    # Per batch the driver hands over; each reader holds about two (the one it fills, the one it converts).
    batch_bytes: int = 4 * 1024 * 1024
    compression: str = "zstd"
    # A full export of a table at least this large reads on up to this many
    # connections sharing one snapshot, each a range of the table's pages
    # (None: `default_read_connections()`).
    read_connections: int | None = None
    parallel_min_bytes: int = 64 * 1024 * 1024
    # A slice of a split export: its files' name prefix, and the pattern of the other slices'
    # names (kept when this slice replaces its own files; anything else in the partition goes).
    file_prefix: str = ""
    siblings: str | None = None


def export_partition(
    postgres: PostgresArrowHook,
    s3_client: Callable[[], Any],
    request: ExportRequest,
    target: Target,
    *,
    allow_empty: bool,
    on_batch: Any = None,
) -> dict[str, Any]:
    """Replace `target.prefix` with the rows `request` selects; return rows, bytes, files, seconds.

    Why three things run at once before the first file opens: building the S3
    client (loading botocore's models is real CPU) with the cleanup of stale
    uploads, counting the rows, and the COPY stream. The count is a scan of the
    table (minutes for a table of billions of rows), which the stream need not
    wait for. The count runs on a connection of
    its own that imports the readers' snapshot, so it still counts exactly the
    rows they read.

    :param s3_client: returns the boto3 S3 client, on a thread of its own. It
        must not look up Airflow connections: resolve them first, on the task's
        thread (the Task SDK's channel to its supervisor is not thread-safe).
    """
    started = time.monotonic()
    conninfo = postgres.conninfo(request.session_settings())
    s3_ready = _in_background(lambda: _partition_writer(s3_client(), target))
    partition: PartitionWriter | None = None

    def open_object(name: str) -> Any:
        nonlocal partition
        if partition is None:
            partition = _take_partition_writer(s3_ready)
        return partition.open(name)

    try:
        with postgres.snapshot(conninfo) as snapshot, contextlib.ExitStack() as attached:
            query = build_query(request, snapshot.columns(request.schema, request.table))
            snapshot_id = snapshot.export_snapshot()
            counter = attached.enter_context(postgres.snapshot(conninfo, snapshot_id=snapshot_id))
            counted = _in_background(lambda: counter.count(query.from_where_sql))
            # Registered after the counter's connection, so it runs before that closes.
            attached.callback(_settle, counted, counter.cancel)
            selects = _page_ranges(snapshot, request, query, target) or [query.select_sql]
            log.info("exporting on %d connection(s): %s", len(selects), query.select_sql)
            readers = [snapshot] + [
                attached.enter_context(postgres.snapshot(conninfo, snapshot_id=snapshot_id))
                for _ in selects[1:]
            ]
            stats = write_files(
                [
                    BatchSource(reader.batches(select, target.batch_bytes), reader.cancel)
                    for reader, select in zip(readers, selects, strict=True)
                ],
                query.columns,
                open_object,
                target_file_bytes=target.target_file_bytes,
                row_group_bytes=target.row_group_bytes,
                compression=target.compression,
                on_batch=on_batch,
            )
            expected = counted.result()
        if expected == 0 and not allow_empty:
            raise EmptyExportError(
                f"{request.schema}.{request.table}: no rows to export ({query.from_where_sql});"
                " a full export of an empty table would wipe bronze, so it fails unless allow_empty"
            )
        if stats.rows != expected:
            raise ReconciliationError(
                f"{request.schema}.{request.table}: wrote {stats.rows} rows but the snapshot counted"
                f" {expected}; nothing published"
            )
        assert partition is not None  # write_files opens at least one file
        keys = partition.publish()
    except BaseException:
        if partition is None:
            partition = _take_partition_writer(s3_ready, quiet=True)
        if partition is not None:
            partition.abort()
        raise
    finally:
        if partition is not None:
            partition.close()
    summary = {
        "rows": stats.rows,
        "bytes": stats.bytes,
        "files": len(keys),
        "seconds": round(time.monotonic() - started, 3),
        "location": f"s3://{target.bucket}/{target.prefix}",
        "max_batch_bytes": stats.max_batch_bytes,
        "read_connections": len(selects),
    }
    log.info("exported %s", summary)
    return summary


def _partition_writer(client: Any, target: Target) -> tuple[PartitionWriter, int]:
    """A writer for the partition, after aborting uploads an earlier try left; and how many it aborted."""
    partition = PartitionWriter(
        client,
        target.bucket,
        target.prefix,
        part_bytes=target.part_bytes,
        own=target.file_prefix,
        siblings=target.siblings,
    )
    try:
        return partition, partition.abort_stale_uploads()
    except BaseException:
        partition.close()
        raise


def _take_partition_writer(ready: Future, *, quiet: bool = False) -> PartitionWriter | None:
    """The writer `_partition_writer` made, waiting for it; with `quiet`, None if it failed."""
    if quiet and ready.exception() is not None:
        return None
    partition, aborted = ready.result()
    if aborted:
        log.warning("aborted %d multipart upload(s) left by an earlier try", aborted)
    return partition


def _settle(work: Future, cancel: Callable[[], None]) -> None:
    """Stop `work` if it still runs (the export failed first) and wait for it to end."""
    if not work.done():
        cancel()
    work.exception()


def _in_background(function: Callable[[], Any]) -> Future:
    """Start `function` on a thread of its own and return its future."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="export")
    try:
        return pool.submit(function)
    finally:
        pool.shutdown(wait=False)  # the thread finishes the call, then ends


def default_read_connections() -> int:
    """Two connections when the worker has two cores or more, else one.

    Why two: one Postgres backend produces the COPY stream at about half the
    rate the driver decodes and the single Parquet encoder writes, so one
    connection leaves the encoder waiting and two keep it fed (bench/export.py
    measures one against two, with Postgres on the same two cores). A third
    would only queue behind the encoder. On one core the readers would take
    the encoder's time.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def _page_ranges(snapshot: Snapshot, request: ExportRequest, query: ExportQuery, target: Target) -> list[str]:
    """One SELECT per connection for a large full export, each over its share of the heap pages.

    Empty when the export should read on one connection: an incremental window
    (an index on the cursor finds its rows; page ranges would each scan the
    table), a table below `parallel_min_bytes`, a view or partitioned table,
    or Postgres before 14.
    """
    connections = target.read_connections or default_read_connections()
    if request.mode != "full" or connections < 2:
        return []
    size = snapshot.heap_size(request.schema, request.table)
    if size is None or size[0] < 2 or size[1] < target.parallel_min_bytes:
        return []
    pages = size[0]
    readers = min(connections, pages)
    bounds = [pages * number // readers for number in range(readers)]
    # The last range is open-ended: pages added after the count hold no rows this snapshot sees.
    return [
        query.page_range_sql(first, bounds[number + 1] if number + 1 < readers else None)
        for number, first in enumerate(bounds)
    ]
