"""What a day of the pipeline would cost on AWS, from what a run asked the local stack for.

The variable part is measured, not guessed: the Athena executions of the day (each query's
DataScannedInBytes, billed as Athena bills it: DDL and failed queries free, at least 10 MB a
query, rounded up to the megabyte), the requests the endpoint served by the class S3 bills
them under (local/aws/usage.py), the Glue requests and crawls, and the bytes the lake holds.
The fixed part is read from terraform/: the MWAA environment class, the VPC endpoints, the NAT
gateway, keys, secrets, the dashboard and alarms. Both are priced with the on-demand list
prices below (us-east-1). A price not listed here (another environment class) is refused by
name rather than guessed.

At the larger scale a projection scales the measured data terms by the size ratio: bytes
scanned per query (each still at least the 10 MB minimum) and bytes stored; request counts
and the fixed terms follow the number of tables, partitions and tasks, not rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TERRAFORM = REPO / "terraform"

MB = 1024 * 1024
TB = 1024**4
GB = 1024**3
DAYS_PER_MONTH = 30
HOURS_PER_DAY = 24

# On-demand list prices, us-east-1, USD: https://aws.amazon.com/<service>/pricing/
ATHENA_PER_TB = 5.00
ATHENA_MINIMUM_BYTES = 10 * MB
S3_STANDARD_PER_GB_MONTH = 0.023
S3_PUT_COPY_POST_LIST_PER_1000 = 0.005
S3_GET_AND_OTHER_PER_1000 = 0.0004
GLUE_CRAWLER_PER_DPU_HOUR = 0.44
GLUE_CRAWLER_MINIMUM_SECONDS = 600
# AWS does not say ahead how many DPUs a crawl uses (the bill does); assumed for a small crawl.
GLUE_CRAWLER_DPUS = 2
GLUE_CATALOG_PER_MILLION_REQUESTS = 1.00  # after the first million a month, which are free
MWAA_ENVIRONMENT_PER_HOUR = {"mw1.small": 0.49}  # includes the scheduler and one worker
MWAA_ADDITIONAL_WORKER_PER_HOUR = {"mw1.small": 0.055}
VPC_INTERFACE_ENDPOINT_PER_AZ_HOUR = 0.01
NAT_GATEWAY_PER_HOUR = 0.045
KMS_KEY_PER_MONTH = 1.00
SECRET_PER_MONTH = 0.40
CLOUDWATCH_METRIC_PER_MONTH = 0.30
CLOUDWATCH_DASHBOARD_PER_MONTH = 3.00
CLOUDWATCH_ALARM_PER_MONTH = 0.10
CLOUDWATCH_PUT_PER_1000 = 0.01


@dataclass(frozen=True)
class Deployment:
    """What terraform/ deploys by default that costs by the hour or month, whatever runs."""

    environment_class: str
    min_workers: int
    availability_zones: int
    interface_endpoints: int
    nat_gateways: int
    kms_keys: int
    secrets: int
    dashboards: int
    alarms: int


@dataclass
class DayFigures:
    """What one day's run asked for, as the local stack counted it."""

    athena_scans: list[int] = field(default_factory=list)  # bytes of each billed query
    s3_requests: dict[str, int] = field(default_factory=dict)  # by usage.py's price class
    glue_requests: int = 0
    crawls: int = 0
    metric_puts: int = 0
    metric_series: int = 0
    stored_bytes: int = 0

    def scaled(self, factor: float) -> DayFigures:
        """The same day at `factor` times the data: bytes scale, counts of requests do not."""
        return DayFigures(
            athena_scans=[int(b * factor) for b in self.athena_scans],
            s3_requests=dict(self.s3_requests),
            glue_requests=self.glue_requests,
            crawls=self.crawls,
            metric_puts=self.metric_puts,
            metric_series=self.metric_series,
            stored_bytes=int(self.stored_bytes * factor),
        )


@dataclass(frozen=True)
class CostLine:
    service: str
    what: str
    usd: float


def athena_billed_bytes(scanned: int) -> int:
    """Athena's bill for one query: rounded up to the megabyte, at least 10 MB."""
    return max(ATHENA_MINIMUM_BYTES, math.ceil(scanned / MB) * MB)


def billed_query(execution: dict[str, Any]) -> int | None:
    """The scanned bytes of a query Athena bills (a DML query that ran), None for one it does not."""
    state = execution["Status"]["State"]
    if execution.get("StatementType") == "DDL" or state not in ("SUCCEEDED", "CANCELLED"):
        return None
    return int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))


