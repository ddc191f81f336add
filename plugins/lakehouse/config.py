"""The pipeline's configuration: include/pipeline.yaml, validated into typed objects.

Why validate at DAG parse time: a typo in a table or column name should fail
the DAG import with the key and the reason, not a task at 02:00 with an
Athena error. Names that end up as SQL identifiers are checked against a
strict pattern here, so the SQL templates can interpolate them safely.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from lakehouse.paths import include_dir

# Lower-case SQL identifiers valid in Postgres, Glue and Athena alike.
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]


class ConfigError(ValueError):
    """pipeline.yaml is malformed; the message names the key and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceTable(_Strict):
    """One table of the operational database that the pipeline exports."""

    name: Identifier
    primary_key: list[Identifier] = Field(min_length=1)
    cursor_column: Identifier = Field(description="monotonic change timestamp used for incremental export")
    business_date_column: Identifier | None = Field(
        default=None, description="timestamp whose UTC date partitions silver; None for dimensions"
    )
    mode: Literal["incremental", "full"] = "incremental"
    pii_columns: list[Identifier] = Field(default_factory=list)


class Source(_Strict):
    conn_id: str = "postgres_oltp"
    schema_name: Identifier = Field(default="public", alias="schema")
    tables: list[SourceTable] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_table_names(self) -> Source:
        names = [table.name for table in self.tables]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"table names must be unique, repeated: {', '.join(duplicates)}")
        return self


class PipelineConfig(_Strict):
    source: Source

    def table(self, name: str) -> SourceTable:
        for table in self.source.tables:
            if table.name == name:
                return table
        raise KeyError(f"no source table named {name!r} in pipeline.yaml")


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid pipeline config"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def load_config(path: Path | str) -> PipelineConfig:
    """Read and validate a pipeline config; raise ConfigError naming each bad key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read pipeline config: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return PipelineConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None


@cache
def pipeline_config() -> PipelineConfig:
    """The repository's pipeline.yaml, read once per process."""
    return load_config(include_dir() / "pipeline.yaml")
