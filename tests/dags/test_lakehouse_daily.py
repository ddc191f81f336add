"""lakehouse_daily end to end: the real DAG on the embedded Postgres and the local AWS endpoint.

One scenario runs once per module (it is the expensive part) and records what
happened; each test then proves one property of it:

  day 1  full refresh of a seeded shop (3,000 orders), run by a replayed MWAA
         worker: MWAA 3.3.1's image with `make package`'s requirements.txt
         installed the way MWAA installs it (deploy/mwaa_replay.py), the DAG
         and the plugin loaded from MWAA's folders by that worker's interpreter
  day 2  a simulated day of changes, incremental run
  day 3  a simulated day plus a late update to a 20-day-old order; the first
         run crashes between stage and publish (and Athena's queue holds the
         queries that plan and audit payments 25 s: they must still succeed),
         a second run converges, a third run of the same day proves idempotency
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from analytics_oracle import EXPECTED, analytics_sql, close
from callback_log import failure_reports
from oracle import GOLD_SQL, ORACLE_SQL, from_gold, oracle

from local.lake import query
from local.paths import REPO_ROOT
from local.shop.model import ShopSpec

# pytest-timeout counts fixture setup in the first test's time: here that is the
# whole scenario, MWAA's install replay included (pyproject's default is for one test)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SPEC = ShopSpec(orders=3_000)
DAY1 = SPEC.end_date
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)
# longer than the 24 s that the provider's default wait (120 polls) gave the planning and audit queries
QUEUE_SECONDS = 25


@dataclass
class Scenario:
    conn: psycopg.Connection
    s3: Any
    glue: Any
    bucket: str
    runs: dict[str, dict] = field(default_factory=dict)
    gold_vs_oracle: dict[str, dict[str, tuple[list, list]]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def gold_snapshot() -> dict[str, list]:
    return {name: from_gold(query(sql).rows) for name, sql in GOLD_SQL.items()}


def compare_with_oracle(scenario: Scenario, label: str) -> None:
    gold = gold_snapshot()
    scenario.gold_vs_oracle[label] = {name: (gold[name], oracle(scenario.conn, name)) for name in ORACLE_SQL}


def live_partitions(glue: Any, database: str, table: str) -> dict[str, str]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return {p["Values"][0]: p["StorageDescriptor"]["Location"] for page in pages for p in page["Partitions"]}


def keys_under(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def changed_business_dates(conn: psycopg.Connection, day: date) -> set[str]:
    """Order dates of orders and items that changed on `day`: what silver/gold must rewrite."""
    rows = conn.execute(
        "select distinct (ordered_at at time zone 'UTC')::date::text from orders"
        " where (updated_at at time zone 'UTC')::date = %s",
        (day,),
    ).fetchall()
    return {row[0] for row in rows}


@contextmanager
def selects_queued(athena: Any, workgroup: str, seconds: int, matching: str) -> Iterator[None]:
    """Athena's queue holds the workgroup's SELECTs that mention `matching` (local endpoint tags)."""
    from local.aws.athena_api import SELECT_QUEUE_MATCH_TAG, SELECT_QUEUE_TAG

    arn = f"arn:aws:athena:us-east-1:123456789012:workgroup/{workgroup}"
    tags = {SELECT_QUEUE_TAG: str(seconds), SELECT_QUEUE_MATCH_TAG: matching}
    athena.tag_resource(ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    try:
        yield
    finally:
        athena.untag_resource(ResourceARN=arn, TagKeys=list(tags))


def selects_since(athena: Any, workgroup: str, since: datetime) -> list[dict[str, Any]]:
    """The workgroup's SELECTs submitted since `since` (Athena lists the newest first)."""
    found = []
    for page in athena.get_paginator("list_query_executions").paginate(WorkGroup=workgroup):
        ids = page["QueryExecutionIds"]
        if not ids:
            break
        executions = athena.batch_get_query_execution(QueryExecutionIds=ids)["QueryExecutions"]
        recent = [e for e in executions if e["Status"]["SubmissionDateTime"] >= since]
        found += [e for e in recent if e["StatementType"] == "DML" and e["SubstatementType"] == "SELECT"]
        if len(recent) < len(executions):
            break
    return found


