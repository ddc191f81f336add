"""Every DAG in dags/ imports cleanly, is owned, tagged and retried, and parses fast.

Parse speed matters because the DAG processor re-imports every file every
few seconds; the guard here is that no heavy library is imported at module
level, and that a cold import stays well under a second.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag

from local.paths import DAGS_DIR

DAG_FILES = sorted(p for p in DAGS_DIR.glob("*.py") if not p.name.startswith("_"))
HEAVY_MODULES = ("pandas", "pyarrow", "great_expectations", "duckdb", "matplotlib", "numpy")
DEFAULT_OWNER = "airflow"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS_DIR))


def test_there_are_dags_to_check() -> None:
    assert DAG_FILES, "dags/ holds no DAG files"


def test_every_dag_file_imports_without_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert len(dagbag.dags) >= len(DAG_FILES)


def test_every_dag_has_tags_an_owner_retries_and_docs(dagbag: DagBag) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.doc_md, f"{dag_id} has no doc_md"
        for task in dag.tasks:
            assert task.owner and task.owner != DEFAULT_OWNER, f"{dag_id}.{task.task_id} has no owner"
            if task.task_id.endswith(".audit"):
                # an audit's failure is a verdict on the data: retrying cannot help
                assert task.retries == 0, f"{dag_id}.{task.task_id} must not retry"
                continue
            assert task.retries >= 2, f"{dag_id}.{task.task_id} retries {task.retries} < 2"


def test_no_dag_has_a_cycle(dagbag: DagBag) -> None:
    for dag_id, dag in dagbag.dags.items():
        ordered = dag.topological_sort()
        assert len(ordered) == len(dag.tasks), dag_id


PROBE = """
import importlib.util, json, sys, time
# What the DAG processor has loaded before it parses a file; everything the
# DAG file pulls in beyond this (providers, our plugins, config) is counted.
import airflow.sdk, airflow.models.dagbag, airflow.serialization.serialized_objects
already = set(sys.modules)
# CPU time, not wall time: what parsing costs the DAG processor, unmoved by
# whatever else the machine runs (CI shares two cores with Postgres and Airflow).
start = time.process_time()
spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
elapsed = time.process_time() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(set(sys.modules) - already)}))
"""


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_in_under_a_second_without_heavy_imports(dag_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(dag_file)], capture_output=True, text=True, check=True
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    heavy = sorted({m.split(".")[0] for m in probe["modules"]} & set(HEAVY_MODULES))
    assert heavy == [], f"{dag_file.name} imports {heavy} at parse time"
    assert probe["seconds"] < 1.0, f"{dag_file.name} took {probe['seconds']:.2f} CPU seconds to parse"


def test_each_dataset_is_three_tasks_stage_audit_publish_each_waiting_on_the_one_before(
    dagbag: DagBag,
) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    audits = [t for t in dag.tasks if t.task_id.endswith(".audit")]
    assert len(audits) == 11  # five silver tables, six gold datasets
    for audit in audits:
        group = audit.task_id.rsplit(".", 1)[0]
        steps = {t.task_id for t in dag.tasks if t.task_id.startswith(f"{group}.")}
        # the settled history adds three joins: silver's audits passed; its audit and its publish
        # are done, whatever they did
        joins = {"silver_audited", "audited", "finished"} if group == "gold_customer_history" else set()
        joins = {f"{group}.{join}" for join in joins}
        assert steps == {f"{group}.stage", f"{group}.audit", f"{group}.publish"} | joins
        assert f"{group}.stage" in audit.upstream_task_ids
        assert audit.task_id in dag.get_task(f"{group}.publish").upstream_task_ids
        assert audit.trigger_rule == "none_failed_min_one_success"


def test_silver_audits_wait_for_every_silver_table_to_be_staged(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    stagings = {
        t.task_id for t in dag.tasks if t.task_id.startswith("silver_") and t.task_id.endswith(".stage")
    }
    for audit in (t for t in dag.tasks if t.task_id.startswith("silver_") and t.task_id.endswith(".audit")):
        assert stagings <= audit.upstream_task_ids, audit.task_id


def test_silver_publishes_wait_for_every_silver_audit(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    audits = {
        t.task_id for t in dag.tasks if t.task_id.startswith("silver_") and t.task_id.endswith(".audit")
    }
    for publish in (
        t for t in dag.tasks if t.task_id.startswith("silver_") and t.task_id.endswith(".publish")
    ):
        assert audits <= publish.upstream_task_ids, publish.task_id


def test_every_task_runs_while_the_run_holds_the_lakes_lease(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    acquire, release = dag.get_task("acquire_lake"), dag.get_task("release_lake")
    assert acquire.is_setup and release.is_teardown and acquire.mode == "reschedule"
    others = {t.task_id for t in dag.tasks} - {acquire.task_id, release.task_id}
    assert acquire.get_flat_relative_ids(upstream=False) >= others | {release.task_id}
    assert release.get_flat_relative_ids(upstream=True) >= others | {acquire.task_id}


def test_the_run_report_runs_whatever_the_outcome_while_the_lease_is_held(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    report = dag.get_task("report_run")
    assert report.is_teardown and "release_lake" in report.downstream_task_ids


def test_staged_tables_are_dropped_by_a_teardown_after_every_reader_while_the_lease_is_held(
    dagbag: DagBag,
) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    drop = dag.get_task("drop_staged")
    assert drop.is_teardown and "release_lake" in drop.downstream_task_ids
    readers = {t.task_id for t in dag.tasks if t.task_id.endswith((".stage", ".audit", ".publish"))}
    assert readers <= drop.get_flat_relative_ids(upstream=True)


def test_gold_is_staged_beside_silvers_audits_and_published_after_silvers_publishes(dagbag: DagBag) -> None:
    from lakehouse.config import pipeline_config

    dag = dagbag.get_dag("lakehouse_daily")
    tables = [t.name for t in pipeline_config().source.tables]
    silver_stages = {f"silver_{t}.stage" for t in tables}
    silver_publishes = {f"silver_{t}.publish" for t in tables}
    for dataset in ("daily_revenue", "product_revenue", "customer_orders"):
        stage = dag.get_task(f"gold_{dataset}.stage")
        assert stage.upstream_task_ids == silver_stages, dataset
        before = stage.get_flat_relative_ids(upstream=True)
        assert not before & ({f"silver_{t}.audit" for t in tables} | silver_publishes), dataset
        audit = dag.get_task(f"gold_{dataset}.audit")
        assert audit.reads_staged == [("silver", t) for t in tables], "its lookups read silver as staged"
        assert silver_publishes <= dag.get_task(f"gold_{dataset}.publish").upstream_task_ids, dataset


def test_every_daily_task_but_the_runs_bookkeeping_is_timed_under_a_stage(dagbag: DagBag) -> None:
    from lakehouse import stages

    dag = dagbag.get_dag("lakehouse_daily")
    untimed = {t.task_id for t in dag.tasks if stages.stage_of_task(t.task_id) is None}
    assert untimed == {"acquire_lake", "report_run", "drop_staged", "release_lake"}
    assert {stages.stage_of_task(t.task_id) for t in dag.tasks} - {None} == set(stages.STAGES)
    hooks = {
        t.task_id: t.partial_kwargs["post_execute"] if hasattr(t, "partial_kwargs") else t._post_execute_hook
        for t in dag.tasks
    }
    assert {task for task, hook in hooks.items() if hook is not stages.record_clock} == set()


def test_gold_built_from_other_gold_is_staged_from_its_staged_rows_and_published_after_it(
    dagbag: DagBag,
) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    for dataset in ("customer_ltv", "monthly_retention"):
        stage = dag.get_task(f"gold_{dataset}.stage")
        assert "gold_customer_orders.stage" in stage.upstream_task_ids, dataset
        assert "gold_customer_history.audited" in stage.upstream_task_ids, dataset
        before = stage.get_flat_relative_ids(upstream=True)
        assert not before & {"gold_customer_orders.audit", "gold_customer_orders.publish"}, dataset
        # the fold is read as staged once it passed its audit: its publish is not waited for
        assert not before & {"gold_customer_history.publish", "gold_customer_history.silver_audited"}
        assert "gold_daily_revenue.stage" not in before, dataset
        assert stage.trigger_rule == "none_failed", "a failed customer_orders leaves it unbuilt"
        publish = dag.get_task(f"gold_{dataset}.publish")
        assert "gold_customer_orders.publish" in publish.upstream_task_ids, dataset
        assert "gold_customer_history.finished" in publish.upstream_task_ids, dataset


def test_the_settled_history_is_staged_off_the_runs_path_and_published_after_silvers_audits(
    dagbag: DagBag,
) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    stage = dag.get_task("gold_customer_history.stage")
    assert stage.upstream_task_ids == {"select_tables"}
    publish = dag.get_task("gold_customer_history.publish")
    from lakehouse.config import pipeline_config

    silver_audits = {f"silver_{t.name}.audit" for t in pipeline_config().source.tables}
    silver_audited = dag.get_task("gold_customer_history.silver_audited")
    assert silver_audited.upstream_task_ids == silver_audits
    assert silver_audited.trigger_rule == "none_failed", "a failed silver audit publishes nothing"
    assert publish.upstream_task_ids == {"gold_customer_history.audit", silver_audited.task_id}
    # nothing to fold (the audit skipped): skipped at once, not once silver's audits are done
    assert publish.trigger_rule == "all_success"
    assert "gold_customer_orders.publish" not in publish.get_flat_relative_ids(upstream=True)
    audited = dag.get_task("gold_customer_history.audited")
    assert audited.upstream_task_ids == {"gold_customer_history.audit"}
    assert audited.trigger_rule == "all_done", "a failed fold must not leave ltv and retention unbuilt"
    finished = dag.get_task("gold_customer_history.finished")
    assert finished.upstream_task_ids == {"gold_customer_history.publish"}
    assert finished.trigger_rule == "all_done", "a failed fold must not leave ltv and retention unpublished"


def test_sliced_exports_are_recorded_beside_the_crawl_before_silver_plans(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("lakehouse_daily")
    record = dag.get_task("record_batches")
    assert record.upstream_task_ids == {"export"}
    assert "crawl_bronze" not in record.get_flat_relative_ids(upstream=False)  # off the crawl's path
    assert {"crawl_bronze", "record_batches"} <= dag.get_task("silver_orders.stage").upstream_task_ids
