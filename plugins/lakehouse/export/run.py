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
    batch_bytes: int = 8 * 1024 * 1024
    compression: str = "zstd"
    # A full export of a table at least this large reads on up to this many
    # connections sharing one snapshot, each a range of the table's pages
    # (None: `default_read_connections()`).
    read_connections: int | None = None
    parallel_min_bytes: int = 64 * 1024 * 1024


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

    :param s3_client: returns the boto3 S3 client. It runs on a thread of its own
        while the snapshot opens and counts, because creating a client through
        the provider's hook is CPU work (botocore's models, the hook's user
        agent: 0.5-0.8 s in bench/export.py) that Postgres's count can hide. It
        must not look up Airflow connections: resolve them first, on the task's
        thread (the Task SDK's channel to its supervisor is not thread-safe).
    """
    started = time.monotonic()
    conninfo = postgres.conninfo()
    partition: PartitionWriter | None = None
    client = _in_background(s3_client)
    try:
        with postgres.snapshot(conninfo) as snapshot, contextlib.ExitStack() as attached:
            query = build_query(request, snapshot.columns(request.schema, request.table))
            expected = snapshot.count(query.from_where_sql)
            if expected == 0 and not allow_empty:
                raise EmptyExportError(
                    f"{request.schema}.{request.table}: no rows to export ({query.from_where_sql});"
                    " a full export of an empty table would wipe bronze, so it fails unless allow_empty"
                )
            partition = PartitionWriter(
                client.result(), target.bucket, target.prefix, part_bytes=target.part_bytes
            )
            aborted = partition.abort_stale_uploads()
            if aborted:
                log.warning("aborted %d multipart upload(s) left by an earlier try", aborted)
            selects = _page_ranges(snapshot, request, query, target) or [query.select_sql]
            log.info("exporting %d rows on %d connection(s): %s", expected, len(selects), query.select_sql)
            readers = [snapshot]
            if len(selects) > 1:
                snapshot_id = snapshot.export_snapshot()
                readers += [
                    attached.enter_context(postgres.snapshot(conninfo, snapshot_id=snapshot_id))
                    for _ in selects[1:]
                ]
            stats = write_files(
                [
                    BatchSource(reader.batches(select, target.batch_bytes), reader.cancel)
                    for reader, select in zip(readers, selects, strict=True)
                ],
                query.columns,
                partition,
                target_file_bytes=target.target_file_bytes,
                row_group_bytes=target.row_group_bytes,
                compression=target.compression,
                on_batch=on_batch,
            )
        if stats.rows != expected:
            raise ReconciliationError(
                f"{request.schema}.{request.table}: wrote {stats.rows} rows but the snapshot counted"
                f" {expected}; nothing published"
            )
        keys = partition.publish()
    except BaseException:
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


def _in_background(function: Callable[[], Any]) -> Future:
    """Start `function` on a thread of its own and return its future."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="s3-client")
    try:
        return pool.submit(function)
    finally:
        pool.shutdown(wait=False)  # the thread finishes the call, then ends


def default_read_connections() -> int:
    """Half the cores this worker may run on, between 1 and 4.

    Why not more: every reader needs about a core of its own to decode, and the
    Parquet encoder and the uploads need the rest. On bench/export.py's 2-core
    machine, where Postgres runs on the same two cores, a second connection was
    3-6% faster (medians of 3 runs: 8.76 s against 9.08 s, 9.61 s against
    10.19 s: the cores were already busy) for 35-45 MB more peak memory, close
    to the 400 MB budget, so 2 cores read on one. A worker whose database runs
    elsewhere has those cores to itself: set `read_connections` there and measure.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores // 2))


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
