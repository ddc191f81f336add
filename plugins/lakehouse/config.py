"""The pipeline's configuration: include/pipeline.yaml, validated into typed objects.

Why validate at DAG parse time: a typo in a table or column name should fail
the DAG import with the key and the reason, not a task at 02:00 with an
Athena error. Names that end up as SQL identifiers are checked against a
strict pattern here, so the SQL templates can interpolate them safely.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from lakehouse.paths import include_dir

# Lower-case SQL identifiers valid in Postgres, Glue and Athena alike.
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]
# S3 bucket names as AWS accepts them (no dots: they break virtual-host TLS).
BucketName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
# Names of AWS resources such as Glue crawlers and Athena workgroups.
ResourceName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]


class ConfigError(ValueError):
    """pipeline.yaml is malformed; the message names the key and the reason."""


class Strict(BaseModel):
    """Unknown keys are errors (a typo must not pass as a default); values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceTable(Strict):
    """One table of the operational database that the pipeline exports."""

    name: Identifier
    primary_key: list[Identifier] = Field(min_length=1)
    cursor_column: Identifier = Field(description="monotonic change timestamp used for incremental export")
    business_date_column: Identifier | None = Field(
        default=None,
        description="timestamp whose UTC date partitions silver; None for a dimension rewritten whole",
    )
    changes_daily: bool | None = Field(
        default=None,
        description="whether every day brings it a change (source_activity_check fails a day without one);"
        " defaults to true for a table with a business date (a fact table), false otherwise",
    )
    partition_column: Identifier | None = Field(
        default=None,
        description="name of silver's date partition (the UTC date of business_date_column);"
        " defaults to <business_date_column without _at>_date",
    )
    delete_column: Identifier | None = Field(
        default=None, description="soft-delete timestamp (deletes: soft): rows where it is set leave silver"
    )
    mode: Literal["incremental", "full"] = "incremental"
    deletes: Literal["none", "soft", "hard"] | None = Field(
        default=None,
        description="how rows leave the source: soft (delete_column is set), hard (the row is gone:"
        " each export also writes the table's key set and silver drops keys it lacks) or none;"
        " required for incremental tables, whose exports cannot see a deleted row otherwise",
    )
    pii_columns: list[Identifier] = Field(default_factory=list)
    pii_method: Literal["hash", "mask"] = Field(
        default="hash",
        description="hash: HMAC-SHA256 hex keyed with the lakehouse_pii_secret Variable, so silver"
        " can still join and count distinct values;"
        " mask: a constant, for columns nobody downstream needs",
    )
    lookback_minutes: int = Field(
        default=0,
        ge=0,
        le=7 * 24 * 60,
        description="incremental exports also take rows whose cursor falls this long before the"
        " data interval, so updates committed late (long transactions) are not missed",
    )

    @model_validator(mode="after")
    def _pii_columns_are_not_keys(self) -> SourceTable:
        hidden = sorted(set(self.pii_columns) & {*self.primary_key, self.cursor_column})
        if hidden:
            raise ValueError(f"pii_columns cannot hide key or cursor columns: {', '.join(hidden)}")
        return self

    @model_validator(mode="after")
    def _partition_needs_a_business_date(self) -> SourceTable:
        if self.partition_column and not self.business_date_column:
            raise ValueError("partition_column needs a business_date_column to take the date from")
        return self

    @model_validator(mode="after")
    def _deletes_are_declared(self) -> SourceTable:
        if self.delete_column and self.deletes != "soft":
            raise ValueError(f"delete_column is for deletes: soft, but deletes is {self.deletes!r}")
        if self.deletes == "soft" and not self.delete_column:
            raise ValueError("deletes: soft needs the delete_column that marks a deleted row")
        if self.deletes is None and self.mode == "incremental":
            raise ValueError(
                "deletes: required for an incremental table: soft (with delete_column), hard (rows"
                " gone from the source leave silver) or none (the source never deletes)"
            )
        return self

    @property
    def hard_deletes(self) -> bool:
        """Whether exports also write the key set: incremental tables whose rows vanish."""
        return self.deletes == "hard" and self.mode == "incremental"

    @property
    def requires_daily_change(self) -> bool:
        return self.business_date_column is not None if self.changes_daily is None else self.changes_daily

    @property
    def silver_partition(self) -> str | None:
        """The silver partition column, or None for a dimension rewritten whole."""
        if self.business_date_column is None:
            return None
        return self.partition_column or f"{self.business_date_column.removesuffix('_at')}_date"


