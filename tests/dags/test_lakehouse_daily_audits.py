"""lakehouse_daily's audit gates: anomalies at the source stop publication, warnings do not.

Two levels:
- the shared scenario's failed-audit day (tests/dags/scenario.py): the whole
  DAG on a copy of the source with one anomaly in each of four datasets
  (ANOMALIES). Exactly those audits fail, each naming the expectation, the
  count, a sample and its report; nothing is published and gold is skipped.
  Its day 2 carries a warning-only anomaly, which publishes; lakehouse_rollback
  then serves day 1's version again, audited, and rolls forward to day 2's.
- further anomalies proven at ExpectationSuiteAuditOperator on one staged
  dataset each: the day-3 partition the scenario published, staged again with
  the anomaly, audited by the real operator in a DAG of its own (dag.test).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scenario import ANOMALIES, DAY3, SILVER, WARNING_PRICE, Scenario, read_verdicts

pytestmark = [pytest.mark.slow]


def test_each_anomaly_fails_its_own_datasets_audit_and_no_other(scenario: Scenario) -> None:
    run = scenario.runs["day3_failed_audit"]
    states = run["states"]
    assert run["state"] == "failed"
    failed_audits = {
        task.split(".")[0].removeprefix("silver_")
        for task, state in states.items()
        if task.endswith(".audit") and state == "failed"
    }
    assert failed_audits == set(ANOMALIES)
    for dataset in set(SILVER) - set(ANOMALIES):
        assert states[f"silver_{dataset}.audit"] == "success", dataset


@pytest.mark.parametrize("dataset", sorted(ANOMALIES))
def test_the_failed_audit_names_the_expectation_the_count_a_sample_and_the_report(
    scenario: Scenario, dataset: str
) -> None:
    verdict = scenario.verdicts["day3_failed_audit"][dataset]
    assert_failed_verdict(verdict, "lakehouse_daily", dataset, ANOMALIES[dataset][1])


def test_a_failed_audit_publishes_nothing_and_no_gold_staged_beside_it(scenario: Scenario) -> None:
    assert scenario.facts["published_unchanged_by_failed_run"]
    states = scenario.runs["day3_failed_audit"]["states"]
    # gold is staged and audited beside silver's audits, from silver's staged rows; each of its
    # publishes waits for silver's (the settled history's for silver's audits)
    gold = {task: state for task, state in states.items() if task.startswith("gold_")}
    publishes = {task for task in gold if task.endswith(".publish")}
    assert len(publishes) == 6
    for task in publishes - {"gold_customer_history.publish"}:
        assert gold[task] == "upstream_failed", (task, gold[task])
    # the history's publish is skipped at once when it has nothing to fold, else waits for silver
    assert gold["gold_customer_history.publish"] in ("skipped", "upstream_failed")
    assert gold["gold_customer_history.silver_audited"] == "upstream_failed"
    assert "failed" not in gold.values()
    for dataset in SILVER:
        assert states[f"silver_{dataset}.publish"] == "upstream_failed"  # silver is all or nothing


def test_reports_hold_the_json_result_and_data_docs(scenario: Scenario) -> None:
    from scenario import keys_under

    run_id = scenario.runs["day3_failed_audit"]["run_id"]
    prefix = f"reports/lakehouse_daily/silver.orders/{DAY3}/{run_id}/"
    keys = {key[len(prefix) :] for key in keys_under(scenario.s3, scenario.bucket, prefix)}
    assert {"result.json", "data_docs/index.html"} <= keys
    assert any(k.startswith("data_docs/validations/") and k.endswith(".html") for k in keys)
    assert not any(k.startswith("data_docs/static/fonts/") for k in keys)


def test_a_warning_only_anomaly_publishes_with_the_warning_recorded(scenario: Scenario) -> None:
    assert scenario.runs["day2"]["state"] == "success", scenario.runs["day2"]["failed"]
    verdict = scenario.verdicts["day2"]["products"]
    assert verdict["passed"] and not verdict["critical"]
    (warning,) = verdict["warnings"]
    assert warning["check"] == "expect_column_values_to_be_between(unit_price)"
    assert warning["sample"] == [f"{WARNING_PRICE}.0"]
    assert "warnings (1, published anyway)" in verdict["message"]
    assert scenario.facts["price_published"] == [[f"{WARNING_PRICE}.00"]]


def test_rolling_back_the_warned_day_serves_the_earlier_rows_and_rolling_forward_restores_it(
    scenario: Scenario,
) -> None:
    """lakehouse_rollback to `previous` after day 2 serves day 1's products through Athena; to day 2's
    run id it serves day 2's again. Each run audits what it restores before publishing it."""
    back, forward = scenario.rollbacks["back"], scenario.rollbacks["forward"]
    assert (back["state"], forward["state"]) == ("success", "success"), (back["failed"], forward["failed"])
    day1, day2 = scenario.facts["products_day1"], scenario.facts["products_day2"]
    assert day1 != day2 and [f"{WARNING_PRICE}.00"] in [row[1:] for row in day2]
    assert scenario.facts["products_rolled_back"] == day1
    assert scenario.facts["products_rolled_forward"] == day2
    rolled_back = scenario.verdicts["rollback_back"]["products"]
    assert rolled_back["passed"] and not rolled_back["warnings"]
    rolled_forward = scenario.verdicts["rollback_forward"]["products"]
    assert rolled_forward["passed"] and [w["check"] for w in rolled_forward["warnings"]] == [
        "expect_column_values_to_be_between(unit_price)"
    ], "the version rolled forward to carries day 2's warning again"
    events = scenario.facts["rollback_asset_events"]
    for run in (back, forward):
        assert [name for name, run_id in events if run_id == run["run_id"]] == ["silver.products"]


