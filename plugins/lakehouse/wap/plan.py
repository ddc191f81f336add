"""Plan one dataset's write-audit-publish: what to rewrite, where to stage it, which SQL to run.

A plan is made per run and per dataset, after bronze has been crawled:
- which bronze batches silver has not merged yet (lakehouse.batches), and which
  partitions their change records touch (only those are rewritten; the daily
  cost follows the day's changes, not the table's history);
- a fresh, run-scoped staging location and temp table name, never reused, so a
  retry or re-run never overwrites files a live partition may point at;
- a CTAS and one INSERT per further chunk of at most 100 partitions, which
  is as many as Athena writes in one statement.

The plan is returned to XCom as plain data; the provider's AthenaOperator runs
its statements, and the audit and publish steps read it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Protocol, TypeVar

from lakehouse.batches import MergeSelection, Watermark
from lakehouse.config import GoldDataset, PipelineConfig, SourceTable
from lakehouse.names import RUNS_PREFIX, key_set_table
from lakehouse.sql import render
from lakehouse.wap import settled
from lakehouse.wap.gold_dates import live_partitions, once_published

MAX_PARTITIONS_PER_STATEMENT = 100


class RowSource(Protocol):
    def rows(self, sql: str, database: str) -> list[list[str | None]]: ...


@dataclass
class StagePlan:
    """Everything the stage, audit and publish steps of one dataset need."""

    layer: str
    name: str
    live_database: str
    live_location: str
    staging_database: str
    temp_table: str
    location: str
    partition_column: str | None
    key_columns: list[str]
    partitions: list[str] = field(default_factory=list)
    create_sql: str = ""
    insert_sqls: list[str] = field(default_factory=list)
    has_work: bool = True
    # the staged rows are the whole dataset (a snapshot or a full refresh): nothing published is read
    # beside them, which may be in another layout until this run's publish replaces it
    complete: bool = False
    # change records silver cannot place (no business date); the audit fails on them
    records_without_business_date: int = 0
    # gold read through a settled history (config: settles_after_days): the first order date the
    # history does not hold; a history's publish records it, the datasets built from it read the
    # dated dataset from it on
    settled_before: str = ""
    # set on the live table by the publish: what the staged data was built from (settled.py)
    table_parameters: dict[str, str] = field(default_factory=dict)
    # silver: the bronze batches this plan merges (lakehouse.batches.Batch, as dicts); publishing
    # them advances the table's watermark
    batches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def dataset(self) -> str:
        return f"{self.layer}.{self.name}"

    def to_xcom(self) -> dict[str, Any]:
        return {**asdict(self), "dataset": self.dataset}

    @classmethod
    def from_xcom(cls, data: dict[str, Any]) -> StagePlan:
        # keys a plan no longer has (one pushed by the version before an upgrade) are left out
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def stage_id(run_id: str) -> str:
    """A lower-case, identifier-safe id unique to this attempt of this run."""
    slug = re.sub(r"[^a-z0-9]+", "_", run_id.lower()).strip("_")[:60]
    return f"{slug}_{uuid.uuid4().hex[:8]}"


Item = TypeVar("Item")


def chunks(values: list[Item], size: int = MAX_PARTITIONS_PER_STATEMENT) -> list[list[Item]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _glue_columns(glue: Any, database: str, table: str) -> list[tuple[str, str]] | None:
    try:
        found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    except glue.exceptions.EntityNotFoundException:
        return None
    return [(c["Name"], c["Type"]) for c in found["StorageDescriptor"]["Columns"]]


def _partition_columns(glue: Any, database: str, table: str, value: str) -> list[tuple[str, str]] | None:
    """The columns one partition's files have (the crawler records them per partition)."""
    try:
        found = glue.get_partition(DatabaseName=database, TableName=table, PartitionValues=[value])
    except glue.exceptions.EntityNotFoundException:
        return None
    return [(c["Name"], c["Type"]) for c in found["Partition"]["StorageDescriptor"]["Columns"]]


