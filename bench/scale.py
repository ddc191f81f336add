"""How the pipeline scales: the default shop and one 100 times larger, side by side in one run.

For each size: seed the shop (a year of history), run lakehouse_daily as a full refresh for its
last day, simulate the next day's changes, run that day incrementally; both through the
scheduler with the LocalExecutor, as `make demo` runs them. Each scale starts the stack afresh
(`make down`, `make up`) on a lake of its own under .local/bench/, so neither the endpoint's
peak memory nor the data read is another size's; the usual lake (`make demo`'s) is left as it
was, and the stack is stopped at the end. For each run it prints the
wall time per stage (the span from a stage's first task starting to its last ending,
lakehouse.stages), the run's wall and task time, the bytes the lake grew by, and what Athena
scanned (the sum of DataScannedInBytes of the run's queries: what Athena bills, column chunks
in the partitions each query keeps), then one line

    scale: incremental_time_ratio=..x incremental_vs_full_scan=.. full_time_ratio=..x

an incremental day's wall time at 100x over the same at 1x (target <= 2x); at 100x, the bytes
an incremental day scans over those the full refresh scans (target <= 0.2); a full refresh's
wall time at 100x over the same at 1x (target <= 20x).

    python bench/scale.py [--orders 10000] [--factor 100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / ".local" / "bench"


@dataclass
class RunFigures:
    label: str
    state: str
    wall_s: float
    task_s: float
    stages: dict[str, float] = field(default_factory=dict)
    queries: int = 0
    scanned: int = 0
    lake_written: int = 0

    def line(self) -> str:
        stages = " ".join(f"{stage}={seconds:.0f}s" for stage, seconds in self.stages.items())
        return (
            f"run: {self.label} state={self.state} wall_s={self.wall_s:.0f} task_s={self.task_s:.0f}"
            f" athena_queries={self.queries} athena_scanned_mb={self.scanned / 2**20:.1f}"
            f" lake_written_mb={self.lake_written / 2**20:.1f} stages: {stages}"
        )


def stage_spans(tasks: list[dict[str, Any]]) -> dict[str, float]:
    """Each stage's wall-clock span, from the run's task instances (lakehouse.stages' grouping)."""
    from lakehouse.stages import STAGES, stage_seconds

    clocks = [
        (t["task_id"], [t["start_date"], t["end_date"]]) for t in tasks if t["start_date"] and t["end_date"]
    ]
    spans = stage_seconds(clocks)
    return {stage: spans[stage] for stage in STAGES if stage in spans}


def scanned_since(endpoint_url: str, workgroup: str, since: datetime) -> tuple[int, int]:
    """(queries, bytes scanned) of every query of the workgroup that finished since `since`."""
    from local.lake import athena_client

    athena = athena_client(endpoint_url)
    ids = [
        i
        for page in athena.get_paginator("list_query_executions").paginate(WorkGroup=workgroup)
        for i in page["QueryExecutionIds"]
    ]
    queries = scanned = 0
    for start in range(0, len(ids), 50):
        for execution in athena.batch_get_query_execution(QueryExecutionIds=ids[start : start + 50])[
            "QueryExecutions"
        ]:
            if execution["Status"]["SubmissionDateTime"] >= since:
                queries += 1
                scanned += int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
    return queries, scanned


def measured_run(api: Any, endpoint_url: str, day: Any, *, full_refresh: bool, label: str) -> RunFigures:
    import boto3

    from lakehouse.config import pipeline_config
    from lakehouse.names import DAG_ID
    from local.cost import stored_bytes

    lake = pipeline_config().lake
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name="us-east-1")
    before, since = stored_bytes(s3, lake.bucket), datetime.now(UTC)
    run = api.trigger_and_follow(DAG_ID, day, {"full_refresh": full_refresh, "tables": []}, interval_s=1)
    queries, scanned = scanned_since(endpoint_url, lake.workgroup, since)
    return RunFigures(
        label=label,
        state=run.state,
        wall_s=run.seconds,
        task_s=sum(t["duration"] or 0 for t in run.tasks),
        stages=stage_spans(run.tasks),
        queries=queries,
        scanned=scanned,
        lake_written=stored_bytes(s3, lake.bucket) - before,
    )


def endpoint_peak_mb() -> float:
    """The local endpoint's peak resident memory since it started (VmHWM)."""
    from local.stack import _endpoint_pid

    pid = _endpoint_pid()
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_scale(orders: int, label: str) -> tuple[RunFigures, RunFigures, float]:
    """A full refresh and the next incremental day at `orders`, on a freshly started stack."""
    import psycopg

    from lakehouse.names import DAG_ID
    from local.airflow_api import AirflowApi
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.model import ShopSpec
    from local.shop.simulate import simulate_day
    from local.stack import down, up

    down()
    # a lake of its own, new for each size: batches and versions left by another size (or by
    # `make demo`) would be read by this one's full refresh and audits
    from local.aws.persistence import STATE_DIR_ENV

    lake_dir = BENCH_DIR / f"lake-{label}"
    shutil.rmtree(lake_dir, ignore_errors=True)
    os.environ[STATE_DIR_ENV] = str(lake_dir)
    env = {**os.environ, **up(airflow=True)}
    os.environ.update(env)
    api = AirflowApi(env["AIRFLOW_UI_URL"], env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"])
    spec = ShopSpec(orders=orders)
    started = time.monotonic()
    with psycopg.connect(env["LAKEHOUSE_PG_DSN"], autocommit=True) as conn:
        replace_shop(conn, generate_shop(spec))
        print(f"seed: {label} orders={orders} seconds={time.monotonic() - started:.0f}", flush=True)
        api.wait_until_parsed(DAG_ID, interval_s=1)
        api.delete_runs(DAG_ID)
        api.unpause(DAG_ID)
        url = env["AWS_ENDPOINT_URL"]
        full = measured_run(api, url, spec.end_date, full_refresh=True, label=f"{label} full")
        print(full.line(), flush=True)
        day = spec.end_date + timedelta(days=1)
        print(f"changes: {label} {simulate_day(conn, day).describe()}", flush=True)
        incremental = measured_run(api, url, day, full_refresh=False, label=f"{label} incremental")
        print(incremental.line(), flush=True)
    return full, incremental, endpoint_peak_mb()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--factor", type=int, default=100)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    small_full, small_day, small_peak = measure_scale(args.orders, "1x")
    print(f"endpoint: 1x peak_rss_mb={small_peak:.0f}", flush=True)
    big_full, big_day, big_peak = measure_scale(args.orders * args.factor, f"{args.factor}x")
    print(f"endpoint: {args.factor}x peak_rss_mb={big_peak:.0f}", flush=True)
    print(
        f"scale: incremental_time_ratio={big_day.wall_s / small_day.wall_s:.2f}x"
        f" incremental_vs_full_scan={big_day.scanned / max(1, big_full.scanned):.3f}"
        f" full_time_ratio={big_full.wall_s / small_full.wall_s:.2f}x"
        " (targets: <= 2x, <= 0.2, <= 20x)"
    )
    ok = all(run.state == "success" for run in (small_full, small_day, big_full, big_day))
    from local.stack import down

    down()  # the stack served the bench's lakes; `make up` brings back the usual one
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
