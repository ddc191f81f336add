"""The shared end-to-end scenario: lakehouse_daily on the embedded Postgres and the local AWS endpoint.

It runs once per test session (tests/dags/conftest.py; it is the expensive part) and records what
happened; the tests of test_lakehouse_daily.py and test_lakehouse_daily_audits.py
each prove one property of it:

  day 1  full refresh of a seeded shop (3,000 orders)
  day 2  a simulated day, incremental, with a product priced far above the
         catalogue (its audit warns and publishes); Athena's queue holds the
         queries that plan and audit payments 25 s: they must still succeed
         Then lakehouse_rollback serves day 1's silver.products again (audited,
         read through Athena) and rolls forward to day 2's run.
  day 3  a simulated day plus a late update to a 20-day-old order. The first
         run reads a copy of the source with one anomaly in each of four
         datasets (ANOMALIES): exactly those audits fail, nothing is published
         and gold is skipped. The next run reads the source itself and
         converges, run by a replayed MWAA worker: MWAA 3.3.1's image with
         `make package`'s requirements.txt installed the way MWAA installs it
         (deploy/mwaa_replay.py, built in the background while the first days
         run), the DAG and the plugin loaded from MWAA's folders by that
         worker's interpreter.
  day 4  a simulated day the DAG does not run (paused, an outage)
  day 5  a simulated day; its run exports from silver's watermark, so day 4's
         changes arrive with it. Then day 3 is run again, for orders and the
         gold built on them: an older day re-run after newer ones changes nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from analytics_oracle import analytics_sql
from callback_log import failure_reports
from figures import FIGURES
from oracle import GOLD_SQL, ORACLE_SQL, from_gold, oracle
from terraform_copies import terraform_without_statement

from local.lake import query
from local.shop.model import ShopSpec

SPEC = ShopSpec(orders=3_000)
DAY1 = SPEC.end_date
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)
DAY4 = DAY1 + timedelta(days=3)  # simulated, never run: the DAG was paused
DAY5 = DAY1 + timedelta(days=4)
SILVER = ("customers", "products", "orders", "order_items", "payments")
# longer than the 24 s that the provider's default wait (120 polls) gave the planning and audit queries
QUEUE_SECONDS = 25

AT = f"'{DAY3} 13:00:00+00'"  # an explicit stamp inside day 3 (the trigger leaves it alone)
ON_DAY3 = f"(created_at at time zone 'UTC')::date = '{DAY3}'"

# The failed-audit day: dataset -> (the injection at the source, what its audit's message must say).
# One anomaly per dataset, each on a row of its own, so that each audit has exactly one thing to find.
ANOMALIES: dict[str, tuple[list[str], list[str]]] = {
    "payments": (
        [
            "alter table payments drop constraint payments_pkey",
            "alter table payments alter column payment_id drop identity",
            "alter table payments alter column payment_id drop not null",
            "insert into payments (payment_id, order_id, method, amount, status, paid_at, created_at,"
            " updated_at) select null, order_id, method, amount, status, paid_at, created_at, updated_at"
            f" from payments where {ON_DAY3} order by payment_id limit 1",
        ],
        ["expect_column_values_to_not_be_null(payment_id): 1 of", "e.g. null"],
    ),
    "order_items": (
        [
            "alter table order_items drop constraint order_items_order_id_fkey",
            "insert into order_items (order_id, product_id, quantity, unit_price, discount, created_at,"
            " updated_at) select 987654321, product_id, quantity, unit_price, discount, created_at,"
            f" updated_at from order_items where {ON_DAY3} order by order_item_id limit 1",
        ],
        ["expect_column_values_to_not_be_null(order_found): 1 of", "order_id=987654321", "orders"],
    ),
    "orders": (
        [
            "alter table orders drop constraint orders_status_check",
            f"update orders set status = 'teleported', updated_at = {AT} where order_id ="
            f" (select min(order_id) from orders where (ordered_at at time zone 'UTC')::date = '{DAY3}')",
        ],
        ["expect_column_values_to_be_in_set(status): 1 of", "'teleported'"],
    ),
    "customers": (
        [
            f"update customers set created_at = now() + interval '30 days', updated_at = {AT}"
            " where customer_id = (select min(customer_id) from customers where deleted_at is null)",
        ],
        ["expect_column_values_to_be_between(created_at): 1 of"],
    ),
}
# Day 2's warning: a price far above the catalogue's range; products' audit warns and publishes.
WARNING_PRICE = 50000
WARNING_ONLY = (
    f"update products set unit_price = {WARNING_PRICE}, updated_at = '{DAY2} 13:00:00+00'"
    " where product_id = (select min(product_id) from products)"
)


@dataclass
class Scenario:
    conn: psycopg.Connection
    s3: Any
    glue: Any
    athena: Any
    bucket: str
    runs: dict[str, dict] = field(default_factory=dict)
    verdicts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # run -> dataset -> verdict
    gold_vs_oracle: dict[str, dict[str, tuple[list, list]]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    rollbacks: dict[str, dict] = field(default_factory=dict)  # runs of lakehouse_rollback


def gold_snapshot() -> dict[str, list]:
    return {name: from_gold(query(sql).rows) for name, sql in GOLD_SQL.items()}


def compare_with_oracle(scenario: Scenario, label: str) -> None:
    gold = gold_snapshot()
    scenario.gold_vs_oracle[label] = {name: (gold[name], oracle(scenario.conn, name)) for name in ORACLE_SQL}


def live_partitions(glue: Any, database: str, table: str) -> dict[str, str]:
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return {p["Values"][0]: p["StorageDescriptor"]["Location"] for page in pages for p in page["Partitions"]}


def published_state(glue: Any) -> dict[str, Any]:
    """Where every silver and gold table and partition points: what readers see."""
    state: dict[str, Any] = {}
    for database in ("silver", "gold"):
        for table in glue.get_tables(DatabaseName=database)["TableList"]:
            location = table["StorageDescriptor"]["Location"]
            state[f"{database}.{table['Name']}"] = (location, live_partitions(glue, database, table["Name"]))
    return state


def keys_under(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def read_verdicts(s3: Any, bucket: str, dag_id: str, run_id: str, day: date) -> dict[str, dict[str, Any]]:
    """The silver audits' verdicts of one run, from their reports (result.json) in the lake."""
    verdicts = {}
    for dataset in SILVER:
        key = f"reports/{dag_id}/silver.{dataset}/{day}/{run_id}/result.json"
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue
        verdicts[dataset] = json.loads(body)["verdict"]
    return verdicts


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