def _live_partition_values(glue: Any, database: str, table: str) -> set[str]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return {partition["Values"][0] for page in pages for partition in page["Partitions"]}


def _new_plan(
    config: PipelineConfig, layer: str, name: str, run_id: str, *, partition_column, keys
) -> StagePlan:
    databases = config.lake.databases
    sid = stage_id(run_id)
    return StagePlan(
        layer=layer,
        name=name,
        live_database=getattr(databases, layer),
        live_location=config.lake.prefix(layer, name),
        staging_database=databases.staging,
        temp_table=f"{layer}_{name}_{sid}",
        location=f"{config.lake.prefix(layer, name)}{RUNS_PREFIX}/{sid}/",
        partition_column=partition_column,
        key_columns=list(keys),
    )


def _add_statements(plan: StagePlan, render_body) -> StagePlan:
    """A CTAS with the first chunk of partitions, then an INSERT for each further chunk (publish drops
    the temp table through Glue once the catalog points at its files)."""
    common = {"staging_db": plan.staging_database, "temp_table": plan.temp_table}
    groups = chunks(plan.partitions) if plan.partition_column else [[]]
    plan.create_sql = render(
        "staging/create_table_as.sql",
        **common,
        location=plan.location,
        partition_column=plan.partition_column,
        body=render_body(groups[0]),
    )
    plan.insert_sqls = [render("staging/insert_into.sql", **common, body=render_body(g)) for g in groups[1:]]
    return plan


class BronzeCatalogError(RuntimeError):
    """An export wrote rows that the bronze catalog does not show; planning from it would lose them."""


def _check_crawled(
    glue: Any, database: str, table: str, written: dict[str, int], counted: dict[str, int]
) -> None:
    """Every batch's rows are in its crawled partition, or the plan fails naming the table and day.

    Without this, a partition the crawler missed (or split into a table of its
    own) reads as a day with no changes, and the rows are never merged.
    `written` and `counted` map ingest dates to the rows the export wrote and
    the rows the catalog reads.
    """
    for ingest_date, rows in sorted(written.items()):
        if rows == 0:
            continue
        where = f"bronze.{table} ingest_date={ingest_date}"
        if _partition_columns(glue, database, table, ingest_date) is None:
            raise BronzeCatalogError(
                f"{where}: the export wrote {rows} rows, but the catalog has no such partition"
                f" in {database}.{table} (has crawl_bronze run; did the crawler split the table?)"
            )
        found = counted.get(ingest_date, 0)
        if found != rows:
            raise BronzeCatalogError(
                f"{where}: the export wrote {rows} rows, but the catalog's partition reads {found}"
                " (a crawl that missed files, or files changed since the export)"
            )


def _hard_deletes(
    table: SourceTable, selection: MergeSelection, context: dict[str, Any], athena: RowSource, glue: Any
) -> dict[str, Any]:
    """The key set silver's rows must be in (hard deletes), and the live partitions that lose rows.

    The newest batch's key set is the source's keys after its changes; a
    published row whose key it lacks was deleted at the source. Nothing to do
    for a snapshot (rows missing from it are gone anyway) or before any batch
    carried a key set.
    """
    keyed = [batch for batch in selection.batches if batch.key_rows is not None]
    if not table.hard_deletes or selection.rebuild or not keyed:
        return {"key_table": None, "key_set_date": None, "deleted_partitions": []}
    newest = keyed[-1]
    key_table = key_set_table(table.name)
    bronze_db = context["bronze_db"]
    keys = {**context, "table": key_table, "ingest_dates": [newest.ingest_date]}
    found = athena.rows(render("plan/batch_rows.sql", **keys), bronze_db)
    _check_crawled(
        glue, bronze_db, key_table, {newest.ingest_date: newest.key_rows or 0}, {d: int(n) for d, n in found}
    )
    deleted: list[str] = []
    if context["merge_published"] and context["partition_column"]:
        sql = render("plan/deleted_keys.sql", **context, key_table=key_table, key_set_date=newest.ingest_date)
        deleted = sorted(partition for partition, _ in athena.rows(sql, bronze_db))
    return {"key_table": key_table, "key_set_date": newest.ingest_date, "deleted_partitions": deleted}


