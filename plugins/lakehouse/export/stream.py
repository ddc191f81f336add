"""Record batches in, Parquet files out, with a bounded amount of data in memory at any time.

Threads share the work so the cores are busy: one reader per source pulls
batches from the driver (decoding happens there, GIL released) and conforms
them to the target schema; the caller's thread groups them into row groups and
encodes Parquet into an S3 sink whose full parts upload in the background. A
queue of `QUEUE_BATCHES` batches between them bounds memory: at most about
(queue + readers + 1 row group) batches, one part buffer and the parts in flight.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lakehouse.hooks.pg_types import ExportColumn

QUEUE_BATCHES = 2
# A column is dictionary-encoded when its first row group holds at most one
# distinct value per this many rows, and its dictionary would fill at most half
# of Parquet's dictionary page limit (past the limit the writer falls back to plain).
DICTIONARY_MIN_ROWS_PER_VALUE = 4
DICTIONARY_PAGE_BYTES = 1024 * 1024
# Rows of the first row group the choice looks at. Counted in Python sets of
# raw values: Arrow's hash kernels (count_distinct, unique) reserve a large
# buffer on first use, a good part of what the choice saves.
DICTIONARY_SAMPLE_ROWS = 16_384
_DONE = object()


class SchemaDriftError(RuntimeError):
    """The driver returned columns that differ from the ones planned from the catalog."""


@dataclass(frozen=True)
class BatchSource:
    """One reader's record batches, and how to stop its statement if the export fails first."""

    batches: Iterator[Any]
    cancel: Callable[[], None] = lambda: None


@dataclass
class StreamStats:
    rows: int = 0
    files: int = 0
    bytes: int = 0
    max_batch_bytes: int = 0  # largest batch seen: evidence that memory is bounded


def target_schema(columns: list[ExportColumn]) -> Any:
    import pyarrow as pa

    return pa.schema([pa.field(c.name, c.arrow_type()) for c in columns])


