"""Run a suite with Great Expectations and turn the result into a verdict: publish or not.

GX says `success=False` as soon as any expectation fails, warnings included, so
the gate does not use that flag: it blocks on the most severe failure, and only
a critical one blocks. Checks GX cannot express on a DataFrame (the exact Athena
types of the staged table, change records that have no partition) are findings
of the same verdict, reported beside GX's results.

Great Expectations is imported inside `validate` only: it takes seconds to
import and must stay out of DAG parsing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakehouse.quality.frame import ResultColumn
from lakehouse.quality.suite import SuiteSpec

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_SIZE = 5


@dataclass
class Finding:
    """One failed check: what, how badly, how many rows, and a sample of the bad values."""

    check: str
    severity: str
    detail: str
    unexpected: int | None = None
    sample: list[Any] = field(default_factory=list)

    def line(self) -> str:
        text = f"{self.check}: {self.detail}"
        if self.sample:
            text += f"; e.g. {', '.join(_show(v) for v in self.sample)}"
        return text

    def to_json(self) -> dict[str, Any]:
        found = {"check": self.check, "severity": self.severity, "detail": self.detail}
        if self.unexpected is not None:
            found["unexpected"] = self.unexpected
        return found | {"sample": [_show(v) for v in self.sample]}


@dataclass
class VolumeBaseline:
    """The row count the run day's partition is compared against."""

    partition_column: str
    day: str
    previous_day: str
    previous_rows: int


@dataclass
class Verdict:
    dataset: str
    day: str
    rows: int
    partitions: list[str]
    findings: list[Finding]
    evaluated: int
    notes: list[str] = field(default_factory=list)
    report: str = ""
    gx_result: dict[str, Any] = field(default_factory=dict)

    @property
    def critical(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "critical"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "critical"]

    @property
    def passed(self) -> bool:
        return not self.critical

    def message(self) -> str:
        shown = ", ".join(self.partitions[:10]) + (" ..." if len(self.partitions) > 10 else "")
        state = "passed" if self.passed else "failed"
        lines = [f"audit of {self.dataset} for {self.day} {state}: {self.rows} staged rows"]
        if self.partitions:
            lines[0] += f" in {len(self.partitions)} partitions ({shown})"
        lines[0] += f"; {self.evaluated} expectations evaluated"
        if self.critical:
            lines.append(f"critical ({len(self.critical)}, nothing is published):")
            lines += [f"  - {f.line()}" for f in self.critical]
        if self.warnings:
            lines.append(f"warnings ({len(self.warnings)}, published anyway):")
            lines += [f"  - {f.line()}" for f in self.warnings]
        lines += [f"note: {note}" for note in self.notes]
        if self.report:
            lines.append(f"report: {self.report}")
        return "\n".join(lines)

    def to_json(self, *, all_partitions: bool = True) -> dict[str, Any]:
        """The verdict as data; the XCom copy keeps only the first partitions (a rebuild has hundreds)."""
        return {
            "dataset": self.dataset,
            "day": self.day,
            "passed": self.passed,
            "rows": self.rows,
            "partition_count": len(self.partitions),
            "partitions": self.partitions if all_partitions else self.partitions[:10],
            "evaluated": self.evaluated,
            "critical": [f.to_json() for f in self.critical],
            "warnings": [f.to_json() for f in self.warnings],
            "notes": self.notes,
            "report": self.report,
            "message": self.message(),
        }


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    text = str(value)
    return "null" if text in ("<NA>", "NaT", "nan") else repr(value) if isinstance(value, str) else text


def schema_findings(suite: SuiteSpec, columns: list[ResultColumn]) -> list[Finding]:
    """The staged table's columns and Athena types against the suite's declared schema."""
    actual = {c.name: c.athena_type for c in columns}
    lookups = {lookup.name for lookup in suite.lookups}
    findings = []
    for name, declared in suite.columns.items():
        if name not in actual:
            findings.append(Finding("schema", "critical", f"column {name} ({declared}) is missing"))
        elif actual[name] != declared.replace(" ", ""):
            findings.append(
                Finding("schema", "critical", f"column {name} is {actual[name]}, declared {declared}")
            )
    for name, kind in actual.items():
        if name not in suite.columns and name not in lookups:
            findings.append(Finding("schema", "critical", f"column {name} ({kind}) is not declared"))
    return findings


