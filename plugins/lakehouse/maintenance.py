"""Delete what the lake no longer serves, past its retention, and nothing a reader can still reach.

Write-audit-publish never overwrites: every run stages into a fresh
`<layer>/<dataset>/_runs/<stage>/` location, a publish repoints the catalog and
records what it replaced under `_superseded/`, and a failed run leaves its
staging (files, and a table in the staging database) behind. Without a clean-up
those pile up for ever; with a careless one a rollback, or a reader, loses data.

What counts as live is read from the Glue catalog, never inferred from names or
records: every table location and every partition location of the lake's
databases, and everything under them. One exception makes clean-up possible at
all: a partitioned table is read only through its partitions (Athena reads the
partitions' locations; MSCK REPAIR and the crawler find only `key=value`
folders), so its own location does not cover its `_runs/` folder, where each
version is reached by the partitions that point at it. Besides what is live,
a version superseded less than the rollback window ago, and staging younger
than its retention, are kept.

Everything is decided before anything is deleted, while the run holds the
lake's lease (no publish or rollback moves the catalog meanwhile), and only
objects under the silver and gold `_runs/` folders and the Athena results
prefix are ever deleted. A record (a superseded manifest, a staging table) is
deleted only after its data, so a run killed half-way leaves every remaining
object either live or still recorded, or an orphan the next run finds again:
the next run finishes the job.

The clients are boto3's (S3, Glue), passed in, so the same code runs on MWAA
and against the local endpoint, and tests can fail a delete on purpose.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse.names import LAYERS, RUNS_PREFIX, SUPERSEDED_PREFIX

log = logging.getLogger(__name__)

DELETE_BATCH = 1000  # the most keys one DeleteObjects call takes
ITEMS_IN_SUMMARY = 100  # the task log lists every item; XCom keeps the first ones
KINDS = ("superseded", "staging_table", "abandoned_staging", "athena_results")


@dataclass(frozen=True)
class Retention:
    superseded: timedelta
    abandoned_staging: timedelta
    athena_results: timedelta

    @classmethod
    def from_config(cls, maintenance: Any) -> Retention:
        """From pipeline.yaml's `maintenance:` section (lakehouse.config.Maintenance)."""
        return cls(
            superseded=timedelta(days=maintenance.superseded_days),
            abandoned_staging=timedelta(days=maintenance.abandoned_staging_days),
            athena_results=timedelta(days=maintenance.athena_results_days),
        )


@dataclass(frozen=True)
class LakeLayout:
    """Where the lake keeps what maintenance reads and deletes; from pipeline.yaml, or a test's own."""

    bucket: str
    live_databases: dict[str, str]  # layer -> database: the catalog a reader sees, every location live
    staging_database: str
    datasets: tuple[tuple[str, str], ...]  # (layer, name) of each silver table and gold dataset
    results_bucket: str
    results_prefix: str

    @classmethod
    def from_config(cls, config: Any) -> LakeLayout:
        """From the pipeline's config (lakehouse.config.PipelineConfig)."""
        lake = config.lake
        databases = lake.databases
        results_bucket, results_prefix = split_s3(lake.athena_output)
        return cls(
            bucket=lake.bucket,
            live_databases={"bronze": databases.bronze, "silver": databases.silver, "gold": databases.gold},
            staging_database=databases.staging,
            datasets=(
                *(("silver", table.name) for table in config.source.tables),
                *(("gold", dataset.name) for dataset in config.gold),
            ),
            results_bucket=results_bucket,
            results_prefix=results_prefix,
        )

    def runs_prefix(self, layer: str, name: str) -> str:
        return f"{layer}/{name}/{RUNS_PREFIX}/"


def split_s3(location: str) -> tuple[str, str]:
    """s3://bucket/some/prefix -> (bucket, "some/prefix/"): a location is a folder."""
    if not location.startswith("s3://"):
        raise ValueError(f"not an s3:// location: {location!r}")
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return bucket, (key.rstrip("/") + "/") if key.strip("/") else ""


def runs_folder(key: str) -> str | None:
    """The `<layer>/<dataset>/_runs/<stage>/` folder a key lies in; None outside silver's and gold's."""
    parts = key.split("/")
    if len(parts) < 5 or parts[0] not in LAYERS or parts[2] != RUNS_PREFIX or not parts[3]:
        return None
    return "/".join(parts[:4]) + "/"