def conform(batch: Any, schema: Any, memory_pool: Any = None) -> Any:
    """Cast a driver batch to the planned schema (numeric text -> decimal, extension -> storage)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if batch.schema.names != schema.names:
        raise SchemaDriftError(f"expected columns {schema.names}, the driver returned {batch.schema.names}")
    arrays = []
    for column, target in zip(batch.columns, schema.types, strict=True):
        values = column.storage if isinstance(column.type, pa.BaseExtensionType) else column
        arrays.append(values if values.type == target else pc.cast(values, target, memory_pool=memory_pool))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def dictionary_columns(table: Any) -> list[str]:
    """The columns worth dictionary-encoding, judged on a sample of the first row group.

    Why not Parquet's default of trying a dictionary on every column: for a
    high-cardinality column (ids, timestamps, amounts) the writer builds the
    dictionary and holds the column's pages until the dictionary outgrows its
    page limit, then falls back to plain encoding, having paid for both: more
    peak memory and larger files (bench/export.py shows both). Columns with few
    distinct values (statuses, currencies, keys of small tables) keep their
    dictionaries, which is where they shrink files and speed up scans. Nested
    and boolean columns stay plain.
    """
    import pyarrow as pa

    sample = table.slice(0, DICTIONARY_SAMPLE_ROWS)
    if sample.num_rows == 0:
        return []
    chosen = []
    for field, column in zip(sample.schema, sample.columns, strict=True):
        if pa.types.is_nested(field.type) or pa.types.is_boolean(field.type):
            continue
        values = column.combine_chunks()
        try:
            value_bytes = field.type.byte_width
            # Raw bytes: converting timestamps to Python objects would import pandas.
            values = values.view(pa.binary(value_bytes))
        except ValueError:  # variable width: the column's average
            value_bytes = values.nbytes / sample.num_rows
        distinct = len(set(values.to_pylist()))
        fits = distinct * value_bytes <= DICTIONARY_PAGE_BYTES / 2
        if fits and distinct * DICTIONARY_MIN_ROWS_PER_VALUE <= sample.num_rows:
            chosen.append(field.name)
    return chosen


def delta_columns(schema: Any, dictionary: list[str]) -> dict[str, str]:
    """DELTA_BINARY_PACKED for the integer, date, time and timestamp columns not dictionary-encoded.

    Why: Parquet's default stores them PLAIN, eight bytes a value, and leaves
    the squeezing to the codec. Source tables are full of serial keys and
    timestamps written in time order, whose differences from row to row are
    small numbers that delta encoding bit-packs before the codec sees them;
    random values (foreign keys, amounts) cost about what PLAIN costs, so the
    files shrink and the encoder does less work (bench/export.py; the README's
    Figures). Every engine that reads bronze
    reads it: Athena engine version 3 (Trino), the Glue crawler (it reads only
    footers), DuckDB, Spark and pyarrow. Decimals keep their fixed-width
    encoding (as 64-bit integers with deltas they were a little smaller and
    slower to write); strings and nested columns keep the defaults.
    """
    import pyarrow as pa

    def deltas(field: Any) -> bool:
        kind = field.type
        temporal = pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_time(kind)
        return (pa.types.is_integer(kind) or temporal) and field.name not in dictionary

    return {field.name: "DELTA_BINARY_PACKED" for field in schema if deltas(field)}


def _hand_over(item: Any, out: queue.Queue, stop: threading.Event) -> bool:
    """Put `item` on the queue unless the consumer has stopped; never blocks for good."""
    while not stop.is_set():
        try:
            out.put(item, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


def _produce(batches: Iterator[Any], schema: Any, pool: Any, out: queue.Queue, stop: threading.Event) -> None:
    try:
        for batch in batches:
            if not _hand_over(conform(batch, schema, pool), out, stop):
                return
        _hand_over(_DONE, out, stop)
    except BaseException as exc:  # handed to the consumer, which re-raises it in the task's thread
        _hand_over(exc, out, stop)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()  # the driver's statement, in the thread that used it, before its connection ends


def _start_readers(
    sources: list[BatchSource], schema: Any, pool: Any, out: queue.Queue, stop: threading.Event
) -> list[threading.Thread]:
    """One daemon thread per source, so the driver decodes batches while the caller's thread encodes."""
    readers = [
        threading.Thread(
            target=_produce,
            args=(source.batches, schema, pool, out, stop),
            name=f"pg-reader-{number}",
            daemon=True,
        )
        for number, source in enumerate(sources)
    ]
    for reader in readers:
        reader.start()
    return readers


def _received(handoff: queue.Queue, readers: int) -> Iterator[Any]:
    """The readers' batches until every reader is done; a reader's exception is raised here.

    Raised in the caller's thread, so the task fails with the reader's own error
    rather than a reader dying unseen.
    """
    finished = 0
    while finished < readers:
        item = handoff.get()
        if item is _DONE:
            finished += 1
            continue
        if isinstance(item, BaseException):
            raise item
        yield item


def _cancel_live_readers(sources: list[BatchSource], readers: list[threading.Thread]) -> None:
    """Stop the statements still running: a reader mid-statement would otherwise read its range to the end."""
    for source, reader in zip(sources, readers, strict=True):
        if reader.is_alive():
            source.cancel()


