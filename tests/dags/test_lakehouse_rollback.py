"""lakehouse_rollback imports, is manual only, holds the lake's lease, and takes only valid requests.

Its end-to-end run (a warning-only day rolled back, then forward, read through
Athena) is a step of the shared scenario (tests/dags/scenario.py).
"""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag

from local.paths import DAGS_DIR

DAG_ID = "lakehouse_rollback"


@pytest.fixture(scope="module")
def dag():
    bag = DagBag(dag_folder=str(DAGS_DIR / f"{DAG_ID}.py"))
    assert bag.import_errors == {}
    return bag.get_dag(DAG_ID)


def test_it_runs_only_when_triggered_one_run_at_a_time(dag) -> None:
    assert type(dag.timetable).__name__ == "NullTimetable"  # schedule=None
    assert dag.max_active_runs == 1


def test_every_task_runs_while_the_run_holds_the_lakes_lease(dag) -> None:
    from lakehouse.wap.tasks import LEASE_NAME

    acquire, release = dag.get_task("acquire_lake"), dag.get_task("release_lake")
    assert acquire.is_setup and release.is_teardown and acquire.mode == "reschedule"
    assert acquire.lease == LEASE_NAME, "the daily DAG's lease: a rollback never interleaves with a publish"
    others = {t.task_id for t in dag.tasks} - {acquire.task_id, release.task_id}
    assert acquire.get_flat_relative_ids(upstream=False) >= others | {release.task_id}


def test_it_stages_audits_then_publishes_and_publishes_asset_events(dag) -> None:
    from airflow.sdk import AssetAlias

    assert dag.get_task("audit").upstream_task_ids == {"stage"}
    assert dag.get_task("publish").upstream_task_ids >= {"audit", "stage"}
    assert dag.get_task("drop_stage").upstream_task_ids >= {"publish"}
    assert any(isinstance(outlet, AssetAlias) for outlet in dag.get_task("publish").outlets)


def _validated(dag, conf: dict) -> dict:
    """The params a run triggered with `conf` gets, validated as a trigger validates them."""
    import copy

    params = copy.deepcopy(dag.params)
    params.update(conf)
    return params.validate()


@pytest.mark.parametrize(
    "conf",
    [
        {"dataset": "gold.daily_revenue"},
        {"dataset": "gold.*", "to": "previous"},
        {"dataset": "silver.products", "to": "manual__2026-11-02T02:00:00+00:00"},
        {"dataset": "silver.*", "to": "scheduled__2026-11-02T02:00:00+00:00"},
    ],
)
def test_datasets_of_the_pipeline_and_run_ids_are_accepted(dag, conf: dict) -> None:
    assert _validated(dag, conf)["dataset"] == conf["dataset"]


@pytest.mark.parametrize(
    "conf",
    [
        {},  # a dataset must be named
        {"dataset": "gold.nope"},
        {"dataset": "bronze.orders"},
        {"dataset": "gold.daily_revenue'; drop table gold.daily_revenue; --"},
        {"dataset": "gold.daily_revenue", "to": "../../silver/orders"},
        {"dataset": "gold.daily_revenue", "to": "previous; drop"},
        {"dataset": "gold.daily_revenue", "to": ""},
    ],
)
def test_anything_else_is_refused_before_a_run_starts(dag, conf: dict) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        _validated(dag, conf)


def test_the_dataset_choices_are_the_pipelines(dag) -> None:
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    choices = dag.params.get_param("dataset").schema["enum"]
    assert {c for c in choices if not c.endswith(".*")} == {
        *(f"silver.{t.name}" for t in config.source.tables),
        *(f"gold.{d.name}" for d in config.gold),
    }
