"""Query the lakehouse through Athena on the local endpoint, for the demo, the report and tests."""

from __future__ import annotations

import os
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
    sql: str, *, endpoint_url: str | None = None, database: str = "gold", timeout_s: float | None = None
) -> Result:
    """Run `sql` on Athena and return every row (strings, as Athena returns them).

    The wait is a report's (include/pipeline.yaml's athena.report_timeout_seconds:
    someone is waiting on the answer) unless `timeout_s` says otherwise; past
    it the query is cancelled and named.
    """
    from lakehouse.athena_wait import succeeded, wait_for_query
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    lake = config.lake
    client = athena_client(endpoint_url)
    query_id = client.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": lake.athena_output},
        WorkGroup=lake.workgroup,
    )["QueryExecutionId"]
    succeeded(wait_for_query(client, query_id, timeout_s or config.athena.report_timeout_seconds), sql)
    columns: list[str] = []
    rows: list[list[str | None]] = []
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        if not columns:
            columns = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
    return Result(columns, rows[1:] if rows and rows[0] == columns else rows)