def _label(config: dict[str, Any]) -> str:
    kwargs = config.get("kwargs", {})
    target = (
        kwargs.get("column")
        or ",".join(kwargs.get("column_list") or [])
        or (f"{kwargs['column_A']},{kwargs['column_B']}" if "column_A" in kwargs else "")
    )
    label = config["type"] + (f"({target})" if target else "")
    return label + (" [day partition]" if kwargs.get("row_condition") else "")


def _finding(item: dict[str, Any]) -> Finding:
    config = item["expectation_config"]
    severity = str(config.get("severity") or "critical").rsplit(".", 1)[-1].lower()
    result = item.get("result") or {}
    exception = item.get("exception_info") or {}
    notes = config.get("notes")
    if exception.get("raised_exception"):
        message = (exception.get("exception_message") or "").splitlines()[0]
        return Finding(_label(config), "critical", f"could not be evaluated: {message}")
    unexpected = result.get("unexpected_count")
    if unexpected is not None:
        detail = f"{unexpected} of {result.get('element_count')} rows unexpected"
        sample = list(result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
    else:
        detail = f"observed {_show(result.get('observed_value'))}"
        sample = []
    if notes:
        detail += f" ({notes})"
    return Finding(_label(config), severity, detail, unexpected, sample)


def expectations_for(suite: SuiteSpec, volume: VolumeBaseline | None) -> list[Any]:
    """The GX expectations of a suite, plus the schema-name and volume checks it implies."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    built = [gxe.ExpectTableColumnsToMatchOrderedList(column_list=suite.batch_columns)]
    for spec in suite.expectations:
        expectation_class = getattr(gxe, spec.class_name, None)
        if expectation_class is None:
            raise ValueError(f"{suite.dataset}: {spec.type} is not a Great Expectations expectation")
        built.append(expectation_class(**spec.kwargs, severity=spec.severity))
    if volume is not None and suite.volume is not None:
        bands = [("critical", suite.volume.critical), ("warning", suite.volume.warning)]
        for severity, band in bands:
            if band is None:
                continue
            built.append(
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=math.ceil(volume.previous_rows * band.min_ratio),
                    max_value=math.floor(volume.previous_rows * band.max_ratio),
                    row_condition=Column(volume.partition_column) == volume.day,
                    severity=severity,
                    notes=(
                        f"rows on {volume.day} against {volume.previous_rows} on {volume.previous_day},"
                        f" allowed x{band.min_ratio}-x{band.max_ratio}"
                    ),
                )
            )
    return built


def validate(
    frame: pd.DataFrame,
    suite: SuiteSpec,
    *,
    parameters: dict[str, Any],
    volume: VolumeBaseline | None,
    docs_dir: Path,
    run_name: str,
) -> tuple[list[Finding], int, dict[str, Any]]:
    """Validate `frame` against `suite`; build Data Docs into `docs_dir`.

    Returns the failed expectations as findings, how many were evaluated, and
    GX's validation result as JSON.
    """
    # GX logs every datasource method it registers, at import, at INFO: it buried the verdict in task logs
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in task logs
    context.add_data_docs_site(
        site_name="audit",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    batch = (
        context.data_sources.add_pandas(suite.dataset)
        .add_dataframe_asset("staged")
        .add_batch_definition_whole_dataframe("run")
    )
    gx_suite = context.suites.add(
        gx.ExpectationSuite(name=suite.dataset, expectations=expectations_for(suite, volume))
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.dataset, data=batch, suite=gx_suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"audit {suite.dataset}",
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="data_docs", site_names=["audit"])],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE * 4},
        )
    )
    outcome = checkpoint.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters,
        run_id=gx.RunIdentifier(run_name=run_name),
    )
    (result,) = outcome.run_results.values()
    as_json = result.to_json_dict()
    keys = {lookup.name: lookup.join_on for lookup in suite.lookups}
    findings = []
    for item in as_json["results"]:
        if item["success"]:
            continue
        finding = _finding(item)
        column = item["expectation_config"].get("kwargs", {}).get("column")
        rows = (item.get("result") or {}).get("partial_unexpected_index_list")
        if column in keys and rows:
            # a failed lookup's own value is only null: show the keys that did not resolve
            sample = frame.loc[rows[:SAMPLE_SIZE], keys[column]]
            finding.sample = [
                ", ".join(f"{k}={_show(v)}" for k, v in row.items()) for _, row in sample.iterrows()
            ]
        findings.append(finding)
    return findings, len(as_json["results"]), as_json
