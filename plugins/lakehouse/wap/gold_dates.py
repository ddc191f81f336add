"""Which order dates a date-partitioned gold dataset must rebuild: every silver partition that
changed since the gold dataset's own last change took effect.

Taking only the dates this run's silver plans rewrote is not enough: when a gold audit fails
after silver published, the next run's silver has moved on and the failed run's dates would stay
stale in gold until they happened to change again; a silver rollback would never reach gold at
all. The publish records (records.py) say both sides' history: every silver publish and
rollback lists the partitions it touched, and the gold dataset's newest record whose partitions
are live marks what gold has taken in. The dates touched by silver records after it are owed.
"""

from __future__ import annotations

from typing import Any

from lakehouse.wap.records import TABLE, Record, read_history


def last_applied(history: list[Record], live: dict[str, str]) -> Record | None:
    """The newest record whose partitions are live as it published them (a publish that wrote
    its record and died before repointing is not applied); partitions a newer record touched
    are not held against an older one."""
    later: set[str] = set()
    for record in reversed(history):
        mine = {p: loc for p, loc in record.published.items() if p not in later}
        if all(live.get(p) == loc for p, loc in mine.items()):
            return record
        later |= record.touched
    return None


def live_partitions(glue: Any, database: str, table: str) -> dict[str, str]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return {p["Values"][0]: p["StorageDescriptor"]["Location"] for page in pages for p in page["Partitions"]}


def once_published(live: dict[str, str], staged: dict[str, str], rewritten: list[str]) -> dict[str, str]:
    """The partitions a table will have once a staging is published (publish.py): its staged
    partitions, and the live ones it does not rewrite (a rewritten one it staged none of is dropped)."""
    gone = set(rewritten)
    return {**{day: where for day, where in live.items() if day not in gone}, **staged}


def owed_dates(
    s3: Any, bucket: str, glue: Any, *, gold_database: str, dataset: str, silver_tables: list[str]
) -> set[str] | None:
    """Dates the silver tables changed after gold `dataset`'s last applied change; None when the
    dataset has no such record (never published with records, or its records were cleaned up
    past the rollback window): then only a rebuild of every date is safe."""
    try:
        live = live_partitions(glue, gold_database, dataset)
    except glue.exceptions.EntityNotFoundException:
        return None
    applied = last_applied(read_history(s3, bucket, "gold", dataset), live)
    if applied is None:
        return None
    owed: set[str] = set()
    for table in silver_tables:
        for record in read_history(s3, bucket, "silver", table):
            if record.recorded_at > applied.recorded_at:
                owed |= record.touched - {TABLE}
    return owed
