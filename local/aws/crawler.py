"""A Glue crawler that really crawls its S3 targets.

moto stores crawler definitions (CreateCrawler, DeleteCrawler, tags stay with moto) but never
crawls, leaves a crawl RUNNING, reports COMPLETED where AWS says SUCCEEDED and answers
UpdateCrawler/GetCrawlerMetrics with HTTP 500, so the Amazon provider's operators, sensor and
trigger fail against it. This module owns the crawl lifecycle instead:

StartCrawler -> RUNNING (crawl in a background thread) -> STOPPING -> READY, with
``LastCrawl.Status`` SUCCEEDED, FAILED (and ``ErrorMessage``) or CANCELLED.

A crawl reads the Parquet footers under each S3 target, makes one table per target folder
(or per sub-folder when the target holds several datasets), registers Hive ``k=v`` folders as
partitions and applies the crawler's schema change policy to tables that already exist.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

import duckdb
from moto.glue.models import glue_backends

from lakehouse.sql import sql_string

from .access import AccessDenied, acting_as
from .catalog import Catalog, Column, Partition, Table, hive_unescape
from .coltypes import duckdb_to_hive
from .errors import ApiError
from .locking import BACKEND_LOCK
from .principals import CannotAssumeRole, service_role_session
from .storage import S3Object, S3Store, as_prefix, split_uri

STOPPING_SECONDS = 0.2


class CrawlFailed(Exception):
    """A crawl that ends FAILED; the message becomes LastCrawl.ErrorMessage."""


@dataclass
class CrawlRecord:
    crawl_id: str
    started: float
    status: str = "RUNNING"  # RUNNING, SUCCEEDED, FAILED, CANCELLED
    ended: float | None = None
    error: str | None = None
    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    partitions_added: int = 0


@dataclass
class CrawlerState:
    state: str = "READY"  # READY, RUNNING, STOPPING
    crawls: list[CrawlRecord] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass
class TableFound:
    root: str
    name: str
    files: list[S3Object]
    keys: list[str]
    partitions: dict[tuple[str, ...], str]


def _epoch(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _epoch(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_epoch(v) for v in value]
    return value


def table_name_for(folder: str) -> str:
    """Glue's table naming: the folder name, lower-cased, other characters replaced by '_'."""
    return re.sub(r"[^a-z0-9_]", "_", folder.lower())