class SplitExports(Strict):
    """When a full export of a table becomes several tasks, one per range of its key."""

    above_mb: int = Field(
        default=1024, ge=1, description="a table larger than this on disk (its heap) is split"
    )
    slice_mb: int = Field(default=512, ge=1, description="about this much of the table per slice")
    max_slices: int = Field(default=16, ge=1, le=256, description="at most this many slices")


class Source(Strict):
    conn_id: str = "postgres_oltp"
    schema_name: Identifier = Field(default="public", alias="schema")
    tables: list[SourceTable] = Field(min_length=1)
    split_exports: SplitExports = Field(default_factory=SplitExports)

    @model_validator(mode="after")
    def _unique_table_names(self) -> Source:
        names = [table.name for table in self.tables]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"table names must be unique, repeated: {', '.join(duplicates)}")
        return self


class Databases(Strict):
    """Glue databases per layer; `staging` holds write-audit-publish temp tables."""

    bronze: Identifier = "bronze"
    silver: Identifier = "silver"
    gold: Identifier = "gold"
    staging: Identifier = "staging"


class Lake(Strict):
    """Where the lakehouse lives on AWS. Terraform reads the same values."""

    bucket: BucketName = "airflow-lakehouse-lake"
    athena_results_bucket: BucketName = "airflow-lakehouse-athena-results"
    workgroup: ResourceName = "lakehouse"
    crawler: ResourceName = "lakehouse-bronze"
    aws_conn_id: str = "aws_default"
    databases: Databases = Field(default_factory=Databases)

    def prefix(self, layer: str, dataset: str) -> str:
        """s3://<bucket>/<layer>/<dataset>/: the live location of a dataset."""
        return f"s3://{self.bucket}/{layer}/{dataset}/"

    @property
    def athena_output(self) -> str:
        return f"s3://{self.athena_results_bucket}/athena/"


class GoldDataset(Strict):
    """An aggregate built from silver by include/sql/gold/<name>.sql."""

    name: Identifier
    partition_column: Identifier | None = Field(
        default=None, description="order_date to rebuild only affected dates; None to rebuild whole"
    )
    key_columns: list[Identifier] = Field(min_length=1, description="unique per row (audited)")
    affected_by: list[Identifier] | None = Field(
        default=None,
        description="the silver tables whose rewritten partitions (business dates) are the dates this"
        " dataset rebuilds in an incremental run; default: every source table with a business date",
    )
    built_from: list[Identifier] = Field(
        default_factory=list,
        description="gold datasets this one reads (published first in the same run, and it is not"
        " built when one of them failed); each listed earlier in gold:",
    )
    settles_after_days: int | None = Field(
        default=None,
        ge=1,
        le=3660,
        description="a per-customer history of the order dates no change reaches any more: the months"
        " ending this many days before a run are folded into this dataset, and the datasets built from"
        " it read the date-partitioned one it is built from only after them (a change older than this"
        " still converges: the history is rebuilt)",
    )
    description: str = ""


