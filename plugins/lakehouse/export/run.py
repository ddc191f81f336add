"""One bronze export from start to publish: snapshot, count, stream, reconcile, publish or abort."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from lakehouse.export.multipart import PartitionWriter
from lakehouse.export.query import ExportRequest, build_query
from lakehouse.export.stream import write_files
from lakehouse.hooks.postgres_arrow import PostgresArrowHook

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
    compression: str = "snappy"


def export_partition(
    postgres: PostgresArrowHook,
    s3_client: Any,
    request: ExportRequest,
    target: Target,
    *,
    allow_empty: bool,
    on_batch: Any = None,
) -> dict[str, Any]:
    """Replace `target.prefix` with the rows `request` selects; return rows, bytes, files, seconds."""
    started = time.monotonic()
    partition = PartitionWriter(s3_client, target.bucket, target.prefix, part_bytes=target.part_bytes)
    try:
        with postgres.snapshot() as snapshot:
            query = build_query(request, snapshot.columns(request.schema, request.table))
            expected = snapshot.count(query.from_where_sql)
            if expected == 0 and not allow_empty:
                raise EmptyExportError(
                    f"{request.schema}.{request.table}: no rows to export ({query.from_where_sql});"
                    " a full export of an empty table would wipe bronze, so it fails unless allow_empty"
                )
            aborted = partition.abort_stale_uploads()
            if aborted:
                log.warning("aborted %d multipart upload(s) left by an earlier try", aborted)
            log.info("exporting %d rows: %s", expected, query.select_sql)
            stats = write_files(
                snapshot.batches(query.select_sql, target.batch_bytes),
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
        partition.abort()
        raise
    finally:
        partition.close()
    summary = {
        "rows": stats.rows,
        "bytes": stats.bytes,
        "files": len(keys),
        "seconds": round(time.monotonic() - started, 3),
        "location": f"s3://{target.bucket}/{target.prefix}",
        "max_batch_bytes": stats.max_batch_bytes,
    }
    log.info("exported %s", summary)
    return summary
