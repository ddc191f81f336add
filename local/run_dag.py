"""Run one `lakehouse_daily` DAG run in this process (Airflow's `dag.test`), for one business day.

Used by `make demo` and the end-to-end tests: the same DAG file, parsed the
same way, its tasks executed for real against the stack that the environment
(.local/env) points at. A run for business day D gets the data interval that a
scheduled run at D+1 02:00 UTC would get.

    python -m local.run_dag 2026-11-01 [--full-refresh] [--tables orders customers]

Prints one JSON line: {"day", "state", "seconds", "failed": [...], "states": {...}, "audit_seconds", ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def register_dags() -> None:
    """Serialise the DAGs into the metadata DB so their Assets are active (as the DAG processor would)."""
    import subprocess

    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "dags", "reserialize"], check=True, capture_output=True)


def run_day(day: date, *, full_refresh: bool = False, tables: list[str] | None = None) -> dict[str, Any]:
    """Run lakehouse_daily for `day` in this process and say how it went, task by task."""
    import pendulum
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag

    # after Airflow: on a replayed MWAA worker the plugins folder reaches sys.path through it
    from lakehouse.names import DAG_ID

    # the configured dags folder: this checkout's dags/ locally, MWAA's layout in deploy/mwaa_replay.py
    dag_file = Path(conf.get("core", "dags_folder")) / f"{DAG_ID}.py"
    bag = DagBag(dag_folder=str(dag_file))
    if bag.import_errors:
        raise RuntimeError(f"{DAG_ID} does not import:\n" + "\n".join(bag.import_errors.values()))
    dag = bag.get_dag(DAG_ID)
    logical_date = pendulum.datetime(day.year, day.month, day.day, 2, tz="UTC").add(days=1)
    started = time.monotonic()
    run = dag.test(logical_date=logical_date, run_conf={"full_refresh": full_refresh, "tables": tables or []})
    instances = run.get_task_instances()
    return {
        "day": day.isoformat(),
        "state": str(run.state),
        "seconds": round(time.monotonic() - started, 1),
        "run_id": run.run_id,
        "python": sys.executable,
        "dag_file": str(dag_file),
        "tasks": len(instances),
        "failed": sorted(ti.task_id for ti in instances if ti.state in ("failed", "upstream_failed")),
        "states": {ti.task_id: str(ti.state) for ti in instances if ti.map_index < 0},
        "task_seconds": _task_seconds(instances),
        # what the expectation-suite audits added to the run (they run one after another here)
        "audit_seconds": round(
            sum(
                (ti.end_date - ti.start_date).total_seconds()
                for ti in instances
                if ti.task_id.endswith(".audit") and ti.start_date and ti.end_date
            ),
            1,
        ),
    }


def _task_seconds(instances: list[Any]) -> dict[str, float]:
    """Seconds each task ran, mapped instances summed, longest first."""
    seconds: dict[str, float] = {}
    for ti in instances:
        if ti.start_date and ti.end_date:
            seconds[ti.task_id] = seconds.get(ti.task_id, 0.0) + (ti.end_date - ti.start_date).total_seconds()
    return {task: round(value, 1) for task, value in sorted(seconds.items(), key=lambda item: -item[1])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.run_dag", description=__doc__.split("\n")[0])
    parser.add_argument("day", type=date.fromisoformat)
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--tables", nargs="*", default=[])
    args = parser.parse_args(argv)
    register_dags()
    result = run_day(args.day, full_refresh=args.full_refresh, tables=args.tables)
    print(json.dumps(result))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
