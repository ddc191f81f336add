"""A query's result rows on disk, for results too big to keep in the endpoint's memory.

Athena keeps a finished query's result in S3 and serves GetQueryResults pages from it; the
endpoint kept every result's rows in memory for as long as it ran, so a day of audits at a
large size (each reads back a staged table's rows) held gigabytes that no client would read
again. A large result is fetched from DuckDB in chunks and written here as JSON lines, with
the file offset of every PAGE-th row, so a page is one seek and a thousand lines, and the
memory a result takes is one chunk's while it is written (SpilledRows). A result whose columns
Arrow renders (arrow_text.py) is kept as Arrow batches instead, spilled to an Arrow file when
large (TextTable): neither its rows nor its CSV pass through Python one value at a time.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    import pyarrow as pa

PAGE = 1000  # GetQueryResults' largest page

Row = list[str | None]


class _PagedRows(Sequence[Row]):
    """Rows read by index or slice through `_read(start, stop)`, the one way each kind reads them."""

    def _read(self, start: int, stop: int) -> list[Row]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            rows = self._read(start, max(start, stop))
            return rows[::step] if step != 1 else rows
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._read(index, index + 1)[0]


class SpilledRows(_PagedRows):
    """Rows appended once, then read by index, slice or in order."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._offsets: list[int] = []
        self._count = 0
        self._writer = path.open("wb")

    def extend(self, rows: Iterable[Row]) -> None:
        for row in rows:
            if self._count % PAGE == 0:
                self._offsets.append(self._writer.tell())
            self._writer.write(json.dumps(row, separators=(",", ":")).encode() + b"\n")
            self._count += 1

    def finish(self) -> SpilledRows:
        self._writer.close()
        return self

    def __len__(self) -> int:
        return self._count

    def _read(self, start: int, stop: int) -> list[Row]:
        if start >= stop:
            return []
        rows: list[Row] = []
        with self.path.open("rb") as reader:
            reader.seek(self._offsets[start // PAGE])
            for _ in range(start % PAGE):
                reader.readline()
            for _ in range(stop - start):
                rows.append(json.loads(reader.readline()))
        return rows

    def __iter__(self) -> Iterator[Row]:
        with self.path.open("rb") as reader:
            for line in reader:
                yield json.loads(line)


class TextTable(_PagedRows):
    """A result's text held column by column in Arrow batches (arrow_text.py renders them).

    Kept in memory while small; once larger than `spill_over` rows the batches go to an Arrow
    file on disk, opened again only for what a reader asks for (a page, the CSV), so a large
    result costs the endpoint no memory once written. Its CSV is written by Arrow, every value
    quoted and NULL an empty field, as Athena writes its output file.
    """

    def __init__(
        self, counts: list[int], held: list[pa.RecordBatch] | None, path: Path | None = None
    ) -> None:
        self._held = held  # the batches, when kept in memory
        self._path = path  # else the Arrow file holding them
        self._starts = list(itertools.accumulate(counts, initial=0))

    @classmethod
    def build(cls, chunks: Iterable[list[pa.Array]], spill_to: Path, spill_over: int) -> TextTable:
        """Collect the rendered columns of each chunk, on disk at `spill_to` once past `spill_over` rows."""
        import pyarrow as pa

        held: list[pa.RecordBatch] = []
        counts: list[int] = []
        writer = None
        for columns in chunks:
            batch = pa.RecordBatch.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
            counts.append(batch.num_rows)
            if writer is None and sum(counts) > spill_over:
                spill_to.parent.mkdir(parents=True, exist_ok=True)
                writer = pa.ipc.new_file(str(spill_to), batch.schema)
                for kept in held:
                    writer.write_batch(kept)
                held = []
            if writer is None:
                held.append(batch)
            else:
                writer.write_batch(batch)
        if writer is None:
            return cls(counts, held)
        writer.close()
        return cls(counts, None, spill_to)

    def _batches(self, first: int = 0, stop: int | None = None) -> Iterator[pa.RecordBatch]:
        """Batches `first` to `stop`, read from the file (and let go of) when spilled."""
        import pyarrow as pa

        stop = len(self._starts) - 1 if stop is None else stop
        if self._held is not None:
            yield from self._held[first:stop]
            return
        assert self._path is not None
        with pa.memory_map(str(self._path)) as source:
            reader = pa.ipc.open_file(source)
            for index in range(first, stop):
                yield reader.get_batch(index)

    def __len__(self) -> int:
        return self._starts[-1]

    def _read(self, start: int, stop: int) -> list[Row]:
        if start >= stop:
            return []
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_left(self._starts, stop)
        rows: list[Row] = []
        for index, batch in enumerate(self._batches(first, last), start=first):
            offset = self._starts[index]
            rows.extend(_rows_of(batch.slice(max(0, start - offset), stop - max(start, offset))))
        return rows

    def __iter__(self) -> Iterator[Row]:
        for batch in self._batches():
            yield from _rows_of(batch)

    def csv(self, names: Sequence[str]) -> bytes:
        """The output file: a header of `names`, then every row."""
        import pyarrow as pa
        from pyarrow import csv

        schema = pa.schema([pa.field(name, pa.string()) for name in names])
        sink = pa.BufferOutputStream()
        with csv.CSVWriter(sink, schema, write_options=csv.WriteOptions(quoting_style="all_valid")) as writer:
            for batch in self._batches():
                writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
        payload = sink.getvalue().to_pybytes()
        del sink
        pa.default_memory_pool().release_unused()  # a large result's buffers go back to the OS now
        return payload


def _rows_of(batch: pa.RecordBatch) -> list[Row]:
    return [list(row) for row in zip(*(column.to_pylist() for column in batch.columns), strict=True)]