def test_a_rollback_run_takes_seconds(scenario: Scenario) -> None:
    for run in scenario.rollbacks.values():
        assert run["seconds"] < 60, run["task_seconds"]


def assert_failed_verdict(verdict: dict[str, Any], dag_id: str, dataset: str, expected: list[str]) -> None:
    message = verdict["message"]
    assert not verdict["passed"]
    assert message.startswith(f"audit of silver.{dataset} for {DAY3} failed:")
    assert "critical (" in message and "nothing is published" in message
    for text in expected:
        assert text in message, message
    assert f"report: s3://airflow-lakehouse-lake/reports/{dag_id}/silver.{dataset}/{DAY3}/" in message


# What each staged copy of a day-3 partition changes. Each body selects from
# {rel}, the dataset's published day-3 partition; {cols} lists its columns
# (partition column last, as the stage's CTAS writes it).
STAGED_ANOMALIES: dict[str, dict[str, tuple[str, list[str]]]] = {
    "duplicates_and_drift": {
        "order_items": (
            "select * from {rel} union all select * from {rel}"
            " where order_item_id = (select min(order_item_id) from {rel})",
            ["expect_column_values_to_be_unique(order_item_id): 2 of"],
        ),
        "payments": (
            "select {cols} from {rel}",
            ["expect_column_values_to_be_between(amount): 1 of", "-12.34"],
        ),
        "orders": (
            "select {cols} from {rel}",
            ["schema: column currency (string) is missing"],
        ),
    },
    "totals_and_volume": {
        "payments": (
            "select {cols} from {rel}",
            ["expect_column_values_to_be_between(amount_minus_items): 1 of", "payment_id="],
        ),
        "orders": (
            "select * from {rel} where order_id in (select order_id from (select order_id,"
            " row_number() over (order by order_id) as n, count(*) over () as total from {rel})"
            " where n <= ceil(total * 0.1))",
            ["expect_table_row_count_to_be_between [day partition]", f"rows on {DAY3} against"],
        ),
    },
}
# column -> the expression that replaces it, for the bodies that select {cols}
REPLACED = {
    ("duplicates_and_drift", "payments"): {
        "amount": "case when payment_id = (select min(payment_id) from {rel})"
        " then cast(-12.34 as decimal(12, 2)) else amount end",
    },
    ("duplicates_and_drift", "orders"): {"currency": None},  # a dropped column
    ("totals_and_volume", "payments"): {
        "amount": "case when payment_id = (select min(payment_id) from {rel})"
        " then amount + 5 else amount end",
    },
}