def variable_costs(day: DayFigures) -> list[CostLine]:
    from local.aws import usage

    billed = sum(athena_billed_bytes(b) for b in day.athena_scans)
    writes = day.s3_requests.get(usage.S3_WRITE_OR_LIST, 0)
    reads = day.s3_requests.get(usage.S3_READ, 0)
    crawl_hours = day.crawls * GLUE_CRAWLER_MINIMUM_SECONDS / 3600
    return [
        CostLine(
            "Athena",
            f"{len(day.athena_scans)} queries, {sum(day.athena_scans) / MB:.1f} MB scanned,"
            f" {billed / MB:.0f} MB billed",
            billed / TB * ATHENA_PER_TB,
        ),
        CostLine(
            "S3 requests",
            f"{writes:,} PUT/COPY/POST/LIST, {reads:,} GET/HEAD",
            writes / 1000 * S3_PUT_COPY_POST_LIST_PER_1000 + reads / 1000 * S3_GET_AND_OTHER_PER_1000,
        ),
        CostLine(
            "S3 storage",
            f"{day.stored_bytes / MB:.1f} MB for a day",
            day.stored_bytes / GB * S3_STANDARD_PER_GB_MONTH / DAYS_PER_MONTH,
        ),
        CostLine(
            "Glue",
            f"{day.crawls} crawl(s) at the 10-minute minimum, {GLUE_CRAWLER_DPUS} DPUs;"
            f" {day.glue_requests:,} catalog requests (inside the free million)",
            crawl_hours * GLUE_CRAWLER_DPUS * GLUE_CRAWLER_PER_DPU_HOUR,
        ),
        CostLine(
            "CloudWatch",
            f"{day.metric_puts} PutMetricData, {day.metric_series} metric series",
            day.metric_puts / 1000 * CLOUDWATCH_PUT_PER_1000
            + day.metric_series * CLOUDWATCH_METRIC_PER_MONTH / DAYS_PER_MONTH,
        ),
    ]


def fixed_costs(deployment: Deployment) -> list[CostLine]:
    cls = deployment.environment_class
    if cls not in MWAA_ENVIRONMENT_PER_HOUR:
        raise ValueError(f"no MWAA price recorded for environment class {cls!r}: add it to {__name__}")
    extra_workers = max(0, deployment.min_workers - 1)
    endpoints = deployment.interface_endpoints * deployment.availability_zones
    monthly = (
        deployment.kms_keys * KMS_KEY_PER_MONTH
        + deployment.secrets * SECRET_PER_MONTH
        + deployment.dashboards * CLOUDWATCH_DASHBOARD_PER_MONTH
        + deployment.alarms * CLOUDWATCH_ALARM_PER_MONTH
    )
    return [
        CostLine(
            "MWAA",
            f"{cls} environment, {deployment.min_workers} worker(s) always on",
            HOURS_PER_DAY
            * (MWAA_ENVIRONMENT_PER_HOUR[cls] + extra_workers * MWAA_ADDITIONAL_WORKER_PER_HOUR[cls]),
        ),
        CostLine(
            "VPC",
            f"{deployment.interface_endpoints} interface endpoints in {deployment.availability_zones} AZs,"
            f" {deployment.nat_gateways} NAT gateway",
            HOURS_PER_DAY * endpoints * VPC_INTERFACE_ENDPOINT_PER_AZ_HOUR
            + HOURS_PER_DAY * deployment.nat_gateways * NAT_GATEWAY_PER_HOUR,
        ),
        CostLine(
            "Keys, secrets, dashboard, alarms",
            f"{deployment.kms_keys} KMS keys, {deployment.secrets} secret(s), {deployment.dashboards}"
            f" dashboard, {deployment.alarms} alarms",
            monthly / DAYS_PER_MONTH,
        ),
    ]


def total(lines: list[CostLine]) -> float:
    return sum(line.usd for line in lines)


def format_lines(lines: list[CostLine]) -> str:
    width = max(len(line.service) for line in lines)
    return "\n".join(f"  {line.service.ljust(width)}  ${line.usd:>8.4f}  {line.what}" for line in lines)


def _unquote(value: Any) -> Any:
    return value.strip('"') if isinstance(value, str) else value


def _resource_counts(files: list[Path]) -> dict[str, int]:
    """How many of each resource type the files declare (a `count = N` counted N times)."""
    import hcl2

    counts: dict[str, int] = {}
    for path in files:
        with path.open() as handle:
            parsed = hcl2.load(handle)
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                for body in named.values():
                    number = _unquote(body.get("count", 1))
                    counts[_unquote(kind)] = counts.get(_unquote(kind), 0) + (
                        number if isinstance(number, int) else 1
                    )
    return counts


