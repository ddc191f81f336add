"""The Athena API of the local endpoint behaves like Athena for clients: lifecycle, results, errors."""

from __future__ import annotations

import concurrent.futures
import time
from typing import Any

import botocore.exceptions
import pytest
from aws_helpers import Lake, client

from local.aws.athena_api import SELECT_QUEUE_TAG


def test_one_endpoint_serves_s3_glue_sts_and_athena(lake: Lake) -> None:
    sts = client("sts", lake.url)
    assert sts.get_caller_identity()["Account"] == "123456789012"
    lake.s3.put_object(Bucket=lake.bucket, Key="hello.txt", Body=b"hi")
    assert lake.s3.get_object(Bucket=lake.bucket, Key="hello.txt")["Body"].read() == b"hi"
    assert lake.glue.get_database(Name=lake.database)["Database"]["Name"] == lake.database
    assert "primary" in [w["Name"] for w in lake.athena.list_work_groups()["WorkGroups"]]


def test_query_runs_asynchronously_from_queued_to_succeeded(lake: Lake) -> None:
    # StartQueryExecution replies once the query is done or after at most 0.1 s, whichever comes
    # first; a query Athena keeps queued (here by the local endpoint's workgroup tag) is still
    # QUEUED when the client first looks.
    workgroup = lake.queued_workgroup(60)
    long_query = lake.start("SELECT 1", WorkGroup=workgroup)
    first = lake.athena.get_query_execution(QueryExecutionId=long_query)["QueryExecution"]["Status"]
    assert first["State"] == "QUEUED"
    lake.athena.stop_query_execution(QueryExecutionId=long_query)
    assert lake.wait(long_query)["Status"]["State"] == "CANCELLED"  # stopped while still queued
    query_id = lake.start(
        "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 300)) b(y)"
    )
    final = lake.wait(query_id)
    assert final["Status"]["State"] == "SUCCEEDED"
    assert final["StatementType"] == "DML"
    assert final["Status"]["CompletionDateTime"] >= final["Status"]["SubmissionDateTime"]


def test_results_have_header_row_athena_types_and_csv_in_output_location(lake: Lake) -> None:
    outcome = lake.ok("SELECT 1 AS n, 'a,\"b' AS s, CAST(NULL AS varchar) AS z, DATE '2024-01-02' AS d")
    assert outcome.header == ["n", "s", "z", "d"]
    assert outcome.types == ["integer", "varchar", "varchar", "date"]
    assert outcome.rows == [["1", 'a,"b', None, "2024-01-02"]]
    location = outcome.execution["ResultConfiguration"]["OutputLocation"]
    assert location == f"{lake.output}{outcome.query_id}.csv"
    body = lake.s3.get_object(Bucket=lake.bucket, Key=location.split("/", 3)[3])["Body"].read().decode()
    assert body == '"n","s","z","d"\n"1","a,""b",,"2024-01-02"\n'


def test_get_query_results_pages_with_max_results_and_next_token(lake: Lake) -> None:
    query_id = lake.start("SELECT x FROM UNNEST(sequence(1, 25)) AS t(x) ORDER BY x")
    lake.wait(query_id)
    first = lake.athena.get_query_results(QueryExecutionId=query_id, MaxResults=10)
    values = [r["Data"][0].get("VarCharValue") for r in first["ResultSet"]["Rows"]]
    assert values[0] == "x" and values[1:] == [str(i) for i in range(1, 10)]
    rest = []
    token = first["NextToken"]
    while token:
        page = lake.athena.get_query_results(QueryExecutionId=query_id, MaxResults=10, NextToken=token)
        rest += [r["Data"][0]["VarCharValue"] for r in page["ResultSet"]["Rows"]]
        token = page.get("NextToken")
    assert rest == [str(i) for i in range(10, 26)]


def test_unknown_table_fails_with_athena_reason_and_position(lake: Lake) -> None:
    outcome = lake.query("SELECT * FROM nope")
    assert outcome.state == "FAILED"
    assert (
        outcome.reason
        == f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{lake.database}.nope' does not exist"
    )
    assert outcome.execution["Status"]["AthenaError"]["ErrorCategory"] == 2


def test_results_of_a_failed_query_are_refused(lake: Lake) -> None:
    outcome = lake.query("SELECT * FROM nope")
    with pytest.raises(botocore.exceptions.ClientError, match="TABLE_NOT_FOUND"):
        lake.athena.get_query_results(QueryExecutionId=outcome.query_id)


def test_syntax_error_fails_the_query_and_the_server_keeps_serving(lake: Lake) -> None:
    bad = lake.query("SELEC 1 FROM")
    assert bad.state == "FAILED" and bad.reason.startswith("SYNTAX_ERROR")
    weird = lake.query("SELECT CAST('x' AS integer)")
    assert weird.state == "FAILED" and weird.reason.startswith("INVALID_CAST_ARGUMENT")
    assert lake.ok("SELECT 42").rows == [["42"]]


def test_stop_query_execution_cancels_a_running_query(lake: Lake) -> None:
    query_id = lake.start(
        "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y)"
        " CROSS JOIN UNNEST(sequence(1, 1000)) c(z)"
    )
    time.sleep(0.2)
    lake.athena.stop_query_execution(QueryExecutionId=query_id)
    final = lake.wait(query_id, timeout=20)
    assert final["Status"]["State"] == "CANCELLED"
    assert lake.ok("SELECT 1").rows == [["1"]]