def staged_body(scenario: Scenario, case: str, dataset: str) -> str:
    """The SELECT that stages `dataset`'s day-3 partition with the case's anomaly."""
    table = scenario.glue.get_table(DatabaseName="silver", Name=dataset)["Table"]
    (partition,) = [key["Name"] for key in table["PartitionKeys"]]
    rel = f"(select * from silver.{dataset} where {partition} = '{DAY3}')"
    replaced = REPLACED.get((case, dataset), {})
    columns = []
    for column in [c["Name"] for c in table["StorageDescriptor"]["Columns"]]:
        if column not in replaced:
            columns.append(column)
        elif replaced[column] is not None:
            columns.append(f"{replaced[column].format(rel=rel)} as {column}")
    body, _ = STAGED_ANOMALIES[case][dataset]
    return body.format(rel=rel, cols=", ".join([*columns, partition]))


def audit_dag(scenario: Scenario, case: str) -> Any:
    """For each dataset of `case`: stage the anomalous copy, then audit it with the DAG's operator."""
    from airflow.sdk import DAG, TaskGroup, task

    from lakehouse import names
    from lakehouse.config import pipeline_config
    from lakehouse.hooks.athena import BoundedAthenaHook
    from lakehouse.operators.expectation_audit import ExpectationSuiteAuditOperator
    from lakehouse.wap.athena import AthenaRunner
    from lakehouse.wap.plan import _add_statements, _new_plan
    from local.run_dag import register

    config = pipeline_config()
    lake = config.lake
    dag_id = f"audit_{case}"
    with DAG(dag_id=dag_id, schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)) as dag:
        for dataset in STAGED_ANOMALIES[case]:
            with TaskGroup(names.group_id("silver", dataset)):
                partition = config.table(dataset).silver_partition

                @task(task_id="stage")
                def stage(dataset: str = dataset, partition: str = partition, **context: Any) -> None:
                    # planned as the DAG plans a silver stage; its body is the anomalous copy
                    plan = _new_plan(
                        config,
                        "silver",
                        dataset,
                        context["run_id"],
                        partition_column=partition,
                        keys=config.table(dataset).primary_key,
                    )
                    plan.partitions = [DAY3.isoformat()]
                    _add_statements(plan, lambda _partitions: staged_body(scenario, case, dataset))
                    hook = BoundedAthenaHook(aws_conn_id="aws_default", query_timeout_s=120)
                    runner = AthenaRunner(hook, lake.athena_output, lake.workgroup)
                    runner.execute(plan.create_sql, plan.staging_database)
                    context["ti"].xcom_push(key=names.PLAN_KEY, value=plan.to_xcom())

                stage() >> ExpectationSuiteAuditOperator(
                    task_id="audit",
                    layer="silver",
                    dataset=dataset,
                    day=DAY3.isoformat(),
                    query_timeout=timedelta(minutes=2),
                    aws_conn_id="aws_default",
                )
    register(dag)
    return dag


@pytest.fixture(scope="module")
def staged_audits(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """case -> (the run's task states, its verdicts by dataset)."""
    outcomes = {}
    for case in STAGED_ANOMALIES:
        run = audit_dag(scenario, case).test(logical_date=datetime.now(UTC))
        states = {ti.task_id: ti.state for ti in run.get_task_instances()}
        verdicts = read_verdicts(scenario.s3, scenario.bucket, run.dag_id, run.run_id, DAY3)
        outcomes[case] = {"states": states, "verdicts": verdicts, "dag_id": run.dag_id}
    return outcomes


@pytest.mark.parametrize(
    ("case", "dataset"), [(case, dataset) for case, found in STAGED_ANOMALIES.items() for dataset in found]
)
def test_a_staged_anomaly_fails_its_audit_naming_the_expectation_the_count_and_a_sample(
    staged_audits: dict[str, dict[str, Any]], case: str, dataset: str
) -> None:
    outcome = staged_audits[case]
    assert outcome["states"][f"silver_{dataset}.stage"] == "success"
    assert outcome["states"][f"silver_{dataset}.audit"] == "failed"
    expected = STAGED_ANOMALIES[case][dataset][1]
    assert_failed_verdict(outcome["verdicts"][dataset], outcome["dag_id"], dataset, expected)
