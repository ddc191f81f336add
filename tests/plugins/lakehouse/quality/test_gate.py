"""The gate's verdict: critical failures block, warnings are recorded, and the message says what and where."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from lakehouse.quality.frame import ResultColumn
from lakehouse.quality.gate import Verdict, VolumeBaseline, schema_findings, validate
from lakehouse.quality.suite import SuiteSpec

PARAMETERS = {"now": datetime(2026, 11, 22), "opened_on": datetime(2025, 11, 1)}

SUITE = SuiteSpec.model_validate(
    {
        "dataset": "silver.orders",
        "columns": {
            "order_id": "bigint",
            "status": "string",
            "ordered_at": "timestamp",
            "order_date": "string",
        },
        "volume": {
            "critical": {"min_ratio": 0.2, "max_ratio": 5},
            "warning": {"min_ratio": 0.5, "max_ratio": 2},
        },
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "column": "order_id"},
            {"type": "expect_column_values_to_be_unique", "column": "order_id"},
            {
                "type": "expect_column_values_to_be_in_set",
                "column": "status",
                "value_set": ["paid", "placed"],
            },
            {
                "type": "expect_column_values_to_be_between",
                "column": "ordered_at",
                "min_value": {"$PARAMETER": "opened_on"},
                "max_value": {"$PARAMETER": "now"},
            },
            {
                "type": "expect_column_values_to_be_in_set",
                "column": "status",
                "value_set": ["paid"],
                "severity": "warning",
                "notes": "mostly paid",
            },
        ],
    }
)


def frame(rows: list[tuple]) -> pd.DataFrame:
    schema = pa.schema(
        [
            ("order_id", pa.int64()),
            ("status", pa.string()),
            ("ordered_at", pa.timestamp("ms")),
            ("order_date", pa.string()),
        ]
    )
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    table = pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def clean_rows(day: str = "2026-11-02", n: int = 10, start: int = 1) -> list[tuple]:
    stamp = datetime.fromisoformat(day + "T10:00:00")
    return [(start + i, "paid", stamp, day) for i in range(n)]


def run(tmp_path: Path, rows: list[tuple], volume: VolumeBaseline | None = None) -> tuple[Verdict, Path]:
    docs = tmp_path / "data_docs"
    findings, evaluated, _ = validate(
        frame(rows), SUITE, parameters=PARAMETERS, volume=volume, docs_dir=docs, run_name="manual__1"
    )
    verdict = Verdict("silver.orders", "2026-11-02", len(rows), ["2026-11-02"], findings, evaluated)
    return verdict, docs


def test_clean_data_passes_with_every_expectation_evaluated_and_data_docs_built(tmp_path: Path) -> None:
    verdict, docs = run(tmp_path, clean_rows())
    assert verdict.passed and not verdict.findings
    assert verdict.evaluated == len(SUITE.expectations) + 1
    assert (docs / "index.html").is_file()
    assert list(docs.glob("validations/**/*.html"))


def test_critical_failures_block_and_name_counts_and_sample_values(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = (None, "paid", rows[0][2], rows[0][3])
    rows[1] = (5, "teleported", rows[1][2], rows[1][3])
    rows[2] = (3, "paid", datetime(2031, 1, 1), rows[2][3])
    verdict, _ = run(tmp_path, rows)
    assert not verdict.passed
    lines = {f.check: f.line() for f in verdict.critical}
    assert lines["expect_column_values_to_not_be_null(order_id)"].startswith(
        "expect_column_values_to_not_be_null(order_id): 1 of 10"
    )
    assert "2 of 10 rows unexpected" in lines["expect_column_values_to_be_unique(order_id)"]
    assert "'teleported'" in lines["expect_column_values_to_be_in_set(status)"]
    assert "2031-01-01" in lines["expect_column_values_to_be_between(ordered_at)"]
    message = verdict.message()
    assert message.startswith(
        "audit of silver.orders for 2026-11-02 failed: 10 staged rows in 1 partitions (2026-11-02)"
    )
    assert "critical (4, nothing is published):" in message


def test_a_failed_warning_alone_does_not_block_and_is_recorded(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[4] = (5, "placed", rows[4][2], rows[4][3])
    verdict, _ = run(tmp_path, rows)
    assert verdict.passed
    (warning,) = verdict.warnings
    assert warning.severity == "warning" and warning.unexpected == 1
    assert "(mostly paid)" in warning.detail and "'placed'" in warning.line()
    assert "warnings (1, published anyway):" in verdict.message()
    assert verdict.to_json()["warnings"][0]["sample"] == ["'placed'"]


@pytest.mark.parametrize(
    ("today", "previous", "severity"),
    [(10, 10, None), (4, 10, "warning"), (1, 10, "critical"), (60, 10, "critical")],
)
def test_the_run_days_partition_is_held_to_a_band_around_the_previous_day(
    tmp_path: Path, today: int, previous: int, severity: str | None
) -> None:
    rows = clean_rows("2026-11-01", 30) + clean_rows("2026-11-02", today, start=100)
    baseline = VolumeBaseline("order_date", "2026-11-02", "2026-11-01", previous)
    verdict, _ = run(tmp_path, rows, baseline)
    found = {f.severity for f in verdict.findings if "row_count" in f.check}
    assert found == ({severity, "warning"} if severity == "critical" else {severity} - {None})
    if severity:
        assert f"rows on 2026-11-02 against {previous} on 2026-11-01" in verdict.message()


def test_schema_drift_is_a_critical_finding_per_column() -> None:
    columns = [
        ResultColumn("order_id", "string"),
        ResultColumn("ordered_at", "timestamp"),
        ResultColumn("order_date", "string"),
        ResultColumn("channel", "string"),
    ]
    found = [f.detail for f in schema_findings(SUITE, columns)]
    assert found == [
        "column order_id is string, declared bigint",
        "column status (string) is missing",
        "column channel (string) is not declared",
    ]


def test_decimal_precision_is_part_of_the_declared_type() -> None:
    suite = SUITE.model_copy(update={"columns": {"amount": "decimal(12,2)"}})
    assert schema_findings(suite, [ResultColumn("amount", "decimal(12,2)")]) == []
    (finding,) = schema_findings(suite, [ResultColumn("amount", "decimal(10,2)")])
    assert finding.detail == "column amount is decimal(10,2), declared decimal(12,2)"


def test_a_failed_lookup_shows_the_keys_that_did_not_resolve(tmp_path: Path) -> None:
    suite = SuiteSpec.model_validate(
        {
            "dataset": "silver.order_items",
            "columns": {"order_item_id": "bigint", "order_id": "bigint"},
            "lookups": [{"name": "order_found", "join_on": ["order_id"]}],
            "expectations": [{"type": "expect_column_values_to_not_be_null", "column": "order_found"}],
        }
    )
    data = pa.table(
        {"order_item_id": [1, 2, 3], "order_id": [10, 987654321, 11], "order_found": [True, None, True]}
    ).to_pandas(types_mapper=pd.ArrowDtype)
    findings, _, _ = validate(
        data, suite, parameters={}, volume=None, docs_dir=tmp_path / "docs", run_name="manual__1"
    )
    (finding,) = findings
    assert finding.unexpected == 1
    assert finding.sample == ["order_id=987654321"]