@pytest.fixture(scope="module")
def scenario(pg, endpoint_url: str, mwaa_worker) -> Scenario:
    import boto3
    from airflow.sdk.exceptions import AirflowFailException

    from lakehouse.config import pipeline_config
    from lakehouse.wap import tasks
    from local.run_dag import register_dags, run_day
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.simulate import simulate_day
    from local.stack import bootstrap_aws

    bootstrap_aws(endpoint_url)
    database = f"test_daily_{uuid.uuid4().hex[:8]}"
    pg.ensure_database(database)
    saved = os.environ.get("AIRFLOW_CONN_POSTGRES_OLTP")
    connection = json.loads(saved)
    os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = json.dumps({**connection, "schema": database})
    register_dags()
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    conn = psycopg.connect(pg.dsn(database), autocommit=True)
    scenario = Scenario(
        conn=conn,
        s3=session.client("s3", endpoint_url=endpoint_url),
        glue=session.client("glue", endpoint_url=endpoint_url),
        bucket=pipeline_config().lake.bucket,
    )
    try:
        replace_shop(conn, generate_shop(SPEC))
        assert mwaa_worker.install.returncode == 0, mwaa_worker.install.output[-3000:]
        scenario.runs["day1"] = mwaa_worker.worker.run_day(DAY1, dict(os.environ), full_refresh=True)
        scenario.facts["mwaa_worker_python"] = str(mwaa_worker.worker.python)
        compare_with_oracle(scenario, "day1")
        register_dags()  # the worker serialised the DAG from its own folder; the next days run from dags/

        simulate_day(conn, DAY2)
        scenario.facts["day2_changed_dates"] = changed_business_dates(conn, DAY2)
        before = live_partitions(scenario.glue, "silver", "orders")
        scenario.runs["day2"] = run_day(DAY2)
        after = live_partitions(scenario.glue, "silver", "orders")
        scenario.facts["day2_repointed"] = {d for d, loc in after.items() if before.get(d) != loc}
        run_prefixes = {
            loc.split("/_runs/")[1].split("/")[0]
            for d, loc in after.items()
            if d in scenario.facts["day2_repointed"]
        }
        scenario.facts["day2_stage_keys"] = [
            key
            for prefix in run_prefixes
            for key in keys_under(scenario.s3, scenario.bucket, f"silver/orders/_runs/{prefix}/")
        ]
        compare_with_oracle(scenario, "day2")

        simulate_day(conn, DAY3)
        late = conn.execute(
            "select order_id, (ordered_at at time zone 'UTC')::date::text from orders"
            " where status = 'delivered' and deleted_at is null"
            " and (ordered_at at time zone 'UTC')::date = %s order by order_id limit 1",
            (DAY3 - timedelta(days=20),),
        ).fetchone()
        conn.execute(
            "update orders set status = 'refunded', updated_at = %s where order_id = %s",
            (datetime(DAY3.year, DAY3.month, DAY3.day, 23, 30, tzinfo=UTC), late[0]),
        )
        scenario.facts["late_order"] = late

        # a crash between stage and publish: every publish fails, nothing may change for readers
        gold_before_crash = gold_snapshot()
        partitions_before_crash = live_partitions(scenario.glue, "silver", "orders")
        real_publish = tasks.publish_dataset

        def crash(layer: str, name: str, **context: Any) -> dict:
            raise AirflowFailException(f"simulated crash before publishing {layer}.{name}")

        tasks.publish_dataset = crash
        athena = session.client("athena", endpoint_url=endpoint_url)
        workgroup = pipeline_config().lake.workgroup
        since = datetime.now(UTC)
        try:
            with failure_reports() as reports, selects_queued(athena, workgroup, QUEUE_SECONDS, "payments"):
                scenario.runs["day3_crash"] = run_day(DAY3)
        finally:
            tasks.publish_dataset = real_publish
        scenario.facts["crash_reports"] = reports
        scenario.facts["queued_selects"] = selects_since(athena, workgroup, since)
        scenario.facts["gold_unchanged_by_crash"] = gold_snapshot() == gold_before_crash
        scenario.facts["partitions_unchanged_by_crash"] = (
            live_partitions(scenario.glue, "silver", "orders") == partitions_before_crash
        )

        scenario.runs["day3"] = run_day(DAY3)
        compare_with_oracle(scenario, "day3")
        scenario.facts["analytics"] = {
            name: from_gold(query(sql, database="gold").rows) for name, sql in analytics_sql().items()
        }
        scenario.facts["late_silver_status"] = query(
            f"select status from silver.orders where order_id = {late[0]}", database="silver"
        ).rows

        gold_first = gold_snapshot()
        scenario.runs["day3_again"] = run_day(DAY3)
        scenario.facts["rerun_identical"] = gold_snapshot() == gold_first
        scenario.facts["silver_orders_rows"] = query(
            "select count(*) from silver.orders", database="silver"
        ).rows
        scenario.facts["live_orders_partitions"] = live_partitions(scenario.glue, "silver", "orders")

        yield scenario
    finally:
        conn.close()
        os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = saved


def test_every_run_of_the_three_days_succeeds_and_the_crashed_one_fails(scenario: Scenario) -> None:
    states = {name: run["state"] for name, run in scenario.runs.items()}
    assert states == {
        "day1": "success",
        "day2": "success",
        "day3_crash": "failed",
        "day3": "success",
        "day3_again": "success",
    }, {name: run["failed"] for name, run in scenario.runs.items()}


