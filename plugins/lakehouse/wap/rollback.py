"""Roll a published dataset back, or forward, to the version an earlier run published.

Nothing is copied, as nothing is in a publish: the locations a version was
read from are still in the lake (the clean-up keeps them for the rollback
window), so restoring it repoints the Glue catalog at them, partition by
partition, as a publish does. Which locations those are comes from the
publish records (lakehouse.wap.records): undoing every change recorded after
the version, newest first, leaves each partition it touched at the location
the oldest undone change replaced, or without a partition where that change
created it.

A rollback is a change like a publish: it is staged (a temp table in the
staging database over the restored locations) and audited against the
dataset's expectation suite before anything is visible, and it writes its own
record before it repoints, so it can itself be undone. Rolling forward is a
rollback to the run that was live before.

Where each partition goes is decided from the records alone, never from the
catalog's current state, so a try that died half-way decides the same thing
again and its retry converges; the catalog is read only to skip what is
already where it should be (an earlier try's work, or a dataset already at
that version).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from lakehouse.config import PipelineConfig
from lakehouse.names import RUNS_PREFIX
from lakehouse.wap.records import ROLLBACK, TABLE, Record, read_history, record_key, write_record
from lakehouse.wap.repoint import repoint

PREVIOUS = "previous"
# what `to` may be besides PREVIOUS: a DAG run id as Airflow allows them (its default allowed_run_id_pattern)
RUN_ID_PATTERN = r"[A-Za-z0-9_.~:+-]{1,250}"
TO_PATTERN = rf"^({PREVIOUS}|{RUN_ID_PATTERN})$"
ALL = "*"
TABLE_INPUT_KEYS = ("Description", "Owner", "Retention", "PartitionKeys", "Parameters")


class NothingToRestore(ValueError):
    """The records hold no version that answers the request; retrying cannot change that."""


def dataset_choices(config: PipelineConfig) -> list[str]:
    """What the `dataset` param may name: each silver and gold dataset, or all of a layer (`gold.*`)."""
    silver = [f"silver.{table.name}" for table in config.source.tables]
    gold = [f"gold.{dataset.name}" for dataset in config.gold]
    return [*silver, f"silver.{ALL}", *gold, f"gold.{ALL}"]


def selected_datasets(config: PipelineConfig, choice: str) -> list[tuple[str, str]]:
    """(layer, name) of each dataset `choice` names; anything but a choice of pipeline.yaml's is refused."""
    if choice not in dataset_choices(config):
        raise NothingToRestore(f"dataset {choice!r} is not one of {', '.join(dataset_choices(config))}")
    layer, _, name = choice.partition(".")
    if name != ALL:
        return [(layer, name)]
    return config.datasets(layer)


def checked_to(to: str) -> str:
    if not re.fullmatch(TO_PATTERN, to or ""):
        raise NothingToRestore(f"to={to!r} is neither {PREVIOUS!r} nor a DAG run id")
    return to


def dataset_layout(config: PipelineConfig, layer: str, name: str) -> dict[str, Any]:
    """Where a dataset lives and how it is partitioned, from pipeline.yaml (never from the request)."""
    if layer == "silver":
        table = config.table(name)
        partition_column, keys = table.silver_partition, table.primary_key
    else:
        dataset = config.gold_dataset(name)
        partition_column, keys = dataset.partition_column, dataset.key_columns
    return {
        "layer": layer,
        "name": name,
        "live_database": getattr(config.lake.databases, layer),
        "live_location": config.lake.prefix(layer, name),
        "staging_database": config.lake.databases.staging,
        "partition_column": partition_column,
        "key_columns": list(keys),
    }


def stage_name(layer: str, name: str, run_id: str) -> str:
    """The temp table a rollback run stages a dataset in: the same on every try, so a retry replaces it."""
    slug = re.sub(r"[^a-z0-9]+", "_", run_id.lower()).strip("_")[:60]
    return f"{layer}_{name}_rollback_{slug}"