@dataclass(frozen=True)
class Obj:
    bucket: str
    key: str
    size: int
    modified: datetime


class Protection:
    """The locations nothing may be deleted under, each with why, found by a key's folders."""

    def __init__(self) -> None:
        self._roots: dict[tuple[str, str], tuple[str, bool]] = {}

    def add(self, location: str, why: str, *, except_runs: bool = False) -> None:
        bucket, prefix = split_s3(location)
        known = self._roots.get((bucket, prefix))
        # a location protected whole stays so, whatever else points at it
        self._roots[(bucket, prefix)] = (why, except_runs and (known is None or known[1]))

    def why(self, bucket: str, key: str) -> str | None:
        """Why `key` must be kept, or None when nothing protects it."""
        parts = key.split("/")
        for depth in range(len(parts)):
            prefix = "/".join(parts[:depth]) + "/" if depth else ""
            found = self._roots.get((bucket, prefix))
            if found is None:
                continue
            why, except_runs = found
            if except_runs and parts[depth : depth + 1] == [RUNS_PREFIX]:
                continue
            return why
        return None


@dataclass
class Item:
    """One thing to delete: a location's objects, then its record (a manifest or a staging table)."""

    kind: str
    location: str
    age: timedelta
    objects: list[Obj] = field(default_factory=list)
    manifest_key: str | None = None  # a superseded record, deleted after its data
    staging_table: str | None = None  # a table in the staging database, deleted after its data

    @property
    def bytes(self) -> int:
        return sum(obj.size for obj in self.objects)

    def describe(self) -> str:
        record = self.manifest_key or (self.staging_table and f"table {self.staging_table}") or ""
        return (
            f"{self.kind} {self.location}: {len(self.objects)} objects, {human(self.bytes)}"
            f" ({self.bytes} bytes), {self.age.days} days old"
            + (f"; then its record {record}" if record else "")
        )

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": self.location,
            "objects": len(self.objects),
            "bytes": self.bytes,
            "age_days": round(self.age.total_seconds() / 86400, 2),
            **({"record": self.manifest_key} if self.manifest_key else {}),
            **({"staging_table": self.staging_table} if self.staging_table else {}),
        }


@dataclass
class Survey:
    """What one run decided, before it deleted anything."""

    items: list[Item] = field(default_factory=list)
    kept: dict[str, dict[str, int]] = field(default_factory=dict)  # reason -> objects, bytes
    notes: list[str] = field(default_factory=list)  # what was left alone, and why

    def keep(self, reason: str, obj: Obj) -> None:
        counts = self.kept.setdefault(reason, {"objects": 0, "bytes": 0})
        counts["objects"] += 1
        counts["bytes"] += obj.size


def human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def _list(s3: Any, bucket: str, prefix: str) -> Iterator[Obj]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        for found in page.get("Contents", []):
            yield Obj(bucket, found["Key"], int(found["Size"]), found["LastModified"])


def _pages(glue: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict]:
    for page in glue.get_paginator(operation).paginate(**kwargs):
        yield from page[key]


def _tables(glue: Any, database: str) -> list[dict]:
    """Every table of a database; a database that is missing stops the run (nothing would look live)."""
    try:
        return list(_pages(glue, "get_tables", "TableList", DatabaseName=database))
    except glue.exceptions.EntityNotFoundException as error:
        raise LookupError(
            f"Glue database {database!r} not found: without it, maintenance cannot tell what is live"
        ) from error


def _location(entity: dict) -> str | None:
    location = (entity.get("StorageDescriptor") or {}).get("Location") or ""
    return location if location.startswith("s3://") else None


def live_locations(glue: Any, databases: Iterable[str], protection: Protection) -> set[tuple[str, str]]:
    """Protect every table and partition location of `databases`; return the tables found."""
    found: set[tuple[str, str]] = set()
    for database in databases:
        for table in _tables(glue, database):
            name = f"{database}.{table['Name']}"
            found.add((database, table["Name"]))
            location = _location(table)
            partitioned = bool(table.get("PartitionKeys"))
            if location:
                protection.add(location, f"live: {name}", except_runs=partitioned)
            if not partitioned:
                continue
            for partition in _pages(
                glue, "get_partitions", "Partitions", DatabaseName=database, TableName=table["Name"]
            ):
                where = _location(partition)
                if where:
                    protection.add(where, f"live: {name} ({'/'.join(partition['Values'])})")
    return found


