"""A query's result rows on disk, for results too big to keep in the endpoint's memory.

Athena keeps a finished query's result in S3 and serves GetQueryResults pages from it; the
endpoint kept every result's rows in memory for as long as it ran, so a day of audits at a
large size (each reads back a staged table's rows) held gigabytes that no client would read
again. A large result is fetched from DuckDB in chunks and written here as JSON lines, with
the file offset of every PAGE-th row, so a page is one seek and a thousand lines, and the
memory a result takes is one chunk's while it is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

PAGE = 1000  # GetQueryResults' largest page

Row = list[str | None]


class SpilledRows(Sequence[Row]):
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

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            rows = self._read(start, max(start, stop))
            return rows[::step] if step != 1 else rows
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._read(index, index + 1)[0]

    def __iter__(self) -> Iterator[Row]:
        with self.path.open("rb") as reader:
            for line in reader:
                yield json.loads(line)