class CrawlerService:
    """Crawl state per crawler; definitions are read from (and updated in) moto's Glue backend."""

    HANDLED: ClassVar[set[str]] = {
        "StartCrawler",
        "StopCrawler",
        "GetCrawler",
        "GetCrawlers",
        "BatchGetCrawlers",
        "UpdateCrawler",
        "GetCrawlerMetrics",
        "ListCrawls",
        "DeleteCrawler",
    }

    def __init__(self, store_for: Any) -> None:
        self._store_for = store_for  # account -> S3Store
        self._states: dict[tuple[str, str, str], CrawlerState] = {}
        self._lock = threading.Lock()

    def _glue(self, account: str, region: str) -> Any:
        return glue_backends[account][region]

    def _crawler(self, account: str, region: str, name: str) -> Any:
        with BACKEND_LOCK:
            crawler = self._glue(account, region).crawlers.get(name or "")
        if crawler is None:
            raise ApiError("EntityNotFoundException", f"Crawler entry with name {name} does not exist")
        return crawler

    def _state(self, account: str, region: str, name: str) -> CrawlerState:
        with self._lock:
            return self._states.setdefault((account, region, name), CrawlerState())

    def handle(self, action: str, body: dict[str, Any], account: str, region: str) -> dict[str, Any] | None:
        """Handle an action, or return None to let moto serve it (DeleteCrawler of an idle crawler)."""
        handler = {
            "StartCrawler": self.start,
            "StopCrawler": self.stop,
            "GetCrawler": self.get,
            "GetCrawlers": self.get_all,
            "BatchGetCrawlers": self.batch_get,
            "UpdateCrawler": self.update,
            "GetCrawlerMetrics": self.metrics,
            "ListCrawls": self.list_crawls,
            "DeleteCrawler": self.check_deletable,
        }.get(action)
        if handler is None:
            raise ApiError("InvalidInputException", f"Unsupported action {action}")
        return handler(body, account, region)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        name = body.get("Name", "")
        crawler = self._crawler(account, region, name)
        state = self._state(account, region, name)
        with self._lock:
            if state.state != "READY":
                raise ApiError("CrawlerRunningException", f"Crawler with name {name} has already started")
            state.state = "RUNNING"
            state.stop.clear()
            record = CrawlRecord(crawl_id=str(uuid.uuid4()), started=time.time())
            state.crawls.append(record)
        thread = threading.Thread(
            target=self._run,
            args=(crawler, state, record, account, region),
            name=f"crawler-{name}",
            daemon=True,
        )
        thread.start()
        return {}

    def stop(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        name = body.get("Name", "")
        self._crawler(account, region, name)
        state = self._state(account, region, name)
        with self._lock:
            if state.state != "RUNNING":
                raise ApiError("CrawlerNotRunningException", f"Crawler with name {name} isn't running")
            state.state = "STOPPING"
            state.stop.set()
        return {}

    def check_deletable(self, body: dict[str, Any], account: str, region: str) -> None:
        """moto deletes the definition; a running crawler must refuse first, as AWS's does."""
        state = self._state(account, region, body.get("Name", ""))
        if state.state != "READY":
            raise ApiError("CrawlerRunningException", f"Crawler with name {body.get('Name')} is running")

    def _run(self, crawler: Any, state: CrawlerState, record: CrawlRecord, account: str, region: str) -> None:
        try:
            with acting_as(service_role_session(crawler.role, account, "glue.amazonaws.com", "AWS-Crawler")):
                self._crawl(crawler, state, record, account, region)
            status, error = ("CANCELLED", None) if state.stop.is_set() else ("SUCCEEDED", None)
        except CrawlFailed as err:
            status, error = "FAILED", str(err)
        except AccessDenied as err:
            status, error = "FAILED", f"{err.message} (as the crawler's role)"
        except CannotAssumeRole as err:
            status, error = "FAILED", str(err)
        except Exception as err:
            status, error = "FAILED", f"Internal Service Exception: {type(err).__name__}: {err}"
        with self._lock:
            state.state = "STOPPING"
        time.sleep(STOPPING_SECONDS)
        with self._lock:
            record.status, record.error, record.ended = status, error, time.time()
            state.state = "READY"

    def _crawl(
        self, crawler: Any, state: CrawlerState, record: CrawlRecord, account: str, region: str
    ) -> None:
        targets = crawler.targets or {}
        if any(
            targets.get(k) for k in ("JdbcTargets", "DynamoDBTargets", "CatalogTargets", "MongoDBTargets")
        ):
            raise CrawlFailed("Only S3Targets are supported by the local Glue crawler")
        catalog = Catalog(account, region)
        database = crawler.database_name
        if not database or not catalog.database_exists(database):
            raise CrawlFailed(f"Database {database} not found")
        store: S3Store = self._store_for(account)
        policy = crawler.schema_change_policy or {}
        update_behavior = policy.get("UpdateBehavior", "UPDATE_IN_DATABASE")
        merge_only = _merge_new_columns(crawler.configuration)
        for target in targets.get("S3Targets") or []:
            if state.stop.is_set():
                return
            path = as_prefix(target["Path"])
            bucket, _ = split_uri(path)
            if not store.bucket_exists(bucket):
                raise CrawlFailed(f"Unable to crawl {target['Path']}: The specified bucket does not exist")
            objects = [o for o in store.list(path) if o.size > 0 and not _excluded(o, path, target)]
            for found in discover_tables(path, objects):
                if state.stop.is_set():
                    return
                columns = infer_schema(store, found)
                self._apply(
                    catalog,
                    crawler,
                    found,
                    columns,
                    store=store,
                    update_behavior=update_behavior,
                    merge_only=merge_only,
                    record=record,
                )

    def _apply(
        self,
        catalog: Catalog,
        crawler: Any,
        found: TableFound,
        columns: list[Column],
        *,
        store: S3Store,
        update_behavior: str,
        merge_only: bool,
        record: CrawlRecord,
    ) -> None:
        """Create or update the table a crawl found, then register its partitions."""
        name = f"{crawler.table_prefix or ''}{found.name}"
        columns = [c for c in columns if c.name not in set(found.keys)]
        existing = catalog.get_table(crawler.database_name, name)
        parameters = {
            "classification": "parquet",
            "compressionType": "none",
            "typeOfData": "file",
            "UPDATED_BY_CRAWLER": crawler.name,
            "CrawlerSchemaDeserializerVersion": "1.0",
            "CrawlerSchemaSerializerVersion": "1.0",
            "objectCount": str(len(found.files)),
            "sizeKey": str(sum(o.size for o in found.files)),
        }
        if existing is None:
            keys = [Column(k, "string") for k in found.keys]
            table = Table(crawler.database_name, name, columns, keys, found.root, parameters=parameters)
            catalog.create_table(table)
            record.tables_created += 1
        else:
            table = existing
            if update_behavior != "LOG" and _update_schema(table, columns, parameters, merge_only=merge_only):
                catalog.update_table(table)
                record.tables_updated += 1
        if table.partition_keys:
            self._apply_partitions(
                catalog, table, found, columns, store=store, update_behavior=update_behavior, record=record
            )

    def _apply_partitions(
        self,
        catalog: Catalog,
        table: Table,
        found: TableFound,
        columns: list[Column],
        *,
        store: S3Store,
        update_behavior: str,
        record: CrawlRecord,
    ) -> None:
        """Add new partitions; under UPDATE_IN_DATABASE also move or re-type known ones that changed."""
        own = infer_partition_schemas(store, found)
        key_names = set(found.keys)
        found_parts = [
            Partition(list(values), loc, [c for c in own.get(values, columns) if c.name not in key_names])
            for values, loc in sorted(found.partitions.items())
        ]
        known = {tuple(p.values): p for p in catalog.list_partitions(table)}
        changed = [
            p
            for p in found_parts
            if tuple(p.values) in known
            and update_behavior != "LOG"
            and (
                known[tuple(p.values)].location != p.location
                or _signature(known[tuple(p.values)].columns) != _signature(p.columns)
            )
        ]
        if changed:
            catalog.update_partitions(table, changed)
        record.partitions_added += len(catalog.add_partitions(table, found_parts, exists_ok=True))

    # -- descriptions ----------------------------------------------------------------------
    def get(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        return {
            "Crawler": self.describe(self._crawler(account, region, body.get("Name", "")), account, region)
        }

    def get_all(self, _body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        with BACKEND_LOCK:
            crawlers = list(self._glue(account, region).crawlers.values())
        return {"Crawlers": [self.describe(c, account, region) for c in crawlers]}

    def batch_get(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        names = body.get("CrawlerNames") or []
        with BACKEND_LOCK:
            crawlers = self._glue(account, region).crawlers
            found = [crawlers[n] for n in names if n in crawlers]
        return {
            "Crawlers": [self.describe(c, account, region) for c in found],
            "CrawlersNotFound": [n for n in names if n not in {c.name for c in found}],
        }

    def describe(self, crawler: Any, account: str, region: str) -> dict[str, Any]:
        state = self._state(account, region, crawler.name)
        with BACKEND_LOCK:
            data = dict(crawler.as_dict())
        data = {k: v for k, v in data.items() if v is not None}
        with self._lock:
            data["State"] = state.state
            if state.crawls:
                last = state.crawls[-1]
                if state.state == "RUNNING":
                    data["CrawlElapsedTime"] = int((time.time() - last.started) * 1000)
                else:
                    data["CrawlElapsedTime"] = 0
                finished = [c for c in state.crawls if c.ended is not None]
                if finished:
                    done = finished[-1]
                    last_crawl: dict[str, Any] = {
                        "Status": done.status,
                        "LogGroup": "/aws-glue/crawlers",
                        "LogStream": crawler.name,
                        "MessagePrefix": done.crawl_id,
                        "StartTime": done.started,
                    }
                    if done.error:
                        last_crawl["ErrorMessage"] = done.error
                    data["LastCrawl"] = last_crawl
                else:
                    data.pop("LastCrawl", None)
        return _epoch(data)

    def update(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        name = body.get("Name", "")
        crawler = self._crawler(account, region, name)
        if self._state(account, region, name).state != "READY":
            raise ApiError(
                "CrawlerRunningException", f"Crawler with name {name} is running and cannot be updated"
            )
        fields = {
            "Role": "role",
            "DatabaseName": "database_name",
            "Description": "description",
            "Targets": "targets",
            "Classifiers": "classifiers",
            "TablePrefix": "table_prefix",
            "SchemaChangePolicy": "schema_change_policy",
            "RecrawlPolicy": "recrawl_policy",
            "LineageConfiguration": "lineage_configuration",
            "Configuration": "configuration",
            "CrawlerSecurityConfiguration": "crawler_security_configuration",
        }
        with BACKEND_LOCK:
            for key, attr in fields.items():
                if key in body:
                    setattr(crawler, attr, body[key])
            if "Schedule" in body:
                crawler.schedule = body["Schedule"]
            crawler.version += 1
            crawler.last_updated = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        return {}

    def metrics(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        with BACKEND_LOCK:
            names = body.get("CrawlerNameList") or list(self._glue(account, region).crawlers)
        out = []
        for name in names:
            self._crawler(account, region, name)
            state = self._state(account, region, name)
            with self._lock:
                finished = [c for c in state.crawls if c.ended is not None]
                running = state.state != "READY"
            runtimes = [c.ended - c.started for c in finished if c.ended is not None]
            last = finished[-1] if finished else None
            out.append(
                {
                    "CrawlerName": name,
                    "TimeLeftSeconds": 0.0,
                    "StillEstimating": running,
                    "LastRuntimeSeconds": round(runtimes[-1], 3) if runtimes else 0.0,
                    "MedianRuntimeSeconds": round(statistics.median(runtimes), 3) if runtimes else 0.0,
                    "TablesCreated": last.tables_created if last else 0,
                    "TablesUpdated": last.tables_updated if last else 0,
                    "TablesDeleted": last.tables_deleted if last else 0,
                }
            )
        return {"CrawlerMetricsList": out}

    def list_crawls(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        name = body.get("CrawlerName", "")
        self._crawler(account, region, name)
        state = self._state(account, region, name)
        crawls = []
        with self._lock:
            for crawl in reversed(state.crawls):
                item: dict[str, Any] = {
                    "CrawlId": crawl.crawl_id,
                    "State": "COMPLETED" if crawl.status == "SUCCEEDED" else crawl.status,
                    "StartTime": crawl.started,
                    "Summary": json.dumps(
                        {
                            "TABLE": {
                                "ADD": {"Count": crawl.tables_created},
                                "UPDATE": {"Count": crawl.tables_updated},
                            },
                            "PARTITION": {"ADD": {"Count": crawl.partitions_added}},
                        }
                    ),
                    "LogGroup": "/aws-glue/crawlers",
                    "LogStream": name,
                    "MessagePrefix": crawl.crawl_id,
                    "DPUHour": 0.0,
                }
                if crawl.ended is not None:
                    item["EndTime"] = crawl.ended
                if crawl.error:
                    item["ErrorMessage"] = crawl.error
                crawls.append(item)
        return {"Crawls": crawls[: int(body.get("MaxResults") or 100)]}


def _signature(columns: list[Column] | None) -> list[tuple[str, str]]:
    """What a schema change is judged on: column names and types, not comments."""
    return [(c.name, c.type) for c in columns or []]


def _update_schema(
    table: Table, columns: list[Column], parameters: dict[str, str], *, merge_only: bool
) -> bool:
    """Give an existing table the crawled schema (or only its new columns); True if it changed."""
    known = {c.name for c in table.columns}
    merged = table.columns + [c for c in columns if c.name not in known] if merge_only else columns
    if _signature(merged) == _signature(table.columns):
        return False
    table.columns = merged
    table.parameters = {**table.parameters, **parameters}
    return True


def _merge_new_columns(configuration: str | None) -> bool:
    if not configuration:
        return False
    try:
        config = json.loads(configuration)
    except ValueError:
        return False
    behavior = config.get("CrawlerOutput", {}).get("Tables", {}).get("AddOrUpdateBehavior")
    return behavior == "MergeNewColumns"


def _excluded(obj: S3Object, target_path: str, target: dict[str, Any]) -> bool:
    _, prefix = split_uri(target_path)
    relative = obj.key[len(prefix) :]
    return any(fnmatch.fnmatch(relative, pattern) for pattern in target.get("Exclusions") or [])


def discover_tables(target: str, objects: list[S3Object]) -> list[TableFound]:
    """Group a target's files into tables: the target itself, or each of its sub-folders.

    The target is one table when it holds files directly or only ``k=v`` folders; otherwise
    every first-level folder is a dataset of its own. Folders below a table root are its
    partitions (``k=v`` names the key; bare names become ``partition_0``... as Glue does).
    """
    _, prefix = split_uri(target)
    prefix = as_prefix(prefix) if prefix else ""
    relative = [(o, o.key[len(prefix) :].split("/")) for o in objects]
    if not relative:
        return []
    first_folders = {parts[0] for _o, parts in relative if len(parts) > 1}
    direct_files = any(len(parts) == 1 for _o, parts in relative)
    target_name = table_name_for(target.rstrip("/").rsplit("/", 1)[-1])
    if direct_files or all("=" in f for f in first_folders):
        groups = {("", target_name): relative}
    else:
        groups = {}
        for obj, parts in relative:
            if len(parts) == 1:
                continue
            groups.setdefault((parts[0] + "/", table_name_for(parts[0])), []).append((obj, parts[1:]))
    tables = []
    for (folder, name), members in groups.items():
        root = target + folder
        depths = [len(p) - 1 for _o, p in members]
        depth = max(set(depths), key=depths.count)  # files at the most common folder depth
        kept = [(o, p) for o, p in members if len(p) - 1 == depth]
        keys = []
        for i, folder_name in enumerate(kept[0][1][:depth]):
            key, sep, _value = folder_name.partition("=")
            keys.append(key.lower() if sep else f"partition_{i}")
        partitions: dict[tuple[str, ...], str] = {}
        for _obj, parts in kept:
            values = tuple(hive_unescape(f.partition("=")[2]) if "=" in f else f for f in parts[:depth])
            partitions.setdefault(values, root + "".join(f"{f}/" for f in parts[:depth]))
        tables.append(TableFound(root, name, [o for o, _p in kept], keys, partitions))
    return tables


def infer_schema(store: S3Store, found: TableFound) -> list[Column]:
    """Union of the Parquet footers' columns, in order of first appearance."""
    return _union_schema(store, found.files)


def infer_partition_schemas(store: S3Store, found: TableFound) -> dict[tuple[str, ...], list[Column]]:
    """Each partition's own schema, from its files only, as Glue records it on the partition.

    A column dropped at the source disappears from the new partitions while the
    table keeps it; readers that care (the silver planner) can tell the difference.
    """
    by_partition: dict[tuple[str, ...], list[S3Object]] = {}
    locations = {location: values for values, location in found.partitions.items()}
    for obj in found.files:
        folder = f"s3://{obj.bucket}/{obj.key.rsplit('/', 1)[0]}/"
        if folder in locations:
            by_partition.setdefault(locations[folder], []).append(obj)
    return {values: _union_schema(store, files) for values, files in by_partition.items()}


def _union_schema(store: S3Store, files: list[S3Object]) -> list[Column]:
    columns: dict[str, Column] = {}
    con = duckdb.connect(config={"threads": 1})
    try:
        for obj in files:
            path = store.local_copy(obj)
            try:
                rel = con.sql(f"SELECT * FROM read_parquet({sql_string(str(path))}) LIMIT 0")
                pairs = list(zip(rel.columns, rel.types, strict=True))
            except duckdb.Error as err:
                raise CrawlFailed(
                    f"Unable to read s3://{obj.bucket}/{obj.key}: not a readable Parquet file "
                    f"({str(err).splitlines()[0]})"
                ) from None
            for name, dtype in pairs:
                columns.setdefault(name.lower(), Column(name.lower(), duckdb_to_hive(dtype)))
    finally:
        con.close()
    return list(columns.values())