class Schedule(Strict):
    """When lakehouse_daily runs. The cron's data interval is aligned to UTC midnight by the DAG."""

    cron: str = Field(default="0 2 * * *", pattern=r"^\S+ \S+ \S+ \S+ \S+$")
    start_date: date = date(2026, 11, 1)
    catchup: bool = Field(default=False, description="run every missed day since start_date (a backfill)")
    run_timeout_hours: int = Field(
        default=12,
        ge=1,
        le=72,
        description="a run is failed past this; the lease it holds on the lake expires then too,"
        " so a run that died without releasing it frees the lake",
    )

    publish_by: str = Field(
        default="06:00",
        description="HH:MM, UTC: the time by which a day's gold should be published;"
        " lakehouse_freshness checks then and notifies when it is not",
    )

    @field_validator("publish_by", mode="before")
    @classmethod
    def _time_of_day(cls, value: object) -> str:
        # YAML reads an unquoted time without its leading zero as a sexagesimal integer
        if not isinstance(value, str):
            raise ValueError(f'a time of day in quotes, "HH:MM" (UTC), not {value!r}')
        hours, colon, minutes = value.partition(":")
        if not (colon and len(hours) == len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
            raise ValueError(f'a time of day "HH:MM" (UTC), not {value!r}')
        if int(hours) > 23 or int(minutes) > 59:
            raise ValueError(f"{value!r} is not a time of day (00:00 to 23:59)")
        return value

    @property
    def run_timeout(self) -> timedelta:
        return timedelta(hours=self.run_timeout_hours)

    @property
    def publish_time(self) -> time:
        hours, minutes = self.publish_by.split(":")
        return time(int(hours), int(minutes))

    @property
    def publish_cron(self) -> str:
        """A daily cron at publish_by (UTC)."""
        return f"{self.publish_time.minute} {self.publish_time.hour} * * *"


class Quality(Strict):
    """Settings the expectation suites share (include/sql/<layer>/<dataset>.suite.yaml)."""

    opened_on: date = Field(
        default=date(2025, 11, 1), description="the shop's first day: no business timestamp is older"
    )
    future_tolerance_minutes: int = Field(
        default=5, ge=0, le=1440, description="clock skew allowed before a timestamp counts as future"
    )
    reports_prefix: Identifier = Field(
        default="reports", description="s3://<lake>/<reports_prefix>/<dag_id>/<dataset>/<date>/<run_id>/"
    )


class AthenaLimits(Strict):
    """How long a wait on Athena may last before it cancels its query and fails, naming it.

    Queueing counts: on AWS a query can wait in Athena's queue before it runs.
    """

    query_timeout_minutes: int = Field(
        default=240,
        ge=1,
        le=240,
        description="the DAG's statements and queries (plan, stage, audit); Athena's DML timeout"
        " quota is 30 minutes unless raised, 240 at most",
    )
    report_timeout_seconds: int = Field(
        default=60,
        ge=1,
        le=600,
        description="each query of the report page (a browser waits on it) and of make demo's report",
    )

    @property
    def query_timeout_s(self) -> float:
        return self.query_timeout_minutes * 60.0


class Maintenance(Strict):
    """lakehouse_maintenance: when it runs, and how long what the lake no longer serves is kept.

    Superseded versions are what a rollback restores, so their retention is the
    rollback window; a failed run's staging is kept a while so that it can be
    looked into; query results are Athena's, never the lake's.
    """

    cron: str = Field(
        default="0 16 * * *",
        pattern=r"^\S+ \S+ \S+ \S+ \S+$",
        description="daily, after lakehouse_daily's window (its start plus its run timeout); the"
        " lake's lease keeps the two apart whenever a run is late",
    )
    run_timeout_hours: int = Field(
        default=4, ge=1, le=24, description="a run is failed past this, and the lease it holds expires"
    )
    superseded_days: int = Field(
        default=7,
        ge=1,
        le=3650,
        description="the rollback window: a version a publish replaced is kept this long, then deleted",
    )
    abandoned_staging_days: int = Field(
        default=1,
        ge=1,
        le=3650,
        description="a failed run's staging (a _runs/ location no table or record points at, a table"
        " in the staging database) is deleted once this old",
    )
    athena_results_days: int = Field(
        default=7, ge=1, le=3650, description="query results under the Athena output location"
    )

    @property
    def run_timeout(self) -> timedelta:
        return timedelta(hours=self.run_timeout_hours)


class PipelineConfig(Strict):
    schedule: Schedule = Field(default_factory=Schedule)
    lake: Lake = Field(default_factory=Lake)
    athena: AthenaLimits = Field(default_factory=AthenaLimits)
    quality: Quality = Field(default_factory=Quality)
    maintenance: Maintenance = Field(default_factory=Maintenance)
    source: Source
    gold: list[GoldDataset] = Field(default_factory=list)

    @model_validator(mode="after")
    def _gold_is_affected_by_dated_tables(self) -> PipelineConfig:
        dated = {t.name for t in self.source.tables if t.business_date_column}
        for index, dataset in enumerate(self.gold):
            unknown = sorted(set(dataset.affected_by or []) - dated)
            if unknown:
                raise ValueError(
                    f"gold.{index}.affected_by: {', '.join(unknown)} are not source tables with a"
                    f" business_date_column (those are: {', '.join(sorted(dated))})"
                )
        return self

    @model_validator(mode="after")
    def _gold_is_built_from_earlier_gold(self) -> PipelineConfig:
        """A dataset reads only gold listed before it: the order the DAG builds them in."""
        for index, dataset in enumerate(self.gold):
            earlier = [d.name for d in self.gold[:index]]
            later = sorted(set(dataset.built_from) - set(earlier))
            if later:
                raise ValueError(
                    f"gold.{index}.built_from: {', '.join(later)} must be gold datasets listed before"
                    f" {dataset.name} (those are: {', '.join(earlier) or 'none'})"
                )
        return self

    @model_validator(mode="after")
    def _settled_histories_fold_one_dated_dataset(self) -> PipelineConfig:
        """A settled history folds the dates of one date-partitioned dataset, which whatever is built
        from the history reads too (for the dates after it)."""
        by_name = {d.name: d for d in self.gold}
        for index, dataset in enumerate(self.gold):
            if dataset.settles_after_days is None:
                continue
            sources = [by_name[name] for name in dataset.built_from if name in by_name]
            if dataset.partition_column or len(sources) != 1 or not sources[0].partition_column:
                raise ValueError(
                    f"gold.{index}.settles_after_days: {dataset.name} must have no partition_column and"
                    " be built_from exactly one date-partitioned gold dataset"
                )
        for index, dataset in enumerate(self.gold):
            history = self.settled_history(dataset)
            if history is not None and history.built_from[0] not in dataset.built_from:
                raise ValueError(
                    f"gold.{index}.built_from: {dataset.name} reads {history.name}, so it must be built"
                    f" from {history.built_from[0]} too (the dates after the settled ones)"
                )
        return self

    @model_validator(mode="after")
    def _staging_outlives_a_run(self) -> PipelineConfig:
        """A run may still use its staging (a publish retried) until its timeout fails it."""
        kept = self.maintenance.abandoned_staging_days * 24
        if kept < self.schedule.run_timeout_hours:
            raise ValueError(
                f"maintenance.abandoned_staging_days: {self.maintenance.abandoned_staging_days} keeps"
                f" staging for less than schedule.run_timeout_hours ({self.schedule.run_timeout_hours}):"
                " a run still going could lose its staging"
            )
        return self

    def affecting(self, dataset: GoldDataset) -> list[str]:
        """The silver tables whose rewritten dates a gold dataset rebuilds."""
        if dataset.affected_by is not None:
            return dataset.affected_by
        return [t.name for t in self.source.tables if t.business_date_column]

    def settled_history(self, dataset: GoldDataset) -> GoldDataset | None:
        """The settled history (settles_after_days) `dataset` is built from, if any."""
        for name in dataset.built_from:
            for other in self.gold:
                if other.name == name and other.settles_after_days is not None:
                    return other
        return None

    def datasets(self, layer: str | None = None) -> list[tuple[str, str]]:
        """(layer, name) of every write-audit-publish dataset, silver's then gold's, or one layer's."""
        found = [("silver", t.name) for t in self.source.tables] + [("gold", d.name) for d in self.gold]
        return [(lay, name) for lay, name in found if layer in (None, lay)]

    def table(self, name: str) -> SourceTable:
        for table in self.source.tables:
            if table.name == name:
                return table
        raise KeyError(f"no source table named {name!r} in pipeline.yaml")

    def gold_dataset(self, name: str) -> GoldDataset:
        for dataset in self.gold:
            if dataset.name == name:
                return dataset
        raise KeyError(f"no gold dataset named {name!r} in pipeline.yaml")


def describe_errors(error: ValidationError, path: Path, what: str = "pipeline config") -> str:
    """One line per bad key: `key.path: reason`, under the file's name."""
    lines = [f"{path}: invalid {what}"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def parse_yaml(text: str) -> Any:
    """YAML's safe subset, parsed by libyaml when PyYAML was built with it (its wheels are).

    Every task process parses the DAG file, which reads pipeline.yaml and every dataset's
    suite, and the pure-Python parser is most of what reading them costs.
    """
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_config(path: Path | str) -> PipelineConfig:
    """Read and validate a pipeline config; raise ConfigError naming each bad key."""
    path = Path(path)
    try:
        raw = parse_yaml(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read pipeline config: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return PipelineConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc, path)) from None


@cache
def pipeline_config() -> PipelineConfig:
    """The repository's pipeline.yaml, read once per process."""
    return load_config(include_dir() / "pipeline.yaml")
