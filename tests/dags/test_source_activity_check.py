"""source_activity_check runs for real against a seeded shop through the postgres_oltp connection."""

from __future__ import annotations

import json
from datetime import timedelta

import pendulum
import psycopg
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.utils.state import DagRunState

from local.paths import DAGS_DIR
from local.shop.model import ShopSpec
from local.shop.simulate import simulate_day

pytestmark = pytest.mark.slow  # runs the DAG end to end

DAY_AFTER_SEED = ShopSpec().end_date + timedelta(days=1)


@pytest.fixture
def dag(shop_dsn: str, monkeypatch: pytest.MonkeyPatch):
    """The DAG, with postgres_oltp pointing at this test's own shop database."""
    conn = psycopg.conninfo.conninfo_to_dict(shop_dsn)
    monkeypatch.setenv(
        "AIRFLOW_CONN_POSTGRES_OLTP",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": conn["host"],
                "port": int(conn["port"]),
                "login": conn["user"],
                "password": conn["password"],
                "schema": conn["dbname"],
            }
        ),
    )
    with psycopg.connect(shop_dsn, autocommit=True) as shop:
        simulate_day(shop, DAY_AFTER_SEED)
    bag = DagBag(dag_folder=str(DAGS_DIR / "source_activity_check.py"))
    dag = bag.get_dag("source_activity_check")
    for task in dag.tasks:
        task.retries = 0  # the checks' verdict is under test, not the retry policy
    return dag


def _logical_date(day):
    """A manual run at 01:30 the next morning covers `day` 01:30 to 01:30 the day after."""
    return pendulum.datetime(day.year, day.month, day.day, 1, 30, tz="UTC") + timedelta(days=1)


def test_checks_pass_for_a_day_with_activity_in_every_table(dag) -> None:
    run = dag.test(logical_date=_logical_date(DAY_AFTER_SEED))

    assert run.state == DagRunState.SUCCESS
    assert run.data_interval_end - run.data_interval_start == timedelta(days=1)


def test_fact_tables_fail_for_a_day_when_the_source_did_not_change(dag) -> None:
    quiet_day = DAY_AFTER_SEED + timedelta(days=5)
    run = dag.test(logical_date=_logical_date(quiet_day))

    assert run.state == DagRunState.FAILED
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {
        "check_customers": "success",
        "check_products": "success",
        "check_orders": "failed",
        "check_order_items": "failed",
        "check_payments": "failed",
    }


HOSTILE_CONF = {
    "schema": "public",
    "table": "orders; create table pwned (x int); --",
    "cursor_column": "updated_at) from orders; drop table customers; --",
    "require_change": False,
}


def test_a_hostile_run_conf_reaches_no_sql(dag, shop_dsn: str) -> None:
    run = dag.test(logical_date=_logical_date(DAY_AFTER_SEED), run_conf=HOSTILE_CONF)

    assert run.state == DagRunState.SUCCESS, "the checks ran as pipeline.yaml says, conf ignored"
    with psycopg.connect(shop_dsn) as shop:
        tables = {
            row[0] for row in shop.execute("select tablename from pg_tables where schemaname = 'public'")
        }
    assert "pwned" not in tables and "customers" in tables
    for task in dag.tasks:
        assert "pwned" not in task.sql and not task.params, task.task_id
