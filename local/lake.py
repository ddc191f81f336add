"""Query the lakehouse through Athena on the local endpoint, for the demo, the report and tests."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    columns: list[str]
    rows: list[list[str | None]]


def athena_client(endpoint_url: str | None = None) -> Any:
    import boto3

    return boto3.client(
        "athena",
        endpoint_url=endpoint_url or os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    )


def query(
    sql: str, *, endpoint_url: str | None = None, database: str = "gold", timeout_s: float = 60
) -> Result:
    """Run `sql` on Athena and return every row (strings, as Athena returns them)."""
    from lakehouse.config import pipeline_config

    lake = pipeline_config().lake
    client = athena_client(endpoint_url)
    query_id = client.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": lake.athena_output},
        WorkGroup=lake.workgroup,
    )["QueryExecutionId"]
    deadline = time.monotonic() + timeout_s
    while True:
        status = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"Athena query still {status['State']} after {timeout_s}s: {sql}")
        time.sleep(0.05)
    if status["State"] != "SUCCEEDED":
        raise RuntimeError(f"Athena query {status['State']}: {status.get('StateChangeReason')}\n{sql}")
    columns: list[str] = []
    rows: list[list[str | None]] = []
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        if not columns:
            columns = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
    return Result(columns, rows[1:] if rows and rows[0] == columns else rows)