def queries_since(athena: Any, workgroup: str, since: datetime) -> list[dict[str, Any]]:
    """The workgroup's queries submitted since `since` (Athena lists the newest first)."""
    found = []
    for page in athena.get_paginator("list_query_executions").paginate(WorkGroup=workgroup):
        ids = page["QueryExecutionIds"]
        if not ids:
            break
        executions = athena.batch_get_query_execution(QueryExecutionIds=ids)["QueryExecutions"]
        recent = [e for e in executions if e["Status"]["SubmissionDateTime"] >= since]
        found += recent
        if len(recent) < len(executions):
            break
    return found


def selects_since(athena: Any, workgroup: str, since: datetime) -> list[dict[str, Any]]:
    return [
        e
        for e in queries_since(athena, workgroup, since)
        if e["StatementType"] == "DML" and e["SubstatementType"] == "SELECT"
    ]


CUSTOMER_LEVEL = ("customer_history", "customer_ltv", "monthly_retention")


def customer_level_staging(athena: Any, workgroup: str, since: datetime) -> dict[str, str]:
    """The CTAS each customer-level gold dataset staged with since `since` (none: not staged)."""
    staged = {}
    for execution in queries_since(athena, workgroup, since):
        for name in CUSTOMER_LEVEL:
            if execution["Query"].startswith(f"create table staging.gold_{name}_"):
                staged[name] = execution["Query"]
    return staged