class LayoutChangedError(RuntimeError):
    """pipeline.yaml partitions a silver table differently from the published one."""


def _partition_keys(glue: Any, database: str, table: str) -> list[str]:
    found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    return [key["Name"] for key in found.get("PartitionKeys", [])]


def _layout(keys: list[str]) -> str:
    return f"partitioned by {', '.join(keys)}" if keys else "without partitions"


class LakeLostError(RuntimeError):
    """Silver's watermark says batches were merged, but the table is gone."""


def check_silver_present(glue: Any, database: str, table: str, watermark: Watermark) -> None:
    """Fail, saying what to do, when the lake lost silver.<table> but kept its watermark.

    Merging the batches since the watermark into no table would publish a
    silver holding only them, which later audits catch only partly; a full
    refresh rebuilds it from a snapshot.
    """
    if watermark.merged_through is None or _glue_columns(glue, database, table) is not None:
        return
    raise LakeLostError(
        f"silver.{table} is not in the catalog ({database}.{table}), but its watermark says batches"
        f" exported up to {watermark.merged_through} were merged (by {watermark.published_by}):"
        " the lake lost it. Trigger lakehouse_daily with full_refresh on to rebuild silver and gold."
    )


def plan_silver(
    config: PipelineConfig,
    table: SourceTable,
    selection: MergeSelection,
    *,
    run_id: str,
    athena: RowSource,
    glue: Any,
) -> StagePlan:
    """Plan silver.<table> from the bronze batches not merged yet (`selection`).

    A selection with a snapshot (a full export) rebuilds the table from it;
    otherwise the batches' change records are merged into the published rows
    of the partitions they touch.
    """
    databases = config.lake.databases
    partition = table.silver_partition
    plan = _new_plan(config, "silver", table.name, run_id, partition_column=partition, keys=table.primary_key)
    plan.batches = [asdict(batch) for batch in selection.batches]
    if not selection.batches:
        plan.has_work = False
        return plan

    bronze = _glue_columns(glue, databases.bronze, table.name)
    if bronze is None:
        raise BronzeCatalogError(
            f"bronze table {databases.bronze}.{table.name} not found, though batches were exported on"
            f" {', '.join(selection.ingest_dates)}: has crawl_bronze run?"
        )
    # The newest batch's own columns, not the table's union over every day: a column dropped
    # at the source must show up as schema drift in the staged data, where the audit sees it.
    newest = selection.batches[-1].ingest_date
    day = _partition_columns(glue, databases.bronze, table.name, newest) or bronze
    bronze_types = {name: kind for name, kind in day if name != "ingest_date"}
    if table.delete_column and table.delete_column not in bronze_types:
        raise BronzeCatalogError(
            f"silver.{table.name}: delete_column {table.delete_column!r} is not a column of"
            f" {databases.bronze}.{table.name} (its columns: {', '.join(bronze_types)})"
        )
    columns = [name for name in bronze_types if name != table.delete_column]
    live = _glue_columns(glue, databases.silver, table.name)
    wanted = [partition] if partition else []
    published_keys = None if live is None else _partition_keys(glue, databases.silver, table.name)
    if published_keys is not None and published_keys != wanted:
        if not selection.rebuild:
            raise LayoutChangedError(
                f"silver.{table.name} is published {_layout(published_keys)} but pipeline.yaml has it"
                f" {_layout(wanted)}: its published rows cannot be merged into the new layout. Trigger"
                f" lakehouse_daily with full_refresh on (tables: [{table.name}]) once; its publish"
                " replaces the table"
            )
        live = None  # a snapshot rebuilds it whole in the new layout; nothing published is merged
    merge_published = not selection.rebuild and live is not None
    plan.complete = selection.rebuild

    context = {
        "table": table.name,
        "key_columns": table.primary_key,
        "cursor_column": table.cursor_column,
        "delete_column": table.delete_column,
        "columns": columns,
        "column_types": bronze_types,
        "bronze_db": databases.bronze,
        "silver_db": databases.silver,
        "ingest_dates": selection.ingest_dates,
        "partition_column": partition,
        "business_date_column": table.business_date_column,
        "merge_published": merge_published,
        "published_columns": [name for name, _ in live or []],
    }
    written = {batch.ingest_date: batch.rows for batch in selection.batches}
    if partition:
        # one scan of the batches gives the dates to rewrite, the records that have none,
        # and each batch's row count as the catalog reads it
        found = athena.rows(render("plan/business_dates.sql", **context), databases.bronze)
        counted: dict[str, int] = {}
        for ingest_date, _, records in found:
            counted[ingest_date] = counted.get(ingest_date, 0) + int(records)
        _check_crawled(glue, databases.bronze, table.name, written, counted)
        plan.records_without_business_date = sum(int(records) for _, day, records in found if day is None)
        context.update(_hard_deletes(table, selection, context, athena, glue))
        plan.partitions = sorted({day for _, day, _ in found if day} | set(context["deleted_partitions"]))
        if live is not None and selection.rebuild:
            # a snapshot replaces everything: live dates it no longer has are dropped on publish
            plan.partitions = sorted(
                set(plan.partitions) | _live_partition_values(glue, databases.silver, table.name)
            )
        if not plan.partitions:
            plan.has_work = False
            return plan
    else:
        found = athena.rows(render("plan/batch_rows.sql", **context), databases.bronze)
        _check_crawled(glue, databases.bronze, table.name, written, {day: int(rows) for day, rows in found})
        context.update(_hard_deletes(table, selection, context, athena, glue))
        if selection.rows == 0 and not selection.rebuild and not context["key_table"]:
            plan.has_work = False
            return plan

    return _add_statements(
        plan, lambda group: render("silver/current_state.sql", **context, partitions=group)
    )


