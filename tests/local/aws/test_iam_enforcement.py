"""Athena reads the catalog and the data, and writes, as the query's caller, on every run."""

from __future__ import annotations

from typing import Any

import pytest
from aws_helpers import Lake

GLUE = "arn:aws:glue:us-east-1:123456789012"


def athena_and_results(lake: Lake) -> list[dict[str, Any]]:
    """What any query needs: the primary workgroup and the lake's results prefix."""
    bucket = f"arn:aws:s3:::{lake.bucket}"
    return [
        {
            "Effect": "Allow",
            "Action": "athena:*",
            "Resource": "arn:aws:athena:us-east-1:123456789012:workgroup/primary",
        },
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject"],
            "Resource": f"{bucket}/athena-results/*",
        },
        {"Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": bucket},
    ]


def catalog_reads(lake: Lake) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        "Resource": [
            f"{GLUE}:catalog",
            f"{GLUE}:database/{lake.database}",
            f"{GLUE}:table/{lake.database}/*",
        ],
    }


def data_reads(lake: Lake) -> list[dict[str, Any]]:
    return [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{lake.bucket}/data/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{lake.bucket}"},
    ]


@pytest.fixture
def orders(lake: Lake) -> Lake:
    lake.put_parquet("data/orders/dt=2024-01-01/part-0.parquet", {"id": [1, 2], "amount": [1.5, 2.5]})
    lake.ok(
        "CREATE EXTERNAL TABLE orders (id bigint, amount double) PARTITIONED BY (dt string) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/data/orders/'"
    )
    lake.ok("MSCK REPAIR TABLE orders")
    assert lake.ok("SELECT count(*) FROM orders").rows == [["2"]]  # the plan and scan are cached now
    return lake


def test_a_role_that_may_read_the_table_and_its_data_gets_the_rows(orders: Lake) -> None:
    role = orders.as_role([*athena_and_results(orders), catalog_reads(orders), *data_reads(orders)])
    assert role.query("SELECT count(*) FROM orders").rows == [["2"]]


def test_a_cached_scan_is_not_read_for_a_role_without_the_datas_s3_grant(orders: Lake) -> None:
    role = orders.as_role([*athena_and_results(orders), catalog_reads(orders)])
    outcome = role.query("SELECT count(*) FROM orders")
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith(
        f"PERMISSION_DENIED: Permission denied on S3 path: s3://{orders.bucket}/data/orders/"
    )
    assert "is not authorized to perform: s3:ListBucket" in outcome.reason


def test_a_cached_plan_is_not_run_for_a_role_without_glue_get_table(orders: Lake) -> None:
    role = orders.as_role([*athena_and_results(orders), *data_reads(orders)])
    outcome = role.query("SELECT count(*) FROM orders")
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("PERMISSION_DENIED: Insufficient permissions to execute the query.")
    assert f"glue:GetTable on resource: {GLUE}:catalog" in outcome.reason
    assert "(Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException" in outcome.reason


def test_a_ctas_outside_the_roles_write_grant_fails_and_leaves_no_table(orders: Lake) -> None:
    writes_catalog = {
        "Effect": "Allow",
        "Action": "glue:*",
        "Resource": [
            f"{GLUE}:catalog",
            f"{GLUE}:database/{orders.database}",
            f"{GLUE}:table/{orders.database}/*",
        ],
    }
    role = orders.as_role([*athena_and_results(orders), writes_catalog, *data_reads(orders)])
    target = f"s3://{orders.bucket}/gold/copy/"
    outcome = role.query(f"CREATE TABLE copy WITH (external_location = '{target}') AS SELECT * FROM orders")
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith(
        f"PERMISSION_DENIED: Access denied when writing to location: s3://{orders.bucket}/gold/copy/"
    )
    assert orders.glue.get_tables(DatabaseName=orders.database)["TableList"][0]["Name"] == "orders"
    assert len(orders.glue.get_tables(DatabaseName=orders.database)["TableList"]) == 1


def test_results_the_role_may_not_write_fail_the_query_as_athena_words_it(orders: Lake) -> None:
    no_results = [s for s in athena_and_results(orders) if "s3:PutObject" not in s["Action"]]
    role = orders.as_role([*no_results, catalog_reads(orders), *data_reads(orders)])
    outcome = role.query("SELECT 1")
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith(
        f"PERMISSION_DENIED: Access denied when writing output to url: {orders.output}"
    )