class Source:
    """The shop database the DAG's Postgres connection points at, and copies of it."""

    def __init__(self, pg: Any, database: str) -> None:
        self.pg = pg
        self.database = database
        self.saved = os.environ["AIRFLOW_CONN_POSTGRES_OLTP"]
        self.copies: list[str] = []

    def use(self, database: str) -> None:
        os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = json.dumps({**json.loads(self.saved), "schema": database})

    def copy_with(self, suffix: str, statements: list[str]) -> str:
        """A copy of the source (no one may be connected to it) with `statements` applied."""
        copy = f"{self.database}_{suffix}"
        with psycopg.connect(self.pg.dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'create database "{copy}" template "{self.database}"')
        self.copies.append(copy)
        with psycopg.connect(self.pg.dsn(copy), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
        return copy

    def close(self) -> None:
        os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = self.saved
        with psycopg.connect(self.pg.dsn("postgres"), autocommit=True) as admin:
            for name in [*self.copies, self.database]:
                admin.execute(f'drop database if exists "{name}" with (force)')


def _staging_tables_of(scenario: Scenario, run_id: str) -> list[str]:
    """The temp tables a run's stages created that are still in the staging database."""
    from lakehouse.wap.plan import stage_id

    slug = stage_id(run_id).rsplit("_", 1)[0]
    pages = scenario.glue.get_paginator("get_tables").paginate(DatabaseName="staging")
    return sorted(t["Name"] for page in pages for t in page["TableList"] if slug in t["Name"])


def _run_day2(scenario: Scenario, run_day: Any, workgroup: str) -> None:
    """A simulated day with a warning-only anomaly, while payments' SELECTs wait in Athena's queue."""
    from lakehouse.names import DAG_ID
    from local.shop.simulate import simulate_day

    simulate_day(scenario.conn, DAY2)
    scenario.conn.execute(WARNING_ONLY)
    scenario.facts["day2_changed_dates"] = changed_business_dates(scenario.conn, DAY2)
    before = live_partitions(scenario.glue, "silver", "orders")
    since = datetime.now(UTC)
    with selects_queued(scenario.athena, workgroup, QUEUE_SECONDS, "payments"):
        run = scenario.runs["day2"] = run_day(DAY2)
    scenario.facts["queued_selects"] = selects_since(scenario.athena, workgroup, since)
    scenario.verdicts["day2"] = read_verdicts(scenario.s3, scenario.bucket, DAG_ID, run["run_id"], DAY2)
    after = live_partitions(scenario.glue, "silver", "orders")
    repointed = {d for d, loc in after.items() if before.get(d) != loc}
    scenario.facts["day2_repointed"] = repointed
    run_prefixes = {after[d].split("/_runs/")[1].split("/")[0] for d in repointed}
    scenario.facts["day2_stage_keys"] = [
        key
        for prefix in run_prefixes
        for key in keys_under(scenario.s3, scenario.bucket, f"silver/orders/_runs/{prefix}/")
    ]
    scenario.facts["price_published"] = query(
        "select max(unit_price) from silver.products", database="silver"
    ).rows
    scenario.facts["day2_staging_tables_left"] = _staging_tables_of(scenario, run["run_id"])
    scenario.facts["day2_customer_level"] = customer_level_staging(scenario.athena, workgroup, since)
    compare_with_oracle(scenario, "day2")


PRODUCTS_SQL = "select product_id, unit_price from silver.products order by product_id"
ROLLBACK_DAG_ID = "lakehouse_rollback"


def _served_products() -> list:
    return query(PRODUCTS_SQL, database="silver").rows


def _roll_day2_back_and_forward(scenario: Scenario) -> None:
    """Day 2's products (its warning published anyway) rolled back to day 1's, then forward again."""
    from local.run_dag import run_rollback

    scenario.facts["products_day2"] = _served_products()
    scenario.rollbacks["back"] = run_rollback("silver.products", "previous")
    scenario.facts["products_rolled_back"] = _served_products()
    scenario.rollbacks["forward"] = run_rollback("silver.products", scenario.runs["day2"]["run_id"])
    scenario.facts["products_rolled_forward"] = _served_products()
    for name, run in scenario.rollbacks.items():
        prefix = f"reports/{ROLLBACK_DAG_ID}/silver.products/"
        (key,) = [
            k
            for k in keys_under(scenario.s3, scenario.bucket, prefix)
            if f"/{run['run_id']}/result.json" in k
        ]
        body = scenario.s3.get_object(Bucket=scenario.bucket, Key=key)["Body"].read()
        scenario.verdicts[f"rollback_{name}"] = {"products": json.loads(body)["verdict"]}
    scenario.facts["rollback_asset_events"] = asset_events(ROLLBACK_DAG_ID)
    seconds = ", ".join(f"{name} {run['seconds']:.1f} s" for name, run in scenario.rollbacks.items())
    FIGURES.append(f"scenario runs of lakehouse_rollback (silver.products): {seconds}")


def asset_events(dag_id: str) -> list[tuple[str, str]]:
    """(asset name, run id) of each Asset event the runs of `dag_id` emitted."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(AssetModel.name, AssetEvent.source_run_id)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetEvent.source_dag_id == dag_id)
            .order_by(AssetEvent.timestamp)
        )
        return [(name, run_id) for name, run_id in rows]


def _simulate_day3(conn: psycopg.Connection) -> tuple[int, str]:
    """Day 3's changes, and a late update to a delivered order 20 days old: (its id, its order date)."""
    from local.shop.simulate import simulate_day

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
    return late


def _run_day3_failed_audit(scenario: Scenario, source: Source, run_day: Any) -> None:
    """Day 3 from a copy of the source with ANOMALIES: the audits that find them fail the run."""
    from lakehouse.names import DAG_ID

    scenario.conn.close()  # a database is copied only while no one is connected to it
    source.use(source.copy_with("anomalies", [sql for sqls, _ in ANOMALIES.values() for sql in sqls]))
    gold_before = gold_snapshot()
    published_before = published_state(scenario.glue)
    with failure_reports() as reports:
        run = scenario.runs["day3_failed_audit"] = run_day(DAY3)
    scenario.facts["failure_reports"] = reports
    scenario.verdicts["day3_failed_audit"] = read_verdicts(
        scenario.s3, scenario.bucket, DAG_ID, run["run_id"], DAY3
    )
    scenario.facts["gold_unchanged_by_failed_run"] = gold_snapshot() == gold_before
    scenario.facts["published_unchanged_by_failed_run"] = published_state(scenario.glue) == published_before
    scenario.facts["day3_failed_staging_tables_left"] = _staging_tables_of(scenario, run["run_id"])
    source.use(source.database)


def _run_day3(scenario: Scenario, run_day: Any, mwaa_worker: Any) -> None:
    """Day 3 from the source itself, on the replayed MWAA worker: it converges after the failed run."""
    late_order_id = scenario.facts["late_order"][0]
    assert mwaa_worker.install.returncode == 0, mwaa_worker.install.output[-3000:]
    from lakehouse.config import pipeline_config

    since = datetime.now(UTC)
    scenario.runs["day3"] = mwaa_worker.worker.run_day(DAY3, dict(os.environ))
    workgroup = pipeline_config().lake.workgroup
    scenario.facts["day3_customer_level"] = customer_level_staging(scenario.athena, workgroup, since)
    scenario.facts["mwaa_worker_python"] = str(mwaa_worker.worker.python)
    compare_with_oracle(scenario, "day3")
    scenario.facts["analytics"] = {
        name: from_gold(query(sql, database="gold").rows) for name, sql in analytics_sql().items()
    }
    scenario.facts["late_silver_status"] = query(
        f"select status from silver.orders where order_id = {late_order_id}", database="silver"
    ).rows


def _run_day5_after_a_skipped_day4(scenario: Scenario, run_day: Any) -> None:
    """Day 4 passes without a run; day 5's run catches it up. Then day 3 again, which changes nothing."""
    from local.shop.simulate import simulate_day

    purged = simulate_day(scenario.conn, DAY4).purged_payments
    scenario.facts["day4_changed_dates"] = changed_business_dates(scenario.conn, DAY4)
    purged += simulate_day(scenario.conn, DAY5).purged_payments
    scenario.runs["day5"] = run_day(DAY5)
    compare_with_oracle(scenario, "day5")
    scenario.facts["purged_payments"] = purged
    scenario.facts["payment_ids"] = (
        {int(row[0]) for row in query("select payment_id from silver.payments", database="silver").rows},
        {row[0] for row in scenario.conn.execute("select payment_id from payments").fetchall()},
    )
    manifest = scenario.s3.get_object(Bucket=scenario.bucket, Key=f"_batches/orders/{DAY5}.json")
    scenario.facts["day5_orders_batch"] = json.loads(manifest["Body"].read())

    gold_first = gold_snapshot()
    _run_day3_without_the_crawler_grant(scenario, run_day)
    # the rerun is limited to orders, which every gold dataset reads: it rewrites the
    # same silver partitions and all of gold again, and must change nothing
    scenario.runs["day3_again"] = run_day(DAY3, tables=["orders"])
    scenario.facts["rerun_identical"] = gold_snapshot() == gold_first
    scenario.facts["silver_orders_rows"] = query("select count(*) from silver.orders", database="silver").rows
    scenario.facts["live_orders_partitions"] = live_partitions(scenario.glue, "silver", "orders")
    scenario.facts["live_source_orders"] = scenario.conn.execute(
        "select count(*) from orders where deleted_at is null"
    ).fetchone()[0]


def _run_day3_without_the_crawler_grant(scenario: Scenario, run_day: Any) -> None:
    """The execution role as terraform/ renders without its RunTheBronzeCrawler statement: the
    run stops at crawl_bronze with Glue's AccessDeniedException. The grant is then put back, and
    the next run (day3_again, the same logical date) converges."""
    import boto3

    from local.aws.iam_render import EXECUTION_ROLE, local_roles, local_variables, render_roles

    with tempfile.TemporaryDirectory() as scratch:
        copy = terraform_without_statement(Path(scratch), "modules/mwaa/iam.tf", "RunTheBronzeCrawler")
        denied = render_roles(copy, local_variables())[EXECUTION_ROLE]
    granted = local_roles()[EXECUTION_ROLE]
    iam = boto3.client(
        "iam",
        endpoint_url=scenario.s3.meta.endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )

    def put(role: Any) -> None:
        for name, policy in role.inline_policies.items():
            iam.put_role_policy(RoleName=role.name, PolicyName=name, PolicyDocument=json.dumps(policy))

    put(denied)
    try:
        with failure_reports() as reports:
            scenario.runs["day3_without_crawler_grant"] = run_day(DAY3, tables=["orders"])
        scenario.facts["crawler_grant_reports"] = list(reports)
    finally:
        put(granted)


@dataclass
class Listeners:
    """An SQS queue subscribed (as the account's administrator) to each topic the runs publish to."""

    sqs: Any
    queues: dict[str, str]

    @classmethod
    def subscribe(cls, endpoint_url: str) -> Listeners:
        import boto3

        from lakehouse.alerts import LOCAL_ENVIRONMENT
        from lakehouse.metrics_names import PIPELINE_TOPIC, QUALITY_TOPIC, topic_arn
        from local.aws.iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION

        session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name=LOCAL_REGION
        )
        sqs, sns = (
            session.client("sqs", endpoint_url=endpoint_url),
            session.client("sns", endpoint_url=endpoint_url),
        )
        queues = {}
        for kind in (PIPELINE_TOPIC, QUALITY_TOPIC):
            url = sqs.create_queue(QueueName=f"scenario-{kind}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            sns.subscribe(
                TopicArn=topic_arn(LOCAL_ENVIRONMENT, kind, LOCAL_REGION, LOCAL_ACCOUNT_ID),
                Protocol="sqs",
                Endpoint=arn,
                Attributes={"RawMessageDelivery": "true"},
            )
            queues[kind] = url
        return cls(sqs, queues)

    def drain(self) -> dict[str, list[str]]:
        received: dict[str, list[str]] = {}
        for kind, url in self.queues.items():
            bodies = received.setdefault(kind, [])
            while True:
                reply = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
                messages = reply.get("Messages", [])
                if not messages:
                    break
                bodies += [m["Body"] for m in messages]
                for m in messages:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return received


