"""Expectation suites as data: include/sql/<layer>/<dataset>.suite.yaml, beside the dataset's SQL.

A suite file declares what a dataset must look like before it is published:
- `columns`: the schema, in order, as Athena types (drift in names or types is critical);
- `lookups`: cross-table facts joined onto every staged row by a SQL file in
  include/sql/audit/lookups/ (does the row's order exist, what do its items add up to);
- `volume`: the band the run day's partition may move in against the previous day's;
- `expectations`: Great Expectations 1.x expectations by their snake-case type
  name with their keyword arguments, each critical (blocks publishing) or a warning.

This module reads and checks the file with pydantic only, so the DAG can load
every suite at parse time (a malformed suite fails the import, naming the file and
key) without importing Great Expectations, which takes seconds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from lakehouse.config import Strict, describe_errors, parse_yaml
from lakehouse.paths import sql_dir

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]
ATHENA_TYPE = re.compile(
    r"^(bigint|int|smallint|tinyint|double|float|boolean|string|date|timestamp|decimal\(\d{1,2},\s?\d{1,2}\))$"
)
Severity = Literal["critical", "warning", "info"]


class SuiteError(ValueError):
    """A suite file is missing or malformed; the message names the file and the key."""


INTEGER_TYPES = ("tinyint", "smallint", "int", "integer", "bigint")


class Lookup(Strict):
    """A column joined onto each staged row from include/sql/audit/lookups/<name>.sql on `join_on`."""

    name: Identifier
    join_on: list[Identifier] = Field(min_length=1)
    # an integer column of the staged rows whose min and max bound what the lookup reads of the
    # tables it looks in: their files are clustered by it (ids grow with time), so Athena skips
    # the row groups outside the range and an incremental day does not pay for the whole history
    key_range: Identifier | None = None

    @property
    def template(self) -> str:
        return f"audit/lookups/{self.name}.sql"


class Band(Strict):
    min_ratio: float = Field(ge=0)
    max_ratio: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min_ratio > self.max_ratio:
            raise ValueError(f"min_ratio {self.min_ratio} is above max_ratio {self.max_ratio}")
        return self


class Volume(Strict):
    """Row count of the run day's partition against the previous day's (freshness and volume)."""

    critical: Band
    warning: Band | None = None
    min_previous_rows: int = Field(
        default=10, ge=1, description="below this the previous day is too small to compare against"
    )


class ExpectationSpec(BaseModel):
    """One GX expectation: `type` is its snake-case name, every other key is its argument."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: Annotated[str, StringConstraints(pattern=r"^expect_[a-z_]+$")]
    severity: Severity = "critical"

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.type.split("_"))

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class SuiteSpec(Strict):
    dataset: str = ""
    columns: dict[Identifier, str] = Field(min_length=1)
    lookups: list[Lookup] = Field(default_factory=list)
    volume: Volume | None = None
    expectations: list[ExpectationSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SuiteSpec:
        for column, kind in self.columns.items():
            if not ATHENA_TYPE.match(kind):
                raise ValueError(f"columns.{column}: {kind!r} is not an Athena type this audit knows")
        names = set(self.columns) | {lookup.name for lookup in self.lookups}
        for lookup in self.lookups:
            if lookup.name in self.columns:
                raise ValueError(f"lookups.{lookup.name}: the name is already a column")
            ranged = lookup.key_range
            if ranged is not None and self.columns.get(ranged) not in INTEGER_TYPES:
                raise ValueError(
                    f"lookups.{lookup.name}.key_range: {ranged} is not a declared integer column"
                    f" (declared: {self.columns.get(ranged, 'not at all')})"
                )
            for key in lookup.join_on:
                if key not in self.columns:
                    raise ValueError(f"lookups.{lookup.name}.join_on: {key} is not a declared column")
        for index, expectation in enumerate(self.expectations):
            kwargs = expectation.kwargs
            for key in ("column", "column_A", "column_B"):
                if key in kwargs and kwargs[key] not in names:
                    raise ValueError(f"expectations.{index}.{key}: {kwargs[key]!r} is not a declared column")
            for column in kwargs.get("column_list", []):
                if column not in names:
                    raise ValueError(f"expectations.{index}.column_list: {column!r} is not a declared column")
        return self

    @property
    def batch_columns(self) -> list[str]:
        """The columns of the validated batch: the dataset's, then its lookups'."""
        return [*self.columns, *(lookup.name for lookup in self.lookups)]


def suite_path(layer: str, name: str) -> Path:
    return sql_dir() / layer / f"{name}.suite.yaml"


def load_suite_file(path: Path) -> SuiteSpec:
    try:
        raw = parse_yaml(path.read_text())
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read expectation suite: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise SuiteError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return SuiteSpec.model_validate({**raw, "dataset": path.name.removesuffix(".suite.yaml")})
    except ValidationError as exc:
        raise SuiteError(describe_errors(exc, path, "expectation suite")) from None


@cache
def load_suite(layer: str, name: str) -> SuiteSpec:
    """The suite of `<layer>.<name>`; every dataset must have one."""
    return load_suite_file(suite_path(layer, name)).model_copy(update={"dataset": f"{layer}.{name}"})
