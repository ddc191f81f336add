"""Task callables of lakehouse_rollback: stage what each dataset goes back to, publish it once audited.

They live here, beside the daily DAG's (lakehouse.wap.tasks), so the DAG file
stays wiring only and imports nothing heavy. The run's request (`dataset`,
`to`) is checked again here against pipeline.yaml, whatever the trigger form
let through: only names taken from the config reach the catalog and the lake.
"""

from __future__ import annotations

import logging
from typing import Any

from lakehouse.config import pipeline_config

log = logging.getLogger(__name__)

ASSET_ALIAS = "lakehouse_rollback"  # the alias the publish emits each changed dataset's Asset event through


def dataset_asset(layer: str, name: str) -> Any:
    """The dataset's Airflow Asset, named and located as lakehouse_daily's publishes name theirs."""
    from airflow.sdk import Asset

    return Asset(name=f"{layer}.{name}", uri=pipeline_config().lake.prefix(layer, name))


def stage_restores(params: dict[str, Any], **context: Any) -> list[dict[str, Any]]:
    """Find each dataset's version in the publish records and stage it for its audit.

    Fails without retrying when the request cannot be met (an unknown dataset,
    a run that published no version of it, a version whose files the clean-up
    has deleted), naming every dataset concerned; a dataset already at that
    version is left alone.
    """
    from airflow.sdk.exceptions import AirflowFailException

    from lakehouse.wap import rollback
    from lakehouse.wap.tasks import _clients

    config = pipeline_config()
    run_id = context["run_id"]
    glue, s3 = _clients(config.lake.aws_conn_id)
    try:
        to = rollback.checked_to(params.get("to", rollback.PREVIOUS))
        selected = rollback.selected_datasets(config, params.get("dataset", ""))
    except rollback.NothingToRestore as refused:
        raise AirflowFailException(str(refused)) from None
    restores, problems = [], []
    for layer, name in selected:
        layout = rollback.dataset_layout(config, layer, name)
        try:
            restore = rollback.resolve(glue, s3, config.lake.bucket, layout, to=to, run_id=run_id)
        except rollback.NothingToRestore as refused:
            problems.append(str(refused))
            continue
        if restore is None:
            log.info("%s.%s: already at the version asked for (%s); left alone", layer, name, to)
            continue
        missing = rollback.missing_locations(s3, restore)
        if missing:
            problems.append(
                f"{restore.dataset}: the files of run {restore.version}'s version are gone (deleted past"
                f" the rollback window?): {', '.join(missing)}"
            )
            continue
        restores.append(restore)
    if problems:
        raise AirflowFailException("nothing is rolled back: " + "; ".join(problems))
    day = context["dag_run"].run_after.date().isoformat()
    staged = []
    for restore in restores:
        plan = rollback.stage(glue, restore)
        log.info(
            "%s: staged run %s's version for %s", restore.dataset, restore.version, sorted(restore.changes)
        )
        staged.append(
            {
                "restore": restore.to_xcom(),
                "plan": plan,
                # the audit's volume check compares the newest restored partition with its day before
                "day": max(restore.restored_partitions, default=day),
            }
        )
    return staged


def audit_arguments(staged: dict[str, Any]) -> dict[str, Any]:
    """The audit operator's arguments for one staged restore (XComArg.map: mapped over the stage's list)."""
    restore = staged["restore"]
    return {
        "layer": restore["layer"],
        "dataset": restore["name"],
        "plan": staged["plan"],
        "day": staged["day"],
    }


def publish_restore(staged: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Repoint the catalog at the audited version and emit the dataset's Asset event."""
    from airflow.sdk import AssetAlias

    from lakehouse.wap.rollback import Restore, apply
    from lakehouse.wap.tasks import _clients

    config = pipeline_config()
    glue, s3 = _clients(config.lake.aws_conn_id)
    restore = Restore.from_xcom(staged["restore"])
    done = apply(
        glue, s3, config.lake.bucket, restore, run_id=context["run_id"], dag_id=context["dag"].dag_id
    )
    context["outlet_events"][AssetAlias(ASSET_ALIAS)].add(
        dataset_asset(restore.layer, restore.name), extra={"rollback_to": restore.version}
    )
    return done


def drop_restore_stage(staged: dict[str, Any]) -> None:
    from lakehouse.wap.rollback import Restore, drop_stage
    from lakehouse.wap.tasks import _client

    restore = Restore.from_xcom(staged["restore"])
    drop_stage(
        _client(pipeline_config().lake.aws_conn_id, "glue"), restore.staging_database, restore.temp_table
    )