def test_eight_concurrent_queries_all_succeed(lake: Lake) -> None:
    lake.put_parquet("t/part-0.parquet", {"x": list(range(10000))})
    lake.ok(f"CREATE EXTERNAL TABLE t (x bigint) STORED AS PARQUET LOCATION 's3://{lake.bucket}/t/'")

    def run(i: int) -> list[list[str | None]]:
        return lake.ok(f"SELECT sum(x) + {i} FROM t").rows

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(run, range(10)))
    assert results == [[[str(49995000 + i)]] for i in range(10)]


def test_workgroup_output_location_is_used_and_unknown_workgroup_rejected(lake: Lake) -> None:
    name = f"wg_{lake.bucket}"
    lake.athena.create_work_group(
        Name=name,
        Configuration={"ResultConfiguration": {"OutputLocation": f"s3://{lake.bucket}/wg/"}},
    )
    query_id = lake.athena.start_query_execution(QueryString="SELECT 1", WorkGroup=name)["QueryExecutionId"]
    execution = lake.wait(query_id)
    assert execution["WorkGroup"] == name
    assert f"wg/{query_id}.csv" in lake.keys("wg/")[0]
    assert query_id in lake.athena.list_query_executions(WorkGroup=name)["QueryExecutionIds"]
    with pytest.raises(botocore.exceptions.ClientError, match="not found"):
        lake.athena.start_query_execution(QueryString="SELECT 1", WorkGroup="no_such_wg")


def test_missing_output_location_is_an_invalid_request(lake: Lake) -> None:
    with pytest.raises(botocore.exceptions.ClientError, match="No output location provided"):
        lake.athena.start_query_execution(QueryString="SELECT 1")


def test_query_execution_context_database_resolves_unqualified_tables(lake: Lake) -> None:
    lake.put_parquet("d/x.parquet", {"v": [5]})
    lake.ok(f"CREATE EXTERNAL TABLE d (v int) STORED AS PARQUET LOCATION 's3://{lake.bucket}/d/'")
    assert lake.ok("SELECT v FROM d").rows == [["5"]]
    assert lake.ok(f"SELECT v FROM awsdatacatalog.{lake.database}.d", database="default").rows == [["5"]]


def test_execution_parameters_are_substituted(lake: Lake) -> None:
    query_id = lake.start("SELECT ? + 1, ?", ExecutionParameters=["41", "'x'"])
    assert lake.wait(query_id)["Status"]["State"] == "SUCCEEDED"
    rows = lake.athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    assert [d["VarCharValue"] for d in rows[1]["Data"]] == ["42", "x"]


def _pyathena_cursor(lake: Lake) -> Any:
    """A PyAthena cursor on the endpoint, in the lake's database, as the administrator."""
    from pyathena import connect

    return connect(
        s3_staging_dir=lake.output,
        region_name="us-east-1",
        endpoint_url=lake.url,
        schema_name=lake.database,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).cursor()


def test_pyathena_cursor_reads_results_through_the_endpoint(lake: Lake) -> None:
    cursor = _pyathena_cursor(lake)
    cursor.execute("SELECT 1 AS a, 'x' AS b, DATE '2024-01-31' AS d, 2.50 AS m")
    import datetime
    import decimal

    assert cursor.fetchall() == [(1, "x", datetime.date(2024, 1, 31), decimal.Decimal("2.50"))]
    assert [c[0] for c in cursor.description] == ["a", "b", "d", "m"]


def test_a_malformed_queue_tag_fails_the_query_naming_the_tag(lake: Lake) -> None:
    workgroup = lake.queued_workgroup(5, matching="(unclosed")
    status = lake.wait(lake.start("SELECT 1", WorkGroup=workgroup))["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith(f"INVALID_INPUT: workgroup tag {SELECT_QUEUE_TAG}/")


def test_pyathena_types_each_result_column_from_the_metadata_the_endpoint_reports(lake: Lake) -> None:
    """PyAthena converts cells by the reported column type, so Trino's types reach Python values."""
    import datetime
    import decimal

    from dateutil.tz import gettz

    cursor = _pyathena_cursor(lake)
    cursor.execute(
        "SELECT sum(price), avg(price), max(price) * 3, CAST(2.5E0 AS integer), CAST(1.0E0 AS varchar),"
        " max(TIMESTAMP '2024-01-02 03:04:05.123'),"
        " at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'America/New_York'), JSON '{\"a\": 1}'"
        " FROM (VALUES CAST(0.10 AS decimal(10,2)), CAST(0.20 AS decimal(10,2))) t(price)"
    )
    assert cursor.fetchall() == [
        (
            decimal.Decimal("0.30"),
            decimal.Decimal("0.15"),
            decimal.Decimal("0.60"),
            3,
            "1.0E0",
            datetime.datetime(2024, 1, 2, 3, 4, 5, 123000),
            datetime.datetime(2024, 1, 1, 7, tzinfo=gettz("America/New_York")),
            {"a": 1},
        )
    ]
    described = [(c[1], c[4], c[5]) for c in cursor.description]  # type, precision, scale
    assert described[:3] == [("decimal", 38, 2), ("decimal", 10, 2), ("decimal", 20, 2)]
    assert [c[1] for c in cursor.description[3:]] == [
        "integer",
        "varchar",
        "timestamp",
        "timestamp with time zone",
        "json",
    ]
