"""Benchmark: Athena queries through the local endpoint vs the same SQL straight in DuckDB.

Writes a 1M-row orders table (30 daily Hive partitions of Parquet) to the endpoint's S3,
registers it with CREATE EXTERNAL TABLE + MSCK REPAIR, then times a few gold-style aggregates
end to end as a client sees them (boto3: StartQueryExecution, GetQueryExecution polling every
5 ms, GetQueryResults pages) against the same SQL run directly by DuckDB in this process.

The comparison is like for like: the same Parquet bytes (a local copy of what was uploaded),
the same schema (dt a VARCHAR partition column, as in Glue), DuckDB with the same 2 threads the
endpoint uses, results fetched as Python rows and checked equal to the endpoint's; the two are
timed alternately in the same run so drift on a shared machine hits both. What the ratio then
measures is everything the endpoint adds: HTTP and JSON, boto3's request signing and response
parsing, catalog and S3 lookups, SQL translation, rendering values as Athena text, writing the
result CSV, and result paging.

Usage: python bench/local_engine.py [--rows 1000000] [--repeat 15]
Goal: median < 0.5 s per query and < 3x direct DuckDB.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from local.aws.process import start_endpoint, stop_endpoint  # noqa: E402

DAYS = 30
QUERIES = {
    "daily_revenue": """
        SELECT dt, count(*) AS orders, sum(amount) AS revenue, avg(amount) AS avg_order
        FROM orders GROUP BY dt ORDER BY dt""",
    "top_customers": """
        SELECT customer_id, count(*) AS orders, sum(amount) AS revenue
        FROM orders WHERE status = 'completed'
        GROUP BY customer_id ORDER BY revenue DESC, customer_id LIMIT 20""",
    "product_status_mix": """
        SELECT product_id, status, count(*) AS n, sum(quantity) AS units
        FROM orders GROUP BY product_id, status ORDER BY product_id, status""",
    "last_week_by_channel": """
        WITH recent AS (SELECT * FROM orders WHERE dt >= '2024-01-24')
        SELECT channel, dt, sum(amount) AS revenue,
               sum(sum(amount)) OVER (PARTITION BY channel ORDER BY dt) AS running
        FROM recent GROUP BY channel, dt ORDER BY channel, dt""",
}


def make_partitions(rows: int, seed: int = 7) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    per_day = rows // DAYS
    statuses = np.array(["completed", "shipped", "cancelled", "returned"])
    channels = np.array(["web", "app", "store"])
    tables = {}
    for day in range(DAYS):
        n = per_day + (rows - per_day * DAYS if day == DAYS - 1 else 0)
        tables[f"2024-01-{day + 1:02d}"] = pa.table(
            {
                "order_id": np.arange(day * per_day, day * per_day + n, dtype=np.int64),
                "customer_id": rng.integers(1, 50_000, n, dtype=np.int64),
                "product_id": rng.integers(1, 500, n, dtype=np.int32),
                "quantity": rng.integers(1, 5, n, dtype=np.int32),
                "amount": np.round(rng.gamma(2.0, 30.0, n), 2),
                "status": statuses[rng.integers(0, len(statuses), n)],
                "channel": channels[rng.integers(0, len(channels), n)],
            }
        )
    return tables


def run_athena(athena: Any, sql: str, database: str, output: str) -> tuple[list[Any], float]:
    """Rows of a query (header first) and the endpoint's engine time, via the plain boto3 API."""
    query_id = athena.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": output},
    )["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        status = execution["Status"]
        if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.005)
    if status["State"] != "SUCCEEDED":
        raise SystemExit(f"query failed: {status.get('StateChangeReason')}\n{sql}")
    rows: list[Any] = []
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        rows += page["ResultSet"]["Rows"]
    return rows, execution["Statistics"]["EngineExecutionTimeInMillis"] / 1000