def _age(now: datetime, then: datetime | None) -> timedelta:
    return now - then if then is not None else timedelta(0)


def _recorded_at(body: dict, modified: datetime) -> datetime:
    """When a publish recorded the manifest; its object's time when the record does not say."""
    try:
        recorded = datetime.fromisoformat(body["recorded_at"])
    except (KeyError, TypeError, ValueError):
        return modified
    return recorded if recorded.tzinfo else recorded.replace(tzinfo=UTC)


def _manifests(s3: Any, bucket: str) -> Iterator[tuple[Obj, dict | None, str]]:
    """Each superseded record with its parsed body, or None and why it could not be read."""
    for obj in _list(s3, bucket, f"{SUPERSEDED_PREFIX}/"):
        try:
            body = json.loads(s3.get_object(Bucket=bucket, Key=obj.key)["Body"].read())
            locations = [entry["location"] for entry in body["locations"]]
            if not all(isinstance(location, str) for location in locations):
                raise TypeError("a location that is not a string")
        except (ValueError, KeyError, TypeError) as error:
            yield obj, None, f"{type(error).__name__}: {error}"
            continue
        yield obj, body, ""


def _record_dataset(key: str) -> tuple[str, str] | None:
    """_superseded/<layer>/<name>/<stage>.json -> (layer, name), as lakehouse.wap.publish writes it."""
    parts = key.split("/")
    return (parts[1], parts[2]) if len(parts) == 4 and parts[1] in LAYERS else None


