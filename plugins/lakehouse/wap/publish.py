"""Publish a staged dataset by repointing the Glue catalog at its files (write-audit-publish: publish).

Nothing is copied: each staged partition already sits in its own run-scoped
location, so publishing is one Glue call per partition (create or update it to
point there), which readers see atomically, partition by partition. A whole
dataset (no partitions) is published by moving the table's location. The
locations that stop being live are written to a manifest, kept for rollback
and for a later clean-up, never deleted here.

Affected partitions that came out empty (every record in them deleted) are
dropped from the live table, so they stop showing stale rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from lakehouse.wap.plan import StagePlan

TABLE_INPUT_KEYS = ("Name", "Description", "Owner", "Retention", "PartitionKeys", "TableType", "Parameters")


def _table_or_none(glue: Any, database: str, name: str) -> dict | None:
    try:
        return glue.get_table(DatabaseName=database, Name=name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        return None


def _all_partitions(glue: Any, database: str, table: str) -> list[dict]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return [partition for page in pages for partition in page["Partitions"]]


def _table_input(table: dict, *, name: str, location: str, columns: list[dict]) -> dict:
    table_input = {key: table[key] for key in TABLE_INPUT_KEYS if key in table}
    descriptor = dict(table["StorageDescriptor"], Location=location, Columns=columns)
    table_input.update(Name=name, TableType="EXTERNAL_TABLE", StorageDescriptor=descriptor)
    table_input.setdefault("Parameters", {})["classification"] = "parquet"
    return table_input


def _partition_input(partition: dict) -> dict:
    return {"Values": partition["Values"], "StorageDescriptor": partition["StorageDescriptor"]}


def publish(glue: Any, s3: Any, plan: StagePlan, bucket: str) -> dict[str, Any]:
    """Point the live table at the staged data; return what changed and what was superseded."""
    staged = _table_or_none(glue, plan.staging_database, plan.temp_table)
    if staged is None:
        raise LookupError(f"staged table {plan.staging_database}.{plan.temp_table} not found")
    columns = staged["StorageDescriptor"]["Columns"]
    live = _table_or_none(glue, plan.live_database, plan.name)
    superseded: list[dict[str, Any]] = []

    if live is None:
        location = plan.location if not plan.partition_column else plan.live_location
        glue.create_table(
            DatabaseName=plan.live_database,
            TableInput=_table_input(staged, name=plan.name, location=location, columns=columns),
        )
    elif plan.partition_column is None or live["StorageDescriptor"]["Columns"] != columns:
        # a whole dataset moves to the staged location; a partitioned one keeps
        # its root but takes the staged schema (new columns)
        old_location = live["StorageDescriptor"]["Location"]
        location = plan.location if plan.partition_column is None else old_location
        glue.update_table(
            DatabaseName=plan.live_database,
            TableInput=_table_input(live, name=plan.name, location=location, columns=columns),
        )
        if location != old_location:
            superseded.append({"location": old_location})

    published: list[str] = []
    dropped: list[str] = []
    if plan.partition_column:
        existing = {p["Values"][0]: p for p in _all_partitions(glue, plan.live_database, plan.name)}
        for partition in _all_partitions(glue, plan.staging_database, plan.temp_table):
            value = partition["Values"][0]
            if value in existing:
                superseded.append(
                    {"partition": value, "location": existing[value]["StorageDescriptor"]["Location"]}
                )
                glue.update_partition(
                    DatabaseName=plan.live_database,
                    TableName=plan.name,
                    PartitionValueList=[value],
                    PartitionInput=_partition_input(partition),
                )
            else:
                glue.create_partition(
                    DatabaseName=plan.live_database,
                    TableName=plan.name,
                    PartitionInput=_partition_input(partition),
                )
            published.append(value)
        for value in sorted(set(plan.partitions) - set(published)):
            if value in existing:
                superseded.append(
                    {"partition": value, "location": existing[value]["StorageDescriptor"]["Location"]}
                )
                glue.delete_partition(
                    DatabaseName=plan.live_database, TableName=plan.name, PartitionValues=[value]
                )
                dropped.append(value)

    manifest_key = f"_superseded/{plan.layer}/{plan.name}/{plan.temp_table}.json"
    if superseded:
        now = datetime.now(UTC).isoformat()
        body = {
            "dataset": plan.dataset,
            "published_at": now,
            "superseded_by": plan.location,
            "locations": superseded,
        }
        s3.put_object(Bucket=bucket, Key=manifest_key, Body=json.dumps(body, indent=2).encode())
    return {
        "dataset": plan.dataset,
        "published_partitions": published,
        "dropped_partitions": dropped,
        "location": plan.location,
        "superseded": len(superseded),
        "superseded_manifest": f"s3://{bucket}/{manifest_key}" if superseded else None,
    }
