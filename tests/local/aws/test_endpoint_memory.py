"""The endpoint's memory does not grow with the lake: objects live on disk, DuckDB is bounded."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from local.aws.process import start_endpoint, stop_endpoint

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


@pytest.mark.slow  # starts an endpoint of its own and writes 200 MB through it
def test_a_lake_of_two_hundred_megabytes_is_not_held_in_the_endpoints_memory() -> None:
    proc, url = start_endpoint(0, env={**os.environ, **CREDENTIALS}, state_dir=None)
    try:
        s3 = boto3.client(
            "s3", endpoint_url=url, **{k.lower(): v for k, v in CREDENTIALS.items() if "KEY" in k}
        )
        s3.create_bucket(Bucket="memory-probe")
        body = os.urandom(1024 * 1024)  # files of a megabyte: each under moto's default in-memory size
        s3.put_object(Bucket="memory-probe", Key="warm-up", Body=body)
        before = resident_mb(proc.pid)
        for n in range(200):
            s3.put_object(Bucket="memory-probe", Key=f"part-{n}.parquet", Body=body)
        grown = resident_mb(proc.pid) - before
        assert grown < 60, f"the endpoint grew by {grown:.0f} MB holding 200 MB of objects"
        assert s3.get_object(Bucket="memory-probe", Key="part-199.parquet")["Body"].read() == body
    finally:
        stop_endpoint(proc)
