"""lakehouse_daily end to end: what the shared scenario's runs did (tests/dags/conftest.py).

Its days: a full refresh, an incremental day whose planning and audit
queries wait in Athena's queue, a day whose first run fails its audits
before a second, on a replayed MWAA worker, converges, a day the DAG does not
run, and the day after it, before the third day is run once more.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from analytics_oracle import EXPECTED, close
from figures import FIGURES
from oracle import ORACLE_SQL
from scenario import ANOMALIES, DAY1, DAY2, DAY3, DAY4, DAY5, QUEUE_SECONDS, Scenario

from local.paths import REPO_ROOT

# pytest-timeout counts fixture setup in the first test's time: here that is the
# whole scenario, MWAA's install replay included (pyproject's default is for one test)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_every_run_succeeds_but_the_one_whose_audits_fail(scenario: Scenario) -> None:
    states = {name: run["state"] for name, run in scenario.runs.items()}
    assert states == {
        "day1": "success",
        "day2": "success",
        "day3_failed_audit": "failed",
        "day3": "success",
        "day5": "success",
        "day3_without_crawler_grant": "failed",
        "day3_again": "success",
    }, {name: run["failed"] for name, run in scenario.runs.items()}


def test_a_role_without_the_crawler_grant_stops_the_run_at_crawl_bronze_with_access_denied(
    scenario: Scenario,
) -> None:
    """The DAG's tasks run as the MWAA execution role rendered from terraform/: take one statement
    out of iam.tf and the run fails at the task that needs it, with AWS's error, and publishes
    nothing; with the statement back the same day converges (day3_again)."""
    from lakehouse.config import pipeline_config
    from local.aws.iam_render import execution_role

    run = scenario.runs["day3_without_crawler_grant"]
    assert run["states"]["select_tables"] == "success"
    assert not [task for task in run["failed"] if task.startswith(("export", "acquire_lake"))]
    assert run["states"]["crawl_bronze"] == "failed"
    published = {task: state for task, state in run["states"].items() if task.endswith(".publish")}
    assert published and "success" not in published.values(), published
    crawler = f"arn:aws:glue:us-east-1:123456789012:crawler/{pipeline_config().lake.crawler}"
    (report,) = [line for line in scenario.facts["crawler_grant_reports"] if "(task crawl_bronze)" in line]
    assert (
        "AirflowFailException: An error occurred (AccessDeniedException) when calling the "
        "StartCrawler operation: "
        f"User: arn:aws:sts::123456789012:assumed-role/{execution_role().name}/mwaa-worker is not "
        f"authorized to perform: glue:StartCrawler on resource: {crawler} because no identity-based "
        "policy allows the glue:StartCrawler action"
    ) in report
    assert "not retried" in report
    assert run["tries"]["crawl_bronze"] == 1
    assert scenario.runs["day3_again"]["state"] == "success"


# the execution role's statements for what lakehouse_daily does (iam.tf); the others are what
# MWAA itself does (logs, metrics, its queue, its sources, the keys, the secrets backend)
DAG_STATEMENTS = {
    "ReadWriteLakePrefixes",
    "ListLakePrefixes",
    "ListLakeUploads",
    "LocateLakeBucket",
    "AthenaResults",
    "AthenaWorkgroup",
    "GlueCatalogOfTheLayers",
    "RunTheBronzeCrawler",
    "PublishNotifications",
}


# what the DAG's statements grant that the scenario's runs do not use, and why each is kept
UNUSED_BY_THE_RUNS = {
    ("AthenaWorkgroup", "athena:StopQueryExecution"): "athena_wait.py cancels a query past its limit",
    ("GlueCatalogOfTheLayers", "glue:BatchDeletePartition"): "publish drops a partition the source emptied",
    ("ReadWriteLakePrefixes", "s3:AbortMultipartUpload"): "the export aborts a killed try's uploads",
    ("GlueCatalogOfTheLayers", "glue:BatchGetPartition"): "Athena on AWS may batch its partition reads",
    ("AthenaResults", "s3:AbortMultipartUpload"): "Athena on AWS writes large results in parts",
    ("AthenaResults", "s3:ListMultipartUploadParts"): "Athena on AWS writes large results in parts",
    ("AthenaResults", "s3:ListBucket"): "Athena on AWS lists the results location as the caller",
    ("AthenaResults", "s3:DeleteObject"): "lakehouse_maintenance deletes old results (not in the scenario)",
}


def test_the_execution_role_grants_the_dag_nothing_its_runs_do_not_use(scenario: Scenario) -> None:
    """Least privilege, measured: every action the DAG's statements grant was used by the runs
    against the endpoint that enforces them, or is one a named path or AWS's Athena needs."""
    from local.aws.iam_render import execution_role

    role = execution_role()
    (policy,) = role.inline_policies.values()
    granted = {
        (statement["Sid"], action)
        for statement in policy["Statement"]
        if statement["Sid"] in DAG_STATEMENTS
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    used = {(g["sid"], g["action"]) for g in scenario.facts["grants_used"] if g["role"] == role.name}
    assert {sid for sid, _ in granted} == DAG_STATEMENTS
    unused = sorted(granted - used)
    assert unused == sorted(UNUSED_BY_THE_RUNS), "\n".join(f"{sid} {action}" for sid, action in unused)


def test_planning_and_audit_queries_queued_longer_than_24_seconds_succeed(scenario: Scenario) -> None:
    run = scenario.runs["day2"]
    assert run["states"]["silver_payments.stage"] == "success"
    assert run["states"]["silver_payments.audit"] == "success"
    assert run["task_seconds"]["silver_payments.stage"] > QUEUE_SECONDS
    assert run["task_seconds"]["silver_payments.audit"] > QUEUE_SECONDS
    selects = [e for e in scenario.facts["queued_selects"] if "payments" in e["Query"]]
    queued = [e["Statistics"]["QueryQueueTimeInMillis"] / 1000 for e in selects]
    assert len(selects) >= 3, "the plan's query and the audit's two"
    assert all(e["Status"]["State"] == "SUCCEEDED" for e in selects)
    assert min(queued) >= QUEUE_SECONDS > 24


def test_a_failed_task_is_reported_with_its_exception_and_message(scenario: Scenario) -> None:
    reports = scenario.facts["failure_reports"]
    reported = {line.split("(task ", 1)[1].split(")", 1)[0]: line for line in reports}
    assert set(reported) == {f"silver_{dataset}.audit" for dataset in ANOMALIES}
    for dataset in ANOMALIES:
        assert reported[f"silver_{dataset}.audit"].startswith(
            f"lakehouse_daily failed: silver.{dataset} (task silver_{dataset}.audit) for {DAY3}:"
            f" AirflowFailException: audit of silver.{dataset} for {DAY3} failed:"
        )


def test_a_day_ran_on_the_replayed_mwaa_worker_from_its_folders(scenario: Scenario) -> None:
    day3 = scenario.runs["day3"]
    assert day3["python"] == scenario.facts["mwaa_worker_python"]
    assert day3["dag_file"].endswith("/dags/lakehouse_daily.py")
    assert not day3["dag_file"].startswith(str(REPO_ROOT)), "the packaged DAG ran, not the checkout's"
    assert day3["state"] == "success", day3["failed"]


@pytest.mark.parametrize("day", ["day1", "day2", "day3", "day5"])
@pytest.mark.parametrize("dataset", sorted(ORACLE_SQL))
def test_gold_equals_the_same_aggregate_computed_in_postgres(
    scenario: Scenario, day: str, dataset: str
) -> None:
    gold, expected = scenario.gold_vs_oracle[day][dataset]
    assert len(gold) == len(expected)
    assert gold == expected


def test_customer_level_gold_reads_customer_orders_only_after_the_settled_months(
    scenario: Scenario,
) -> None:
    """Day 1's full refresh first publishes customer_orders, so day 2 folds the history from every
    settled date (staged beside silver, from customer_orders as published before the run) and reads
    customer_orders from the edge on; day 3's edge moves a month on, so the history folds that
    month into its own rows. Gold equals Postgres every day (the oracle test)."""
    from lakehouse.config import pipeline_config
    from lakehouse.wap.settled import settled_before

    days = pipeline_config().gold_dataset("customer_history").settles_after_days
    edge2, edge3 = settled_before(DAY2, days), settled_before(DAY3, days)
    assert edge2 < edge3, "the scenario's days 2 and 3 are chosen to straddle a move of the edge"
    day2, day3 = scenario.facts["day2_customer_level"], scenario.facts["day3_customer_level"]
    history = day2["customer_history"]
    assert f"order_date < '{edge2}'" in history and "order_date >= " not in history
    assert f"where order_date >= '{edge2}'" in day2["customer_ltv"]
    # the fold passed its audit: what is built from it reads it as staged, not after its publish
    assert "from staging.gold_customer_history_" in day2["customer_ltv"]
    assert "from staging.gold_customer_history_" in day2["monthly_retention"]
    retention = day2["monthly_retention"]
    assert f"where order_date >= '{edge2}'" in retention and "from gold.monthly_retention" in retention
    history = day3["customer_history"]
    assert f"order_date < '{edge3}'" in history and f"order_date >= '{edge2}'" in history
    assert f"where order_date >= '{edge3}'" in day3["monthly_retention"]


def test_day_two_rewrites_only_the_partitions_its_changes_touch(scenario: Scenario) -> None:
    changed = scenario.facts["day2_changed_dates"]
    assert scenario.facts["day2_repointed"] == changed
    written = {key.split("order_date=")[1].split("/")[0] for key in scenario.facts["day2_stage_keys"]}
    assert written <= changed and len(changed) < 60, "a day's run writes only the dates it touches"


def test_a_published_run_leaves_no_temp_table_and_a_refused_one_keeps_what_it_refused(
    scenario: Scenario,
) -> None:
    assert scenario.runs["day2"]["states"]["silver_orders.publish"] == "success"
    assert scenario.runs["day2"]["states"]["drop_staged"] == "success"
    assert scenario.facts["day2_staging_tables_left"] == []
    kept = scenario.facts["day3_failed_staging_tables_left"]
    for dataset in ANOMALIES:  # refused by its audit, kept for a look (maintenance clears it later)
        assert any(name.startswith(f"silver_{dataset}_") for name in kept), (dataset, kept)


def test_a_run_that_fails_between_stage_and_publish_shows_readers_nothing_and_a_rerun_converges(
    scenario: Scenario,
) -> None:
    states = scenario.runs["day3_failed_audit"]["states"]
    assert {states[f"silver_{dataset}.stage"] for dataset in ANOMALIES} == {"success"}
    assert scenario.facts["gold_unchanged_by_failed_run"]
    assert scenario.facts["published_unchanged_by_failed_run"]
    assert scenario.runs["day3"]["state"] == "success"
    gold, expected = scenario.gold_vs_oracle["day3"]["daily_revenue"]
    assert gold == expected


def test_a_late_update_to_a_twenty_day_old_order_lands_in_its_partitions(scenario: Scenario) -> None:
    _, order_date = scenario.facts["late_order"]
    assert scenario.facts["late_silver_status"] == [["refunded"]]
    gold, expected = scenario.gold_vs_oracle["day3"]["daily_revenue"]
    gold_row = [row for row in gold if row[0] == order_date]
    assert gold_row == [row for row in expected if row[0] == order_date] != []


def test_a_day_without_a_run_is_exported_by_the_next_run_from_the_watermark(scenario: Scenario) -> None:
    batch = scenario.facts["day5_orders_batch"]
    assert batch["read_from"] == f"{DAY4}T00:00:00+00:00", "day 5 read from where day 3's publish left off"
    assert batch["read_to"] == f"{DAY5 + timedelta(days=1)}T00:00:00+00:00"
    assert scenario.facts["day4_changed_dates"], "day 4 changed orders, so gold would differ without them"
    gold, expected = scenario.gold_vs_oracle["day5"]["daily_revenue"]
    assert gold == expected


def test_rows_deleted_for_good_at_the_source_leave_silver(scenario: Scenario) -> None:
    assert scenario.facts["purged_payments"] > 0, "days 4 and 5 purged payments, so silver had some to drop"
    in_silver, at_source = scenario.facts["payment_ids"]
    assert in_silver - at_source == set(), "payments purged at the source are still in silver"
    assert in_silver == at_source


def test_rerunning_an_older_day_after_newer_ones_changes_nothing(scenario: Scenario) -> None:
    rerun = scenario.runs["day3_again"]["states"]
    assert rerun["silver_orders.publish"] == rerun["gold_daily_revenue.publish"] == "success", rerun
    assert scenario.facts["rerun_identical"]
    live_orders = scenario.facts["live_source_orders"]
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


def test_each_failed_task_of_the_failed_runs_sends_its_cause_and_log_to_the_pipeline_topic(
    scenario: Scenario,
) -> None:
    messages = scenario.facts["notifications"]["pipeline"]
    for run, task, cause in [
        *[
            ("day3_failed_audit", f"silver_{d}.audit", f"audit of silver.{d} for {DAY3} failed")
            for d in ANOMALIES
        ],
        ("day3_without_crawler_grant", "crawl_bronze", "AccessDeniedException"),
    ]:
        run_id = scenario.runs[run]["run_id"]
        (body,) = [m for m in messages if f"run: {run_id}" in m and f"task {task} failed" in m]
        assert body.startswith(f"lakehouse_daily: task {task} failed (after its retries)")
        assert f"business day: {DAY3}" in body
        assert "dataset: " in body and "cause: AirflowFailException: " in body and cause in body
        assert "\nlog: http" in body


def test_the_warning_only_audit_sends_its_expectation_and_count_to_the_quality_topic(
    scenario: Scenario,
) -> None:
    run_id = scenario.runs["day2"]["run_id"]
    (body,) = [m for m in scenario.facts["notifications"]["quality"] if f"run: {run_id}" in m]
    assert body.startswith(f"lakehouse_daily: audit of silver.products for {DAY2}: 0 critical, 1 warnings")
    (finding,) = [line for line in body.splitlines() if line.startswith("- [warning]")]
    assert "unit_price" in finding and "(1 rows)" in finding, finding
    assert "task: silver_products.audit" in body and "\nlog: http" in body
    failed = scenario.runs["day3_failed_audit"]["run_id"]
    failures = [m for m in scenario.facts["notifications"]["quality"] if f"run: {failed}" in m]
    # an audit that only warned in that run sends its message too; the four that failed, one each
    assert len([m for m in failures if m.splitlines()[0].endswith("(nothing published)")]) == len(ANOMALIES)
    for dataset, (_, expected) in ANOMALIES.items():
        (body,) = [m for m in failures if f"dataset: silver.{dataset}" in m]
        assert "1 critical" in body and expected[0].split(":")[0] in body


def test_a_run_that_published_sends_its_one_line_summary(scenario: Scenario) -> None:
    pipeline = scenario.facts["notifications"]["pipeline"]
    for run, day in [("day1", DAY1), ("day2", DAY2), ("day5", DAY5)]:
        run_id = scenario.runs[run]["run_id"]
        (line,) = [m for m in pipeline if m.startswith(f"lakehouse_daily {run_id} published {day}:")]
        assert "\n" not in line and "rows exported" in line and "partitions published" in line
    day2 = [
        m for m in pipeline if m.startswith(f"lakehouse_daily {scenario.runs['day2']['run_id']} published")
    ]
    assert day2[0].endswith(", 1 audit warnings")
    failed = scenario.runs["day3_failed_audit"]["run_id"]
    assert not [m for m in pipeline if m.startswith(f"lakehouse_daily {failed} published")]


def test_the_runs_put_their_figures_to_cloudwatch(scenario: Scenario) -> None:
    from lakehouse.alerts import LOCAL_ENVIRONMENT

    env = ("Environment", LOCAL_ENVIRONMENT)
    metrics = scenario.facts["metrics"]
    assert metrics[("RowsExported", (env, ("Table", "orders")))] > 0
    assert metrics[("BytesExported", (env, ("Table", "orders")))] > 0
    assert metrics[("AthenaBytesScanned", (env, ("Stage", "silver")))] > 0
    # every stage of a run timed, from its tasks' own clocks
    for stage in ("export", "crawl", "silver", "audit", "gold", "publish"):
        assert metrics[("StageSeconds", (env, ("Stage", stage)))] > 0, stage
    assert metrics[("AuditWarnings", (env, ("Dataset", "silver.products")))] >= 1
    assert metrics[("AuditFailures", (env, ("Dataset", "silver.payments")))] >= 1
    assert metrics[("RunsFailed", (env,))] >= 2, "day 3's failed audit and the missing crawler grant"
    assert metrics[("RunsPublished", (env,))] >= 5
    assert ("DataFreshnessSeconds", (env,)) in metrics


def test_a_days_aws_cost_is_priced_from_what_its_run_asked_the_stack_for(scenario: Scenario) -> None:
    from local.aws import usage
    from local.cost import ATHENA_MINIMUM_BYTES, day_report, deployment_from_terraform, variable_costs

    day = scenario.facts["day1_cost"]
    # the full refresh's own queries (DDL left out, as Athena does not bill it), its crawl, its writes
    assert len(day.athena_scans) >= 20 and sum(day.athena_scans) > 0
    assert day.crawls == 1
    assert day.s3_requests[usage.S3_WRITE_OR_LIST] > 0 and day.s3_requests[usage.S3_READ] > 0
    assert day.glue_requests > 0 and day.stored_bytes > 0
    athena = next(line for line in variable_costs(day) if line.service == "Athena")
    # at the sample size every query is under Athena's minimum, so the minimum is what is billed
    assert athena.usd >= len(day.athena_scans) * ATHENA_MINIMUM_BYTES / 1024**4 * 5.0
    report = day_report(day, deployment_from_terraform())
    FIGURES.append(f"cost of the scenario's full refresh on AWS:\n{report}")
    assert "at 100x the data" in report
