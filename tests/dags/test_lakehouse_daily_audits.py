"""lakehouse_daily's audit gates end to end: anomalies injected at the source stop publication.

On the embedded Postgres and the local AWS endpoint, once per module:

  day 1  a full refresh of a seeded shop (3,000 orders) publishes silver and gold
  day 2  a simulated day, run four times, each time from a copy of the same
         database with anomalies injected (one per dataset, so that each audit
         has exactly one thing to find):
           A  null primary key (payments), orphan order item (order_items),
              unknown status (orders), future timestamp (customers)
           B  duplicate primary key (order_items), negative amount (payments),
              a dropped column (orders: schema drift)
           C  total/items mismatch (payments), a 90% volume drop (orders)
           W  a product priced far above the catalogue: a warning only

Each failing run must fail exactly the audits of the datasets it broke, with a
message naming the expectation, the count and a sample of the bad values, keep
silver (all of it: silver publishes all or nothing) and gold as they were, and
skip gold. The warning-only run publishes,
with the warning recorded.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from local.shop.model import ShopSpec

pytestmark = pytest.mark.slow

SPEC = ShopSpec(orders=3_000)
DAY1 = SPEC.end_date
DAY2 = DAY1 + timedelta(days=1)
AT = f"'{DAY2} 13:00:00+00'"  # an explicit stamp inside day 2 (the trigger leaves it alone)
ON_DAY2 = f"(created_at at time zone 'UTC')::date = '{DAY2}'"

# group -> dataset -> (the injection, what the audit's message must say)
ANOMALIES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "A": {
        "payments": (
            [
                "alter table payments drop constraint payments_pkey",
                "alter table payments alter column payment_id drop identity",
                "alter table payments alter column payment_id drop not null",
                "insert into payments (payment_id, order_id, method, amount, status, paid_at, created_at,"
                " updated_at) select null, order_id, method, amount, status, paid_at, created_at, updated_at"
                f" from payments where {ON_DAY2} order by payment_id limit 1",
            ],
            ["expect_column_values_to_not_be_null(payment_id): 1 of", "e.g. null"],
        ),
        "order_items": (
            [
                "alter table order_items drop constraint order_items_order_id_fkey",
                "insert into order_items (order_id, product_id, quantity, unit_price, discount, created_at,"
                " updated_at) select 987654321, product_id, quantity, unit_price, discount, created_at,"
                f" updated_at from order_items where {ON_DAY2} order by order_item_id limit 1",
            ],
            ["expect_column_values_to_not_be_null(order_found): 1 of", "order_id=987654321", "orders"],
        ),
        "orders": (
            [
                "alter table orders drop constraint orders_status_check",
                f"update orders set status = 'teleported', updated_at = {AT} where order_id ="
                f" (select min(order_id) from orders where (ordered_at at time zone 'UTC')::date = '{DAY2}')",
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
    },
    "B": {
        "order_items": (
            [
                "alter table order_items drop constraint order_items_pkey",
                "insert into order_items select * from order_items where order_item_id ="
                f" (select min(order_item_id) from order_items where {ON_DAY2})",
            ],
            ["expect_column_values_to_be_unique(order_item_id): 2 of"],
        ),
        "payments": (
            [
                "alter table payments drop constraint payments_amount_check",
                f"update payments set amount = -12.34, updated_at = {AT} where payment_id ="
                f" (select min(payment_id) from payments where {ON_DAY2})",
            ],
            ["expect_column_values_to_be_between(amount): 1 of", "-12.34"],
        ),
        "orders": (
            ["alter table orders drop column currency"],
            ["schema: column currency (string) is missing"],
        ),
    },
    "C": {
        "payments": (
            [
                f"update payments set amount = amount + 5, updated_at = {AT} where payment_id ="
                f" (select min(payment_id) from payments where {ON_DAY2})",
            ],
            ["expect_column_values_to_be_between(amount_minus_items): 1 of", "payment_id="],
        ),
        "orders": (
            [
                "with day as (select order_id, row_number() over (order by order_id) as n,"
                " count(*) over () as total from orders"
                f" where (ordered_at at time zone 'UTC')::date = '{DAY2}')"
                f" update orders set deleted_at = {AT}, updated_at = {AT} from day"
                " where orders.order_id = day.order_id and day.n > ceil(day.total * 0.1)",
            ],
            ["expect_table_row_count_to_be_between [day partition]", f"rows on {DAY2} against"],
        ),
    },
}
WARNING_ONLY = [
    f"update products set unit_price = 50000, updated_at = {AT}"
    " where product_id = (select min(product_id) from products)",
]


@dataclass
class Outcome:
    run: dict[str, Any]
    verdicts: dict[str, dict[str, Any]]  # dataset -> the audit's report (result.json verdict)
    published_before: dict[str, Any]
    published_after: dict[str, Any]


@dataclass
class AuditScenario:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def published_state(glue: Any) -> dict[str, Any]:
    """Where every silver and gold table and partition points: what readers see."""
    state: dict[str, Any] = {}
    for database in ("silver", "gold"):
        for table in glue.get_tables(DatabaseName=database)["TableList"]:
            pages = glue.get_paginator("get_partitions").paginate(
                DatabaseName=database, TableName=table["Name"]
            )
            partitions = {
                p["Values"][0]: p["StorageDescriptor"]["Location"]
                for page in pages
                for p in page["Partitions"]
            }
            state[f"{database}.{table['Name']}"] = (table["StorageDescriptor"]["Location"], partitions)
    return state


def read_verdicts(s3: Any, bucket: str, run_id: str, day: str) -> dict[str, dict[str, Any]]:
    verdicts = {}
    for layer_dataset in [
        f"silver.{t}" for t in ("customers", "products", "orders", "order_items", "payments")
    ]:
        key = f"reports/lakehouse_daily/{layer_dataset}/{day}/{run_id}/result.json"
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            continue
        verdicts[layer_dataset.split(".", 1)[1]] = json.loads(body)["verdict"]
    return verdicts


@pytest.fixture(scope="module")
def audits(pg, endpoint_url: str) -> AuditScenario:
    import boto3

    from lakehouse.config import pipeline_config
    from local.lake import query
    from local.run_dag import register_dags, run_day
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.simulate import simulate_day
    from local.stack import bootstrap_aws

    bootstrap_aws(endpoint_url)
    base = f"test_audits_{uuid.uuid4().hex[:8]}"
    pg.ensure_database(base)
    saved = os.environ["AIRFLOW_CONN_POSTGRES_OLTP"]
    connection = json.loads(saved)

    def use_database(name: str) -> None:
        os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = json.dumps({**connection, "schema": name})

    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    s3 = session.client("s3", endpoint_url=endpoint_url)
    glue = session.client("glue", endpoint_url=endpoint_url)
    bucket = pipeline_config().lake.bucket
    scenario = AuditScenario()
    copies: list[str] = []
    register_dags()
    try:
        with psycopg.connect(pg.dsn(base), autocommit=True) as conn:
            replace_shop(conn, generate_shop(SPEC))
        use_database(base)
        scenario.facts["day1"] = run_day(DAY1, full_refresh=True)
        with psycopg.connect(pg.dsn(base), autocommit=True) as conn:
            simulate_day(conn, DAY2)

        def run_with(group: str, statements: list[str]) -> Outcome:
            copy = f"{base}_{group.lower()}"
            with psycopg.connect(pg.dsn("postgres"), autocommit=True) as admin:
                admin.execute(f'create database "{copy}" template "{base}"')
            copies.append(copy)
            with psycopg.connect(pg.dsn(copy), autocommit=True) as conn:
                for statement in statements:
                    conn.execute(statement)
            use_database(copy)
            before = published_state(glue)
            run = run_day(DAY2)
            return Outcome(
                run, read_verdicts(s3, bucket, run["run_id"], DAY2.isoformat()), before, published_state(glue)
            )

        for group, injections in ANOMALIES.items():
            statements = [sql for sqls, _ in injections.values() for sql in sqls]
            scenario.outcomes[group] = run_with(group, statements)
        scenario.outcomes["W"] = run_with("W", WARNING_ONLY)
        scenario.facts["price_published"] = query(
            "select max(unit_price) from silver.products", database="silver"
        ).rows
        yield scenario
    finally:
        os.environ["AIRFLOW_CONN_POSTGRES_OLTP"] = saved
        with psycopg.connect(pg.dsn("postgres"), autocommit=True) as admin:
            for name in [*copies, base]:
                admin.execute(f'drop database if exists "{name}" with (force)')


def test_the_full_refresh_before_the_anomalies_passes_every_audit(audits: AuditScenario) -> None:
    assert audits.facts["day1"]["state"] == "success", audits.facts["day1"]["failed"]


@pytest.mark.parametrize("group", list(ANOMALIES))
def test_each_anomaly_fails_its_own_datasets_audit_and_no_other(audits: AuditScenario, group: str) -> None:
    outcome = audits.outcomes[group]
    states = outcome.run["states"]
    assert outcome.run["state"] == "failed"
    failed_audits = {
        task.split(".")[0].removeprefix("silver_")
        for task, s in states.items()
        if task.endswith(".audit") and s == "failed"
    }
    assert failed_audits == set(ANOMALIES[group])
    for dataset in {"customers", "products", "orders", "order_items", "payments"} - set(ANOMALIES[group]):
        assert states[f"silver_{dataset}.audit"] == "success", dataset


@pytest.mark.parametrize(
    ("group", "dataset"), [(group, dataset) for group, found in ANOMALIES.items() for dataset in found]
)
def test_the_failed_audit_names_the_expectation_the_count_a_sample_and_the_report(
    audits: AuditScenario, group: str, dataset: str
) -> None:
    verdict = audits.outcomes[group].verdicts[dataset]
    message = verdict["message"]
    assert not verdict["passed"]
    assert message.startswith(f"audit of silver.{dataset} for {DAY2} failed:")
    assert "critical (" in message and "nothing is published" in message
    for expected in ANOMALIES[group][dataset][1]:
        assert expected in message, message
    assert f"report: s3://airflow-lakehouse-lake/reports/lakehouse_daily/silver.{dataset}/{DAY2}/" in message


@pytest.mark.parametrize("group", list(ANOMALIES))
def test_a_failed_audit_publishes_nothing_and_skips_gold(audits: AuditScenario, group: str) -> None:
    outcome = audits.outcomes[group]
    assert outcome.published_after == outcome.published_before
    states = outcome.run["states"]
    for task, state in states.items():
        if task.startswith("gold_"):
            assert state in ("upstream_failed", "skipped"), (task, state)
    for dataset in ("customers", "products", "orders", "order_items", "payments"):
        assert states[f"silver_{dataset}.publish"] == "upstream_failed"  # silver is all or nothing


def test_reports_hold_the_json_result_and_data_docs(audits: AuditScenario, endpoint_url: str) -> None:
    from tests.aws_helpers import client

    run_id = audits.outcomes["A"].run["run_id"]
    prefix = f"reports/lakehouse_daily/silver.orders/{DAY2}/{run_id}/"
    pages = (
        client("s3", endpoint_url)
        .get_paginator("list_objects_v2")
        .paginate(Bucket="airflow-lakehouse-lake", Prefix=prefix)
    )
    keys = {o["Key"][len(prefix) :] for page in pages for o in page.get("Contents", [])}
    assert {"result.json", "data_docs/index.html"} <= keys
    assert any(k.startswith("data_docs/validations/") and k.endswith(".html") for k in keys)
    assert not any(k.startswith("data_docs/static/fonts/") for k in keys)


def test_a_warning_only_anomaly_publishes_with_the_warning_recorded(audits: AuditScenario) -> None:
    outcome = audits.outcomes["W"]
    assert outcome.run["state"] == "success", outcome.run["failed"]
    verdict = outcome.verdicts["products"]
    assert verdict["passed"] and not verdict["critical"]
    (warning,) = verdict["warnings"]
    assert warning["check"] == "expect_column_values_to_be_between(unit_price)"
    assert warning["sample"] == ["50000.0"]
    assert "warnings (1, published anyway)" in verdict["message"]
    assert audits.facts["price_published"] == [["50000.00"]]
    assert outcome.published_after != outcome.published_before
