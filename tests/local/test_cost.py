"""A day's AWS cost is priced the way AWS bills: Athena's minimum and rounding, S3's request
classes, and what terraform/ deploys by default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aws_helpers import Lake, client

from local import cost
from local.aws import usage
from local.cost import MB, DayFigures, athena_billed_bytes, billed_query, deployment_from_terraform


@pytest.mark.parametrize(
    ("scanned", "billed"),
    [(0, 10 * MB), (1, 10 * MB), (10 * MB, 10 * MB), (10 * MB + 1, 11 * MB), (25 * MB - 7, 25 * MB)],
)
def test_athena_bills_at_least_ten_megabytes_a_query_rounded_up_to_the_megabyte(scanned, billed) -> None:
    assert athena_billed_bytes(scanned) == billed


def execution(state: str, kind: str, scanned: int) -> dict:
    return {"Status": {"State": state}, "StatementType": kind, "Statistics": {"DataScannedInBytes": scanned}}


def test_ddl_and_failed_queries_are_not_billed_cancelled_ones_are() -> None:
    assert billed_query(execution("SUCCEEDED", "DDL", 0)) is None
    assert billed_query(execution("FAILED", "DML", 5)) is None
    assert billed_query(execution("CANCELLED", "DML", 7)) == 7
    assert billed_query(execution("SUCCEEDED", "DML", 9)) == 9


def test_a_larger_shop_scales_the_bytes_not_the_number_of_requests() -> None:
    day = DayFigures(athena_scans=[1000], s3_requests={usage.S3_READ: 40}, crawls=1, stored_bytes=5 * MB)
    big = day.scaled(100)
    assert big.athena_scans == [100_000] and big.stored_bytes == 500 * MB
    assert big.s3_requests == {usage.S3_READ: 40} and big.crawls == 1


def test_requests_are_priced_by_their_class() -> None:
    day = DayFigures(s3_requests={usage.S3_WRITE_OR_LIST: 2000, usage.S3_READ: 10_000, usage.S3_FREE: 99})
    line = next(x for x in cost.variable_costs(day) if x.service == "S3 requests")
    assert line.usd == pytest.approx(2 * 0.005 + 10 * 0.0004)


def test_the_fixed_costs_are_read_from_terraforms_defaults() -> None:
    deployment = deployment_from_terraform()
    assert deployment.environment_class == "mw1.small" and deployment.min_workers == 1
    assert deployment.interface_endpoints == 8 and deployment.availability_zones == 2
    assert deployment.kms_keys >= 1 and deployment.dashboards == 1 and deployment.alarms == 2
    mwaa = next(x for x in cost.fixed_costs(deployment) if x.service == "MWAA")
    assert mwaa.usd == pytest.approx(24 * 0.49)


def test_an_environment_class_without_a_recorded_price_is_refused_by_name() -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match=r"mw1\.large"):
        cost.fixed_costs(replace(deployment_from_terraform(), environment_class="mw1.large"))


def test_a_day_is_measured_from_the_endpoints_executions_and_requests(lake: Lake) -> None:
    before, since = cost.usage_counts(lake.url), datetime.now(UTC)
    client("s3", lake.url).put_object(Bucket=lake.bucket, Key="x/1.txt", Body=b"x" * 2048)
    lake.query("select 1")
    lake.query("create database if not exists costs_probe")  # DDL: not billed
    day = cost.measure_day(
        lake.url,
        since=since,
        usage_before=before,
        buckets=[lake.bucket],
        workgroup="primary",
    )
    assert len(day.athena_scans) == 1
    assert day.s3_requests[usage.S3_WRITE_OR_LIST] >= 1 and day.stored_bytes >= 2048


def test_metric_series_are_counted_once_however_often_they_were_put(lake: Lake) -> None:
    cloudwatch = client("cloudwatch", lake.url)
    environment = f"cost-probe-{lake.bucket}"
    for value in (1.0, 2.0, 3.0):
        cloudwatch.put_metric_data(
            Namespace="AmazonMWAA",
            MetricData=[
                {
                    "MetricName": "Probe",
                    "Value": value,
                    "Dimensions": [{"Name": "Environment", "Value": environment}],
                },
                {
                    "MetricName": "Probe",
                    "Value": value,
                    "Dimensions": [
                        {"Name": "Environment", "Value": environment},
                        {"Name": "Stage", "Value": "x"},
                    ],
                },
            ],
        )
    assert cost.metric_series(cloudwatch, "AmazonMWAA", environment) == 2