class _Surveyor:
    """The steps of one survey, sharing what is protected and which record claims which location."""

    def __init__(self, s3: Any, glue: Any, layout: LakeLayout, retention: Retention, now: datetime) -> None:
        self.s3, self.glue, self.layout, self.retention, self.now = s3, glue, layout, retention, now
        self.survey = Survey()
        self.protection = Protection()
        self.claims: dict[tuple[str, str], Item] = {}  # (bucket, folder) -> the item it goes with
        self.folders = {layout.runs_prefix(layer, name) for layer, name in layout.datasets}
        self.swept: set[tuple[str, str]] = set()  # datasets whose unrecorded _runs/ folders may go

    def catalog(self) -> None:
        """Protect what is live; sweep only configured datasets the catalog has (a lost table's
        files are unrecorded, yet the only copy of it)."""
        layout = self.layout
        tables = live_locations(self.glue, layout.live_databases.values(), self.protection)
        for layer, name in layout.datasets:
            if (layout.live_databases[layer], name) in tables:
                self.swept.add((layer, name))
            else:
                self.note(
                    f"{layer}.{name} is not in the catalog: its unrecorded _runs/ folders are left alone"
                )

    def records(self) -> None:
        """A record inside the rollback window protects its locations; an older one claims them."""
        for obj, body, error in _manifests(self.s3, self.layout.bucket):
            if body is None:
                # what it names is unknown, so nothing of its dataset counts as unrecorded
                dataset = _record_dataset(obj.key)
                self.swept -= {dataset} if dataset else set(self.swept)
                self.note(f"kept s3://{obj.bucket}/{obj.key} and its dataset's _runs/: unreadable ({error})")
                continue
            age = _age(self.now, _recorded_at(body, obj.modified))
            if age < self.retention.superseded:
                for entry in body["locations"]:
                    self.protection.add(entry["location"], "inside the rollback window")
                continue
            item = Item("superseded", f"s3://{obj.bucket}/{obj.key}", age, manifest_key=obj.key)
            self.survey.items.append(item)
            for entry in body["locations"]:
                self.claim(item, entry["location"], obj.key)

    def staging_tables(self) -> None:
        """A young staging table may still be used; an old one is a failed run's, and claims its location."""
        database = self.layout.staging_database
        old: list[tuple[dict, timedelta]] = []
        for table in _tables(self.glue, database):
            age = _age(self.now, table.get("UpdateTime") or table.get("CreateTime"))
            location = _location(table)
            if age >= self.retention.abandoned_staging:
                old.append((table, age))
                continue
            # a young staging table reads its location and its partitions' (a rollback's point at
            # the versions it restores)
            why = "staging younger than its retention"
            if location:
                self.protection.add(location, why)
            if table.get("PartitionKeys"):
                for partition in _pages(
                    self.glue, "get_partitions", "Partitions", DatabaseName=database, TableName=table["Name"]
                ):
                    where = _location(partition)
                    if where:
                        self.protection.add(where, why)
        for table, age in old:  # after every young one is protected
            location = _location(table)
            item = Item("staging_table", location or "(no location)", age, staging_table=table["Name"])
            if location is None or self.claim(item, location, f"{database}.{table['Name']}"):
                self.survey.items.append(item)

    def runs_folders(self) -> None:
        """Every object under the folders: kept (and why), claimed by an item, or unrecorded."""
        layout = self.layout
        swept = {layout.runs_prefix(layer, name) for layer, name in self.swept}
        unrecorded: dict[str, list[Obj]] = {}
        for folder in sorted(self.folders):
            for obj in _list(self.s3, layout.bucket, folder):
                why = self.protection.why(obj.bucket, obj.key)
                owner = None if why else self.owner(obj)
                if why is not None:
                    self.survey.keep(why, obj)
                elif owner is not None:
                    owner.objects.append(obj)
                elif folder in swept:
                    unrecorded.setdefault(runs_folder(obj.key) or folder, []).append(obj)
                else:
                    self.survey.keep("unrecorded, of a dataset not swept", obj)
        for folder, objects in sorted(unrecorded.items()):
            age = _age(self.now, max(obj.modified for obj in objects))
            if age < self.retention.abandoned_staging:
                for obj in objects:
                    self.survey.keep("staging younger than its retention", obj)
            else:
                location = f"s3://{layout.bucket}/{folder}"
                self.survey.items.append(Item("abandoned_staging", location, age, objects))

    def athena_results(self) -> None:
        """By age alone, grouped by the day they were written."""
        layout = self.layout
        by_day: dict[str, Item] = {}
        for obj in _list(self.s3, layout.results_bucket, layout.results_prefix):
            age = _age(self.now, obj.modified)
            if age < self.retention.athena_results:
                self.survey.keep("athena results younger than their retention", obj)
                continue
            day = obj.modified.date().isoformat()
            location = f"s3://{layout.results_bucket}/{layout.results_prefix} written {day}"
            item = by_day.setdefault(day, Item("athena_results", location, age))
            item.age = max(item.age, age)
            item.objects.append(obj)
        self.survey.items += [by_day[day] for day in sorted(by_day)]

    def claim(self, item: Item, location: str, what: str) -> bool:
        """Give `item` the objects under `location`, if it is one of the lake's _runs/ folders."""
        bucket, prefix = split_s3(location)
        folder = runs_folder(prefix) if bucket == self.layout.bucket else None
        if folder is None:
            self.note(f"kept {location} ({what}): outside the lake's silver and gold _runs/ folders")
            return False
        self.folders.add(folder.rsplit("/", 2)[0] + "/")
        self.claims.setdefault((bucket, prefix), item)
        return True

    def owner(self, obj: Obj) -> Item | None:
        """The item whose location holds `obj` most closely, if any."""
        parts = obj.key.split("/")
        for depth in range(len(parts) - 1, 0, -1):
            found = self.claims.get((obj.bucket, "/".join(parts[:depth]) + "/"))
            if found is not None:
                return found
        return None

    def note(self, text: str) -> None:
        self.survey.notes.append(text)


def survey_lake(s3: Any, glue: Any, layout: LakeLayout, retention: Retention, now: datetime) -> Survey:
    """Decide what to delete (and what to keep, and why), deleting nothing.

    The order matters: everything that protects (the catalog, young records,
    young staging tables) is read before any object is judged.
    """
    surveyor = _Surveyor(s3, glue, layout, retention, now)
    surveyor.catalog()
    surveyor.records()
    surveyor.staging_tables()
    surveyor.runs_folders()
    surveyor.athena_results()
    return surveyor.survey


def _delete_objects(s3: Any, objects: list[Obj], batch: int) -> None:
    """Delete in batches; a key S3 refuses fails the run as the refusal it is (AccessDenied included)."""
    from botocore.exceptions import ClientError

    for start in range(0, len(objects), batch):
        chunk = objects[start : start + batch]
        by_bucket: dict[str, list[dict[str, str]]] = {}
        for obj in chunk:
            by_bucket.setdefault(obj.bucket, []).append({"Key": obj.key})
        for bucket, keys in by_bucket.items():
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                message = (
                    f"{first.get('Message', '')} (s3://{bucket}/{first.get('Key')};"
                    f" {len(errors)} of {len(keys)} keys refused)"
                )
                raise ClientError(
                    {"Error": {"Code": first.get("Code", "DeleteFailed"), "Message": message}},
                    "DeleteObjects",
                )


