"""The CloudWatch metrics and SNS topics the pipeline reports to: defined once, for both sides.

The Airflow side puts these metrics and publishes to these topics; Terraform draws the
dashboard, sets the alarms and creates the topics from the same names, which reach it through
terraform/lakehouse.json (`make terraform-inputs`, checked current by tests/terraform). A
metric renamed here is renamed on the dashboard and in the alarms too, instead of leaving a
graph that no run ever feeds.

Every metric carries the `Environment` dimension, the MWAA environment's name
(``<project>-<environment>``, ``airflow-lakehouse-local`` on the local stack), as MWAA's own
metrics in the same namespace do. The namespace is the one the execution role may already
write (its PutMetricData grant is conditioned on it), so no second grant is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# MWAA's own namespace: the execution role's PutMetricData is limited to it (terraform's iam.tf
# reads it from lakehouse.json).
NAMESPACE = "AmazonMWAA"
ENVIRONMENT = "Environment"


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str  # a CloudWatch StandardUnit
    dimensions: tuple[str, ...]  # in this order, Environment first
    statistic: str  # how the dashboard and any alarm aggregate it
    description: str

    def dimensions_for(self, **values: str) -> list[dict[str, str]]:
        """The Dimensions list of a PutMetricData datum; refuses a missing or unknown one, since
        a datum with other dimensions is another metric, which no graph or alarm reads."""
        if set(values) != set(self.dimensions):
            raise ValueError(f"{self.name} takes the dimensions {self.dimensions}, not {sorted(values)}")
        return [{"Name": name, "Value": values[name]} for name in self.dimensions]


ROWS_EXPORTED = Metric(
    "RowsExported", "Count", (ENVIRONMENT, "Table"), "Sum", "rows one run exported from a source table"
)
BYTES_EXPORTED = Metric(
    "BytesExported", "Bytes", (ENVIRONMENT, "Table"), "Sum", "Parquet bytes one run wrote to bronze"
)
STAGE_SECONDS = Metric(
    "StageSeconds",
    "Seconds",
    (ENVIRONMENT, "Stage"),
    "Maximum",
    "wall-clock seconds of a stage (export, crawl, silver, gold, audit) in one run",
)
ATHENA_BYTES_SCANNED = Metric(
    "AthenaBytesScanned",
    "Bytes",
    (ENVIRONMENT, "Stage"),
    "Sum",
    "bytes Athena scanned for a stage's queries: what Athena bills",
)
AUDIT_FAILURES = Metric(
    "AuditFailures", "Count", (ENVIRONMENT, "Dataset"), "Sum", "failed expectations of a dataset's audit"
)
AUDIT_WARNINGS = Metric(
    "AuditWarnings", "Count", (ENVIRONMENT, "Dataset"), "Sum", "warning-only findings of a dataset's audit"
)
DATA_FRESHNESS = Metric(
    "DataFreshnessSeconds",
    "Seconds",
    (ENVIRONMENT,),
    "Maximum",
    "age of the stalest published gold dataset: now minus the end of its latest business day",
)
RUNS_FAILED = Metric(
    "RunsFailed", "Count", (ENVIRONMENT,), "Sum", "lakehouse_daily runs that ended failed (after retries)"
)
RUNS_PUBLISHED = Metric(
    "RunsPublished", "Count", (ENVIRONMENT,), "Sum", "lakehouse_daily runs that published their day"
)

# By the key Terraform refers to each metric with (lakehouse.json's monitoring.metrics).
METRICS = {
    "rows_exported": ROWS_EXPORTED,
    "bytes_exported": BYTES_EXPORTED,
    "stage_seconds": STAGE_SECONDS,
    "athena_bytes_scanned": ATHENA_BYTES_SCANNED,
    "audit_failures": AUDIT_FAILURES,
    "audit_warnings": AUDIT_WARNINGS,
    "data_freshness": DATA_FRESHNESS,
    "runs_failed": RUNS_FAILED,
    "runs_published": RUNS_PUBLISHED,
}

# SNS topics, by kind: the topic's name is "<environment name>-<suffix>".
PIPELINE_TOPIC = "pipeline"  # a run's success summary, a failed task, the freshness and failed-run alarms
QUALITY_TOPIC = "quality"  # audits with failures or warnings
COST_TOPIC = "cost"  # the stack's AWS budget
TOPIC_SUFFIXES = {
    PIPELINE_TOPIC: "pipeline-events",
    QUALITY_TOPIC: "data-quality",
    COST_TOPIC: "cost-alerts",
}


def topic_name(environment: str, kind: str) -> str:
    """The topic Terraform creates for `kind` in the MWAA environment `environment`."""
    return f"{environment}-{TOPIC_SUFFIXES[kind]}"


def topic_arn(environment: str, kind: str, region: str, account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:sns:{region}:{account_id}:{topic_name(environment, kind)}"


def terraform_inputs() -> dict[str, Any]:
    """What terraform/lakehouse.json carries of this module, keyed as the HCL reads it."""
    return {
        "namespace": NAMESPACE,
        "environment_dimension": ENVIRONMENT,
        "metrics": {
            key: {
                "name": metric.name,
                "unit": metric.unit,
                "dimensions": list(metric.dimensions),
                "statistic": metric.statistic,
                "description": metric.description,
            }
            for key, metric in METRICS.items()
        },
        "topics": dict(TOPIC_SUFFIXES),
    }
