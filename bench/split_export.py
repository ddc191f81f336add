"""Benchmark: a full export of a big table as one task, and as slices over its key.

The orders-like table of bench/export.py at 20M rows (generated once in the `bench` database and
kept). Once as one PostgresToBronzeOperator task; then as the slices the pipeline's defaults
pick for it (`source.split_exports` in include/pipeline.yaml; lakehouse.export.slices), each
slice a task process of its own, as many at once as the machine has cores, as the
LocalExecutor (or MWAA's Celery workers) run mapped tasks. Each process's peak memory is its
own (ru_maxrss). On two cores little speed-up is expected: the point is that no task holds more
than its slice, and that more workers take more slices at once.

    python bench/split_export.py [--rows 20000000] [--parallel N]

Prints `split: ...` with both times, the slice count and the peaks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR)]

import export  # noqa: E402  (bench/export.py: the table, the workers' connections, `ours`)


def work_slice(table: str, key_slice: dict[str, Any]) -> dict[str, Any]:
    from lakehouse.operators.postgres_to_bronze import PostgresToBronzeOperator

    export._preload(
        "pyarrow.parquet", "adbc_driver_manager", "adbc_driver_postgresql", "lakehouse.export.run"
    )
    operator = PostgresToBronzeOperator(
        task_id=f"slice_{key_slice['index']}",
        table=table,
        bucket=export.BUCKET,
        ingest_date="2024-01-02",
        mode="full",
        postgres_conn_id="pg_bench",
        key_slice=key_slice,
    )
    started = time.monotonic()
    summary = operator.execute({})
    return {"seconds": time.monotonic() - started, "rows": summary["rows"], "peak_mb": export._peak_mb()}


def run_slice(table: str, key_slice: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker-slice", json.dumps(key_slice), "--table", table]
    result, proc = export.result_of(argv, env)
    if result is None:
        raise RuntimeError(f"slice {key_slice} failed (exit {proc.returncode}): {proc.stderr[-1500:]}")
    return result


def default_slices(table: str, env: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """The slices the pipeline's defaults pick for the table, and its heap's size."""
    from lakehouse.config import pipeline_config
    from lakehouse.export.slices import table_slices
    from lakehouse.hooks.postgres_arrow import PostgresArrowHook

    os.environ.update({k: v for k, v in env.items() if k.startswith("AIRFLOW_CONN_")})
    hook = PostgresArrowHook("pg_bench")
    with hook.snapshot() as snapshot:
        heap = snapshot.heap_size("public", table)
    split = pipeline_config().source.split_exports
    slices = table_slices(
        hook,
        "public",
        table,
        "order_id",
        above_bytes=split.above_mb * 2**20,
        slice_bytes=split.slice_mb * 2**20,
        max_slices=split.max_slices,
    )
    return slices or [], heap[1] if heap else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--parallel", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-slice", help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_slice:
        result = work_slice(args.table, json.loads(args.worker_slice))
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    from local.aws.process import start_endpoint, stop_endpoint
    from local.postgres import EmbeddedPostgres

    pg = EmbeddedPostgres()
    pg.start()
    pg.ensure_database(export.DATABASE)
    dsn = pg.dsn(export.DATABASE)
    table = f"orders_{args.rows}"
    started = time.monotonic()
    export.ensure_table(dsn, table, args.rows)
    print(f"split: table {table} ready in {time.monotonic() - started:.0f} s", flush=True)
    env = {**os.environ, **export.CREDENTIALS}
    endpoint, url = start_endpoint(0, env)
    try:
        export.configure_workers(env, url, pg, dsn)
        slices, heap_bytes = default_slices(table, env)
        if not slices:
            print(f"split: {table} ({heap_bytes / 2**20:.0f} MB) is below the split threshold", flush=True)
            return 1
        single = export.run_worker("ours", table, env)
        started = time.monotonic()
        with ThreadPoolExecutor(args.parallel) as pool:
            parts = list(pool.map(lambda s: run_slice(table, s, env), slices))
        split_s = time.monotonic() - started
    finally:
        stop_endpoint(endpoint, timeout_s=30)
    from lakehouse.config import pipeline_config

    slice_mb = pipeline_config().source.split_exports.slice_mb
    if single is None or sum(p["rows"] for p in parts) != single["rows"]:
        print("split: the slices did not export the table's rows", flush=True)
        return 1
    slice_seconds = " ".join(f"{p['seconds']:.1f}" for p in parts)
    print(
        f"split: rows={args.rows} heap_mb={heap_bytes / 2**20:.0f} default_slices={len(slices)}"
        f" (slice_mb={slice_mb}) single_s={single['seconds']:.1f}"
        f" single_peak_mb={single['peak_mb']:.0f} split_s={split_s:.1f} ({len(slices)} slices,"
        f" {args.parallel} at a time) slice_s=[{slice_seconds}]"
        f" slice_peak_mb={max(p['peak_mb'] for p in parts):.0f}"
        f" speedup={single['seconds'] / split_s:.2f}x",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