def apply(s3: Any, glue: Any, layout: LakeLayout, survey: Survey, *, batch: int = DELETE_BATCH) -> None:
    """Delete each item's objects, then its record: nothing recorded loses its record first."""
    for item in survey.items:
        log.info("deleting %s", item.describe())
        _delete_objects(s3, item.objects, batch)
        if item.manifest_key:
            s3.delete_object(Bucket=layout.bucket, Key=item.manifest_key)
        if item.staging_table:
            # an earlier, interrupted run may have got this far
            with suppress(glue.exceptions.EntityNotFoundException):
                glue.delete_table(DatabaseName=layout.staging_database, Name=item.staging_table)


def report(survey: Survey, *, dry_run: bool, now: datetime, retention: Retention) -> dict[str, Any]:
    """The run's summary for the task log and XCom: totals per kind, what was kept and why."""
    totals = {kind: {"items": 0, "objects": 0, "bytes": 0} for kind in KINDS}
    for item in survey.items:
        totals[item.kind]["items"] += 1
        totals[item.kind]["objects"] += len(item.objects)
        totals[item.kind]["bytes"] += item.bytes
    reclaimed = sum(total["bytes"] for total in totals.values())
    return {
        "dry_run": dry_run,
        "now": now.isoformat(),
        "retention_days": {
            "superseded": retention.superseded.days,
            "abandoned_staging": retention.abandoned_staging.days,
            "athena_results": retention.athena_results.days,
        },
        ("bytes_to_reclaim" if dry_run else "bytes_reclaimed"): reclaimed,
        "deleted" if not dry_run else "would_delete": totals,
        "staging_tables": [item.staging_table for item in survey.items if item.staging_table],
        "kept": survey.kept,
        "notes": survey.notes,
        "items": [item.summary() for item in survey.items[:ITEMS_IN_SUMMARY]],
        "items_left_out": max(0, len(survey.items) - ITEMS_IN_SUMMARY),
    }


def run(
    s3: Any,
    glue: Any,
    layout: LakeLayout,
    retention: Retention,
    *,
    now: datetime,
    dry_run: bool,
    batch: int = DELETE_BATCH,
) -> dict[str, Any]:
    """Survey the lake, then (unless `dry_run`) delete what the survey found; return the summary.

    `now` is when ages are measured from: the wall clock in the DAG, a chosen
    moment in tests.
    """
    survey = survey_lake(s3, glue, layout, retention, now)
    verb = "would delete" if dry_run else "to delete"
    for item in survey.items:
        log.info("%s: %s", verb, item.describe())
    for reason, counts in sorted(survey.kept.items()):
        log.info("kept (%s): %d objects, %s", reason, counts["objects"], human(counts["bytes"]))
    for note in survey.notes:
        log.info("%s", note)
    if not dry_run:
        apply(s3, glue, layout, survey, batch=batch)
    summary = report(survey, dry_run=dry_run, now=now, retention=retention)
    total = summary["bytes_to_reclaim" if dry_run else "bytes_reclaimed"]
    log.info(
        "%s %d items, %s (%d bytes)",
        "dry run: would reclaim" if dry_run else "reclaimed",
        len(survey.items),
        human(total),
        total,
    )
    return summary


def maintain_lake(params: dict[str, Any], **context: Any) -> dict[str, Any]:
    """lakehouse_maintenance's task: the pipeline's lake and retention, the wall clock, the dry_run param."""
    from lakehouse.config import pipeline_config
    from lakehouse.denials import denials_fail_the_task
    from lakehouse.hooks.aws import LakeAwsHook

    config = pipeline_config()
    conn = config.lake.aws_conn_id
    s3 = LakeAwsHook(aws_conn_id=conn, client_type="s3").get_conn()
    glue = LakeAwsHook(aws_conn_id=conn, client_type="glue").get_conn()
    with denials_fail_the_task():  # a grant the role lacks is not healed by retrying
        return run(
            s3,
            glue,
            LakeLayout.from_config(config),
            Retention.from_config(config.maintenance),
            now=datetime.now(UTC),
            dry_run=bool(params.get("dry_run")),
        )