def metrics_put(endpoint_url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Each metric the runs put in the local environment, by name and dimensions: its sum."""
    import boto3

    from lakehouse.alerts import LOCAL_ENVIRONMENT
    from lakehouse.metrics_names import ENVIRONMENT, NAMESPACE

    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    now = datetime.now(UTC)
    sums = {}
    for metric in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]:
        dims = tuple((d["Name"], d["Value"]) for d in metric["Dimensions"])
        if (ENVIRONMENT, LOCAL_ENVIRONMENT) not in dims:
            continue
        points = cloudwatch.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=metric["MetricName"],
            Dimensions=metric["Dimensions"],
            StartTime=now - timedelta(hours=3),
            EndTime=now + timedelta(minutes=5),
            Period=86400,
            Statistics=["Sum"],
        )["Datapoints"]
        sums[(metric["MetricName"], dims)] = sum(p["Sum"] for p in points)
    return sums


def grants_used(endpoint_url: str) -> list[dict[str, Any]]:
    """(role, statement Sid, action) the endpoint allowed role sessions since it started."""
    import urllib.request

    from local.aws.server import GRANTS_USED_PATH

    with urllib.request.urlopen(f"{endpoint_url}{GRANTS_USED_PATH}", timeout=10) as reply:
        return json.load(reply)


def delete_earlier_runs(dag_id: str) -> None:
    """Start from no runs of `dag_id`: a developer's own runs (`python -m local.run_dag`) share
    this metadata DB, and `dag.test` of a logical date they ran would take their run over."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    with create_session() as session:
        session.execute(delete(DagRun).where(DagRun.dag_id == dag_id))


def run_scenario(pg: Any, endpoint_url: str, mwaa_worker: Any) -> Iterator[Scenario]:
    """Run the three days and yield what they did; the source databases are gone by then."""
    import boto3

    from lakehouse.config import pipeline_config
    from lakehouse.names import DAG_ID
    from local.airflow_home import aws_connection
    from local.aws.bootstrap import bootstrap_aws
    from local.cost import measure_day, usage_counts
    from local.run_dag import run_day
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop

    bootstrap_aws(endpoint_url)
    listeners = Listeners.subscribe(endpoint_url)
    source = Source(pg, f"test_daily_{uuid.uuid4().hex[:8]}")
    pg.ensure_database(source.database)
    source.use(source.database)
    delete_earlier_runs(DAG_ID)
    delete_earlier_runs(ROLLBACK_DAG_ID)
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    lake = pipeline_config().lake
    scenario = Scenario(
        conn=psycopg.connect(pg.dsn(source.database), autocommit=True),
        s3=session.client("s3", endpoint_url=endpoint_url),
        glue=session.client("glue", endpoint_url=endpoint_url),
        athena=session.client("athena", endpoint_url=endpoint_url),
        bucket=lake.bucket,
    )
    # the DAG's tasks (here and on the replayed MWAA worker) run as the MWAA execution role
    as_admin = os.environ["AIRFLOW_CONN_AWS_DEFAULT"]
    os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = json.dumps(aws_connection(endpoint_url))
    try:
        replace_shop(scenario.conn, generate_shop(SPEC))
        usage_before, since = usage_counts(endpoint_url), datetime.now(UTC)
        scenario.runs["day1"] = run_day(DAY1, full_refresh=True)
        scenario.facts["day1_cost"] = measure_day(
            endpoint_url,
            since=since,
            usage_before=usage_before,
            buckets=[lake.bucket],
            workgroup=lake.workgroup,
        )
        compare_with_oracle(scenario, "day1")
        scenario.facts["products_day1"] = _served_products()

        _run_day2(scenario, run_day, lake.workgroup)
        _roll_day2_back_and_forward(scenario)
        scenario.facts["late_order"] = _simulate_day3(scenario.conn)
        _run_day3_failed_audit(scenario, source, run_day)
        scenario.conn = psycopg.connect(pg.dsn(source.database), autocommit=True)
        _run_day3(scenario, run_day, mwaa_worker)
        _run_day5_after_a_skipped_day4(scenario, run_day)
        scenario.facts["grants_used"] = grants_used(endpoint_url)
        scenario.facts["notifications"] = listeners.drain()
        scenario.facts["metrics"] = metrics_put(endpoint_url)
        seconds = ", ".join(f"{name} {run['seconds']:.0f} s" for name, run in scenario.runs.items())
        FIGURES.append(f"scenario runs of lakehouse_daily: {seconds}")
    finally:
        os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = as_admin
        scenario.conn.close()
        # the tests read only what the runs recorded: the session's other tests get the source back
        source.close()
    yield scenario