def test_planning_and_audit_queries_queued_longer_than_24_seconds_succeed(scenario: Scenario) -> None:
    run = scenario.runs["day3_crash"]  # the crash is in publish, after planning and audits
    assert run["states"]["silver_payments.plan"] == "success"
    assert run["states"]["silver_payments.audit"] == "success"
    assert run["task_seconds"]["silver_payments.plan"] > QUEUE_SECONDS
    assert run["task_seconds"]["silver_payments.audit"] > QUEUE_SECONDS
    selects = [e for e in scenario.facts["queued_selects"] if "payments" in e["Query"]]
    queued = [e["Statistics"]["QueryQueueTimeInMillis"] / 1000 for e in selects]
    assert len(selects) >= 3, "the plan's query and the audit's two"
    assert all(e["Status"]["State"] == "SUCCEEDED" for e in selects)
    assert min(queued) >= QUEUE_SECONDS > 24


def test_a_crashed_task_is_reported_with_its_exception_and_message(scenario: Scenario) -> None:
    reports = scenario.facts["crash_reports"]
    assert reports, "the failure callback ran"
    for line in reports:
        layer_name = line.split("(task ", 1)[1].split(".publish)", 1)[0]
        layer, name = layer_name.split("_", 1)
        assert line.startswith(
            f"lakehouse_daily failed: {layer}.{name} (task {layer_name}.publish) for {DAY3}: "
        )
        assert line.endswith(f": AirflowFailException: simulated crash before publishing {layer}.{name}")


def test_day_one_ran_on_the_replayed_mwaa_worker_from_its_folders(scenario: Scenario) -> None:
    day1 = scenario.runs["day1"]
    assert day1["python"] == scenario.facts["mwaa_worker_python"]
    assert day1["dag_file"].endswith("/dags/lakehouse_daily.py")
    assert not day1["dag_file"].startswith(str(REPO_ROOT)), "the packaged DAG ran, not the checkout's"
    assert day1["state"] == "success", day1["failed"]


@pytest.mark.parametrize("day", ["day1", "day2", "day3"])
@pytest.mark.parametrize("dataset", sorted(ORACLE_SQL))
def test_gold_equals_the_same_aggregate_computed_in_postgres(
    scenario: Scenario, day: str, dataset: str
) -> None:
    gold, expected = scenario.gold_vs_oracle[day][dataset]
    assert len(gold) == len(expected)
    assert gold == expected


def test_day_two_rewrites_only_the_partitions_its_changes_touch(scenario: Scenario) -> None:
    changed = scenario.facts["day2_changed_dates"]
    assert scenario.facts["day2_repointed"] == changed
    written = {key.split("order_date=")[1].split("/")[0] for key in scenario.facts["day2_stage_keys"]}
    assert written <= changed and len(changed) < 60, "a day's run writes only the dates it touches"


def test_a_crash_between_stage_and_publish_shows_readers_nothing_and_a_rerun_converges(
    scenario: Scenario,
) -> None:
    assert scenario.facts["gold_unchanged_by_crash"]
    assert scenario.facts["partitions_unchanged_by_crash"]
    assert scenario.runs["day3"]["state"] == "success"
    gold, expected = scenario.gold_vs_oracle["day3"]["daily_revenue"]
    assert gold == expected


def test_a_late_update_to_a_twenty_day_old_order_lands_in_its_partitions(scenario: Scenario) -> None:
    _, order_date = scenario.facts["late_order"]
    assert scenario.facts["late_silver_status"] == [["refunded"]]
    gold, expected = scenario.gold_vs_oracle["day3"]["daily_revenue"]
    gold_row = [row for row in gold if row[0] == order_date]
    assert gold_row == [row for row in expected if row[0] == order_date] != []


def test_rerunning_a_day_gives_identical_results_and_no_duplicates(scenario: Scenario) -> None:
    assert scenario.facts["rerun_identical"]
    live_orders = scenario.conn.execute("select count(*) from orders where deleted_at is null").fetchone()[0]
    assert scenario.facts["silver_orders_rows"] == [[str(live_orders)]]
    locations = list(scenario.facts["live_orders_partitions"].values())
    assert len(set(locations)) == len(locations), "each live partition has a location of its own"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_athena_named_query_rolls_up_gold_as_postgres_does(scenario: Scenario, name: str) -> None:
    """The analytics SQL Terraform publishes as named queries runs on gold and gives the right answer."""
    source, roll_up, precision = EXPECTED[name]
    expected = roll_up(scenario.gold_vs_oracle["day3"][source][1])
    actual = scenario.facts["analytics"][name]
    assert expected, f"{name}: the oracle has no rows, so the comparison would prove nothing"
    assert close(actual, expected, precision), (actual[:5], expected[:5])
