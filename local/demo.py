"""`make demo`: the daily DAG end to end, three business days, on the local stack.

1. bring up the stack (Postgres, the local AWS endpoint with the lake's
   buckets, databases, workgroup and crawler; Airflow's metadata database);
2. seed the shop (a year of history up to its end date);
3. run lakehouse_daily for that last day as a full refresh (the initial load),
   then twice more: simulate a day of changes in the shop, run the next day;
4. print the gold tables' heads and write .local/report/ (a revenue-by-day
   chart and an HTML page).

Each run is its own process (local/run_dag.py) with its log in .local/demo/.
The stack stays up afterwards so the results can be explored; `make down`
stops it. The last line is `demo: days=3 ok` only if every run succeeded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

from local.paths import LOCAL_DIR, REPO_ROOT

DAYS = 3
LOG_DIR = LOCAL_DIR / "demo"


def run_dag(day, *, full_refresh: bool, env: dict[str, str]) -> dict:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"lakehouse_daily-{day}.log"
    command = [sys.executable, "-m", "local.run_dag", day.isoformat()]
    if full_refresh:
        command.append("--full-refresh")
    with log.open("w") as out:
        subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    lines = [line for line in log.read_text().splitlines() if line.startswith('{"day"')]
    result = (
        json.loads(lines[-1]) if lines else {"day": str(day), "state": "crashed", "seconds": 0, "failed": []}
    )
    result["log"] = str(log)
    return result


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


def main() -> int:
    from local.stack import up

    started = time.monotonic()
    env = {**os.environ, **up(airflow=False)}  # runs days with dag.test; the UI is `make up`
    os.environ.update(env)

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

        runs = []
        for offset in range(DAYS):
            day = spec.end_date + timedelta(days=offset)
            if offset:
                print(simulate_day(conn, day).describe())
            result = run_dag(day, full_refresh=offset == 0, env=env)
            runs.append(result)
            kind = "full refresh" if offset == 0 else "incremental"
            print(
                f"lakehouse_daily {day} ({kind}): {result['state']} in {result['seconds']}s"
                f" (audits {result.get('audit_seconds', '?')}s)"
            )
            print(f"  log: {result['log']}")
            if result["state"] != "success":
                print(f"  failed tasks: {', '.join(result['failed']) or '(see log)'}")
                print(f"demo: days={offset + 1} failed")
                return 1

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
    print(f"\nreport: {index} (chart: {index.parent / 'revenue_by_day.png'})")
    print("the stack is still up: source .local/env to explore it, `make down` stops it")
    print(f"demo took {time.monotonic() - started:.0f}s")
    print(f"demo: days={DAYS} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
