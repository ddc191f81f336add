"""lakehouse_maintenance: wiring, its validated param, its schedule, and what its role may delete.

What it deletes and keeps is tested against the local endpoint in
tests/plugins/lakehouse/test_maintenance.py; the grants are judged here by the
same IAM evaluation the endpoint enforces, on the MWAA execution role rendered
from terraform/, with the lake's real names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.exceptions import ParamValidationError

from lakehouse.config import pipeline_config
from lakehouse.names import SUPERSEDED_PREFIX
from local.paths import DAGS_DIR

DAG_ID = "lakehouse_maintenance"


@pytest.fixture(scope="module")
def dag():
    bag = DagBag(dag_folder=str(DAGS_DIR / "lakehouse_maintenance.py"))
    assert bag.import_errors == {}
    return bag.get_dag(DAG_ID)


def test_it_cleans_while_holding_the_lakes_lease(dag) -> None:
    from lakehouse.wap.tasks import LEASE_NAME

    acquire, clean, release = (dag.get_task(t) for t in ("acquire_lake", "clean", "release_lake"))
    assert acquire.is_setup and release.is_teardown and acquire.mode == "reschedule"
    assert acquire.lease == LEASE_NAME, "the same lease as lakehouse_daily's publishes"
    assert acquire.ttl == dag.dagrun_timeout == pipeline_config().maintenance.run_timeout
    assert clean.upstream_task_ids == {"acquire_lake"} and "clean" in release.upstream_task_ids
    assert dag.max_active_runs == 1 and not dag.catchup


def test_dry_run_is_a_validated_boolean_off_by_default(dag) -> None:
    """A run's conf goes through the same check as the UI's trigger form (ParamsDict.__setitem__)."""
    import copy

    assert dag.params.validate() == {"dry_run": False}
    params = copy.deepcopy(dag.params)
    params["dry_run"] = True
    assert params.validate() == {"dry_run": True}
    for bad in ("yes", 1, None):
        with pytest.raises(ParamValidationError, match="dry_run"):
            copy.deepcopy(dag.params)["dry_run"] = bad


def test_it_runs_daily_after_the_daily_dags_window(dag) -> None:
    """Its run of a day starts once lakehouse_daily's run of that day has timed out at the latest;
    the lease keeps the two apart when a daily run is late."""
    from croniter import croniter

    config = pipeline_config()
    midnight = datetime(2026, 11, 10, tzinfo=UTC)
    daily = croniter(config.schedule.cron, midnight).get_next(datetime)
    maintenance = croniter(config.maintenance.cron, midnight).get_next(datetime)
    assert daily + config.schedule.run_timeout <= maintenance < midnight + timedelta(days=1)
    assert croniter(config.maintenance.cron, maintenance).get_next(datetime) - maintenance == timedelta(
        days=1
    )
    assert dag.timetable.summary == config.maintenance.cron


def _asks() -> list[tuple[str, str, dict[str, str]]]:
    """Every kind of call maintenance.run makes, with the lake's real names: (action, resource, context)."""
    from lakehouse.maintenance import LakeLayout
    from local.aws.iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION
    from local.aws.request_actions import glue_asks

    layout = LakeLayout.from_config(pipeline_config())
    lake = f"arn:aws:s3:::{layout.bucket}"
    results = f"arn:aws:s3:::{layout.results_bucket}"
    layer, name = layout.datasets[0]
    runs = layout.runs_prefix(layer, name)
    record = f"{SUPERSEDED_PREFIX}/{layer}/{name}/{layer}_{name}_run_1234abcd.json"
    asks = [
        ("s3:ListBucket", lake, {"s3:prefix": f"{SUPERSEDED_PREFIX}/"}),
        ("s3:GetObject", f"{lake}/{record}", {}),
        ("s3:DeleteObject", f"{lake}/{record}", {}),
        ("s3:ListBucket", results, {"s3:prefix": layout.results_prefix}),
    ]
    for layer, name in (layout.datasets[0], layout.datasets[-1]):  # a silver table and a gold dataset
        runs = layout.runs_prefix(layer, name)
        asks += [
            ("s3:ListBucket", lake, {"s3:prefix": runs}),
            ("s3:DeleteObject", f"{lake}/{runs}run_1234abcd/part-0.parquet", {}),
        ]
    calls = [("GetTables", {"DatabaseName": db}) for db in layout.live_databases.values()]
    calls += [
        ("GetPartitions", {"DatabaseName": db, "TableName": "t"}) for db in layout.live_databases.values()
    ]
    calls += [
        ("GetTables", {"DatabaseName": layout.staging_database}),
        ("DeleteTable", {"DatabaseName": layout.staging_database, "Name": "silver_orders_run_1234abcd"}),
    ]
    for action, body in calls:
        for ask in glue_asks(action, body, LOCAL_ACCOUNT_ID, LOCAL_REGION):
            asks += [(ask.action, resource, {}) for resource in ask.resources]
    return asks


@pytest.mark.parametrize("ask", _asks(), ids=lambda ask: f"{ask[0]} {ask[1].split(':')[-1]}")
def test_the_execution_role_may_do_what_maintenance_does(ask: tuple[str, str, dict[str, str]]) -> None:
    from local.aws.iam import decide
    from local.aws.iam_render import execution_role

    action, resource, context = ask
    verdict = decide(execution_role().inline_policies.values(), action, [resource], context)
    assert verdict.allowed, f"{action} on {resource} ({context}): {verdict.decision.value}"


def test_the_execution_role_may_delete_old_athena_results() -> None:
    from lakehouse.maintenance import LakeLayout
    from local.aws.iam import decide
    from local.aws.iam_render import execution_role

    layout = LakeLayout.from_config(pipeline_config())
    resource = f"arn:aws:s3:::{layout.results_bucket}/{layout.results_prefix}0a1b2c3d.csv"
    assert decide(execution_role().inline_policies.values(), "s3:DeleteObject", [resource]).allowed
