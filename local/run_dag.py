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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

DAG_ID = "lakehouse_daily"


def register_dags() -> None:
    """Serialise the DAGs into the metadata DB so their Assets are active (as the DAG processor would)."""
    import subprocess
    from pathlib import Path

    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "dags", "reserialize"], check=True, capture_output=True)


@contextmanager
def one_execution_api_per_run() -> Iterator[None]:
    """Within one `dag.test`, build Airflow's in-process execution API once, not once per task.

    Why: Airflow 3.0.6's `InProcessTestSupervisor._api_client` builds a new
    FastAPI app, a new event-loop thread (never stopped) and a new serialised
    copy of the whole DAG for every task it runs: 0.6-1.3 s per task on a
    2-core machine, a good share of an end-to-end test's time, and hundreds of
    idle threads by the end of a session. The DAG does not change during a run,
    so one client per DAG serves every task the same way.
    """
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor

    original = InProcessTestSupervisor.__dict__["_api_client"]
    clients: dict[int, Any] = {}

    def cached(dag: Any = None) -> Any:
        if id(dag) not in clients:
            clients[id(dag)] = original.__func__(dag)
        return clients[id(dag)]

    InProcessTestSupervisor._api_client = staticmethod(cached)
    try:
        yield
    finally:
        InProcessTestSupervisor._api_client = original


def run_day(day: date, *, full_refresh: bool = False, tables: list[str] | None = None) -> dict[str, Any]:
    import pendulum
    from airflow.models.dagbag import DagBag

    from local.paths import DAGS_DIR

    bag = DagBag(dag_folder=str(DAGS_DIR / f"{DAG_ID}.py"), include_examples=False)
    if bag.import_errors:
        raise RuntimeError(f"{DAG_ID} does not import:\n" + "\n".join(bag.import_errors.values()))
    dag = bag.get_dag(DAG_ID)
    logical_date = pendulum.datetime(day.year, day.month, day.day, 2, tz="UTC").add(days=1)
    started = time.monotonic()
    with one_execution_api_per_run():
        run = dag.test(
            logical_date=logical_date, run_conf={"full_refresh": full_refresh, "tables": tables or []}
        )
    instances = run.get_task_instances()
    return {
        "day": day.isoformat(),
        "state": str(run.state),
        "seconds": round(time.monotonic() - started, 1),
        "run_id": run.run_id,
        "tasks": len(instances),
        "failed": sorted(ti.task_id for ti in instances if ti.state in ("failed", "upstream_failed")),
        "states": {ti.task_id: str(ti.state) for ti in instances if ti.map_index < 0},
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
