"""The failure callback names the real cause, whatever way a task fails.

The tasks run in Airflow for real (`dag.test`, the task runner that hands the
callback its context) against the local AWS endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from aws_helpers import Lake
from callback_log import failure_reports

from lakehouse.wap.tasks import failure_cause, report_failure
from local.run_dag import register

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def failing_dag(lake: Lake, queued_workgroup: str):
    from airflow.sdk import DAG, TaskGroup, task

    from lakehouse.hooks.athena import BoundedAthenaHook
    from lakehouse.operators.athena import BoundedAthenaOperator
    from lakehouse.wap.athena import AthenaRunner

    with DAG(
        dag_id="failure_causes",
        schedule=None,
        start_date=DAY,
        default_args={"retries": 0, "on_failure_callback": report_failure},
    ) as dag:
        with TaskGroup("silver_orders"):
            BoundedAthenaOperator(
                task_id="stage_create",
                query="SELECT 1",
                database=lake.database,
                output_location=lake.output,
                workgroup=queued_workgroup,
                query_timeout=timedelta(seconds=1),
            )
        with TaskGroup("silver_payments"):

            @task(task_id="plan")
            def plan() -> None:
                hook = BoundedAthenaHook(aws_conn_id="aws_default", query_timeout_s=30)
                AthenaRunner(hook, lake.output, "primary").rows("SELECT * FROM no_such_table", lake.database)

            plan()
        with TaskGroup("gold_daily_revenue"):

            @task(task_id="publish")
            def publish() -> None:
                {}["StateChangeReason"]  # a bug in our own code

            publish()
    register(dag)
    return dag


def test_each_failed_task_is_reported_with_its_real_cause(lake: Lake) -> None:
    workgroup = lake.queued_workgroup(5)
    with failure_reports() as callback_lines:
        run = failing_dag(lake, workgroup).test(logical_date=DAY)

    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        "silver_orders.stage_create": "failed",
        "silver_payments.plan": "failed",
        "gold_daily_revenue.publish": "failed",
    }
    by_task = {line.split("(task ", 1)[1].split(")", 1)[0]: line for line in callback_lines}
    timeout = by_task["silver_orders.stage_create"]
    assert timeout.startswith(
        "failure_causes failed: silver.orders (task silver_orders.stage_create) for 2026-11-"
    )
    assert "AthenaQueryTimedOut: Athena query " in timeout
    assert "was still QUEUED after" in timeout and "past its limit of 1 s; it was cancelled" in timeout
    failed = by_task["silver_payments.plan"]
    assert (
        "AthenaQueryFailed: Athena query " in failed and " FAILED: " in failed and "no_such_table" in failed
    )
    assert by_task["gold_daily_revenue.publish"].endswith(": KeyError: 'StateChangeReason'")
    assert not any(line.endswith(": None") for line in callback_lines)


def test_a_task_killed_without_an_exception_is_reported_with_a_pointer_to_its_log() -> None:
    # Airflow runs the callback without an exception when the task process never reported one
    ti = SimpleNamespace(task_id="silver_orders.audit", log_url="http://localhost:8080/dags/x/runs/y/tasks/z")
    cause = failure_cause({"ti": ti, "exception": None})
    assert cause.startswith("the task ended without raising an exception")
    assert cause.endswith("see its log: http://localhost:8080/dags/x/runs/y/tasks/z")


def test_an_exception_without_a_message_is_named_by_its_type() -> None:
    assert failure_cause({"ti": None, "exception": TimeoutError()}) == "TimeoutError (no message)"