@dataclass
class Restore:
    """One dataset's rollback, decided before any change: where each touched partition goes."""

    layer: str
    name: str
    live_database: str
    live_location: str
    staging_database: str
    partition_column: str | None
    key_columns: list[str]
    temp_table: str
    version: str  # the run whose published version this restores
    restores: str  # the key of the record after which the dataset was in that state
    target: dict[str, str | None] = field(default_factory=dict)  # partition (TABLE) -> location; None: none
    before: dict[str, str | None] = field(default_factory=dict)  # the same, as found when decided

    @property
    def dataset(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def changes(self) -> dict[str, tuple[str | None, str | None]]:
        """partition -> (live location when decided, restored location), for those that move."""
        return {p: (self.before.get(p), loc) for p, loc in self.target.items() if self.before.get(p) != loc}

    @property
    def restored_partitions(self) -> list[str]:
        return sorted(p for p, (_, loc) in self.changes.items() if p != TABLE and loc is not None)

    def to_xcom(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_xcom(cls, data: dict[str, Any]) -> Restore:
        return cls(**data)


def _live_index(history: list[Record]) -> int:
    """The record whose state is live: the last one, or for a rollback the record it gave back."""
    index = len(history) - 1
    by_key = {record.key: n for n, record in enumerate(history)}
    seen = set()
    while history[index].kind == ROLLBACK and history[index].restores in by_key and index not in seen:
        seen.add(index)
        index = by_key[history[index].restores]
    return index


def _target_index(history: list[Record], to: str, dataset: str) -> int:
    """The record right after which the dataset was as `to` asks."""
    if to == PREVIOUS:
        live = _live_index(history)
        if live == 0:
            raise NothingToRestore(
                f"{dataset}: the live version (run {history[live].version}) is the first one recorded;"
                " there is none before it to restore"
            )
        return live - 1
    found = [n for n, record in enumerate(history) if record.run_id == to]
    if not found:
        runs = ", ".join(dict.fromkeys(record.run_id for record in reversed(history) if record.run_id))
        raise NothingToRestore(f"{dataset}: run {to!r} published no version of it; recorded runs: {runs}")
    return found[-1]


def _all_partitions(glue: Any, database: str, table: str) -> dict[str, dict]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return {p["Values"][0]: p for page in pages for p in page["Partitions"]}


def _live_locations(glue: Any, database: str, name: str, wanted: set[str]) -> dict[str, str | None]:
    """Where each of the `wanted` partitions (TABLE: the table itself) is served now; None: absent."""
    table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    live = {
        p: part["StorageDescriptor"]["Location"] for p, part in _all_partitions(glue, database, name).items()
    }
    live[TABLE] = table["StorageDescriptor"]["Location"]
    return {p: live.get(p) for p in wanted}


def resolve(
    glue: Any, s3: Any, bucket: str, layout: dict[str, Any], *, to: str, run_id: str
) -> Restore | None:
    """Decide one dataset's rollback from its records; None when it is already at that version.

    This run's own record (a try that died after writing it) is not history:
    leaving it out decides what the first try decided.
    """
    layer, name = layout["layer"], layout["name"]
    dataset = f"{layer}.{name}"
    history = [
        record
        for record in read_history(s3, bucket, layer, name)
        if not (record.kind == ROLLBACK and record.run_id == run_id)
    ]
    if not history:
        raise NothingToRestore(f"{dataset}: no publish of it is recorded")
    index = _target_index(history, to, dataset)
    target: dict[str, str | None] = {}
    for record in reversed(history[index + 1 :]):  # newest first: the oldest undone change has the last word
        for partition in record.touched:
            target[partition] = record.superseded.get(partition)
    if target.get(TABLE, "") is None:
        raise NothingToRestore(f"{dataset}: restoring run {to} would leave no table to read")
    partitioned = layout["partition_column"] is not None
    if (TABLE in target) if partitioned else any(p != TABLE for p in target):
        # only a publish that replaced the table in another layout touches both kinds
        raise NothingToRestore(
            f"{dataset}: restoring run {to} would cross the change of its layout (pipeline.yaml has it"
            f" {'partitioned by ' + layout['partition_column'] if partitioned else 'without partitions'});"
            " roll back to a version published since"
        )
    restore = Restore(
        **layout,
        temp_table=stage_name(layer, name, run_id),
        version=history[index].version,
        restores=history[index].key,
        target=target,
        before=_live_locations(glue, layout["live_database"], name, set(target)),
    )
    return restore if restore.changes else None


def _split(location: str) -> tuple[str, str]:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return bucket, key


def missing_locations(s3: Any, restore: Restore) -> list[str]:
    """Restored locations with no files left (deleted by the clean-up past the rollback window)."""
    missing = []
    for _, location in restore.changes.values():
        if location is None:
            continue
        bucket, key = _split(location)
        if not s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1).get("KeyCount"):
            missing.append(location)
    return sorted(missing)


def _descriptor(base: dict[str, Any], location: str) -> dict[str, Any]:
    return dict(base, Location=location)


def _partition_inputs(table: dict, live: dict[str, dict], locations: dict[str, str]) -> list[dict[str, Any]]:
    """Glue inputs of partitions at `locations`, described as their live versions are (or as the table)."""
    inputs = []
    for value, location in sorted(locations.items()):
        base = live[value]["StorageDescriptor"] if value in live else table["StorageDescriptor"]
        inputs.append({"Values": [value], "StorageDescriptor": _descriptor(base, location)})
    return inputs


def drop_stage(glue: Any, database: str, temp_table: str) -> None:
    with contextlib.suppress(glue.exceptions.EntityNotFoundException):
        glue.delete_table(DatabaseName=database, Name=temp_table)


def stage(glue: Any, restore: Restore) -> dict[str, Any]:
    """A temp table over what the rollback restores, for the audit to read; returns its stage plan.

    The table is described as the live one (columns, format, partition keys);
    it holds the partitions that get a location back, so the audit reads the
    restored rows and, through the live table, every partition that stays.
    """
    from lakehouse.wap.plan import StagePlan

    live = glue.get_table(DatabaseName=restore.live_database, Name=restore.name)["Table"]
    # partitioned: a folder of its own that holds nothing (its partitions point at the restored files)
    location = restore.target.get(TABLE) or f"{restore.live_location}{RUNS_PREFIX}/{restore.temp_table}/"
    table_input = {key: live[key] for key in TABLE_INPUT_KEYS if key in live}
    table_input.update(
        Name=restore.temp_table,
        TableType="EXTERNAL_TABLE",
        StorageDescriptor=_descriptor(live["StorageDescriptor"], location),
    )
    drop_stage(glue, restore.staging_database, restore.temp_table)  # an earlier try's
    glue.create_table(DatabaseName=restore.staging_database, TableInput=table_input)
    partitions = {}
    if restore.partition_column:
        partitions = _all_partitions(glue, restore.live_database, restore.name)
    restored = {p: restore.target[p] for p in restore.restored_partitions}
    inputs = _partition_inputs(live, partitions, restored)
    repoint(glue, restore.staging_database, restore.temp_table, creates=inputs)
    plan = StagePlan(
        layer=restore.layer,
        name=restore.name,
        live_database=restore.live_database,
        live_location=restore.live_location,
        staging_database=restore.staging_database,
        temp_table=restore.temp_table,
        location=location,
        partition_column=restore.partition_column,
        key_columns=restore.key_columns,
        partitions=sorted(p for p in restore.changes if p != TABLE),
    )
    return plan.to_xcom()


def apply(glue: Any, s3: Any, bucket: str, restore: Restore, *, run_id: str, dag_id: str) -> dict[str, Any]:
    """Record the rollback, then repoint the catalog; what an earlier try already repointed is skipped."""
    database, name = restore.live_database, restore.name
    table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    partitions = _all_partitions(glue, database, name) if restore.partition_column else {}
    now = {p: part["StorageDescriptor"]["Location"] for p, part in partitions.items()}
    now[TABLE] = table["StorageDescriptor"]["Location"]
    moves = {p: (now.get(p), loc) for p, loc in restore.target.items() if now.get(p) != loc}

    key = record_key(restore.layer, name, f"rollback_{stage_name(restore.layer, name, run_id)}")
    write_record(
        s3,
        bucket,
        key,
        dataset=restore.dataset,
        superseded_by=restore.target.get(TABLE) or restore.live_location,
        superseded={p: old for p, (old, _) in moves.items() if old is not None},
        published={p: new for p, (_, new) in restore.changes.items() if new is not None},
        kind=ROLLBACK,
        run_id=run_id,
        dag_id=dag_id,
        version=restore.version,
        restores=restore.restores,
    )
    if TABLE in moves:
        table_input = {k: table[k] for k in TABLE_INPUT_KEYS if k in table}
        table_input.update(
            Name=name,
            TableType="EXTERNAL_TABLE",
            StorageDescriptor=_descriptor(table["StorageDescriptor"], moves[TABLE][1]),
        )
        glue.update_table(DatabaseName=database, TableInput=table_input)
    repointed = {p: new for p, (_, new) in moves.items() if p != TABLE and new is not None}
    inputs = _partition_inputs(table, partitions, repointed)
    dropped = sorted(p for p, (_, new) in moves.items() if p != TABLE and new is None)
    repoint(
        glue,
        database,
        name,
        updates=[p for p in inputs if p["Values"][0] in partitions],
        creates=[p for p in inputs if p["Values"][0] not in partitions],
        deletes=dropped,
    )
    return {
        "dataset": restore.dataset,
        "version": restore.version,
        "table_location": moves.get(TABLE, (None, None))[1],
        "repointed_partitions": sorted(repointed),
        "dropped_partitions": dropped,
        "record": f"s3://{bucket}/{key}",
    }
