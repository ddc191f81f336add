"""Run one `lakehouse_daily` DAG run in this process (Airflow's `dag.test`), for one business day.

Used by the end-to-end tests and by hand: the same DAG file, parsed the same
way, its tasks executed for real against the stack that the environment
(.local/env) points at (`make demo` goes through the scheduler instead). A
run for business day D gets the data interval that a scheduled run at D+1
02:00 UTC would get.

    python -m local.run_dag 2026-11-01 [--full-refresh] [--tables orders customers]

Prints one JSON line: {"day", "state", "seconds", "failed": [...], "states": {...}, "audit_seconds", ...}.

The command does not run tasks itself beside a live scheduler: one that serves
the same metadata database (`make up`'s, once `.local/env` is sourced) picks up
the tasks of the run `dag.test` creates and runs them too, and the two runners
trip over each other. When the database shows such a scheduler, the command
hands the run to it through the stack's REST API, as the UI's trigger does,
and follows it to its end; when it cannot, it stops before creating any run
and says what to do. `run_day` itself always runs in this process (the tests'
end-to-end scenario calls it where no scheduler runs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from local.airflow_api import FAILED_TASK_STATES, logical_date_for


class SchedulerBusy(RuntimeError):
    """A live scheduler serves this metadata database and the run could not be handed to it."""


@dataclass(frozen=True)
class LiveScheduler:
    """A scheduler's job row, alive by its heartbeat: what names it to the user and to the API."""

    job_id: int
    hostname: str | None
    start_date: datetime | None
    latest_heartbeat: datetime

    def describe(self) -> str:
        return f"scheduler job {self.job_id}, on host {self.hostname or 'unknown'}"


def live_scheduler(session: Any = None) -> LiveScheduler | None:
    """The scheduler serving the metadata database this process uses, if one is alive.

    Decided from the database, as Airflow's own health check does (a running
    SchedulerJob whose heartbeat is within the health-check threshold): a
    scheduler of another database (another checkout's, a test's) does not
    count, and one that died without saying so stops counting once its
    heartbeat goes stale.
    """
    from airflow.jobs.job import most_recent_job
    from airflow.utils.session import create_session

    if session is None:
        with create_session() as own:
            return live_scheduler(own)
    job = most_recent_job("SchedulerJob", session=session)
    if job is None or job.latest_heartbeat is None or not job.is_alive():
        return None
    return LiveScheduler(job.id, job.hostname, job.start_date, job.latest_heartbeat)


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


def _registered_dag(dag_id: str | None = None) -> tuple[Any, Path]:
    """`dag_id` (lakehouse_daily's unless told) from its file in the configured dags folder,
    registered; and that file."""
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag

    # after Airflow: on a replayed MWAA worker the plugins folder reaches sys.path through it
    from lakehouse.names import DAG_ID

    dag_id = dag_id or DAG_ID
    # the configured dags folder: this checkout's dags/ locally, MWAA's layout in deploy/mwaa_replay.py
    dag_file = Path(conf.get("core", "dags_folder")) / f"{dag_id}.py"
    bag = DagBag(dag_folder=str(dag_file))
    if bag.import_errors:
        raise RuntimeError(f"{dag_id} does not import:\n" + "\n".join(bag.import_errors.values()))
    dag = bag.get_dag(dag_id)
    register(dag)  # this file's DAG, whichever dags folder it comes from
    share_botocore_data()
    return dag, dag_file


def run_rollback(dataset: str, to: str) -> dict[str, Any]:
    """Run lakehouse_rollback in this process (a manual run, no logical date) and say how it went."""
    dag, dag_file = _registered_dag("lakehouse_rollback")
    started = time.monotonic()
    run = dag.test(logical_date=None, run_conf={"dataset": dataset, "to": to})
    instances = run.get_task_instances()
    return {
        "dataset": dataset,
        "to": to,
        "state": str(run.state),
        "seconds": round(time.monotonic() - started, 1),
        "run_id": run.run_id,
        "dag_file": str(dag_file),
        "failed": sorted(ti.task_id for ti in instances if ti.state in FAILED_TASK_STATES),
        "states": {f"{ti.task_id}[{ti.map_index}]": str(ti.state) for ti in instances},
        "task_seconds": _task_seconds(instances),
    }


