"""Bronze batches and silver's watermark: why a skipped day is caught up and an old one never regresses.

Each export is a *batch*: the rows of one table whose cursor fell in a window,
or a whole-table snapshot, written to that run's bronze partition. Its manifest
(`_batches/<table>/<ingest date>.json`, beside the data in the lake bucket)
says what it read and when. Silver's publish records a *watermark*
(`_watermarks/<table>.json`): the newest batch it merged (by export time) and
the cursor's high-water mark those batches cover. Only a publish advances it.

- An export reads from the high-water mark (or the interval's start, when that
  is earlier), not from its own interval's start: a day that never ran, or
  failed and was never cleared, is read by the next run.
- Silver merges every batch exported after the newest one it merged, so it
  catches up on batches a failed run left, and never merges a batch older than
  what it holds: clearing an older day's silver alone finds nothing to merge,
  rather than bringing back an old snapshot or a row deleted since.
- An older day re-exported later reads current rows (a deleted row's cursor
  moved past that window), so merging it is safe.

Kept in the lake, not in Airflow's database: the watermark describes the lake's
data and must move, or vanish, with it. A lake without watermarks (new, or
lost) is rebuilt by the next run: its exports read everything.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse.names import BATCHES_PREFIX, WATERMARKS_PREFIX

# how far S3's clock (LastModified) may be behind the workers' (exported_at) before a manifest is missed
CLOCK_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class Batch:
    """What one export wrote into one bronze partition."""

    table: str
    ingest_date: str
    mode: str  # "incremental" (a cursor window) or "full" (a snapshot of the whole table)
    read_from: str | None  # ISO-8601; None: from the table's first row (and for a snapshot)
    read_to: str | None  # ISO-8601, exclusive: the run's window end
    rows: int
    exported_at: str  # ISO-8601 UTC, taken before the export's snapshot: orders batches
    key_rows: int | None = None  # hard deletes: the keys the table had, exported after the changes

    @property
    def key(self) -> str:
        return batch_key(self.table, self.ingest_date)

    def exported(self) -> datetime:
        return datetime.fromisoformat(self.exported_at)


@dataclass(frozen=True)
class Watermark:
    """What silver holds of one table: batches merged up to `merged_through`, cursor up to `high_water`."""

    table: str
    merged_through: str | None = None  # exported_at of the newest merged batch
    high_water: str | None = None  # every change with a cursor before this is in silver
    published_by: str | None = None  # the run that advanced it last


@dataclass(frozen=True)
class MergeSelection:
    """The batches one silver plan merges; `rebuild` when a snapshot among them replaces silver."""

    batches: list[Batch]
    rebuild: bool

    @property
    def ingest_dates(self) -> list[str]:
        return sorted({batch.ingest_date for batch in self.batches})

    @property
    def rows(self) -> int:
        return sum(batch.rows for batch in self.batches)


def batch_key(table: str, ingest_date: str) -> str:
    return f"{BATCHES_PREFIX}/{table}/{ingest_date}.json"


def watermark_key(table: str) -> str:
    return f"{WATERMARKS_PREFIX}/{table}.json"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def new_batch(
    table: str,
    ingest_date: str,
    *,
    mode: str,
    read_from: datetime | None,
    read_to: datetime | None,
    rows: int,
    exported_at: datetime,
    key_rows: int | None = None,
) -> Batch:
    return Batch(
        table, ingest_date, mode, _iso(read_from), _iso(read_to), rows, _iso(exported_at) or "", key_rows
    )


def _read_json(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def write_batch(s3: Any, bucket: str, batch: Batch) -> None:
    s3.put_object(Bucket=bucket, Key=batch.key, Body=json.dumps(asdict(batch), indent=2).encode())


def list_batches(s3: Any, bucket: str, table: str, since: str | None = None) -> list[Batch]:
    """The batch manifests of a table, oldest export first: all, or those exported after `since`.

    Why `since`: a table gathers a manifest a day, and a plan needs only the
    ones after its watermark; a manifest is written after its export started,
    so one last modified well before `since` (S3's clock, hence the margin)
    holds an older export and is not read.
    """
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{BATCHES_PREFIX}/{table}/")
    oldest = None if since is None else datetime.fromisoformat(since) - CLOCK_MARGIN
    keys = [
        item["Key"]
        for page in pages
        for item in page.get("Contents", [])
        if oldest is None or item["LastModified"] >= oldest
    ]
    batches = []
    for key in filter(lambda key: key.endswith(".json"), keys):
        found = _read_json(s3, bucket, key)
        if found is not None:
            batches.append(Batch(**found))
    return sorted(batches, key=Batch.exported)


def read_watermark(s3: Any, bucket: str, table: str) -> Watermark:
    found = _read_json(s3, bucket, watermark_key(table))
    return Watermark(table) if found is None else Watermark(**found)


def write_watermark(s3: Any, bucket: str, watermark: Watermark) -> None:
    body = json.dumps(asdict(watermark), indent=2).encode()
    s3.put_object(Bucket=bucket, Key=watermark_key(watermark.table), Body=body)


def export_start(watermark: Watermark, window_start: datetime) -> datetime | None:
    """Where an incremental export starts reading: the high-water mark when it is earlier than the window.

    None (everything) when silver holds nothing of the table yet: the first run,
    or a lake that was lost, loads the whole table.
    """
    if watermark.high_water is None:
        return None
    return min(datetime.fromisoformat(watermark.high_water), window_start)


def select_batches(batches: list[Batch], watermark: Watermark) -> MergeSelection:
    """The batches exported after the newest merged one; from the newest snapshot on, when there is one.

    A snapshot (a full export) holds every row, so batches exported before it
    add nothing, and it replaces silver instead of merging into it.
    """
    merged = None if watermark.merged_through is None else datetime.fromisoformat(watermark.merged_through)
    pending = [batch for batch in batches if merged is None or batch.exported() > merged]
    snapshots = [batch for batch in pending if batch.mode == "full"]
    if snapshots:
        newest = snapshots[-1]
        return MergeSelection([b for b in pending if b.exported() >= newest.exported()], rebuild=True)
    return MergeSelection(pending, rebuild=False)


def advanced(watermark: Watermark, merged: list[Batch], run_id: str) -> Watermark:
    """The watermark after `merged` was published: never moved back by an older batch."""
    if not merged:
        return watermark
    through = max([watermark.merged_through, *(b.exported_at for b in merged)], key=_moment_or_min)
    high_water = max([watermark.high_water, *(b.read_to for b in merged)], key=_moment_or_min)
    return Watermark(watermark.table, through, high_water, run_id)


def _moment_or_min(value: str | None) -> datetime:
    return datetime.min.replace(tzinfo=UTC) if value is None else datetime.fromisoformat(value)