@dataclass
class _ParquetFiles:
    """Groups batches into row groups and row groups into files of about the target size.

    It holds what the export carries from one batch to the next (the open file,
    the batches not yet written, the dictionary choice), so that the loop in
    `write_files` only receives batches and hands them over.
    """

    schema: Any
    open_object: Callable[[str], Any]
    stats: StreamStats
    pool: Any
    target_file_bytes: int
    row_group_bytes: int
    compression: str
    file_name: Callable[[int], str]
    _sink: Any = dataclasses.field(default=None, init=False)
    _writer: Any = dataclasses.field(default=None, init=False)
    _pending: list[Any] = dataclasses.field(default_factory=list, init=False)
    _pending_bytes: int = dataclasses.field(default=0, init=False)
    # decided on the first row group, kept for every file
    _dictionary: list[str] | None = dataclasses.field(default=None, init=False)

    def __post_init__(self) -> None:
        # Imported when the export starts, before the readers do, not when the first file opens.
        import pyarrow.parquet as pq

        self._parquet_writer = pq.ParquetWriter

    def add(self, batch: Any) -> None:
        """Hold `batch` until a row group's worth has arrived, then write them together."""
        self._pending.append(batch)
        self._pending_bytes += batch.nbytes
        if self._pending_bytes >= self.row_group_bytes:
            self._flush_row_group()

    def finish(self) -> None:
        """Write what is left and close the last file; an empty result still gets one file for its schema."""
        if self._pending:
            self._flush_row_group()
        if self._writer is None and self.stats.files == 0:
            self._open_file()  # empty result: one file holding only the schema
        if self._writer is not None:
            self._close_file()

    def _flush_row_group(self) -> None:
        """Write the pending batches as one row group, opening a file first and closing it once full."""
        import pyarrow as pa

        row_group = pa.Table.from_batches(self._pending, schema=self.schema)
        if self._dictionary is None:
            self._dictionary = dictionary_columns(row_group)
        if self._writer is None:
            self._open_file()
        assert self._writer is not None and self._sink is not None
        self._writer.write_table(row_group, row_group_size=1 << 30)
        self._pending, self._pending_bytes = [], 0
        if self._sink.tell() >= self.target_file_bytes:
            self._close_file()

    def _open_file(self) -> None:
        """Open the next file with the encodings chosen on the first row group, the same in every file."""
        self._sink = self.open_object(self.file_name(self.stats.files))
        self._writer = self._parquet_writer(
            self._sink,
            self.schema,
            compression=self.compression,
            write_statistics=True,
            use_dictionary=self._dictionary or False,
            dictionary_pagesize_limit=DICTIONARY_PAGE_BYTES,
            column_encoding=delta_columns(self.schema, self._dictionary or []) or None,
            memory_pool=self.pool,
        )
        self.stats.files += 1

    def _close_file(self) -> None:
        """Write the footer and ship the last part; the file's size is final only after the footer."""
        assert self._writer is not None and self._sink is not None
        self._writer.close()
        self._sink.close()
        self.stats.bytes += self._sink.tell()
        self._sink = self._writer = None


def write_files(
    sources: list[BatchSource],
    columns: list[ExportColumn],
    open_object: Callable[[str], Any],
    *,
    target_file_bytes: int,
    row_group_bytes: int,
    compression: str = "zstd",
    file_name: Callable[[int], str] = lambda n: f"part-{n:05d}.parquet",
    on_batch: Callable[[Any], None] | None = None,
) -> StreamStats:
    """Write the batches of every source into Parquet files of about `target_file_bytes`.

    Always writes at least one file, so an empty result still publishes the schema.

    :param open_object: opens a writable, non-seekable object for a file name
        (`PartitionWriter.open`). Called first when the first row group is
        ready, so whatever it waits for runs while the readers start.
    """
    import pyarrow as pa

    schema = target_schema(columns)
    # The system allocator, not Arrow's default jemalloc: a written row group's
    # buffers go back to the OS when freed instead of lingering for jemalloc's
    # decay period: a lower peak in bench/export.py, no slower.
    pool = pa.system_memory_pool()
    stats = StreamStats()
    files = _ParquetFiles(
        schema,
        open_object,
        stats,
        pool=pool,
        target_file_bytes=target_file_bytes,
        row_group_bytes=row_group_bytes,
        compression=compression,
        file_name=file_name,
    )
    handoff: queue.Queue = queue.Queue(maxsize=QUEUE_BATCHES)
    stop = threading.Event()
    readers = _start_readers(sources, schema, pool, handoff, stop)
    try:
        for batch in _received(handoff, len(readers)):
            stats.rows += batch.num_rows
            stats.max_batch_bytes = max(stats.max_batch_bytes, batch.nbytes)
            if on_batch is not None:
                on_batch(batch)
            files.add(batch)
        files.finish()
    except BaseException:
        _cancel_live_readers(sources, readers)
        raise
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    return stats