def run_day(day: date, *, full_refresh: bool = False, tables: list[str] | None = None) -> dict[str, Any]:
    """Run lakehouse_daily for `day` in this process and say how it went, task by task."""
    dag, dag_file = _registered_dag()
    started = time.monotonic()
    run = dag.test(
        logical_date=logical_date_for(day), run_conf={"full_refresh": full_refresh, "tables": tables or []}
    )
    instances = run.get_task_instances()
    return {
        "day": day.isoformat(),
        "state": str(run.state),
        "seconds": round(time.monotonic() - started, 1),
        "run_id": run.run_id,
        "python": sys.executable,
        "dag_file": str(dag_file),
        "tasks": len(instances),
        "failed": sorted(ti.task_id for ti in instances if ti.state in FAILED_TASK_STATES),
        "states": {ti.task_id: str(ti.state) for ti in instances if ti.map_index < 0},
        "task_seconds": _task_seconds(instances),
        "tries": {ti.task_id: ti.try_number for ti in instances if ti.map_index < 0},
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


def _busy(scheduler: LiveScheduler, reason: str) -> SchedulerBusy:
    return SchedulerBusy(
        f"a scheduler is running on this metadata database ({scheduler.describe()}): running the day"
        f" in this process too would run its tasks twice, and {reason}. Trigger the day from the"
        " stack's UI (`make status` prints its address), or stop the scheduler (`make down`) and run"
        " this again. No run was created."
    )


def _scheduler_api(scheduler: LiveScheduler) -> Any:
    """A client of the api-server that serves the same database as the scheduler (.local/env's)."""
    from local.airflow_api import AirflowApi, AirflowApiError

    url, user, password = (
        os.environ.get(name) for name in ("AIRFLOW_UI_URL", "AIRFLOW_ADMIN_USER", "AIRFLOW_ADMIN_PASSWORD")
    )
    if not (url and user and password):
        raise _busy(scheduler, "this environment names no api-server to hand the run to (source .local/env)")
    api = AirflowApi(url, user, password)
    try:
        jobs = api.running_jobs("SchedulerJob")
    except (AirflowApiError, OSError) as error:
        raise _busy(scheduler, f"its api-server at {url} could not be asked ({error})") from error
    # the same job row (id and start) seen through the API: the api-server reads this database
    if not any(
        job["id"] == scheduler.job_id
        and job["start_date"]
        and datetime.fromisoformat(job["start_date"]) == scheduler.start_date
        for job in jobs
    ):
        raise _busy(scheduler, f"the api-server at {url} serves another metadata database")
    return api


def run_through_scheduler(
    day: date, scheduler: LiveScheduler, *, full_refresh: bool = False, tables: list[str] | None = None
) -> dict[str, Any]:
    """Hand the run of `day` to the live scheduler through the REST API and follow it to its end.

    The DAG is unpaused, as the UI's trigger form does: a paused DAG's run would wait for ever.
    """
    from lakehouse.names import DAG_ID

    api = _scheduler_api(scheduler)
    api.wait_until_parsed(DAG_ID)
    api.unpause(DAG_ID)

    def say(line: str) -> None:
        print(f"run_dag: {line}", file=sys.stderr, flush=True)

    run = api.trigger_and_follow(
        DAG_ID,
        day,
        {"full_refresh": full_refresh, "tables": tables or []},
        on_triggered=lambda _run_id, page: say(
            f"{DAG_ID} {day}: handed to the {scheduler.describe()}: {page}"
        ),
        on_state=lambda run_id, state: say(f"{run_id}: {state}"),
    )
    return {**run.summary(), "through": "scheduler"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.run_dag", description=__doc__.split("\n")[0])
    parser.add_argument("day", type=date.fromisoformat)
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--tables", nargs="*", default=[])
    args = parser.parse_args(argv)
    scheduler = live_scheduler()
    if scheduler is None:
        result = run_day(args.day, full_refresh=args.full_refresh, tables=args.tables)
    else:
        try:
            result = run_through_scheduler(
                args.day, scheduler, full_refresh=args.full_refresh, tables=args.tables
            )
        except SchedulerBusy as busy:
            print(f"run_dag: {busy}", file=sys.stderr)
            return 2
    print(json.dumps(result))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
