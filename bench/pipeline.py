"""Benchmark the product's main job: DAG parse time and the 3-day demo end to end.

Parse time is measured as the DAG processor pays it: in a fresh interpreter
that already has Airflow loaded, the time to import one DAG file (median of
several). The demo is `python -m local.demo` at default scale (10,000 orders),
timed whole and per run, with the wall-clock time during which at least one
expectation-suite audit ran, excluding the first install (the venv exists).
The demo runs through the scheduler with the LocalExecutor, a process per
task as on MWAA; audits run in parallel where the graph allows. Locally each
task is forked from a process that preloaded Great Expectations (the local
scheduler's forkserver); on MWAA's Celery workers every audit task pays
`audit: gx_import_s` (importing Great Expectations) itself.

    python bench/pipeline.py [--repeats 7] [--skip-demo]

Prints lines `parse: ...`, `audit: ...` and `demo: ...`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import importlib.util, json, sys, time
import airflow.sdk, airflow.models.dagbag, airflow.serialization.serialized_objects
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def parse_seconds(dag_file: Path, repeats: int) -> list[float]:
    from local.airflow_home import init

    env = init()
    timings = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(dag_file)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **env},
        )
        timings.append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
    return timings


def demo() -> tuple[float, list[float], bool]:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "local.demo"], cwd=REPO, capture_output=True, text=True, check=False
    )
    total = time.monotonic() - started
    found = re.findall(
        r"lakehouse_daily \S+ \([a-z ]+\): success in ([0-9.]+)s \(audits ([0-9.]+)s of wall time", out.stdout
    )
    runs = [(float(run), float(audits)) for run, audits in found]
    return total, runs, "demo: days=3 ok" in out.stdout


def gx_import_seconds(repeats: int) -> list[float]:
    """What each audit task pays once where its process did not inherit the import (MWAA's Celery workers)."""
    probe = "import time; t = time.perf_counter(); import great_expectations; print(time.perf_counter() - t)"
    return [
        float(
            subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        )
        for _ in range(repeats)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    for dag_file in sorted((REPO / "dags").glob("*.py")):
        timings = parse_seconds(dag_file, args.repeats)
        print(
            f"parse: dag={dag_file.stem} median_s={statistics.median(timings):.3f}"
            f" max_s={max(timings):.3f} repeats={len(timings)} limit_s=1.0"
        )
    imports = gx_import_seconds(3)
    print(f"audit: gx_import_s={statistics.median(imports):.2f} (per audit task, process-per-task executors)")
    if not args.skip_demo:
        total, runs, ok = demo()
        per_run = " ".join(f"{run:.0f}" for run, _ in runs)
        audits = " ".join(f"{audit:.1f}" for _, audit in runs)
        print(f"demo: days=3 ok={ok} total_s={total:.0f} runs_s=[{per_run}] audits_s=[{audits}] goal_s=300")
    return 0


if __name__ == "__main__":
    sys.exit(main())
