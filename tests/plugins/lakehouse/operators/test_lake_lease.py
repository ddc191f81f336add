"""Two runs started together never write at the same time: the second waits for the first's lease.

Each run is a real `dag.test` in a process of its own, as two schedulers'
runs (or a backfill beside the schedule) would be, on the local AWS endpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aws_helpers import Lake

from local.run_dag import register

pytestmark = pytest.mark.slow
DAY = datetime(2026, 11, 20, tzinfo=UTC)


def lease_dag(dag_id: str, bucket: str):
    """acquire_lake >> write (records when it wrote; takes seconds) >> release_lake, as the daily DAG."""
    from airflow.sdk import DAG, task

    from lakehouse.lease import release
    from lakehouse.operators.lake_lease import LakeLeaseSensor

    with DAG(dag_id=dag_id, schedule=None, start_date=DAY, default_args={"retries": 0}) as dag:
        acquire = LakeLeaseSensor(
            task_id="acquire_lake", bucket=bucket, lease="lake", ttl=timedelta(hours=1), mode="reschedule",
            poke_interval=1, timeout=120,
        )  # fmt: skip

        @task(task_id="write")
        def write(run_id: str | None = None) -> None:
            import time

            import boto3

            s3 = boto3.client("s3", region_name="us-east-1")
            started = datetime.now(UTC).isoformat()
            time.sleep(3)
            body = json.dumps({"started": started, "ended": datetime.now(UTC).isoformat()})
            s3.put_object(Bucket=bucket, Key=f"writes/{run_id}.json", Body=body.encode())

        @task(task_id="release_lake")
        def release_lake(run_id: str | None = None) -> None:
            import boto3

            release(boto3.client("s3", region_name="us-east-1"), bucket, "lake", dag_id=dag_id, run_id=run_id)

        acquire >> write() >> release_lake().as_teardown(setups=acquire)
    return dag


CHILD = """
import json, sys
from datetime import datetime
from test_lake_lease import lease_dag
run = lease_dag(sys.argv[1], sys.argv[2]).test(logical_date=datetime.fromisoformat(sys.argv[3]))
print(json.dumps({ti.task_id: ti.state for ti in run.get_task_instances()}))
"""


def test_two_runs_started_together_write_one_after_the_other(lake: Lake) -> None:
    dag_id = f"lease_{uuid.uuid4().hex[:8]}"
    register(lease_dag(dag_id, lake.bucket))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    days = [DAY, DAY + timedelta(days=1)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, dag_id, lake.bucket, day.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in days
    ]
    outputs = [child.communicate(timeout=240) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]
        assert json.loads(out.strip().splitlines()[-1]) == {
            "acquire_lake": "success",
            "write": "success",
            "release_lake": "success",
        }, err[-3000:]

    writes = sorted(
        (
            json.loads(lake.s3.get_object(Bucket=lake.bucket, Key=key)["Body"].read())
            for key in lake.keys("writes/")
        ),
        key=lambda write: write["started"],
    )
    assert len(writes) == 2
    first, second = (
        (datetime.fromisoformat(w["started"]), datetime.fromisoformat(w["ended"])) for w in writes
    )
    assert first[1] <= second[0], f"the runs wrote at the same time: {writes}"
    assert lake.keys("_leases/") == [], "the last run released the lease"