def deployment_from_terraform(root: Path = TERRAFORM) -> Deployment:
    """The default deployment, read from terraform/'s variables and resources."""
    import hcl2

    with (root / "variables.tf").open() as handle:
        variables = {
            _unquote(name): body for block in hcl2.load(handle)["variable"] for name, body in block.items()
        }

    def default(name: str) -> Any:
        return _unquote(variables[name]["default"])

    with (root / "modules" / "network" / "main.tf").open() as handle:
        network_locals = {k: v for block in hcl2.load(handle)["locals"] for k, v in block.items()}
    files = sorted(root.glob("*.tf")) + sorted(root.glob("modules/*/*.tf"))
    counts = _resource_counts(files)
    network = (root / "modules" / "network" / "main.tf").read_text()
    zones = re.search(r'resource "aws_subnet" "private" \{\s*count\s*=\s*(\d+)', network)
    return Deployment(
        environment_class=default("mwaa_environment_class"),
        min_workers=int(default("mwaa_min_workers")),
        availability_zones=int(zones.group(1)) if zones else 2,
        interface_endpoints=len(network_locals["interface_endpoints"]),
        nat_gateways=1 if default("internet_egress") else 0,
        kms_keys=counts.get("aws_kms_key", 0),
        secrets=counts.get("aws_secretsmanager_secret", 0),
        dashboards=counts.get("aws_cloudwatch_dashboard", 0),
        alarms=counts.get("aws_cloudwatch_metric_alarm", 0),
    )


def usage_counts(endpoint_url: str) -> dict[str, int]:
    """What the endpoint has served so far, by price class (local/aws/usage.py)."""
    import json
    import urllib.request

    from local.aws.server import USAGE_PATH

    with urllib.request.urlopen(f"{endpoint_url}{USAGE_PATH}", timeout=10) as reply:
        return {str(k): int(v) for k, v in json.loads(reply.read()).items()}


def athena_scans(athena: Any, workgroup: str, since: Any, until: Any) -> list[int]:
    """Scanned bytes of every query of `workgroup` submitted in [since, until) that Athena bills."""
    ids: list[str] = []
    for page in athena.get_paginator("list_query_executions").paginate(WorkGroup=workgroup):
        ids += page["QueryExecutionIds"]
    scans = []
    for start in range(0, len(ids), 50):
        found = athena.batch_get_query_execution(QueryExecutionIds=ids[start : start + 50])
        for execution in found["QueryExecutions"]:
            submitted = execution["Status"]["SubmissionDateTime"]
            billed = billed_query(execution)
            if since <= submitted < until and billed is not None:
                scans.append(billed)
    return scans


def stored_bytes(s3: Any, bucket: str) -> int:
    total_bytes = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        total_bytes += sum(o["Size"] for o in page.get("Contents", []))
    return total_bytes


def measure_day(
    endpoint_url: str,
    *,
    since: Any,
    usage_before: dict[str, int],
    buckets: list[str],
    workgroup: str,
    metric_series: int = 0,
) -> DayFigures:
    """What a run since `since` asked the endpoint for (its queries, its requests; `usage_before`
    the endpoint's counts then), and the bytes the lake's buckets hold now."""
    from datetime import UTC, datetime

    import boto3

    from local.aws import usage

    def client(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    usage_after = usage_counts(endpoint_url)
    served = {k: usage_after.get(k, 0) - usage_before.get(k, 0) for k in usage_after}
    s3 = client("s3")
    return DayFigures(
        athena_scans=athena_scans(client("athena"), workgroup, since, datetime.now(UTC)),
        s3_requests={k: v for k, v in served.items() if k.startswith("s3:")},
        glue_requests=served.get(usage.GLUE_REQUEST, 0),
        crawls=served.get(usage.GLUE_CRAWL, 0),
        metric_puts=served.get(usage.CLOUDWATCH_PUT, 0),
        metric_series=metric_series,
        stored_bytes=sum(stored_bytes(s3, bucket) for bucket in buckets),
    )


def metric_series(cloudwatch: Any, namespace: str, environment: str) -> int:
    """How many metric series (name and dimensions) the environment has put: each bills a month.

    Counted distinct: moto's ListMetrics lists a series once per datum put, CloudWatch once.
    """
    series = set()
    for page in cloudwatch.get_paginator("list_metrics").paginate(Namespace=namespace):
        for metric in page["Metrics"]:
            dims = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
            if ("Environment", environment) in dims:
                series.add((metric["MetricName"], dims))
    return len(series)


def day_report(day: DayFigures, deployment: Deployment, scale: int = 100) -> str:
    """The day's cost at the size it ran and projected to `scale` times the data, line by line."""
    fixed = fixed_costs(deployment)
    lines = []
    for label, figures in (("as run", day), (f"at {scale}x the data", day.scaled(scale))):
        variable = variable_costs(figures)
        lines.append(
            f"a day on AWS {label}: ${total(fixed) + total(variable):.2f}"
            f" (the data's share ${total(variable):.4f}; us-east-1 on-demand prices)"
        )
        lines.append(format_lines(variable))
    lines.append("every day, whatever the size:")
    lines.append(format_lines(fixed))
    return "\n".join(lines)
