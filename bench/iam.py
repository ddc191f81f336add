"""Benchmark: what judging each request by IAM costs the local endpoint.

The same work is timed, alternately in one run, as the account's administrator (who is not
judged) and as the MWAA execution role's session (every request mapped to its actions and
decided against the role's rendered policy; every Athena query's catalog reads, data reads and
result write authorized again as that role): small PUTs, GETs and listings in the lake, and
SELECTs over a partitioned silver table. The ratio is what the gate adds to the endpoint's
own cost, HTTP and boto3 included.

Usage: python bench/iam.py [--objects 200] [--queries 20] [--partitions 30]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pyarrow as pa
import pyarrow.parquet as pq

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "plugins"))
from local.aws.process import start_endpoint, stop_endpoint  # noqa: E402
from local.aws.sessions import MWAA_EXECUTION  # noqa: E402

BUCKET, WORKGROUP = "airflow-lakehouse-lake", "lakehouse"


def clients(url: str, session: Any) -> dict[str, Any]:
    return {name: session.client(name, endpoint_url=url) for name in ("s3", "athena")}


def admin_session() -> Any:
    return boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )


def role_session() -> Any:
    return boto3.session.Session(
        aws_access_key_id=MWAA_EXECUTION.access_key_id,
        aws_secret_access_key=MWAA_EXECUTION.secret_access_key,
        aws_session_token=MWAA_EXECUTION.session_token,
        region_name="us-east-1",
    )


def seed_table(url: str, partitions: int) -> None:
    """silver.bench_orders: one small Parquet file per daily partition, registered by MSCK."""
    c = clients(url, admin_session())
    for day in range(partitions):
        table = pa.table({"order_id": list(range(day * 100, day * 100 + 100)), "amount": [1.5] * 100})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        key = f"silver/bench_orders/dt=2026-11-{day + 1:02d}/part-0.parquet"
        c["s3"].put_object(Bucket=BUCKET, Key=key, Body=buffer.getvalue())
    for sql in (
        "CREATE EXTERNAL TABLE IF NOT EXISTS silver.bench_orders (order_id bigint, amount double) "
        f"PARTITIONED BY (dt string) STORED AS PARQUET LOCATION 's3://{BUCKET}/silver/bench_orders/'",
        "MSCK REPAIR TABLE silver.bench_orders",
    ):
        run_query(c["athena"], sql)


def run_query(athena: Any, sql: str) -> None:
    query_id = athena.start_query_execution(QueryString=sql, WorkGroup=WORKGROUP)["QueryExecutionId"]
    while True:
        state = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.005)
    if state["State"] != "SUCCEEDED":
        raise RuntimeError(f"{sql}: {state}")
    athena.get_query_results(QueryExecutionId=query_id)


def s3_round(c: dict[str, Any], objects: int, tag: str) -> None:
    for i in range(objects):
        key = f"bronze/bench/{tag}/{i}.txt"
        c["s3"].put_object(Bucket=BUCKET, Key=key, Body=b"x" * 100)
        c["s3"].get_object(Bucket=BUCKET, Key=key)["Body"].read()
    c["s3"].list_objects_v2(Bucket=BUCKET, Prefix=f"bronze/bench/{tag}/")


def athena_round(c: dict[str, Any], queries: int) -> None:
    for i in range(queries):
        run_query(c["athena"], f"SELECT dt, sum(amount) + {i} FROM silver.bench_orders GROUP BY dt")


def timed(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=200)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    proc, url = start_endpoint(0, state_dir=None, bootstrap=True)
    try:
        seed_table(url, args.partitions)
        callers = {
            "administrator": clients(url, admin_session()),
            "execution role": clients(url, role_session()),
        }
        s3_times: dict[str, list[float]] = {name: [] for name in callers}
        athena_times: dict[str, list[float]] = {name: [] for name in callers}
        for round_ in range(args.rounds):
            for name, c in callers.items():
                s3_times[name].append(
                    timed(lambda c=c, tag=f"{name[:5]}{round_}": s3_round(c, args.objects, tag))
                )
                athena_times[name].append(timed(lambda c=c: athena_round(c, args.queries)))
    finally:
        stop_endpoint(proc)
    for label, times, count in (
        (f"{args.objects} PUT+GET pairs and a listing", s3_times, args.objects * 2 + 1),
        (f"{args.queries} SELECTs over {args.partitions} partitions", athena_times, args.queries),
    ):
        admin, role = (statistics.median(times[name]) for name in callers)
        print(
            f"{label}: administrator {admin:.2f} s, execution role {role:.2f} s "
            f"({role / admin:.2f}x; {1000 * (role - admin) / count:+.2f} ms per request)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
