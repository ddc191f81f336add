"""`make demo`: the daily DAG end to end, three business days, on the local stack.

1. bring up the stack (Postgres, the local AWS endpoint with the lake's
   buckets, databases, workgroup and crawler) and Airflow's services
   (api-server with the UI, scheduler with the LocalExecutor, dag-processor,
   triggerer), as `make up` does;
2. seed the shop (a year of history up to its end date);
3. trigger lakehouse_daily for that last day as a full refresh (the initial
   load), then twice more: simulate a day of changes in the shop, trigger the
   next day. Runs go through the scheduler, as they do on MWAA (tasks in
   parallel where the graph allows, each task its own process), triggered
   through the REST API the way the UI's trigger form does;
4. print the gold tables' heads and write .local/report/ (a revenue-by-day
   chart and an HTML page), and what the last day would cost on AWS, from what
   its run asked the local stack for (local/cost.py).

The stack stays up afterwards: every run is in the UI (the URL and login are
printed) with its task logs; `make down` stops it all. The last line is
`demo: days=3 ok` only if every run succeeded.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta

from lakehouse.names import DAG_ID
from local.airflow_api import AirflowApi
from local.cost import (
    DayFigures,
    day_report,
    deployment_from_terraform,
    measure_day,
    metric_series,
    usage_counts,
)

DAYS = 3


def busy_seconds(tasks: list[dict]) -> float:
    """Wall-clock time during which at least one of `tasks` ran (they overlap under the scheduler)."""
    spans = sorted(
        (datetime.fromisoformat(t["start_date"]), datetime.fromisoformat(t["end_date"]))
        for t in tasks
        if t["start_date"] and t["end_date"]
    )
    total, current_start, current_end = 0.0, None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total


def run_dag(api: AirflowApi, day: date, *, full_refresh: bool) -> dict:
    """Trigger the run of business day `day` and wait for it; its summary and the audits' share."""
    run = api.trigger_and_follow(DAG_ID, day, {"full_refresh": full_refresh, "tables": []}, interval_s=1)
    audits = [t for t in run.tasks if t["task_id"].endswith(".audit")]
    return {
        **run.summary(),
        "audit_seconds": round(busy_seconds(audits), 1),
        "audit_task_seconds": round(sum(t["duration"] or 0 for t in audits), 1),
    }


def measured_day(endpoint_url: str, since: datetime, usage_before: dict[str, int]) -> DayFigures:
    """What the run since `since` asked the endpoint for, and what the lake holds after it."""
    import boto3

    from lakehouse.alerts import environment_name
    from lakehouse.config import pipeline_config
    from lakehouse.metrics_names import NAMESPACE

    lake = pipeline_config().lake
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint_url, region_name="us-east-1")
    return measure_day(
        endpoint_url,
        since=since,
        usage_before=usage_before,
        buckets=[lake.bucket, lake.athena_output.removeprefix("s3://").split("/")[0]],
        workgroup=lake.workgroup,
        metric_series=metric_series(cloudwatch, NAMESPACE, environment_name()),
    )


def copy_latest_audits() -> list:
    """The latest audit report of every dataset, from s3://<lake>/reports/ into .local/report/quality/."""
    import shutil

    import boto3

    from lakehouse.config import pipeline_config
    from local.report import REPORT_DIR, copy_quality_reports

    config = pipeline_config()
    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    target = REPORT_DIR / "quality"
    shutil.rmtree(target, ignore_errors=True)
    prefix = f"{config.quality.reports_prefix}/lakehouse_daily/"
    return copy_quality_reports(s3, config.lake.bucket, prefix, target)


def show_results(runs: list[dict], day: date, day_figures: DayFigures) -> None:
    """The gold tables' heads, the latest audits, the report's path and the last day's cost."""
    from local.report import REPORT_DIR, format_table, gold_heads, write_report

    heads = gold_heads()
    for name, result in heads.items():
        print()
        print(format_table(name, result))
    quality = copy_latest_audits()
    for report in quality:
        verdict = "passed" if report.passed else "FAILED"
        print(f"audit {report.dataset} {report.day}: {verdict}, {report.warnings} warnings")
        print(f"  {REPORT_DIR / report.docs}")
    index = write_report(runs, heads, quality)
    print()
    print(f"cost of {day} (incremental), from its run's figures:")
    print(day_report(day_figures, deployment_from_terraform()))
    print(f"\nreport: {index} (chart: {index.parent / 'revenue_by_day.png'})")


def main() -> int:
    from local.ports import PortTaken
    from local.stack import up

    started = time.monotonic()
    try:
        env = {**os.environ, **up(airflow=True)}
    except PortTaken as taken:
        print(f"demo: {taken}", file=sys.stderr)
        return 1
    os.environ.update(env)
    api = AirflowApi(env["AIRFLOW_UI_URL"], env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"])
    print(f"airflow: {api.url}  login: {api.user} / {api.password}")

    import psycopg

    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop, row_counts
    from local.shop.model import ShopSpec
    from local.shop.simulate import simulate_day

    spec = ShopSpec()
    with psycopg.connect(env["LAKEHOUSE_PG_DSN"], autocommit=True) as conn:
        replace_shop(conn, generate_shop(spec))
        counts = ", ".join(f"{t} {n:,}" for t, n in row_counts(conn).items())
        print(f"source: seeded the shop, {spec.start_date} to {spec.end_date}: {counts}")

        api.wait_until_parsed(DAG_ID, interval_s=1)
        # The shop and the lake start afresh, so earlier runs describe data that is gone;
        # one left running (a killed process) would also hold max_active_runs.
        deleted = api.delete_runs(DAG_ID)
        if deleted:
            print(f"airflow: deleted {deleted} earlier run(s) of {DAG_ID}: the shop and lake start afresh")
        api.unpause(DAG_ID)
        runs = []
        for offset in range(DAYS):
            day = spec.end_date + timedelta(days=offset)
            if offset:
                print(simulate_day(conn, day).describe())
            usage_before, since = usage_counts(env["AWS_ENDPOINT_URL"]), datetime.now(UTC)
            result = run_dag(api, day, full_refresh=offset == 0)
            day_figures = measured_day(env["AWS_ENDPOINT_URL"], since, usage_before)
            runs.append(result)
            kind = "full refresh" if offset == 0 else "incremental"
            print(
                f"lakehouse_daily {day} ({kind}): {result['state']} in {result['seconds']}s"
                f" (audits {result['audit_seconds']}s of wall time, {result['audit_task_seconds']}s"
                " of task time: they run in parallel, each in its own process)"
            )
            print(f"  in the UI: {result['page']}")
            if result["state"] != "success":
                print(f"  failed tasks: {', '.join(result['failed']) or '(see log)'}")
                print(f"demo: days={offset + 1} failed")
                return 1

    show_results(runs, day, day_figures)
    print("the stack is still up: source .local/env to explore it, `make down` stops it")
    print(f"demo took {time.monotonic() - started:.0f}s")
    print(f"demo: days={DAYS} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