def plan_gold(
    config: PipelineConfig,
    dataset: GoldDataset,
    *,
    run_id: str,
    athena: RowSource,
    glue: Any,
    full_refresh: bool = False,
    silver_partitions: dict[str, list[str]] | None = None,
    owed: Iterable[str] = (),
    day: date | None = None,
    staged: Mapping[tuple[str, str], StagePlan] | None = None,
) -> StagePlan:
    """Plan gold.<dataset>: the affected order dates, or the whole dataset.

    The affected dates come from silver's plans in this run (`silver_partitions`:
    each planned silver table's rewritten partitions) and the dates silver changed
    since the dataset last took effect (`owed`: gold_dates.py), not from bronze:
    gold reads only the layer beneath it. A settled history, and what is built
    from one, is planned by `_settled_context` (`day`: the run's business day).
    `staged`: this run's plans of the datasets it reads that are not published yet (silver's,
    staged beside silver's audits): it reads them as they will be published (relations.py).
    """
    from lakehouse.wap.relations import Pending

    relation = Pending(config.lake.databases, staged or {})
    databases = config.lake.databases
    plan = _new_plan(
        config,
        "gold",
        dataset.name,
        run_id,
        partition_column=dataset.partition_column,
        keys=dataset.key_columns,
    )
    plan.complete = full_refresh or not dataset.partition_column
    if dataset.partition_column:
        live = _glue_columns(glue, databases.gold, dataset.name)
        if full_refresh or live is None:
            sql = render("plan/all_order_dates.sql", relation=relation)
            plan.partitions = sorted(row[0] for row in athena.rows(sql, databases.silver) if row[0])
        else:
            planned = silver_partitions or {}
            plan.partitions = sorted(
                {day for name in config.affecting(dataset) for day in planned.get(name, [])} | set(owed)
            )
        if not plan.partitions:
            plan.has_work = False
            return plan
        if live is not None and full_refresh:
            plan.partitions = sorted(
                set(plan.partitions) | _live_partition_values(glue, databases.gold, dataset.name)
            )
    context: dict[str, Any] = {"gold_db": databases.gold, "relation": relation}
    if not dataset.partition_column:
        settled_context = _settled_context(
            config, dataset, plan, glue, full_refresh=full_refresh, day=day, staged=staged or {}
        )
        if settled_context is None:
            plan.has_work = False
            return plan
        context.update(settled_context)
    template = f"gold/{dataset.name}.sql"
    return _add_statements(plan, lambda group: render(template, **context, partitions=group))