def same_rows(endpoint_rows: list[Any], direct_rows: list[tuple[Any, ...]]) -> bool:
    """Whether the endpoint's text rows (after the header) carry the values DuckDB returned."""
    texts = [[cell.get("VarCharValue") for cell in row["Data"]] for row in endpoint_rows[1:]]
    if len(texts) != len(direct_rows):
        return False
    for text_row, row in zip(texts, direct_rows, strict=True):
        for text, value in zip(text_row, row, strict=True):
            if value is None or text is None:
                if value is not text:
                    return False
            elif isinstance(value, float):
                if not math.isclose(float(text), value, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif text != str(value):
                return False
    return True


def interleaved(endpoint: Any, direct: Any, repeat: int) -> tuple[float, float, float]:
    """Median seconds of each, sampled alternately after one warm-up; plus median engine time."""
    endpoint()  # warm-up: fills the endpoint's local mirror and caches, and DuckDB's
    direct()
    via_endpoint, via_duckdb, engine = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        _, engine_seconds = endpoint()
        via_endpoint.append(time.perf_counter() - start)
        engine.append(engine_seconds)
        start = time.perf_counter()
        direct()
        via_duckdb.append(time.perf_counter() - start)
    return statistics.median(via_endpoint), statistics.median(via_duckdb), statistics.median(engine)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    partitions = make_partitions(args.rows)
    proc, url = start_endpoint()
    kw = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }
    s3, glue, athena = boto3.client("s3", **kw), boto3.client("glue", **kw), boto3.client("athena", **kw)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-local-engine-") as tmp:
            s3.create_bucket(Bucket="bench")
            glue.create_database(DatabaseInput={"Name": "bench"})
            for day, table in partitions.items():
                buffer = io.BytesIO()
                pq.write_table(table, buffer, compression="snappy")
                s3.put_object(Bucket="bench", Key=f"orders/dt={day}/part-0.parquet", Body=buffer.getvalue())
                local = Path(tmp, f"dt={day}")
                local.mkdir()
                local.joinpath("part-0.parquet").write_bytes(buffer.getvalue())
            output = "s3://bench/results/"
            run_athena(
                athena,
                "CREATE EXTERNAL TABLE orders (order_id bigint, customer_id bigint, product_id int, "
                "quantity int, "
                "amount double, status string, channel string) PARTITIONED BY (dt string) "
                "STORED AS PARQUET LOCATION 's3://bench/orders/'",
                "bench",
                output,
            )
            run_athena(athena, "MSCK REPAIR TABLE orders", "bench", output)

            threads = 2  # what the endpoint's DuckDB uses (local/aws/engine.py)
            direct = duckdb.connect(config={"threads": threads})
            direct.execute(
                f"CREATE VIEW orders AS SELECT * FROM read_parquet('{tmp}/*/*.parquet', "
                "hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})"
            )
            print(f"rows={args.rows:,} partitions={DAYS} repeat={args.repeat} (median seconds)")
            print(
                "endpoint: boto3 client, start + poll + all result pages; engine: the server's "
                "EngineExecutionTime\n"
                f"duckdb: same SQL over the same Parquet files in this process, threads={threads}, "
                "hive dt as VARCHAR, fetchall() to Python rows; no HTTP, JSON, text rendering or CSV"
            )
            print(f"{'query':<24}{'endpoint':>10}{'engine':>10}{'duckdb':>10}{'ratio':>8}")
            worst_ratio, worst_latency = 0.0, 0.0
            for name, sql in QUERIES.items():
                endpoint_rows, _ = run_athena(athena, sql, "bench", output)
                direct_rows = direct.sql(sql).fetchall()
                if not same_rows(endpoint_rows, direct_rows):
                    raise SystemExit(f"{name}: endpoint and direct DuckDB results differ")
                via_endpoint, via_duckdb, engine = interleaved(
                    lambda sql=sql: run_athena(athena, sql, "bench", output),
                    lambda sql=sql: direct.sql(sql).fetchall(),
                    args.repeat,
                )
                ratio = via_endpoint / via_duckdb
                worst_ratio, worst_latency = max(worst_ratio, ratio), max(worst_latency, via_endpoint)
                print(f"{name:<24}{via_endpoint:>10.3f}{engine:>10.3f}{via_duckdb:>10.3f}{ratio:>7.1f}x")
            verdict = "met" if worst_latency < 0.5 and worst_ratio < 3 else "NOT met"
            print(
                f"goal (< 0.5 s and < 3x direct DuckDB): {verdict}; "
                f"worst {worst_latency:.3f} s, {worst_ratio:.1f}x"
            )
    finally:
        stop_endpoint(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
