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
from functools import cache
from pathlib import Path
from typing import Any


def register(dag: Any) -> None:
    """Serialise `dag` into the metadata DB, as the DAG processor does for a file of its dags folder.

    `dag.test` runs only a DAG the metadata DB knows, and its Assets become active this way.
    """
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.collection import update_dag_parsing_results_in_db
    from airflow.serialization.serialized_objects import LazyDeserializedDAG
    from airflow.utils.session import create_session

    with create_session() as session:
        # the configured bundles (dags-folder) first, as `airflow dags reserialize` does:
        # a fresh metadata database has none, and a DAG row names its bundle
        DagBundlesManager().sync_bundles_to_db(deactivate_missing=False, session=session)
    with create_session() as session:
        update_dag_parsing_results_in_db(
            "dags-folder", None, [LazyDeserializedDAG.from_dag(dag)], {}, None, set(), session
        )


def share_botocore_data() -> None:
    """Let every botocore session of this process share one loader of botocore's data files.

    `dag.test` runs every task in this one process, and each AWS hook makes a
    new boto3 session, whose loader parses the endpoint and service models
    again from JSON. On MWAA each task is a process of its own and pays that
    once; here it would be paid for every task. The data are read-only files of
    the installed botocore, so one loader per data path serves every session.
    """
    import botocore.loaders
    import botocore.session

    if not hasattr(botocore.session.create_loader, "cache_info"):
        botocore.session.create_loader = cache(botocore.loaders.create_loader)


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
    register(dag)  # this file's DAG, whichever dags folder it comes from
    share_botocore_data()
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
    result = run_day(args.day, full_refresh=args.full_refresh, tables=args.tables)
    print(json.dumps(result))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