def _settled_context(
    config: PipelineConfig,
    dataset: GoldDataset,
    plan: StagePlan,
    glue: Any,
    *,
    full_refresh: bool,
    day: date | None,
    staged: Mapping[tuple[str, str], StagePlan],
) -> dict[str, Any] | None:
    """The template context of a settled history, or of a dataset built from one (settled.py);
    None when the history already holds every settled month.

    The history folds the months before its edge (a month at a time as days pass), from its own
    rows when no change reached them since, else from every settled date; it reads customer_orders
    as published before the run (the DAG stages it beside silver), so it has nothing to do in a
    full refresh, whose publish replaces every date it would read. A dataset built from it
    reads the dated dataset from the history's edge on, when the history still holds: this run's
    fold when `staged` has it (staged only once its audit passed), else the live history; `merge`:
    its own published rows of the settled months still hold too (monthly_retention keeps them).
    """
    gold = config.lake.databases.gold
    history = dataset if dataset.settles_after_days is not None else config.settled_history(dataset)
    if history is None:
        return {}
    dated = history.built_from[0]
    try:
        partitions = live_partitions(glue, gold, dated)
    except glue.exceptions.EntityNotFoundException:
        if dataset is history:
            return None  # nothing published to fold yet (a first full refresh builds it)
        partitions = {}
    pending = staged.get(("gold", dated)) if dataset is not history else None
    if pending is not None:
        # built from the dated dataset as this run will publish it: compared and recorded as such
        staged_partitions = live_partitions(glue, pending.staging_database, pending.temp_table)
        partitions = once_published(
            {} if pending.complete else partitions, staged_partitions, pending.partitions
        )
    now = settled.month_fingerprints(partitions)
    if dataset is history:
        if full_refresh:
            return None  # this run republishes every date it would fold: the next run folds them
        if day is None:
            raise ValueError(f"gold.{dataset.name}: planning a settled history needs the run's day")
        edge = settled.settled_before(day, history.settles_after_days or 0)
        template = settled.template_digest(dataset.name)
        current = settled.built(glue, gold, dataset.name)
        holds = current is not None and bool(current.settled_before) and current.holds(now, template)
        if holds and current.settled_before >= edge:
            return None
        plan.settled_before = edge
        plan.table_parameters = settled.parameters(
            location=plan.location, fingerprints=now, template=template, settled=edge
        )
        return {"settled_before": edge, "settled_since": current.settled_before if holds else ""}
    folded = staged.get(("gold", history.name))
    if folded is not None:  # this run's fold, audited: read as it will be published
        found = settled.from_parameters(folded.table_parameters, folded.location)
    else:
        found = settled.built(glue, gold, history.name)
    holds = found is not None and found.holds(now, settled.template_digest(history.name))
    edge = found.settled_before if found is not None and holds else ""
    template = settled.template_digest(dataset.name)
    own = settled.built(glue, gold, dataset.name) if edge and not full_refresh else None
    plan.settled_before = edge
    plan.table_parameters = settled.parameters(location=plan.location, fingerprints=now, template=template)
    return {"settled_before": edge, "merge": own is not None and own.holds(now, template, edge)}
