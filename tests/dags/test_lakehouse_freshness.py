"""lakehouse_freshness imports, runs daily at pipeline.yaml's publish_by (UTC), and only wires the plugin."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.timetables.trigger import CronTriggerTimetable

from lakehouse.config import pipeline_config
from local.paths import DAGS_DIR

DAG_ID = "lakehouse_freshness"


@pytest.fixture(scope="module")
def dag():
    bag = DagBag(dag_folder=str(DAGS_DIR / "lakehouse_freshness.py"))
    assert bag.import_errors == {}
    return bag.get_dag(DAG_ID)


def test_it_runs_daily_at_the_configured_time_in_utc(dag) -> None:
    publish_by = pipeline_config().schedule.publish_by
    hours, minutes = publish_by.split(":")
    assert isinstance(dag.timetable, CronTriggerTimetable)
    assert dag.timetable.summary == f"{int(minutes)} {int(hours)} * * *"
    assert str(dag.timetable._timezone) == "UTC"
    assert not dag.catchup and dag.max_active_runs == 1


def test_one_task_checks_the_gold(dag) -> None:
    from lakehouse.freshness import check_freshness

    [check] = dag.tasks
    assert check.python_callable is check_freshness
