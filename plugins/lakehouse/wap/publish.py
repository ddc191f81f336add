"""Publish a staged dataset by repointing the Glue catalog at its files (write-audit-publish: publish).

Nothing is copied: each staged partition already sits in its own run-scoped
location, so publishing creates or updates each partition to point there
(batched, repoint.py), which readers see atomically, partition by partition. A whole
dataset (no partitions) is published by moving the table's location. The
locations that stop being live are written to a record beside the one of
every other change to the dataset (lakehouse.wap.records), with the
locations made live and the run, kept for rollback and for a later clean-up;
nothing is deleted here.

Affected partitions that came out empty (every record in them deleted) are
dropped from the live table, so they stop showing stale rows. What the plan says
the staged data was built from (wap/settled.py) is set on the table's parameters. A staging whose
partition keys differ from the live table's (pipeline.yaml changed the layout,
and a full refresh rebuilt the dataset) replaces the table whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lakehouse.wap.gold_dates import live_partitions
from lakehouse.wap.plan import StagePlan
from lakehouse.wap.records import PUBLISH, TABLE, read_record, record_key, write_record
from lakehouse.wap.repoint import repoint

TABLE_INPUT_KEYS = ("Name", "Description", "Owner", "Retention", "PartitionKeys", "TableType", "Parameters")


def _table_or_none(glue: Any, database: str, name: str) -> dict | None:
    try:
        return glue.get_table(DatabaseName=database, Name=name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        return None


def _all_partitions(glue: Any, database: str, table: str) -> list[dict]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return [partition for page in pages for partition in page["Partitions"]]


def _table_input(
    table: dict, *, name: str, location: str, columns: list[dict], parameters: dict[str, str]
) -> dict:
    table_input = {key: table[key] for key in TABLE_INPUT_KEYS if key in table}
    descriptor = dict(table["StorageDescriptor"], Location=location, Columns=columns)
    table_input.update(Name=name, TableType="EXTERNAL_TABLE", StorageDescriptor=descriptor)
    table_input["Parameters"] = {
        **table_input.get("Parameters", {}),
        **parameters,
        "classification": "parquet",
    }
    return table_input


def _keys(table: dict) -> list[str]:
    return [key["Name"] for key in table.get("PartitionKeys", [])]


def _partition_input(partition: dict) -> dict:
    return {"Values": partition["Values"], "StorageDescriptor": partition["StorageDescriptor"]}


@dataclass
class PartitionChanges:
    """What publishing a partitioned staging does to the live partitions, decided before any change."""

    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)
    live_after: dict[str, str] = field(default_factory=dict)  # partition -> its location once published


def _partition_changes(glue: Any, plan: StagePlan, live: dict | None) -> PartitionChanges:
    """Staged partitions become live (created, or repointed when elsewhere); planned ones staging lacks go."""
    changes = PartitionChanges()
    existing = (
        {}
        if live is None
        else {p["Values"][0]: p for p in _all_partitions(glue, plan.live_database, plan.name)}
    )
    for partition in _all_partitions(glue, plan.staging_database, plan.temp_table):
        value = partition["Values"][0]
        changes.published.append(value)
        changes.live_after[value] = partition["StorageDescriptor"]["Location"]
        current = existing.get(value)
        if current is None:
            changes.creates.append(partition)
        elif current["StorageDescriptor"]["Location"] != partition["StorageDescriptor"]["Location"]:
            location = current["StorageDescriptor"]["Location"]
            changes.superseded.append({"partition": value, "location": location})
            changes.updates.append(partition)
        # else: a retried publish already made this partition live
    for value in sorted(set(plan.partitions) - set(changes.published)):
        if value in existing:
            location = existing[value]["StorageDescriptor"]["Location"]
            changes.superseded.append({"partition": value, "location": location})
            changes.deletes.append(value)
    return changes


def _published_before(glue: Any, s3: Any, plan: StagePlan, bucket: str) -> dict[str, Any] | None:
    """The summary of a publish of this staging that completed and then lost its temp table (the
    last step drops it: a try that died after it is retried), or None when there was none."""
    key = record_key(plan.layer, plan.name, plan.temp_table)
    record = read_record(s3, bucket, key)
    live = _table_or_none(glue, plan.live_database, plan.name)
    if record is None or live is None or not record.published:
        return None  # a staging that only dropped partitions leaves nothing to recognise it by
    if plan.partition_column:
        current = live_partitions(glue, plan.live_database, plan.name)
    else:
        current = {TABLE: live["StorageDescriptor"]["Location"]}
    if any(current.get(partition) != location for partition, location in record.published.items()):
        return None
    published = sorted(p for p in record.published if p != TABLE)
    return _summary(plan, bucket, key, published=published, dropped=[], superseded=len(record.superseded))


def _summary(
    plan: StagePlan, bucket: str, key: str, *, published: list[str], dropped: list[str], superseded: int
) -> dict[str, Any]:
    """What a publish returns (its task's XCom): what changed, and where its record is."""
    return {
        "dataset": plan.dataset,
        "published_partitions": published,
        "dropped_partitions": dropped,
        "location": plan.location,
        "superseded": superseded,
        "superseded_manifest": f"s3://{bucket}/{key}" if superseded else "",
        "record": f"s3://{bucket}/{key}",
    }


def publish(
    glue: Any,
    s3: Any,
    plan: StagePlan,
    bucket: str,
    *,
    run_id: str = "",
    dag_id: str = "",
    day: str = "",
) -> dict[str, Any]:
    """Point the live table at the staged data; return what changed and what was superseded.

    `run_id` (and `dag_id`) name the run in the change's record: the version a
    rollback asks for by run id. `day` is the run's business day, recorded so that
    the freshness check can tell which day a dataset was last published for.
    """
    staged = _table_or_none(glue, plan.staging_database, plan.temp_table)
    if staged is None:
        done = _published_before(glue, s3, plan, bucket)
        if done is None:
            raise LookupError(f"staged table {plan.staging_database}.{plan.temp_table} not found")
        return done
    columns = staged["StorageDescriptor"]["Columns"]
    live = _table_or_none(glue, plan.live_database, plan.name)
    replaced = live if live is not None and _keys(live) != _keys(staged) else None
    if replaced is not None:
        # the layout changed (pipeline.yaml partitions the dataset now, or no longer; the plan
        # rebuilt it whole): the table is created anew, and all the old one served is superseded
        live = None

    # decide everything first ...
    table_location: str | None = None  # the live table's new location, when it moves
    changes = _partition_changes(glue, plan, live) if plan.partition_column else PartitionChanges()
    superseded = changes.superseded
    if replaced is not None:
        superseded.insert(0, {"location": replaced["StorageDescriptor"]["Location"]})
        superseded += [
            {"partition": p["Values"][0], "location": p["StorageDescriptor"]["Location"]}
            for p in _all_partitions(glue, plan.live_database, plan.name)
        ]
    if live is not None:
        old_location = live["StorageDescriptor"]["Location"]
        table_location = old_location if plan.partition_column else plan.location
        if table_location != old_location:
            superseded.insert(0, {"location": old_location})

    manifest_key = record_key(plan.layer, plan.name, plan.temp_table)
    write_record(
        s3,
        bucket,
        manifest_key,
        dataset=plan.dataset,
        superseded_by=plan.location,
        superseded={entry.get("partition", TABLE): entry["location"] for entry in superseded},
        published=changes.live_after if plan.partition_column else {TABLE: plan.location},
        kind=PUBLISH,
        run_id=run_id,
        dag_id=dag_id,
        day=day,
    )

    # ... then repoint: each partition atomically for readers (repoint.py batches the calls)
    if replaced is not None:  # readers see no table until it is created again, a moment later
        glue.delete_table(DatabaseName=plan.live_database, Name=plan.name)
    if live is None:
        location = plan.live_location if plan.partition_column else plan.location
        glue.create_table(
            DatabaseName=plan.live_database,
            TableInput=_table_input(
                staged, name=plan.name, location=location, columns=columns, parameters=plan.table_parameters
            ),
        )
    elif (
        table_location != live["StorageDescriptor"]["Location"]
        or live["StorageDescriptor"]["Columns"] != columns
        or any(live.get("Parameters", {}).get(k) != v for k, v in plan.table_parameters.items())
    ):
        glue.update_table(
            DatabaseName=plan.live_database,
            TableInput=_table_input(
                live,
                name=plan.name,
                location=table_location,
                columns=columns,
                parameters=plan.table_parameters,
            ),
        )
    repoint(
        glue,
        plan.live_database,
        plan.name,
        updates=[_partition_input(partition) for partition in changes.updates],
        creates=[_partition_input(partition) for partition in changes.creates],
        deletes=changes.deletes,
    )
    return _summary(
        plan,
        bucket,
        manifest_key,
        published=changes.published,
        dropped=changes.deletes,
        superseded=len(superseded),
    )
