"""Repointing partitions in batches changes each one as asked, past Glue's batch limits, and
fails naming the partitions Glue refused.

Against the local AWS endpoint over HTTP: Glue's batch calls, their limits and their Errors lists.
"""

from __future__ import annotations

import pytest
from aws_helpers import Lake

from lakehouse.wap.repoint import CREATES_PER_CALL, DELETES_PER_CALL, RepointError, repoint


def _table(lake: Lake) -> dict:
    lake.glue.create_table(
        DatabaseName=lake.database,
        TableInput={
            "Name": "events",
            "PartitionKeys": [{"Name": "day", "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}],
                "Location": f"s3://{lake.bucket}/events/",
            },
        },
    )
    return lake.glue.get_table(DatabaseName=lake.database, Name="events")["Table"]


def _partition(lake: Lake, day: str, version: str) -> dict:
    return {
        "Values": [day],
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}],
            "Location": f"s3://{lake.bucket}/events/{version}/day={day}/",
        },
    }


def _locations(lake: Lake) -> dict[str, str]:
    pages = lake.glue.get_paginator("get_partitions").paginate(DatabaseName=lake.database, TableName="events")
    return {
        p["Values"][0]: p["StorageDescriptor"]["Location"].split("/events/")[1]
        for page in pages
        for p in page["Partitions"]
    }


def test_creates_updates_and_deletes_beyond_one_batch_each_land_as_asked(lake: Lake) -> None:
    _table(lake)
    days = [f"d{n:03d}" for n in range(CREATES_PER_CALL + 30)]
    repoint(lake.glue, lake.database, "events", creates=[_partition(lake, day, "v1") for day in days])
    assert _locations(lake) == {day: f"v1/day={day}/" for day in days}

    moved, gone = days[: CREATES_PER_CALL + 5], days[-(DELETES_PER_CALL + 2) :]
    repoint(
        lake.glue,
        lake.database,
        "events",
        updates=[_partition(lake, day, "v2") for day in moved],
        creates=[_partition(lake, "new", "v2")],
        deletes=gone,
    )
    expected = {day: f"v{2 if day in moved else 1}/day={day}/" for day in days if day not in gone}
    assert _locations(lake) == {**expected, "new": "v2/day=new/"}


def test_a_partition_glue_refuses_fails_the_repoint_naming_it(lake: Lake) -> None:
    _table(lake)
    repoint(lake.glue, lake.database, "events", creates=[_partition(lake, "d1", "v1")])
    with pytest.raises(RepointError, match=r"could not update 1 partitions of .*events: missing: "):
        repoint(
            lake.glue,
            lake.database,
            "events",
            updates=[_partition(lake, "d1", "v2"), _partition(lake, "missing", "v2")],
        )
    assert _locations(lake) == {"d1": "v2/day=d1/"}, "the entries Glue could apply are applied"
