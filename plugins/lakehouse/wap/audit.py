"""Audit a staged dataset before it is published (write-audit-publish: audit).

Cheap SQL checks that every dataset must pass: keys present and unique, and a
whole-table dataset not empty. They run against the staged temp table, never
the live one, so a failure publishes nothing and the previous version stays
visible. The expectation suites of the quality-gates issue (Great
Expectations) are to run beside these; they are not built yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lakehouse.sql import render
from lakehouse.wap.plan import RowSource, StagePlan


@dataclass
class AuditResult:
    dataset: str
    rows: int
    rows_by_partition: dict[str, int]
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def message(self, plan: StagePlan) -> str:
        partitions = ", ".join(plan.partitions[:10]) + (" ..." if len(plan.partitions) > 10 else "")
        head = f"audit of {self.dataset} failed ({self.rows} staged rows"
        head += f"; partitions {partitions})" if plan.partitions else ")"
        return "\n".join([head, *(f"  - {failure}" for failure in self.failures)])

    def to_xcom(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "rows": self.rows, "passed": self.passed, "failures": self.failures}


def audit(plan: StagePlan, athena: RowSource) -> AuditResult:
    context = {
        "staging_db": plan.staging_database,
        "temp_table": plan.temp_table,
        "key_columns": plan.key_columns,
        "partition_column": plan.partition_column,
    }
    database = plan.staging_database
    counts = {
        row[0] or "": int(row[1]) for row in athena.rows(render("audit/row_count.sql", **context), database)
    }
    result = AuditResult(dataset=plan.dataset, rows=sum(counts.values()), rows_by_partition=counts)
    if plan.partition_column is None and result.rows == 0:
        result.failures.append("row_count: the dataset is empty")
    if plan.records_without_business_date:
        result.failures.append(
            f"business_date: {plan.records_without_business_date} change records have no business date"
            " and cannot be placed in a partition"
        )
    for check, label in (("null_keys", "rows with a null key"), ("duplicate_keys", "duplicated keys")):
        failures = int(athena.rows(render(f"audit/{check}.sql", **context), database)[0][0])
        if failures:
            keys = ", ".join(plan.key_columns)
            result.failures.append(f"{check}: {failures} {label} ({keys})")
    return result
