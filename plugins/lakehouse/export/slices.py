"""A full export of a table too big for one task, split into slices over its integer key.

Why key ranges and not heap page ranges (which the export already reads in parallel inside
one task, in one snapshot): slices run as separate tasks, each in its own snapshot, and a row
updated between two slices' snapshots moves to another page, so page ranges could read it
twice or not at all. A row's key does not move: every row is in exactly one slice. Each slice
reads its range through the key's index, so no slice scans the whole table.

The slices of one export share the batch's export time and window end (taken once, before the
first slice starts), so they make one batch inside one watermark; the batch manifest is written
once every slice has published (`record_sliced_batches` in lakehouse.wap.tasks).
"""

from __future__ import annotations

import math
from typing import Any


def slice_range(key_slice: dict[str, Any] | None) -> tuple[str, int | None, int | None] | None:
    """The export request's key range of a slice (None: not a slice)."""
    if not key_slice:
        return None
    return key_slice["column"], key_slice.get("low"), key_slice.get("high")


def slice_name(index: int, count: int) -> str:
    return f"s{index:03d}of{count:03d}-"


def slice_files(key_slice: dict[str, Any] | None) -> dict[str, Any]:
    """The Target fields of a slice: its files' prefix, and the pattern of its siblings' names."""
    if not key_slice:
        return {}
    count = int(key_slice["count"])
    return {
        "file_prefix": slice_name(int(key_slice["index"]), count),
        "siblings": rf"s\d{{3}}of{count:03d}-",
    }


def plan_slices(
    column: str, low: int, high: int, *, table_bytes: int, slice_bytes: int, max_slices: int
) -> list[dict]:
    """Slices of [low, high] by key, each about `slice_bytes` of the table, at most `max_slices`.

    The first and last are open-ended, so a row inserted below the smallest or above the largest
    key seen when planning still belongs to a slice. Keys are assumed spread evenly over the
    range (serial ids are).
    """
    count = max(1, min(max_slices, math.ceil(table_bytes / slice_bytes)))
    width = max(1, math.ceil((high - low + 1) / count))
    slices = []
    for index in range(count):
        start = low + index * width
        slices.append(
            {
                "column": column,
                "low": None if index == 0 else start,
                "high": None if index == count - 1 else start + width,
                "index": index,
                "count": count,
            }
        )
    return slices


def table_slices(
    hook: Any, schema: str, table: str, key: str, *, above_bytes: int, slice_bytes: int, max_slices: int
) -> list[dict] | None:
    """The slices of a full export of `table` by its integer key `key`; None below `above_bytes`
    (or when the table's size cannot be read cheaply, or it is empty)."""
    from lakehouse.sql import quote_ident

    with hook.snapshot() as snapshot:
        size = snapshot.heap_size(schema, table)
        if size is None or size[1] <= above_bytes:
            return None
        ident = quote_ident(key)
        low, high = snapshot.rows(
            f"select min({ident}), max({ident}) from {quote_ident(schema)}.{quote_ident(table)}"
        )[0]
    if low is None:
        return None
    return plan_slices(
        key, int(low), int(high), table_bytes=size[1], slice_bytes=slice_bytes, max_slices=max_slices
    )
